//===- Compare.cpp - costopt --compare ------------------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Two models side by side: the first model of the input (A) and of the
// --compare file (B). Three steps: decide the values each side is evaluated
// at and check them against both models' rules (chooseValues), evaluate the
// totals, their ratio A/B and where the FLOPs cross along n
// (compareReports), and render the comparison inside the one document of
// the chosen format (render*Comparison).
//
// A symbol both models declare is shared: a -D value applies to both, and a
// value only one side has is given to the other. When both have different
// defaults (GPT-2's d = 768 against Llama's 4,096), each keeps its own and
// the comparison says so; formulas are compared with those values
// substituted, so equal formulas at different sizes are not "equal".
//
//===----------------------------------------------------------------------===//

#include "Charts.h"
#include "Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <cstdio>

using namespace costopt;
using namespace costopt::driver;

namespace {

std::string digits(const llvm::DynamicAPInt &value) {
  std::string text = sym::formatWithSeparators(value);
  llvm::erase(text, ',');
  return text;
}

std::string plainRational(const std::optional<sym::Rational> &value) {
  if (!value)
    return "";
  std::string text = sym::formatRational(*value);
  llvm::erase(text, ',');
  return text;
}

/// A over B: exact when it is an integer, else four significant digits
/// marked as approximate.
std::string ratioText(const sym::Rational &a, const sym::Rational &b) {
  if (b.num == 0)
    return "";
  sym::Rational ratio = a / b;
  if (ratio.den == 1)
    return sym::formatRational(ratio);
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "≈%.4g", toDouble(ratio));
  return buffer;
}

struct AllowedRange {
  std::optional<llvm::DynamicAPInt> from, upTo;
};

