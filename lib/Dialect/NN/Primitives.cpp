//===- Primitives.cpp - nn dialect primitive tensor ops -------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Verifiers of the primitive level. Shapes must agree symbolically (as
// canonical expressions), so a primitive model that verifies has one exact
// cost formula; the model's region verifier adds the checks that need its
// constraints (verifySizes), such as a mask's reach being non-negative.
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/Domain.h"
#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/IR/TypeUtilities.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace costopt;
using namespace costopt::nn;
using sym::Expr;

static std::string show(const Expr &e) { return formatSizeExpr(e); }

static std::string showShape(llvm::ArrayRef<Expr> shape) {
  std::string text = "[";
  for (auto [i, e] : llvm::enumerate(shape))
    text += (i ? ", " : "") + show(e);
  return text + "]";
}

/// `operand` broadcasts to `result`: aligned at the right, each dimension
/// equal or 1.
static bool broadcastsTo(llvm::ArrayRef<Expr> operand, llvm::ArrayRef<Expr> result) {
  if (operand.size() > result.size())
    return false;
  for (auto [o, r] : llvm::zip(llvm::reverse(operand), llvm::reverse(result)))
    if (o != r && o != Expr(1))
      return false;
  return true;
}

/// Dimension numbers written as constant sizes; -1 marks a non-constant.
static llvm::SmallVector<int64_t> indexList(ArrayAttr attr) {
  llvm::SmallVector<int64_t> indices;
  for (Attribute a : attr) {
    auto c = llvm::cast<DimAttr>(a).getExpr().getConstant();
    indices.push_back(c && c->den == 1 && c->num < 64 ? int64_t(c->num) : -1);
  }
  return indices;
}

static int64_t indexOf(DimAttr attr) {
  auto c = attr.getExpr().getConstant();
  return c && c->den == 1 && c->num < 64 ? int64_t(c->num) : -1;
}

/// The symbols of a primitive's index maps and masks are positions (a
/// padding, a band limit): a constant one must be a non-negative integer.
/// (Symbolic ones are checked at every evaluated point.)
static LogicalResult checkSymbolValues(Operation *op, ArrayAttr symbols) {
  if (!symbols)
    return success();
  for (auto [i, a] : llvm::enumerate(symbols)) {
    auto c = llvm::cast<DimAttr>(a).getExpr().getConstant();
    if (c && (c->den != 1 || c->num < 0))
      return op->emitOpError() << "symbol " << i << " is " << sym::formatRational(*c)
                               << "; the symbols of index maps and masks are offsets, "
                                  "non-negative integers";
  }
  return success();
}

/// The band `mask` over a domain of `extents`, checked; nullopt (and no
/// error) without a mask.
static FailureOr<std::optional<Band>> checkMask(Operation *op, IntegerSetAttr mask,
                                                 ArrayAttr symbols,
                                                 llvm::ArrayRef<Expr> extents) {
  if (failed(checkSymbolValues(op, symbols)))
    return failure();
  if (!mask)
    return std::optional<Band>();
  llvm::SmallVector<Expr> values;
  if (symbols)
    for (Attribute a : symbols)
      values.push_back(llvm::cast<DimAttr>(a).getExpr());
  IntegerSet set = mask.getValue();
  if (set.getNumDims() != extents.size() || set.getNumSymbols() != values.size())
    return op->emitOpError() << "the mask needs " << extents.size() << " dimension(s) and "
                             << values.size() << " symbol(s) (one per 'symbols' entry)";
  std::string why;
  auto band = parseBand(set, values, why);
  if (!band)
    return op->emitOpError() << "unsupported mask: " << why;
  if (extents[band->first] != extents[band->second])
    return op->emitOpError() << "a band mask needs two dimensions of equal extent; d"
                             << band->first << " has " << show(extents[band->first])
                             << " and d" << band->second << " "
                             << show(extents[band->second]);
  return std::optional<Band>(*band);
}

/// The mask's reaches must be >= 0 under the model's assumptions.
static LogicalResult checkMaskReach(Operation *op, const std::optional<Band> &band,
                                    const sym::Assumptions &assumptions) {
  if (!band)
    return success();
  for (const std::optional<Expr> *reach : {&band->above, &band->below}) {
    if (!*reach)
      continue;
    sym::Sign sign = sym::decideSign(**reach, assumptions);
    if (sign != sym::Sign::Positive && sign != sym::Sign::NonNegative &&
        sign != sym::Sign::Zero)
      return op->emitOpError() << "the mask's band reaches " << show(**reach)
                               << ", which is not provably >= 0 (each position must keep "
                                  "its own diagonal)";
  }
  return success();
}

std::optional<Band> costopt::nn::maskBandOf(Operation *op, llvm::ArrayRef<Expr> extents) {
  auto mask = op->getAttrOfType<IntegerSetAttr>("mask");
  if (!mask)
    return std::nullopt;
  llvm::SmallVector<Expr> values;
  if (auto symbols = op->getAttrOfType<ArrayAttr>("symbols"))
    for (Attribute a : symbols)
      values.push_back(llvm::cast<DimAttr>(a).getExpr());
  std::string why;
  return parseBand(mask.getValue(), values, why);
}

