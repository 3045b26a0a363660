//===- NNToLinalg.cpp - Primitive models to linalg on tensors -------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// costopt-convert-nn-to-linalg: each nn.model of primitives becomes a
// func.func whose sizes are all dynamic, computed from one `index` argument
// per symbol, so that one compiled kernel serves every point of a sweep.
// Masked ops loop over the rows of their band and compute each row's slice,
// so that the work executed is the masked domain the cost model counts.
//
//===----------------------------------------------------------------------===//

#include "costopt/Conversion/Passes.h"
#include "costopt/Runtime/ArgumentRole.h"
#include "costopt/Dialect/NN/Domain.h"
#include "costopt/Dialect/NN/NNDialect.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Interfaces/CostModel.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>

namespace costopt {
#define GEN_PASS_DEF_CONVERTNNTOLINALG
#include "costopt/Conversion/Passes.h.inc"
} // namespace costopt

using namespace mlir;
using namespace costopt;
using costopt::sym::Expr;

void costopt::forEachLayerOp(nn::ModelOp model, llvm::function_ref<void(Operation *)> fn) {
  std::function<void(Block &)> visit = [&](Block &block) {
    for (Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<nn::RepeatOp>(op))
        visit(repeat.getBodyBlock());
      else if (!llvm::isa<nn::OutputOp, nn::YieldOp>(op))
        fn(&op);
    }
  };
  visit(model.getBodyBlock());
}

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The constant value of a size, if it is an integer.
std::optional<int64_t> constantSize(const Expr &e) {
  auto c = e.getConstant();
  if (!c || c->den != 1)
    return std::nullopt;
  return int64_t(c->num);
}

/// True when `e` is at least zero for every positive value of its symbols:
/// a polynomial whose coefficients are all non-negative (sizes are >= 1).
bool provablyNonNegative(const Expr &e) {
  if (!e.isPolynomial())
    return false;
  for (const sym::Term &term : e.getTerms()) {
    if (term.coefficient < sym::Rational(0))
      return false;
    for (const sym::Factor &factor : term.factors)
      if (factor.exponent < 0)
        return false;
  }
  return true;
}

/// One operand of a structured op: its tensor and its indexing map.
struct Operand {
  Value tensor;
  AffineMap map;
};

/// Whether every use of `op`'s result reads it only inside the band that
/// `op` computes: each user is a masked map, reduction or contraction whose
/// own band is the same (equal reaches) over the same two axes of this
/// value (`rowAxis`, `columnAxis`, read bare). Its elements outside the band
/// are then never read, and need not be written. A model output, or any
/// other user, may read them.
bool outsideBandUnread(Operation *op, const nn::Band &band, unsigned rowAxis,
                       unsigned columnAxis) {
  Value value = op->getResult(0);
  unsigned rank = nn::shapeExprsOf(value.getType()).size();
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (!llvm::isa<nn::MapOp, nn::ReduceOp, nn::ContractOp>(user))
      return false;
    std::optional<nn::Band> theirs = nn::maskBandOf(user, {});
    if (!theirs || theirs->above != band.above || theirs->below != band.below)
      return false;
    // The user's domain dimensions that read this value's two axes.
    std::optional<unsigned> rowDim, columnDim;
    if (auto contract = llvm::dyn_cast<nn::ContractOp>(user)) {
      if (use.getOperandNumber() > 1)
        return false; // a bias
      auto maps = contract.getIndexingMaps().getAsValueRange<AffineMapAttr>();
      AffineMap map = *std::next(maps.begin(), use.getOperandNumber());
      auto bare = [&](unsigned axis) -> std::optional<unsigned> {
        if (auto dim = llvm::dyn_cast<AffineDimExpr>(map.getResult(axis)))
          return dim.getPosition();
        return std::nullopt;
      };
      rowDim = bare(rowAxis);
      columnDim = bare(columnAxis);
    } else if (llvm::isa<nn::ReduceOp>(user)) {
      // A reduction's domain is its input's axes.
      rowDim = rowAxis;
      columnDim = columnAxis;
    } else {
      // A map reads its operands at its result's indices, aligned at the
      // last axis; a broadcast axis (extent 1) is not read at its index.
      llvm::SmallVector<Expr> domain = nn::shapeExprsOf(user->getResult(0).getType());
      llvm::SmallVector<Expr> shape = nn::shapeExprsOf(value.getType());
      if (domain.size() < rank)
        return false;
      unsigned offset = domain.size() - rank;
      for (unsigned axis : {rowAxis, columnAxis})
        if (shape[axis] != domain[offset + axis])
          return false;
      rowDim = offset + rowAxis;
      columnDim = offset + columnAxis;
    }
    if (rowDim != theirs->first || columnDim != theirs->second)
      return false;
  }
  return true;
}

/// The element type of an nn shaped type: ids are i64, the rest f32.
Type elementTypeOf(Type nnType) {
  MLIRContext *context = nnType.getContext();
  if (llvm::isa<nn::TokensType>(nnType))
    return IntegerType::get(context, 64);
  return Float32Type::get(context);
}

//===----------------------------------------------------------------------===//
// ModelLowering
//===----------------------------------------------------------------------===//

class ModelLowering {
public:
  ModelLowering(nn::ModelOp model, unsigned blockRows)
      : model(model), builder(model.getContext()), blockRows(blockRows) {}

  /// Builds the function after the model; the caller erases the model.
  FailureOr<func::FuncOp> run();

private:
  //===--- Sizes and types ----------------------------------------------===//

  /// The tensor type of an nn type, with `prefix` extents first.
  RankedTensorType tensorTypeOf(Type nnType, llvm::ArrayRef<Expr> prefix = {}) {
    llvm::SmallVector<Expr> shape(prefix.begin(), prefix.end());
    llvm::append_range(shape, nn::shapeExprsOf(nnType));
    return tensorTypeOf(shape, elementTypeOf(nnType));
  }
  static RankedTensorType tensorTypeOf(llvm::ArrayRef<Expr> shape, Type element) {
    llvm::SmallVector<int64_t> dims;
    for (const Expr &e : shape)
      dims.push_back(constantSize(e).value_or(ShapedType::kDynamic));
    return RankedTensorType::get(dims, element);
  }

  /// The value of a size at run time, computed once at the function's entry
  /// from the symbol arguments.
  FailureOr<Value> size(const Expr &e, Operation *user);
  /// The size as a fraction (numerator, denominator or null for 1), for
  /// rounding a quotient once.
  FailureOr<std::pair<Value, Value>> sizeFraction(const Expr &e, Operation *user);
  FailureOr<OpFoldResult> foldedSize(const Expr &e, Operation *user) {
    if (auto c = constantSize(e))
      return OpFoldResult(builder.getIndexAttr(*c));
    auto v = size(e, user);
    if (failed(v))
      return failure();
    return OpFoldResult(*v);
  }
  FailureOr<llvm::SmallVector<OpFoldResult>> foldedSizes(llvm::ArrayRef<Expr> shape,
                                                        Operation *user) {
    llvm::SmallVector<OpFoldResult> result;
    for (const Expr &e : shape) {
      auto v = foldedSize(e, user);
      if (failed(v))
        return failure();
      result.push_back(*v);
    }
    return result;
  }
  Value index(int64_t v) { return arith::ConstantIndexOp::create(builder, loc, v); }

  /// An uninitialised tensor of `shape`, or one filled with `fill`.
  FailureOr<Value> emptyTensor(llvm::ArrayRef<Expr> shape, Type element, Operation *user,
                               std::optional<double> fill = std::nullopt);

  //===--- Ops ------------------------------------------------------------===//

  LogicalResult lowerBlock(Block &block);
  LogicalResult lowerOp(Operation *op);
  LogicalResult lowerContract(nn::ContractOp op);
  /// Where a contraction writes: the result itself, or for a scattering
  /// result index (a transposed convolution) a zero tensor spanning every
  /// written index and the result, which then starts at `start`.
  struct ScatterTarget {
    AffineMap map;
    llvm::SmallVector<Expr> shape, start;
    bool scatters;
  };
  FailureOr<ScatterTarget> scatterTarget(nn::ContractOp op, AffineMap resultMap,
                                         llvm::ArrayRef<Expr> extents,
                                         llvm::ArrayRef<Expr> resultShape);
  LogicalResult lowerMap(nn::MapOp op);
  LogicalResult lowerReduce(nn::ReduceOp op);
  LogicalResult lowerScan(nn::PrefixScanOp op);
  LogicalResult lowerParallelScan(nn::PrefixScanOp op);
  LogicalResult lowerGather(nn::GatherOp op);
  LogicalResult lowerTranspose(nn::TransposeOp op);
  LogicalResult lowerReshape(nn::ReshapeOp op);
  LogicalResult lowerConcat(nn::ConcatOp op);
  LogicalResult lowerExtract(nn::ExtractOp op);
  LogicalResult lowerRepeat(nn::RepeatOp op);
  LogicalResult lowerRecur(nn::RecurOp op);
  LogicalResult lowerParam(Operation *op);

  using BodyBuilder = llvm::function_ref<void(OpBuilder &, Location, ValueRange)>;

