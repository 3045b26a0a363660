//===- Passes.h - costopt passes --------------------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_TRANSFORMS_PASSES_H
#define COSTOPT_TRANSFORMS_PASSES_H

#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/Pass/Pass.h"

#include <memory>

namespace costopt {

#define GEN_PASS_DECL
#include "costopt/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "costopt/Transforms/Passes.h.inc"

} // namespace costopt

#endif // COSTOPT_TRANSFORMS_PASSES_H
