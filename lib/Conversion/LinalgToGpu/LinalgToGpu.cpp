//===- LinalgToGpu.cpp - Map a bufferized kernel onto the GPU -------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The costopt-specific steps of the GPU pipeline (GpuCompiler.cpp lists
// them all): device buffers (costopt-gpu-prepare-buffers), parallel loops
// outside reductions (costopt-gpu-parallel-iterators-first), coalesced
// block/thread mapping of parallel loops (costopt-gpu-map-loops), and the
// check that nothing but the FLOP counters is touched on the host
// (costopt-gpu-check-host-code).
//
//===----------------------------------------------------------------------===//

#include "costopt/Conversion/Loops.h"
#include "costopt/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace costopt {
#define GEN_PASS_DEF_GPUPREPAREBUFFERS
#define GEN_PASS_DEF_GPUPARALLELITERATORSFIRST
#define GEN_PASS_DEF_GPUMAPLOOPS
#define GEN_PASS_DEF_GPUCHECKHOSTCODE
#define GEN_PASS_DEF_GPUOPTIMIZEKERNELS
#define GEN_PASS_DEF_GPUEMULATELAUNCHES
#define GEN_PASS_DEF_GPUASYNCLAUNCHES
#include "costopt/Conversion/Passes.h.inc"
} // namespace costopt

using namespace mlir;

namespace {

/// `gpu.wait async` followed by `op async [token]` and a blocking wait:
/// the host code is synchronous, and gpu-to-llvm lowers only the async
/// forms of gpu.alloc and gpu.dealloc.
Value waitedToken(OpBuilder &b, Location loc) {
  return gpu::WaitOp::create(b, loc, b.getType<gpu::AsyncTokenType>(), ValueRange())
      .getAsyncToken();
}

struct GpuPrepareBuffersPass
    : public costopt::impl::GpuPrepareBuffersBase<GpuPrepareBuffersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool failedAny = false;
    func.walk([&](memref::AllocaOp op) {
      op.emitError() << "a stack buffer the GPU kernels cannot read; the GPU lowering "
                        "expects heap buffers from bufferization";
      failedAny = true;
    });
    if (failedAny)
      return signalPassFailure();
    func.walk([&](memref::AllocOp op) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value token = waitedToken(b, loc);
      auto alloc = gpu::AllocOp::create(b, loc, op.getType(), b.getType<gpu::AsyncTokenType>(),
                                        ValueRange{token}, op.getDynamicSizes(),
                                        op.getSymbolOperands(), /*hostShared=*/false);
      gpu::WaitOp::create(b, loc, Type(), ValueRange{alloc.getAsyncToken()});
      op.replaceAllUsesWith(alloc.getMemref());
      op.erase();
    });
    func.walk([&](memref::DeallocOp op) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value token = waitedToken(b, loc);
      auto dealloc = gpu::DeallocOp::create(b, loc, b.getType<gpu::AsyncTokenType>(),
                                            ValueRange{token}, op.getMemref());
      gpu::WaitOp::create(b, loc, Type(), ValueRange{dealloc.getAsyncToken()});
      op.erase();
    });
    costopt::rewriteCopiesAsLinalg(func);
  }
};

struct GpuParallelIteratorsFirstPass
    : public costopt::impl::GpuParallelIteratorsFirstBase<GpuParallelIteratorsFirstPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      // New loop p is old loop order[p]: the parallel ones, then the rest.
      SmallVector<unsigned> order;
      for (auto [index, type] : llvm::enumerate(iterators))
        if (type == utils::IteratorType::parallel)
          order.push_back(index);
      for (auto [index, type] : llvm::enumerate(iterators))
        if (type != utils::IteratorType::parallel)
          order.push_back(index);
      if (llvm::equal(order, llvm::seq<unsigned>(0, order.size())))
        continue;
      rewriter.setInsertionPoint(op);
      if (failed(linalg::interchangeGenericOp(rewriter, op, order))) {
        op.emitError() << "cannot interchange this op's loops to put its parallel ones first";
        return signalPassFailure();
      }
    }
  }
};

