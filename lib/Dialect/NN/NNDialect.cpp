//===- NNDialect.cpp - nn dialect, sizes and types ------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Sizes are read from MLIR's own tokens (identifiers, integers, `* / + -`,
// parentheses), rebuilt into text and handed to the symbolic algebra's
// parser; each piece of text remembers the token it came from, so an error
// in `ceil(n/(k - 1)` points at the right column of the .mlir file.
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/NNDialect.h"
#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace costopt;
using namespace costopt::nn;

#include "costopt/Dialect/NN/NNDialect.cpp.inc"

namespace costopt::nn::detail {
/// A size's storage: its canonical text, which is the key, and the
/// expression parsed from it once, when the attribute is first made.
/// Analyses call DimAttr::getExpr() for every dimension of every op, so
/// parsing the text there each time dominated the analysis of big models.
struct DimAttrStorage : public mlir::AttributeStorage {
  using KeyTy = std::tuple<llvm::StringRef>;
  DimAttrStorage(llvm::StringRef text, sym::Expr expr) : text(text), expr(std::move(expr)) {}

  KeyTy getAsKey() const { return KeyTy(text); }
  bool operator==(const KeyTy &key) const { return text == std::get<0>(key); }
  static llvm::hash_code hashKey(const KeyTy &key) {
    return llvm::hash_combine(std::get<0>(key));
  }
  static DimAttrStorage *construct(mlir::AttributeStorageAllocator &allocator, KeyTy &&key) {
    llvm::StringRef text = allocator.copyInto(std::get<0>(key));
    // The text was produced by the algebra's printer, so it always parses.
    sym::Expr expr = llvm::cantFail(sym::parse(text));
    return new (allocator.allocate<DimAttrStorage>()) DimAttrStorage(text, std::move(expr));
  }

  llvm::StringRef text;
  sym::Expr expr;
};
} // namespace costopt::nn::detail

#define GET_ATTRDEF_CLASSES
#include "costopt/Dialect/NN/NNAttributes.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "costopt/Dialect/NN/NNTypes.cpp.inc"

void NNDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "costopt/Dialect/NN/NNOps.cpp.inc"
      >();
}

void NNDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "costopt/Dialect/NN/NNAttributes.cpp.inc"
      >();
}

void NNDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "costopt/Dialect/NN/NNTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Size expressions
//===----------------------------------------------------------------------===//

namespace {

/// Text rebuilt from tokens, with the source location of each piece.
struct TokenText {
  std::string text;
  llvm::SmallVector<std::pair<size_t, llvm::SMLoc>> pieces;

  void append(llvm::StringRef piece, llvm::SMLoc loc, bool glue = false) {
    if (!text.empty() && !glue)
      text += ' ';
    pieces.push_back({text.size(), loc});
    text += piece.str();
  }

  /// The location of the piece containing byte `offset` of `text`.
  llvm::SMLoc locationOf(size_t offset) const {
    llvm::SMLoc loc = pieces.empty() ? llvm::SMLoc() : pieces.front().second;
    for (auto [start, pieceLoc] : pieces)
      if (start <= offset)
        loc = pieceLoc;
    return loc;
  }
};

} // namespace

