//===- AnnotateCosts.cpp - Write cost formulas as attributes --------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Analysis/ModelCost.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace costopt {
#define GEN_PASS_DEF_ANNOTATECOSTS
#include "costopt/Transforms/Passes.h.inc"
} // namespace costopt

using namespace costopt;

namespace {

struct AnnotateCostsPass : public costopt::impl::AnnotateCostsBase<AnnotateCostsPass> {
  using AnnotateCostsBase::AnnotateCostsBase;

  void runOnOperation() override {
    nn::ModelOp model = getOperation();
    std::optional<CostMode> costMode = parseCostMode(mode);
    if (!costMode) {
      model.emitError() << "unknown mode '" << mode
                        << "'; expected forward, backward, train or decode";
      return signalPassFailure();
    }
    CostOptions options;
    options.mode = *costMode;
    mlir::FailureOr<ModelCost> cost = analyzeModel(model, options);
    if (failed(cost))
      return signalPassFailure();
    mlir::Builder builder(&getContext());
    // The verifier has parsed these already.
    sym::Assumptions assumptions = *model.getAssumptions();
    auto set = [&](mlir::Operation *op, llvm::StringRef name, const sym::Expr &value) {
      op->setAttr(("costopt." + name).str(),
                  builder.getStringAttr(sym::simplify(value, assumptions).str()));
    };
    for (const LayerCost &layer : cost->layers) {
      set(layer.op, "flops", layer.cost.totalWork(options));
      if (!layer.cost.core.isZero())
        set(layer.op, "core", layer.cost.core);
      set(layer.op, "params", layer.cost.params);
      set(layer.op, "activations", layer.cost.outputElements);
      if (!layer.cost.workspaceElements.isZero())
        set(layer.op, "workspace", layer.cost.workspaceElements);
      if (!layer.cost.kvCacheElements.isZero())
        set(layer.op, "kv_cache", layer.cost.kvCacheElements);
    }
    set(model, "total_flops", cost->flops);
    set(model, "total_params", cost->params);
    set(model, "peak_activations", cost->peakActivationElements);
    set(model, "sequential_depth", cost->sequentialDepth);
    set(model, "max_path_length", cost->maxPathLength);
  }
};

} // namespace
