//===- CpuSchedule.cpp - Tile and vectorize linalg for the CPU ------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// costopt-cpu-schedule: before bufferization, tags the linalg.generic ops
// that are plain matrix products (C[i,j] += A[i,k] * B[k,j], every size
// dynamic) and applies a transform-dialect schedule to them
// (docs/Lowering.md, "CPU schedule"): B and C packed into 16-column panels
// (linalg.pack, zero padded), cache tiles, a 6x16 register tile with the
// row loop peeled, vectorization, contraction to FMAs, the C tile hoisted
// out of the k loop. FLOP counters are inserted before this pass
// (costopt-count-flops), before each untiled op, so the schedule neither
// duplicates nor drops them.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/CpuRunner.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kScheduleAttr = "costopt.schedule";
/// Set by the script on the products it has packed, to find them again
/// after canonicalization.
constexpr llvm::StringLiteral kPackedAttr = "costopt.packed";

/// The schedule. Sizes measured on a 2-core Zen 3 (AVX2, 16 ymm registers):
/// a 6x16 register tile keeps 12 accumulators; the 16-column panels of B
/// stream through L1 whatever the leading dimension (1024 columns alias
/// in the cache without packing).
constexpr llvm::StringLiteral kMatmulSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  // A product whose B is packed into [ceil(n/16), k, 16] panels: cache
  // tiles, 6-row register tiles (the last rows masked), vectorized.
  transform.named_sequence @tile_panels(%p: !transform.op<"linalg.generic"> {transform.consumed}) {
    %t1, %l1, %l2, %l3 = transform.structured.tile_using_for %p tile_sizes [192, 32, 128, 0] : (!transform.op<"linalg.generic">) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    %t2, %li = transform.structured.tile_using_for %t1 tile_sizes [6, 0, 0, 0] : (!transform.any_op) -> (!transform.any_op, !transform.op<"scf.for">)
    %mi, %ri = transform.loop.peel %li : (!transform.op<"scf.for">) -> (!transform.op<"scf.for">, !transform.op<"scf.for">)
    %g1 = transform.structured.match ops{["linalg.generic"]} in %mi : (!transform.op<"scf.for">) -> !transform.any_op
    %g2 = transform.structured.match ops{["linalg.generic"]} in %ri : (!transform.op<"scf.for">) -> !transform.any_op
    %g = transform.merge_handles %g1, %g2 : !transform.any_op
    transform.foreach %g : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      %t, %lj, %lk = transform.structured.tile_using_for %op tile_sizes [0, 1, 1, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
      transform.structured.vectorize %t vector_sizes [6, 1, 1, 16] : !transform.any_op
    }
    transform.yield
  }
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    // B[k, j]: packed by 16 columns, then the panels made outermost.
    %mms = transform.structured.match ops{["linalg.generic"]} attributes {costopt.schedule = "matmul"} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %mms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %p = transform.structured.pack %mm packed_sizes = [0, 16, 0] : (!transform.any_op) -> (!transform.op<"linalg.generic">)
      %pk = transform.get_producer_of_operand %p[1] : (!transform.op<"linalg.generic">) -> (!transform.op<"linalg.pack">)
      %p2, %pk2, %e = transform.structured.pack_transpose %pk with_compute_op(%p) outer_perm = [1, 0] : (!transform.op<"linalg.pack">, !transform.op<"linalg.generic">) -> (!transform.op<"linalg.generic">, !transform.op<"linalg.pack">, !transform.any_op)
      transform.annotate %p2 "costopt.packed" : !transform.op<"linalg.generic">
    }
    // B[j, k] (A times B transposed, as attention's scores): packing by
    // 16 rows of B gives the panels directly.
    %mts = transform.structured.match ops{["linalg.generic"]} attributes {costopt.schedule = "matmul_transpose_b"} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %mts : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %p = transform.structured.pack %mm packed_sizes = [0, 16, 0] : (!transform.any_op) -> (!transform.op<"linalg.generic">)
      transform.annotate %p "costopt.packed" : !transform.op<"linalg.generic">
    }
    // An accumulator that starts from zero is packed by filling the packed
    // tile (linalg.fill folds into linalg.pack), not by copying zeros in.
    %packed_funcs = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %packed_funcs {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    %packed = transform.structured.match ops{["linalg.generic"]} attributes {costopt.packed} in %root : (!transform.any_op) -> !transform.op<"linalg.generic">
    transform.foreach %packed : !transform.op<"linalg.generic"> {
    ^bb0(%p: !transform.op<"linalg.generic">):
      transform.include @tile_panels failures(propagate) (%p) : (!transform.op<"linalg.generic">) -> ()
    }
    %pks = transform.structured.match ops{["linalg.pack"]} in %root : (!transform.any_op) -> !transform.op<"linalg.pack">
    transform.foreach %pks : !transform.op<"linalg.pack"> {
    ^bb0(%op: !transform.op<"linalg.pack">):
      transform.structured.lower_pack %op : (!transform.op<"linalg.pack">) -> (!transform.op<"tensor.pad">, !transform.op<"tensor.expand_shape">, !transform.op<"linalg.transpose">)
    }
    %ups = transform.structured.match ops{["linalg.unpack"]} in %root : (!transform.any_op) -> !transform.op<"linalg.unpack">
    transform.foreach %ups : !transform.op<"linalg.unpack"> {
    ^bb0(%op: !transform.op<"linalg.unpack">):
      transform.structured.lower_unpack %op : (!transform.op<"linalg.unpack">) -> (!transform.op<"tensor.empty">, !transform.op<"linalg.transpose">, !transform.op<"tensor.collapse_shape">, !transform.op<"tensor.extract_slice">)
    }
    %funcs = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.reduction_to_contract
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_masked_transfers
    } : !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %funcs : !transform.any_op
    %loops = transform.structured.match ops{["scf.for"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_licm to %loops : !transform.any_op
    transform.foreach %loops : !transform.any_op {
    ^bb0(%l: !transform.any_op):
      transform.loop.hoist_loop_invariant_subsets %l : !transform.any_op
    }
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.cast_away_vector_leading_one_dim
      transform.apply_patterns.vector.drop_unit_dims_with_shape_cast
    } : !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose
    } : !transform.any_op
    transform.apply_cse to %funcs : !transform.any_op
    transform.yield
  }
}
)mlir";

