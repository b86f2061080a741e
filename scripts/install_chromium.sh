#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for reports/browser_test.ts if it is missing.
# Idempotent; never fails the caller: without Chromium the browser test skips with a warning.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_chromium: no apt-get here; the browser test will be skipped" >&2
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install_chromium: not root and no sudo; the browser test will be skipped" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium; } >&2; then
  echo "install_chromium: apt-get install chromium failed; the browser test will be skipped" >&2
fi
exit 0