/// `loop` without its dimensions of one iteration (constant bounds and
/// step), whose induction variables become their lower bounds. At least
/// one dimension stays, so the loop is still there to map. Loops with
/// reductions are returned as they are.
scf::ParallelOp withoutUnitDimensions(scf::ParallelOp loop) {
  if (!loop.getInitVals().empty())
    return loop;
  auto isUnit = [&](unsigned d) {
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[d]);
    std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[d]);
    std::optional<int64_t> step = getConstantIntValue(loop.getStep()[d]);
    return lb && ub && step && *step > 0 && *ub > *lb && *ub - *lb <= *step;
  };
  SmallVector<unsigned> kept;
  for (unsigned d = 0; d < loop.getNumLoops(); ++d)
    if (!isUnit(d))
      kept.push_back(d);
  if (kept.size() == loop.getNumLoops())
    return loop;
  if (kept.empty())
    kept.push_back(loop.getNumLoops() - 1);
  SmallVector<Value> lbs, ubs, steps;
  for (unsigned d : kept) {
    lbs.push_back(loop.getLowerBound()[d]);
    ubs.push_back(loop.getUpperBound()[d]);
    steps.push_back(loop.getStep()[d]);
  }
  OpBuilder b(loop);
  auto replacement = scf::ParallelOp::create(
      b, loop.getLoc(), lbs, ubs, steps, [&](OpBuilder &nested, Location, ValueRange ivs) {
        IRMapping mapping;
        for (unsigned d = 0; d < loop.getNumLoops(); ++d)
          mapping.map(loop.getInductionVars()[d], loop.getLowerBound()[d]);
        for (auto [d, iv] : llvm::zip(kept, ivs))
          mapping.map(loop.getInductionVars()[d], iv);
        for (Operation &op : loop.getBody()->without_terminator())
          nested.clone(op, mapping);
      });
  loop.erase();
  return replacement;
}

struct GpuMapLoopsPass : public costopt::impl::GpuMapLoopsBase<GpuMapLoopsPass> {
  using GpuMapLoopsBase::GpuMapLoopsBase;

  void runOnOperation() override {
    std::vector<int64_t> threads(tileSizes.begin(), tileSizes.end());
    if (threads.empty())
      threads = {8, 32};
    if (threads.size() > 3 || llvm::any_of(threads, [](int64_t t) { return t < 1; })) {
      getOperation().emitError() << "costopt-gpu-map-loops: tile-sizes takes one to three "
                                    "positive thread counts";
      return signalPassFailure();
    }
    int64_t perBlock = 1;
    for (int64_t t : threads)
      perBlock *= t;
    if (perBlock > 1024) {
      getOperation().emitError() << "costopt-gpu-map-loops: " << perBlock
                                 << " threads per block; CUDA allows at most 1024";
      return signalPassFailure();
    }
    // Outermost parallel loops only: their tiling creates the nested ones.
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp op) {
      if (!op->getParentOfType<scf::ParallelOp>())
        outermost.push_back(op);
    });
    for (scf::ParallelOp loop : outermost)
      if (failed(mapLoop(withoutUnitDimensions(loop), threads)))
        return signalPassFailure();
  }

  LogicalResult mapLoop(scf::ParallelOp loop, ArrayRef<int64_t> threads) {
    unsigned rank = loop.getNumLoops();
    // Tile sizes align with the innermost dimensions; outer ones get 1.
    SmallVector<int64_t> sizes(rank, 1);
    for (unsigned k = 0; k < std::min<size_t>(rank, threads.size()); ++k)
      sizes[rank - 1 - k] = threads[threads.size() - 1 - k];
    // A rank-1 loop gets all the block's threads along x.
    if (rank == 1) {
      int64_t all = 1;
      for (int64_t t : threads)
        all *= t;
      sizes[0] = all;
    }
    // tileParallelLoop erases `loop`: take what is needed of it first.
    MLIRContext *ctx = loop.getContext();
    auto [outer, inner] = scf::tileParallelLoop(loop, sizes, /*noMinMaxBounds=*/true);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto mapping = [&](unsigned count, ArrayRef<gpu::Processor> processors) {
      SmallVector<gpu::ParallelLoopDimMappingAttr> result;
      for (unsigned d = 0; d < count; ++d) {
        // Innermost dimension first: x, then y, then z.
        unsigned fromInner = count - 1 - d;
        gpu::Processor p =
            fromInner < processors.size() ? processors[fromInner] : gpu::Processor::Sequential;
        result.push_back(gpu::ParallelLoopDimMappingAttr::get(ctx, p, identity, identity));
      }
      return result;
    };
    if (failed(gpu::setMappingAttr(
            outer, mapping(outer.getNumLoops(), {gpu::Processor::BlockX, gpu::Processor::BlockY,
                                                 gpu::Processor::BlockZ}))))
      return outer.emitError("cannot map this loop to GPU blocks");
    if (failed(gpu::setMappingAttr(
            inner, mapping(inner.getNumLoops(), {gpu::Processor::ThreadX,
                                                 gpu::Processor::ThreadY,
                                                 gpu::Processor::ThreadZ}))))
      return inner.emitError("cannot map this loop to GPU threads");
    return success();
  }
};

