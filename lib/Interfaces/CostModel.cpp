//===- CostModel.cpp - Cost rules of the nn ops ---------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// One section per op: its FLOP terms, parameters, memory and mixing. The
// conventions (1 multiply-add = 2 FLOPs, what an element-wise op costs, how
// masks and windows count) are documented in docs/CountingConventions.md;
// every number here is checked against brute-force enumeration in
// unittests/Interfaces.
//
//===----------------------------------------------------------------------===//

#include "costopt/Interfaces/CostModel.h"

#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/IR/DialectRegistry.h"

using namespace costopt;
using namespace costopt::nn;
using sym::Expr;

#include "costopt/Interfaces/CostModelInterface.cpp.inc"

//===----------------------------------------------------------------------===//
// Common definitions
//===----------------------------------------------------------------------===//

llvm::StringRef costopt::stringifyCostMode(CostMode mode) {
  switch (mode) {
  case CostMode::Forward: return "forward";
  case CostMode::Backward: return "backward";
  case CostMode::Train: return "train";
  case CostMode::Decode: return "decode";
  }
  llvm_unreachable("unhandled mode");
}

std::optional<CostMode> costopt::parseCostMode(llvm::StringRef text) {
  for (CostMode mode : {CostMode::Forward, CostMode::Backward, CostMode::Train,
                        CostMode::Decode})
    if (stringifyCostMode(mode) == text)
      return mode;
  return std::nullopt;
}

llvm::StringRef costopt::stringifyRecompute(Recompute recompute) {
  switch (recompute) {
  case Recompute::None: return "none";
  case Recompute::Selective: return "selective";
  case Recompute::Full: return "full";
  }
  llvm_unreachable("unhandled recompute");
}

std::optional<Recompute> costopt::parseRecompute(llvm::StringRef text) {
  for (Recompute recompute : {Recompute::None, Recompute::Selective, Recompute::Full})
    if (stringifyRecompute(recompute) == text)
      return recompute;
  return std::nullopt;
}

llvm::StringRef costopt::stringifyMixing(Mixing mixing) {
  switch (mixing) {
  case Mixing::Pointwise: return "pointwise";
  case Mixing::Full: return "full";
  case Mixing::Causal: return "causal";
  case Mixing::Window: return "window";
  case Mixing::Recurrent: return "recurrent";
  case Mixing::Scan: return "scan";
  }
  llvm_unreachable("unhandled mixing");
}

Expr OpCost::totalFlops(CostMode mode) const {
  Expr forward, backward;
  for (const FlopTerm &t : terms) {
    forward += t.flops;
    backward += t.matmul ? Expr(2) * t.flops : t.flops;
  }
  for (const FlopTerm &t : backwardTerms)
    backward += t.flops;
  return combineForMode(mode, forward, backward);
}

Expr OpCost::totalWork(const CostOptions &options) const {
  if (!options.countMACs)
    return totalFlops(options.mode);
  // One multiply-accumulate is two FLOPs of a matmul term.
  Expr forward, backwardOnly;
  for (const FlopTerm &t : terms)
    if (t.matmul)
      forward += cantFail(t.flops.divide(Expr(2)));
  for (const FlopTerm &t : backwardTerms)
    if (t.matmul)
      backwardOnly += cantFail(t.flops.divide(Expr(2)));
  return combineForMode(options.mode, forward, Expr(2) * forward + backwardOnly);
}

Expr WeightTensor::elements() const {
  Expr product = copies;
  for (const Expr &dim : shape)
    product *= dim;
  return product;
}

Expr WeightTensor::factoredSecondMoments() const {
  if (shape.size() < 2)
    return elements();
  Expr rows(1), columns = shape.back();
  for (size_t i = 0; i + 1 < shape.size(); ++i)
    rows *= shape[i];
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    columns *= shape[i];
  return copies * (rows + columns);
}

OpCost OpCost::withDenseMasks() const {
  OpCost dense = *this;
  for (llvm::MutableArrayRef<FlopTerm> list :
       {llvm::MutableArrayRef<FlopTerm>(dense.terms),
        llvm::MutableArrayRef<FlopTerm>(dense.backwardTerms)})
    for (FlopTerm &t : list)
      if (t.dense)
        t.flops = *t.dense;
  return dense;
}

Expr costopt::combineForMode(CostMode mode, const Expr &forward, const Expr &backward) {
  switch (mode) {
  case CostMode::Forward:
  case CostMode::Decode:
    return forward;
  case CostMode::Backward:
    return backward;
  case CostMode::Train:
    return forward + backward;
  }
  llvm_unreachable("unhandled mode");
}

Expr costopt::batchSizeOf(SeqType type) {
  Expr product(1);
  auto shape = type.getShapeExprs();
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    product *= shape[i];
  return product;
}

Expr costopt::sequenceLengthOf(SeqType type) {
  if (std::optional<unsigned> axis = type.getPositionAxis())
    return type.getDimExpr(*axis);
  return Expr(1);
}

