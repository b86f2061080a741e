import assert from "node:assert/strict";
import { fixtureResults, XSS } from "./fixture_results.ts";
import { junitXml } from "./junit.ts";

/** A small well-formedness check: balanced tags, no raw `<` or stray `&` in text or attributes. */
function assertWellFormed(xml: string) {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of body.matchAll(tag)) {
    const between = body.slice(last, m.index);
    assert(!between.includes("<"), `raw < in text: ${between.slice(0, 80)}`);
    assert(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(between), `stray & in text`);
    assert(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(m[3]), `stray & in attributes`);
    last = m.index + m[0].length;
    if (m[1]) assert.equal(stack.pop(), m[2], `mismatched </${m[2]}>`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.join(",")}`);
  assert.equal(body.slice(last).trim(), "");
}

function testcases(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (
    const m of xml.matchAll(
      /<testcase classname="([^"]*)" name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g,
    )
  ) {
    out.set(m[2], m[0]);
  }
  return out;
}

Deno.test("junitXml: one testcase per case with failure, error and skipped", () => {
  const xml = junitXml(fixtureResults());
  assertWellFormed(xml);
  const tc = testcases(xml);
  assert.deepEqual([...tc.keys()], ["fl.balance", "fl.crossing", "mem.transition", "mem.onset"]);
  assert.equal(xml.match(/<testcase /g)?.length, 4);
  const ok = tc.get("fl.balance")!;
  assert(ok.includes('classname="FL 2024"'));
  assert(!/<(failure|error|skipped)/.test(ok));
  assert(ok.includes('<property name="statistic" value="slope"/>'));
  assert(ok.includes('<property name="value" value="-0.49"/>'));
  assert(ok.includes('<property name="ci.lo" value="-0.53"/>'));
  assert(ok.includes('<property name="band.hi" value="-0.4"/>'));
  const fail = tc.get("fl.crossing")!;
  assert.match(
    fail,
    /<failure message="not reproduced: n\*\/d = 3\.1 \(95% CI \[2\.8, 3\.4\]; band \[1\.5, 2\.5\]\)" type="not reproduced">/,
  );
  assert(!/<(error|skipped)/.test(fail));
  const skip = tc.get("mem.transition")!;
  assert.match(skip, /<skipped message="inconclusive: n\* = n\/a/);
  const err = tc.get("mem.onset")!;
  assert.match(err, /<error message="device lost " type="error">Error: device lost/);
  assert.match(xml, /<testsuites [^>]*tests="4" failures="1" errors="1" skipped="1"/);
  assert.match(xml, /<testsuite name="FL 2024" tests="2" failures="1" errors="0" skipped="0"/);
  assert.match(xml, /<testsuite name="MEM 2025" tests="2" failures="0" errors="1" skipped="1"/);
});

Deno.test("junitXml: planned cases without a result are skipped; labels are escaped", () => {
  const xml = junitXml(fixtureResults({ missing: true, payload: XSS + ' "q" & \u0001' }));
  assertWellFormed(xml);
  assert(!xml.includes(XSS));
  assert(!xml.includes("\u0001"));
  assert.match(
    xml,
    /<testcase classname="\(not run\)" name="cum\.pending" time="0">\s*<skipped message="not run/,
  );
  assert.match(xml, /<testsuites [^>]*tests="5" failures="1" errors="1" skipped="2"/);
});
