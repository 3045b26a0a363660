//===- PointCheck.cpp - Checking symbol values against a model ------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Dialect/NN/PointCheck.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace costopt;
using namespace costopt::nn;

/// Every size an op carries: its size attributes and its types' dimensions.
/// The sizes an op's types and attributes name; `offsets` gets the symbols
/// of a primitive's index maps and masks, which are positions, not extents
/// (a padding or a band limit may be 0). An nn.extract's offset has rules
/// of its own.
static void collectSizes(Operation *op, llvm::SmallVectorImpl<DimAttr> &sizes,
                         llvm::SmallVectorImpl<DimAttr> &offsets) {
  auto addShape = [&](Type type) {
    llvm::ArrayRef<DimAttr> shape;
    if (auto seq = llvm::dyn_cast<SeqType>(type))
      shape = seq.getShape();
    else if (auto tokens = llvm::dyn_cast<TokensType>(type))
      shape = tokens.getShape();
    llvm::append_range(sizes, shape);
  };
  for (NamedAttribute attr : op->getAttrs()) {
    if (llvm::isa<ExtractOp>(op) && attr.getName() == "offset")
      continue;
    // Maps' symbols and an opaque op's stated FLOPs may be 0.
    bool mayBeZero = (llvm::isa<ContractOp, MapOp, ReduceOp>(op) && attr.getName() == "symbols") ||
                     (llvm::isa<OpaqueOp>(op) && attr.getName() == "flops");
    auto &into = mayBeZero ? offsets : sizes;
    if (auto dim = llvm::dyn_cast<DimAttr>(attr.getValue()))
      into.push_back(dim);
    else if (auto array = llvm::dyn_cast<ArrayAttr>(attr.getValue()))
      for (Attribute a : array)
        if (auto dim = llvm::dyn_cast<DimAttr>(a))
          into.push_back(dim);
  }
  for (Type t : op->getOperandTypes())
    addShape(t);
  for (Type t : op->getResultTypes())
    addShape(t);
}

PointChecker::PointChecker(ModelOp model) : symbolOrder(model.getSymbolNames()) {
  auto add = [&](Location loc, Kind kind, sym::Expr lhs, sym::Expr rhs,
                 std::string description) {
    Rule rule{loc, kind, std::move(lhs), std::move(rhs), std::move(description), {}};
    for (const sym::Expr *side : {&rule.lhs, &rule.rhs})
      for (std::string &s : side->getSymbols())
        if (!llvm::is_contained(rule.symbols, s))
          rule.symbols.push_back(std::move(s));
    rules.push_back(std::move(rule));
  };

  // The verifier has parsed the constraints already: these cannot fail.
  sym::Assumptions assumptions = *model.getAssumptions();
  for (const std::string &name : symbolOrder) {
    llvm::DynamicAPInt bound = assumptions.lowerBound(name);
    add(model.getLoc(), Kind::AtLeast, sym::Expr::symbol(name), sym::Expr(bound),
        "symbol '" + name + "' must be at least " + sym::formatWithSeparators(bound));
    rules.back().symbolBound = true;
  }
  for (auto [index, attr] : llvm::enumerate(model.getConstraints())) {
    llvm::StringRef text = llvm::cast<StringAttr>(attr).getValue();
    std::string shown = text.str();
    for (size_t pos; (pos = shown.find('%')) != std::string::npos;)
      shown.replace(pos, 1, "mod");
    for (const sym::Constraint &c : cantFail(sym::parseConstraints(text))) {
      Kind kind = Kind::Equal;
      switch (c.kind) {
      case sym::Constraint::Kind::Divisible: kind = Kind::Divides; break;
      case sym::Constraint::Kind::GreaterEqual: kind = Kind::AtLeast; break;
      case sym::Constraint::Kind::LessEqual: kind = Kind::AtMost; break;
      case sym::Constraint::Kind::Equal: kind = Kind::Equal; break;
      case sym::Constraint::Kind::Greater: kind = Kind::Greater; break;
      case sym::Constraint::Kind::Less: kind = Kind::Less; break;
      }
      add(model.getConstraintLoc(index), kind, c.lhs, c.rhs, "constraint '" + shown + "'");
    }
  }

  // Sizes: each distinct one once, at the first op that uses it.
  // A size attribute met before is skipped without printing its expression.
  llvm::StringSet<> seen;
  llvm::DenseSet<Attribute> seenAttrs;
  model.getBody().walk([&](Operation *op) {
    llvm::SmallVector<DimAttr> dims, offsets;
    collectSizes(op, dims, offsets);
    for (DimAttr dim : dims) {
      if (!seenAttrs.insert(dim).second)
        continue;
      const sym::Expr &size = dim.getExpr();
      if (!size.getConstant() && seen.insert(size.str()).second)
        add(op->getLoc(), Kind::IntegerAtLeast, size, sym::Expr(1),
            "size '" + formatSizeExpr(size) + "' of '" + op->getName().getStringRef().str() +
                "'");
    }
    for (DimAttr dim : offsets)
      if (!dim.getExpr().getConstant() && seen.insert("offset " + dim.getExpr().str()).second)
        add(op->getLoc(), Kind::IntegerAtLeast, dim.getExpr(), sym::Expr(0),
            "offset '" + formatSizeExpr(dim.getExpr()) + "' of '" +
                op->getName().getStringRef().str() + "'");
    // A slice ends within its dimension (its verifier refuses only what is
    // provably past the end).
    if (auto extract = llvm::dyn_cast<ExtractOp>(op)) {
      auto [end, size] = extract.getSliceEndAndExtent();
      add(op->getLoc(), Kind::AtMost, end, size,
          "rule '" + formatSizeExpr(end) + " <= " + formatSizeExpr(size) +
              "' of 'nn.extract' (a slice ends within its dimension)");
      if (!extract.getOffset().getExpr().getConstant())
        add(op->getLoc(), Kind::IntegerAtLeast, extract.getOffset().getExpr(), sym::Expr(0),
            "rule '" + formatSizeExpr(extract.getOffset().getExpr()) +
                " >= 0' of 'nn.extract' (a slice starts within its dimension)");
    }
    // A learned position table has max_len rows: longer sequences cannot run.
    if (auto positional = llvm::dyn_cast<PositionalOp>(op))
      if (auto maxLen = positional.getMaxLenAttr())
      {
        sym::Expr n = positional.getInput().getType().getDimExpr(-2);
        add(op->getLoc(), Kind::AtMost, n, maxLen.getExpr(),
            "rule '" + formatSizeExpr(n) + " <= " + formatSizeExpr(maxLen.getExpr()) +
                "' of 'nn.positional' (a learned position table has max_len rows)");
      }
  });
}

