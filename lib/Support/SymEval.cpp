//===- SymEval.cpp - Exact evaluation of symbolic expressions ------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Evaluation never rounds: values are DynamicAPInt fractions. Logarithms are
// evaluated exactly when the result is rational (x a power of b), and
// ceil/floor of a logarithm by integer search; anything else is an error
// naming what could not be evaluated.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace costopt::sym;
using llvm::DynamicAPInt;

namespace {

/// base^exponent for a rational base and any integer exponent.
llvm::Expected<Rational> rationalPower(const Rational &base, int64_t exponent) {
  if (exponent < 0) {
    if (base.num == 0)
      return makeError("division by zero (zero raised to a negative power)");
    return rationalPower(Rational(base.den, base.num), -exponent);
  }
  DynamicAPInt num(1), den(1);
  for (int64_t i = 0; i < exponent; ++i) {
    num *= base.num;
    den *= base.den;
  }
  return Rational(num, den);
}

/// The exponent m with base^m == value, if there is one (base an integer >= 2).
std::optional<int64_t> exactIntegerLog(const DynamicAPInt &base, const Rational &value) {
  if (value.num <= 0)
    return std::nullopt;
  bool inverse = value.num < value.den;
  DynamicAPInt target = inverse ? value.den : value.num;
  DynamicAPInt other = inverse ? value.num : value.den;
  if (other != 1)
    return std::nullopt;
  DynamicAPInt power(1);
  int64_t m = 0;
  while (power < target) {
    power *= base;
    ++m;
  }
  if (power != target)
    return std::nullopt;
  return inverse ? -m : m;
}

class Evaluator {
public:
  explicit Evaluator(const Bindings &bindings) : bindings(bindings) {}

  llvm::Expected<Rational> evaluate(const Expr &expr) {
    Rational sum(0, 1);
    for (const Term &t : expr.getTerms()) {
      Rational product = t.coefficient;
      for (const Factor &f : t.factors) {
        auto base = evaluateAtom(*f.atom);
        if (!base)
          return base.takeError();
        auto power = rationalPower(*base, f.exponent);
        if (!power)
          return power.takeError();
        product = product * *power;
      }
      sum = sum + product;
    }
    return sum;
  }

private:
  llvm::Expected<Rational> evaluateAtom(const Atom &atom) {
    switch (atom.kind) {
    case AtomKind::Symbol: {
      auto it = bindings.find(atom.name);
      if (it == bindings.end())
        return makeError("symbol '" + atom.name + "' has no value; bind it with -D " +
                         atom.name + "=<integer>");
      return Rational(it->second, DynamicAPInt(1));
    }
    case AtomKind::Unknown:
      return makeError("cannot evaluate unknown(" + atom.name +
                       "): the analysis has no cost rule for it");
    case AtomKind::Log:
      return evaluateLog(atom);
    case AtomKind::Ceil:
    case AtomKind::Floor:
      return evaluateRounding(atom);
    case AtomKind::Max:
    case AtomKind::Min: {
      auto a = evaluate(atom.args[0]);
      if (!a)
        return a.takeError();
      auto b = evaluate(atom.args[1]);
      if (!b)
        return b.takeError();
      bool firstIsLarger = *a >= *b;
      bool wantMax = atom.kind == AtomKind::Max;
      return firstIsLarger == wantMax ? *a : *b;
    }
    }
    llvm_unreachable("unhandled atom kind");
  }

  /// Evaluates the base of a logarithm, requiring an integer >= 2.
  llvm::Expected<DynamicAPInt> evaluateLogBase(const Atom &atom) {
    auto base = evaluate(atom.args[0]);
    if (!base)
      return base.takeError();
    if (base->den != 1 || base->num < 2)
      return makeError("logarithm base " + atom.args[0].str() + " evaluates to " +
                       formatRational(*base) + "; it must be an integer >= 2");
    return base->num;
  }

  llvm::Expected<Rational> evaluateLog(const Atom &atom) {
    auto base = evaluateLogBase(atom);
    if (!base)
      return base.takeError();
    auto arg = evaluate(atom.args[1]);
    if (!arg)
      return arg.takeError();
    if (arg->num <= 0)
      return makeError("logarithm of a non-positive value (" + atom.args[1].str() +
                       " = " + formatRational(*arg) + ")");
    if (auto m = exactIntegerLog(*base, *arg))
      return Rational(*m, 1);
    return makeError("log_" + formatRational(Rational(*base, DynamicAPInt(1))) + "(" +
                     formatRational(*arg) +
                     ") is irrational; wrap the logarithm in ceil(...) or floor(...)");
  }

