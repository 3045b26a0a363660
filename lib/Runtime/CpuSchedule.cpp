//===- CpuSchedule.cpp - Tile and vectorize linalg for the CPU ------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// costopt-cpu-schedule, costopt-copies-to-linalg and
// costopt-cpu-approximate-math (include/costopt/Conversion/Passes.td): the
// optimized CPU pipeline's own steps. The schedule tags the linalg.generic
// ops that are f32 matrix products (B plain or transposed, every size
// dynamic) and applies a transform-dialect script to them
// (docs/Lowering.md, "CPU schedule"): B packed into panels (linalg.pack,
// zero padded), cache tiles, a 6-row register tile with the row loop
// peeled, vectorization, contraction to FMAs, the C tile hoisted out of the
// k loop. FLOP counters are inserted before this pass (costopt-count-flops),
// before each untiled op, so the schedule neither duplicates nor drops them.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/CpuRunner.h"

#include "costopt/Conversion/Passes.h"

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
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace costopt {
#define GEN_PASS_DEF_CPUSCHEDULE
#define GEN_PASS_DEF_CPUAPPROXIMATEMATH
#include "costopt/Conversion/Passes.h.inc"
} // namespace costopt

namespace {

constexpr llvm::StringLiteral kScheduleAttr = "costopt.schedule";
/// Set by the script on the products it has packed, to find them again
/// after canonicalization.
constexpr llvm::StringLiteral kPackedAttr = "costopt.packed";

/// The schedule, for panels of @PANEL@ columns (@PANELS@ panels to a cache
/// tile of 512 columns). Sizes measured with costopt-bench-kernels: on a
/// Zen 3 (AVX2, 16 ymm registers) a 6x16 register tile keeps 12
/// accumulators; on a Xeon with AVX-512 (32 zmm) a 6x64 tile keeps 24 and
/// ran at 0.87-0.91x OpenBLAS where 6x16 ran at 0.65x. Panels stream
/// through L1 whatever B's leading dimension (1024 columns alias in the
/// cache without packing).
constexpr llvm::StringLiteral kMatmulSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  // A product whose B is packed into [ceil(n/16), k, 16] panels: cache
  // tiles, 6-row register tiles (the last rows masked), vectorized.
  transform.named_sequence @tile_panels(%p: !transform.op<"linalg.generic"> {transform.consumed}) {
    %t1, %l1, %l2, %l3 = transform.structured.tile_using_for %p tile_sizes [192, @PANELS@, 128, 0] : (!transform.op<"linalg.generic">) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    %t2, %li = transform.structured.tile_using_for %t1 tile_sizes [6, 0, 0, 0] : (!transform.any_op) -> (!transform.any_op, !transform.op<"scf.for">)
    // Full 6-row tiles apart from the last partial one; where the rows
    // divide evenly (static sizes) there is nothing to peel.
    transform.sequence %li : !transform.op<"scf.for"> failures(suppress) {
    ^bb0(%l: !transform.op<"scf.for">):
      %mi, %ri = transform.loop.peel %l : (!transform.op<"scf.for">) -> (!transform.op<"scf.for">, !transform.op<"scf.for">)
    }
    %g = transform.structured.match ops{["linalg.generic"]} in %l3 : (!transform.any_op) -> !transform.any_op
    transform.foreach %g : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      %t, %lj, %lk = transform.structured.tile_using_for %op tile_sizes [0, 1, 1, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
      transform.structured.vectorize %t vector_sizes [6, 1, 1, @PANEL@] : !transform.any_op
    }
    transform.yield
  }
  // First step: B packed into panels. (The pass then packs each slice of
  // a loop-invariant B once, outside its loops: hoistInvariantPacks.)
  transform.named_sequence @pack_products(%root: !transform.any_op {transform.readonly}) {
    // B[k, j]: packed by 16 columns, then the panels made outermost.
    %mms = transform.structured.match ops{["linalg.generic"]} attributes {costopt.schedule = "matmul"} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %mms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %p = transform.structured.pack %mm packed_sizes = [0, @PANEL@, 0] : (!transform.any_op) -> (!transform.op<"linalg.generic">)
      %pk = transform.get_producer_of_operand %p[1] : (!transform.op<"linalg.generic">) -> (!transform.op<"linalg.pack">)
      %p2, %pk2, %e = transform.structured.pack_transpose %pk with_compute_op(%p) outer_perm = [1, 0] : (!transform.op<"linalg.pack">, !transform.op<"linalg.generic">) -> (!transform.op<"linalg.generic">, !transform.op<"linalg.pack">, !transform.any_op)
      transform.annotate %p2 "costopt.packed" : !transform.op<"linalg.generic">
    }
    // B[j, k] (A times B transposed, as attention's scores): packing by
    // 16 rows of B gives the panels directly.
    %mts = transform.structured.match ops{["linalg.generic"]} attributes {costopt.schedule = "matmul_transpose_b"} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %mts : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %p = transform.structured.pack %mm packed_sizes = [0, @PANEL@, 0] : (!transform.any_op) -> (!transform.op<"linalg.generic">)
      transform.annotate %p "costopt.packed" : !transform.op<"linalg.generic">
    }
    transform.yield
  }
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
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

