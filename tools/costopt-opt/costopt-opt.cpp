//===- costopt-opt.cpp - costopt's opt-like driver ------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The pass-pipeline driver used by lit tests and compiler engineers: every
// costopt dialect and pass, plus the upstream dialects the lowerings use.
//
//===----------------------------------------------------------------------===//

#include "costopt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  mlir::DialectRegistry registry;
  costopt::registerAllDialects(registry);
  costopt::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "costopt modular optimizer driver\n", registry));
}
