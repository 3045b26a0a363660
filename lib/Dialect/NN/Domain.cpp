//===- Domain.cpp - Iteration domains of nn.contract ----------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/Domain.h"

#include "mlir/IR/AffineExprVisitor.h"
#include "llvm/Support/MathExtras.h"

using namespace costopt;
using namespace costopt::nn;
using sym::Expr;

std::optional<LinearForm> costopt::nn::flattenAffine(mlir::AffineExpr expr, unsigned numDims,
                                                     unsigned numSymbols) {
  LinearForm form;
  form.dims.assign(numDims, 0);
  form.syms.assign(numSymbols, 0);
  // Walks the tree with a running coefficient.
  std::function<bool(mlir::AffineExpr, int64_t)> add = [&](mlir::AffineExpr e,
                                                           int64_t scale) -> bool {
    // Coefficients past 2^62 are refused rather than overflowed.
    auto accumulate = [](int64_t &into, int64_t by) {
      int64_t sum;
      if (llvm::AddOverflow(into, by, sum) || std::abs(sum) > (int64_t(1) << 62))
        return false;
      into = sum;
      return true;
    };
    if (auto dim = llvm::dyn_cast<mlir::AffineDimExpr>(e))
      return accumulate(form.dims[dim.getPosition()], scale);
    if (auto s = llvm::dyn_cast<mlir::AffineSymbolExpr>(e))
      return accumulate(form.syms[s.getPosition()], scale);
    if (auto c = llvm::dyn_cast<mlir::AffineConstantExpr>(e)) {
      int64_t term;
      return !llvm::MulOverflow(scale, c.getValue(), term) && accumulate(form.constant, term);
    }
    auto bin = llvm::dyn_cast<mlir::AffineBinaryOpExpr>(e);
    if (!bin)
      return false;
    if (e.getKind() == mlir::AffineExprKind::Add)
      return add(bin.getLHS(), scale) && add(bin.getRHS(), scale);
    if (e.getKind() == mlir::AffineExprKind::Mul) {
      auto lhsConstant = llvm::dyn_cast<mlir::AffineConstantExpr>(bin.getLHS());
      auto rhsConstant = llvm::dyn_cast<mlir::AffineConstantExpr>(bin.getRHS());
      if (!lhsConstant && !rhsConstant)
        return false;
      int64_t product;
      if (llvm::MulOverflow(scale, (rhsConstant ? rhsConstant : lhsConstant).getValue(), product))
        return false;
      return add(rhsConstant ? bin.getLHS() : bin.getRHS(), product);
    }
    return false;
  };
  if (!add(expr, 1))
    return std::nullopt;
  return form;
}

Expr costopt::nn::offsetOf(const LinearForm &form, llvm::ArrayRef<Expr> symbols) {
  Expr offset(form.constant);
  for (auto [coefficient, value] : llvm::zip(form.syms, symbols))
    if (coefficient)
      offset += Expr(coefficient) * value;
  return offset;
}

std::optional<Band> costopt::nn::parseBand(mlir::IntegerSet mask, llvm::ArrayRef<Expr> symbols,
                                           std::string &why) {
  Band band;
  bool havePair = false;
  for (unsigned i = 0; i < mask.getNumConstraints(); ++i) {
    if (mask.isEq(i)) {
      why = "an equality constraint; masks are bands of inequalities";
      return std::nullopt;
    }
    auto form = flattenAffine(mask.getConstraint(i), mask.getNumDims(), mask.getNumSymbols());
    if (!form) {
      why = "a constraint that is not linear in the dimensions";
      return std::nullopt;
    }
    llvm::SmallVector<unsigned> used;
    for (auto [d, c] : llvm::enumerate(form->dims))
      if (c)
        used.push_back(d);
    if (used.size() != 2 || form->dims[used[0]] != -form->dims[used[1]] ||
        std::abs(form->dims[used[0]]) != 1) {
      why = "a constraint that is not of the form d_i - d_j + c >= 0";
      return std::nullopt;
    }
    if (!havePair) {
      band.first = used[0];
      band.second = used[1];
      havePair = true;
    } else if (band.first != used[0] || band.second != used[1]) {
      why = "constraints over more than one pair of dimensions";
      return std::nullopt;
    }
    // c·(d_first - d_second) + rest >= 0.
    Expr rest = offsetOf(*form, symbols);
    if (form->dims[band.first] == 1) // d_second - d_first <= rest
      band.above = band.above ? Expr::min(*band.above, rest) : rest;
    else // d_first - d_second <= rest
      band.below = band.below ? Expr::min(*band.below, rest) : rest;
  }
  if (!havePair) {
    why = "no constraint";
    return std::nullopt;
  }
  return band;
}

Expr costopt::nn::bandPoints(const Band &band, const Expr &n) {
  // Diagonal j - i = δ holds n - |δ| points; the band sums them over
  // δ = -below..above, which is n + S(above') + S(below') with each reach
  // clipped to n - 1 (a reach past the square adds nothing).
  // Written with M = min(reach + 1, n), the number of diagonals of the
  // side counting the main one, so that a causal window of w reads
  // M·n − M(M − 1)/2 with M = min(w, n), the form the layer rules use.
  auto side = [&](const std::optional<Expr> &reach) {
    if (reach && reach->isZero())
      return Expr();
    Expr m = reach ? Expr::min(*reach + Expr(1), n) : n;
    return (m - Expr(1)) * n - cantFail((m * (m - Expr(1))).divide(Expr(2)));
  };
  return n + side(band.above) + side(band.below);
}

Expr costopt::nn::domainPoints(llvm::ArrayRef<Expr> extents, const std::optional<Band> &band) {
  Expr points(1);
  for (auto [i, extent] : llvm::enumerate(extents))
    if (!band || (i != band->first && i != band->second))
      points *= extent;
  if (band)
    points *= bandPoints(*band, extents[band->first]);
  return points;
}
