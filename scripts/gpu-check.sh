#!/usr/bin/env bash
# The GPU check of `costopt verify --target cuda`, split as costopt splits
# compiling from running (docs/Lowering.md, "GPU"):
#
#   scripts/gpu-check.sh prepare   here (MLIR, no GPU): builds costopt and
#                                  compiles every check below into an
#                                  artifact under .gpu-check/ (git-ignored)
#   scripts/gpu-check.sh run       on the GPU machine (CUDA driver, g++, no
#                                  MLIR): builds costopt-run-cuda with g++,
#                                  runs every artifact, times cuBLAS on the
#                                  matrix-product shapes through PyTorch, and
#                                  packs the results into $OUT/gpu-check.tar.gz
#   scripts/gpu-check.sh collect F here again: unpacks F and checks every run
#                                  with `costopt verify --measurements`
#                                  (counts, values, growth, --hw h200 time)
#
# With the device tool: `prepare`, then run with carry [".gpu-check"] the
# command `bash scripts/gpu-check.sh run` (timeout 480 s), then `collect`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/.gpu-check
costopt=${COSTOPT:-$root/build/bin/costopt}

# name | model file | options (-D, --model) | sweep
# (gpt2_small is GPT-2 as imported from its Hugging Face config, all 12
# layers, tied LM head, learned positions; transformer_base one encoder and
# one decoder layer of the seed's model, tied tables, target length 256;
# mamba_130m two of Mamba-130m's blocks at d = 768, parallel scans, tied head)
checks=(
  "attention|bench/table1-cores.mlir|--model self_attention -D d=64|n=256..4096"
  "restricted_attention|bench/table1-cores.mlir|--model restricted_attention -D d=64|n=256..4096"
  "recurrent|bench/table1-cores.mlir|--model recurrent -D d=64|n=64..1024"
  "convolution|bench/table1-cores.mlir|--model convolution -D d=64|n=256..4096"
  "gpt2_layer|test/costopt/Inputs/gpt2-layers.mlir|-D d=768 -D h=12 -D L=1 -D V=50257|n=64..512"
  "gpt2_values|test/costopt/Inputs/gpt2-layers.mlir|-D d=64 -D h=4 -D L=2 -D V=100|n=16..64"
  "llama_layer|.gpu-check/llama-2-7b.mlir|-D L=1|n=128..512"
  "linear_transformer|examples/linear-transformer.mlir|-D L=1|n=256..4096"
  "gpt2_small|test/Import/Inputs/gpt2.json||n=128..1024"
  "transformer_base|examples/transformer-base.mlir|-D N=1 -D m=256|n=128..1024"
  "mamba_130m|examples/mamba.mlir|-D L=2|n=128..1024"
  "matmul|test/costopt/Inputs/matmul.mlir||m = k = n = 1024, 2048, 4096"
)

# Llama-2-7B's architecture at its own widths (d = 4096, dff = 11,008,
# V = 32,000), one layer, imported from its Hugging Face config.
import_llama() {
  "$costopt" import "$root/test/Import/Inputs/llama-2-7b.json" -o "$work/llama-2-7b.mlir"
}

field() { echo "$1" | cut -d'|' -f"$2"; }

