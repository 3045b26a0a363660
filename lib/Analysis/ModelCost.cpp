//===- ModelCost.cpp - Whole-model cost analysis --------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Totals are sums of per-op costs times the product of enclosing repeat
// counts. Depth is composed position by position: every value carries the
// depth of each of its positions t as max_i(slope_i·t + offset_i), which is
// closed under the transfer functions of all mixers (a recurrence turns any
// input into t + c, a causal mixer keeps a non-decreasing profile, a full
// mixer flattens it), so L stacked recurrent layers give n + L - 1, not n·L.
// A repeat is composed symbolically: three iterations establish the
// per-iteration increment, which is then multiplied by the count.
//
//===----------------------------------------------------------------------===//

#include "costopt/Analysis/ModelCost.h"

#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>
#include <functional>
#include <map>
#include <unordered_map>

using namespace costopt;
using namespace costopt::nn;
using sym::Expr;
using mlir::Operation;
using mlir::Type;
using mlir::Value;

namespace {

std::string formatLocation(mlir::Location loc) {
  if (auto fileLineCol = fileLineColOf(loc))
    return *fileLineCol;
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

Expr lengthOfValue(Value value) {
  if (auto seq = llvm::dyn_cast<SeqType>(value.getType()))
    return sequenceLengthOf(seq);
  if (auto tokens = llvm::dyn_cast<TokensType>(value.getType()))
    return tokens.getDimExpr(-1);
  return Expr(1);
}

/// Elements of a model input under the mode (decode: one position).
Expr inputElements(Value value, const CostOptions &options) {
  llvm::SmallVector<Expr> shape = shapeExprsOf(value.getType());
  // Decoding feeds one position; an input without a position axis (an
  // image, a table) is whole.
  std::optional<unsigned> lengthIndex = positionAxisOf(value.getType());
  bool isTokens = llvm::isa<TokensType>(value.getType());
  Expr elements(1);
  for (size_t i = 0; i < shape.size(); ++i)
    if (!(options.mode == CostMode::Decode && lengthIndex && i == *lengthIndex &&
          (isTokens ? shape.size() >= 2 : true)))
      elements *= shape[i];
  return elements;
}

//===----------------------------------------------------------------------===//
// Depth profiles
//===----------------------------------------------------------------------===//

/// slope -> offset; at most the slopes -1, 0, 1.
using Profile = std::map<int64_t, Expr>;

void addPiece(Profile &profile, int64_t slope, const Expr &offset) {
  auto it = profile.find(slope);
  if (it == profile.end())
    profile.emplace(slope, offset);
  else
    it->second = Expr::max(it->second, offset);
}

Profile merge(const Profile &a, const Profile &b) {
  Profile result = a;
  for (const auto &[slope, offset] : b)
    addPiece(result, slope, offset);
  return result;
}

Profile shifted(const Profile &profile, const Expr &by) {
  Profile result;
  for (const auto &[slope, offset] : profile)
    result.emplace(slope, offset + by);
  return result;
}

/// The largest depth over positions first..last.
Expr maxOverRange(const Profile &profile, const Expr &first, const Expr &last) {
  std::optional<Expr> best;
  for (const auto &[slope, offset] : profile) {
    Expr value = slope > 0   ? Expr(slope) * last + offset
                 : slope < 0 ? Expr(slope) * first + offset
                             : offset;
    best = best ? Expr::max(*best, value) : value;
  }
  return best ? *best : Expr();
}

/// The largest depth over positions 0..n-1.
Expr maxOver(const Profile &profile, const Expr &n) {
  return maxOverRange(profile, Expr(), n - Expr(1));
}

/// a <= b at every value of the symbols, provably: by the sign of b - a,
/// or because b is max(x, ...) + rest and one x + rest is at least a.
bool provablyAtMost(const Expr &a, const Expr &b) {
  sym::Sign sign = sym::decideSign(b - a, sym::Assumptions{});
  if (sym::isNonNegative(sign))
    return true;
  for (const sym::Term &term : b.getTerms()) {
    if (term.coefficient != sym::Rational(1, 1) || term.factors.size() != 1 ||
        term.factors[0].exponent != 1 || term.factors[0].atom->kind != sym::AtomKind::Max)
      continue;
    Expr rest = b - Expr::fromTerms({term});
    return llvm::any_of(term.factors[0].atom->args,
                        [&](const Expr &arg) { return provablyAtMost(a, arg + rest); });
  }
  return false;
}

/// Drops the rising and falling pieces that never exceed the flat one over
/// positions 0..n-1, so that every value's profile is kept in one form
/// whichever ops computed it: an op that reads a sequence both pointwise and
/// whole (attention's primitives, through Q and through K and V) leaves
/// such pieces, the layer rule does not. Values are unchanged; a later
/// window with lookahead stays exact where only such pieces would have made
/// it a bound, and a repeat's iterations keep one shape.
void pruneDominated(Profile &profile, const Expr &n) {
  auto flat = profile.find(0);
  if (flat == profile.end())
    return;
  Expr level = flat->second;
  for (auto it = profile.begin(); it != profile.end();) {
    Expr highest = it->first > 0 ? it->second + Expr(it->first) * (n - Expr(1)) : it->second;
    if (it->first != 0 && provablyAtMost(highest, level))
      it = profile.erase(it);
    else
      ++it;
  }
}

/// Whether `e` has more than `limit` terms, counting those of every
/// function argument (max, min, floor ...) again where it is used: a bound
/// on the work of printing and comparing it. Stops counting at the limit.
bool largerThan(const Expr &e, size_t limit) {
  size_t count = 0;
  std::function<bool(const Expr &)> over = [&](const Expr &x) {
    for (const sym::Term &term : x.getTerms()) {
      if (++count > limit)
        return true;
      for (const sym::Factor &factor : term.factors)
        for (const Expr &arg : factor.atom->args)
          if (over(arg))
            return true;
    }
    return false;
  };
  return over(e);
}

/// Everything the analysis tracks per SSA value.
struct ValueState {
  Profile depth;
  PathSummary path;
};

bool sameShape(const Profile &a, const Profile &b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (x.first != y.first)
      return false;
  return true;
}

class ModelAnalysis {
public:
  ModelAnalysis(ModelOp model, const CostOptions &options) : model(model) {
    result.options = options;
    result.symbolOrder = model.getSymbolNames();
  }

  mlir::FailureOr<ModelCost> run() {
    mlir::Block &body = model.getBodyBlock();
    if (options().mode == CostMode::Decode && failed(findDecodeStep(body)))
      return mlir::failure();
    // Which primitives of a block are attention's score matrices is not
    // known to the analysis: never the "none" figures under another name.
    if (options().recompute == Recompute::Selective && runsBackward(options().mode)) {
      mlir::WalkResult walk = body.walk([](BlockOp block) {
        block.emitError() << "--recompute selective is not derived at the primitive level "
                          << "yet: analyse the layer-level model";
        return mlir::WalkResult::interrupt();
      });
      if (walk.wasInterrupted())
        return mlir::failure();
    }
    size_t layers = countLayers(body);
    result.layers.reserve(layers);
    costClass.reserve(layers);
    collectLayers(body, Expr(1), Expr(1), /*inLayer=*/false);
    if (options().recompute == Recompute::Full && runsBackward(options().mode) &&
        llvm::none_of(body, [](Operation &op) { return llvm::isa<RepeatOp>(op); }))
      model.emitWarning() << "--recompute full checkpoints the iterations of nn.repeat "
                             "blocks; @"
                          << model.getSymName() << " has none, so it stores its activations "
                          << "as without recomputation";
    std::vector<Expr> workspaces;
    // Layers with the same cost, multiplicity and weight copies (every
    // layer of an unrolled stack) are summed as a count times one of them:
    // the algebra's sums are canonical, so the totals are the same, without
    // a symbolic multiplication and addition per layer.
    struct Group {
      size_t layer;
      int64_t count;
    };
    std::vector<Group> groups;
    std::unordered_multimap<size_t, size_t> groupOf; // hash -> index in groups
    for (auto [index, layer] : llvm::enumerate(result.layers)) {
      size_t hash = llvm::hash_combine(costClass[index], sym::hash_value(layer.multiplicity),
                                       sym::hash_value(layer.weightCopies));
      auto [first, last] = groupOf.equal_range(hash);
      auto same = std::find_if(first, last, [&](const auto &entry) {
        const LayerCost &other = result.layers[groups[entry.second].layer];
        return costClass[groups[entry.second].layer] == costClass[index] &&
               other.multiplicity == layer.multiplicity &&
               other.weightCopies == layer.weightCopies && other.priced == layer.priced &&
               other.opName == layer.opName;
      });
      if (same != last) {
        ++groups[same->second].count;
        continue;
      }
      groupOf.emplace(hash, groups.size());
      groups.push_back({index, 1});
    }
    for (const Group &group : groups) {
      const LayerCost &layer = result.layers[group.layer];
      Expr count(group.count);
      Expr multiplicity = count * layer.multiplicity;
      result.flops += multiplicity * layer.cost.totalWork(result.options);
      result.denseFlops += multiplicity * layer.cost.withDenseMasks().totalWork(result.options);
      result.coreFlops += multiplicity * layer.cost.core;
      result.params += count * layer.weightCopies * layer.cost.params;
      Expr statistics;
      for (const WeightTensor &tensor : layer.cost.weights)
        statistics += tensor.factoredSecondMoments();
      if (!layer.priced) { // never a silent zero
        std::string name = layer.opName;
        std::replace(name.begin(), name.end(), '.', '_');
        statistics = Expr::unknown(name + "_factored_moments");
      }
      result.factoredSecondMoments += count * layer.weightCopies * statistics;
      result.kvCacheElements += multiplicity * layer.cost.kvCacheElements;
      workspaces.push_back(layer.cost.workspaceElements);
    }
    if (!workspaces.empty())
      result.largestWorkspaceElements = Expr::maxOf(workspaces);
    computeMemory(body);
    computeDepthAndPaths(body);
    return result;
  }

private:
  const CostOptions &options() const { return result.options; }

  bool decoding() const { return options().mode == CostMode::Decode; }

  /// The positions one transfer covers: the sequence, or the one new
  /// position of a decoding step (depth and paths then describe one step).
  Expr stepLength(Value value) const { return decoding() ? Expr(1) : lengthOfValue(value); }

  //===--------------------------------------------------------------------===//
  // Decoding
  //===--------------------------------------------------------------------===//

  /// Finds the ops that run at every decoding step: those depending on an
  /// input as long as the output (the decoded stream). The others (an
  /// encoder over the source) run once before decoding, like the prompt's
  /// prefill, and are left out of the per-step cost. An op on the step that
  /// needs later positions cannot be decoded one token at a time.
  mlir::LogicalResult findDecodeStep(mlir::Block &body) {
    OutputOp output = model.getOutputOp();
    std::optional<Expr> decodedLength;
    if (!output.getValues().empty())
      decodedLength = lengthOfValue(output.getValues().front());
    llvm::DenseSet<Value> stepped;
    for (Value arg : body.getArguments())
      if (!decodedLength || lengthOfValue(arg) == *decodedLength)
        stepped.insert(arg);
    markStepped(body, stepped);
    mlir::WalkResult walk = body.walk([&](Operation *op) {
      if (llvm::isa<RepeatOp, OutputOp, YieldOp>(op))
        return mlir::WalkResult::advance();
      if (llvm::isa<BlockOp, ParamOp, ContractOp, MapOp, ReduceOp, TransposeOp, ReshapeOp,
                    ConcatOp, ExtractOp, GatherOp, OpaqueOp, PrefixScanOp, RecurOp,
                    ConstantOp>(op)) {
        op->emitError() << "--mode decode is not derived at the primitive level yet: "
                        << "analyse the layer-level model for decoding";
        return mlir::WalkResult::interrupt();
      }
      if (!llvm::any_of(op->getResults(), [&](Value v) { return stepped.contains(v); })) {
        prefill.insert(op);
        return mlir::WalkResult::advance();
      }
      std::string why;
      if (auto attention = llvm::dyn_cast<AttentionOp>(op);
          attention && !attention.isCrossAttention() && !attention.getCausal())
        why = "its attention is not causal: every position sees later ones";
      else if (auto rnn = llvm::dyn_cast<RecurrentOp>(op); rnn && rnn.getBidirectional())
        why = "its backward direction needs the whole sequence";
      else if (auto conv = llvm::dyn_cast<ConvOp>(op); conv && !conv.getCausal()) {
        auto k = conv.getKernel().getExpr().getConstant();
        if (!k || *k != sym::Rational(1, 1)) // a 1-wide kernel reads no other position
          why = "its kernel is centred: each output reads later positions (use 'causal')";
      }
      if (why.empty())
        return mlir::WalkResult::advance();
      op->emitError() << "'" << op->getName() << "' cannot run one token at a time "
                      << "(--mode decode): " << why;
      return mlir::WalkResult::interrupt();
    });
    return mlir::failure(walk.wasInterrupted());
  }

  /// Propagates "depends on the decoded stream" through `block`; a repeat's
  /// body is visited twice so that a value carried around the loop counts.
  void markStepped(mlir::Block &block, llvm::DenseSet<Value> &stepped) {
    for (Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        mlir::Block &inner = repeat.getBodyBlock();
        auto yield = llvm::cast<YieldOp>(inner.getTerminator());
        for (int pass = 0; pass < 2; ++pass) {
          for (auto [i, arg] : llvm::enumerate(inner.getArguments()))
            if (stepped.contains(repeat.getInits()[i]) ||
                stepped.contains(yield.getValues()[i]))
              stepped.insert(arg);
          markStepped(inner, stepped);
        }
        for (auto [i, res] : llvm::enumerate(repeat.getResults()))
          if (stepped.contains(inner.getArgument(i)))
            stepped.insert(res);
        continue;
      }
      if (llvm::any_of(op.getOperands(), [&](Value v) { return stepped.contains(v); }))
        for (Value res : op.getResults())
          stepped.insert(res);
    }
  }

  /// The number of layers collectLayers makes (a LayerCost is large:
  /// growing the vector by copying them was a tenth of the analysis).
  static size_t countLayers(mlir::Block &block) {
    size_t count = 0;
    for (Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op))
        count += countLayers(repeat.getBodyBlock());
      else if (!llvm::isa<OutputOp, YieldOp>(op))
        ++count;
    }
    return count;
  }

  /// `inLayer`: inside a top-level nn.repeat, whose iterations are the
  /// layers that full recomputation checkpoints.
  void collectLayers(mlir::Block &block, const Expr &multiplicity, const Expr &weightCopies,
                     bool inLayer) {
    for (Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        Expr count = repeat.getCount().getExpr();
        collectLayers(repeat.getBodyBlock(), multiplicity * count,
                      repeat.getSharedWeights() ? weightCopies : weightCopies * count,
                      /*inLayer=*/true);
        continue;
      }
      if (llvm::isa<OutputOp, YieldOp>(op))
        continue;
      LayerCost layer;
      layer.op = &op;
      if (auto block = llvm::dyn_cast<BlockOp>(op)) {
        layer.opName = block.getName().str();
        layer.location = formatLocation(op.getLoc());
        layer.multiplicity = multiplicity;
        layer.weightCopies = weightCopies;
        size_t index = result.layers.size();
        // Full recomputation adds a layer's forward to its backward only
        // inside repeats, so identical blocks may then cost differently.
        bool recomputes = options().recompute == Recompute::Full && runsBackward(options().mode);
        std::optional<size_t> same = recomputes ? std::nullopt : findSameBlock(block);
        if (same) {
          // Priced before: the same cost, inner op by inner op.
          layer.cost = result.layers[*same].cost;
          auto earlier = llvm::cast<BlockOp>(result.layers[*same].op);
          for (auto [mine, theirs] : llvm::zip(block.getBodyBlock().without_terminator(),
                                               earlier.getBodyBlock().without_terminator()))
            innerCosts[&mine] = innerCosts.lookup(&theirs);
          costClass.push_back(costClass[*same]);
        } else {
          layer.cost = blockCost(block);
          if (recomputes && inLayer)
            addFullRecompute(layer.cost);
          if (!recomputes)
            pricedBlocks[static_cast<size_t>(structureHash(block))].push_back(index);
          costClass.push_back(index);
        }
        layerIndex[&op] = index;
        result.layers.push_back(std::move(layer));
        continue;
      }
      layer.opName = op.getName().getStringRef().str();
      layer.location = formatLocation(op.getLoc());
      layer.multiplicity = multiplicity;
      layer.weightCopies = weightCopies;
      if (auto priced = llvm::dyn_cast<CostModelOpInterface>(op)) {
        layer.cost = priced.getCost(options());
      } else {
        // Never a silent zero: an explicit unknown term and a warning.
        layer.priced = false;
        std::string name = op.getName().getStringRef().str();
        std::replace(name.begin(), name.end(), '.', '_');
        layer.cost.terms.push_back({"no cost rule", Expr::unknown(name), false});
        layer.cost.params = Expr::unknown(name + "_params");
        op.emitWarning() << "costopt has no cost rule for '" << op.getName()
                         << "'; its costs are reported as unknown(" << name << ")";
      }
      if (prefill.contains(&op)) {
        // Run once before decoding: its weights exist, but a step neither
        // computes nor reads anything of it.
        OpCost once;
        once.params = layer.cost.params;
        once.weights = layer.cost.weights;
        once.weightElementsRead = Expr();
        once.tableRow = layer.cost.tableRow;
        once.mixing = layer.cost.mixing;
        layer.cost = std::move(once);
        layer.prefill = true;
      }
      if (inLayer && options().recompute == Recompute::Full && runsBackward(options().mode))
        addFullRecompute(layer.cost);
      layerIndex[&op] = result.layers.size();
      costClass.push_back(result.layers.size());
      result.layers.push_back(std::move(layer));
    }
  }

  /// Full recomputation runs the layer's forward again before its backward
  /// pass: the op's forward FLOPs become backward terms too (matmuls and
  /// element-wise work apart, for MAC counts).
  static void addFullRecompute(OpCost &cost) {
    Expr matmuls, matmulsDense, elementwise, elementwiseDense;
    for (const FlopTerm &t : cost.terms) {
      Expr &exact = t.matmul ? matmuls : elementwise;
      Expr &dense = t.matmul ? matmulsDense : elementwiseDense;
      exact += t.flops;
      dense += t.dense ? *t.dense : t.flops;
    }
    auto denseIfDifferent = [](const Expr &exact, const Expr &dense) {
      return dense == exact ? std::optional<Expr>() : std::optional<Expr>(dense);
    };
    if (!matmuls.isZero() || !matmulsDense.isZero())
      cost.backwardTerms.push_back({"full recompute: the forward's matmuls again (backward only)",
                                    matmuls, true, denseIfDifferent(matmuls, matmulsDense)});
    if (!elementwise.isZero() || !elementwiseDense.isZero())
      cost.backwardTerms.push_back(
          {"full recompute: the forward's element-wise work again (backward only)", elementwise,
           false, denseIfDifferent(elementwise, elementwiseDense)});
    cost.rerunInBackward = true;
  }

  //===--------------------------------------------------------------------===//
  // Identical blocks
  //===--------------------------------------------------------------------===//

  static bool isParameter(Value value) { return value.getDefiningOp<ParamOp>() != nullptr; }

  /// True if `value` is defined inside `root` (by a nested op or as an
  /// argument of one of its blocks).
  static bool isDefinedInside(Value value, Operation *root) {
    Operation *owner = value.getDefiningOp();
    if (!owner)
      owner = value.getParentBlock()->getParentOp();
    return owner && root->isAncestor(owner);
  }

  /// A hash of what a block's cost is derived from: the ops, attributes and
  /// types inside, and which of its operands are parameters.
  static llvm::hash_code structureHash(BlockOp block) {
    llvm::hash_code hash = llvm::hash_value(block->getNumOperands());
    block->walk([&](Operation *op) {
      hash = llvm::hash_combine(hash, op->getName().getAsOpaquePointer(),
                                op->getRawDictionaryAttrs().getAsOpaquePointer(),
                                op->getNumOperands(), op->getNumResults());
      for (Type type : op->getResultTypes())
        hash = llvm::hash_combine(hash, type.getAsOpaquePointer());
    });
    for (Value input : block.getInputs())
      hash = llvm::hash_combine(hash, input.getType().getAsOpaquePointer(), isParameter(input));
    return hash;
  }

  /// The layer index of an earlier block with the same structure as
  /// `block` (MLIR's OperationEquivalence, locations ignored; values from
  /// outside match when their types match and both or neither are
  /// parameters), whose cost is then the same: a primitive's cost depends
  /// only on these. Every layer of an unrolled stack decomposes into the
  /// same few blocks, and pricing each again dominated the analysis.
  std::optional<size_t> findSameBlock(BlockOp block) {
    auto it = pricedBlocks.find(static_cast<size_t>(structureHash(block)));
    if (it == pricedBlocks.end())
      return std::nullopt;
    for (size_t index : it->second) {
      Operation *earlier = result.layers[index].op;
      llvm::DenseMap<Value, Value> same;
      auto check = [&](Value lhs, Value rhs) -> mlir::LogicalResult {
        if (lhs == rhs || same.lookup(lhs) == rhs)
          return mlir::success();
        if (isDefinedInside(lhs, block) || isDefinedInside(rhs, earlier))
          return mlir::failure();
        return mlir::success(lhs.getType() == rhs.getType() &&
                             isParameter(lhs) == isParameter(rhs));
      };
      auto mark = [&](Value lhs, Value rhs) { same[lhs] = rhs; };
      if (mlir::OperationEquivalence::isEquivalentTo(
              block, earlier, check, mark, mlir::OperationEquivalence::IgnoreLocations))
        return index;
    }
    return std::nullopt;
  }

  const OpCost *costOf(Operation *op) const {
    auto it = layerIndex.find(op);
    if (it != layerIndex.end())
      return &result.layers[it->second].cost;
    return innerCosts.lookup(op);
  }

  //===--------------------------------------------------------------------===//
  // Blocks of primitives
  //===--------------------------------------------------------------------===//

  /// One application of a block, from its primitives alone: their sums,
  /// the busiest moment inside (its inputs aside, as for any layer), and
  /// the widest reach of any of them. The block's name is never read.
  OpCost blockCost(BlockOp block) {
    OpCost cost;
    Expr innerStored, weightsRead;
    bool partialWeights = false;
    for (Operation &op : block.getBodyBlock().without_terminator()) {
      auto priced = llvm::cast<CostModelOpInterface>(op);
      OpCost inner = priced.getCost(options());
      for (const FlopTerm &term : inner.terms) {
        auto same = llvm::find_if(cost.terms, [&](const FlopTerm &t) {
          return t.rule == term.rule && t.matmul == term.matmul;
        });
        if (same == cost.terms.end()) {
          cost.terms.push_back(term);
          continue;
        }
        if (same->dense || term.dense)
          same->dense = same->denseOr() + term.denseOr();
        same->flops += term.flops;
      }
      llvm::append_range(cost.backwardTerms, inner.backwardTerms);
      cost.core += inner.core;
      cost.params += inner.params;
      llvm::append_range(cost.weights, inner.weights);
      cost.kvCacheElements += inner.kvCacheElements;
      innerStored += inner.outputElements + inner.savedElements;
      weightsRead += inner.weightElementsRead ? *inner.weightElementsRead : inner.params;
      partialWeights |= inner.weightElementsRead.has_value();
      for (const OperandReach &reach : inner.operandReach) {
        if (!reach.positional || reach.mixing == Mixing::Pointwise)
          continue;
        // Recurrent > Scan > Full > Causal > Window: a block's row is its
        // widest-reaching step.
        if (cost.mixing == Mixing::Recurrent ||
            (cost.mixing == Mixing::Scan && reach.mixing != Mixing::Recurrent))
          continue;
        if (reach.mixing == Mixing::Recurrent || reach.mixing == Mixing::Scan ||
            reach.mixing == Mixing::Full ||
            cost.mixing == Mixing::Pointwise ||
            (reach.mixing == Mixing::Causal && cost.mixing == Mixing::Window)) {
          cost.mixing = reach.mixing;
          cost.reachBack = reach.reachBack;
          cost.reachAhead = reach.reachAhead;
        } else if (reach.mixing == Mixing::Window && cost.mixing == Mixing::Window) {
          cost.reachBack = Expr::max(cost.reachBack, reach.reachBack);
          cost.reachAhead = Expr::max(cost.reachAhead, reach.reachAhead);
        }
      }
      innerCosts[&op] = &innerCostStore.emplace_back(std::move(inner));
    }
    if (cost.mixing != Mixing::Pointwise)
      cost.tableRow = block.getName().str();
    for (Value res : block.getResults())
      cost.outputElements += elementCountOf(res.getType());
    for (Value input : block.getInputs())
      if (!input.getDefiningOp<ParamOp>())
        cost.readElements += elementCountOf(input.getType());
    if (partialWeights)
      cost.weightElementsRead = weightsRead;
    // Stored for the backward pass: everything computed inside.
    cost.savedElements = innerStored - cost.outputElements;
    llvm::DenseMap<Value, Expr> sizes;
    for (Value arg : block.getBodyBlock().getArguments())
      sizes[arg] = Expr(); // inputs are the caller's
    std::vector<Expr> peaks = peakOfBlock(block.getBodyBlock(), sizes);
    cost.internalPeaks.assign(peaks.begin(), peaks.end());
    return cost;
  }

  //===--------------------------------------------------------------------===//
  // Memory
  //===--------------------------------------------------------------------===//

  void computeMemory(mlir::Block &body) {
    Expr inputs;
    for (Value arg : body.getArguments())
      inputs += inputElements(arg, options());
    if (runsBackward(options().mode)) {
      // Everything the backward pass reads is kept: outputs and saved
      // intermediates of every op application, plus the largest workspace.
      Expr workspace;
      for (const LayerCost &layer : result.layers)
        workspace = Expr::max(workspace, layer.cost.workspaceElements);
      if (options().recompute == Recompute::Full) {
        result.peakActivationElements = inputs + checkpointedStore(body) + workspace;
        return;
      }
      Expr stored = inputs;
      for (const LayerCost &layer : result.layers)
        stored += layer.multiplicity * (layer.cost.outputElements + layer.cost.savedElements);
      result.peakActivationElements = stored + workspace;
      return;
    }
    llvm::DenseMap<Value, Expr> sizes;
    for (Value arg : body.getArguments())
      sizes[arg] = inputElements(arg, options());
    result.peakActivationElements = Expr::maxOf(peakOfBlock(body, sizes));
  }

  /// What one application of `block`'s ops stores for the backward pass,
  /// nested repeats `count` times over.
  Expr storedBy(mlir::Block &block) {
    Expr stored;
    for (Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op))
        stored += repeat.getCount().getExpr() * storedBy(repeat.getBodyBlock());
      else if (const OpCost *cost = costOf(&op))
        stored += cost->outputElements + cost->savedElements;
    }
    return stored;
  }

  /// Full recomputation (Korthikanti et al. 2022): each iteration of a
  /// top-level repeat (a layer) keeps only its input; the ops outside
  /// repeats store as usual. The backward pass of one layer first reruns its
  /// forward, so that layer's activations are stored once more, beside all
  /// the checkpoints: the largest such layer counts.
  Expr checkpointedStore(mlir::Block &body) {
    llvm::DenseMap<Value, Expr> sizes;
    for (Value arg : body.getArguments())
      sizes[arg] = inputElements(arg, options());
    Expr stored, rerunLayer;
    for (Operation &op : body) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        // Iterations 2..count read the previous one's output; the ops after
        // the repeat read the last one's. The first's input is stored where
        // it is defined.
        Expr count = repeat.getCount().getExpr(), carried;
        for (auto [init, res] : llvm::zip(repeat.getInits(), repeat.getResults())) {
          carried += sizes.lookup(init);
          sizes[res] = sizes.lookup(init);
        }
        stored += count * carried;
        rerunLayer = Expr::max(rerunLayer, storedBy(repeat.getBodyBlock()));
      } else if (const OpCost *cost = costOf(&op)) {
        stored += cost->outputElements + cost->savedElements;
        for (Value res : op.getResults())
          sizes[res] = cost->outputElements;
      }
    }
    return stored + rerunLayer;
  }

  /// How values of enclosing blocks are alive while one iteration of a
  /// repeat's body runs.
  struct Enclosing {
    /// Alive throughout (used after the body, or by a later iteration).
    llvm::SmallVector<Value> pinned;
    /// Used inside the body and nowhere later: freed at their last use in
    /// it (the last iteration).
    llvm::SmallVector<Value> dying;
    /// Block argument -> the enclosing value it is (the first iteration
    /// receives the init itself, not a copy): one buffer, counted once.
    llvm::DenseMap<Value, Value> aliases;
  };

  /// Peak of live activation elements while `block` runs, as the list of
  /// candidates whose maximum it is (sums are distributed into the list so
  /// the final max is flat); `sizes` holds the sizes of the block's
  /// arguments and of values defined outside it.
  /// With `distinct`, identical candidates are kept once; without, the list
  /// has one entry per program point, aligned across calls for the same
  /// block.
  std::vector<Expr> peakOfBlock(mlir::Block &block, llvm::DenseMap<Value, Expr> sizes,
                                const Enclosing &enclosing = Enclosing(), bool distinct = true) {
    // Index of the last op in this block using each value.
    llvm::DenseMap<Value, unsigned> lastUse;
    unsigned index = 0;
    for (Operation &op : block) {
      op.walk([&](Operation *nested) {
        for (Value operand : nested->getOperands())
          lastUse[operand] = index;
      });
      ++index;
    }
    llvm::DenseSet<Value> pinned(enclosing.pinned.begin(), enclosing.pinned.end());
    llvm::SmallVector<Value> live(enclosing.pinned.begin(), enclosing.pinned.end());
    for (Value v : enclosing.dying)
      if (lastUse.count(v))
        live.push_back(v);
    for (Value arg : block.getArguments())
      if (lastUse.count(arg))
        live.push_back(arg);
    // The buffer a value occupies: an argument aliasing its init shares it.
    auto bufferOf = [&](Value v) {
      for (auto it = enclosing.aliases.find(v); it != enclosing.aliases.end();
           it = enclosing.aliases.find(v))
        v = it->second;
      return v;
    };
    auto liveSum = [&]() {
      Expr sum;
      llvm::DenseSet<Value> counted;
      for (Value v : live)
        if (counted.insert(bufferOf(v)).second)
          sum += sizes.lookup(bufferOf(v));
      return sum;
    };
    std::vector<Expr> peak;
    // Identical candidates are common (every layer of a stack); keep the
    // first of each unless the caller aligns lists point by point. Looked
    // up by hash: a linear search of the list made long blocks quadratic.
    std::unordered_multimap<size_t, size_t> seen; // hash -> index in peak
    auto addCandidate = [&](Expr p) {
      if (distinct) {
        size_t hash = sym::hash_value(p);
        auto [first, last] = seen.equal_range(hash);
        for (auto it = first; it != last; ++it)
          if (peak[it->second] == p)
            return;
        seen.emplace(hash, peak.size());
      }
      peak.push_back(std::move(p));
    };
    addCandidate(liveSum());
    index = 0;
    for (Operation &op : block) {
      std::vector<Expr> points;
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        auto outlives = [&](Value v) { return pinned.contains(v) || lastUse.lookup(v) > index; };
        // Whether a value may outlive the repeat in some iteration of this
        // block: the same in every call for it, so that the candidate lists
        // of its iterations align point by point.
        auto mayOutlive = [&](Value v) {
          return outlives(v) || llvm::is_contained(enclosing.dying, v);
        };
        for (Expr &candidate :
             peakOfRepeat(repeat, sizes, live, outlives, mayOutlive, enclosing.aliases))
          points.push_back(std::move(candidate));
        for (auto [res, init] : llvm::zip(repeat.getResults(), repeat.getInits()))
          sizes[res] = sizes.lookup(init);
      } else if (const OpCost *cost = costOf(&op)) {
        Expr live = liveSum();
        if (cost->internalPeaks.empty())
          points.push_back(live + cost->workspaceElements + cost->outputElements);
        for (const Expr &inside : cost->internalPeaks)
          points.push_back(live + inside);
        for (Value res : op.getResults())
          sizes[res] = cost->outputElements;
      } else {
        points.push_back(liveSum());
      }
      for (Expr &p : points)
        addCandidate(std::move(p));
      llvm::erase_if(live,
                     [&](Value v) { return !pinned.contains(v) && lastUse.lookup(v) <= index; });
      for (Value res : op.getResults())
        if (lastUse.count(res))
          live.push_back(res);
      ++index;
    }
    return peak;
  }

  /// Candidates for the peak while `repeat` runs, given the values `live`
  /// before it (`outlives`: still needed after it). A value of the
  /// enclosing block that the body uses stays alive until the last
  /// iteration's last use of it; in the first iteration the body's
  /// arguments are their inits. Iterations differ only in these two
  /// respects, and having both (a middle one) is never less than either:
  /// so the peak is the first-and-last iteration's at count 1, the larger
  /// of the first and the last iteration's at count 2, and a middle one's
  /// from count 3 on. Each of those enters the max scaled by
  /// min(count - k, 1), which is 1 where it exists and at most 0 where it
  /// does not (candidates are never negative, so it is then never chosen).
  std::vector<Expr> peakOfRepeat(RepeatOp repeat, const llvm::DenseMap<Value, Expr> &sizes,
                                 llvm::ArrayRef<Value> live,
                                 llvm::function_ref<bool(Value)> outlives,
                                 llvm::function_ref<bool(Value)> mayOutlive,
                                 const llvm::DenseMap<Value, Value> &outerAliases) {
    mlir::Block &body = repeat.getBodyBlock();
    mlir::Region *bodyRegion = body.getParent();
    llvm::DenseSet<Value> usedInside;
    body.walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (!bodyRegion->isAncestor(operand.getParentRegion()))
          usedInside.insert(operand);
    });
    llvm::DenseMap<Value, Expr> inner = sizes;
    for (auto [arg, init] : llvm::zip(body.getArguments(), repeat.getInits()))
      inner[arg] = sizes.lookup(init);

    Enclosing notLast, last;
    notLast.aliases = last.aliases = outerAliases;
    for (Value v : live) {
      if (outlives(v)) {
        notLast.pinned.push_back(v);
        last.pinned.push_back(v);
      } else if (usedInside.contains(v)) {
        notLast.pinned.push_back(v);
        last.dying.push_back(v);
      }
      // Otherwise only an init: its buffer lives on as the argument.
    }
    // Which iteration kinds to tell apart. Decided by mayOutlive, not
    // outlives, so that the decision (and so the shape of the candidate
    // list) is the same in every iteration kind of an enclosing repeat; an
    // extra kind identical to another adds nothing to the max.
    bool differsAtLast = llvm::any_of(live, [&](Value v) { return usedInside.contains(v); });
    // Arguments aliasing a value that is still counted, or sharing an init
    // with another argument, are counted once in the first iteration.
    llvm::DenseSet<Value> inits;
    bool differsAtFirst = false;
    for (Value init : repeat.getInits())
      differsAtFirst |=
          !inits.insert(init).second || mayOutlive(init) || usedInside.contains(init);
    auto firstOf = [&](Enclosing kind) {
      for (auto [arg, init] : llvm::zip(body.getArguments(), repeat.getInits()))
        kind.aliases[arg] = init;
      return kind;
    };

    Expr count = repeat.getCount().getExpr();
    auto existsFrom = [&](int64_t iterations) { // 1 from `iterations` on, else <= 0
      return Expr::min(count - Expr(iterations - 1), Expr(1));
    };
    auto pointsOf = [&](const Enclosing &kind) {
      return peakOfBlock(body, inner, kind, /*distinct=*/false);
    };
    // The single iteration at count 1; each other iteration kind enters as
    // that plus its difference at the same program point, scaled by when it
    // exists, so the formula names only what differs (the encoder memory
    // beside a decoder layer's FFN).
    std::vector<Expr> single = pointsOf(differsAtFirst ? firstOf(last) : last);
    if (!differsAtFirst && !differsAtLast)
      return single;
    llvm::SmallVector<std::pair<Enclosing, Expr>, 3> others;
    if (differsAtFirst && differsAtLast) {
      others.push_back({firstOf(notLast), existsFrom(2)});
      others.push_back({last, existsFrom(2)});
      others.push_back({notLast, existsFrom(3)});
    } else {
      others.push_back({differsAtLast ? notLast : last, existsFrom(2)});
    }
    std::vector<Expr> candidates;
    bool singleCovered = false;
    for (auto &[kind, exists] : others) {
      std::vector<Expr> points = pointsOf(kind);
      if (points.size() == single.size()) {
        for (auto [base, point] : llvm::zip(single, points))
          candidates.push_back(base + exists * (point - base));
        // At count 1 the count-2 kinds are the single iteration itself.
        singleCovered |= exists == existsFrom(2);
      } else {
        // Nested repeats that differ in shape: each list whole.
        for (const Expr &point : points)
          candidates.push_back(exists * point);
      }
    }
    if (!singleCovered)
      candidates.insert(candidates.end(), single.begin(), single.end());
    return candidates;
  }

  //===--------------------------------------------------------------------===//
  // Depth and paths
  //===--------------------------------------------------------------------===//

  /// The further steps a path of recurrences needs between the farthest
  /// pair of `n` positions. Every layer on the chain is one application; a
  /// recurrence moves one position per further step, a window or kernel up
  /// to its reach in one. The farthest pair, n - 1 apart, needs the
  /// recurrences for what the windows do not cover: forward always (a
  /// recurrence runs forward), backward with a bidirectional one.
  ///
  /// For output positions first..last of n, the farthest input a forward
  /// recurrence brings is `last` positions back, a backward one's
  /// n - 1 - first ahead (n - 1 both for a whole output).
  Expr recurrentSteps(const PathSummary &path, const Expr &n) {
    return recurrentSteps(path, n, Expr(), n - Expr(1));
  }
  Expr recurrentSteps(const PathSummary &path, const Expr &n, const Expr &first,
                      const Expr &last) {
    Expr back = last, ahead = n - Expr(1) - first;
    if (path.stridedRecurrence) {
      result.pathExact = false; // steps there cover `stride` positions
      return path.bidirectional ? Expr::max(back, ahead) : back;
    }
    // A dilated kernel can still carry nothing (its centre tap) but not
    // every distance: without it the count is an upper bound.
    if (path.dilated)
      result.pathExact = false;
    Expr forward = Expr::max(back - path.reachForward, Expr());
    if (path.bidirectional)
      forward = Expr::max(forward, Expr::max(ahead - path.reachBackward, Expr()));
    return forward;
  }

  void computeDepthAndPaths(mlir::Block &body) {
    llvm::DenseMap<Value, ValueState> states;
    for (Value arg : body.getArguments())
      states[arg] = ValueState{Profile{{0, Expr()}}, PathSummary{}};
    transferBlock(body, states);
    OutputOp output = model.getOutputOp();
    Expr depth, path;
    std::optional<Expr> field;
    for (Value value : output.getValues()) {
      const ValueState &state = states[value];
      Expr n = stepLength(value);
      depth = Expr::max(depth, maxOver(state.depth, n));
      Expr valuePath = state.path.hops;
      if (!state.path.unboundedReach && state.path.recurrent)
        valuePath = valuePath + recurrentSteps(state.path, n);
      path = Expr::max(path, valuePath);
      if (!state.path.unboundedReach && !state.path.recurrent && !state.path.hops.isZero()) {
        Expr f = state.path.reach + Expr(1);
        field = field ? Expr::max(*field, f) : f;
      }
    }
    if (!output.getValues().empty())
      result.outputLength = lengthOfValue(output.getValues().front());
    result.sequentialDepth = depth;
    result.maxPathLength = path;
    result.receptiveField = field;
  }

  void transferBlock(mlir::Block &block, llvm::DenseMap<Value, ValueState> &states) {
    for (Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        transferRepeat(repeat, states);
        continue;
      }
      if (llvm::isa<OutputOp, YieldOp>(op))
        continue;
      if (prefill.contains(&op)) {
        // Computed before decoding starts: ready at every step.
        for (Value res : op.getResults())
          states[res] = ValueState{Profile{{0, Expr()}}, PathSummary{}};
        continue;
      }
      if (auto block = llvm::dyn_cast<BlockOp>(op)) {
        transferLayerBlock(block, states);
        continue;
      }
      ValueState out = transferOp(op, states, Expr(1));
      for (Value res : op.getResults())
        states[res] = out;
    }
  }

  /// A block is one step: its primitives move information between
  /// positions as their reaches say but add no depth, except what a
  /// recurrence or scan inside adds; the block then adds one.
  void transferLayerBlock(BlockOp block, llvm::DenseMap<Value, ValueState> &states) {
    // The block is isolated from above: its values live in a map of their
    // own, which keeps the model's map small.
    mlir::Block &body = block.getBodyBlock();
    llvm::DenseMap<Value, ValueState> inner;
    for (auto [arg, input] : llvm::zip(body.getArguments(), block.getInputs()))
      inner[arg] = states[input];
    for (Operation &op : body.without_terminator()) {
      ValueState out = transferOp(op, inner, Expr());
      for (Value res : op.getResults())
        inner[res] = out;
    }
    auto yield = llvm::cast<YieldOp>(body.getTerminator());
    for (auto [res, value] : llvm::zip(block.getResults(), yield.getValues())) {
      ValueState out = inner[value];
      out.depth = shifted(out.depth, Expr(1));
      states[res] = out;
    }
  }

  /// Body outputs (yielded states) for given carried states.
  llvm::SmallVector<ValueState> iterate(RepeatOp repeat,
                                        llvm::DenseMap<Value, ValueState> states,
                                        llvm::ArrayRef<ValueState> carried) {
    mlir::Block &body = repeat.getBodyBlock();
    for (auto [arg, state] : llvm::zip(body.getArguments(), carried))
      states[arg] = state;
    transferBlock(body, states);
    llvm::SmallVector<ValueState> yielded;
    for (Value v : llvm::cast<YieldOp>(body.getTerminator()).getValues())
      yielded.push_back(states[v]);
    return yielded;
  }

  /// Terms a repeat's depth bound may have before coarseRepeatDepth
  /// replaces it.
  static constexpr size_t kMaxDepthTerms = 2000;

  /// max over the carried inits' depths + count · (the body's largest
  /// depth when every carried value has depth 0). Sound: a chain through
  /// the body starts at a carried value (at most the deepest) or at a value
  /// from outside, which the run from 0 covers.
  Expr coarseRepeatDepth(RepeatOp repeat, const llvm::DenseMap<Value, ValueState> &states,
                         llvm::ArrayRef<ValueState> inits, const Expr &count) {
    llvm::SmallVector<ValueState> zero(inits.begin(), inits.end());
    for (ValueState &state : zero)
      state.depth = Profile{{0, Expr()}};
    auto fromZero = iterate(repeat, states, zero);
    std::optional<Expr> deepestInit, perIteration;
    for (auto [init, state] : llvm::zip(repeat.getInits(), inits)) {
      Expr deepest = maxOver(state.depth, stepLength(init));
      deepestInit = deepestInit ? Expr::max(*deepestInit, deepest) : deepest;
    }
    for (auto [result, state] : llvm::zip(repeat.getResults(), fromZero)) {
      Expr deepest = maxOver(state.depth, stepLength(result));
      perIteration = perIteration ? Expr::max(*perIteration, deepest) : deepest;
    }
    return deepestInit.value_or(Expr()) + count * perIteration.value_or(Expr());
  }

  void transferRepeat(RepeatOp repeat, llvm::DenseMap<Value, ValueState> &states) {
    Expr count = repeat.getCount().getExpr();
    llvm::SmallVector<ValueState> s0;
    for (Value init : repeat.getInits())
      s0.push_back(states[init]);
    auto s1 = iterate(repeat, states, s0);
    auto s2 = iterate(repeat, states, s1);
    auto s3 = iterate(repeat, states, s2);
    // A strided body: each iteration's kernels reach further in the input.
    llvm::SmallVector<PathSummary> stridedPaths;
    bool strided = false;
    for (size_t i = 0; i < s0.size(); ++i)
      strided |= s2[i].path.stride != s1[i].path.stride;
    if (strided) {
      auto constant = count.getConstant();
      if (constant && constant->den == 1 && constant->num <= 64) {
        llvm::SmallVector<ValueState> si = s0;
        for (int64_t k = 0; k < static_cast<int64_t>(constant->num); ++k)
          si = iterate(repeat, states, si);
        for (const ValueState &state : si)
          stridedPaths.push_back(state.path);
      } else {
        // 2^L has no closed form here: an upper bound, said so.
        result.pathExact = false;
        repeat.emitWarning() << "strides compound over " << count.str()
                             << " iterations: the receptive field is not computed and "
                                "the path length is an upper bound";
        for (size_t i = 0; i < s0.size(); ++i) {
          PathSummary bound = s3[i].path;
          bound.hops = s1[i].path.hops + (count - Expr(1)) * (s2[i].path.hops - s1[i].path.hops);
          bound.unboundedReach = true; // no receptive field
          stridedPaths.push_back(bound);
        }
      }
    }
    llvm::SmallVector<ValueState> finalStates;
    for (size_t i = 0; i < s0.size(); ++i) {
      ValueState out;
      // Depth: offsets grow by a constant per iteration once the profile's
      // shape is stable (checked on iterations 1 to 3).
      bool linear = sameShape(s1[i].depth, s2[i].depth) && sameShape(s2[i].depth, s3[i].depth);
      if (linear) {
        for (const auto &[slope, o1] : s1[i].depth) {
          Expr step = s2[i].depth.at(slope) - o1;
          if (s3[i].depth.at(slope) - s2[i].depth.at(slope) != step) {
            linear = false;
            break;
          }
          out.depth.emplace(slope, o1 + (count - Expr(1)) * step);
        }
      }
      if (!linear) {
        // Upper bound: every iteration adds at most the largest increment.
        result.depthExact = false;
        out.depth.clear();
        for (const auto &[slope, o3] : s3[i].depth)
          out.depth.emplace(slope, o3 + (count - Expr(3)) * Expr::max(o3 - s2[i].depth[slope],
                                                                      Expr()));
        // Three runs of a body that reshapes the profile differently each
        // time (a reversed recurrence after a running sum) give a formula
        // that grows with every nesting: a repeat inside such a repeat
        // made megabytes of it. Past kMaxDepthTerms a coarser bound: no
        // position deeper than the deepest carried input plus, per
        // iteration, the body's own depth from inputs of depth 0.
        if (llvm::any_of(out.depth, [](const auto &piece) {
              return largerThan(piece.second, kMaxDepthTerms);
            }))
          out.depth = Profile{{0, coarseRepeatDepth(repeat, states, s0, count)}};
      }
      // Paths: hops and reach grow by the body's own per iteration, unless
      // the body strides: then reach compounds, and a constant count is
      // followed iteration by iteration.
      if (s2[i].path.stride != s1[i].path.stride) {
        out.path = stridedPaths[i];
        finalStates.push_back(std::move(out));
        continue;
      }
      auto grown = [&](Expr PathSummary::*field) {
        Expr step = s2[i].path.*field - s1[i].path.*field;
        return s1[i].path.*field + (count - Expr(1)) * step;
      };
      out.path = s3[i].path;
      out.path.hops = grown(&PathSummary::hops);
      out.path.reach = grown(&PathSummary::reach);
      out.path.reachForward = grown(&PathSummary::reachForward);
      out.path.reachBackward = grown(&PathSummary::reachBackward);
      finalStates.push_back(std::move(out));
    }
    for (auto [res, state] : llvm::zip(repeat.getResults(), finalStates))
      states[res] = state;
  }

  /// The longer of two chains (the one with more mixing applications).
  static PathSummary longer(const PathSummary &a, const PathSummary &b) {
    PathSummary result;
    result.hops = Expr::max(a.hops, b.hops);
    result.reach = Expr::max(a.reach, b.reach);
    result.reachForward = Expr::max(a.reachForward, b.reachForward);
    result.reachBackward = Expr::max(a.reachBackward, b.reachBackward);
    result.stride = Expr::max(a.stride, b.stride);
    result.unboundedReach = a.unboundedReach || b.unboundedReach;
    result.recurrent = a.recurrent || b.recurrent;
    result.bidirectional = a.bidirectional || b.bidirectional;
    result.stridedRecurrence = a.stridedRecurrence || b.stridedRecurrence;
    result.dilated = a.dilated || b.dilated;
    return result;
  }

  /// A primitive: each operand's profile moved by its reach, merged, then
  /// `step` added (1 on its own, 0 inside a block).
  ValueState transferPrimitive(Operation &op, const OpCost &cost,
                               llvm::DenseMap<Value, ValueState> &states, const Expr &step) {
    ValueState out;
    bool first = true;
    for (auto [operand, reach] : llvm::zip(op.getOperands(), cost.operandReach)) {
      ValueState s = states[operand];
      if (reach.positional) {
        switch (reach.mixing) {
        case Mixing::Full:
          s.depth = Profile{{0, maxOver(s.depth, stepLength(operand))}};
          s.path.hops += Expr(1);
          s.path.unboundedReach = true;
          break;
        case Mixing::Causal:
          s.depth = causal(s.depth, Expr());
          s.path.hops += Expr(1);
          s.path.unboundedReach = true;
          break;
        case Mixing::Window: {
          s.depth = shifted(window(s.depth, reach.reachBack, reach.reachAhead), Expr(-1));
          s.path.hops += Expr(1);
          // As a layer's window or kernel (transferOp): the reach in input
          // positions, carried in one hop unless the taps are spread.
          Expr spread = reach.reachBack + reach.reachAhead;
          s.path.reach += spread * s.path.stride;
          if (!reach.dilated) {
            s.path.reachForward += reach.reachBack;
            s.path.reachBackward += reach.reachAhead;
          } else if (!spread.isZero()) {
            s.path.dilated = true;
          }
          break;
        }
        case Mixing::Recurrent: {
          s.path.hops += Expr(1);
          s.path.recurrent = true;
          s.path.stridedRecurrence |= s.path.stride != Expr(1);
          if (reach.reversed) {
            // Run from the last position: position t waits for every step
            // after it, so it is ready (n - 1 - t) steps after the latest
            // of those inputs.
            Expr n = stepLength(operand);
            std::optional<Expr> latest;
            for (const auto &[slope, offset] : s.depth) {
              Expr v = Expr(slope + 1) * (n - Expr(1)) + offset;
              latest = latest ? Expr::max(*latest, v) : v;
            }
            s.depth = Profile{{-1, latest ? *latest : Expr()}};
            s.path.bidirectional = true;
            break;
          }
          // Step t waits for step t - 1: position t is ready t steps after
          // the latest input (the op's own step is added below).
          std::optional<Expr> latest;
          for (const auto &[slope, offset] : s.depth)
            latest = latest ? Expr::max(*latest, offset) : offset;
          s.depth = Profile{{1, latest ? *latest : Expr()}};
          break;
        }
        case Mixing::Scan: {
          // A parallel prefix scan: position t depends on every input up
          // to t, through ⌈log2 n⌉ combining levels.
          Expr levels = scanLevels(stepLength(operand));
          s.depth = causal(s.depth, levels);
          s.path.hops += levels;
          s.path.unboundedReach = true;
          break;
        }
        default:
          break;
        }
        // A stride applies after the operand's taps: later windows reach
        // `stride` times as far in the input.
        s.path.stride = s.path.stride * reach.stride;
      } else if (auto axis = positionAxisOf(operand.getType());
                 axis && !positionAxisOf(op.getResult(0).getType())) {
        // A result without positions (the last step of a recurrence) reads
        // positions first..last of the operand (all of them, or the slice
        // an nn.extract takes): it is ready when the latest of those is,
        // and a recurrence's chain to it runs along the positions before
        // them (after them, backwards).
        Expr n = stepLength(operand), first, last = n - Expr(1);
        auto extract = llvm::dyn_cast<ExtractOp>(op);
        if (extract && !decoding() && extract.getDim().getExpr() == Expr(int64_t(*axis))) {
          first = extract.getOffset().getExpr();
          last = first + shapeExprsOf(extract.getResult().getType())[*axis] - Expr(1);
        }
        s.depth = Profile{{0, maxOverRange(s.depth, first, last)}};
        if (s.path.recurrent && !s.path.unboundedReach) {
          s.path.hops += recurrentSteps(s.path, n, first, last);
          s.path.recurrent = false;
          s.path.unboundedReach = true;
        }
      }
      if (first) {
        out = s;
        first = false;
      } else {
        out.depth = merge(out.depth, s.depth);
        out.path = longer(out.path, s.path);
      }
    }
    if (out.depth.empty())
      out.depth.emplace(0, Expr());
    out.depth = shifted(out.depth, step);
    pruneDominated(out.depth, stepLength(op.getResult(0)));
    return out;
  }

  ValueState transferOp(Operation &op, llvm::DenseMap<Value, ValueState> &states,
                        const Expr &step) {
    const OpCost *cost = costOf(&op);
    // A weight or constant exists before the model runs.
    if (op.getNumOperands() == 0)
      return ValueState{Profile{{0, Expr()}}, PathSummary{}};
    if (cost && !cost->operandReach.empty())
      return transferPrimitive(op, *cost, states, step);
    Value primary = op.getNumOperands() ? op.getOperand(0) : Value();
    Expr n = primary ? stepLength(primary) : Expr(1);
    ValueState in;
    bool first = true;
    for (Value operand : op.getOperands()) {
      const ValueState &s = states[operand];
      if (first) {
        in = s;
        first = false;
        continue;
      }
      if (llvm::isa<AttentionOp>(op)) {
        // Cross-attention: every output position sees the whole memory, in
        // one hop from any memory position.
        addPiece(in.depth, 0, maxOver(s.depth, stepLength(operand)));
        PathSummary fromMemory = s.path;
        fromMemory.hops += Expr(1);
        fromMemory.unboundedReach = true;
        in.path = longer(in.path, fromMemory);
        continue;
      }
      in.depth = merge(in.depth, s.depth);
      in.path = longer(in.path, s.path);
    }
    if (in.depth.empty())
      in.depth.emplace(0, Expr());
    Mixing mixing = cost ? cost->mixing : Mixing::Pointwise;
    ValueState out = in;
    switch (mixing) {
    case Mixing::Pointwise:
      out.depth = shifted(in.depth, Expr(1));
      break;
    case Mixing::Full:
      out.depth = Profile{{0, maxOver(in.depth, n) + Expr(1)}};
      out.path.hops += Expr(1);
      out.path.unboundedReach = true;
      break;
    case Mixing::Causal:
      out.depth = causal(in.depth, Expr(1));
      out.path.hops += Expr(1);
      out.path.unboundedReach = true;
      break;
    case Mixing::Window: {
      Profile profile = in.depth;
      Expr firstDilation = cost->dilations.empty() ? Expr(1) : cost->dilations.front();
      unsigned count = cost->dilations.empty() ? 1 : cost->dilations.size();
      for (unsigned i = 0; i < count; ++i) {
        Expr scale = cost->dilations.empty() ? Expr(1) : cost->dilations[i];
        Expr back = rescale(cost->reachBack, scale, firstDilation);
        Expr ahead = rescale(cost->reachAhead, scale, firstDilation);
        profile = window(profile, back, ahead);
        out.path.reach += (back + ahead) * in.path.stride;
        if (scale == Expr(1)) {
          out.path.reachForward += back;
          out.path.reachBackward += ahead;
        } else if (!(back + ahead).isZero()) {
          out.path.dilated = true;
        }
      }
      out.depth = profile;
      out.path.hops += Expr(static_cast<int64_t>(count));
      // A stride applies after the op's own kernels: later ones reach
      // `stride` times as far in the input.
      if (auto conv = llvm::dyn_cast<ConvOp>(op))
        out.path.stride = in.path.stride * conv.getStrideExpr();
      break;
    }
    case Mixing::Recurrent: {
      // An RNN layer, or another op computed as a loop over positions
      // (causal linear attention's running sums).
      auto recurrent = llvm::dyn_cast<RecurrentOp>(op);
      bool bidirectional = recurrent && recurrent.getBidirectional();
      // Each layer: forward h_t = f(h_{t-1}, x_t) gives t + 1 + max offset;
      // the backward direction (n - 1 - t) + 1 + max over s >= t.
      Profile profile = in.depth;
      Expr layers = recurrent ? recurrent.getLayersExpr() : Expr(1);
      auto layerOnce = [&](const Profile &p) {
        Profile next;
        std::optional<Expr> forward;
        for (const auto &[slope, offset] : p)
          forward = forward ? Expr::max(*forward, offset) : offset;
        addPiece(next, 1, *forward + Expr(1));
        if (bidirectional) {
          std::optional<Expr> backward;
          for (const auto &[slope, offset] : p) {
            Expr v = Expr(slope + 1) * (n - Expr(1)) + offset;
            backward = backward ? Expr::max(*backward, v) : v;
          }
          addPiece(next, -1, *backward + Expr(1));
        }
        return next;
      };
      if (auto constant = layers.getConstant(); constant && constant->den == 1 &&
                                                constant->num <= 64) {
        for (int64_t i = 0; i < static_cast<int64_t>(constant->num); ++i)
          profile = layerOnce(profile);
      } else {
        Profile p1 = layerOnce(profile), p2 = layerOnce(p1), p3 = layerOnce(p2);
        Profile combined;
        for (const auto &[slope, o1] : p1) {
          Expr step = p2.count(slope) ? p2.at(slope) - o1 : Expr();
          if (!p3.count(slope) || p3.at(slope) - p2.at(slope) != step)
            result.depthExact = false;
          combined.emplace(slope, o1 + (layers - Expr(1)) * step);
        }
        profile = combined;
      }
      out.depth = profile;
      out.path.hops += layers;
      out.path.recurrent = true;
      out.path.bidirectional |= bidirectional;
      out.path.stridedRecurrence |= in.path.stride != Expr(1);
      break;
    }
    case Mixing::Scan: {
      // A parallel prefix scan: ceil(log2 n) combining levels, plus one
      // step for the projections around it, which is a hop of the path
      // when the convolution before the scan reaches back (reachBack: a
      // kernel of 1 mixes no positions).
      Expr levels = scanLevels(n);
      out.depth = causal(in.depth, levels + Expr(1));
      out.path.hops += levels + (cost->reachBack.isZero() ? Expr() : Expr(1));
      out.path.unboundedReach = true;
      break;
    }
    }
    pruneDominated(out.depth, stepLength(op.getResult(0)));
    return out;
  }

  static Expr rescale(const Expr &reach, const Expr &dilation, const Expr &firstDilation) {
    if (dilation == firstDilation)
      return reach;
    auto scaled = (reach * dilation).divide(firstDilation);
    return scaled ? *scaled : reach * dilation;
  }

  /// out(t) = max_{s <= t} in(s) + step.
  static Profile causal(const Profile &in, const Expr &step) {
    Profile out;
    for (const auto &[slope, offset] : in)
      addPiece(out, slope >= 0 ? slope : 0, offset + step);
    return out;
  }

  /// out(t) = max_{t-back <= s <= t+ahead} in(s) + 1. Exact for flat pieces
  /// and for rising pieces without lookahead; otherwise an upper bound.
  Profile window(const Profile &in, const Expr &back, const Expr &ahead) {
    Profile out;
    for (const auto &[slope, offset] : in) {
      Expr o = offset + Expr(1);
      if (slope > 0 && !ahead.isZero()) {
        o = o + Expr(slope) * ahead;
        result.depthExact = false;
      } else if (slope < 0 && !back.isZero()) {
        o = o + Expr(-slope) * back;
        result.depthExact = false;
      }
      addPiece(out, slope, o);
    }
    return out;
  }

  ModelOp model;
  ModelCost result;
  llvm::DenseMap<Operation *, size_t> layerIndex;
  /// Costs of the primitives inside blocks (shared by identical blocks),
  /// held in innerCostStore.
  llvm::DenseMap<Operation *, const OpCost *> innerCosts;
  std::deque<OpCost> innerCostStore;
  /// Blocks priced by blockCost, by structureHash: their layer indices.
  llvm::DenseMap<size_t, llvm::SmallVector<size_t, 1>> pricedBlocks;
  /// For each layer, the first layer with its very cost (itself unless it
  /// is a block identical to an earlier one).
  std::vector<size_t> costClass;
  /// Decode mode: ops that run once before decoding, not at each step.
  llvm::DenseSet<Operation *> prefill;
};

} // namespace

