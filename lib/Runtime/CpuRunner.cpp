//===- CpuRunner.cpp - Compile and run lowered models on the CPU ----------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/CpuRunner.h"
#include "costopt/Runtime/GpuCompiler.h"

#include "costopt/Runtime/ArgumentValues.h"

#include "costopt/Conversion/Passes.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <cmath>
#include <ctime>
#include <limits>
#include <mutex>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace mlir;
using namespace costopt;

// The steps and their order are those measured in ../shared/LOWERING.md
// ("CPU pipeline that worked"): function boundaries bufferize to
// identity-layout memrefs, which the runtime's descriptors describe.
// kCpuPipeline is the untiled reference (scalar loops); the optimized
// pipeline runs costopt-cpu-schedule (CpuSchedule.cpp) first and lowers
// the vectors it leaves (kCpuVectorPipeline).
static constexpr llvm::StringLiteral kCpuPipeline =
    "canonicalize,cse,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "cse,canonicalize,"
    "buffer-deallocation-pipeline,func.func(costopt-copies-to-linalg),"
    "func.func(convert-linalg-to-loops),"
    "fold-memref-alias-ops,lower-affine,convert-scf-to-cf,expand-strided-metadata,"
    "lower-affine,convert-math-to-llvm,convert-math-to-libm,arith-expand,convert-to-llvm,"
    "reconcile-unrealized-casts";
static constexpr llvm::StringLiteral kCpuVectorPipeline =
    "canonicalize,cse,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "cse,canonicalize,"
    "buffer-deallocation-pipeline,func.func(costopt-copies-to-linalg),"
    "func.func(convert-linalg-to-loops,costopt-accumulate-in-registers{reassociate=true},"
    "costopt-expand-shapes-as-casts),"
    "func.func(costopt-cpu-approximate-math),"
    "fold-memref-alias-ops,convert-vector-to-scf{full-unroll=true},lower-affine,"
    "convert-scf-to-cf,convert-vector-to-llvm,expand-strided-metadata,"
    "lower-affine,convert-math-to-llvm,convert-math-to-libm,arith-expand,convert-to-llvm,"
    "reconcile-unrealized-casts";

void costopt::registerLoweringDialects(DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  registerGpuLoweringDialects(registry);
}

void costopt::registerLoweringPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    mlir::registerAllPasses();
    costopt::registerCostoptConversionPasses();
    PassPipelineRegistration<>(
        "costopt-lower-to-linalg",
        "Inline layers, decompose them into primitives, lower to linalg and count FLOPs",
        [](OpPassManager &pm) { buildLinalgPipeline(pm, /*countFlops=*/true); });
    PassPipelineRegistration<>(
        "costopt-cpu-pipeline", "From linalg on tensors to the LLVM dialect (the CPU JIT's input)",
        [](OpPassManager &pm) {
          pm.addPass(createCpuSchedule());
          if (failed(parsePassPipeline(kCpuVectorPipeline, pm, llvm::errs())))
            llvm::report_fatal_error("costopt-cpu-pipeline does not parse");
        });
    PassPipelineRegistration<>(
        "costopt-cpu-reference-pipeline",
        "From linalg on tensors to the LLVM dialect, untiled scalar loops (the reference)",
        [](OpPassManager &pm) {
          if (failed(parsePassPipeline(kCpuPipeline, pm, llvm::errs())))
            llvm::report_fatal_error("costopt-cpu-reference-pipeline does not parse");
        });
    PassPipelineRegistration<>(
        "costopt-gpu-kernel-pipeline",
        "From linalg on tensors to kernels in gpu.modules (sm_90 blocks of 8x32 threads)",
        [](OpPassManager &pm) {
          std::string error;
          if (failed(buildGpuKernelPipeline(pm, GpuTarget(), error)))
            llvm::report_fatal_error(llvm::StringRef("costopt-gpu-kernel-pipeline: " + error));
        });
    PassPipelineRegistration<>(
        "costopt-gpu-binary-pipeline",
        "From outlined kernels to NVVM, PTX for sm_90 (gpu.binary) and host LLVM",
        [](OpPassManager &pm) {
          std::string error;
          if (failed(buildGpuBinaryPipeline(pm, GpuTarget(), error)))
            llvm::report_fatal_error(llvm::StringRef("costopt-gpu-binary-pipeline: " + error));
        });
  });
}

