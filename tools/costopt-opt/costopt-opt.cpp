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
#include "costopt/Runtime/CpuRunner.h"
#include "costopt/Support/Input.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

/// MLIR's parser recurses once per bracket: the input files named on the
/// command line get costopt's bounds (costopt/Support/Input.h) first, so
/// hostile text is an error here too, not a stack overflow.
static bool inputsWithinLimits(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg.starts_with("-") || !llvm::sys::fs::is_regular_file(arg))
      continue;
    auto buffer = costopt::readInputFile(arg);
    if (!buffer) {
      llvm::WithColor::error() << llvm::toString(buffer.takeError()) << "\n";
      return false;
    }
    if (auto violation = costopt::checkTextLimits((*buffer)->getBuffer())) {
      llvm::errs() << costopt::formatTextViolation(arg, (*buffer)->getBuffer(), *violation)
                   << "\n";
      return false;
    }
  }
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  if (!inputsWithinLimits(argc, argv))
    return 1;
  mlir::DialectRegistry registry;
  costopt::registerAllDialects(registry);
  costopt::registerAllPasses();
  // The lowerings: upstream dialects and passes, and costopt's pipelines.
  costopt::registerLoweringDialects(registry);
  costopt::registerLoweringPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "costopt modular optimizer driver\n", registry));
}
