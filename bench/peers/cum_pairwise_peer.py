#!/usr/bin/env python3
"""numpy peer of claimbench's Paper B hot loop (`cum.pairwise-linear`): online projected SGD of a
single tanh neuron D(x_t) = w tanh(<w, x_t>) on the mixed cumulant model, R runs vectorised.

It consumes the SAME Philox4x32-10 stream as the suite (keys come from the suite; counter layout of
datasets/mixed_cumulant.ts: block j < ceil(d/2) -> z and eps for coordinates 2j, 2j+1; block
ceil(d/2) -> g and the Rademacher bit; initial weights from counter (j, 0, 1, 0)), so in f64 the
trajectories agree with the suite's CPU reference. Reads a JSON job file, prints one JSON line:
{"seconds": ..., "checksum": [first crossing steps..., final |<w,u>|...], "device": "cpu"}.
"""
import argparse
import json
import time

import numpy as np

MASK = np.uint64(0xFFFFFFFF)
M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)


def philox(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 on uint64 arrays holding u32 values (broadcasting)."""
    for _ in range(10):
        p0 = M0 * c0
        p1 = M1 * c2
        c0, c1, c2, c3 = (p1 >> np.uint64(32)) ^ c1 ^ k0, p1 & MASK, (p0 >> np.uint64(32)) ^ c3 ^ k1, p0 & MASK
        k0 = (k0 + W0) & MASK
        k1 = (k1 + W1) & MASK
    return c0, c1, c2, c3


def box_muller(a, b):
    u1 = 1.0 - (a >> np.uint64(8)).astype(np.float64) * 2.0**-24
    u2 = (b >> np.uint64(8)).astype(np.float64) * 2.0**-24
    rad = np.sqrt(-2.0 * np.log(u1))
    th = 2.0 * np.pi * u2
    return rad * np.cos(th), rad * np.sin(th)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    args = ap.parse_args()
    job = json.load(open(args.input))
    d, cap, alpha = job["d"], job["cap"], job["alpha"]
    bu, bv, thr = job["betaU"], job["betaV"], job["thresholdU"]
    keys = np.array(job["keys"], dtype=np.uint64)  # R x 2
    eta = np.array(job["etas"], dtype=np.float64)[:, None]
    R = keys.shape[0]
    B = (d + 1) // 2
    k0, k1 = keys[:, 0:1], keys[:, 1:2]
    s = np.sqrt(1 - alpha * alpha)
    t0 = time.perf_counter()
    j = np.arange(B, dtype=np.uint64)[None, :]
    zero = np.zeros_like(j)
    r = philox(j, zero, zero + np.uint64(1), zero, k0, k1)
    a, b = box_muller(r[0], r[1])
    w = np.stack([a, b], axis=2).reshape(R, 2 * B)[:, :d]
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    cross = np.zeros(R, dtype=np.int64)
    jb = np.arange(B + 1, dtype=np.uint64)[None, :]
    zb = np.zeros_like(jb)
    for t in range(1, cap + 1):
        r = philox(jb, zb + np.uint64(t), zb, zb, k0, k1)
        z0, z1 = box_muller(r[0], r[1])
        e0, e1 = box_muller(r[2], r[3])
        x = np.stack([z0[:, :B], z1[:, :B]], axis=2).reshape(R, 2 * B)[:, :d].copy()
        eps = np.stack([e0[:, :B], e1[:, :B]], axis=2).reshape(R, 2 * B)[:, :d]
        g = z0[:, B]
        nu = np.where((r[2][:, B] >> np.uint64(31)) == 1, -1.0, 1.0)
        x[:, 0] += np.sqrt(bu) * g
        x[:, 1] = (np.sqrt(bv) * nu + x[:, 1]) / np.sqrt(1 + bv)
        xt = alpha * x + s * eps
        lam = np.sum(w * xt, axis=1, keepdims=True)
        mu = np.sum(w * x, axis=1, keepdims=True)
        sg = np.tanh(lam)
        sp = 1 - sg * sg
        w -= eta * 2 * (sg * (w * sg - x) + sp * (sg - mu) * xt)
        w /= np.linalg.norm(w, axis=1, keepdims=True)
        hit = (cross == 0) & (np.abs(w[:, 0]) > thr)
        cross[hit] = t
    seconds = time.perf_counter() - t0
    out = [int(c) for c in cross] + [float(v) for v in np.abs(w[:, 0])]
    print(json.dumps({"seconds": seconds, "checksum": out, "device": "cpu", "impl": "numpy", "threads": 1, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