  /// A linalg.generic over a domain of `extents`, tagged with the current
  /// layer; with a band, an scf.for over the band's rows runs it on each
  /// row's slice (operands' axes indexed by the band's dimensions must be
  /// those bare dimensions).
  FailureOr<Value> structured(Operation *op, llvm::ArrayRef<Operand> inputs, Operand output,
                              llvm::ArrayRef<utils::IteratorType> iterators,
                              llvm::ArrayRef<Expr> extents, const std::optional<nn::Band> &band,
                              BodyBuilder body, std::optional<double> rowInit = std::nullopt);
  Value generic(llvm::ArrayRef<Operand> inputs, Operand output,
                llvm::ArrayRef<utils::IteratorType> iterators, BodyBuilder body);

  /// `input` read at the result's indices under NumPy broadcasting: axes of
  /// extent 1 against a larger result axis are dropped (a rank-reducing
  /// slice) and the map skips them.
  FailureOr<Operand> broadcastOperand(Operation *op, Value input, Type inputType,
                                      llvm::ArrayRef<Expr> resultShape);

  /// Pads and slices a contraction operand so that each index is the
  /// linear part of its map (no symbols, no constant offset) and stays
  /// inside the operand.
  FailureOr<Operand> fitContractionOperand(nn::ContractOp op, Value operand, Type nnType,
                                           AffineMap map, llvm::ArrayRef<Expr> extents);

  void tag(Operation *op) { op->setAttr(attrs::kLayer, builder.getI64IntegerAttr(layer)); }

  nn::ModelOp model;
  OpBuilder builder;
  Location loc = builder.getUnknownLoc();
  func::FuncOp func;
  IRMapping values;
  llvm::StringMap<Value> symbolArgs;
  std::map<std::string, Value> sizeCache;
  Operation *sizeAnchor = nullptr;
  /// Parameters and fixed tensors: their argument and the repeats they are
  /// stacked over (outermost first).
  llvm::DenseMap<Operation *, std::pair<Value, llvm::SmallVector<nn::RepeatOp>>> tensorArgs;
  llvm::DenseMap<Operation *, Value> repeatIvs;
  llvm::DenseMap<Operation *, int64_t> layerSlots;
  int64_t layer = 0;
  /// Rows of a masked contraction's band lowered as one block (0: by row).
  unsigned blockRows;
};

FailureOr<Value> ModelLowering::size(const Expr &e, Operation *user) {
  std::string key = e.str();
  if (auto it = sizeCache.find(key); it != sizeCache.end())
    return it->second;
  auto fraction = sizeFraction(e, user);
  if (failed(fraction))
    return failure();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(sizeAnchor);
  auto [num, den] = *fraction;
  Value result = den ? Value(arith::DivSIOp::create(builder, loc, num, den)) : num;
  sizeCache[key] = result;
  return result;
}

FailureOr<std::pair<Value, Value>> ModelLowering::sizeFraction(const Expr &e,
                                                               Operation *user) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(sizeAnchor);
  // Σ cᵢ·Πfactors as one fraction num/den (exact for the sizes the model's
  // constraints allow). A null denominator stands for 1.
  auto times = [&](Value a, Value b) -> Value {
    return !a ? b : !b ? a : arith::MulIOp::create(builder, loc, a, b).getResult();
  };
  auto constant = [&](const llvm::DynamicAPInt &v) -> Value {
    return v == 1 ? Value() : index(int64_t(v));
  };
  Value num, den;
  bool first = true;
  for (const sym::Term &term : e.getTerms()) {
    Value tNum = constant(term.coefficient.num), tDen = constant(term.coefficient.den);
    for (const sym::Factor &factor : term.factors) {
      Value base;
      const sym::Atom &atom = *factor.atom;
      switch (atom.kind) {
      case sym::AtomKind::Symbol: {
        auto it = symbolArgs.find(atom.name);
        if (it == symbolArgs.end()) {
          user->emitError() << "cannot lower: size '" << e.str() << "' uses '" << atom.name
                            << "', which is not a symbol of the model";
          return failure();
        }
        base = it->second;
        break;
      }
      case sym::AtomKind::Floor:
      case sym::AtomKind::Ceil: {
        // Rounded once, from the whole fraction: ceil(n/2) is ceil of the
        // fraction n/2, not of n/2 truncated first.
        auto x = sizeFraction(atom.args[0], user), y = sizeFraction(atom.args[1], user);
        if (failed(x) || failed(y))
          return failure();
        builder.setInsertionPoint(sizeAnchor);
        auto one = [&](Value v) { return v ? v : index(1); };
        Value n = times(x->first, y->second), d = times(x->second, y->first);
        if (atom.kind == sym::AtomKind::Floor)
          base = arith::FloorDivSIOp::create(builder, loc, one(n), one(d));
        else
          base = arith::CeilDivSIOp::create(builder, loc, one(n), one(d));
        break;
      }
      case sym::AtomKind::Max:
      case sym::AtomKind::Min: {
        auto lhs = size(atom.args[0], user), rhs = size(atom.args[1], user);
        if (failed(lhs) || failed(rhs))
          return failure();
        builder.setInsertionPoint(sizeAnchor);
        if (atom.kind == sym::AtomKind::Max)
          base = arith::MaxSIOp::create(builder, loc, *lhs, *rhs);
        else
          base = arith::MinSIOp::create(builder, loc, *lhs, *rhs);
        break;
      }
      default:
        user->emitError() << "cannot lower: size '" << e.str()
                          << "' is not a polynomial, floor, ceil, min or max of the symbols";
        return failure();
      }
      Value &target = factor.exponent > 0 ? tNum : tDen;
      for (int64_t i = 0; i < std::abs(factor.exponent); ++i)
        target = times(target, base);
    }
    if (first) {
      num = tNum ? tNum : index(1);
      den = tDen;
      first = false;
    } else {
      // num/den + tNum/tDen = (num·tDen + tNum·den) / (den·tDen)
      Value lhs = times(num, tDen), rhs = times(tNum, den);
      // One operand at a time: the order of ops must not depend on the
      // compiler's order of evaluating arguments.
      Value left = lhs ? lhs : index(1);
      Value right = rhs ? rhs : index(1);
      num = arith::AddIOp::create(builder, loc, left, right);
      den = times(den, tDen);
    }
  }
  if (first)
    return std::pair(index(0), Value());
  return std::pair(num, den);
}

FailureOr<Value> ModelLowering::emptyTensor(llvm::ArrayRef<Expr> shape, Type element,
                                            Operation *user, std::optional<double> fill) {
  auto sizes = foldedSizes(shape, user);
  if (failed(sizes))
    return failure();
  Value empty = tensor::EmptyOp::create(builder, loc, *sizes, element);
  if (!fill)
    return empty;
  Value value = arith::ConstantOp::create(
      builder, loc, builder.getFloatAttr(element, *fill));
  auto filled = linalg::FillOp::create(builder, loc, ValueRange{value}, ValueRange{empty});
  tag(filled);
  return filled.getResult(0);
}

Value ModelLowering::generic(llvm::ArrayRef<Operand> inputs, Operand output,
                             llvm::ArrayRef<utils::IteratorType> iterators, BodyBuilder body) {
  llvm::SmallVector<Value> ins;
  llvm::SmallVector<AffineMap> maps;
  for (const Operand &input : inputs) {
    ins.push_back(input.tensor);
    maps.push_back(input.map);
  }
  maps.push_back(output.map);
  auto op = linalg::GenericOp::create(builder, loc, TypeRange{output.tensor.getType()}, ins,
                                      ValueRange{output.tensor}, maps, iterators, body);
  tag(op);
  return op.getResult(0);
}

