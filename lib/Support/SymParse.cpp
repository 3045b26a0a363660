//===- SymParse.cpp - Parsing symbolic expressions and constraints -------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// A recursive-descent parser over UTF-8 text. Every intermediate value is a
// quotient num/den so that `(n - 1)/(k - 1)` can be read inside ceil(...);
// outside ceil/floor a quotient must reduce to an exact expression, and the
// error points at the '/' that made it inexact.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Sym.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace costopt::sym;
using llvm::DynamicAPInt;

namespace {

enum class TokenKind {
  End, Integer, Identifier, Plus, Minus, Star, Slash, Caret, Superscript,
  LParen, RParen, Comma, Percent, EqEq, GreaterEq, LessEq, Greater, Less,
  CeilOpen, CeilClose, FloorOpen, FloorClose,
};

struct Token {
  TokenKind kind;
  llvm::StringRef text;
  size_t offset;
  int64_t superscriptValue = 0;
};

/// Splits UTF-8 text into tokens; reports the first bad character.
class Lexer {
public:
  explicit Lexer(llvm::StringRef text) : text(text) {}

  llvm::Expected<Token> next() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
    size_t start = pos;
    if (pos >= text.size())
      return Token{TokenKind::End, "", start};
    char c = text[pos];
    if (llvm::isDigit(c)) {
      while (pos < text.size() && (llvm::isDigit(text[pos]) || text[pos] == '_'))
        ++pos;
      return Token{TokenKind::Integer, text.slice(start, pos), start};
    }
    if (llvm::isAlpha(c) || c == '_') {
      while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
        ++pos;
      return Token{TokenKind::Identifier, text.slice(start, pos), start};
    }
    auto single = [&](TokenKind kind, size_t length) {
      pos += length;
      return Token{kind, text.slice(start, pos), start};
    };
    llvm::StringRef rest = text.drop_front(pos);
    switch (c) {
    case '+': return single(TokenKind::Plus, 1);
    case '-': return single(TokenKind::Minus, 1);
    case '*': return single(TokenKind::Star, 1);
    case '/': return single(TokenKind::Slash, 1);
    case '^': return single(TokenKind::Caret, 1);
    case '(': return single(TokenKind::LParen, 1);
    case ')': return single(TokenKind::RParen, 1);
    case ',': return single(TokenKind::Comma, 1);
    case '%': return single(TokenKind::Percent, 1);
    case '=':
      if (rest.starts_with("=="))
        return single(TokenKind::EqEq, 2);
      break;
    case '>':
      return rest.starts_with(">=") ? single(TokenKind::GreaterEq, 2)
                                    : single(TokenKind::Greater, 1);
    case '<':
      return rest.starts_with("<=") ? single(TokenKind::LessEq, 2)
                                    : single(TokenKind::Less, 1);
    default:
      break;
    }
    // Multi-byte spellings that the Text printer produces.
    static const std::pair<const char *, TokenKind> unicode[] = {
        {"·", TokenKind::Star},     {"×", TokenKind::Star},
        {"−", TokenKind::Minus},    {"⌈", TokenKind::CeilOpen},
        {"⌉", TokenKind::CeilClose}, {"⌊", TokenKind::FloorOpen},
        {"⌋", TokenKind::FloorClose}, {"≥", TokenKind::GreaterEq},
        {"≤", TokenKind::LessEq}};
    for (auto [spelling, kind] : unicode)
      if (rest.starts_with(spelling))
        return single(kind, llvm::StringRef(spelling).size());
    if (auto sup = lexSuperscript(rest)) {
      Token t{TokenKind::Superscript, text.slice(start, start + sup->second), start,
              sup->first};
      pos += sup->second;
      return t;
    }
    // Quote the whole UTF-8 sequence, not its first byte.
    size_t length = 1;
    while (pos + length < text.size() && (text[pos + length] & 0xC0) == 0x80)
      ++length;
    return makeError("unexpected character '" + text.substr(pos, length) + "' in expression",
                     start);
  }

