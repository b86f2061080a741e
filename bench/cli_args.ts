/**
 * Argument parsing shared by the CLI's commands: strict `node:util` parseArgs with `--help`,
 * turning every parse error into a {@link UsageError} followed by the command's help.
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./usage_error.ts";

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** Parse `args` for a command with `options` (plus `--help`); errors carry the command's `help`. */
export function parseCommandArgs<const T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  help: string,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, ...HELP_OPTION },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : e}\n\n${help}`);
  }
}

/** `--out`: undefined when absent; an empty value is a usage error (it is not "here"). */
export function outOption(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!s.trim()) {
    throw new UsageError(`--out ${JSON.stringify(s)}: give a folder name (use --out . for here)`);
  }
  return s;
}
