//===- CountFlops.cpp - Count the FLOPs a kernel executes -----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// costopt-count-flops: before each tagged linalg op, adds (product of its
// loop ranges at run time) x (floating-point ops of its body) to its layer's
// counter. The ranges are the loops' own, so the count is the work the
// lowered code executes.
//
//===----------------------------------------------------------------------===//

#include "costopt/Conversion/Passes.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Runtime/ArgumentRole.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

namespace costopt {
#define GEN_PASS_DEF_COUNTFLOPS
#include "costopt/Conversion/Passes.h.inc"
} // namespace costopt

using namespace mlir;

namespace {

/// Floating-point arithmetic in a body, by nn.map's rule.
int64_t floatOpsOf(Block &body) {
  return llvm::count_if(body, [](Operation &op) {
    return costopt::nn::isFloatingPointArithmetic(op);
  });
}

} // namespace

Value costopt::findCountersArgument(func::FuncOp func) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto role = func.getArgAttrOfType<StringAttr>(i, costopt::attrs::kRole);
        role && parseArgumentRole(std::string_view(role.getValue())) == ArgumentRole::Counters)
      return func.getArgument(i);
  return {};
}

namespace {

struct CountFlopsPass : public costopt::impl::CountFlopsBase<CountFlopsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Value counters = costopt::findCountersArgument(func);
    if (!counters)
      return; // not a lowered model
    WalkResult walk = func.walk([&](linalg::LinalgOp op) -> WalkResult {
      int64_t perPoint = floatOpsOf(*op.getBlock());
      if (perPoint == 0)
        return WalkResult::advance();
      auto slot = op->getAttrOfType<IntegerAttr>(costopt::attrs::kLayer);
      if (!slot) {
        op->emitError() << "floating-point work without a layer slot ('"
                        << costopt::attrs::kLayer << "'): it would go uncounted";
        return WalkResult::interrupt();
      }
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value work = arith::ConstantIndexOp::create(b, loc, perPoint);
      for (Range range : op.createLoopRanges(b, loc))
        work = arith::MulIOp::create(b, loc, work,
                                     getValueOrCreateConstantIndexOp(b, loc, range.size));
      Value work64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), work);
      Value at = arith::ConstantIndexOp::create(b, loc, slot.getInt());
      Value old = memref::LoadOp::create(b, loc, counters, ValueRange{at});
      Value sum = arith::AddIOp::create(b, loc, old, work64);
      memref::StoreOp::create(b, loc, sum, counters, ValueRange{at});
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
