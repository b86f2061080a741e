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

/**
 * Run `claimbench <args>` in a subprocess (no GPU unless `gpu`); with `timeoutMs`, a CLI still
 * running then is killed (its code is then 137 or 143: a hang shows as a failed exit code).
 */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CLI, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    stdout: "piped",
    stderr: "piped",
    signal: opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined,
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Spawn the CLI without waiting (for kill tests); `stderr: "piped"` to watch its progress. */
export function spawnCli(
  args: string[],
  opts: { stderr?: "null" | "piped"; env?: Record<string, string> } = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CLI, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    stdout: "null",
    stderr: opts.stderr ?? "null",
  }).spawn();
}

/** `run` arguments for a quiet CPU smoke run of `cases` (a glob), plus `extra`. */
export function smokeRunArgs(cases: string, ...extra: string[]): string[] {
  return ["run", "--case", cases, "--profile", "smoke", "--backend", "cpu", ...extra];
}

/**
 * A case result without timestamps (started, ended, re-judged), durations and timings: what
 * must be equal across runs.
 */
export function comparable(caseResult: Record<string, unknown>): Record<string, unknown> {
  const { startedAt: _a, endedAt: _b, durationS: _c, timings: _d, ...rest } = caseResult;
  // a case kept by --resume is judged again: when is a timestamp too
  const judge = rest.judge as Record<string, unknown> | undefined;
  if (judge) rest.judge = { ...judge, rejudgedAt: null };
  return rest;
}

/**
 * Run the CLI's `main` in this process (no start-up cost), with its console output captured,
 * `env` set for the call, and the fault seam armed with `fault` (e.g. `["ENOSPC", 3]`). Calls
 * must not overlap (console, env and the seam are process-wide).
 */
export async function runMain(
  args: string[],
  opts: { env?: Record<string, string>; fault?: [string, number] } = {},
): Promise<CliOutput> {
  const { main } = await import("./cli.ts");
  const { armFault } = await import("../reports/fault_seam.ts");
  const out: string[] = [], err: string[] = [];
  const saved = { log: console.log, error: console.error };
  const oldEnv = Object.keys(opts.env ?? {}).map((k) => [k, Deno.env.get(k)] as const);
  const text = (xs: unknown[]) => xs.map((x) => (typeof x === "string" ? x : String(x))).join(" ");
  console.log = (...xs: unknown[]) => void out.push(text(xs));
  console.error = (...xs: unknown[]) => void err.push(text(xs));
  for (const [k, v] of Object.entries(opts.env ?? {})) Deno.env.set(k, v);
  armFault(opts.fault?.[0] ?? null, opts.fault?.[1]);
  try {
    const code = await main(args);
    return { code, stdout: out.join("\n") + "\n", stderr: err.join("\n") + "\n" };
  } finally {
    armFault(null);
    Object.assign(console, saved);
    for (const [k, v] of oldEnv) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}