//===----------------------------------------------------------------------===//
// nn.param
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verifySizes(const sym::Assumptions &) { return success(); }
LogicalResult ConstantOp::verifySizes(const sym::Assumptions &) { return success(); }

//===----------------------------------------------------------------------===//
// nn.contract
//===----------------------------------------------------------------------===//

llvm::SmallVector<Expr> ContractOp::getSymbolExprs() {
  llvm::SmallVector<Expr> exprs;
  if (auto symbols = getSymbolsAttr())
    for (Attribute a : symbols)
      exprs.push_back(llvm::cast<DimAttr>(a).getExpr());
  return exprs;
}

/// Extents of the iteration dimensions, from the maps' bare dimensions;
/// the first inconsistency or missing extent is reported through `error`.
static std::optional<llvm::SmallVector<Expr>>
domainExtents(ContractOp op, llvm::function_ref<InFlightDiagnostic()> error) {
  auto maps = op.getIndexingMaps().getAsValueRange<AffineMapAttr>();
  llvm::SmallVector<AffineMap> mapList(maps.begin(), maps.end());
  unsigned numDims = mapList.front().getNumDims();
  llvm::SmallVector<std::optional<Expr>> extents(numDims);
  Type types[] = {op.getLhs().getType(), op.getRhs().getType(), op.getResult().getType()};
  const char *names[] = {"lhs", "rhs", "result"};
  for (unsigned m = 0; m < 3; ++m) {
    llvm::SmallVector<Expr> shape = shapeExprsOf(types[m]);
    for (auto [i, result] : llvm::enumerate(mapList[m].getResults())) {
      auto dim = llvm::dyn_cast<AffineDimExpr>(result);
      if (!dim)
        continue;
      auto &extent = extents[dim.getPosition()];
      if (!extent)
        extent = shape[i];
      else if (*extent != shape[i]) {
        error() << "iteration dimension d" << dim.getPosition() << " has extent "
                << show(*extent) << " in one operand but " << show(shape[i])
                << " in the " << names[m] << " (dimension " << i << ")";
        return std::nullopt;
      }
    }
  }
  llvm::SmallVector<Expr> result;
  for (auto [i, extent] : llvm::enumerate(extents)) {
    if (!extent) {
      error() << "iteration dimension d" << i
              << " has no extent: no map names it as a bare index";
      return std::nullopt;
    }
    result.push_back(*extent);
  }
  return result;
}

/// A scattering result position index must follow one operand's positions
/// one for one (`p + k − pad`: a transposed convolution of stride 1 along
/// the positions), the one form the position analyses (reach, decoding
/// state) read; a stride would change the length, and a second positional
/// operand would make every position reach every other.
static LogicalResult checkScatterAlongPositions(ContractOp op, ArrayRef<AffineMap> maps) {
  auto axisOf = [](Type type) -> std::optional<unsigned> {
    if (auto seq = llvm::dyn_cast<SeqType>(type))
      return seq.getPositionAxis();
    if (auto tokens = llvm::dyn_cast<TokensType>(type))
      return tokens.getRank() - 1;
    return std::nullopt;
  };
  auto axis = axisOf(op.getResult().getType());
  if (!axis || llvm::isa<AffineDimExpr>(maps[2].getResult(*axis)))
    return success();
  AffineExpr index = maps[2].getResult(*axis);
  LinearForm form = *flattenAffine(index, maps[2].getNumDims(), maps[2].getNumSymbols());
  unsigned positional = 0, followed = 0;
  Value operands[] = {op.getLhs(), op.getRhs()};
  for (auto [i, operand] : llvm::enumerate(operands)) {
    auto operandAxis = axisOf(operand.getType());
    if (!operandAxis)
      continue;
    ++positional;
    auto dim = llvm::dyn_cast<AffineDimExpr>(maps[i].getResult(*operandAxis));
    if (dim && form.dims[dim.getPosition()] == 1)
      ++followed;
  }
  if (positional == 1 && followed == 1)
    return success();
  std::string text;
  llvm::raw_string_ostream(text) << index;
  return op.emitOpError() << "the result's position index (" << text
                          << ") scatters, which needs exactly one operand with positions, "
                             "indexed bare and followed one for one (p + ...)";
}

llvm::SmallVector<Expr> ContractOp::getDomainExtents() {
  return *domainExtents(*this, [&] { return emitOpError(); });
}

