#!/usr/bin/env python3
"""A stand-in peer for bench/peers/shard_test.ts: the real shard protocol of `_shard.py` (shard
share, barrier) around a sleep instead of torch. Copy i arrives at the barrier after i * --stagger
seconds; its checksum is its units' indices, then the same + 1000 (two columns); it reports how
long it waited at the barrier."""
import argparse
import json
import sys
import time

from _shard import add_shard_args, barrier, shard_range

ap = argparse.ArgumentParser()
ap.add_argument("--units", type=int, required=True)
ap.add_argument("--work", type=float, default=0.05)
ap.add_argument("--stagger", type=float, default=0.3)
ap.add_argument("--fail-shard", type=int, default=-1)
add_shard_args(ap)
args = ap.parse_args()
lo, hi = shard_range(args, args.units)
if args.shard == args.fail_shard:
    sys.exit("fake peer: this shard fails")
time.sleep(args.shard * args.stagger)
t0 = time.time()
barrier(args)
start = time.time()
time.sleep(args.work * (1 + args.shard))
units = list(range(lo, hi))
print(json.dumps({"seconds": time.time() - start, "waited": start - t0, "checksum": units + [u + 1000 for u in units],
                  "activeFraction": 0.1 * (args.shard + 1)}))
