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
    `nn.gather`, `nn.extract`, `nn.concat`) an unfused implementation
    runs: projections as contractions with biases, attention's scores and
    weighted values as masked contractions, the softmax as masked
    exp/sum/divide, activations and norms as `arith`/`math` bodies, a
    convolution's taps as a contraction whose input index is
    `t·stride + j·dilation − pad` (one block per layer of a `dilations`
    stack; a separable one as its depthwise and pointwise contractions):

    ```mlir
    %y = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
    // becomes
    %y = nn.block "nn.conv" (%a = %x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]> {
      %w = nn.param : <[d, d, k]>
      %c = nn.param : <[d]>
      %r = nn.contract %a, %w, %c {indexing_maps = [
               affine_map<(b, t, o, j, i)[s0] -> (b, t + j - s0, i)>,
               affine_map<(b, t, o, j, i)[s0] -> (o, i, j)>,
               affine_map<(b, t, o, j, i)[s0] -> (b, t, o)>], symbols = [k - 1]}
          : !nn.seq<[b, n, d]>, !nn.tensor<[d, d, k]>, !nn.tensor<[d]>
      nn.yield %r : !nn.seq<[b, n, d]>
    }
    ```

    The cost analyses of the result are a second derivation of every
    layer's costs (docs/Dialect.md lists where the layer rules' conventions
    differ). Recurrent layers become one block per stacked layer, each
    direction an `nn.recur` whose body is the cell. Layers without a
    decomposition yet (convolutions with a symbolic stride, dilation or
    number of groups, SSMs, mixtures of experts, linear, flash and rotary
    attention, positions, slices, tied tables) stay as they are.
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