TrafficElements costopt::trafficOf(const OpCost &cost, const CostOptions &options) {
  Expr weightsRead = cost.weightElementsRead ? *cost.weightElementsRead : cost.params;
  TrafficElements forward{cost.readElements + cost.outputElements, weightsRead, Expr()};
  // One decoding step reads the whole cache or state it attends to, so its
  // traffic grows with the context length.
  if (options.mode == CostMode::Decode)
    forward.cache = cost.kvCacheElements;
  // Backward: read the saved activations and the output gradient, write the
  // input gradient; read the weights and write their gradients.
  TrafficElements backward{Expr(2) * (cost.readElements + cost.outputElements),
                           Expr(2) * cost.params, Expr()};
  // Full recomputation runs the forward again first.
  if (cost.rerunInBackward) {
    backward.activations += forward.activations;
    backward.weights += forward.weights;
  }
  return {combineForMode(options.mode, forward.activations, backward.activations),
          combineForMode(options.mode, forward.weights, backward.weights),
          combineForMode(options.mode, forward.cache, backward.cache)};
}

Expr costopt::trafficElementsOf(const OpCost &cost, const CostOptions &options) {
  TrafficElements traffic = trafficOf(cost, options);
  return traffic.activations + traffic.weights + traffic.cache;
}

mlir::FailureOr<ModelCost> costopt::analyzeModel(ModelOp model, const CostOptions &options) {
  return ModelAnalysis(model, options).run();
}

