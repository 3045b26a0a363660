//===- Sym.h - Exact symbolic cost algebra ----------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// `costopt::sym` represents every figure costopt reports: a sum of terms, each
// an exact rational coefficient times a product of atoms raised to integer
// powers. Atoms are named symbols (n, d, ...) or the non-polynomial functions
// complexity analysis needs: log_b(x), ceil(x/y), floor(x/y), max, min, and an
// explicit unknown(name). Negative exponents are allowed (Laurent monomials),
// so d/h is the monomial d·h⁻¹ and h·(d/h) == d exactly; division by anything
// that is not a monomial is only possible inside ceil/floor.
//
// Expressions are immutable values kept in a canonical form: equal
// expressions compare equal and print identically. Coefficients are
// llvm::DynamicAPInt fractions: there is no overflow and no rounding.
//
// This library does not depend on MLIR's IR; the dialect and the analyses
// depend on it.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_SUPPORT_SYM_H
#define COSTOPT_SUPPORT_SYM_H

#include "mlir/Analysis/Presburger/Fraction.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DynamicAPInt.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace costopt {
namespace sym {

using llvm::DynamicAPInt;
/// An exact rational number, always reduced, denominator positive.
using Rational = mlir::presburger::Fraction;

class Expr;

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// An error from parsing or evaluating an expression. `offset` is the byte
/// offset into the parsed text where the problem is, when there is one, so a
/// caller holding a source location can point at it.
class SymError : public llvm::ErrorInfo<SymError> {
public:
  static char ID;
  SymError(std::string message, std::optional<size_t> offset = std::nullopt)
      : message(std::move(message)), offset(offset) {}
  void log(llvm::raw_ostream &os) const override { os << message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  const std::string &getMessage() const { return message; }
  std::optional<size_t> getOffset() const { return offset; }

private:
  std::string message;
  std::optional<size_t> offset;
};

/// Makes an llvm::Error holding a SymError.
llvm::Error makeError(const llvm::Twine &message,
                      std::optional<size_t> offset = std::nullopt);

//===----------------------------------------------------------------------===//
// Limits
//===----------------------------------------------------------------------===//

/// What the parser accepts. Sizes come from files anyone can write; without
/// these bounds `(10^1000000)^1000000`, `(a+b+c+d+e+f+g+h)^64` or 100,000
/// nested parentheses take minutes, exhaust memory or overflow the stack.
/// Every accepted expression prints as text these same limits accept, so a
/// size never fails when it is read back (docs/Robustness.md).
namespace limits {
/// Parentheses, function calls and unary signs, counted together.
constexpr unsigned kMaxNesting = 200;
/// The largest |exponent| of any factor of a result.
constexpr int64_t kMaxExponent = 1000;
/// Bits of any numerator or denominator (2^1024 is about 1.8·10^308).
constexpr unsigned kMaxCoefficientBits = 1024;
/// Terms of any result, after expansion.
constexpr size_t kMaxTerms = 1000;
} // namespace limits

/// An error if `expr` exceeds the limits above: how, and by how much.
llvm::Error checkLimits(const Expr &expr);

//===----------------------------------------------------------------------===//
// Atoms
//===----------------------------------------------------------------------===//

enum class AtomKind : uint8_t {
  Symbol,  ///< a named size, e.g. `n`
  Unknown, ///< `unknown(name)`: a cost the analysis cannot price
  Log,     ///< `log_b(x)`: args {b, x}
  Ceil,    ///< `ceil(x / y)`: args {x, y}
  Floor,   ///< `floor(x / y)`: args {x, y}
  Max,     ///< `max(a, b)`: args sorted canonically
  Min,     ///< `min(a, b)`: args sorted canonically
};

/// An immutable, shareable atom. Build atoms through the Expr factories, which
/// simplify; this type only stores the canonical result.
struct Atom {
  AtomKind kind;
  std::string name;        // Symbol and Unknown
  std::vector<Expr> args;  // the function atoms
};
using AtomRef = std::shared_ptr<const Atom>;

/// Total order on atoms (kind, name, arguments); 0 means structurally equal.
int compareAtoms(const Atom &lhs, const Atom &rhs);

/// One factor atom^exponent of a term; exponent is never 0.
struct Factor {
  AtomRef atom;
  int64_t exponent;
};

/// A term: coefficient · Π factors. Factors are sorted by compareAtoms and
/// the coefficient is never 0 inside a canonical Expr.
struct Term {
  Rational coefficient;
  llvm::SmallVector<Factor, 3> factors;