LogicalResult ContractOp::verify() {
  auto maps = getIndexingMaps().getAsValueRange<AffineMapAttr>();
  llvm::SmallVector<AffineMap> mapList(maps.begin(), maps.end());
  if (mapList.size() != 3)
    return emitOpError() << "needs 3 indexing maps (lhs, rhs, result), got " << mapList.size();
  unsigned numDims = mapList[0].getNumDims(), numSymbols = mapList[0].getNumSymbols();
  size_t given = getSymbolsAttr() ? getSymbolsAttr().size() : 0;
  Type types[] = {getLhs().getType(), getRhs().getType(), getResult().getType()};
  const char *names[] = {"lhs", "rhs", "result"};
  for (unsigned m = 0; m < 3; ++m) {
    if (mapList[m].getNumDims() != numDims || mapList[m].getNumSymbols() != numSymbols)
      return emitOpError() << "indexing maps must share their dimensions and symbols";
    if (mapList[m].getNumResults() != shapeExprsOf(types[m]).size())
      return emitOpError() << "the " << names[m] << " map has " << mapList[m].getNumResults()
                           << " result(s) for a rank-" << shapeExprsOf(types[m]).size() << " "
                           << names[m];
    for (auto [i, e] : llvm::enumerate(mapList[m].getResults()))
      if (!flattenAffine(e, numDims, numSymbols))
        return emitOpError() << "the " << names[m] << " map's index " << i
                             << " is not a sum of dimensions and symbols times constants";
  }
  // The result's bare indices name distinct dimensions; an affine index
  // scatters (a transposed convolution), over dimensions that are not also
  // bare result indices (each point then adds into one element).
  llvm::SmallVector<unsigned> resultDims;
  for (AffineExpr e : mapList[2].getResults())
    if (auto dim = llvm::dyn_cast<AffineDimExpr>(e)) {
      if (llvm::is_contained(resultDims, dim.getPosition()))
        return emitOpError() << "the result map names d" << dim.getPosition() << " twice";
      resultDims.push_back(dim.getPosition());
    }
  for (auto [i, e] : llvm::enumerate(mapList[2].getResults())) {
    if (llvm::isa<AffineDimExpr>(e))
      continue;
    LinearForm form = *flattenAffine(e, numDims, numSymbols);
    for (unsigned d : resultDims)
      if (form.dims[d])
        return emitOpError() << "the result map's index " << i << " scatters along d" << d
                             << ", which another result index names bare";
  }
  if (failed(checkScatterAlongPositions(*this, mapList)))
    return failure();
  if (given != numSymbols)
    return emitOpError() << "the maps have " << numSymbols << " symbol(s) but 'symbols' gives "
                         << given;
  auto extents = domainExtents(*this, [&] { return emitOpError(); });
  if (!extents)
    return failure();
  if (Value bias = getBias()) {
    llvm::SmallVector<Expr> b = shapeExprsOf(bias.getType()), r = shapeExprsOf(getResult().getType());
    if (!broadcastsTo(b, r))
      return emitOpError() << "bias shape " << showShape(b) << " does not broadcast to the result "
                           << showShape(r);
  }
  if (failed(checkMask(*this, getMaskAttr(), getSymbolsAttr(), *extents)))
    return failure();
  return success();
}

LogicalResult ContractOp::verifySizes(const sym::Assumptions &assumptions) {
  return checkMaskReach(*this, maskBandOf(*this, getDomainExtents()), assumptions);
}

//===----------------------------------------------------------------------===//
// nn.map
//===----------------------------------------------------------------------===//

bool costopt::nn::isFloatingPointArithmetic(Operation &op) {
  llvm::StringRef dialect = op.getDialect() ? op.getDialect()->getNamespace() : "";
  if ((dialect != "arith" && dialect != "math") || llvm::isa<arith::ConstantOp>(op))
    return false;
  auto isFloat = [](Type t) { return llvm::isa<FloatType>(mlir::getElementTypeOrSelf(t)); };
  return llvm::any_of(op.getOperandTypes(), isFloat) ||
         llvm::any_of(op.getResultTypes(), isFloat);
}

int64_t MapOp::getFlopsPerElement() {
  return llvm::count_if(getBody().front().without_terminator(),
                        [](Operation &op) { return isFloatingPointArithmetic(op); });
}

LogicalResult MapOp::verify() {
  llvm::SmallVector<Expr> result = shapeExprsOf(getResult().getType());
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    llvm::SmallVector<Expr> shape = shapeExprsOf(input.getType());
    if (!broadcastsTo(shape, result))
      return emitOpError() << "operand " << i << " of shape " << showShape(shape)
                           << " does not broadcast to the result " << showShape(result)
                           << " (aligned at the right, each dimension must be equal or 1)";
  }
  if (failed(checkMask(*this, getMaskAttr(), getSymbolsAttr(), result)))
    return failure();
  Block &body = getBody().front();
  size_t sizes = getSizes() ? getSizes()->size() : 0;
  if (body.getNumArguments() != getInputs().size() + sizes)
    return emitOpError() << "body takes " << body.getNumArguments() << " argument(s) for "
                         << getInputs().size() << " operand(s)"
                         << (sizes ? " and " + std::to_string(sizes) + " size(s)" : "");
  for (BlockArgument arg : body.getArguments())
    if (!arg.getType().isF32())
      return emitOpError() << "body arguments are f32 scalars, got " << arg.getType();
  auto yield = llvm::dyn_cast<YieldOp>(body.back());
  if (!yield || yield.getValues().size() != 1 || !yield.getValues()[0].getType().isF32())
    return emitOpError() << "body must end with 'nn.yield' of one f32";
  for (Operation &op : body.without_terminator()) {
    if (!llvm::isa<arith::ArithDialect, math::MathDialect>(op.getDialect()))
      return op.emitOpError() << "is not an arith or math op; an nn.map body computes one "
                                 "element from scalars";
    if (op.getNumRegions())
      return op.emitOpError() << "has regions; an nn.map body is straight-line code";
  }
  return success();
}