FailureOr<Value> ModelLowering::structured(Operation *op, llvm::ArrayRef<Operand> inputs,
                                           Operand output,
                                           llvm::ArrayRef<utils::IteratorType> iterators,
                                           llvm::ArrayRef<Expr> extents,
                                           const std::optional<nn::Band> &band,
                                           BodyBuilder body, std::optional<double> rowInit) {
  if (!band)
    return generic(inputs, output, iterators, body);
  unsigned p = band->first, k = band->second;
  // Every axis that the band's dimensions index must be that dimension
  // alone, so that a row is a slice.
  auto check = [&](AffineMap map) -> bool {
    for (AffineExpr e : map.getResults())
      if ((e.isFunctionOfDim(p) || e.isFunctionOfDim(k)) && !llvm::isa<AffineDimExpr>(e))
        return false;
    return true;
  };
  if (!check(output.map) || !llvm::all_of(inputs, [&](const Operand &o) { return check(o.map); })) {
    op->emitError() << "cannot lower: the mask's dimensions d" << p << " and d" << k
                    << " must index operands bare (not in a sum) to loop over its rows";
    return failure();
  }
  auto extentP = size(extents[p], op), extentK = size(extents[k], op);
  if (failed(extentP) || failed(extentK))
    return failure();
  std::optional<Value> above, below;
  if (band->above) {
    auto v = size(*band->above, op);
    if (failed(v))
      return failure();
    above = *v;
  }
  if (band->below) {
    auto v = size(*band->below, op);
    if (failed(v))
      return failure();
    below = *v;
  }
  // Each output element belongs to one row's band when the output is
  // indexed by the column dimension; otherwise the parts of a row add into
  // the same elements.
  auto indexesOutput = [&](unsigned d) {
    return llvm::any_of(output.map.getResults(), [&](AffineExpr e) {
      auto dim = llvm::dyn_cast<AffineDimExpr>(e);
      return dim && dim.getPosition() == d;
    });
  };
  bool disjointParts = indexesOutput(p) && indexesOutput(k);
  // Then the output need not be filled whole before the parts overwrite
  // their band: each row fills only the columns outside it. (For causal
  // attention's n x n scores this halves the filled bytes.)
  Value initial = output.tensor;
  std::optional<Value> outside;
  linalg::FillOp wholeFill;
  // Row by row (the GPU's form: fewest launches), the output is filled
  // whole once instead.
  // Only where each part writes its elements without reading them first:
  // it starts from rowInit, or it is a map (a masked sum reads the zeros).
  bool partsOverwrite = rowInit.has_value() || llvm::isa<nn::MapOp>(op);
  if (blockRows > 0 && disjointParts && partsOverwrite && (below || above))
    if ((wholeFill = initial.getDefiningOp<linalg::FillOp>())) {
      initial = wholeFill.getOutputs()[0];
      // Where nothing reads outside the band (attention's scores and
      // weights between masked ops), those elements are not written.
      auto axisOf = [&](unsigned dim) -> std::optional<unsigned> {
        for (auto [axis, e] : llvm::enumerate(output.map.getResults()))
          if (auto d = llvm::dyn_cast<AffineDimExpr>(e); d && d.getPosition() == dim)
            return unsigned(axis);
        return std::nullopt;
      };
      // The output map's axes are the nn result's only where no axis is
      // reduced (a reduction keeps its reduced axes as extent 1).
      auto rowAxis = axisOf(p), columnAxis = axisOf(k);
      bool sameAxes = output.map.getNumResults() ==
                      nn::shapeExprsOf(op->getResult(0).getType()).size();
      if (!sameAxes || !rowAxis || !columnAxis ||
          !outsideBandUnread(op, *band, *rowAxis, *columnAxis))
        outside = wholeFill.getInputs()[0];
    }
  auto dropWholeFill = [&](Value result) {
    if (wholeFill && wholeFill->use_empty())
      wholeFill.erase();
    return result;
  };
  // The slice of `tensor`, indexed through `map`, at rows [rowStart,
  // rowStart + rows) and columns [columnStart, columnStart + columns).
  auto region = [&](Value tensor, AffineMap map, Value rowStart, OpFoldResult rows,
                    Value columnStart, OpFoldResult columns,
                    llvm::SmallVector<OpFoldResult> &offsets,
                    llvm::SmallVector<OpFoldResult> &sizes) -> Value {
    for (auto [axis, e] : llvm::enumerate(map.getResults())) {
      auto dim = llvm::dyn_cast<AffineDimExpr>(e);
      if (dim && dim.getPosition() == p) {
        offsets.push_back(rowStart);
        sizes.push_back(rows);
      } else if (dim && dim.getPosition() == k) {
        offsets.push_back(columnStart);
        sizes.push_back(columns);
      } else {
        offsets.push_back(builder.getIndexAttr(0));
        sizes.push_back(tensor::getMixedSize(builder, loc, tensor, axis));
      }
    }
    llvm::SmallVector<OpFoldResult> strides(offsets.size(), builder.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(builder, loc, tensor, offsets, sizes, strides)
        .getResult();
  };
  auto insert = [&](Value slice, Value into, llvm::ArrayRef<OpFoldResult> offsets,
                    llvm::ArrayRef<OpFoldResult> sizes) -> Value {
    llvm::SmallVector<OpFoldResult> strides(offsets.size(), builder.getIndexAttr(1));
    return tensor::InsertSliceOp::create(builder, loc, slice, into, offsets, sizes, strides);
  };
  auto fill = [&](Value value, Value tensor) -> Value {
    auto op = linalg::FillOp::create(builder, loc, ValueRange{value}, ValueRange{tensor});
    tag(op);
    return op.getResult(0);
  };
  // The generic over rows [rowStart, rowStart + rows) and columns
  // [columnStart, columnStart + columns) of the band, written into the
  // carried result.
  auto part = [&](Value carried, Value rowStart, OpFoldResult rows, Value columnStart,
                  Value columns) -> Value {
    llvm::SmallVector<Operand> partInputs;
    for (const Operand &input : inputs) {
      llvm::SmallVector<OpFoldResult> offsets, sizes;
      partInputs.push_back(
          {region(input.tensor, input.map, rowStart, rows, columnStart, columns, offsets, sizes),
           input.map});
    }
    llvm::SmallVector<OpFoldResult> offsets, sizes;
    Value partOutput =
        region(carried, output.map, rowStart, rows, columnStart, columns, offsets, sizes);
    // The accumulator starts here for these elements only.
    if (rowInit)
      partOutput = fill(arith::ConstantOp::create(
                            builder, loc, builder.getFloatAttr(builder.getF32Type(), *rowInit)),
                        partOutput);
    Value result = generic(partInputs, {partOutput, output.map}, iterators, body);
    return insert(result, carried, offsets, sizes);
  };
  // Columns k of row p: p - below <= k <= p + above, inside [0, n); an
  // empty band starts and ends at the same column, inside [0, n].
  // (One op created per statement: the order of a call's arguments is
  // unspecified, and the IR's order must not depend on the compiler.)
  auto firstColumn = [&](Value row) -> Value {
    Value zero = index(0);
    if (!below)
      return zero;
    Value back = arith::SubIOp::create(builder, loc, row, *below);
    Value first = arith::MaxSIOp::create(builder, loc, zero, back);
    return arith::MinSIOp::create(builder, loc, *extentK, first);
  };
  auto endColumn = [&](Value row) -> Value {
    if (!above)
      return *extentK;
    Value end = arith::MinSIOp::create(
        builder, loc, *extentK,
        arith::AddIOp::create(builder, loc, row,
                              arith::AddIOp::create(builder, loc, *above, index(1))));
    return arith::MaxSIOp::create(builder, loc, firstColumn(row), end);
  };
  auto lengthFrom = [&](Value first, Value end) -> Value {
    Value zero = index(0);
    Value length = arith::SubIOp::create(builder, loc, end, first);
    return arith::MaxSIOp::create(builder, loc, zero, length);
  };
  // Row `row`'s columns outside its band [first, end) get the value the
  // output had there.
  auto fillOutside = [&](Value carried, Value row, Value first, Value end) -> Value {
    if (!outside)
      return carried;
    OpFoldResult one = builder.getIndexAttr(1);
    auto fillColumns = [&](Value tensor, Value from, Value length) {
      llvm::SmallVector<OpFoldResult> offsets, sizes;
      Value slice = region(tensor, output.map, row, one, from, length, offsets, sizes);
      return insert(fill(*outside, slice), tensor, offsets, sizes);
    };
    if (below)
      carried = fillColumns(carried, index(0), first);
    if (above)
      carried = fillColumns(carried, end, arith::SubIOp::create(builder, loc, *extentK, end));
    return carried;
  };
  // Runs `rowBody(row, carried) -> carried` for rows [first, end).
  auto forRows = [&](Value first, Value end, Value step, Value carried,
                     llvm::function_ref<Value(Value, Value)> rowBody) -> Value {
    auto loop = scf::ForOp::create(
        builder, loc, first, end, step, ValueRange{carried},
        [&](OpBuilder &b, Location l, Value row, ValueRange args) {
          OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
          scf::YieldOp::create(builder, l, rowBody(row, args[0]));
        });
    return loop.getResult(0);
  };
  // In blocks of rows: the columns every row of a block keeps form one
  // dense rectangle (a matrix product that the CPU schedule tiles), and
  // each row's remaining columns (left of it when the band has a lower
  // edge, right of it when it has an upper one) its own generic. The parts
  // tile each row's band exactly, so the executed domain stays the masked
  // one. Row p keeps [first(p), end(p)), both nondecreasing in p, so the
  // block [r0, r1) shares [first(r1 - 1), end(r0)) when that is not empty.
  // A per-row accumulator (the start of a max) must be set before any part
  // of its row runs, so such ops run row by row unless the parts own their
  // elements.
  if (blockRows > 0 && (!rowInit || disjointParts)) {
    Value blockRowsValue = index(int64_t(blockRows));
    return dropWholeFill(forRows(index(0), *extentP, blockRowsValue, initial, [&](Value r0, Value carried) {
      Value r1 = arith::MinSIOp::create(
          builder, loc, *extentP, arith::AddIOp::create(builder, loc, r0, blockRowsValue));
      Value rows = arith::SubIOp::create(builder, loc, r1, r0);
      Value denseFirst = firstColumn(arith::SubIOp::create(builder, loc, r1, index(1)));
      Value denseEnd = arith::MaxSIOp::create(builder, loc, denseFirst, endColumn(r0));
      carried = part(carried, r0, rows, denseFirst,
                     arith::SubIOp::create(builder, loc, denseEnd, denseFirst));
      if (!below && !above)
        return carried;
      return forRows(r0, r1, index(1), carried, [&](Value row, Value rowCarried) {
        Value first = firstColumn(row), end = endColumn(row);
        OpFoldResult one = builder.getIndexAttr(1);
        if (below) {
          Value leftEnd = arith::MinSIOp::create(builder, loc, end, denseFirst);
          rowCarried = part(rowCarried, row, one, first, lengthFrom(first, leftEnd));
        }
        if (above) {
          Value rightFirst = arith::MaxSIOp::create(builder, loc, first, denseEnd);
          rowCarried = part(rowCarried, row, one, rightFirst, lengthFrom(rightFirst, end));
        }
        return fillOutside(rowCarried, row, first, end);
      });
    }));
  }
  Value firstRow = index(0);
  Value step = index(1);
  return dropWholeFill(forRows(firstRow, *extentP, step, initial, [&](Value row, Value carried) {
    Value first = firstColumn(row), end = endColumn(row);
    carried = part(carried, row, builder.getIndexAttr(1), first,
                   arith::SubIOp::create(builder, loc, end, first));
    return fillOutside(carried, row, first, end);
  }));
}

FailureOr<Operand> ModelLowering::broadcastOperand(Operation *op, Value input, Type inputType,
                                                   llvm::ArrayRef<Expr> resultShape) {
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(inputType);
  size_t rank = resultShape.size(), offset = rank - shape.size();
  llvm::SmallVector<AffineExpr> exprs;
  llvm::SmallVector<Expr> kept;
  bool drops = false;
  for (auto [i, e] : llvm::enumerate(shape)) {
    bool broadcast = e == Expr(1) && resultShape[offset + i] != Expr(1);
    drops |= broadcast;
    if (!broadcast) {
      exprs.push_back(builder.getAffineDimExpr(offset + i));
      kept.push_back(e);
    }
  }
  if (drops) {
    auto sizes = foldedSizes(shape, op);
    if (failed(sizes))
      return failure();
    llvm::SmallVector<OpFoldResult> offsets(shape.size(), builder.getIndexAttr(0)),
        strides(shape.size(), builder.getIndexAttr(1));
    input = tensor::ExtractSliceOp::create(builder, loc,
                                           tensorTypeOf(kept, elementTypeOf(inputType)), input,
                                           offsets, *sizes, strides);
  }
  return Operand{input, AffineMap::get(rank, 0, exprs, builder.getContext())};
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

FailureOr<Operand> ModelLowering::fitContractionOperand(nn::ContractOp op, Value operand,
                                                        Type nnType, AffineMap map,
                                                        llvm::ArrayRef<Expr> extents) {
  unsigned numDims = map.getNumDims(), numSymbols = map.getNumSymbols();
  llvm::SmallVector<Expr> symbolValues = op.getSymbolExprs();
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(nnType);
  llvm::SmallVector<AffineExpr> linearExprs;
  llvm::SmallVector<Expr> low(shape.size()), high(shape.size()), start(shape.size()),
      span(shape.size());
  bool pads = false, slices = false;
  for (auto [axis, e] : llvm::enumerate(map.getResults())) {
    auto form = nn::flattenAffine(e, numDims, numSymbols);
    AffineExpr linear = builder.getAffineConstantExpr(0);
    Expr largest; // of the linear part over the domain
    for (unsigned d = 0; d < numDims; ++d) {
      int64_t c = form->dims[d];
      if (c < 0) {
        op->emitError() << "cannot lower: index " << axis << " of an operand has a negative "
                        << "coefficient on d" << d << " (a reversed index)";
        return failure();
      }
      if (c == 0)
        continue;
      linear = linear + builder.getAffineDimExpr(d) * c;
      largest += Expr(c) * (extents[d] - Expr(1));
    }
    linearExprs.push_back(linear);
    // The operand is read at [offset, offset + largest]: pad below 0 and
    // above its end with zeros, then slice so that the index starts at 0.
    Expr offset = nn::offsetOf(*form, symbolValues);
    start[axis] = offset;
    span[axis] = largest + Expr(1);
    if (!provablyNonNegative(offset)) {
      low[axis] = Expr::max(Expr(0), Expr(0) - offset);
      pads = true;
    }
    Expr beyond = offset + largest - (shape[axis] - Expr(1));
    if (!provablyNonNegative(Expr(0) - beyond)) {
      high[axis] = Expr::max(Expr(0), beyond);
      pads = true;
    }
    if (!offset.isZero() || !provablyNonNegative(Expr(0) - beyond))
      slices = true;
  }
  Type element = elementTypeOf(nnType);
  if (pads) {
    auto lows = foldedSizes(low, op), highs = foldedSizes(high, op);
    if (failed(lows) || failed(highs))
      return failure();
    Value zero = arith::ConstantOp::create(builder, loc, builder.getFloatAttr(element, 0.0));
    // A null type: inferred from the source's and the pads' static sizes.
    operand = tensor::PadOp::create(builder, loc, Type(), operand, *lows, *highs, zero);
    for (size_t i = 0; i < shape.size(); ++i)
      start[i] += low[i];
  }
  if (slices) {
    auto offsets = foldedSizes(start, op), sizes = foldedSizes(span, op);
    if (failed(offsets) || failed(sizes))
      return failure();
    llvm::SmallVector<OpFoldResult> strides(shape.size(), builder.getIndexAttr(1));
    operand = tensor::ExtractSliceOp::create(builder, loc, operand, *offsets, *sizes, strides);
  }
  return Operand{operand, AffineMap::get(numDims, 0, linearExprs, builder.getContext())};
}

FailureOr<ModelLowering::ScatterTarget>
ModelLowering::scatterTarget(nn::ContractOp op, AffineMap resultMap, llvm::ArrayRef<Expr> extents,
                             llvm::ArrayRef<Expr> resultShape) {
  ScatterTarget target{AffineMap(), llvm::to_vector(resultShape),
                       llvm::SmallVector<Expr>(resultShape.size(), Expr(0)), false};
  unsigned numDims = resultMap.getNumDims(), numSymbols = resultMap.getNumSymbols();
  llvm::SmallVector<Expr> symbolValues = op.getSymbolExprs();
  llvm::SmallVector<AffineExpr> exprs;
  for (auto [axis, e] : llvm::enumerate(resultMap.getResults())) {
    if (llvm::isa<AffineDimExpr>(e)) {
      exprs.push_back(e);
      continue;
    }
    target.scatters = true;
    auto form = nn::flattenAffine(e, numDims, numSymbols);
    AffineExpr linear = builder.getAffineConstantExpr(0);
    Expr largest; // of the linear part over the domain
    for (unsigned d = 0; d < numDims; ++d) {
      int64_t c = form->dims[d];
      if (c < 0)
        return op->emitError() << "cannot lower: result index " << axis
                               << " has a negative coefficient on d" << d
                               << " (a reversed scatter)";
      if (c == 0)
        continue;
      linear = linear + builder.getAffineDimExpr(d) * c;
      largest += Expr(c) * (extents[d] - Expr(1));
    }
    // Written: offset + [0, largest]; kept: [0, extent). The target spans
    // both, from min(offset, 0), so that every write lands inside it.
    Expr offset = nn::offsetOf(*form, symbolValues);
    Expr from = Expr::min(offset, Expr(0));
    auto shift = constantSize(offset - from);
    if (!shift)
      return op->emitError() << "cannot lower: result index " << axis
                             << " scatters with an offset of " << offset.str()
                             << ", which must be a number";
    target.shape[axis] = Expr::max(offset + largest + Expr(1), resultShape[axis]) - from;
    target.start[axis] = Expr(0) - from;
    exprs.push_back(linear + *shift);
  }
  target.map = AffineMap::get(numDims, 0, exprs, op.getContext());
  return target;
}

LogicalResult ModelLowering::lowerContract(nn::ContractOp op) {
  auto mapRange = op.getIndexingMaps().getAsValueRange<AffineMapAttr>();
  llvm::SmallVector<AffineMap> maps(mapRange.begin(), mapRange.end());
  llvm::SmallVector<Expr> extents = op.getDomainExtents();
  unsigned numDims = maps[2].getNumDims();
  // Every dimension needs an axis of its own somewhere for linalg to size
  // its loop.
  for (unsigned d = 0; d < numDims; ++d) {
    bool bare = llvm::any_of(maps, [&](AffineMap map) {
      return llvm::any_of(map.getResults(), [&](AffineExpr e) {
        auto dim = llvm::dyn_cast<AffineDimExpr>(e);
        return dim && dim.getPosition() == d;
      });
    });
    if (!bare)
      return op.emitError() << "cannot lower: dimension d" << d
                            << " indexes no operand axis by itself";
  }
  std::optional<nn::Band> band;
  if (auto mask = op.getMaskAttr()) {
    std::string why;
    band = nn::parseBand(mask.getValue(), op.getSymbolExprs(), why);
    if (!band)
      return op.emitError() << "cannot lower the mask: " << why;
  }
  auto lhs = fitContractionOperand(op, values.lookup(op.getLhs()), op.getLhs().getType(),
                                   maps[0], extents);
  if (failed(lhs))
    return failure();
  auto rhs = fitContractionOperand(op, values.lookup(op.getRhs()), op.getRhs().getType(),
                                   maps[1], extents);
  if (failed(rhs))
    return failure();
  llvm::SmallVector<Expr> resultShape = nn::shapeExprsOf(op.getResult().getType());
  auto target = scatterTarget(op, maps[2], extents, resultShape);
  if (failed(target))
    return failure();
  if (target->scatters && band)
    return op.emitError() << "cannot lower: a mask on a scattering contraction";
  AffineMap resultMap = target->map;
  llvm::SmallVector<utils::IteratorType> iterators(numDims, utils::IteratorType::reduction);
  unsigned bare = 0;
  for (AffineExpr e : maps[2].getResults())
    if (auto dim = llvm::dyn_cast<AffineDimExpr>(e)) {
      iterators[dim.getPosition()] = utils::IteratorType::parallel;
      ++bare;
    }
  bool sums = bare < numDims;
  Type f32 = builder.getF32Type();
  // Zero where nothing is summed into, outside a mask, and where no
  // scattered product lands.
  auto init = emptyTensor(target->shape, f32, op,
                          sums || band || target->scatters ? std::optional<double>(0.0)
                                                           : std::nullopt);
  if (failed(init))
    return failure();
  // In blocks, a masked sum whose result is indexed by the band's columns
  // starts from zero in each part it computes, so the schedule folds that
  // fill into its packed accumulator instead of copying the zeros in;
  // otherwise the parts of a row add into the same elements, which keep
  // the zeros above.
  auto indexesResult = [&](unsigned d) {
    return llvm::any_of(maps[2].getResults(), [&](AffineExpr e) {
      auto dim = llvm::dyn_cast<AffineDimExpr>(e);
      return dim && dim.getPosition() == d;
    });
  };
  // Both band dimensions index the result: each element is one row's.
  bool partsOwnResult = band && indexesResult(band->first) && indexesResult(band->second);
  auto result = structured(
      op, {*lhs, *rhs}, {*init, resultMap}, iterators, extents, band,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value product = arith::MulFOp::create(b, l, args[0], args[1]);
        Value value = sums ? arith::AddFOp::create(b, l, args[2], product).getResult() : product;
        linalg::YieldOp::create(b, l, value);
      },
      sums && partsOwnResult && blockRows > 0 ? std::optional<double>(0.0) : std::nullopt);
  if (failed(result))
    return failure();
  Value out = *result;
  if (target->scatters) {
    // The result is the window of the written span at the result's indices.
    auto offsets = foldedSizes(target->start, op), sizes = foldedSizes(resultShape, op);
    if (failed(offsets) || failed(sizes))
      return failure();
    llvm::SmallVector<OpFoldResult> strides(resultShape.size(), builder.getIndexAttr(1));
    out = tensor::ExtractSliceOp::create(builder, loc, out, *offsets, *sizes, strides);
  }
  if (Value bias = op.getBias()) {
    // One add per result element, as the cost rule counts it.
    auto biasOperand = broadcastOperand(op, values.lookup(bias), bias.getType(), resultShape);
    if (failed(biasOperand))
      return failure();
    unsigned rank = resultShape.size();
    AffineMap identity = builder.getMultiDimIdentityMap(rank);
    out = generic({*biasOperand}, {out, identity},
                  llvm::SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange args) {
                    linalg::YieldOp::create(b, l,
                                            arith::AddFOp::create(b, l, args[1], args[0]).getResult());
                  });
  }
  values.map(op.getResult(), out);
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise maps and reductions
//===----------------------------------------------------------------------===//

LogicalResult ModelLowering::lowerMap(nn::MapOp op) {
  for (Value input : op.getInputs())
    if (llvm::isa<nn::TokensType>(input.getType()))
      return op.emitError() << "cannot lower: an element-wise map over token ids (its body "
                               "computes on f32)";
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(op.getResult().getType());
  unsigned rank = shape.size();
  llvm::SmallVector<Operand> inputs;
  for (Value input : op.getInputs()) {
    auto operand = broadcastOperand(op, values.lookup(input), input.getType(), shape);
    if (failed(operand))
      return failure();
    inputs.push_back(*operand);
  }
  std::optional<nn::Band> band = nn::maskBandOf(op, shape);
  if (op.getMaskAttr() && !band)
    return op.emitError() << "cannot lower the mask";
  auto init = emptyTensor(shape, builder.getF32Type(), op,
                          band ? std::optional<double>(0.0) : std::nullopt);
  if (failed(init))
    return failure();
  // Sizes the body reads, as f32 values computed once outside it (not
  // floating-point work of the map: they are not in its body).
  llvm::SmallVector<Value> sizeValues;
  if (auto sizes = op.getSizes())
    for (Attribute a : *sizes) {
      auto v = size(llvm::cast<nn::DimAttr>(a).getExpr(), op);
      if (failed(v))
        return failure();
      Value asInt = arith::IndexCastOp::create(builder, loc, builder.getI64Type(), *v);
      sizeValues.push_back(
          arith::SIToFPOp::create(builder, loc, builder.getF32Type(), asInt));
    }
  Block &body = op.getBody().front();
  auto result = structured(
      op, inputs, {*init, builder.getMultiDimIdentityMap(rank)},
      llvm::SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel), shape, band,
      [&](OpBuilder &b, Location l, ValueRange args) {
        IRMapping mapping;
        for (auto [arg, value] : llvm::zip(body.getArguments(), args))
          mapping.map(arg, value);
        for (auto [i, value] : llvm::enumerate(sizeValues))
          mapping.map(body.getArgument(inputs.size() + i), value);
        for (Operation &inner : body.without_terminator())
          b.clone(inner, mapping);
        auto yield = llvm::cast<nn::YieldOp>(body.getTerminator());
        linalg::YieldOp::create(b, l, mapping.lookup(yield.getValues()[0]));
      });
  if (failed(result))
    return failure();
  values.map(op.getResult(), *result);
  return success();
}

