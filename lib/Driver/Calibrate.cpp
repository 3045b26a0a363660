//===- Calibrate.cpp - What costopt's own kernels achieve, per class ------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// `costopt calibrate` measures the machine's peak (Hardware.cpp) and, here,
// the rates of the kernels costopt itself generates: one model of
// primitives per kernel class, compiled by the same pipeline as `costopt
// verify` and timed the same way (thread CPU time, best of several runs).
// The FLOPs are the kernels' own counters, so a rate is counted work over
// time.
//
//===----------------------------------------------------------------------===//

#include "Hardware.h"

#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/InitAll.h"
#include "costopt/Runtime/CpuRunner.h"
#include "costopt/Support/Sym.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <algorithm>
#include <numeric>

using namespace costopt;

namespace {

/// A plain matrix product, which the CPU schedule packs, tiles and
/// vectorises (docs/Lowering.md, "CPU schedule").
constexpr llvm::StringLiteral kMatmul = R"mlir(
nn.model @matmul(%a: !nn.tensor<[m, k]>, %b: !nn.tensor<[k, n]>) symbols(m = 512, k = 512, n = 512) {
  %c = nn.contract %a, %b {indexing_maps = [affine_map<(i, j, p) -> (i, p)>, affine_map<(i, j, p) -> (p, j)>, affine_map<(i, j, p) -> (i, j)>]} : !nn.tensor<[m, k]>, !nn.tensor<[k, n]> -> !nn.tensor<[m, n]>
  nn.output %c : !nn.tensor<[m, n]>
}
)mlir";

/// What the schedule leaves to the loop lowering, as a model's layers use
/// it: a batched projection [b, n, d] x [d, f], attention-like scores
/// x·xᵀ over the positions, an element-wise exp, and the scores applied to
/// the projection (four loops each: batched, so not a plain product).
constexpr llvm::StringLiteral kLoops = R"mlir(
nn.model @loops(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 256, d = 64, f = 256) {
  %w = nn.param : !nn.tensor<[d, f]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, i) -> (b, t, i)>, affine_map<(b, t, o, i) -> (i, o)>, affine_map<(b, t, o, i) -> (b, t, o)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]> -> !nn.seq<[b, n, f]>
  %s = nn.contract %x, %x {indexing_maps = [affine_map<(b, q, k, i) -> (b, q, i)>, affine_map<(b, q, k, i) -> (b, k, i)>, affine_map<(b, q, k, i) -> (b, q, k)>]} : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> -> !nn.seq<[b, n, n]>
  %e = nn.map %s : !nn.seq<[b, n, n]> -> !nn.seq<[b, n, n]> {
  ^bb0(%v: f32):
    %t = math.exp %v : f32
    nn.yield %t : f32
  }
  %z = nn.contract %e, %y {indexing_maps = [affine_map<(b, q, o, k) -> (b, q, k)>, affine_map<(b, q, o, k) -> (b, k, o)>, affine_map<(b, q, o, k) -> (b, q, o)>]} : !nn.seq<[b, n, n]>, !nn.seq<[b, n, f]> -> !nn.seq<[b, n, f]>
  nn.output %z : !nn.seq<[b, n, f]>
}
)mlir";

/// An Elman recurrence of width 1: its time is the steps' overhead.
constexpr llvm::StringLiteral kSteps = R"mlir(
nn.model @steps(%x: !nn.seq<[1, n, 1]>) symbols(n = 4096) {
  %w = nn.param : !nn.tensor<[1, 1]>
  %h0 = nn.constant : !nn.tensor<[1, 1]>
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[1, n, 1]>) init (!nn.tensor<[1, 1]>) -> !nn.seq<[1, n, 1]> {
  ^bb0(%xt: !nn.tensor<[1, 1]>, %h: !nn.tensor<[1, 1]>):
    %a = nn.contract %h, %w, %xt {indexing_maps = [affine_map<(b, i, j) -> (b, i)>, affine_map<(b, i, j) -> (i, j)>, affine_map<(b, i, j) -> (b, j)>]} : !nn.tensor<[1, 1]>, !nn.tensor<[1, 1]>, !nn.tensor<[1, 1]> -> !nn.tensor<[1, 1]>
    %hn = nn.map %a : !nn.tensor<[1, 1]> -> !nn.tensor<[1, 1]> {
    ^bb0(%v: f32):
      %t = math.tanh %v : f32
      nn.yield %t : f32
    }
    nn.yield %hn : !nn.tensor<[1, 1]>
  }
  nn.output %hs : !nn.seq<[1, n, 1]>
}
)mlir";

struct Timing {
  double seconds = 0; ///< best of the timed runs
  int64_t flops = 0;  ///< counted, per run
};

/// Compiles `text` as `costopt verify` does and times it at its defaults.
llvm::Expected<Timing> timeModel(mlir::MLIRContext &context, llvm::StringRef text,
                                 unsigned repetitions) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  if (!module)
    return sym::makeError("a calibration model does not parse");
  sym::Bindings point = (*module->getOps<nn::ModelOp>().begin()).getDefaultBindings();
  auto kernel = compileCpuKernel(*module, /*optimize=*/true);
  if (!kernel)
    return kernel.takeError();
  auto run = (*kernel)->run(point, repetitions);
  if (!run)
    return run.takeError();
  Timing timing;
  timing.seconds = *std::min_element(run->seconds.begin(), run->seconds.end());
  timing.flops = std::accumulate(run->counters.begin(), run->counters.end(), int64_t(0));
  if (!(timing.seconds > 0) || timing.flops <= 0)
    return sym::makeError("a calibration run measured no time or no work");
  return timing;
}

} // namespace

llvm::Expected<KernelClassRates> costopt::measureKernelClasses() {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  registerLoweringDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  KernelClassRates rates;
  auto matmul = timeModel(context, kMatmul, 7);
  if (!matmul)
    return matmul.takeError();
  rates.matmulFlops = matmul->flops / matmul->seconds;
  auto loops = timeModel(context, kLoops, 7);
  if (!loops)
    return loops.takeError();
  rates.loopFlops = loops->flops / loops->seconds;
  auto steps = timeModel(context, kSteps, 7);
  if (!steps)
    return steps.takeError();
  // Each of the 4,096 steps, less the little work it does.
  rates.stepSeconds = std::max(steps->seconds - steps->flops / rates.loopFlops, 0.0) / 4096;
  if (!(rates.stepSeconds > 0))
    rates.stepSeconds = steps->seconds / 4096;
  return rates;
}
