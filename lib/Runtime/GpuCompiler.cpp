//===- GpuCompiler.cpp - Compile lowered models for NVIDIA GPUs -----------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The pass route to the GPU measured in ../shared/LOWERING.md ("GPU →
// PTX"): linalg becomes parallel loops, costopt-gpu-map-loops tiles them
// into blocks of threads (innermost dimension on x), upstream
// convert-parallel-loops-to-gpu makes launches, and
// gpu-lower-to-nvvm-pipeline emits PTX. Then the host half is compiled to
// an object file and linked into kernel.so, the artifact costopt-run-cuda
// loads (docs/Lowering.md, "GPU").
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/GpuCompiler.h"

#include "costopt/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

using namespace mlir;
using namespace costopt;

llvm::Error costopt::parseGpuChip(llvm::StringRef chip, GpuTarget &target) {
  // The chips LLVM 22's NVPTX backend knows from sm_80 on, each with the
  // PTX ISA version that introduced it (older PTX for a newer chip is a
  // fatal error in the backend); the "a" and "f" variants need the same.
  static const std::pair<llvm::StringLiteral, llvm::StringLiteral> kChips[] = {
      {"sm_80", "+ptx80"},  {"sm_86", "+ptx80"},  {"sm_87", "+ptx80"},  {"sm_88", "+ptx90"},
      {"sm_89", "+ptx80"},  {"sm_90", "+ptx80"},  {"sm_100", "+ptx86"}, {"sm_101", "+ptx86"},
      {"sm_103", "+ptx88"}, {"sm_110", "+ptx90"}, {"sm_120", "+ptx87"}, {"sm_121", "+ptx88"}};
  llvm::StringRef base = chip;
  if (base.ends_with("a") || base.ends_with("f"))
    base = base.drop_back();
  unsigned version = 0;
  llvm::StringRef digits = base;
  if (!digits.consume_front("sm_") || digits.getAsInteger(10, version))
    return sym::makeError("--gpu-chip '" + chip + "' is not a CUDA chip name like sm_90");
  if (version < 80)
    return sym::makeError("--gpu-chip " + chip +
                          ": the GPU lowering needs sm_80 (Ampere) or newer");
  for (const auto &[name, ptx] : kChips)
    if (base == name && (chip == base || version >= 90)) {
      target.chip = chip.str();
      target.features = ptx.str();
      return llvm::Error::success();
    }
  return sym::makeError("--gpu-chip " + chip +
                        " is not a chip LLVM 22's NVPTX backend knows (sm_80, sm_86, sm_87, "
                        "sm_88, sm_89, sm_90[a], sm_100[a|f], sm_101, sm_103, sm_110, sm_120, "
                        "sm_121)");
}

void costopt::registerGpuLoweringDialects(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerGPUDialectTranslation(registry);
  // gpu.binary embeds its PTX through #gpu.select_object, whose
  // translation is an external model (a null interface otherwise).
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
}

namespace {

/// Bufferization and the mapping to blocks and threads, up to gpu.launch
/// ops in the function; `ptxMath` as costopt-gpu-optimize-kernels takes it.
LogicalResult addGpuMapping(OpPassManager &pm, const GpuTarget &target, bool ptxMath,
                            llvm::raw_ostream &os) {
  registerLoweringPasses();
  // As on the CPU (CpuRunner.cpp): function boundaries bufferize to
  // identity-layout memrefs, the descriptors costopt-run-cuda builds.
  if (failed(parsePassPipeline("canonicalize,cse,"
                               "one-shot-bufferize{bufferize-function-boundaries "
                               "function-boundary-type-conversion=identity-layout-map},"
                               "func.func(buffer-loop-hoisting),buffer-deallocation-pipeline,canonicalize",
                               pm, os)))
    return failure();
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createGpuPrepareBuffers());
  func.addPass(createGpuParallelIteratorsFirst());
  if (failed(parsePassPipeline("convert-linalg-to-parallel-loops", func, os)))
    return failure();
  GpuMapLoopsOptions mapOptions;
  mapOptions.tileSizes.assign(target.blockShape.begin(), target.blockShape.end());
  func.addPass(createGpuMapLoops(mapOptions));
  // No canonicalization between tiling and this step: it would merge the
  // block and thread loops into one thread per block (LOWERING.md).
  if (failed(parsePassPipeline("convert-parallel-loops-to-gpu", func, os)))
    return failure();
  func.addPass(createGpuCheckHostCode());
  GpuOptimizeKernelsOptions optimize;
  optimize.ptxMath = ptxMath;
  func.addPass(createGpuOptimizeKernels(optimize));
  return success();
}

} // namespace