  bool isConstant() const { return factors.empty(); }
  int64_t totalDegree() const;
};

/// Compares the monomial parts of two terms (coefficients ignored).
int compareMonomials(const Term &lhs, const Term &rhs);

//===----------------------------------------------------------------------===//
// Expr
//===----------------------------------------------------------------------===//

class Expr {
public:
  /// The zero expression.
  Expr() = default;
  Expr(int64_t value);
  Expr(const DynamicAPInt &value);
  Expr(const Rational &value);

  static Expr symbol(llvm::StringRef name);
  static Expr unknown(llvm::StringRef name);
  /// log_base(arg); simplifies log_b(1) = 0, log_b(b^m) = m and exact
  /// integer logarithms of constants.
  static Expr log(const Expr &base, const Expr &arg);
  /// ceil(num / den); simplifies exact quotients, ceil(n/1) = n, constants.
  /// `den` must not be zero.
  static Expr ceilDiv(const Expr &num, const Expr &den);
  static Expr floorDiv(const Expr &num, const Expr &den);
  static Expr max(const Expr &lhs, const Expr &rhs);
  /// max of one or more values, flattened and without dominated candidates.
  static Expr maxOf(llvm::ArrayRef<Expr> values);
  static Expr min(const Expr &lhs, const Expr &rhs);

  llvm::ArrayRef<Term> getTerms() const { return terms; }
  bool isZero() const { return terms.empty(); }
  bool isConstant() const;
  /// The value if this is a constant.
  std::optional<Rational> getConstant() const;
  /// True for a single term with coefficient 1 and one factor `name`^1.
  bool isSymbol(llvm::StringRef name) const;
  /// The symbol's name if this expression is exactly one symbol.
  std::optional<llvm::StringRef> getSymbolName() const;
  /// True for a single term (a rational times a product of atom powers).
  bool isMonomial() const { return terms.size() == 1; }
  /// True when every exponent is non-negative, every coefficient is an
  /// integer and every atom is integer-valued (symbols, ceil, floor, and
  /// max/min of such): the value is then an integer at integer bindings.
  bool isObviouslyIntegral() const;
  /// True when no atom other than symbols occurs and no exponent is negative.
  bool isPolynomial() const;

  /// Every symbol name occurring anywhere, sorted and unique.
  llvm::SmallVector<std::string, 4> getSymbols() const;
  bool containsSymbol(llvm::StringRef name) const;
  /// True if any atom of this kind occurs anywhere (also inside arguments).
  bool containsAtom(AtomKind kind) const;

  Expr operator-() const;
  friend Expr operator+(const Expr &lhs, const Expr &rhs);
  friend Expr operator-(const Expr &lhs, const Expr &rhs);
  friend Expr operator*(const Expr &lhs, const Expr &rhs);
  Expr &operator+=(const Expr &rhs) { return *this = *this + rhs; }
  Expr &operator-=(const Expr &rhs) { return *this = *this - rhs; }
  Expr &operator*=(const Expr &rhs) { return *this = *this * rhs; }

