//===- Loops.h - Rewrites of bufferized loops -------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Rewrites of bufferized code and of the loops that linalg lowers to,
// shared by the CPU pipeline (costopt-copies-to-linalg,
// costopt-accumulate-in-registers) and the GPU pipeline
// (costopt-gpu-prepare-buffers, costopt-gpu-optimize-kernels).
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_CONVERSION_LOOPS_H
#define COSTOPT_CONVERSION_LOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Value.h"

namespace costopt {

/// The buffer a memref view reads, through every view-like op: an
/// allocation or an argument of the enclosing function. Anything else (a
/// value from scf.if or select, a global) is not a known buffer: null, and
/// no two memrefs are then known to be distinct. The runners pass every
/// argument in a buffer of its own, so distinct arguments do not alias.
mlir::Value bufferRootOf(mlir::Value memref);

/// Keeps the element a reduction loop accumulates into in a register:
/// `for { x = load C[i]; ...; store y, C[i] }` with loop-invariant i becomes
/// `x0 = load C[i]; r = for iter(x = x0) { ...; yield y }; store r, C[i]`.
/// Only when the load and store are the loop's only accesses to C's buffer,
/// so nothing else in the loop can observe the difference. With
/// `reassociate`, an accumulating `arith.addf` may be reassociated (fast-math
/// `reassoc`), which lets LLVM vectorize the reduction. Returns whether the
/// loop changed.
bool accumulateInRegister(mlir::scf::ForOp loop, bool reassociate = false);

/// Rewrites every `memref.copy` under `root` as a `linalg.copy`, which
/// lowers to loops (vectorized on the CPU, a kernel on the GPU) rather than
/// to the runtime's element-by-element `memrefCopy`.
void rewriteCopiesAsLinalg(mlir::Operation *root);

/// Rewrites every `memref.expand_shape` under `root` with two or more
/// dynamic sizes in one reassociation group as a `memref.reinterpret_cast`
/// (costopt-expand-shapes-as-casts: MLIR 22's expand-strided-metadata
/// crashes on them).
void rewriteExpandShapesAsCasts(mlir::Operation *root);

} // namespace costopt

#endif // COSTOPT_CONVERSION_LOOPS_H