LogicalResult MapOp::verifySizes(const sym::Assumptions &assumptions) {
  return checkMaskReach(*this, maskBandOf(*this, shapeExprsOf(getResult().getType())), assumptions);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  if (getKind() != "sum" && getKind() != "max")
    return emitOpError() << "unknown kind '" << getKind() << "'; expected \"sum\" or \"max\"";
  llvm::SmallVector<Expr> in = shapeExprsOf(getInput().getType()), expected;
  llvm::SmallVector<int64_t> dims = indexList(getDims());
  for (auto [i, d] : llvm::enumerate(dims))
    if (d < 0 || d >= static_cast<int64_t>(in.size()) || (i && dims[i - 1] >= d))
      return emitOpError() << "dims must be increasing dimensions of the rank-" << in.size()
                           << " input";
  if (dims.empty())
    return emitOpError() << "must reduce some dimension";
  // Reduced dimensions are kept with extent 1, so the other axes (the
  // position axis above all) keep their places and the result broadcasts
  // back against the input.
  for (auto [i, e] : llvm::enumerate(in))
    expected.push_back(llvm::is_contained(dims, static_cast<int64_t>(i)) ? Expr(1) : e);
  if (shapeExprsOf(getResult().getType()) != expected)
    return emitOpError() << "result shape must be " << showShape(expected);
  if (failed(checkMask(*this, getMaskAttr(), getSymbolsAttr(), in)))
    return failure();
  return success();
}
LogicalResult ReduceOp::verifySizes(const sym::Assumptions &assumptions) {
  return checkMaskReach(*this, maskBandOf(*this, shapeExprsOf(getInput().getType())), assumptions);
}

LogicalResult TransposeOp::verify() {
  llvm::SmallVector<Expr> in = shapeExprsOf(getInput().getType()), expected;
  llvm::SmallVector<int64_t> perm = indexList(getPermutation());
  llvm::SmallVector<bool> seen(in.size(), false);
  if (perm.size() != in.size())
    return emitOpError() << "permutation must list all " << in.size() << " dimensions";
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(in.size()) || seen[p])
      return emitOpError() << "permutation must list each dimension once";
    seen[p] = true;
    expected.push_back(in[p]);
  }
  if (shapeExprsOf(getResult().getType()) != expected)
    return emitOpError() << "result shape must be " << showShape(expected);
  return success();
}
LogicalResult TransposeOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult ReshapeOp::verify() {
  Expr in = elementCountOf(getInput().getType());
  Expr out = elementCountOf(getResult().getType());
  if (in != out)
    return emitOpError() << "changes the element count from " << show(in) << " to "
                         << show(out);
  return success();
}
LogicalResult ReshapeOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs operands";
  llvm::SmallVector<Expr> expected = shapeExprsOf(getInputs().front().getType());
  int64_t dim = indexOf(getDim());
  if (dim < 0 || dim >= static_cast<int64_t>(expected.size()))
    return emitOpError() << "dim " << dim << " is out of range";
  for (Value v : getInputs().drop_front()) {
    llvm::SmallVector<Expr> shape = shapeExprsOf(v.getType());
    if (shape.size() != expected.size())
      return emitOpError() << "operands must have one rank";
    for (size_t i = 0; i < shape.size(); ++i)
      if (static_cast<int64_t>(i) != dim && shape[i] != expected[i])
        return emitOpError() << "operands differ in dimension " << i;
    expected[dim] += shape[dim];
  }
  if (shapeExprsOf(getResult().getType()) != expected)
    return emitOpError() << "result shape must be " << showShape(expected);
  return success();
}
LogicalResult ConcatOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult ExtractOp::verify() {
  llvm::SmallVector<Expr> in = shapeExprsOf(getInput().getType());
  llvm::SmallVector<Expr> out = shapeExprsOf(getResult().getType());
  int64_t dim = indexOf(getDim());
  if (dim < 0 || dim >= static_cast<int64_t>(in.size()) || in.size() != out.size())
    return emitOpError() << "dim must be a dimension of the input, and ranks equal";
  for (size_t i = 0; i < in.size(); ++i)
    if (static_cast<int64_t>(i) != dim && in[i] != out[i])
      return emitOpError() << "only dimension " << dim << " may change";
  return success();
}
std::pair<Expr, Expr> ExtractOp::getSliceEndAndExtent() {
  int64_t dim = indexOf(getDim());
  return {getOffset().getExpr() + shapeExprsOf(getResult().getType())[dim],
          shapeExprsOf(getInput().getType())[dim]};
}

LogicalResult ExtractOp::verifySizes(const sym::Assumptions &assumptions) {
  auto [end, size] = getSliceEndAndExtent();
  if (auto offset = getOffset().getExpr().getConstant(); offset && offset->num < 0)
    return emitOpError() << "offset must be >= 0";
  // Only a provable overflow is an error here; otherwise the end is checked
  // at every evaluated point (PointCheck.cpp), as the first n rows of a
  // learned position table are (n is free up to max_len).
  if (sym::decideSign(size - end, assumptions) == sym::Sign::Negative)
    return emitOpError() << "the slice ends (" << show(end) << ") past the dimension ("
                         << show(size) << ")";
  return success();
}

