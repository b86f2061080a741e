import assert from "node:assert/strict";
import { terminalSafe } from "./terminal_safe.ts";

Deno.test("terminalSafe shows control and bidi characters as escapes", () => {
  const hostile = [
    "\x1b[2J\x1b[H",
    "\x1b]0;owned\x07",
    "ok\rFAKE",
    "\x9b31m",
    "a\u202Eb",
    "\u2066x\u2069",
    "\x00\x7f",
    "\x1bP+q\x1b\\",
  ];
  for (const h of hostile) {
    const s = terminalSafe(h);
    // deno-lint-ignore no-control-regex
    assert(!/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(s), s);
  }
  assert.equal(terminalSafe("case \x1b[31mred"), "case \\u001b[31mred");
  assert.equal(terminalSafe("a\tb\nc"), "a\tb\nc");
  assert.equal(terminalSafe("a\nb\r", { oneLine: true }), "a\\u000ab\\u000d");
  assert.equal(terminalSafe("plain — ü ✓"), "plain — ü ✓");
  assert.equal(terminalSafe(undefined), "");
  console.log(`terminal_safe_test: ${hostile.length} hostile strings tried`);
});