LogicalResult ModelLowering::lowerReduce(nn::ReduceOp op) {
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(op.getInput().getType());
  unsigned rank = shape.size();
  llvm::SmallVector<bool> reduced(rank, false);
  for (Attribute a : op.getDims())
    reduced[*constantSize(llvm::cast<nn::DimAttr>(a).getExpr())] = true;
  llvm::SmallVector<AffineExpr> outExprs;
  llvm::SmallVector<Expr> outShape;
  llvm::SmallVector<utils::IteratorType> iterators;
  for (unsigned i = 0; i < rank; ++i) {
    iterators.push_back(reduced[i] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
    if (!reduced[i]) {
      outExprs.push_back(builder.getAffineDimExpr(i));
      outShape.push_back(shape[i]);
    }
  }
  std::optional<nn::Band> band = nn::maskBandOf(op, shape);
  if (op.getMaskAttr() && !band)
    return op.emitError() << "cannot lower the mask";
  if (band && reduced[band->first])
    return op.emitError() << "cannot lower: a masked reduction must keep the mask's row "
                             "dimension d"
                          << band->first;
  bool isMax = op.getKind() == "max";
  Type f32 = builder.getF32Type();
  // Zero outside a mask; the accumulator's start (0, or -inf for a max)
  // everywhere else.
  double start = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  auto init = emptyTensor(outShape, f32, op, band ? 0.0 : start);
  if (failed(init))
    return failure();
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, op.getContext());
  auto result = structured(
      op, {{values.lookup(op.getInput()), builder.getMultiDimIdentityMap(rank)}},
      {*init, outMap}, iterators, shape, band, [&](OpBuilder &b, Location l, ValueRange args) {
        Value v = isMax ? arith::MaximumFOp::create(b, l, args[1], args[0]).getResult()
                        : arith::AddFOp::create(b, l, args[1], args[0]).getResult();
        linalg::YieldOp::create(b, l, v);
      },
      band && isMax ? std::optional<double>(start) : std::nullopt);
  if (failed(result))
    return failure();
  // Keep the reduced axes as extent 1: each joins the next kept axis (or,
  // at the end, the previous one).
  llvm::SmallVector<Expr> keptShape = nn::shapeExprsOf(op.getResult().getType());
  llvm::SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (unsigned i = 0; i < rank; ++i) {
    pending.push_back(i);
    if (!reduced[i]) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!pending.empty()) {
    if (groups.empty())
      groups.push_back({});
    llvm::append_range(groups.back(), pending);
  }
  if (outShape.empty())
    groups.clear(); // rank 0 expands with no groups
  auto sizes = foldedSizes(keptShape, op);
  if (failed(sizes))
    return failure();
  Value expanded = tensor::ExpandShapeOp::create(builder, loc, tensorTypeOf(keptShape, f32),
                                                 *result, groups, *sizes);
  values.map(op.getResult(), expanded);
  return success();
}