LogicalResult GatherOp::verify() {
  llvm::SmallVector<Expr> table = shapeExprsOf(getTable().getType());
  llvm::SmallVector<Expr> ids = shapeExprsOf(getIndices().getType());
  if (table.size() != 2)
    return emitOpError() << "the table must be [rows, width]";
  ids.push_back(table[1]);
  if (shapeExprsOf(getResult().getType()) != ids)
    return emitOpError() << "result shape must be " << showShape(ids);
  return success();
}
LogicalResult GatherOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult OpaqueOp::verify() {
  if (getInputs().empty() || getResults().empty())
    return emitOpError() << "needs at least one operand and one result";
  if (getKind().empty())
    return emitOpError() << "needs a non-empty kind";
  return success();
}
// The stated FLOPs are checked with the other sizes (NNOps.cpp), as a count
// that may be 0.
LogicalResult OpaqueOp::verifySizes(const sym::Assumptions &) { return success(); }

LogicalResult PrefixScanOp::verify() {
  if (getKind() != "sum" && getKind() != "linear")
    return emitOpError() << "unknown kind '" << getKind() << "'; expected \"sum\" or \"linear\"";
  if ((getKind() == "linear") != static_cast<bool>(getDecay()))
    return emitOpError() << (getKind() == "linear" ? "a linear scan needs a decay operand"
                                                    : "a sum takes no decay operand");
  llvm::SmallVector<Expr> shape = shapeExprsOf(getInput().getType());
  if (shape.size() < 2)
    return emitOpError() << "needs a position axis (rank >= 2)";
  if (getResult().getType() != getInput().getType())
    return emitOpError() << "result type must be the input's";
  if (Value decay = getDecay(); decay && !broadcastsTo(shapeExprsOf(decay.getType()), shape))
    return emitOpError() << "decay of shape " << showShape(shapeExprsOf(decay.getType()))
                         << " does not broadcast to " << showShape(shape);
  return success();
}
LogicalResult PrefixScanOp::verifySizes(const sym::Assumptions &) { return success(); }

//===----------------------------------------------------------------------===//
// nn.block
//===----------------------------------------------------------------------===//

/// `: (types) -> results` after `count` operands written at `loc`: one type
/// per operand (`what` names them in the error).
static ParseResult parseSignature(OpAsmParser &parser, size_t count, llvm::SMLoc loc,
                                  llvm::StringRef what, FunctionType &signature) {
  if (parser.parseColonType(signature))
    return failure();
  if (signature.getNumInputs() != count)
    return parser.emitError(loc) << count << " " << what << "(s) but "
                                 << signature.getNumInputs() << " type(s)";
  return success();
}

ParseResult BlockOp::parse(OpAsmParser &parser, OperationState &result) {
  std::string name;
  if (parser.parseString(&name))
    return failure();
  result.addAttribute("name", parser.getBuilder().getStringAttr(name));
  llvm::SmallVector<OpAsmParser::Argument> regionArgs;
  llvm::SmallVector<OpAsmParser::UnresolvedOperand> inputs;
  llvm::SMLoc inputsLoc = parser.getCurrentLocation();
  if (parser.parseAssignmentList(regionArgs, inputs))
    return failure();
  FunctionType signature;
  if (parseSignature(parser, inputs.size(), inputsLoc, "input", signature))
    return failure();
  llvm::ArrayRef<Type> types = signature.getInputs(), resultTypes = signature.getResults();
  for (auto [arg, type] : llvm::zip(regionArgs, types))
    arg.type = type;
  if (parser.resolveOperands(inputs, types, inputsLoc, result.operands))
    return failure();
  result.addTypes(resultTypes);
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  return parser.parseRegion(*result.addRegion(), regionArgs);
}

void BlockOp::print(OpAsmPrinter &printer) {
  printer << " ";
  printer.printString(getName());
  printer << " (";
  llvm::interleaveComma(llvm::zip(getBodyBlock().getArguments(), getInputs()), printer,
                        [&](auto pair) {
                          printer << std::get<0>(pair) << " = " << std::get<1>(pair);
                        });
  printer << ") : ";
  printer.printFunctionalType(*this);
  printer.printOptionalAttrDictWithKeyword((*this)->getAttrs(), {"name"});
  printer << " ";
  printer.printRegion(getBody(), /*printEntryBlockArgs=*/false);
}

LogicalResult BlockOp::verifyRegions() {
  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "body has " << block.getNumArguments() << " argument(s) for "
                         << getInputs().size() << " input(s)";
  for (auto [arg, input] : llvm::zip(block.getArguments(), getInputs()))
    if (arg.getType() != input.getType())
      return emitOpError() << "body argument type " << arg.getType()
                           << " differs from the input's " << input.getType();
  auto yield = llvm::dyn_cast<YieldOp>(block.empty() ? nullptr : &block.back());
  if (!yield)
    return emitOpError() << "body must end with 'nn.yield'";
  if (yield.getValues().getTypes() != getResultTypes())
    return yield.emitOpError() << "must yield the block's result types " << getResultTypes();
  for (Operation &op : block.without_terminator())
    if (llvm::isa<RepeatOp, BlockOp>(op))
      return op.emitOpError() << "cannot be nested in an nn.block: a block is one layer";
  return success();
}

LogicalResult BlockOp::verifySizes(const sym::Assumptions &) { return success(); }

//===----------------------------------------------------------------------===//
// nn.recur
//===----------------------------------------------------------------------===//

