//===- SymExpr.cpp - Canonical symbolic expressions -----------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The algebra's core: canonical construction, ring operations, exact division
// and substitution, and the simplifying factories of the function atoms.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <unordered_map>

using namespace costopt::sym;
using llvm::DynamicAPInt;

char SymError::ID = 0;

llvm::Error costopt::sym::makeError(const llvm::Twine &message,
                                    std::optional<size_t> offset) {
  return llvm::make_error<SymError>(message.str(), offset);
}

//===----------------------------------------------------------------------===//
// Limits
//===----------------------------------------------------------------------===//

/// True if |value| >= 2^kMaxCoefficientBits.
static bool exceedsCoefficientBits(const DynamicAPInt &value) {
  static const DynamicAPInt bound = [] {
    DynamicAPInt b(1);
    for (unsigned i = 0; i < limits::kMaxCoefficientBits; ++i)
      b *= DynamicAPInt(2);
    return b;
  }();
  return abs(value) >= bound;
}

/// Checks one expression and, recursively, the arguments of its atoms.
static llvm::Error checkLimitsOf(const Expr &expr, unsigned depth) {
  if (depth > limits::kMaxNesting)
    return makeError("expression nested more than " + llvm::Twine(limits::kMaxNesting) +
                     " levels deep");
  if (expr.getTerms().size() > limits::kMaxTerms)
    return makeError("expression has " + llvm::Twine(expr.getTerms().size()) +
                     " terms after expansion; the limit is " +
                     llvm::Twine(limits::kMaxTerms));
  for (const Term &t : expr.getTerms()) {
    if (exceedsCoefficientBits(t.coefficient.num) || exceedsCoefficientBits(t.coefficient.den))
      return makeError("number too large: costopt accepts integers below 2^" +
                       llvm::Twine(limits::kMaxCoefficientBits) + " (about 1.8e308)");
    for (const Factor &f : t.factors) {
      if (f.exponent > limits::kMaxExponent || f.exponent < -limits::kMaxExponent)
        return makeError("exponent " + llvm::Twine(f.exponent) + " is out of range [-" +
                         llvm::Twine(limits::kMaxExponent) + ", " +
                         llvm::Twine(limits::kMaxExponent) + "]");
      for (const Expr &arg : f.atom->args)
        if (llvm::Error e = checkLimitsOf(arg, depth + 1))
          return e;
    }
  }
  return llvm::Error::success();
}

llvm::Error costopt::sym::checkLimits(const Expr &expr) { return checkLimitsOf(expr, 0); }

//===----------------------------------------------------------------------===//
// Ordering
//===----------------------------------------------------------------------===//

static int compareInts(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

int costopt::sym::compareAtoms(const Atom &lhs, const Atom &rhs) {
  if (&lhs == &rhs)
    return 0;
  if (lhs.kind != rhs.kind)
    return compareInts(static_cast<int>(lhs.kind), static_cast<int>(rhs.kind));
  if (int c = lhs.name.compare(rhs.name))
    return c < 0 ? -1 : 1;
  if (lhs.args.size() != rhs.args.size())
    return compareInts(lhs.args.size(), rhs.args.size());
  for (auto [a, b] : llvm::zip(lhs.args, rhs.args))
    if (int c = Expr::compare(a, b))
      return c;
  return 0;
}

int64_t Term::totalDegree() const {
  int64_t degree = 0;
  for (const Factor &f : factors)
    degree += f.exponent;
  return degree;
}

int costopt::sym::compareMonomials(const Term &lhs, const Term &rhs) {
  // Higher total degree first, so leading terms print first.
  int64_t dl = lhs.totalDegree(), dr = rhs.totalDegree();
  if (dl != dr)
    return dl > dr ? -1 : 1;
  size_t n = std::min(lhs.factors.size(), rhs.factors.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = compareAtoms(*lhs.factors[i].atom, *rhs.factors[i].atom))
      return c;
    if (lhs.factors[i].exponent != rhs.factors[i].exponent)
      return lhs.factors[i].exponent > rhs.factors[i].exponent ? -1 : 1;
  }
  return compareInts(lhs.factors.size(), rhs.factors.size());
}

