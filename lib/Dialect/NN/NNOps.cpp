//===- NNOps.cpp - nn dialect operations ----------------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Verification is split in two. Each op's verify() checks what holds for
// every value of the symbols (ranks, equal sizes, option names). The model's
// region verifier then parses the constraints once and runs the checks that
// need them: every symbol is declared, every size is provably >= 1, and each
// op's verifySizes() (heads divides the width, top_k <= experts, ...).
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Dialect/NN/PointCheck.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace costopt;
using namespace costopt::nn;

#include "costopt/Dialect/NN/NNInterfaces.cpp.inc"

/// `[d, 4*d]`: a list of sizes (nn.map's `sizes`).
static ParseResult parseSizeList(OpAsmParser &parser, ArrayAttr &result) {
  llvm::SmallVector<Attribute> sizes;
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, [&]() {
        DimAttr size;
        if (parseDimAttr(parser, size))
          return failure();
        sizes.push_back(size);
        return success();
      }))
    return failure();
  result = ArrayAttr::get(parser.getContext(), sizes);
  return success();
}

static void printSizeList(OpAsmPrinter &printer, Operation *, ArrayAttr sizes) {
  printer << "[";
  llvm::interleaveComma(sizes, printer, [&](Attribute a) {
    printer << formatSizeExpr(llvm::cast<DimAttr>(a).getExpr());
  });
  printer << "]";
}

#define GET_OP_CLASSES
#include "costopt/Dialect/NN/NNOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static std::string show(const sym::Expr &e) { return formatSizeExpr(e); }

/// Checks that `value` is one of `allowed`, naming them otherwise.
static LogicalResult verifyOneOf(Operation *op, llvm::StringRef what, llvm::StringRef value,
                                 llvm::ArrayRef<llvm::StringRef> allowed) {
  if (llvm::is_contained(allowed, value))
    return success();
  auto diag = op->emitOpError() << "unknown " << what << " '" << value << "'; expected one of ";
  llvm::interleave(allowed, [&](llvm::StringRef s) { diag << "\"" << s << "\""; },
                   [&] { diag << ", "; });
  return diag;
}

/// Checks that all but the last `tail` dimensions agree.
static LogicalResult verifyLeadingDims(Operation *op, Type input, Type result,
                                       unsigned inputTail, unsigned resultTail) {
  auto in = shapeOf(input), out = shapeOf(result);
  if (in.size() < inputTail || out.size() < resultTail ||
      in.size() - inputTail != out.size() - resultTail)
    return op->emitOpError() << "result rank " << out.size()
                             << " does not match input rank " << in.size();
  for (size_t i = 0; i + inputTail < in.size(); ++i)
    if (in[i] != out[i])
      return op->emitOpError() << "result dimension " << i << " is "
                               << show(out[i].getExpr()) << " but input dimension " << i
                               << " is " << show(in[i].getExpr());
  return success();
}

static LogicalResult verifyEqualSize(Operation *op, llvm::StringRef what,
                                     const sym::Expr &actual, const sym::Expr &expected) {
  if (actual == expected)
    return success();
  return op->emitOpError() << what << " is " << show(actual) << " but must be "
                           << show(expected);
}

static LogicalResult verifyRankAtLeast(Operation *op, Type type, unsigned rank) {
  if (shapeOf(type).size() >= rank)
    return success();
  return op->emitOpError() << "expects a [..., n, d] tensor of rank >= " << rank
                           << ", got rank " << shapeOf(type).size();
}

/// Requires `divisor` to divide `dividend` under the model's assumptions.
static LogicalResult verifyDivides(Operation *op, const sym::Assumptions &assumptions,
                                   const sym::Expr &dividend, llvm::StringRef dividendName,
                                   const sym::Expr &divisor, llvm::StringRef divisorName) {
  if (assumptions.knowsDivides(dividend, divisor))
    return success();
  if (auto a = dividend.getConstant(), b = divisor.getConstant(); a && b)
    return op->emitOpError() << divisorName << " " << show(divisor) << " does not divide "
                             << dividendName << " " << show(dividend);
  return op->emitOpError() << "cannot prove that " << divisorName << " " << show(divisor)
                           << " divides " << dividendName << " " << show(dividend)
                           << "; add '" << show(dividend) << " mod " << show(divisor)
                           << " == 0' to the model's where clause";
}

/// Requires lhs <= rhs to be provable.
static LogicalResult verifyAtMost(Operation *op, const sym::Assumptions &assumptions,
                                  const sym::Expr &lhs, llvm::StringRef lhsName,
                                  const sym::Expr &rhs, llvm::StringRef rhsName) {
  sym::Sign sign = sym::decideSign(rhs - lhs, assumptions);
  if (sym::isNonNegative(sign))
    return success();
  if (sign == sym::Sign::Negative)
    return op->emitOpError() << lhsName << " " << show(lhs) << " exceeds " << rhsName << " "
                             << show(rhs);
  return op->emitOpError() << "cannot prove " << lhsName << " " << show(lhs) << " <= "
                           << rhsName << " " << show(rhs)
                           << "; add it to the model's where clause";
}

static sym::Expr exprOr(DimAttr attr, const sym::Expr &fallback) {
  return attr ? attr.getExpr() : fallback;
}

//===----------------------------------------------------------------------===//
// Layer op assembly
//===----------------------------------------------------------------------===//