/// Where two totals cross along `symbol`, exactly if the algebra can solve
/// it, else by exact evaluation over doubling values from where both
/// models' rules can first hold (`range.from`, else 1) and bisection, up
/// to where they last hold (`range.upTo`). Every other symbol is already
/// substituted in `a` and `b`. A crossing outside the range is not one
/// the models can reach: the cheaper side over the whole range is named.
std::string describeCrossing(const std::string &nameA, const Expr &a, const std::string &nameB,
                             const Expr &b, llvm::StringRef symbol,
                             const sym::Assumptions &assumptions, const AllowedRange &range) {
  sym::PrintOptions print;
  const llvm::DynamicAPInt start = range.from.value_or(llvm::DynamicAPInt(1));
  auto whole = [&](const std::string &cheaper, llvm::StringRef relation,
                   const Expr &boundary) {
    std::string where = "from " + symbol.str() + " = " + sym::formatWithSeparators(start);
    if (range.upTo)
      where += " up to " + sym::formatWithSeparators(*range.upTo);
    return cheaper + " is cheaper wherever both models' rules hold (" + where +
           "; the formulas cross at " + symbol.str() + " " + relation.str() + " " +
           sym::print(boundary, print) + ", outside)";
  };
  sym::Crossover exact = sym::solveCrossover(a, b, symbol, assumptions);
  switch (exact.kind) {
  case sym::Crossover::Kind::Equal:
    return nameA + " and " + nameB + " are equal for every " + symbol.str();
  case sym::Crossover::Kind::FAlwaysLess:
    return nameA + " is always cheaper";
  case sym::Crossover::Kind::FAlwaysGreater:
    return nameB + " is always cheaper";
  case sym::Crossover::Kind::LessBelow:
  case sym::Crossover::Kind::LessAbove: {
    // One side is cheaper below the boundary, the other above it.
    bool aBelow = exact.kind == sym::Crossover::Kind::LessBelow;
    const std::string &below = aBelow ? nameA : nameB, &above = aBelow ? nameB : nameA;
    if (auto boundary = exact.boundary.getConstant()) {
      auto rational = [](const llvm::DynamicAPInt &x) {
        return sym::Rational(x, llvm::DynamicAPInt(1));
      };
      // At an end of the range the two are equal; one side is cheaper at
      // every other size the rules allow.
      auto equalAtEnd = [&](const std::string &cheaper, const llvm::DynamicAPInt &at,
                            llvm::StringRef end) {
        std::string to = range.upTo ? " up to " + sym::formatWithSeparators(*range.upTo) : "";
        return cheaper + " is cheaper wherever both models' rules hold but at " + symbol.str() +
               " = " + sym::formatWithSeparators(at) + ", where they " + end.str() +
               " and the two are equal (from " + symbol.str() + " = " +
               sym::formatWithSeparators(start) + to + ")";
      };
      if (range.upTo && *boundary > rational(*range.upTo))
        return whole(below, "=", exact.boundary);
      if (*boundary < rational(start))
        return whole(above, "=", exact.boundary);
      if (*boundary == rational(start))
        return equalAtEnd(above, start, "begin");
      if (range.upTo && *boundary == rational(*range.upTo))
        return equalAtEnd(below, *range.upTo, "end");
    }
    return nameA + " is cheaper exactly when " + symbol.str() + (aBelow ? " < " : " > ") +
           sym::print(exact.boundary, print);
  }
  case sym::Crossover::Kind::Undecided:
    break;
  }
  // Numeric: sign of a - b for symbol = 1, 2, 4, ...
  auto sign = [&](const llvm::DynamicAPInt &x) -> std::optional<int> {
    auto va = sym::evaluateAt(a, symbol, x), vb = sym::evaluateAt(b, symbol, x);
    if (!va || !vb)
      return std::nullopt;
    return mlir::presburger::compare(*va, *vb);
  };
  std::vector<std::string> changes;
  llvm::DynamicAPInt lo = start;
  std::optional<int> previous = sign(lo);
  if (!previous)
    return "bind the other symbols (-D) to locate the crossover";
  const int atStart = *previous;
  for (int i = 1; i <= 40 && !(range.upTo && lo >= *range.upTo); ++i) {
    llvm::DynamicAPInt hi = lo * llvm::DynamicAPInt(2);
    if (range.upTo && hi > *range.upTo)
      hi = *range.upTo;
    std::optional<int> current = sign(hi);
    if (!current)
      break;
    if (*current != *previous) {
      // Bisect for the first x in (lo, hi] where the sign is current.
      llvm::DynamicAPInt left = lo, right = hi;
      while (right - left > 1) {
        llvm::DynamicAPInt mid = (left + right) / llvm::DynamicAPInt(2);
        if (sign(mid) == current)
          right = mid;
        else
          left = mid;
      }
      std::string cheaper = *current < 0 ? nameA : (*current > 0 ? nameB : "neither");
      changes.push_back("from " + symbol.str() + " = " + sym::formatWithSeparators(right) +
                        " " + cheaper + " is cheaper");
      previous = current;
    }
    lo = hi;
  }
  std::string first = atStart < 0 ? nameA : atStart > 0 ? nameB : "neither";
  std::string text = "at " + symbol.str() + " = " + sym::formatWithSeparators(start) + " " +
                     first + " is cheaper";
  for (const std::string &c : changes)
    text += "; " + c;
  if (changes.empty())
    text += ", and stays so up to " + symbol.str() + " = " +
            (lo == llvm::DynamicAPInt(int64_t(1) << 40) ? std::string("2^40")
                                                         : sym::formatWithSeparators(lo)) +
            (range.upTo && lo == *range.upTo ? ", where the rules end" : "");
  return text + " (other symbols at the values above)";
}

