//===- Passes.td - costopt passes --------------------------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_TRANSFORMS_PASSES_TD
#define COSTOPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AnnotateCosts : Pass<"costopt-annotate-costs", "::costopt::nn::ModelOp"> {
  let summary = "Writes each op's exact cost formulas as attributes";
  let description = [{
    Runs the cost model on every op of an `nn.model` and attaches the
    results as string attributes, so tests (and curious users) can read the
    formulas next to the op they belong to:

    ```mlir
    %a = nn.attention %x {heads = h, causal} : !nn.seq<[b, n, d]>
    // becomes
    %a = nn.attention %x {causal, costopt.core = "2*b*d*n^2 + 2*b*d*n",
                          costopt.flops = "...", costopt.params = "4*d^2 + 4*d",
                          heads = h} : !nn.seq<[b, n, d]>
    ```

    The model op itself gets the totals (`costopt.total_flops`,
    `costopt.total_params`, `costopt.sequential_depth`,
    `costopt.max_path_length`, `costopt.peak_activations`).
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"forward\"",
           "forward, backward, train or decode">,
  ];
  let dependentDialects = ["::costopt::nn::NNDialect"];
}

def DecomposeLayers : Pass<"costopt-decompose-layers", "::costopt::nn::ModelOp"> {
  let summary = "Rewrites built-in layers into blocks of primitives";
  let description = [{
    Replaces each built-in layer by an `nn.block` named after it, holding
    the primitives (`nn.param`, `nn.contract`, `nn.map`, `nn.reduce`,
    `nn.gather`) an unfused implementation runs: projections as
    contractions with biases, attention's scores and weighted values as
    masked contractions, the softmax as masked exp/sum/divide, activations
    and norms as `arith`/`math` bodies. The cost analyses of the result are
    a second derivation of every layer's costs (docs/Dialect.md lists where
    the layer rules' conventions differ). Recurrent layers become one block
    per stacked layer, each direction an `nn.recur` whose body is the cell.
    Layers without a decomposition yet (convolutions, SSMs, mixtures of
    experts, linear, flash and rotary attention, positions, slices, tied
    tables) stay as they are.
  }];
  let dependentDialects = ["::costopt::nn::NNDialect", "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def InlineLayers : Pass<"costopt-inline-layers", "::mlir::ModuleOp"> {
  let summary = "Replaces calls of user-defined layers by blocks";
  let description = [{
    Each `nn.call @layer(...)` becomes an `nn.block "layer"` holding the
    called model's body with the caller's sizes substituted into every type
    and attribute; calls inside it are inlined into the same block. The
    cost analyses then see one layer application per call. costopt runs it
    on every file it reads.
  }];
  let dependentDialects = ["::costopt::nn::NNDialect"];
}

#endif // COSTOPT_TRANSFORMS_PASSES_TD
