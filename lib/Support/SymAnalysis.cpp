//===- SymAnalysis.cpp - Assumptions, signs, big-O and crossovers --------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Everything here is sound rather than complete: a sign is reported only when
// a proof exists (shifting each symbol to its lower bound leaves a polynomial
// whose coefficients all have one sign), and a crossover only when the
// difference factors as a positive content times a polynomial linear in the
// free symbol. Otherwise the answer is "undecided", never a guess.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <map>
#include <unordered_map>

using namespace costopt::sym;
using llvm::DynamicAPInt;

//===----------------------------------------------------------------------===//
// Assumptions
//===----------------------------------------------------------------------===//

DynamicAPInt Assumptions::lowerBound(llvm::StringRef symbol) const {
  auto it = lowerBounds.find(symbol);
  return it == lowerBounds.end() ? DynamicAPInt(1) : it->second;
}

/// True if `expr` / `by` is an obviously integral expression.
static bool dividesObviously(const Expr &expr, const Expr &by) {
  if (expr == by)
    return true;
  if (!by.isMonomial())
    return false;
  auto quotient = expr.divide(by);
  if (!quotient) {
    llvm::consumeError(quotient.takeError());
    return false;
  }
  return quotient->isObviouslyIntegral();
}

bool Assumptions::knowsDivides(const Expr &dividend, const Expr &divisor) const {
  if (dividesObviously(dividend, divisor))
    return true;
  for (const auto &[a, b] : divisibility)
    if (dividesObviously(dividend, a) && dividesObviously(b, divisor))
      return true;
  return false;
}

llvm::Error costopt::sym::addConstraint(Assumptions &assumptions,
                                        const Constraint &c) {
  using Kind = Constraint::Kind;
  if (c.kind == Kind::Divisible) {
    if (c.rhs.isZero())
      return makeError("'% 0' is a division by zero", c.offset);
    assumptions.divisibility.emplace_back(c.lhs, c.rhs);
    // Sizes are at least 1, so a size that is a multiple of another is at
    // least as large: h mod g == 0 gives g <= h, d mod 16 == 0 gives d >= 16.
    if (auto divisor = c.rhs.getConstant()) {
      if (auto name = c.lhs.getSymbolName(); name && *divisor > 0)
        assumptions.lowerBounds[*name] =
            std::max(mlir::presburger::ceil(*divisor), assumptions.lowerBound(*name));
    } else if (!c.lhs.getConstant()) {
      assumptions.lessEqual.emplace_back(c.rhs, c.lhs);
    }
    return llvm::Error::success();
  }
  if (c.kind == Kind::Equal)
    return makeError("equality constraints are not supported: write the "
                     "dependent size as an expression instead (e.g. 'dk' as 'd/h')",
                     c.offset);
  auto [small, large] = *asOrder(c);
  // A constant lower bound on one symbol.
  if (auto bound = small.getConstant(); bound && large.getSymbolName()) {
    // A fact can only strengthen the default bound of 1 (k >= 0 is implied).
    std::string name = large.getSymbolName()->str();
    assumptions.lowerBounds[name] =
        std::max(mlir::presburger::ceil(*bound), assumptions.lowerBound(name));
    return llvm::Error::success();
  }
  if (small.getConstant() && large.getConstant()) {
    if (*small.getConstant() > *large.getConstant())
      return makeError("constraint is false for every value", c.offset);
    return llvm::Error::success();
  }
  // An upper bound (`past + sequence <= 64`, `1024 - n >= 0`: small - large
  // grows with every symbol) limits where formulas are evaluated: the
  // PointChecker checks it at every point. It is not assumed: what the
  // algebra decides for every size above the lower bounds holds for the
  // fewer sizes below it too.
  if (growsWithEverySymbol(small - large))
    return llvm::Error::success();
  assumptions.lessEqual.emplace_back(small, large);
  return llvm::Error::success();
}

std::optional<DynamicAPInt>
costopt::sym::leastWhere(const DynamicAPInt &from,
                         llvm::function_ref<bool(const DynamicAPInt &)> holds,
                         const DynamicAPInt &limit) {
  if (holds(from))
    return from;
  // Invariant: false at low, true at high.
  DynamicAPInt low = from, high = from * DynamicAPInt(2);
  while (!holds(high)) {
    if (high >= limit)
      return std::nullopt;
    low = high;
    high *= DynamicAPInt(2);
  }
  while (high - low > 1) {
    DynamicAPInt middle = low + (high - low) / DynamicAPInt(2);
    (holds(middle) ? high : low) = middle;
  }
  return high;
}

