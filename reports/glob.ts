/**
 * Wildcard matching of case ids against globs (`*` any run of characters, `?` one character),
 * without regular expressions: the pattern is split at its stars and each piece is matched
 * leftmost, so a match costs at most O(|glob| · |id|) steps whatever the pattern (no
 * backtracking, no ReDoS).
 * @module
 */

/** Whether `piece` (which may contain `?`, no `*`) matches `text` at `at`. */
function pieceAt(piece: string, text: string, at: number): boolean {
  if (at + piece.length > text.length) return false;
  for (let k = 0; k < piece.length; k++) {
    if (piece[k] !== "?" && piece[k] !== text[at + k]) return false;
  }
  return true;
}

/**
 * Whether `text` matches `glob` as a whole. Greedy leftmost matching of the pieces between
 * stars is exact for globs: if any placement of a piece works, the leftmost one does too.
 *
 * @example
 * ```ts
 * import { globMatch } from "./glob.ts";
 * globMatch("fl.*", "fl.balance"); // true
 * globMatch("m?m.*", "mem.transition"); // true
 * globMatch("*".repeat(40) + "x", "mem.transition"); // false, at once
 * ```
 */
export function globMatch(glob: string, text: string): boolean {
  const pieces = glob.split("*");
  if (pieces.length === 1) return glob.length === text.length && pieceAt(glob, text, 0);
  const first = pieces[0], last = pieces[pieces.length - 1];
  if (first.length + last.length > text.length) return false;
  if (!pieceAt(first, text, 0) || !pieceAt(last, text, text.length - last.length)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let p = 1; p < pieces.length - 1; p++) {
    const piece = pieces[p];
    if (!piece) continue;
    let found = -1;
    for (let i = at; i + piece.length <= end; i++) {
      if (pieceAt(piece, text, i)) {
        found = i;
        break;
      }
    }
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}

/** Whether `s` contains a wildcard (`*` or `?`). */
export function isGlob(s: string): boolean {
  return s.includes("*") || s.includes("?");
}