/// The positions of an !nn.seq are its second-to-last axis.
static unsigned positionAxis(Type seq) { return shapeExprsOf(seq).size() - 2; }

Expr RecurOp::getSteps() {
  Type type = getInputs().front().getType();
  return shapeExprsOf(type)[positionAxis(type)];
}

/// The shape of one step of a sequence: without its position axis.
static llvm::SmallVector<Expr> stepShapeOf(Type seq) {
  llvm::SmallVector<Expr> shape = shapeExprsOf(seq);
  shape.erase(shape.begin() + positionAxis(seq));
  return shape;
}

// nn.recur (%x, ...) init (%h0, ...) {reverse} : (types) init (types) -> types {body}
ParseResult RecurOp::parse(OpAsmParser &parser, OperationState &result) {
  llvm::SmallVector<OpAsmParser::UnresolvedOperand> inputs, inits;
  llvm::SmallVector<Type> inputTypes, initTypes, resultTypes;
  llvm::SMLoc inputsLoc = parser.getCurrentLocation();
  if (parser.parseOperandList(inputs, OpAsmParser::Delimiter::Paren))
    return failure();
  llvm::SMLoc initsLoc = parser.getCurrentLocation();
  if (parser.parseKeyword("init") ||
      parser.parseOperandList(inits, OpAsmParser::Delimiter::Paren) ||
      parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.parseLParen() ||
      (failed(parser.parseOptionalRParen()) &&
       (parser.parseTypeList(inputTypes) || parser.parseRParen())) ||
      parser.parseKeyword("init") || parser.parseLParen() ||
      (failed(parser.parseOptionalRParen()) &&
       (parser.parseTypeList(initTypes) || parser.parseRParen())) ||
      parser.parseArrow() || parser.parseTypeList(resultTypes))
    return failure();
  if (parser.resolveOperands(inputs, inputTypes, inputsLoc, result.operands) ||
      parser.resolveOperands(inits, initTypes, initsLoc, result.operands))
    return failure();
  result.addAttribute(getNumInputsAttrName(result.name),
                      parser.getBuilder().getI64IntegerAttr(inputs.size()));
  result.addTypes(resultTypes);
  Region *body = result.addRegion();
  return parser.parseRegion(*body);
}

void RecurOp::print(OpAsmPrinter &printer) {
  printer << " (" << getInputs() << ") init (" << getInits() << ")";
  printer.printOptionalAttrDict((*this)->getAttrs(), {getNumInputsAttrName()});
  printer << " : (" << getInputs().getTypes() << ") init (" << getInits().getTypes()
          << ") -> " << getResultTypes() << " ";
  printer.printRegion(getBody(), /*printEntryBlockArgs=*/true);
}

LogicalResult RecurOp::verifyRegions() {
  // Read signed: the getter's uint64_t would show -1 as 18446744073709551615.
  int64_t numInputs = getNumInputsAttr().getInt();
  if (numInputs < 0 || numInputs > static_cast<int64_t>(getOperands().size()))
    return emitOpError() << "num_inputs " << numInputs << " is not in [0, "
                         << getOperands().size() << "]";
  if (getInputs().empty())
    return emitOpError() << "needs at least one input sequence (it sets the number of steps)";
  for (auto [i, input] : llvm::enumerate(getInputs()))
    if (!llvm::isa<SeqType>(input.getType()))
      return emitOpError() << "input " << i << " must be a sequence (!nn.seq)";
  for (auto [i, input] : llvm::enumerate(getInputs()))
    if (shapeExprsOf(input.getType()).size() < 2)
      return emitOpError() << "input " << i << " needs a position axis and a feature axis";
  for (auto [i, result] : llvm::enumerate(getResults()))
    if (shapeExprsOf(result.getType()).size() < 2)
      return emitOpError() << "result " << i << " needs a position axis and a feature axis";
  Expr steps = getSteps();
  Block &block = getBodyBlock();
  size_t expected = getInputs().size() + getInits().size();
  if (block.getNumArguments() != expected)
    return emitOpError() << "body takes " << block.getNumArguments() << " argument(s) for "
                         << getInputs().size() << " input(s) and " << getInits().size()
                         << " state(s)";
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    Type type = input.getType();
    if (shapeExprsOf(type)[positionAxis(type)] != steps)
      return emitOpError() << "input " << i << " has "
                           << formatSizeExpr(shapeExprsOf(type)[positionAxis(type)])
                           << " positions, input 0 has " << formatSizeExpr(steps);
    auto arg = llvm::dyn_cast<NNTensorType>(block.getArgument(i).getType());
    if (!arg || shapeExprsOf(arg) != stepShapeOf(type))
      return emitOpError() << "body argument " << i << " must be one step of input " << i
                           << ": !nn.tensor with its shape less the position axis";
  }
  if (getInits().size() != getNumResults())
    return emitOpError() << "has " << getInits().size() << " state(s) but " << getNumResults()
                         << " result(s): one sequence per state";
  for (auto [i, init] : llvm::enumerate(getInits())) {
    Type arg = block.getArgument(getInputs().size() + i).getType();
    if (arg != init.getType())
      return emitOpError() << "body argument for state " << i << " has type " << arg
                           << ", its init " << init.getType();
    llvm::SmallVector<Expr> state = shapeExprsOf(arg);
    if (state.empty())
      return emitOpError() << "state " << i << " needs at least one dimension";
    llvm::SmallVector<Expr> sequence(state);
    sequence.insert(sequence.end() - 1, steps);
    if (shapeExprsOf(getResult(i).getType()) != sequence)
      return emitOpError() << "result " << i << " must be the sequence of state " << i
                           << ": its shape with the " << formatSizeExpr(steps)
                           << " steps before the last dimension";
  }
  auto yield = llvm::dyn_cast<YieldOp>(block.empty() ? nullptr : &block.back());
  if (!yield)
    return emitOpError() << "body must end with 'nn.yield'";
  if (yield.getValues().getTypes() != getInits().getTypes())
    return yield.emitOpError() << "must yield the new states, of types " << getInits().getTypes();
  for (Operation &op : block.without_terminator()) {
    if (llvm::isa<ParamOp>(op))
      return op.emitOpError() << "inside nn.recur would be a new weight at every step; "
                                 "declare weights outside the recurrence";
    if (llvm::isa<RepeatOp, BlockOp, RecurOp, PrefixScanOp>(op))
      return op.emitOpError() << "cannot be nested in an nn.recur body";
  }
  return success();
}

