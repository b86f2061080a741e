#!/usr/bin/env python3
"""PyTorch (default) or numpy peer of claimbench's Paper B hot loop (`cum.pairwise-linear`): online
projected SGD of a single tanh neuron D(x_t) = w tanh(<w, x_t>) on the mixed cumulant model, R runs
vectorised.

It consumes the SAME Philox4x32-10 stream as the suite (keys come from the suite; counter layout of
datasets/mixed_cumulant.ts: block j < ceil(d/2) -> z and eps for coordinates 2j, 2j+1; block
ceil(d/2) -> g and the Rademacher bit; initial weights from counter (j, 0, 1, 0)), so in f64 the
trajectories agree with the suite's CPU reference. The samples do not depend on the weights, so
they are generated for a chunk of steps at once (one vectorised Philox over runs x steps x blocks;
the stream is identical), and each step does only the sequential part: two inner products (one
batched matmul), the projected update (one batched matmul) and the normalisation. Crossings of
|<w, u>| are found per chunk from the recorded first coordinates.

One implementation serves both array libraries through the small `Ops` adapters below (torch has
no uint64: Philox runs on int64 holding u32 values, where the 32x32-bit products wrap modulo 2^64
and the masks recover the same bits). --dtype sets the floating-point precision (float64 matches
the suite's CPU path, float32 its WebGPU path). Reads a JSON job file; warms up on a short run,
then prints one JSON line:
{"seconds": ..., "checksum": [first crossing steps..., final |<w,u>|...], "device", "impl", "threads"}.
"""
import argparse
import json
import math
import time

import numpy as np
import torch

from _shard import add_shard_args, barrier, shard_range


class NumpyOps:
    name = "numpy"
    lib = np
    threads = 1

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)
        self.u = np.uint64
        self.version = np.__version__

    def ints(self, values):
        return np.array(values, dtype=np.uint64)

    def arange(self, n):
        return np.arange(n, dtype=np.uint64)

    def flt(self, a):
        return a.astype(self.dtype)

    def floats(self, values):
        return np.array(values, dtype=self.dtype)

    def stack(self, parts, axis):
        return np.stack(parts, axis=axis)

    def norm_rows(self, w):
        return np.sqrt(np.sum(w * w, axis=-1, keepdims=True))

    def zeros_int(self, n):
        return np.zeros(n, dtype=np.int64)

    def empty(self, shape):
        return np.empty(shape, dtype=self.dtype)

    def first_true(self, hits):
        """Index of the first True along axis 1 and whether there is one."""
        return np.argmax(hits, axis=1), hits.any(axis=1)


class TorchOps:
    name = "torch"
    lib = torch

    def __init__(self, dtype):
        self.dtype = getattr(torch, dtype)
        self.u = lambda x: torch.tensor(int(x), dtype=torch.int64)
        self.version = torch.__version__

    def ints(self, values):
        return torch.tensor(values, dtype=torch.int64)

    def arange(self, n):
        return torch.arange(n, dtype=torch.int64)

    def flt(self, a):
        return a.to(self.dtype)

    def floats(self, values):
        return torch.tensor(values, dtype=self.dtype)

    def stack(self, parts, axis):
        return torch.stack(parts, dim=axis)

    def norm_rows(self, w):
        return torch.linalg.vector_norm(w, dim=-1, keepdim=True)

    def zeros_int(self, n):
        return torch.zeros(n, dtype=torch.int64)

    def empty(self, shape):
        return torch.empty(shape, dtype=self.dtype)

    def first_true(self, hits):
        h = hits.to(torch.uint8)
        return torch.argmax(h, dim=1), hits.any(dim=1)

    @property
    def threads(self):
        return torch.get_num_threads()