/// The values each side is evaluated at; an error when a shared value
/// breaks either model's rules.
llvm::Error chooseValues(const ModelReport &a, const ModelReport &b, Comparison &comparison) {
  comparison.valuesA = a.bindings;
  comparison.valuesB = b.bindings;
  for (const std::string &s : a.symbolOrder) {
    if (!llvm::is_contained(b.symbolOrder, s))
      continue;
    auto inA = a.bindings.find(s), inB = b.bindings.find(s);
    bool boundA = inA != a.bindings.end(), boundB = inB != b.bindings.end();
    if (boundA && boundB && inA->second != inB->second) {
      comparison.own.push_back(s + ": A " + sym::formatWithSeparators(inA->second) + ", B " +
                               sym::formatWithSeparators(inB->second));
      continue;
    }
    if (!boundA && !boundB)
      continue;
    llvm::DynamicAPInt value = boundA ? inA->second : inB->second;
    comparison.valuesA[s] = value;
    comparison.valuesB[s] = value;
    comparison.shared.push_back(s + " = " + sym::formatWithSeparators(value) +
                                (boundA && boundB ? ""
                                 : boundA         ? " (from A)"
                                                  : " (from B)"));
  }
  for (auto [report, values, side] : {std::tuple(&a, &comparison.valuesA, "A"),
                                      std::tuple(&b, &comparison.valuesB, "B")}) {
    if (!report->checker)
      continue;
    if (auto violation = report->checker->check(*values))
      return llvm::createStringError(
          "--compare: the values shared with the other model break the rules of " +
          std::string(side) + " (@" + report->name + "): " + violation->message +
          "; bind the symbol with -D to a value both models accept");
  }
  return llvm::Error::success();
}

/// `e` with every symbol but `keep` replaced by its value in `values`.
Expr substituteAllBut(const Expr &e, const sym::Bindings &values, llvm::StringRef keep) {
  llvm::StringMap<Expr> constants;
  for (const auto &entry : values)
    if (entry.getKey() != keep)
      constants[entry.getKey()] = Expr(entry.getValue());
  return e.substitute(constants);
}

/// Where along `symbol` the rules of `report` can hold, every other symbol
/// at `values`: a rule whose excess (lhs - rhs for lhs <= rhs, and so on)
/// then has `symbol` alone and grows with it holds exactly up to a limit;
/// one that falls with it, exactly from a limit. Necessary conditions: a
/// point in the range may still break another rule (a divisibility).
AllowedRange allowedRangeAlong(const ModelReport &report, const sym::Bindings &values,
                               llvm::StringRef symbol) {
  AllowedRange range;
  if (!report.checker)
    return range;
  using Kind = nn::PointChecker::Kind;
  for (const nn::PointChecker::Rule &rule : report.checker->getRules()) {
    if (rule.kind == Kind::Equal || rule.kind == Kind::Divides ||
        !llvm::is_contained(rule.symbols, symbol))
      continue;
    // The rule holds where excess <= 0.
    bool below = rule.kind == Kind::AtMost || rule.kind == Kind::Less;
    Expr excess = below ? rule.lhs - rule.rhs : rule.rhs - rule.lhs;
    if (rule.kind == Kind::Less || rule.kind == Kind::Greater)
      excess = excess + Expr(1);
    excess = substituteAllBut(excess, values, symbol);
    auto symbols = excess.getSymbols();
    if (symbols.size() != 1 || symbols[0] != symbol)
      continue;
    bool grows = sym::growsWithEverySymbol(excess);
    if (!grows && !sym::growsWithEverySymbol(Expr(-1) * excess))
      continue;
    auto holds = [&](const llvm::DynamicAPInt &x) {
      auto value = sym::evaluateAt(excess, symbol, x);
      return value && *value <= sym::Rational(0, 1);
    };
    // The first value on the other side; past 2^62 the rule bounds nothing
    // a user evaluates.
    bool atOne = holds(llvm::DynamicAPInt(1));
    if (atOne != grows)
      continue; // holds everywhere from 1 on, or nowhere
    std::optional<llvm::DynamicAPInt> outside =
        sym::leastWhere(llvm::DynamicAPInt(1),
                        [&](const llvm::DynamicAPInt &x) { return holds(x) != atOne; },
                        llvm::DynamicAPInt(int64_t(1) << 62));
    if (!outside)
      continue;
    if (grows && (!range.upTo || *outside - 1 < *range.upTo))
      range.upTo = *outside - 1;
    if (!grows && (!range.from || *outside > *range.from))
      range.from = *outside;
  }
  return range;
}

} // namespace

