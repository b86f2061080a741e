/**
 * Claim packs: case modules outside this repository (`--pack <path or URL to a mod.ts>`, or the
 * `packs` list of a `claimbench.json` in the working folder). A pack exports `cases` (and may
 * export `name`); its case ids are namespaced `<pack name>:<id>`. Provenance records each pack's
 * location and the hash of its source. A pack that fails to load, exports no valid case, or
 * collides with an id is a usage error naming the pack.
 * @module
 */
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyCase } from "./case.ts";
import { UsageError } from "./usage_error.ts";
import { PROFILES } from "./case.ts";

/** A pack as loaded. */
export interface LoadedPack {
  name: string;
  location: string;
  sha256: string;
  cases: AnyCase[];
}

/** The file listing packs in the working folder. */
export const PACKS_FILE = "claimbench.json";

function packUrl(spec: string, base: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec)) return new URL(spec);
  return pathToFileURL(isAbsolute(spec) ? spec : resolve(base, spec)) as URL;
}

async function sourceOf(url: URL): Promise<string> {
  if (url.protocol === "file:") return await Deno.readTextFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return await res.text();
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Why `c` is not a usable case, or null. */
function invalidCase(c: unknown): string | null {
  if (!c || typeof c !== "object") return "not an object";
  const o = c as Record<string, unknown>;
  if (typeof o.id !== "string" || !/^[a-z0-9][a-z0-9._-]*$/i.test(o.id)) {
    return "id must be a string of letters, digits, '.', '_' or '-'";
  }
  for (const f of ["run", "predict", "judge", "charts", "estimateSeconds", "defaultSeeds"]) {
    if (typeof o[f] !== "function") return `${o.id}: ${f} is not a function`;
  }
  const schema = o.configSchema as { safeParse?: unknown } | undefined;
  if (!schema || typeof schema.safeParse !== "function") return `${o.id}: configSchema is not zod`;
  const profiles = o.profiles as Record<string, unknown> | undefined;
  if (!profiles || PROFILES.some((p) => !profiles[p] || typeof profiles[p] !== "object")) {
    return `${o.id}: profiles must have smoke, quick and full`;
  }
  if (typeof o.version !== "number") return `${o.id}: version is not a number`;
  return null;
}

/** Load one pack; `base` resolves relative paths. */
export async function loadPack(spec: string, base = Deno.cwd()): Promise<LoadedPack> {
  const fail = (why: string) => new UsageError(`--pack ${spec}: ${why}`);
  let url: URL;
  try {
    url = packUrl(spec, base);
  } catch {
    throw fail("not a path or URL");
  }
  let source: string;
  try {
    source = await sourceOf(url);
  } catch (e) {
    throw fail(`cannot read it (${e instanceof Error ? e.message.split("\n")[0] : e})`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(url.href);
  } catch (e) {
    throw fail(`failed to load (${e instanceof Error ? e.message.split("\n")[0] : e})`);
  }
  const list = mod.cases;
  if (!Array.isArray(list) || !list.length) throw fail("exports no `cases` array of cases");
  const name = typeof mod.name === "string" && mod.name
    ? mod.name
    : basename(dirname(url.pathname)) || "pack";
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) {
    throw fail(`its name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`);
  }
  const cases: AnyCase[] = [];
  for (const c of list) {
    const why = invalidCase(c);
    if (why) throw fail(`not a valid case: ${why}`);
    cases.push({ ...(c as AnyCase), id: `${name}:${(c as AnyCase).id}` });
  }
  return { name, location: url.href, sha256: await sha256(source), cases };
}

/** The pack specs of a `claimbench.json` in `dir` (none when there is no such file). */
export async function packsFromFile(dir = Deno.cwd()): Promise<string[]> {
  const path = resolve(dir, PACKS_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw new UsageError(`${path}: cannot read it (${e instanceof Error ? e.message : e})`);
  }
  let packs: unknown;
  try {
    packs = (JSON.parse(text) as { packs?: unknown }).packs;
  } catch {
    throw new UsageError(`${path}: not valid JSON`);
  }
  if (packs === undefined) return [];
  if (!Array.isArray(packs) || packs.some((p) => typeof p !== "string")) {
    throw new UsageError(`${path}: "packs" must be a list of paths or URLs of pack modules`);
  }
  // paths in the file are relative to the file
  return packs.map((p) => (/^[a-z][a-z0-9+.-]*:/i.test(p) || isAbsolute(p) ? p : resolve(dir, p)));
}

/**
 * The built-in cases plus those of `specs` (and of `claimbench.json`), with every id unique.
 * Returns the packs for provenance.
 */
export async function suiteWithPacks(
  builtIn: readonly AnyCase[],
  specs: readonly string[],
  opts: { cwd?: string; readFile?: boolean } = {},
): Promise<{ cases: AnyCase[]; packs: LoadedPack[] }> {
  const all = [
    ...(opts.readFile === false ? [] : await packsFromFile(opts.cwd)),
    ...specs,
  ];
  const packs: LoadedPack[] = [];
  const cases = [...builtIn];
  const ids = new Set(builtIn.map((c) => c.id));
  for (const spec of [...new Set(all)]) {
    const pack = await loadPack(spec, opts.cwd);
    if (packs.some((p) => p.location === pack.location)) continue;
    for (const c of pack.cases) {
      if (ids.has(c.id)) {
        throw new UsageError(`--pack ${spec}: case id ${c.id} is already taken`);
      }
      ids.add(c.id);
      cases.push(c);
    }
    packs.push(pack);
  }
  return { cases, packs };
}

/** The packs as provenance records them. */
export function packRecords(packs: readonly LoadedPack[]) {
  return packs.map((p) => ({
    name: p.name,
    location: p.location,
    sha256: p.sha256,
    cases: p.cases.map((c) => c.id),
  }));
}
