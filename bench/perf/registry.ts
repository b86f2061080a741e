/**
 * The side-by-side benchmarks of `deno task perf`, one per synthetic case's hot loop.
 * @module
 */
import type { PeerBenchmark } from "./peer.ts";
import { memKernelPeer } from "../peers/mem_kernel.ts";
import { cumPairwisePeers } from "../peers/cum_peer.ts";
import { flPeers } from "../peers/fl_peer.ts";
import { ltSamplerPeer } from "../peers/lt_peer.ts";

/** All perf peers. */
export const PEERS: PeerBenchmark[] = [
  memKernelPeer,
  ...cumPairwisePeers,
  ...flPeers,
  ltSamplerPeer,
];