bool costopt::sym::growsWithEverySymbol(const Expr &expr) {
  return llvm::all_of(expr.getTerms(), [](const Term &t) {
    return t.factors.empty() ||
           (t.coefficient > Rational(0, 1) && llvm::all_of(t.factors, [](const Factor &f) {
              return f.atom->kind == AtomKind::Symbol && f.exponent > 0;
            }));
  });
}

/// base^exponent (base >= 1), or some value above `cap` once it passes it.
static DynamicAPInt powerUpTo(DynamicAPInt base, int64_t exponent, const DynamicAPInt &cap) {
  DynamicAPInt result(1);
  while (exponent > 0 && result <= cap) {
    if (exponent & 1)
      result *= base;
    exponent >>= 1;
    // A base past the cap takes any later product past it unsquared.
    if (exponent > 0 && base <= cap)
      base *= base;
  }
  return result;
}

std::optional<std::pair<Expr, Expr>> costopt::sym::asOrder(const Constraint &c) {
  using Kind = Constraint::Kind;
  if (c.kind == Kind::Divisible || c.kind == Kind::Equal)
    return std::nullopt;
  Expr small = c.lhs, large = c.rhs;
  if (c.kind == Kind::GreaterEqual || c.kind == Kind::Greater)
    std::swap(small, large);
  if (c.kind == Kind::Greater || c.kind == Kind::Less)
    small = small + Expr(1);
  return std::pair(small, large);
}

llvm::Error costopt::sym::checkSatisfiable(const Assumptions &assumptions,
                                           const Constraint &c) {
  auto order = asOrder(c);
  if (!order)
    return llvm::Error::success();
  // The constraint holds where the excess small - large is at most 0; an
  // excess that grows with every symbol is least where each symbol is.
  // Other constraints are left to the checks at each point.
  Expr excess = order->first - order->second;
  if (excess.getConstant() || !growsWithEverySymbol(excess))
    return llvm::Error::success();
  // Its least value against 0, each product computed only until it passes
  // what is left: a power of a large lower bound (n^1000 with n >= 10^300)
  // would take minutes exactly.
  Rational least(0, 1);
  for (const Term &t : excess.getTerms())
    if (t.factors.empty())
      least = least + t.coefficient;
  for (const Term &t : excess.getTerms()) {
    if (t.factors.empty())
      continue;
    bool fits = least + t.coefficient <= Rational(0, 1);
    if (fits) {
      DynamicAPInt cap = mlir::presburger::floor((Rational(0, 1) - least) / t.coefficient),
                   product(1);
      for (const Factor &f : t.factors) {
        product *= powerUpTo(assumptions.lowerBound(f.atom->name), f.exponent, cap);
        if (product > cap)
          break;
      }
      fits = product <= cap;
      least = least + t.coefficient * Rational(product, DynamicAPInt(1));
    }
    if (fits)
      continue;
    std::string at;
    for (const std::string &name : excess.getSymbols())
      at += (at.empty() ? "" : ", ") + name + " = " +
            formatWithSeparators(assumptions.lowerBound(name));
    return makeError("no sizes meet it: it fails already where the sizes are least (" + at +
                         ")",
                     c.offset);
  }
  return llvm::Error::success();
}

/// For a monomial c·P/Q (P, Q products with positive exponents) returns
/// (numerator c.num·P, denominator c.den·Q).
static std::pair<Expr, Expr> splitMonomial(const Term &t) {
  Term up{Rational(t.coefficient.num, DynamicAPInt(1)), {}};
  Term down{Rational(t.coefficient.den, DynamicAPInt(1)), {}};
  for (const Factor &f : t.factors)
    (f.exponent > 0 ? up : down).factors.push_back(Factor{f.atom, std::abs(f.exponent)});
  return {Expr::fromTerms({up}), Expr::fromTerms({down})};
}

