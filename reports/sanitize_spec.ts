/**
 * Sanitizing of chart specs read from a results file. A results file comes from other people,
 * so its Vega-Lite (or Vega) specs are untrusted: before a spec reaches an HTML page, a
 * `.vl.json` file or the SVG renderer it passes through {@link sanitizeSpec}, which keeps a
 * chart drawable from inline data but removes everything that can load a resource, link out,
 * carry markup or steer vega-embed:
 *
 * - `usermeta` (vega-embed reads `usermeta.embedOptions`: source header/footer, config URL,
 *   loader, actions) is dropped everywhere;
 * - `url`, `href`, `loader` and `baseURL` keys are dropped everywhere outside data rows (data
 *   loaded from a URL, image marks, hyperlink channels and mark properties, title links); a
 *   data source left without inline values gets `values: []`;
 * - `element` of a `bind` (binds widgets into arbitrary page elements by CSS selector);
 * - `$schema` unless it is a Vega or Vega-Lite schema address (it only picks the mode);
 * - `description` loses its markup and is capped at {@link MAX_DESCRIPTION} characters;
 * - every string (data rows included) is capped at {@link MAX_STRING} characters and a CSS
 *   `url(` (or `image-set(`) in it is broken up (a fill or cursor could otherwise fetch);
 * - `width`/`height` are capped at {@link MAX_SIZE} and `sequence` generators at
 *   {@link MAX_SEQUENCE} values (rendering them would exhaust memory);
 * - `__proto__`, `constructor` and `prototype` keys are dropped, nesting deeper than
 *   {@link MAX_DEPTH} is cut, and at most {@link MAX_NODES} values are kept.
 *
 * Pure and idempotent: sanitizing a sanitized spec changes nothing.
 * @module
 */

/** Nesting depth kept; deeper values are dropped (case charts nest fewer than 12 levels). */
export const MAX_DEPTH = 64;
/** Values (objects, arrays, scalars) kept per spec; the rest are dropped. */
export const MAX_NODES = 1_000_000;
/** Characters kept of any string. */
export const MAX_STRING = 10_000;
/** Characters kept of a `description`. */
export const MAX_DESCRIPTION = 500;

/** Largest `width`/`height` kept, in pixels (a huge view exhausts memory when rendered). */
export const MAX_SIZE = 10_000;
/** Most values a `sequence` generator may make. */
export const MAX_SEQUENCE = 100_000;

/** Keys that can load a resource, link out or configure loading: dropped outside data rows. */
const DROP_KEYS = new Set(["usermeta", "url", "href", "loader", "baseURL"]);
/** Keys that would reach an object's prototype when assigned: dropped everywhere. */
const PROTO_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Keys under which a spec holds data rows (their strings are data, not spec). */
const DATA_ROW_KEYS = new Set(["values", "datasets"]);
/** Keys of a data definition that make it a source without a URL. */
const DATA_SOURCES = ["values", "name", "source", "sequence", "sphere", "graticule"];
/** The `$schema` addresses kept: Vega and Vega-Lite schemas on vega.github.io. */
const SCHEMA_RE = /^https:\/\/vega\.github\.io\/schema\/vega(-lite)?\/v\d+(\.\d+){0,2}\.json$/;

/** CSS functions that load a resource, as written in a string (before the "("). */
const CSS_FETCH_RE = /((?:-webkit-)?image-set|image|url|src)\s*\(/gi;

/** One thing the sanitizer removed or changed: where (a JSON path) and why. */
export interface SanitizeNote {
  path: string;
  what: string;
}

/** A sanitized spec and the list of what was removed or changed (empty for a clean spec). */
export interface SanitizedSpec {
  spec: Record<string, unknown>;
  notes: SanitizeNote[];
}

/** Markup stripped from a description: tags, then any `<`/`>` left, then control characters. */
function plainText(s: string): string {
  return s
    .replace(/<[^>]*>?/g, "")
    .replace(/[<>]/g, "")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, "");
}

class Walker {
  nodes = 0;
  readonly notes: SanitizeNote[] = [];

  note(path: string, what: string): void {
    if (this.notes.length < 100) this.notes.push({ path, what });
  }

  str(s: string, path: string): string {
    let out = s;
    if (out.length > MAX_STRING) {
      out = out.slice(0, MAX_STRING);
      this.note(path, `string cut to ${MAX_STRING} characters`);
    }
    // A CSS url(...) or image-set(...) in a fill, stroke or cursor would fetch; "url (" is
    // no CSS function. (The pages' Content-Security-Policy blocks such fetches as well.)
    const broken = out.replace(CSS_FETCH_RE, "$1 (");
    if (broken !== out) {
      out = broken;
      this.note(path, "CSS url( broken up");
    }
    return out;
  }

