//===- Reference.cpp - A scalar evaluator of primitive models -------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The independent reference `costopt verify` compares the kernels' outputs
// with: it reads the nn primitives themselves (not their lowering), visits
// every point of each iteration domain, tests masks against their integer
// sets and indexes operands through their affine maps (reading zero outside
// an operand), and interprets map bodies op by op, in double precision.
// Slow by design; verify runs it only at small sizes.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/Reference.h"

#include "costopt/Dialect/NN/NNDialect.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Interfaces/CostModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace costopt;

namespace {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  int64_t size() const {
    int64_t n = 1;
    for (int64_t e : shape)
      n *= e;
    return n;
  }
  /// Row-major strides.
  std::vector<int64_t> strides() const {
    std::vector<int64_t> s(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;)
      s[i - 1] = s[i] * shape[i];
    return s;
  }
};

/// Steps `index` through a box of `extents` in row-major order; false
/// after the last point.
bool next(std::vector<int64_t> &index, llvm::ArrayRef<int64_t> extents) {
  for (size_t i = index.size(); i-- > 0;) {
    if (++index[i] < extents[i])
      return true;
    index[i] = 0;
  }
  return false;
}

bool emptyBox(llvm::ArrayRef<int64_t> extents) {
  return llvm::any_of(extents, [](int64_t e) { return e <= 0; });
}

/// Calls fn(flat, index) at every point of a box of `extents`, in row-major
/// order (flat is the point's row-major offset).
template <typename Fn>
void forEachPoint(llvm::ArrayRef<int64_t> extents, Fn fn) {
  if (emptyBox(extents))
    return;
  std::vector<int64_t> index(extents.size(), 0);
  int64_t flat = 0;
  do
    fn(flat++, llvm::ArrayRef<int64_t>(index));
  while (next(index, extents));
}

int64_t evalAffine(AffineExpr e, llvm::ArrayRef<int64_t> dims, llvm::ArrayRef<int64_t> syms) {
  switch (e.getKind()) {
  case AffineExprKind::Constant:
    return llvm::cast<AffineConstantExpr>(e).getValue();
  case AffineExprKind::DimId:
    return dims[llvm::cast<AffineDimExpr>(e).getPosition()];
  case AffineExprKind::SymbolId:
    return syms[llvm::cast<AffineSymbolExpr>(e).getPosition()];
  default: {
    auto bin = llvm::cast<AffineBinaryOpExpr>(e);
    int64_t l = evalAffine(bin.getLHS(), dims, syms), r = evalAffine(bin.getRHS(), dims, syms);
    switch (e.getKind()) {
    case AffineExprKind::Add:
      return l + r;
    case AffineExprKind::Mul:
      return l * r;
    case AffineExprKind::Mod:
      return ((l % r) + r) % r;
    case AffineExprKind::FloorDiv:
      return l >= 0 ? l / r : -((-l + r - 1) / r);
    default: // CeilDiv
      return l >= 0 ? (l + r - 1) / r : -((-l) / r);
    }
  }
  }
}

/// Whether `point` satisfies every constraint of `set`.
bool inside(IntegerSet set, llvm::ArrayRef<int64_t> point, llvm::ArrayRef<int64_t> syms) {
  for (auto [c, eq] : llvm::zip(set.getConstraints(), set.getEqFlags())) {
    int64_t v = evalAffine(c, point, syms);
    if (eq ? v != 0 : v < 0)
      return false;
  }
  return true;
}

class Evaluator {
public:
  Evaluator(const sym::Bindings &point) : point(point) {}

