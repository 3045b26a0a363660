//===- DecomposeLayers.cpp - Built-in layers as primitives ----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Rewrites built-in layers into nn.block regions of primitives, written as
// an unfused implementation computes them, so the generic analysis of the
// primitives gives a second, independent derivation of every cost. Where
// the two differ by convention (a layer rule that ignores per-row
// statistics, or counts σ(x) as one evaluation), docs/Dialect.md names the
// difference. Layers without a decomposition yet stay as they are: the
// analyses take models that mix both levels.
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Interfaces/CostModel.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"

#include <cmath>

namespace costopt {
#define GEN_PASS_DEF_DECOMPOSELAYERS
#include "costopt/Transforms/Passes.h.inc"
} // namespace costopt

using namespace costopt;
using namespace costopt::nn;
using namespace mlir;
using sym::Expr;

namespace {

using BodyFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Builds primitives inside one nn.block.
class PrimitiveBuilder {
public:
  PrimitiveBuilder(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  Type seq(llvm::ArrayRef<Expr> shape) { return SeqType::get(b.getContext(), shape); }
  Type tensor(llvm::ArrayRef<Expr> shape) { return NNTensorType::get(b.getContext(), shape); }

  Value param(llvm::ArrayRef<Expr> shape) {
    return ParamOp::create(b, loc, tensor(shape)).getResult();
  }

  /// `size` entries of `v` along `axis` from `offset` (nn.extract), of
  /// `v`'s kind (a sequence or a tensor).
  Value slice(Value v, unsigned axis, const Expr &offset, const Expr &size) {
    llvm::SmallVector<Expr> shape = shapeExprsOf(v.getType());
    shape[axis] = size;
    Type type = llvm::isa<SeqType>(v.getType()) ? seq(shape) : tensor(shape);
    return ExtractOp::create(b, loc, type, v, DimAttr::get(b.getContext(), Expr(int64_t(axis))),
                             DimAttr::get(b.getContext(), offset))
        .getResult();
  }

  ArrayAttr dims(llvm::ArrayRef<Expr> exprs) {
    llvm::SmallVector<Attribute> attrs;
    for (const Expr &e : exprs)
      attrs.push_back(DimAttr::get(b.getContext(), e));
    return b.getArrayAttr(attrs);
  }

  AffineMap projection(unsigned numDims, unsigned numSymbols, llvm::ArrayRef<unsigned> d) {
    llvm::SmallVector<AffineExpr> exprs;
    for (unsigned i : d)
      exprs.push_back(b.getAffineDimExpr(i));
    return AffineMap::get(numDims, numSymbols, exprs, b.getContext());
  }

  /// Sizes inside affine maps and sets: an integer as a constant, any other
  /// size as a symbol that the op's `symbols` binds.
  class MapSizes {
  public:
    explicit MapSizes(OpBuilder &b) : b(b) {}
    AffineExpr operator()(const Expr &size) {
      if (auto c = size.getConstant(); c && c->den == 1)
        return b.getAffineConstantExpr(int64_t(c->num));
      symbols.push_back(size);
      return b.getAffineSymbolExpr(symbols.size() - 1);
    }
    llvm::SmallVector<Expr> symbols;

  private:
    OpBuilder &b;
  };

  /// A band mask over dims (p, k): -below <= k - p <= above, given as
  /// symbols s0 (above) and s1 (below) where present.
  struct Mask {
    IntegerSetAttr set;
    ArrayAttr symbols;
  };
  std::optional<Mask> band(unsigned numDims, unsigned p, unsigned k,
                           std::optional<Expr> above, std::optional<Expr> below) {
    if (!above && !below)
      return std::nullopt;
    llvm::SmallVector<AffineExpr> constraints;
    MapSizes bound(b);
    AffineExpr dp = b.getAffineDimExpr(p), dk = b.getAffineDimExpr(k);
    if (above)
      constraints.push_back(dp - dk + bound(*above)); // k - p <= above
    if (below)
      constraints.push_back(dk - dp + bound(*below)); // p - k <= below
    llvm::SmallVector<bool> eq(constraints.size(), false);
    auto set = IntegerSet::get(numDims, bound.symbols.size(), constraints, eq);
    return Mask{IntegerSetAttr::get(set),
                bound.symbols.empty() ? ArrayAttr() : dims(bound.symbols)};
  }

  Value contract(Value lhs, Value rhs, Value bias, unsigned numDims,
                 llvm::ArrayRef<unsigned> l, llvm::ArrayRef<unsigned> r,
                 llvm::ArrayRef<unsigned> out, Type resultType,
                 const std::optional<Mask> &mask = std::nullopt) {
    unsigned numSymbols = mask && mask->symbols ? mask->symbols.size() : 0;
    ArrayAttr maps = b.getArrayAttr({AffineMapAttr::get(projection(numDims, numSymbols, l)),
                                     AffineMapAttr::get(projection(numDims, numSymbols, r)),
                                     AffineMapAttr::get(projection(numDims, numSymbols, out))});
    // Masks built for another op's domain are rebuilt for this one by the
    // callers; here they must already match numDims.
    auto op = ContractOp::create(b, loc, resultType, lhs, rhs, bias, maps,
                                   mask ? mask->set : IntegerSetAttr(),
                                   mask ? mask->symbols : ArrayAttr());
    return op.getResult();
  }

  /// A contraction whose operands are read at affine indices (`l`, `r`)
  /// over `numDims` dimensions; `sizes` holds the symbols they use.
  Value contract(Value lhs, Value rhs, Value bias, unsigned numDims,
                 llvm::ArrayRef<AffineExpr> l, llvm::ArrayRef<AffineExpr> r,
                 llvm::ArrayRef<unsigned> out, Type resultType, const MapSizes &sizes) {
    unsigned numSymbols = sizes.symbols.size();
    auto map = [&](llvm::ArrayRef<AffineExpr> exprs) {
      return AffineMapAttr::get(AffineMap::get(numDims, numSymbols, exprs, b.getContext()));
    };
    ArrayAttr maps = b.getArrayAttr(
        {map(l), map(r), AffineMapAttr::get(projection(numDims, numSymbols, out))});
    return ContractOp::create(b, loc, resultType, lhs, rhs, bias, maps, IntegerSetAttr(),
                              numSymbols ? dims(sizes.symbols) : ArrayAttr())
        .getResult();
  }

  /// `sizes` become body arguments after the inputs' (nn.map `sizes`).
  Value map(ValueRange inputs, Type resultType, BodyFn body,
            const std::optional<Mask> &mask = std::nullopt, llvm::ArrayRef<Expr> sizes = {}) {
    auto op = MapOp::create(b, loc, resultType, inputs, sizes.empty() ? ArrayAttr() : dims(sizes),
                            mask ? mask->set : IntegerSetAttr(),
                            mask ? mask->symbols : ArrayAttr());
    Block *block = b.createBlock(&op.getBody());
    for (size_t i = 0; i < inputs.size() + sizes.size(); ++i)
      block->addArgument(b.getF32Type(), loc);
    OpBuilder inner = OpBuilder::atBlockEnd(block);
    Value result = body(inner, loc, block->getArguments());
    YieldOp::create(inner, loc, ValueRange{result});
    b.setInsertionPointAfter(op);
    return op.getResult();
  }

  Value reduce(Value input, llvm::StringRef kind, unsigned dim, Type resultType,
               const std::optional<Mask> &mask = std::nullopt) {
    return ReduceOp::create(b, loc, resultType, input, b.getStringAttr(kind),
                            dims({Expr(static_cast<int64_t>(dim))}),
                            mask ? mask->set : IntegerSetAttr(),
                            mask ? mask->symbols : ArrayAttr())
        .getResult();
  }

  OpBuilder &b;
  Location loc;
};

Value constant(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(static_cast<float>(value)));
}

/// An activation's formula, written with arith and math ops.
std::optional<Value> activation(OpBuilder &b, Location loc, llvm::StringRef kind, Value x) {
  auto sigmoidTimes = [&](Value scaled, Value numerator) -> Value {
    // numerator / (1 + exp(-scaled)): x·σ(x) without a separate product.
    Value neg = arith::NegFOp::create(b, loc, scaled);
    Value e = math::ExpOp::create(b, loc, neg);
    Value den = arith::AddFOp::create(b, loc, e, constant(b, loc, 1.0));
    return arith::DivFOp::create(b, loc, numerator, den);
  };
  if (kind == "relu")
    return arith::MaximumFOp::create(b, loc, x, constant(b, loc, 0.0)).getResult();
  if (kind == "tanh")
    return math::TanhOp::create(b, loc, x).getResult();
  if (kind == "sigmoid")
    return sigmoidTimes(x, constant(b, loc, 1.0));
  if (kind == "silu" || kind == "swish")
    return sigmoidTimes(x, x);
  if (kind == "quick_gelu")
    return sigmoidTimes(arith::MulFOp::create(b, loc, x, constant(b, loc, 1.702)), x);
  if (kind == "gelu") {
    // x · ½(1 + erf(x/√2)).
    Value t = arith::MulFOp::create(b, loc, x, constant(b, loc, M_SQRT1_2));
    Value erf = math::ErfOp::create(b, loc, t);
    Value one = arith::AddFOp::create(b, loc, erf, constant(b, loc, 1.0));
    Value half = arith::MulFOp::create(b, loc, one, constant(b, loc, 0.5));
    return arith::MulFOp::create(b, loc, half, x).getResult();
  }
  if (kind == "gelu_tanh") {
    // ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    Value x2 = arith::MulFOp::create(b, loc, x, x);
    Value x3 = arith::MulFOp::create(b, loc, x2, x);
    Value c = arith::MulFOp::create(b, loc, x3, constant(b, loc, 0.044715));
    Value inner = arith::AddFOp::create(b, loc, c, x);
    Value scaled = arith::MulFOp::create(b, loc, inner, constant(b, loc, 0.7978845608028654));
    Value t = math::TanhOp::create(b, loc, scaled);
    Value one = arith::AddFOp::create(b, loc, t, constant(b, loc, 1.0));
    Value hx = arith::MulFOp::create(b, loc, one, x);
    return arith::MulFOp::create(b, loc, hx, constant(b, loc, 0.5)).getResult();
  }
  return std::nullopt;
}

/// A size's value where a body needs it as a number (1/d, 1/√e): at the
/// model's defaults when it is symbolic. No count depends on it; lowering
/// binds the sizes before it runs anything.
double valueAtDefaults(Operation *op, const Expr &size) {
  sym::Bindings defaults;
  if (auto model = op->getParentOfType<ModelOp>())
    defaults = model.getDefaultBindings();
  if (auto value = sym::evaluateApprox(size, defaults))
    return *value;
  else
    llvm::consumeError(value.takeError());
  return 1.0;
}

llvm::SmallVector<unsigned> range(unsigned begin, unsigned end) {
  llvm::SmallVector<unsigned> r;
  for (unsigned i = begin; i < end; ++i)
    r.push_back(i);
  return r;
}

llvm::SmallVector<unsigned> concat(llvm::ArrayRef<unsigned> a, llvm::ArrayRef<unsigned> c) {
  llvm::SmallVector<unsigned> r(a.begin(), a.end());
  r.append(c.begin(), c.end());
  return r;
}

llvm::SmallVector<Expr> withLast(llvm::ArrayRef<Expr> shape, const Expr &last) {
  llvm::SmallVector<Expr> r(shape.begin(), shape.end());
  r.back() = last;
  return r;
}

class Decomposer {
public:
  explicit Decomposer(OpBuilder &builder) : builder(builder) {}

