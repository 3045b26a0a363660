//===- PrimitiveCost.cpp - Cost rules of the nn primitives ----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Costs of the primitive level, derived from shapes, index maps, masks and
// map bodies alone: nothing here knows which layer a primitive came from.
// A contraction costs 2 FLOPs per point of its (masked) domain, a map its
// body's arith/math ops per element, a reduction one per input element,
// data movement none. The reach of each operand along the sequence axis
// comes from the index maps (docs/CountingConventions.md, "Primitives").
//
//===----------------------------------------------------------------------===//

#include "costopt/Interfaces/CostModel.h"

#include "costopt/Dialect/NN/Domain.h"
#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace costopt;
using namespace costopt::nn;
using sym::Expr;
using mlir::Operation;
using mlir::Type;
using mlir::Value;

namespace {

/// A parameter, a block's view of one (an embedding table two blocks
/// share, passed to each as an input), a slice of one (the first n rows
/// of a learned position table) or a reshape of one (a grouped
/// convolution's kernel split by group): its readers read weights.
bool isWeight(Value value) {
  if (auto arg = llvm::dyn_cast<mlir::BlockArgument>(value))
    if (auto block = llvm::dyn_cast_or_null<BlockOp>(arg.getOwner()->getParentOp()))
      return isWeight(block.getInputs()[arg.getArgNumber()]);
  if (auto slice = value.getDefiningOp<ExtractOp>())
    return isWeight(slice.getInput());
  if (auto view = value.getDefiningOp<ReshapeOp>())
    return isWeight(view.getInput());
  return value.getDefiningOp<ParamOp>() != nullptr;
}

/// Activation elements an op reads: its operands, less the weights (which
/// count through the parameters).
Expr activationsRead(Operation *op) {
  Expr read;
  for (Value operand : op->getOperands())
    if (!isWeight(operand))
      read += elementCountOf(operand.getType());
  return read;
}

/// Weight elements an op reads: its parameter operands, whole.
std::optional<Expr> weightsRead(Operation *op) {
  Expr read;
  for (Value operand : op->getOperands())
    if (isWeight(operand))
      read += elementCountOf(operand.getType());
  return read;
}

/// The common part: output, reads and reach of an op that keeps each
/// operand's positions in place (element-wise ops, data movement along
/// other axes).
OpCost inPlaceCost(Operation *op) {
  OpCost cost;
  cost.outputElements = elementCountOf(op->getResult(0).getType());
  cost.readElements = activationsRead(op);
  cost.weightElementsRead = weightsRead(op);
  bool resultPositional = positionAxisOf(op->getResult(0).getType()).has_value();
  for (Value operand : op->getOperands()) {
    OperandReach reach;
    reach.positional = resultPositional && positionAxisOf(operand.getType()).has_value();
    cost.operandReach.push_back(reach);
  }
  return cost;
}

/// The op's own mixing for Table 1 and top-level use: the widest reach of
/// any operand (Full > Causal > Window > Pointwise).
void summariseReach(OpCost &cost) {
  auto rank = [](Mixing m) {
    switch (m) {
    case Mixing::Recurrent:
      return 5;
    case Mixing::Scan:
      return 4;
    case Mixing::Full:
      return 3;
    case Mixing::Causal:
      return 2;
    case Mixing::Window:
      return 1;
    default:
      return 0;
    }
  };
  for (const OperandReach &reach : cost.operandReach) {
    if (!reach.positional || rank(reach.mixing) < rank(cost.mixing))
      continue;
    if (reach.mixing == Mixing::Window && cost.mixing == Mixing::Window) {
      cost.reachBack = Expr::max(cost.reachBack, reach.reachBack);
      cost.reachAhead = Expr::max(cost.reachAhead, reach.reachAhead);
      continue;
    }
    cost.mixing = reach.mixing;
    cost.reachBack = reach.reachBack;
    cost.reachAhead = reach.reachAhead;
  }
}

template <typename ConcreteModel, typename OpTy>
struct CostModel : public CostModelOpInterface::ExternalModel<ConcreteModel, OpTy> {
  OpCost getCost(Operation *op, const CostOptions &options) const {
    OpCost cost = ConcreteModel::compute(llvm::cast<OpTy>(op), options);
    summariseReach(cost);
    if (cost.mixing != Mixing::Pointwise) {
      cost.tableRow = op->getName().getStringRef().str();
      // The work that moves information between positions is what Table 1
      // counts: all of a mixing primitive's FLOPs unless it said otherwise.
      if (cost.core.isZero())
        for (const FlopTerm &term : cost.terms)
          cost.core += term.flops;
    }
    return cost;
  }
};

struct ParamCost : CostModel<ParamCost, ParamOp> {
  static OpCost compute(ParamOp op, const CostOptions &) {
    OpCost cost;
    cost.terms.push_back({"parameter (no arithmetic)", Expr(), false});
    cost.params = elementCountOf(op.getType());
    auto shape = shapeExprsOf(op.getType());
    cost.weights.push_back({"parameter", {shape.begin(), shape.end()}});
    // Its readers count the reads (a lookup reads only its rows).
    cost.weightElementsRead = Expr();
    return cost;
  }
};

/// `reach` as the window that the terms of `form` other than dimension
/// `position` span over `extents`: the operand read at p + [low, high], or
/// (`mirrored`, a scatter) the result written there, which is the operand
/// read at p − [low, high].
OperandReach windowReach(OperandReach reach, const LinearForm &form, unsigned position,
                         llvm::ArrayRef<Expr> symbols, llvm::ArrayRef<Expr> extents,
                         bool mirrored) {
  Expr low = offsetOf(form, symbols), high = low;
  for (auto [d, c] : llvm::enumerate(form.dims)) {
    if (!c || d == position)
      continue;
    Expr span = Expr(c) * (extents[d] - Expr(1));
    (c > 0 ? high : low) += span;
    reach.dilated |= std::abs(c) > 1 && extents[d] != Expr(1);
  }
  if (low.isZero() && high.isZero())
    return reach; // pointwise
  if (mirrored) { // −[low, high] = [−high, −low]
    Expr readLow = Expr(0) - high;
    high = Expr(0) - low;
    low = readLow;
  }
  reach.mixing = Mixing::Window;
  reach.reachBack = Expr::max(Expr(), Expr(0) - low);
  reach.reachAhead = Expr::max(Expr(), high);
  return reach;
}

/// The reach of a contraction operand whose position index is `index`,
/// for the result position dimension `resultDim` over `extents`.
OperandReach contractionReach(mlir::AffineExpr index, std::optional<unsigned> resultDim,
                              ContractOp op, llvm::ArrayRef<Expr> extents) {
  OperandReach reach;
  reach.positional = true;
  llvm::SmallVector<Expr> symbols = op.getSymbolExprs();
  auto maps = op.getIndexingMaps().getAsValueRange<mlir::AffineMapAttr>();
  mlir::AffineMap first = *maps.begin();
  LinearForm form = *flattenAffine(index, first.getNumDims(), first.getNumSymbols());
  if (!resultDim || form.dims[*resultDim] < 1) {
    // The operand's positions run along a dimension the result's position
    // does not follow: a band mask relates them, or every position meets
    // every other.
    std::string why;
    std::optional<Band> band;
    if (auto mask = op.getMaskAttr())
      band = parseBand(mask.getValue(), symbols, why);
    llvm::SmallVector<unsigned> used;
    for (auto [d, c] : llvm::enumerate(form.dims))
      if (c)
        used.push_back(d);
    if (resultDim && band && used.size() == 1 && form.dims[used[0]] == 1 &&
        ((band->first == *resultDim && band->second == used[0]) ||
         (band->second == *resultDim && band->first == used[0]))) {
      // Operand position k against result position p.
      std::optional<Expr> ahead = band->first == *resultDim ? band->above : band->below;
      std::optional<Expr> behind = band->first == *resultDim ? band->below : band->above;
      if (!behind && ahead && ahead->isZero()) {
        reach.mixing = Mixing::Causal;
      } else if (behind && ahead) {
        reach.mixing = Mixing::Window;
        reach.reachBack = *behind;
        reach.reachAhead = *ahead;
      } else {
        reach.mixing = Mixing::Full;
      }
      return reach;
    }
    reach.mixing = Mixing::Full;
    return reach;
  }
  // index = s·p + Σ c_j·d_j + offset: a window of the other terms' range
  // around s·p (s > 1: a strided convolution).
  reach.stride = Expr(form.dims[*resultDim]);
  return windowReach(reach, form, *resultDim, symbols, extents, /*mirrored=*/false);
}

/// The reach of the operand whose position is dimension `operandDim`, added
/// into result position `index` = operandDim + Σ c_j·d_j + offset (a
/// transposed convolution along the positions): result position o sums the
/// operand positions o − (the other terms), a window mirrored from a
/// convolution's.
OperandReach scatterReach(mlir::AffineExpr index, unsigned operandDim, ContractOp op,
                          llvm::ArrayRef<Expr> extents) {
  OperandReach reach;
  reach.positional = true;
  mlir::AffineMap first = *op.getIndexingMaps().getAsValueRange<mlir::AffineMapAttr>().begin();
  LinearForm form = *flattenAffine(index, first.getNumDims(), first.getNumSymbols());
  return windowReach(reach, form, operandDim, op.getSymbolExprs(), extents, /*mirrored=*/true);
}

struct ConstantCost : CostModel<ConstantCost, ConstantOp> {
  static OpCost compute(ConstantOp op, const CostOptions &) {
    OpCost cost;
    cost.terms.push_back({"fixed tensor (no arithmetic)", Expr(), false});
    return cost;
  }
};

struct ContractCost : CostModel<ContractCost, ContractOp> {
  static OpCost compute(ContractOp op, const CostOptions &) {
    OpCost cost;
    llvm::SmallVector<Expr> extents = op.getDomainExtents();
    std::optional<Band> band;
    std::string why;
    if (auto mask = op.getMaskAttr())
      band = parseBand(mask.getValue(), op.getSymbolExprs(), why);
    Expr points = domainPoints(extents, band);
    std::optional<Expr> dense;
    if (band)
      dense = Expr(2) * domainPoints(extents, std::nullopt);
    auto maps = op.getIndexingMaps().getAsValueRange<mlir::AffineMapAttr>();
    llvm::SmallVector<mlir::AffineMap> mapList(maps.begin(), maps.end());

    // Position dimension of the result, if it has one and names it bare
    // (a scattering one follows an operand's position: verified).
    std::optional<unsigned> resultDim;
    std::optional<mlir::AffineExpr> scatteredPosition;
    if (auto axis = positionAxisOf(op.getResult().getType())) {
      mlir::AffineExpr index = mapList[2].getResult(*axis);
      if (auto dim = llvm::dyn_cast<mlir::AffineDimExpr>(index))
        resultDim = dim.getPosition();
      else
        scatteredPosition = index;
    }
    bool mixes = false;
    Value operands[] = {op.getLhs(), op.getRhs()};
    for (unsigned i = 0; i < 2; ++i) {
      auto axis = positionAxisOf(operands[i].getType());
      if (!axis) {
        cost.operandReach.push_back(OperandReach{});
        continue;
      }
      OperandReach reach =
          scatteredPosition
              ? scatterReach(*scatteredPosition,
                             llvm::cast<mlir::AffineDimExpr>(mapList[i].getResult(*axis))
                                 .getPosition(),
                             op, extents)
              : contractionReach(mapList[i].getResult(*axis), resultDim, op, extents);
      mixes |= reach.mixing != Mixing::Pointwise;
      cost.operandReach.push_back(reach);
    }
    // A multiply and an add per point; only the multiply where nothing is
    // summed (every dimension is the result's).
    // (A scattering index sums over its dimensions: they are not bare.)
    bool sums = llvm::count_if(mapList[2].getResults(), [](mlir::AffineExpr e) {
                  return llvm::isa<mlir::AffineDimExpr>(e);
                }) < mapList[2].getNumDims();
    Expr perPoint(sums ? 2 : 1);
    if (dense)
      *dense = perPoint * domainPoints(extents, std::nullopt);
    // A matmul sums, and reuses each operand along a dimension it lacks;
    // an operand with every dimension (a weighted sum such as a mixture's
    // combine, y = Σ_s g_s·o_s) is read once per point, as element-wise
    // work is, and a product (nothing summed) multiplies only: neither is
    // a matmul, so neither has multiply-accumulates to count.
    auto coversDomain = [&](mlir::AffineMap map) {
      llvm::SmallBitVector seen(map.getNumDims());
      for (mlir::AffineExpr e : map.getResults())
        if (auto dim = llvm::dyn_cast<mlir::AffineDimExpr>(e))
          seen.set(dim.getPosition());
      return seen.all();
    };
    bool lhsCovers = coversDomain(mapList[0]), rhsCovers = coversDomain(mapList[1]);
    bool matmul = sums && !lhsCovers && !rhsCovers;
    cost.terms.push_back({sums ? "contraction (2 per point)" : "product (1 per point)",
                          perPoint * points, matmul, dense});
    // Backward, each operand's gradient is the result's gradient times the
    // other operand, summed over the dimensions the operand lacks: 2 per
    // point (1 where it has every dimension). A matmul's 2 + 2 is the
    // matmul rule's 2 × forward; the rest gets the mode rule's 1 × forward
    // and what the gradients need beyond it (not matmul FLOPs: an outer
    // product's 2 + 2 against its forward 1, a weighted sum's 2 + 1
    // against its 2).
    int64_t perPointBackward = (lhsCovers ? 1 : 2) + (rhsCovers ? 1 : 2);
    Expr byModeRule = matmul ? Expr(2) * perPoint : perPoint;
    Expr beyond = Expr(perPointBackward) - byModeRule;
    if (!beyond.isZero())
      cost.backwardTerms.push_back({"gradients: sums over the other operand's dimensions "
                                    "(backward only)",
                                    beyond * points, false});
    if (Value bias = op.getBias()) {
      cost.terms.push_back({"bias", elementCountOf(op.getResult().getType()), false});
      cost.operandReach.push_back(OperandReach{});
    }
    // The contractions that carry information between positions are the
    // work Table 1 counts.
    if (mixes)
      cost.core = perPoint * points;
    cost.outputElements = elementCountOf(op.getResult().getType());
    cost.readElements = activationsRead(op);
    cost.weightElementsRead = weightsRead(op);
    // Decoding state: a sum over the positions into a result without a
    // position axis (linear attention's φ(K)ᵀV) is kept as that running
    // sum, updated by each new position's term. Otherwise an operand whose
    // positions other result positions read (attention's keys and values)
    // must be kept for later steps, all of it, or the last reachBack + 1
    // positions of a window.
    if (!resultDim && !scatteredPosition && mixes) {
      cost.kvCacheElements = cost.outputElements;
      return cost;
    }
    for (auto [i, reach] : llvm::enumerate(cost.operandReach)) {
      if (!reach.positional || reach.mixing == Mixing::Pointwise || i > 1)
        continue;
      Type type = operands[i].getType();
      Expr length = shapeExprsOf(type)[*positionAxisOf(type)];
      Expr kept = length;
      if (reach.mixing == Mixing::Window)
        kept = Expr::min(reach.reachBack + reach.reachAhead + Expr(1), length);
      cost.kvCacheElements += cantFail(elementCountOf(type).divide(length)) * kept;
    }
    return cost;
  }
};

struct MapCost : CostModel<MapCost, MapOp> {
  static OpCost compute(MapOp op, const CostOptions &) {
    OpCost cost = inPlaceCost(op);
    int64_t perElement = op.getFlopsPerElement();
    llvm::SmallVector<Expr> shape = shapeExprsOf(op.getResult().getType());
    std::optional<Band> band = maskBandOf(op, shape);
    std::optional<Expr> dense;
    if (band)
      dense = Expr(perElement) * cost.outputElements;
    cost.terms.push_back({"element-wise body (" + std::to_string(perElement) +
                              " per element)",
                          Expr(perElement) * domainPoints(shape, band), false, dense});
    return cost;
  }
};

struct ReduceCost : CostModel<ReduceCost, ReduceOp> {
  static OpCost compute(ReduceOp op, const CostOptions &) {
    OpCost cost = inPlaceCost(op);
    llvm::SmallVector<Expr> shape = shapeExprsOf(op.getInput().getType());
    std::optional<Band> band = maskBandOf(op, shape);
    std::optional<Expr> dense;
    if (band)
      dense = elementCountOf(op.getInput().getType());
    cost.terms.push_back({("reduce " + op.getKind() + " (1 per input element)").str(),
                          domainPoints(shape, band), false, dense});
    // Reducing the position axis gathers every position into one.
    if (auto axis = positionAxisOf(op.getInput().getType());
        axis && llvm::any_of(op.getDims(), [&](mlir::Attribute a) {
          return llvm::cast<DimAttr>(a).getExpr() == Expr(static_cast<int64_t>(*axis));
        })) {
      cost.operandReach[0].positional = true;
      cost.operandReach[0].mixing = Mixing::Full;
      // Decoding keeps the running sum or maximum, which each new position
      // updates.
      cost.kvCacheElements = elementCountOf(op.getResult().getType());
    }
    return cost;
  }
};

/// Data movement: no arithmetic; the result is written.
template <typename OpTy>
struct MoveCost : CostModel<MoveCost<OpTy>, OpTy> {
  static OpCost compute(OpTy op, const CostOptions &) {
    OpCost cost = inPlaceCost(op);
    cost.terms.push_back({"data movement (no arithmetic)", Expr(), false});
    return cost;
  }
};

struct TransposeCost : CostModel<TransposeCost, TransposeOp> {
  static OpCost compute(TransposeOp op, const CostOptions &options) {
    OpCost cost = MoveCost<TransposeOp>::compute(op, options);
    // Moving the position axis elsewhere: every result position may hold
    // any input position.
    auto in = positionAxisOf(op.getInput().getType());
    auto out = positionAxisOf(op.getResult().getType());
    if (in && out &&
        llvm::cast<DimAttr>(op.getPermutation()[*out]).getExpr() != Expr(int64_t(*in)))
      cost.operandReach[0].mixing = Mixing::Full;
    return cost;
  }
};

struct ConcatCost : CostModel<ConcatCost, ConcatOp> {
  static OpCost compute(ConcatOp op, const CostOptions &options) {
    OpCost cost = MoveCost<ConcatOp>::compute(op, options);
    auto axis = positionAxisOf(op.getResult().getType());
    // Joining sequences along the positions renumbers them. One sequence
    // after (or before) entries without positions (keys after their cache)
    // keeps its order, each position copied to one: no mixing.
    unsigned sequences = llvm::count_if(
        cost.operandReach, [](const OperandReach &reach) { return reach.positional; });
    if (axis && op.getDim().getExpr() == Expr(int64_t(*axis)) && sequences > 1)
      for (OperandReach &reach : cost.operandReach)
        if (reach.positional)
          reach.mixing = Mixing::Full; // positions are renumbered
    return cost;
  }
};

struct ExtractCost : CostModel<ExtractCost, ExtractOp> {
  static OpCost compute(ExtractOp op, const CostOptions &options) {
    OpCost cost = MoveCost<ExtractOp>::compute(op, options);
    // A slice of a weight is a view its readers read as weights: it moves
    // and stores nothing itself.
    if (isWeight(op.getInput())) {
      cost.outputElements = Expr();
      cost.readElements = Expr();
      cost.weightElementsRead = Expr();
      return cost;
    }
    // A copy of the entries it keeps: it reads as many as it writes, not
    // its whole operand.
    cost.readElements = cost.outputElements;
    auto axis = positionAxisOf(op.getResult().getType());
    if (axis && op.getDim().getExpr() == Expr(int64_t(*axis)) &&
        !op.getOffset().getExpr().isZero() && cost.operandReach[0].positional) {
      // Result position t is input position t + offset.
      cost.operandReach[0].mixing = Mixing::Window;
      cost.operandReach[0].reachAhead = op.getOffset().getExpr();
    }
    return cost;
  }
};

/// Whether `wide`'s position axis is `narrow`'s position axis merged with
/// the k >= 0 dimensions just before it, with equal products before the
/// merged run and equal element counts after the axis.
bool positionsKeepTheirPlace(llvm::ArrayRef<Expr> wide, unsigned wideAxis,
                             llvm::ArrayRef<Expr> narrow, unsigned narrowAxis) {
  Expr wideAfter(1), narrowAfter(1), wideBefore(1);
  for (unsigned i = wideAxis + 1; i < wide.size(); ++i)
    wideAfter *= wide[i];
  for (unsigned i = narrowAxis + 1; i < narrow.size(); ++i)
    narrowAfter *= narrow[i];
  if (wideAfter != narrowAfter)
    return false;
  for (unsigned i = 0; i < wideAxis; ++i)
    wideBefore *= wide[i];
  // Merge narrow[k..narrowAxis] for k = narrowAxis down to 0.
  Expr merged(1);
  for (unsigned k = narrowAxis + 1; k-- > 0;) {
    merged *= narrow[k];
    Expr before(1);
    for (unsigned i = 0; i < k; ++i)
      before *= narrow[i];
    if (merged == wide[wideAxis] && before == wideBefore)
      return true;
  }
  return false;
}

struct ReshapeCost : CostModel<ReshapeCost, ReshapeOp> {
  static OpCost compute(ReshapeOp op, const CostOptions &options) {
    OpCost cost = MoveCost<ReshapeOp>::compute(op, options);
    // A view of a weight: its readers read the weight.
    if (isWeight(op.getInput())) {
      cost.outputElements = Expr();
      cost.readElements = Expr();
      cost.weightElementsRead = Expr();
      return cost;
    }
    // The positions stay in place when what follows the position axis
    // keeps its element count and the axis keeps its extent, or merges
    // with (or splits off) the dimensions just before it: [b, n, d] to
    // [b*n, d] and back, as exported graphs flatten for a matrix product.
    // Otherwise positions are regrouped.
    llvm::SmallVector<Expr> in = shapeExprsOf(op.getInput().getType());
    llvm::SmallVector<Expr> out = shapeExprsOf(op.getResult().getType());
    auto inAxis = positionAxisOf(op.getInput().getType());
    auto outAxis = positionAxisOf(op.getResult().getType());
    if (inAxis && outAxis &&
        !positionsKeepTheirPlace(in, *inAxis, out, *outAxis) &&
        !positionsKeepTheirPlace(out, *outAxis, in, *inAxis))
      cost.operandReach[0].mixing = Mixing::Full;
    return cost;
  }
};

struct ScanCost : CostModel<ScanCost, PrefixScanOp> {
  static OpCost compute(PrefixScanOp op, const CostOptions &) {
    OpCost cost = inPlaceCost(op);
    bool linear = op.getKind() == "linear";
    Type type = op.getInput().getType();
    if (op.getParallel()) {
      // Every position at each of the ⌈log2 n⌉ levels (nn.scan's
      // description): 3 per element for (a·a', a·x' + x), 1 for a sum.
      Expr levels = scanLevels(shapeExprsOf(type)[*positionAxisOf(type)]);
      cost.terms.push_back({linear ? "parallel linear scan (3 per element per level)"
                                   : "parallel prefix sum (1 per element per level)",
                            Expr(linear ? 3 : 1) * levels * cost.outputElements, false});
      // The decays are combined across positions as the values are.
      for (OperandReach &reach : cost.operandReach)
        reach.mixing = Mixing::Scan;
      // While a level runs: the previous level's values shifted by the
      // stride; a linear scan also holds the composed decays and their
      // shifted copy.
      cost.workspaceElements = Expr(linear ? 3 : 1) * cost.outputElements;
    } else {
      cost.terms.push_back({linear ? "linear recurrence (multiply, add per element)"
                                   : "prefix sum (1 per element)",
                            Expr(linear ? 2 : 1) * cost.outputElements, false});
      // The decay enters each step where it stands.
      cost.operandReach[0].mixing = Mixing::Recurrent;
    }
    // Decoding keeps the last step's state.
    cost.kvCacheElements =
        cantFail(elementCountOf(type).divide(shapeExprsOf(type)[*positionAxisOf(type)]));
    return cost;
  }
};

struct RecurCost : CostModel<RecurCost, RecurOp> {
  static OpCost compute(RecurOp op, const CostOptions &options) {
    OpCost cost;
    Expr steps = op.getSteps();
    // The body's costs, once per step; its rules keep their names.
    Expr stored, weights;
    auto add = [&](llvm::SmallVectorImpl<FlopTerm> &into, const FlopTerm &term) {
      FlopTerm scaled{term.rule, steps * term.flops, term.matmul, std::nullopt};
      if (term.dense)
        scaled.dense = steps * *term.dense;
      auto same = llvm::find_if(into, [&](const FlopTerm &t) {
        return t.rule == scaled.rule && t.matmul == scaled.matmul;
      });
      if (same == into.end()) {
        into.push_back(scaled);
        return;
      }
      if (same->dense || scaled.dense)
        same->dense = same->denseOr() + scaled.denseOr();
      same->flops += scaled.flops;
    };
    for (Operation &inner : op.getBodyBlock().without_terminator()) {
      auto priced = llvm::dyn_cast<CostModelOpInterface>(inner);
      if (!priced)
        continue;
      OpCost c = priced.getCost(options);
      for (const FlopTerm &term : c.terms)
        add(cost.terms, term);
      for (const FlopTerm &term : c.backwardTerms)
        add(cost.backwardTerms, term);
      stored += c.outputElements + c.savedElements;
      if (c.weightElementsRead)
        weights += *c.weightElementsRead;
    }
    // The weights the steps share are read once (they stay in cache), as
    // the recurrent layers' rule counts them.
    cost.weightElementsRead = weights;
    // Every step is part of the recurrence: Table 1's recurrent row counts
    // all of it.
    for (const FlopTerm &term : cost.terms)
      cost.core += term.flops;
    cost.tableRow = "recurrent";
    for (Value result : op.getResults())
      cost.outputElements += elementCountOf(result.getType());
    // Backpropagation through time keeps every step's intermediates.
    cost.savedElements = steps * stored - cost.outputElements;
    for (Value operand : op.getOperands()) {
      cost.readElements += elementCountOf(operand.getType());
      OperandReach reach;
      if (llvm::isa<SeqType>(operand.getType())) {
        reach.positional = true;
        reach.mixing = Mixing::Recurrent;
        reach.reversed = op.getReverse();
      }
      cost.operandReach.push_back(reach);
    }
    cost.mixing = Mixing::Recurrent;
    // Decoding keeps the last states.
    for (Value init : op.getInits())
      cost.kvCacheElements += elementCountOf(init.getType());
    return cost;
  }
};

struct GatherCost : CostModel<GatherCost, GatherOp> {
  static OpCost compute(GatherOp op, const CostOptions &) {
    OpCost cost = inPlaceCost(op);
    Expr out = cost.outputElements;
    cost.terms.push_back({"row lookup (no arithmetic)", Expr(), false});
    cost.backwardTerms.push_back(
        {"gradient scatter-add into the table (backward only)", out, false});
    // One row per index, however large the table; the ids are read.
    cost.readElements = elementCountOf(op.getIndices().getType());
    if (isWeight(op.getTable()))
      cost.weightElementsRead = out;
    else
      cost.readElements += out;
    return cost;
  }
};

struct OpaqueCost : CostModel<OpaqueCost, OpaqueOp> {
  static OpCost compute(OpaqueOp op, const CostOptions &) {
    OpCost cost;
    // The stated FLOPs, an element-wise term: the backward pass is taken to
    // cost them once more (docs/CountingConventions.md).
    cost.terms.push_back(
        {"opaque " + op.getKind().str() + " (stated FLOPs)", op.getFlops().getExpr(), false});
    bool resultPositional = false;
    for (Value result : op.getResults()) {
      cost.outputElements += elementCountOf(result.getType());
      resultPositional |= positionAxisOf(result.getType()).has_value();
    }
    cost.readElements = activationsRead(op);
    cost.weightElementsRead = weightsRead(op);
    // Nothing is known of how positions combine inside: every result
    // position may read every operand position.
    for (Value operand : op.getInputs()) {
      OperandReach reach;
      reach.positional = resultPositional && positionAxisOf(operand.getType()).has_value();
      if (reach.positional)
        reach.mixing = Mixing::Full;
      cost.operandReach.push_back(reach);
    }
    return cost;
  }
};

} // namespace

