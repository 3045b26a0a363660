//===- Conventions.h - Published FLOP-counting conventions ------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The scaling-law papers count Transformer FLOPs with their own, simpler
// rules. costopt applies them to a model so its figures can be compared with
// the papers':
//
// - Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1:
//   per token C_forward = 2N + 2·n_layer·n_ctx·d_attn, N the non-embedding
//   parameters 2·d_model·n_layer·(2·d_attn + d_ff); embeddings, norms,
//   biases and the de-embedding are left out.
// - Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models",
//   Appendix F: per sequence, embeddings 2·n·V·d, per layer K/Q/V
//   projections 2·3·n·d·d_attn, logits 2·n²·d_attn, softmax 3·h·n², the
//   softmax-weighted reduction 2·n²·d_attn, the output projection
//   2·n·d_attn·d, the dense block 2·n·(2·d·d_ff), and final logits 2·n·d·V;
//   backward = 2 × forward.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_ANALYSIS_CONVENTIONS_H
#define COSTOPT_ANALYSIS_CONVENTIONS_H

#include "costopt/Analysis/ModelCost.h"

namespace costopt {

enum class Convention { Exact, Kaplan, Chinchilla };

std::optional<Convention> parseConvention(llvm::StringRef text);
llvm::StringRef describeConvention(Convention convention);

/// The model's FLOPs in `convention` for the mode of `cost.options`. Ops the
/// convention does not cover (recurrences, convolutions, scans, experts)
/// get an error at their location; decoding is only defined for Kaplan's
/// per-token count.
mlir::FailureOr<sym::Expr> conventionFlops(const ModelCost &cost, Convention convention);

} // namespace costopt

#endif // COSTOPT_ANALYSIS_CONVENTIONS_H