LogicalResult costopt::buildGpuKernelPipeline(OpPassManager &pm, const GpuTarget &target,
                                              std::string &error) {
  llvm::raw_string_ostream os(error);
  if (failed(addGpuMapping(pm, target, /*ptxMath=*/true, os)))
    return failure();
  if (failed(parsePassPipeline("lower-affine,gpu-launch-sink-index-computations,"
                               "gpu-kernel-outlining,canonicalize,cse",
                               pm, os)))
    return failure();
  pm.addNestedPass<func::FuncOp>(createGpuAsyncLaunches());
  return success();
}

LogicalResult costopt::buildGpuEmulationPipeline(OpPassManager &pm, const GpuTarget &target,
                                                 std::string &error) {
  llvm::raw_string_ostream os(error);
  if (failed(addGpuMapping(pm, target, /*ptxMath=*/false, os)))
    return failure();
  pm.addNestedPass<func::FuncOp>(createGpuEmulateLaunches());
  // The CPU pipeline's lowering to LLVM (CpuRunner.cpp), after its loops.
  return parsePassPipeline(
      "canonicalize,cse,fold-memref-alias-ops,lower-affine,convert-scf-to-cf,"
      "expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-math-to-libm,"
      "arith-expand,convert-to-llvm,reconcile-unrealized-casts",
      pm, os);
}

LogicalResult costopt::buildGpuBinaryPipeline(OpPassManager &pm, const GpuTarget &target,
                                              std::string &error) {
  registerLoweringPasses();
  llvm::raw_string_ostream os(error);
  // Option names are still cubin-* in MLIR 22, though the format is PTX
  // text (isa): the driver compiles it for the device it runs on.
  std::string pipeline = "gpu-lower-to-nvvm-pipeline{cubin-chip=" + target.chip +
                         " cubin-features=" + target.features +
                         " cubin-format=isa opt-level=3}";
  return parsePassPipeline(pipeline, pm, os);
}

std::vector<std::pair<std::string, std::string>> costopt::collectPtx(ModuleOp module) {
  std::vector<std::pair<std::string, std::string>> result;
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects())
      if (auto o = llvm::dyn_cast<gpu::ObjectAttr>(object))
        result.emplace_back(binary.getSymName().str(), o.getObject().getValue().str());
  });
  return result;
}

namespace {

/// Writes `text` to `path`; a failed open or write (a full disk) is an
/// error, not the abort of a stream destroyed with its error unread.
llvm::Error writeFile(llvm::StringRef path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return sym::makeError("cannot write " + path + ": " + ec.message());
  os << text;
  os.close();
  if (os.has_error()) {
    std::string message = os.error().message();
    os.clear_error();
    return sym::makeError("cannot write " + path + ": " + message);
  }
  return llvm::Error::success();
}

} // namespace


namespace {

/// `void costopt_packed_<name>(void **args)`: calls `_mlir_ciface_<name>`
/// with `*args[i]` as its i-th argument, the ABI costopt-run-cuda calls
/// (ExecutionEngine builds the same wrapper for the CPU JIT).
llvm::Error addPackedEntry(llvm::Module &module, llvm::StringRef name) {
  llvm::Function *callee = module.getFunction(("_mlir_ciface_" + name).str());
  if (!callee)
    return sym::makeError("the lowered module has no C interface for @" + name);
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false);
  auto *entry = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                                       "costopt_packed_" + name, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
  llvm::SmallVector<llvm::Value *> args;
  for (auto [i, param] : llvm::enumerate(callee->args())) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptr, entry->getArg(0), i);
    llvm::Value *pointer = b.CreateLoad(ptr, slot);
    args.push_back(b.CreateLoad(param.getType(), pointer));
  }
  b.CreateCall(callee, args);
  b.CreateRetVoid();
  return llvm::Error::success();
}

