import process from "node:process";
import { expWasm } from "./models/cpu/pair_sums_wasm.ts";
const n = 1 << 20, a = new Float64Array(n), b = new Float64Array(n);
for (let i = 0; i < n; i++) a[i] = -30 * Math.random();
function f(a: Float64Array, b: Float64Array) { for (let i = 0; i < a.length; i++) b[i] = Math.exp(a[i]); }
const cpu = (g: () => void) => { const c = process.cpuUsage(); g(); const e = process.cpuUsage(c); return (e.user + e.system) / 1e3; };
for (let r = 0; r < 4; r++) {
  const tj = cpu(() => f(a, b)), tw = cpu(() => expWasm(a));
  console.log(`CPU: Math.exp ${(tj / n * 1e6).toFixed(2)} ns, expWasm ${(tw / n * 1e6).toFixed(2)} ns (incl. copies)`);
}
