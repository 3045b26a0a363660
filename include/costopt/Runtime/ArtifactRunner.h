//===- ArtifactRunner.h - Run a compiled CUDA artifact -----------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The GPU half of `costopt verify` compiles a model with MLIR into an
// artifact folder (manifest.json and kernel.so, see docs in the .cpp) on a
// machine with MLIR, and runs it on a GPU machine that has only the CUDA
// driver and a C++ compiler. runArtifact is that run: for each point of
// the manifest it fills the arguments exactly as the CPU runner does
// (ArgumentValues.h), calls the kernel once to count FLOPs per layer, then
// times warm-up and timed calls with CUDA events, and writes
// measurements.json (and the first output's values, where asked).
//
// Plain C++17: no LLVM or MLIR, so that it builds on the GPU machine.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_ARTIFACTRUNNER_H
#define COSTOPT_RUNTIME_ARTIFACTRUNNER_H

#include <optional>
#include <ostream>
#include <string>

namespace costopt {

struct RunOptions {
  /// Where measurements.json goes; empty: inside the artifact folder. The
  /// output values (outputs.f32) go beside it.
  std::string measurementsPath;
  /// Override the manifest's warm-up and timed call counts.
  std::optional<unsigned> warmup;
  std::optional<unsigned> repetitions;
  /// Names the caller in error lines: `<toolName>: error: <why>`.
  std::string toolName = "costopt-run-cuda";
};

/// Runs the artifact in `dir`. Returns 0 on success; otherwise writes one
/// line `<toolName>: error: <why>` to `errs` and returns 1. The kernel's
/// mgpu* calls must resolve in the process (link costopt_cuda_runtime, or
/// compile CudaRuntime.cpp into an executable linked with -rdynamic).
int runArtifact(const std::string &dir, const RunOptions &options, std::ostream &errs);

} // namespace costopt

#endif // COSTOPT_RUNTIME_ARTIFACTRUNNER_H