/// Reads expression tokens until one that cannot continue the expression at
/// depth 0 (a `,` or `)` there ends it too). With `comparisons`, also reads
/// `=`, `<`, `>` (gluing `==`, `>=`, `<=`) and `mod` (as `%`), for
/// constraints. Returns std::nullopt if not even one token was read.
static OptionalParseResult readExpressionTokens(AsmParser &parser, TokenText &out,
                                                bool comparisons) {
  int depth = 0;
  while (true) {
    llvm::SMLoc loc = parser.getCurrentLocation();
    if (succeeded(parser.parseOptionalLParen())) {
      ++depth;
      out.append("(", loc);
    } else if (depth > 0 && succeeded(parser.parseOptionalRParen())) {
      --depth;
      out.append(")", loc);
    } else if (depth > 0 && succeeded(parser.parseOptionalComma())) {
      out.append(",", loc);
    } else if (succeeded(parser.parseOptionalStar())) {
      out.append("*", loc);
    } else if (succeeded(parser.parseOptionalSlash())) {
      out.append("/", loc);
    } else if (succeeded(parser.parseOptionalPlus())) {
      out.append("+", loc);
    } else if (succeeded(parser.parseOptionalMinus())) {
      out.append("-", loc);
    } else if (comparisons && succeeded(parser.parseOptionalEqual())) {
      bool glue = !out.text.empty() && llvm::StringRef("=<>").contains(out.text.back());
      out.append("=", loc, glue);
    } else if (comparisons && succeeded(parser.parseOptionalLess())) {
      out.append("<", loc);
    } else if (comparisons && succeeded(parser.parseOptionalGreater())) {
      out.append(">", loc);
    } else {
      llvm::APInt value;
      OptionalParseResult integer = parser.parseOptionalInteger(value);
      if (integer.has_value()) {
        if (failed(*integer))
          return failure();
        out.append(llvm::toString(value, 10, /*Signed=*/false), loc);
        continue;
      }
      llvm::StringRef keyword;
      if (succeeded(parser.parseOptionalKeyword(&keyword))) {
        out.append(comparisons && keyword == "mod" ? "%" : keyword, loc);
        continue;
      }
      break;
    }
  }
  if (out.pieces.empty())
    return std::nullopt;
  if (depth != 0)
    return parser.emitError(parser.getCurrentLocation(),
                            "expected ')' to close the expression");
  return success();
}

/// Reports a SymError at the token it points into.
static ParseResult emitSymError(AsmParser &parser, const TokenText &tokens, llvm::Error error,
                         llvm::StringRef context) {
  std::string message;
  std::optional<size_t> offset;
  llvm::handleAllErrors(std::move(error), [&](const sym::SymError &e) {
    message = e.getMessage();
    offset = e.getOffset();
  });
  llvm::SMLoc loc = offset ? tokens.locationOf(*offset) : tokens.locationOf(0);
  return parser.emitError(loc, context) << message;
}

OptionalParseResult costopt::nn::parseOptionalSizeExpr(AsmParser &parser, sym::Expr &result) {
  TokenText tokens;
  OptionalParseResult read = readExpressionTokens(parser, tokens, /*comparisons=*/false);
  if (!read.has_value() || failed(*read))
    return read;
  auto expr = sym::parse(tokens.text);
  if (!expr)
    return emitSymError(parser, tokens, expr.takeError(), "invalid size: ");
  result = *expr;
  return success();
}

Attribute NNDialect::lookupParsedSize(llvm::StringRef text) {
  std::lock_guard<std::mutex> lock(parsedSizesMutex);
  return parsedSizes.lookup(text);
}

void NNDialect::rememberParsedSize(llvm::StringRef text, Attribute size) {
  std::lock_guard<std::mutex> lock(parsedSizesMutex);
  parsedSizes.try_emplace(text, size);
}

OptionalParseResult costopt::nn::parseOptionalDimAttr(AsmParser &parser, DimAttr &result) {
  TokenText tokens;
  OptionalParseResult read = readExpressionTokens(parser, tokens, /*comparisons=*/false);
  if (!read.has_value() || failed(*read))
    return read;
  auto *dialect = parser.getContext()->getLoadedDialect<NNDialect>();
  if (auto known = llvm::dyn_cast_or_null<DimAttr>(dialect->lookupParsedSize(tokens.text))) {
    result = known;
    return success();
  }
  auto expr = sym::parse(tokens.text);
  if (!expr)
    return emitSymError(parser, tokens, expr.takeError(), "invalid size: ");
  result = DimAttr::get(parser.getContext(), *expr);
  dialect->rememberParsedSize(tokens.text, result);
  return success();
}

ParseResult costopt::nn::parseDimAttr(AsmParser &parser, DimAttr &result) {
  OptionalParseResult parsed = parseOptionalDimAttr(parser, result);
  if (!parsed.has_value())
    return parser.emitError(parser.getCurrentLocation(),
                            "expected a size (an integer, a symbol or an expression)");
  return *parsed;
}

ParseResult costopt::nn::parseSizeExpr(AsmParser &parser, sym::Expr &result) {
  OptionalParseResult parsed = parseOptionalSizeExpr(parser, result);
  if (!parsed.has_value())
    return parser.emitError(parser.getCurrentLocation(),
                            "expected a size (an integer, a symbol or an expression)");
  return *parsed;
}

