/**
 * The per-case table of `docs/precision.md` (f32 on WebGPU against f64 on the CPU), read back so a
 * test can keep it in step with the registry and the tests it cites: every registered case has a
 * row, every cited test file exists, and every quoted test name occurs in its file.
 * @module
 */

/** A test cited in the comparison column: `path/x_test.ts`, optionally followed by `: "name"`. */
export interface PrecisionCitation {
  /** Path of the test file, relative to the repository root. */
  file: string;
  /** A test name (or a literal part of it) quoted after the file; null when none is quoted. */
  name: string | null;
}

/** One row of the table. */
export interface PrecisionRow {
  /** The case id, from the first cell (in backticks). */
  caseId: string;
  /** The comparison column's cell, as written. */
  comparison: string;
  /** The tests cited in the comparison column. */
  citations: PrecisionCitation[];
}

const CITATION = /`([^`\s]+_test\.ts)`(?::\s*"([^"]+)")?/g;

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

/**
 * The rows of the first table whose header starts with `Case` and has a column starting with
 * `Comparison tests`; null when the document has no such table.
 */
export function parsePrecisionTable(md: string): PrecisionRow[] | null {
  const lines = md.split("\n");
  const at = lines.findIndex((l) => /^\|\s*Case\s*\|/.test(l));
  if (at < 0 || !/^\|[\s:|-]+\|\s*$/.test(lines[at + 1] ?? "")) return null;
  const col = cells(lines[at]).findIndex((c) => c.startsWith("Comparison tests"));
  if (col < 0) return null;
  const rows: PrecisionRow[] = [];
  for (let i = at + 2; i < lines.length && lines[i].trim().startsWith("|"); i++) {
    const row = cells(lines[i]);
    const caseId = /^`([^`]+)`$/.exec(row[0] ?? "")?.[1] ?? (row[0] ?? "");
    const comparison = row[col] ?? "";
    const citations = [...comparison.matchAll(CITATION)].map((m) => ({
      file: m[1],
      name: m[2] ?? null,
    }));
    rows.push({ caseId, comparison, citations });
  }
  return rows;
}

/**
 * What is wrong with the document against the registered case ids: a missing, unknown or
 * duplicated case row; a comparison cell that cites no test and does not start with "none"; a
 * cited file that `read` cannot find (it returns null); a quoted test name absent from its file.
 * Empty when the document is in step.
 */
export function checkPrecisionDoc(
  md: string,
  caseIds: readonly string[],
  read: (file: string) => string | null,
): string[] {
  const rows = parsePrecisionTable(md);
  if (!rows) return ["no table with a `Case` and a `Comparison tests` column"];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (!caseIds.includes(r.caseId)) problems.push(`row for an unregistered case ${r.caseId}`);
    if (seen.has(r.caseId)) problems.push(`two rows for ${r.caseId}`);
    seen.add(r.caseId);
    if (!r.citations.length && !r.comparison.toLowerCase().startsWith("none")) {
      problems.push(`${r.caseId}: the comparison column cites no test file and does not say none`);
    }
    for (const c of r.citations) {
      const text = read(c.file);
      if (text === null) problems.push(`${r.caseId}: cited file ${c.file} does not exist`);
      else if (c.name !== null && !text.includes(c.name)) {
        problems.push(`${r.caseId}: ${c.file} has no test named "${c.name}"`);
      }
    }
  }
  for (const id of caseIds) if (!seen.has(id)) problems.push(`case ${id} has no row`);
  return problems;
}