/// Parses one attribute value: "text", [sizes], true/false, a size, or any
/// MLIR attribute.
static ParseResult parseLayerAttrValue(OpAsmParser &parser, Attribute &value) {
  MLIRContext *context = parser.getContext();
  std::string text;
  if (succeeded(parser.parseOptionalString(&text))) {
    value = StringAttr::get(context, text);
    return success();
  }
  if (succeeded(parser.parseOptionalLSquare())) {
    llvm::SmallVector<Attribute> dims;
    if (failed(parser.parseOptionalRSquare())) {
      if (parser.parseCommaSeparatedList([&]() -> ParseResult {
            // An nn.contract's indexing maps.
            if (succeeded(parser.parseOptionalKeyword("affine_map"))) {
              AffineMap map;
              if (parser.parseLess() || parser.parseAffineMap(map) || parser.parseGreater())
                return failure();
              dims.push_back(AffineMapAttr::get(map));
              return success();
            }
            DimAttr dim;
            OptionalParseResult size = parseOptionalDimAttr(parser, dim);
            if (!size.has_value()) {
              // Anything else an attribute can be (`#map` aliases).
              Attribute attr;
              if (parser.parseAttribute(attr))
                return failure();
              dims.push_back(attr);
              return success();
            }
            if (failed(*size))
              return failure();
            dims.push_back(dim);
            return success();
          }) ||
          parser.parseRSquare())
        return failure();
    }
    value = ArrayAttr::get(context, dims);
    return success();
  }
  if (succeeded(parser.parseOptionalKeyword("true"))) {
    value = BoolAttr::get(context, true);
    return success();
  }
  if (succeeded(parser.parseOptionalKeyword("false"))) {
    value = BoolAttr::get(context, false);
    return success();
  }
  // An nn.contract's mask.
  if (succeeded(parser.parseOptionalKeyword("affine_set"))) {
    IntegerSet set;
    if (parser.parseLess() || parser.parseIntegerSet(set) || parser.parseGreater())
      return failure();
    value = IntegerSetAttr::get(set);
    return success();
  }
  DimAttr size;
  OptionalParseResult parsedSize = parseOptionalDimAttr(parser, size);
  if (parsedSize.has_value()) {
    if (failed(*parsedSize))
      return failure();
    value = size;
    return success();
  }
  return parser.parseAttribute(value);
}

ParseResult costopt::nn::parseLayerOp(OpAsmParser &parser, OperationState &result) {
  llvm::SmallVector<OpAsmParser::UnresolvedOperand> operands;
  llvm::SMLoc operandsLoc = parser.getCurrentLocation();
  if (parser.parseOperandList(operands))
    return failure();

  if (succeeded(parser.parseOptionalLBrace()) &&
      failed(parser.parseOptionalRBrace())) {
    llvm::StringSet<> seen;
    auto parseEntry = [&]() -> ParseResult {
      llvm::SMLoc keyLoc = parser.getCurrentLocation();
      std::string key;
      if (parser.parseKeywordOrString(&key))
        return failure();
      if (!seen.insert(key).second)
        return parser.emitError(keyLoc, "attribute '") << key << "' is given twice";
      // A misspelt option ('casual') must not silently change the result.
      llvm::ArrayRef<StringAttr> known = result.name.getAttributeNames();
      if (!llvm::any_of(known, [&](StringAttr name) { return name.getValue() == key; })) {
        auto diag = parser.emitError(keyLoc, "unknown attribute '")
                    << key << "' for '" << result.name.getStringRef() << "'";
        StringAttr closest;
        unsigned best = 3; // suggest only near misses
        for (StringAttr name : known)
          if (unsigned distance = llvm::StringRef(key).edit_distance(name.getValue());
              distance < best) {
            best = distance;
            closest = name;
          }
        if (closest)
          diag << "; did you mean '" << closest.getValue() << "'?";
        else {
          diag << "; known: ";
          llvm::interleaveComma(known, diag, [&](StringAttr a) { diag << a.getValue(); });
        }
        return diag;
      }
      Attribute value = UnitAttr::get(parser.getContext());
      if (succeeded(parser.parseOptionalEqual()) && parseLayerAttrValue(parser, value))
        return failure();
      result.addAttribute(key, value);
      return success();
    };
    if (parser.parseCommaSeparatedList(parseEntry) || parser.parseRBrace())
      return failure();
  }

  llvm::SmallVector<Type> operandTypes;
  if (parser.parseColon() || parser.parseTypeList(operandTypes))
    return failure();
  // One type stands for every operand when they all share it (nn.add).
  if (operandTypes.size() == 1 && operands.size() > 1)
    operandTypes.assign(operands.size(), operandTypes.front());
  if (operandTypes.size() != operands.size())
    return parser.emitError(operandsLoc)
           << operands.size() << " operand(s) but " << operandTypes.size() << " type(s)";
  // `-> type`, or `-> (type, ...)` for several results (nn.opaque).
  llvm::SmallVector<Type> resultTypes = {operandTypes.front()};
  if (succeeded(parser.parseOptionalArrow())) {
    resultTypes.clear();
    if (succeeded(parser.parseOptionalLParen())) {
      if (failed(parser.parseOptionalRParen()) &&
          (parser.parseTypeList(resultTypes) || parser.parseRParen()))
        return failure();
    } else if (parser.parseType(resultTypes.emplace_back())) {
      return failure();
    }
  }
  if (parser.resolveOperands(operands, operandTypes, operandsLoc, result.operands))
    return failure();
  result.addTypes(resultTypes);
  return success();
}