  size_t position() const { return pos; }

private:
  /// Reads superscript digits (with an optional leading ⁻): value, length.
  static std::optional<std::pair<int64_t, size_t>> lexSuperscript(llvm::StringRef s) {
    static const char *digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    size_t length = 0;
    bool negative = false;
    if (s.starts_with("⁻")) {
      negative = true;
      length += llvm::StringRef("⁻").size();
    }
    int64_t value = 0;
    bool any = false;
    while (true) {
      bool matched = false;
      for (int d = 0; d < 10; ++d) {
        llvm::StringRef digit(digits[d]);
        if (s.drop_front(length).starts_with(digit)) {
          value = value * 10 + d;
          length += digit.size();
          matched = any = true;
          if (value > 1000000)
            return std::nullopt;
          break;
        }
      }
      if (!matched)
        break;
    }
    if (!any)
      return std::nullopt;
    return std::make_pair(negative ? -value : value, length);
  }

  llvm::StringRef text;
  size_t pos = 0;
};

/// num/den during parsing.
struct Quotient {
  Expr num{0};
  Expr den{1};
  /// Where the first division that is not exact happened.
  std::optional<size_t> inexactAt;
};

class Parser {
public:
  explicit Parser(llvm::StringRef text) : text(text), lexer(text) {}

  llvm::Error init() { return advance(); }

  const Token &peek() const { return current; }

  llvm::Error advance() {
    auto t = lexer.next();
    if (!t)
      return t.takeError();
    current = *t;
    return llvm::Error::success();
  }

  llvm::Error expect(TokenKind kind, llvm::StringRef what) {
    if (current.kind != kind)
      return errorHere("expected " + what);
    return advance();
  }

  llvm::Error errorHere(const llvm::Twine &message) {
    std::string found = current.kind == TokenKind::End
                            ? "end of input"
                            : "'" + current.text.str() + "'";
    return makeError(message + ", found " + found, current.offset);
  }

  /// An expression that must be exact (no leftover non-monomial division).
  llvm::Expected<Expr> parseExactExpr() {
    size_t start = current.offset;
    auto q = parseSum();
    if (!q)
      return q.takeError();
    auto result = requireExact(std::move(*q));
    if (!result)
      return result.takeError();
    if (auto e = checkLimits(*result))
      return withOffset(std::move(e), start);
    return result;
  }

  llvm::Expected<Expr> requireExact(Quotient q) {
    if (q.den == Expr(1))
      return q.num;
    return makeError("division by '" + q.den.str() +
                         "' is not exact: only constants and monomials divide "
                         "exactly; wrap it in ceil(...) or floor(...)",
                     q.inexactAt);
  }

  llvm::Expected<Quotient> parseSum() {
    bool negate = false;
    if (current.kind == TokenKind::Minus || current.kind == TokenKind::Plus) {
      negate = current.kind == TokenKind::Minus;
      if (auto e = advance())
        return std::move(e);
    }
    auto lhs = parseProduct();
    if (!lhs)
      return lhs.takeError();
    Quotient acc = std::move(*lhs);
    if (negate)
      acc.num = -acc.num;
    // Terms over a denominator of 1 are collected and canonicalised once:
    // adding them one by one would cost quadratic time on long sums.
    std::vector<Term> pending;
    auto flush = [&] {
      if (pending.empty())
        return;
      llvm::append_range(pending, acc.num.getTerms());
      acc.num = Expr::fromTerms(std::move(pending));
      pending.clear();
    };
    while (current.kind == TokenKind::Plus || current.kind == TokenKind::Minus) {
      bool minus = current.kind == TokenKind::Minus;
      size_t at = current.offset;
      if (auto e = advance())
        return std::move(e);
      auto rhs = parseProduct();
      if (!rhs)
        return rhs.takeError();
      if (minus)
        rhs->num = -rhs->num;
      if (acc.den == Expr(1) && rhs->den == Expr(1)) {
        llvm::append_range(pending, rhs->num.getTerms());
        if (pending.size() > limits::kMaxTerms)
          return makeError("sum has more than " + llvm::Twine(limits::kMaxTerms) + " terms",
                           at);
        if (!acc.inexactAt)
          acc.inexactAt = rhs->inexactAt;
        continue;
      }
      flush();
      if (auto e = checkProductSize(acc.num, rhs->den, at))
        return std::move(e);
      if (auto e = checkProductSize(rhs->num, acc.den, at))
        return std::move(e);
      acc = add(std::move(acc), std::move(*rhs));
      if (auto e = checkLimits(acc.num))
        return withOffset(std::move(e), at);
    }
    flush();
    return acc;
  }

