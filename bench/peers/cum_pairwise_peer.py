#!/usr/bin/env python3
"""PyTorch (default) or numpy peer of claimbench's Paper B hot loop (`cum.pairwise-linear`): online
projected SGD of a single tanh neuron D(x_t) = w tanh(<w, x_t>) on the mixed cumulant model, R runs
vectorised.

It consumes the SAME Philox4x32-10 stream as the suite (keys come from the suite; counter layout of
datasets/mixed_cumulant.ts: block j < ceil(d/2) -> z and eps for coordinates 2j, 2j+1; block
ceil(d/2) -> g and the Rademacher bit; initial weights from counter (j, 0, 1, 0)), so in f64 the
trajectories agree with the suite's CPU reference. One implementation serves both array libraries
through the small `Ops` adapters below (torch has no uint64: Philox runs on int64 holding u32
values, where the 32x32-bit products wrap modulo 2^64 and the masks recover the same bits). Reads a
JSON job file, prints one JSON line:
{"seconds": ..., "checksum": [first crossing steps..., final |<w,u>|...], "device", "impl", "threads"}.
"""
import argparse
import json
import math
import time

import numpy as np
import torch


class NumpyOps:
    name = "numpy"

    def __init__(self):
        self.u = np.uint64
        self.version = np.__version__

    def ints(self, values):
        return np.array(values, dtype=np.uint64)

    def arange(self, n):
        return np.arange(n, dtype=np.uint64)[None, :]

    def f64(self, a):
        return a.astype(np.float64)

    def stack(self, parts, axis):
        return np.stack(parts, axis=axis)

    def norm_rows(self, w):
        return np.linalg.norm(w, axis=1, keepdims=True)

    def sum_rows(self, a):
        return np.sum(a, axis=1, keepdims=True)

    def floats(self, values):
        return np.array(values, dtype=np.float64)

    def zeros_int(self, n):
        return np.zeros(n, dtype=np.int64)

    def to_list(self, a):
        return a.tolist()

    lib = np
    threads = 1


class TorchOps:
    name = "torch"

    def __init__(self):
        self.u = lambda x: torch.tensor(int(x), dtype=torch.int64)
        self.version = torch.__version__

    def ints(self, values):
        return torch.tensor(values, dtype=torch.int64)

    def arange(self, n):
        return torch.arange(n, dtype=torch.int64)[None, :]

    def f64(self, a):
        return a.to(torch.float64)

    def stack(self, parts, axis):
        return torch.stack(parts, dim=axis)

    def norm_rows(self, w):
        return torch.linalg.norm(w, dim=1, keepdim=True)

    def sum_rows(self, a):
        return a.sum(dim=1, keepdim=True)

    def floats(self, values):
        return torch.tensor(values, dtype=torch.float64)

    def zeros_int(self, n):
        return torch.zeros(n, dtype=torch.int64)

    def to_list(self, a):
        return a.tolist()

    lib = torch

    @property
    def threads(self):
        return torch.get_num_threads()


def run(ops, job):
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
        u1 = 1.0 - ops.f64(a >> S8) * 2.0**-24
        u2 = ops.f64(b >> S8) * 2.0**-24
        rad = lib.sqrt(-2.0 * lib.log(u1))
        th = 2.0 * math.pi * u2
        return rad * lib.cos(th), rad * lib.sin(th)

    d, cap, alpha = job["d"], job["cap"], job["alpha"]
    bu, bv, thr = job["betaU"], job["betaV"], job["thresholdU"]
    keys = ops.ints(job["keys"])  # R x 2
    eta = ops.floats(job["etas"])[:, None]
    R = keys.shape[0]
    B = (d + 1) // 2
    k0, k1 = keys[:, 0:1], keys[:, 1:2]
    s = math.sqrt(1 - alpha * alpha)
    t0 = time.perf_counter()
    j = ops.arange(B)
    zero = j * 0
    r = philox(j, zero, zero + u(1), zero, k0, k1)
    a, b = box_muller(r[0], r[1])
    w = ops.stack([a, b], 2).reshape(R, 2 * B)[:, :d]
    w = w / ops.norm_rows(w)
    cross = ops.zeros_int(R)
    jb = ops.arange(B + 1)
    zb = jb * 0
    for t in range(1, cap + 1):
        r = philox(jb, zb + u(t), zb, zb, k0, k1)
        z0, z1 = box_muller(r[0], r[1])
        e0, e1 = box_muller(r[2], r[3])
        x = ops.stack([z0[:, :B], z1[:, :B]], 2).reshape(R, 2 * B)[:, :d] * 1.0
        eps = ops.stack([e0[:, :B], e1[:, :B]], 2).reshape(R, 2 * B)[:, :d]
        g = z0[:, B]
        nu = lib.where(((r[2][:, B] >> S31) & u(1)) == 1, -1.0, 1.0)
        x[:, 0] += math.sqrt(bu) * g
        x[:, 1] = (math.sqrt(bv) * nu + x[:, 1]) / math.sqrt(1 + bv)
        xt = alpha * x + s * eps
        lam = ops.sum_rows(w * xt)
        mu = ops.sum_rows(w * x)
        sg = lib.tanh(lam)
        sp = 1 - sg * sg
        w = w - eta * 2 * (sg * (w * sg - x) + sp * (sg - mu) * xt)
        w = w / ops.norm_rows(w)
        hit = (cross == 0) & (abs(w[:, 0]) > thr)
        cross[hit] = t
    seconds = time.perf_counter() - t0
    return seconds, [int(c) for c in ops.to_list(cross)] + [float(v) for v in ops.to_list(abs(w[:, 0]))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--impl", default="torch", choices=["torch", "numpy"])
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    ops = TorchOps() if args.impl == "torch" else NumpyOps()
    seconds, out = run(ops, json.load(open(args.input)))
    print(json.dumps({"seconds": seconds, "checksum": out, "device": "cpu", "impl": ops.name,
                      "threads": ops.threads, "version": ops.version}))


if __name__ == "__main__":
    main()