//===----------------------------------------------------------------------===//
// Scans and data movement
//===----------------------------------------------------------------------===//

/// nn.scan's `parallel` form as its description counts it: while the
/// stride s < n, every position combines with the one s before it (the
/// identity before the first s, read from padding), then s doubles. Each
/// level is one data-parallel generic over all positions: 1 FLOP per
/// element for a sum; for a linear recurrence x ← a·x' + x (2) and the
/// composed decay a ← a·a' (1).
LogicalResult ModelLowering::lowerParallelScan(nn::PrefixScanOp op) {
  Type type = op.getInput().getType();
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(type);
  unsigned rank = shape.size(), axis = *positionAxisOf(type);
  Type f32 = builder.getF32Type();
  auto length = size(shape[axis], op);
  auto sizes = foldedSizes(shape, op);
  if (failed(length) || failed(sizes))
    return failure();
  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  llvm::SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  bool linear = op.getKind() == "linear";
  llvm::SmallVector<Value> initial{values.lookup(op.getInput())};
  if (linear) {
    // The decay at every position (a copy, no arithmetic): the levels
    // compose it.
    Value decay = op.getDecay();
    auto operand = broadcastOperand(op, values.lookup(decay), decay.getType(), shape);
    auto init = emptyTensor(shape, f32, op);
    if (failed(operand) || failed(init))
      return failure();
    initial.push_back(generic({*operand}, {*init, identity}, iterators,
                              [](OpBuilder &b, Location l, ValueRange args) {
                                linalg::YieldOp::create(b, l, args[0]);
                              }));
  }
  initial.push_back(index(1));
  auto loop = scf::WhileOp::create(
      builder, loc, TypeRange(ValueRange(initial)), initial,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, args.back(), *length);
        scf::ConditionOp::create(b, l, more, args);
      },
      [&](OpBuilder &b, Location l, ValueRange args) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
        Value stride = args.back();
        // v shifted by s along the positions: v[t - s], the identity for
        // t < s. The first n - s positions, padded in front: n positions.
        auto shifted = [&](Value v, double identityValue) {
          llvm::SmallVector<OpFoldResult> origin(rank, builder.getIndexAttr(0)),
              strides(rank, builder.getIndexAttr(1)), kept(*sizes);
          kept[axis] = arith::SubIOp::create(builder, l, *length, stride).getResult();
          Value head = tensor::ExtractSliceOp::create(builder, l, v, origin, kept, strides);
          llvm::SmallVector<OpFoldResult> low(origin), high(origin);
          low[axis] = stride;
          Value fill = arith::ConstantOp::create(builder, l, builder.getF32FloatAttr(
                                                                 float(identityValue)));
          return tensor::PadOp::create(builder, l, v.getType(), head, low, high, fill)
              .getResult();
        };
        // Each level updates its carried tensors in place (the bodies read
        // the output's own element), so the loop's results are its
        // arguments' buffers; the shifted copies are read, not written.
        Value x = args[0];
        llvm::SmallVector<Value> next;
        if (!linear) {
          next.push_back(generic({{shifted(x, 0.0), identity}}, {x, identity}, iterators,
                                 [](OpBuilder &bb, Location ll, ValueRange v) {
                                   linalg::YieldOp::create(
                                       bb, ll, arith::AddFOp::create(bb, ll, v[0], v[1]).getResult());
                                 }));
        } else {
          Value a = args[1];
          Value previousX = shifted(x, 0.0), previousA = shifted(a, 1.0);
          next.push_back(generic({{a, identity}, {previousX, identity}}, {x, identity}, iterators,
                                 [](OpBuilder &bb, Location ll, ValueRange v) {
                                   Value carried = arith::MulFOp::create(bb, ll, v[0], v[1]);
                                   linalg::YieldOp::create(
                                       bb, ll, arith::AddFOp::create(bb, ll, carried, v[2]).getResult());
                                 }));
          next.push_back(generic({{previousA, identity}}, {a, identity}, iterators,
                                 [](OpBuilder &bb, Location ll, ValueRange v) {
                                   linalg::YieldOp::create(
                                       bb, ll, arith::MulFOp::create(bb, ll, v[1], v[0]).getResult());
                                 }));
        }
        next.push_back(arith::ShLIOp::create(builder, l, stride, index(1)));
        scf::YieldOp::create(builder, l, next);
      });
  values.map(op.getResult(), loop.getResult(0));
  return success();
}

