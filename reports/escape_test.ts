import assert from "node:assert/strict";
import {
  escapeHtml,
  escapeMarkdown,
  escapeXml,
  jsonForHtmlScript,
  markdownFence,
  slug,
} from "./escape.ts";
import { fixtureResults, XSS } from "./fixture_results.ts";
import { junitXml } from "./junit.ts";
import { reportHtml } from "./html.ts";
import { summaryMarkdown } from "./summary_md.ts";

Deno.test("escapeHtml escapes the five special characters", () => {
  assert.deepEqual(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
  assert.deepEqual(escapeHtml(null), "");
  assert.deepEqual(escapeHtml(3), "3");
});

Deno.test("escapeMarkdown keeps a table cell on one line and inert", () => {
  const s = escapeMarkdown("a|b\nc `code` <i>x</i> [l](javascript:x) *e*");
  assert(!s.includes("\n"));
  assert(!/(^|[^\\])\|/.test(s), s);
  assert(!/(^|[^\\])`/.test(s), s);
  assert(!s.includes("<i>"));
  assert.deepEqual(s, "a\\|b<br>c \\`code\\` &lt;i&gt;x&lt;/i&gt; \\[l\\](javascript:x) \\*e\\*");
});

Deno.test("markdownFence cannot be closed by the text inside", () => {
  const f = markdownFence("a ```` b");
  assert(f.startsWith("`````\n") && f.endsWith("\n`````"));
  assert.deepEqual(markdownFence("x"), "```\nx\n```");
});

Deno.test("escapeXml drops invalid characters and protects attributes", () => {
  assert.deepEqual(escapeXml("a\u0000b<&>\"'"), "a\uFFFDb&lt;&amp;&gt;&quot;&apos;");
  assert.deepEqual(escapeXml("a\nb", true), "a&#10;b");
  assert.deepEqual(escapeXml("a\nb"), "a\nb");
  assert.deepEqual(escapeXml("\uD800x"), "\uFFFDx");
  assert.deepEqual(escapeXml("\uD83D\uDE00"), "\uD83D\uDE00");
});

Deno.test("jsonForHtmlScript round-trips and cannot close a script element", () => {
  const v = { t: "</script><!-- & \u2028", n: [1, null] };
  const s = jsonForHtmlScript(v);
  assert(!s.includes("<") && !s.includes(">") && !s.includes("&"));
  assert.deepEqual(JSON.parse(s), v);
});

Deno.test("slug keeps safe characters only", () => {
  assert.deepEqual(slug("fl.balance/../x y"), "fl.balance_.._x_y");
  assert.deepEqual(slug(".."), "_..");
});

Deno.test("injected markup in a claim, a config value and a chart title never appears unescaped", async () => {
  const r = fixtureResults({ payload: XSS, missing: true });
  assert(r.cases["fl.balance"].claim.includes(XSS));
  assert(String(r.cases["fl.balance"].config.label).includes(XSS));
  assert(r.cases["fl.balance"].charts[0].title.includes(XSS));
  const svgKey = "fl.balance--scaling";
  const html = await reportHtml(r, {
    [svgKey]: `<svg xmlns="http://www.w3.org/2000/svg">${XSS}</svg>`,
  });
  const md = summaryMarkdown(r, { chartDir: "charts" });
  const xml = junitXml(r);
  for (const [name, text] of [["html", html], ["md", md], ["junit", xml]]) {
    assert(!text.includes(XSS), `${name} contains the payload unescaped`);
    assert(!text.includes("<script>alert"), `${name} contains an injected script tag`);
  }
  // The escaped payload is there (the text is shown, not dropped).
  assert(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert(md.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert(xml.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  // Every <script> element we open is closed exactly once: nothing ends one early.
  const opens = html.match(/<script[\s>]/g)?.length ?? 0;
  const closes = html.match(/<\/script>/g)?.length ?? 0;
  assert.deepEqual(opens, closes);
});