void costopt::buildLinalgPipeline(OpPassManager &pm, bool countFlops) {
  pm.addPass(createInlineLayers());
  pm.addNestedPass<nn::ModelOp>(createDecomposeLayers());
  pm.addPass(createConvertNNToLinalg());
  if (countFlops)
    pm.addNestedPass<func::FuncOp>(createCountFlops());
}

LogicalResult costopt::buildCpuPipeline(OpPassManager &pm, std::string &error, bool optimize) {
  registerLoweringPasses();
  llvm::raw_string_ostream os(error);
  if (!optimize)
    return parsePassPipeline(kCpuPipeline, pm, os);
  pm.addPass(createCpuSchedule());
  return parsePassPipeline(kCpuVectorPipeline, pm, os);
}

llvm::Expected<std::vector<KernelSignature>> costopt::readKernelSignatures(ModuleOp module) {
  std::vector<KernelSignature> result;
  for (auto func : module.getOps<func::FuncOp>()) {
    auto layers = func->getAttrOfType<IntegerAttr>(attrs::kLayerCount);
    if (!layers)
      continue;
    KernelSignature signature;
    signature.name = func.getSymName().str();
    signature.layerCount = layers.getInt();
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      KernelArgument arg;
      auto role = func.getArgAttrOfType<StringAttr>(i, attrs::kRole);
      auto name = func.getArgAttrOfType<StringAttr>(i, attrs::kName);
      if (!role || !name)
        return sym::makeError("argument " + llvm::Twine(i) + " of @" + signature.name +
                              " has no costopt.role/costopt.name");
      arg.name = name.getValue().str();
      auto parsed = parseArgumentRole(std::string_view(role.getValue()));
      if (!parsed)
        return sym::makeError("argument " + llvm::Twine(i) + " of @" + signature.name +
                              " has the unknown role '" + role.getValue() + "'");
      arg.role = *parsed;
      if (auto shape = func.getArgAttrOfType<ArrayAttr>(i, attrs::kShape))
        for (Attribute a : shape) {
          auto e = sym::parse(llvm::cast<StringAttr>(a).getValue());
          if (!e)
            return e.takeError();
          arg.shape.push_back(*e);
        }
      if (auto stacked = func.getArgAttrOfType<IntegerAttr>(i, attrs::kStacked))
        arg.stacked = static_cast<unsigned>(stacked.getInt());
      Type type = func.getArgument(i).getType();
      if (auto shaped = llvm::dyn_cast<ShapedType>(type))
        arg.ids = shaped.getElementType().isInteger(64);
      signature.arguments.push_back(std::move(arg));
    }
    result.push_back(std::move(signature));
  }
  return result;
}

//===----------------------------------------------------------------------===//
// CpuKernel
//===----------------------------------------------------------------------===//

namespace {

/// A memref descriptor of any rank as the C interface lays it out:
/// allocated and aligned pointers, offset, sizes, strides (row-major).
struct Buffer {
  std::vector<int64_t> descriptor;
  void *descriptorPointer = nullptr;

  void describe(void *data, llvm::ArrayRef<int64_t> shape) {
    descriptor.assign(3 + 2 * shape.size(), 0);
    descriptor[0] = reinterpret_cast<int64_t>(data);
    descriptor[1] = reinterpret_cast<int64_t>(data);
    int64_t stride = 1;
    for (size_t i = shape.size(); i-- > 0;) {
      descriptor[3 + i] = shape[i];
      descriptor[3 + shape.size() + i] = stride;
      stride *= shape[i];
    }
    descriptorPointer = descriptor.data();
  }
};

double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

} // namespace

llvm::Expected<std::vector<int64_t>> costopt::argumentShape(const KernelArgument &arg,
                                                            const sym::Bindings &point) {
  std::vector<int64_t> shape;
  for (const sym::Expr &e : arg.shape) {
    auto value = sym::evaluate(e, point);
    if (!value)
      return value.takeError();
    if (value->den != 1 || value->num < 0 ||
        value->num > llvm::DynamicAPInt(int64_t(1) << 40))
      return sym::makeError("size " + e.str() + " of " + arg.name + " is not an integer in [0, 2^40]");
    shape.push_back(int64_t(value->num));
  }
  return shape;
}