std::optional<std::string> costopt::nn::fileLineColOf(Location loc) {
  if (auto named = llvm::dyn_cast<NameLoc>(loc))
    loc = named.getChildLoc();
  if (auto file = llvm::dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine()) + ":" +
            llvm::Twine(file.getColumn()))
        .str();
  return std::nullopt;
}

std::string costopt::nn::formatSizeExpr(const sym::Expr &expr) {
  sym::PrintOptions options;
  options.notation = sym::Notation::Ascii;
  options.powersAsProducts = true;
  return sym::print(expr, options);
}

void costopt::nn::printSizeExpr(AsmPrinter &printer, const sym::Expr &expr) {
  printer.getStream() << formatSizeExpr(expr);
}

std::string costopt::nn::quotedConstraint(llvm::StringRef text) {
  constexpr size_t kMaxQuoted = 120;
  if (text.size() <= kMaxQuoted)
    return "'" + text.str() + "'";
  return "'" + text.take_front(kMaxQuoted).str() + "...' (" + std::to_string(text.size()) +
         " characters)";
}

ParseResult costopt::nn::parseConstraintList(AsmParser &parser,
                                            llvm::SmallVectorImpl<std::string> &constraints,
                                            llvm::SmallVectorImpl<llvm::SMLoc> &locations) {
  auto parseOne = [&]() -> ParseResult {
    locations.push_back(parser.getCurrentLocation());
    TokenText tokens;
    OptionalParseResult read = readExpressionTokens(parser, tokens, /*comparisons=*/true);
    if (!read.has_value())
      return parser.emitError(parser.getCurrentLocation(),
                              "expected a constraint such as 'd mod h == 0' or 'k >= 2'");
    if (failed(*read))
      return failure();
    auto parsed = sym::parseConstraints(tokens.text);
    if (!parsed)
      return emitSymError(parser, tokens, parsed.takeError(),
                          "invalid constraint " + quotedConstraint(tokens.text) + ": ");
    constraints.push_back(tokens.text);
    return success();
  };
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Paren, parseOne);
}

//===----------------------------------------------------------------------===//
// DimAttr
//===----------------------------------------------------------------------===//

const sym::Expr &DimAttr::getExpr() const { return getImpl()->expr; }

Attribute DimAttr::parse(AsmParser &parser, Type) {
  DimAttr dim;
  if (parser.parseLess() || parseDimAttr(parser, dim) || parser.parseGreater())
    return {};
  return dim;
}

void DimAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printSizeExpr(printer, getExpr());
  printer << ">";
}

//===----------------------------------------------------------------------===//
// Shaped types
//===----------------------------------------------------------------------===//

ParseResult costopt::nn::parseDimList(AsmParser &parser,
                                      llvm::SmallVector<DimAttr> &dims) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() -> ParseResult {
    DimAttr dim;
    if (parseDimAttr(parser, dim))
      return failure();
    dims.push_back(dim);
    return success();
  });
}

void costopt::nn::printDimList(AsmPrinter &printer, llvm::ArrayRef<DimAttr> dims) {
  printer << "[";
  llvm::interleaveComma(dims, printer.getStream(),
                        [&](DimAttr dim) { printSizeExpr(printer, dim.getExpr()); });
  printer << "]";
}

static llvm::SmallVector<DimAttr> toDimAttrs(MLIRContext *context,
                                             llvm::ArrayRef<sym::Expr> exprs) {
  llvm::SmallVector<DimAttr> dims;
  for (const sym::Expr &e : exprs)
    dims.push_back(DimAttr::get(context, e));
  return dims;
}

static LogicalResult verifyShape(llvm::function_ref<InFlightDiagnostic()> emitError,
                                 llvm::ArrayRef<DimAttr> shape) {
  if (shape.empty())
    return emitError() << "needs at least one dimension";
  for (DimAttr dim : shape)
    if (!dim)
      return emitError() << "has a null dimension";
  return success();
}