  llvm::Expected<Rational> evaluateRounding(const Atom &atom) {
    bool ceil = atom.kind == AtomKind::Ceil;
    const Expr &num = atom.args[0], &den = atom.args[1];
    // ceil/floor of exactly one logarithm: integer search, no irrationals.
    if (den == Expr(1) && num.isMonomial() && num.getTerms()[0].factors.size() == 1 &&
        num.getTerms()[0].coefficient == Rational(1, 1) &&
        num.getTerms()[0].factors[0].exponent == 1 &&
        num.getTerms()[0].factors[0].atom->kind == AtomKind::Log) {
      const Atom &log = *num.getTerms()[0].factors[0].atom;
      auto base = evaluateLogBase(log);
      if (!base)
        return base.takeError();
      auto arg = evaluate(log.args[1]);
      if (!arg)
        return arg.takeError();
      if (arg->num <= 0)
        return makeError("logarithm of a non-positive value");
      // Find m with base^m <= arg < base^(m+1) by stepping (arguments are
      // sizes, so the loop runs at most a few hundred times).
      Rational power(1, 1);
      Rational b(*base, DynamicAPInt(1));
      int64_t m = 0;
      while (power > *arg) {
        power = power / b;
        --m;
      }
      while (power * b <= *arg) {
        power = power * b;
        ++m;
      }
      // Now base^m <= arg < base^(m+1): floor is m; ceil is m unless inexact.
      int64_t result = (ceil && power != *arg) ? m + 1 : m;
      return Rational(result, 1);
    }
    auto n = evaluate(num);
    if (!n)
      return n.takeError();
    auto d = evaluate(den);
    if (!d)
      return d.takeError();
    if (d->num == 0)
      return makeError("division by zero in " + std::string(ceil ? "ceil" : "floor") +
                       "(" + num.str() + " / " + den.str() + ")");
    Rational q = *n / *d;
    return Rational(ceil ? mlir::presburger::ceil(q) : mlir::presburger::floor(q),
                    DynamicAPInt(1));
  }

  const Bindings &bindings;
};

/// Floating-point twin of Evaluator for plots; logs may be irrational.
class ApproxEvaluator {
public:
  explicit ApproxEvaluator(const Bindings &bindings) : bindings(bindings) {}

  llvm::Expected<double> evaluate(const Expr &expr) {
    double sum = 0;
    for (const Term &t : expr.getTerms()) {
      double product = toDouble(t.coefficient.num) / toDouble(t.coefficient.den);
      for (const Factor &f : t.factors) {
        auto base = evaluateAtom(*f.atom);
        if (!base)
          return base.takeError();
        product *= std::pow(*base, static_cast<double>(f.exponent));
      }
      sum += product;
    }
    return sum;
  }

private:
  static double toDouble(const DynamicAPInt &v) {
    // Large values: go through the decimal string (exact enough for plots).
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    return std::strtod(s.c_str(), nullptr);
  }

  llvm::Expected<double> evaluateAtom(const Atom &atom) {
    switch (atom.kind) {
    case AtomKind::Symbol: {
      auto it = bindings.find(atom.name);
      if (it == bindings.end())
        return makeError("symbol '" + atom.name + "' has no value");
      return toDouble(it->second);
    }
    case AtomKind::Unknown:
      return makeError("cannot evaluate unknown(" + atom.name + ")");
    case AtomKind::Log: {
      auto b = evaluate(atom.args[0]);
      if (!b)
        return b.takeError();
      auto x = evaluate(atom.args[1]);
      if (!x)
        return x.takeError();
      return std::log(*x) / std::log(*b);
    }
    case AtomKind::Ceil:
    case AtomKind::Floor: {
      // Exact where possible: rounding is where doubles go wrong.
      Evaluator exact(bindings);
      Expr atomExpr = atom.kind == AtomKind::Ceil
                          ? Expr::ceilDiv(atom.args[0], atom.args[1])
                          : Expr::floorDiv(atom.args[0], atom.args[1]);
      auto value = exact.evaluate(atomExpr);
      if (value)
        return toDouble(value->num) / toDouble(value->den);
      llvm::consumeError(value.takeError());
      auto n = evaluate(atom.args[0]);
      if (!n)
        return n.takeError();
      auto d = evaluate(atom.args[1]);
      if (!d)
        return d.takeError();
      return atom.kind == AtomKind::Ceil ? std::ceil(*n / *d) : std::floor(*n / *d);
    }
    case AtomKind::Max:
    case AtomKind::Min: {
      auto a = evaluate(atom.args[0]);
      if (!a)
        return a.takeError();
      auto b = evaluate(atom.args[1]);
      if (!b)
        return b.takeError();
      return atom.kind == AtomKind::Max ? std::max(*a, *b) : std::min(*a, *b);
    }
    }
    llvm_unreachable("unhandled atom kind");
  }