/// Whether `op` or an op nested in it launches a kernel or frees a buffer:
/// the ops costopt-gpu-async-launches orders.
bool ordersDeviceWork(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        return isa<gpu::LaunchFuncOp, gpu::DeallocOp>(nested) ? WalkResult::interrupt()
                                                              : WalkResult::advance();
      })
      .wasInterrupted();
}

struct GpuAsyncLaunchesPass
    : public costopt::impl::GpuAsyncLaunchesBase<GpuAsyncLaunchesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !ordersDeviceWork(func))
      return;
    WalkResult walk = func.walk([&](Operation *op) -> WalkResult {
      if (isa<gpu::MemcpyOp, gpu::MemsetOp>(op)) {
        op->emitError() << "costopt-gpu-async-launches orders only kernel launches and "
                           "deallocations; this copy would not be ordered with them";
        return WalkResult::interrupt();
      }
      auto launch = dyn_cast<gpu::LaunchFuncOp>(op);
      if (launch && (launch.getAsyncToken() || !launch.getAsyncDependencies().empty())) {
        op->emitError() << "this launch is already asynchronous; costopt-gpu-async-launches "
                           "expects the synchronous launches of kernel outlining";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    // The final wait needs a token of the function's own block (a launch or
    // a deallocation after every loop): the wait on the stream's creation
    // itself canonicalizes away (a fresh `gpu.wait async` has nothing to
    // wait for). Without one the launches stay synchronous.
    if (func.getBody().getBlocks().size() != 1)
      return;
    Operation *lastDeviceWork = nullptr;
    for (Operation &op : func.getBody().front())
      if (ordersDeviceWork(&op))
        lastDeviceWork = &op;
    if (!isa<gpu::LaunchFuncOp, gpu::DeallocOp>(lastDeviceWork))
      return;
    // Launches or deallocations inside anything but scf.for (a conditional
    // deallocation in scf.if, say) are not chained: the function stays
    // synchronous.
    bool onlyLoops = !func.walk([](Operation *op) {
                            if (op->getNumRegions() == 0 || isa<scf::ForOp>(op) ||
                                isa<func::FuncOp>(op) || !ordersDeviceWork(op))
                              return WalkResult::advance();
                            return WalkResult::interrupt();
                          })
                          .wasInterrupted();
    if (!onlyLoops)
      return;
    IRRewriter rewriter(&getContext());
    rewriter.setInsertionPointToStart(&func.getBody().front());
    Value token = gpu::WaitOp::create(rewriter, func.getLoc(),
                                      gpu::AsyncTokenType::get(&getContext()), ValueRange())
                      .getAsyncToken();
    if (failed(chain(func.getBody().front(), token, rewriter)))
      return signalPassFailure();
  }

  /// Threads `token` through `block` in program order: each launch and
  /// deallocation depends on the one before it and yields the next token
  /// (in the lowering, all are the same stream); a return first waits for
  /// it. Returns the block's last token.
  FailureOr<Value> chain(Block &block, Value token, IRRewriter &rewriter) {
    Type tokenType = token.getType();
    // The waits around a deallocation go with it, after it in the block.
    SmallVector<Operation *> ops = llvm::map_to_vector(block, [](Operation &op) { return &op; });
    llvm::SmallPtrSet<Operation *, 8> erased;
    for (Operation *current : ops) {
      if (erased.contains(current))
        continue;
      Operation &op = *current;
      if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
        rewriter.setInsertionPoint(launch);
        std::optional<gpu::KernelDim3> cluster;
        if (launch.hasClusterSize())
          cluster = launch.getClusterSizeOperandValues();
        token = gpu::LaunchFuncOp::create(
                    rewriter, launch.getLoc(), launch.getKernelAttr(),
                    launch.getGridSizeOperandValues(), launch.getBlockSizeOperandValues(),
                    launch.getDynamicSharedMemorySize(), launch.getKernelOperands(), tokenType,
                    ValueRange{token}, cluster)
                    .getAsyncToken();
        rewriter.eraseOp(launch);
        continue;
      }
      if (auto dealloc = dyn_cast<gpu::DeallocOp>(op)) {
        // costopt-gpu-prepare-buffers's dealloc on a stream of its own,
        // waited for, becomes one on the launches' stream: the runtime's
        // mgpuMemFree synchronizes the stream it is given, so the buffer
        // is freed after the kernels before it ran.
        rewriter.setInsertionPoint(dealloc);
        token = gpu::DeallocOp::create(rewriter, dealloc.getLoc(), tokenType, ValueRange{token},
                                       dealloc.getMemref())
                    .getAsyncToken();
        SmallVector<Value> dependencies(dealloc.getAsyncDependencies());
        if (Value done = dealloc.getAsyncToken())
          for (Operation *user : llvm::make_early_inc_range(done.getUsers())) {
            auto wait = dyn_cast<gpu::WaitOp>(user);
            if (!wait || wait.getAsyncToken())
              return dealloc.emitError() << "costopt-gpu-async-launches expects a deallocation "
                                            "that is waited for and nothing else";
            erased.insert(wait);
            rewriter.eraseOp(wait);
          }
        rewriter.eraseOp(dealloc);
        for (Value dependency : dependencies)
          if (dependency.use_empty())
            if (auto wait = dependency.getDefiningOp<gpu::WaitOp>()) {
              erased.insert(wait);
              rewriter.eraseOp(wait);
            }
        continue;
      }
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        rewriter.setInsertionPoint(ret);
        gpu::WaitOp::create(rewriter, ret.getLoc(), Type(), ValueRange{token});
        continue;
      }
      if (op.getNumRegions() == 0 || !ordersDeviceWork(&op))
        continue;
      assert(isa<scf::ForOp>(op) && "runOnOperation leaves other regions synchronous");
      // The body chains from the token before the loop, which it uses
      // without carrying it: gpu-to-llvm takes a token in a block argument
      // for an event, while every token here is the one stream. What comes
      // after the loop keeps that token too; the stream orders it after
      // the loop's work all the same.
      for (Region &region : op.getRegions())
        for (Block &body : region)
          if (failed(chain(body, token, rewriter)))
            return failure();
    }
    return token;
  }
};

