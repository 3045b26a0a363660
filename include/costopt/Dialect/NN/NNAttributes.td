//===- NNAttributes.td - nn dialect attributes -------------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNATTRIBUTES_TD
#define COSTOPT_DIALECT_NN_NNATTRIBUTES_TD

include "costopt/Dialect/NN/NNDialect.td"

def NN_DimAttr : NN_Attr<"Dim", "dim"> {
  let summary = "A size: an exact expression over the model's symbols";
  let description = [{
    A size such as `h`, `4*d`, `d/h`, `ceil(n/k)` or `2`. The expression is
    kept in the canonical form of costopt's symbolic algebra, so equal sizes
    are equal attributes. Inside op attribute dictionaries and types it is
    written bare (`{hidden = 4*d}`); on its own it is `#nn.dim<4*d>`.

    Syntax: integers, symbols, `+ - * /`, parentheses, and the functions
    `ceil(x)`, `floor(x)`, `max(a, b)`, `min(a, b)`, `log_b(x)`. Division is
    exact (`d/h` with `d mod h == 0`); use `ceil`/`floor` for rounding.
  }];
  // The canonical text is the storage key: cheap to hash and compare. The
  // storage (DimAttrStorage in NNDialect.cpp) also holds the expression,
  // parsed once when the attribute is first created, so getExpr() is a
  // lookup rather than a parse.
  let parameters = (ins StringRefParameter<"canonical text">:$text);
  let genStorageClass = 0;
  let hasCustomAssemblyFormat = 1;
  let builders = [
    AttrBuilder<(ins "const ::costopt::sym::Expr &":$expr), [{
      return $_get($_ctxt, expr.str());
    }]>
  ];
  let extraClassDeclaration = [{
    /// The size as a symbolic expression (owned by the context).
    const ::costopt::sym::Expr &getExpr() const;
  }];
}

def NN_DimArrayAttr : TypedArrayAttrBase<NN_DimAttr, "array of sizes">;

#endif // COSTOPT_DIALECT_NN_NNATTRIBUTES_TD
