//===- CostModel.h - Per-op cost rules --------------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// What one op application costs, as exact expressions in the model's
// symbols. Whole-model analyses (lib/Analysis) combine these.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_INTERFACES_COSTMODEL_H
#define COSTOPT_INTERFACES_COSTMODEL_H

#include "costopt/Dialect/NN/NNDialect.h"
#include "costopt/Support/Sym.h"

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace costopt {

/// What is being costed.
enum class CostMode {
  Forward,  ///< one forward pass over n positions
  Backward, ///< the gradient computation only
  Train,    ///< forward + backward
  Decode,   ///< one new token per sequence, attending to a cache of n
};

llvm::StringRef stringifyCostMode(CostMode mode);
std::optional<CostMode> parseCostMode(llvm::StringRef text);

/// Combines a quantity's forward and backward amounts as the mode asks
/// (decode and forward: forward; train: both).
sym::Expr combineForMode(CostMode mode, const sym::Expr &forward, const sym::Expr &backward);

/// True for the modes that run a backward pass (backward, train): they store
/// activations for it and hold gradients and optimizer state, not a KV cache.
inline bool runsBackward(CostMode mode) {
  return mode == CostMode::Backward || mode == CostMode::Train;
}

/// What the backward pass recomputes instead of storing (--recompute;
/// Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
/// Transformer Models").
enum class Recompute {
  None,      ///< every intermediate the backward pass reads is stored
  Selective, ///< attention's score and probability matrices are recomputed
  Full,      ///< each layer (top-level nn.repeat iteration) keeps only its input
};

llvm::StringRef stringifyRecompute(Recompute recompute);
std::optional<Recompute> parseRecompute(llvm::StringRef text);

struct CostOptions {
  CostMode mode = CostMode::Forward;
  /// Backward and train: what is recomputed rather than stored.
  Recompute recompute = Recompute::None;
  /// Count multiply-accumulates instead of FLOPs: matmul terms / 2, and no
  /// element-wise work (the convention of MAC counters such as thop).
  bool countMACs = false;
};

/// One named contribution to an op's forward FLOPs (1 multiply-add = 2
/// FLOPs). `matmul` terms cost twice as much again in the backward pass
/// (gradients for inputs and weights); element-wise terms once.
struct FlopTerm {
  std::string rule;
  sym::Expr flops;
  bool matmul = false;
  /// The FLOPs when masks are ignored and the whole score matrix is
  /// computed (a causal n(n+1)/2 scored as n²), as FLOP counters that see
  /// only the kernels' shapes count; unset where that is `flops`.
  std::optional<sym::Expr> dense;

  const sym::Expr &denseOr() const { return dense ? *dense : flops; }
};

/// How an op connects positions, for sequential depth and path length.
enum class Mixing {
  Pointwise, ///< output t depends on input t only
  Full,      ///< every output depends on every input (one hop)
  Causal,    ///< output t depends on inputs <= t (one hop)
  Window,    ///< output t depends on inputs in [t - reachBack, t + reachAhead] (one hop)
  Recurrent, ///< h_t depends on h_{t-1} and x_t: a chain along the sequence
  Scan,      ///< a recurrence computed by a parallel prefix scan
};

llvm::StringRef stringifyMixing(Mixing mixing);

/// One weight tensor of an op, shaped as the usual implementations
/// (PyTorch's) store it: a Linear's weight is [out, in], a Conv1d's [out,
/// in/groups, kernel]; `copies` such tensors (per direction and layer of a
/// recurrence, per expert, per stacked convolution).
struct WeightTensor {
  std::string name;
  llvm::SmallVector<sym::Expr, 3> shape;
  sym::Expr copies{1};

  /// Elements of all copies.
  sym::Expr elements() const;
  /// Adafactor's second-moment statistics for all copies (Shazeer & Stern
  /// 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
  /// Cost"): a tensor of rank 2 or more keeps one per row (the product of
  /// all dimensions but the last) and one per column (all but the second to
  /// last), as the reference implementations factor the last two
  /// dimensions; a vector keeps one per element.
  sym::Expr factoredSecondMoments() const;
};

/// How the positions of one operand reach the result's positions: the
/// dependence a primitive's index maps and mask create along the sequence
/// axis (docs/CountingConventions.md, "Primitives").
struct OperandReach {
  /// False for an operand without a position axis (a weight): it reaches
  /// every position unchanged.
  bool positional = false;
  /// Pointwise, Full, Causal or Window.
  Mixing mixing = Mixing::Pointwise;
  /// Window: result position t reads operand positions t - reachBack ..
  /// t + reachAhead (around stride·t with a stride).
  sym::Expr reachBack, reachAhead;
  /// Recurrent: the chain runs from the last position to the first.
  bool reversed = false;
  /// Operand positions per result position: a strided convolution's
  /// result position t reads around operand position stride·t.
  sym::Expr stride{1};
  /// Window: the taps are more than one position apart (a dilated kernel),
  /// so not every distance within the reach is carried in one hop.
  bool dilated = false;
};

struct OpCost {
  /// Forward FLOPs in the mode's shape (decode: one position), by rule.
  llvm::SmallVector<FlopTerm, 4> terms;
  /// Work only the backward pass does, by rule, beyond the rule for
  /// `terms`: an embedding's scatter-add, or what FlashAttention recomputes
  /// (QKᵀ and the softmax) because it kept no score matrix. Each counts
  /// once; `matmul` ones also count as multiply-accumulates.
  llvm::SmallVector<FlopTerm, 2> backwardTerms;
  /// The term "Attention Is All You Need" Table 1 counts, forward.
  sym::Expr core;
  /// The row of Table 1 this op belongs to ("" for non-mixing layers).
  std::string tableRow;
  sym::Expr params;
  /// The tensors `params` counts, one entry per kind (their elements sum to
  /// params), for optimizers whose state depends on shapes.
  llvm::SmallVector<WeightTensor, 4> weights;
  /// Elements of the results.
  sym::Expr outputElements;
  /// Elements alive only while the op runs (the n×n score matrix).
  sym::Expr workspaceElements;
  /// Intermediates kept for the backward pass besides the output.
  sym::Expr savedElements;
  /// Elements alive inside one application at each of its busiest moments,
  /// besides its inputs: a fused layer's intermediates (Q, K, V and the
  /// scores of attention, the hidden activation of an FFN) and, once it is
  /// written, its output. Empty means the single moment workspace + output.
  /// The forward peak takes the largest (docs/CountingConventions.md).
  llvm::SmallVector<sym::Expr, 5> internalPeaks;
  /// Key/value cache elements needed for decoding.
  sym::Expr kvCacheElements;
  /// Activation elements read (weights are counted through params).
  sym::Expr readElements;
  /// Weight elements one forward application reads, when that is not all
  /// of params: a table lookup reads only its gathered rows.
  std::optional<sym::Expr> weightElementsRead;
  /// Full recomputation: the backward pass runs this op's forward again
  /// (its backwardTerms name the FLOPs; its traffic repeats the forward's).
  bool rerunInBackward = false;

  Mixing mixing = Mixing::Pointwise;
  /// Window: how far back / ahead one application reaches.
  sym::Expr reachBack, reachAhead;
  /// Stacked applications inside the op (recurrent layers, dilation stack).
  sym::Expr applications{1};
  /// Dilations of each stacked application, for convolution stacks.
  llvm::SmallVector<sym::Expr, 4> dilations;

  /// Primitives: the reach of each operand, in operand order. Empty for
  /// layers, whose `mixing` describes their first operand's.
  llvm::SmallVector<OperandReach, 3> operandReach;

  /// Total FLOPs under the mode.
  sym::Expr totalFlops(CostMode mode) const;
  /// Total work under the options: FLOPs, or MACs with countMACs.
  sym::Expr totalWork(const CostOptions &options) const;
  /// This cost with every term's dense count (FlopTerm::dense) in place of
  /// its exact one.
  OpCost withDenseMasks() const;
};

/// The batch of an activation type: the product of the dimensions before
/// the last two (1 for rank 2).
sym::Expr batchSizeOf(nn::SeqType type);
/// The sequence length: the second-to-last dimension (1 for rank 1).
sym::Expr sequenceLengthOf(nn::SeqType type);

/// The position axis of a value's type: the second-to-last dimension of an
/// `!nn.seq`, the last of `!nn.tokens`; none for `!nn.tensor`.
std::optional<unsigned> positionAxisOf(mlir::Type type);

/// The levels of a parallel prefix scan over `n` positions: ⌈log2 n⌉.
sym::Expr scanLevels(const sym::Expr &n);

/// Attaches CostModelOpInterface to every nn op.
void registerCostModelInterfaces(mlir::DialectRegistry &registry);
/// The primitives' part of registerCostModelInterfaces.
void registerPrimitiveCostModels(mlir::DialectRegistry &registry);

} // namespace costopt

#include "costopt/Interfaces/CostModelInterface.h.inc"

#endif // COSTOPT_INTERFACES_COSTMODEL_H
