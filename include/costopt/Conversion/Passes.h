//===- Passes.h - costopt conversion passes ---------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The lowering of primitive models to linalg (costopt-convert-nn-to-linalg)
// and the instrumentation that counts executed FLOPs (costopt-count-flops).
// Kept free of the linalg headers, which are slow to include.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_CONVERSION_PASSES_H
#define COSTOPT_CONVERSION_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace costopt {
namespace nn {
class ModelOp;
} // namespace nn

#define GEN_PASS_DECL
#include "costopt/Conversion/Passes.h.inc"

/// Calls `fn` on each op that is one row of a model's report (every op of
/// the model and of its repeats, except repeats and terminators), in the
/// order of ModelCost::layers. The lowering numbers counter slots in this
/// order, so slot i counts the FLOPs of the i-th op.
void forEachLayerOp(nn::ModelOp model, llvm::function_ref<void(mlir::Operation *)> fn);

/// The argument of a lowered model function that holds its FLOP counters
/// (`costopt.role = "counters"`), or null for another function.
mlir::Value findCountersArgument(mlir::func::FuncOp func);

/// Attribute names shared by the lowering, the counting pass and the
/// runtime that calls the kernels.
namespace attrs {
inline constexpr llvm::StringLiteral kLayer = "costopt.layer";
inline constexpr llvm::StringLiteral kRole = "costopt.role";
inline constexpr llvm::StringLiteral kShape = "costopt.shape";
inline constexpr llvm::StringLiteral kName = "costopt.name";
inline constexpr llvm::StringLiteral kLayerCount = "costopt.layer_count";
inline constexpr llvm::StringLiteral kStacked = "costopt.stacked";
} // namespace attrs

#define GEN_PASS_REGISTRATION
#include "costopt/Conversion/Passes.h.inc"

} // namespace costopt

#endif // COSTOPT_CONVERSION_PASSES_H