/// Moves every fixed-size alloca into its function's entry block. MLIR's
/// translation of gpu.launch_func allocates each launch's argument array
/// where the launch is; inside the host's loops (a masked row, a
/// recurrence step, a layer of nn.repeat) each iteration would take more
/// stack, and GPT-2's 12 layers at n = 256 overflowed 8 MiB on the H200.
/// One slot per launch site suffices: the driver copies the arguments when
/// the launch is queued.
void hoistStaticAllocas(llvm::Module &module) {
  for (llvm::Function &function : module) {
    if (function.isDeclaration())
      continue;
    llvm::BasicBlock &entry = function.getEntryBlock();
    llvm::SmallVector<llvm::AllocaInst *> moved;
    for (llvm::BasicBlock &block : function)
      if (&block != &entry)
        for (llvm::Instruction &instruction : block)
          if (auto *alloca = llvm::dyn_cast<llvm::AllocaInst>(&instruction))
            if (llvm::isa<llvm::ConstantInt>(alloca->getArraySize()))
              moved.push_back(alloca);
    for (llvm::AllocaInst *alloca : moved)
      alloca->moveBefore(entry.getFirstInsertionPt());
  }
}

/// Compiles `module` to a position-independent object file for this machine.
llvm::Error emitObject(llvm::Module &module, llvm::StringRef path) {
  hoistStaticAllocas(module);
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return sym::makeError("no LLVM target for " + triple.str() + ": " + error);
  // The compiling machine's architecture at its baseline ("generic"): the
  // host code only allocates, launches and counts, and the artifact runs on
  // another machine of that architecture (x86-64 for the lent GPU machine).
  std::unique_ptr<llvm::TargetMachine> machine(
      target->createTargetMachine(triple, "generic", "", llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt,
                                  llvm::CodeGenOptLevel::Default));
  if (!machine)
    return sym::makeError("cannot create a target machine for " + triple.str());
  module.setDataLayout(machine->createDataLayout());
  module.setTargetTriple(triple);
  if (llvm::Error e = makeOptimizingTransformer(2, 0, machine.get())(&module))
    return e;
  llvm::SmallString<0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager passes;
    if (machine->addPassesToEmitFile(passes, os, nullptr, llvm::CodeGenFileType::ObjectFile))
      return sym::makeError("LLVM cannot emit an object file for " + triple.str());
    passes.run(module);
  }
  return writeFile(path, object);
}

/// Links `object` into the shared library `library` with the system's C
/// compiler driver. The mgpu* functions stay undefined: costopt-run-cuda
/// (or costopt's own runtime library) provides them.
llvm::Error linkShared(llvm::StringRef object, llvm::StringRef library) {
  std::string driver;
  for (const char *name : {"cc", "gcc", "clang"})
    if (auto found = llvm::sys::findProgramByName(name)) {
      driver = *found;
      break;
    }
  if (driver.empty())
    return sym::makeError("no C compiler driver (cc, gcc or clang) on PATH to link kernel.so");
  llvm::SmallVector<llvm::StringRef> args = {driver, "-shared", "-o", library, object};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(driver, args, std::nullopt, {}, 0, 0, &message);
  if (status != 0)
    return sym::makeError("linking " + library + " with " + driver + " failed" +
                          (message.empty() ? "" : ": " + message));
  return llvm::Error::success();
}


} // namespace

