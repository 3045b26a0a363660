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
      more generic that adds it. A masked contraction loops over the rows
      of its band (`scf.for`) and runs the generic on each row's slice, so
      only the masked domain executes.
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

#endif // COSTOPT_CONVERSION_PASSES_TD
