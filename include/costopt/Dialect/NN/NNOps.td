//===- NNOps.td - nn dialect operations --------------------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNOPS_TD
#define COSTOPT_DIALECT_NN_NNOPS_TD

include "costopt/Dialect/NN/NNTypes.td"
include "costopt/Dialect/NN/NNInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

/// A layer: `nn.<name> %operands {attributes} : operand types [-> result type]`.
/// All layers share one parser and printer (NNOps.cpp) so that sizes in
/// attribute dictionaries are written bare: `{heads = h, hidden = 4*d}`.
/// Built-in layers read the positions of an `!nn.seq` as its second-to-last
/// axis; this trait refuses operands and results that name another one.
def NN_DefaultPositionAxes : NativeOpTrait<"NNDefaultPositionAxes"> {
  let cppNamespace = "::costopt::nn";
}

class NN_LayerOpBase<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic,
         !listconcat(traits, [Pure, DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>])> {
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::ParseResult $cppClass::parse(::mlir::OpAsmParser &parser,
                                         ::mlir::OperationState &result) {
      return ::costopt::nn::parseLayerOp(parser, result);
    }
    void $cppClass::print(::mlir::OpAsmPrinter &printer) {
      ::costopt::nn::printLayerOp(getOperation(), printer);
    }
  }];
}

class NN_LayerOp<string mnemonic, list<Trait> traits = []>
    : NN_LayerOpBase<mnemonic, !listconcat(traits, [NN_DefaultPositionAxes])>;

/// A layer that keeps its input's type: [..., n, d] -> [..., n, d].
class NN_SameShapeLayerOp<string mnemonic, list<Trait> traits = []>
    : NN_LayerOp<mnemonic, !listconcat(traits, [AllTypesMatch<["input", "result"]>])>;

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

def NN_ModelOp : Op<NN_Dialect, "model", [
    Symbol, IsolatedFromAbove, SingleBlock]> {
  let summary = "A model: symbols, their constraints, inputs and a body";
  let description = [{
    Declares the symbols that sizes may use, optional default values for
    them, and constraints. Block arguments are the model's inputs;
    `nn.output` returns its outputs.

    ```mlir
    nn.model @encoder_layer(%x: !nn.seq<[b, n, d]>)
        symbols(b, n, d = 512, h = 8) where (d mod h == 0) {
      %a = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
      %r = nn.add %x, %a : !nn.seq<[b, n, d]>
      nn.output %r : !nn.seq<[b, n, d]>
    }
    ```

    Symbols are positive integers (at least 1) unless a constraint raises the
    bound (`k >= 2`). Constraints: `x mod y == 0`, `a >= b`, `a <= b`,
    `a > b`, `a < b`. Defaults let a report print numbers without `-D`.
    Every point at which costopt evaluates a formula (the defaults, `-D`
    values, each sweep point) must satisfy the constraints, and every size
    must be a positive integer there; a point that does not is an error
    naming the constraint or size and its location (`constraint_locs`
    records where each constraint was written).
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    StrArrayAttr:$symbols,
    DictionaryAttr:$defaults,
    StrArrayAttr:$constraints,
    OptionalAttr<LocationArrayAttr>:$constraint_locs
  );
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
    /// The terminator.
    OutputOp getOutputOp();
    /// Parses the symbol bounds and constraints. The verifier guarantees
    /// success on a verified op.
    ::llvm::FailureOr<::costopt::sym::Assumptions> getAssumptions();
    /// Declared symbols in declaration order (for printing formulas).
    ::std::vector<::std::string> getSymbolNames();
    /// Default bindings declared with `symbols(d = 512, ...)`.
    ::costopt::sym::Bindings getDefaultBindings();
    /// The constraint texts in the algebra's syntax ("d % h == 0").
    ::std::string getConstraintText();
    /// Where constraint `index` was written (the model's location when the
    /// op was built without per-constraint locations).
    ::mlir::Location getConstraintLoc(unsigned index);
  }];
}