llvm::Error costopt::writeGpuArtifact(ModuleOp module, const KernelSignature &signature,
                                      const std::vector<ArtifactPoint> &points, unsigned warmup,
                                      unsigned repetitions, llvm::StringRef directory) {
  if (auto ec = llvm::sys::fs::create_directories(directory))
    return sym::makeError("cannot create " + directory + ": " + ec.message());
  llvm::SmallString<128> kernels(directory);
  llvm::sys::path::append(kernels, "kernels");
  if (auto ec = llvm::sys::fs::create_directories(kernels))
    return sym::makeError("cannot create " + kernels + ": " + ec.message());
  for (auto &[name, ptx] : collectPtx(module)) {
    llvm::SmallString<128> path(kernels);
    llvm::sys::path::append(path, name + ".ptx");
    if (llvm::Error e = writeFile(path, ptx))
      return e;
  }

  llvm::LLVMContext llvmContext;
  auto llvmModule = translateModuleToLLVMIR(module, llvmContext, signature.name);
  if (!llvmModule)
    return sym::makeError("the host code of @" + signature.name +
                          " does not translate to LLVM IR");
  if (llvm::Error e = addPackedEntry(*llvmModule, signature.name))
    return e;
  llvm::SmallString<128> object(directory), library(directory);
  llvm::sys::path::append(object, "kernel.o");
  llvm::sys::path::append(library, "kernel.so");
  // The object file is an intermediate: it goes whether linking works or not.
  llvm::scope_exit removeObject([&] { llvm::sys::fs::remove(object); });
  if (llvm::Error e = emitObject(*llvmModule, object))
    return e;
  if (llvm::Error e = linkShared(object, library))
    return e;

  llvm::json::Array arguments;
  for (const KernelArgument &arg : signature.arguments) {
    llvm::json::Object a{{"role", std::string(argumentRoleName(arg.role))}, {"name", arg.name}};
    if (isTensorRole(arg.role)) {
      llvm::json::Array shape;
      for (const sym::Expr &e : arg.shape)
        shape.push_back(e.str());
      a["element"] = arg.ids ? "i64" : "f32";
      a["shape"] = std::move(shape);
      a["stacked"] = int64_t(arg.stacked);
    }
    arguments.push_back(std::move(a));
  }
  llvm::json::Array pointList;
  for (const ArtifactPoint &point : points) {
    llvm::json::Object bindings;
    for (const KernelArgument &arg : signature.arguments)
      if (arg.role == KernelArgument::Role::Symbol)
        bindings[arg.name] = int64_t(point.bindings.lookup(arg.name));
    llvm::json::Array values;
    for (const KernelArgument &arg : signature.arguments) {
      if (arg.role == KernelArgument::Role::Symbol) {
        values.push_back(int64_t(point.bindings.lookup(arg.name)));
      } else if (arg.role == KernelArgument::Role::Counters) {
        values.push_back(nullptr);
      } else {
        auto shape = argumentShape(arg, point.bindings);
        if (!shape)
          return shape.takeError();
        values.push_back(llvm::json::Array(*shape));
      }
    }
    auto idLimit = tokenIdLimit(signature, point.bindings);
    if (!idLimit)
      return idLimit.takeError();
    pointList.push_back(llvm::json::Object{{"bindings", std::move(bindings)},
                                           {"arguments", std::move(values)},
                                           {"id_limit", *idLimit},
                                           {"keep_output", point.keepOutput}});
  }
  llvm::json::Object manifest{{"schema", "costopt-cuda-artifact/1"},
                              {"model", signature.name},
                              {"library", "kernel.so"},
                              {"entry", "costopt_packed_" + signature.name},
                              {"layer_count", signature.layerCount},
                              {"warmup", int64_t(warmup)},
                              {"repetitions", int64_t(repetitions)},
                              {"arguments", std::move(arguments)},
                              {"points", std::move(pointList)}};
  llvm::SmallString<128> path(directory);
  llvm::sys::path::append(path, "manifest.json");
  return writeFile(path,
                   llvm::formatv("{0:2}\n", llvm::json::Value(std::move(manifest))).str());
}
