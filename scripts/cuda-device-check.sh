#!/usr/bin/env bash
# Checks costopt-run-cuda and the mgpu* runtime end to end on a machine
# with an NVIDIA GPU and no LLVM: builds the tool with its one g++ command,
# a hand-written kernel library (test/costopt/Inputs/cuda-artifact-device:
# a PTX module loaded by a global constructor, as MLIR's output does) and a
# checker, runs the artifact and checks counters, times and output values
# bit for bit against ArgumentValues.h. Then the error paths a GPU machine
# reaches: a missing entry symbol and a missing kernel library.
#
# With COSTOPT_FAKE_LIBCUDA=1 it runs against a fake driver on host memory
# (fake-libcuda.cpp there): a check of the logic on a machine without GPU.
#
#   scripts/cuda-device-check.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/costopt-cuda-device-check}
inputs=test/costopt/Inputs/cuda-artifact-device
rm -rf "$work" && mkdir -p "$work/artifact"
cp "$inputs/manifest.json" "$work/artifact/"

# Where nlohmann/json is not installed: CXXFLAGS="-I <folder holding nlohmann/>".
extra=${CXXFLAGS:-}
g++ -std=c++17 -O2 $extra -I include lib/Runtime/Cuda/*.cpp tools/costopt-run-cuda/costopt-run-cuda.cpp -ldl -rdynamic -o "$work/costopt-run-cuda" &
tool=$!
g++ -std=c++17 -O2 -fPIC -shared "$inputs/kernel.cpp" -o "$work/artifact/kernel.so" &
kernel=$!
g++ -std=c++17 -O2 -ffp-contract=off $extra -I include "$inputs/check.cpp" -o "$work/check" &
checker=$!
wait $tool
wait $kernel
wait $checker

if [ "${COSTOPT_FAKE_LIBCUDA:-0}" = 1 ]; then
  mkdir -p "$work/fake"
  g++ -std=c++17 -O2 -fPIC -shared "$inputs/fake-libcuda.cpp" -o "$work/fake/libcuda.so.1"
  export LD_LIBRARY_PATH="$work/fake${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

"$work/costopt-run-cuda" "$work/artifact" --repeat 3
"$work/check" "$work/artifact"

# A manifest whose entry the library lacks: one error line, exit 1.
mkdir -p "$work/no-entry"
sed 's/costopt_packed_device_check/costopt_packed_missing/' "$inputs/manifest.json" > "$work/no-entry/manifest.json"
cp "$work/artifact/kernel.so" "$work/no-entry/"
status=0
"$work/costopt-run-cuda" "$work/no-entry" 2> "$work/no-entry.err" || status=$?
cat "$work/no-entry.err"
[ "$status" -eq 1 ] && [ "$(wc -l < "$work/no-entry.err")" -eq 1 ] &&
  grep -q '^costopt-run-cuda: error: the kernel library has no entry costopt_packed_missing: ' "$work/no-entry.err"
# No library at all.
rm "$work/no-entry/kernel.so"
status=0
"$work/costopt-run-cuda" "$work/no-entry" 2> "$work/no-library.err" || status=$?
cat "$work/no-library.err"
[ "$status" -eq 1 ] && grep -q '^costopt-run-cuda: error: cannot load the kernel library: ' "$work/no-library.err"
echo "cuda-device-check: all passed"