  /// this^exponent; a negative exponent needs a monomial base.
  llvm::Expected<Expr> pow(int64_t exponent) const;
  /// Exact division: by a non-zero constant or by a monomial. Anything else
  /// is an error (use ceilDiv/floorDiv for integer quotients).
  llvm::Expected<Expr> divide(const Expr &divisor) const;
  /// Replaces every occurrence of symbol `name` with `value`, re-simplifying
  /// the atoms it occurs in.
  Expr substitute(llvm::StringRef name, const Expr &value) const;
  Expr substitute(const llvm::StringMap<Expr> &values) const;

  friend bool operator==(const Expr &lhs, const Expr &rhs) {
    return compare(lhs, rhs) == 0;
  }
  friend bool operator!=(const Expr &lhs, const Expr &rhs) {
    return compare(lhs, rhs) != 0;
  }
  /// Total structural order; 0 means equal.
  static int compare(const Expr &lhs, const Expr &rhs);

  /// Builds a canonical expression from arbitrary terms (sorts factors and
  /// terms, combines like ones, drops zeros).
  static Expr fromTerms(std::vector<Term> terms);

  /// Plain-text form (ASCII, `*` and `^`): the same syntax `parse` reads.
  std::string str() const;

private:
  std::vector<Term> terms;
};

Expr operator+(const Expr &lhs, const Expr &rhs);
Expr operator-(const Expr &lhs, const Expr &rhs);
Expr operator*(const Expr &lhs, const Expr &rhs);
llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const Expr &expr);
llvm::hash_code hash_value(const Expr &expr);

//===----------------------------------------------------------------------===//
// Assumptions
//===----------------------------------------------------------------------===//

/// What is known about the symbols: each is an integer with a lower bound (1
/// unless said otherwise), optional divisibility facts `x % y == 0`, and
/// optional order facts `lhs <= rhs`.
struct Assumptions {
  llvm::StringMap<DynamicAPInt> lowerBounds;
  std::vector<std::pair<Expr, Expr>> divisibility; // (dividend, divisor)
  std::vector<std::pair<Expr, Expr>> lessEqual;    // lhs <= rhs

