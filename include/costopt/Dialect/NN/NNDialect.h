//===- NNDialect.h - The nn dialect -----------------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The nn dialect, its size attribute and its tensor types.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNDIALECT_H
#define COSTOPT_DIALECT_NN_NNDIALECT_H

#include "costopt/Support/Sym.h"

#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringMap.h"

#include <mutex>

#include "costopt/Dialect/NN/NNDialect.h.inc"

namespace costopt::nn::detail {
/// DimAttr's storage, written by hand (NNDialect.cpp): it keeps the parsed
/// expression beside the canonical text.
struct DimAttrStorage;
} // namespace costopt::nn::detail

#define GET_ATTRDEF_CLASSES
#include "costopt/Dialect/NN/NNAttributes.h.inc"

#define GET_TYPEDEF_CLASSES
#include "costopt/Dialect/NN/NNTypes.h.inc"

namespace costopt {
namespace nn {

/// Parses a size expression written with MLIR tokens (`4*d`, `d/h`,
/// `ceil(n/k)`) up to the first `,` `]` `}` `>` or `)` at nesting depth 0,
/// and reports errors at the token where they are.
mlir::ParseResult parseSizeExpr(mlir::AsmParser &parser, sym::Expr &result);
/// Parses a size as parseSizeExpr does, into its attribute; sizes met
/// before in the context are looked up by their text instead of parsed.
mlir::ParseResult parseDimAttr(mlir::AsmParser &parser, DimAttr &result);
/// As parseDimAttr, but returns std::nullopt (consuming nothing) when the
/// next token cannot start a size.
mlir::OptionalParseResult parseOptionalDimAttr(mlir::AsmParser &parser, DimAttr &result);
/// As parseSizeExpr, but returns std::nullopt (consuming nothing) when the
/// next token cannot start a size.
mlir::OptionalParseResult parseOptionalSizeExpr(mlir::AsmParser &parser,
                                                sym::Expr &result);
/// Parses `(c1, c2, ...)` constraints written with MLIR tokens (`d mod h ==
/// 0`, `k >= 2`) into the algebra's syntax ("d % h == 0"), validating each;
/// `locations` receives where each one starts.
mlir::ParseResult parseConstraintList(mlir::AsmParser &parser,
                                      llvm::SmallVectorImpl<std::string> &constraints,
                                      llvm::SmallVectorImpl<llvm::SMLoc> &locations);
/// A constraint as quoted in a diagnostic: a generated one of thousands of
/// characters is cut, so that what is wrong with it stays in view.
std::string quotedConstraint(llvm::StringRef text);
/// Prints a size in the form parseSizeExpr reads.
void printSizeExpr(mlir::AsmPrinter &printer, const sym::Expr &expr);
/// The same text printSizeExpr writes.
std::string formatSizeExpr(const sym::Expr &expr);

/// "file:line:col" of a location (through the NameLoc an imported op's
/// module name wraps it in); none for other locations.
std::optional<std::string> fileLineColOf(mlir::Location loc);

/// Custom directive for shaped types: `[b, n, d]`.
mlir::ParseResult parseDimList(mlir::AsmParser &parser,
                               llvm::SmallVector<DimAttr> &dims);
void printDimList(mlir::AsmPrinter &printer, llvm::ArrayRef<DimAttr> dims);

/// Custom directive for `!nn.seq`: `, position = i` when the positions are
/// not the second-to-last axis (which is stored as -1 and printed as
/// nothing, so that each type has one spelling).
mlir::ParseResult parsePositionAxis(mlir::AsmParser &parser, int64_t &position,
                                    llvm::ArrayRef<DimAttr> shape);
void printPositionAxis(mlir::AsmPrinter &printer, int64_t position,
                       llvm::ArrayRef<DimAttr> shape);

/// The size attributes of any nn shaped type (`!nn.seq`, `!nn.tensor`,
/// `!nn.tokens`); empty for other types.
llvm::ArrayRef<DimAttr> shapeOf(mlir::Type type);
/// The same sizes as expressions.
llvm::SmallVector<sym::Expr> shapeExprsOf(mlir::Type type);
/// Their product: the element count.
sym::Expr elementCountOf(mlir::Type type);
/// The same shaped type with `values` substituted into its sizes.
mlir::Type substituteSizes(mlir::Type type, const llvm::StringMap<sym::Expr> &values);

} // namespace nn
} // namespace costopt

#endif // COSTOPT_DIALECT_NN_NNDIALECT_H