  llvm::Expected<int64_t> size(const sym::Expr &e) {
    auto v = sym::evaluate(e, point);
    if (!v)
      return v.takeError();
    if (v->den != 1)
      return sym::makeError("size " + e.str() + " is not an integer");
    return int64_t(v->num);
  }
  llvm::Expected<std::vector<int64_t>> shapeOf(Type type) {
    std::vector<int64_t> shape;
    for (const sym::Expr &e : nn::shapeExprsOf(type)) {
      auto v = size(e);
      if (!v)
        return v.takeError();
      shape.push_back(*v);
    }
    return shape;
  }
  llvm::Expected<std::vector<int64_t>> symbolValues(ArrayAttr symbols) {
    std::vector<int64_t> values;
    if (symbols)
      for (Attribute a : symbols) {
        auto v = size(llvm::cast<nn::DimAttr>(a).getExpr());
        if (!v)
          return v.takeError();
        values.push_back(*v);
      }
    return values;
  }

  llvm::Error block(Block &body);
  llvm::Error op(Operation *op);

  const sym::Bindings &point;
  llvm::DenseMap<Value, Tensor> values;
  /// A value computed before (the IR is in SSA form and evaluated in order).
  const Tensor &valueOf(Value v) {
    auto it = values.find(v);
    assert(it != values.end() && "read before it was computed");
    return it->second;
  }
  /// Parameters and fixed tensors: their whole (stacked) argument data and
  /// the repeats they are stacked over.
  llvm::DenseMap<Operation *, std::pair<const Tensor *, llvm::SmallVector<nn::RepeatOp>>> params;
  llvm::DenseMap<Operation *, int64_t> iteration;
  std::vector<Tensor> arguments;

private:
  llvm::Error contract(nn::ContractOp op);
  llvm::Error map(nn::MapOp op);
  llvm::Error reduce(nn::ReduceOp op);
  llvm::Error scan(nn::PrefixScanOp op);
  llvm::Error repeat(nn::RepeatOp op);
  llvm::Error recur(nn::RecurOp op);
  llvm::Expected<double> body(Block &body, llvm::ArrayRef<double> args);
  /// `t` read at the result index `index` under NumPy broadcasting.
  static double broadcastRead(const Tensor &t, llvm::ArrayRef<int64_t> index);
};

double Evaluator::broadcastRead(const Tensor &t, llvm::ArrayRef<int64_t> index) {
  size_t lead = index.size() - t.shape.size();
  int64_t flat = 0;
  for (size_t i = 0; i < t.shape.size(); ++i)
    flat = flat * t.shape[i] + (t.shape[i] == 1 ? 0 : index[lead + i]);
  return t.data[flat];
}

