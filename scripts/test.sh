#!/usr/bin/env bash
# Installs dependencies, builds everything and runs every test (lit regression
# tests and the GoogleTest unit tests, through lit); then the same suite again
# built with clang-22 under AddressSanitizer and UndefinedBehaviorSanitizer
# (${SANITIZE_BUILD_DIR:-build-sanitize}), and a smoke run of the libFuzzer
# targets from that build: a fixed number of inputs each from the seeds, about
# a minute in all (scripts/fuzz.sh; docs/Robustness.md).
# COSTOPT_SKIP_SANITIZE=1 runs only the first suite. Exits non-zero if any
# test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
sanitize=${SANITIZE_BUILD_DIR:-$root/build-sanitize}
lit=/usr/lib/llvm-22/bin/lit

bash "$root/scripts/build.sh"
log=$(mktemp)
status=0
$lit -sv --order=lexical "$build/test" "$build/test/Unit" | tee "$log" || status=$?

if [ "${COSTOPT_SKIP_SANITIZE:-0}" != 1 ]; then
  source "$root/scripts/sanitized.sh"
  configure_sanitized "$root" "$sanitize"
  ninja -C "$sanitize" costopt costopt-opt CostoptUnitTests costopt-doc costopt-fuzzers \
    costopt-run-cuda costopt-fake-libcuda
  # Instrumented code runs several times slower: the hostile corpus's
  # 2-second answer limit (%timeout) is widened for this run only.
  COSTOPT_TEST_TIMEOUT=${COSTOPT_TEST_TIMEOUT:-20} \
    $lit -sv --order=lexical "$sanitize/test" "$sanitize/test/Unit" | tee -a "$log" || status=$?
  FUZZ_BUILD_DIR=$sanitize FUZZ_REPRODUCIBLE=1 bash "$root/scripts/fuzz.sh" 120 | tee -a "$log" || status=$?
fi

passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}' || true)
failed=$(grep -Eo '^ *Failed *: *[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}' || true)
echo "${passed:-0} passed, ${failed:-0} failed"
rm -f "$log"
exit $status
