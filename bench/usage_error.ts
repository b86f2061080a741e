/**
 * Usage errors: bad arguments, overrides or configs. The CLI prints the message and exits 2.
 * @module
 */

/** An error in what the user asked for; its message names the field and the allowed values. */
export class UsageError extends Error {
  override name = "UsageError";
}
