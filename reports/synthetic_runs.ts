/**
 * Many synthetic runs for the tests and the timing of `publish`: copies of the fixture results
 * with their own run id, time, commit, machine and profile, and statistics that drift so that
 * some verdicts flip. Test-only.
 * @module
 */
import { join } from "node:path";
import { fixtureResults } from "./fixture_results.ts";
import type { Results } from "./schema.ts";

/** Run `i` of a synthetic series of nightlies on `machines` hosts. */
export function syntheticRun(i: number, machines = 3): Results {
  const r = structuredClone(fixtureResults());
  const t = new Date(Date.UTC(2026, 0, 1) + i * 6 * 3600 * 1000).toISOString();
  r.runId = `run-${String(i).padStart(4, "0")}`;
  r.createdAt = t;
  r.updatedAt = t;
  r.provenance.git.commit = `c${(Math.floor(i / 4) * 7919 % 65536).toString(16).padStart(6, "0")}`;
  r.provenance.hostname = `host-${i % machines}`;
  if (i % 10 === 9) r.plan.profile = "quick";
  for (const c of Object.values(r.cases)) {
    c.profile = r.plan.profile;
    for (const k of c.verdict.checks) {
      if (k.value === null) continue;
      k.value += 0.05 * Math.sin(i / 3);
      k.ci = [k.ci[0] === null ? null : k.ci[0] + 0.05 * Math.sin(i / 3), k.ci[1]];
    }
  }
  // one claim's verdict flips on some nights
  const flip = r.cases["fl.crossing"];
  if (flip && i % 7 === 3) {
    flip.verdict.status = "reproduced";
    flip.verdict.checks[0].status = "reproduced";
  }
  return r;
}

/** Write `n` synthetic runs under `dir` (each as `<runId>/results.json`). */
export async function writeSyntheticRuns(dir: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = syntheticRun(i);
    await Deno.mkdir(join(dir, r.runId), { recursive: true });
    await Deno.writeTextFile(join(dir, r.runId, "results.json"), JSON.stringify(r));
  }
}
