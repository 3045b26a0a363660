//===- PrimitiveBench.cpp - Speed of the primitive level ------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Issue #10's speed targets for the primitive level:
//  - 100,000 primitives analysed in at most 1 s, time linear in their count;
//  - a whole GPT-2 report, decomposition included, in at most 30 ms.
//
// The primitive models are GPT-2 decoder layers written out one after the
// other (no nn.repeat) at the layer level and decomposed in-process by the
// DecomposeLayers pass, so they hold exactly what `costopt --emit
// primitives` prints: nn.block regions of params, contractions, maps and
// reductions. Parsing with verification, and the analysis, are timed
// separately; "primitives" counts the primitive ops (nn.param, nn.contract,
// nn.map, nn.reduce, ...), not the blocks around them nor the scalar ops
// inside map bodies.
//
//===----------------------------------------------------------------------===//

#include "costopt/Analysis/ModelCost.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Driver/Driver.h"
#include "costopt/InitAll.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <map>

using namespace costopt;

namespace {

/// GPT-2 small with `layers` decoder layers written out, at the layer level.
std::string gpt2Layers(int64_t layers) {
  std::string text;
  llvm::raw_string_ostream out(text);
  out << "nn.model @gpt(%t: !nn.tokens<[b, n]>) symbols(b = 1, n = 1024, d = 768, h = 12, "
         "V = 50257) where (d mod h == 0) {\n"
      << "  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>\n";
  std::string x = "%e";
  for (int64_t i = 0; i < layers; ++i) {
    std::string s = std::to_string(i);
    out << "  %n1_" << s << " = nn.layer_norm " << x << " : !nn.seq<[b, n, d]>\n"
        << "  %a" << s << " = nn.attention %n1_" << s
        << " {heads = h, causal} : !nn.seq<[b, n, d]>\n"
        << "  %r1_" << s << " = nn.add " << x << ", %a" << s << " : !nn.seq<[b, n, d]>\n"
        << "  %n2_" << s << " = nn.layer_norm %r1_" << s << " : !nn.seq<[b, n, d]>\n"
        << "  %f" << s << " = nn.ffn %n2_" << s
        << " {hidden = 4*d, activation = \"gelu_tanh\"} : !nn.seq<[b, n, d]>\n"
        << "  %r2_" << s << " = nn.add %r1_" << s << ", %f" << s << " : !nn.seq<[b, n, d]>\n";
    x = "%r2_" + s;
  }
  out << "  %o = nn.unembedding " << x
      << " {vocab = V} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>\n"
      << "  nn.output %o : !nn.seq<[b, n, V]>\n}\n";
  return text;
}

std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  auto context = std::make_unique<mlir::MLIRContext>(registry);
  context->loadAllAvailableDialects();
  context->printOpOnDiagnostic(false);
  return context;
}

bool isPrimitive(mlir::Operation *op) {
  return llvm::isa<nn::ParamOp, nn::ContractOp, nn::MapOp, nn::ReduceOp, nn::TransposeOp,
                   nn::ReshapeOp, nn::ConcatOp, nn::ExtractOp, nn::GatherOp>(op);
}

/// Decomposes a layer-level module in place; false on failure.
bool decompose(mlir::MLIRContext &context, mlir::ModuleOp module) {
  mlir::PassManager pm(&context);
  pm.addNestedPass<nn::ModelOp>(createDecomposeLayers());
  return succeeded(pm.run(module));
}

/// A primitive model of GPT-2 layers with at least `primitives` primitives
/// (cached: made once per size), and its exact primitive count.
struct PrimitiveModel {
  std::string text;
  int64_t primitives = 0;
  int64_t layers = 0;
};

const PrimitiveModel &primitiveModel(int64_t primitives) {
  static std::map<int64_t, PrimitiveModel> cache;
  auto it = cache.find(primitives);
  if (it != cache.end())
    return it->second;
  auto context = makeContext();
  auto count = [&](int64_t layers, PrimitiveModel &model) {
    auto module = mlir::parseSourceString<mlir::ModuleOp>(gpt2Layers(layers), context.get());
    if (!module || !decompose(*context, *module)) {
      llvm::errs() << "cannot decompose the generated model\n";
      std::abort();
    }
    model.primitives = 0;
    module->walk([&](mlir::Operation *op) { model.primitives += isPrimitive(op); });
    model.layers = layers;
    model.text.clear();
    llvm::raw_string_ostream os(model.text);
    module->print(os);
  };
  // Primitives per layer, then the layer count that reaches the size.
  PrimitiveModel one, two;
  count(1, one);
  count(2, two);
  int64_t perLayer = two.primitives - one.primitives;
  int64_t base = one.primitives - perLayer;
  int64_t layers = std::max<int64_t>(1, (primitives - base + perLayer - 1) / perLayer);
  PrimitiveModel model;
  count(layers, model);
  return cache.emplace(primitives, std::move(model)).first->second;
}

/// Parsing and verification (MLIR's verifier, which runs each op's own
/// checks: shapes, index maps, masks), in a fresh context each time.
void BM_PrimitiveParseVerify(benchmark::State &state) {
  const PrimitiveModel &model = primitiveModel(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto context = makeContext();
    state.ResumeTiming();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(model.text, context.get());
    if (!module)
      state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(module.get());
    state.PauseTiming();
    module = nullptr;
    context.reset();
    state.ResumeTiming();
  }
  state.SetComplexityN(model.primitives);
  state.counters["primitives"] = model.primitives;
}