LogicalResult ModelLowering::lowerScan(nn::PrefixScanOp op) {
  if (op.getParallel())
    return lowerParallelScan(op);
  Type type = op.getInput().getType();
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(type);
  unsigned rank = shape.size(), axis = *positionAxisOf(type);
  llvm::SmallVector<Expr> stateShape(shape);
  stateShape.erase(stateShape.begin() + axis);
  Type f32 = builder.getF32Type();
  auto out = emptyTensor(shape, f32, op);
  auto state = emptyTensor(stateShape, f32, op, 0.0);
  auto length = size(shape[axis], op);
  auto sizes = foldedSizes(shape, op);
  if (failed(out) || failed(state) || failed(length) || failed(sizes))
    return failure();
  // The decay, aligned at the right with the input: read at step t along
  // the position axis when it has one (a_t), its other axes broadcast.
  Value decay;
  llvm::SmallVector<Expr> decayShape;
  if (Value d = op.getDecay()) {
    decay = values.lookup(d);
    decayShape = nn::shapeExprsOf(d.getType());
  }
  bool linear = op.getKind() == "linear";
  unsigned stateRank = rank - 1;
  AffineMap identity = builder.getMultiDimIdentityMap(stateRank);
  Value input = values.lookup(op.getInput());
  bool ok = true;
  Value lower = index(0), stepOne = index(1);
  auto loop = scf::ForOp::create(
      builder, loc, lower, *length, stepOne, ValueRange{*out, *state},
      [&](OpBuilder &b, Location l, Value t, ValueRange carried) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
        llvm::SmallVector<OpFoldResult> offsets(rank, builder.getIndexAttr(0)),
            stepSizes(*sizes), strides(rank, builder.getIndexAttr(1));
        offsets[axis] = t;
        stepSizes[axis] = builder.getIndexAttr(1);
        auto stepType = tensorTypeOf(stateShape, f32);
        Value x = tensor::ExtractSliceOp::create(builder, l, stepType, input, offsets, stepSizes,
                                                 strides);
        llvm::SmallVector<Operand> ins{{x, identity}};
        if (decay) {
          size_t lead = rank - decayShape.size();
          llvm::SmallVector<OpFoldResult> at, sizesAt;
          llvm::SmallVector<AffineExpr> exprs;
          llvm::SmallVector<Expr> kept;
          for (auto [i, e] : llvm::enumerate(decayShape)) {
            unsigned full = lead + i;
            bool broadcast = e == Expr(1) && shape[full] != Expr(1);
            if (full == axis) {
              at.push_back(broadcast ? OpFoldResult(builder.getIndexAttr(0)) : OpFoldResult(t));
              sizesAt.push_back(builder.getIndexAttr(1));
              continue;
            }
            at.push_back(builder.getIndexAttr(0));
            auto extent = foldedSize(e, op);
            if (failed(extent)) {
              ok = false;
              return;
            }
            sizesAt.push_back(*extent);
            if (!broadcast) {
              exprs.push_back(builder.getAffineDimExpr(full < axis ? full : full - 1));
              kept.push_back(e);
            }
          }
          Value a = tensor::ExtractSliceOp::create(
              builder, l, tensorTypeOf(kept, f32), decay, at, sizesAt,
              llvm::SmallVector<OpFoldResult>(at.size(), builder.getIndexAttr(1)));
          ins.push_back({a, AffineMap::get(stateRank, 0, exprs, op.getContext())});
        }
        Value next = generic(
            ins, {carried[1], identity},
            llvm::SmallVector<utils::IteratorType>(stateRank, utils::IteratorType::parallel),
            [&](OpBuilder &bb, Location ll, ValueRange args) {
              Value previous = args.back();
              if (linear)
                previous = arith::MulFOp::create(bb, ll, args[1], previous);
              linalg::YieldOp::create(bb, ll,
                                      arith::AddFOp::create(bb, ll, previous, args[0]).getResult());
            });
        Value written = tensor::InsertSliceOp::create(builder, l, next, carried[0], offsets,
                                                      stepSizes, strides);
        scf::YieldOp::create(builder, l, ValueRange{written, next});
      });
  if (!ok)
    return failure();
  values.map(op.getResult(), loop.getResult(0));
  return success();
}

LogicalResult ModelLowering::lowerGather(nn::GatherOp op) {
  if (!llvm::isa<nn::TokensType>(op.getIndices().getType()))
    return op.emitError() << "cannot lower: the indices of a gather must be token ids "
                             "(!nn.tokens); these are "
                          << op.getIndices().getType();
  llvm::SmallVector<Expr> resultShape = nn::shapeExprsOf(op.getResult().getType());
  unsigned idRank = nn::shapeExprsOf(op.getIndices().getType()).size();
  unsigned rank = resultShape.size();
  auto init = emptyTensor(resultShape, builder.getF32Type(), op);
  if (failed(init))
    return failure();
  Value table = values.lookup(op.getTable());
  llvm::SmallVector<AffineExpr> idExprs;
  for (unsigned i = 0; i < idRank; ++i)
    idExprs.push_back(builder.getAffineDimExpr(i));
  Value result = generic(
      {{values.lookup(op.getIndices()), AffineMap::get(rank, 0, idExprs, op.getContext())}},
      {*init, builder.getMultiDimIdentityMap(rank)},
      llvm::SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location l, ValueRange args) {
        llvm::SmallVector<Value> at{
            arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]).getResult()};
        for (unsigned i = idRank; i < rank; ++i)
          at.push_back(linalg::IndexOp::create(b, l, i));
        linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, table, at).getResult());
      });
  values.map(op.getResult(), result);
  return success();
}

LogicalResult ModelLowering::lowerTranspose(nn::TransposeOp op) {
  llvm::SmallVector<int64_t> permutation;
  for (Attribute a : op.getPermutation())
    permutation.push_back(*constantSize(llvm::cast<nn::DimAttr>(a).getExpr()));
  auto init = emptyTensor(nn::shapeExprsOf(op.getResult().getType()),
                          elementTypeOf(op.getResult().getType()), op);
  if (failed(init))
    return failure();
  auto transpose =
      linalg::TransposeOp::create(builder, loc, values.lookup(op.getInput()), *init, permutation);
  tag(transpose);
  values.map(op.getResult(), transpose.getResult()[0]);
  return success();
}

