//===- KernelBench.cpp - Speed of the CPU kernels against OpenBLAS --------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Issue #11 ("Kernel speed"): JIT-compiles the kernels of two models of
// primitives through the project's own pipeline (convert-nn-to-linalg,
// count-flops, the CPU schedule; docs/Lowering.md) and runs them
// interleaved with OpenBLAS sgemm on one thread: thread CPU time, best of
// N rounds. Prints GFLOP/s (counted FLOPs, which equal the useful ones)
// and the ratio to OpenBLAS measured in the same run.
//  - a dynamic-shape matrix product (nn.contract), at 1024^3, 1000^3 and
//    1023x1021x1019; targets >= 0.9x (1024^3) and >= 0.5x (ragged);
//  - causal attention (d = 64) at n = 4096, on the masked FLOPs; target
//    >= 0.3x of OpenBLAS's 1024^3 GFLOP/s;
//  - the same with GPT-2's 12 heads ([h, n, d], n = 1024): the schedule's
//    batched products (no target; it shows that heads run at the rate of
//    one head).
// Usage: costopt-bench-kernels [rounds] [--untiled]
//
//===----------------------------------------------------------------------===//

#include "costopt/InitAll.h"
#include "costopt/Runtime/CpuRunner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <cblas.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

using namespace costopt;

extern "C" void openblas_set_num_threads(int);

namespace {

constexpr const char *kMatmul = R"mlir(
nn.model @matmul(%a: !nn.tensor<[m, k]>, %b: !nn.tensor<[k, n]>) symbols(m = 64, k = 64, n = 64) {
  %c = nn.contract %a, %b {indexing_maps = [affine_map<(i, j, p) -> (i, p)>, affine_map<(i, j, p) -> (p, j)>, affine_map<(i, j, p) -> (i, j)>]} : !nn.tensor<[m, k]>, !nn.tensor<[k, n]> -> !nn.tensor<[m, n]>
  nn.output %c : !nn.tensor<[m, n]>
}
)mlir";

// Single-head causal attention on given q, k, v: scores, exp, row sums,
// normalisation, weighted values; every step masked to k <= p.
constexpr const char *kAttention = R"mlir(
nn.model @cattn(%q: !nn.seq<[n, d]>, %k: !nn.seq<[n, d]>, %v: !nn.seq<[n, d]>) symbols(n = 64, d = 64) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(p, t, c) -> (p, c)>, affine_map<(p, t, c) -> (t, c)>, affine_map<(p, t, c) -> (p, t)>], mask = affine_set<(p, t, c) : (p - t >= 0)>} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s mask affine_set<(p, t) : (p - t >= 0)> : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %c = arith.constant 1.250000e-01 : f32
    %m = arith.mulf %a, %c : f32
    %x = math.exp %m : f32
    nn.yield %x : f32
  }
  %z = nn.reduce %e {dims = [1], kind = "sum", mask = affine_set<(p, t) : (p - t >= 0)>} : !nn.seq<[n, n]> -> !nn.seq<[n, 1]>
  %w = nn.map %e, %z mask affine_set<(p, t) : (p - t >= 0)> : !nn.seq<[n, n]>, !nn.seq<[n, 1]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.divf %a, %b : f32
    nn.yield %r : f32
  }
  %o = nn.contract %w, %v {indexing_maps = [affine_map<(p, c, t) -> (p, t)>, affine_map<(p, c, t) -> (t, c)>, affine_map<(p, c, t) -> (p, c)>], mask = affine_set<(p, c, t) : (p - t >= 0)>} : !nn.seq<[n, n]>, !nn.seq<[n, d]> -> !nn.seq<[n, d]>
  nn.output %o : !nn.seq<[n, d]>
}
)mlir";

// kAttention with a leading head dimension h (every step per head): the
// products are batched over heads (docs/Lowering.md, "CPU schedule").
constexpr const char *kHeads = R"mlir(
nn.model @heads(%q: !nn.seq<[h, n, d]>, %k: !nn.seq<[h, n, d]>, %v: !nn.seq<[h, n, d]>) symbols(h = 2, n = 64, d = 64) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(g, p, t, c) -> (g, p, c)>, affine_map<(g, p, t, c) -> (g, t, c)>, affine_map<(g, p, t, c) -> (g, p, t)>], mask = affine_set<(g, p, t, c) : (p - t >= 0)>} : !nn.seq<[h, n, d]>, !nn.seq<[h, n, d]> -> !nn.seq<[h, n, n]>
  %e = nn.map %s mask affine_set<(g, p, t) : (p - t >= 0)> : !nn.seq<[h, n, n]> -> !nn.seq<[h, n, n]> {
  ^bb0(%a: f32):
    %c = arith.constant 1.250000e-01 : f32
    %m = arith.mulf %a, %c : f32
    %x = math.exp %m : f32
    nn.yield %x : f32
  }
  %z = nn.reduce %e {dims = [2], kind = "sum", mask = affine_set<(g, p, t) : (p - t >= 0)>} : !nn.seq<[h, n, n]> -> !nn.seq<[h, n, 1]>
  %w = nn.map %e, %z mask affine_set<(g, p, t) : (p - t >= 0)> : !nn.seq<[h, n, n]>, !nn.seq<[h, n, 1]> -> !nn.seq<[h, n, n]> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.divf %a, %b : f32
    nn.yield %r : f32
  }
  %o = nn.contract %w, %v {indexing_maps = [affine_map<(g, p, c, t) -> (g, p, t)>, affine_map<(g, p, c, t) -> (g, t, c)>, affine_map<(g, p, c, t) -> (g, p, c)>], mask = affine_set<(g, p, c, t) : (p - t >= 0)>} : !nn.seq<[h, n, n]>, !nn.seq<[h, n, d]> -> !nn.seq<[h, n, d]>
  nn.output %o : !nn.seq<[h, n, d]>
}
)mlir";