  /// Replaces `op` by blocks; false when it has no decomposition.
  bool run(Operation *op) {
    if (isSharedTable(op))
      return runSharedTable(op);
    if (!canDecompose(op))
      return false;
    builder.setInsertionPoint(op);
    Value result;
    if (auto rnn = llvm::dyn_cast<RecurrentOp>(op)) {
      // Stacked layers are layers: one block each, so that each is one row
      // and one step of depth on top of its recurrence, as the layer rule
      // counts them.
      auto layer = [&](PrimitiveBuilder &p, ValueRange in) {
        return buildRecurrentLayer(rnn, p, in[0]);
      };
      result = rnn.getInput();
      StackForm form = *stackFormOf(rnn);
      if (form == StackForm::Unrolled) {
        for (int64_t i = 0, e = *integerOf(rnn.getLayersExpr()); i < e; ++i)
          result = emitBlock(op, result, layer);
      } else {
        // A symbolic or long stack: an nn.repeat of the layers that read
        // what a layer writes (all L, or the L - 1 after the first).
        Expr repeated = rnn.getLayersExpr();
        if (form == StackForm::FirstThenRepeat) {
          result = emitBlock(op, result, layer);
          repeated = repeated - Expr(1);
        }
        auto repeat = RepeatOp::create(builder, op->getLoc(), TypeRange{result.getType()},
                                       DimAttr::get(op->getContext(), repeated),
                                       ValueRange{result}, UnitAttr());
        Block *body = builder.createBlock(&repeat.getBody());
        body->addArgument(result.getType(), op->getLoc());
        builder.setInsertionPointToEnd(body);
        Value next = emitBlock(op, body->getArgument(0), layer);
        YieldOp::create(builder, op->getLoc(), ValueRange{next});
        builder.setInsertionPointAfter(repeat);
        result = repeat.getResult(0);
      }
    } else if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      // A dilation schedule is a stack of layers, each one step after the
      // previous (the layer rule's depth): one block per layer.
      result = conv.getInput();
      for (const Expr &dilation : conv.getDilationExprs())
        result = emitBlock(op, result, [&](PrimitiveBuilder &p, ValueRange in) {
          return buildConvLayer(conv, constantOf(dilation), p, in[0]);
        });
    } else {
      result = emitBlock(op, op->getOperands(), [&](PrimitiveBuilder &p, ValueRange in) {
        return build(op, p, in);
      });
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    return true;
  }

private:
  /// Embedding tables shared by `tied` lookups and LM heads, by vocabulary:
  /// one nn.param at the model's top level, an input of every block that
  /// reads it, so its elements are counted once.
  llvm::DenseMap<ModelOp, llvm::SmallVector<std::pair<Expr, Value>>> sharedTables;

  static Value lookupTable(llvm::ArrayRef<std::pair<Expr, Value>> tables, const Expr &vocab) {
    for (const auto &[v, table] : tables)
      if (v == vocab)
        return table;
    return Value();
  }

  /// An embedding, or a tied embedding or LM head, whose model has a tied
  /// lookup of the same vocabulary: the table is shared. Its owner (an
  /// untied embedding) is at the model's top level; tied lookups and heads
  /// are there or in nn.repeat bodies, which read the one table at every
  /// iteration. (Elsewhere, e.g. in a layer definition, tied ops stay
  /// layers.)
  static bool isSharedTable(Operation *op) {
    auto model = op->getParentOfType<ModelOp>();
    if (!model)
      return false;
    for (Operation *parent = op->getParentOp(); parent != model.getOperation();
         parent = parent->getParentOp())
      if (!llvm::isa<RepeatOp>(parent))
        return false;
    std::optional<Expr> vocab = vocabularyOf(op);
    // An untied embedding inside a repeat has a table per iteration; an
    // untied LM head owns its own.
    if (!vocab || (!isTied(op) && (!llvm::isa<EmbeddingOp>(op) ||
                                   op->getParentOp() != model.getOperation())))
      return false;
    bool shared = false;
    model.walk([&](Operation *other) {
      shared |= isTied(other) && vocabularyOf(other) == vocab;
    });
    return shared;
  }

  /// A tied nn.embedding or nn.unembedding.
  static bool isTied(Operation *op) {
    if (auto e = llvm::dyn_cast<EmbeddingOp>(op))
      return e.getTied();
    if (auto u = llvm::dyn_cast<UnembeddingOp>(op))
      return u.getTied();
    return false;
  }

  /// The vocabulary of an nn.embedding or nn.unembedding.
  static std::optional<Expr> vocabularyOf(Operation *op) {
    if (auto e = llvm::dyn_cast<EmbeddingOp>(op))
      return e.getVocab().getExpr();
    if (auto u = llvm::dyn_cast<UnembeddingOp>(op))
      return u.getVocab().getExpr();
    return std::nullopt;
  }

