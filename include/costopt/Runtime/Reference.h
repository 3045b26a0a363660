//===- Reference.h - A scalar evaluator of primitive models -----*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// An independent implementation of the primitives' semantics, against which
// `costopt verify` checks the values the lowered kernels compute.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_REFERENCE_H
#define COSTOPT_RUNTIME_REFERENCE_H

#include "costopt/Runtime/CpuRunner.h"

namespace costopt {
namespace nn {
class ModelOp;
} // namespace nn

/// Evaluates `model` (primitives only: decomposed, calls inlined) at `point`
/// on `data` (laid out as the lowered kernel's arguments, `signature`), in
/// double precision, and returns its first output.
llvm::Expected<std::vector<double>> evaluateReference(nn::ModelOp model,
                                                      const KernelSignature &signature,
                                                      const std::vector<ArgumentData> &data,
                                                      const sym::Bindings &point);

} // namespace costopt

#endif // COSTOPT_RUNTIME_REFERENCE_H