int Expr::compare(const Expr &lhs, const Expr &rhs) {
  if (lhs.terms.size() != rhs.terms.size())
    return compareInts(lhs.terms.size(), rhs.terms.size());
  for (auto [a, b] : llvm::zip(lhs.terms, rhs.terms)) {
    if (int c = compareMonomials(a, b))
      return c;
    if (int c = mlir::presburger::compare(a.coefficient, b.coefficient))
      return c;
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

Expr::Expr(int64_t value) : Expr(Rational(value, 1)) {}
Expr::Expr(const DynamicAPInt &value) : Expr(Rational(value, DynamicAPInt(1))) {}
Expr::Expr(const Rational &value) {
  if (value.num != 0)
    terms.push_back(Term{mlir::presburger::reduce(value), {}});
}

static Expr fromAtom(Atom atom) {
  Term term{Rational(1, 1), {Factor{std::make_shared<const Atom>(std::move(atom)), 1}}};
  std::vector<Term> terms;
  terms.push_back(std::move(term));
  return Expr::fromTerms(std::move(terms));
}

Expr Expr::symbol(llvm::StringRef name) {
  return fromAtom(Atom{AtomKind::Symbol, name.str(), {}});
}

Expr Expr::unknown(llvm::StringRef name) {
  return fromAtom(Atom{AtomKind::Unknown, name.str(), {}});
}

/// Sorts and merges the factors of one term; drops zero exponents.
static void normalizeFactors(llvm::SmallVectorImpl<Factor> &factors) {
  llvm::sort(factors, [](const Factor &a, const Factor &b) {
    return compareAtoms(*a.atom, *b.atom) < 0;
  });
  llvm::SmallVector<Factor, 3> merged;
  for (Factor &f : factors) {
    if (!merged.empty() && compareAtoms(*merged.back().atom, *f.atom) == 0)
      merged.back().exponent += f.exponent;
    else
      merged.push_back(std::move(f));
    if (merged.back().exponent == 0)
      merged.pop_back();
  }
  factors.assign(merged.begin(), merged.end());
}

Expr Expr::fromTerms(std::vector<Term> input) {
  for (Term &t : input)
    normalizeFactors(t.factors);
  llvm::sort(input, [](const Term &a, const Term &b) {
    return compareMonomials(a, b) < 0;
  });
  Expr result;
  for (Term &t : input) {
    if (!result.terms.empty() && compareMonomials(result.terms.back(), t) == 0) {
      result.terms.back().coefficient =
          result.terms.back().coefficient + t.coefficient;
      if (result.terms.back().coefficient.num == 0)
        result.terms.pop_back();
      continue;
    }
    if (t.coefficient.num == 0)
      continue;
    t.coefficient = mlir::presburger::reduce(t.coefficient);
    result.terms.push_back(std::move(t));
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Queries
//===----------------------------------------------------------------------===//

bool Expr::isConstant() const {
  return terms.empty() || (terms.size() == 1 && terms[0].isConstant());
}

std::optional<Rational> Expr::getConstant() const {
  if (terms.empty())
    return Rational(0, 1);
  if (terms.size() == 1 && terms[0].isConstant())
    return terms[0].coefficient;
  return std::nullopt;
}

bool Expr::isSymbol(llvm::StringRef name) const {
  auto symbolName = getSymbolName();
  return symbolName && *symbolName == name;
}

std::optional<llvm::StringRef> Expr::getSymbolName() const {
  if (terms.size() != 1 || terms[0].factors.size() != 1)
    return std::nullopt;
  const Term &t = terms[0];
  if (t.coefficient != Rational(1, 1) || t.factors[0].exponent != 1 ||
      t.factors[0].atom->kind != AtomKind::Symbol)
    return std::nullopt;
  return llvm::StringRef(t.factors[0].atom->name);
}

static bool isIntegralAtom(const Atom &atom) {
  switch (atom.kind) {
  case AtomKind::Symbol:
  case AtomKind::Ceil:
  case AtomKind::Floor:
    return true;
  case AtomKind::Max:
  case AtomKind::Min:
    return llvm::all_of(atom.args, [](const Expr &e) { return e.isObviouslyIntegral(); });
  case AtomKind::Log:
  case AtomKind::Unknown:
    return false;
  }
  return false;
}

bool Expr::isObviouslyIntegral() const {
  for (const Term &t : terms) {
    if (t.coefficient.den != 1)
      return false;
    for (const Factor &f : t.factors)
      if (f.exponent < 0 || !isIntegralAtom(*f.atom))
        return false;
  }
  return true;
}

bool Expr::isPolynomial() const {
  for (const Term &t : terms)
    for (const Factor &f : t.factors)
      if (f.exponent < 0 || f.atom->kind != AtomKind::Symbol)
        return false;
  return true;
}

static void collectSymbols(const Expr &expr, llvm::SmallVectorImpl<std::string> &out) {
  for (const Term &t : expr.getTerms())
    for (const Factor &f : t.factors) {
      if (f.atom->kind == AtomKind::Symbol)
        out.push_back(f.atom->name);
      for (const Expr &arg : f.atom->args)
        collectSymbols(arg, out);
    }
}

llvm::SmallVector<std::string, 4> Expr::getSymbols() const {
  llvm::SmallVector<std::string, 4> names;
  collectSymbols(*this, names);
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool Expr::containsSymbol(llvm::StringRef name) const {
  return llvm::is_contained(getSymbols(), name);
}

bool Expr::containsAtom(AtomKind kind) const {
  for (const Term &t : terms)
    for (const Factor &f : t.factors) {
      if (f.atom->kind == kind)
        return true;
      for (const Expr &arg : f.atom->args)
        if (arg.containsAtom(kind))
          return true;
    }
  return false;
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

Expr Expr::operator-() const {
  Expr result = *this;
  for (Term &t : result.terms)
    t.coefficient = -t.coefficient;
  return result;
}

Expr costopt::sym::operator+(const Expr &lhs, const Expr &rhs) {
  if (lhs.isZero())
    return rhs;
  if (rhs.isZero())
    return lhs;
  std::vector<Term> terms(lhs.terms);
  terms.insert(terms.end(), rhs.terms.begin(), rhs.terms.end());
  return Expr::fromTerms(std::move(terms));
}

Expr costopt::sym::operator-(const Expr &lhs, const Expr &rhs) { return lhs + (-rhs); }

Expr costopt::sym::operator*(const Expr &lhs, const Expr &rhs) {
  if (lhs.isZero() || rhs.isZero())
    return Expr();
  std::vector<Term> terms;
  terms.reserve(lhs.terms.size() * rhs.terms.size());
  for (const Term &a : lhs.terms)
    for (const Term &b : rhs.terms) {
      Term t{a.coefficient * b.coefficient, a.factors};
      t.factors.append(b.factors.begin(), b.factors.end());
      terms.push_back(std::move(t));
    }
  return Expr::fromTerms(std::move(terms));
}

/// Expanding a sum to a power beyond this would explode (and is almost
/// certainly a mistake); refusing is better than hanging.
static constexpr int64_t kMaxExpansionExponent = 64;
/// A monomial's exponents only add, so they may be far larger; this bound
/// keeps every sum of exponents far from int64 overflow.
static constexpr int64_t kMaxMonomialExponent = 1000000;

llvm::Expected<Expr> Expr::pow(int64_t exponent) const {
  int64_t limit = isMonomial() || isZero() ? kMaxMonomialExponent : kMaxExpansionExponent;
  if (exponent > limit || exponent < -limit)
    return makeError("exponent " + llvm::Twine(exponent) + " is out of range [-" +
                     llvm::Twine(limit) + ", " + llvm::Twine(limit) + "]" +
                     (isMonomial() ? "" : " for a sum"));
  if (isMonomial() && exponent > 0) {
    // Exponents add: refuse results beyond the monomial bound.
    for (const Factor &f : terms[0].factors)
      if (std::abs(f.exponent) > kMaxMonomialExponent / std::max<int64_t>(exponent, 1))
        return makeError("exponent of " + str() + " raised to " + llvm::Twine(exponent) +
                         " is out of range");
  }
  if (exponent == 0)
    return Expr(1);
  if (exponent < 0) {
    if (isZero())
      return makeError("zero raised to a negative power");
    if (!isMonomial())
      return makeError("negative power of a non-monomial '" + str() +
                       "': only monomials can be inverted exactly");
    Term t = terms[0];
    t.coefficient = Rational(t.coefficient.den, t.coefficient.num);
    for (Factor &f : t.factors)
      f.exponent = -f.exponent;
    Expr inverse = fromTerms({t});
    return inverse.pow(-exponent);
  }
  Expr result(1), base = *this;
  for (int64_t e = exponent; e; e >>= 1) {
    if (e & 1)
      result = result * base;
    if (e > 1)
      base = base * base;
  }
  return result;
}

llvm::Expected<Expr> Expr::divide(const Expr &divisor) const {
  if (divisor.isZero())
    return makeError("division by zero");
  if (!divisor.isMonomial()) {
    // A polynomial divisor (64·b·p + 64·b·s over 16·p + 16·s: an axis
    // sized from a total over a sum of sizes): the division algorithm on
    // leading terms, which come first in a canonical sum (graded order);
    // the quotient stands only when nothing remains.
    // Only where it never vanishes: (n² − 1)/(n − 1) is no size at n = 1.
    Sign sign = decideSign(divisor, Assumptions{});
    if (sign != Sign::Positive && sign != Sign::Negative)
      return makeError("division by '" + divisor.str() +
                       "', which may be zero; use ceil(x/y) or floor(x/y) for integer quotients");
    auto inverseLead = fromTerms({divisor.terms.front()}).pow(-1);
    if (!inverseLead)
      return inverseLead.takeError();
    Expr quotient, remainder = *this;
    for (size_t step = 0; !remainder.isZero() && step <= terms.size() + 8; ++step) {
      Expr next = fromTerms({remainder.terms.front()}) * *inverseLead;
      quotient = quotient + next;
      remainder = remainder - next * divisor;
    }
    if (!remainder.isZero())
      return makeError("division by '" + divisor.str() +
                       "' is not exact: it does not divide '" + str() +
                       "'; use ceil(x/y) or floor(x/y) for integer quotients");
    return quotient;
  }
  auto inverse = divisor.pow(-1);
  if (!inverse)
    return inverse.takeError();
  return *this * *inverse;
}

Expr Expr::substitute(llvm::StringRef name, const Expr &value) const {
  llvm::StringMap<Expr> values;
  values[name] = value;
  return substitute(values);
}

/// Rebuilds an atom whose arguments changed, through the simplifying factory.
static Expr rebuildAtom(const Atom &atom, llvm::ArrayRef<Expr> args) {
  switch (atom.kind) {
  case AtomKind::Symbol:
    return Expr::symbol(atom.name);
  case AtomKind::Unknown:
    return Expr::unknown(atom.name);
  case AtomKind::Log:
    return Expr::log(args[0], args[1]);
  case AtomKind::Ceil:
    return Expr::ceilDiv(args[0], args[1]);
  case AtomKind::Floor:
    return Expr::floorDiv(args[0], args[1]);
  case AtomKind::Max:
    return Expr::max(args[0], args[1]);
  case AtomKind::Min:
    return Expr::min(args[0], args[1]);
  }
  llvm_unreachable("unhandled atom kind");
}

Expr Expr::substitute(const llvm::StringMap<Expr> &values) const {
  Expr result;
  for (const Term &t : terms) {
    Expr product(t.coefficient);
    for (const Factor &f : t.factors) {
      Expr base;
      llvm::SmallVector<Expr, 2> args;
      if (f.atom->kind == AtomKind::Symbol) {
        auto it = values.find(f.atom->name);
        if (it == values.end()) {
          base = Expr::symbol(f.atom->name);
        } else {
          base = it->second;
        }
      } else {
        for (const Expr &arg : f.atom->args)
          args.push_back(arg.substitute(values));
        base = rebuildAtom(*f.atom, args);
      }
      auto power = base.pow(f.exponent);
      if (!power) {
        // No exact expanded form within the algebra's limits (a negative
        // power of a sum, or a power too large to expand): keep the factor
        // as an atom, with its arguments substituted, so the result never
        // mentions a substituted symbol. floor((n - 1)/1)^97 stays that.
        llvm::consumeError(power.takeError());
        AtomRef atom = f.atom;
        if (f.atom->kind != AtomKind::Symbol)
          atom = std::make_shared<const Atom>(
              Atom{f.atom->kind, f.atom->name, std::vector<Expr>(args.begin(), args.end())});
        Term kept{Rational(1, 1), {Factor{atom, f.exponent}}};
        power = Expr::fromTerms({kept});
      }
      product = product * *power;
    }
    result = result + product;
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Function atoms
//===----------------------------------------------------------------------===//

/// For a monomial `expr` = c·Π aᵢ^eᵢ, tries to write it as base^m with base a
/// monomial; returns m.
static std::optional<int64_t> exactLogOfMonomial(const Expr &base, const Expr &arg) {
  if (!base.isMonomial() || !arg.isMonomial())
    return std::nullopt;
  // Try m from the first factor (or the coefficient), then verify.
  const Term &b = base.getTerms()[0];
  const Term &a = arg.getTerms()[0];
  std::optional<int64_t> m;
  if (!b.factors.empty()) {
    if (a.factors.empty())
      return std::nullopt;
    if (a.factors[0].exponent % b.factors[0].exponent != 0)
      return std::nullopt;
    m = a.factors[0].exponent / b.factors[0].exponent;
  } else {
    // Constant base: find m with b^m == a by repeated multiplication.
    if (!a.factors.empty() || b.coefficient.den != 1 || a.coefficient.den != 1)
      return std::nullopt;
    DynamicAPInt bv = b.coefficient.num, av = a.coefficient.num;
    if (bv < 2 || av < 1)
      return std::nullopt;
    int64_t k = 0;
    DynamicAPInt power(1);
    while (power < av) {
      power *= bv;
      ++k;
    }
    if (power != av)
      return std::nullopt;
    return k;
  }
  if (*m <= 0 || *m > kMaxMonomialExponent)
    return std::nullopt;
  auto candidate = base.pow(*m);
  if (!candidate) {
    llvm::consumeError(candidate.takeError());
    return std::nullopt;
  }
  if (*candidate != arg)
    return std::nullopt;
  return m;
}

Expr Expr::log(const Expr &base, const Expr &arg) {
  if (arg == Expr(1))
    return Expr();
  if (base == arg)
    return Expr(1);
  if (auto m = exactLogOfMonomial(base, arg))
    return Expr(*m);
  return fromAtom(Atom{AtomKind::Log, "", {base, arg}});
}

/// Shared canonicalisation of ceil and floor.
static Expr makeRounding(AtomKind kind, Expr num, Expr den) {
  assert(!den.isZero() && "ceil/floor by zero");
  // A monomial denominator divides exactly in the algebra; move it up.
  if (den.isMonomial() && den != Expr(1)) {
    num = cantFail(num.divide(den));
    den = Expr(1);
  }
  if (den == Expr(1)) {
    if (auto c = num.getConstant())
      return Expr(kind == AtomKind::Ceil ? mlir::presburger::ceil(*c)
                                         : mlir::presburger::floor(*c));
    if (num.isObviouslyIntegral())
      return num;
    // Pull out the integral part of the quotient: ceil(n + x) = n + ceil(x)
    // when n is integral, which keeps forms like ceil(n/k) + 1 canonical.
    std::vector<Term> integral, rest;
    for (const Term &t : num.getTerms()) {
      Expr single = Expr::fromTerms({t});
      (single.isObviouslyIntegral() ? integral : rest).push_back(t);
    }
    if (!integral.empty() && !rest.empty())
      return Expr::fromTerms(integral) +
             makeRounding(kind, Expr::fromTerms(rest), Expr(1));
  } else if (auto c = den.getConstant()) {
    (void)c; // unreachable: constants are monomials
  }
  return fromAtom(Atom{kind, "", {num, den}});
}

Expr Expr::ceilDiv(const Expr &num, const Expr &den) {
  return makeRounding(AtomKind::Ceil, num, den);
}

Expr Expr::floorDiv(const Expr &num, const Expr &den) {
  return makeRounding(AtomKind::Floor, num, den);
}

/// The arguments of a max (or min) atom standing alone with coefficient 1.
static std::optional<std::vector<Expr>> extremumArgs(AtomKind kind, const Expr &e) {
  if (!e.isMonomial() || e.getTerms()[0].coefficient != Rational(1, 1) ||
      e.getTerms()[0].factors.size() != 1 || e.getTerms()[0].factors[0].exponent != 1 ||
      e.getTerms()[0].factors[0].atom->kind != kind)
    return std::nullopt;
  return e.getTerms()[0].factors[0].atom->args;
}

/// max/min of many values: flattens nested extrema, drops candidates that
/// another provably dominates, and nests what is left in canonical order.
static Expr makeExtremumOf(AtomKind kind, llvm::ArrayRef<Expr> values) {
  bool wantMax = kind == AtomKind::Max;
  std::vector<Expr> flat;
  std::vector<Expr> pending(values.begin(), values.end());
  while (!pending.empty()) {
    Expr v = std::move(pending.back());
    pending.pop_back();
    if (auto args = extremumArgs(kind, v))
      pending.insert(pending.end(), args->begin(), args->end());
    else
      flat.push_back(std::move(v));
  }
  assert(!flat.empty() && "extremum of nothing");
  // Of equal candidates only the first can be kept, and the others decide
  // nothing the first does not: drop them before the pairwise comparisons,
  // which a list of many equal values (one per layer) made quadratic.
  {
    std::vector<Expr> unique;
    std::unordered_multimap<size_t, size_t> seen; // hash -> index in unique
    for (Expr &v : flat) {
      size_t hash = hash_value(v);
      auto [first, last] = seen.equal_range(hash);
      if (std::any_of(first, last, [&](const auto &entry) { return unique[entry.second] == v; }))
        continue;
      seen.emplace(hash, unique.size());
      unique.push_back(std::move(v));
    }
    flat = std::move(unique);
  }
  // a dominates b when a - b >= 0 (max) or a - b <= 0 (min), provably.
  auto dominates = [&](const Expr &a, const Expr &b) {
    Sign sign = decideSign(a - b, Assumptions{});
    if (sign == Sign::Zero)
      return true;
    return wantMax ? (sign == Sign::Positive || sign == Sign::NonNegative)
                   : (sign == Sign::Negative || sign == Sign::NonPositive);
  };
  std::vector<Expr> kept;
  for (size_t i = 0; i < flat.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < flat.size() && !dominated; ++j) {
      if (i == j)
        continue;
      // Of two equal candidates keep the first.
      if (flat[i] == flat[j])
        dominated = j < i;
      else
        dominated = dominates(flat[j], flat[i]);
    }
    if (!dominated)
      kept.push_back(flat[i]);
  }
  llvm::sort(kept, [](const Expr &a, const Expr &b) { return Expr::compare(a, b) < 0; });
  Expr result = kept.back();
  for (size_t i = kept.size() - 1; i-- > 0;)
    result = fromAtom(Atom{kind, "", {kept[i], result}});
  return result;
}

static Expr makeExtremum(AtomKind kind, Expr lhs, Expr rhs) {
  if (lhs == rhs)
    return lhs;
  return makeExtremumOf(kind, {lhs, rhs});
}

Expr Expr::maxOf(llvm::ArrayRef<Expr> values) {
  return makeExtremumOf(AtomKind::Max, values);
}

Expr Expr::max(const Expr &lhs, const Expr &rhs) {
  return makeExtremum(AtomKind::Max, lhs, rhs);
}

Expr Expr::min(const Expr &lhs, const Expr &rhs) {
  return makeExtremum(AtomKind::Min, lhs, rhs);
}

//===----------------------------------------------------------------------===//
// Hashing and streaming
//===----------------------------------------------------------------------===//

static llvm::hash_code hashAtom(const Atom &atom);

llvm::hash_code costopt::sym::hash_value(const Expr &expr) {
  llvm::hash_code h = llvm::hash_value(expr.getTerms().size());
  for (const Term &t : expr.getTerms()) {
    h = llvm::hash_combine(h, t.coefficient.num, t.coefficient.den);
    for (const Factor &f : t.factors)
      h = llvm::hash_combine(h, hashAtom(*f.atom), f.exponent);
  }
  return h;
}

static llvm::hash_code hashAtom(const Atom &atom) {
  llvm::hash_code h = llvm::hash_combine(static_cast<int>(atom.kind), atom.name);
  for (const Expr &arg : atom.args)
    h = llvm::hash_combine(h, hash_value(arg));
  return h;
}

llvm::raw_ostream &costopt::sym::operator<<(llvm::raw_ostream &os, const Expr &expr) {
  return os << print(expr);
}

std::string Expr::str() const {
  PrintOptions options;
  options.notation = Notation::Ascii;
  return print(*this, options);
}