def NN_OutputOp : Op<NN_Dialect, "output", [
    Pure, Terminator, HasParent<"ModelOp">, ReturnLike]> {
  let summary = "Returns the model's outputs";
  let arguments = (ins Variadic<NN_AnyTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def NN_RepeatOp : Op<NN_Dialect, "repeat", [
    SingleBlock, RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<NN_SizeCheckedOpInterface>]> {
  let summary = "Applies a block L times, carrying values from one to the next";
  let description = [{
    `nn.repeat` stacks identical layers without unrolling them: the body's
    block arguments receive the carried values (the initial values on the
    first iteration, the previous `nn.yield` afterwards), and the op's
    results are the values yielded by the last iteration. The count is a
    size expression, so a 96-layer model stays small and its costs are
    formulas in `L`.

    ```mlir
    %y = nn.repeat L (%h = %x) : !nn.seq<[b, n, d]> {
      %a = nn.attention %h {heads = h} : !nn.seq<[b, n, d]>
      %r = nn.add %h, %a : !nn.seq<[b, n, d]>
      nn.yield %r : !nn.seq<[b, n, d]>
    }
    ```

    The body may use values defined outside it (an encoder's output inside a
    decoder stack, for example); those are the same on every iteration.

    `attributes {shared_weights}` says every iteration uses the same weights
    (ALBERT, the Universal Transformer): parameters count once, FLOPs and
    bytes moved every iteration.
  }];
  let arguments = (ins NN_DimAttr:$count, Variadic<NN_AnyTensor>:$inits,
                   UnitAttr:$shared_weights);
  let results = (outs Variadic<NN_AnyTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def NN_YieldOp : Op<NN_Dialect, "yield", [
    Pure, Terminator, ParentOneOf<["RepeatOp", "MapOp", "BlockOp", "RecurOp"]>, ReturnLike]> {
  let summary = "Ends a region: the next iteration's values, a block's or a map's result";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

//===----------------------------------------------------------------------===//
// Embeddings and positions
//===----------------------------------------------------------------------===//

def NN_EmbeddingOp : NN_LayerOp<"embedding"> {
  let summary = "Looks token ids up in a [vocab, d] table";
  let description = [{
    `!nn.tokens<[b, n]>` to `!nn.seq<[b, n, d]>`; `vocab` is the table's row
    count (after any padding). `tied` marks a second lookup into a table
    another `nn.embedding` owns (a decoder sharing the encoder's table), so
    its parameters are counted once.

    ```mlir
    %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins NN_TokensType:$input, NN_DimAttr:$vocab, UnitAttr:$tied);
  let results = (outs NN_SeqType:$result);
}

def NN_PositionalOp : NN_SameShapeLayerOp<"positional"> {
  let summary = "Adds position information: learned or sinusoidal";
  let description = [{
    `kind = "learned"` adds rows of a [max_len, d] table (parameters);
    `kind = "sinusoidal"` adds fixed encodings (no parameters). Rotary
    embeddings rotate queries and keys inside attention: see the `rotary`
    flag of `nn.attention`.
  }];
  let arguments = (ins NN_SeqType:$input,
                   DefaultValuedStrAttr<StrAttr, "learned">:$kind,
                   OptionalAttr<NN_DimAttr>:$max_len);
  let results = (outs NN_SeqType:$result);
}

def NN_UnembeddingOp : NN_LayerOp<"unembedding"> {
  let summary = "Projects features to vocabulary logits";
  let description = [{
    [..., n, d] to [..., n, vocab]. With `tied` the matrix is the embedding
    table (its parameters are counted once, in `nn.embedding`); `bias` adds
    a vocabulary-sized bias.
  }];
  let arguments = (ins NN_SeqType:$input, NN_DimAttr:$vocab, UnitAttr:$tied,
                   UnitAttr:$bias);
  let results = (outs NN_SeqType:$result);
}

//===----------------------------------------------------------------------===//
// Dense layers
//===----------------------------------------------------------------------===//

def NN_LinearOp : NN_LayerOp<"linear"> {
  let summary = "An affine projection of the feature dimension";
  let description = [{
    [..., d_in] to [..., d_out]: y = x·W + b, W of [d_in, d_out].
    `no_bias` drops b.

    ```mlir
    %y = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 4*d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
}

def NN_FFNOp : NN_SameShapeLayerOp<"ffn"> {
  let summary = "Position-wise feed-forward block, plain or gated";
  let description = [{
    Plain: W2·act(W1·x + b1) + b2 with W1 [d, hidden], W2 [hidden, d].
    `gated` (GLU family, e.g. SwiGLU with `activation = "silu"`):
    W2·(act(W1·x) ⊙ W3·x), three matrices.

    ```mlir
    %f = nn.ffn %x {hidden = 4*d, activation = "gelu"} : !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, NN_DimAttr:$hidden,
                   DefaultValuedStrAttr<StrAttr, "relu">:$activation,
                   UnitAttr:$gated, UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
}

def NN_MoEOp : NN_SameShapeLayerOp<"moe"> {
  let summary = "Mixture of experts: a router and `experts` feed-forward blocks";
  let description = [{
    A linear router scores `experts` feed-forward blocks per position; each
    position runs its `top_k` best. Every expert is an `nn.ffn` with the same
    `hidden`, `activation`, `gated` and `no_bias`.

    ```mlir
    %m = nn.moe %x {experts = 8, top_k = 2, hidden = 14336,
                    activation = "silu", gated, no_bias} : !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, NN_DimAttr:$experts, NN_DimAttr:$top_k,
                   NN_DimAttr:$hidden,
                   DefaultValuedStrAttr<StrAttr, "relu">:$activation,
                   UnitAttr:$gated, UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
}

//===----------------------------------------------------------------------===//
// Sequence mixers
//===----------------------------------------------------------------------===//

def NN_AttentionOp : NN_LayerOp<"attention", [AllTypesMatch<["input", "result"]>]> {
  let summary = "Multi-head attention: full, causal, windowed, grouped, linear";
  let description = [{
    Self-attention over `%input` ([..., n, d]), or cross-attention from
    `%input` to a second operand `%memory` ([..., m, d_mem]). Queries, keys,
    values and the output are projected with d x d matrices (keys and values
    from d_mem to `kv_heads * head_dim` for cross or grouped attention).

    - `heads`: query heads; `head_dim` defaults to d/heads (which must then
      divide exactly under the model's constraints).
    - `kv_heads`: key/value heads for grouped-query (1 = multi-query);
      defaults to `heads`.
    - `causal`: position i attends to positions <= i.
    - `window = r`: position i attends to at most r positions (the r
      preceding ones when causal, a centred band otherwise).
    - `kind = "linear"`: kernelised linear attention (Katharopoulos et al.
      2020), φ(Q)·(φ(K)ᵀV), with `feature_map` (default "elu+1").
    - `flash`: computes scores in tiles without materialising the n×n
      matrix (changes memory, not FLOPs).
    - `rotary`: rotary position embeddings applied to queries and keys.
    - `no_bias`: projections without biases.

    ```mlir
    %a = nn.attention %x {heads = h, causal} : !nn.seq<[b, n, d]>
    %c = nn.attention %y, %mem {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, Optional<NN_SeqType>:$memory,
                   NN_DimAttr:$heads,
                   OptionalAttr<NN_DimAttr>:$kv_heads,
                   OptionalAttr<NN_DimAttr>:$head_dim,
                   OptionalAttr<NN_DimAttr>:$window,
                   UnitAttr:$causal,
                   DefaultValuedStrAttr<StrAttr, "softmax">:$kind,
                   DefaultValuedStrAttr<StrAttr, "elu+1">:$feature_map,
                   UnitAttr:$flash, UnitAttr:$rotary, UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
  let extraClassDeclaration = [{
    /// Width of each head: head_dim, or d/heads.
    ::costopt::sym::Expr getHeadDimExpr();
    /// Key/value heads: kv_heads, or heads.
    ::costopt::sym::Expr getKVHeadsExpr();
    bool isCrossAttention() { return static_cast<bool>(getMemory()); }
  }];
}

def NN_RecurrentOp : NN_LayerOp<"recurrent"> {
  let summary = "Elman RNN, LSTM or GRU layers over the sequence";
  let description = [{
    `cell` is "elman", "lstm" or "gru"; `hidden` the state width; `layers`
    stacked layers (default 1); `bidirectional` runs a second direction and
    concatenates, so the result width is hidden or 2·hidden.

    ```mlir
    %h = nn.recurrent %x {cell = "lstm", hidden = d, layers = 2}
        : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, StrAttr:$cell, NN_DimAttr:$hidden,
                   OptionalAttr<NN_DimAttr>:$layers, UnitAttr:$bidirectional,
                   UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
  let extraClassDeclaration = [{
    ::costopt::sym::Expr getLayersExpr();
    /// 1, or 2 when bidirectional.
    int64_t getDirections() { return getBidirectional() ? 2 : 1; }
  }];
}

def NN_ConvOp : NN_LayerOp<"conv"> {
  let summary = "1-D convolution over the sequence: dilated, strided, grouped, separable";
  let description = [{
    [..., n, c_in] to [..., n_out, c_out] with kernel `kernel` (k).

    - `dilation` (default 1), or `dilations = [1, 2, 4, ...]`: a stack of
      one layer per entry (c_in == c_out), as in WaveNet and ByteNet.
    - `stride` (default 1); `padding = "same"` (default: n_out =
      ceil(n/stride)) or "valid" (n_out = floor((n - dilation·(k-1) - 1) /
      stride) + 1); `causal` pads on the left only (same length).
    - `groups` (default 1); `depthwise` means groups = c_in.
    - `separable`: a depthwise k-tap convolution followed by a pointwise
      (1×1) c_in → c_out convolution (Chollet 2017), as in Table 1 of
      "Attention Is All You Need".

    ```mlir
    %y = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, NN_DimAttr:$kernel,
                   OptionalAttr<NN_DimAttr>:$dilation,
                   OptionalAttr<NN_DimArrayAttr>:$dilations,
                   OptionalAttr<NN_DimAttr>:$stride,
                   OptionalAttr<NN_DimAttr>:$groups,
                   DefaultValuedStrAttr<StrAttr, "same">:$padding,
                   UnitAttr:$depthwise, UnitAttr:$separable, UnitAttr:$causal,
                   UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
  let extraClassDeclaration = [{
    ::costopt::sym::Expr getStrideExpr();
    ::costopt::sym::Expr getGroupsExpr();
    /// The dilation of each stacked layer (one entry without `dilations`).
    ::llvm::SmallVector<::costopt::sym::Expr> getDilationExprs();
    /// Expected output length for an input of length `n`.
    ::costopt::sym::Expr getOutputLengthExpr(const ::costopt::sym::Expr &n);
  }];
}

def NN_ScanOp : NN_SameShapeLayerOp<"ssm"> {
  let summary = "Selective state-space scan block (Mamba)";
  let description = [{
    A Mamba block (Gu & Dao 2023): input projection to 2·E·d (E = `expand`,
    default 2), a causal depthwise convolution of width `conv_kernel`
    (default 4), the selective scan with state size `state` (N) and Δ of rank
    `dt_rank` (default ceil(d/16)), and an output projection.

    ```mlir
    %s = nn.ssm %x {state = 16} : !nn.seq<[b, n, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, NN_DimAttr:$state,
                   OptionalAttr<NN_DimAttr>:$expand,
                   OptionalAttr<NN_DimAttr>:$dt_rank,
                   OptionalAttr<NN_DimAttr>:$conv_kernel);
  let results = (outs NN_SeqType:$result);
  let extraClassDeclaration = [{
    ::costopt::sym::Expr getExpandExpr();
    ::costopt::sym::Expr getDtRankExpr();
    ::costopt::sym::Expr getConvKernelExpr();
  }];
}

def NN_SliceOp : NN_LayerOp<"slice"> {
  let summary = "The first `length` positions of a sequence";
  let description = [{
    [..., n, d] to [..., length, d]: keeps positions 0 .. length-1, as a
    BERT pooler keeps the [CLS] token. No arithmetic; the result is a view.

    ```mlir
    %cls = nn.slice %h {length = 1} : !nn.seq<[b, n, d]> -> !nn.seq<[b, 1, d]>
    ```
  }];
  let arguments = (ins NN_SeqType:$input, NN_DimAttr:$length);
  let results = (outs NN_SeqType:$result);
}

//===----------------------------------------------------------------------===//
// Element-wise layers
//===----------------------------------------------------------------------===//

def NN_LayerNormOp : NN_SameShapeLayerOp<"layer_norm"> {
  let summary = "Layer normalisation over the feature dimension";
  let description = [{
    (x - mean) / sqrt(var + ε) · γ + β; `no_bias` drops β.
  }];
  let arguments = (ins NN_SeqType:$input, UnitAttr:$no_bias);
  let results = (outs NN_SeqType:$result);
}

def NN_RMSNormOp : NN_SameShapeLayerOp<"rms_norm"> {
  let summary = "RMS normalisation over the feature dimension";
  let description = [{ x / sqrt(mean(x²) + ε) · γ (Zhang & Sennrich 2019). }];
  let arguments = (ins NN_SeqType:$input);
  let results = (outs NN_SeqType:$result);
}

def NN_AddOp : NN_LayerOp<"add", [AllTypesMatch<["input", "other", "result"]>]> {
  let summary = "Element-wise sum (residual connections)";
  let arguments = (ins NN_SeqType:$input, NN_SeqType:$other);
  let results = (outs NN_SeqType:$result);
}

def NN_ActivationOp : NN_SameShapeLayerOp<"activation"> {
  let summary = "An element-wise non-linearity";
  let description = [{
    `kind` is one of "relu", "gelu", "silu", "tanh", "sigmoid".
  }];
  let arguments = (ins NN_SeqType:$input, StrAttr:$kind);
  let results = (outs NN_SeqType:$result);
}

def NN_SoftmaxOp : NN_SameShapeLayerOp<"softmax"> {
  let summary = "Softmax over the feature dimension";
  let arguments = (ins NN_SeqType:$input);
  let results = (outs NN_SeqType:$result);
}

include "costopt/Dialect/NN/NNPrimitives.td"

#endif // COSTOPT_DIALECT_NN_NNOPS_TD