llvm::Expected<double> Evaluator::body(Block &body, llvm::ArrayRef<double> args) {
  llvm::DenseMap<Value, double> v;
  for (auto [arg, x] : llvm::zip(body.getArguments(), args))
    v[arg] = x;
  for (Operation &inner : body) {
    if (auto yield = llvm::dyn_cast<nn::YieldOp>(inner))
      return v.lookup(yield.getValues()[0]);
    auto in = [&](unsigned i) { return v.lookup(inner.getOperand(i)); };
    std::optional<double> r =
        llvm::TypeSwitch<Operation *, std::optional<double>>(&inner)
            .Case([&](arith::ConstantOp c) -> std::optional<double> {
              if (auto f = llvm::dyn_cast<FloatAttr>(c.getValue()))
                return f.getValueAsDouble();
              return std::nullopt;
            })
            .Case([&](arith::AddFOp) { return in(0) + in(1); })
            .Case([&](arith::SubFOp) { return in(0) - in(1); })
            .Case([&](arith::MulFOp) { return in(0) * in(1); })
            .Case([&](arith::DivFOp) { return in(0) / in(1); })
            .Case([&](arith::NegFOp) { return -in(0); })
            .Case([&](arith::MaximumFOp) { return std::max(in(0), in(1)); })
            .Case([&](arith::MinimumFOp) { return std::min(in(0), in(1)); })
            .Case([&](arith::MaxNumFOp) { return std::fmax(in(0), in(1)); })
            .Case([&](arith::MinNumFOp) { return std::fmin(in(0), in(1)); })
            .Case([&](math::ExpOp) { return std::exp(in(0)); })
            .Case([&](math::LogOp) { return std::log(in(0)); })
            .Case([&](math::TanhOp) { return std::tanh(in(0)); })
            .Case([&](math::ErfOp) { return std::erf(in(0)); })
            .Case([&](math::SqrtOp) { return std::sqrt(in(0)); })
            .Case([&](math::RsqrtOp) { return 1 / std::sqrt(in(0)); })
            .Case([&](math::AbsFOp) { return std::fabs(in(0)); })
            .Case([&](math::PowFOp) { return std::pow(in(0), in(1)); })
            .Case([&](math::SinOp) { return std::sin(in(0)); })
            .Case([&](math::CosOp) { return std::cos(in(0)); })
            .Case([&](math::FloorOp) { return std::floor(in(0)); })
            .Case([&](math::CeilOp) { return std::ceil(in(0)); })
            // A comparison's i1 is held as 0 or 1 (what an imported ONNX
            // mask or NaN guard computes), and a select reads it.
            .Case([&](arith::CmpFOp cmp) -> std::optional<double> {
              double a = in(0), b = in(1);
              bool unordered = std::isnan(a) || std::isnan(b);
              using P = arith::CmpFPredicate;
              switch (cmp.getPredicate()) {
              case P::OEQ: return !unordered && a == b;
              case P::ONE: return !unordered && a != b;
              case P::OLT: return !unordered && a < b;
              case P::OLE: return !unordered && a <= b;
              case P::OGT: return !unordered && a > b;
              case P::OGE: return !unordered && a >= b;
              case P::UEQ: return unordered || a == b;
              case P::UNE: return unordered || a != b;
              case P::ULT: return unordered || a < b;
              case P::ULE: return unordered || a <= b;
              case P::UGT: return unordered || a > b;
              case P::UGE: return unordered || a >= b;
              case P::ORD: return !unordered;
              case P::UNO: return unordered;
              case P::AlwaysTrue: return 1.0;
              case P::AlwaysFalse: return 0.0;
              }
              return std::nullopt;
            })
            .Case([&](arith::SelectOp) { return in(0) != 0 ? in(1) : in(2); })
            .Default([](Operation *) { return std::nullopt; });
    if (!r)
      return sym::makeError("the reference evaluator does not know '" +
                            inner.getName().getStringRef().str() + "'");
    v[inner.getResult(0)] = *r;
  }
  return sym::makeError("a map body without nn.yield");
}

llvm::Error Evaluator::contract(nn::ContractOp op) {
  auto mapRange = op.getIndexingMaps().getAsValueRange<AffineMapAttr>();
  llvm::SmallVector<AffineMap> maps(mapRange.begin(), mapRange.end());
  std::vector<int64_t> extents;
  for (const sym::Expr &e : op.getDomainExtents()) {
    auto v = size(e);
    if (!v)
      return v.takeError();
    extents.push_back(*v);
  }
  auto syms = symbolValues(op.getSymbolsAttr());
  if (!syms)
    return syms.takeError();
  auto resultShape = shapeOf(op.getResult().getType());
  if (!resultShape)
    return resultShape.takeError();
  Tensor result{*resultShape, {}};
  result.data.assign(result.size(), 0.0);
  const Tensor &lhs = valueOf(op.getLhs()), &rhs = valueOf(op.getRhs());
  std::optional<IntegerSet> mask;
  if (auto m = op.getMaskAttr())
    mask = m.getValue();
  auto read = [&](const Tensor &t, AffineMap map, llvm::ArrayRef<int64_t> at) -> double {
    int64_t flat = 0;
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      int64_t x = evalAffine(e, at, *syms);
      if (x < 0 || x >= t.shape[i])
        return 0.0; // padding
      flat = flat * t.shape[i] + x;
    }
    return t.data[flat];
  };
  std::vector<int64_t> outStrides = result.strides();
  forEachPoint(extents, [&](int64_t, llvm::ArrayRef<int64_t> at) {
    if (mask && !inside(*mask, at, *syms))
      return;
    int64_t flat = 0;
    for (auto [i, e] : llvm::enumerate(maps[2].getResults())) {
      int64_t x = evalAffine(e, at, *syms);
      if (x < 0 || x >= result.shape[i])
        return; // a scattered product outside the result: cropped
      flat += x * outStrides[i];
    }
    result.data[flat] += read(lhs, maps[0], at) * read(rhs, maps[1], at);
  });
  if (Value bias = op.getBias()) {
    const Tensor &b = valueOf(bias);
    forEachPoint(result.shape, [&](int64_t flat, llvm::ArrayRef<int64_t> index) {
      result.data[flat] += broadcastRead(b, index);
    });
  }
  values[op.getResult()] = std::move(result);
  return llvm::Error::success();
}

