//===- FuzzSym.cpp - libFuzzer target: the symbolic-expression algebra ----===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// An input is expression text for costopt::sym::parse (and, for coverage,
// parseList, parseConstraints and Regime::parse). For every expression e
// that parses, these must hold:
//
//  1. round trips: parse(e.str()) == e, parse(print(e, Ascii)) == e, the
//     same with powers written as products, and fromJSON(toJSON(e)) == e;
//  2. compiled = generic: CompiledExpr::compile(e, symbols) succeeds and, at
//     a few small bindings (every symbol >= 1), evaluates exactly as
//     sym::evaluate does (both fail, or both give the same rational);
//  3. substitution: evaluating e with x bound to v equals evaluating
//     e.substitute(x, v) (when the former succeeds);
//  4. signs are never guesses: a sign decideSign proves under the default
//     assumptions (every symbol >= 1) holds at those bindings;
//  5. crossovers: for a list "f, g", a solveCrossover answer of "always
//     less", "always greater" or "equal" holds at those bindings.
//
// bigO, printBigO, simplify, evaluateApprox and the other notations are
// run for crashes only.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>
#include <vector>

using namespace costopt::sym;
using llvm::DynamicAPInt;

namespace {

/// True if invariant `tag` is listed in COSTOPT_FUZZ_IGNORE (comma-separated).
bool ignored(llvm::StringRef tag) {
  static const std::string list = [] {
    const char *env = std::getenv("COSTOPT_FUZZ_IGNORE");
    return "," + std::string(env ? env : "") + ",";
  }();
  return list.find(("," + tag + ",").str()) != std::string::npos;
}

/// Aborts (a crash for libFuzzer) unless invariant `tag` is ignored.
void fail(llvm::StringRef tag, const std::string &what, llvm::StringRef input) {
  if (ignored(tag))
    return;
  llvm::errs() << "costopt-fuzz-sym: invariant '" << tag << "' broken: " << what
               << "\n--- input ---\n"
               << input << "\n--- end ---\n";
  llvm::errs().flush();
  std::abort();
}

std::string show(const Rational &r) { return formatRational(r); }

/// Parses `text`, which was printed from `e`, and checks it gives `e` back.
void checkRoundTrip(const Expr &e, const std::string &text, const char *how,
                    llvm::StringRef input) {
  auto back = parse(text);
  if (!back)
    return fail("roundtrip",
                std::string(how) + " text '" + text +
                    "' does not parse: " + llvm::toString(back.takeError()),
                input);
  if (*back != e)
    fail("roundtrip",
         std::string(how) + " round trip changed the expression: '" + e.str() + "' -> '" + text +
             "' -> '" + back->str() + "'",
         input);
}

/// Small binding sets for the symbols: all 1, all 2, 2, 3, 4, ..., and a
/// mixed one (3, 1, 4, 1, 5, 9, ...).
std::vector<std::vector<DynamicAPInt>> bindingSets(size_t count) {
  static const int64_t mixed[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
  std::vector<std::vector<DynamicAPInt>> sets(4);
  for (size_t i = 0; i < count; ++i) {
    sets[0].push_back(DynamicAPInt(1));
    sets[1].push_back(DynamicAPInt(2));
    sets[2].push_back(DynamicAPInt(int64_t(i) + 2));
    sets[3].push_back(DynamicAPInt(mixed[i % 12]));
  }
  return sets;
}

Bindings makeBindings(llvm::ArrayRef<std::string> names, llvm::ArrayRef<DynamicAPInt> values) {
  Bindings bindings;
  for (size_t i = 0; i < names.size(); ++i)
    bindings[names[i]] = values[i];
  return bindings;
}

bool signHolds(Sign sign, const Rational &value) {
  switch (sign) {
  case Sign::Negative: return value < Rational(0, 1);
  case Sign::NonPositive: return value <= Rational(0, 1);
  case Sign::Zero: return value == Rational(0, 1);
  case Sign::NonNegative: return value >= Rational(0, 1);
  case Sign::Positive: return value > Rational(0, 1);
  case Sign::Undecided: return true;
  }
  return true;
}

void checkExpr(const Expr &e, llvm::StringRef input) {
  // 1. Round trips.
  checkRoundTrip(e, e.str(), "str()", input);
  PrintOptions ascii;
  ascii.notation = Notation::Ascii;
  checkRoundTrip(e, print(e, ascii), "Ascii", input);
  ascii.powersAsProducts = true;
  checkRoundTrip(e, print(e, ascii), "Ascii (powers as products)", input);
  auto fromJson = fromJSON(toJSON(e));
  if (!fromJson)
    fail("json-roundtrip",
         "toJSON output rejected by fromJSON: " + llvm::toString(fromJson.takeError()), input);
  else if (*fromJson != e)
    fail("json-roundtrip",
         "JSON round trip changed '" + e.str() + "' into '" + fromJson->str() + "'", input);

  // Crash-only: the other notations and analyses.
  for (Notation n : {Notation::Text, Notation::LaTeX, Notation::JavaScript}) {
    PrintOptions options;
    options.notation = n;
    (void)print(e, options);
  }
  if (auto cls = bigO(e))
    (void)printBigO(*cls);
  else
    llvm::consumeError(cls.takeError());
  (void)simplify(e, Assumptions());
  (void)e.isObviouslyIntegral();

  // 2.-4. Evaluation.
  llvm::SmallVector<std::string, 4> symbolList = e.getSymbols();
  std::vector<std::string> slots(symbolList.begin(), symbolList.end());
  auto compiled = CompiledExpr::compile(e, slots);
  if (!compiled)
    return fail("compile",
                "CompiledExpr::compile failed: " + llvm::toString(compiled.takeError()), input);
  Sign sign = decideSign(e, Assumptions());
  for (const std::vector<DynamicAPInt> &values : bindingSets(slots.size())) {
    Bindings bindings = makeBindings(slots, values);
    auto generic = evaluate(e, bindings);
    auto fast = compiled->evaluate(values);
    if (bool(generic) != bool(fast)) {
      std::string message = generic ? "generic = " + show(*generic) + ", compiled failed: " +
                                          llvm::toString(fast.takeError())
                                    : "compiled = " + show(*fast) + ", generic failed: " +
                                          llvm::toString(generic.takeError());
      fail("compiled", "compiled and generic evaluation disagree on '" + e.str() + "': " + message,
           input);
      continue;
    }
    if (!generic) {
      llvm::consumeError(generic.takeError());
      llvm::consumeError(fast.takeError());
      continue;
    }
    if (*generic != *fast)
      fail("compiled",
           "compiled and generic evaluation disagree on '" + e.str() + "': " + show(*generic) +
               " vs " + show(*fast),
           input);
    if (!signHolds(sign, *generic))
      fail("sign", "decideSign says " + stringifySign(sign).str() + " for '" + e.str() +
               "' but it evaluates to " + show(*generic),
           input);
    if (auto approx = evaluateApprox(e, bindings); !approx)
      llvm::consumeError(approx.takeError());
    if (!slots.empty()) {
      Bindings rest = bindings;
      rest.erase(slots.front());
      Expr substituted = e.substitute(slots.front(), Expr(values.front()));
      auto value = evaluate(substituted, rest);
      if (!value)
        fail("substitute",
             "'" + e.str() + "' evaluates to " + show(*generic) + " but with " + slots.front() +
                 " = " + formatWithSeparators(values.front()) + " substituted ('" +
                 substituted.str() + "') fails: " + llvm::toString(value.takeError()),
             input);
      else if (*value != *generic)
        fail("substitute",
             "substituting " + slots.front() + " = " + formatWithSeparators(values.front()) +
                 " into '" + e.str() + "' gives '" + substituted.str() + "' = " + show(*value) +
                 ", not " + show(*generic),
             input);
    }
  }
}

/// 5. A crossover answer that claims an order everywhere must hold.
void checkCrossover(const Expr &f, const Expr &g, llvm::StringRef input) {
  llvm::SmallVector<std::string, 4> symbols = (f - g).getSymbols();
  if (symbols.empty())
    return;
  Crossover c = solveCrossover(f, g, symbols.front(), Assumptions());
  if (c.kind != Crossover::Kind::FAlwaysLess && c.kind != Crossover::Kind::FAlwaysGreater &&
      c.kind != Crossover::Kind::Equal)
    return;
  std::vector<std::string> slots(symbols.begin(), symbols.end());
  for (const std::vector<DynamicAPInt> &values : bindingSets(slots.size())) {
    Bindings bindings = makeBindings(slots, values);
    auto a = evaluate(f, bindings), b = evaluate(g, bindings);
    if (!a || !b) {
      if (!a)
        llvm::consumeError(a.takeError());
      if (!b)
        llvm::consumeError(b.takeError());
      continue;
    }
    bool holds = c.kind == Crossover::Kind::FAlwaysLess      ? *a < *b
                 : c.kind == Crossover::Kind::FAlwaysGreater ? *a > *b
                                                             : *a == *b;
    if (!holds)
      fail("crossover", "solveCrossover('" + f.str() + "', '" + g.str() + "', " + symbols.front() +
               ") claims an order everywhere, but the values are " + show(*a) + " and " +
               show(*b),
           input);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);

  if (auto e = parse(input))
    checkExpr(*e, input);
  else
    llvm::consumeError(e.takeError());

  if (auto list = parseList(input)) {
    if (list->size() >= 2)
      checkCrossover((*list)[0], (*list)[1], input);
  } else {
    llvm::consumeError(list.takeError());
  }

  if (auto constraints = parseConstraints(input)) {
    Assumptions assumptions;
    for (const Constraint &c : *constraints)
      if (llvm::Error error = addConstraint(assumptions, c))
        llvm::consumeError(std::move(error));
    for (const Constraint &c : *constraints) {
      (void)simplify(c.lhs, assumptions);
      (void)decideSign(c.lhs - c.rhs, assumptions);
    }
  } else {
    llvm::consumeError(constraints.takeError());
  }

  if (auto regime = Regime::parse(input); !regime)
    llvm::consumeError(regime.takeError());
  return 0;
}
