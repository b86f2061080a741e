#!/usr/bin/env python3
"""PyTorch peer of claimbench's Paper A experiment (fl.balance / fl.jump): full-batch GD of the
diffusion model (closed-form E_eps DDPM loss, sigma(z) = z^2) or the ReLU^q classifier on the
same data and the same initial weights as the suite, all runs of a batch at once.

The gradient comes from torch autograd (the suite's is hand-derived), so agreement also checks
the suite's gradient. Reads <input>.json (batch meta) and <input>.X.bin / .W0.bin / .y.bin
(little-endian f64, written by bench/peers/fl_peer.ts) and prints one JSON line:
{"seconds", "checksum": [final S of every run..., final N of every run...], "device", "dtype"}.
"""
import json
import math
import time

import numpy as np
import torch

from _torch_common import parse_peer_args


def diffusion_loss(W, X, w, alpha, beta):
    """Sum over runs of the closed-form expected DDPM loss (per run: sum_j w_j l(X_j))."""
    m, d = W.shape[1], W.shape[2]
    P = torch.einsum("bmd,brd->bmr", W, X)
    G = W @ W.transpose(1, 2)
    g = torch.diagonal(G, dim1=1, dim2=2)
    u = alpha * P
    A = u * u + beta**2 * g[:, :, None]
    t1 = torch.einsum("brs,brj,bsj->bj", G, A, A)
    t2 = 2 * beta**4 * (G**3).sum(dim=(1, 2))[:, None]
    t3 = 4 * beta**2 * torch.einsum("brs,brj,bsj->bj", G * G, u, u)
    lin = torch.einsum("brj,br->bj", u, g)
    per_row = (t1 + t2 + t3) / m - 4 * beta / math.sqrt(m) * lin + d
    return (per_row * w).sum(dim=1), P


def classifier_loss(W, X, y, m, q):
    n = y.shape[1]
    P = torch.einsum("bmd,brd->bmr", W, X)
    act = torch.relu(P) ** q
    sgn = torch.cat([torch.ones(m), -torch.ones(m)]).to(W)
    sig_rows = torch.where(y > 0, n, n + 1).long()  # b x n
    noise = act[:, :, :n]
    sig = torch.gather(act, 2, sig_rows[:, None, :].expand(-1, 2 * m, -1))
    F = torch.einsum("m,bmn->bn", sgn, noise + sig) / m
    margins = y * F
    return torch.nn.functional.softplus(-margins).mean(dim=1), P


def signal_noise(P, n):
    a = P.abs().amax(dim=1)  # b x R
    return 0.5 * (a[:, n] + a[:, n + 1]), a[:, :n].mean(dim=1)


def main() -> None:
    args, meta, dtype, dev = parse_peer_args()
    B, d, n, m, M = meta["runs"], meta["d"], meta["n"], meta["m"], meta["M"]
    R = n + 2
    X = torch.from_numpy(np.fromfile(args.input + ".X.bin", "<f8").reshape(B, R, d)).to(dev, dtype)
    W = torch.from_numpy(np.fromfile(args.input + ".W0.bin", "<f8").reshape(B, M, d)).to(dev, dtype)
    y = torch.from_numpy(np.fromfile(args.input + ".y.bin", "<f8").reshape(B, n)).to(dev, dtype)
    # diffusion row weights: 1/n per noise row, n_c/n per class signal row
    w = torch.zeros(B, R, dtype=dtype, device=dev)
    w[:, :n] = 1.0 / n
    w[:, n] = (y > 0).sum(dim=1) / n
    w[:, n + 1] = (y < 0).sum(dim=1) / n
    lr, steps = meta["lr"], meta["steps"]
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    W.requires_grad_(True)
    for t in range(steps + 1):
        if meta["model"] == "diffusion":
            loss, P = diffusion_loss(W, X, w, meta["alpha"], meta["beta"])
        else:
            loss, P = classifier_loss(W, X, y, m, meta["q"])
        if t == steps:
            S, N = signal_noise(P.detach(), n)
            break
        (g,) = torch.autograd.grad(loss.sum(), W)
        with torch.no_grad():
            W -= lr * g
    if dev.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    checksum = S.cpu().tolist() + N.cpu().tolist()
    print(json.dumps({"seconds": seconds, "checksum": checksum, "device": str(dev), "dtype": args.dtype,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
