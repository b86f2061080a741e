/**
 * Spawning the CLI in tests.
 * @module
 */

/** The CLI's exit code and output. */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI = new URL("./cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** Run `claimbench <args>` in a subprocess (no GPU unless `gpu`). */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string> } = {},
): Promise<CliOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CLI, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Spawn the CLI without waiting (for kill tests). */
export function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CLI, ...args],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
}