llvm::Error Evaluator::map(nn::MapOp op) {
  auto shape = shapeOf(op.getResult().getType());
  auto syms = symbolValues(op.getSymbolsAttr());
  if (!shape)
    return shape.takeError();
  if (!syms)
    return syms.takeError();
  Tensor result{*shape, {}};
  result.data.assign(result.size(), 0.0);
  std::vector<const Tensor *> inputs;
  for (Value v : op.getInputs())
    inputs.push_back(&valueOf(v));
  std::optional<IntegerSet> mask;
  if (auto m = op.getMaskAttr())
    mask = m.getValue();
  std::vector<double> args(inputs.size());
  if (auto sizes = op.getSizes())
    for (Attribute a : *sizes) {
      auto v = size(llvm::cast<nn::DimAttr>(a).getExpr());
      if (!v)
        return v.takeError();
      args.push_back(static_cast<double>(*v));
    }
  llvm::Error error = llvm::Error::success();
  forEachPoint(*shape, [&](int64_t flat, llvm::ArrayRef<int64_t> index) {
    if (error || (mask && !inside(*mask, index, *syms)))
      return;
    for (auto [i, t] : llvm::enumerate(inputs))
      args[i] = broadcastRead(*t, index);
    auto v = body(op.getBody().front(), args);
    if (!v)
      error = v.takeError();
    else
      result.data[flat] = *v;
  });
  if (error)
    return error;
  values[op.getResult()] = std::move(result);
  return llvm::Error::success();
}

llvm::Error Evaluator::reduce(nn::ReduceOp op) {
  const Tensor &input = valueOf(op.getInput());
  auto shape = shapeOf(op.getResult().getType());
  auto syms = symbolValues(op.getSymbolsAttr());
  if (!shape)
    return shape.takeError();
  if (!syms)
    return syms.takeError();
  bool isMax = op.getKind() == "max";
  Tensor result{*shape, {}};
  result.data.assign(result.size(), isMax ? -INFINITY : 0.0);
  std::optional<IntegerSet> mask;
  if (auto m = op.getMaskAttr())
    mask = m.getValue();
  std::vector<int64_t> outStrides = result.strides();
  // An element no input element inside the mask reaches is zero.
  std::vector<bool> reached(result.data.size(), false);
  forEachPoint(input.shape, [&](int64_t flat, llvm::ArrayRef<int64_t> index) {
    if (!mask || inside(*mask, index, *syms)) {
      int64_t out = 0;
      for (size_t i = 0; i < index.size(); ++i)
        out += (result.shape[i] == 1 ? 0 : index[i]) * outStrides[i];
      double x = input.data[flat];
      result.data[out] = isMax ? std::max(result.data[out], x) : result.data[out] + x;
      reached[out] = true;
    }
  });
  for (size_t i = 0; i < reached.size(); ++i)
    if (!reached[i])
      result.data[i] = 0.0;
  values[op.getResult()] = std::move(result);
  return llvm::Error::success();
}