  /// True if nothing is assumed. Results derived under no assumptions hold
  /// for every model and may be remembered across them (see decideSign).
  bool empty() const {
    return lowerBounds.empty() && divisibility.empty() && lessEqual.empty();
  }
  DynamicAPInt lowerBound(llvm::StringRef symbol) const;
  /// True if `dividend % divisor == 0` follows directly from a stated fact
  /// (the same pair, or dividend a multiple of a stated dividend).
  bool knowsDivides(const Expr &dividend, const Expr &divisor) const;
};

/// A constraint as written by a user: `d % h == 0`, `k >= 2`, `n <= d`.
struct Constraint {
  enum class Kind { Divisible, GreaterEqual, LessEqual, Equal, Greater, Less };
  Kind kind;
  Expr lhs, rhs; // for Divisible: lhs % rhs == 0
  size_t offset = 0; // where it starts in the text it was parsed from
};

/// Adds a parsed constraint to `assumptions`. A lower bound `s >= c` on a
/// single symbol becomes a bound; `s > c` becomes `s >= c + 1`. An upper
/// bound (`x <= c`, `c - x >= 0`: small - large grows with every symbol)
/// is accepted and not assumed: it limits the points at which formulas are
/// evaluated, and each is checked against it.
/// Constraints the algebra cannot use are an error naming them.
llvm::Error addConstraint(Assumptions &assumptions, const Constraint &constraint);

/// An order constraint as small <= large (integers: a < b is a + 1 <= b);
/// nothing for a divisibility or an equality.
std::optional<std::pair<Expr, Expr>> asOrder(const Constraint &constraint);

/// The least x from `from` on at which `holds`, a predicate false up to
/// some value and true from it on, is true: doubling from `from`, then
/// bisection. Nothing if it is still false once the doubling reaches
/// `limit`.
std::optional<DynamicAPInt> leastWhere(const DynamicAPInt &from,
                                       llvm::function_ref<bool(const DynamicAPInt &)> holds,
                                       const DynamicAPInt &limit);

/// True if `expr` is a constant plus products of symbols with positive
/// coefficients and exponents: it does not fall when any symbol grows.
bool growsWithEverySymbol(const Expr &expr);

/// An error if no sizes meet `constraint` given the lower bounds of
/// `assumptions` (all constraints added): an upper bound that fails where
/// every symbol is least. Decided where small - large grows with every
/// symbol; otherwise each evaluated point is left to check it.
llvm::Error checkSatisfiable(const Assumptions &assumptions, const Constraint &constraint);

/// Applies the assumptions: ceil(x/y) and floor(x/y) become x/y when y
/// divides x is known, and max/min pick the argument order facts prove
/// larger or smaller (min(r, n) is r under r <= n).
Expr simplify(const Expr &expr, const Assumptions &assumptions);

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

/// Parses an expression: integers, identifiers, `+ - * /` (also `·`), `^`
/// with an integer exponent (also superscript digits), parentheses, and the
/// functions log_b(x) / log(b, x), ceil(x), floor(x), max(a, b), min(a, b),
/// unknown(name). Errors carry the byte offset of the problem.
llvm::Expected<Expr> parse(llvm::StringRef text);
/// Parses a comma-separated list of expressions (offsets relative to text).
llvm::Expected<std::vector<Expr>> parseList(llvm::StringRef text);
/// Parses comma-separated constraints: `a % b == 0`, `a >= b`, `a <= b`,
/// `a > b`, `a < b`, `a == b`.
llvm::Expected<std::vector<Constraint>> parseConstraints(llvm::StringRef text);

/// Structured JSON form (round-trips through fromJSON).
llvm::json::Value toJSON(const Expr &expr);
llvm::Expected<Expr> fromJSON(const llvm::json::Value &value);

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

enum class Notation {
  Text,       ///< 2·b·n²·d — for people
  Ascii,      ///< 2*b*n^2*d — parseable, for terminals without UTF-8
  LaTeX,      ///< 2 b n^{2} d
  JavaScript, ///< an expression over JS numbers, for the HTML report
};

struct PrintOptions {
  Notation notation = Notation::Text;
  /// Symbols in this order come first (in factors and when ordering terms);
  /// the rest follow alphabetically. Models pass their declaration order.
  std::vector<std::string> symbolOrder;
  /// Ascii only: write x^3 as x*x*x, for contexts (MLIR's lexer) where '^'
  /// is not a token.
  bool powersAsProducts = false;
};

std::string print(const Expr &expr, const PrintOptions &options = {});

/// Formats an exact integer with thousands separators: 1,234,567.
std::string formatWithSeparators(const DynamicAPInt &value);
/// Formats a rational: an integer with separators, or p/q.
std::string formatRational(const Rational &value);

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

using Bindings = llvm::StringMap<DynamicAPInt>;

/// Evaluates exactly. Errors: an unbound symbol (named), unknown(...), a
/// logarithm whose value is irrational (wrap it in ceil or floor), division
/// by zero.
llvm::Expected<Rational> evaluate(const Expr &expr, const Bindings &bindings);
/// The value of `expr`, a formula of `symbol` alone, at `value`; nothing
/// where it has none (a division by zero, an irrational logarithm), as
/// searches along one symbol want it.
std::optional<Rational> evaluateAt(const Expr &expr, llvm::StringRef symbol,
                                   const DynamicAPInt &value);
/// Evaluates and requires an integer result.
llvm::Expected<DynamicAPInt> evaluateInteger(const Expr &expr,
                                             const Bindings &bindings);
/// Floating-point estimate for plotting; irrational logs allowed. Errors as
/// for evaluate otherwise.
llvm::Expected<double> evaluateApprox(const Expr &expr, const Bindings &bindings);

/// An expression compiled for evaluating at many points: symbols are
/// assigned slots once, so each point costs only exact arithmetic.
class CompiledExpr {
public:
  /// `slots` names the symbol in each value slot; every symbol of `expr` must
  /// be among them.
  static llvm::Expected<CompiledExpr> compile(const Expr &expr,
                                              llvm::ArrayRef<std::string> slots);
  /// Exact value at one point; `values[i]` is the value of slot i.
  llvm::Expected<Rational> evaluate(llvm::ArrayRef<DynamicAPInt> values) const;

private:
  struct CompiledFactor {
    unsigned slot;
    int64_t exponent;
  };
  struct CompiledTerm {
    DynamicAPInt numerator; // coefficient scaled by the common denominator
    llvm::SmallVector<CompiledFactor, 3> factors;
  };
  // Polynomial terms use slots; a term with a function atom falls back to
  // the generic evaluator with these bindings.
  std::vector<CompiledTerm> terms;
  DynamicAPInt commonDenominator{1};
  std::vector<std::string> slotNames;
  std::optional<Expr> generic; // the non-polynomial remainder, if any
};

//===----------------------------------------------------------------------===//
// Asymptotics and comparison
//===----------------------------------------------------------------------===//

/// How symbols grow for a big-O statement. By default every symbol grows
/// without bound, independently. `fixed` symbols are constants; `lessThan`
/// pairs (a, b) say a ≪ b (a grows no faster than b).
struct Regime {
  /// If non-empty, only these symbols grow; every other symbol is fixed.
  std::vector<std::string> growing;
  std::vector<std::string> fixed;
  std::vector<std::pair<std::string, std::string>> lessThan;

