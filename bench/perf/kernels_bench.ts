/**
 * `deno bench` of every batched kernel that has a perf peer (kernel sums, pSGD steps, the GD
 * trainers), suite CPU path against WebGPU, at the peers' smoke sizes. Save with
 * `deno task bench-json > bench.json` to compare two runs.
 */
import { PEERS } from "./registry.ts";
import { sharedBackend } from "../../models/gpu/device.ts";

const dir = await Deno.makeTempDir({ prefix: "claimbench-bench-" });
const gpu = await sharedBackend();

for (const peer of PEERS) {
  const work = await peer.setup(dir, "smoke");
  const group = `${peer.id} (${work.units.toExponential(2)} ${work.unitName})`;
  Deno.bench({ name: `${peer.id} cpu`, group, baseline: true, n: 5, warmup: 1 }, async () => {
    await work.suite("cpu");
  });
  Deno.bench({
    name: `${peer.id} webgpu (${gpu.adapter?.description ?? "no adapter"})`,
    group,
    ignore: !gpu.device,
    n: 5,
    warmup: 1,
  }, async () => {
    await work.suite("webgpu");
  });
}