void costopt::nn::printLayerOp(Operation *op, OpAsmPrinter &printer) {
  printer << " ";
  printer.printOperands(op->getOperands());
  // Attributes equal to their ODS default are implied; leave them out.
  NamedAttrList defaults;
  op->getName().populateDefaultAttrs(defaults);
  llvm::SmallVector<NamedAttribute> shown;
  for (NamedAttribute attr : op->getAttrs())
    if (defaults.get(attr.getName()) != attr.getValue())
      shown.push_back(attr);
  if (!shown.empty()) {
    printer << " {";
    llvm::interleaveComma(shown, printer, [&](NamedAttribute attr) {
      printer.printKeywordOrString(attr.getName().getValue());
      Attribute value = attr.getValue();
      if (llvm::isa<UnitAttr>(value))
        return;
      printer << " = ";
      if (auto dim = llvm::dyn_cast<DimAttr>(value)) {
        printSizeExpr(printer, dim.getExpr());
      } else if (auto array = llvm::dyn_cast<ArrayAttr>(value);
                 array && llvm::all_of(array, [](Attribute a) { return llvm::isa<DimAttr>(a); })) {
        printer << "[";
        llvm::interleaveComma(array, printer, [&](Attribute a) {
          printSizeExpr(printer, llvm::cast<DimAttr>(a).getExpr());
        });
        printer << "]";
      } else {
        printer.printAttribute(value);
      }
    });
    printer << "}";
  }
  printer << " : ";
  auto operandTypes = op->getOperandTypes();
  if (!operandTypes.empty() && llvm::all_equal(operandTypes))
    printer << operandTypes[0];
  else
    llvm::interleaveComma(operandTypes, printer);
  if (op->getNumResults() == 1 &&
      (op->getNumOperands() == 0 || op->getResultTypes()[0] != op->getOperandTypes()[0]))
    printer << " -> " << op->getResultTypes()[0];
  if (op->getNumResults() > 1) {
    printer << " -> (";
    llvm::interleaveComma(op->getResultTypes(), printer);
    printer << ")";
  }
}

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

ParseResult ModelOp::parse(OpAsmParser &parser, OperationState &result) {
  MLIRContext *context = parser.getContext();
  StringAttr name;
  if (parser.parseSymbolName(name, SymbolTable::getSymbolAttrName(), result.attributes))
    return failure();

  llvm::SmallVector<OpAsmParser::Argument> arguments;
  if (parser.parseArgumentList(arguments, OpAsmParser::Delimiter::Paren,
                               /*allowType=*/true))
    return failure();

  llvm::SmallVector<Attribute> symbols;
  llvm::SmallVector<NamedAttribute> defaults;
  if (parser.parseKeyword("symbols") || parser.parseLParen())
    return failure();
  if (failed(parser.parseOptionalRParen())) {
    auto parseSymbol = [&]() -> ParseResult {
      std::string symbol;
      if (parser.parseKeywordOrString(&symbol))
        return failure();
      symbols.push_back(StringAttr::get(context, symbol));
      if (succeeded(parser.parseOptionalEqual())) {
        llvm::SMLoc valueLoc = parser.getCurrentLocation();
        llvm::APInt value;
        if (parser.parseInteger(value))
          return failure();
        if (succeeded(parser.parseOptionalSlash()))
          return parser.emitError(valueLoc, "default value of '")
                 << symbol << "' must be an integer (sizes are whole numbers)";
        // Every value of int64_t (up to 2^63 - 1) fits.
        if (value.getSignificantBits() > 64)
          return parser.emitError(valueLoc, "default value of '")
                 << symbol << "' must be below 2^63";
        defaults.emplace_back(StringAttr::get(context, symbol),
                              IntegerAttr::get(IntegerType::get(context, 64),
                                               value.sextOrTrunc(64)));
      }
      return success();
    };
    if (parser.parseCommaSeparatedList(parseSymbol) || parser.parseRParen())
      return failure();
  }

  llvm::SmallVector<std::string> constraintTexts;
  llvm::SmallVector<llvm::SMLoc> constraintStarts;
  if (succeeded(parser.parseOptionalKeyword("where")) &&
      parseConstraintList(parser, constraintTexts, constraintStarts))
    return failure();
  llvm::SmallVector<Attribute> constraints, constraintLocs;
  for (const std::string &text : constraintTexts)
    constraints.push_back(StringAttr::get(context, text));
  for (llvm::SMLoc start : constraintStarts)
    constraintLocs.push_back(parser.getEncodedSourceLoc(start));
  if (!constraintLocs.empty())
    result.addAttribute(getConstraintLocsAttrName(result.name),
                        ArrayAttr::get(context, constraintLocs));

  result.addAttribute(getSymbolsAttrName(result.name), ArrayAttr::get(context, symbols));
  result.addAttribute(getDefaultsAttrName(result.name), DictionaryAttr::get(context, defaults));
  result.addAttribute(getConstraintsAttrName(result.name),
                      ArrayAttr::get(context, constraints));
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *body = result.addRegion();
  return parser.parseRegion(*body, arguments);
}

void ModelOp::print(OpAsmPrinter &printer) {
  printer << " ";
  printer.printSymbolName(getSymName());
  printer << "(";
  llvm::interleaveComma(getBodyBlock().getArguments(), printer, [&](BlockArgument arg) {
    printer.printRegionArgument(arg);
  });
  printer << ") symbols(";
  llvm::interleaveComma(getSymbols(), printer, [&](Attribute symbol) {
    llvm::StringRef name = llvm::cast<StringAttr>(symbol).getValue();
    printer.printKeywordOrString(name);
    if (auto value = getDefaults().getAs<IntegerAttr>(name))
      printer << " = " << value.getValue();
  });
  printer << ")";
  if (!getConstraints().empty()) {
    printer << " where (";
    llvm::interleaveComma(getConstraints(), printer, [&](Attribute c) {
      std::string text = llvm::cast<StringAttr>(c).getValue().str();
      for (size_t pos; (pos = text.find('%')) != std::string::npos;)
        text.replace(pos, 1, "mod");
      printer << text;
    });
    printer << ")";
  }
  printer.printOptionalAttrDictWithKeyword(
      (*this)->getAttrs(), {SymbolTable::getSymbolAttrName(), getSymbolsAttrName(),
                            getDefaultsAttrName(), getConstraintsAttrName(),
                            getConstraintLocsAttrName()});
  printer << " ";
  printer.printRegion(getBody(), /*printEntryBlockArgs=*/false);
}

