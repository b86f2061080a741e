import process from "node:process";
import { laterPairSumsWasm } from "./models/cpu/pair_sums_wasm.ts";
import { laterPairSums } from "./models/cpu/pair_sums.ts";
import { PhiloxStream } from "./datasets/philox.ts";
const cpu = (g: () => void) => { const c = process.cpuUsage(); g(); const e = process.cpuUsage(c); return (e.user + e.system) / 1e3; };
for (const d of [8, 32]) {
const n = 1000;
const x = new PhiloxStream(1, "b").fillNormal(new Float64Array(n * d), 1, 10) as Float64Array;
const eps = Math.pow(n, -1 / d), sc = 1 / (4 * eps * eps);
const a = new Float64Array(n), b = new Float64Array(n);
for (let rep = 0; rep < 4; rep++) {
  const tj = cpu(() => laterPairSums(x, d, 0, n, n, sc, a));
  const tw = cpu(() => laterPairSumsWasm(x, d, 0, n, n, sc, b));
  const P = n * (n - 1) / 2;
  console.log(`d=${d} CPU ms: js ${tj.toFixed(1)} (${(tj*1e6/P).toFixed(1)} ns/pair) wasm ${tw.toFixed(1)} (${(tw*1e6/P).toFixed(1)} ns/pair) same=${a.every((v,i)=>Object.is(v,b[i]))}`);
}}