/// C += A * B in f32 on tensors: two inputs, one init, body mulf then
/// addf of the accumulator (operands in either order).
bool hasMultiplyAddBody(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics())
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
  return mulOk && addOk;
}

/// The rest of the match, whatever the layout of B: one reduction (the
/// last loop), more than a single row.
bool isMultiplyAdd(linalg::GenericOp op) {
  if (!hasMultiplyAddBody(op))
    return false;
  if (op.getNumLoops() != 3 || op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray()[2] != utils::IteratorType::reduction)
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

/// A contraction's loops by role: batch (indexes A, B and C), rows
/// (A and C), columns (B and C), summed (A and B).
struct ContractionLayout {
  llvm::SmallVector<unsigned> batch, rows, columns, summed;
};

/// The roles of the loops of C += A * B with `maps` (A, B, C), where every
/// map is a projected permutation and every loop has one of the four roles
/// with at least one row, one column and one summed loop; nullopt else
/// (convolutions' t + j, broadcasts, sums over one operand alone,
/// matrix-vector products).
std::optional<ContractionLayout> contractionLayoutOf(llvm::ArrayRef<AffineMap> maps) {
  if (maps.size() != 3)
    return std::nullopt;
  unsigned loops = maps[0].getNumDims();
  for (AffineMap map : maps)
    if (map.getNumDims() != loops || !map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return std::nullopt;
  ContractionLayout layout;
  for (unsigned d = 0; d < loops; ++d) {
    bool inA = maps[0].isFunctionOfDim(d), inB = maps[1].isFunctionOfDim(d),
         inC = maps[2].isFunctionOfDim(d);
    if (inA && inB && inC)
      layout.batch.push_back(d);
    else if (inA && inC)
      layout.rows.push_back(d);
    else if (inB && inC)
      layout.columns.push_back(d);
    else if (inA && inB)
      layout.summed.push_back(d);
    else
      return std::nullopt;
  }
  if (layout.rows.empty() || layout.columns.empty() || layout.summed.empty())
    return std::nullopt;
  return layout;
}

/// The positions in `map`'s results of the loops `dims`, in the order the
/// map has them.
llvm::SmallVector<unsigned> inMapOrder(AffineMap map, llvm::ArrayRef<unsigned> dims) {
  llvm::SmallVector<unsigned> order;
  for (AffineExpr e : map.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (llvm::is_contained(dims, d))
      order.push_back(d);
  }
  return order;
}

/// The permutation that takes `map`'s results to the loops `order`
/// (permutation[i] = the result position of order[i]).
llvm::SmallVector<int64_t> permutationTo(AffineMap map, llvm::ArrayRef<unsigned> order) {
  llvm::SmallVector<int64_t> perm;
  for (unsigned d : order)
    perm.push_back(*map.getResultPosition(getAffineDimExpr(d, map.getContext())));
  return perm;
}

/// Rewrites a multiply-add generic with batch loops, several row, column
/// or summed loops, or operands in another order (a model's projections to
/// heads, attention per head, the output projection summing over heads)
/// as the matrix products the schedule tiles:
///   A -> [batch, rows, summed], B -> [batch, summed, columns] (or
///   [batch, columns, summed] where B has that order), C -> [batch, rows,
///   columns], each transposed only where its order differs, then
///   collapsed to rank 3 (rank 2 without batch loops);
///   one 2-D product per batch element (an scf.for over extract_slice);
///   the result expanded and transposed back.
/// The FLOP counters sit before the original op and read its operands, so
/// they are unchanged. Returns whether `op` was rewritten.
bool rewriteAsMatmuls(linalg::GenericOp op) {
  llvm::SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  std::optional<ContractionLayout> layout = contractionLayoutOf(maps);
  if (!layout || !hasMultiplyAddBody(op))
    return false;
  // The summed loops, and only they, are reductions.
  for (auto [d, type] : llvm::enumerate(op.getIteratorTypesArray()))
    if ((type == utils::IteratorType::reduction) != llvm::is_contained(layout->summed, d))
      return false;
  if (op.getNumLoops() == 3 && scheduleOf(op))
    return false; // already a matrix product the schedule tiles
  OpBuilder b(op);
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  Value a = op.getDpsInputs()[0], bIn = op.getDpsInputs()[1], c = op.getDpsInits()[0];

  // Every loop's size, static where an operand's shape has it.
  llvm::SmallVector<OpFoldResult> loopSizes(op.getNumLoops());
  llvm::SmallVector<int64_t> staticSizes(op.getNumLoops(), ShapedType::kDynamic);
  for (auto [value, map] : llvm::zip(llvm::SmallVector<Value>{a, bIn, c}, maps))
    for (auto [pos, e] : llvm::enumerate(map.getResults())) {
      unsigned d = cast<AffineDimExpr>(e).getPosition();
      int64_t size = cast<ShapedType>(value.getType()).getDimSize(pos);
      if (!ShapedType::isDynamic(size))
        staticSizes[d] = size;
      if (!loopSizes[d] || !ShapedType::isDynamic(size))
        loopSizes[d] = ShapedType::isDynamic(size)
                           ? OpFoldResult(tensor::DimOp::create(b, loc, value, pos).getResult())
                           : OpFoldResult(b.getIndexAttr(size));
    }
  // Each operand with every size an operand knows statically, so that the
  // transposes, collapses and expansions below agree on their types.
  auto withStaticSizes = [&](Value value, AffineMap map) -> Value {
    llvm::SmallVector<int64_t> shape;
    for (AffineExpr e : map.getResults())
      shape.push_back(staticSizes[cast<AffineDimExpr>(e).getPosition()]);
    auto type = RankedTensorType::get(shape, b.getF32Type());
    return type == value.getType() ? value : tensor::CastOp::create(b, loc, type, value);
  };
  a = withStaticSizes(a, maps[0]);
  bIn = withStaticSizes(bIn, maps[1]);
  c = withStaticSizes(c, maps[2]);
  auto product = [&](llvm::ArrayRef<unsigned> dims) {
    int64_t n = 1;
    for (unsigned d : dims) {
      if (ShapedType::isDynamic(staticSizes[d]))
        return ShapedType::kDynamic;
      n *= staticSizes[d];
    }
    return n;
  };
  // A matrix-vector product gains nothing from panels (isMultiplyAdd's rule).
  int64_t rowCount = product(layout->rows);
  if (!ShapedType::isDynamic(rowCount) && rowCount < 6)
    return false;

  llvm::SmallVector<unsigned> batch = inMapOrder(maps[0], layout->batch);
  llvm::SmallVector<unsigned> rows = inMapOrder(maps[0], layout->rows);
  llvm::SmallVector<unsigned> summed = inMapOrder(maps[0], layout->summed);
  llvm::SmallVector<unsigned> columns = inMapOrder(maps[1], layout->columns);
  auto ordered = [](std::initializer_list<llvm::ArrayRef<unsigned>> groups) {
    llvm::SmallVector<unsigned> r;
    for (llvm::ArrayRef<unsigned> g : groups)
      r.append(g.begin(), g.end());
    return r;
  };
  auto isIdentity = [](llvm::ArrayRef<int64_t> perm) {
    for (auto [i, p] : llvm::enumerate(perm))
      if (int64_t(i) != p)
        return false;
    return true;
  };
  // B keeps columns before the summed loops where it has them so (the
  // transposed product needs no copy).
  llvm::SmallVector<unsigned> bPlain = ordered({batch, summed, columns});
  llvm::SmallVector<unsigned> bTransposed = ordered({batch, columns, summed});
  bool transposedB = !isIdentity(permutationTo(maps[1], bPlain)) &&
                     isIdentity(permutationTo(maps[1], bTransposed));

  auto emptyOf = [&](llvm::ArrayRef<unsigned> dims) {
    llvm::SmallVector<OpFoldResult> sizes;
    for (unsigned d : dims)
      sizes.push_back(loopSizes[d]);
    return tensor::EmptyOp::create(b, loc, sizes, b.getF32Type()).getResult();
  };
  // `value` (indexed by `map`) with its dimensions in the loop order `to`.
  auto permuted = [&](Value value, AffineMap map, llvm::ArrayRef<unsigned> to) -> Value {
    llvm::SmallVector<int64_t> perm = permutationTo(map, to);
    if (isIdentity(perm))
      return value;
    return linalg::TransposeOp::create(b, loc, value, emptyOf(to), perm)->getResult(0);
  };
  // Groups [batch][first][second] collapsed to one dimension each.
  auto collapsed = [&](Value value, llvm::ArrayRef<unsigned> first,
                       llvm::ArrayRef<unsigned> second) -> Value {
    llvm::SmallVector<ReassociationIndices> groups;
    int64_t next = 0;
    for (size_t size : {batch.size(), first.size(), second.size()}) {
      if (size == 0)
        continue;
      groups.emplace_back();
      for (size_t i = 0; i < size; ++i)
        groups.back().push_back(next++);
    }
    if (llvm::all_of(groups, [](const ReassociationIndices &g) { return g.size() == 1; }))
      return value;
    return tensor::CollapseShapeOp::create(b, loc, value, groups).getResult();
  };

  llvm::SmallVector<unsigned> aOrder = ordered({batch, rows, summed});
  llvm::SmallVector<unsigned> cOrder = ordered({batch, rows, columns});
  Value a2 = collapsed(permuted(a, maps[0], aOrder), rows, summed);
  Value b2 = transposedB ? collapsed(permuted(bIn, maps[1], bTransposed), columns, summed)
                         : collapsed(permuted(bIn, maps[1], bPlain), summed, columns);
  // An accumulator that starts from a fill starts from the same fill in the
  // new layout (the schedule then fills the packed tile).
  Value cInit;
  if (auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>())
    cInit = linalg::FillOp::create(b, loc, fill.getInputs()[0], emptyOf(cOrder)).getResult(0);
  else
    cInit = permuted(c, maps[2], cOrder);
  Value c2 = collapsed(cInit, rows, columns);

  // One product per batch element, on rank-reduced slices.
  auto matmul = [&](OpBuilder &builder, Value lhs, Value rhs, Value acc) {
    AffineExpr i, j, k;
    bindDims(ctx, i, j, k);
    llvm::SmallVector<AffineMap> newMaps = {
        AffineMap::get(3, 0, {i, k}, ctx),
        transposedB ? AffineMap::get(3, 0, {j, k}, ctx) : AffineMap::get(3, 0, {k, j}, ctx),
        AffineMap::get(3, 0, {i, j}, ctx)};
    auto product = linalg::GenericOp::create(
        builder, loc, acc.getType(), ValueRange{lhs, rhs}, ValueRange{acc}, newMaps,
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction});
    IRMapping mapping;
    op.getRegion().cloneInto(&product.getRegion(), mapping);
    return product.getResult(0);
  };
  Value result;
  if (batch.empty()) {
    result = matmul(b, a2, b2, c2);
  } else {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value count = tensor::DimOp::create(b, loc, c2, 0);
    auto loop = scf::ForOp::create(
        b, loc, zero, count, one, ValueRange{c2},
        [&](OpBuilder &lb, Location l, Value index, ValueRange iterArgs) {
          // Element `index` of `whole`'s first dimension: offsets, sizes
          // and strides of the rank-reduced [rows, columns] slice.
          auto element = [&](Value whole) {
            llvm::SmallVector<OpFoldResult> offsets = {index, lb.getIndexAttr(0),
                                                       lb.getIndexAttr(0)};
            llvm::SmallVector<OpFoldResult> sizes = {lb.getIndexAttr(1)};
            for (int64_t dim = 1; dim < 3; ++dim)
              sizes.push_back(tensor::getMixedSize(lb, l, whole, dim));
            llvm::SmallVector<OpFoldResult> strides(3, lb.getIndexAttr(1));
            return std::make_tuple(offsets, sizes, strides);
          };
          auto slice = [&](Value whole) {
            auto type = cast<RankedTensorType>(whole.getType());
            auto sliceType = RankedTensorType::get(type.getShape().drop_front(),
                                                   type.getElementType());
            auto [offsets, sizes, strides] = element(whole);
            return tensor::ExtractSliceOp::create(lb, l, sliceType, whole, offsets, sizes,
                                                  strides)
                .getResult();
          };
          Value acc = iterArgs[0];
          Value part = matmul(lb, slice(a2), slice(b2), slice(acc));
          auto [offsets, sizes, strides] = element(acc);
          Value updated =
              tensor::InsertSliceOp::create(lb, l, part, acc, offsets, sizes, strides);
          scf::YieldOp::create(lb, l, updated);
        });
    result = loop.getResult(0);
  }

  // Back to [batch..., rows..., columns...] and then to C's own order.
  llvm::SmallVector<ReassociationIndices> groups;
  llvm::SmallVector<OpFoldResult> expandedSizes;
  llvm::SmallVector<int64_t> expandedShape;
  int64_t next = 0;
  for (llvm::ArrayRef<unsigned> group : {llvm::ArrayRef<unsigned>(batch),
                                         llvm::ArrayRef<unsigned>(rows),
                                         llvm::ArrayRef<unsigned>(columns)}) {
    if (group.empty())
      continue;
    groups.emplace_back();
    for (unsigned d : group) {
      groups.back().push_back(next++);
      expandedSizes.push_back(loopSizes[d]);
      expandedShape.push_back(staticSizes[d]);
    }
  }
  auto expandedType = RankedTensorType::get(expandedShape, b.getF32Type());
  if (expandedType != result.getType())
    result = tensor::ExpandShapeOp::create(b, loc, expandedType, result, groups, expandedSizes)
                 .getResult();
  // permutation[i] = position in cOrder of C's i-th result.
  llvm::SmallVector<int64_t> back;
  for (AffineExpr e : maps[2].getResults())
    back.push_back(llvm::find(cOrder, cast<AffineDimExpr>(e).getPosition()) - cOrder.begin());
  if (!isIdentity(back)) {
    Value out = tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, c),
                                        b.getF32Type());
    result = linalg::TransposeOp::create(b, loc, result, out, back)->getResult(0);
  }
  if (result.getType() != op.getResult(0).getType())
    result = tensor::CastOp::create(b, loc, op.getResult(0).getType(), result);
  op.getResult(0).replaceAllUsesWith(result);
  op.erase();
  return true;
}

