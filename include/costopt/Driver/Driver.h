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

#include "costopt/Import/Onnx.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace costopt {

/// Exit codes of the costopt command.
enum ExitCode : int {
  ExitSuccess = 0,
  ExitInputError = 1, ///< unreadable file, parse/verify error, bad -D value
  ExitUsageError = 2, ///< bad command line
  ExitBudgetExceeded = 3, ///< a --budget limit is exceeded
};

struct DriverOptions {
  std::string inputFile;
  std::string outputFile = "-";
  /// "name=value" bindings from -D/--bind.
  std::vector<std::string> bindings;
  std::string mode = "forward";
  /// Also count FLOPs in a published convention: "exact" (none), "kaplan",
  /// "chinchilla".
  std::string convention = "exact";
  /// "flops" (1 multiply-add = 2 FLOPs) or "macs".
  std::string count = "flops";
  /// Element type of weights and activations; --weight-dtype and
  /// --act-dtype override it for one of them.
  std::string dtype = "f32";
  /// Element type of weights, their gradients and the weights read ("" =
  /// dtype): weight-only quantisation keeps fp8 weights beside bf16
  /// activations.
  std::string weightDtype;
  /// Element type of activations ("" = dtype); also the type computations
  /// run in (the roofline's peak).
  std::string actDtype;
  /// Element type of the KV cache ("" = the activations'): caches are often
  /// stored in fp8 while weights and activations are bf16.
  std::string kvDtype;

  std::string weightType() const { return weightDtype.empty() ? dtype : weightDtype; }
  std::string activationType() const { return actDtype.empty() ? dtype : actDtype; }
  std::string cacheType() const { return kvDtype.empty() ? activationType() : kvDtype; }
  /// The optimizer whose state training memory holds: "adam", "momentum",
  /// (SGD with momentum), "sgd" or "adafactor" (docs/CountingConventions.md).
  std::string optimizer = "adam";
  /// What backward and train recompute instead of storing: "none",
  /// "selective" (attention's score matrices) or "full" (each layer keeps
  /// only its input), after Korthikanti et al. 2022.
  std::string recompute = "none";
  std::string format = "text";
  /// Only this model of the file ("" = all).
  std::string modelName;
  /// How an ONNX model is read (its position axis, unknown operators).
  OnnxImportOptions onnx;
  /// Unit for human-readable memory figures: auto, KiB, MiB, GiB or TiB.
  std::string memoryUnit = "auto";
  /// Formulas in the text report: "wrap" (the report fits in 120 columns,
  /// long formulas continue on the next lines) or "full" (each on one line).
  std::string formulas = "wrap";
  /// List every FLOP term of every op with its source location and rule.
  bool explain = false;
  /// The module tree: model, repeat blocks, layers, each with its FLOPs,
  /// parameters and share of the FLOPs.
  bool tree = false;
  /// Limits such as "flops<=1e15", "memory<=80GB"; exceeding one exits 3.
  std::vector<std::string> budgets;
  /// A sweep such as "n=1k..1M" (doubling), "n=1k..1M:*10", "n=0..4096:+512".
  std::string sweep;
  /// Skip sweep points that break the model's rules (marked in the output)
  /// instead of stopping at the first one with an error.
  bool skipInvalid = false;
  /// Where to write a log-log SVG of the sweep ("" = none).
  std::string plotFile;
  /// Hardware for roofline estimates: h100, h200, a100, cpu or a .json file.
  std::string hardware;
  /// Report on the models with their built-in layers decomposed into
  /// primitives (and the --compare model's too): every cost derived again
  /// by the generic analysis, in one process.
  bool decompose = false;
  /// Print the IR at a stage instead of the report: "nn" (the verified
  /// model, after importing a config). "" = the report.
  std::string emit;
  /// The CUDA chip `--emit gpu|ptx` compiles for (sm_80 or newer).
  std::string gpuChip = "sm_90";
  /// A second model file to compare against ("" = none).
  std::string compareFile;
  /// MLIR's thread pool. The fuzz targets turn it off, so that what a run
  /// covers does not depend on how threads were scheduled.
  bool multithreaded = true;
};

/// `costopt import config.json`: writes the nn model of a Hugging Face
/// config to `outputFile` ("" or "-" = `outs`).
/// `costopt verify`: run the lowered model and check its executed FLOPs
/// against the prediction.
struct VerifyOptions {
  std::string inputFile;
  std::string modelName;
  /// How an ONNX model is read.
  OnnxImportOptions onnx;
  std::vector<std::string> bindings;
  /// A sweep as for the report ("n=64..512"); "" = one point.
  std::string sweep;
  /// "cpu" (JIT-compiled here) or "cuda" (an artifact run by
  /// costopt-run-cuda, here or on a GPU machine).
  std::string target = "cpu";
  /// --target cuda: the chip to compile for.
  std::string gpuChip = "sm_90";
  /// --target cuda: where to write the artifact ("" = a temporary folder).
  std::string artifactDir;
  /// --target cuda: write the artifact and stop (no GPU needed).
  bool compileOnly = false;
  /// --target cuda: check the measurements.json of an earlier run instead
  /// of running.
  std::string measurementsFile;
  /// A hardware profile for the predicted time (--hw h200).
  std::string hardware;
  std::string format = "text";
  std::string outputFile = "-";
  /// Timed runs per point after the counting run (0 = count only).
  unsigned repetitions = 5;
  /// Refuse points whose inputs, weights and outputs take more bytes.
  uint64_t maxBufferBytes = uint64_t(4) << 30;
  /// Check the values against the reference evaluator at points of at most
  /// this many predicted FLOPs (it is slow: a loop over every point).
  uint64_t referenceLimit = 100000000;
  /// Compile with the untiled scalar-loop pipeline (the reference of the
  /// CPU schedule) instead of the optimized one.
  bool untiled = false;
};

int runVerify(const VerifyOptions &options, llvm::raw_ostream &outs, llvm::raw_ostream &errs);

/// `costopt import`: writes the nn model of a config.json or an ONNX file
/// (read as `onnx` says).
int runImport(const std::string &inputFile, const std::string &outputFile,
              llvm::raw_ostream &outs, llvm::raw_ostream &errs,
              const OnnxImportOptions &onnx = {});

/// `costopt calibrate`: measures this machine and writes its profile to
/// `outputFile` ("" = the per-user config location).
int runCalibrate(const std::string &outputFile, llvm::raw_ostream &outs,
                 llvm::raw_ostream &errs);

/// Runs the command; diagnostics go to `errs`, the report to the output file
/// (or `outs` for "-").
int runDriver(const DriverOptions &options, llvm::raw_ostream &outs, llvm::raw_ostream &errs);

/// The version string printed by --version.
const char *getVersionString();

} // namespace costopt

#endif // COSTOPT_DRIVER_DRIVER_H