TableRowFigures costopt::tableRowFigures(const LayerCost &layer) {
  TableRowFigures figures;
  Operation *op = layer.op;
  Value input = op->getNumOperands() ? op->getOperand(0) : Value();
  Expr n = input ? lengthOfValue(input) : Expr(1);
  const OpCost &cost = layer.cost;
  switch (cost.mixing) {
  case Mixing::Pointwise:
    figures.sequentialOps = Expr(1);
    figures.pathLength = Expr(1);
    break;
  case Mixing::Full:
  case Mixing::Causal:
    figures.sequentialOps = Expr(1);
    figures.pathLength = Expr(1);
    break;
  case Mixing::Window: {
    figures.sequentialOps = Expr(1);
    Expr reach = cost.reachBack + cost.reachAhead;
    if (reach.isZero()) { // kernel 1 or window 1: nothing moves
      figures.neverConnects = true;
      figures.pathLength = Expr(1);
      break;
    }
    // A geometric dilation schedule 1, k, k², ... with kernel k doubles the
    // reach per layer: ceil(log_k(n)) layers connect n positions.
    if (auto conv = llvm::dyn_cast<ConvOp>(op); conv && cost.dilations.size() > 1) {
      Expr k = conv.getKernel().getExpr();
      bool geometric = true;
      Expr expected(1);
      for (const Expr &d : cost.dilations) {
        geometric &= d == expected;
        expected *= k;
      }
      if (geometric) {
        figures.pathLength = Expr::ceilDiv(Expr::log(k, n), Expr(1));
        break;
      }
    }
    // Contiguous windows: ceil((n - 1) / reach) hops connect the ends. A
    // symbolic reach that is 0 only at some values (r - 1 at r = 1) makes
    // evaluation there a division-by-zero error, never a number.
    figures.pathLength = Expr::ceilDiv(n - Expr(1), reach);
    break;
  }
  case Mixing::Recurrent:
    figures.sequentialOps = n;
    figures.pathLength = n;
    break;
  case Mixing::Scan: {
    Expr levels = scanLevels(n);
    figures.sequentialOps = levels + Expr(1);
    figures.pathLength = levels + Expr(1);
    break;
  }
  }
  return figures;
}
