//===- SymPropertyTest.cpp - Randomised algebra properties ----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// For many random expressions: evaluating the result of an operation equals
// doing the operation on the evaluated numbers (exactly), printing then
// parsing gives the same expression, and canonical form is idempotent.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "gtest/gtest.h"

#include <random>

using namespace costopt::sym;
using llvm::DynamicAPInt;

namespace {

class RandomExprs {
public:
  explicit RandomExprs(unsigned seed) : rng(seed) {}

  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }

  Expr atom() {
    static const char *names[] = {"a", "b", "c"};
    switch (uniform(0, 9)) {
    case 0:
      return Expr::ceilDiv(Expr::symbol(names[uniform(0, 2)]), Expr(uniform(1, 4)));
    case 1:
      return Expr::floorDiv(Expr::symbol(names[uniform(0, 2)]) + Expr(uniform(0, 3)),
                            Expr::symbol(names[uniform(0, 2)]) + Expr(1));
    case 2:
      return Expr::max(Expr::symbol(names[uniform(0, 2)]), Expr::symbol(names[uniform(0, 2)]));
    case 3:
      return Rational(uniform(-9, 9), uniform(1, 4));
    default:
      return Expr::symbol(names[uniform(0, 2)]);
    }
  }

  Expr term() {
    Expr t(Rational(uniform(-20, 20), uniform(1, 3)));
    for (int64_t i = 0, n = uniform(0, 3); i < n; ++i)
      t = t * atom();
    return t;
  }

  Expr expr() {
    Expr e;
    for (int64_t i = 0, n = uniform(1, 4); i < n; ++i)
      e = e + term();
    return e;
  }

  Bindings point() {
    Bindings b;
    for (const char *name : {"a", "b", "c"})
      b[name] = DynamicAPInt(uniform(1, 50));
    return b;
  }

private:
  std::mt19937_64 rng;
};

Rational value(const Expr &e, const Bindings &b) {
  auto v = evaluate(e, b);
  if (!v) {
    ADD_FAILURE() << llvm::toString(v.takeError()) << " in " << e.str();
    return Rational(0, 1);
  }
  return *v;
}

TEST(SymProperty, OperationsCommuteWithEvaluation) {
  RandomExprs gen(20261129);
  for (int i = 0; i < 400; ++i) {
    Expr x = gen.expr(), y = gen.expr();
    Bindings at = gen.point();
    Rational vx = value(x, at), vy = value(y, at);
    EXPECT_EQ(value(x + y, at), vx + vy) << x.str() << " + " << y.str();
    EXPECT_EQ(value(x - y, at), vx - vy) << x.str() << " - " << y.str();
    EXPECT_EQ(value(x * y, at), vx * vy) << x.str() << " * " << y.str();
    auto squared = x.pow(2);
    ASSERT_TRUE(bool(squared));
    EXPECT_EQ(value(*squared, at), vx * vx);
    if (y.isMonomial()) {
      auto q = x.divide(y);
      ASSERT_TRUE(bool(q));
      if (vy.num != 0) {
        EXPECT_EQ(value(*q, at), vx / vy);
      }
    }
    // Substituting a symbol by an expression equals evaluating with its value.
    Rational va = value(y, at);
    if (va.den == 1 && va.num > 0) {
      Bindings shifted = at;
      shifted["a"] = va.num;
      EXPECT_EQ(value(x.substitute("a", y), at), value(x, shifted))
          << x.str() << " [a := " << y.str() << "]";
    }
  }
}

TEST(SymProperty, CanonicalFormIsIdempotentAndPrintable) {
  RandomExprs gen(42);
  for (int i = 0; i < 400; ++i) {
    Expr x = gen.expr();
    std::vector<Term> terms(x.getTerms().begin(), x.getTerms().end());
    EXPECT_EQ(Expr::fromTerms(terms), x);
    auto reparsed = parse(x.str());
    ASSERT_TRUE(bool(reparsed)) << x.str() << ": " << llvm::toString(reparsed.takeError());
    EXPECT_EQ(*reparsed, x) << x.str() << " reparsed as " << reparsed->str();
    EXPECT_EQ(reparsed->str(), x.str());
    auto fromText = parse(print(x));
    ASSERT_TRUE(bool(fromText)) << print(x) << ": " << llvm::toString(fromText.takeError());
    EXPECT_EQ(*fromText, x) << print(x);
  }
}

/// The value `v` of `x` at a point has the sign decideSign claimed.
void expectSign(Sign s, const Rational &v, const Expr &x) {
  switch (s) {
  case Sign::Positive: EXPECT_GT(v, Rational(0, 1)) << x.str(); break;
  case Sign::NonNegative: EXPECT_GE(v, Rational(0, 1)) << x.str(); break;
  case Sign::Zero: EXPECT_EQ(v, Rational(0, 1)) << x.str(); break;
  case Sign::NonPositive: EXPECT_LE(v, Rational(0, 1)) << x.str(); break;
  case Sign::Negative: EXPECT_LT(v, Rational(0, 1)) << x.str(); break;
  case Sign::Undecided: break;
  }
}

TEST(SymProperty, SignDecisionsAreSound) {
  // Whenever decideSign claims a sign, it holds at every sampled point.
  RandomExprs gen(7);
  Assumptions none;
  int decided = 0;
  for (int i = 0; i < 400; ++i) {
    Expr x = gen.expr();
    Sign s = decideSign(x, none);
    if (s == Sign::Undecided)
      continue;
    ++decided;
    for (int j = 0; j < 10; ++j) {
      expectSign(s, value(x, gen.point()), x);
    }
  }
  EXPECT_GT(decided, 50) << "the sign test should decide a fair share of cases";
}

TEST(SymProperty, RoundedSignDecisionsUnderLowerBoundsAreSound) {
  // Sums of floors and ceilings over constants (a strided kernel's output
  // lengths), a symbol and a constant, under random lower bounds: whenever
  // decideSign claims a sign, it holds at points drawn above the bounds.
  RandomExprs gen(11);
  const char *names[] = {"a", "b", "c"};
  int decided = 0;
  for (int i = 0; i < 400; ++i) {
    Assumptions bounds;
    for (const char *name : names)
      bounds.lowerBounds[name] = DynamicAPInt(gen.uniform(1, 12));
    auto rounded = [&]() {
      Expr num = Expr::symbol(names[gen.uniform(0, 2)]) + Expr(gen.uniform(-6, 3));
      Expr den(Rational(gen.uniform(1, 5), gen.uniform(1, 2)));
      return gen.uniform(0, 1) ? Expr::floorDiv(num, den) : Expr::ceilDiv(num, den);
    };
    Expr x = Expr(gen.uniform(-3, 3)) * rounded() + Expr(gen.uniform(0, 2)) * rounded() +
             Expr(gen.uniform(-1, 1)) * Expr::symbol(names[gen.uniform(0, 2)]) +
             Expr(gen.uniform(-12, 12));
    Sign s = decideSign(x, bounds);
    if (s == Sign::Undecided)
      continue;
    ++decided;
    for (int j = 0; j < 20; ++j) {
      Bindings at;
      for (const char *name : names)
        at[name] = bounds.lowerBounds[name] + DynamicAPInt(j < 4 ? j : gen.uniform(0, 40));
      expectSign(s, value(x, at), x);
    }
  }
  EXPECT_GT(decided, 100) << "the sign test should decide a fair share of cases";
}

} // namespace
