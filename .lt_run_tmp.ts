import { makeTestContext } from "./bench/testing.ts";
import { cases } from "./bench/lt/mod.ts";
import { acquireBackend } from "./models/gpu/device.ts";
const profile = Deno.args[0] as "smoke" | "quick";
const pat = Deno.args[1] ?? "";
const backend = Deno.args[2] ?? "cpu";
const dev = backend === "webgpu" ? (await acquireBackend("webgpu")).device : null;
for (const c of cases) {
  if (pat && !c.id.includes(pat)) continue;
  const cfg = c.configSchema.parse(c.profiles[profile]);
  const n = c.defaultSeeds(cfg);
  const ctx = makeTestContext({ seeds: Array.from({ length: n }, (_, i) => i), device: dev });
  const t = performance.now();
  const m = await c.run(ctx, cfg);
  const p = c.predict(cfg);
  const v = c.judge({ measurement: m, prediction: p }, cfg);
  const ch = c.charts({ measurement: m, prediction: p }, cfg, v);
  const tb = c.tables?.({ measurement: m, prediction: p }, cfg, v) ?? [];
  console.log(`== ${c.id} ${profile} ${backend} ${((performance.now() - t) / 1000).toFixed(1)} s est ${c.estimateSeconds(cfg).toFixed(1)} s`, JSON.stringify(ctx.timings));
  console.log(v.status);
  for (const k of v.checks) console.log(`  [${k.status}] ${k.name}: ${k.value?.toFixed?.(4)} [${k.ci[0]?.toFixed?.(4)}, ${k.ci[1]?.toFixed?.(4)}] band ${k.band}`);
  for (const f of v.findings) console.log("  - " + f);
  for (const t of tb) for (const r of t.rows) console.log("   ", r.join(" | "));
  if (ctx.runErrors.length) console.log("runErrors", ctx.runErrors.length, ctx.runErrors[0]);
  await Deno.writeTextFile(`/tmp/lt_${c.id}_${profile}_${backend}.json`, JSON.stringify({ m, v, ch, tb }));
}