/// Maps (i,k), (k,j), (i,j), or with B transposed (i,k), (j,k), (i,j).
bool isMatmulMaps(llvm::ArrayRef<AffineMap> maps, bool transposedB) {
  if (maps.size() != 3 || maps[0].getNumDims() != 3)
    return false;
  MLIRContext *ctx = maps[0].getContext();
  AffineExpr i, j, k;
  bindDims(ctx, i, j, k);
  AffineMap b = transposedB ? AffineMap::get(3, 0, {j, k}, ctx) : AffineMap::get(3, 0, {k, j}, ctx);
  return maps[0] == AffineMap::get(3, 0, {i, k}, ctx) && maps[1] == b &&
         maps[2] == AffineMap::get(3, 0, {i, j}, ctx);
}

/// The rest of the match, whatever the layout of B: f32, one reduction
/// (the last loop), body mulf then addf, more than a single row.
bool isMultiplyAdd(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics())
    return false;
  if (op.getNumLoops() != 3 || op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray()[2] != utils::IteratorType::reduction)
    return false;
  for (Value v : op->getOperands())
    if (!cast<ShapedType>(v.getType()).getElementType().isF32())
      return false;
  Block &body = *op.getBlock();
  if (body.getOperations().size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(&body.front());
  auto add = dyn_cast<arith::AddFOp>(mul ? mul->getNextNode() : nullptr);
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!mul || !add || !yield || yield.getNumOperands() != 1 || yield.getOperand(0) != add)
    return false;
  auto isArg = [&](Value v, unsigned n) { return v == body.getArgument(n); };
  bool mulOk = (isArg(mul.getLhs(), 0) && isArg(mul.getRhs(), 1)) ||
               (isArg(mul.getLhs(), 1) && isArg(mul.getRhs(), 0));
  bool addOk = (isArg(add.getLhs(), 2) && add.getRhs() == mul) ||
               (add.getLhs() == mul.getResult() && isArg(add.getRhs(), 2));
  if (!mulOk || !addOk)
    return false;
  // A single row (a matrix-vector product) gains nothing from panels.
  auto lhs = cast<ShapedType>(op.getDpsInputs()[0].getType());
  return ShapedType::isDynamic(lhs.getDimSize(0)) || lhs.getDimSize(0) >= 6;
}