/// Packs B of every packed product once where B is a prefix of a value
/// that a loop around the product does not change: attention's blocks of
/// rows multiply by the keys and values up to the block, and packing that
/// prefix again in every block moved each key and value ~n/128 times (three
/// passes over the prefix per block: the padding's fill, a copy and the
/// panels' transpose). The whole value is packed once before the loops and
/// each product reads its first panels (a slice, no copy). Where a prefix
/// ends inside a panel, that panel holds the rows after it where the
/// prefix's own pack held zeros: they only reach the product's columns past
/// the prefix (the packed dimension is B's column dimension, a parallel
/// one), which unpacking C drops, so the results are the same.
void hoistInvariantPacks(ModuleOp module) {
  llvm::SmallVector<linalg::PackOp> packs;
  module.walk([&](linalg::GenericOp product) {
    if (!product->hasAttr(kPackedAttr))
      return;
    if (auto pack = product.getDpsInputOperand(1)->get().getDefiningOp<linalg::PackOp>())
      packs.push_back(pack);
  });
  for (linalg::PackOp pack : packs) {
    auto slice = pack.getSource().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || slice.getSourceType().getRank() != slice.getResultType().getRank() ||
        !llvm::all_of(slice.getMixedOffsets(), isZeroInteger) ||
        !llvm::all_of(slice.getMixedStrides(), isOneInteger))
      continue;
    Value whole = slice.getSource();
    // Only a value defined outside a loop that encloses the pack gains.
    auto loop = pack->getParentOfType<scf::ForOp>();
    if (!loop || !loop.isDefinedOutsideOfLoop(whole))
      continue;
    while (auto outer = loop->getParentOfType<scf::ForOp>()) {
      if (!outer.isDefinedOutsideOfLoop(whole))
        break;
      loop = outer;
    }
    // The whole value's last panel may be partial where the prefix's was
    // not: it is padded, with the prefix's padding value or zero.
    Attribute padding;
    if (Value value = pack.getPaddingValue()) {
      if (!matchPattern(value, m_Constant(&padding)))
        continue;
    } else {
      padding = OpBuilder(pack).getZeroAttr(pack.getSourceType().getElementType());
    }
    OpBuilder b(loop);
    Location loc = pack.getLoc();
    Value paddingValue = arith::ConstantOp::create(b, loc, cast<TypedAttr>(padding));
    Value dest = linalg::PackOp::createDestinationTensor(
        b, loc, whole, pack.getMixedTiles(), pack.getInnerDimsPos(), pack.getOuterDimsPerm());
    auto packed = linalg::PackOp::create(b, loc, whole, dest, pack.getInnerDimsPos(),
                                         pack.getMixedTiles(), paddingValue,
                                         pack.getOuterDimsPerm());
    b.setInsertionPoint(pack);
    unsigned rank = pack.getDestType().getRank();
    llvm::SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
        strides(rank, b.getIndexAttr(1));
    llvm::SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, pack.getDest());
    Value panels = tensor::ExtractSliceOp::create(b, loc, pack.getDestType(), packed.getResult(),
                                                  offsets, sizes, strides);
    pack.getResult().replaceAllUsesWith(panels);
    pack.erase();
  }
}

