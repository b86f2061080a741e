/**
 * The module boundaries of the repository, as a checker. Layers, bottom to top:
 * `reports/` (schema, statistics, charts, pages) and `datasets/` (data models, random streams)
 * import nothing of ours but themselves and `deps.ts`; `models/` may import `datasets/`; `bench/`
 * may import all three; `examples/` (claim packs) import only the public API (`claimbench` or the
 * root `mod.ts`) and their own folder. Everywhere: a file whose name starts with `_` is private
 * to its folder. `import_rules_test.ts` fails when an import crosses these rules.
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

/** One import of one file, with the rule it breaks. */
export interface ImportViolation {
  file: string;
  specifier: string;
  rule: string;
}

/** The folders each top-level folder may import from (besides itself and `deps.ts`). */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  reports: [],
  datasets: [],
  models: ["datasets"],
  bench: ["reports", "datasets", "models", "mod.ts"],
  scripts: ["reports", "datasets", "models", "bench", "mod.ts"],
  "mod.ts": ["reports", "datasets", "models", "bench"],
};

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** The specifiers a TypeScript source imports or re-exports (doc examples included). */
export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1]);
}

function topOf(path: string): string {
  const first = path.split("/")[0];
  return path.includes("/") ? first : path;
}

/**
 * The rules `file` (a repository-relative path) breaks by importing `specifier`, if any.
 * Bare, `node:`, `npm:` and URL specifiers are not ours and always allowed, except in
 * `examples/`, where the only bare specifier of ours is `claimbench`.
 */
export function checkImport(file: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const target = normalize(join(dirname(file), specifier));
  if (target.startsWith("..")) return "imports a file outside the repository";
  const base = target.split("/").pop() ?? "";
  if (base.startsWith("_") && dirname(target) !== dirname(file)) {
    return `imports ${target}, a file private to ${dirname(target)}/`;
  }
  const from = topOf(file), to = topOf(target);
  if (from === "examples") {
    const pack = file.split("/").slice(0, 2).join("/");
    if (target === "mod.ts" || relative(pack, target).startsWith("..") === false) return null;
    return `a claim pack imports ${target}: packs import only the public API (claimbench)`;
  }
  if (to === from || target === "deps.ts") return null;
  const allowed = LAYERS[from];
  if (!allowed) return null;
  return allowed.includes(to)
    ? null
    : `${from}/ may not import ${to}${to.endsWith(".ts") ? "" : "/"}`;
}

/** Every violation among `files` (repository-relative path → source). */
export function checkImports(files: ReadonlyMap<string, string>): ImportViolation[] {
  const out: ImportViolation[] = [];
  for (const [file, source] of files) {
    for (const specifier of importSpecifiers(source)) {
      const rule = checkImport(file, specifier);
      if (rule) out.push({ file, specifier, rule });
    }
  }
  return out;
}

const SKIP = new Set(["node_modules", "results", ".git", ".gpu"]);

/** The TypeScript sources of the repository at `root`, by repository-relative path. */
export async function repositorySources(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(join(root, dir))) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory && !SKIP.has(e.name) && !e.name.startsWith(".")) await walk(rel);
      else if (e.isFile && e.name.endsWith(".ts")) {
        files.set(rel, await Deno.readTextFile(join(root, rel)));
      }
    }
  }
  await walk("");
  return files;
}