prepare() {
  if [ ! -x "$costopt" ]; then bash "$root/scripts/build.sh"; fi
  # The same kernels, run as loops on the CPU at small sizes first: a
  # mapping bug fails here, not after the trip to the GPU.
  "$costopt" verify "$root/bench/table1-cores.mlir" --model self_attention -D d=16 --sweep n=8..32 \
    --target gpu-emulator --repeat 0 > /dev/null
  "$costopt" verify "$root/bench/table1-cores.mlir" --model recurrent -D d=16 --sweep n=8..16 \
    --target gpu-emulator --repeat 0 > /dev/null
  "$costopt" verify "$root/test/costopt/Inputs/gpt2-layers.mlir" -D d=32 -D h=4 -D L=1 -D V=50 \
    -D n=16 --target gpu-emulator --repeat 0 > /dev/null
  rm -rf "$work" && mkdir -p "$work/include"
  cp -r /usr/include/nlohmann "$work/include/"
  import_llama
  for check in "${checks[@]}"; do
    name=$(field "$check" 1); file=$(field "$check" 2); opts=$(field "$check" 3); sweep=$(field "$check" 4)
    if [ "$name" = matmul ]; then
      # One artifact per square size (m = k = n share the sweep's values).
      for n in 1024 2048 4096; do
        "$costopt" verify "$root/$file" -D m=$n -D k=$n -D n=$n --target cuda --compile-only \
          --artifact "$work/matmul_$n" > /dev/null
      done
      continue
    fi
    # shellcheck disable=SC2086
    "$costopt" verify "$root/$file" $opts --sweep "$sweep" --target cuda --compile-only \
      --artifact "$work/$name" > /dev/null
  done
  # A runner built here, for a machine without a compiler.
  g++ -std=c++17 -O2 -I "$root/include" -I "$work/include" "$root"/lib/Runtime/Cuda/*.cpp \
    "$root/tools/costopt-run-cuda/costopt-run-cuda.cpp" -ldl -rdynamic \
    -static-libstdc++ -static-libgcc -o "$work/costopt-run-cuda"
  du -sh "$work"
}

run() {
  out=${OUT:-$work/out}
  results=$work/results
  rm -rf "$results" && mkdir -p "$results" "$out"
  exec > >(tee "$out/gpu-check.log") 2>&1
  echo "== $(date -u +%FT%TZ) on $(hostname)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
  runner=$work/costopt-run-cuda
  if g++ -std=c++17 -O2 -I "$root/include" -I "$work/include" "$root"/lib/Runtime/Cuda/*.cpp \
       "$root/tools/costopt-run-cuda/costopt-run-cuda.cpp" -ldl -rdynamic -o "$work/runner-here"; then
    runner=$work/runner-here
    echo "runner: built here with $(g++ --version | head -1)"
  else
    echo "runner: g++ failed; using the one built by prepare"
  fi
  status=0
  # The runtime and runner alone first, on a hand-written kernel
  # (scripts/cuda-device-check.sh): a failure there is not the compiler's.
  CXXFLAGS="-I $work/include" bash "$root/scripts/cuda-device-check.sh" "$work/device-check" || status=1
  # One deadline for everything (the device tool's call is given 480 s);
  # the results are packed after every artifact, so a run cut short still
  # brings back what it measured.
  deadline=$((SECONDS + ${GPU_CHECK_SECONDS:-400}))
  pack() { tar -C "$work" -czf "$out/gpu-check.tar.gz" results; }
  for artifact in "$work"/*/manifest.json; do
    dir=$(dirname "$artifact"); name=$(basename "$dir")
    case "$name" in results|device-check) continue ;; esac
    left=$((deadline - SECONDS))
    if [ "$left" -le 10 ]; then echo "SKIPPED (deadline): $name"; status=1; continue; fi
    mkdir -p "$results/$name"
    start=$(date +%s%N)
    if timeout $((left < 150 ? left : 150)) "$runner" "$dir" -o "$results/$name/measurements.json"; then
      echo "ran $name in $(( ($(date +%s%N) - start) / 1000000 )) ms"
    else
      echo "FAILED: $name"; status=1
    fi
    pack
  done
  # cuBLAS (through PyTorch) on the matrix product's shapes, f32 without
  # TF32, CUDA events, best of 20 after 3 warm-ups.
  python3 - "$results/cublas.json" <<'EOF' || status=1
import json, sys, torch
torch.backends.cuda.matmul.allow_tf32 = False
rows = []
for n in (1024, 2048, 4096):
    a = torch.rand(n, n, device="cuda") - 0.5
    b = torch.rand(n, n, device="cuda") - 0.5
    for _ in range(3):
        torch.mm(a, b)
    times = []
    for _ in range(20):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record(); torch.mm(a, b); e.record(); torch.cuda.synchronize()
        times.append(s.elapsed_time(e) / 1e3)
    rows.append({"n": n, "best_seconds": min(times), "tflops": 2 * n**3 / min(times) / 1e12})
    print(f"cuBLAS f32 {n}^3: {min(times)*1e3:.3f} ms, {rows[-1]['tflops']:.1f} TFLOP/s")
json.dump({"device": torch.cuda.get_device_name(), "torch": torch.__version__,
           "rows": rows}, open(sys.argv[1], "w"), indent=2)
EOF
  pack
  echo "== status $status; results in gpu-check.tar.gz"
  return $status
}

collect() {
  archive=$1
  mkdir -p "$work" && rm -rf "$work/results" && tar -C "$work" -xzf "$archive"
  [ -f "$work/llama-2-7b.mlir" ] || import_llama
  status=0
  for check in "${checks[@]}"; do
    name=$(field "$check" 1); file=$(field "$check" 2); opts=$(field "$check" 3); sweep=$(field "$check" 4)
    if [ "$name" = matmul ]; then
      for n in 1024 2048 4096; do
        "$costopt" verify "$root/$file" -D m=$n -D k=$n -D n=$n --target cuda --hw h200 \
          --measurements "$work/results/matmul_$n/measurements.json" --format json \
          -o "$work/results/matmul_$n/verify.json" || status=1
      done
      continue
    fi
    echo "== $name"
    # shellcheck disable=SC2086
    "$costopt" verify "$root/$file" $opts --sweep "$sweep" --target cuda --hw h200 \
      --measurements "$work/results/$name/measurements.json" | tee "$work/results/$name/verify.txt" || status=1
  done
  python3 - "$work/results" <<'EOF'
import json, sys, os
d = sys.argv[1]
cublas = {r["n"]: r for r in json.load(open(os.path.join(d, "cublas.json")))["rows"]}
print("\nmatrix product f32, emitted kernel against cuBLAS (best times):")
for n in (1024, 2048, 4096):
    v = json.load(open(os.path.join(d, f"matmul_{n}", "verify.json")))
    ours = v["points"][0]["best_seconds"]
    print(f"  {n}^3: costopt {ours*1e3:.3f} ms ({2*n**3/ours/1e12:.2f} TFLOP/s), cuBLAS "
          f"{cublas[n]['best_seconds']*1e3:.3f} ms: {cublas[n]['best_seconds']/ours:.3f}x, counts exact: {v['exact']}")
EOF
  return $status
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  collect) collect "${2:?collect needs the gpu-check.tar.gz file}" ;;
  *) echo "usage: scripts/gpu-check.sh prepare | run | collect FILE" >&2; exit 2 ;;
esac
