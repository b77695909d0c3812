#!/usr/bin/env bash
# The set-up command for a fresh Debian 12 machine: installs the Debian and npm packages
# chefer needs, builds the CLI, and builds the native runtime into kit/ for every target.
# Run as root (or with sudo available). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  # build the native runtime: x86_64 natively, aarch64 cross-built and run under qemu-user
  build-essential libzstd-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross libzstd-dev:arm64
  qemu-user-static clang llvm lld clang-format
  # real parts the tests and users meet
  docker.io docker-registry skopeo apache2-utils uidmap passt iproute2 busybox-static
  zstd tmux xvfb x11-apps jq curl hyperfine iperf3 ca-certificates debootstrap file
  # GUI services: an X server and a Wayland compositor for the tests, and their clients
  xauth x11-utils weston wayland-utils
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  dpkg --print-foreign-architectures | grep -qx arm64 || as_root dpkg --add-architecture arm64
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "setup: installing npm packages" >&2
npm ci --no-audit --no-fund

echo "setup: building the CLI" >&2
npm run -s build

if [ -f native/Makefile ]; then
  echo "setup: building the native runtime into kit/" >&2
  make -s -C native kit
fi

npm link --no-audit --no-fund >/dev/null 2>&1 || echo "setup: could not link chefer onto PATH; use ./bin/chefer.js" >&2
echo "setup: done. Try: chefer --help" >&2
