//===- NNPrimitives.td - nn dialect primitive tensor ops ---*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The primitive level: a handful of tensor ops below the layers, from which
// any layer can be written (and into which every built-in layer
// decomposes). Their costs follow from their shapes, index maps, masks and
// bodies alone; see docs/Dialect.md ("Two levels") and
// docs/CountingConventions.md ("Primitives").
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNPRIMITIVES_TD
#define COSTOPT_DIALECT_NN_NNPRIMITIVES_TD

include "mlir/IR/CommonAttrConstraints.td"

/// A primitive: written like a layer (`nn.op %a, %b {attrs} : types -> type`).
/// Dimension numbers (`dims = [2]`, `dim = 1`) are written as constant sizes.
class NN_PrimitiveOp<string mnemonic, list<Trait> traits = []>
    : NN_LayerOpBase<mnemonic, traits>;

def NN_ParamOp : Op<NN_Dialect, "param", [
    Pure, DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "A trainable parameter tensor";
  let description = [{
    Declares a weight, bias or table with a symbolic shape. Its elements are
    what "Parameters" counts. A parameter defined inside `nn.repeat` is one
    tensor per iteration (unless the repeat shares weights); one defined
    outside and used inside is shared by every iteration, so tying is
    written by using the same value twice.

    ```mlir
    %w = nn.param : !nn.tensor<[d, 4*d]>
    ```
  }];
  let results = (outs NN_TensorType:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def NN_ConstantOp : Op<NN_Dialect, "constant", [
    Pure, DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "A fixed tensor: not trained, computed before the model runs";
  let description = [{
    A table the architecture fixes rather than learns: RetNet's per-head
    decays, sinusoidal position encodings, a mask. It costs no parameters
    and no FLOPs; reading it moves bytes like any operand.

    ```mlir
    %gamma = nn.constant : !nn.tensor<[h, 1, 1, 1]>
    ```
  }];
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def NN_ContractOp : NN_PrimitiveOp<"contract"> {
  let summary = "A sum of products over an index domain, optionally masked";
  let description = [{
    `result[out] = Σ lhs[l] · rhs[r] (+ bias)` over the iteration domain
    given by `indexing_maps` (lhs, rhs, result), as in `linalg.generic`:
    every iteration dimension takes its extent from an operand or the
    result where a map names it bare. Operand maps may be affine (`t + j`
    for a convolution's taps; `symbols` binds the maps' symbols to sizes,
    e.g. a dilation), and an index outside an operand reads a zero
    (padding). The result map names distinct dimensions bare, and may also
    scatter: an affine index such as `i * s + k - p` (a transposed
    convolution, over dimensions no other result index names) adds each
    product into the element it names, and a product whose index falls
    outside the result is dropped (the transposed convolution's cropping).
    Every point of the domain still costs its multiply and add. Along the
    result's position axis, a scattering index must follow the one
    positional operand's position one for one (`p + k - 1`).

    `mask` restricts the domain with an integer set over two dimensions of
    equal extent: a band `p - B <= k <= p + A` with A, B >= 0 (either may be
    absent); causal is `k <= p` (exactly n(n+1)/2 pairs), a causal window of
    w is `p - w + 1 <= k <= p` (`symbols` gives w). The masked domain is
    what it costs: 2 FLOPs (a multiply and an add) per point, or 1 (the
    multiply) when no dimension is summed (an outer product).

    `bias`, a third operand, is added to each result element; it
    broadcasts as in `nn.map` (aligned at the right, dimensions equal or 1).

    ```mlir
    %s = nn.contract %q, %k {indexing_maps = [
             affine_map<(b, h, p, k, e) -> (b, h, p, e)>,
             affine_map<(b, h, p, k, e) -> (b, h, k, e)>,
             affine_map<(b, h, p, k, e) -> (b, h, p, k)>],
           mask = affine_set<(b, h, p, k, e) : (p - k >= 0)>}
        : !nn.seq<[b, h, n, e]>, !nn.seq<[b, h, n, e]> -> !nn.seq<[b, h, n, n]>
    ```
  }];
  let arguments = (ins NN_AnyTensor:$lhs, NN_AnyTensor:$rhs, Optional<NN_AnyTensor>:$bias,
                   AffineMapArrayAttr:$indexing_maps,
                   OptionalAttr<IntegerSetAttr>:$mask,
                   OptionalAttr<NN_DimArrayAttr>:$symbols);
  let results = (outs NN_AnyTensor:$result);
  let extraClassDeclaration = [{
    /// The extent of each iteration dimension (verified to exist).
    ::llvm::SmallVector<::costopt::sym::Expr> getDomainExtents();
    /// The maps' symbols as sizes.
    ::llvm::SmallVector<::costopt::sym::Expr> getSymbolExprs();
  }];
}

def NN_MapOp : Op<NN_Dialect, "map", [
    Pure, SingleBlock, DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "An element-wise function written with arith and math ops";
  let description = [{
    Applies its body to every element of the result. Operands broadcast as
    in NumPy: aligned at the right, each dimension equal to the result's or
    1 (a bias of `[d]`, a row statistic of `[b, n, 1]` against `[b, n, d]`). The body receives one `f32` per operand and yields
    one `f32`; each `arith`/`math` op in it that reads or produces a float
    costs one FLOP per element (constants, and integer or boolean logic
    such as a select's condition, cost nothing), so the FLOPs per element
    come from the body.
    `mask` (a band over two result dimensions, as in `nn.contract`, with
    its `symbols`) computes only the elements inside it: the softmax of a
    causal score matrix.

    `sizes` appends one body argument per size, holding its value as an
    `f32` (a norm's mean divides by `d`): the body computes with the sizes
    of the point it runs at, not with numbers written in at one size.

    ```mlir
    %y = nn.map %x, %g : !nn.seq<[b, n, f]>, !nn.seq<[b, n, f]> -> !nn.seq<[b, n, f]> {
    ^bb0(%a: f32, %c: f32):
      %p = arith.mulf %a, %c : f32
      nn.yield %p : f32
    }
    ```
  }];
  let arguments = (ins Variadic<NN_AnyTensor>:$inputs,
                   OptionalAttr<NN_DimArrayAttr>:$sizes,
                   OptionalAttr<IntegerSetAttr>:$mask,
                   OptionalAttr<NN_DimArrayAttr>:$symbols);
  let results = (outs NN_AnyTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $inputs (`sizes` custom<SizeList>($sizes)^)? (`mask` $mask^)? (`symbols` $symbols^)? attr-dict `:` type($inputs) `->` type($result) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// FLOPs per result element: the body's arith/math ops.
    int64_t getFlopsPerElement();
  }];
}

def NN_ReduceOp : NN_PrimitiveOp<"reduce"> {
  let summary = "Sums or maximises over some dimensions";
  let description = [{
    `kind` is "sum" or "max"; `dims` lists the reduced dimensions, which the
    result keeps with extent 1 (so the result broadcasts back against the
    input in `nn.map`, and the position axis stays in place). One FLOP per
    input element (each is added into, or compared with, an accumulator).
    Reducing the position axis of an `!nn.seq` mixes every position.
    `mask` (a band over two input dimensions, with `symbols`) reduces only
    the elements inside it.

    ```mlir
    %s = nn.reduce %x {kind = "sum", dims = [2]} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 1]>
    ```
  }];
  let arguments = (ins NN_AnyTensor:$input, StrAttr:$kind, NN_DimArrayAttr:$dims,
                   OptionalAttr<IntegerSetAttr>:$mask,
                   OptionalAttr<NN_DimArrayAttr>:$symbols);
  let results = (outs NN_AnyTensor:$result);
}

def NN_TransposeOp : NN_PrimitiveOp<"transpose"> {
  let summary = "Permutes dimensions (no arithmetic)";
  let description = [{
    `result[i] = input[permutation[i]]` dimension-wise. No FLOPs; it moves
    bytes (a copy) unless the next op reads it in place.
  }];
  let arguments = (ins NN_AnyTensor:$input, NN_DimArrayAttr:$permutation);
  let results = (outs NN_AnyTensor:$result);
}

def NN_ReshapeOp : NN_PrimitiveOp<"reshape"> {
  let summary = "Regroups dimensions with the same element count (a view)";
  let description = [{
    `[b, n, h*e]` to `[b, n, h, e]` and back; the element counts must be
    equal for every value of the symbols. No FLOPs, no new storage.
  }];
  let arguments = (ins NN_AnyTensor:$input);
  let results = (outs NN_AnyTensor:$result);
}

def NN_ConcatOp : NN_PrimitiveOp<"concat"> {
  let summary = "Joins tensors along one dimension (no arithmetic)";
  let arguments = (ins Variadic<NN_AnyTensor>:$inputs, NN_DimAttr:$dim);
  let results = (outs NN_AnyTensor:$result);
}

def NN_ExtractOp : NN_PrimitiveOp<"extract"> {
  let summary = "A contiguous slice along one dimension (a view)";
  let description = [{
    Keeps `size` entries of dimension `dim` starting at `offset`: one of the
    pieces of a split (Q, K and V out of one fused projection), or the
    first positions of a sequence. No FLOPs, no new storage.
  }];
  let arguments = (ins NN_AnyTensor:$input, NN_DimAttr:$dim, NN_DimAttr:$offset);
  let results = (outs NN_AnyTensor:$result);
  let extraClassDeclaration = [{
    /// Along `dim`: where the slice ends (offset + its size) and the
    /// input's extent, which the verifier compares where it can prove the
    /// order and the point check at every evaluated point.
    std::pair<::costopt::sym::Expr, ::costopt::sym::Expr> getSliceEndAndExtent();
  }];
}

def NN_GatherOp : NN_PrimitiveOp<"gather"> {
  let summary = "Looks rows of a table up by index";
  let description = [{
    `result[..., i, :] = table[ids[..., i], :]`: an embedding lookup, or a
    mixture of experts' dispatch of positions to experts. No FLOPs; it
    reads one row per index, not the whole table. Its gradient is a
    scatter-add into the table (one FLOP per element, backward only).
  }];
  let arguments = (ins NN_AnyTensor:$table, NN_AnyTensor:$indices);
  let results = (outs NN_AnyTensor:$result);
}

def NN_OpaqueOp : NN_PrimitiveOp<"opaque"> {
  let summary = "An operation costopt cannot see into, with a stated cost";
  let description = [{
    Stands for an operation whose cost costopt cannot derive (an ONNX
    operator it does not know, imported with `--allow-unknown`, or a custom
    kernel): `kind` names it and `flops` states its forward FLOPs, usually
    as a symbol of its own (`unknown_NonMaxSuppression`) that the report
    carries as a term and a number needs bound (`-D`). The stated FLOPs may
    be 0 (a pure data-movement kernel); they are an element-wise term, so
    the backward pass is taken to cost them once more.

    Everything else follows from the types: it reads its operands and
    writes its results (bytes and memory), and each result position may
    depend on every operand position (a full mix, one hop of path length).
    It cannot be lowered or run: `costopt verify` refuses it.

    ```mlir
    %boxes, %scores = nn.opaque %x {kind = "TopK", flops = unknown_TopK}
        : !nn.tensor<[b, 100]> -> (!nn.tensor<[b, 5]>, !nn.tensor<[b, 5]>)
    ```
  }];
  let arguments = (ins Variadic<NN_AnyTensor>:$inputs, StrAttr:$kind, NN_DimAttr:$flops);
  let results = (outs Variadic<NN_AnyTensor>:$results);
}

def NN_PrefixScanOp : NN_PrimitiveOp<"scan", [NN_DefaultPositionAxes]> {
  let summary = "A linear recurrence along the position axis, run step by step";
  let description = [{
    `kind = "sum"`: s_t = s_{t-1} + x_t (a prefix sum, as causal linear
    attention accumulates φ(k)ᵀv); `kind = "linear"`: s_t = a_t ⊙ s_{t-1} +
    x_t with the decay `a` as a second operand broadcast to x (RetNet's γ,
    a diagonal SSM's Ā). The scan runs along the position axis
    (second-to-last), so a per-position matrix state is laid out with the
    positions before its last dimension: `[b, h, e, n, e]`.

    It is counted as the loop it is: 1 FLOP per element for a sum, 2 for a
    linear recurrence (multiply, add), and n dependent steps of sequential
    depth; depth and FLOPs describe the same algorithm.

    `parallel` computes the same result as a parallel prefix scan
    (Hillis & Steele 1986, Kogge–Stone): ⌈log2 n⌉ levels, where level ℓ
    combines every position t with position t − 2^ℓ, and positions before
    2^ℓ with the identity (0 for a sum; decay 1 and 0 for a linear
    recurrence), so each level is one data-parallel step over all n
    positions. The combine of a linear recurrence is (a, x) ∘ (a', x') =
    (a·a', a·x' + x): 3 FLOPs per element per level; a sum's is 1. Its
    depth is the ⌈log2 n⌉ levels (output t depends on every input up to t,
    in that many steps), and the FLOPs are ⌈log2 n⌉·n per element of a
    position instead of n: more work for logarithmic depth, as the
    algorithm runs. (The identity combines of the first 2^ℓ positions are
    counted because they run; a work-efficient scan would skip them.)

    ```mlir
    %s = nn.scan %kv {kind = "sum"} : !nn.seq<[b, h, e, n, e]>
    %r = nn.scan %kv, %gamma {kind = "linear"}
        : !nn.seq<[b, h, e, n, e]>, !nn.tensor<[h, 1, 1, 1]> -> !nn.seq<[b, h, e, n, e]>
    %p = nn.scan %x, %a {kind = "linear", parallel}
        : !nn.seq<[b, c, n, s]>, !nn.seq<[b, c, n, s]> -> !nn.seq<[b, c, n, s]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, Optional<NN_AnyTensor>:$decay, StrAttr:$kind,
                   UnitAttr:$parallel);
  let results = (outs NN_SeqType:$result);
}

def NN_RecurOp : Op<NN_Dialect, "recur", [
    SingleBlock, RecursiveMemoryEffects, NN_DefaultPositionAxes,
    DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "A recurrence over the positions: a body of primitives run step by step";
  let description = [{
    Runs its body once per position, in order (`reverse`: last to first):
    the body receives, for step t, each input sequence at position t (its
    position axis removed: `!nn.seq<[b, n, d]>` gives `!nn.tensor<[b, d]>`)
    followed by the states after step t - 1 (the `init` values before the
    first), and yields the new states. Result i is the sequence of state i
    over the steps, with the position axis second to last (`!nn.tensor<[b,
    h]>` gives `!nn.seq<[b, n, h]>`). RNN cells (Elman, LSTM, GRU, an LSTM
    with a projection) are a few lines; weights are declared outside the
    body, so every step uses the same ones.

    Its costs are the body's, n times over; it is n dependent steps of
    sequential depth and a chain along the positions for the path length
    (Mixing::Recurrent), and decoding keeps its states.

    ```mlir
    %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>)
        -> !nn.seq<[b, n, d]> {
    ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
      %a = nn.contract %h, %w, %xt {indexing_maps = [...]} : ...
      %hn = nn.map %a : !nn.tensor<[b, d]> -> !nn.tensor<[b, d]> { ... math.tanh ... }
      nn.yield %hn : !nn.tensor<[b, d]>
    }
    ```
  }];
  // The input sequences, then the initial states: `num_inputs` splits them.
  let arguments = (ins Variadic<NN_AnyTensor>:$operands, I64Attr:$num_inputs,
                   UnitAttr:$reverse);
  let results = (outs Variadic<NN_SeqType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
    ::mlir::Operation::operand_range getInputs() {
      return getOperands().take_front(getNumInputs());
    }
    ::mlir::Operation::operand_range getInits() {
      return getOperands().drop_front(getNumInputs());
    }
    /// The number of steps: the inputs' (and results') sequence length.
    ::costopt::sym::Expr getSteps();
  }];
}

def NN_BlockOp : Op<NN_Dialect, "block", [
    SingleBlock, IsolatedFromAbove, RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "Primitives that form one layer: one step, one report row";
  let description = [{
    Groups primitives into a layer named `name`. The cost analyses treat it
    as one layer application: its FLOPs, parameters and bytes are its
    primitives' sums, its peak is the busiest moment inside it, and it is
    one step of sequential depth (only a recurrence or scan inside adds
    more), whatever its size. The name is a label: the analyses never look
    at it. Decomposed built-in layers and calls of user-defined layers
    (`nn.layer`) become blocks.

    ```mlir
    %y = nn.block "glu" (%a = %x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]> {
      ...
      nn.yield %r : !nn.seq<[b, n, d]>
    }
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<NN_AnyTensor>:$inputs);
  let results = (outs Variadic<NN_AnyTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def NN_CallOp : Op<NN_Dialect, "call", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "Uses another nn.model as a layer";
  let description = [{
    A user-defined layer is an `nn.model` with its own symbols and
    constraints; `nn.call` applies it. The callee's symbols are bound by the
    operand types (a dimension written as a bare symbol takes the operand's
    size) and by the `{name = size}` list; every callee symbol must be
    bound, the operand types must then match, and the callee's constraints
    must follow from the caller's. Before analysis each call becomes an
    `nn.block` named after the callee (`costopt-inline-layers`), so reports
    name it like a built-in layer and derive its Table 1 row from its
    primitives. A model that another model calls is reported only when
    chosen with `--model`.

    ```mlir
    %y = nn.call @glu(%x) {f = 4*d} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<NN_AnyTensor>:$inputs,
                   DictionaryAttr:$bindings);
  let results = (outs Variadic<NN_AnyTensor>:$results);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    /// The callee's symbols as sizes of the caller, or a diagnostic.
    ::mlir::FailureOr<::llvm::StringMap<::costopt::sym::Expr>>
    bindCalleeSymbols(ModelOp callee);
    ModelOp getCalleeModel();
  }];
}

#endif // COSTOPT_DIALECT_NN_NNPRIMITIVES_TD