struct GpuCheckHostCodePass
    : public costopt::impl::GpuCheckHostCodeBase<GpuCheckHostCodePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Value counters = costopt::findCountersArgument(func);
    // Memory the host may touch: the counters, and views of them.
    auto isHostMemory = [&](Value memref) {
      while (memref) {
        if (memref == counters)
          return true;
        Operation *def = memref.getDefiningOp();
        if (!def || !isa<memref::SubViewOp, memref::CastOp, memref::ReinterpretCastOp>(def))
          return false;
        memref = def->getOperand(0);
      }
      return false;
    };
    WalkResult walk = func.walk<WalkOrder::PreOrder>([&](Operation *op) -> WalkResult {
      if (isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      Value touched;
      if (auto load = dyn_cast<memref::LoadOp>(op))
        touched = load.getMemRef();
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        touched = store.getMemRef();
      if (touched && isHostMemory(touched))
        return WalkResult::advance();
      if (touched || isa<linalg::LinalgOp, memref::CopyOp, scf::ParallelOp,
                         vector::TransferReadOp, vector::TransferWriteOp>(op)) {
        op->emitError() << "runs on the host but reads or writes a device buffer: the GPU "
                           "lowering did not map it to a kernel";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
  }
};

/// Replaces each f32 `MathOp` by the one PTX instruction `ptx` (operands
/// $1, $2, ... in the math op's order, result $0) as inline assembly. The
/// NVVM lowering would call libdevice for these (it marks even the LLVM
/// intrinsics illegal for that purpose), which the PTX cannot resolve
/// without linking the CUDA toolkit's libdevice.10.bc.
template <typename MathOp>
void replaceByPtx(Operation *root, llvm::StringRef ptx) {
  root->walk([&](MathOp op) {
    if (!op.getType().isF32())
      return;
    OpBuilder b(op);
    std::string constraints = "=f";
    for (unsigned i = 0; i < op->getNumOperands(); ++i)
      constraints += ",f";
    auto assembly = LLVM::InlineAsmOp::create(
        b, op.getLoc(), op.getType(), op->getOperands(), ptx, constraints,
        /*has_side_effects=*/false, /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
        LLVM::AsmDialectAttr(), ArrayAttr());
    op->replaceAllUsesWith(assembly->getResults());
    op.erase();
  });
}

/// What is left of `math` after the polynomial approximations, as the PTX
/// instructions that compute it (correctly rounded where PTX offers it), so
/// that no kernel calls a libdevice function (`__nv_*`). A math op left
/// after this (another type, or a function without an instruction) is an
/// error located at it.
LogicalResult lowerMathToPtx(gpu::LaunchOp launch) {
  replaceByPtx<math::FmaOp>(launch, "fma.rn.f32 $0, $1, $2, $3;");
  replaceByPtx<math::AbsFOp>(launch, "abs.f32 $0, $1;");
  replaceByPtx<math::FloorOp>(launch, "cvt.rmi.f32.f32 $0, $1;");
  replaceByPtx<math::CeilOp>(launch, "cvt.rpi.f32.f32 $0, $1;");
  replaceByPtx<math::TruncOp>(launch, "cvt.rzi.f32.f32 $0, $1;");
  replaceByPtx<math::RoundEvenOp>(launch, "cvt.rni.f32.f32 $0, $1;");
  replaceByPtx<math::SqrtOp>(launch, "sqrt.rn.f32 $0, $1;");
  // PTX copies the sign of its first source onto its second.
  replaceByPtx<math::CopySignOp>(launch, "copysign.f32 $0, $2, $1;");
  // rsqrt(x) = 1 / sqrt(x), both correctly rounded (rsqrt.approx is not).
  replaceByPtx<math::RsqrtOp>(launch, "{ .reg .f32 r; sqrt.rn.f32 r, $1; rcp.rn.f32 $0, r; }");
  WalkResult left = launch.walk([](Operation *op) {
    if (!isa<math::MathDialect>(op->getDialect()))
      return WalkResult::advance();
    op->emitError() << "'" << op->getName()
                    << "' has no lowering for the GPU without libdevice";
    return WalkResult::interrupt();
  });
  return failure(left.wasInterrupted());
}

struct GpuOptimizeKernelsPass
    : public costopt::impl::GpuOptimizeKernelsBase<GpuOptimizeKernelsPass> {
  using GpuOptimizeKernelsBase::GpuOptimizeKernelsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<gpu::LaunchOp> launches;
    func.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches) {
      // Innermost loops first; a loop may carry several outputs.
      SmallVector<scf::ForOp> loops;
      launch.walk([&](scf::ForOp loop) { loops.push_back(loop); });
      // One output per loop: a contraction's reduction loop has one.
      for (scf::ForOp loop : loops)
        (void)costopt::accumulateInRegister(loop);
      launch.walk([](Operation *op) {
        if (auto fm = dyn_cast<arith::ArithFastMathInterface>(op);
            fm && isa<arith::MulFOp, arith::AddFOp, arith::SubFOp>(op))
          op->setAttr(fm.getFastMathAttrName(),
                      arith::FastMathFlagsAttr::get(op->getContext(),
                                                    fm.getFastMathFlagsAttr().getValue() |
                                                        arith::FastMathFlags::contract));
      });
    }

    // Polynomial approximations of math functions inside the kernels.
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, [](StringRef) { return true; });
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef) { return true; });
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (gpu::LaunchOp launch : launches) {
      if (failed(applyPatternsGreedily(launch.getBody(), frozen))) {
        launch.emitError("the math functions in this kernel could not be approximated");
        return signalPassFailure();
      }
      if (ptxMath && failed(lowerMathToPtx(launch)))
        return signalPassFailure();
    }
  }
};

