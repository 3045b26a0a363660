//===- ModelCost.h - Whole-model cost analysis ------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Combines the per-op cost rules over a model: totals multiplied through
// nn.repeat counts, peak activation memory from value lifetimes, sequential
// depth composed position by position, and maximum path length.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_ANALYSIS_MODELCOST_H
#define COSTOPT_ANALYSIS_MODELCOST_H

#include "costopt/Interfaces/CostModel.h"

#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace costopt {
namespace nn {
class ModelOp;
} // namespace nn

/// One op occurrence in the model.
struct LayerCost {
  mlir::Operation *op = nullptr;
  std::string opName;   ///< "nn.attention"
  std::string location; ///< file:line:col
  /// How many times it runs: the product of enclosing nn.repeat counts.
  sym::Expr multiplicity{1};
  /// How many distinct copies of its weights exist: the multiplicity less
  /// the counts of enclosing repeats that share weights.
  sym::Expr weightCopies{1};
  OpCost cost; ///< one application
  /// False for ops without cost rules; their FLOPs are unknown(op).
  bool priced = true;
  /// Decode mode: the op runs once before decoding (an encoder over the
  /// source), so a step costs nothing of it but its weights.
  bool prefill = false;
};

/// Depth of a value at position t: the maximum of slope·t + offset.
struct DepthPiece {
  int64_t slope; ///< -1, 0 or 1
  sym::Expr offset;
};

/// The longest chain of mixing ops leading to a value (for path length).
struct PathSummary {
  sym::Expr hops;          ///< mixing-op applications on the chain
  /// Model-input positions the chain's windows and kernels span: each
  /// one's reach times the strides before it (a kernel after a stride-2
  /// convolution reaches twice as far in the input).
  sym::Expr reach;
  /// Positions the contiguous windows and kernels can carry information
  /// forward (their reach back) and backward (their reach ahead), any
  /// number up to it in one hop, in the positions of the value (no stride
  /// on the chain: those of the input).
  sym::Expr reachForward, reachBackward;
  /// Input positions per position of the value: the product of the strides.
  sym::Expr stride{1};
  bool unboundedReach = false; ///< a full/causal mixer is on the chain
  bool recurrent = false;      ///< a recurrence is on the chain
  bool bidirectional = false;  ///< a recurrence runs backward too
  /// A recurrence after a stride: the path length is then an upper bound.
  bool stridedRecurrence = false;
  /// A dilated kernel (taps d > 1 apart) is on the chain: it moves
  /// information only by multiples of d, so it is left out of
  /// reachForward/reachBackward and, between recurrences, the path length
  /// is an upper bound.
  bool dilated = false;
};

struct ModelCost {
  CostOptions options;
  std::vector<LayerCost> layers;
  std::vector<std::string> symbolOrder;

  sym::Expr flops, coreFlops, params;
  /// Adafactor's factored second-moment statistics over every distinct
  /// weight tensor (WeightTensor::factoredSecondMoments).
  sym::Expr factoredSecondMoments;
  /// `flops` with every masked score matrix counted whole (causal n², a
  /// window's n·m), as shape-based FLOP counters report.
  sym::Expr denseFlops;
  /// Activation elements at the busiest moment of a forward/decode pass, or
  /// everything stored for the backward pass in backward/train mode.
  sym::Expr peakActivationElements;
  sym::Expr kvCacheElements;
  /// The largest transient workspace of one op (the biggest attention score
  /// matrix), the figure of the classic memory estimate b·h·n².
  sym::Expr largestWorkspaceElements;

  /// Steps that must run one after another (see docs/CountingConventions.md).
  sym::Expr sequentialDepth;
  /// Whether every transfer function was exact (false: an upper bound).
  bool depthExact = true;
  /// Mixing-op applications between the farthest connected positions along
  /// the model's longest chain of mixers.
  sym::Expr maxPathLength;
  /// False where maxPathLength is an upper bound (a recurrence after a
  /// strided convolution, or strides compounding over a symbolic repeat).
  bool pathExact = true;
  /// Receptive field when it is finite (positions farther apart never
  /// connect when it is below n).
  std::optional<sym::Expr> receptiveField;
  /// The sequence length of the (first) model output, to compare with it.
  sym::Expr outputLength{1};
};

/// Elements one op application reads and writes under the options' mode,
/// the "bytes moved" rule of the conventions, by element type: activations
/// (and their gradients), weights (and their gradients), and the KV cache
/// or decoding state a decoding step reads.
struct TrafficElements {
  sym::Expr activations, weights, cache;
};
TrafficElements trafficOf(const OpCost &cost, const CostOptions &options);
/// The three kinds of trafficOf together.
sym::Expr trafficElementsOf(const OpCost &cost, const CostOptions &options);

/// Analyses `model`. Ops without cost rules produce a warning at their
/// location and an explicit unknown(op) term; never a silent zero.
mlir::FailureOr<ModelCost> analyzeModel(nn::ModelOp model, const CostOptions &options);

/// The layer's own per-application "sequential operations" class and the
/// path length a stack of such layers needs to connect n positions (Table 1).
struct TableRowFigures {
  sym::Expr sequentialOps;
  sym::Expr pathLength;
  /// A window or kernel that reaches no other position (kernel = 1,
  /// window = 1): no stack of such layers connects two positions, and
  /// pathLength is meaningless.
  bool neverConnects = false;
};
TableRowFigures tableRowFigures(const LayerCost &layer);

} // namespace costopt

#endif // COSTOPT_ANALYSIS_MODELCOST_H