namespace {

bool isDecode(const CostOptions &options) { return options.mode == CostMode::Decode; }


Expr widthOf(SeqType type) { return type.getDimExpr(-1); }

/// Positions processed: batch × length, or batch × 1 when decoding.
Expr positionsOf(SeqType type, const CostOptions &options) {
  return batchSizeOf(type) * (isDecode(options) ? Expr(1) : sequenceLengthOf(type));
}

Expr elementsOf(SeqType type, const CostOptions &options) {
  return positionsOf(type, options) * widthOf(type);
}

Expr product(std::initializer_list<Expr> factors) {
  Expr result(1);
  for (const Expr &f : factors)
    result *= f;
  return result;
}

/// Element-wise cost of an activation function, per element (the table in
/// docs/Dialect.md and docs/CountingConventions.md).
int64_t activationFlops(llvm::StringRef activation) {
  // gelu, silu/swish: the evaluation and the multiply by x (x·Φ(x), x·σ(x)).
  if (activation == "gelu" || activation == "silu" || activation == "swish")
    return 2;
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GPT-2's gelu_new, step by
  // step: x³ (2), ·0.044715, + x, ·√(2/π), tanh, + 1, ·x, ·0.5.
  if (activation == "gelu_tanh")
    return 9;
  // x·σ(1.702·x): the scaling, the sigmoid, the product.
  if (activation == "quick_gelu")
    return 3;
  // relu, tanh, sigmoid: one evaluation.
  return 1;
}

/// The moments of an FFN over `positions` positions, as the layer written
/// out (linear, activation, linear; gated: two linears, activation, product,
/// linear) holds them: the pre-activation and activation together (gated:
/// the activated gate, the up projection and their product), then the last
/// hidden value and the output.
void addFFNPeaks(llvm::SmallVectorImpl<Expr> &peaks, const Expr &extra, const Expr &positions,
                 const Expr &hidden, const Expr &out, bool gated) {
  peaks.push_back(extra + Expr(gated ? 3 : 2) * positions * hidden);
  peaks.push_back(extra + positions * hidden + out);
}

/// The FFN block's FLOP terms and parameters for `positions` positions.
void addFFNCost(OpCost &cost, const Expr &positions, const Expr &d, const Expr &hidden,
                llvm::StringRef activation, bool gated, bool bias, const Expr &times,
                llvm::StringRef prefix) {
  int64_t matrices = gated ? 3 : 2;
  cost.terms.push_back({(prefix + "matmuls (" + llvm::Twine(matrices) + " of d×hidden)").str(),
                        times * product({Expr(2 * matrices), positions, d, hidden}), true});
  cost.terms.push_back({(prefix + "activation").str(),
                        times * product({Expr(activationFlops(activation)), positions, hidden}),
                        false});
  if (gated)
    cost.terms.push_back({(prefix + "gate product").str(), times * positions * hidden, false});
  if (bias)
    cost.terms.push_back({(prefix + "biases").str(),
                          times * positions * (Expr(matrices - 1) * hidden + d), false});
}

/// The FFN's tensors, `copies` times (experts): the up (and gate)
/// projections [hidden, d], the down projection [d, hidden], their biases.
void addFFNWeights(OpCost &cost, const Expr &d, const Expr &hidden, bool gated, bool bias,
                   const Expr &copies) {
  cost.weights.push_back({gated ? "gate and up projections" : "up projection", {hidden, d},
                          Expr(gated ? 2 : 1) * copies});
  cost.weights.push_back({"down projection", {d, hidden}, copies});
  if (bias) {
    cost.weights.push_back({"hidden biases", {hidden}, Expr(gated ? 2 : 1) * copies});
    cost.weights.push_back({"output bias", {d}, copies});
  }
}

Expr ffnParams(const Expr &d, const Expr &hidden, bool gated, bool bias) {
  int64_t matrices = gated ? 3 : 2;
  Expr params = Expr(matrices) * d * hidden;
  if (bias)
    params += Expr(matrices - 1) * hidden + d;
  return params;
}

template <typename ConcreteModel, typename OpTy>
struct CostModel
    : public CostModelOpInterface::ExternalModel<ConcreteModel, OpTy> {
  OpCost getCost(mlir::Operation *op, const CostOptions &options) const {
    return ConcreteModel::compute(llvm::cast<OpTy>(op), options);
  }
};

//===----------------------------------------------------------------------===//
// Embeddings and positions
//===----------------------------------------------------------------------===//

struct EmbeddingCost : CostModel<EmbeddingCost, EmbeddingOp> {
  static OpCost compute(EmbeddingOp op, const CostOptions &options) {
    OpCost cost;
    SeqType result = op.getResult().getType();
    Expr d = widthOf(result);
    // A lookup moves rows; it computes nothing. Its gradient is a
    // scatter-add of the output gradient into the table.
    cost.terms.push_back({"table lookup (no arithmetic)", Expr(), false});
    cost.backwardTerms.push_back(
        {"gradient scatter-add into the table (backward only)", elementsOf(result, options),
         false});
    cost.params = op.getTied() ? Expr() : op.getVocab().getExpr() * d;
    if (!op.getTied())
      cost.weights.push_back({"table", {op.getVocab().getExpr(), d}});
    cost.outputElements = elementsOf(result, options);
    cost.readElements = positionsOf(result, options);
    // One row per looked-up token, however large the vocabulary.
    cost.weightElementsRead = elementsOf(result, options);
    return cost;
  }
};

struct PositionalCost : CostModel<PositionalCost, PositionalOp> {
  static OpCost compute(PositionalOp op, const CostOptions &options) {
    OpCost cost;
    SeqType type = op.getInput().getType();
    Expr elements = elementsOf(type, options);
    cost.terms.push_back({"add position encodings", elements, false});
    if (op.getKind() == "learned") {
      cost.params = op.getMaxLenAttr().getExpr() * widthOf(type);
      cost.weights.push_back({"position table", {op.getMaxLenAttr().getExpr(), widthOf(type)}});
      // The rows of the positions present (one per sequence when decoding).
      cost.weightElementsRead = elements;
    }
    cost.outputElements = elements;
    cost.readElements = elements;
    return cost;
  }
};

struct UnembeddingCost : CostModel<UnembeddingCost, UnembeddingOp> {
  static OpCost compute(UnembeddingOp op, const CostOptions &options) {
    OpCost cost;
    SeqType input = op.getInput().getType();
    Expr positions = positionsOf(input, options);
    Expr d = widthOf(input), vocab = op.getVocab().getExpr();
    cost.terms.push_back({"logits matmul (d×vocab)", product({Expr(2), positions, d, vocab}),
                          true});
    if (op.getBias())
      cost.terms.push_back({"bias", positions * vocab, false});
    cost.params = (op.getTied() ? Expr() : d * vocab) + (op.getBias() ? vocab : Expr());
    if (!op.getTied())
      cost.weights.push_back({"unembedding", {vocab, d}});
    if (op.getBias())
      cost.weights.push_back({"bias", {vocab}});
    cost.outputElements = positions * vocab;
    cost.readElements = positions * d;
    // A tied head owns no parameters but multiplies by the whole shared
    // table all the same: its forward reads it.
    if (op.getTied())
      cost.weightElementsRead = d * vocab + (op.getBias() ? vocab : Expr());
    return cost;
  }
};

//===----------------------------------------------------------------------===//
// Dense layers
//===----------------------------------------------------------------------===//

struct LinearCost : CostModel<LinearCost, LinearOp> {
  static OpCost compute(LinearOp op, const CostOptions &options) {
    OpCost cost;
    SeqType input = op.getInput().getType(), result = op.getResult().getType();
    Expr positions = positionsOf(input, options);
    Expr din = widthOf(input), dout = widthOf(result);
    bool bias = !op.getNoBias();
    cost.terms.push_back({"matmul (d_in×d_out)", product({Expr(2), positions, din, dout}), true});
    if (bias)
      cost.terms.push_back({"bias", positions * dout, false});
    cost.params = din * dout + (bias ? dout : Expr());
    cost.weights.push_back({"weight", {dout, din}});
    if (bias)
      cost.weights.push_back({"bias", {dout}});
    cost.outputElements = positions * dout;
    cost.readElements = positions * din;
    return cost;
  }
};

struct FFNCost : CostModel<FFNCost, FFNOp> {
  static OpCost compute(FFNOp op, const CostOptions &options) {
    OpCost cost;
    SeqType type = op.getInput().getType();
    Expr positions = positionsOf(type, options), d = widthOf(type);
    Expr hidden = op.getHidden().getExpr();
    bool bias = !op.getNoBias();
    addFFNCost(cost, positions, d, hidden, op.getActivation(), op.getGated(), bias, Expr(1), "");
    cost.params = ffnParams(d, hidden, op.getGated(), bias);
    addFFNWeights(cost, d, hidden, op.getGated(), bias, Expr(1));
    cost.outputElements = positions * d;
    cost.savedElements = Expr(op.getGated() ? 3 : 2) * positions * hidden;
    cost.readElements = positions * d;
    addFFNPeaks(cost.internalPeaks, Expr(), positions, hidden, cost.outputElements,
                op.getGated());
    return cost;
  }
};

struct MoECost : CostModel<MoECost, MoEOp> {
  static OpCost compute(MoEOp op, const CostOptions &options) {
    OpCost cost;
    SeqType type = op.getInput().getType();
    Expr positions = positionsOf(type, options), d = widthOf(type);
    Expr experts = op.getExperts().getExpr(), topK = op.getTopK().getExpr();
    Expr hidden = op.getHidden().getExpr();
    bool bias = !op.getNoBias();
    cost.terms.push_back({"router matmul (d×experts)", product({Expr(2), positions, d, experts}),
                          true});
    cost.terms.push_back({"router softmax", product({Expr(3), positions, experts}), false});
    // Each position runs its top_k experts.
    addFFNCost(cost, positions, d, hidden, op.getActivation(), op.getGated(), bias, topK,
               "top_k experts: ");
    cost.terms.push_back({"combine expert outputs", product({Expr(2), positions, topK, d}),
                          false});
    // Its backward: each gate's gradient sums over d (2 per element of the
    // outputs), each output's is the gate times the result's gradient (1).
    cost.backwardTerms.push_back(
        {"combine: the outputs' gradients (backward only)", product({positions, topK, d}),
         false});
    cost.params = experts * ffnParams(d, hidden, op.getGated(), bias) + d * experts;
    cost.weights.push_back({"router", {experts, d}});
    addFFNWeights(cost, d, hidden, op.getGated(), bias, experts);
    cost.outputElements = positions * d;
    cost.savedElements = Expr(op.getGated() ? 3 : 2) * positions * topK * hidden;
    cost.readElements = positions * d;
    // Router logits; then the dispatch buffer (each position copied to its
    // top_k experts) beside the experts' FFN over those copies; then the
    // expert outputs beside the combined output.
    Expr routed = positions * topK;
    cost.internalPeaks.push_back(positions * experts);
    addFFNPeaks(cost.internalPeaks, routed * d, routed, hidden, routed * d, op.getGated());
    cost.internalPeaks.push_back(routed * d + cost.outputElements);
    return cost;
  }
};

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// Number of (query, key) pairs one head scores in one sequence.
Expr scorePairs(AttentionOp op, const CostOptions &options) {
  Expr n = sequenceLengthOf(op.getInput().getType());
  if (auto memory = op.getMemory()) {
    Expr m = sequenceLengthOf(memory.getType());
    return isDecode(options) ? m : n * m;
  }
  if (isDecode(options)) {
    // The new token against the n cached keys and its own (as the
    // reference implementations append before attending): n + 1 keys, or
    // the last r of them in a window.
    if (auto window = op.getWindowAttr())
      return Expr::min(window.getExpr(), n + Expr(1));
    return n + Expr(1);
  }
  if (auto window = op.getWindowAttr()) {
    Expr w = Expr::min(window.getExpr(), n);
    if (op.getCausal()) // query t sees min(t + 1, w) keys
      return w * n - cantFail((w * (w - Expr(1))).divide(Expr(2)));
    // A band of r keys centred on the query (B before, A after), clipped at
    // both ends. The keys clipped before query t number max(0, B - t); over
    // t = 0..n-1 they sum to B'·B - B'(B'-1)/2 with B' = min(B, n), which
    // stays exact when the band is wider than the sequence (r > n).
    Expr r = window.getExpr();
    Expr before = Expr::floorDiv(r - Expr(1), Expr(2));
    Expr after = Expr::ceilDiv(r - Expr(1), Expr(2));
    auto clipped = [&](const Expr &reach) {
      Expr inside = Expr::min(reach, n);
      return inside * reach - cantFail((inside * (inside - Expr(1))).divide(Expr(2)));
    };
    return n * r - clipped(before) - clipped(after);
  }
  if (op.getCausal()) // query t sees t + 1 keys: n(n+1)/2
    return cantFail((n * (n + Expr(1))).divide(Expr(2)));
  return n * n;
}

/// Pairs per head and sequence when the mask is ignored: every query
/// against every key the kernel is given (n × m; one query against the
/// cache when decoding).
Expr denseScorePairs(AttentionOp op, const CostOptions &options) {
  Expr n = sequenceLengthOf(op.getInput().getType());
  Expr keys = op.getMemory() ? sequenceLengthOf(op.getMemory().getType()) : n;
  if (!isDecode(options))
    return n * keys;
  return scorePairs(op, options); // the cache holds exactly the keys scored
}

/// Score entries an implementation materialises per head and sequence:
/// masked entries of a causal matrix are stored too; a window stores a band.
Expr materialisedScores(AttentionOp op, const CostOptions &options) {
  Expr n = sequenceLengthOf(op.getInput().getType());
  Expr keys = op.getMemory() ? sequenceLengthOf(op.getMemory().getType()) : n;
  Expr queries = isDecode(options) ? Expr(1) : n;
  if (isDecode(options) && !op.getMemory())
    keys = n + Expr(1); // the cached keys and the new token's own
  if (auto window = op.getWindowAttr())
    keys = Expr::min(window.getExpr(), keys);
  return queries * keys;
}

struct AttentionCost : CostModel<AttentionCost, AttentionOp> {
  static OpCost compute(AttentionOp op, const CostOptions &options) {
    OpCost cost;
    SeqType input = op.getInput().getType();
    bool cross = op.isCrossAttention();
    SeqType keySource = cross ? op.getMemory().getType() : input;
    Expr batch = batchSizeOf(input);
    Expr d = widthOf(input), dm = widthOf(keySource);
    Expr heads = op.getHeads().getExpr(), kvHeads = op.getKVHeadsExpr();
    Expr dk = op.getHeadDimExpr();
    Expr n = sequenceLengthOf(input), m = sequenceLengthOf(keySource);
    Expr queryPositions = positionsOf(input, options);
    // Decoding computes keys and values for the new token only (cross
    // attention's memory was projected once, before decoding).
    Expr kvPositions = isDecode(options) ? (cross ? Expr() : batch) : batch * m;
    bool bias = !op.getNoBias();

    cost.terms.push_back({"Q projection", product({Expr(2), queryPositions, d, heads, dk}), true});
    cost.terms.push_back({"K and V projections",
                          product({Expr(4), kvPositions, dm, kvHeads, dk}), true});
    cost.terms.push_back({"output projection", product({Expr(2), queryPositions, heads, dk, d}),
                          true});
    if (bias)
      cost.terms.push_back({"projection biases",
                            queryPositions * heads * dk + Expr(2) * kvPositions * kvHeads * dk +
                                queryPositions * d,
                            false});
    if (op.getRotary())
      cost.terms.push_back({"rotary embedding of Q and K",
                            Expr(3) * (queryPositions * heads * dk + kvPositions * kvHeads * dk),
                            false});

    if (op.getKind() == "linear") {
      int64_t phi = op.getFeatureMap() == "identity" ? 0 : (op.getFeatureMap() == "relu" ? 1 : 2);
      Expr statePositions = isDecode(options) ? batch : batch * m;
      if (phi)
        cost.terms.push_back({"feature map φ on Q and K",
                              Expr(phi) * (queryPositions * heads * dk +
                                           statePositions * kvHeads * dk),
                              false});
      Expr summary = product({Expr(2), statePositions, kvHeads, dk, dk});
      Expr readout = product({Expr(2), queryPositions, heads, dk, dk});
      cost.terms.push_back({"φ(K)ᵀV summary", summary, true});
      cost.terms.push_back({"key sum z", statePositions * kvHeads * dk, false});
      cost.terms.push_back({"φ(Q)·(φ(K)ᵀV)", readout, true});
      // The normaliser: φ(Q)·z is a product (a batched matrix-vector one,
      // twice the work backward); the denominator then gets an ε before
      // the division, as the reference implementation (fast-transformers'
      // LinearAttention, eps = 1e-6) adds it: relu features can make
      // φ(Q)·z zero.
      cost.terms.push_back({"normaliser φ(Q)·z", Expr(2) * queryPositions * heads * dk, true});
      cost.terms.push_back({"+ ε and division", queryPositions * heads * dk + queryPositions * heads,
                            false});
      cost.core = summary + readout;
      cost.kvCacheElements = batch * kvHeads * (dk * dk + dk);
      cost.savedElements = queryPositions * heads * dk + Expr(2) * statePositions * kvHeads * dk;
      if (op.getCausal()) {
        // Causal: the summary and z are running sums, S_t = S_{t-1} +
        // φ(k_t)ᵀv_t, and the FLOPs above are those of that loop (one
        // d_k×d_k update per position): n dependent steps, as the
        // recurrent form (Katharopoulos et al. 2020, §3.4) computes it.
        cost.tableRow = "linear attention (causal: running sums, a loop)";
        cost.mixing = Mixing::Recurrent;
      } else {
        cost.tableRow = "linear attention";
        cost.mixing = Mixing::Full;
      }
    } else {
      Expr pairs = scorePairs(op, options);
      Expr scores = product({Expr(2), batch, heads, pairs, dk});
      Expr softmax = product({Expr(4), batch, heads, pairs});
      // A masked (causal or windowed) matrix scored whole, as FLOP counters
      // that see only the kernels' shapes report it.
      std::optional<Expr> denseScores, denseSoftmax;
      if (op.getCausal() || op.getWindowAttr()) {
        Expr dense = denseScorePairs(op, options);
        denseScores = product({Expr(2), batch, heads, dense, dk});
        denseSoftmax = product({Expr(4), batch, heads, dense});
      }
      cost.terms.push_back({"scores QKᵀ", scores, true, denseScores});
      cost.terms.push_back({"scale and softmax (4 per score)", softmax, false, denseSoftmax});
      cost.terms.push_back({"weighted values AV", scores, true, denseScores});
      cost.core = Expr(2) * scores;
      Expr matrix = batch * heads * materialisedScores(op, options);
      if (op.getFlash()) {
        // FlashAttention keeps no score matrix for the backward pass: it
        // recomputes QKᵀ and the softmax tile by tile from Q, K and the
        // saved row statistics, so its matmuls there are QKᵀ again, dV,
        // dP, dQ and dK: 2.5 × the forward's two (PyTorch's FlopCounterMode
        // counts the same for the SDPA kernels' backward).
        cost.backwardTerms.push_back(
            {"flash: recompute scores QKᵀ (backward only)", scores, true, denseScores});
        cost.backwardTerms.push_back({"flash: recompute scale and softmax (backward only)",
                                      softmax, false, denseSoftmax});
      } else if (options.recompute == Recompute::Selective) {
        // Selective recomputation (Korthikanti et al. 2022, section 5) does
        // not store the score and probability matrices: the backward pass
        // rebuilds them from the stored Q and K, as flash does.
        cost.workspaceElements = matrix;
        cost.backwardTerms.push_back({"selective recompute: scores QKᵀ (backward only)",
                                      scores, true, denseScores});
        cost.backwardTerms.push_back(
            {"selective recompute: scale and softmax (backward only)", softmax, false,
             denseSoftmax});
      } else {
        cost.workspaceElements = matrix;
        cost.savedElements = matrix;
      }
      cost.savedElements += queryPositions * heads * dk + Expr(2) * kvPositions * kvHeads * dk;
      Expr cacheLength = m;
      if (auto window = op.getWindowAttr(); window && !cross)
        cacheLength = Expr::min(window.getExpr(), m);
      cost.kvCacheElements = product({Expr(2), batch, kvHeads, dk, cacheLength});
      if (cross) {
        cost.tableRow = "cross-attention";
        cost.mixing = Mixing::Pointwise;
      } else if (auto window = op.getWindowAttr()) {
        cost.tableRow = "self-attention (restricted)";
        cost.mixing = Mixing::Window;
        Expr span = window.getExpr() - Expr(1);
        if (op.getCausal()) {
          cost.reachBack = span;
        } else {
          cost.reachBack = Expr::floorDiv(span, Expr(2));
          cost.reachAhead = Expr::ceilDiv(span, Expr(2));
        }
      } else {
        cost.tableRow = op.getCausal() ? "self-attention (causal)" : "self-attention";
        cost.mixing = op.getCausal() ? Mixing::Causal : Mixing::Full;
      }
    }
    cost.params = d * heads * dk + Expr(2) * dm * kvHeads * dk + heads * dk * d;
    if (bias)
      cost.params += heads * dk + Expr(2) * kvHeads * dk + d;
    // Q, K, V and output projections as separate matrices (fused QKV
    // layouts such as GPT-2's c_attn are one matrix; see
    // docs/CountingConventions.md).
    cost.weights.push_back({"Q projection", {heads * dk, d}});
    cost.weights.push_back({"K and V projections", {kvHeads * dk, dm}, Expr(2)});
    cost.weights.push_back({"output projection", {d, heads * dk}});
    if (bias) {
      cost.weights.push_back({"Q bias", {heads * dk}});
      cost.weights.push_back({"K and V biases", {kvHeads * dk}, Expr(2)});
      cost.weights.push_back({"output bias", {d}});
    }
    cost.outputElements = queryPositions * d;
    cost.readElements = queryPositions * d + (cross ? kvPositions * dm : Expr());
    // The moments of attention written out: Q, K and V; the scores beside
    // them; the probabilities beside the scores (softmax) and V; the context
    // beside the probabilities and V; the output beside the context. Flash
    // never holds the scores. Decoding holds the new position's Q, K, V.
    if (op.getKind() != "linear") {
      Expr q = queryPositions * heads * dk, kv = kvPositions * kvHeads * dk;
      Expr context = queryPositions * heads * dk;
      Expr scores = op.getFlash() ? Expr() : batch * heads * materialisedScores(op, options);
      cost.internalPeaks.push_back(q + Expr(2) * kv);
      if (!op.getFlash()) {
        cost.internalPeaks.push_back(q + Expr(2) * kv + scores);
        cost.internalPeaks.push_back(kv + Expr(2) * scores);
        cost.internalPeaks.push_back(kv + scores + context);
      } else {
        cost.internalPeaks.push_back(q + Expr(2) * kv + context);
      }
      cost.internalPeaks.push_back(context + cost.outputElements);
    }
    return cost;
  }
};

//===----------------------------------------------------------------------===//
// Recurrence
//===----------------------------------------------------------------------===//

struct RecurrentCost : CostModel<RecurrentCost, RecurrentOp> {
  static OpCost compute(RecurrentOp op, const CostOptions &options) {
    OpCost cost;
    SeqType input = op.getInput().getType();
    llvm::StringRef cell = op.getCell();
    // Gates per cell and element-wise operations per hidden unit and step:
    // elman: tanh. lstm: 3 σ, 2 tanh, 3 products, 1 sum. gru: 2 σ, 1 tanh,
    // 3 products, 2 sums/differences.
    int64_t gates = cell == "lstm" ? 4 : (cell == "gru" ? 3 : 1);
    int64_t elementwise = cell == "lstm" ? 9 : (cell == "gru" ? 8 : 1);
    Expr steps = positionsOf(input, options); // batch × n, or batch when decoding
    Expr hidden = op.getHidden().getExpr(), layers = op.getLayersExpr();
    Expr directions(op.getDirections());
    Expr din = widthOf(input);
    // Layer 1 reads d_in; the others read directions·hidden.
    Expr inputWidths = din + (layers - Expr(1)) * directions * hidden;
    Expr gateUnits = Expr(gates) * hidden;
    Expr inputProj = product({Expr(2), steps, directions, inputWidths, gateUnits});
    Expr recurrentProj = product({Expr(2), steps, directions, layers, hidden, gateUnits});
    cost.terms.push_back({"input projections", inputProj, true});
    cost.terms.push_back({"recurrent projections", recurrentProj, true});
    bool bias = !op.getNoBias();
    if (bias)
      cost.terms.push_back({"biases (input and recurrent)",
                            product({Expr(2), steps, directions, layers, gateUnits}), false});
    cost.terms.push_back({("cell element-wise (" + llvm::Twine(elementwise) + " per unit)").str(),
                          product({Expr(elementwise), steps, directions, layers, hidden}),
                          false});
    cost.core = inputProj + recurrentProj;
    cost.tableRow = "recurrent";
    cost.params = directions * gateUnits * (inputWidths + layers * hidden);
    if (bias)
      cost.params += Expr(2) * directions * layers * gateUnits;
    // Per layer and direction: W_ih [G·H, input], W_hh [G·H, H], b_ih, b_hh.
    cost.weights.push_back({"first layer's input weights", {gateUnits, din}, directions});
    cost.weights.push_back({"later layers' input weights", {gateUnits, directions * hidden},
                            directions * (layers - Expr(1))});
    cost.weights.push_back({"recurrent weights", {gateUnits, hidden}, directions * layers});
    if (bias)
      cost.weights.push_back({"biases", {gateUnits}, Expr(2) * directions * layers});
    cost.outputElements = steps * directions * hidden;
    cost.savedElements = product({steps, directions, layers, gateUnits + hidden});
    int64_t states = cell == "lstm" ? 2 : 1;
    cost.kvCacheElements = product({Expr(states), batchSizeOf(input), directions, layers, hidden});
    cost.readElements = steps * din;
    cost.mixing = Mixing::Recurrent;
    cost.applications = layers;
    return cost;
  }
};

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

struct ConvCost : CostModel<ConvCost, ConvOp> {
  static OpCost compute(ConvOp op, const CostOptions &options) {
    OpCost cost;
    SeqType input = op.getInput().getType(), result = op.getResult().getType();
    Expr batch = batchSizeOf(input);
    Expr outPositions =
        isDecode(options) ? batch : batch * sequenceLengthOf(result); // per stacked layer
    Expr cin = widthOf(input), cout = widthOf(result);
    Expr k = op.getKernel().getExpr(), groups = op.getGroupsExpr();
    auto dilations = op.getDilationExprs();
    Expr layers(static_cast<int64_t>(dilations.size()));
    bool bias = !op.getNoBias();
    // A separable layer's depthwise output, which its pointwise half reads
    // while it writes the layer's output.
    Expr depthwiseOut;
    if (op.getSeparable()) {
      Expr depthwise = product({Expr(2), layers, outPositions, k, cin});
      Expr pointwise = product({Expr(2), layers, outPositions, cin, cout});
      cost.terms.push_back({"depthwise taps", depthwise, true});
      cost.terms.push_back({"pointwise (1×1) matmul", pointwise, true});
      if (bias)
        cost.terms.push_back({"biases", layers * outPositions * (cin + cout), false});
      cost.core = depthwise + pointwise;
      cost.tableRow = "convolution (separable)";
      cost.params = layers * (k * cin + cin * cout + (bias ? cin + cout : Expr()));
      cost.weights.push_back({"depthwise kernels", {cin, Expr(1), k}, layers});
      cost.weights.push_back({"pointwise kernels", {cout, cin, Expr(1)}, layers});
      if (bias) {
        cost.weights.push_back({"depthwise biases", {cin}, layers});
        cost.weights.push_back({"pointwise biases", {cout}, layers});
      }
      // Each layer's depthwise output, and the outputs of all layers but
      // the last (the next one's input), as in the non-separable stack.
      depthwiseOut = outPositions * cin;
      cost.savedElements = layers * depthwiseOut + (layers - Expr(1)) * outPositions * cout;
    } else {
      // The verifier has proved that groups divides c_in.
      auto quotient = cin.divide(groups);
      Expr perGroupIn;
      if (quotient) {
        perGroupIn = *quotient;
      } else {
        llvm::consumeError(quotient.takeError());
        perGroupIn = Expr::floorDiv(cin, groups);
      }
      Expr taps = product({Expr(2), layers, outPositions, k, perGroupIn, cout});
      cost.terms.push_back({"convolution taps", taps, true});
      if (bias)
        cost.terms.push_back({"bias", layers * outPositions * cout, false});
      cost.core = taps;
      cost.tableRow = dilations.size() > 1 || dilations.front() != Expr(1)
                          ? "convolution (dilated)"
                          : "convolution";
      cost.params = layers * (k * perGroupIn * cout + (bias ? cout : Expr()));
      cost.weights.push_back({"kernels", {cout, perGroupIn, k}, layers});
      if (bias)
        cost.weights.push_back({"bias", {cout}, layers});
      cost.savedElements = (layers - Expr(1)) * outPositions * cout;
    }
    cost.outputElements = outPositions * cout;
    // The layers written out hold, besides the op's input, each layer's
    // output (beside its depthwise output when separable) and, from the
    // second layer of a stack on, the previous layer's output it reads.
    cost.internalPeaks.push_back(depthwiseOut + cost.outputElements);
    if (dilations.size() > 1)
      cost.internalPeaks.push_back(depthwiseOut + Expr(2) * cost.outputElements);
    // A stack's layers after the first read what the one before wrote: that
    // output is written and read again (bytes moved as the layers written
    // one by one; outputElements is the last layer's alone).
    cost.readElements = (isDecode(options) ? batch : batch * sequenceLengthOf(input)) * cin +
                        Expr(2) * (layers - Expr(1)) * cost.outputElements;
    // Decoding keeps the last dilation·(k-1) inputs of every layer.
    Expr buffered;
    for (const Expr &dilation : dilations)
      buffered += dilation * (k - Expr(1));
    cost.kvCacheElements = batch * cin * buffered;
    cost.mixing = Mixing::Window;
    cost.applications = layers;
    cost.dilations.assign(dilations.begin(), dilations.end());
    Expr span = dilations.front() * (k - Expr(1));
    if (op.getCausal()) {
      cost.reachBack = span;
    } else if (op.getPadding() == "valid") {
      cost.reachAhead = span;
    } else {
      cost.reachBack = dilations.front() * Expr::floorDiv(k - Expr(1), Expr(2));
      cost.reachAhead = span - cost.reachBack;
    }
    return cost;
  }
};

//===----------------------------------------------------------------------===//
// State-space scan
//===----------------------------------------------------------------------===//

struct ScanCost : CostModel<ScanCost, ScanOp> {
  static OpCost compute(ScanOp op, const CostOptions &options) {
    OpCost cost;
    SeqType type = op.getInput().getType();
    Expr positions = positionsOf(type, options), d = widthOf(type);
    Expr inner = op.getExpandExpr() * d, state = op.getState().getExpr();
    Expr dtRank = op.getDtRankExpr(), kernel = op.getConvKernelExpr();
    cost.terms.push_back({"input projection (d×2·E·d)",
                          product({Expr(4), positions, d, inner}), true});
    cost.terms.push_back({"causal depthwise convolution",
                          product({Expr(2), positions, inner, kernel}), true});
    cost.terms.push_back({"convolution bias", positions * inner, false});
    cost.terms.push_back({"SiLU on x and z", Expr(4) * positions * inner, false});
    cost.terms.push_back({"x projection to Δ, B, C",
                          product({Expr(2), positions, inner, dtRank + Expr(2) * state}), true});
    cost.terms.push_back({"Δ projection", product({Expr(2), positions, dtRank, inner}), true});
    cost.terms.push_back({"Δ bias and softplus", Expr(2) * positions * inner, false});
    // Per (position, channel, state): exp(ΔA) 2, ΔB·x 2, h = Āh + B̄x 2,
    // y += C·h 2.
    Expr scan = product({Expr(8), positions, inner, state});
    cost.terms.push_back({"selective scan (8 per position·channel·state)", scan, false});
    cost.terms.push_back({"skip D·x and gate y·silu(z)", Expr(3) * positions * inner, false});
    cost.terms.push_back({"output projection (E·d×d)",
                          product({Expr(2), positions, inner, d}), true});
    cost.core = scan;
    cost.tableRow = "state-space scan";
    cost.params = Expr(2) * d * inner + inner * kernel + inner +
                  inner * (dtRank + Expr(2) * state) + dtRank * inner + inner +
                  inner * state + inner + inner * d;
    // As the reference implementation stores them: in_proj, conv1d (weight
    // and bias), x_proj, dt_proj (weight and bias), A_log, D, out_proj.
    cost.weights.push_back({"input projection", {Expr(2) * inner, d}});
    cost.weights.push_back({"convolution kernels", {inner, Expr(1), kernel}});
    cost.weights.push_back({"x projection", {dtRank + Expr(2) * state, inner}});
    cost.weights.push_back({"Δ projection", {inner, dtRank}});
    cost.weights.push_back({"A (log)", {inner, state}});
    cost.weights.push_back({"convolution and Δ biases, D", {inner}, Expr(3)});
    cost.weights.push_back({"output projection", {d, inner}});
    cost.outputElements = positions * d;
    cost.savedElements = positions * inner * (Expr(4) + state);
    cost.kvCacheElements = batchSizeOf(type) * inner * (state + kernel - Expr(1));
    // The block written out (Gu & Dao's reference, each tensor freed after
    // its last use) is busiest in the scan: the expanded x and z (2·E·d per
    // position; z gates the result), the convolution's output, the x
    // projection's Δ-rank, B and C, Δ, the scan's running state h (E·d·N
    // per sequence) and the scan's output y. Everything before it is a
    // subset of that moment. Afterwards y, gated in place, beside the
    // output projection. Decoding updates the state and convolution buffer
    // in the cache (kvCacheElements), so the scan holds no state of its own.
    Expr scanState = isDecode(options) ? Expr() : batchSizeOf(type) * inner * state;
    cost.internalPeaks.push_back(Expr(5) * positions * inner +
                                 positions * (dtRank + Expr(2) * state) + scanState);
    cost.internalPeaks.push_back(positions * inner + cost.outputElements);
    cost.readElements = positions * d;
    cost.mixing = Mixing::Scan;
    // The causal convolution's reach back: with a kernel of 1 the path has
    // no hop besides the scan's levels.
    cost.reachBack = kernel - Expr(1);
    return cost;
  }
};

//===----------------------------------------------------------------------===//
// Element-wise layers
//===----------------------------------------------------------------------===//

/// An element-wise op costing `perElement` FLOPs per element.
template <typename OpTy>
OpCost elementwiseCost(OpTy op, const CostOptions &options, llvm::StringRef rule,
                       int64_t perElement, unsigned inputs = 1) {
  OpCost cost;
  SeqType type = llvm::cast<SeqType>(op->getResult(0).getType());
  Expr elements = elementsOf(type, options);
  cost.terms.push_back({rule.str(), Expr(perElement) * elements, false});
  cost.outputElements = elements;
  cost.readElements = Expr(static_cast<int64_t>(inputs)) * elements;
  return cost;
}

struct SliceCost : CostModel<SliceCost, SliceOp> {
  static OpCost compute(SliceOp op, const CostOptions &options) {
    // A view: no arithmetic, no new storage beyond the kept positions.
    OpCost cost;
    SeqType result = op.getResult().getType();
    cost.terms.push_back({"view of the first positions (no arithmetic)", Expr(), false});
    cost.outputElements = batchSizeOf(result) * sequenceLengthOf(result) * widthOf(result);
    cost.readElements = cost.outputElements;
    return cost;
  }
};

struct LayerNormCost : CostModel<LayerNormCost, LayerNormOp> {
  static OpCost compute(LayerNormOp op, const CostOptions &options) {
    // mean 1, centre 1, square 1, variance sum 1, normalise 1, scale 1, shift 1.
    bool bias = !op.getNoBias();
    OpCost cost = elementwiseCost(op, options,
                                  bias ? "normalise, scale, shift (7 per element)"
                                       : "normalise, scale (6 per element)",
                                  bias ? 7 : 6);
    Expr d = widthOf(op.getInput().getType());
    cost.params = bias ? Expr(2) * d : d;
    cost.weights.push_back({bias ? "scale and shift" : "scale", {d}, Expr(bias ? 2 : 1)});
    return cost;
  }
};

struct RMSNormCost : CostModel<RMSNormCost, RMSNormOp> {
  static OpCost compute(RMSNormOp op, const CostOptions &options) {
    // square 1, sum 1, normalise 1, scale 1.
    OpCost cost = elementwiseCost(op, options, "normalise, scale (4 per element)", 4);
    cost.params = widthOf(op.getInput().getType());
    cost.weights.push_back({"scale", {cost.params}});
    return cost;
  }
};

struct AddCost : CostModel<AddCost, AddOp> {
  static OpCost compute(AddOp op, const CostOptions &options) {
    return elementwiseCost(op, options, "element-wise sum", 1, /*inputs=*/2);
  }
};

struct ActivationCost : CostModel<ActivationCost, ActivationOp> {
  static OpCost compute(ActivationOp op, const CostOptions &options) {
    return elementwiseCost(op, options, ("activation " + op.getKind()).str(),
                           activationFlops(op.getKind()));
  }
};

struct SoftmaxCost : CostModel<SoftmaxCost, SoftmaxOp> {
  static OpCost compute(SoftmaxOp op, const CostOptions &options) {
    return elementwiseCost(op, options, "softmax: exp, sum, divide (3 per element)", 3);
  }
};

} // namespace

void costopt::registerCostModelInterfaces(mlir::DialectRegistry &registry) {
  registry.addExtension(+[](mlir::MLIRContext *context, nn::NNDialect *) {
    EmbeddingOp::attachInterface<EmbeddingCost>(*context);
    PositionalOp::attachInterface<PositionalCost>(*context);
    UnembeddingOp::attachInterface<UnembeddingCost>(*context);
    LinearOp::attachInterface<LinearCost>(*context);
    FFNOp::attachInterface<FFNCost>(*context);
    MoEOp::attachInterface<MoECost>(*context);
    AttentionOp::attachInterface<AttentionCost>(*context);
    RecurrentOp::attachInterface<RecurrentCost>(*context);
    ConvOp::attachInterface<ConvCost>(*context);
    ScanOp::attachInterface<ScanCost>(*context);
    SliceOp::attachInterface<SliceCost>(*context);
    LayerNormOp::attachInterface<LayerNormCost>(*context);
    RMSNormOp::attachInterface<RMSNormCost>(*context);
    AddOp::attachInterface<AddCost>(*context);
    ActivationOp::attachInterface<ActivationCost>(*context);
    SoftmaxOp::attachInterface<SoftmaxCost>(*context);
  });
  registerPrimitiveCostModels(registry);
}