struct GpuEmulateLaunchesPass
    : public costopt::impl::GpuEmulateLaunchesBase<GpuEmulateLaunchesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool unsupported = false;
    func.walk([&](Operation *op) {
      if (isa<gpu::BarrierOp, gpu::ShuffleOp>(op) ||
          (isa<gpu::LaunchOp>(op) &&
           (cast<gpu::LaunchOp>(op).getDynamicSharedMemorySize() ||
            !cast<gpu::LaunchOp>(op).getWorkgroupAttributions().empty() ||
            !cast<gpu::LaunchOp>(op).getPrivateAttributions().empty() ||
            cast<gpu::LaunchOp>(op).hasClusterSize()))) {
        op->emitError("the CPU emulation runs kernels without barriers, shared or private "
                      "memory and clusters");
        unsupported = true;
      }
    });
    if (unsupported)
      return signalPassFailure();
    // Device memory becomes host memory; streams disappear.
    // An async op's token stands for its dependency once the op is gone;
    // without one, nothing may wait for it.
    auto forwardToken = [&](Operation *op, Value token, ValueRange dependencies) {
      if (!token || token.use_empty())
        return true;
      if (dependencies.empty()) {
        op->emitError("an async token without a dependency that the CPU emulation cannot "
                      "forward");
        return false;
      }
      token.replaceAllUsesWith(dependencies.front());
      return true;
    };
    WalkResult allocs = func.walk([&](gpu::AllocOp op) {
      OpBuilder b(op);
      auto alloc = memref::AllocOp::create(b, op.getLoc(), op.getMemref().getType(),
                                           op.getDynamicSizes(), op.getSymbolOperands());
      op.getMemref().replaceAllUsesWith(alloc.getResult());
      if (!forwardToken(op, op.getAsyncToken(), op.getAsyncDependencies()))
        return WalkResult::interrupt();
      op.erase();
      return WalkResult::advance();
    });
    WalkResult deallocs = func.walk([&](gpu::DeallocOp op) {
      OpBuilder b(op);
      memref::DeallocOp::create(b, op.getLoc(), op.getMemref());
      if (!forwardToken(op, op.getAsyncToken(), op.getAsyncDependencies()))
        return WalkResult::interrupt();
      op.erase();
      return WalkResult::advance();
    });
    if (allocs.wasInterrupted() || deallocs.wasInterrupted())
      return signalPassFailure();
    // Waits last: the tokens above now come from them.
    SmallVector<gpu::WaitOp> waits;
    func.walk([&](gpu::WaitOp op) { waits.push_back(op); });
    for (gpu::WaitOp op : llvm::reverse(waits)) {
      if (op.getAsyncToken() && !op.getAsyncToken().use_empty()) {
        op.emitError("a stream token that the CPU emulation cannot drop");
        return signalPassFailure();
      }
      op.erase();
    }
    SmallVector<gpu::LaunchOp> launches;
    func.walk([&](gpu::LaunchOp op) { launches.push_back(op); });
    for (gpu::LaunchOp launch : launches)
      emulate(launch);
  }

  /// for bz, by, bx, tz, ty, tx: body (block and thread ids bound to them).
  static void emulate(gpu::LaunchOp launch) {
    OpBuilder b(launch);
    Location loc = launch.getLoc();
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    gpu::KernelDim3 blockIds = launch.getBlockIds(), threadIds = launch.getThreadIds();
    gpu::KernelDim3 gridArgs = launch.getGridSize(), blockArgs = launch.getBlockSize();
    IRMapping mapping;
    for (auto [arg, size] : llvm::zip(std::array<Value, 6>{gridArgs.x, gridArgs.y, gridArgs.z,
                                                             blockArgs.x, blockArgs.y, blockArgs.z},
                                      std::array<Value, 6>{grid.x, grid.y, grid.z, block.x,
                                                           block.y, block.z}))
      mapping.map(arg, size);
    std::array<std::pair<Value, Value>, 6> loops = {
        std::pair{blockIds.z, grid.z},  std::pair{blockIds.y, grid.y},
        std::pair{blockIds.x, grid.x},  std::pair{threadIds.z, block.z},
        std::pair{threadIds.y, block.y}, std::pair{threadIds.x, block.x}};
    for (auto [id, size] : loops) {
      auto loop = scf::ForOp::create(b, loc, zero, size, one);
      mapping.map(id, loop.getInductionVar());
      b.setInsertionPointToStart(loop.getBody());
    }
    Region &body = launch.getBody();
    if (!body.hasOneBlock()) {
      // Multi-block bodies wrap in scf.execute_region.
      auto region = scf::ExecuteRegionOp::create(b, loc, TypeRange());
      body.cloneInto(&region.getRegion(), mapping);
      region.getRegion().walk([&](gpu::TerminatorOp t) {
        OpBuilder tb(t);
        scf::YieldOp::create(tb, t.getLoc());
        t.erase();
      });
    } else {
      for (Operation &op : body.front().without_terminator())
        b.clone(op, mapping);
    }
    launch.erase();
  }
};

} // namespace
