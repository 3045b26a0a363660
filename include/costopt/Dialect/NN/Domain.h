//===- Domain.h - Iteration domains of nn.contract --------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Exact symbolic point counts of a contraction's iteration domain: a box of
// symbolic extents, optionally cut by a band mask over two of its
// dimensions. Checked against enumeration in unittests/Dialect.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_DOMAIN_H
#define COSTOPT_DIALECT_NN_DOMAIN_H

#include "costopt/Support/Sym.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/IntegerSet.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <string>

namespace costopt {
namespace nn {

/// An affine expression over iteration dimensions and symbols:
/// Σ dims[i]·d_i + Σ syms[j]·s_j + constant.
struct LinearForm {
  llvm::SmallVector<int64_t> dims, syms;
  int64_t constant = 0;
};

/// Flattens `expr` (sums and products by constants of dimensions, symbols
/// and constants); nullopt for anything else (mod, floordiv, products of
/// two variables).
std::optional<LinearForm> flattenAffine(mlir::AffineExpr expr, unsigned numDims,
                                        unsigned numSymbols);

/// The value of a form's symbol part and constant, given the symbols' sizes.
sym::Expr offsetOf(const LinearForm &form, llvm::ArrayRef<sym::Expr> symbols);

/// A band over dimensions (first, second) of equal extent:
/// -below <= d_second - d_first <= above; nullopt bounds are absent.
struct Band {
  unsigned first = 0, second = 0;
  std::optional<sym::Expr> above, below;
};

/// Reads a mask as a band; `why` says what is unsupported otherwise.
std::optional<Band> parseBand(mlir::IntegerSet mask, llvm::ArrayRef<sym::Expr> symbols,
                              std::string &why);

/// Points of the band over an n × n square: n + S(min(above, n - 1)) +
/// S(min(below, n - 1)) with S(m) = m·n - m(m + 1)/2, for above, below >= 0.
sym::Expr bandPoints(const Band &band, const sym::Expr &n);

/// Points of the whole domain: the product of the extents, with the band's
/// pair replaced by its count.
sym::Expr domainPoints(llvm::ArrayRef<sym::Expr> extents, const std::optional<Band> &band);

/// The band of a primitive's `mask` attribute (with its `symbols`), for a
/// domain of `extents`; nullopt without a mask. The op is verified.
std::optional<Band> maskBandOf(mlir::Operation *op, llvm::ArrayRef<sym::Expr> extents);

} // namespace nn
} // namespace costopt

#endif // COSTOPT_DIALECT_NN_DOMAIN_H