  /** Caps on sizes and generators that would make rendering run out of memory. */
  capWork(out: Record<string, unknown>, path: string): void {
    for (const k of ["width", "height"]) {
      const v = out[k];
      if (typeof v === "number" && Math.abs(v) > MAX_SIZE) {
        out[k] = Math.sign(v) * MAX_SIZE;
        this.note(`${path}.${k}`, `capped at ${MAX_SIZE}`);
      }
    }
    const { start, stop, step } = out;
    if (
      (/\.sequence$/.test(path) || out.type === "sequence") &&
      typeof start === "number" && typeof stop === "number"
    ) {
      const by = typeof step === "number" && step !== 0 ? Math.abs(step) : 1;
      if (Math.abs(stop - start) / by > MAX_SEQUENCE + 1) {
        out.stop = start + Math.sign(stop - start) * MAX_SEQUENCE * by;
        this.note(`${path}.stop`, `sequence capped at ${MAX_SEQUENCE} values`);
      }
    }
  }

  /** A sanitized copy of `v`, or `undefined` when it is dropped. */
  value(v: unknown, path: string, depth: number, inData: boolean): unknown {
    if (++this.nodes > MAX_NODES) {
      if (this.nodes === MAX_NODES + 1) {
        this.note(path, `more than ${MAX_NODES} values: rest dropped`);
      }
      return undefined;
    }
    if (v === null || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : null;
    if (typeof v === "string") return this.str(v, path);
    if (typeof v !== "object") return undefined;
    if (depth >= MAX_DEPTH) {
      this.note(path, `nested deeper than ${MAX_DEPTH} levels: dropped`);
      return undefined;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const x = this.value(v[i], `${path}[${i}]`, depth + 1, inData);
        if (x !== undefined) out.push(x);
      }
      return out;
    }
    return this.object(v as Record<string, unknown>, path, depth, inData);
  }

  object(
    o: Record<string, unknown>,
    path: string,
    depth: number,
    inData: boolean,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let droppedUrl = false;
    for (const k of Object.keys(o)) {
      const at = `${path}.${k}`;
      if (PROTO_KEYS.has(k)) {
        this.note(at, "prototype key dropped");
        continue;
      }
      if (!inData) {
        if (DROP_KEYS.has(k)) {
          this.note(at, "dropped (no links, loading or embed options from a results file)");
          droppedUrl ||= k === "url";
          continue;
        }
        if (k === "element" && /\.bind$/.test(path)) {
          this.note(at, "bind element dropped");
          continue;
        }
        if (k === "$schema") {
          if (typeof o[k] === "string" && SCHEMA_RE.test(o[k] as string)) out[k] = o[k];
          else this.note(at, "not a Vega or Vega-Lite schema address: dropped");
          continue;
        }
        if (k === "description" && typeof o[k] === "string") {
          const d = plainText(o[k] as string).slice(0, MAX_DESCRIPTION);
          if (d !== o[k]) this.note(at, "markup stripped and cut");
          out[k] = d;
          continue;
        }
      }
      const x = this.value(o[k], at, depth + 1, inData || DATA_ROW_KEYS.has(k));
      if (x !== undefined) out[k] = x;
    }
    if (!inData) this.capWork(out, path);
    // A data definition that only had a URL becomes an empty inline data set.
    if (droppedUrl && /(^|\.)data(\[\d+\])?$/.test(path) && !DATA_SOURCES.some((k) => k in out)) {
      out.values = [];
    }
    return out;
  }
}

/**
 * Sanitize a chart spec from a results file (see the module doc for the rules). Never throws:
 * anything that is not an object becomes `{}`.
 *
 * @example
 * ```ts
 * import { sanitizeSpec } from "./sanitize_spec.ts";
 * const { spec, notes } = sanitizeSpec({
 *   data: { url: "https://example.com/x.csv" },
 *   mark: "point",
 *   usermeta: { embedOptions: { sourceFooter: "<script>alert(1)</script>" } },
 * });
 * // spec: { data: { values: [] }, mark: "point" }; notes name data.url and usermeta
 * ```
 */
export function sanitizeSpec(spec: unknown): SanitizedSpec {
  const w = new Walker();
  const isObj = spec !== null && typeof spec === "object" && !Array.isArray(spec);
  const out = isObj ? w.object(spec as Record<string, unknown>, "spec", 0, false) : {};
  if (!isObj) w.note("spec", "not an object: replaced by {}");
  return { spec: out, notes: w.notes };
}

/** {@link sanitizeSpec} without the notes. */
export function safeSpec(spec: unknown): Record<string, unknown> {
  return sanitizeSpec(spec).spec;
}
