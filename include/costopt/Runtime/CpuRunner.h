//===- CpuRunner.h - Compile and run lowered models on the CPU --*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The CPU half of `costopt verify`: lowers a model of primitives through
// linalg to LLVM (buildCpuPipeline), JIT-compiles it once with
// mlir::ExecutionEngine, and runs it at any point of its symbols on
// deterministic inputs and weights, returning the FLOPs each layer
// executed (counted by costopt-count-flops) and the thread CPU time.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_CPURUNNER_H
#define COSTOPT_RUNTIME_CPURUNNER_H

#include "costopt/Runtime/ArgumentRole.h"
#include "costopt/Support/Sym.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
class ExecutionEngine;
} // namespace mlir

namespace costopt {

/// Registers what lowering and JIT compilation need: the upstream
/// dialects, their bufferization and LLVM conversion interfaces, the LLVM
/// IR translations and every upstream pass (the pipelines are textual).
void registerLoweringDialects(mlir::DialectRegistry &registry);
void registerLoweringPasses();

/// Appends the lowering of a module of nn.models to linalg on tensors:
/// inline layers, decompose built-in layers, convert to linalg; with
/// `countFlops`, instrument the kernels with FLOP counters.
void buildLinalgPipeline(mlir::OpPassManager &pm, bool countFlops);

/// Appends the CPU pipeline from linalg on tensors to the LLVM dialect:
/// with `optimize`, the CPU schedule first (costopt-cpu-schedule: matrix
/// products packed, tiled and vectorized); then bufferize, lower to loops,
/// lower to LLVM (docs/Lowering.md). Without `optimize`, the untiled
/// scalar-loop pipeline, kept as the reference.
mlir::LogicalResult buildCpuPipeline(mlir::OpPassManager &pm, std::string &error,
                                     bool optimize = true);

/// The indexing maps (A, B, C) of a contraction C += A * B that
/// costopt-cpu-schedule compiles as matrix products: projected
/// permutations whose loops each index A, B and C (batch), A and C (rows),
/// B and C (columns) or A and B (summed), with rows, columns and summed
/// loops present. With its f32 multiply-add body, what the schedule tiles
/// and vectorises (after transposing and collapsing operands into batched
/// 2-D products), and what `costopt verify` prices at the matrix-product
/// rate of a calibrated profile. The price looks at the maps alone: an
/// nn.contract always lowers to an f32 multiply-add, and products with
/// fewer than 6 static rows (left to the untiled loops) are priced at the
/// product rate too, a slight overestimate of their speed.
bool isScheduledMatmulMaps(llvm::ArrayRef<mlir::AffineMap> maps);

/// One argument of a lowered model function (from its costopt.* attrs).
struct KernelArgument {
  using Role = ArgumentRole;
  Role role;
  std::string name;
  /// Its shape in the model's symbols (empty for symbols and counters).
  std::vector<sym::Expr> shape;
  /// Token ids (i64) rather than f32 values.
  bool ids = false;
  /// Leading dimensions of `shape` that stack a parameter over repeats.
  unsigned stacked = 0;
};

/// What a lowered model function takes, read before it is lowered to LLVM.
struct KernelSignature {
  std::string name;
  std::vector<KernelArgument> arguments;
  int64_t layerCount = 0;
};

/// Reads the signature of each lowered model in `module`.
llvm::Expected<std::vector<KernelSignature>> readKernelSignatures(mlir::ModuleOp module);

/// The shape of `arg` at `point`: each extent an integer in [0, 2^40].
llvm::Expected<std::vector<int64_t>> argumentShape(const KernelArgument &arg,
                                                   const sym::Bindings &point);

/// The bound below which token ids stay at `point`: the smallest leading
/// extent of a parameter (an embedding table's V), so every lookup is
/// inside its table.
llvm::Expected<int64_t> tokenIdLimit(const KernelSignature &signature,
                                     const sym::Bindings &point);

/// Bytes the buffers of one run at `point` take (inputs, weights,
/// outputs), to refuse points that would not fit in memory.
llvm::Expected<uint64_t> argumentBytes(const KernelSignature &signature,
                                       const sym::Bindings &point);

/// The data of each argument at a point (empty for symbols and counters):
/// deterministic inputs, weights and token ids, zeroed outputs. The kernel
/// and the reference evaluator read the same data.
struct ArgumentData {
  std::vector<int64_t> shape;
  std::vector<float> values; ///< f32 arguments
  std::vector<int64_t> ids;  ///< token ids
};
llvm::Expected<std::vector<ArgumentData>> makeArgumentData(const KernelSignature &signature,
                                                         const sym::Bindings &point);

/// What one run measured.
struct KernelRun {
  /// FLOPs executed per layer slot (costopt::forEachLayerOp order).
  std::vector<int64_t> counters;
  /// Thread CPU seconds of each timed repetition.
  std::vector<double> seconds;
  /// The first output's elements (for value checks).
  std::vector<float> output;
};

/// A JIT-compiled model: compile once, run at many points.
class CpuKernel {
public:
  /// Compiles `llvmModule` (already in the LLVM dialect) for the host CPU.
  static llvm::Expected<std::unique_ptr<CpuKernel>> compile(mlir::ModuleOp llvmModule,
                                                            KernelSignature signature);
  ~CpuKernel();

  /// Runs the kernel at `point` (every symbol bound) once to count, then
  /// `repetitions` more times to time (none: counting only).
  llvm::Expected<KernelRun> run(const sym::Bindings &point, unsigned repetitions);

  const KernelSignature &getSignature() const { return signature; }

private:
  CpuKernel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;
  KernelSignature signature;
};

/// Lowers `module` (one nn.model: buildLinalgPipeline with FLOP counters,
/// then buildCpuPipeline) and JIT-compiles its kernel, as `costopt verify`
/// does: what `costopt calibrate` and the kernel benchmark time.
llvm::Expected<std::unique_ptr<CpuKernel>> compileCpuKernel(mlir::ModuleOp module,
                                                            bool optimize);

} // namespace costopt

#endif // COSTOPT_RUNTIME_CPURUNNER_H
