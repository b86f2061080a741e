#!/usr/bin/env python3
"""PyTorch peer of claimbench's Paper A experiment (fl.balance / fl.jump): full-batch GD of the
diffusion model (closed-form E_eps DDPM loss, sigma(z) = z^2) or the ReLU^q classifier on the
same data and the same initial weights as the suite, all runs of a batch at once.

The gradients are the suite's closed forms (models/fl/diffusion.ts, models/fl/classifier.ts)
written in batched matmul form, as a PyTorch expert would for a loss whose gradient is known:
no autograd graph, constants (row weights, signs, signal-row indices) hoisted out of the loop,
every product on the BLAS (bmm/baddbmm). `--autograd` times the autograd version of the same
losses instead (a cross-check of the closed forms). One warm-up of a few steps first.
The classifier's report includes the mean fraction of positive pre-activations over the run
(`activeFraction`): the suite skips the zero ReLU'-coefficients, so its real FLOPs scale with it.

Reads <input>.json (batch meta) and <input>.X.bin / .W0.bin / .y.bin (little-endian f64, written
by bench/peers/fl_peer.ts) and prints one JSON line:
{"seconds", "checksum": [final S of every run..., final N of every run...], "device", "dtype"}.
"""
import json
import math
import time

import numpy as np
import torch

from _shard import barrier, shard_range
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
    sig_rows = torch.where(y > 0, n, n + 1).long()
    noise = act[:, :, :n]
    sig = torch.gather(act, 2, sig_rows[:, None, :].expand(-1, 2 * m, -1))
    F = torch.einsum("m,bmn->bn", sgn, noise + sig) / m
    return torch.nn.functional.softplus(-y * F).mean(dim=1), P


class DiffusionGrad:
    """grad = (omega alpha g) X + 2 H W with g, H of models/fl/diffusion.ts, batched."""

    def __init__(self, X, w, m, alpha, beta):
        self.X, self.XT, self.w = X, X.transpose(1, 2), w[:, None, :]  # w: B x 1 x R
        self.m, self.a, self.b2 = m, alpha, beta * beta
        self.c4b = 4 * beta / math.sqrt(m)
        self.wsum = w.sum(dim=1)[:, None, None]

    def __call__(self, W):
        m, a, b2, w = self.m, self.a, self.b2, self.w
        P = torch.bmm(W, self.XT)  # B x m x R
        G = torch.bmm(W, W.transpose(1, 2))  # B x m x m
        gd = torch.diagonal(G, dim1=1, dim2=2)[:, :, None]  # B x m x 1
        u = a * P
        A = torch.addcmul(b2 * gd, u, u)
        GA = torch.bmm(G, A)
        GG = G * G
        Q = torch.bmm(GG, u)
        g = (4 / m) * GA * u + (8 * b2 / m) * Q - self.c4b * gd
        Aw, uw = A * w, u * w
        H = torch.bmm(Aw, A.transpose(1, 2)) / m
        H += (8 * b2 / m) * G * torch.bmm(uw, u.transpose(1, 2))
        H += self.wsum * (6 * b2 * b2 / m) * GG
        diag = ((2 * b2 / m) * GA - self.c4b * u) * w
        H.diagonal(dim1=1, dim2=2).add_(diag.sum(dim=2))
        grad = torch.bmm(g * (w * a), self.X)
        return torch.baddbmm(grad, H, W, alpha=2.0), P