llvm::Expected<Comparison> costopt::driver::compareReports(const DriverOptions &options,
                                                           const ModelReport &a,
                                                           const ModelReport &b) {
  Comparison comparison;
  comparison.fileA = options.inputFile;
  comparison.fileB = options.compareFile;
  comparison.modelA = a.name;
  comparison.modelB = b.name;
  if (llvm::Error error = chooseValues(a, b, comparison))
    return std::move(error);

  for (const Figure &fa : a.totals) {
    auto match = llvm::find_if(b.totals, [&](const Figure &f) { return f.name == fa.name; });
    if (match == b.totals.end())
      continue;
    Comparison::Row row{fa.name, fa.unit, std::nullopt, std::nullopt,
                        formulaText(a, fa.formula), formulaText(b, match->formula), ""};
    for (auto [formula, values, out] :
         {std::tuple(&fa.formula, &comparison.valuesA, &row.a),
          std::tuple(&match->formula, &comparison.valuesB, &row.b)}) {
      auto value = sym::evaluate(*formula, *values);
      if (value)
        *out = *value;
      else
        llvm::consumeError(value.takeError());
    }
    if (row.a && row.b)
      row.ratio = ratioText(*row.a, *row.b);
    comparison.rows.push_back(std::move(row));
  }

  // Along n, with every other symbol at each side's value.
  const std::string symbol = "n";
  if (llvm::is_contained(a.symbolOrder, symbol) && llvm::is_contained(b.symbolOrder, symbol)) {
    sym::Assumptions assumptions = a.assumptions;
    for (const auto &d : b.assumptions.divisibility)
      assumptions.divisibility.push_back(d);
    // The crossing is looked for where both models' rules hold: B's lower
    // bound on n too. (Its other facts name symbols that A may give other
    // values; every symbol but n is a number in the totals compared.)
    if (auto bound = b.assumptions.lowerBounds.find(symbol);
        bound != b.assumptions.lowerBounds.end() &&
        bound->second > assumptions.lowerBound(symbol))
      assumptions.lowerBounds[symbol] = bound->second;
    // Unsimplified: simplification applies rules such as r <= n, which do
    // not hold along the whole range of n searched.
    Expr flopsA = substituteAllBut(a.cost.flops, comparison.valuesA, symbol);
    Expr flopsB = substituteAllBut(b.cost.flops, comparison.valuesB, symbol);
    // The search starts where both models' rules can hold; where a model's
    // rules end n sooner than the crossing, the line says so.
    std::string limits;
    AllowedRange both;
    for (auto [report, values, side] : {std::tuple(&a, &comparison.valuesA, "A"),
                                        std::tuple(&b, &comparison.valuesB, "B")}) {
      AllowedRange range = allowedRangeAlong(*report, *values, symbol);
      if (!range.from && !range.upTo)
        continue;
      if (range.from && (!both.from || *range.from > *both.from))
        both.from = range.from;
      if (range.upTo && (!both.upTo || *range.upTo < *both.upTo))
        both.upTo = range.upTo;
      limits += "; " + std::string(side) + "'s rules allow " + symbol + " only";
      if (range.from)
        limits += " from " + sym::formatWithSeparators(*range.from);
      if (range.upTo)
        limits += " up to " + sym::formatWithSeparators(*range.upTo);
    }
    comparison.crossing =
        "FLOPs along " + symbol + ": " +
        describeCrossing("A", flopsA, "B", flopsB, symbol, assumptions, both) + limits;
  }
  return comparison;
}

//===----------------------------------------------------------------------===//
// Rendering
//===----------------------------------------------------------------------===//

std::string Comparison::label(bool first) const {
  return std::string(first ? "A" : "B") + ": @" + (first ? modelA : modelB) + " (" +
         llvm::sys::path::filename(first ? fileA : fileB).str() + ")";
}

std::string Comparison::valuesLine() const {
  std::string text = shared.empty() ? "no shared symbol values"
                                    : "both at " + llvm::join(shared, ", ");
  if (!own.empty())
    text += "; each its own default: " + llvm::join(own, "; ") +
            " (-D binds both to one value)";
  return text;
}