/// The schedule for `op`, if any: C[i,j] += A[i,k] * B[k,j] ("matmul") or
/// A[i,k] * B[j,k] ("matmul_transpose_b").
std::optional<llvm::StringLiteral> scheduleOf(linalg::GenericOp op) {
  if (!isMultiplyAdd(op))
    return std::nullopt;
  llvm::SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (isMatmulMaps(maps, /*transposedB=*/false))
    return llvm::StringLiteral("matmul");
  if (isMatmulMaps(maps, /*transposedB=*/true))
    return llvm::StringLiteral("matmul_transpose_b");
  return std::nullopt;
}

struct CpuSchedulePass : public PassWrapper<CpuSchedulePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CpuSchedulePass)

  StringRef getArgument() const override { return "costopt-cpu-schedule"; }
  StringRef getDescription() const override {
    return "Tile, pack and vectorize matrix products for the CPU (transform dialect)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<affine::AffineDialect, arith::ArithDialect,
                    bufferization::BufferizationDialect, linalg::LinalgDialect,
                    memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect,
                    transform::TransformDialect, vector::VectorDialect>();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    bool any = false;
    module.walk([&](linalg::GenericOp op) {
      if (auto schedule = scheduleOf(op)) {
        op->setAttr(kScheduleAttr, StringAttr::get(ctx, *schedule));
        any = true;
      }
    });
    if (!any)
      return;
    ParserConfig config(ctx);
    OwningOpRef<ModuleOp> script = parseSourceString<ModuleOp>(kMatmulSchedule, config);
    if (!script) {
      module.emitError() << "costopt-cpu-schedule: the transform script does not parse";
      return signalPassFailure();
    }
    Operation *entry = transform::detail::findTransformEntryPoint(
        *script, {}, transform::TransformDialect::kTransformEntryPointSymbolName);
    if (!entry) {
      module.emitError() << "costopt-cpu-schedule: the transform script has no entry point";
      return signalPassFailure();
    }
    transform::TransformOptions options;
    if (failed(transform::applyTransformNamedSequence(module, entry, *script, options)))
      return signalPassFailure();
    module.walk([&](Operation *op) {
      op->removeAttr(kScheduleAttr);
      op->removeAttr(kPackedAttr);
    });
  }
};

/// memref.copy becomes linalg.copy, so that copies between strided views
/// (a packed panel's padding, a tile written back) compile to loops the
/// optimizer vectorizes instead of calling the runtime's memrefCopy, which
/// walks a strided copy element by element.
struct CopiesToLinalgPass
    : public PassWrapper<CopiesToLinalgPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CopiesToLinalgPass)

  StringRef getArgument() const override { return "costopt-copies-to-linalg"; }
  StringRef getDescription() const override {
    return "Rewrite memref.copy as linalg.copy (compiled loops, not the runtime's memrefCopy)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<linalg::LinalgDialect>();
  }

  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    });
  }
};

/// math.exp, math.tanh, math.erf, ... become MLIR's polynomial
/// approximations (arith only), so that loops over them vectorize; as libm
/// calls they ran one element at a time (a fifth of causal attention's
/// time at n = 4096 went to expf).
struct ApproximateMathPass
    : public PassWrapper<ApproximateMathPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ApproximateMathPass)

  StringRef getArgument() const override { return "costopt-cpu-approximate-math"; }
  StringRef getDescription() const override {
    return "Replace math functions by polynomial approximations that vectorize";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, math::MathDialect, vector::VectorDialect>();
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, [](StringRef) { return true; });
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef) { return true; });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation().emitError("the math functions could not be approximated");
      signalPassFailure();
    }
  }
};

} // namespace

std::unique_ptr<Pass> costopt::createApproximateMathPass() {
  return std::make_unique<ApproximateMathPass>();
}

std::unique_ptr<Pass> costopt::createCopiesToLinalgPass() {
  return std::make_unique<CopiesToLinalgPass>();
}

bool costopt::isPlainMatmulMaps(llvm::ArrayRef<AffineMap> maps) {
  return isMatmulMaps(maps, /*transposedB=*/false);
}

std::unique_ptr<Pass> costopt::createCpuSchedulePass() {
  return std::make_unique<CpuSchedulePass>();
}