LogicalResult ModelLowering::lowerReshape(nn::ReshapeOp op) {
  // A copy that reads each element at its row-major position: views of
  // several dynamic sizes per group (expand_shape) crash
  // expand-strided-metadata in LLVM 22 (llvm/llvm-project#186830), and
  // memref.reshape with a dynamic shape does not lower to LLVM.
  llvm::SmallVector<Expr> outShape = nn::shapeExprsOf(op.getResult().getType());
  llvm::SmallVector<Expr> inShape = nn::shapeExprsOf(op.getInput().getType());
  llvm::SmallVector<Value> outSizes, inSizes;
  for (auto [shape, sizes] : {std::pair(&outShape, &outSizes), std::pair(&inShape, &inSizes)})
    for (const Expr &e : *shape) {
      auto v = size(e, op);
      if (failed(v))
        return failure();
      sizes->push_back(*v);
    }
  Type element = elementTypeOf(op.getResult().getType());
  auto init = emptyTensor(outShape, element, op);
  if (failed(init))
    return failure();
  Value input = values.lookup(op.getInput());
  unsigned rank = outShape.size();
  Value result = generic(
      {}, {*init, builder.getMultiDimIdentityMap(rank)},
      llvm::SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location l, ValueRange) {
        Value linear = arith::ConstantIndexOp::create(b, l, 0);
        for (unsigned i = 0; i < rank; ++i) {
          Value scaled = arith::MulIOp::create(b, l, linear, outSizes[i]);
          Value position = linalg::IndexOp::create(b, l, i);
          linear = arith::AddIOp::create(b, l, scaled, position);
        }
        llvm::SmallVector<Value> at(inSizes.size());
        for (size_t i = inSizes.size(); i-- > 0;) {
          at[i] = arith::RemUIOp::create(b, l, linear, inSizes[i]);
          linear = arith::DivUIOp::create(b, l, linear, inSizes[i]);
        }
        linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, input, at).getResult());
      });
  values.map(op.getResult(), result);
  return success();
}

LogicalResult ModelLowering::lowerConcat(nn::ConcatOp op) {
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(op.getResult().getType());
  unsigned dim = *constantSize(op.getDim().getExpr());
  auto init = emptyTensor(shape, elementTypeOf(op.getResult().getType()), op);
  if (failed(init))
    return failure();
  Value result = *init;
  Expr offset;
  for (Value input : op.getInputs()) {
    llvm::SmallVector<Expr> inShape = nn::shapeExprsOf(input.getType());
    llvm::SmallVector<Expr> offsets(inShape.size(), Expr(0));
    offsets[dim] = offset;
    auto offsetValues = foldedSizes(offsets, op), sizes = foldedSizes(inShape, op);
    if (failed(offsetValues) || failed(sizes))
      return failure();
    result = tensor::InsertSliceOp::create(
        builder, loc, values.lookup(input), result, *offsetValues, *sizes,
        llvm::SmallVector<OpFoldResult>(inShape.size(), builder.getIndexAttr(1)));
    offset += inShape[dim];
  }
  values.map(op.getResult(), result);
  return success();
}

LogicalResult ModelLowering::lowerExtract(nn::ExtractOp op) {
  llvm::SmallVector<Expr> shape = nn::shapeExprsOf(op.getResult().getType());
  unsigned dim = *constantSize(op.getDim().getExpr());
  llvm::SmallVector<Expr> offsets(shape.size(), Expr(0));
  offsets[dim] = op.getOffset().getExpr();
  auto offsetValues = foldedSizes(offsets, op), sizes = foldedSizes(shape, op);
  if (failed(offsetValues) || failed(sizes))
    return failure();
  Value slice = tensor::ExtractSliceOp::create(
      builder, loc, values.lookup(op.getInput()), *offsetValues, *sizes,
      llvm::SmallVector<OpFoldResult>(shape.size(), builder.getIndexAttr(1)));
  values.map(op.getResult(), slice);
  return success();
}

LogicalResult ModelLowering::lowerParam(Operation *op) {
  auto &[arg, stack] = tensorArgs[op];
  Value value = arg;
  if (!stack.empty()) {
    // This iteration's copy: a rank-reducing slice at the repeats' indices.
    llvm::SmallVector<Expr> shape = nn::shapeExprsOf(op->getResult(0).getType());
    llvm::SmallVector<OpFoldResult> offsets, sizes;
    for (nn::RepeatOp repeat : stack) {
      offsets.push_back(repeatIvs.lookup(repeat));
      sizes.push_back(builder.getIndexAttr(1));
    }
    auto inner = foldedSizes(shape, op);
    if (failed(inner))
      return failure();
    offsets.append(shape.size(), builder.getIndexAttr(0));
    llvm::append_range(sizes, *inner);
    value = tensor::ExtractSliceOp::create(
        builder, loc, tensorTypeOf(op->getResult(0).getType()), arg, offsets, sizes,
        llvm::SmallVector<OpFoldResult>(offsets.size(), builder.getIndexAttr(1)));
  }
  values.map(op->getResult(0), value);
  return success();
}

LogicalResult ModelLowering::lowerRepeat(nn::RepeatOp op) {
  auto count = size(op.getCount().getExpr(), op);
  if (failed(count))
    return failure();
  llvm::SmallVector<Value> inits;
  for (Value v : op.getInits())
    inits.push_back(values.lookup(v));
  LogicalResult status = success();
  Value lower = index(0), stepOne = index(1);
  auto loop = scf::ForOp::create(
      builder, loc, lower, *count, stepOne, inits,
      [&](OpBuilder &b, Location l, Value iv, ValueRange carried) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
        repeatIvs[op] = iv;
        Block &body = op.getBodyBlock();
        for (auto [arg, value] : llvm::zip(body.getArguments(), carried))
          values.map(arg, value);
        status = lowerBlock(body);
        llvm::SmallVector<Value> next;
        if (succeeded(status))
          // Written back into the carried buffers: one-shot bufferization
          // needs each yielded value equivalent to its iter_arg ("Yield
          // operand #0 is not equivalent to the corresponding iter bbArg").
          for (auto [v, into] :
               llvm::zip(llvm::cast<nn::YieldOp>(body.getTerminator()).getValues(), carried))
            next.push_back(
                linalg::CopyOp::create(builder, l, values.lookup(v), into).getResult(0));
        else
          next.assign(carried.begin(), carried.end());
        scf::YieldOp::create(builder, l, next);
      });
  if (failed(status))
    return failure();
  for (auto [res, value] : llvm::zip(op.getResults(), loop.getResults()))
    values.map(res, value);
  return success();
}

LogicalResult ModelLowering::lowerRecur(nn::RecurOp op) {
  auto steps = size(op.getSteps(), op);
  if (failed(steps))
    return failure();
  Type f32 = builder.getF32Type();
  llvm::SmallVector<Value> carried;
  for (Value result : op.getResults()) {
    auto empty = emptyTensor(nn::shapeExprsOf(result.getType()), f32, op);
    if (failed(empty))
      return failure();
    carried.push_back(*empty);
  }
  for (Value init : op.getInits())
    carried.push_back(values.lookup(init));
  size_t numResults = op.getNumResults();
  LogicalResult status = success();
  // One step's slice of a sequence of `shape` at position `at`: offsets and
  // sizes with the position axis (second to last) of extent 1.
  auto stepSlice = [&](llvm::ArrayRef<Expr> shape, Value at,
                       llvm::SmallVector<OpFoldResult> &offsets,
                       llvm::SmallVector<OpFoldResult> &sizes) -> LogicalResult {
    auto all = foldedSizes(shape, op);
    if (failed(all))
      return failure();
    sizes = *all;
    offsets.assign(shape.size(), builder.getIndexAttr(0));
    offsets[shape.size() - 2] = at;
    sizes[shape.size() - 2] = builder.getIndexAttr(1);
    return success();
  };
  Value lower = index(0), stepOne = index(1);
  auto loop = scf::ForOp::create(
      builder, loc, lower, *steps, stepOne, carried,
      [&](OpBuilder &b, Location l, Value t, ValueRange iter) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
        llvm::SmallVector<Value> next(iter.begin(), iter.end());
        auto finish = [&] { scf::YieldOp::create(builder, l, next); };
        // `reverse` runs from the last position to the first.
        Value at = t;
        if (op.getReverse())
          at = arith::SubIOp::create(builder, l,
                                     arith::SubIOp::create(builder, l, *steps, index(1)), t);
        Block &body = op.getBodyBlock();
        for (auto [arg, input] : llvm::zip(body.getArguments(), op.getInputs())) {
          llvm::SmallVector<OpFoldResult> offsets, sizes;
          if (failed(stepSlice(nn::shapeExprsOf(input.getType()), at, offsets, sizes))) {
            status = failure();
            return finish();
          }
          values.map(arg, tensor::ExtractSliceOp::create(
                              builder, l, tensorTypeOf(arg.getType()), values.lookup(input),
                              offsets, sizes,
                              llvm::SmallVector<OpFoldResult>(offsets.size(),
                                                              builder.getIndexAttr(1))));
        }
        for (auto [i, arg] : llvm::enumerate(body.getArguments().drop_front(op.getInputs().size())))
          values.map(arg, iter[numResults + i]);
        if (failed(lowerBlock(body))) {
          status = failure();
          return finish();
        }
        auto yield = llvm::cast<nn::YieldOp>(body.getTerminator());
        for (auto [i, v] : llvm::enumerate(yield.getValues())) {
          Value state = values.lookup(v);
          // The sequence of state i gets this step's value at `at`.
          llvm::SmallVector<OpFoldResult> offsets, sizes;
          if (failed(stepSlice(nn::shapeExprsOf(op.getResult(i).getType()), at, offsets,
                               sizes))) {
            status = failure();
            return finish();
          }
          next[i] = tensor::InsertSliceOp::create(
              builder, l, state, iter[i], offsets, sizes,
              llvm::SmallVector<OpFoldResult>(offsets.size(), builder.getIndexAttr(1)));
          // Written back into the carried state (see lowerRepeat).
          next[numResults + i] =
              linalg::CopyOp::create(builder, l, state, iter[numResults + i]).getResult(0);
        }
        finish();
      });
  if (failed(status))
    return failure();
  for (auto [res, value] : llvm::zip(op.getResults(), loop.getResults()))
    values.map(res, value);
  return success();
}