/// The schedule's text for panels of `panel` columns: cache tiles of 512
/// columns.
std::string scheduleText(unsigned panel) {
  std::string text = kMatmulSchedule.str();
  auto substitute = [&](llvm::StringRef key, unsigned value) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key))
      text.replace(at, key.size(), std::to_string(value));
  };
  substitute("@PANEL@", panel);
  substitute("@PANELS@", 512 / panel);
  return text;
}

/// Panels of 64 columns (4 zmm registers per row: 24 accumulators) where
/// the host has AVX-512, else 16 (2 ymm: 12 accumulators).
unsigned hostPanelWidth() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto it = features.find("avx512f");
  return it != features.end() && it->second ? 64 : 16;
}

struct CpuSchedulePass : public costopt::impl::CpuScheduleBase<CpuSchedulePass> {
  using CpuScheduleBase::CpuScheduleBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    unsigned panel = panelWidth ? unsigned(panelWidth) : hostPanelWidth();
    if (panel % 8 != 0 || panel > 512) {
      module.emitError() << "costopt-cpu-schedule: panel-width must be a multiple of 8 up to "
                            "512; got "
                         << panel;
      return signalPassFailure();
    }
    llvm::SmallVector<linalg::GenericOp> contractions;
    module.walk([&](linalg::GenericOp op) { contractions.push_back(op); });
    for (linalg::GenericOp op : contractions)
      rewriteAsMatmuls(op);
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
    OwningOpRef<ModuleOp> script = parseSourceString<ModuleOp>(scheduleText(panel), config);
    if (!script) {
      module.emitError() << "costopt-cpu-schedule: the transform script does not parse";
      return signalPassFailure();
    }
    auto apply = [&](llvm::StringRef name) -> LogicalResult {
      Operation *entry = transform::detail::findTransformEntryPoint(*script, {}, name);
      if (!entry) {
        module.emitError() << "costopt-cpu-schedule: the transform script has no sequence @"
                           << name;
        return failure();
      }
      return transform::applyTransformNamedSequence(module, entry, *script,
                                                     transform::TransformOptions());
    };
    if (failed(apply("pack_products")))
      return signalPassFailure();
    hoistInvariantPacks(module);
    if (failed(apply(transform::TransformDialect::kTransformEntryPointSymbolName)))
      return signalPassFailure();
    // Unpacking C copies its columns out of the panels into a new tensor
    // (lower_unpack's linalg.copy of a slice of the collapsed panels into a
    // tensor.empty): that slice is the value already, and bufferization
    // reads it in place.
    module.walk([](linalg::CopyOp copy) {
      auto slice = copy.getInputs()[0].getDefiningOp<tensor::ExtractSliceOp>();
      if (copy.hasPureTensorSemantics() && slice &&
          slice.getSource().getDefiningOp<tensor::CollapseShapeOp>() &&
          copy.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>() &&
          copy.getInputs()[0].getType() == copy.getResultTypes()[0]) {
        copy.getResult(0).replaceAllUsesWith(copy.getInputs()[0]);
        copy.erase();
      }
    });
    module.walk([&](Operation *op) {
      op->removeAttr(kScheduleAttr);
      op->removeAttr(kPackedAttr);
    });
  }
};

struct CpuApproximateMathPass
    : public costopt::impl::CpuApproximateMathBase<CpuApproximateMathPass> {
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

bool costopt::isScheduledMatmulMaps(llvm::ArrayRef<AffineMap> maps) {
  return contractionLayoutOf(maps).has_value();
}

