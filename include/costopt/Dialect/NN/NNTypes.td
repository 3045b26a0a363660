//===- NNTypes.td - nn dialect types -----------------------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNTYPES_TD
#define COSTOPT_DIALECT_NN_NNTYPES_TD

include "costopt/Dialect/NN/NNAttributes.td"

class NN_ShapedType<string name, string typeMnemonic, string what>
    : NN_Type<name, typeMnemonic> {
  let parameters = (ins ArrayRefParameter<"::costopt::nn::DimAttr", "sizes">:$shape);
  let assemblyFormat = "`<` custom<DimList>($shape) `>`";
  let extraClassDeclaration = [{
    /// The sizes as symbolic expressions.
    ::llvm::SmallVector<::costopt::sym::Expr> getShapeExprs() const;
    unsigned getRank() const { return getShape().size(); }
    /// The size of dimension `i`; negative `i` counts from the end.
    ::costopt::sym::Expr getDimExpr(int i) const;
  }];
  let builders = [
    TypeBuilder<(ins "::llvm::ArrayRef<::costopt::sym::Expr>":$exprs)>
  ];
  let genVerifyDecl = 1;
}

def NN_SeqType : NN_ShapedType<"Seq", "seq", "activations"> {
  let summary = "Activations: a tensor of real numbers with symbolic sizes";
  let description = [{
    `!nn.seq<[b, n, d]>`: activations laid out as [..., positions, features].
    The last dimension is the feature width, the one before it the sequence
    axis (n). The element type is not part of the type: the report chooses it
    (`--dtype`), because the architecture's costs are the same formulas at
    every precision.

    `position = i` names another axis as the positions, for a layout that
    an imported graph computes in: `!nn.seq<[b, n, h, e], position = 1>` is
    a head split before its transpose, `!nn.seq<[b, e, n], position = 2>`
    a convolution's channels-first activations. Only the primitives accept
    it; a built-in layer, `nn.scan` and `nn.recur` want the positions
    second to last. (Written only when it is not the default: the default
    spelled out is the same type, printed without it.)
  }];
  let parameters = (ins ArrayRefParameter<"::costopt::nn::DimAttr", "sizes">:$shape,
                        DefaultValuedParameter<"int64_t", "-1">:$position);
  let assemblyFormat = "`<` custom<DimList>($shape) `` custom<PositionAxis>($position, ref($shape)) `` `>`";
  let extraClassDeclaration = [{
    /// The sizes as symbolic expressions.
    ::llvm::SmallVector<::costopt::sym::Expr> getShapeExprs() const;
    unsigned getRank() const { return getShape().size(); }
    /// The size of dimension `i`; negative `i` counts from the end.
    ::costopt::sym::Expr getDimExpr(int i) const;
    /// The position axis, if the sequence has one (rank >= 2, or an
    /// explicit `position`).
    ::std::optional<unsigned> getPositionAxis() const;
    /// Whether the positions are second to last, as layers expect.
    bool hasDefaultPositionAxis() const { return getPosition() < 0; }
  }];
  let builders = [
    TypeBuilder<(ins "::llvm::ArrayRef<::costopt::sym::Expr>":$exprs,
                     CArg<"int64_t", "-1">:$positionAxis)>
  ];
}

def NN_TokensType : NN_ShapedType<"Tokens", "tokens", "token ids"> {
  let summary = "Token ids with symbolic sizes";
  let description = [{
    `!nn.tokens<[b, n]>`: integer token ids, the input of `nn.embedding`.
  }];
}

def NN_TensorType : NN_ShapedType<"NNTensor", "tensor", "a tensor without positions"> {
  let summary = "A tensor of real numbers without a sequence axis";
  let description = [{
    `!nn.tensor<[d, 4*d]>`: a weight, a bias, or any value that does not
    run along the sequence (a row statistic's scale, a gate table). Unlike
    `!nn.seq`, none of its axes is a position axis, so it never carries
    information from one position to another: the path-length and depth
    analyses treat it as available at every position.
  }];
}

def NN_AnyShaped : AnyTypeOf<[NN_SeqType, NN_TokensType]>;
def NN_AnyTensor : AnyTypeOf<[NN_SeqType, NN_TensorType, NN_TokensType]>;

#endif // COSTOPT_DIALECT_NN_NNTYPES_TD