LogicalResult RecurOp::verifySizes(const sym::Assumptions &) { return success(); }

//===----------------------------------------------------------------------===//
// nn.call
//===----------------------------------------------------------------------===//

ParseResult CallOp::parse(OpAsmParser &parser, OperationState &result) {
  MLIRContext *context = parser.getContext();
  FlatSymbolRefAttr callee;
  if (parser.parseAttribute(callee, "callee", result.attributes))
    return failure();
  llvm::SmallVector<OpAsmParser::UnresolvedOperand> inputs;
  llvm::SMLoc inputsLoc = parser.getCurrentLocation();
  if (parser.parseOperandList(inputs, OpAsmParser::Delimiter::Paren))
    return failure();
  llvm::SmallVector<NamedAttribute> bindings;
  if (succeeded(parser.parseOptionalLBrace()) && failed(parser.parseOptionalRBrace())) {
    if (parser.parseCommaSeparatedList([&]() -> ParseResult {
          llvm::SMLoc keyLoc = parser.getCurrentLocation();
          std::string key;
          sym::Expr size;
          if (parser.parseKeywordOrString(&key) || parser.parseEqual() ||
              parseSizeExpr(parser, size))
            return failure();
          if (llvm::any_of(bindings, [&](NamedAttribute a) { return a.getName() == key; }))
            return parser.emitError(keyLoc, "symbol '") << key << "' is bound twice";
          bindings.emplace_back(StringAttr::get(context, key), DimAttr::get(context, size));
          return success();
        }) ||
        parser.parseRBrace())
      return failure();
  }
  result.addAttribute("bindings", DictionaryAttr::get(context, bindings));
  FunctionType signature;
  if (parseSignature(parser, inputs.size(), inputsLoc, "operand", signature))
    return failure();
  llvm::ArrayRef<Type> types = signature.getInputs(), resultTypes = signature.getResults();
  if (parser.resolveOperands(inputs, types, inputsLoc, result.operands))
    return failure();
  result.addTypes(resultTypes);
  return success();
}

void CallOp::print(OpAsmPrinter &printer) {
  printer << " ";
  printer.printAttributeWithoutType(getCalleeAttr());
  printer << "(";
  printer.printOperands(getInputs());
  printer << ")";
  if (!getBindings().empty()) {
    printer << " {";
    llvm::interleaveComma(getBindings(), printer, [&](NamedAttribute a) {
      printer.printKeywordOrString(a.getName().getValue());
      printer << " = ";
      printSizeExpr(printer, llvm::cast<DimAttr>(a.getValue()).getExpr());
    });
    printer << "}";
  }
  printer << " : ";
  printer.printFunctionalType(*this);
}

ModelOp CallOp::getCalleeModel() {
  return SymbolTable::lookupNearestSymbolFrom<ModelOp>(*this, getCalleeAttr());
}

static Type substituteType(Type type, const llvm::StringMap<Expr> &values) {
  llvm::SmallVector<Expr> shape = shapeExprsOf(type);
  for (Expr &e : shape)
    e = e.substitute(values);
  MLIRContext *context = type.getContext();
  if (auto seq = llvm::dyn_cast<SeqType>(type))
    return SeqType::get(context, shape, seq.getPosition());
  if (llvm::isa<NNTensorType>(type))
    return NNTensorType::get(context, shape);
  if (llvm::isa<TokensType>(type))
    return TokensType::get(context, shape);
  return type;
}

Type costopt::nn::substituteSizes(Type type, const llvm::StringMap<Expr> &values) {
  return substituteType(type, values);
}