llvm::Expected<int64_t> costopt::tokenIdLimit(const KernelSignature &signature,
                                              const sym::Bindings &point) {
  int64_t idLimit = std::numeric_limits<int64_t>::max();
  for (const KernelArgument &arg : signature.arguments)
    if (arg.role == KernelArgument::Role::Param && !arg.shape.empty()) {
      auto shape = argumentShape(arg, point);
      if (!shape)
        return shape.takeError();
      if (!shape->empty() && shape->front() > 0)
        idLimit = std::min(idLimit, shape->front());
    }
  return idLimit;
}

CpuKernel::~CpuKernel() = default;

llvm::Expected<std::unique_ptr<CpuKernel>> costopt::compileCpuKernel(ModuleOp module,
                                                                     bool optimize) {
  PassManager lower(module.getContext());
  buildLinalgPipeline(lower, /*countFlops=*/true);
  if (failed(lower.run(module)))
    return sym::makeError("the model does not lower to linalg");
  auto signatures = readKernelSignatures(module);
  if (!signatures)
    return signatures.takeError();
  if (signatures->size() != 1)
    return sym::makeError("the module lowered to " + std::to_string(signatures->size()) +
                          " kernels, not one");
  PassManager toLLVM(module.getContext());
  std::string error;
  if (failed(buildCpuPipeline(toLLVM, error, optimize)))
    return sym::makeError("the CPU pipeline does not parse: " + error);
  if (failed(toLLVM.run(module)))
    return sym::makeError("the model does not compile for the CPU");
  return CpuKernel::compile(module, std::move(signatures->front()));
}

llvm::Expected<std::unique_ptr<CpuKernel>> CpuKernel::compile(ModuleOp llvmModule,
                                                              KernelSignature signature) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
#if defined(__GLIBC__)
    // A kernel allocates its intermediate tensors on every call. glibc
    // serves blocks above 32 MiB with mmap and unmaps them on free, so each
    // call page-faulted its intermediates in again (a quarter of causal
    // attention's time at n = 4096). Served from the heap and kept there,
    // they are reused from the second call on, as a framework's caching
    // allocator would.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
#endif
  });
  ExecutionEngineOptions options;
  // The host CPU and its features on every function, and a host target
  // machine for the optimizer: without them the JIT compiled the vector
  // kernels for baseline x86-64 (SSE2, no FMA) on a Zen 3 host, at a third
  // of their speed (docs/Lowering.md, "CPU schedule").
  std::shared_ptr<llvm::TargetMachine> host;
  if (auto builder = llvm::orc::JITTargetMachineBuilder::detectHost()) {
    builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
    if (auto tm = builder->createTargetMachine())
      host = std::move(*tm);
    else
      llvm::consumeError(tm.takeError());
  } else {
    llvm::consumeError(builder.takeError());
  }
  auto optimize = makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0, host.get());
  // ExecutionEngineOptions::transformer is a function_ref: the callable it
  // refers to must outlive ExecutionEngine::create (a temporary lambda
  // here was a stack-use-after-scope under ASan).
  auto transform = [&host, &optimize](llvm::Module *module) -> llvm::Error {
    if (host) {
      std::string cpu = host->getTargetCPU().str();
      std::string features = host->getTargetFeatureString().str();
      for (llvm::Function &f : *module) {
        if (f.isDeclaration())
          continue;
        f.addFnAttr("target-cpu", cpu);
        if (!features.empty())
          f.addFnAttr("target-features", features);
      }
    }
    return optimize(module);
  };
  options.transformer = transform;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(llvmModule, options);
  if (!engine)
    return engine.takeError();
  std::unique_ptr<CpuKernel> kernel(new CpuKernel());
  kernel->engine = std::move(*engine);
  // Bufferization copies between buffers of different layouts through
  // this runtime function (libmlir_c_runner_utils).
  kernel->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner("memrefCopy")] = {llvm::orc::ExecutorAddr::fromPtr(&memrefCopy),
                                       llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  auto entry = kernel->engine->lookupPacked("_mlir_ciface_" + signature.name);
  if (!entry)
    return entry.takeError();
  kernel->entry = *entry;
  kernel->signature = std::move(signature);
  return kernel;
}

