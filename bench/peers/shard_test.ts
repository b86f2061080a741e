import assert from "node:assert/strict";
import { mergeShardChecksums, peerConfigLabel, peerConfigs, runPeerSharded } from "../perf/peer.ts";

const FAKE = new URL("./_shard_fake_peer.py", import.meta.url).pathname;

/** A python3 for the stand-in peer (no torch needed), or null. */
async function python(): Promise<string | null> {
  for (const p of [Deno.env.get("CLAIMBENCH_PYTHON"), "python3", "/usr/bin/python3"]) {
    if (!p) continue;
    try {
      if ((await new Deno.Command(p, { args: ["-c", "1"] }).output()).success) return p;
    } catch { /* not there */ }
  }
  return null;
}
const PY = await python();

Deno.test("mergeShardChecksums: column by column, shards in order; unequal columns throw", () => {
  assert.deepEqual(mergeShardChecksums([[1, 2, 10, 20], [3, 30]], 2), [1, 2, 3, 10, 20, 30]);
  assert.deepEqual(mergeShardChecksums([[5, 6], [], [7]], 1), [5, 6, 7]);
  assert.throws(() => mergeShardChecksums([[1, 2, 3]], 2), /not 2 equal columns/);
});

Deno.test("peerConfigs: one thread, all cores as threads, all cores as processes where it shards", () => {
  const labels = (s?: number, dev = "cpu", cores = 2) =>
    peerConfigs({ shardColumns: s }, dev, cores).map(peerConfigLabel);
  assert.deepEqual(labels(2), ["1 thr", "2 thr", "2 proc × 1 thr"]);
  assert.deepEqual(labels(undefined), ["1 thr", "2 thr"]);
  assert.deepEqual(labels(1, "cuda"), ["2 thr"]);
  assert.deepEqual(labels(1, "cpu", 1), ["1 thr"]);
});

Deno.test({
  name: "runPeerSharded: copies start their timed parts together, slowest time, merged checksum",
  ignore: PY === null,
  async fn() {
    const t = await runPeerSharded([PY!, FAKE, "--units", "7", "--work", "0.05"], 3, 2);
    const all = [0, 1, 2, 3, 4, 5, 6];
    assert.deepEqual(t.checksum, [...all, ...all.map((u) => u + 1000)]);
    const secs = t.info!.shardSeconds as number[];
    assert.equal(secs.length, 3);
    assert.equal(t.seconds, Math.max(...secs));
    assert.ok(secs[2] > secs[0], `copy 2 works 3× as long as copy 0: ${secs}`);
    // copy 2 reached the barrier 0.6 s after copy 0, which waited there for it
    assert.ok((t.info!.waited as number) > 0.5, `copy 0 waited ${t.info!.waited} s`);
    // activeFraction 0.1, 0.2, 0.3 weighted by 2, 2, 3 units: (0.2 + 0.4 + 0.9) / 7
    assert.ok(Math.abs((t.info!.activeFraction as number) - 1.5 / 7) < 1e-12);
    assert.equal(t.info!.processes, 3);
  },
});

Deno.test({
  name: "runPeerSharded: a failing copy stops the others (no wait at the barrier) and rejects",
  ignore: PY === null,
  async fn() {
    const t0 = performance.now();
    await assert.rejects(
      runPeerSharded([PY!, FAKE, "--units", "4", "--fail-shard", "1", "--stagger", "0"], 2, 1),
      /this shard fails/,
    );
    assert.ok(performance.now() - t0 < 20_000, "did not wait for the barrier's timeout");
  },
});