llvm::Error Evaluator::scan(nn::PrefixScanOp op) {
  Tensor x = values.lookup(op.getInput());
  Tensor result = x;
  unsigned axis = *positionAxisOf(op.getInput().getType());
  const Tensor *decay = op.getDecay() ? &valueOf(op.getDecay()) : nullptr;
  std::vector<int64_t> strides = x.strides();
  forEachPoint(x.shape, [&](int64_t flat, llvm::ArrayRef<int64_t> index) {
    if (index[axis] > 0) {
      double previous = result.data[flat - strides[axis]];
      if (decay)
        previous *= broadcastRead(*decay, index);
      result.data[flat] = previous + x.data[flat];
    }
  });
  values[op.getResult()] = std::move(result);
  return llvm::Error::success();
}

llvm::Error Evaluator::repeat(nn::RepeatOp op) {
  auto count = size(op.getCount().getExpr());
  if (!count)
    return count.takeError();
  Block &body = op.getBodyBlock();
  std::vector<Tensor> carried;
  for (Value v : op.getInits())
    carried.push_back(values.lookup(v));
  for (int64_t i = 0; i < *count; ++i) {
    iteration[op] = i;
    for (auto [arg, t] : llvm::zip(body.getArguments(), carried))
      values[arg] = t;
    if (auto error = block(body))
      return error;
    for (auto [j, v] : llvm::enumerate(llvm::cast<nn::YieldOp>(body.getTerminator()).getValues()))
      carried[j] = values.lookup(v);
  }
  for (auto [res, t] : llvm::zip(op.getResults(), carried))
    values[res] = std::move(t);
  return llvm::Error::success();
}

llvm::Error Evaluator::recur(nn::RecurOp op) {
  auto steps = size(op.getSteps());
  if (!steps)
    return steps.takeError();
  Block &body = op.getBodyBlock();
  std::vector<Tensor> results, states;
  for (Value result : op.getResults()) {
    auto shape = shapeOf(result.getType());
    if (!shape)
      return shape.takeError();
    Tensor t{*shape, {}};
    t.data.assign(t.size(), 0.0);
    results.push_back(std::move(t));
  }
  for (Value init : op.getInits())
    states.push_back(valueOf(init));
  // Element (outer, at, inner) of a tensor whose position axis is second
  // to last: outer runs over the axes before it, inner over the last.
  auto offsetOf = [](const Tensor &t, int64_t outer, int64_t at, int64_t inner) {
    int64_t n = t.shape[t.shape.size() - 2], last = t.shape.back();
    return (outer * n + at) * last + inner;
  };
  for (int64_t step = 0; step < *steps; ++step) {
    int64_t at = op.getReverse() ? *steps - 1 - step : step;
    for (auto [arg, input] : llvm::zip(body.getArguments(), op.getInputs())) {
      const Tensor &sequence = valueOf(input);
      auto shape = shapeOf(arg.getType());
      if (!shape)
        return shape.takeError();
      Tensor slice{*shape, {}};
      int64_t last = sequence.shape.back(), outer = slice.size() / std::max<int64_t>(last, 1);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < last; ++i)
          slice.data.push_back(sequence.data[offsetOf(sequence, o, at, i)]);
      values[arg] = std::move(slice);
    }
    for (auto [arg, state] : llvm::zip(body.getArguments().drop_front(op.getInputs().size()),
                                       states))
      values[arg] = state;
    if (auto error = block(body))
      return error;
    auto yield = llvm::cast<nn::YieldOp>(body.getTerminator());
    for (auto [i, v] : llvm::enumerate(yield.getValues())) {
      states[i] = valueOf(v);
      Tensor &sequence = results[i];
      int64_t last = sequence.shape.back(), outer = states[i].size() / std::max<int64_t>(last, 1);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < last; ++k)
          sequence.data[offsetOf(sequence, o, at, k)] = states[i].data[o * last + k];
    }
  }
  for (auto [res, t] : llvm::zip(op.getResults(), results))
    values[res] = std::move(t);
  return llvm::Error::success();
}