OutputOp ModelOp::getOutputOp() {
  return llvm::dyn_cast<OutputOp>(getBodyBlock().getTerminator());
}

std::vector<std::string> ModelOp::getSymbolNames() {
  std::vector<std::string> names;
  for (Attribute s : getSymbols())
    names.push_back(llvm::cast<StringAttr>(s).getValue().str());
  return names;
}

sym::Bindings ModelOp::getDefaultBindings() {
  sym::Bindings bindings;
  for (NamedAttribute entry : getDefaults())
    if (auto value = llvm::dyn_cast<IntegerAttr>(entry.getValue()))
      bindings[entry.getName().getValue()] = llvm::DynamicAPInt(value.getInt());
  return bindings;
}

std::string ModelOp::getConstraintText() {
  std::string text;
  for (auto [i, c] : llvm::enumerate(getConstraints()))
    text += (i ? ", " : "") + llvm::cast<StringAttr>(c).getValue().str();
  return text;
}

Location ModelOp::getConstraintLoc(unsigned index) {
  if (auto locs = getConstraintLocsAttr(); locs && index < locs.size())
    return llvm::cast<LocationAttr>(locs[index]);
  return getLoc();
}

FailureOr<sym::Assumptions> ModelOp::getAssumptions() {
  sym::Assumptions assumptions;
  // Each constraint parsed once, kept with its index for the second pass.
  std::vector<std::pair<unsigned, sym::Constraint>> added;
  for (auto [index, c] : llvm::enumerate(getConstraints())) {
    llvm::StringRef text = llvm::cast<StringAttr>(c).getValue();
    auto parsed = sym::parseConstraints(text);
    if (!parsed)
      return emitOpError() << "invalid constraint " << quotedConstraint(text) << ": "
                           << llvm::toString(parsed.takeError());
    for (sym::Constraint &constraint : *parsed) {
      if (llvm::Error e = sym::addConstraint(assumptions, constraint))
        return emitOpError() << "constraint " << quotedConstraint(text) << ": "
                             << llvm::toString(std::move(e));
      added.emplace_back(index, std::move(constraint));
    }
  }
  // Upper bounds against the lower bounds, all of them known now.
  for (const auto &[index, constraint] : added)
    if (llvm::Error e = sym::checkSatisfiable(assumptions, constraint))
      return mlir::emitError(getConstraintLoc(index))
             << "'nn.model' op constraint "
             << quotedConstraint(llvm::cast<StringAttr>(getConstraints()[index]).getValue())
             << ": " << llvm::toString(std::move(e));
  return assumptions;
}

