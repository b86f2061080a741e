/**
 * `claimbench new <dir> <paper>.<claim>`: a claim pack to start from, copied from the tested
 * template pack in `examples/template/` (a case with config schema, run, predict, judge, charts,
 * robustness alternatives and tidy rows, and its tests), plus a `deno.json` whose import map
 * points `claimbench` at this installation's public API.
 * @module
 */
import { basename, join, resolve } from "node:path";
import { UsageError } from "./usage_error.ts";

const TEMPLATE = new URL("../examples/template/", import.meta.url);
const ROOT = new URL("../", import.meta.url);

/** The files `new` writes, relative to the pack folder. */
export interface ScaffoldFile {
  path: string;
  text: string;
}

/** Check a `<paper>.<claim>` id; returns the claim part as a file stem. */
export function claimStem(id: string): string {
  const m = /^([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)$/.exec(id);
  if (!m) {
    throw new UsageError(
      `new: the case id ${
        JSON.stringify(id)
      } must be <paper>.<claim>, lower-case letters, digits and '-', e.g. mine.risk-peak`,
    );
  }
  return m[2].replace(/-/g, "_");
}

/** The files of a new pack for case `id` in folder `dir` (nothing is written). */
export async function scaffoldFiles(dir: string, id: string): Promise<ScaffoldFile[]> {
  const stem = claimStem(id);
  const name = basename(resolve(dir)).replace(/[^A-Za-z0-9._-]/g, "-") || "pack";
  const read = (f: string) => Deno.readTextFile(new URL(f, TEMPLATE));
  const fixImports = (t: string) => t.replaceAll('"./claim.ts"', `"./${stem}.ts"`);
  const rootConfig = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    imports: Record<string, string>;
  };
  const imports: Record<string, string> = {
    ...rootConfig.imports,
    claimbench: new URL("mod.ts", ROOT).href,
  };
  return [
    {
      path: `${stem}.ts`,
      text: (await read("claim.ts")).replaceAll("paper.claim", id),
    },
    { path: `${stem}_test.ts`, text: fixImports(await read("claim_test.ts")) },
    {
      path: "mod.ts",
      text: fixImports(await read("mod.ts")).replace('name = "template"', `name = "${name}"`),
    },
    {
      path: "deno.json",
      text: JSON.stringify({ imports }, null, 2) + "\n",
    },
    {
      path: "README.md",
      text: `# ${name}: a claimbench claim pack

\`${id}\` in \`${stem}.ts\` is a template: replace its experiment (\`run\`), theory (\`predict\`), claim
(\`CLAIM\`, the bands \`judge\` checks) and charts with your paper's; keep \`${stem}_test.ts\`'s two judge
tests true (a measurement that satisfies the claim is reproduced, one that violates it is not).

    deno test -A                                       # the pack's own tests
    claimbench run --pack ${name}/mod.ts --profile smoke   # a verdict and a report
`,
    },
  ];
}

/** Write a new pack into `dir` (which must not exist or be empty); returns the paths. */
export async function writeScaffold(dir: string, id: string): Promise<string[]> {
  if (!dir) throw new UsageError("new: the pack folder must not be empty");
  const files = await scaffoldFiles(dir, id);
  const existing = await Array.fromAsync(Deno.readDir(dir)).catch(() => null);
  if (existing?.length) throw new UsageError(`new: ${dir} exists and is not empty`);
  await Deno.mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const f of files) {
    const p = join(dir, f.path);
    await Deno.writeTextFile(p, f.text, { createNew: true });
    out.push(p);
  }
  return out;
}