def run(ops, job, cap=None):
    u, lib = ops.u, ops.lib
    MASK = u(0xFFFFFFFF)
    M0, M1 = u(0xD2511F53), u(0xCD9E8D57)
    W0, W1 = u(0x9E3779B9), u(0xBB67AE85)
    S32, S8, S31 = u(32), u(8), u(31)

    def philox(c0, c1, c2, c3, k0, k1):
        for _ in range(10):
            p0 = M0 * c0
            p1 = M1 * c2
            c0, c1, c2, c3 = ((p1 >> S32) & MASK) ^ c1 ^ k0, p1 & MASK, ((p0 >> S32) & MASK) ^ c3 ^ k1, p0 & MASK
            k0 = (k0 + W0) & MASK
            k1 = (k1 + W1) & MASK
        return c0, c1, c2, c3

    def box_muller(a, b):
        u1 = 1.0 - ops.flt(a >> S8) * 2.0**-24
        u2 = ops.flt(b >> S8) * 2.0**-24
        rad = lib.sqrt(-2.0 * lib.log(u1))
        th = (2.0 * math.pi) * u2
        return rad * lib.cos(th), rad * lib.sin(th)

    def interleave(a, b, d):
        """Coordinates 2j, 2j+1 from blocks j: (..., B) x 2 -> (..., d)."""
        return ops.stack([a, b], -1).reshape(*a.shape[:-1], 2 * a.shape[-1])[..., :d]

    d, alpha = job["d"], job["alpha"]
    cap = job["cap"] if cap is None else cap
    bu, bv, thr = job["betaU"], job["betaV"], job["thresholdU"]
    keys = ops.ints(job["keys"])  # R x 2
    R = keys.shape[0]
    eta2 = 2 * ops.floats(job["etas"])[:, None]
    B = (d + 1) // 2
    s = math.sqrt(1 - alpha * alpha)
    sbu, sbv, ibv = math.sqrt(bu), math.sqrt(bv), 1 / math.sqrt(1 + bv)
    T = max(1, min(64, (1 << 18) // (R * (B + 1))))  # steps per chunk
    t0 = time.perf_counter()
    k0, k1 = keys[:, 0:1], keys[:, 1:2]
    j = ops.arange(B)[None, :]
    zero = j * 0
    r = philox(j, zero, zero + u(1), zero, k0, k1)
    w = interleave(*box_muller(r[0], r[1]), d)
    w = w / ops.norm_rows(w)
    cross = ops.zeros_int(R)
    jb = ops.arange(B + 1)[None, None, :]
    K0, K1 = keys[:, 0, None, None], keys[:, 1, None, None]
    track = ops.empty((R, T))
    for c in range(1, cap + 1, T):
        n = min(T, cap + 1 - c)
        ts = (ops.arange(n) + u(c))[None, :, None]
        zb = jb * 0
        r = philox(jb + ts * 0, ts + zb, zb + ts * 0, zb + ts * 0, K0, K1)  # R x n x (B+1)
        z0, z1 = box_muller(r[0], r[1])
        e0, e1 = box_muller(r[2], r[3])
        x = interleave(z0[..., :B], z1[..., :B], d)  # R x n x d
        eps = interleave(e0[..., :B], e1[..., :B], d)
        nu = ops.flt(lib.where(((r[2][..., B] >> S31) & u(1)) == 1, -1.0, 1.0))
        x[..., 0] += sbu * z0[..., B]
        x[..., 1] = (sbv * nu + x[..., 1]) * ibv
        xt = alpha * x + s * eps
        both = ops.stack([x, xt], 2)  # R x n x 2 x d: per step, [x; x~]
        for i in range(n):
            xx = both[:, i]  # R x 2 x d
            mu_lam = (xx @ w[:, :, None])[:, :, 0]  # R x 2: <w, x>, <w, x~>
            mu, lam = mu_lam[:, 0:1], mu_lam[:, 1:2]
            sg = lib.tanh(lam)
            # w - eta 2 (sg (w sg - x) + (1 - sg^2)(sg - mu) x~)
            coef = ops.stack([eta2 * sg, eta2 * (sg * sg - 1) * (sg - mu)], 2)  # R x 1 x 2
            w = (1 - eta2 * sg * sg) * w + (coef @ xx)[:, 0, :]
            w = w / ops.norm_rows(w)
            track[:, i] = w[:, 0]
        first, any_hit = ops.first_true(abs(track[:, :n]) > thr)
        new = (cross == 0) & any_hit
        cross[new] = (first + c)[new]
    seconds = time.perf_counter() - t0
    return seconds, [int(v) for v in cross.tolist()] + [float(v) for v in abs(w[:, 0]).tolist()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--impl", default="torch", choices=["torch", "numpy"])
    ap.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    ap.add_argument("--threads", type=int, default=0)
    add_shard_args(ap)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    ops = TorchOps(args.dtype) if args.impl == "torch" else NumpyOps(args.dtype)
    job = json.load(open(args.input))
    lo, hi = shard_range(args, len(job["keys"]))  # this copy's runs (all of them unless sharded)
    job = {**job, "keys": job["keys"][lo:hi], "etas": job["etas"][lo:hi]}
    run(ops, job, cap=min(job["cap"], 128))  # warm-up
    barrier(args)
    seconds, out = run(ops, job)
    print(json.dumps({"seconds": seconds, "checksum": out, "device": "cpu", "impl": ops.name,
                      "dtype": args.dtype, "threads": ops.threads, "version": ops.version}))


if __name__ == "__main__":
    main()
