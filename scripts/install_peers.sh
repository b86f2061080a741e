#!/usr/bin/env bash
# Installs the PyTorch peers' Python packages from Debian (python3-torch, python3-numpy) if missing.
set -euo pipefail
if /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  echo "peers: torch and numpy already available in /usr/bin/python3"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "peers: torch is missing; run as root: apt-get update && apt-get install -y python3-torch python3-numpy" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy >/dev/null
/usr/bin/python3 -c "import torch; print('peers: torch', torch.__version__)"
