/**
 * The time a `deno task perf --size full` run would take here, estimated before it starts: each
 * row's suite and peer run once at the smoke size, and their times are scaled by the ratio of
 * FLOPs (units × FLOPs per unit) of the full size to the smoke size; a row then costs its
 * warm-ups (one suite run, two peer runs: one thread and every core) and `reps` timed runs of
 * each side. Small sizes amortise fixed costs worse, so the estimate errs long on a GPU.
 * @module
 */
import type { PeerWork } from "./peer.ts";

/** Seconds of the full size from a smoke-size time, scaled by FLOPs. */
export function scaleByFlops(
  smokeSeconds: number,
  smoke: Pick<PeerWork, "units" | "flopsPerUnit">,
  full: Pick<PeerWork, "units" | "flopsPerUnit">,
): number {
  return smokeSeconds * (full.units * full.flopsPerUnit) / (smoke.units * smoke.flopsPerUnit);
}

/** Seconds of one row: warm-ups (1 suite, 2 peer) and `reps` interleaved runs of each side. */
export function rowSeconds(suite: number, peer: number, reps: number): number {
  return (reps + 1) * suite + (reps + 2) * peer;
}

/** One row's estimate. */
export interface RowEstimate {
  row: string;
  suite: number;
  peer: number;
  seconds: number;
}

/** A duration in words ("3.2 h", "41 min", "12 s"). */
export function duration(s: number): string {
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${Math.round(s / 60)} min`;
  return `${Math.max(0, Math.round(s))} s`;
}

/**
 * Whether to start: `proceed` unless the total exceeds `maxHours`; the message is the one line
 * printed either way.
 */
export function fullSizeVerdict(
  rows: RowEstimate[],
  maxHours: number,
): { proceed: boolean; total: number; message: string } {
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  if (total > maxHours * 3600) {
    const worst = rows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    return {
      proceed: false,
      total,
      message: `--size full would take about ${duration(total)} on this machine (longest row ` +
        `${worst.row}: ${duration(worst.seconds)}; estimated from smoke-size runs scaled by ` +
        `FLOPs): run it where a GPU is lent, narrow it with --only or --backends, or raise ` +
        `--max-hours (now ${maxHours})`,
    };
  }
  return {
    proceed: true,
    total,
    message:
      `--size full estimated at about ${duration(total)} (smoke-size runs scaled by FLOPs; ` +
      `limit --max-hours ${maxHours})`,
  };
}
