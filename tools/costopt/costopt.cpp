//===- costopt.cpp - The costopt command ----------------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Parses the command line with CLI11 and hands over to costopt::runDriver;
// all behaviour lives in lib/Driver.
//
//===----------------------------------------------------------------------===//

#include "costopt/Driver/Driver.h"
#include "costopt/Import/Onnx.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <iostream>

static const char *const kAllowUnknownHelp =
    "ONNX: import an operator costopt does not know as nn.opaque, its FLOPs a symbol "
    "unknown_<Op> to bind with -D, with a warning (default: an error)";

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  costopt::DriverOptions options;
  CLI::App app{"costopt: exact costs of a neural architecture, as formulas and numbers.\n\n"
               "Examples:\n"
               "  costopt examples/transformer-base.mlir --report\n"
               "  costopt model.mlir -D n=4096 -D b=8 --mode train --dtype bf16\n"
               "  costopt model.mlir --format json -o report.json\n"
               "  costopt model.mlir --explain\n"
               "  costopt model.mlir --sweep n=1k..1M --plot costs.svg\n"
               "  costopt model.mlir -D n=8k --hw h100 --dtype bf16\n"
               "  costopt model.mlir --budget 'flops<=1e15' --budget 'memory<=80GB'\n"
               "  costopt a.mlir --compare b.mlir\n"
               "  costopt config.json                 (a Hugging Face config)\n"
               "  costopt import config.json -o model.mlir\n"
               "  costopt model.onnx -D sequence=4096 (an exported ONNX graph)",
               "costopt"};
  app.require_subcommand(0, 1);
  CLI::App *calibrate = app.add_subcommand(
      "calibrate", "Measure this machine (f32 FLOP/s, memory bandwidth) for --hw cpu");
  std::string calibrateOutput;
  calibrate->add_option("-o,--output", calibrateOutput,
                        "Where to write the profile (default ~/.config/costopt/cpu.json)");
  CLI::App *import = app.add_subcommand(
      "import", "Write the nn model of a Hugging Face config.json (gpt2, bert, llama, "
                "mistral, mixtral, mamba) or of an ONNX model (.onnx)");
  std::string importInput, importOutput;
  costopt::OnnxImportOptions importOnnx;
  import->add_option("model", importInput, "config.json or model.onnx")->required();
  import->add_option("-o,--output", importOutput, "Output .mlir file ('-' = stdout)");
  import->add_option("--sequence", importOnnx.sequence,
                     "ONNX: the dim_param that counts positions (default: guessed)");
  import->add_flag("--allow-unknown", importOnnx.allowUnknown, kAllowUnknownHelp);
  costopt::VerifyOptions verifyOptions;
  CLI::App *verify = app.add_subcommand(
      "verify", "Run the model lowered to a CPU kernel and check that the FLOPs each layer "
                "executes equal the prediction, at every size; fit how time grows");
  verify->add_option("model", verifyOptions.inputFile, "The model (.mlir, config.json or .onnx)")
      ->required();
  verify->add_option("-D,--bind", verifyOptions.bindings, "Bind a symbol: -D d=64");
  verify->add_option("--sequence", verifyOptions.onnx.sequence,
                     "ONNX: the dim_param that counts positions (default: guessed)");
  verify->add_flag("--allow-unknown", verifyOptions.onnx.allowUnknown, kAllowUnknownHelp);
  verify->add_option("--sweep", verifyOptions.sweep,
                     "Sizes to run: n=64..1024 (doubling), n=64..512:+64");
  verify->add_option("--target", verifyOptions.target,
                     "Where to run: cpu (JIT here), cuda (an NVIDIA GPU: here, or compiled "
                     "here with --compile-only and run elsewhere with costopt-run-cuda) or "
                     "gpu-emulator (the GPU kernels run as loops on the CPU: checks the GPU "
                     "mapping without a GPU; its times mean nothing)")
      ->check(CLI::IsMember({"cpu", "cuda", "gpu-emulator"}))
      ->capture_default_str();
  verify->add_option("--gpu-chip", verifyOptions.gpuChip, "--target cuda: the chip (sm_80 or newer)")
      ->capture_default_str();
  verify->add_option("--artifact", verifyOptions.artifactDir,
                     "--target cuda: the folder for kernel.so, manifest.json and the PTX");
  verify->add_flag("--compile-only", verifyOptions.compileOnly,
                   "--target cuda: write the artifact and stop (no GPU needed)");
  verify->add_option("--measurements", verifyOptions.measurementsFile,
                     "--target cuda: check the measurements.json of a costopt-run-cuda run");
  verify->add_option("--hw", verifyOptions.hardware,
                     "Predict each point's time on a hardware profile (h200, h100, a100, cpu or "
                     "profile.json) and compare");
  verify->add_option("--model", verifyOptions.modelName, "The nn.model to run");
  verify->add_option("--repeat", verifyOptions.repetitions,
                     "Timed runs per point after the counting run (0: count only)")
      ->check(CLI::Range(0u, 1000u))
      ->capture_default_str();
  verify->add_option("--max-memory", verifyOptions.maxBufferBytes,
                     "Refuse points whose inputs, weights and outputs take more bytes")
      ->check(CLI::Range(uint64_t(1), uint64_t(1) << 40))
      ->capture_default_str();
  verify->add_option("--reference-limit", verifyOptions.referenceLimit,
                     "Check the output values against the reference evaluator at points of at "
                     "most this many predicted FLOPs")
      ->capture_default_str();
  verify->add_flag("--untiled", verifyOptions.untiled,
                   "Compile with the untiled scalar-loop pipeline (the reference of the CPU "
                   "schedule, docs/Lowering.md)");
  verify->add_option("--format", verifyOptions.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  verify->add_option("-o,--output", verifyOptions.outputFile, "Output file ('-' = stdout)")
      ->capture_default_str();
  app.add_option("model", options.inputFile,
                 "The model: .mlir (nn dialect), a Hugging Face config.json or an ONNX "
                 "model (.onnx)");
  app.add_option("--sequence", options.onnx.sequence,
                 "ONNX: the dim_param that counts positions (default: guessed from the "
                 "inputs' names)");
  app.add_flag("--allow-unknown", options.onnx.allowUnknown, kAllowUnknownHelp);
  bool report = true;
  app.add_flag("--report", report, "Print the cost report (the default action)");
  app.add_option("-D,--bind", options.bindings,
                 "Bind a symbol: -D n=4096 (also 4k, 4Ki, 1e6); overrides model defaults");
  app.add_option("--mode", options.mode, "forward, backward, train or decode")
      ->capture_default_str();
  app.add_option("--count", options.count,
                 "flops (1 multiply-add = 2 FLOPs) or macs (multiply-accumulates of matmuls)")
      ->capture_default_str();
  app.add_option("--convention", options.convention,
                 "Also count FLOPs as a paper does: kaplan (Kaplan et al. 2020) or chinchilla "
                 "(Hoffmann et al. 2022, Appendix F)")
      ->capture_default_str();
  app.add_option("--dtype", options.dtype,
                 "Element type of weights and activations: f32, bf16, f16, fp8")
      ->capture_default_str();
  app.add_option("--weight-dtype", options.weightDtype,
                 "Element type of weights and their gradients: f32, bf16, f16, fp8 (default: "
                 "--dtype)");
  app.add_option("--act-dtype", options.actDtype,
                 "Element type of activations, in which ops compute: f32, bf16, f16, fp8 "
                 "(default: --dtype)");
  app.add_option("--kv-dtype", options.kvDtype,
                 "Element type of the KV cache: f32, bf16, f16, fp8 (default: the activations')");
  app.add_option("--optimizer", options.optimizer,
                 "Training memory's optimizer state: adam, momentum, sgd or adafactor")
      ->capture_default_str();
  app.add_option("--recompute", options.recompute,
                 "Backward/train: none, selective (attention's score matrices recomputed) or "
                 "full (each layer keeps only its input and runs its forward again)")
      ->capture_default_str();
  app.add_option("--format", options.format, "text, json, md, csv or html")->capture_default_str();
  app.add_option("-o,--output", options.outputFile, "Output file ('-' = stdout)")
      ->capture_default_str();
  app.add_option("--memory-unit", options.memoryUnit,
                 "Binary unit for memory figures: auto, KiB, MiB, GiB, TiB")
      ->capture_default_str();
  app.add_option("--model", options.modelName, "Report only the nn.model with this name")
      ->check([](const std::string &name) {
        return name.empty() || name == "@" ? std::string("an empty model name selects nothing")
                                           : std::string();
      });
  app.add_option("--budget", options.budgets,
                 "Fail with exit code 3 when a limit is exceeded: 'flops<=1e15', "
                 "'memory<=80GB', 'params<7B' (quantities: flops, macs, params, memory, "
                 "activations, kv_cache, weights, bytes_moved, depth, path)");
  app.add_option("--sweep", options.sweep,
                 "Tabulate costs over a range: n=1k..1M (doubling), n=1k..1M:*10, "
                 "n=0..4096:+512");
  app.add_flag("--skip-invalid", options.skipInvalid,
               "Skip sweep points that break the model's constraints (marked) instead of "
               "stopping with an error");
  app.add_option("--plot", options.plotFile, "Write a log-log SVG chart of the sweep");
  app.add_option("--hw", options.hardware,
                 "Roofline time and memory fit on h100, h200, a100, cpu or profile.json");
  app.add_option("--emit", options.emit,
                 "Print the IR instead of the report: nn (the verified, imported model), "
                 "primitives (layers decomposed), linalg (lowered, with FLOP counters) or llvm "
                 "(what the CPU JIT compiles), gpu (kernels in gpu.modules) or ptx (with -o DIR/: "
                 "one .ptx per kernel module)");
  app.add_flag("--decompose", options.decompose,
               "Report on the primitives: decompose every built-in layer first, so that each "
               "cost is derived again by the generic analysis; where a number differs from the "
               "default report's, docs/Dialect.md names the convention");
  app.add_option("--gpu-chip", options.gpuChip,
                 "The CUDA chip --emit gpu|ptx and verify --target cuda compile for (sm_80 or "
                 "newer)")
      ->capture_default_str();
  app.add_option("--compare", options.compareFile,
                 "Compare against the first model of another file");
  app.add_option("--formulas", options.formulas,
                 "Formulas in the text report: wrap (fit 120 columns) or full (whole, one "
                 "line each)")
      ->check(CLI::IsMember({"wrap", "full"}))
      ->capture_default_str();
  app.add_flag("--tree", options.tree,
               "Print the module tree (model, repeat blocks, layers) with each node's FLOPs, "
               "parameters and share of the FLOPs (JSON: \"tree\")");
  app.add_flag("--explain", options.explain,
               "Trace every FLOP term to its op, source location and rule");
  bool listOnnxOperators = false;
  app.add_flag("--list-onnx-ops", listOnnxOperators,
               "List the ONNX operators costopt imports, and exit");
  app.set_version_flag("--version", costopt::getVersionString());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    int code = app.exit(error);
    // --help and --version print to std::cout: a failed write is an error.
    std::cout.flush();
    if (code == 0 && !std::cout) {
      llvm::errs() << "costopt: error: cannot write to standard output\n";
      return costopt::ExitInputError;
    }
    // --help and --version exit 0; usage errors exit 2.
    return code == 0 ? 0 : costopt::ExitUsageError;
  }
  int status;
  if (listOnnxOperators) {
    for (const std::string &op : costopt::supportedOnnxOperators())
      llvm::outs() << op << "\n";
    status = costopt::ExitSuccess;
  } else if (import->parsed()) {
    status = costopt::runImport(importInput, importOutput, llvm::outs(), llvm::errs(),
                                importOnnx);
  } else if (verify->parsed()) {
    status = costopt::runVerify(verifyOptions, llvm::outs(), llvm::errs());
  } else if (calibrate->parsed()) {
    status = costopt::runCalibrate(calibrateOutput, llvm::outs(), llvm::errs());
  } else if (options.inputFile.empty()) {
    llvm::errs() << "costopt: error: no model given; see 'costopt --help'\n";
    return costopt::ExitUsageError;
  } else {
    status = costopt::runDriver(options, llvm::outs(), llvm::errs());
  }
  // A full disk or a closed stdout is an error of ours, not LLVM's fatal
  // "IO failure on output stream" when the stream is destroyed.
  llvm::outs().flush();
  if (std::error_code error = llvm::outs().error()) {
    llvm::errs() << "costopt: error: cannot write to standard output: " << error.message()
                 << "\n";
    llvm::outs().clear_error();
    return costopt::ExitInputError;
  }
  return status;
}
