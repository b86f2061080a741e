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

/** `run` arguments for a quiet CPU smoke run of `cases` (a glob), plus `extra`. */
export function smokeRunArgs(cases: string, ...extra: string[]): string[] {
  return ["run", "--case", cases, "--profile", "smoke", "--backend", "cpu", ...extra];
}

/** A case result without timestamps, durations and timings: what must be equal across runs. */
export function comparable(caseResult: Record<string, unknown>): Record<string, unknown> {
  const { startedAt: _a, endedAt: _b, durationS: _c, timings: _d, ...rest } = caseResult;
  return rest;
}
