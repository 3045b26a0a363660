//===- SymPrint.cpp - Printing symbolic expressions ----------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// One printer, four notations. Terms are printed as
//   coefficient-numerator · positive factors / (coefficient-denominator ·
//   negative factors)
// so d·h⁻¹ reads d/h and (3/2)·n² reads 3·n²/2.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace costopt::sym;
using llvm::DynamicAPInt;

static std::string toDecimal(const DynamicAPInt &value) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << value;
  return s;
}

std::string costopt::sym::formatWithSeparators(const DynamicAPInt &value) {
  std::string digits = toDecimal(value);
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative)
    digits.erase(0, 1);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string costopt::sym::formatRational(const Rational &value) {
  if (value.den == 1)
    return formatWithSeparators(value.num);
  return formatWithSeparators(value.num) + "/" + formatWithSeparators(value.den);
}

namespace {

/// Prints in one notation; holds the display order of symbols.
class Printer {
public:
  explicit Printer(const PrintOptions &options) : options(options) {}

  std::string printExpr(const Expr &expr) {
    if (expr.isZero())
      return "0";
    std::vector<const Term *> ordered;
    for (const Term &t : expr.getTerms())
      ordered.push_back(&t);
    llvm::stable_sort(ordered, [&](const Term *a, const Term *b) {
      return compareForDisplay(*a, *b) < 0;
    });
    std::string out;
    bool first = true;
    for (const Term *t : ordered) {
      bool negative = t->coefficient.num < 0;
      if (first)
        out += negative ? minusSign(/*leading=*/true) : "";
      else
        out += negative ? " " + minusSign(false) + " " : " + ";
      Rational magnitude = negative ? -t->coefficient : t->coefficient;
      out += printTerm(magnitude, *t);
      first = false;
    }
    return out;
  }

  /// An operand inside a function or after '/': parenthesised unless a
  /// single factor-free or single-symbol term.
  std::string printOperand(const Expr &expr) {
    std::string s = printExpr(expr);
    if (expr.getTerms().size() <= 1 &&
        (expr.getTerms().empty() || expr.getTerms()[0].coefficient.num >= 0) &&
        (expr.isConstant() || expr.getSymbolName()))
      return s;
    return "(" + s + ")";
  }

private:
  const PrintOptions &options;

  Notation notation() const { return options.notation; }

  std::string minusSign(bool leading) const {
    if (notation() == Notation::Text)
      return "−";
    return "-";
  }

  unsigned symbolRank(const Atom &atom) const {
    if (atom.kind != AtomKind::Symbol)
      return options.symbolOrder.size() + 1;
    for (auto [i, name] : llvm::enumerate(options.symbolOrder))
      if (name == atom.name)
        return i;
    return options.symbolOrder.size();
  }

  int compareFactorsForDisplay(const Factor &a, const Factor &b) const {
    unsigned ra = symbolRank(*a.atom), rb = symbolRank(*b.atom);
    if (ra != rb)
      return ra < rb ? -1 : 1;
    return compareAtoms(*a.atom, *b.atom);
  }

  llvm::SmallVector<Factor, 3> displayFactors(const Term &t) const {
    llvm::SmallVector<Factor, 3> factors(t.factors.begin(), t.factors.end());
    llvm::stable_sort(factors, [&](const Factor &a, const Factor &b) {
      return compareFactorsForDisplay(a, b) < 0;
    });
    return factors;
  }

  int compareForDisplay(const Term &a, const Term &b) const {
    int64_t da = a.totalDegree(), db = b.totalDegree();
    if (da != db)
      return da > db ? -1 : 1;
    // Among terms of one degree, positive ones first: n - k, not -k + n.
    bool pa = a.coefficient.num > 0, pb = b.coefficient.num > 0;
    if (pa != pb)
      return pa ? -1 : 1;
    auto fa = displayFactors(a), fb = displayFactors(b);
    for (size_t i = 0; i < std::min(fa.size(), fb.size()); ++i) {
      if (int c = compareFactorsForDisplay(fa[i], fb[i]))
        return c;
      if (fa[i].exponent != fb[i].exponent)
        return fa[i].exponent > fb[i].exponent ? -1 : 1;
    }
    return fa.size() == fb.size() ? 0 : (fa.size() < fb.size() ? -1 : 1);
  }

  std::string joinProduct(llvm::ArrayRef<std::string> parts) const {
    std::string sep;
    switch (notation()) {
    case Notation::Text:
      sep = "·";
      break;
    case Notation::LaTeX:
      sep = " \\cdot ";
      break;
    case Notation::Ascii:
    case Notation::JavaScript:
      sep = "*";
      break;
    }
    std::string out;
    for (auto [i, p] : llvm::enumerate(parts))
      out += (i ? sep : "") + p;
    return out;
  }

  static std::string superscript(int64_t value) {
    static const char *digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string s = std::to_string(value), out;
    for (char c : s)
      out += c == '-' ? "⁻" : digits[c - '0'];
    return out;
  }

