import { readResults } from "./schema.ts";
import { overlaySpecs } from "./compare_charts.ts";
import { renderSvg } from "./render_svg.ts";
import { compareResults } from "./compare.ts";
const a = await readResults("/tmp/cb/a/results.json");
for (const x of ["b","c","d"]) {
const b = await readResults(`/tmp/cb/${x}/results.json`);
const cmp = compareResults(a, b);
console.log(x, cmp.regressions, cmp.notes, cmp.provenance.map(p=>p.field), cmp.cases.map(c=>[c.id,c.statusA,c.statusB,c.notes, c.measurement.note]));
}
const b = await readResults(`/tmp/cb/b/results.json`);
for (const id of Object.keys(a.cases)) for (const ch of a.cases[id].charts) {
  const o = overlaySpecs(ch.spec, b.cases[id].charts.find(c=>c.id===ch.id)!.spec);
  const warn: string[] = [];
  const svg = await renderSvg(o.spec, {onWarning: (m)=>warn.push(m)});
  await Deno.writeTextFile(`/tmp/cb/${ch.id}.svg`, svg);
  console.log(ch.id, o.mode, warn);
}
