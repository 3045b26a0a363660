//===- Passes.h - costopt passes --------------------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_TRANSFORMS_PASSES_H
#define COSTOPT_TRANSFORMS_PASSES_H

#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace costopt {

#define GEN_PASS_DECL
#include "costopt/Transforms/Passes.h.inc"

/// Inlines every nn.call of `module` as an nn.block (costopt-inline-layers).
mlir::LogicalResult inlineLayerCalls(mlir::ModuleOp module);

/// Why costopt-decompose-layers leaves `op` a layer, as a clause for a
/// diagnostic ("its stride or dilation is a symbol, ..."); empty where it
/// decomposes `op`.
std::string whyLayerStays(mlir::Operation *op);

#define GEN_PASS_REGISTRATION
#include "costopt/Transforms/Passes.h.inc"

} // namespace costopt

#endif // COSTOPT_TRANSFORMS_PASSES_H
