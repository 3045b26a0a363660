//===- SymJSON.cpp - Structured JSON form of expressions -----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// {"terms": [{"coefficient": "3/2", "factors": [{"atom": A, "exponent": 2}]}]}
// with A = {"symbol": "n"} | {"unknown": "x"} |
//          {"function": "log"|"ceil"|"floor"|"max"|"min", "args": [expr, expr]}.
// Coefficients are strings so that integers beyond 2^53 survive JavaScript.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/ADT/StringSwitch.h"

using namespace costopt::sym;
using llvm::DynamicAPInt;

static llvm::StringRef functionName(AtomKind kind) {
  switch (kind) {
  case AtomKind::Log: return "log";
  case AtomKind::Ceil: return "ceil";
  case AtomKind::Floor: return "floor";
  case AtomKind::Max: return "max";
  case AtomKind::Min: return "min";
  default: return "";
  }
}

static std::string rationalString(const Rational &r) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << r.num;
  if (r.den != 1)
    os << "/" << r.den;
  return s;
}

llvm::json::Value costopt::sym::toJSON(const Expr &expr) {
  llvm::json::Array terms;
  for (const Term &t : expr.getTerms()) {
    llvm::json::Array factors;
    for (const Factor &f : t.factors) {
      llvm::json::Object atom;
      switch (f.atom->kind) {
      case AtomKind::Symbol:
        atom["symbol"] = f.atom->name;
        break;
      case AtomKind::Unknown:
        atom["unknown"] = f.atom->name;
        break;
      default: {
        atom["function"] = functionName(f.atom->kind);
        llvm::json::Array args;
        for (const Expr &arg : f.atom->args)
          args.push_back(toJSON(arg));
        atom["args"] = std::move(args);
      }
      }
      factors.push_back(llvm::json::Object{{"atom", std::move(atom)},
                                           {"exponent", f.exponent}});
    }
    terms.push_back(llvm::json::Object{{"coefficient", rationalString(t.coefficient)},
                                       {"factors", std::move(factors)}});
  }
  return llvm::json::Object{{"terms", std::move(terms)}, {"text", expr.str()}};
}

static llvm::Expected<Rational> parseRational(llvm::StringRef text) {
  auto [numText, denText] = text.split('/');
  auto readInt = [](llvm::StringRef s) -> std::optional<DynamicAPInt> {
    bool negative = s.consume_front("-");
    llvm::APInt value;
    if (s.empty() || s.getAsInteger(10, value))
      return std::nullopt;
    DynamicAPInt v(value.zext(value.getBitWidth() + 1));
    return negative ? -v : v;
  };
  auto num = readInt(numText);
  auto den = denText.empty() ? std::optional<DynamicAPInt>(DynamicAPInt(1)) : readInt(denText);
  if (!num || !den || *den == 0)
    return makeError("bad coefficient '" + text + "' in JSON expression");
  return mlir::presburger::reduce(Rational(*num, *den));
}

llvm::Expected<Expr> costopt::sym::fromJSON(const llvm::json::Value &value) {
  const llvm::json::Object *object = value.getAsObject();
  const llvm::json::Array *terms = object ? object->getArray("terms") : nullptr;
  if (!terms)
    return makeError("JSON expression needs a 'terms' array");
  Expr result;
  for (const llvm::json::Value &termValue : *terms) {
    const llvm::json::Object *term = termValue.getAsObject();
    if (!term)
      return makeError("JSON term must be an object");
    auto coefficientText = term->getString("coefficient");
    if (!coefficientText)
      return makeError("JSON term needs a 'coefficient' string");
    auto coefficient = parseRational(*coefficientText);
    if (!coefficient)
      return coefficient.takeError();
    Expr product(*coefficient);
    const llvm::json::Array *factors = term->getArray("factors");
    if (!factors)
      return makeError("JSON term needs a 'factors' array");
    for (const llvm::json::Value &factorValue : *factors) {
      const llvm::json::Object *factor = factorValue.getAsObject();
      const llvm::json::Object *atom = factor ? factor->getObject("atom") : nullptr;
      auto exponent = factor ? factor->getInteger("exponent") : std::nullopt;
      if (!atom || !exponent)
        return makeError("JSON factor needs 'atom' and 'exponent'");
      Expr base;
      if (auto name = atom->getString("symbol")) {
        base = Expr::symbol(*name);
      } else if (auto name = atom->getString("unknown")) {
        base = Expr::unknown(*name);
      } else if (auto function = atom->getString("function")) {
        const llvm::json::Array *argValues = atom->getArray("args");
        if (!argValues || argValues->size() != 2)
          return makeError("JSON function '" + *function + "' needs two 'args'");
        std::vector<Expr> args;
        for (const llvm::json::Value &a : *argValues) {
          auto arg = fromJSON(a);
          if (!arg)
            return arg.takeError();
          args.push_back(std::move(*arg));
        }
        if (*function == "log")
          base = Expr::log(args[0], args[1]);
        else if (*function == "ceil" || *function == "floor") {
          if (args[1].isZero())
            return makeError("JSON " + *function + " divides by zero");
          base = *function == "ceil" ? Expr::ceilDiv(args[0], args[1])
                                     : Expr::floorDiv(args[0], args[1]);
        } else if (*function == "max")
          base = Expr::max(args[0], args[1]);
        else if (*function == "min")
          base = Expr::min(args[0], args[1]);
        else
          return makeError("unknown JSON function '" + *function + "'");
      } else {
        return makeError("JSON atom needs 'symbol', 'unknown' or 'function'");
      }
      auto power = base.pow(*exponent);
      if (!power)
        return power.takeError();
      product = product * *power;
    }
    result = result + product;
  }
  return result;
}