Expr costopt::scanLevels(const Expr &n) {
  return Expr::ceilDiv(Expr::log(Expr(2), n), Expr(1));
}

std::optional<unsigned> costopt::positionAxisOf(Type type) {
  if (auto seq = llvm::dyn_cast<SeqType>(type))
    return seq.getPositionAxis();
  if (auto tokens = llvm::dyn_cast<TokensType>(type))
    return tokens.getRank() - 1;
  return std::nullopt;
}

void costopt::registerPrimitiveCostModels(mlir::DialectRegistry &registry) {
  registry.addExtension(+[](mlir::MLIRContext *context, nn::NNDialect *) {
    ParamOp::attachInterface<ParamCost>(*context);
    ConstantOp::attachInterface<ConstantCost>(*context);
    ContractOp::attachInterface<ContractCost>(*context);
    MapOp::attachInterface<MapCost>(*context);
    ReduceOp::attachInterface<ReduceCost>(*context);
    TransposeOp::attachInterface<TransposeCost>(*context);
    ReshapeOp::attachInterface<ReshapeCost>(*context);
    ConcatOp::attachInterface<ConcatCost>(*context);
    ExtractOp::attachInterface<ExtractCost>(*context);
    GatherOp::attachInterface<GatherCost>(*context);
    OpaqueOp::attachInterface<OpaqueCost>(*context);
    PrefixScanOp::attachInterface<ScanCost>(*context);
    RecurOp::attachInterface<RecurCost>(*context);
  });
}