// The two shaped types share their accessors; only the storage differs.
#define COSTOPT_SHAPED_TYPE_METHODS(TypeName)                                   \
  TypeName TypeName::get(MLIRContext *context, llvm::ArrayRef<sym::Expr> exprs) { \
    return Base::get(context, toDimAttrs(context, exprs));                      \
  }                                                                             \
  llvm::SmallVector<sym::Expr> TypeName::getShapeExprs() const {                \
    llvm::SmallVector<sym::Expr> exprs;                                         \
    for (DimAttr dim : getShape())                                              \
      exprs.push_back(dim.getExpr());                                           \
    return exprs;                                                               \
  }                                                                             \
  sym::Expr TypeName::getDimExpr(int i) const {                                 \
    int rank = getShape().size();                                               \
    return getShape()[i < 0 ? rank + i : i].getExpr();                          \
  }                                                                             \
  LogicalResult TypeName::verify(                                               \
      llvm::function_ref<InFlightDiagnostic()> emitError,                       \
      llvm::ArrayRef<DimAttr> shape) {                                          \
    return verifyShape(emitError, shape);                                       \
  }

COSTOPT_SHAPED_TYPE_METHODS(TokensType)
COSTOPT_SHAPED_TYPE_METHODS(NNTensorType)
#undef COSTOPT_SHAPED_TYPE_METHODS

SeqType SeqType::get(MLIRContext *context, llvm::ArrayRef<sym::Expr> exprs,
                     int64_t positionAxis) {
  // One spelling per type: the default axis is stored as -1.
  if (positionAxis == static_cast<int64_t>(exprs.size()) - 2)
    positionAxis = -1;
  return Base::get(context, toDimAttrs(context, exprs), positionAxis);
}
llvm::SmallVector<sym::Expr> SeqType::getShapeExprs() const {
  llvm::SmallVector<sym::Expr> exprs;
  for (DimAttr dim : getShape())
    exprs.push_back(dim.getExpr());
  return exprs;
}
sym::Expr SeqType::getDimExpr(int i) const {
  int rank = getShape().size();
  return getShape()[i < 0 ? rank + i : i].getExpr();
}
std::optional<unsigned> SeqType::getPositionAxis() const {
  if (getPosition() >= 0)
    return static_cast<unsigned>(getPosition());
  if (getRank() >= 2)
    return getRank() - 2;
  return std::nullopt;
}
LogicalResult SeqType::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                              llvm::ArrayRef<DimAttr> shape, int64_t position) {
  if (failed(verifyShape(emitError, shape)))
    return failure();
  int64_t rank = shape.size();
  if (position < -1 || position >= rank)
    return emitError() << "position axis " << position << " is not an axis of the rank-"
                       << rank << " sequence";
  if (position >= 0 && position == rank - 2)
    return emitError() << "position axis " << position
                       << " is the default (second to last): leave it out";
  return success();
}

ParseResult costopt::nn::parsePositionAxis(AsmParser &parser, int64_t &position,
                                           llvm::ArrayRef<DimAttr> shape) {
  position = -1;
  if (failed(parser.parseOptionalComma()))
    return success();
  llvm::SMLoc at = parser.getCurrentLocation();
  if (parser.parseKeyword("position") || parser.parseEqual() || parser.parseInteger(position))
    return failure();
  int64_t rank = shape.size();
  if (position < 0 || position >= rank)
    return parser.emitError(at) << "position axis " << position
                                << " is not an axis of the rank-" << rank << " sequence";
  if (position == rank - 2)
    position = -1;
  return success();
}

void costopt::nn::printPositionAxis(AsmPrinter &printer, int64_t position,
                                    llvm::ArrayRef<DimAttr>) {
  if (position >= 0)
    printer << ", position = " << position;
}

llvm::ArrayRef<DimAttr> costopt::nn::shapeOf(Type type) {
  if (auto t = llvm::dyn_cast<SeqType>(type))
    return t.getShape();
  if (auto t = llvm::dyn_cast<NNTensorType>(type))
    return t.getShape();
  if (auto t = llvm::dyn_cast<TokensType>(type))
    return t.getShape();
  return {};
}

llvm::SmallVector<sym::Expr> costopt::nn::shapeExprsOf(Type type) {
  llvm::SmallVector<sym::Expr> exprs;
  for (DimAttr dim : shapeOf(type))
    exprs.push_back(dim.getExpr());
  return exprs;
}

sym::Expr costopt::nn::elementCountOf(Type type) {
  sym::Expr count(1);
  for (const sym::Expr &size : shapeExprsOf(type))
    count *= size;
  return count;
}