void costopt::driver::renderTextComparison(const Comparison &comparison, bool markdown,
                                           llvm::raw_ostream &os) {
  os << (markdown ? "## " : "") << "Comparison: A/B\n\n";
  for (bool first : {true, false})
    os << (markdown ? "- " : "  ") << comparison.label(first) << ": "
       << (first ? comparison.fileA : comparison.fileB) << "\n";
  os << (markdown ? "- " : "  ") << "Values: " << comparison.valuesLine() << "\n\n";
  std::vector<std::vector<std::string>> rows{
      {"quantity", comparison.label(true), comparison.label(false), "A/B"}};
  for (const Comparison::Row &row : comparison.rows) {
    Figure a{row.name, Expr(), row.unit, row.a}, b{row.name, Expr(), row.unit, row.b};
    rows.push_back({row.name, row.a ? valueText(a, "auto") : row.formulaA,
                    row.b ? valueText(b, "auto") : row.formulaB, row.ratio});
  }
  printTable(os, rows, markdown);
  if (!comparison.crossing.empty())
    os << "\n" << comparison.crossing << "\n";
}

llvm::json::Value costopt::driver::comparisonJSON(const Comparison &comparison) {
  auto side = [&](bool first) {
    llvm::json::Object values;
    for (const auto &entry : first ? comparison.valuesA : comparison.valuesB)
      values[entry.getKey()] = digits(entry.getValue());
    return llvm::json::Object{{"input", first ? comparison.fileA : comparison.fileB},
                              {"model", first ? comparison.modelA : comparison.modelB},
                              {"label", comparison.label(first)},
                              {"bindings", std::move(values)}};
  };
  llvm::json::Array rows;
  for (const Comparison::Row &row : comparison.rows) {
    llvm::json::Object o{{"name", row.name}, {"ratio_a_over_b", row.ratio}};
    o["a"] = row.a ? llvm::json::Value(plainRational(row.a)) : llvm::json::Value(row.formulaA);
    o["b"] = row.b ? llvm::json::Value(plainRational(row.b)) : llvm::json::Value(row.formulaB);
    rows.push_back(std::move(o));
  }
  return llvm::json::Object{{"a", side(true)},
                            {"b", side(false)},
                            {"values", comparison.valuesLine()},
                            {"totals", std::move(rows)},
                            {"flops_crossing", comparison.crossing}};
}

void costopt::driver::renderCSVComparison(const Comparison &comparison,
                                          llvm::raw_ostream &os) {
  auto quote = [](const std::string &text) {
    std::string out = "\"";
    for (char c : text)
      out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  os << "quantity," << quote(comparison.label(true)) << "," << quote(comparison.label(false))
     << ",\"A/B\"\n";
  for (const Comparison::Row &row : comparison.rows)
    os << quote(row.name) << "," << quote(row.a ? plainRational(row.a) : row.formulaA) << ","
       << quote(row.b ? plainRational(row.b) : row.formulaB) << "," << quote(row.ratio)
       << "\n";
}

void costopt::driver::renderHTMLComparison(const Comparison &comparison,
                                           llvm::raw_ostream &os) {
  auto escape = [](llvm::StringRef text) { return escapeXml(text.str()); };
  os << "<h2>Comparison: A/B</h2>\n<ul>\n";
  for (bool first : {true, false})
    os << "<li>" << escape(comparison.label(first)) << ": <code>"
       << escape(first ? comparison.fileA : comparison.fileB) << "</code></li>\n";
  os << "<li>Values: " << escape(comparison.valuesLine()) << "</li>\n</ul>\n";
  os << "<table><tr><th>quantity</th><th>" << escape(comparison.label(true)) << "</th><th>"
     << escape(comparison.label(false)) << "</th><th>A/B</th></tr>\n";
  for (const Comparison::Row &row : comparison.rows) {
    Figure a{row.name, Expr(), row.unit, row.a}, b{row.name, Expr(), row.unit, row.b};
    os << "<tr><td>" << escape(row.name) << "</td><td class=\"num\">"
       << escape(row.a ? valueText(a, "auto") : row.formulaA) << "</td><td class=\"num\">"
       << escape(row.b ? valueText(b, "auto") : row.formulaB) << "</td><td class=\"num\">"
       << escape(row.ratio) << "</td></tr>\n";
  }
  os << "</table>\n";
  if (!comparison.crossing.empty())
    os << "<p>" << escape(comparison.crossing) << "</p>\n";
}
