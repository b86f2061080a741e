#!/usr/bin/env bash
# Install the Fashion-MNIST data set (Debian package `dataset-fashion-mnist`) used by the image
# cases (fl.noisy-image, cum.simplicity-bias). Its IDX files land in
# /usr/share/datasets/fashion-mnist/. Idempotent: does nothing when the files are there.
# Set CLAIMBENCH_FASHION_MNIST_DIR to use a copy elsewhere instead.
set -euo pipefail

DIR="${CLAIMBENCH_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

have_all() {
  for f in "${FILES[@]}"; do [[ -f "$DIR/$f" ]] || return 1; done
}

if have_all; then
  echo "Fashion-MNIST present in $DIR"
  exit 0
fi

if [[ -n "${CLAIMBENCH_FASHION_MNIST_DIR:-}" ]]; then
  echo "Fashion-MNIST missing in \$CLAIMBENCH_FASHION_MNIST_DIR=$DIR; expected: ${FILES[*]}" >&2
  echo "unset CLAIMBENCH_FASHION_MNIST_DIR to install the Debian package instead" >&2
  exit 1
fi

# root runs apt-get directly; otherwise through sudo when it is there and needs no password
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "Fashion-MNIST is not installed, this script is not running as root and sudo needs a password." >&2
    echo "Install it with:  sudo apt-get install -y dataset-fashion-mnist" >&2
    exit 1
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Fashion-MNIST is not installed and apt-get is not available on this system." >&2
  echo "Put the four IDX files (${FILES[*]}) in a directory and set CLAIMBENCH_FASHION_MNIST_DIR to it." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y dataset-fashion-mnist; then
  # the package lists may be stale or empty on a fresh machine
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" apt-get install -y dataset-fashion-mnist
fi

if have_all; then
  echo "Fashion-MNIST installed in $DIR"
else
  echo "dataset-fashion-mnist installed but the IDX files are not in $DIR:" >&2
  dpkg -L dataset-fashion-mnist | grep -i idx >&2 || true
  exit 1
fi
