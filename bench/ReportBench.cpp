//===- ReportBench.cpp - Speed of a whole costopt run ---------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The whole report (parse, verify, analyse, evaluate, render) of a bundled
// example, and of generated models of growing op count, to check that time
// is linear in the number of ops. Process start-up is measured separately
// (docs/Measurements.md, with `time`).
//
//===----------------------------------------------------------------------===//

#include "costopt/Driver/Driver.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <benchmark/benchmark.h>

#include <fstream>

namespace {

/// A flat model with `layers` attention+ffn blocks written out (no repeat).
std::string writeFlatModel(int64_t layers) {
  std::string path = "/tmp/costopt-bench-" + std::to_string(layers) + ".mlir";
  std::ofstream out(path);
  out << "nn.model @flat(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 768, h = 12)"
         " where (d mod h == 0) {\n";
  std::string prev = "%x";
  for (int64_t i = 0; i < layers; ++i) {
    out << "  %a" << i << " = nn.attention " << prev
        << " {heads = h, causal} : !nn.seq<[b, n, d]>\n";
    out << "  %r" << i << " = nn.add " << prev << ", %a" << i << " : !nn.seq<[b, n, d]>\n";
    out << "  %l" << i << " = nn.layer_norm %r" << i << " : !nn.seq<[b, n, d]>\n";
    out << "  %f" << i << " = nn.ffn %l" << i
        << " {hidden = 4*d, activation = \"gelu\"} : !nn.seq<[b, n, d]>\n";
    out << "  %s" << i << " = nn.add %l" << i << ", %f" << i << " : !nn.seq<[b, n, d]>\n";
    prev = "%s" + std::to_string(i);
  }
  out << "  nn.output " << prev << " : !nn.seq<[b, n, d]>\n}\n";
  return path;
}

void BM_FlatModelReport(benchmark::State &state) {
  std::string path = writeFlatModel(state.range(0));
  costopt::DriverOptions options;
  options.inputFile = path;
  for (auto _ : state) {
    std::string text, errors;
    llvm::raw_string_ostream out(text), err(errors);
    int code = costopt::runDriver(options, out, err);
    if (code != 0)
      state.SkipWithError(errors.c_str());
    benchmark::DoNotOptimize(text);
  }
  state.SetComplexityN(state.range(0) * 5);
  llvm::sys::fs::remove(path);
}
BENCHMARK(BM_FlatModelReport)->Arg(20)->Arg(200)->Arg(2000)->Complexity(benchmark::oN)
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