  /// The owner (the first untied embedding of the vocabulary) makes the
  /// table; the tied ops after it read it. A tied op before any owner has
  /// no table to read: it stays a layer.
  bool runSharedTable(Operation *op) {
    auto model = op->getParentOfType<ModelOp>();
    llvm::SmallVector<std::pair<Expr, Value>> &tables = sharedTables[model];
    auto embedding = llvm::dyn_cast<EmbeddingOp>(op);
    Expr vocab = embedding ? embedding.getVocab().getExpr()
                           : llvm::cast<UnembeddingOp>(op).getVocab().getExpr();
    Value table = lookupTable(tables, vocab);
    bool tied = embedding ? embedding.getTied() : true;
    if (tied != bool(table))
      return false;
    // A reader of another width than the table's (a head after a
    // projection to e != d) cannot share it: it stays a layer.
    if (table) {
      Expr width = embedding ? embedding.getResult().getType().getDimExpr(-1)
                             : llvm::cast<UnembeddingOp>(op).getInput().getType().getDimExpr(-1);
      if (shapeExprsOf(table.getType())[1] != width)
        return false;
    }
    builder.setInsertionPoint(op);
    if (!tied) {
      Expr d = embedding.getResult().getType().getDimExpr(-1);
      auto type = NNTensorType::get(builder.getContext(), {vocab, d});
      table = ParamOp::create(builder, op->getLoc(), type).getResult();
      tables.push_back({vocab, table});
    }
    Value result;
    if (embedding) {
      result = emitBlock(op, ValueRange{embedding.getInput(), table},
                         [&](PrimitiveBuilder &p, ValueRange in) {
                           return GatherOp::create(p.b, p.loc, embedding.getResult().getType(),
                                                   in[1], in[0])
                               .getResult();
                         });
    } else {
      auto head = llvm::cast<UnembeddingOp>(op);
      // logits(b..., t, o) = Σ_i x(b..., t, i) · table(o, i) [+ bias(o)].
      result = emitBlock(op, ValueRange{head.getInput(), table},
                         [&](PrimitiveBuilder &p, ValueRange in) {
                           auto type = llvm::cast<SeqType>(in[0].getType());
                           unsigned rank = type.getRank();
                           Value bias = head.getBias() ? p.param({vocab}) : Value();
                           return p.contract(in[0], in[1], bias, rank + 1, range(0, rank),
                                             {rank, rank - 1},
                                             concat(range(0, rank - 1), {rank}),
                                             head.getResult().getType());
                         });
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    return true;
  }

  /// An nn.block named after `op` over `inputs`, of `op`'s result type,
  /// whose body `body` builds.
  Value emitBlock(Operation *op, ValueRange inputs,
                  llvm::function_ref<Value(PrimitiveBuilder &, ValueRange)> body) {
    Location loc = op->getLoc();
    auto block = BlockOp::create(builder, loc, op->getResultTypes(),
                                 builder.getStringAttr(op->getName().getStringRef()), inputs);
    Block *entry = builder.createBlock(&block.getBody());
    for (Value input : inputs)
      entry->addArgument(input.getType(), loc);
    OpBuilder inner = OpBuilder::atBlockEnd(entry);
    PrimitiveBuilder p(inner, loc);
    Value result = body(p, entry->getArguments());
    YieldOp::create(inner, loc, ValueRange{result});
    builder.setInsertionPointAfter(block);
    return block.getResult(0);
  }

  static std::optional<int64_t> integerOf(const Expr &size) {
    auto c = size.getConstant();
    if (!c || c->den != 1)
      return std::nullopt;
    return int64_t(c->num);
  }
  static int64_t constantOf(const Expr &size) { return *integerOf(size); }

  /// An index map multiplies a dimension by an integer only, so a symbolic
  /// stride or dilation (t·s, j·s) has no primitive form yet; nor have
  /// groups other than one, every channel (depthwise) or a constant count.
  static std::string whyConvStays(ConvOp conv) {
    if (!integerOf(conv.getStrideExpr()) ||
        !llvm::all_of(conv.getDilationExprs(),
                      [](const Expr &d) { return integerOf(d).has_value(); }))
      return "its stride or dilation is a symbol, and an index map multiplies a position by "
             "an integer only";
    if (conv.getSeparable())
      return "";
    Expr groups = conv.getGroupsExpr();
    Expr cin = conv.getInput().getType().getDimExpr(-1);
    Expr cout = conv.getResult().getType().getDimExpr(-1);
    if (groups == Expr(1) || (groups == cin && cout == cin) || integerOf(groups))
      return "";
    return "its group count is a symbol other than the channel count (depthwise)";
  }

  static bool hasEvenHeadDim(AttentionOp attention) {
    auto model = attention->getParentOfType<ModelOp>();
    if (!model)
      return false;
    auto assumptions = model.getAssumptions();
    return succeeded(assumptions) &&
           isKnownIntegral(attention.getHeadDimExpr() * Expr(sym::Rational(1, 2)), *assumptions);
  }

  /// How a recurrent stack of L layers is written: unrolled, one block per
  /// layer (each its own row of the report) where L is a constant up to
  /// kMaxUnrolledLayers; otherwise the first layer and an nn.repeat of the
  /// L - 1 others where the model proves L >= 2 (a repeat runs at least
  /// once), or a repeat of all L layers where the input already has the
  /// layers' output type. None where neither holds or where the repeat
  /// would nest deeper than the dialect allows: the stack then stays a
  /// layer.
  enum class StackForm { Unrolled, Repeat, FirstThenRepeat };
  static constexpr int64_t kMaxUnrolledLayers = 64;
  static std::optional<StackForm> stackFormOf(RecurrentOp rnn) {
    Expr layers = rnn.getLayersExpr();
    if (auto count = integerOf(layers); count && *count >= 1 && *count <= kMaxUnrolledLayers)
      return StackForm::Unrolled;
    unsigned depth = repeatDepthOf(rnn);
    if (depth >= kMaxRepeatNesting)
      return std::nullopt;
    if (integerOf(layers)) // a constant above kMaxUnrolledLayers
      return StackForm::FirstThenRepeat;
    auto model = rnn->getParentOfType<ModelOp>();
    auto assumptions = model ? model.getAssumptions() : FailureOr<sym::Assumptions>(failure());
    if (succeeded(assumptions) &&
        sym::isNonNegative(sym::decideSign(layers - Expr(2), *assumptions)))
      return StackForm::FirstThenRepeat;
    if (rnn.getInput().getType() == rnn.getResult().getType())
      return StackForm::Repeat;
    return std::nullopt;
  }

  static unsigned repeatDepthOf(Operation *op) {
    unsigned depth = 0;
    for (Operation *parent = op->getParentOp(); parent; parent = parent->getParentOp())
      depth += llvm::isa<RepeatOp>(parent);
    return depth;
  }

public:
  /// Why `op` stays a layer: a sentence, empty where it decomposes.
  static std::string whyItStays(Operation *op) {
    if (isSharedTable(op)) {
      return isTied(op) ? "a tied lookup or LM head reads the table of an untied embedding of the "
                    "same vocabulary and width before it at the model's top level, and this "
                    "one has none"
                  : "";
    }
    if (auto conv = llvm::dyn_cast<ConvOp>(op))
      return whyConvStays(conv);
    if (auto attention = llvm::dyn_cast<AttentionOp>(op)) {
      // Rotary positions rotate the two halves of each head vector: the
      // model must say they exist, or the halves are not sizes.
      if (attention.getRotary() && !hasEvenHeadDim(attention))
        return "rotary positions rotate the two halves of each head vector: state an even "
               "head dimension in the model's where clause (e.g. 'd mod (2*h) == 0')";
      // Every kind decomposes (flash computes what softmax attention
      // computes; it differs in what it stores and recomputes,
      // docs/Dialect.md); the verifier allows no windowed or flash linear
      // attention.
      if (!llvm::is_contained({2, 3}, attention.getInput().getType().getRank()))
        return "attention decomposes on [n, d] and [b, n, d] inputs only";
      return "";
    }
    if (llvm::isa<EmbeddingOp, UnembeddingOp>(op)) {
      return isTied(op) ? "a tied table is shared only between lookups and heads at a model's top "
                    "level or in its nn.repeat bodies, not inside a layer definition"
                  : "";
    }
    if (auto positional = llvm::dyn_cast<PositionalOp>(op))
      return positional.getKind() == "sinusoidal" || positional.getMaxLenAttr()
                 ? ""
                 : "learned positions need their table's length ('max_len')";
    if (auto rnn = llvm::dyn_cast<RecurrentOp>(op)) {
      if (stackFormOf(rnn))
        return "";
      if (repeatDepthOf(rnn) >= kMaxRepeatNesting)
        return "its stack would be an nn.repeat nested deeper than " +
               std::to_string(kMaxRepeatNesting) + " levels";
      return "a stack of " + formatSizeExpr(rnn.getLayersExpr()) +
             " layers whose input width differs from their output's is the first layer and "
             "an nn.repeat of the others, which runs at least once: state '" +
             formatSizeExpr(rnn.getLayersExpr()) + " >= 2' in the model's where clause";
    }
    if (llvm::isa<LinearOp, FFNOp, MoEOp, ScanOp, AddOp, ActivationOp, SoftmaxOp, LayerNormOp,
                  RMSNormOp, SliceOp>(op))
      return "";
    return "it has no decomposition";
  }

private:
  static bool canDecompose(Operation *op) { return whyItStays(op).empty(); }

  Value build(Operation *op, PrimitiveBuilder &p, ValueRange in) {
    if (auto linear = llvm::dyn_cast<LinearOp>(op))
      return project(p, in[0], linear.getResult().getType().getDimExpr(-1),
                     !linear.getNoBias());
    if (auto ffn = llvm::dyn_cast<FFNOp>(op))
      return buildFFN(ffn, p, in[0]);
    if (auto ssm = llvm::dyn_cast<ScanOp>(op))
      return buildSelectiveScan(ssm, p, in[0]);
    if (auto moe = llvm::dyn_cast<MoEOp>(op))
      return buildMixtureOfExperts(moe, p, in[0]);
    if (auto slice = llvm::dyn_cast<SliceOp>(op)) {
      // The first `length` positions (BERT's pooler keeps [CLS]).
      unsigned positions = slice.getInput().getType().getRank() - 2;
      return p.slice(in[0], positions, Expr(0), slice.getLength().getExpr());
    }
    if (llvm::isa<AddOp>(op))
      return p.map(in, op->getResult(0).getType(), [](OpBuilder &b, Location loc, ValueRange a) {
        return arith::AddFOp::create(b, loc, a[0], a[1]).getResult();
      });
    if (auto act = llvm::dyn_cast<ActivationOp>(op)) {
      std::string kind = act.getKind().str();
      return p.map(in, op->getResult(0).getType(), [&](OpBuilder &b, Location loc, ValueRange a) {
        return *activation(b, loc, kind, a[0]);
      });
    }
    if (llvm::isa<SoftmaxOp>(op))
      return softmax(p, in[0], std::nullopt);
    if (auto norm = llvm::dyn_cast<LayerNormOp>(op))
      return buildNorm(p, in[0], /*centre=*/true, !norm.getNoBias());
    if (llvm::isa<RMSNormOp>(op))
      return buildNorm(p, in[0], /*centre=*/false, /*bias=*/false);
    if (auto e = llvm::dyn_cast<EmbeddingOp>(op)) {
      Expr d = e.getResult().getType().getDimExpr(-1);
      Value table = p.param({e.getVocab().getExpr(), d});
      return GatherOp::create(p.b, p.loc, e.getResult().getType(), table, in[0]).getResult();
    }
    if (auto u = llvm::dyn_cast<UnembeddingOp>(op))
      return project(p, in[0], u.getVocab().getExpr(), u.getBias());
    if (auto positional = llvm::dyn_cast<PositionalOp>(op)) {
      // x + table[position]: a fixed [n, d] encoding (sinusoidal), or the
      // first n rows of the [max_len, d] trained table (a slice, whose end
      // n <= max_len is checked at every evaluated point), broadcast over
      // the batch.
      SeqType input = positional.getInput().getType();
      Expr n = input.getDimExpr(-2), d = input.getDimExpr(-1);
      llvm::SmallVector<Expr> rows{n, d};
      Value table;
      if (positional.getKind() == "sinusoidal") {
        table = ConstantOp::create(p.b, p.loc, p.seq(rows)).getResult();
      } else {
        Expr maxLen = positional.getMaxLenAttr().getExpr();
        table = p.param({maxLen, d});
        if (maxLen != n)
          table = p.slice(table, 0, Expr(0), n);
      }
      return p.map({in[0], table}, op->getResult(0).getType(),
                   [](OpBuilder &b, Location loc, ValueRange a) {
                     return arith::AddFOp::create(b, loc, a[0], a[1]).getResult();
                   });
    }
    return buildAttention(llvm::cast<AttentionOp>(op), p, in);
  }

  /// One Elman, LSTM or GRU layer, each direction an nn.recur whose step is
  /// the cell written out as PyTorch computes it: the input projection of
  /// all steps first (x·W_ih + b_ih), then per step h·W_hh + b_hh, their
  /// sum, the gates and the new states. The initial states are fixed
  /// tensors (zero in practice).
  Value buildRecurrentLayer(RecurrentOp op, PrimitiveBuilder &p, Value x) {
    llvm::StringRef cell = op.getCell();
    int64_t gates = cell == "lstm" ? 4 : (cell == "gru" ? 3 : 1);
    Expr hidden = op.getHidden().getExpr();
    Expr gateUnits = Expr(gates) * hidden;
    bool bias = !op.getNoBias();
    OpBuilder &b = p.b;
    Location loc = p.loc;
    Value input = x;
    {
      llvm::SmallVector<Value> directions;
      for (int64_t direction = 0; direction < op.getDirections(); ++direction) {
        Value pre = project(p, input, gateUnits, bias);
        llvm::SmallVector<Expr> stateShape = llvm::cast<SeqType>(pre.getType()).getShapeExprs();
        stateShape.erase(stateShape.end() - 2);
        stateShape.back() = hidden;
        llvm::SmallVector<Expr> gateShape(stateShape);
        gateShape.back() = gateUnits;
        unsigned rank = stateShape.size();
        Value whh = p.param({hidden, gateUnits});
        Value bhh = bias ? p.param({gateUnits}) : Value();
        llvm::SmallVector<Value> operands{pre, ConstantOp::create(b, loc, p.tensor(stateShape))};
        if (cell == "lstm")
          operands.push_back(ConstantOp::create(b, loc, p.tensor(stateShape)));
        llvm::SmallVector<Type> results;
        llvm::SmallVector<Expr> seqShape(stateShape);
        seqShape.insert(seqShape.end() - 1, llvm::cast<SeqType>(pre.getType()).getDimExpr(-2));
        for (size_t i = 1; i < operands.size(); ++i)
          results.push_back(p.seq(seqShape));
        auto recur = RecurOp::create(b, loc, results, operands, b.getI64IntegerAttr(1),
                                     direction ? b.getUnitAttr() : UnitAttr());
        Block *body = b.createBlock(&recur.getBody());
        body->addArgument(p.tensor(gateShape), loc);
        for (size_t i = 1; i < operands.size(); ++i)
          body->addArgument(p.tensor(stateShape), loc);
        {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToEnd(body);
          llvm::SmallVector<Value> next =
              cellStep(p, cell, body->getArgument(0), body->getArguments().drop_front(), whh,
                       bhh, hidden, rank);
          YieldOp::create(b, loc, next);
        }
        b.setInsertionPointAfter(recur);
        directions.push_back(recur.getResult(0));
      }
      if (directions.size() == 1)
        return directions.front();
      llvm::SmallVector<Expr> shape = llvm::cast<SeqType>(directions[0].getType()).getShapeExprs();
      shape.back() = Expr(2) * hidden;
      input = ConcatOp::create(b, loc, p.seq(shape), directions,
                               DimAttr::get(b.getContext(), Expr(int64_t(shape.size() - 1))))
                  .getResult();
    }
    return input;
  }

  /// One step of a cell: `pre` is x_t·W_ih + b_ih, `states` (h[, c]).
  llvm::SmallVector<Value> cellStep(PrimitiveBuilder &p, llvm::StringRef cell, Value pre,
                                    ValueRange states, Value whh, Value bhh, const Expr &hidden,
                                    unsigned rank) {
    Value h = states[0];
    Type gatesType = pre.getType(), stateType = h.getType();
    // h·W_hh (+ b_hh): [B..., H] x [H, G·H].
    auto recurrentProjection = [&](Value addend) {
      Value z = p.contract(h, whh, addend, rank + 1, range(0, rank), {rank - 1, rank},
                           concat(range(0, rank - 1), {rank}), gatesType);
      if (!bhh)
        return z;
      return p.map({z, bhh}, gatesType, [](OpBuilder &b, Location loc, ValueRange a) {
        return arith::AddFOp::create(b, loc, a[0], a[1]).getResult();
      });
    };
    auto gate = [&](Value all, int64_t index) {
      return p.slice(all, rank - 1, Expr(index) * hidden, hidden);
    };
    auto sigmoid = [&](OpBuilder &b, Location loc, Value v) {
      return *activation(b, loc, "sigmoid", v);
    };
    if (cell == "elman") {
      // The input projection enters as the contraction's bias: the sum of
      // the two projections, one add per unit.
      Value z = recurrentProjection(pre);
      return {p.map({z}, stateType, [](OpBuilder &b, Location loc, ValueRange a) {
        return math::TanhOp::create(b, loc, a[0]).getResult();
      })};
    }
    if (cell == "lstm") {
      Value z = recurrentProjection(pre);
      Value c = states[1];
      Value cn = p.map({gate(z, 0), gate(z, 1), gate(z, 2), c}, stateType,
                       [&](OpBuilder &b, Location loc, ValueRange a) {
                         Value keep = arith::MulFOp::create(b, loc, sigmoid(b, loc, a[1]), a[3]);
                         Value input = sigmoid(b, loc, a[0]);
                         Value candidate = math::TanhOp::create(b, loc, a[2]);
                         Value write = arith::MulFOp::create(b, loc, input, candidate);
                         return arith::AddFOp::create(b, loc, keep, write).getResult();
                       });
      Value hn = p.map({gate(z, 3), cn}, stateType, [&](OpBuilder &b, Location loc, ValueRange a) {
        Value output = sigmoid(b, loc, a[0]);
        Value squashed = math::TanhOp::create(b, loc, a[1]);
        return arith::MulFOp::create(b, loc, output, squashed).getResult();
      });
      return {hn, cn};
    }
    // GRU: the reset gate scales only the hidden part of the candidate,
    // so the two projections stay apart until the gates.
    Value zh = recurrentProjection(Value());
    Value hn = p.map({gate(pre, 0), gate(zh, 0), gate(pre, 1), gate(zh, 1), gate(pre, 2),
                      gate(zh, 2), h},
                     stateType, [&](OpBuilder &b, Location loc, ValueRange a) {
                       Value r = sigmoid(b, loc, arith::AddFOp::create(b, loc, a[0], a[1]));
                       Value u = sigmoid(b, loc, arith::AddFOp::create(b, loc, a[2], a[3]));
                       Value n = math::TanhOp::create(
                           b, loc,
                           arith::AddFOp::create(b, loc, a[4],
                                                 arith::MulFOp::create(b, loc, r, a[5])));
                       // (1 - u)·n + u·h = n + u·(h - n)
                       Value diff = arith::SubFOp::create(b, loc, a[6], n);
                       return arith::AddFOp::create(b, loc, n,
                                                    arith::MulFOp::create(b, loc, u, diff))
                           .getResult();
                     });
    return {hn};
  }

  /// x·W (+ b) over the last dimension.
  Value project(PrimitiveBuilder &p, Value x, const Expr &out, bool bias) {
    auto type = llvm::cast<SeqType>(x.getType());
    llvm::SmallVector<Expr> shape = type.getShapeExprs();
    unsigned rank = shape.size();
    Value w = p.param({shape.back(), out});
    Value b = bias ? p.param({out}) : Value();
    // Dimensions: the input's, then the output feature.
    return p.contract(x, w, b, rank + 1, range(0, rank), {rank - 1, rank},
                      concat(range(0, rank - 1), {rank}), p.seq(withLast(shape, out)));
  }

  Value buildFFN(FFNOp ffn, PrimitiveBuilder &p, Value x) {
    Expr hidden = ffn.getHidden().getExpr();
    bool bias = !ffn.getNoBias();
    std::string kind = ffn.getActivation().str();
    Type out = x.getType();
    Value up = project(p, x, hidden, bias);
    // Both the gate and the up projection carry biases (Shazeer 2020:
    // act(xW + b) ⊙ (xV + c)).
    Value gate = ffn.getGated() ? project(p, x, hidden, bias) : Value();
    Value act = activate(p, up, gate, kind);
    auto type = llvm::cast<SeqType>(out);
    return project(p, act, type.getDimExpr(-1), bias);
  }

  /// act(up), or act(gate) ⊙ up in one pass as a gated layer holds them.
  static Value activate(PrimitiveBuilder &p, Value up, Value gate, llvm::StringRef kind) {
    if (gate)
      return p.map({up, gate}, up.getType(), [&](OpBuilder &b, Location loc, ValueRange a) {
        Value g = *activation(b, loc, kind, a[1]);
        return arith::MulFOp::create(b, loc, g, a[0]).getResult();
      });
    return p.map({up}, up.getType(), [&](OpBuilder &b, Location loc, ValueRange a) {
      return *activation(b, loc, kind, a[0]);
    });
  }

  /// nn.moe under a stated routing: every position runs the experts 0 to
  /// K - 1, weighted by the router's probabilities of those experts. A
  /// top-K routing without capacity limits costs the same FLOPs whichever
  /// experts it picks (each position runs K experts' FFNs and the router
  /// scores all E), so FLOPs, parameters, depth and path are the layer's;
  /// what the routing changes is which weights are read: these read the K
  /// experts they use, where a batch spread over every expert reads all E
  /// (the rule's bytes; docs/Dialect.md). Slots are laid out [.., K, n, f],
  /// the positions second to last; the experts' weights are [E, in, out]
  /// (biases [E, 1, out]), of which the first K are read (nn.extract).
  Value buildMixtureOfExperts(MoEOp op, PrimitiveBuilder &p, Value x) {
    auto type = llvm::cast<SeqType>(x.getType());
    llvm::SmallVector<Expr> shape = type.getShapeExprs();
    unsigned lead = shape.size() - 2;
    Expr n = shape[lead], d = shape.back();
    Expr experts = op.getExperts().getExpr(), k = op.getTopK().getExpr();
    Expr hidden = op.getHidden().getExpr();
    bool bias = !op.getNoBias();
    auto firstK = [&](Value v, unsigned axis) { return p.slice(v, axis, Expr(0), k); };
    auto leading = [&](llvm::ArrayRef<unsigned> rest) { return concat(range(0, lead), rest); };
    auto slots = [&](const Expr &width) {
      llvm::SmallVector<Expr> r(shape.begin(), shape.begin() + lead);
      r.append({k, n, width});
      return p.seq(r);
    };
    Value probabilities = softmax(p, project(p, x, experts, /*bias=*/false), std::nullopt);
    Value gates = firstK(probabilities, lead + 1);
    // Dimensions (lead..., s, t, c, a): slot s, position t, output c,
    // summed input a.
    auto expertProject = [&](Value in, bool perSlot, const Expr &from, const Expr &to) {
      Value w = firstK(p.param({experts, from, to}), 0);
      Value b = bias ? firstK(p.param({experts, Expr(1), to}), 0) : Value();
      unsigned s = lead, t = lead + 1, c = lead + 2, a = lead + 3;
      return p.contract(in, w, b, lead + 4, perSlot ? leading({s, t, a}) : leading({t, a}),
                        {s, a, c}, leading({s, t, c}), slots(to));
    };
    Value up = expertProject(x, false, d, hidden);
    Value gate = op.getGated() ? expertProject(x, false, d, hidden) : Value();
    Value out = expertProject(activate(p, up, gate, op.getActivation()), true, hidden, d);
    // y(.., t, c) = Σ_s gates(.., t, s) · out(.., s, t, c).
    unsigned t = lead, c = lead + 1, s = lead + 2;
    return p.contract(gates, out, Value(), lead + 3, leading({t, s}), leading({s, t, c}),
                      leading({t, c}), type);
  }

  /// A Mamba block as Gu & Dao's reference computes it (mamba_simple.py,
  /// selective_scan_ref), over channels c = E·d and state size N:
  ///   x, z   = split(in_proj(u))                  (d → 2·c, no bias)
  ///   x      = silu(causal depthwise conv_k(x) + bias)
  ///   Δr,B,C = split(x_proj(x))                   (c → R + 2·N, no bias)
  ///   Δ      = softplus(dt_proj(Δr) + bias)       (R → c)
  ///   h_t    = exp(Δ_t·A) ⊙ h_{t-1} + (Δ_t·x_t) ⊗ B_t   per (c, N)
  ///   y      = (C_t · h_t + D ⊙ x_t) ⊙ silu(z_t);  out_proj(y) (c → d)
  /// The per-state tensors are laid out [..., c, n, N], positions second to
  /// last, so that the nn.scan runs along them; the contractions that make
  /// them (nothing summed) put the position axis there. A is the learned
  /// (negative) matrix itself: the reference's A = -exp(A_log) costs c·N
  /// per forward, independent of n, and the layer rule does not count it.
  Value buildSelectiveScan(ScanOp op, PrimitiveBuilder &p, Value u) {
    auto type = llvm::cast<SeqType>(u.getType());
    llvm::SmallVector<Expr> shape = type.getShapeExprs();
    unsigned lead = shape.size() - 2;
    Expr n = shape[lead], d = shape.back();
    Expr c = op.getExpandExpr() * d, state = op.getState().getExpr();
    Expr rank = op.getDtRankExpr();
    auto slice = [&](Value x, const Expr &offset, const Expr &size) {
      return p.slice(x, lead + 1, offset, size);
    };
    auto silu = [&](Value x) {
      return p.map({x}, x.getType(), [](OpBuilder &b, Location loc, ValueRange a) {
        return *activation(b, loc, "silu", a[0]);
      });
    };
    auto leading = [&](llvm::ArrayRef<unsigned> rest) { return concat(range(0, lead), rest); };
    auto shaped = [&](llvm::ArrayRef<Expr> rest) {
      llvm::SmallVector<Expr> r(shape.begin(), shape.begin() + lead);
      r.append(rest.begin(), rest.end());
      return p.seq(r);
    };

    Value xz = project(p, u, Expr(2) * c, /*bias=*/false);
    Value x = slice(xz, Expr(0), c), z = slice(xz, c, c);
    ConvTaps taps{1, 1, op.getConvKernelExpr(), op.getConvKernelExpr() - Expr(1), true};
    x = silu(depthwiseConv(p, x, taps, x.getType()));
    Value dbc = project(p, x, rank + Expr(2) * state, /*bias=*/false);
    Value dr = slice(dbc, Expr(0), rank), bIn = slice(dbc, rank, state),
          cOut = slice(dbc, rank + state, state);
    Value delta = p.map({project(p, dr, c, /*bias=*/true)}, x.getType(),
                        [](OpBuilder &b, Location loc, ValueRange a) {
                          // softplus(v) = log(1 + e^v)
                          Value e = math::ExpOp::create(b, loc, a[0]);
                          Value one = arith::AddFOp::create(b, loc, e, constant(b, loc, 1.0));
                          return math::LogOp::create(b, loc, one).getResult();
                        });
    // Dimensions (lead..., t, c, s) below: t = lead, c = lead + 1, s = lead + 2.
    unsigned t = lead, ch = lead + 1, s = lead + 2, numDims = lead + 3;
    Type perState = shaped({c, n, state});
    Value a = p.param({c, state});
    Value decayExponent = p.contract(delta, a, Value(), numDims, leading({t, ch}), {ch, s},
                                     leading({ch, t, s}), perState);
    Value decay = p.map({decayExponent}, perState, [](OpBuilder &b, Location loc, ValueRange v) {
      return math::ExpOp::create(b, loc, v[0]).getResult();
    });
    Value deltaX = p.map({delta, x}, x.getType(), [](OpBuilder &b, Location loc, ValueRange v) {
      return arith::MulFOp::create(b, loc, v[0], v[1]).getResult();
    });
    Value drive = p.contract(deltaX, bIn, Value(), numDims, leading({t, ch}), leading({t, s}),
                             leading({ch, t, s}), perState);
    // A parallel prefix scan, as Mamba's kernel runs it and as the layer
    // rule's ⌈log2 n⌉ + 1 depth assumes.
    Value h = PrefixScanOp::create(p.b, p.loc, perState, drive, decay,
                                   p.b.getStringAttr("linear"), p.b.getUnitAttr())
                  .getResult();
    Value y = p.contract(h, cOut, Value(), numDims, leading({ch, t, s}), leading({t, s}),
                         leading({t, ch}), x.getType());
    Value skip = p.param({c});
    Value gated = p.map({y, x, skip, silu(z)}, x.getType(),
                        [](OpBuilder &b, Location loc, ValueRange v) {
                          Value direct = arith::MulFOp::create(b, loc, v[1], v[2]);
                          Value sum = arith::AddFOp::create(b, loc, v[0], direct);
                          return arith::MulFOp::create(b, loc, sum, v[3]).getResult();
                        });
    return project(p, gated, d, /*bias=*/false);
  }

  /// exp, sum, divide over the last dimension (masked when given).
  Value softmax(PrimitiveBuilder &p, Value x, const std::optional<PrimitiveBuilder::Mask> &mask,
                std::optional<double> scale = std::nullopt) {
    auto type = llvm::cast<SeqType>(x.getType());
    llvm::SmallVector<Expr> rows = withLast(type.getShapeExprs(), Expr(1));
    Value e = p.map({x}, type, [&](OpBuilder &b, Location loc, ValueRange a) {
      Value v = a[0];
      if (scale)
        v = arith::MulFOp::create(b, loc, v, constant(b, loc, *scale));
      return math::ExpOp::create(b, loc, v).getResult();
    }, mask);
    Value sum = p.reduce(e, "sum", type.getRank() - 1, p.seq(rows), mask);
    return p.map({e, sum}, type, [](OpBuilder &b, Location loc, ValueRange a) {
      return arith::DivFOp::create(b, loc, a[0], a[1]).getResult();
    }, mask);
  }

  /// Layer norm (centre, bias) or RMS norm over the last dimension.
  Value buildNorm(PrimitiveBuilder &p, Value x, bool centre, bool bias) {
    auto type = llvm::cast<SeqType>(x.getType());
    Expr d = type.getDimExpr(-1);
    Type rows = p.seq(withLast(type.getShapeExprs(), Expr(1)));
    unsigned last = type.getRank() - 1;
    Value c = x;
    if (centre) {
      Value sum = p.reduce(x, "sum", last, rows);
      // Divided by d at the point it runs: the body's second argument.
      Value mean = p.map(
          {sum}, rows,
          [&](OpBuilder &b, Location loc, ValueRange a) {
            return arith::DivFOp::create(b, loc, a[0], a[1]).getResult();
          },
          std::nullopt, {d});
      c = p.map({x, mean}, type, [](OpBuilder &b, Location loc, ValueRange a) {
        return arith::SubFOp::create(b, loc, a[0], a[1]).getResult();
      });
    }
    Value sq = p.map({c}, type, [](OpBuilder &b, Location loc, ValueRange a) {
      return arith::MulFOp::create(b, loc, a[0], a[0]).getResult();
    });
    Value ss = p.reduce(sq, "sum", last, rows);
    Value rstd = p.map(
        {ss}, rows,
        [&](OpBuilder &b, Location loc, ValueRange a) {
          Value var = arith::DivFOp::create(b, loc, a[0], a[1]);
          Value eps = arith::AddFOp::create(b, loc, var, constant(b, loc, 1e-5));
          return math::RsqrtOp::create(b, loc, eps).getResult();
        },
        std::nullopt, {d});
    Value gamma = p.param({d});
    llvm::SmallVector<Value> operands{c, rstd, gamma};
    if (bias)
      operands.push_back(p.param({d}));
    return p.map(operands, type, [&](OpBuilder &b, Location loc, ValueRange a) {
      Value v = arith::MulFOp::create(b, loc, a[0], a[1]);
      v = arith::MulFOp::create(b, loc, v, a[2]);
      if (bias)
        v = arith::AddFOp::create(b, loc, v, a[3]);
      return v;
    });
  }

  /// How a convolution reads its input positions.
  struct ConvTaps {
    int64_t stride, dilation;
    Expr kernel, pad;
    bool bias;

    /// t·stride + j·dilation - pad.
    AffineExpr index(PrimitiveBuilder &p, PrimitiveBuilder::MapSizes &sizes, unsigned t,
                     unsigned j) const {
      return p.b.getAffineDimExpr(t) * stride + p.b.getAffineDimExpr(j) * dilation -
             sizes(pad);
    }
  };

  /// One layer of `conv` (a stack has one per dilation): taps of output t
  /// at input positions t·stride + j·dilation - pad, where an index outside
  /// the input reads the zero padding.
  Value buildConvLayer(ConvOp conv, int64_t dilation, PrimitiveBuilder &p, Value x) {
    auto type = llvm::cast<SeqType>(x.getType());
    SeqType resultType = conv.getResult().getType();
    Expr cin = type.getDimExpr(-1), cout = resultType.getDimExpr(-1);
    Expr k = conv.getKernel().getExpr(), span = Expr(dilation) * (k - Expr(1));
    // The padding before position 0 (the layer rule's reach back): a
    // centred kernel keeps a tap on the output's own position.
    Expr pad;
    if (conv.getCausal())
      pad = span;
    else if (conv.getPadding() == "same")
      pad = Expr(dilation) * Expr::floorDiv(k - Expr(1), Expr(2));
    ConvTaps taps{constantOf(conv.getStrideExpr()), dilation, k, pad, !conv.getNoBias()};
    if (conv.getSeparable()) {
      // Chollet 2017: depthwise k taps, then a pointwise c_in → c_out.
      Type depthwiseType = p.seq(withLast(resultType.getShapeExprs(), cin));
      return pointwiseConv(p, depthwiseConv(p, x, taps, depthwiseType), cout, taps.bias);
    }
    Expr groups = conv.getGroupsExpr();
    if (groups == Expr(1))
      return denseConv(p, x, taps, resultType);
    if (groups == cin && cout == cin)
      return depthwiseConv(p, x, taps, resultType);
    // A constant number of groups: each group's channels sliced out,
    // convolved apart and put side by side again (an index map cannot say
    // which group an output channel belongs to).
    int64_t count = constantOf(groups);
    Expr perGroupIn = cantFail(cin.divide(groups));
    Type groupType = p.seq(withLast(resultType.getShapeExprs(), cantFail(cout.divide(groups))));
    DimAttr channelAxis = DimAttr::get(p.b.getContext(), Expr(int64_t(type.getRank() - 1)));
    llvm::SmallVector<Value> outputs;
    for (int64_t g = 0; g < count; ++g) {
      Value slice = p.slice(x, type.getRank() - 1, Expr(g) * perGroupIn, perGroupIn);
      outputs.push_back(denseConv(p, slice, taps, groupType));
    }
    return ConcatOp::create(p.b, p.loc, resultType, outputs, channelAxis).getResult();
  }

  /// The leading (batch) dimensions of `x` as the first map dimensions.
  static llvm::SmallVector<AffineExpr> batchDims(PrimitiveBuilder &p, Value x) {
    llvm::SmallVector<AffineExpr> exprs;
    for (unsigned i = 0; i + 2 < llvm::cast<SeqType>(x.getType()).getRank(); ++i)
      exprs.push_back(p.b.getAffineDimExpr(i));
    return exprs;
  }

  /// Every output channel from every input channel: dimensions (batch...,
  /// t, o, j, i), kernels [c_out, c_in, k] as PyTorch stores them.
  Value denseConv(PrimitiveBuilder &p, Value x, const ConvTaps &taps, Type type) {
    auto resultType = llvm::cast<SeqType>(type);
    unsigned batch = resultType.getRank() - 2;
    unsigned t = batch, o = batch + 1, j = batch + 2, i = batch + 3;
    Expr out = resultType.getDimExpr(-1);
    Value w = p.param({out, llvm::cast<SeqType>(x.getType()).getDimExpr(-1), taps.kernel});
    Value bias = taps.bias ? p.param({out}) : Value();
    PrimitiveBuilder::MapSizes sizes(p.b);
    llvm::SmallVector<AffineExpr> in = batchDims(p, x);
    in.push_back(taps.index(p, sizes, t, j));
    in.push_back(p.b.getAffineDimExpr(i));
    return p.contract(x, w, bias, batch + 4, in,
                      {p.b.getAffineDimExpr(o), p.b.getAffineDimExpr(i), p.b.getAffineDimExpr(j)},
                      concat(range(0, batch), {t, o}), resultType, sizes);
  }

  /// Each channel convolved alone: dimensions (batch..., t, c, j), kernels
  /// [c, 1, k].
  Value depthwiseConv(PrimitiveBuilder &p, Value x, const ConvTaps &taps, Type resultType) {
    auto result = llvm::cast<SeqType>(resultType);
    unsigned batch = result.getRank() - 2;
    unsigned t = batch, c = batch + 1, j = batch + 2;
    Expr channels = result.getDimExpr(-1);
    Value w = p.param({channels, Expr(1), taps.kernel});
    Value bias = taps.bias ? p.param({channels}) : Value();
    PrimitiveBuilder::MapSizes sizes(p.b);
    llvm::SmallVector<AffineExpr> in = batchDims(p, x);
    in.push_back(taps.index(p, sizes, t, j));
    in.push_back(p.b.getAffineDimExpr(c));
    return p.contract(x, w, bias, batch + 3, in,
                      {p.b.getAffineDimExpr(c), p.b.getAffineConstantExpr(0),
                       p.b.getAffineDimExpr(j)},
                      concat(range(0, batch), {t, c}), result, sizes);
  }

  /// A 1×1 convolution: dimensions (batch..., t, o, i), kernels [c_out, c_in, 1].
  Value pointwiseConv(PrimitiveBuilder &p, Value x, const Expr &out, bool bias) {
    auto type = llvm::cast<SeqType>(x.getType());
    unsigned batch = type.getRank() - 2;
    unsigned t = batch, o = batch + 1, i = batch + 2;
    Value w = p.param({out, type.getDimExpr(-1), Expr(1)});
    Value biasParam = bias ? p.param({out}) : Value();
    PrimitiveBuilder::MapSizes sizes(p.b);
    llvm::SmallVector<AffineExpr> in = batchDims(p, x);
    in.push_back(p.b.getAffineDimExpr(t));
    in.push_back(p.b.getAffineDimExpr(i));
    return p.contract(x, w, biasParam, batch + 3, in,
                      {p.b.getAffineDimExpr(o), p.b.getAffineDimExpr(i),
                       p.b.getAffineConstantExpr(0)},
                      concat(range(0, batch), {t, o}), p.seq(withLast(type.getShapeExprs(), out)),
                      sizes);
  }

  /// Rotary position embedding as Hugging Face's LLaMA computes it:
  /// x·cos + rotate_half(x)·sin over the last (head) dimension, where
  /// rotate_half(x) = (−x₂, x₁) for the halves x₁, x₂ of each head vector
  /// and cos, sin are fixed [n, e] tables. The halves are swapped by two
  /// slices and a concatenation (data movement, no FLOPs); the sign of
  /// −x₂ is folded into the fixed sine table, so the map is the layer
  /// rule's 3 FLOPs per element (two products and a sum). The tables are
  /// `nn.constant`s, which carry no values (the runners fill them with
  /// deterministic data, and identical constants may be merged): the value
  /// check covers the data flow, not the trigonometry or the sign.
  Value rotate(PrimitiveBuilder &p, Value x) {
    auto type = llvm::cast<SeqType>(x.getType());
    unsigned last = type.getRank() - 1;
    Expr n = type.getDimExpr(-2), e = type.getDimExpr(-1);
    Expr half = cantFail(e.divide(Expr(2))); // even: canDecompose checked
    DimAttr axis = DimAttr::get(p.b.getContext(), Expr(int64_t(last)));
    Value first = p.slice(x, last, Expr(0), half), second = p.slice(x, last, half, e - half);
    Value swapped =
        ConcatOp::create(p.b, p.loc, type, ValueRange{second, first}, axis).getResult();
    Value cos = ConstantOp::create(p.b, p.loc, p.seq({n, e})).getResult();
    Value signedSin = ConstantOp::create(p.b, p.loc, p.seq({n, e})).getResult();
    return p.map({x, cos, swapped, signedSin}, type,
                 [](OpBuilder &b, Location loc, ValueRange a) {
                   Value direct = arith::MulFOp::create(b, loc, a[0], a[1]);
                   Value rotated = arith::MulFOp::create(b, loc, a[2], a[3]);
                   return arith::AddFOp::create(b, loc, direct, rotated).getResult();
                 });
  }

  Value buildAttention(AttentionOp op, PrimitiveBuilder &p, ValueRange in) {
    Value x = in[0];
    Value mem = op.isCrossAttention() ? in[1] : in[0];
    auto xType = llvm::cast<SeqType>(x.getType());
    auto mType = llvm::cast<SeqType>(mem.getType());
    AttentionBuilder a(*this, op, p);
    auto dims = [&](std::initializer_list<unsigned> list) { return a.dims(list); };
    auto seq = [&](std::initializer_list<Expr> shape) { return a.seq(shape); };
    unsigned drop = a.drop;
    const Expr &batch = a.batch, &n = a.n, &m = a.m, &g = a.g, &e = a.e, &r = a.r;
    Expr d = xType.getDimExpr(-1), dm = mType.getDimExpr(-1);
    bool bias = !op.getNoBias();
    double scale = 1.0 / std::sqrt(valueAtDefaults(op, e));

    // Q: (b, g, r, q, e, c) <- x(b, q, c) · Wq(c, g, r, e).
    Value wq = p.param({d, g, r, e});
    Value bq = bias ? p.param({g, r, Expr(1), e}) : Value();
    Value q = p.contract(x, wq, bq, 6 - drop, dims({0, 3, 5}), dims({5, 1, 2, 4}),
                         dims({0, 1, 2, 3, 4}), seq({batch, g, r, n, e}));
    // K, V: (b, g, k, e, c) <- mem(b, k, c) · W(c, g, e).
    auto kv = [&]() {
      Value w = p.param({dm, g, e});
      Value bb = bias ? p.param({g, Expr(1), e}) : Value();
      return p.contract(mem, w, bb, 5 - drop, dims({0, 2, 4}), dims({4, 1, 3}),
                        dims({0, 1, 2, 3}), seq({batch, g, m, e}));
    };
    Value k = kv();
    Value v = kv();
    if (op.getRotary()) {
      q = rotate(p, q);
      k = rotate(p, k);
    }
    Value context =
        op.getKind() == "linear" ? a.linearContext(q, k, v) : a.softmaxContext(q, k, v, scale);
    // Output: (b, q, d, g, r, e) <- context(b, g, r, q, e) · Wo(g, r, e, d).
    Value wo = p.param({g, r, e, d});
    Value bo = bias ? p.param({d}) : Value();
    return p.contract(context, wo, bo, 6 - drop, dims({0, 3, 4, 1, 5}), dims({3, 4, 5, 2}),
                      dims({0, 1, 2}), seq({batch, n, d}));
  }

  /// An attention layer's sizes and domains, and the two ways its context
  /// is computed. Every domain has the batch as its dimension 0, which an
  /// unbatched layer ([n, d], as Table 1's layers are written) leaves out.
  struct AttentionBuilder {
    AttentionBuilder(Decomposer &decomposer, AttentionOp op, PrimitiveBuilder &p)
        : decomposer(decomposer), op(op), p(p),
          drop(op.getInput().getType().getRank() == 3 ? 0 : 1),
          batch(drop ? Expr(1) : op.getInput().getType().getDimExpr(0)),
          n(op.getInput().getType().getDimExpr(-2)),
          m(op.isCrossAttention() ? op.getMemory().getType().getDimExpr(-2) : n),
          g(op.getKVHeadsExpr()), e(op.getHeadDimExpr()),
          r(cantFail(op.getHeads().getExpr().divide(g))) {}
    Decomposer &decomposer;
    AttentionOp op;
    PrimitiveBuilder &p;
    unsigned drop;
    /// The batch (1 when unbatched), queries, keys, key-value groups, the
    /// head width and the query heads per group.
    Expr batch, n, m, g, e, r;
    llvm::SmallVector<unsigned> dims(std::initializer_list<unsigned> list) const {
      llvm::SmallVector<unsigned> r;
      for (unsigned i : list)
        if (!drop || i != 0)
          r.push_back(i - drop);
      return r;
    }
    Type seq(std::initializer_list<Expr> shape) const {
      llvm::SmallVector<Expr> r(shape.begin() + drop, shape.end());
      return p.seq(r);
    }
    /// A value without a position axis (a summary over the positions).
    Type tensor(std::initializer_list<Expr> shape) const {
      llvm::SmallVector<Expr> r(shape.begin() + drop, shape.end());
      return p.tensor(r);
    }

    /// softmax(QKᵀ·scale)·V per (b, g, r) head, masked by causality or the
    /// window: [b, g, r, n, e].
    Value softmaxContext(Value q, Value k, Value v, double scale) {
      // Scores over (b, g, r, q, k, e), masked by causality or the window.
      std::optional<Expr> above, below;
      if (!op.isCrossAttention()) {
        if (auto window = op.getWindowAttr()) {
          Expr span = window.getExpr() - Expr(1);
          if (op.getCausal()) {
            above = Expr(0);
            below = span;
          } else {
            below = Expr::floorDiv(span, Expr(2));
            above = Expr::ceilDiv(span, Expr(2));
          }
        } else if (op.getCausal()) {
          above = Expr(0);
        }
      }
      auto contractMask = p.band(6 - drop, 3 - drop, 4 - drop, above, below);
      auto scoreMask = p.band(5 - drop, 3 - drop, 4 - drop, above, below);
      Type scoresType = seq({batch, g, r, n, m});
      Value s = p.contract(q, k, Value(), 6 - drop, dims({0, 1, 2, 3, 5}), dims({0, 1, 4, 5}),
                           dims({0, 1, 2, 3, 4}), scoresType, contractMask);
      Value probs = decomposer.softmax(p, s, scoreMask, scale);
      return p.contract(probs, v, Value(), 6 - drop, dims({0, 1, 2, 3, 4}), dims({0, 1, 4, 5}),
                        dims({0, 1, 2, 3, 5}), seq({batch, g, r, n, e}), contractMask);
    }

    /// Linear attention (Katharopoulos et al. 2020, Eqs. 5-6): φ(Q)·(φ(K)ᵀV)
    /// divided by φ(Q)·Σφ(K) + ε, per (b, g, r) head: [b, g, r, n, e]. Causal, the
    /// two sums are running sums over the positions (nn.scan, their §3.3):
    /// each position's φ(k)ᵀv outer product ([b, g, e, n, e], positions
    /// second to last) and φ(k), n dependent steps as the layer rule counts.
    /// φ is elu(x) + 1 = max(x, 0) + exp(min(x, 0)) (4 FLOPs per element where
    /// the layer rule counts elu as one evaluation, 2), relu, or identity.
    Value linearContext(Value q, Value k, Value v) {
      llvm::StringRef featureMap = op.getFeatureMap();
      auto phi = [&](Value x) -> Value {
        if (featureMap == "identity")
          return x;
        return p.map({x}, x.getType(), [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value zero = constant(b, loc, 0.0);
          if (featureMap == "relu")
            return arith::MaximumFOp::create(b, loc, a[0], zero);
          // elu(x) + 1 = max(x, 0) + exp(min(x, 0)).
          Value above = arith::MaximumFOp::create(b, loc, a[0], zero);
          Value below = arith::MinimumFOp::create(b, loc, a[0], zero);
          Value exponential = math::ExpOp::create(b, loc, below);
          return arith::AddFOp::create(b, loc, above, exponential);
        });
      };
      Value fq = phi(q), fk = phi(k);
      Value numerator, denominator;
      if (op.getCausal()) {
        // φ(k_t)ᵀv_t over (b, g, i, t, j), nothing summed; then the sums.
        Value outer = p.contract(fk, v, Value(), 5 - drop, dims({0, 1, 3, 2}), dims({0, 1, 3, 4}),
                                 dims({0, 1, 2, 3, 4}), seq({batch, g, e, m, e}));
        auto scanSum = [&](Value x) {
          return PrefixScanOp::create(p.b, p.loc, x.getType(), x, Value(),
                                      p.b.getStringAttr("sum"))
              .getResult();
        };
        Value state = scanSum(outer), z = scanSum(fk);
        // (b, g, r, t, j, i) <- φq(b, g, r, t, i) · S(b, g, i, t, j).
        numerator = p.contract(fq, state, Value(), 6 - drop, dims({0, 1, 2, 3, 5}),
                               dims({0, 1, 5, 3, 4}), dims({0, 1, 2, 3, 4}),
                               seq({batch, g, r, n, e}));
        // (b, g, r, t, u, i) <- φq(b, g, r, t, i) · z(b, g, t, i); u is the
        // result's unit dimension, so the quotient broadcasts over e.
        denominator = p.contract(fq, z, Value(), 6 - drop, dims({0, 1, 2, 3, 5}),
                                 dims({0, 1, 3, 5}), dims({0, 1, 2, 3, 4}),
                                 seq({batch, g, r, n, Expr(1)}));
      } else {
        // S over (b, g, i, j, k) <- φk(b, g, k, i) · v(b, g, k, j); z = Σ_k φk.
        // Both are summaries without a position axis (nn.tensor): reading
        // them back at every query position is not a second mixing step.
        Value state = p.contract(fk, v, Value(), 5 - drop, dims({0, 1, 4, 2}), dims({0, 1, 4, 3}),
                                 dims({0, 1, 2, 3}), tensor({batch, g, e, e}));
        Value z = p.reduce(fk, "sum", 2 - drop, tensor({batch, g, Expr(1), e}));
        numerator = p.contract(fq, state, Value(), 6 - drop, dims({0, 1, 2, 3, 5}),
                               dims({0, 1, 5, 4}), dims({0, 1, 2, 3, 4}),
                               seq({batch, g, r, n, e}));
        // (b, g, r, q, u, i) <- φq(b, g, r, q, i) · z(b, g, u, i).
        denominator = p.contract(fq, z, Value(), 6 - drop, dims({0, 1, 2, 3, 5}),
                                 dims({0, 1, 4, 5}), dims({0, 1, 2, 3, 4}),
                                 seq({batch, g, r, n, Expr(1)}));
      }
      // + ε (1e-6, as the layer rule counts it): relu features can make
      // φ(q)·z zero.
      denominator = p.map({denominator}, denominator.getType(),
                          [](OpBuilder &b, Location loc, ValueRange a) {
                            return arith::AddFOp::create(b, loc, a[0], constant(b, loc, 1e-6))
                                .getResult();
                          });
      return p.map({numerator, denominator}, numerator.getType(),
                   [](OpBuilder &b, Location loc, ValueRange a) {
                     return arith::DivFOp::create(b, loc, a[0], a[1]).getResult();
                   });
    }
  };

  OpBuilder &builder;
};

struct DecomposeLayersPass
    : public costopt::impl::DecomposeLayersBase<DecomposeLayersPass> {
  using DecomposeLayersBase::DecomposeLayersBase;

  void runOnOperation() override {
    llvm::SmallVector<Operation *> layers;
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() == op->getContext()->getLoadedDialect<NNDialect>() &&
          llvm::isa<CostModelOpInterface>(op) && !op->getParentOfType<BlockOp>() &&
          !llvm::isa<ParamOp, ContractOp, MapOp, ReduceOp, TransposeOp, ReshapeOp, ConcatOp,
                     ExtractOp, GatherOp, OpaqueOp, PrefixScanOp, ConstantOp>(op))
        layers.push_back(op);
    });
    OpBuilder builder(&getContext());
    Decomposer decomposer(builder);
    for (Operation *op : layers)
      decomposer.run(op);
  }
};

} // namespace

std::string costopt::whyLayerStays(Operation *op) { return Decomposer::whyItStays(op); }