  std::string printPower(const Atom &atom, int64_t exponent) {
    std::string base = printAtom(atom);
    if (exponent == 1)
      return base;
    switch (notation()) {
    case Notation::Text:
      return base + superscript(exponent);
    case Notation::Ascii:
      if (options.powersAsProducts) {
        std::string product = base;
        for (int64_t i = 1; i < exponent; ++i)
          product += "*" + base;
        return product;
      }
      return base + "^" + std::to_string(exponent);
    case Notation::LaTeX:
      return base + "^{" + std::to_string(exponent) + "}";
    case Notation::JavaScript:
      return "Math.pow(" + base + ", " + std::to_string(exponent) + ")";
    }
    llvm_unreachable("unhandled notation");
  }

  std::string printInteger(const DynamicAPInt &value) {
    return toDecimal(value);
  }

  std::string printTerm(const Rational &magnitude, const Term &t) {
    llvm::SmallVector<std::string, 4> up, down;
    if (magnitude.num != 1 || t.factors.empty())
      up.push_back(printInteger(magnitude.num));
    if (magnitude.den != 1)
      down.push_back(printInteger(magnitude.den));
    for (const Factor &f : displayFactors(t)) {
      if (f.exponent > 0)
        up.push_back(printPower(*f.atom, f.exponent));
      else
        down.push_back(printPower(*f.atom, -f.exponent));
    }
    if (up.empty())
      up.push_back("1");
    std::string numerator = joinProduct(up);
    if (down.empty())
      return numerator;
    std::string denominator = joinProduct(down);
    if (notation() == Notation::LaTeX)
      return "\\frac{" + numerator + "}{" + denominator + "}";
    if (down.size() > 1 || notation() == Notation::JavaScript ||
        llvm::StringRef(denominator).contains('*'))
      denominator = "(" + denominator + ")";
    return numerator + "/" + denominator;
  }

  std::string printQuotient(const Atom &atom) {
    const Expr &num = atom.args[0], &den = atom.args[1];
    if (den == Expr(1))
      return printExpr(num);
    if (notation() == Notation::LaTeX)
      return "\\frac{" + printExpr(num) + "}{" + printExpr(den) + "}";
    return printOperand(num) + "/" + printOperand(den);
  }

  std::string printAtom(const Atom &atom) {
    bool latex = notation() == Notation::LaTeX;
    bool js = notation() == Notation::JavaScript;
    switch (atom.kind) {
    case AtomKind::Symbol:
      return atom.name;
    case AtomKind::Unknown:
      if (js)
        return "NaN";
      if (latex)
        return "\\mathrm{unknown}(\\texttt{" + atom.name + "})";
      return "unknown(" + atom.name + ")";
    case AtomKind::Log: {
      const Expr &base = atom.args[0], &arg = atom.args[1];
      if (js)
        return "(Math.log(" + printExpr(arg) + ")/Math.log(" + printExpr(base) + "))";
      if (latex)
        return "\\log_{" + printExpr(base) + "}\\left(" + printExpr(arg) + "\\right)";
      bool simpleBase = base.getSymbolName() ||
                        (base.getConstant() && base.getConstant()->den == 1 &&
                         base.getConstant()->num > 0);
      if (simpleBase)
        return "log_" + printExpr(base) + "(" + printExpr(arg) + ")";
      return "log(" + printExpr(base) + ", " + printExpr(arg) + ")";
    }
    case AtomKind::Ceil:
    case AtomKind::Floor: {
      bool ceil = atom.kind == AtomKind::Ceil;
      std::string inner = printQuotient(atom);
      if (js)
        return std::string(ceil ? "Math.ceil(" : "Math.floor(") + inner + ")";
      if (latex)
        return ceil ? "\\left\\lceil " + inner + " \\right\\rceil"
                    : "\\left\\lfloor " + inner + " \\right\\rfloor";
      if (notation() == Notation::Text)
        return ceil ? "⌈" + inner + "⌉" : "⌊" + inner + "⌋";
      return std::string(ceil ? "ceil(" : "floor(") + inner + ")";
    }
    case AtomKind::Max:
    case AtomKind::Min: {
      bool max = atom.kind == AtomKind::Max;
      std::string name = js ? (max ? "Math.max" : "Math.min")
                            : latex ? (max ? "\\max" : "\\min") : (max ? "max" : "min");
      // Extrema are stored as nested pairs; print max(a, max(b, c)) as
      // max(a, b, c).
      std::string out = name + "(" + printExpr(atom.args[0]);
      const Expr *rest = &atom.args[1];
      while (rest->isMonomial() && rest->getTerms()[0].coefficient == Rational(1, 1) &&
             rest->getTerms()[0].factors.size() == 1 &&
             rest->getTerms()[0].factors[0].exponent == 1 &&
             rest->getTerms()[0].factors[0].atom->kind == atom.kind) {
        const Atom &inner = *rest->getTerms()[0].factors[0].atom;
        out += ", " + printExpr(inner.args[0]);
        rest = &inner.args[1];
      }
      return out + ", " + printExpr(*rest) + ")";
    }
    }
    llvm_unreachable("unhandled atom kind");
  }
};

} // namespace

std::string costopt::sym::print(const Expr &expr, const PrintOptions &options) {
  Printer printer(options);
  std::string s = printer.printExpr(expr);
  if (options.notation == Notation::JavaScript && !expr.isMonomial())
    return "(" + s + ")";
  return s;
}

std::string costopt::sym::printBigO(const Expr &cls, const PrintOptions &options) {
  if (cls.isConstant())
    return "O(1)";
  return "O(" + print(cls, options) + ")";
}
