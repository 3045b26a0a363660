#!/usr/bin/env bash
# Builds costopt's libFuzzer targets (clang-22, AddressSanitizer +
# UndefinedBehaviorSanitizer, in ${FUZZ_BUILD_DIR:-build-fuzz}) and fuzzes
# each for SECONDS (default 60), one after another, one process at a time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      TARGET: mlir, import, onnx, sym (default: all)
#
# Corpora live in $build/fuzz-corpus/<target> (seeded by fuzz/make-corpus.sh,
# kept between runs); crash, timeout and OOM inputs go to
# ${FUZZ_FINDINGS:-$build/fuzz-findings}/<target>/, the log beside them.
# Prints PASS/FAIL per target and lit-style "Passed:"/"Failed:" totals;
# exits non-zero if any target found something. Environment:
#   FUZZ_REPRODUCIBLE=1 the CI smoke run (scripts/test.sh): each target runs a
#                       fixed number of inputs (the table below; SECONDS is
#                       then only a cap) from the seeds alone with seed 1, so a
#                       slow machine tries as many as a fast one. Which inputs
#                       still varies from run to run: coverage feedback is not
#                       deterministic (docs/Robustness.md, "CI")
#   FUZZ_SEED=N         fixed random seed
#   FUZZ_KEEP_GOING=1   campaign mode: -fork=1 and keep fuzzing after a crash,
#                       timeout or OOM (each is still saved)
#   FUZZ_TIMEOUT=S      seconds one input may take (default 10)
#   COSTOPT_FUZZ_IGNORE=tag,...  step over known broken invariants (the tag
#                       is in each report; see docs/Robustness.md)
# See docs/Robustness.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(mlir import onnx sym)

bash "$root/scripts/setup.sh"
source "$root/scripts/sanitized.sh"
configure_sanitized "$root" "$build"
ninja --quiet -C "$build" "${targets[@]/#/costopt-fuzz-}"

seeds="$build/fuzz-seeds"
bash "$root/fuzz/make-corpus.sh" "$seeds" 2>/dev/null

passed=0
failed=0
for target in "${targets[@]}"; do
  # runs: the reproducible smoke run's inputs, about 20 s each on CI's 2 cores.
  case $target in
    mlir) dict=nn.dict; max_len=4096; runs=300 ;;
    import) dict=hf.dict; max_len=2048; runs=4000 ;;
    onnx) dict=onnx.dict; max_len=16384; runs=4000 ;;
    sym) dict=sym.dict; max_len=256; runs=40000 ;;
    *) echo "fuzz: unknown target '$target' (mlir, import, onnx, sym)" >&2; exit 2 ;;
  esac
  corpus="$build/fuzz-corpus/$target"
  budget=(-max_total_time="$seconds" ${FUZZ_SEED:+-seed=$FUZZ_SEED})
  if [ "${FUZZ_REPRODUCIBLE:-0}" = 1 ]; then
    # A corpus kept from earlier runs would change what is tried.
    corpus=$(mktemp -d)
    budget=(-runs="$runs" -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}")
  fi
  findings="${FUZZ_FINDINGS:-$build/fuzz-findings}/$target"
  mkdir -p "$corpus" "$findings"
  log="$findings.log"
  keep_going=()
  [ "${FUZZ_KEEP_GOING:-0}" = 1 ] &&
    keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  marker=$(mktemp)
  rc=0
  "$build/bin/costopt-fuzz-$target" "$corpus" "$seeds/$target" "${keep_going[@]}" \
    -dict="$root/fuzz/$dict" -max_len="$max_len" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
    "${budget[@]}" -artifact_prefix="$findings/" -print_final_stats=1 \
    >"$log" 2>&1 || rc=$?
  # Executions: the final stats, or (with -fork) the last progress line.
  stats=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' ||
    grep -Eo '^#[0-9]+' "$log" | tail -n1 | tr -d '#' || true)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n1 || true)
  found=$(find "$findings" -type f -newer "$marker" \( -name 'crash-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  rm -f "$marker"
  [ "$found" -gt 0 ] && [ $rc -eq 0 ] && rc=1
  short=""
  if [ "${FUZZ_REPRODUCIBLE:-0}" = 1 ]; then
    rm -rf "$corpus"
    # The cap cut the run short: it did not try the inputs it promises.
    [ "${stats:-0}" -lt "$runs" ] 2>/dev/null && short="; WARNING: cut short by the ${seconds} s cap"
  fi
  if [ $rc -eq 0 ]; then
    echo "PASS: fuzz/$target (${stats:-?} runs, $cov$short)"
    passed=$((passed + 1))
  else
    echo "FAIL: fuzz/$target (exit $rc, $found inputs in $findings/; log $log)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|costopt-fuzz.*invariant|.*runtime error)' "$log" | head -n 5 || true
    failed=$((failed + 1))
  fi
done
echo "  Passed: $passed"
echo "  Failed: $failed"
[ $failed -eq 0 ]
