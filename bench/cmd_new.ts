/**
 * `claimbench new <dir> <paper>.<claim>`: write a claim pack to start from.
 * @module
 */
import { parseCommandArgs } from "./cli_args.ts";
import { UsageError } from "./usage_error.ts";
import { writeScaffold } from "./scaffold.ts";

/** `new --help`. */
export const NEW_HELP = `Usage: claimbench new <dir> <paper>.<claim>

Writes a claim pack into <dir> (which must not exist or be empty): mod.ts (exports the
pack's cases), <claim>.ts (a working case to adapt: config schema, run, predict, judge
with a fixed claim band, charts, robustness alternatives, tidy rows), <claim>_test.ts
(a measurement that satisfies the claim is reproduced, one that violates it is not), a
deno.json whose import map points 'claimbench' at this installation, and a README.

Then:  (cd <dir> && deno test -A)
       claimbench run --pack <dir>/mod.ts --profile smoke`;

/** Run `new`; returns the exit code. */
export async function cmdNew(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, NEW_HELP);
  if (values.help) return console.log(NEW_HELP), 0;
  if (positionals.length !== 2) {
    throw new UsageError(`new needs a folder and a case id\n\n${NEW_HELP}`);
  }
  const files = await writeScaffold(positionals[0], positionals[1]);
  for (const f of files) console.log(f);
  return 0;
}