  llvm::Expected<Quotient> parseProduct() {
    auto lhs = parseUnary();
    if (!lhs)
      return lhs.takeError();
    Quotient acc = std::move(*lhs);
    while (current.kind == TokenKind::Star || current.kind == TokenKind::Slash) {
      bool divide = current.kind == TokenKind::Slash;
      size_t at = current.offset;
      if (auto e = advance())
        return std::move(e);
      auto rhs = parseUnary();
      if (!rhs)
        return rhs.takeError();
      if (divide) {
        if (rhs->num.isZero())
          return makeError("division by zero", at);
        std::swap(rhs->num, rhs->den);
      }
      if (auto e = checkProductSize(acc.num, rhs->num, at))
        return std::move(e);
      if (auto e = checkProductSize(acc.den, rhs->den, at))
        return std::move(e);
      acc = multiply(std::move(acc), std::move(*rhs));
      if (auto e = checkLimits(acc.num))
        return withOffset(std::move(e), at);
      if (divide && acc.den != Expr(1) && !acc.inexactAt)
        acc.inexactAt = at;
    }
    return acc;
  }

  llvm::Expected<Quotient> parseUnary() {
    if (current.kind == TokenKind::Minus) {
      NestingGuard guard(*this);
      if (auto e = guard.check())
        return std::move(e);
      if (auto e = advance())
        return std::move(e);
      auto inner = parseUnary();
      if (!inner)
        return inner.takeError();
      inner->num = -inner->num;
      return inner;
    }
    return parsePower();
  }

  llvm::Expected<Quotient> parsePower() {
    auto base = parsePrimary();
    if (!base)
      return base.takeError();
    int64_t exponent = 1;
    size_t at = current.offset;
    if (current.kind == TokenKind::Superscript) {
      exponent = current.superscriptValue;
      if (auto e = advance())
        return std::move(e);
    } else if (current.kind == TokenKind::Caret) {
      if (auto e = advance())
        return std::move(e);
      bool negative = false;
      if (current.kind == TokenKind::Minus) {
        negative = true;
        if (auto e = advance())
          return std::move(e);
      }
      if (current.kind != TokenKind::Integer)
        return errorHere("expected an integer exponent after '^'");
      if (current.text.getAsInteger(10, exponent))
        return makeError("exponent is too large", current.offset);
      if (negative)
        exponent = -exponent;
      if (auto e = advance())
        return std::move(e);
    }
    if (exponent == 1)
      return base;
    Quotient q = std::move(*base);
    if (exponent < 0) {
      if (q.num.isZero())
        return makeError("zero raised to a negative power", at);
      std::swap(q.num, q.den);
      exponent = -exponent;
    }
    if (auto e = checkPowerSize(q.num, exponent, at))
      return std::move(e);
    if (auto e = checkPowerSize(q.den, exponent, at))
      return std::move(e);
    auto num = q.num.pow(exponent);
    if (!num)
      return withOffset(num.takeError(), at);
    auto den = q.den.pow(exponent);
    if (!den)
      return withOffset(den.takeError(), at);
    for (const Expr *part : {&*num, &*den})
      if (auto e = checkLimits(*part))
        return withOffset(std::move(e), at);
    return normalize(Quotient{*num, *den, q.inexactAt});
  }