FailureOr<llvm::StringMap<Expr>> CallOp::bindCalleeSymbols(ModelOp callee) {
  llvm::StringMap<Expr> values;
  std::vector<std::string> names = callee.getSymbolNames();
  for (NamedAttribute binding : getBindings()) {
    if (!llvm::is_contained(names, binding.getName().getValue().str()))
      return emitOpError() << "@" << callee.getSymName() << " has no symbol '"
                           << binding.getName().getValue() << "'";
    values[binding.getName().getValue()] = llvm::cast<DimAttr>(binding.getValue()).getExpr();
  }
  Block &body = callee.getBodyBlock();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "@" << callee.getSymName() << " takes " << body.getNumArguments()
                         << " input(s), not " << getInputs().size();
  // A dimension written as a bare symbol takes the operand's size.
  for (auto [arg, input] : llvm::zip(body.getArguments(), getInputs())) {
    llvm::SmallVector<Expr> formal = shapeExprsOf(arg.getType());
    llvm::SmallVector<Expr> actual = shapeExprsOf(input.getType());
    if (formal.size() != actual.size() || arg.getType().getTypeID() != input.getType().getTypeID())
      return emitOpError() << "operand of type " << input.getType() << " does not fit @"
                           << callee.getSymName() << "'s input " << arg.getType();
    for (auto [f, a] : llvm::zip(formal, actual))
      if (auto name = f.getSymbolName(); name && !values.count(*name))
        values[*name] = a;
  }
  for (const std::string &name : names)
    if (!values.count(name))
      return emitOpError() << "symbol '" << name << "' of @" << callee.getSymName()
                           << " is not bound: give it as {" << name << " = ...}";
  for (auto [arg, input] : llvm::zip(body.getArguments(), getInputs()))
    if (substituteType(arg.getType(), values) != input.getType())
      return emitOpError() << "operand of type " << input.getType() << " does not match @"
                           << callee.getSymName() << "'s input " << arg.getType() << ", which is "
                           << substituteType(arg.getType(), values) << " with these sizes";
  auto output = callee.getOutputOp();
  if (output.getValues().size() != getNumResults())
    return emitOpError() << "@" << callee.getSymName() << " returns "
                         << output.getValues().size() << " value(s), not " << getNumResults();
  for (auto [value, result] : llvm::zip(output.getValues(), getResults()))
    if (substituteType(value.getType(), values) != result.getType())
      return emitOpError() << "result type " << result.getType() << " does not match @"
                           << callee.getSymName() << "'s output, "
                           << substituteType(value.getType(), values);
  return values;
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &) {
  ModelOp callee = getCalleeModel();
  if (!callee)
    return emitOpError() << "calls @" << getCallee() << ", which is not an nn.model of this file";
  if (callee == (*this)->getParentOfType<ModelOp>())
    return emitOpError() << "calls the model it is in";
  return bindCalleeSymbols(callee);
}

LogicalResult CallOp::verifySizes(const sym::Assumptions &assumptions) {
  ModelOp callee = getCalleeModel();
  if (!callee)
    return success(); // verifySymbolUses reports it
  auto values = bindCalleeSymbols(callee);
  if (failed(values))
    return failure();
  // Every callee symbol is a size >= its lower bound, and its constraints
  // hold, for every value of the caller's symbols.
  FailureOr<sym::Assumptions> calleeAssumptions = callee.getAssumptions();
  if (failed(calleeAssumptions))
    return failure();
  for (const std::string &name : callee.getSymbolNames()) {
    if (failed(verifySize(*this, (*values)[name],
                          "'" + name + "' of @" + callee.getSymName().str(), assumptions)))
      return failure();
    if (calleeAssumptions->lowerBound(name) <= 1)
      continue;
    Expr slack = (*values)[name] - Expr(calleeAssumptions->lowerBound(name));
    sym::Sign sign = sym::decideSign(slack, assumptions);
    if (sign != sym::Sign::Positive && sign != sym::Sign::NonNegative && sign != sym::Sign::Zero)
      return emitOpError() << "cannot prove that '" << name << "' = " << show((*values)[name])
                           << " is at least " << show(Expr(calleeAssumptions->lowerBound(name)))
                           << ", as @" << callee.getSymName() << " requires";
  }
  auto constraints = sym::parseConstraints(callee.getConstraintText());
  if (!constraints)
    return emitOpError() << llvm::toString(constraints.takeError());
  for (auto [i, c] : llvm::enumerate(*constraints)) {
    Expr lhs = c.lhs.substitute(*values), rhs = c.rhs.substitute(*values);
    bool holds = false;
    if (c.kind == sym::Constraint::Kind::Divisible) {
      holds = assumptions.knowsDivides(lhs, rhs);
    } else if (c.kind == sym::Constraint::Kind::Equal) {
      holds = lhs == rhs;
    } else {
      Expr difference = c.kind == sym::Constraint::Kind::GreaterEqual ||
                                c.kind == sym::Constraint::Kind::Greater
                            ? lhs - rhs
                            : rhs - lhs;
      sym::Sign sign = sym::decideSign(difference, assumptions);
      bool strict = c.kind == sym::Constraint::Kind::Greater || c.kind == sym::Constraint::Kind::Less;
      holds = sign == sym::Sign::Positive ||
              (!strict && (sign == sym::Sign::NonNegative || sign == sym::Sign::Zero));
    }
    if (!holds) {
      auto diag = emitOpError() << "cannot prove @" << callee.getSymName() << "'s constraint '"
                                << llvm::cast<StringAttr>(callee.getConstraints()[i]).getValue()
                                << "' for these sizes; add it to the caller's where clause";
      diag.attachNote(callee.getConstraintLoc(i)) << "the constraint is here";
      return diag;
    }
  }
  return success();
}
