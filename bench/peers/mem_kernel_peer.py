#!/usr/bin/env python3
"""PyTorch peer of claimbench's Paper C hot loop: pairwise Gaussian kernel row sums in log space.

Reads sets of points written by bench/peers/mem_kernel.ts (little-endian f64, row-major,
`sets` x `n` x `d`), computes log sum_{i,j} exp(-scale * |x_i - x_j|^2) per set, and prints
one JSON line: {"seconds": ..., "units": pair distances, "checksum": [...], "device": ..., "threads": ...}.
Timing covers the computation only (data already in memory), best of --reps.
"""
import json
import time

import numpy as np
import torch

from _torch_common import parse_peer_args


def main() -> None:
    def extra(ap):
        ap.add_argument("--sets", type=int, required=True)
        ap.add_argument("--n", type=int, required=True)
        ap.add_argument("--d", type=int, required=True)
        ap.add_argument("--scale", type=float, required=True)

    args, _, dtype, _dev = parse_peer_args(extra, meta=False)
    x = np.fromfile(args.input, dtype="<f8").reshape(args.sets, args.n, args.d)
    xt = torch.from_numpy(x).to(device=args.device, dtype=dtype)
    xt = xt - xt.mean(dim=1, keepdim=True)  # as the suite's GPU path does, for precision

    def run() -> torch.Tensor:
        d2 = torch.cdist(xt, xt, compute_mode="donot_use_mm_for_euclid_dist") ** 2
        rows = torch.logsumexp((-args.scale * d2).flatten(1), dim=1)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        return rows

    run()  # warm-up
    t0 = time.perf_counter()
    rows = run()
    seconds = time.perf_counter() - t0
    flat = rows.reshape(-1).double().cpu().numpy()
    print(json.dumps({
        "seconds": seconds,
        "units": args.sets * args.n * args.n,
        "checksum": [float(v) for v in flat],
        "device": args.device,
        "dtype": args.dtype,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "impl": "torch",
    }))


if __name__ == "__main__":
    main()