LogicalResult ModelOp::verify() {
  // The name heads reports in every format: a newline or other control
  // character would break Markdown, CSV and the terminal table.
  if (llvm::any_of(getSymName(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return emitOpError() << "model name must not contain control characters (newline, tab, ...)";
  llvm::StringSet<> declared;
  static const llvm::StringRef reserved[] = {"ceil", "floor", "max", "min", "log",
                                             "unknown", "mod", "inf", "true", "false"};
  for (Attribute s : getSymbols()) {
    llvm::StringRef name = llvm::cast<StringAttr>(s).getValue();
    if (!declared.insert(name).second)
      return emitOpError() << "symbol '" << name << "' is declared twice";
    if (llvm::is_contained(reserved, name) || name.starts_with("log_"))
      return emitOpError() << "'" << name << "' is a reserved word and cannot name a symbol";
    auto parsed = sym::parse(name);
    if (!parsed || !parsed->getSymbolName()) {
      if (!parsed)
        llvm::consumeError(parsed.takeError());
      return emitOpError() << "'" << name << "' is not a valid symbol name";
    }
  }
  for (NamedAttribute entry : getDefaults()) {
    if (!declared.contains(entry.getName().getValue()))
      return emitOpError() << "default for undeclared symbol '" << entry.getName().getValue()
                           << "'";
    if (!llvm::isa<IntegerAttr>(entry.getValue()))
      return emitOpError() << "default of '" << entry.getName().getValue()
                           << "' must be an integer";
  }
  return success();
}

/// Reports the first symbol of `expr` not in `declared`.
static LogicalResult verifyDeclared(Operation *op, const sym::Expr &expr,
                                    const llvm::StringSet<> &declared) {
  for (const std::string &name : expr.getSymbols())
    if (!declared.contains(name))
      return op->emitOpError() << "uses undeclared symbol '" << name
                               << "'; declare it in the model's symbols(...)";
  return success();
}

/// True if every term c·P/Q of `expr` (P, Q products of atoms) has
/// c.den·Q dividing c.num·P under the assumptions: then `expr` is an integer.
bool costopt::nn::isKnownIntegral(const sym::Expr &expr, const sym::Assumptions &assumptions) {
  if (sym::simplify(expr, assumptions).isObviouslyIntegral())
    return true;
  for (const sym::Term &t : expr.getTerms()) {
    sym::Expr num(sym::Rational(t.coefficient.num, llvm::DynamicAPInt(1)));
    sym::Expr den(sym::Rational(t.coefficient.den, llvm::DynamicAPInt(1)));
    for (const sym::Factor &f : t.factors) {
      sym::Expr atom =
          sym::Expr::fromTerms({sym::Term{sym::Rational(1, 1), {sym::Factor{f.atom, 1}}}});
      (f.exponent > 0 ? num : den) *= cantFail(atom.pow(std::abs(f.exponent)));
    }
    if (!assumptions.knowsDivides(num, den))
      return false;
  }
  return true;
}

/// Every size must be at least 1 for all admissible symbol values.
static LogicalResult verifyPositive(Operation *op, const sym::Expr &expr,
                                    llvm::StringRef what,
                                    const sym::Assumptions &assumptions) {
  sym::Sign sign = sym::decideSign(expr - sym::Expr(1), assumptions);
  if (sym::isNonNegative(sign))
    return success();
  // A positive integer is at least 1 (d/h with h dividing d).
  if (sym::decideSign(expr, assumptions) == sym::Sign::Positive &&
      isKnownIntegral(expr, assumptions))
    return success();
  if (sign == sym::Sign::Negative || sign == sym::Sign::NonPositive ||
      expr.getConstant())
    return op->emitOpError() << what << " must be at least 1, got " << show(expr);
  return op->emitOpError() << "cannot prove " << what << " " << show(expr)
                           << " >= 1; constrain the symbols in the model's where clause";
}

LogicalResult costopt::nn::verifySize(Operation *op, const sym::Expr &expr, llvm::StringRef what,
                                     const sym::Assumptions &assumptions) {
  if (!isKnownIntegral(expr, assumptions))
    return op->emitOpError() << what << " = " << show(expr)
                             << " is not provably an integer; add a divisibility constraint "
                                "(e.g. 'd mod h == 0') or use ceil(...)";
  return verifyPositive(op, expr, what, assumptions);
}

/// Checks the sizes in one op's attributes and types against the model.
/// `proven` holds the sizes and types that passed already (the checks
/// depend only on them, the declared symbols and the assumptions, fixed for
/// one model): a model repeats a few shapes over and over, and proving the
/// same size again for every op dominated the verification of big models.
/// Only successes are remembered, so every error is found and reported
/// exactly as without it.
static LogicalResult verifySizesOf(Operation *op, const llvm::StringSet<> &declared,
                                   const sym::Assumptions &assumptions,
                                   llvm::DenseSet<const void *> &proven) {
  for (NamedAttribute attr : op->getAttrs()) {
    // Dimension numbers and offsets of the primitives may be 0; their ops
    // check them (a mask's offsets need only be >= 0 where they bound it).
    if (llvm::isa<ContractOp, MapOp, ReduceOp, TransposeOp, ConcatOp, ExtractOp>(op) &&
        llvm::is_contained({"symbols", "offset", "dims", "permutation", "dim"},
                           attr.getName().getValue()))
      continue;
    // An opaque op's stated FLOPs: a count, which may be 0.
    if (auto opaque = llvm::dyn_cast<OpaqueOp>(op); opaque && attr.getName() == "flops") {
      const sym::Expr &flops = opaque.getFlops().getExpr();
      if (failed(verifyDeclared(op, flops, declared)))
        return failure();
      sym::Sign sign = sym::decideSign(flops, assumptions);
      if (!isKnownIntegral(flops, assumptions) ||
          (sign != sym::Sign::Positive && sign != sym::Sign::NonNegative &&
           sign != sym::Sign::Zero))
        return op->emitOpError() << "'flops' = " << show(flops)
                                 << " is not provably a non-negative integer";
      continue;
    }
    llvm::SmallVector<DimAttr> dims;
    if (auto dim = llvm::dyn_cast<DimAttr>(attr.getValue()))
      dims.push_back(dim);
    else if (auto array = llvm::dyn_cast<ArrayAttr>(attr.getValue()))
      for (Attribute a : array)
        if (auto dim = llvm::dyn_cast<DimAttr>(a))
          dims.push_back(dim);
    for (DimAttr dim : dims) {
      if (proven.contains(dim.getAsOpaquePointer()))
        continue;
      const sym::Expr &expr = dim.getExpr();
      if (failed(verifyDeclared(op, expr, declared)))
        return failure();
      if (!isKnownIntegral(expr, assumptions))
        return op->emitOpError()
               << "'" << attr.getName().getValue() << "' = " << show(expr)
               << " is not provably an integer; add a divisibility constraint "
                  "(e.g. 'd mod h == 0') or use ceil(...)";
      if (failed(verifyPositive(op, expr, "'" + attr.getName().str() + "'", assumptions)))
        return failure();
      proven.insert(dim.getAsOpaquePointer());
    }
  }
  auto checkType = [&](Type type) -> LogicalResult {
    if (proven.contains(type.getAsOpaquePointer()))
      return success();
    for (DimAttr dim : shapeOf(type)) {
      if (proven.contains(dim.getAsOpaquePointer()))
        continue;
      const sym::Expr &expr = dim.getExpr();
      if (failed(verifyDeclared(op, expr, declared)))
        return failure();
      if (!isKnownIntegral(expr, assumptions))
        return op->emitOpError()
               << "dimension " << show(expr)
               << " is not provably an integer; add a divisibility constraint "
                  "(e.g. 'd mod h == 0') or use ceil(...)";
      if (failed(verifyPositive(op, expr, "dimension", assumptions)))
        return failure();
      proven.insert(dim.getAsOpaquePointer());
    }
    proven.insert(type.getAsOpaquePointer());
    return success();
  };
  for (Type t : op->getOperandTypes())
    if (failed(checkType(t)))
      return failure();
  for (Type t : op->getResultTypes())
    if (failed(checkType(t)))
      return failure();
  return success();
}

LogicalResult ModelOp::verifyRegions() {
  Block &block = getBodyBlock();
  if (block.empty() || !llvm::isa<OutputOp>(block.back()))
    return emitOpError() << "body must end with 'nn.output'";
  FailureOr<sym::Assumptions> assumptions = getAssumptions();
  if (failed(assumptions))
    return failure();
  llvm::StringSet<> declared;
  for (Attribute s : getSymbols())
    declared.insert(llvm::cast<StringAttr>(s).getValue());
  for (BlockArgument arg : block.getArguments())
    for (DimAttr dim : shapeOf(arg.getType()))
      if (failed(verifyDeclared(*this, dim.getExpr(), declared)))
        return failure();
  // getAssumptions() has parsed these texts already, so this cannot fail.
  std::vector<sym::Constraint> constraints =
      cantFail(sym::parseConstraints(getConstraintText()));
  for (const sym::Constraint &c : constraints)
    for (const sym::Expr *side : {&c.lhs, &c.rhs})
      if (failed(verifyDeclared(*this, *side, declared)))
        return failure();

  llvm::DenseSet<const void *> proven;
  WalkResult walk = getBody().walk([&](Operation *op) {
    if (failed(verifySizesOf(op, declared, *assumptions, proven)))
      return WalkResult::interrupt();
    if (auto checked = llvm::dyn_cast<SizeCheckedOpInterface>(op))
      if (failed(checked.verifySizes(*assumptions)))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  // The defaults are a point like any other: they must obey the model.
  if (auto violation = PointChecker(*this).check(getDefaultBindings()))
    return mlir::emitError(violation->loc) << "the default values break the model's rules: "
                                     << violation->message;
  return success();
}

//===----------------------------------------------------------------------===//
// RepeatOp
//===----------------------------------------------------------------------===//

ParseResult RepeatOp::parse(OpAsmParser &parser, OperationState &result) {
  DimAttr count;
  if (parser.parseLess() || parseDimAttr(parser, count) || parser.parseGreater())
    return failure();
  result.addAttribute(getCountAttrName(result.name), count);

  llvm::SmallVector<OpAsmParser::Argument> regionArgs;
  llvm::SmallVector<OpAsmParser::UnresolvedOperand> inits;
  llvm::SMLoc initsLoc = parser.getCurrentLocation();
  if (parser.parseAssignmentList(regionArgs, inits))
    return failure();
  llvm::SmallVector<Type> types;
  if (parser.parseColon() || parser.parseTypeList(types))
    return failure();
  if (types.size() != inits.size())
    return parser.emitError(initsLoc)
           << inits.size() << " carried value(s) but " << types.size() << " type(s)";
  for (auto [arg, type] : llvm::zip(regionArgs, types))
    arg.type = type;
  if (parser.resolveOperands(inits, types, initsLoc, result.operands))
    return failure();
  result.addTypes(types);
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  return parser.parseRegion(*result.addRegion(), regionArgs);
}

void RepeatOp::print(OpAsmPrinter &printer) {
  printer << "<";
  printSizeExpr(printer, getCount().getExpr());
  printer << ">(";
  llvm::interleaveComma(llvm::zip(getBodyBlock().getArguments(), getInits()), printer,
                        [&](auto pair) {
                          printer << std::get<0>(pair) << " = " << std::get<1>(pair);
                        });
  printer << ") : ";
  llvm::interleaveComma(getInits().getTypes(), printer);
  printer.printOptionalAttrDictWithKeyword((*this)->getAttrs(), {getCountAttrName()});
  printer << " ";
  printer.printRegion(getBody(), /*printEntryBlockArgs=*/false);
}

LogicalResult RepeatOp::verifyRegions() {
  unsigned depth = 1;
  for (Operation *parent = (*this)->getParentOp(); parent; parent = parent->getParentOp())
    depth += llvm::isa<RepeatOp>(parent);
  if (depth > kMaxRepeatNesting)
    return emitOpError() << "is nested " << depth << " levels deep; costopt analyses at most "
                         << kMaxRepeatNesting << " nested nn.repeat levels";
  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInits().size())
    return emitOpError() << "body has " << block.getNumArguments()
                         << " argument(s) for " << getInits().size() << " carried value(s)";
  for (auto [arg, init] : llvm::zip(block.getArguments(), getInits()))
    if (arg.getType() != init.getType())
      return emitOpError() << "body argument type " << arg.getType()
                           << " differs from the carried value's " << init.getType();
  auto yield = llvm::dyn_cast<YieldOp>(block.empty() ? nullptr : &block.back());
  if (!yield)
    return emitOpError() << "body must end with 'nn.yield'";
  if (yield.getValues().getTypes() != getInits().getTypes())
    return yield.emitOpError() << "must yield the carried types " << getInits().getTypes();
  return success();
}

LogicalResult RepeatOp::verifySizes(const sym::Assumptions &) { return success(); }

//===----------------------------------------------------------------------===//
// Layer ops
//===----------------------------------------------------------------------===//

// Ops whose only rules are their trait-checked types.
#define COSTOPT_NO_EXTRA_RULES(Op)                                              \
  LogicalResult Op::verify() { return success(); }                              \
  LogicalResult Op::verifySizes(const sym::Assumptions &) { return success(); }

COSTOPT_NO_EXTRA_RULES(LayerNormOp)
COSTOPT_NO_EXTRA_RULES(RMSNormOp)
COSTOPT_NO_EXTRA_RULES(AddOp)
COSTOPT_NO_EXTRA_RULES(SoftmaxOp)
#undef COSTOPT_NO_EXTRA_RULES

static const llvm::StringRef kActivations[] = {"relu",  "gelu",    "gelu_tanh", "quick_gelu",
                                               "silu",  "swish",   "tanh",      "sigmoid"};

LogicalResult EmbeddingOp::verify() {
  return verifyLeadingDims(*this, getInput().getType(), getResult().getType(), 0, 1);
}
LogicalResult EmbeddingOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult PositionalOp::verify() {
  if (failed(verifyOneOf(*this, "positional encoding", getKind(), {"learned", "sinusoidal"})))
    return failure();
  if (getKind() == "learned" && !getMaxLenAttr())
    return emitOpError() << "learned positions need 'max_len' (the table's row count)";
  return verifyRankAtLeast(*this, getInput().getType(), 2);
}
LogicalResult PositionalOp::verifySizes(const sym::Assumptions &assumptions) {
  if (!getMaxLenAttr())
    return success();
  sym::Expr n = getInput().getType().getDimExpr(-2);
  // Only a provable overflow is an error: n is usually free up to max_len.
  if (sym::decideSign(getMaxLenAttr().getExpr() - n, assumptions) == sym::Sign::Negative)
    return emitOpError() << "sequence length " << show(n) << " exceeds max_len "
                         << show(getMaxLenAttr().getExpr());
  return success();
}

LogicalResult UnembeddingOp::verify() {
  if (failed(verifyLeadingDims(*this, getInput().getType(), getResult().getType(), 1, 1)))
    return failure();
  return verifyEqualSize(*this, "result width", getResult().getType().getDimExpr(-1),
                         getVocab().getExpr());
}
LogicalResult UnembeddingOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult LinearOp::verify() {
  return verifyLeadingDims(*this, getInput().getType(), getResult().getType(), 1, 1);
}
LogicalResult LinearOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult FFNOp::verify() {
  return verifyOneOf(*this, "activation", getActivation(), kActivations);
}
LogicalResult FFNOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult MoEOp::verify() {
  return verifyOneOf(*this, "activation", getActivation(), kActivations);
}
LogicalResult MoEOp::verifySizes(const sym::Assumptions &assumptions) {
  return verifyAtMost(*this, assumptions, getTopK().getExpr(), "top_k",
                      getExperts().getExpr(), "experts");
}

sym::Expr AttentionOp::getHeadDimExpr() {
  if (auto headDim = getHeadDimAttr())
    return headDim.getExpr();
  sym::Expr d = getInput().getType().getDimExpr(-1);
  auto headDim = d.divide(getHeads().getExpr());
  if (headDim)
    return *headDim;
  // A non-monomial head count: verifySizes has required it to divide d.
  llvm::consumeError(headDim.takeError());
  return sym::Expr::floorDiv(d, getHeads().getExpr());
}

sym::Expr AttentionOp::getKVHeadsExpr() { return exprOr(getKvHeadsAttr(), getHeads().getExpr()); }

LogicalResult AttentionOp::verify() {
  if (failed(verifyRankAtLeast(*this, getInput().getType(), 2)) ||
      failed(verifyOneOf(*this, "attention kind", getKind(), {"softmax", "linear"})) ||
      failed(verifyOneOf(*this, "feature map", getFeatureMap(), {"elu+1", "relu", "identity"})))
    return failure();
  if (getKind() == "linear" && (getWindowAttr() || getFlash()))
    return emitOpError() << "'window' and 'flash' apply to softmax attention only";
  if (auto memory = getMemory()) {
    if (getCausal())
      return emitOpError() << "a causal mask needs self-attention; cross-attention sees "
                              "the whole memory";
    if (failed(verifyLeadingDims(*this, getInput().getType(), memory.getType(), 2, 2)))
      return failure();
  }
  return success();
}

LogicalResult AttentionOp::verifySizes(const sym::Assumptions &assumptions) {
  sym::Expr d = getInput().getType().getDimExpr(-1);
  sym::Expr heads = getHeads().getExpr();
  if (!getHeadDimAttr() &&
      failed(verifyDivides(*this, assumptions, d, "width", heads, "heads")))
    return failure();
  if (auto kv = getKvHeadsAttr()) {
    if (failed(verifyAtMost(*this, assumptions, kv.getExpr(), "kv_heads", heads, "heads")) ||
        failed(verifyDivides(*this, assumptions, heads, "heads", kv.getExpr(), "kv_heads")))
      return failure();
  }
  return success();
}

sym::Expr RecurrentOp::getLayersExpr() { return exprOr(getLayersAttr(), sym::Expr(1)); }

LogicalResult RecurrentOp::verify() {
  if (failed(verifyOneOf(*this, "cell", getCell(), {"elman", "lstm", "gru"})) ||
      failed(verifyRankAtLeast(*this, getInput().getType(), 2)) ||
      failed(verifyLeadingDims(*this, getInput().getType(), getResult().getType(), 1, 1)))
    return failure();
  return verifyEqualSize(*this, "result width", getResult().getType().getDimExpr(-1),
                         getHidden().getExpr() * sym::Expr(getDirections()));
}
LogicalResult RecurrentOp::verifySizes(const sym::Assumptions &) { return success(); }

sym::Expr ConvOp::getStrideExpr() { return exprOr(getStrideAttr(), sym::Expr(1)); }

sym::Expr ConvOp::getGroupsExpr() {
  if (getDepthwise())
    return getInput().getType().getDimExpr(-1);
  return exprOr(getGroupsAttr(), sym::Expr(1));
}

llvm::SmallVector<sym::Expr> ConvOp::getDilationExprs() {
  llvm::SmallVector<sym::Expr> dilations;
  if (auto list = getDilationsAttr()) {
    for (Attribute a : list)
      dilations.push_back(llvm::cast<DimAttr>(a).getExpr());
    return dilations;
  }
  dilations.push_back(exprOr(getDilationAttr(), sym::Expr(1)));
  return dilations;
}

sym::Expr ConvOp::getOutputLengthExpr(const sym::Expr &n) {
  sym::Expr stride = getStrideExpr();
  if (getPadding() == "valid") {
    sym::Expr span = getDilationExprs().front() * (getKernel().getExpr() - sym::Expr(1));
    return sym::Expr::floorDiv(n - span - sym::Expr(1), stride) + sym::Expr(1);
  }
  return sym::Expr::ceilDiv(n, stride);
}

LogicalResult ConvOp::verify() {
  if (failed(verifyOneOf(*this, "padding", getPadding(), {"same", "valid"})) ||
      failed(verifyRankAtLeast(*this, getInput().getType(), 2)) ||
      failed(verifyLeadingDims(*this, getInput().getType(), getResult().getType(), 2, 2)))
    return failure();
  if (getDilationAttr() && getDilationsAttr())
    return emitOpError() << "give either 'dilation' or 'dilations', not both";
  // Constant sizes are checked here, before any rule divides by them (the
  // output length divides by the stride).
  for (auto [name, attr] : {std::pair<llvm::StringRef, DimAttr>{"kernel", getKernel()},
                            {"stride", getStrideAttr()},
                            {"dilation", getDilationAttr()},
                            {"groups", getGroupsAttr()}})
    if (attr)
      if (auto c = attr.getExpr().getConstant(); c && *c < sym::Rational(1, 1))
        return emitOpError() << "'" << name << "' must be at least 1, got "
                             << show(attr.getExpr());
  if (getDepthwise() && (getGroupsAttr() || getSeparable()))
    return emitOpError() << "'depthwise' fixes the groups; it excludes 'groups' and 'separable'";
  if (getSeparable() && getGroupsAttr())
    return emitOpError() << "'separable' is a depthwise then a pointwise convolution; it "
                            "excludes 'groups'";
  if (getCausal() && getPadding() == "valid")
    return emitOpError() << "'causal' pads on the left; it excludes padding = \"valid\"";
  if (auto list = getDilationsAttr()) {
    if (list.empty())
      return emitOpError() << "'dilations' must list at least one dilation";
    if (getPadding() == "valid" || getStrideAttr())
      return emitOpError() << "a 'dilations' stack keeps the length: no stride, no \"valid\"";
    if (getInput().getType() != getResult().getType())
      return emitOpError() << "a 'dilations' stack keeps the channels: result type must "
                              "equal the input type";
  }
  sym::Expr n = getInput().getType().getDimExpr(-2);
  if (failed(verifyEqualSize(*this, "result length", getResult().getType().getDimExpr(-2),
                             getOutputLengthExpr(n))))
    return failure();
  if (getDepthwise())
    return verifyEqualSize(*this, "depthwise result channels",
                           getResult().getType().getDimExpr(-1),
                           getInput().getType().getDimExpr(-1));
  return success();
}

LogicalResult ConvOp::verifySizes(const sym::Assumptions &assumptions) {
  sym::Expr groups = getGroupsExpr();
  sym::Expr cin = getInput().getType().getDimExpr(-1);
  sym::Expr cout = getResult().getType().getDimExpr(-1);
  // A "valid" convolution longer than its input shows up as a result
  // length below 1, which the model's size check reports. One group
  // divides any channel count (a width such as d/2 is an integer already).
  if (groups == sym::Expr(1))
    return success();
  if (failed(verifyDivides(*this, assumptions, cin, "input channels", groups, "groups")) ||
      failed(verifyDivides(*this, assumptions, cout, "output channels", groups, "groups")))
    return failure();
  return success();
}

sym::Expr ScanOp::getExpandExpr() { return exprOr(getExpandAttr(), sym::Expr(2)); }
sym::Expr ScanOp::getDtRankExpr() {
  return exprOr(getDtRankAttr(),
                sym::Expr::ceilDiv(getInput().getType().getDimExpr(-1), sym::Expr(16)));
}
sym::Expr ScanOp::getConvKernelExpr() { return exprOr(getConvKernelAttr(), sym::Expr(4)); }

LogicalResult ScanOp::verify() { return verifyRankAtLeast(*this, getInput().getType(), 2); }
LogicalResult ScanOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult SliceOp::verify() {
  if (failed(verifyRankAtLeast(*this, getInput().getType(), 2)) ||
      failed(verifyLeadingDims(*this, getInput().getType(), getResult().getType(), 2, 2)))
    return failure();
  if (failed(verifyEqualSize(*this, "result length", getResult().getType().getDimExpr(-2),
                             getLength().getExpr())))
    return failure();
  return verifyEqualSize(*this, "result width", getResult().getType().getDimExpr(-1),
                         getInput().getType().getDimExpr(-1));
}
LogicalResult SliceOp::verifySizes(const sym::Assumptions &assumptions) {
  return verifyAtMost(*this, assumptions, getLength().getExpr(), "length",
                      getInput().getType().getDimExpr(-2), "sequence length");
}

LogicalResult ActivationOp::verify() {
  return verifyOneOf(*this, "activation", getKind(), kActivations);
}
LogicalResult ActivationOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult costopt::nn::verifyDefaultPositionAxes(Operation *op) {
  auto check = [&](Type type, llvm::StringRef what, unsigned index) -> LogicalResult {
    auto seq = llvm::dyn_cast<SeqType>(type);
    if (!seq || seq.hasDefaultPositionAxis())
      return success();
    return op->emitOpError() << what << " " << index << " has its positions on axis "
                             << seq.getPosition()
                             << "; this op reads them as the second-to-last axis (only "
                                "primitives accept another position axis)";
  };
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(type, "operand", i)))
      return failure();
  for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(type, "result", i)))
      return failure();
  return success();
}