/// The analysis alone (ModelCost: totals, memory, depth and paths), on a
/// module parsed once, in a fresh context (so nothing sized is cached from
/// an earlier iteration beyond what parsing made).
void BM_PrimitiveAnalysis(benchmark::State &state) {
  const PrimitiveModel &model = primitiveModel(state.range(0));
  CostOptions options;
  for (auto _ : state) {
    state.PauseTiming();
    auto context = makeContext();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(model.text, context.get());
    nn::ModelOp op;
    module->walk([&](nn::ModelOp m) { op = m; });
    state.ResumeTiming();
    auto cost = analyzeModel(op, options);
    if (failed(cost))
      state.SkipWithError("analysis failed");
    benchmark::DoNotOptimize(cost);
    state.PauseTiming();
    module = nullptr;
    context.reset();
    state.ResumeTiming();
  }
  state.SetComplexityN(model.primitives);
  state.counters["primitives"] = model.primitives;
}

/// The whole text report (parse, verify, analyse, evaluate, render).
void BM_PrimitiveReport(benchmark::State &state) {
  const PrimitiveModel &model = primitiveModel(state.range(0));
  std::string path = "/tmp/costopt-bench-primitives-" + std::to_string(state.range(0)) + ".mlir";
  std::ofstream(path) << model.text;
  DriverOptions options;
  options.inputFile = path;
  for (auto _ : state) {
    std::string text, errors;
    llvm::raw_string_ostream out(text), err(errors);
    if (runDriver(options, out, err) != 0)
      state.SkipWithError(errors.c_str());
    benchmark::DoNotOptimize(text);
  }
  state.SetComplexityN(model.primitives);
  state.counters["primitives"] = model.primitives;
  llvm::sys::fs::remove(path);
}

#define PRIMITIVE_SIZES ->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)
BENCHMARK(BM_PrimitiveParseVerify) PRIMITIVE_SIZES->Complexity(benchmark::oN);
BENCHMARK(BM_PrimitiveAnalysis) PRIMITIVE_SIZES->Complexity(benchmark::oN);
BENCHMARK(BM_PrimitiveReport) PRIMITIVE_SIZES->Complexity(benchmark::oN);

/// The GPT-2 of test/costopt/Inputs/gpt2-layers.mlir (12 layers in an
/// nn.repeat): decomposition alone (parse, decompose, print), and the report
/// of the decomposed model.
const char *kGpt2 = R"(
nn.model @gpt(%t: !nn.tokens<[b, n]>) symbols(b = 1, n = 1024, d = 768, h = 12, V = 50257, L = 12) where (d mod h == 0) {
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %y = nn.repeat<L>(%x = %e) : !nn.seq<[b, n, d]> {
    %n1 = nn.layer_norm %x : !nn.seq<[b, n, d]>
    %a = nn.attention %n1 {heads = h, causal} : !nn.seq<[b, n, d]>
    %r1 = nn.add %x, %a : !nn.seq<[b, n, d]>
    %n2 = nn.layer_norm %r1 : !nn.seq<[b, n, d]>
    %f = nn.ffn %n2 {hidden = 4*d, activation = "gelu_tanh"} : !nn.seq<[b, n, d]>
    %r2 = nn.add %r1, %f : !nn.seq<[b, n, d]>
    nn.yield %r2 : !nn.seq<[b, n, d]>
  }
  %o = nn.unembedding %y {vocab = V} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %o : !nn.seq<[b, n, V]>
}
)";

std::string writeFile(const std::string &name, const std::string &text) {
  std::string path = "/tmp/costopt-bench-" + name + ".mlir";
  std::ofstream(path) << text;
  return path;
}

/// `costopt --emit primitives` in-process.
void BM_Gpt2Decompose(benchmark::State &state) {
  std::string path = writeFile("gpt2-layers", kGpt2);
  DriverOptions options;
  options.inputFile = path;
  options.emit = "primitives";
  for (auto _ : state) {
    std::string text, errors;
    llvm::raw_string_ostream out(text), err(errors);
    if (runDriver(options, out, err) != 0)
      state.SkipWithError(errors.c_str());
    benchmark::DoNotOptimize(text);
  }
  llvm::sys::fs::remove(path);
}
BENCHMARK(BM_Gpt2Decompose)->Unit(benchmark::kMillisecond);

/// `costopt` on the decomposed GPT-2, in-process.
void BM_Gpt2PrimitiveReport(benchmark::State &state) {
  std::string decomposed;
  {
    auto context = makeContext();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(kGpt2, context.get());
    if (!module || !decompose(*context, *module)) {
      state.SkipWithError("cannot decompose GPT-2");
      return;
    }
    llvm::raw_string_ostream os(decomposed);
    module->print(os);
  }
  std::string path = writeFile("gpt2-primitives", decomposed);
  DriverOptions options;
  options.inputFile = path;
  for (auto _ : state) {
    std::string text, errors;
    llvm::raw_string_ostream out(text), err(errors);
    if (runDriver(options, out, err) != 0)
      state.SkipWithError(errors.c_str());
    benchmark::DoNotOptimize(text);
  }
  llvm::sys::fs::remove(path);
}
BENCHMARK(BM_Gpt2PrimitiveReport)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
