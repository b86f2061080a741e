/**
 * Progress output on stderr: a bar with ETA per case on a TTY, plain lines (every 10% or
 * 30 s) otherwise, and nothing when quiet.
 * @module
 */

/** A sink for one case's progress. */
export interface ProgressReporter {
  update(done: number, total: number, label?: string): void;
  finish(message: string): void;
}

/** Options of {@link progressFor}. */
export interface ProgressOptions {
  tty?: boolean;
  quiet?: boolean;
  write?: (s: string) => void;
  now?: () => number;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** A progress reporter for `caseId` (case `index` of `count`). */
export function progressFor(
  caseId: string,
  index: number,
  count: number,
  opts: ProgressOptions = {},
): ProgressReporter {
  const enc = new TextEncoder();
  const write = opts.write ?? ((s: string) => void Deno.stderr.writeSync(enc.encode(s)));
  const now = opts.now ?? (() => performance.now());
  const tty = opts.tty ?? Deno.stderr.isTerminal();
  const start = now();
  let lastDraw = -Infinity, lastPct = -1;
  const prefix = `[${index}/${count}] ${caseId}`;
  return {
    update(done, total, label) {
      if (opts.quiet) return;
      const t = now();
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const elapsed = (t - start) / 1000;
      const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : NaN;
      if (tty) {
        if (t - lastDraw < 100 && done < total) return;
        lastDraw = t;
        const width = 24, filled = Math.round(frac * width);
        write(
          `\r\x1b[2K${prefix} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${
            (frac * 100).toFixed(0)
          }% ` +
            `${label ?? ""} elapsed ${fmtDuration(elapsed)} eta ${fmtDuration(eta)}`,
        );
      } else {
        const pct = Math.floor(frac * 10);
        if (pct === lastPct && t - lastDraw < 30000) return;
        lastPct = pct, lastDraw = t;
        write(
          `${prefix}: ${(frac * 100).toFixed(0)}% ${label ?? ""} (elapsed ${
            fmtDuration(elapsed)
          }, eta ${fmtDuration(eta)})\n`,
        );
      }
    },
    finish(message) {
      if (opts.quiet) return;
      const elapsed = (now() - start) / 1000;
      write(`${tty ? "\r\x1b[2K" : ""}${prefix}: ${message} in ${fmtDuration(elapsed)}\n`);
    },
  };
}
