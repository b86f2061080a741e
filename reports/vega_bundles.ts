/**
 * The browser builds of vega, vega-lite and vega-embed, read from the npm packages on disk so
 * that the HTML report can inline them and open offline. Looked up in the repository's
 * `node_modules` (top-level link, then `node_modules/.deno/<pkg>@<version>`), then in Deno's
 * npm cache; the versions pinned in `deno.json` are preferred.
 * @module
 */

/** The three browser builds (minified JavaScript source) and where they came from. */
export interface VegaBundles {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
  /** The files read, for diagnostics. */
  paths: string[];
}

const FILES = {
  vega: ["vega", "build/vega.min.js"],
  vegaLite: ["vega-lite", "build/vega-lite.min.js"],
  vegaEmbed: ["vega-embed", "build/vega-embed.min.js"],
} as const;

const ROOT = new URL("../", import.meta.url);

async function pinnedVersions(): Promise<Record<string, string>> {
  try {
    const cfg = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
    const out: Record<string, string> = {};
    for (const spec of Object.values(cfg.imports ?? {})) {
      const m = typeof spec === "string" ? /^npm:(@?[^@]+)@([^/]+)$/.exec(spec) : null;
      if (m) out[m[1]] = m[2];
    }
    return out;
  } catch {
    return {};
  }
}

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) names.push(e.name);
  } catch {
    // missing folder: no candidates
  }
  return names.sort().reverse();
}

function denoDir(): string | null {
  const env = Deno.env.get("DENO_DIR");
  if (env) return env;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) return null;
  if (Deno.build.os === "darwin") return `${home}/Library/Caches/deno`;
  if (Deno.build.os === "windows") {
    return `${Deno.env.get("LOCALAPPDATA") ?? `${home}/AppData/Local`}/deno`;
  }
  return `${Deno.env.get("XDG_CACHE_HOME") ?? `${home}/.cache`}/deno`;
}

async function candidates(pkg: string, file: string, version?: string): Promise<string[]> {
  if (ROOT.protocol !== "file:") return [];
  const nm = decodeURIComponent(new URL("node_modules/", ROOT).pathname);
  const out = [`${nm}${pkg}/${file}`];
  const inDeno = (await listDir(`${nm}.deno`)).filter((n) => n.startsWith(`${pkg}@`));
  if (version) {
    inDeno.sort((a, b) => Number(b === `${pkg}@${version}`) - Number(a === `${pkg}@${version}`));
  }
  out.push(...inDeno.map((d) => `${nm}.deno/${d}/node_modules/${pkg}/${file}`));
  const dd = denoDir();
  if (dd) {
    const base = `${dd}/npm/registry.npmjs.org/${pkg}`;
    const versions = await listDir(base);
    if (version) versions.sort((a, b) => Number(b === version) - Number(a === version));
    out.push(...versions.map((v) => `${base}/${v}/${file}`));
  }
  return out;
}

async function readFirst(paths: string[]): Promise<[string, string] | null> {
  for (const p of paths) {
    try {
      return [p, await Deno.readTextFile(p)];
    } catch {
      // try the next
    }
  }
  return null;
}

let cached: Promise<VegaBundles> | null = null;

/**
 * Read the three browser builds (cached after the first call). Throws, naming the places
 * searched, when one is missing (run `deno install` in the repository to fetch them).
 */
export function loadVegaBundles(): Promise<VegaBundles> {
  cached ??= (async () => {
    const pins = await pinnedVersions();
    const found: Record<string, string> = {};
    const paths: string[] = [];
    for (const [key, [pkg, file]] of Object.entries(FILES)) {
      const where = await candidates(pkg, file, pins[pkg]);
      const hit = await readFirst(where);
      if (!hit) {
        throw new Error(
          `cannot find ${pkg}/${file} (looked in: ${
            where.join(", ") || "nothing: not a file URL"
          }); ` +
            "run `deno install` in the repository",
        );
      }
      paths.push(hit[0]);
      found[key] = hit[1];
    }
    return { vega: found.vega, vegaLite: found.vegaLite, vegaEmbed: found.vegaEmbed, paths };
  })();
  cached.catch(() => (cached = null));
  return cached;
}