  llvm::Expected<Quotient> parsePrimary() {
    NestingGuard guard(*this);
    if (auto e = guard.check())
      return std::move(e);
    Token t = current;
    switch (t.kind) {
    case TokenKind::Integer: {
      std::string digits = t.text.str();
      llvm::erase(digits, '_');
      // 309 digits reach 10^308 ~ 2^1024; longer literals would only be
      // refused after costly arithmetic.
      if (digits.size() > 309)
        return makeError("integer literal has " + llvm::Twine(digits.size()) +
                             " digits; costopt accepts integers below 2^" +
                             llvm::Twine(limits::kMaxCoefficientBits) + " (about 1.8e308)",
                         t.offset);
      llvm::APInt value;
      if (llvm::StringRef(digits).getAsInteger(10, value))
        return makeError("bad integer '" + t.text + "'", t.offset);
      if (auto e = advance())
        return std::move(e);
      // Widen by one bit so the value is read as unsigned.
      value = value.zext(value.getBitWidth() + 1);
      return Quotient{Expr(DynamicAPInt(value)), Expr(1), std::nullopt};
    }
    case TokenKind::Identifier:
      return parseIdentifier();
    case TokenKind::LParen: {
      if (auto e = advance())
        return std::move(e);
      auto inner = parseSum();
      if (!inner)
        return inner.takeError();
      if (auto e = expect(TokenKind::RParen, "')'"))
        return std::move(e);
      return inner;
    }
    case TokenKind::CeilOpen:
    case TokenKind::FloorOpen: {
      bool ceil = t.kind == TokenKind::CeilOpen;
      if (auto e = advance())
        return std::move(e);
      auto inner = parseSum();
      if (!inner)
        return inner.takeError();
      if (auto e = expect(ceil ? TokenKind::CeilClose : TokenKind::FloorClose,
                          ceil ? "'⌉'" : "'⌋'"))
        return std::move(e);
      return exact(ceil ? Expr::ceilDiv(inner->num, inner->den)
                        : Expr::floorDiv(inner->num, inner->den));
    }
    default:
      return errorHere("expected an integer, a symbol, a function or '('");
    }
  }

  llvm::Expected<Quotient> parseIdentifier() {
    Token name = current;
    if (auto e = advance())
      return std::move(e);
    llvm::StringRef id = name.text;
    bool isCall = current.kind == TokenKind::LParen;
    bool isFunction = id == "ceil" || id == "floor" || id == "max" || id == "min" ||
                      id == "log" || id == "unknown" || id.starts_with("log_");
    if (!isFunction) {
      if (isCall)
        return makeError("unknown function '" + id +
                             "'; known: log_b, log, ceil, floor, max, min, unknown",
                         name.offset);
      return exact(Expr::symbol(id));
    }
    if (!isCall)
      return makeError("expected '(' after function '" + id + "'", current.offset);
    if (auto e = advance())
      return std::move(e);

    if (id == "unknown") {
      if (current.kind != TokenKind::Identifier)
        return errorHere("expected a name inside unknown(...)");
      std::string what = current.text.str();
      if (auto e = advance())
        return std::move(e);
      if (auto e = expect(TokenKind::RParen, "')'"))
        return std::move(e);
      return exact(Expr::unknown(what));
    }
    if (id == "ceil" || id == "floor") {
      auto inner = parseSum();
      if (!inner)
        return inner.takeError();
      if (auto e = expect(TokenKind::RParen, "')'"))
        return std::move(e);
      if (inner->den.isZero())
        return makeError("division by zero", name.offset);
      return exact(id == "ceil" ? Expr::ceilDiv(inner->num, inner->den)
                                : Expr::floorDiv(inner->num, inner->den));
    }

    std::vector<Expr> args;
    while (true) {
      auto arg = parseExactExpr();
      if (!arg)
        return arg.takeError();
      args.push_back(std::move(*arg));
      if (current.kind != TokenKind::Comma)
        break;
      if (auto e = advance())
        return std::move(e);
    }
    if (auto e = expect(TokenKind::RParen, "')' or ','"))
      return std::move(e);

    auto arity = [&](size_t n) -> llvm::Error {
      if (args.size() != n)
        return makeError(id + " takes " + llvm::Twine(n) + " argument" +
                             (n == 1 ? "" : "s") + ", got " + llvm::Twine(args.size()),
                         name.offset);
      return llvm::Error::success();
    };
    if (id == "max" || id == "min") {
      if (args.size() < 2)
        return makeError(id + " takes 2 or more arguments, got " + llvm::Twine(args.size()),
                         name.offset);
      Expr result = args.back();
      for (size_t i = args.size() - 1; i-- > 0;)
        result = id == "max" ? Expr::max(args[i], result) : Expr::min(args[i], result);
      return exact(result);
    }
    Expr base;
    Expr argument;
    if (id == "log") {
      if (auto e = arity(2))
        return std::move(e);
      base = args[0];
      argument = args[1];
    } else {
      if (auto e = arity(1))
        return std::move(e);
      auto parsedBase = parse(id.drop_front(4));
      if (!parsedBase || parsedBase->isZero())
        return makeError("bad logarithm base in '" + id + "'", name.offset);
      base = *parsedBase;
      argument = args[0];
    }
    if (auto c = base.getConstant(); c && *c <= Rational(1, 1))
      return makeError("logarithm base must exceed 1", name.offset);
    if (auto c = argument.getConstant(); c && *c <= Rational(0, 1))
      return makeError("logarithm of a non-positive number", name.offset);
    return exact(Expr::log(base, argument));
  }

