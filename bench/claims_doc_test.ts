/**
 * The claims docs (`docs/claims/<paper>.md`) against the cases: every case has its block in its
 * paper's doc, and its tolerance bands, version, profile defaults and hyperparameter sources
 * there are the ones the code uses. On a failure, fix the doc (prose included) and run
 * `deno task claims-doc` to regenerate the blocks.
 */
import assert from "node:assert/strict";
import { ALL_CASES } from "./registry.ts";
import { PROFILES } from "./case.ts";
import { resolveConfig } from "./config.ts";
import { jsonSafe } from "../reports/schema.ts";
import {
  blockDefaults,
  claimBands,
  claimBlock,
  CLAIMS_DOC_DIR,
  docFileOf,
  paramTable,
  parseClaimBlock,
  sectionOf,
  tableCells,
} from "./claims_doc.ts";

const root = new URL("../", import.meta.url);
const docs = new Map<string, string>();
for (const f of new Set(ALL_CASES.map((c) => docFileOf(c.id)))) {
  docs.set(f, await Deno.readTextFile(new URL(`${CLAIMS_DOC_DIR}/${f}`, root)));
}
const HINT = "update docs/claims (prose too) and run: deno task claims-doc";

for (const c of ALL_CASES) {
  const file = docFileOf(c.id);
  Deno.test(`${c.id}: bands, version and profile defaults match ${CLAIMS_DOC_DIR}/${file}`, () => {
    const section = sectionOf(docs.get(file)!, c.id);
    assert(section !== null, `${file} has no generated block for ${c.id}; ${HINT}`);
    const block = parseClaimBlock(section);
    assert(block, `${file}: no json claimbench-claim block for ${c.id}; ${HINT}`);
    assert.equal(block.id, c.id);
    assert.equal(block.version, c.version, `${c.id}: version drifted; ${HINT}`);
    assert.deepEqual(block.bands, claimBands(c), `${c.id}: tolerance bands drifted; ${HINT}`);
    for (const p of PROFILES) {
      assert.deepEqual(
        blockDefaults(block, p),
        jsonSafe(resolveConfig(c, p, {})),
        `${c.id}: ${p} defaults drifted; ${HINT}`,
      );
    }
  });
  Deno.test(`${c.id}: the hyperparameter table of ${file} matches the case's params`, () => {
    const section = sectionOf(docs.get(file)!, c.id) ?? "";
    assert.deepEqual(tableCells(section), tableCells(paramTable(c)), `${c.id}: ${HINT}`);
  });
}

Deno.test("claimBands: a case's fixed claim (claimSpec) is what the doc records", () => {
  const c = ALL_CASES.find((k) => k.id === "mem.transition")!;
  assert.deepEqual(claimBands(c), JSON.parse(JSON.stringify(c.claimSpec)));
  const withClaim = { ...c, claimSpec: { crossing: [0.5, Infinity] } };
  assert.deepEqual(claimBands(withClaim as unknown as typeof c), { crossing: [0.5, null] });
});

Deno.test("a changed band or default is caught (the check can fail)", () => {
  const c = ALL_CASES.find((k) => k.id === "fl.balance")!;
  const block = claimBlock(c);
  const drifted = { ...c, claimSpec: { ...c.claimSpec, slopeBand: [0.5, 1.5] } };
  assert.notDeepEqual(claimBlock(drifted).bands, block.bands);
  const resized = {
    ...c,
    profiles: { ...c.profiles, quick: { ...c.profiles.quick, seeds: 7 } },
  };
  assert.notDeepEqual(claimBlock(resized).defaults.quick, block.defaults.quick);
});

Deno.test("every doc cites its paper with a link and names no file outside the project", () => {
  for (const [f, text] of docs) {
    assert.match(text, /https:\/\/(arxiv\.org|openreview\.net)\//, `${f}: no link to the paper`);
    assert.doesNotMatch(text, /\.\.\/shared|seeds\//, `${f} points outside the project`);
  }
});
