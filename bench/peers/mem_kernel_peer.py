#!/usr/bin/env python3
"""PyTorch peer of claimbench's Paper C hot loop: pairwise Gaussian kernel row sums in log space.

Reads sets of points written by bench/peers/mem_kernel.ts (little-endian f64, row-major,
`sets` x `n` x `d`), computes log sum_{i,j} exp(-scale * |x_i - x_j|^2) per set, as a PyTorch
expert would on a BLAS: each set centred at its mean (as the suite's GPU path does), then the
matmul form |x_i|^2 + |x_j|^2 - 2<x_i, x_j> through one batched GEMM (torch.baddbmm), clamped at
0, and a fused logsumexp, in --dtype (float32 to match the suite's WebGPU path, float64 its CPU
path). Timing covers the computation only (data already in memory): one warm-up, then --reps
runs; prints the median (and best) seconds as one JSON line:
{"seconds": median, "best": ..., "all": [...], "checksum": [...], "device", "dtype", "threads"}.
"""
import json
import statistics
import time

import numpy as np
import torch

from _shard import barrier, shard_range
from _torch_common import parse_peer_args


def main() -> None:
    def extra(ap):
        ap.add_argument("--sets", type=int, required=True)
        ap.add_argument("--n", type=int, required=True)
        ap.add_argument("--d", type=int, required=True)
        ap.add_argument("--scale", type=float, required=True)
        ap.add_argument("--reps", type=int, default=3)

    args, _, dtype, dev = parse_peer_args(extra, meta=False)
    x = np.fromfile(args.input, dtype="<f8").reshape(args.sets, args.n, args.d)
    lo, hi = shard_range(args, args.sets)  # this copy's sets (all of them unless sharded)
    xt = torch.from_numpy(x[lo:hi]).to(device=dev, dtype=dtype)
    scale = args.scale

    def run() -> torch.Tensor:
        xc = xt - xt.mean(dim=1, keepdim=True)
        sq = (xc * xc).sum(dim=2)  # sets x n
        # -scale * d2 = -scale*|x_i|^2 - scale*|x_j|^2 + 2*scale*<x_i, x_j>, in one baddbmm
        d2 = torch.baddbmm(sq[:, :, None] + sq[:, None, :], xc, xc.transpose(1, 2), alpha=-2.0)
        rows = torch.logsumexp(d2.clamp_min_(0).mul_(-scale).flatten(1), dim=1)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        return rows

    run()  # warm-up
    barrier(args)
    times = []
    for _ in range(max(1, args.reps)):
        t0 = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - t0)
    flat = rows.reshape(-1).double().cpu().numpy()
    print(json.dumps({
        "seconds": statistics.median(times),
        "best": min(times),
        "all": times,
        "checksum": [float(v) for v in flat],
        "device": str(dev),
        "dtype": args.dtype,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "impl": "torch",
    }))


if __name__ == "__main__":
    main()
