#!/usr/bin/env bash
# Installs the perf peers from Debian: python3-torch and python3-numpy, gcc (for the FMA-peak
# microbenchmark bench/peers/fma_peak.c), plus OpenBLAS
# (libopenblas0-pthread) selected as the system BLAS/LAPACK alternative. Debian's torch is built
# against the generic libblas.so.3, which is the unoptimised reference (netlib) BLAS unless an
# optimised implementation is installed and selected: a peer on it is not a fair peer.
# Runs apt-get and update-alternatives with sudo when not root. Prints torch's BLAS at the end.
set -euo pipefail

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "peers: not root and no sudo: run as root: bash scripts/install_peers.sh" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

ARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
LIBDIR=/usr/lib/$ARCH

missing=()
/usr/bin/python3 -c "import torch" 2>/dev/null || missing+=(python3-torch)
/usr/bin/python3 -c "import numpy" 2>/dev/null || missing+=(python3-numpy)
command -v gcc >/dev/null 2>&1 || missing+=(gcc) # builds fma_peak.c, the FMA-peak microbenchmark
[[ -e $LIBDIR/openblas-pthread/libblas.so.3 ]] || missing+=(libopenblas0-pthread)
if ((${#missing[@]})); then
  echo "peers: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "peers: torch, numpy and OpenBLAS already installed"
fi

# Select OpenBLAS for both BLAS and LAPACK (the alternatives that libblas.so.3 / liblapack.so.3
# resolve through); a no-op when it is already selected.
for lib in libblas.so.3 liblapack.so.3; do
  target=$LIBDIR/openblas-pthread/$lib
  if [[ ! -e $target ]]; then
    echo "peers: $target missing after install" >&2
    exit 1
  fi
  "${SUDO[@]}" update-alternatives --set "$lib-$ARCH" "$target" >/dev/null
  echo "peers: $lib -> $(readlink -f "$LIBDIR/$lib")"
done

/usr/bin/python3 "$(dirname "$0")/../bench/peers/blas_info.py" --quick
