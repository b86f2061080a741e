#!/usr/bin/env python3
"""The peers' BLAS and this machine's measured limits, as one JSON line.

- `blas`: the BLAS library torch (and numpy) actually loaded (read from /proc/self/maps after a
  matmul), classified as "openblas", "blis", "mkl", "atlas" or "reference" (netlib, unoptimised),
  with torch's own build config (BLAS_INFO) and, when threadpoolctl is installed, its report.
- `torchMatmul`: torch's measured square-matmul GFLOP/s in f32 and f64 with all threads (the
  peer's BLAS at work).
- `limits` (skipped with --quick): this CPU's FMA peak (fma_peak.c, when gcc and AVX2+FMA are there),
  its achievable compute peak and copy bandwidth, measured
  with numpy: sgemm/dgemm GFLOP/s at n = 2048 over all threads (OpenBLAS's achievable peak, a
  lower bound of the FMA peak, labelled as such), and the copy bandwidth of a 256 MiB array
  (bytes read + written per second, best of reps).
Every figure is the best of a few repetitions after a warm-up (the best suits a peak).
"""
import argparse
import json
import os
import re
import time

import numpy as np
import torch


def loaded_blas():
    """Paths of the BLAS-like libraries mapped into this process (after a matmul ran)."""
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1] if len(line.split()) >= 6 else ""
            if re.search(r"(blas|blis|mkl|atlas|lapack)", os.path.basename(p)):
                paths.add(os.path.realpath(p))
    return sorted(paths)


def classify(paths):
    joined = " ".join(paths).lower()
    for kind in ("openblas", "blis", "mkl", "atlas"):
        if kind in joined:
            return kind
    if re.search(r"/blas/libblas\.so", joined):
        return "reference"
    return "unknown"


def best_seconds(fn, reps):
    fn()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def torch_matmul_gflops(n, dtype, reps):
    a = torch.randn(n, n, dtype=dtype)
    b = torch.randn(n, n, dtype=dtype)
    return 2 * n**3 / best_seconds(lambda: torch.mm(a, b), reps) / 1e9


def numpy_gemm_gflops(n, dtype, reps):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    return 2 * n**3 / best_seconds(lambda: a @ b, reps) / 1e9


def copy_gbps(mib, reps):
    src = np.ones(mib * 2**20 // 8)
    dst = np.empty_like(src)
    return 2 * src.nbytes / best_seconds(lambda: np.copyto(dst, src), reps) / 1e9


def fma_peak(threads):
    """This CPU's FMA peak (GFLOP/s, f32 and f64, all threads), from fma_peak.c built with gcc.

    Returns (peaks, None) or (None, why-not) when gcc or AVX2+FMA is missing."""
    import shutil
    import subprocess
    import tempfile
    gcc = shutil.which("gcc")
    if gcc is None:
        return None, "gcc not found (bash scripts/install_peers.sh installs it)"
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        flags = ""
    if " avx2" not in flags or " fma" not in flags:
        return None, "this CPU lacks AVX2+FMA (the microbenchmark's 256-bit FMA kernel)"
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fma_peak.c")
    with tempfile.TemporaryDirectory(prefix="claimbench-fma-") as tmp:
        exe = os.path.join(tmp, "fma_peak")
        subprocess.run([gcc, "-O3", "-mavx2", "-mfma", "-pthread", "-o", exe, src], check=True,
                       capture_output=True)
        out = subprocess.run([exe, str(threads), "0.3"], check=True, capture_output=True,
                             text=True).stdout
    j = json.loads(out.strip().splitlines()[-1])
    return {"f32": j["f32"], "f64": j["f64"]}, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="BLAS identity and torch matmul only")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    mm = {"f32": torch_matmul_gflops(512, torch.float32, 5),
          "f64": torch_matmul_gflops(512, torch.float64, 5)}
    paths = loaded_blas()
    cfg = torch.__config__.show()
    m = re.search(r"BLAS_INFO=([^,\s]+)", cfg)
    out = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "blas": {"kind": classify(paths), "libraries": paths,
                 "torchBlasInfo": m.group(1) if m else None,
                 "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                                    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
                         if k in os.environ}},
        "torchMatmul": {"n": 512, "gflops": mm},
    }
    try:
        from threadpoolctl import threadpool_info
        out["blas"]["threadpoolctl"] = [
            {k: v for k, v in i.items() if k in ("internal_api", "version", "num_threads",
                                                   "architecture", "threading_layer")}
            for i in threadpool_info()]
    except ImportError:
        pass
    if not args.quick:
        out["limits"] = {
            "method": "numpy (system BLAS) sgemm/dgemm at n=2048, all threads, best of 3: "
                      "achievable compute peak; np.copyto of 256 MiB, best of 5: copy bandwidth "
                      "(read + write bytes)",
            "gemmGflops": {"f32": numpy_gemm_gflops(2048, np.float32, 3),
                           "f64": numpy_gemm_gflops(2048, np.float64, 3)},
            "copyGbps": copy_gbps(256, 5),
        }
        fma, why = fma_peak(max(args.threads, 1))
        if fma is not None:
            out["limits"]["fmaGflops"] = fma
            out["limits"]["method"] += ("; fma_peak.c (independent 256-bit FMA chains on every "
                                        "thread, best of 5): the FMA peak")
        else:
            out["limits"]["fmaNote"] = why
    print(json.dumps(out))


if __name__ == "__main__":
    main()