class ClassifierGrad:
    """grad = C X with C[r, j] = sum of l'_i y_i sgn_r sigma'(P[r, j]) / (n m), batched."""

    def __init__(self, X, y, m, q):
        B, n = y.shape
        self.X, self.XT, self.m, self.q, self.n = X, X.transpose(1, 2), m, q, n
        self.y = y[:, None, :]  # B x 1 x n
        self.sgn = torch.cat([torch.ones(m), -torch.ones(m)]).to(X)[None, :, None]  # 1 x 2m x 1
        self.sig = torch.where(y > 0, n, n + 1).long()[:, None, :].expand(-1, 2 * m, -1)
        self.pos = (y > 0).to(X)[:, None, :]  # B x 1 x n: samples whose signal row is n
        self.active = torch.zeros((), dtype=torch.float64)

    def __call__(self, W):
        m, q, n = self.m, self.q, self.n
        P = torch.bmm(W, self.XT)  # B x 2m x R
        Pp = P.clamp_min(0)
        self.active += torch.count_nonzero(Pp)
        base = Pp.pow(q - 1)  # sigma = z^q, sigma' = q z^(q-1) on z > 0 (0 elsewhere)
        act, der = base * Pp, q * base
        noise_act, sig_act = act[:, :, :n], torch.gather(act, 2, self.sig)
        F = ((noise_act + sig_act) * self.sgn).sum(dim=1, keepdim=True) / m  # B x 1 x n
        c = -torch.sigmoid(-self.y * F) * self.y / (n * m)  # l'_i y_i / (n m)
        cs = c * self.sgn  # B x 2m x n
        C = torch.empty_like(P)
        C[:, :, :n] = cs * der[:, :, :n]
        cp = (cs * self.pos).sum(dim=2)
        C[:, :, n] = cp * der[:, :, n]
        C[:, :, n + 1] = (cs.sum(dim=2) - cp) * der[:, :, n + 1]
        return torch.bmm(C, self.X), P


def signal_noise(P, n):
    a = P.abs().amax(dim=1)  # b x R
    return 0.5 * (a[:, n] + a[:, n + 1]), a[:, :n].mean(dim=1)


def main() -> None:
    args, meta, dtype, dev = parse_peer_args(
        lambda ap: (ap.add_argument("--autograd", action="store_true"),
                    ap.add_argument("--steps", type=int, default=0, help="override (quick checks)")))
    B, d, n, m, M = meta["runs"], meta["d"], meta["n"], meta["m"], meta["M"]
    R = n + 2

    def load(name, *shape):
        return torch.from_numpy(np.fromfile(f"{args.input}.{name}.bin", "<f8").reshape(*shape)).to(dev, dtype)

    X, W0, y = load("X", B, R, d), load("W0", B, M, d), load("y", B, n)
    lo, hi = shard_range(args, B)  # this copy's runs (all of them unless sharded)
    X, W0, y, B = X[lo:hi], W0[lo:hi], y[lo:hi], hi - lo
    w = torch.zeros(B, R, dtype=dtype, device=dev)
    w[:, :n] = 1.0 / n
    w[:, n] = (y > 0).sum(dim=1) / n
    w[:, n + 1] = (y < 0).sum(dim=1) / n
    lr, steps = meta["lr"], args.steps or meta["steps"]
    diffusion = meta["model"] == "diffusion"

    if args.autograd:
        def grad_fn(W):
            W = W.detach().requires_grad_(True)
            loss, P = (diffusion_loss(W, X, w, meta["alpha"], meta["beta"]) if diffusion
                       else classifier_loss(W, X, y, m, meta["q"]))
            (g,) = torch.autograd.grad(loss.sum(), W)
            return g, P.detach()
    else:
        grad_fn = (DiffusionGrad(X, w, m, meta["alpha"], meta["beta"]) if diffusion
                   else ClassifierGrad(X, y, m, meta["q"]))

    def train(k):
        W = W0.clone()
        for _ in range(k):
            g, _P = grad_fn(W)
            W.sub_(g, alpha=lr)
        P = torch.bmm(W, X.transpose(1, 2))
        return signal_noise(P, n)

    train(min(steps, 5))  # warm-up
    barrier(args)
    if hasattr(grad_fn, "active"):
        grad_fn.active.zero_()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    S, N = train(steps)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    out = {"seconds": seconds, "checksum": S.cpu().tolist() + N.cpu().tolist(), "device": str(dev),
           "dtype": args.dtype, "threads": torch.get_num_threads(),
           "impl": "torch-autograd" if args.autograd else "torch"}
    if hasattr(grad_fn, "active"):
        out["activeFraction"] = float(grad_fn.active) / (steps * B * M * R)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
