# Sourced by scripts/test.sh and scripts/fuzz.sh: the one configuration of an
# AddressSanitizer + UndefinedBehaviorSanitizer build with libFuzzer coverage
# (clang-22), and the run-time options its binaries need (docs/Robustness.md).

# libMLIR.so is not instrumented; allow_user_poisoning=0 stops ASan from
# reporting MLIR's own poisoned arena memory (see docs/Robustness.md).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-22/bin/llvm-symbolizer}

# configure_sanitized ROOT BUILD: configures BUILD once.
configure_sanitized() {
  if [ ! -f "$2/build.ninja" ]; then
    cmake -G Ninja -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
      -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_C_COMPILER=clang-22 \
      -DCOSTOPT_SANITIZE=address,undefined -DCOSTOPT_ENABLE_FUZZERS=ON >/dev/null
  fi
}
