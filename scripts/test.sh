#!/usr/bin/env bash
# Installs dependencies, builds everything and runs every test (lit regression
# tests and the GoogleTest unit tests, through lit). Exits non-zero if any
# test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"
log=$(mktemp)
status=0
/usr/lib/llvm-22/bin/lit -sv --order=lexical "$build/test" "$build/test/Unit" | tee "$log" || status=$?
passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -n1 || true)
failed=$(grep -Eo '^ *Failed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | head -n1 || true)
echo "${passed:-0} passed, ${failed:-0} failed"
rm -f "$log"
exit $status