  size_t position() const { return current.offset; }

private:
  static Quotient exact(Expr e) { return Quotient{std::move(e), Expr(1), std::nullopt}; }

  /// Refuses base^exponent before computing it when the result would
  /// exceed the limits: the computation itself is what takes minutes.
  static llvm::Error checkPowerSize(const Expr &base, int64_t exponent, size_t at) {
    if (exponent <= 1 || base.isZero())
      return llvm::Error::success();
    if (auto c = base.getConstant()) {
      // |c| >= 2 at least doubles the bit count per unit of exponent.
      bool unit = abs(c->num) == DynamicAPInt(1) && c->den == DynamicAPInt(1);
      if (!unit && exponent > int64_t(limits::kMaxCoefficientBits))
        return makeError("number too large: a power with exponent " + llvm::Twine(exponent) +
                             " exceeds 2^" + llvm::Twine(limits::kMaxCoefficientBits),
                         at);
      return llvm::Error::success();
    }
    if (base.isMonomial()) {
      for (const Factor &f : base.getTerms()[0].factors)
        if (std::abs(f.exponent) > limits::kMaxExponent / exponent)
          return makeError("exponent " + llvm::Twine(f.exponent) + " × " +
                               llvm::Twine(exponent) + " is out of range [-" +
                               llvm::Twine(limits::kMaxExponent) + ", " +
                               llvm::Twine(limits::kMaxExponent) + "]",
                           at);
      return llvm::Error::success();
    }
    // A sum of t terms raised to e has up to C(e + t - 1, t - 1) terms.
    size_t t = base.getTerms().size();
    double count = 1;
    for (size_t i = 1; i < t && count <= double(limits::kMaxTerms); ++i)
      count = count * double(exponent + int64_t(i)) / double(i);
    if (count > double(limits::kMaxTerms))
      return makeError("expanding a sum of " + llvm::Twine(t) + " terms to the power " +
                           llvm::Twine(exponent) + " gives more than " +
                           llvm::Twine(limits::kMaxTerms) + " terms",
                       at);
    return llvm::Error::success();
  }

  /// Refuses a product of two sums whose expansion exceeds the term limit.
  static llvm::Error checkProductSize(const Expr &a, const Expr &b, size_t at) {
    if (a.getTerms().size() * b.getTerms().size() > limits::kMaxTerms)
      return makeError("expanding this product gives more than " +
                           llvm::Twine(limits::kMaxTerms) + " terms",
                       at);
    return llvm::Error::success();
  }

  /// Counts nesting (parentheses, calls, unary signs) so that hostile input
  /// gets an error instead of overflowing the stack.
  class NestingGuard {
  public:
    explicit NestingGuard(Parser &parser) : parser(parser) { ++parser.depth; }
    ~NestingGuard() { --parser.depth; }
    llvm::Error check() {
      if (parser.depth > limits::kMaxNesting)
        return makeError("expression nested more than " +
                             llvm::Twine(limits::kMaxNesting) + " levels deep",
                         parser.current.offset);
      return llvm::Error::success();
    }

  private:
    Parser &parser;
  };

  static llvm::Error withOffset(llvm::Error error, size_t offset) {
    std::string message = llvm::toString(std::move(error));
    return makeError(message, offset);
  }

