//===- Loops.cpp - Rewrites of bufferized loops -----------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Conversion/Loops.h"
#include "costopt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace costopt {
#define GEN_PASS_DEF_ACCUMULATEINREGISTERS
#define GEN_PASS_DEF_COPIESTOLINALG
#define GEN_PASS_DEF_EXPANDSHAPESASCASTS
#include "costopt/Conversion/Passes.h.inc"
} // namespace costopt

using namespace mlir;

mlir::Value costopt::bufferRootOf(mlir::Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (isa<memref::AllocOp, gpu::AllocOp>(def))
      return memref;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return Value();
    memref = view.getViewSource();
  }
  auto argument = dyn_cast<BlockArgument>(memref);
  if (argument && isa<FunctionOpInterface>(argument.getOwner()->getParentOp()))
    return memref;
  return Value();
}

bool costopt::accumulateInRegister(mlir::scf::ForOp loop, bool reassociate) {
  Block *body = loop.getBody();
  for (auto store : body->getOps<memref::StoreOp>()) {
    Value target = store.getMemRef();
    if (!loop.isDefinedOutsideOfLoop(target) ||
        !llvm::all_of(store.getIndices(),
                      [&](Value i) { return loop.isDefinedOutsideOfLoop(i); }))
      continue;
    Value root = bufferRootOf(target);
    if (!root)
      continue;
    memref::LoadOp load;
    bool safe = true;
    loop.walk([&](Operation *op) {
      Value touched;
      if (auto l = dyn_cast<memref::LoadOp>(op))
        touched = l.getMemRef();
      else if (auto s = dyn_cast<memref::StoreOp>(op))
        touched = s.getMemRef();
      else if (!isMemoryEffectFree(op) && !isa<scf::ForOp, scf::YieldOp>(op))
        safe = false; // an op whose accesses this does not see
      if (!touched || op == store)
        return;
      Value other = bufferRootOf(touched);
      if (!other) {
        safe = false; // an unknown buffer may be this one
        return;
      }
      if (other != root)
        return;
      auto l = dyn_cast<memref::LoadOp>(op);
      if (l && !load && l->getBlock() == body && l.getMemRef() == target &&
          l.getIndices() == store.getIndices() && l->isBeforeInBlock(store))
        load = l;
      else
        safe = false;
    });
    if (!safe || !load)
      continue;
    IRRewriter rewriter(loop.getContext());
    rewriter.setInsertionPoint(loop);
    auto initial = memref::LoadOp::create(rewriter, load.getLoc(), target, load.getIndices());
    Value stored = store.getValueToStore();
    // Only a sum into the carried element: load + x.
    if (auto add = stored.getDefiningOp<arith::AddFOp>();
        add && reassociate &&
        (add.getLhs() == load.getResult() || add.getRhs() == load.getResult()))
      add.setFastmath(add.getFastmath() | arith::FastMathFlags::reassoc);
    auto grown = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
        rewriter, ValueRange{initial.getResult()}, /*replaceInitOperandUsesInLoop=*/false,
        [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
          return SmallVector<Value>{stored};
        }));
    BlockArgument carried = grown.getRegionIterArgs().back();
    rewriter.replaceAllUsesWith(load.getResult(), carried);
    rewriter.eraseOp(load);
    rewriter.setInsertionPointAfter(grown);
    memref::StoreOp::create(rewriter, store.getLoc(), grown.getResults().back(), target,
                            store.getIndices());
    rewriter.eraseOp(store);
    return true;
  }
  return false;
}


void costopt::rewriteCopiesAsLinalg(Operation *root) {
  root->walk([](memref::CopyOp copy) {
    OpBuilder builder(copy);
    linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(), copy.getTarget());
    copy.erase();
  });
}

void costopt::rewriteExpandShapesAsCasts(Operation *root) {
  llvm::SmallVector<memref::ExpandShapeOp> expansions;
  root->walk([&](memref::ExpandShapeOp op) {
    MemRefType type = op.getResultType();
    for (const ReassociationIndices &group : op.getReassociationIndices())
      if (llvm::count_if(group, [&](int64_t d) { return type.isDynamicDim(d); }) > 1) {
        expansions.push_back(op);
        return;
      }
  });
  for (memref::ExpandShapeOp op : expansions) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, op.getSrc());
    llvm::SmallVector<OpFoldResult> sourceStrides = meta.getConstifiedMixedStrides();
    llvm::SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    llvm::SmallVector<OpFoldResult> strides(sizes.size());
    auto valueOf = [&](OpFoldResult v) -> Value {
      if (auto value = llvm::dyn_cast<Value>(v))
        return value;
      return arith::ConstantIndexOp::create(b, loc, getConstantIntValue(v).value());
    };
    auto multiply = [&](OpFoldResult x, OpFoldResult y) -> OpFoldResult {
      std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
      if (cx && cy)
        return b.getIndexAttr(*cx * *cy);
      return arith::MulIOp::create(b, loc, valueOf(x), valueOf(y)).getResult();
    };
    // Within a group the innermost dimension keeps the source's stride and
    // each outer one steps over the sizes inside it.
    for (auto [source, group] : llvm::enumerate(op.getReassociationIndices())) {
      OpFoldResult stride = sourceStrides[source];
      for (int64_t d : llvm::reverse(group)) {
        strides[d] = stride;
        stride = multiply(stride, sizes[d]);
      }
    }
    auto layout = StridedLayoutAttr::get(
        op.getContext(), ShapedType::kDynamic,
        llvm::SmallVector<int64_t>(sizes.size(), ShapedType::kDynamic));
    auto general = MemRefType::get(op.getResultType().getShape(),
                                   op.getResultType().getElementType(), layout,
                                   op.getResultType().getMemorySpace());
    Value cast = memref::ReinterpretCastOp::create(b, loc, general, meta.getBaseBuffer(),
                                                   meta.getConstifiedMixedOffset(), sizes,
                                                   strides);
    Value result = memref::CastOp::create(b, loc, op.getResultType(), cast);
    op.getResult().replaceAllUsesWith(result);
    op.erase();
  }
}

namespace {

struct ExpandShapesAsCastsPass
    : public costopt::impl::ExpandShapesAsCastsBase<ExpandShapesAsCastsPass> {
  void runOnOperation() override { costopt::rewriteExpandShapesAsCasts(getOperation()); }
};

struct CopiesToLinalgPass : public costopt::impl::CopiesToLinalgBase<CopiesToLinalgPass> {
  void runOnOperation() override { costopt::rewriteCopiesAsLinalg(getOperation()); }
};

struct AccumulateInRegistersPass
    : public costopt::impl::AccumulateInRegistersBase<AccumulateInRegistersPass> {
  using AccumulateInRegistersBase::AccumulateInRegistersBase;

  void runOnOperation() override {
    // Innermost loops first: a loop nest of a reduction carries its element
    // out of each loop in turn.
    llvm::SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      (void)costopt::accumulateInRegister(loop, reassociate);
  }
};

} // namespace
