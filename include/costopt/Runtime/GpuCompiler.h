//===- GpuCompiler.h - Compile lowered models for NVIDIA GPUs ---*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The GPU half of `costopt verify`, compile side: from linalg on tensors
// (with FLOP counters) to the GPU dialect, NVVM and PTX, and from there to
// a self-contained artifact folder that costopt-run-cuda (no MLIR, no LLVM)
// loads and runs on a machine with a GPU:
//
//   manifest.json   the kernel's arguments (roles, symbolic shapes) and the
//                   points to run, each with its concrete sizes
//   kernel.so       host code (launches, allocations, counters) compiled by
//                   LLVM for this machine's architecture at its baseline, with
//                   every kernel embedded as PTX
//   kernels/*.ptx   the kernels, as ptxas checks them
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_GPUCOMPILER_H
#define COSTOPT_RUNTIME_GPUCOMPILER_H

#include "costopt/Runtime/CpuRunner.h"

#include <string>
#include <vector>

namespace costopt {

/// The GPU a kernel is compiled for.
struct GpuTarget {
  /// `sm_NN` (NN >= 80).
  std::string chip = "sm_90";
  /// The PTX ISA version the chip needs (+ptx80 for sm_80 to sm_90).
  std::string features = "+ptx80";
  /// Threads per block along the innermost loop dimensions (last = x).
  std::vector<int64_t> blockShape = {8, 32};
};

/// Checks `chip` and fills `target` (features from the chip); a message for
/// an unknown or too old chip.
llvm::Error parseGpuChip(llvm::StringRef chip, GpuTarget &target);

/// Registers the NVVM target and the GPU/NVVM LLVM IR translations.
void registerGpuLoweringDialects(mlir::DialectRegistry &registry);

/// Appends the lowering from linalg on tensors (with counters) to the GPU
/// dialect: bufferize, device buffers, parallel loops mapped to blocks and
/// threads, kernels outlined into gpu.modules (`costopt --emit gpu`).
mlir::LogicalResult buildGpuKernelPipeline(mlir::OpPassManager &pm, const GpuTarget &target,
                                           std::string &error);

/// Appends the GPU lowering up to the launches, then runs each launch as
/// loops on the CPU (costopt-gpu-emulate-launches) and lowers to the LLVM
/// dialect for the CPU JIT: `costopt verify --target gpu-emulator` checks
/// the GPU mapping's counts and values without a GPU.
mlir::LogicalResult buildGpuEmulationPipeline(mlir::OpPassManager &pm, const GpuTarget &target,
                                              std::string &error);

/// Appends the lowering of outlined kernels to NVVM and PTX (`gpu.binary`
/// objects in the `isa` format), and of the host code to the LLVM dialect.
mlir::LogicalResult buildGpuBinaryPipeline(mlir::OpPassManager &pm, const GpuTarget &target,
                                           std::string &error);

/// The PTX of each kernel module in a module after buildGpuBinaryPipeline:
/// (gpu.binary name, PTX text).
std::vector<std::pair<std::string, std::string>> collectPtx(mlir::ModuleOp module);

/// One point the artifact runs at.
struct ArtifactPoint {
  sym::Bindings bindings;
  /// Copy the first output back for the value check.
  bool keepOutput = false;
};

/// Writes the artifact folder `directory` for `module` (after
/// buildGpuBinaryPipeline) whose kernel takes `signature`: kernel.so
/// (compiled for the host and linked with the system's C compiler driver),
/// kernels/*.ptx and manifest.json with `points`.
llvm::Error writeGpuArtifact(mlir::ModuleOp module, const KernelSignature &signature,
                             const std::vector<ArtifactPoint> &points, unsigned warmup,
                             unsigned repetitions, llvm::StringRef directory);

} // namespace costopt

#endif // COSTOPT_RUNTIME_GPUCOMPILER_H
