//===- InlineLayers.cpp - nn.call as nn.block -----------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Replaces each call of a user-defined layer (an nn.model used through
// nn.call) by an nn.block named after it, holding the callee's body with
// the caller's sizes substituted. Calls inside the callee are inlined into
// the same block: a layer is one step however it was written.
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace costopt {
#define GEN_PASS_DEF_INLINELAYERS
#include "costopt/Transforms/Passes.h.inc"
} // namespace costopt

using namespace costopt;
using namespace costopt::nn;
using namespace mlir;
using sym::Expr;

namespace {

/// Calls nested deeper than this are refused (a call cycle, in practice).
constexpr unsigned kMaxCallDepth = 16;

Attribute substituteAttr(Attribute attr, const llvm::StringMap<Expr> &values) {
  MLIRContext *context = attr.getContext();
  if (auto dim = llvm::dyn_cast<DimAttr>(attr))
    return DimAttr::get(context, dim.getExpr().substitute(values));
  if (auto array = llvm::dyn_cast<ArrayAttr>(attr)) {
    llvm::SmallVector<Attribute> items;
    for (Attribute a : array)
      items.push_back(substituteAttr(a, values));
    return ArrayAttr::get(context, items);
  }
  if (auto dict = llvm::dyn_cast<DictionaryAttr>(attr)) {
    llvm::SmallVector<NamedAttribute> items;
    for (NamedAttribute a : dict)
      items.emplace_back(a.getName(), substituteAttr(a.getValue(), values));
    return DictionaryAttr::get(context, items);
  }
  return attr;
}

/// Rewrites every size in `op` (types, attributes, nested regions).
void substituteSizesIn(Operation *root, const llvm::StringMap<Expr> &values) {
  root->walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      op->setAttr(attr.getName(), substituteAttr(attr.getValue(), values));
    for (Value result : op->getResults())
      result.setType(substituteSizes(result.getType(), values));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(substituteSizes(arg.getType(), values));
  });
}

/// Clones the callee's body before `builder`'s point, mapping its inputs
/// to `inputs`; returns the values it outputs. Nested calls are inlined
/// the same way.
FailureOr<llvm::SmallVector<Value>> cloneBody(CallOp call, ValueRange inputs, OpBuilder &builder,
                                              unsigned depth) {
  if (depth > kMaxCallDepth)
    return call.emitOpError() << "calls nest more than " << kMaxCallDepth
                              << " levels deep (does a layer call itself?)";
  ModelOp callee = call.getCalleeModel();
  FailureOr<llvm::StringMap<Expr>> values = call.bindCalleeSymbols(callee);
  if (failed(values))
    return failure();
  IRMapping mapping;
  for (auto [arg, input] : llvm::zip(callee.getBodyBlock().getArguments(), inputs))
    mapping.map(arg, input);
  for (Operation &op : callee.getBodyBlock().without_terminator()) {
    if (llvm::isa<RepeatOp>(op))
      return op.emitOpError() << "cannot be inside a layer used with nn.call (@"
                              << call.getCallee()
                              << "): a called layer is one block; call it inside the repeat";
    if (auto inlined = llvm::dyn_cast<BlockOp>(op)) {
      // A call the callee made, already inlined: its body joins this block.
      mlir::Block &inner = inlined.getBodyBlock();
      for (auto [arg, input] : llvm::zip(inner.getArguments(), inlined.getInputs()))
        mapping.map(arg, mapping.lookup(input));
      for (Operation &nested : inner.without_terminator())
        substituteSizesIn(builder.clone(nested, mapping), *values);
      for (auto [res, v] : llvm::zip(inlined.getResults(),
                                     llvm::cast<YieldOp>(inner.getTerminator()).getValues()))
        mapping.map(res, mapping.lookup(v));
      continue;
    }
    Operation *clone = builder.clone(op, mapping);
    substituteSizesIn(clone, *values);
    if (auto nested = llvm::dyn_cast<CallOp>(clone)) {
      builder.setInsertionPoint(nested);
      auto results = cloneBody(nested, nested.getInputs(), builder, depth + 1);
      if (failed(results))
        return failure();
      for (auto [old, replacement] : llvm::zip(nested.getResults(), *results))
        old.replaceAllUsesWith(replacement);
      builder.setInsertionPointAfter(nested);
      nested.erase();
    }
  }
  llvm::SmallVector<Value> outputs;
  for (Value v : callee.getOutputOp().getValues())
    outputs.push_back(mapping.lookup(v));
  return outputs;
}

struct InlineLayersPass : public costopt::impl::InlineLayersBase<InlineLayersPass> {
  using InlineLayersBase::InlineLayersBase;

  void runOnOperation() override {
    if (failed(inlineLayerCalls(getOperation())))
      signalPassFailure();
  }
};

/// Reports a model that calls itself, directly or through others.
LogicalResult checkAcyclic(ModuleOp module) {
  llvm::DenseMap<Operation *, int> state; // 1: on the path, 2: done
  std::function<LogicalResult(ModelOp)> visit = [&](ModelOp model) -> LogicalResult {
    state[model] = 1;
    WalkResult walk = model.walk([&](CallOp call) {
      ModelOp callee = call.getCalleeModel();
      if (!callee || state.lookup(callee) == 2)
        return WalkResult::advance();
      if (state.lookup(callee) == 1) {
        call.emitOpError() << "calls @" << call.getCallee()
                           << ", which is already being called: layers cannot recurse";
        return WalkResult::interrupt();
      }
      return failed(visit(callee)) ? WalkResult::interrupt() : WalkResult::advance();
    });
    state[model] = 2;
    return failure(walk.wasInterrupted());
  };
  for (ModelOp model : module.getOps<ModelOp>())
    if (!state.count(model) && failed(visit(model)))
      return failure();
  return success();
}

} // namespace

LogicalResult costopt::inlineLayerCalls(ModuleOp module) {
  if (failed(checkAcyclic(module)))
    return failure();
  llvm::SmallVector<CallOp> calls;
  module.walk([&](CallOp call) {
    if (!call->getParentOfType<BlockOp>())
      calls.push_back(call);
  });
  for (CallOp call : calls) {
    OpBuilder builder(call);
    auto block = BlockOp::create(builder, call.getLoc(), call.getResultTypes(),
                                         builder.getStringAttr(call.getCallee()),
                                         call.getInputs());
    Block *body = builder.createBlock(&block.getBody());
    for (Value input : call.getInputs())
      body->addArgument(input.getType(), call.getLoc());
    OpBuilder inner = OpBuilder::atBlockEnd(body);
    auto outputs = cloneBody(call, body->getArguments(), inner, 1);
    if (failed(outputs))
      return failure();
    YieldOp::create(inner, call.getLoc(), *outputs);
    call.replaceAllUsesWith(block.getResults());
    call.erase();
  }
  return success();
}
