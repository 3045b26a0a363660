//===- Passes.td - costopt conversion passes ---------------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_CONVERSION_PASSES_TD
#define COSTOPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNNToLinalg : Pass<"costopt-convert-nn-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lowers models of primitives to linalg on tensors";
  let description = [{
    Turns each `nn.model` whose body is primitives (after
    `costopt-inline-layers` and `costopt-decompose-layers`) into a
    `func.func` of the same name that one compiled kernel serves at every
    size: every symbol is an `index` argument named after it
    (`costopt.symbol = "n"`), and every size a dynamic dimension computed
    from them. The other arguments, in order: a `memref<?xi64>` of FLOP
    counters (one slot per layer, filled by `costopt-count-flops`), the
    model's inputs, its parameters (one tensor per `nn.param`, stacked over
    the enclosing `nn.repeat` counts unless the repeat shares weights), its
    fixed tensors, and one `memref` per output written in place. Each
    argument carries `costopt.role` and `costopt.shape` (the nn shape, with
    the stacked repeat counts first) for the runtime.

    - `nn.contract` becomes a `linalg.generic` (mulf and addf per point, or
      mulf alone when nothing is summed); operands are padded where an
      index can leave them (a convolution's border), and a bias is one
      more generic that adds it. A masked contraction runs in blocks of
      `band-block-rows` rows of its band: the columns every row of the
      block keeps are one dense generic (a matrix product the CPU schedule
      tiles), the rest of each row its own generic, so exactly the masked
      domain executes; each part starts from zero and each row fills the
      columns outside its band where a consumer may read them. With
      `band-block-rows=0` (the GPU's form: fewest kernel launches) every
      row is its own generic and the output is zero-filled once.
    - `nn.map` and `nn.reduce` become `linalg.generic`s with the body
      cloned (broadcast operands read through projected maps); masks as
      for contractions. Elements outside a mask are zero.
    - `nn.scan` becomes an `scf.for` over the positions carrying the state.
    - `nn.gather` reads the table with `tensor.extract`; `nn.transpose`,
      `nn.reshape`, `nn.concat` and `nn.extract` become `linalg.transpose`,
      collapse/expand and slices.
    - `nn.repeat` becomes an `scf.for` carrying its values; `nn.block` is
      inlined, its ops tagged with its layer slot (`costopt.layer`).

    A layer op left undecomposed (a convolution, a recurrence) is an error
    located at it.

    ```mlir
    nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
      %y = nn.map %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]> { ... }
      nn.output %y : !nn.seq<[b, n, d]>
    }
    // becomes
    func.func @m(%b: index {costopt.symbol = "b"}, ..., %counters: memref<?xi64>,
                 %x: tensor<?x?x?xf32>, %out: memref<?x?x?xf32>)
    ```
  }];
  let options = [
    Option<"bandBlockRows", "band-block-rows", "unsigned", /*default=*/"64",
           "Rows of a masked contraction's band lowered as one dense block "
           "(0: row by row)">
  ];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect", "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::bufferization::BufferizationDialect"];
}