  /// Parses clauses separated by ',' or 'with' or 'and': `n -> inf` (only
  /// the named symbols grow), `d fixed`, `n << d`; "" is the default.
  static llvm::Expected<Regime> parse(llvm::StringRef text);
  /// Order facts `a <= b` between two symbols become `a << b`: a size
  /// bounded by another cannot outgrow it.
  static Regime fromAssumptions(const Assumptions &assumptions);
};

/// The big-O class: the monomials of `expr` not dominated by another, with
/// coefficient 1. Returns an error if a leading term has a negative
/// coefficient (the class is then not determined by the leading terms).
llvm::Expected<Expr> bigO(const Expr &expr, const Regime &regime = {});
/// "O(n²·d)", "O(1)"; the class printed as the paper prints it.
std::string printBigO(const Expr &cls, const PrintOptions &options = {});

enum class Sign { Negative, NonPositive, Zero, NonNegative, Positive, Undecided };
llvm::StringRef stringifySign(Sign sign);
/// Zero, NonNegative or Positive: a proof that the value is >= 0.
inline bool isNonNegative(Sign sign) {
  return sign == Sign::Zero || sign == Sign::NonNegative || sign == Sign::Positive;
}

/// The sign of `expr` for every integer assignment satisfying `assumptions`,
/// when a sound test can prove it; Undecided otherwise (never a guess).
Sign decideSign(const Expr &expr, const Assumptions &assumptions);

/// Where f and g cross as a function of one free symbol.
struct Crossover {
  enum class Kind {
    FAlwaysLess,    ///< f < g everywhere
    FAlwaysGreater, ///< f > g everywhere
    Equal,          ///< f == g identically
    LessBelow,      ///< f < g iff symbol < boundary
    LessAbove,      ///< f < g iff symbol > boundary
    Undecided,
  };
  Kind kind = Kind::Undecided;
  Expr boundary;
  std::string reason; // for Undecided: why
};

/// Solves sign(f - g) along `symbol` under `assumptions`, exactly, when the
/// difference factors as (positive content) × (linear in symbol).
Crossover solveCrossover(const Expr &f, const Expr &g, llvm::StringRef symbol,
                         const Assumptions &assumptions);

} // namespace sym
} // namespace costopt

#endif // COSTOPT_SUPPORT_SYM_H
