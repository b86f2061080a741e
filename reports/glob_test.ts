import assert from "node:assert/strict";
import { globMatch } from "./glob.ts";

/** A reference matcher by dynamic programming (slow, obviously right). */
function reference(glob: string, text: string): boolean {
  const m = glob.length, n = text.length;
  let row = Array.from({ length: n + 1 }, (_, j) => j === 0);
  for (let i = 1; i <= m; i++) {
    const next = Array.from({ length: n + 1 }, () => false);
    next[0] = row[0] && glob[i - 1] === "*";
    for (let j = 1; j <= n; j++) {
      const g = glob[i - 1];
      next[j] = g === "*" ? row[j] || next[j - 1] : row[j - 1] && (g === "?" || g === text[j - 1]);
    }
    row = next;
  }
  return row[n];
}

Deno.test("globMatch agrees with a dynamic-programming reference on random globs and ids", () => {
  let seed = 7;
  const rnd = (k: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
  const alphabet = "ab.*?";
  let tried = 0;
  for (let t = 0; t < 20000; t++) {
    const glob = Array.from({ length: rnd(8) }, () => alphabet[rnd(alphabet.length)]).join("");
    const text = Array.from({ length: rnd(9) }, () => "ab."[rnd(3)]).join("");
    assert.equal(globMatch(glob, text), reference(glob, text), `${glob} vs ${text}`);
    tried++;
  }
  console.log(`globMatch: ${tried} random glob/id pairs agree with the reference`);
});

Deno.test("globMatch: exact ids, stars, question marks, regex characters are literal", () => {
  assert.ok(globMatch("fl.balance", "fl.balance"));
  assert.ok(!globMatch("fl.balance", "flxbalance"));
  assert.ok(globMatch("fl.*", "fl.jump"));
  assert.ok(globMatch("*", ""));
  assert.ok(globMatch("m?m.*on", "mem.transition"));
  assert.ok(!globMatch("(a|b)+", "aaa"));
  assert.ok(globMatch("(a|b)+", "(a|b)+"));
});

Deno.test("globMatch: pathological globs answer in linear time (the ReDoS of issue 15)", () => {
  const id = "mem.hellinger-onset-" + "a".repeat(1000);
  const t0 = performance.now();
  for (const stars of [12, 16, 64, 1000]) {
    assert.equal(globMatch("*".repeat(stars) + "x", id), false);
    assert.equal(globMatch("*a".repeat(stars) + "x", id), false);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `took ${ms} ms`);
});