llvm::Expected<uint64_t> costopt::argumentBytes(const KernelSignature &signature,
                                                const sym::Bindings &point) {
  uint64_t total = 0;
  for (const KernelArgument &arg : signature.arguments) {
    if (!isTensorRole(arg.role))
      continue;
    auto shape = argumentShape(arg, point);
    if (!shape)
      return shape.takeError();
    uint64_t elements = 1;
    for (int64_t e : *shape) {
      if (e != 0 && elements > (uint64_t(1) << 50) / uint64_t(e))
        return sym::makeError("the buffer of " + arg.name + " would exceed 2^50 elements");
      elements *= uint64_t(e);
    }
    total += elements * (arg.ids ? 8 : 4);
  }
  return total;
}

llvm::Expected<std::vector<ArgumentData>>
costopt::makeArgumentData(const KernelSignature &signature, const sym::Bindings &point) {
  std::vector<ArgumentData> data(signature.arguments.size());
  auto idLimitOrError = tokenIdLimit(signature, point);
  if (!idLimitOrError)
    return idLimitOrError.takeError();
  int64_t idLimit = *idLimitOrError;
  for (auto [i, arg] : llvm::enumerate(signature.arguments)) {
    if (!isTensorRole(arg.role))
      continue;
    auto shape = argumentShape(arg, point);
    if (!shape)
      return shape.takeError();
    ArgumentData &d = data[i];
    d.shape = *shape;
    // The rule is shared with the GPU artifact runner (ArgumentValues.h):
    // both are compared with one reference computed from this data.
    uint64_t elements = argument_values::elementCount(d.shape);
    if (arg.ids) {
      d.ids.resize(elements);
      argument_values::fillIds(d.ids.data(), elements, idLimit);
    } else {
      d.values.resize(elements);
      float scale = argument_values::initialisationScale(
          arg.role == KernelArgument::Role::Param, d.shape, arg.stacked);
      if (arg.role != KernelArgument::Role::Output)
        argument_values::fillValues(d.values.data(), elements, i, scale);
    }
  }
  return data;
}

llvm::Expected<KernelRun> CpuKernel::run(const sym::Bindings &point, unsigned repetitions) {
  KernelRun result;
  result.counters.assign(signature.layerCount, 0);
  auto data = makeArgumentData(signature, point);
  if (!data)
    return data.takeError();
  std::vector<int64_t> symbolValues;
  symbolValues.reserve(signature.arguments.size());
  std::vector<Buffer> buffers(signature.arguments.size());
  std::vector<void *> args;
  Buffer counters;
  for (auto [i, arg] : llvm::enumerate(signature.arguments)) {
    if (arg.role == KernelArgument::Role::Symbol) {
      auto it = point.find(arg.name);
      if (it == point.end())
        return sym::makeError("symbol " + arg.name + " is not bound");
      symbolValues.push_back(int64_t(it->second));
      args.push_back(&symbolValues.back());
    } else if (arg.role == KernelArgument::Role::Counters) {
      counters.describe(result.counters.data(), {signature.layerCount});
      args.push_back(&counters.descriptorPointer);
    } else {
      ArgumentData &d = (*data)[i];
      buffers[i].describe(arg.ids ? static_cast<void *>(d.ids.data())
                                  : static_cast<void *>(d.values.data()),
                          d.shape);
      args.push_back(&buffers[i].descriptorPointer);
    }
  }
  // The first run counts; the timed ones must count the same.
  entry(args.data());
  std::vector<int64_t> counted = result.counters;
  for (unsigned r = 0; r < repetitions; ++r) {
    std::fill(result.counters.begin(), result.counters.end(), 0);
    double start = threadSeconds();
    entry(args.data());
    result.seconds.push_back(threadSeconds() - start);
    if (result.counters != counted)
      return sym::makeError("the FLOP counters differ between two runs at the same size");
  }
  result.counters = counted;
  for (auto [i, arg] : llvm::enumerate(signature.arguments))
    if (arg.role == KernelArgument::Role::Output) {
      result.output = std::move((*data)[i].values);
      break;
    }
  return result;
}