def CountFlops : Pass<"costopt-count-flops", "::mlir::func::FuncOp"> {
  let summary = "Counts the floating-point operations a kernel executes";
  let description = [{
    Before each `linalg` op tagged with a layer slot (`costopt.layer`),
    adds the product of its loop ranges at run time times the
    floating-point `arith`/`math` ops of its body to that slot of the
    function's counter argument (`costopt.role = "counters"`). Because the
    ranges are those the loops execute (a masked contraction's rows are
    sliced to their band), the counters report executed work, not a
    re-evaluation of the cost formula; `costopt verify` compares them with
    the predicted FLOPs.

    ```mlir
    %r = linalg.generic ... {costopt.layer = 3 : i64} ...
    // gets, before it:
    %c = memref.load %counters[%c3] : memref<?xi64>
    %s = arith.addi %c, %work : i64
    memref.store %s, %counters[%c3] : memref<?xi64>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
}


def GpuPrepareBuffers : Pass<"costopt-gpu-prepare-buffers", "::mlir::func::FuncOp"> {
  let summary = "Puts a bufferized kernel's buffers in device memory";
  let description = [{
    Runs after one-shot bufferization of a lowered model, before its loops
    are mapped to the GPU. The kernel's tensor arguments are device
    pointers (the runtime allocates them with `cuMemAlloc`), so every
    buffer the kernel makes must be device memory too, and every copy must
    run on the device:

    - `memref.alloc` becomes `gpu.alloc` and `memref.dealloc` becomes
      `gpu.dealloc` (each on a stream of its own that is waited for, since
      the host code is synchronous);
    - `memref.copy` becomes `linalg.copy`, which the GPU mapping turns into
      a kernel (a host `memcpy` of device pointers would crash).

    A `memref.alloca` (host stack memory no kernel can read) is an error
    located at it.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::linalg::LinalgDialect"];
}

def GpuParallelIteratorsFirst
    : Pass<"costopt-gpu-parallel-iterators-first", "::mlir::func::FuncOp"> {
  let summary = "Interchanges linalg.generic loops so every parallel loop is outside every reduction";
  let description = [{
    Runs before `convert-linalg-to-parallel-loops`, which turns the leading
    run of parallel iterators of a `linalg.generic` into the outermost
    `scf.parallel` (the one mapped to blocks and threads), the first
    reduction into an `scf.for` inside it, and the parallel iterators after
    that into an `scf.parallel` nested in the `scf.for`, which each thread
    runs sequentially. A contraction written with its reduction before a parallel
    dimension, such as `(b, i, k, j)` for `[b, i, k] x [k, j]`, would then
    run `k x j` sequential steps in each of only `b x i` threads: GPT-2's
    unembedding at n = 64 takes seconds that way. This interchanges the
    iterators (`linalg::interchangeGenericOp`) so the parallel ones come
    first, each group in its original order; the op computes the same
    values, since a reduction's order over its own iterators is unchanged.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::affine::AffineDialect"];
}

def GpuMapLoops : Pass<"costopt-gpu-map-loops", "::mlir::func::FuncOp"> {
  let summary = "Tiles parallel loops into blocks of threads and maps them to the GPU";
  let description = [{
    Each outermost `scf.parallel` (from `convert-linalg-to-parallel-loops`)
    is tiled (`tile-sizes`, applied to its innermost dimensions, default
    8×32 threads), and both loops get `#gpu.loop_dim_map` attributes: the
    innermost dimension goes to `x` (consecutive threads touch consecutive
    elements, so loads coalesce), the next to `y`, the third to `z`; any
    outer dimension runs as a loop inside the kernel. Dimensions of one
    iteration (a constant unit extent, such as the kept dimension of a row
    reduction) are removed first, so they never take a processor from a
    dimension that has work. The tile loop is
    bounded by the tile size with a guard (`no-min-max-bounds`), so the
    block size is a constant and `convert-parallel-loops-to-gpu` can launch
    it. Unlike upstream's `gpu-map-parallel-loops`, which maps the
    outermost dimension to `x`, this keeps memory access coalesced.
  }];
  let options = [
    ListOption<"tileSizes", "tile-sizes", "int64_t",
               "Threads per block along the innermost dimensions (last = x)">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::affine::AffineDialect"];
}

def GpuCheckHostCode : Pass<"costopt-gpu-check-host-code", "::mlir::func::FuncOp"> {
  let summary = "Refuses host code that would touch device memory";
  let description = [{
    Runs after `convert-parallel-loops-to-gpu`. Outside `gpu.launch`, the
    only memory the host may read or write is the FLOP counters (host
    memory, `costopt.role = "counters"`): any other load, store, copy or
    loop nest left on the host would dereference a device pointer, and is
    an error located at the op instead of a crash at run time.
  }];
}

def GpuOptimizeKernels : Pass<"costopt-gpu-optimize-kernels", "::mlir::func::FuncOp"> {
  let summary = "Accumulates reductions in registers, contracts FMAs, approximates math";
  let description = [{
    Runs on the bodies of `gpu.launch` ops:

    - A reduction loop (`scf.for`) that loads and stores one output element
      at loop-invariant indices carries the element in a register instead
      (loaded before the loop, stored after it), when no other access in
      the loop can alias it: through every view, each buffer the loop
      touches must be an allocation or a function argument (distinct
      arguments are distinct buffers: the runner allocates each), and every
      other one a different one; a buffer of unknown origin keeps the loop
      as it is. Without this, each step of a contraction stores to global
      memory.
    - `arith.mulf`, `addf` and `subf` get the `contract` fast-math flag, so
      that the NVPTX backend fuses multiply-adds into `fma.rn.f32` (without
      it, LLVM emits `mul.rn` and `add.rn`, which ptxas must not fuse).
    - `math` functions (`exp` in a softmax, `tanh` and `erf` in
      activations) become MLIR's polynomial approximations, and what those
      use (fma, floor, sqrt, abs, ...) becomes the one PTX instruction that
      computes it (inline assembly: the NVVM lowering would call libdevice
      even for these), so the PTX calls no libdevice function and loads
      without one. A math op with no such lowering is an error.

    None of these changes how many floating-point operations run (FMA
    counts as the multiply and the add it fuses, as the counters do).
  }];
  let options = [
    Option<"ptxMath", "ptx-math", "bool", /*default=*/"true",
           "Lower what the approximations leave to PTX instructions (off for the "
           "CPU emulation of the kernels, which keeps them as math ops)">
  ];
  let dependentDialects = ["::mlir::math::MathDialect", "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect", "::mlir::scf::SCFDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def GpuAsyncLaunches : Pass<"costopt-gpu-async-launches", "::mlir::func::FuncOp"> {
  let summary = "Queues a function's kernel launches on one stream instead of waiting for each";
  let description = [{
    Runs after `gpu-kernel-outlining`. A synchronous `gpu.launch_func`
    lowers to a stream created, the launch, a synchronization and the
    stream destroyed: about 18 µs per launch on an H200, which dominated the
    measured time of every recurrence (6 launches per step) and masked
    attention (one launch per row) in the first GPU run. Since the host code
    never touches device memory (`costopt-gpu-check-host-code`), nothing on
    the host needs a launch to have finished, so:

    - one stream is created at the function's entry (`gpu.wait async`), and
      every launch becomes `gpu.launch_func async [%t]` on the token of the
      launch before it: in issue order on that stream, without waiting.
      Inside an `scf.for` the body chains from the token before the loop,
      without carrying it (`gpu-to-llvm` takes a token in a block argument
      for an event, and every token here is the one stream); launches
      inside any other op (scf.if, say) leave the function synchronous;
    - a deallocation goes on that stream too (`gpu.dealloc async
      [%stream]`, replacing the blocking one of
      `costopt-gpu-prepare-buffers`), and the runtime's `mgpuMemFree`
      synchronizes the stream it is given: memory is freed only after the
      kernels before it ran;
    - each return waits for the stream. That wait needs a launch or a
      deallocation after the function's last loop (a wait on the
      stream's creation itself canonicalizes away); without one, the
      function's launches stay synchronous.

    A launch that is already asynchronous, or a `gpu.memcpy` or
    `gpu.memset`, is an error located at it: this pass orders only what
    the costopt pipeline produces.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def GpuEmulateLaunches : Pass<"costopt-gpu-emulate-launches", "::mlir::func::FuncOp"> {
  let summary = "Runs GPU launches as loops on the CPU, to check the GPU mapping";
  let description = [{
    Replaces each `gpu.launch` by nested `scf.for` loops over its grid and
    block (z, y, x), with the body's block and thread ids bound to the loop
    variables, and `gpu.alloc`/`gpu.dealloc`/`gpu.wait` by host memory. The
    kernels the GPU pipeline built (tiling, guards, thread mapping, register
    accumulation, polynomial math) then run on the CPU, so that
    `costopt verify --target gpu-emulator` checks their counts and values
    against the reference on a machine without a GPU. Kernels without
    barriers or shared memory only: what costopt's mapping emits.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::memref::MemRefDialect"];
}

def CpuSchedule : Pass<"costopt-cpu-schedule", "::mlir::ModuleOp"> {
  let summary = "Tiles, packs and vectorizes matrix products for the CPU";
  let description = [{
    Before bufferization, on linalg on tensors whose FLOP counters are in
    place (`costopt-count-flops`): every `linalg.generic` that is a plain
    f32 matrix product, C[i, j] += A[i, k] * B[k, j], or one with B
    transposed, C[i, j] += A[i, k] * B[j, k] (attention's scores), with
    more than one row, gets a transform-dialect schedule:

    1. B is packed into panels of `panel-width` columns (`linalg.pack`, zero
       padded; B[k, j] is also transposed so that the panels are outermost);
       an accumulator that starts from zero is filled in its packed layout.
       Where B is a prefix of a value that the loops around the product do
       not change (attention's blocks of rows read the keys and values up
       to the block), the whole value is packed once before the loops and
       each product reads a slice of its panels.
    2. Cache tiles of 192 rows, 512 columns and 128 steps of k.
    3. Register tiles of 6 rows by one panel, the row loop peeled: full
       tiles are static, the last rows masked.
    4. Vectorization, contraction to outer products and FMAs, the C tile
       kept in registers across k. Unpacked, C is a slice of its panels
       (no copy into a new tensor).

    The counters sit before each untiled op, so the schedule neither
    duplicates nor drops them. Sizes measured (docs/Measurements.md): on
    AVX2 (16 vector registers of 8 floats) panels of 16 keep 12
    accumulators; on AVX-512 (32 registers of 16 floats) panels of 64 keep
    24.
  }];
  let options = [
    Option<"panelWidth", "panel-width", "unsigned", /*default=*/"0",
           "Columns of a B panel and of a register tile (a multiple of 8; 0: "
           "64 where the host has AVX-512, else 16)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::transform::TransformDialect",
    "::mlir::vector::VectorDialect"];
}

def CopiesToLinalg : Pass<"costopt-copies-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Rewrites memref.copy as linalg.copy";
  let description = [{
    After bufferization, every `memref.copy` becomes a `linalg.copy`, so
    that copies between strided views (a panel's padding, a tile written
    back, a slice inserted) compile to loops that the optimizer vectorizes
    instead of calling the runtime's `memrefCopy`, which walks a strided
    copy element by element.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ExpandShapesAsCasts : Pass<"costopt-expand-shapes-as-casts", "::mlir::func::FuncOp"> {
  let summary = "Rewrites memref.expand_shape with several dynamic sizes in a group as a cast";
  let description = [{
    MLIR 22's `expand-strided-metadata` crashes on a `memref.expand_shape`
    whose reassociation group has more than one dynamic size (llvm-project
    issue 186830, fixed after 22.1). The CPU schedule's batched products
    expand a collapsed [rows, columns] result back into the model's
    dimensions, which are all symbols, so it makes such expansions. This
    pass rewrites exactly those as `memref.reinterpret_cast` of the
    source's base buffer, with the sizes of `output_shape` and strides
    computed inward to outward within each group from the source's stride
    (what the upstream fix computes), then `memref.cast` to the op's type.
    Expansions with at most one dynamic size per group are left to
    `expand-strided-metadata`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
}

def CpuApproximateMath : Pass<"costopt-cpu-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "Replaces math functions by polynomial approximations that vectorize";
  let description = [{
    `math.exp`, `math.tanh`, `math.erf`, ... become MLIR's polynomial
    approximations (arith ops), so that the loops around them vectorize;
    as libm calls they ran one element at a time. The counters are in
    place before this pass, so the count of a body op is unchanged.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def AccumulateInRegisters : Pass<"costopt-accumulate-in-registers", "::mlir::func::FuncOp"> {
  let summary = "Carries a reduction loop's output element in a register";
  let description = [{
    After linalg is lowered to loops: a loop that loads and stores one
    element at loop-invariant indices (a reduction's output) carries it in
    a register instead, loaded before the loop and stored after it, when no
    other access in the loop can alias it: through every view, each buffer
    the loop touches must be an allocation or a function argument (the
    runners allocate every argument on its own), and every other one a
    different one; a buffer of unknown origin keeps the loop as it is.
    Without it a row sum or a matrix-vector product stores to memory at
    every step, which LLVM cannot undo because it cannot prove the buffers
    distinct. The GPU kernels get the same rewrite inside their launches
    (costopt-gpu-optimize-kernels).

    With `reassociate`, the carried sum's `arith.addf` gets the fast-math
    `reassoc` flag, so that LLVM vectorizes the reduction (a dot product of
    d terms otherwise waits on each addition in turn). The additions are
    the same in number, so the counters are unchanged; their order, and so
    the rounding, may differ, within the value check's tolerance.
  }];
  let options = [
    Option<"reassociate", "reassociate", "bool", /*default=*/"false",
           "Let the carried sums be reassociated (vectorized)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // COSTOPT_CONVERSION_PASSES_TD