  const Bindings &bindings;
};

} // namespace

llvm::Expected<Rational> costopt::sym::evaluate(const Expr &expr,
                                                const Bindings &bindings) {
  return Evaluator(bindings).evaluate(expr);
}

std::optional<Rational> costopt::sym::evaluateAt(const Expr &expr, llvm::StringRef symbol,
                                                 const DynamicAPInt &value) {
  Bindings at;
  at[symbol] = value;
  auto result = evaluate(expr, at);
  if (!result) {
    llvm::consumeError(result.takeError());
    return std::nullopt;
  }
  return *result;
}

llvm::Expected<DynamicAPInt> costopt::sym::evaluateInteger(const Expr &expr,
                                                           const Bindings &bindings) {
  auto value = evaluate(expr, bindings);
  if (!value)
    return value.takeError();
  if (value->den != 1)
    return makeError("'" + expr.str() + "' evaluates to " + formatRational(*value) +
                     ", which is not an integer (is a divisibility constraint missing?)");
  return value->num;
}

llvm::Expected<double> costopt::sym::evaluateApprox(const Expr &expr,
                                                    const Bindings &bindings) {
  return ApproxEvaluator(bindings).evaluate(expr);
}

//===----------------------------------------------------------------------===//
// CompiledExpr
//===----------------------------------------------------------------------===//

llvm::Expected<CompiledExpr>
CompiledExpr::compile(const Expr &expr, llvm::ArrayRef<std::string> slots) {
  CompiledExpr compiled;
  compiled.slotNames.assign(slots.begin(), slots.end());
  for (const std::string &name : expr.getSymbols())
    if (!llvm::is_contained(slots, name))
      return makeError("symbol '" + name + "' has no slot");

  // Polynomial terms in the symbols get slots; the rest (function atoms,
  // negative powers) is evaluated generically.
  std::vector<Term> simple, rest;
  for (const Term &t : expr.getTerms()) {
    bool polynomial = llvm::all_of(t.factors, [](const Factor &f) {
      return f.atom->kind == AtomKind::Symbol && f.exponent > 0;
    });
    (polynomial ? simple : rest).push_back(t);
  }
  for (const Term &t : simple)
    compiled.commonDenominator = llvm::lcm(compiled.commonDenominator, t.coefficient.den);
  for (const Term &t : simple) {
    CompiledTerm ct;
    ct.numerator = t.coefficient.num * (compiled.commonDenominator / t.coefficient.den);
    for (const Factor &f : t.factors) {
      unsigned slot = llvm::find(slots, f.atom->name) - slots.begin();
      ct.factors.push_back({slot, f.exponent});
    }
    compiled.terms.push_back(std::move(ct));
  }
  if (!rest.empty())
    compiled.generic = Expr::fromTerms(std::move(rest));
  return compiled;
}

llvm::Expected<Rational>
CompiledExpr::evaluate(llvm::ArrayRef<DynamicAPInt> values) const {
  assert(values.size() == slotNames.size() && "one value per slot");
  DynamicAPInt sum(0);
  for (const CompiledTerm &t : terms) {
    DynamicAPInt product = t.numerator;
    for (const CompiledFactor &f : t.factors)
      for (int64_t i = 0; i < f.exponent; ++i)
        product *= values[f.slot];
    sum += product;
  }
  Rational result = mlir::presburger::reduce(Rational(sum, commonDenominator));
  if (!generic)
    return result;
  Bindings bindings;
  for (auto [name, value] : llvm::zip(slotNames, values))
    bindings[name] = value;
  auto rest = costopt::sym::evaluate(*generic, bindings);
  if (!rest)
    return rest.takeError();
  return result + *rest;
}
