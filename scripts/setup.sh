#!/usr/bin/env bash
# Installs costopt's build and test dependencies from Debian's archive.
# Idempotent: prints nothing and touches nothing when everything is already installed.
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ python3
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools libopenblas-dev
  nlohmann-json3-dev libcli11-dev
  googletest libgtest-dev libbenchmark-dev
  chromium python3-jsonschema
  clang-22 libclang-rt-22-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
