//===- Conventions.cpp - Published FLOP-counting conventions --------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Both conventions assume plain multi-head attention with full masks and a
// two-matrix MLP. Where a model departs from that, the extension used is the
// natural one and is stated: grouped K/V heads project to g·d_k, a gated MLP
// has three d×d_ff matrices, and a causal mask is counted as full (as both
// papers do).
//
//===----------------------------------------------------------------------===//

#include "costopt/Analysis/Conventions.h"

#include "costopt/Dialect/NN/NNOps.h"

using namespace costopt;
using namespace costopt::nn;
using sym::Expr;

std::optional<Convention> costopt::parseConvention(llvm::StringRef text) {
  if (text == "exact")
    return Convention::Exact;
  if (text == "kaplan")
    return Convention::Kaplan;
  if (text == "chinchilla")
    return Convention::Chinchilla;
  return std::nullopt;
}

llvm::StringRef costopt::describeConvention(Convention convention) {
  switch (convention) {
  case Convention::Exact:
    return "costopt's exact count";
  case Convention::Kaplan:
    return "Kaplan et al. 2020, Table 1 (non-embedding, 2N + 2·n_layer·n_ctx·d_attn per token)";
  case Convention::Chinchilla:
    return "Hoffmann et al. 2022, Appendix F (embeddings, attention, dense, logits; "
           "backward = 2 × forward)";
  }
  llvm_unreachable("unhandled convention");
}

namespace {


/// Forward FLOPs of one op application in the convention, or failure.
mlir::FailureOr<Expr> opFlops(mlir::Operation *op, Convention convention, bool decode) {
  bool kaplan = convention == Convention::Kaplan;
  if (auto attention = llvm::dyn_cast<AttentionOp>(op)) {
    SeqType input = attention.getInput().getType();
    SeqType keys = attention.getMemory() ? attention.getMemory().getType() : input;
    Expr b = batchSizeOf(input), d = input.getDimExpr(-1), dm = keys.getDimExpr(-1);
    Expr n = decode ? Expr(1) : sequenceLengthOf(input), m = sequenceLengthOf(keys);
    Expr h = attention.getHeads().getExpr(), dk = attention.getHeadDimExpr();
    Expr g = attention.getKVHeadsExpr();
    Expr dAttn = h * dk;
    Expr qkv = Expr(2) * n * (d * dAttn + Expr(2) * dm * g * dk);
    Expr project = Expr(2) * n * dAttn * d;
    Expr logits = Expr(2) * n * m * dAttn;
    if (kaplan) // QKV, mask (2·n_ctx·d_attn per token), project
      return b * (qkv + logits + project);
    if (decode)
      return mlir::failure();
    Expr softmax = Expr(3) * h * n * m;
    return b * (qkv + logits + softmax + logits + project);
  }
  if (auto ffn = llvm::dyn_cast<FFNOp>(op)) {
    SeqType type = ffn.getInput().getType();
    Expr tokens = batchSizeOf(type) * (decode ? Expr(1) : sequenceLengthOf(type));
    Expr matrices(ffn.getGated() ? 3 : 2);
    return Expr(2) * tokens * matrices * type.getDimExpr(-1) * ffn.getHidden().getExpr();
  }
  if (auto linear = llvm::dyn_cast<LinearOp>(op)) {
    SeqType in = linear.getInput().getType(), out = linear.getResult().getType();
    Expr tokens = batchSizeOf(in) * (decode ? Expr(1) : sequenceLengthOf(in));
    return Expr(2) * tokens * in.getDimExpr(-1) * out.getDimExpr(-1);
  }
  if (auto embedding = llvm::dyn_cast<EmbeddingOp>(op)) {
    if (kaplan)
      return Expr(); // non-embedding compute
    SeqType out = embedding.getResult().getType();
    return Expr(2) * batchSizeOf(out) * sequenceLengthOf(out) * embedding.getVocab().getExpr() *
           out.getDimExpr(-1);
  }
  if (auto unembedding = llvm::dyn_cast<UnembeddingOp>(op)) {
    if (kaplan)
      return Expr(); // the de-embedding is outside C_forward
    SeqType in = unembedding.getInput().getType();
    return Expr(2) * batchSizeOf(in) * sequenceLengthOf(in) * in.getDimExpr(-1) *
           unembedding.getVocab().getExpr();
  }
  if (llvm::isa<LayerNormOp, RMSNormOp, AddOp, ActivationOp, SoftmaxOp, PositionalOp, SliceOp>(
          op))
    return Expr(); // neither convention counts element-wise work
  return mlir::failure();
}

} // namespace

mlir::FailureOr<Expr> costopt::conventionFlops(const ModelCost &cost, Convention convention) {
  if (convention == Convention::Exact)
    return cost.flops;
  bool decode = cost.options.mode == CostMode::Decode;
  if (decode && convention == Convention::Chinchilla) {
    if (!cost.layers.empty())
      cost.layers.front().op->emitError()
          << "the chinchilla convention counts whole sequences; it has no decode rule";
    return mlir::failure();
  }
  Expr forward;
  for (const LayerCost &layer : cost.layers) {
    mlir::FailureOr<Expr> flops = opFlops(layer.op, convention, decode);
    if (failed(flops)) {
      layer.op->emitError() << "the " << (convention == Convention::Kaplan ? "kaplan" : "chinchilla")
                            << " convention covers Transformer layers only; it has no rule for '"
                            << layer.op->getName() << "'";
      return mlir::failure();
    }
    forward += layer.multiplicity * *flops;
  }
  // Both papers take the backward pass as twice the forward pass.
  return combineForMode(cost.options.mode, forward, Expr(2) * forward);
}