  /// Moves a monomial denominator into the numerator (exact in the algebra).
  static Quotient normalize(Quotient q) {
    if (q.den != Expr(1) && q.den.isMonomial()) {
      q.num = cantFail(q.num.divide(q.den));
      q.den = Expr(1);
      q.inexactAt.reset();
    }
    return q;
  }

  static Quotient add(Quotient a, Quotient b) {
    auto at = a.inexactAt ? a.inexactAt : b.inexactAt;
    if (a.den == b.den)
      return normalize(Quotient{a.num + b.num, a.den, at});
    return normalize(Quotient{a.num * b.den + b.num * a.den, a.den * b.den, at});
  }

  static Quotient multiply(Quotient a, Quotient b) {
    auto at = a.inexactAt ? a.inexactAt : b.inexactAt;
    return normalize(Quotient{a.num * b.num, a.den * b.den, at});
  }

  llvm::StringRef text;
  Lexer lexer;
  Token current{TokenKind::End, "", 0};
  unsigned depth = 0;
};

} // namespace

llvm::Expected<Expr> costopt::sym::parse(llvm::StringRef text) {
  Parser parser(text);
  if (auto e = parser.init())
    return std::move(e);
  auto result = parser.parseExactExpr();
  if (!result)
    return result.takeError();
  if (parser.peek().kind != TokenKind::End)
    return parser.errorHere("expected an operator or the end of the expression");
  return result;
}

llvm::Expected<std::vector<Expr>> costopt::sym::parseList(llvm::StringRef text) {
  Parser parser(text);
  if (auto e = parser.init())
    return std::move(e);
  std::vector<Expr> result;
  if (parser.peek().kind == TokenKind::End)
    return result;
  while (true) {
    auto e = parser.parseExactExpr();
    if (!e)
      return e.takeError();
    result.push_back(std::move(*e));
    if (parser.peek().kind == TokenKind::End)
      return result;
    if (auto err = parser.expect(TokenKind::Comma, "',' between expressions"))
      return std::move(err);
  }
}

llvm::Expected<std::vector<Constraint>>
costopt::sym::parseConstraints(llvm::StringRef text) {
  Parser parser(text);
  if (auto e = parser.init())
    return std::move(e);
  std::vector<Constraint> result;
  if (parser.peek().kind == TokenKind::End)
    return result;
  while (true) {
    size_t start = parser.position();
    auto lhs = parser.parseExactExpr();
    if (!lhs)
      return lhs.takeError();
    Constraint c{Constraint::Kind::Equal, *lhs, Expr(), start};
    TokenKind op = parser.peek().kind;
    if (op == TokenKind::Percent) {
      if (auto e = parser.advance())
        return std::move(e);
      auto divisor = parser.parseExactExpr();
      if (!divisor)
        return divisor.takeError();
      if (auto e = parser.expect(TokenKind::EqEq, "'==' in 'x % y == 0'"))
        return std::move(e);
      size_t zeroAt = parser.position();
      auto zero = parser.parseExactExpr();
      if (!zero)
        return zero.takeError();
      if (!zero->isZero())
        return makeError("only 'x % y == 0' divisibility constraints are supported",
                         zeroAt);
      c.kind = Constraint::Kind::Divisible;
      c.rhs = *divisor;
    } else {
      switch (op) {
      case TokenKind::EqEq: c.kind = Constraint::Kind::Equal; break;
      case TokenKind::GreaterEq: c.kind = Constraint::Kind::GreaterEqual; break;
      case TokenKind::LessEq: c.kind = Constraint::Kind::LessEqual; break;
      case TokenKind::Greater: c.kind = Constraint::Kind::Greater; break;
      case TokenKind::Less: c.kind = Constraint::Kind::Less; break;
      default:
        return parser.errorHere("expected a comparison ('%', '==', '>=', '<=', '>', '<')");
      }
      if (auto e = parser.advance())
        return std::move(e);
      auto rhs = parser.parseExactExpr();
      if (!rhs)
        return rhs.takeError();
      c.rhs = *rhs;
    }
    result.push_back(std::move(c));
    if (parser.peek().kind == TokenKind::End)
      return result;
    if (auto e = parser.expect(TokenKind::Comma, "',' between constraints"))
      return std::move(e);
  }
}
