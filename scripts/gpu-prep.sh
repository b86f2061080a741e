#!/usr/bin/env bash
# Prepares .gpu/ in the project root for running the suite on a remote GPU machine that has no
# package registries: a compressed Deno binary, the Vulkan/EGL loader packages (Debian, amd64) and
# .gpu/enter.sh, which unpacks them there. Run once from anywhere inside the project, after the
# project's own install (so that `deno` and node_modules/ exist); then carry .gpu (and
# node_modules) with the remote command and start it with `source .gpu/enter.sh;`.
# See docs/gpu.md. Needs apt-get (Debian/Ubuntu) and xz; root is not needed here.
set -euo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null || (cd "$(dirname "$0")/.." && pwd))
cd "$root"
# .gpu/ is in .gitignore; also keep it out of this clone's untracked files if that file changed
if [[ -d .git ]] && ! grep -qx '/.gpu/' .git/info/exclude 2>/dev/null; then
  echo '/.gpu/' >> .git/info/exclude
fi
lists=$(mktemp -d)
trap 'rm -rf "$lists"' EXIT
mkdir -p .gpu/debs "$lists/partial"
deno_bin=$(command -v deno || true)
if [[ -z $deno_bin ]]; then
  # Deno installed through npm (npx deno@…): its platform package holds the binary
  deno_bin=$(node -e 'console.log(require.resolve("@deno/linux-x64-glibc/deno"))' 2>/dev/null || true)
fi
[[ -n $deno_bin && -x $deno_bin ]] || { echo "gpu-prep: no deno binary found (install the project first)" >&2; exit 1; }
command -v xz >/dev/null || { echo "gpu-prep: xz is missing (apt-get install xz-utils)" >&2; exit 1; }
xz -T2 -6 -c "$deno_bin" > .gpu/deno.xz
o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
# shellcheck disable=SC2086
apt-get $o update >/dev/null
# shellcheck disable=SC2086
(cd .gpu/debs && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
cat > .gpu/enter.sh <<'IN'
# source this at the start of a device command: unpacks the loaders and Deno, points Vulkan at the NVIDIA driver
for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done; ldconfig
mkdir -p /tmp/gpubin && xz -dc .gpu/deno.xz > /tmp/gpubin/deno && chmod +x /tmp/gpubin/deno
export PATH=/tmp/gpubin:$PATH
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}
export DENO_WEBGPU_BACKEND=${DENO_WEBGPU_BACKEND:-vulkan}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
IN
du -sh .gpu
echo "gpu-prep: ready. Carry .gpu and node_modules; the remote command starts with: source .gpu/enter.sh;"
