#!/usr/bin/env python3
"""PyTorch peer of claimbench's Paper D hot loop (lt.* cases): the random-features score sampler,
reverse-time SDE (Euler-Maruyama) or probability-flow ODE of the OU process from t_end down to
t_min, batched over slots and particles. Per step k:
    h = relu(x @ W_fs^T + tb_fs[k])   (slots x particles x m, one baddbmm)
    s = h @ A^T                        (slots x particles x d, one bmm)
    SDE: x += dt (x + 2 s / m) + sqrt(2 dt) z,   ODE: x += dt (x + s / m)
On the CPU, slots go in chunks whose h fits in about 4 MiB (--chunk-slots; 0: all slots at once):
on the 2-core dev machine that was about 1.4x faster at the quick size than one batch of every
slot, whose 40 MB h is (most likely) mmap-allocated and page-faulted afresh at every op. On CUDA
the default is all slots at once.
The suite draws Philox noise, which this peer does not reproduce: the timed run (in the batch's
mode) draws its initial points and noise with torch.randn; the checksum comes from a separate,
untimed ODE run of the first checkSlots x checkParticles of the batch from the suite's initial
points (<input>.x0.bin), which the suite compares with its own ODE run; that run also measures
the fraction of positive pre-activations (`activeFraction`, the suite skips the others' score
terms).

Reads <input>.json (meta) and <input>.{grid,W,tb,A,x0}.bin (little-endian f64, written by
bench/peers/lt_peer.ts) and prints one JSON line:
{"seconds", "checksum": [ODE samples...], "device", "dtype", "threads", "impl": "torch"}.
"""
import json
import math
import time

import numpy as np
import torch

from _shard import barrier, shard_range
from _torch_common import parse_peer_args


def sample(x, grid, WT, TB, AT, m, sde, gen, chunk, active=None):
    """The sampler from x (S x P x d) down the grid, `chunk` slots at a time (WT S x d x m,
    TB S x nT x m, AT S x m x d). `active` (a 0-d tensor), when given, accumulates the count of
    positive pre-activations."""
    return torch.cat([sample_chunk(x[c:c + chunk], grid, WT[c:c + chunk], TB[c:c + chunk],
                                   AT[c:c + chunk], m, sde, gen, active)
                      for c in range(0, x.shape[0], chunk)])


def sample_chunk(x, grid, WT, TB, AT, m, sde, gen, active):
    """The sampler for one chunk of slots, all of them in each batched op."""
    for k in range(len(grid) - 1, 0, -1):
        h = torch.baddbmm(TB[:, k:k + 1, :], x, WT).relu_()
        if active is not None:
            active += torch.count_nonzero(h)
        s = torch.bmm(h, AT)
        dt = grid[k] - grid[k - 1]
        if sde:
            z = torch.randn(x.shape, dtype=x.dtype, device=x.device, generator=gen)
            x = x + dt * (x + (2.0 / m) * s) + math.sqrt(2 * dt) * z
        else:
            x = x + dt * (x + s / m)
    return x


def main() -> None:
    args, meta, dtype, dev = parse_peer_args(
        lambda ap: ap.add_argument("--chunk-slots", type=int, default=-1,
                                   help="slots per batched op (0: all; default: all on CUDA, h of ~4 MiB on CPU)"))
    d, m, nT, F, P = meta["d"], meta["m"], meta["nT"], meta["features"], meta["particles"]
    fs = torch.tensor(meta["fs"], device=dev)
    S = len(meta["fs"])

    def load(name, *shape):
        a = np.fromfile(f"{args.input}.{name}.bin", "<f8").reshape(*shape)
        return torch.from_numpy(a).to(dev, dtype)

    grid = np.fromfile(args.input + ".grid.bin", "<f8").tolist()
    W, TB, A = load("W", F, m, d), load("tb", F, nT, m), load("A", S, d, m)
    WT = W.transpose(1, 2)[fs].contiguous()  # S x d x m
    TBs = TB[fs].contiguous()  # S x nT x m
    AT = A.transpose(1, 2).contiguous()  # S x m x d
    chunk = args.chunk_slots
    if chunk == 0 or (chunk < 0 and dev.type == "cuda"):
        chunk = S
    elif chunk < 0:
        chunk = max(1, (4 << 20) // (P * m * W.element_size()))
    gen = torch.Generator(device=dev)
    gen.manual_seed(0)

    # agreement run (untimed; also the warm-up): ODE from the suite's initial points; when
    # sharded, copy 0 alone runs it (its checksum is the whole check) and the others warm up on
    # one step of their own slots
    C, Pc = meta["checkSlots"], meta["checkParticles"]
    extra = {}
    lo, hi = shard_range(args, S)  # this copy's slots (all of them unless sharded)
    if args.shard == 0:
        x0 = load("x0", C, Pc, d)
        active = torch.zeros((), dtype=torch.float64)
        xc = sample(x0, grid, WT[:C], TBs[:C], AT[:C], m, False, gen, chunk, active)
        extra["activeFraction"] = float(active) / (C * Pc * (nT - 1) * m)
        checksum = xc.reshape(-1).double().cpu().tolist()
    else:
        checksum = []
        sample(torch.zeros((hi - lo, Pc, d), dtype=dtype, device=dev), grid[-2:], WT[lo:hi],
               TBs[lo:hi, -2:], AT[lo:hi], m, False, gen, chunk)
    WT, TBs, AT, S = WT[lo:hi], TBs[lo:hi], AT[lo:hi], hi - lo
    barrier(args)

    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    x = torch.randn((S, P, d), dtype=dtype, device=dev, generator=gen)
    x = sample(x, grid, WT, TBs, AT, m, meta["mode"] == "sde", gen, chunk)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "seconds": seconds,
        "units": S * P * (nT - 1),
        "checksum": checksum,
        "finite": bool(torch.isfinite(x).all()),
        "device": str(dev),
        "dtype": args.dtype,
        "threads": torch.get_num_threads(),
        "chunkSlots": chunk,
        **extra,
        "torch": torch.__version__,
        "impl": "torch",
    }))


if __name__ == "__main__":
    main()
