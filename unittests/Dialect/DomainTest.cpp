//===- DomainTest.cpp - Masked domains against enumeration ----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The oracle of nn.contract's domain counts: every supported mask, parsed
// from the text a user writes, is counted symbolically and evaluated, and
// the points are enumerated one by one, on both sides of every boundary
// (window shorter, equal to and longer than the sequence; n = 1).
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/Domain.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace costopt;
using namespace costopt::nn;
using sym::Expr;

namespace {

struct MaskCase {
  const char *text;       ///< affine_set over (p, k)[s0, s1]
  const char *symbols[2]; ///< sizes of s0, s1
};

int64_t valueAt(const Expr &e, const sym::Bindings &bindings) {
  auto value = sym::evaluate(e, bindings);
  EXPECT_TRUE(static_cast<bool>(value));
  if (!value)
    return -1;
  EXPECT_EQ(value->den, 1);
  return int64_t(value->num);
}

TEST(DomainTest, BandsMatchEnumeration) {
  mlir::MLIRContext context;
  const MaskCase cases[] = {
      {"affine_set<(p, k)[s0, s1] : (p - k >= 0)>", {"1", "1"}},                 // causal
      {"affine_set<(p, k)[s0, s1] : (k - p >= 0)>", {"1", "1"}},                 // anti-causal
      {"affine_set<(p, k)[s0, s1] : (p - k >= 0, k - p + s0 - 1 >= 0)>", {"w", "1"}},
      {"affine_set<(p, k)[s0, s1] : (p - k + s1 >= 0, k - p + s0 >= 0)>",
       {"floor((w - 1)/2)", "ceil((w - 1)/2)"}},                                // centred
      {"affine_set<(p, k)[s0, s1] : (p - k + 2 >= 0, k - p + 3 >= 0)>", {"1", "1"}},
      {"affine_set<(p, k)[s0, s1] : (p - k + s0 >= 0)>", {"w", "1"}},            // lookahead w
      {"affine_set<(p, k)[s0, s1] : (p - k >= 0, p - k + s0 >= 0)>", {"w", "1"}}, // redundant
  };
  for (const MaskCase &c : cases) {
    auto attr = llvm::dyn_cast_or_null<mlir::IntegerSetAttr>(
        mlir::parseAttribute(c.text, &context));
    ASSERT_TRUE(attr) << c.text;
    mlir::IntegerSet set = attr.getValue();
    llvm::SmallVector<Expr> symbols{cantFail(sym::parse(c.symbols[0])),
                                    cantFail(sym::parse(c.symbols[1]))};
    std::string why;
    auto band = parseBand(set, symbols, why);
    ASSERT_TRUE(band) << c.text << ": " << why;
    Expr n = Expr::symbol("n");
    Expr count = domainPoints({Expr::symbol("b"), n, n}, [&] {
      Band shifted = *band;
      shifted.first += 1; // the mask's (p, k) are dims 1 and 2 here
      shifted.second += 1;
      return std::optional<Band>(shifted);
    }());
    for (int64_t nv = 1; nv <= 12; ++nv)
      for (int64_t w = 1; w <= 15; ++w) {
        sym::Bindings bindings;
        bindings["n"] = llvm::DynamicAPInt(nv);
        bindings["w"] = llvm::DynamicAPInt(w);
        bindings["b"] = llvm::DynamicAPInt(3);
        int64_t s[2] = {valueAt(symbols[0], bindings), valueAt(symbols[1], bindings)};
        int64_t expected = 0;
        for (int64_t p = 0; p < nv; ++p)
          for (int64_t k = 0; k < nv; ++k) {
            llvm::SmallVector<int64_t> dims{p, k};
            auto values = set.getConstraints();
            bool inside = true;
            for (mlir::AffineExpr e : values) {
              auto form = flattenAffine(e, 2, 2);
              ASSERT_TRUE(form);
              int64_t v = form->constant + form->dims[0] * p + form->dims[1] * k +
                          form->syms[0] * s[0] + form->syms[1] * s[1];
              inside &= v >= 0;
            }
            expected += inside;
          }
        EXPECT_EQ(valueAt(count, bindings), 3 * expected)
            << c.text << " at n = " << nv << ", w = " << w;
      }
  }
}

TEST(DomainTest, RejectsWhatItCannotCount) {
  mlir::MLIRContext context;
  for (const char *text : {"affine_set<(p, k) : (p - k == 0)>",
                           "affine_set<(p, k) : (p - 2 * k >= 0)>",
                           "affine_set<(p, k, j) : (p - k >= 0, k - j >= 0)>",
                           "affine_set<(p, k) : (p >= 0)>"}) {
    auto attr = llvm::cast<mlir::IntegerSetAttr>(mlir::parseAttribute(text, &context));
    std::string why;
    EXPECT_FALSE(parseBand(attr.getValue(), {}, why)) << text;
    EXPECT_FALSE(why.empty());
  }
}

} // namespace