LogicalResult ModelLowering::lowerBlock(Block &block) {
  for (Operation &op : block.without_terminator()) {
    if (auto it = layerSlots.find(&op); it != layerSlots.end())
      layer = it->second;
    builder.setInsertionPointToEnd(builder.getInsertionBlock());
    if (failed(lowerOp(&op)))
      return failure();
  }
  return success();
}

LogicalResult ModelLowering::lowerOp(Operation *op) {
  loc = op->getLoc();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<nn::ParamOp, nn::ConstantOp>([&](Operation *o) { return lowerParam(o); })
      .Case<nn::ContractOp>([&](auto o) { return lowerContract(o); })
      .Case<nn::MapOp>([&](auto o) { return lowerMap(o); })
      .Case<nn::ReduceOp>([&](auto o) { return lowerReduce(o); })
      .Case<nn::PrefixScanOp>([&](auto o) { return lowerScan(o); })
      .Case<nn::GatherOp>([&](auto o) { return lowerGather(o); })
      .Case<nn::TransposeOp>([&](auto o) { return lowerTranspose(o); })
      .Case<nn::ReshapeOp>([&](auto o) { return lowerReshape(o); })
      .Case<nn::ConcatOp>([&](auto o) { return lowerConcat(o); })
      .Case<nn::ExtractOp>([&](auto o) { return lowerExtract(o); })
      .Case<nn::RepeatOp>([&](auto o) { return lowerRepeat(o); })
      .Case<nn::RecurOp>([&](auto o) { return lowerRecur(o); })
      .Case<nn::BlockOp>([&](nn::BlockOp block) -> LogicalResult {
        Block &body = block.getBodyBlock();
        for (auto [arg, input] : llvm::zip(body.getArguments(), block.getInputs()))
          values.map(arg, values.lookup(input));
        for (Operation &inner : body.without_terminator()) {
          builder.setInsertionPointToEnd(builder.getInsertionBlock());
          if (failed(lowerOp(&inner)))
            return failure();
        }
        for (auto [res, v] :
             llvm::zip(block.getResults(), llvm::cast<nn::YieldOp>(body.getTerminator()).getValues()))
          values.map(res, values.lookup(v));
        return success();
      })
      .Case<nn::OpaqueOp>([&](nn::OpaqueOp o) {
        return o.emitError() << "cannot lower nn.opaque '" << o.getKind()
                             << "': costopt knows only its stated cost, not what it computes";
      })
      .Default([&](Operation *o) {
        std::string why = whyLayerStays(o);
        if (why.empty())
          why = "it was not decomposed (costopt --emit primitives shows what decomposes)";
        return o->emitError() << "cannot lower '" << o->getName()
                              << "' to linalg: only primitives lower, and this layer stays one: "
                              << why;
      });
}

FailureOr<func::FuncOp> ModelLowering::run() {
  MLIRContext *context = model.getContext();
  Block &body = model.getBodyBlock();
  loc = model.getLoc();
  // Arguments: symbols, counters, inputs, parameters, fixed tensors, outputs.
  llvm::SmallVector<Type> argTypes;
  llvm::SmallVector<DictionaryAttr> argAttrs;
  auto describe = [&](ArgumentRole role, llvm::StringRef name, llvm::ArrayRef<Expr> shape,
                      size_t stacked = 0) {
    llvm::SmallVector<NamedAttribute> a{
        builder.getNamedAttr(attrs::kRole,
                             builder.getStringAttr(llvm::StringRef(argumentRoleName(role)))),
        builder.getNamedAttr(attrs::kName, builder.getStringAttr(name))};
    if (!shape.empty() || role != ArgumentRole::Symbol) {
      llvm::SmallVector<Attribute> dims;
      for (const Expr &e : shape)
        dims.push_back(builder.getStringAttr(e.str()));
      a.push_back(builder.getNamedAttr(attrs::kShape, builder.getArrayAttr(dims)));
    }
    // Inputs and weights are read-only: a run must leave them as they were
    // (verify runs a kernel many times on the same buffers).
    if (role == ArgumentRole::Input || role == ArgumentRole::Param ||
        role == ArgumentRole::Constant)
      a.push_back(builder.getNamedAttr("bufferization.writable", builder.getBoolAttr(false)));
    // The leading dimensions that stack a parameter over repeats.
    if (stacked)
      a.push_back(builder.getNamedAttr(attrs::kStacked, builder.getI64IntegerAttr(stacked)));
    argAttrs.push_back(builder.getDictionaryAttr(a));
  };
  std::vector<std::string> symbols = model.getSymbolNames();
  for (const std::string &s : symbols) {
    argTypes.push_back(builder.getIndexType());
    describe(ArgumentRole::Symbol, s, {});
  }
  argTypes.push_back(MemRefType::get({ShapedType::kDynamic}, builder.getI64Type()));
  describe(ArgumentRole::Counters, "counters", {});
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    argTypes.push_back(tensorTypeOf(arg.getType()));
    describe(ArgumentRole::Input, "input" + std::to_string(i), nn::shapeExprsOf(arg.getType()));
  }
  llvm::SmallVector<Operation *> tensorOps;
  for (ArgumentRole role : {ArgumentRole::Param, ArgumentRole::Constant}) {
    bool param = role == ArgumentRole::Param;
    model.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (param ? !llvm::isa<nn::ParamOp>(op) : !llvm::isa<nn::ConstantOp>(op))
        return;
      llvm::SmallVector<nn::RepeatOp> stack;
      llvm::SmallVector<Expr> prefix;
      if (param)
        for (auto r = op->getParentOfType<nn::RepeatOp>(); r; r = r->getParentOfType<nn::RepeatOp>())
          if (!r.getSharedWeights()) {
            stack.insert(stack.begin(), r);
            prefix.insert(prefix.begin(), r.getCount().getExpr());
          }
      Type type = op->getResult(0).getType();
      argTypes.push_back(tensorTypeOf(type, prefix));
      llvm::SmallVector<Expr> shape(prefix);
      llvm::append_range(shape, nn::shapeExprsOf(type));
      std::string name = std::string(argumentRoleName(role)) + "@" +
                         nn::fileLineColOf(op->getLoc())
                                                   .value_or(std::to_string(tensorOps.size()));
      describe(role, name, shape, prefix.size());
      tensorArgs[op] = {Value(), stack};
      tensorOps.push_back(op);
    });
  }
  auto output = model.getOutputOp();
  for (auto [i, v] : llvm::enumerate(output.getValues())) {
    auto type = tensorTypeOf(v.getType());
    argTypes.push_back(MemRefType::get(type.getShape(), type.getElementType()));
    describe(ArgumentRole::Output, "output" + std::to_string(i), nn::shapeExprsOf(v.getType()));
  }

  builder.setInsertionPointAfter(model);
  func = func::FuncOp::create(builder, model.getLoc(), model.getSymName(),
                              builder.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(context));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  sizeAnchor = arith::ConstantIndexOp::create(builder, loc, 0);
  unsigned next = 0;
  for (const std::string &s : symbols)
    symbolArgs[s] = entry->getArgument(next++);
  ++next; // counters
  for (BlockArgument arg : body.getArguments())
    values.map(arg, entry->getArgument(next++));
  for (Operation *op : tensorOps)
    tensorArgs[op].first = entry->getArgument(next++);

  llvm::SmallVector<std::string> layerNames;
  forEachLayerOp(model, [&](Operation *op) {
    layerSlots[op] = static_cast<int64_t>(layerNames.size());
    layerNames.push_back(op->getName().getStringRef().str());
  });
  func->setAttr(attrs::kLayerCount, builder.getI64IntegerAttr(layerNames.size()));

  builder.setInsertionPointToEnd(entry);
  if (failed(lowerBlock(body)))
    return failure();
  builder.setInsertionPointToEnd(entry);
  for (Value v : output.getValues()) {
    auto write = bufferization::MaterializeInDestinationOp::create(
        builder, loc, values.lookup(v), entry->getArgument(next++));
    write.setRestrict(true);
    write.setWritable(true);
  }
  func::ReturnOp::create(builder, loc);
  return func;
}

struct ConvertNNToLinalgPass
    : public costopt::impl::ConvertNNToLinalgBase<ConvertNNToLinalgPass> {
  using ConvertNNToLinalgBase::ConvertNNToLinalgBase;
  void runOnOperation() override {
    llvm::SmallVector<nn::ModelOp> models;
    getOperation().walk([&](nn::ModelOp model) { models.push_back(model); });
    for (nn::ModelOp model : models) {
      ModelLowering lowering(model, bandBlockRows);
      auto func = lowering.run();
      if (failed(func)) {
        // Leave the module as it was: drop the half-built function.
        llvm::SmallVector<func::FuncOp> partial;
        for (Operation &op : *model->getBlock())
          if (auto f = llvm::dyn_cast<func::FuncOp>(op); f && f.getSymName() == model.getSymName())
            partial.push_back(f);
        for (func::FuncOp f : partial)
          f.erase();
        return signalPassFailure();
      }
      model.erase();
    }
  }
};

} // namespace
