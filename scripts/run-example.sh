#!/usr/bin/env bash
# Installs dependencies, builds costopt and prints the cost report of the
# bundled base Transformer (or of the model given as the first argument;
# further arguments go to costopt).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh" costopt >/dev/null
model=${1:-$root/examples/transformer-base.mlir}
shift || true
exec "$build/bin/costopt" "$model" --report "$@"
