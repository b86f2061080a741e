/**
 * Reading back what a page embeds (test-only): the chart specs, stored gzip-compressed as
 * base64 JSON strings in `<script type="application/json" id="vl-spec-N">` blocks.
 * @module
 */
import { gunzipSync } from "node:zlib";

/** The embedded chart specs of a page, by script id, decoded. */
export function embeddedSpecMap(html: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const re = /<script type="application\/json" id="(vl-spec-\d+)">([^<]*)<\/script>/g;
  for (const m of html.matchAll(re)) {
    const b64 = JSON.parse(m[2]) as string;
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    out.set(m[1], JSON.parse(new TextDecoder().decode(gunzipSync(bytes))));
  }
  return out;
}
