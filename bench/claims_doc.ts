/**
 * The claims documentation (`docs/claims/<paper>.md`) kept true to the cases: each case's doc
 * section ends with a generated block — its hyperparameter table (every config field with its
 * smoke/quick/full default and its source) and a machine-readable `json claimbench-claim` block
 * (id, version, tolerance bands, profile defaults). `deno task claims-doc` rewrites those
 * blocks from the cases; `bench/claims_doc_test.ts` fails when a case's bands, defaults or
 * version drift from its doc. The prose around them (data model, model, observable, prediction,
 * where the tolerance comes from, citation) is written by hand.
 * @module
 */
import type { AnyCase, Profile } from "./case.ts";
import { PROFILES } from "./case.ts";
import { configShape, resolveConfig } from "./config.ts";
import { ALL_CASES } from "./registry.ts";
import { jsonSafe } from "../reports/schema.ts";

/** The docs folder, relative to the repository root. */
export const CLAIMS_DOC_DIR = "docs/claims";

/** The doc file of a case: one per paper, named by the id's prefix (`fl.md`, `cum.md`, …). */
export function docFileOf(id: string): string {
  return `${id.slice(0, id.indexOf("."))}.md`;
}

/** A tolerance band or scalar tolerance as stored in a doc (JSON: ±∞ as null). */
export type BandValue = unknown;

/**
 * A case's tolerance bands, by name. Reads the case's fixed claim (`c.claimSpec`: bands, levels)
 * when it has one, else the config defaults of the quick profile whose field names end in
 * `band`, `tolerance` or `ratioMin` (e.g. `slopeBand`, `band`, `tailTolerance`, `sharpnessRatioMin`). Non-finite ends become
 * null, as in results files.
 */
export function claimBands(c: AnyCase): Record<string, BandValue> {
  if (c.claimSpec && Object.keys(c.claimSpec).length) {
    return jsonSafe({ ...c.claimSpec } as Record<string, BandValue>);
  }
  const cfg = resolveConfig(c, "quick", {});
  return jsonSafe(
    Object.fromEntries(Object.entries(cfg).filter(([k]) => /(band|tolerance|ratioMin)$/i.test(k))),
  );
}

/** The machine-readable block of a case. */
export interface ClaimBlock {
  id: string;
  version: number;
  bands: Record<string, BandValue>;
  /** Quick-profile defaults in full; smoke and full only where they differ from quick. */
  defaults: { quick: Record<string, unknown> } & Partial<Record<Profile, Record<string, unknown>>>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The block the case's code implies. */
export function claimBlock(c: AnyCase): ClaimBlock {
  const quick = jsonSafe(resolveConfig(c, "quick", {}));
  const defaults: ClaimBlock["defaults"] = { quick };
  for (const p of PROFILES) {
    if (p === "quick") continue;
    const cfg = jsonSafe(resolveConfig(c, p, {}));
    defaults[p] = Object.fromEntries(
      Object.entries(cfg).filter(([k, v]) => !same(v, quick[k])),
    );
  }
  return { id: c.id, version: c.version, bands: claimBands(c), defaults };
}

/** A full profile's defaults from a block (quick overlaid by the profile's differences). */
export function blockDefaults(b: ClaimBlock, p: Profile): Record<string, unknown> {
  return p === "quick" ? b.defaults.quick : { ...b.defaults.quick, ...(b.defaults[p] ?? {}) };
}

function cell(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The hyperparameter table of a case: field, the three profiles' defaults, source, note. */
export function paramTable(c: AnyCase): string {
  const cfg = Object.fromEntries(PROFILES.map((p) => [p, jsonSafe(resolveConfig(c, p, {}))]));
  const shape = configShape(c);
  const rows = Object.keys(cfg.quick).map((k) => {
    const src = c.params[k];
    const note = src?.note ?? shape[k]?.description ?? "";
    const v = (p: Profile) => `\`${cell(cfg[p][k])}\``;
    return `| \`${k}\` | ${v("smoke")} | ${v("quick")} | ${v("full")} | ${
      src ? src.source : "not declared"
    } | ${cell(note)} |`;
  });
  return [
    "| field | smoke | quick | full | source | note |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** JSON indented by object, with lists of numbers and strings on one line. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\s+([^[\]{}]*?)\s+\]/g,
    (_m, inner: string) => `[${inner.split(/,\s+/).join(", ")}]`,
  );
}

/** The generated block of a case (between its markers). */
export function generatedSection(c: AnyCase): string {
  return [
    "",
    `Hyperparameters of \`${c.id}\` (defaults per profile; source: \`paper\` = the paper, ` +
    "`claims` = the claim specification above, `ours` = our choice, with the reason):",
    "",
    paramTable(c),
    "",
    "```json claimbench-claim",
    compactJson(claimBlock(c)),
    "```",
    "",
  ].join("\n");
}

/** The markers around a case's generated block. */
export function markers(id: string): { start: string; end: string } {
  return {
    start: `<!-- claimbench:generated ${id} start -->`,
    end: `<!-- claimbench:generated ${id} end -->`,
  };
}

/** The text between a case's markers in `doc`, or null when the doc has no such block. */
export function sectionOf(doc: string, id: string): string | null {
  const { start, end } = markers(id);
  const a = doc.indexOf(start), b = doc.indexOf(end);
  if (a < 0 || b < a) return null;
  return doc.slice(a + start.length, b);
}

/** `doc` with the generated block of every case in `cases` that it has markers for rewritten. */
export function regenerate(doc: string, cases: readonly AnyCase[]): string {
  let out = doc;
  for (const c of cases) {
    const { start, end } = markers(c.id);
    const a = out.indexOf(start), b = out.indexOf(end);
    if (a < 0 || b < a) continue;
    out = out.slice(0, a + start.length) + generatedSection(c) + out.slice(b);
  }
  return out;
}

/** The `json claimbench-claim` block of a case's section (parsed), or null. */
export function parseClaimBlock(section: string): ClaimBlock | null {
  const m = /```json claimbench-claim\n([\s\S]*?)\n```/.exec(section);
  return m ? JSON.parse(m[1]) as ClaimBlock : null;
}

/** The hyperparameter table rows of a section as cells (header and rule dropped). */
export function tableCells(section: string): string[][] {
  return section.split("\n").filter((l) => l.startsWith("|")).slice(2).map((l) =>
    l.slice(1, -1).split(/(?<!\\)\|/).map((s) => s.trim())
  );
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const files = [...new Set(ALL_CASES.map((c) => docFileOf(c.id)))];
  const written: string[] = [];
  for (const f of files) {
    const path = new URL(`${CLAIMS_DOC_DIR}/${f}`, root).pathname;
    const doc = await Deno.readTextFile(path);
    const missing = ALL_CASES.filter((c) => docFileOf(c.id) === f && sectionOf(doc, c.id) === null);
    for (const c of missing) {
      console.error(
        `claims-doc: ${f} has no block for ${c.id}; add:\n  ${markers(c.id).start}\n  ${
          markers(c.id).end
        }`,
      );
    }
    await Deno.writeTextFile(path, regenerate(doc, ALL_CASES));
    written.push(path);
  }
  // keep the docs as `deno fmt` formats them (tables aligned, JSON indented)
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", ...written] }).output();
  console.log(`claims-doc: regenerated ${written.length} file(s) in ${CLAIMS_DOC_DIR}/`);
}
