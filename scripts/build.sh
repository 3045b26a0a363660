#!/usr/bin/env bash
# Installs dependencies (scripts/setup.sh) and builds costopt with CMake + Ninja
# into ${BUILD_DIR:-build}. Extra arguments are passed to ninja (targets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}

bash "$root/scripts/setup.sh"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" "$@"
