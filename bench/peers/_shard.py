"""Data-parallel shards of a peer (no torch here, so the harness's tests can run it).

With --shards P, the harness (`runPeerSharded`, bench/perf/peer.ts) starts P copies of a peer at
once, one thread each; copy --shard i takes the i-th contiguous share of the batch's independent
units (runs, sets, slots), as an expert runs independent work on P cores when the library's own
threads do not pay off at this size. Each copy warms up, then waits at the --barrier (a folder the
harness made) until every copy is ready, so that the timed parts run together; the harness takes
the slowest copy's time and joins the checksums in shard order.
"""
import os
import time

BARRIER_TIMEOUT_S = 300


def add_shard_args(ap):
    """The shard options: --shard i of --shards P, --barrier <folder>."""
    ap.add_argument("--shard", type=int, default=0)
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--barrier", default="")


def shard_range(args, n):
    """The [lo, hi) share of n units of this copy (contiguous, sizes differ by at most one)."""
    if not 0 <= args.shard < args.shards:
        raise SystemExit(f"--shard {args.shard} not in [0, {args.shards})")
    return n * args.shard // args.shards, n * (args.shard + 1) // args.shards


def barrier(args):
    """Mark this copy ready and wait until every copy is (no-op without shards)."""
    if args.shards <= 1 or not args.barrier:
        return
    open(os.path.join(args.barrier, f"ready.{args.shard}"), "w").close()
    names = [os.path.join(args.barrier, f"ready.{i}") for i in range(args.shards)]
    deadline = time.monotonic() + BARRIER_TIMEOUT_S
    while not all(os.path.exists(p) for p in names):
        if time.monotonic() > deadline:
            raise SystemExit(f"barrier: not every shard was ready after {BARRIER_TIMEOUT_S} s")
        time.sleep(0.0005)
