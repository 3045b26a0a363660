//===- InitAll.h - Register every costopt dialect and pass ------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_INITALL_H
#define COSTOPT_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace costopt {

/// Adds the nn dialect and the upstream dialects costopt's pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);
/// Registers every costopt pass with the global pass registry (for
/// costopt-opt's command line).
void registerAllPasses();

} // namespace costopt

#endif // COSTOPT_INITALL_H