llvm::Error Evaluator::block(Block &body) {
  for (Operation &inner : body.without_terminator())
    if (auto error = op(&inner))
      return error;
  return llvm::Error::success();
}

llvm::Error Evaluator::op(Operation *o) {
  auto copyResult = [&](Tensor t) {
    values[o->getResult(0)] = std::move(t);
    return llvm::Error::success();
  };
  if (llvm::isa<nn::ParamOp, nn::ConstantOp>(o)) {
    auto &[whole, stack] = params[o];
    auto shape = shapeOf(o->getResult(0).getType());
    if (!shape)
      return shape.takeError();
    Tensor t{*shape, {}};
    // This iteration's slice of the argument stacked over the repeats.
    int64_t size = t.size(), flat = 0;
    for (size_t i = 0; i < stack.size(); ++i)
      flat = flat * whole->shape[i] + iteration.lookup(stack[i]);
    int64_t offset = flat * size;
    t.data.assign(whole->data.begin() + offset, whole->data.begin() + offset + size);
    return copyResult(std::move(t));
  }
  if (auto c = llvm::dyn_cast<nn::ContractOp>(o))
    return contract(c);
  if (auto m = llvm::dyn_cast<nn::MapOp>(o))
    return map(m);
  if (auto r = llvm::dyn_cast<nn::ReduceOp>(o))
    return reduce(r);
  if (auto s = llvm::dyn_cast<nn::PrefixScanOp>(o))
    return scan(s);
  if (auto r = llvm::dyn_cast<nn::RepeatOp>(o))
    return repeat(r);
  if (auto r = llvm::dyn_cast<nn::RecurOp>(o))
    return recur(r);
  if (auto b = llvm::dyn_cast<nn::BlockOp>(o)) {
    Block &body = b.getBodyBlock();
    // Copies first: inserting into the DenseMap may move its entries.
    for (auto [arg, input] : llvm::zip(body.getArguments(), b.getInputs())) {
      Tensor t = valueOf(input);
      values[arg] = std::move(t);
    }
    if (auto error = block(body))
      return error;
    for (auto [res, v] :
         llvm::zip(b.getResults(), llvm::cast<nn::YieldOp>(body.getTerminator()).getValues())) {
      Tensor t = valueOf(v);
      values[res] = std::move(t);
    }
    return llvm::Error::success();
  }
  auto shape = shapeOf(o->getResult(0).getType());
  if (!shape)
    return shape.takeError();
  Tensor result{*shape, {}};
  result.data.assign(result.size(), 0.0);
  if (auto g = llvm::dyn_cast<nn::GatherOp>(o)) {
    const Tensor &table = valueOf(g.getTable()), &ids = valueOf(g.getIndices());
    int64_t row = table.size() / std::max<int64_t>(table.shape[0], 1);
    for (int64_t i = 0; i < ids.size(); ++i) {
      int64_t id = static_cast<int64_t>(ids.data[i]);
      if (id < 0 || id >= table.shape[0])
        return sym::makeError("a token id is outside the table");
      std::copy(table.data.begin() + id * row, table.data.begin() + (id + 1) * row,
                result.data.begin() + i * row);
    }
    return copyResult(std::move(result));
  }
  if (auto t = llvm::dyn_cast<nn::TransposeOp>(o)) {
    const Tensor &in = valueOf(t.getInput());
    std::vector<int64_t> inStrides = in.strides();
    std::vector<int64_t> perm;
    for (Attribute a : t.getPermutation()) {
      auto v = size(llvm::cast<nn::DimAttr>(a).getExpr());
      if (!v)
        return v.takeError();
      perm.push_back(*v);
    }
    forEachPoint(*shape, [&](int64_t flat, llvm::ArrayRef<int64_t> index) {
      int64_t from = 0;
      for (size_t i = 0; i < perm.size(); ++i)
        from += index[i] * inStrides[perm[i]];
      result.data[flat] = in.data[from];
    });
    return copyResult(std::move(result));
  }
  if (auto r = llvm::dyn_cast<nn::ReshapeOp>(o)) {
    result.data = valueOf(r.getInput()).data;
    return copyResult(std::move(result));
  }
  auto dimOf = [&](nn::DimAttr a) { return size(a.getExpr()); };
  if (auto c = llvm::dyn_cast<nn::ConcatOp>(o)) {
    auto dim = dimOf(c.getDim());
    if (!dim)
      return dim.takeError();
    std::vector<int64_t> strides = result.strides();
    int64_t offset = 0;
    for (Value v : c.getInputs()) {
      const Tensor &in = valueOf(v);
      forEachPoint(in.shape, [&](int64_t flat, llvm::ArrayRef<int64_t> at) {
        int64_t to = 0;
        for (size_t i = 0; i < at.size(); ++i)
          to += (at[i] + (int64_t(i) == *dim ? offset : 0)) * strides[i];
        result.data[to] = in.data[flat];
      });
      offset += in.shape[*dim];
    }
    return copyResult(std::move(result));
  }
  if (auto e = llvm::dyn_cast<nn::ExtractOp>(o)) {
    auto dim = dimOf(e.getDim());
    auto offset = dimOf(e.getOffset());
    if (!dim)
      return dim.takeError();
    if (!offset)
      return offset.takeError();
    const Tensor &in = valueOf(e.getInput());
    std::vector<int64_t> inStrides = in.strides();
    forEachPoint(*shape, [&](int64_t flat, llvm::ArrayRef<int64_t> index) {
      int64_t from = 0;
      for (size_t i = 0; i < index.size(); ++i)
        from += (index[i] + (int64_t(i) == *dim ? *offset : 0)) * inStrides[i];
      result.data[flat] = in.data[from];
    });
    return copyResult(std::move(result));
  }
  return sym::makeError("the reference evaluator cannot run '" +
                        o->getName().getStringRef().str() + "'");
}

} // namespace