std::optional<PointViolation> PointChecker::check(const sym::Bindings &point) const {
  for (const Rule &rule : rules) {
    if (!llvm::all_of(rule.symbols, [&](const std::string &s) { return point.count(s); }))
      continue;
    auto lhs = sym::evaluate(rule.lhs, point);
    auto rhs = sym::evaluate(rule.rhs, point);
    if (!lhs || !rhs) {
      // Division by zero or an irrational logarithm at this point.
      std::string why;
      for (auto *side : {&lhs, &rhs})
        if (!*side)
          why = llvm::toString(side->takeError());
      return PointViolation{rule.loc, rule.description + " cannot be evaluated: " + why};
    }
    int order = mlir::presburger::compare(*lhs, *rhs);
    bool holds = true;
    std::string value;
    switch (rule.kind) {
    case Kind::AtLeast: holds = order >= 0; break;
    case Kind::AtMost: holds = order <= 0; break;
    case Kind::Equal: holds = order == 0; break;
    case Kind::Less: holds = order < 0; break;
    case Kind::Greater: holds = order > 0; break;
    case Kind::Divides:
      holds = rhs->num != 0 && lhs->den == 1 && rhs->den == 1 && (*lhs / *rhs).den == 1;
      break;
    case Kind::IntegerAtLeast:
      holds = order >= 0 && lhs->den == 1;
      value = " is " + sym::formatRational(*lhs);
      break;
    }
    if (holds)
      continue;
    std::string at;
    for (const std::string &name : symbolOrder)
      if (llvm::is_contained(rule.symbols, name))
        at += (at.empty() ? "" : ", ") + name + " = " +
              sym::formatWithSeparators(point.lookup(name));
    std::string message = rule.description;
    if (rule.kind == Kind::IntegerAtLeast)
      message += value + " at " + at +
                 (rule.rhs.isZero() ? "; offsets must be non-negative integers"
                                    : "; sizes must be positive integers");
    else if (rule.symbolBound)
      message += "; got " + at;
    else
      message += " does not hold at " + at;
    return PointViolation{rule.loc, message};
  }
  return std::nullopt;
}
