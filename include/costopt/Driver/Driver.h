//===- Driver.h - The costopt command's logic -------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Everything `costopt` does, as a library: tools/costopt only parses the
// command line (CLI11) into DriverOptions and calls runDriver, so the
// behaviour is unit-testable and llvm::cl never sees argv.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DRIVER_DRIVER_H
#define COSTOPT_DRIVER_DRIVER_H

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace costopt {

/// Exit codes of the costopt command.
enum ExitCode : int {
  ExitSuccess = 0,
  ExitInputError = 1, ///< unreadable file, parse/verify error, bad -D value
  ExitUsageError = 2, ///< bad command line
};

struct DriverOptions {
  std::string inputFile;
  std::string outputFile = "-";
  /// "name=value" bindings from -D/--bind.
  std::vector<std::string> bindings;
  std::string mode = "forward";
  /// "flops" (1 multiply-add = 2 FLOPs) or "macs".
  std::string count = "flops";
  std::string dtype = "f32";
  std::string format = "text";
  /// Only this model of the file ("" = all).
  std::string modelName;
  /// Unit for human-readable memory figures: auto, KiB, MiB, GiB or TiB.
  std::string memoryUnit = "auto";
  /// List every FLOP term of every op with its source location and rule.
  bool explain = false;
};

/// Runs the command; diagnostics go to `errs`, the report to the output file
/// (or `outs` for "-").
int runDriver(const DriverOptions &options, llvm::raw_ostream &outs, llvm::raw_ostream &errs);

/// The version string printed by --version.
const char *getVersionString();

} // namespace costopt

#endif // COSTOPT_DRIVER_DRIVER_H
