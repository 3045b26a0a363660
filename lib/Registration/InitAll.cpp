//===- InitAll.cpp - Register every costopt dialect and pass --------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/InitAll.h"

#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Interfaces/CostModel.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void costopt::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<costopt::nn::NNDialect>();
  costopt::registerCostModelInterfaces(registry);
}

void costopt::registerAllPasses() { costopt::registerCostoptPasses(); }