Expr costopt::sym::simplify(const Expr &expr, const Assumptions &assumptions) {
  Expr result;
  for (const Term &t : expr.getTerms()) {
    Expr product(t.coefficient);
    for (const Factor &f : t.factors) {
      const Atom &atom = *f.atom;
      Expr base;
      if (atom.args.empty()) {
        base = Expr::fromTerms({Term{Rational(1, 1), {Factor{f.atom, 1}}}});
      } else {
        llvm::SmallVector<Expr, 2> args;
        for (const Expr &arg : atom.args)
          args.push_back(simplify(arg, assumptions));
        bool rounding = atom.kind == AtomKind::Ceil || atom.kind == AtomKind::Floor;
        if (rounding && args[1] == Expr(1) && args[0].isMonomial()) {
          auto [num, den] = splitMonomial(args[0].getTerms()[0]);
          if (assumptions.knowsDivides(num, den)) {
            product = product * cantFail(args[0].pow(f.exponent));
            continue;
          }
        }
        if (atom.kind == AtomKind::Max || atom.kind == AtomKind::Min) {
          // Order facts (r <= n) decide extrema the assumption-free
          // canonicalisation cannot.
          Sign sign = decideSign(args[0] - args[1], assumptions);
          bool firstLarger = isNonNegative(sign);
          bool secondLarger = sign == Sign::Negative || sign == Sign::NonPositive;
          if (firstLarger || secondLarger) {
            bool pickFirst = (atom.kind == AtomKind::Max) == firstLarger;
            product = product * cantFail((pickFirst ? args[0] : args[1]).pow(f.exponent));
            continue;
          }
        }
        switch (atom.kind) {
        case AtomKind::Log: base = Expr::log(args[0], args[1]); break;
        case AtomKind::Ceil: base = Expr::ceilDiv(args[0], args[1]); break;
        case AtomKind::Floor: base = Expr::floorDiv(args[0], args[1]); break;
        case AtomKind::Max: base = Expr::max(args[0], args[1]); break;
        case AtomKind::Min: base = Expr::min(args[0], args[1]); break;
        default: llvm_unreachable("atoms with arguments are functions");
        }
      }
      auto power = base.pow(f.exponent);
      if (!power) {
        llvm::consumeError(power.takeError());
        power = Expr::fromTerms({Term{Rational(1, 1), {f}}});
      }
      product = product * *power;
    }
    result = result + product;
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Signs
//===----------------------------------------------------------------------===//

namespace {

/// Decides signs of polynomials in symbols with known lower bounds.
class SignDecider {
public:
  explicit SignDecider(const Assumptions &assumptions) : assumptions(assumptions) {}

  Sign decide(const Expr &input) {
    if (auto c = input.getConstant())
      return signOf(*c);
    // Replace function atoms by fresh symbols with known lower bounds.
    std::optional<Expr> poly = abstractAtoms(input);
    if (!poly)
      return Sign::Undecided;
    // Clear negative exponents by multiplying with a positive monomial.
    std::optional<Expr> cleared = clearDenominators(*poly);
    if (!cleared)
      return Sign::Undecided;
    Sign sign = decideShifted(*cleared);
    if (sign != Sign::Undecided)
      return sign;
    // Use order facts a <= b between symbols: b = a + u with u >= 0.
    for (const auto &[small, large] : assumptions.lessEqual) {
      auto largeName = large.getSymbolName();
      if (!largeName || !cleared->containsSymbol(*largeName))
        continue;
      std::string fresh = "$gap" + std::to_string(freshCounter++);
      bounds[fresh] = DynamicAPInt(0);
      Expr substituted = cleared->substitute(*largeName, small + Expr::symbol(fresh));
      Sign s = decideShifted(substituted);
      if (s != Sign::Undecided)
        return s;
    }
    return Sign::Undecided;
  }

  /// The lower bound of an atom if one is provable.
  std::optional<DynamicAPInt> atomLowerBound(const Atom &atom) {
    switch (atom.kind) {
    case AtomKind::Symbol:
      return lowerBoundOf(atom.name);
    case AtomKind::Unknown:
      return std::nullopt;
    case AtomKind::Log: {
      // log_b(x) >= 0 when b > 1 and x >= 1.
      Sign base = SignDecider(assumptions).decide(atom.args[0] - Expr(2));
      Sign arg = SignDecider(assumptions).decide(atom.args[1] - Expr(1));
      if (isNonNegative(base) && isNonNegative(arg))
        return DynamicAPInt(0);
      return std::nullopt;
    }
    case AtomKind::Ceil:
    case AtomKind::Floor: {
      bool ceil = atom.kind == AtomKind::Ceil;
      std::optional<DynamicAPInt> best;
      // Over a positive constant d, rounding is monotone: num >= L gives
      // floor(num/d) >= floor(L/d) and ceil(num/d) >= ceil(L/d), so a
      // floor((n - 3)/2) is at least 1 where n >= 5 (a strided kernel's
      // output length, sliced further).
      if (auto d = atom.args[1].getConstant(); d && d->num > 0)
        if (auto low = expressionLowerBound(atom.args[0])) {
          DynamicAPInt scaled = *low * DynamicAPInt(d->den);
          DynamicAPInt divisor(d->num);
          best = ceil ? llvm::ceilDiv(scaled, divisor)
                      : llvm::floorDiv(scaled, divisor);
        }
      Sign num = SignDecider(assumptions).decide(atom.args[0]);
      Sign den = SignDecider(assumptions).decide(atom.args[1]);
      if (den == Sign::Positive && isNonNegative(num)) {
        // ceil of a positive quotient is at least 1; floor at least 0.
        DynamicAPInt sign(ceil && num == Sign::Positive ? 1 : 0);
        best = best ? std::max(*best, sign) : sign;
      }
      return best;
    }
    case AtomKind::Max: {
      std::optional<DynamicAPInt> best;
      for (const Expr &arg : atom.args)
        if (auto lb = expressionLowerBound(arg))
          best = best ? std::max(*best, *lb) : *lb;
      return best;
    }
    case AtomKind::Min: {
      auto a = expressionLowerBound(atom.args[0]);
      auto b = expressionLowerBound(atom.args[1]);
      if (a && b)
        return std::min(*a, *b);
      return std::nullopt;
    }
    }
    return std::nullopt;
  }

private:
  static Sign signOf(const Rational &c) {
    return c.num > 0 ? Sign::Positive : (c.num < 0 ? Sign::Negative : Sign::Zero);
  }

  DynamicAPInt lowerBoundOf(llvm::StringRef name) {
    auto it = bounds.find(name);
    if (it != bounds.end())
      return it->second;
    return assumptions.lowerBound(name);
  }

  /// A constant lower bound of a whole expression: the constant term after
  /// shifting, when every other coefficient is non-negative. Rounded down: the
  /// expression need not be integral (j^2*n/4 - 1 is -3/4 at j = n = 1), so
  /// rounding its bound up would claim more than holds.
  std::optional<DynamicAPInt> expressionLowerBound(const Expr &expr) {
    if (auto c = expr.getConstant())
      return mlir::presburger::floor(*c);
    auto poly = abstractAtoms(expr);
    if (!poly || !poly->isPolynomial())
      return std::nullopt;
    Expr shifted = shift(*poly);
    DynamicAPInt constant(0);
    for (const Term &t : shifted.getTerms()) {
      if (t.isConstant())
        constant = mlir::presburger::floor(t.coefficient);
      else if (t.coefficient.num < 0)
        return std::nullopt;
    }
    return constant;
  }

  std::optional<Expr> abstractAtoms(const Expr &expr) {
    llvm::StringMap<Expr> replacements;
    std::vector<Term> terms;
    for (const Term &t : expr.getTerms()) {
      Term copy{t.coefficient, {}};
      for (const Factor &f : t.factors) {
        if (f.atom->kind == AtomKind::Symbol) {
          copy.factors.push_back(f);
          continue;
        }
        auto lb = atomLowerBound(*f.atom);
        if (!lb)
          return std::nullopt;
        // Fresh symbol per distinct atom, so equal atoms stay equal.
        std::string key = Expr::fromTerms({Term{Rational(1, 1), {Factor{f.atom, 1}}}}).str();
        std::string &name = atomNames[key];
        if (name.empty()) {
          name = "$atom" + std::to_string(freshCounter++);
          bounds[name] = *lb;
        }
        copy.factors.push_back(
            Factor{Expr::symbol(name).getTerms()[0].factors[0].atom, f.exponent});
      }
      terms.push_back(std::move(copy));
    }
    return Expr::fromTerms(std::move(terms));
  }

  std::optional<Expr> clearDenominators(const Expr &expr) {
    std::map<std::string, int64_t> minExponent;
    for (const Term &t : expr.getTerms())
      for (const Factor &f : t.factors)
        if (f.exponent < 0)
          minExponent[f.atom->name] = std::min(minExponent[f.atom->name], f.exponent);
    Expr multiplier(1);
    for (auto &[name, exponent] : minExponent) {
      if (lowerBoundOf(name) < 1)
        return std::nullopt; // might be zero or negative: no sign-safe clearing
      multiplier = multiplier * cantFail(Expr::symbol(name).pow(-exponent));
    }
    return expr * multiplier;
  }

  Expr shift(const Expr &expr) {
    llvm::StringMap<Expr> shifts;
    for (const std::string &name : expr.getSymbols())
      shifts[name] = Expr::symbol(name) + Expr(lowerBoundOf(name));
    return expr.substitute(shifts);
  }

  Sign decideShifted(const Expr &poly) {
    if (!poly.isPolynomial())
      return Sign::Undecided;
    for (const std::string &name : poly.getSymbols())
      if (lowerBoundOf(name) < 0)
        return Sign::Undecided;
    // A polynomial whose non-constant terms all have one sign is monotone in
    // every symbol: its extreme is at the lower bounds. This needs no
    // expansion, so it also decides high powers such as d^69 - 1.
    if (Sign monotone = decideMonotone(poly); monotone != Sign::Undecided)
      return monotone;
    // Shifting x to x + c expands each monomial into the product of its
    // (exponent + 1)s terms: d^24·a^2·...·k^2 gives 54,675. Past a bound the
    // answer is Undecided, which is sound, instead of seconds of expansion.
    constexpr double kMaxShiftedTerms = 4096;
    double expanded = 0;
    for (const Term &t : poly.getTerms()) {
      double terms = 1;
      for (const Factor &f : t.factors)
        terms *= double(f.exponent + 1);
      expanded += terms;
    }
    if (expanded > kMaxShiftedTerms)
      return Sign::Undecided;
    Expr shifted = shift(poly);
    bool anyPositive = false, anyNegative = false, constantPositive = false,
         constantNegative = false;
    for (const Term &t : shifted.getTerms()) {
      bool positive = t.coefficient.num > 0;
      (positive ? anyPositive : anyNegative) = true;
      if (t.isConstant())
        (positive ? constantPositive : constantNegative) = true;
    }
    if (!anyPositive && !anyNegative)
      return Sign::Zero;
    if (!anyNegative)
      return constantPositive ? Sign::Positive : Sign::NonNegative;
    if (!anyPositive)
      return constantNegative ? Sign::Negative : Sign::NonPositive;
    return Sign::Undecided;
  }

  Sign decideMonotone(const Expr &poly) {
    bool positive = false, negative = false;
    Rational atBounds(0, 1);
    for (const Term &t : poly.getTerms()) {
      Rational value = t.coefficient;
      for (const Factor &f : t.factors)
        for (int64_t i = 0; i < f.exponent; ++i)
          value = value * Rational(lowerBoundOf(f.atom->name), DynamicAPInt(1));
      atBounds = atBounds + value;
      if (!t.isConstant())
        (t.coefficient.num > 0 ? positive : negative) = true;
    }
    if (positive && !negative) // increasing: the minimum is at the bounds
      return atBounds.num > 0 ? Sign::Positive
                              : (atBounds.num == 0 ? Sign::NonNegative : Sign::Undecided);
    if (negative && !positive) // decreasing: the maximum is at the bounds
      return atBounds.num < 0 ? Sign::Negative
                              : (atBounds.num == 0 ? Sign::NonPositive : Sign::Undecided);
    return Sign::Undecided;
  }

  const Assumptions &assumptions;
  llvm::StringMap<DynamicAPInt> bounds;
  std::map<std::string, std::string> atomNames;
  unsigned freshCounter = 0;
};

} // namespace

Sign costopt::sym::decideSign(const Expr &expr, const Assumptions &assumptions) {
  if (!assumptions.empty())
    return SignDecider(assumptions).decide(expr);
  // Decisions without assumptions repeat: the peak's max compares the same
  // candidates block after block, each comparison a substitution and an
  // expansion. They are remembered per thread (a bounded table).
  thread_local std::unordered_multimap<size_t, std::pair<Expr, Sign>> decided;
  size_t hash = hash_value(expr);
  auto [first, last] = decided.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (it->second.first == expr)
      return it->second.second;
  Sign sign = SignDecider(assumptions).decide(expr);
  if (decided.size() >= (size_t(1) << 14))
    decided.clear();
  decided.emplace(hash, std::pair(expr, sign));
  return sign;
}

llvm::StringRef costopt::sym::stringifySign(Sign sign) {
  switch (sign) {
  case Sign::Negative: return "negative";
  case Sign::NonPositive: return "non-positive";
  case Sign::Zero: return "zero";
  case Sign::NonNegative: return "non-negative";
  case Sign::Positive: return "positive";
  case Sign::Undecided: return "undecided";
  }
  llvm_unreachable("unhandled sign");
}

//===----------------------------------------------------------------------===//
// Regimes and big-O
//===----------------------------------------------------------------------===//

llvm::Expected<Regime> Regime::parse(llvm::StringRef text) {
  Regime regime;
  std::string normalized = text.str();
  // Accept the Unicode spellings the printer and papers use.
  for (auto [from, to] : {std::pair<std::string, std::string>{"→", "->"},
                          {"∞", "inf"}, {"≪", "<<"}, {" with ", ","}, {" and ", ","}}) {
    size_t pos;
    while ((pos = normalized.find(from)) != std::string::npos)
      normalized.replace(pos, from.size(), to);
  }
  llvm::SmallVector<llvm::StringRef> clauses;
  llvm::StringRef(normalized).split(clauses, ',', -1, /*KeepEmpty=*/false);
  auto isName = [](llvm::StringRef s) {
    return !s.empty() && (llvm::isAlpha(s[0]) || s[0] == '_') &&
           llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
  };
  for (llvm::StringRef clause : clauses) {
    clause = clause.trim();
    if (clause.empty())
      continue;
    if (clause.contains("<<")) {
      auto [a, b] = clause.split("<<");
      a = a.trim();
      b = b.trim();
      if (!isName(a) || !isName(b))
        return makeError("bad regime clause '" + clause + "': expected 'a << b'");
      regime.lessThan.emplace_back(a.str(), b.str());
    } else if (clause.contains("->")) {
      auto [a, b] = clause.split("->");
      a = a.trim();
      b = b.trim();
      if (!isName(a) || (b != "inf" && b != "infinity"))
        return makeError("bad regime clause '" + clause + "': expected 'n -> inf'");
      regime.growing.push_back(a.str());
    } else if (clause.ends_with(" fixed")) {
      llvm::SmallVector<llvm::StringRef> names;
      clause.drop_back(6).split(names, ' ', -1, false);
      for (llvm::StringRef name : names) {
        if (!isName(name))
          return makeError("bad regime clause '" + clause + "': expected 'd fixed'");
        regime.fixed.push_back(name.str());
      }
    } else {
      return makeError("bad regime clause '" + clause +
                       "'; use 'n -> inf', 'd fixed' or 'n << d'");
    }
  }
  return regime;
}

Regime Regime::fromAssumptions(const Assumptions &assumptions) {
  Regime regime;
  for (const auto &[small, large] : assumptions.lessEqual) {
    auto a = small.getSymbolName(), b = large.getSymbolName();
    if (a && b)
      regime.lessThan.emplace_back(a->str(), b->str());
  }
  return regime;
}

namespace {

/// How one term grows: per symbol (polynomial exponent, logarithm exponent),
/// plus opaque atoms that must match exactly. Also the monomial that names
/// the class in big-O (log_k(n) for ceil(log_k(n)), n/k for ceil(n/k)).
struct Growth {
  std::map<std::string, std::pair<int64_t, int64_t>> symbols;
  std::map<std::string, int64_t> opaque; // printed atom -> exponent
  Expr representative{1};

  void scale(int64_t e) {
    for (auto &[name, g] : symbols) {
      g.first *= e;
      g.second *= e;
    }
    for (auto &[name, x] : opaque)
      x *= e;
  }
  void addAll(const Growth &other) {
    for (const auto &[name, g] : other.symbols) {
      symbols[name].first += g.first;
      symbols[name].second += g.second;
    }
    for (const auto &[name, x] : other.opaque)
      opaque[name] += x;
    representative = representative * other.representative;
  }
  /// Drops zero entries so equal growths compare equal.
  void normalize() {
    for (auto it = symbols.begin(); it != symbols.end();)
      it = (it->second == std::pair<int64_t, int64_t>{0, 0}) ? symbols.erase(it) : std::next(it);
    for (auto it = opaque.begin(); it != opaque.end();)
      it = it->second == 0 ? opaque.erase(it) : std::next(it);
  }
  bool sameClass(const Growth &other) const {
    return symbols == other.symbols && opaque == other.opaque;
  }
};

class GrowthAnalysis {
public:
  explicit GrowthAnalysis(const Regime &regime) : regime(regime) {}

  bool isFixed(llvm::StringRef name) const {
    if (llvm::is_contained(regime.fixed, name))
      return true;
    return !regime.growing.empty() && !llvm::is_contained(regime.growing, name);
  }

  Growth ofTerm(const Term &t) {
    Growth g;
    for (const Factor &f : t.factors) {
      Growth atom = ofAtom(*f.atom);
      atom.scale(f.exponent);
      atom.representative = f.exponent == 1
                                ? atom.representative
                                : powOrOne(atom.representative, f.exponent);
      g.addAll(atom);
    }
    g.normalize();
    return g;
  }

  /// Growth of a whole expression when a single class leads it.
  std::optional<Growth> ofLeading(const Expr &expr) {
    std::optional<Growth> best;
    for (const Term &t : expr.getTerms()) {
      if (t.coefficient.num < 0)
        continue;
      Growth g = ofTerm(t);
      if (!best || dominates(g, *best))
        best = g;
      else if (!dominates(*best, g))
        return std::nullopt;
    }
    return best;
  }

  /// True if `a` grows at least as fast as `b` along every direction the
  /// regime allows.
  bool dominates(const Growth &a, const Growth &b) const {
    if (a.opaque != b.opaque)
      return false;
    std::map<std::string, std::pair<int64_t, int64_t>> delta;
    for (const auto &[name, g] : a.symbols) {
      delta[name].first += g.first;
      delta[name].second += g.second;
    }
    for (const auto &[name, g] : b.symbols) {
      delta[name].first -= g.first;
      delta[name].second -= g.second;
    }
    for (const auto &ray : rays(delta)) {
      int64_t e = 0, l = 0;
      for (const std::string &name : ray) {
        auto it = delta.find(name);
        if (it == delta.end())
          continue;
        e += it->second.first;
        l += it->second.second;
      }
      if (e < 0 || (e == 0 && l < 0))
        return false;
    }
    return true;
  }

private:
  static Expr powOrOne(const Expr &e, int64_t exponent) {
    auto p = e.pow(exponent);
    if (!p) {
      llvm::consumeError(p.takeError());
      return Expr(1);
    }
    return *p;
  }

  /// Extreme rays of the cone of growth directions: for each symbol, it and
  /// every symbol that must grow at least as fast (its up-closure under <<).
  std::vector<std::vector<std::string>>
  rays(const std::map<std::string, std::pair<int64_t, int64_t>> &delta) const {
    std::vector<std::vector<std::string>> result;
    for (const auto &[name, unused] : delta) {
      std::vector<std::string> closure{name};
      for (size_t i = 0; i < closure.size(); ++i)
        for (const auto &[small, large] : regime.lessThan)
          if (small == closure[i] && !llvm::is_contained(closure, large))
            closure.push_back(large);
      result.push_back(std::move(closure));
    }
    return result;
  }

  Growth ofAtom(const Atom &atom) {
    Growth g;
    Expr self = Expr::fromTerms(
        {Term{Rational(1, 1), {Factor{std::make_shared<const Atom>(atom), 1}}}});
    switch (atom.kind) {
    case AtomKind::Symbol:
      if (isFixed(atom.name)) {
        g.representative = Expr(1);
        return g;
      }
      g.symbols[atom.name] = {1, 0};
      g.representative = self;
      return g;
    case AtomKind::Log: {
      auto argName = atom.args[1].getSymbolName();
      auto baseName = atom.args[0].getSymbolName();
      bool argGrows = argName && !isFixed(*argName);
      bool baseGrows = baseName && !isFixed(*baseName);
      bool baseConst = atom.args[0].isConstant() || (baseName && !baseGrows);
      if (argName && (baseConst || baseName)) {
        if (argGrows)
          g.symbols[argName->str()].second += 1;
        if (baseGrows)
          g.symbols[baseName->str()].second -= 1;
        g.representative = (argGrows || baseGrows) ? self : Expr(1);
        return g;
      }
      break;
    }
    case AtomKind::Ceil:
    case AtomKind::Floor: {
      // ceil(x/y) grows like x/y when both have a single leading class.
      auto num = ofLeading(atom.args[0]);
      auto den = ofLeading(atom.args[1]);
      if (num && den) {
        Growth inverse = *den;
        inverse.scale(-1);
        inverse.representative = powOrOne(den->representative, -1);
        g = *num;
        g.addAll(inverse);
        g.normalize();
        return g;
      }
      break;
    }
    case AtomKind::Max:
    case AtomKind::Min: {
      auto a = ofLeading(atom.args[0]);
      auto b = ofLeading(atom.args[1]);
      if (a && b) {
        bool aWins = dominates(*a, *b), bWins = dominates(*b, *a);
        if (atom.kind == AtomKind::Max && (aWins || bWins))
          return aWins ? *a : *b;
        if (atom.kind == AtomKind::Min && (aWins || bWins))
          return aWins ? *b : *a;
      }
      break;
    }
    case AtomKind::Unknown:
      break;
    }
    g.opaque[self.str()] = 1;
    g.representative = self;
    return g;
  }

  const Regime &regime;
};

} // namespace

llvm::Expected<Expr> costopt::sym::bigO(const Expr &expr, const Regime &regime) {
  GrowthAnalysis analysis(regime);
  struct Class {
    Growth growth;
    Rational coefficient;
  };
  std::vector<Class> classes;
  for (const Term &t : expr.getTerms()) {
    Growth g = analysis.ofTerm(t);
    auto it = llvm::find_if(classes, [&](const Class &c) { return c.growth.sameClass(g); });
    if (it != classes.end())
      it->coefficient = it->coefficient + t.coefficient;
    else
      classes.push_back({g, t.coefficient});
  }
  llvm::erase_if(classes, [](const Class &c) { return c.coefficient.num == 0; });
  Expr result;
  for (const Class &c : classes) {
    bool dominated = llvm::any_of(classes, [&](const Class &other) {
      return &other != &c && analysis.dominates(other.growth, c.growth) &&
             !analysis.dominates(c.growth, other.growth);
    });
    if (dominated)
      continue;
    if (c.coefficient.num < 0)
      return makeError("the leading term " + c.growth.representative.str() +
                       " of '" + expr.str() +
                       "' has a negative coefficient; its big-O class is not "
                       "determined by its leading terms");
    result = result + c.growth.representative;
  }
  // Distinct classes may share a representative (log_2 vs log_4): coefficients
  // of the class are 1 by definition.
  std::vector<Term> terms(result.getTerms().begin(), result.getTerms().end());
  for (Term &t : terms)
    t.coefficient = Rational(1, 1);
  return Expr::fromTerms(std::move(terms));
}

//===----------------------------------------------------------------------===//
// Crossovers
//===----------------------------------------------------------------------===//

Crossover costopt::sym::solveCrossover(const Expr &f, const Expr &g,
                                       llvm::StringRef symbol,
                                       const Assumptions &assumptions) {
  Crossover result;
  Expr diff = f - g;
  if (diff.isZero()) {
    result.kind = Crossover::Kind::Equal;
    return result;
  }
  Sign overall = decideSign(diff, assumptions);
  if (overall == Sign::Positive) {
    result.kind = Crossover::Kind::FAlwaysGreater;
    return result;
  }
  if (overall == Sign::Negative) {
    result.kind = Crossover::Kind::FAlwaysLess;
    return result;
  }
  if (!diff.isPolynomial() && diff.containsAtom(AtomKind::Log)) {
    result.reason = "the difference contains logarithms";
  }
  // Content: the largest monomial dividing every term (negative exponents
  // allowed), taken out so that what remains is a polynomial.
  std::map<std::string, int64_t> minExponent;
  bool first = true;
  for (const Term &t : diff.getTerms()) {
    std::map<std::string, int64_t> exps;
    for (const Factor &fa : t.factors) {
      if (fa.atom->kind != AtomKind::Symbol) {
        result.reason = "the difference '" + diff.str() + "' is not a polynomial";
        return result;
      }
      exps[fa.atom->name] = fa.exponent;
    }
    if (first) {
      minExponent = exps;
      first = false;
      continue;
    }
    for (auto &[name, e] : minExponent)
      e = std::min(e, exps.count(name) ? exps[name] : 0);
    for (auto &[name, e] : exps)
      if (!minExponent.count(name))
        minExponent[name] = std::min<int64_t>(0, e);
  }
  Expr content(1);
  for (auto &[name, e] : minExponent)
    content = content * cantFail(Expr::symbol(name).pow(e));
  Expr rest = cantFail(diff.divide(content));
  // rest = a·x + c with a, c free of x.
  Expr a, c;
  for (const Term &t : rest.getTerms()) {
    int64_t degree = 0;
    Term other{t.coefficient, {}};
    for (const Factor &fa : t.factors) {
      if (fa.atom->name == symbol && fa.atom->kind == AtomKind::Symbol)
        degree = fa.exponent;
      else
        other.factors.push_back(fa);
    }
    if (degree > 1 || degree < 0) {
      result.reason = "the difference has degree " + std::to_string(degree) + " in " +
                      symbol.str() + " after removing its common factor " + content.str();
      return result;
    }
    (degree == 1 ? a : c) += Expr::fromTerms({other});
  }
  if (a.isZero()) {
    result.reason = "the difference does not depend on " + symbol.str() +
                    " and its sign is undecided";
    return result;
  }
  Sign contentSign = decideSign(content, assumptions);
  Sign slopeSign = decideSign(a, assumptions);
  if ((contentSign != Sign::Positive && contentSign != Sign::Negative) ||
      (slopeSign != Sign::Positive && slopeSign != Sign::Negative)) {
    result.reason = "the sign of the factor " + content.str() + " or of the slope " +
                    a.str() + " is undecided";
    return result;
  }
  auto root = (-c).divide(a);
  if (!root) {
    llvm::consumeError(root.takeError());
    result.reason = "the crossover -(" + c.str() + ")/(" + a.str() +
                    ") is not an exact expression";
    return result;
  }
  result.boundary = *root;
  // f - g = content·a·(x - root): negative below the root iff content·a > 0.
  bool increasing = (contentSign == Sign::Positive) == (slopeSign == Sign::Positive);
  result.kind = increasing ? Crossover::Kind::LessBelow : Crossover::Kind::LessAbove;
  return result;
}
