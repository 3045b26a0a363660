//===- SymBench.cpp - Speed of the symbolic algebra -----------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Target (issue "Exact symbolic cost algebra"): at least 10^6 exact point
// evaluations per second of a 20-term formula, for sweeps.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include <benchmark/benchmark.h>

using namespace costopt::sym;

namespace {

/// A 20-term polynomial in the symbols of a transformer cost.
Expr twentyTerms() {
  return cantFail(parse(
      "24*L*b*n*d^2 + 4*L*b*n^2*d + 2*L*b*n^2*h + 16*L*b*n*d + 2*L*b*n*h + 2*b*n*d*V"
      " + 7*L*b*n*d + 3*b*n*V + 12*L*d^2 + 13*L*d + d*V + 4*L*b*d + 9*b*n + 5*L*h"
      " + 3*n*d + 2*b*d^2 + 11*L*n + 6*h*d + 17*b + 19"));
}

void BM_CompiledEvaluation(benchmark::State &state) {
  Expr e = twentyTerms();
  std::vector<std::string> slots{"L", "b", "n", "d", "h", "V"};
  CompiledExpr compiled = cantFail(CompiledExpr::compile(e, slots));
  std::vector<llvm::DynamicAPInt> values{
      llvm::DynamicAPInt(96), llvm::DynamicAPInt(8), llvm::DynamicAPInt(4096),
      llvm::DynamicAPInt(12288), llvm::DynamicAPInt(96), llvm::DynamicAPInt(50257)};
  int64_t n = 1;
  for (auto _ : state) {
    values[2] = llvm::DynamicAPInt(1024 + (n++ & 4095));
    auto v = compiled.evaluate(values);
    benchmark::DoNotOptimize(v);
    llvm::consumeError(v.takeError());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompiledEvaluation);

void BM_GenericEvaluation(benchmark::State &state) {
  Expr e = twentyTerms();
  Bindings b;
  for (auto [name, value] : {std::pair<const char *, int64_t>{"L", 96}, {"b", 8},
                             {"n", 4096}, {"d", 12288}, {"h", 96}, {"V", 50257}})
    b[name] = llvm::DynamicAPInt(value);
  for (auto _ : state) {
    auto v = evaluate(e, b);
    benchmark::DoNotOptimize(v);
    llvm::consumeError(v.takeError());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GenericEvaluation);

void BM_ParseAndCanonicalise(benchmark::State &state) {
  for (auto _ : state) {
    auto e = parse("(n + d)^4 * (h + 1) - ceil(n/k) * max(d, n) + d/h");
    benchmark::DoNotOptimize(e);
    llvm::consumeError(e.takeError());
  }
}
BENCHMARK(BM_ParseAndCanonicalise);

void BM_BigO(benchmark::State &state) {
  Expr e = twentyTerms();
  for (auto _ : state) {
    auto c = bigO(e);
    benchmark::DoNotOptimize(c);
    llvm::consumeError(c.takeError());
  }
}
BENCHMARK(BM_BigO);

} // namespace

BENCHMARK_MAIN();