llvm::Expected<std::vector<double>>
costopt::evaluateReference(nn::ModelOp model, const KernelSignature &signature,
                           const std::vector<ArgumentData> &data, const sym::Bindings &point) {
  Evaluator evaluator(point);
  evaluator.arguments.reserve(data.size());
  for (const ArgumentData &d : data) {
    Tensor t{d.shape, {}};
    if (!d.ids.empty())
      t.data.assign(d.ids.begin(), d.ids.end());
    else
      t.data.assign(d.values.begin(), d.values.end());
    evaluator.arguments.push_back(std::move(t));
  }
  // The lowering's argument order: symbols, counters, inputs, parameters
  // (pre-order), fixed tensors (pre-order), outputs.
  size_t next = 0;
  while (next < signature.arguments.size() &&
         signature.arguments[next].role != KernelArgument::Role::Input)
    ++next;
  Block &body = model.getBodyBlock();
  for (BlockArgument arg : body.getArguments())
    evaluator.values[arg] = evaluator.arguments[next++];
  for (bool constants : {false, true})
    model.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (constants ? !llvm::isa<nn::ConstantOp>(op) : !llvm::isa<nn::ParamOp>(op))
        return;
      llvm::SmallVector<nn::RepeatOp> stack;
      if (!constants)
        for (auto r = op->getParentOfType<nn::RepeatOp>(); r;
             r = r->getParentOfType<nn::RepeatOp>())
          if (!r.getSharedWeights())
            stack.insert(stack.begin(), r);
      evaluator.params[op] = {&evaluator.arguments[next++], stack};
    });
  if (auto error = evaluator.block(body))
    return std::move(error);
  auto outputs = model.getOutputOp().getValues();
  if (outputs.empty())
    return std::vector<double>();
  return evaluator.values[outputs.front()].data;
}