double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::unique_ptr<CpuKernel> compile(mlir::MLIRContext &context, const char *source,
                                   bool optimize) {
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module) {
    llvm::errs() << "bench: the model does not parse\n";
    std::exit(1);
  }
  auto kernel = compileCpuKernel(*module, optimize);
  if (!kernel) {
    llvm::errs() << "bench: " << llvm::toString(kernel.takeError()) << "\n";
    std::exit(1);
  }
  return std::move(*kernel);
}

/// Best thread CPU time of OpenBLAS sgemm for one round.
double sgemmSeconds(int64_t m, int64_t n, int64_t k, std::vector<float> &a,
                    std::vector<float> &b, std::vector<float> &c) {
  double start = threadSeconds();
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), 1.0f,
              a.data(), int(k), b.data(), int(n), 0.0f, c.data(), int(n));
  return threadSeconds() - start;
}

struct Result {
  double kernelBest = 1e30, blasBest = 1e30;
  int64_t counted = 0;
};

/// Runs `kernel` at `point` and sgemm (m x k times k x n) interleaved.
Result interleave(CpuKernel &kernel, const sym::Bindings &point, int64_t m, int64_t n,
                  int64_t k, unsigned rounds) {
  std::vector<float> a(m * k, 0.25f), b(k * n, 0.5f), c(m * n);
  Result r;
  for (unsigned i = 0; i < rounds; ++i) {
    auto run = kernel.run(point, 1);
    if (!run) {
      llvm::errs() << "bench: " << llvm::toString(run.takeError()) << "\n";
      std::exit(1);
    }
    r.kernelBest = std::min(r.kernelBest, run->seconds.front());
    r.counted = 0;
    for (int64_t x : run->counters)
      r.counted += x;
    r.blasBest = std::min(r.blasBest, sgemmSeconds(m, n, k, a, b, c));
  }
  return r;
}

sym::Bindings bind(std::initializer_list<std::pair<const char *, int64_t>> values) {
  sym::Bindings point;
  for (auto [name, value] : values)
    point[name] = llvm::DynamicAPInt(value);
  return point;
}

} // namespace

int main(int argc, char **argv) {
  unsigned rounds = 7;
  bool optimize = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--untiled"))
      optimize = false;
    else
      rounds = unsigned(std::max(1, std::atoi(argv[i])));
  }
  openblas_set_num_threads(1);
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  registerLoweringDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::printf("pipeline: %s; thread CPU time, best of %u interleaved rounds, 1 thread\n",
              optimize ? "optimized (CPU schedule)" : "untiled reference", rounds);
  std::printf("%-28s %12s %12s %10s %8s\n", "kernel", "GFLOP/s", "OpenBLAS", "ratio",
              "counted");
  auto matmul = compile(context, kMatmul, optimize);
  double blas1024 = 0;
  for (auto [m, k, n] : {std::tuple<int64_t, int64_t, int64_t>{1024, 1024, 1024},
                         {1000, 1000, 1000},
                         {1023, 1021, 1019}}) {
    Result r = interleave(*matmul, bind({{"m", m}, {"k", k}, {"n", n}}), m, n, k, rounds);
    double flops = 2.0 * double(m) * double(n) * double(k);
    double g = flops / r.kernelBest * 1e-9, gb = flops / r.blasBest * 1e-9;
    if (m == 1024)
      blas1024 = gb;
    std::printf("matmul %4ldx%4ldx%4ld         %12.1f %12.1f %9.2fx %8s\n", long(m), long(k),
                long(n), g, gb, g / gb, r.counted == int64_t(flops) ? "exact" : "WRONG");
  }
  auto attention = compile(context, kAttention, optimize);
  for (int64_t n : {1024, 4096}) {
    int64_t d = 64;
    if (!optimize && n > 1024)
      continue;
    Result r = interleave(*attention, bind({{"n", n}, {"d", d}}), 1024, 1024, 1024,
                          std::max(1u, rounds / 2));
    double useful = double(r.counted);
    double g = useful / r.kernelBest * 1e-9, gb = 2.0 * 1024 * 1024 * 1024 / r.blasBest * 1e-9;
    std::printf("causal attention n=%-5ld d=%ld %12.1f %12.1f %9.2fx %8s\n", long(n), long(d), g,
                gb, g / gb, "masked");
  }
  auto heads = compile(context, kHeads, optimize);
  {
    int64_t h = 12, n = 1024, d = 64;
    Result r = interleave(*heads, bind({{"h", h}, {"n", n}, {"d", d}}), 1024, 1024, 1024,
                          std::max(1u, rounds / 2));
    double g = double(r.counted) / r.kernelBest * 1e-9,
           gb = 2.0 * 1024 * 1024 * 1024 / r.blasBest * 1e-9;
    std::printf("causal attention h=%ld n=%ld  %12.1f %12.1f %9.2fx %8s\n", long(h), long(n), g,
                gb, g / gb, "masked");
  }
  (void)blas1024;
  return 0;
}
