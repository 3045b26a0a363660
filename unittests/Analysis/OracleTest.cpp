//===- OracleTest.cpp - Brute-force oracles for the cost analyses ---------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Independent checks of the symbolic results at concrete sizes:
//
// - FLOPs: a reference evaluation walks every (query, key) pair an attention
//   mask admits, every output position a convolution produces, every step
//   of a recurrence, and adds up the scalar operations the conventions
//   assign to each; the analysis's formula, evaluated at the same sizes,
//   must match exactly.
// - Sequential depth and path length: the model's dependency graph is
//   unrolled over positions (one node per op application and position, a
//   chain for recurrences, the levels of a Hillis–Steele scan), then the
//   longest path (depth) and the cheapest input-to-output paths (path
//   length) are found by dynamic programming over the DAG.
//
// The oracles read ops and attributes directly and share no code with the
// cost rules or the analysis.
//
//===----------------------------------------------------------------------===//

#include "costopt/Analysis/ModelCost.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <random>

using namespace costopt;
using namespace costopt::nn;
using llvm::DynamicAPInt;

namespace {

using Bindings = std::map<std::string, int64_t>;

class Oracle : public ::testing::Test {
public:
  Oracle() {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  ModelOp parse(llvm::StringRef text) {
    module = mlir::parseSourceString<mlir::ModuleOp>(text, context.get());
    EXPECT_TRUE(module) << "model did not parse:\n" << text.str();
    ModelOp model;
    module->walk([&](ModelOp m) { model = m; });
    return model;
  }

  static sym::Bindings toSym(const Bindings &b) {
    sym::Bindings out;
    for (auto &[k, v] : b)
      out[k] = DynamicAPInt(v);
    return out;
  }

  static int64_t eval(const sym::Expr &e, const Bindings &b) {
    auto v = sym::evaluate(e, toSym(b));
    if (!v) {
      ADD_FAILURE() << llvm::toString(v.takeError()) << " in " << e.str();
      return -1;
    }
    EXPECT_EQ(v->den, DynamicAPInt(1)) << e.str() << " is not an integer";
    return static_cast<int64_t>(v->num);
  }

  static std::vector<int64_t> shape(mlir::Type type, const Bindings &b) {
    std::vector<int64_t> dims;
    for (const sym::Expr &e : shapeExprsOf(type))
      dims.push_back(eval(e, b));
    return dims;
  }

  static int64_t dimAttr(DimAttr attr, const Bindings &b, int64_t fallback) {
    return attr ? eval(attr.getExpr(), b) : fallback;
  }

  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

//===----------------------------------------------------------------------===//
// FLOPs by enumeration
//===----------------------------------------------------------------------===//

/// Forward FLOPs of one op at concrete sizes, by enumerating its work.
int64_t referenceFlops(mlir::Operation *op, const Bindings &b) {
  auto shapeOf = [&](mlir::Value v) { return Oracle::shape(v.getType(), b); };
  auto positions = [](const std::vector<int64_t> &s) {
    int64_t p = 1;
    for (size_t i = 0; i + 1 < s.size(); ++i)
      p *= s[i];
    return p;
  };
  if (auto attention = llvm::dyn_cast<AttentionOp>(op)) {
    auto in = shapeOf(attention.getInput());
    std::vector<int64_t> mem = attention.getMemory() ? shapeOf(attention.getMemory()) : in;
    int64_t d = in.back(), dm = mem.back(), n = in[in.size() - 2], m = mem[mem.size() - 2];
    int64_t batch = positions(in) / n;
    int64_t heads = Oracle::dimAttr(attention.getHeads(), b, 1);
    int64_t kv = Oracle::dimAttr(attention.getKvHeadsAttr(), b, heads);
    int64_t dk = Oracle::dimAttr(attention.getHeadDimAttr(), b, d / heads);
    int64_t flops = 0;
    // Projections: one multiply-add per weight per position.
    flops += batch * n * 2 * d * heads * dk;      // Q
    flops += batch * m * 2 * 2 * dm * kv * dk;    // K, V
    flops += batch * n * 2 * heads * dk * d;      // output
    if (!attention.getNoBias())
      flops += batch * n * heads * dk + 2 * batch * m * kv * dk + batch * n * d;
    int64_t window = Oracle::dimAttr(attention.getWindowAttr(), b, 0);
    for (int64_t t = 0; t < n; ++t)
      for (int64_t s = 0; s < m; ++s) {
        bool admitted = true;
        if (attention.getCausal())
          admitted &= s <= t;
        if (window) {
          if (attention.getCausal()) {
            admitted &= s > t - window;
          } else {
            // The band itself, not clipped to n first: a window longer
            // than the sequence admits every key.
            admitted &= s >= t - (window - 1) / 2 && s <= t + window / 2;
          }
        }
        if (admitted) // per head and sequence: QK dot, AV axpy, softmax
          flops += batch * heads * (2 * dk + 2 * dk + 4);
      }
    return flops;
  }
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    auto in = shapeOf(conv.getInput()), out = shapeOf(conv.getResult());
    int64_t n = in[in.size() - 2], cin = in.back(), cout = out.back();
    int64_t batch = positions(in) / n;
    int64_t k = Oracle::dimAttr(conv.getKernel(), b, 1);
    int64_t stride = Oracle::dimAttr(conv.getStrideAttr(), b, 1);
    int64_t groups = conv.getDepthwise() ? cin : Oracle::dimAttr(conv.getGroupsAttr(), b, 1);
    std::vector<int64_t> dilations;
    if (auto list = conv.getDilationsAttr())
      for (mlir::Attribute a : list)
        dilations.push_back(Oracle::eval(llvm::cast<DimAttr>(a).getExpr(), b));
    else
      dilations.push_back(Oracle::dimAttr(conv.getDilationAttr(), b, 1));
    int64_t flops = 0;
    for (int64_t dilation : dilations) {
      // Count output positions by walking the input with the stride.
      int64_t outputs = 0;
      for (int64_t start = 0; start < n; start += stride) {
        if (conv.getPadding() == "valid" && start + dilation * (k - 1) >= n)
          break;
        ++outputs;
      }
      int64_t perOutput = conv.getSeparable()
                              ? 2 * k * cin + 2 * cin * cout + (conv.getNoBias() ? 0 : cin + cout)
                              : 2 * k * (cin / groups) * cout + (conv.getNoBias() ? 0 : cout);
      flops += batch * outputs * perOutput;
    }
    return flops;
  }
  if (auto rnn = llvm::dyn_cast<RecurrentOp>(op)) {
    auto in = shapeOf(rnn.getInput());
    int64_t n = in[in.size() - 2], din = in.back();
    int64_t batch = positions(in) / n;
    int64_t hidden = Oracle::eval(rnn.getHidden().getExpr(), b);
    int64_t layers = Oracle::dimAttr(rnn.getLayersAttr(), b, 1);
    int64_t dirs = rnn.getBidirectional() ? 2 : 1;
    int64_t gates = rnn.getCell() == "lstm" ? 4 : rnn.getCell() == "gru" ? 3 : 1;
    int64_t cellOps = rnn.getCell() == "lstm" ? 9 : rnn.getCell() == "gru" ? 8 : 1;
    int64_t flops = 0;
    for (int64_t layer = 0; layer < layers; ++layer)
      for (int64_t dir = 0; dir < dirs; ++dir)
        for (int64_t step = 0; step < n; ++step) {
          int64_t width = layer == 0 ? din : dirs * hidden;
          flops += batch * (2 * width * gates * hidden + 2 * hidden * gates * hidden +
                            (rnn.getNoBias() ? 0 : 2 * gates * hidden) + cellOps * hidden);
        }
    return flops;
  }
  if (auto linear = llvm::dyn_cast<LinearOp>(op)) {
    auto in = shapeOf(linear.getInput()), out = shapeOf(linear.getResult());
    return positions(in) * (2 * in.back() * out.back() + (linear.getNoBias() ? 0 : out.back()));
  }
  if (llvm::isa<AddOp>(op))
    return positions(shapeOf(op->getOperand(0))) * shapeOf(op->getOperand(0)).back();
  if (llvm::isa<LayerNormOp>(op))
    return 7 * positions(shapeOf(op->getOperand(0))) * shapeOf(op->getOperand(0)).back();
  ADD_FAILURE() << "no reference for " << op->getName().getStringRef().str();
  return -1;
}

void expectFlopsMatch(ModelOp model, const std::vector<Bindings> &points) {
  CostOptions options;
  auto cost = analyzeModel(model, options);
  ASSERT_TRUE(succeeded(cost));
  for (const Bindings &b : points)
    for (const LayerCost &layer : cost->layers) {
      int64_t expected = referenceFlops(layer.op, b);
      int64_t actual = Oracle::eval(layer.cost.totalFlops(CostMode::Forward), b);
      std::string where;
      for (auto &[k, v] : b)
        where += k + "=" + std::to_string(v) + " ";
      EXPECT_EQ(actual, expected) << layer.opName << " at " << layer.location << " with "
                                  << where;
    }
}

TEST_F(Oracle, AttentionFlopsByEnumeratingMasks) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[b, n, d]>, %mem: !nn.seq<[b, m, e]>)
        symbols(b, n, m, d, e, h, g, r) where (d mod h == 0, h mod g == 0, g <= h) {
      %full = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
      %causal = nn.attention %full {heads = h, causal, no_bias} : !nn.seq<[b, n, d]>
      %window = nn.attention %causal {heads = h, kv_heads = g, window = r, causal} : !nn.seq<[b, n, d]>
      %band = nn.attention %window {heads = h, window = r} : !nn.seq<[b, n, d]>
      %cross = nn.attention %band, %mem {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, e]>
      nn.output %cross : !nn.seq<[b, n, d]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t n : {1, 2, 5, 16, 33})
    for (int64_t r : {1, 2, 3, 4, 7, 40})
      points.push_back({{"b", 2}, {"n", n}, {"m", 3}, {"d", 8}, {"e", 6}, {"h", 4}, {"g", 2},
                        {"r", r}});
  expectFlopsMatch(model, points);
}

TEST_F(Oracle, ConvolutionFlopsByEnumeratingOutputs) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k, s)
        where (k >= 2, n >= 8, d mod 2 == 0) {
      %c = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
      %st = nn.conv %c {kernel = k, stride = s} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/s), d]>
      %v = nn.conv %c {kernel = 3, dilation = 2, groups = 2, padding = "valid"}
          : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 4, d]>
      %dw = nn.conv %c {kernel = k, depthwise, no_bias} : !nn.seq<[b, n, d]>
      %sep = nn.conv %dw {kernel = k, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
      %stack = nn.conv %c {kernel = 2, dilations = [1, 2, 4], causal} : !nn.seq<[b, n, d]>
      nn.output %st, %v, %sep, %stack : !nn.seq<[b, ceil(n/s), d]>, !nn.seq<[b, n - 4, d]>, !nn.seq<[b, n, 2*d]>, !nn.seq<[b, n, d]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t n : {8, 9, 17, 32})
    for (int64_t k : {2, 3, 5})
      for (int64_t s : {1, 2, 3})
        points.push_back({{"b", 3}, {"n", n}, {"d", 4}, {"k", k}, {"s", s}});
  expectFlopsMatch(model, points);
}

TEST_F(Oracle, RecurrentFlopsByEnumeratingSteps) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, H, L) {
      %e = nn.recurrent %x {cell = "elman", hidden = H} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, H]>
      %l = nn.recurrent %e {cell = "lstm", hidden = H, layers = L, bidirectional}
          : !nn.seq<[b, n, H]> -> !nn.seq<[b, n, 2*H]>
      %g = nn.recurrent %l {cell = "gru", hidden = d, no_bias} : !nn.seq<[b, n, 2*H]> -> !nn.seq<[b, n, d]>
      nn.output %g : !nn.seq<[b, n, d]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t n : {1, 4, 9})
    for (int64_t L : {1, 2, 3})
      points.push_back({{"b", 2}, {"n", n}, {"d", 5}, {"H", 3}, {"L", L}});
  expectFlopsMatch(model, points);
}

//===----------------------------------------------------------------------===//
// Depth and path length on the unrolled graph
//===----------------------------------------------------------------------===//

/// The dependency graph of a model unrolled over positions.
class UnrolledGraph {
public:
  struct Node {
    std::vector<int> inputs;
    bool mixing = false; ///< a sequence-mixing application (costs one hop)
  };

  UnrolledGraph(ModelOp model, const Bindings &b) : bindings(b) {
    mlir::Block &body = model.getBodyBlock();
    for (mlir::BlockArgument arg : body.getArguments()) {
      std::vector<int> nodes;
      for (int64_t t = 0; t < length(arg); ++t) {
        nodes.push_back(add({}, false));
        sources.push_back(nodes.back());
      }
      values[arg.getAsOpaquePointer()] = nodes;
    }
    walk(body);
    for (mlir::Value v : model.getOutputOp().getValues())
      for (int node : values[v.getAsOpaquePointer()])
        sinks.push_back(node);
  }

  /// The most input positions one output position depends on (over all
  /// outputs, so the widest field is an interior one when n is long enough).
  int64_t receptiveField() const {
    constexpr int64_t none = -1;
    std::vector<int64_t> low(nodes.size(), none), high(nodes.size(), none);
    for (size_t i = 0; i < sources.size(); ++i)
      low[sources[i]] = high[sources[i]] = int64_t(i);
    for (size_t i = 0; i < nodes.size(); ++i)
      for (int in : nodes[i].inputs)
        if (low[in] != none) {
          low[i] = low[i] == none ? low[in] : std::min(low[i], low[in]);
          high[i] = std::max(high[i], high[in]);
        }
    int64_t widest = 0;
    for (int s : sinks)
      if (low[s] != none)
        widest = std::max(widest, high[s] - low[s] + 1);
    return widest;
  }

  /// Max over connected (input, output) pairs of the fewest mixing
  /// applications on a path between them.
  int64_t maxShortestPath() const {
    constexpr int64_t inf = std::numeric_limits<int64_t>::max() / 4;
    int64_t result = 0;
    for (int source : sources) {
      std::vector<int64_t> cost(nodes.size(), inf);
      cost[source] = 0;
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (int(i) == source)
          continue;
        for (int in : nodes[i].inputs)
          if (cost[in] < inf)
            cost[i] = std::min(cost[i], cost[in] + (nodes[i].mixing ? 1 : 0));
      }
      for (int s : sinks)
        if (cost[s] < inf)
          result = std::max(result, cost[s]);
    }
    return result;
  }

private:
  int add(std::vector<int> inputs, bool mixing) {
    nodes.push_back({std::move(inputs), mixing});
    return nodes.size() - 1;
  }

  int64_t length(mlir::Value v) const {
    auto s = Oracle::shape(v.getType(), bindings);
    return s.size() >= 2 ? s[s.size() - 2] : 1;
  }

  std::vector<int> &of(mlir::Value v) { return values[v.getAsOpaquePointer()]; }

  void walk(mlir::Block &block) {
    for (mlir::Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        int64_t count = Oracle::eval(repeat.getCount().getExpr(), bindings);
        std::vector<std::vector<int>> carried;
        for (mlir::Value init : repeat.getInits())
          carried.push_back(of(init));
        for (int64_t i = 0; i < count; ++i) {
          for (auto [arg, nodesOf] : llvm::zip(repeat.getBodyBlock().getArguments(), carried))
            values[arg.getAsOpaquePointer()] = nodesOf;
          walk(repeat.getBodyBlock());
          auto yield = llvm::cast<YieldOp>(repeat.getBodyBlock().getTerminator());
          carried.clear();
          for (mlir::Value v : yield.getValues())
            carried.push_back(of(v));
        }
        for (auto [res, nodesOf] : llvm::zip(repeat.getResults(), carried))
          values[res.getAsOpaquePointer()] = nodesOf;
        continue;
      }
      if (llvm::isa<OutputOp, YieldOp>(op))
        continue;
      values[op.getResult(0).getAsOpaquePointer()] = unroll(op);
    }
  }

  std::vector<int> unroll(mlir::Operation &op) {
    const std::vector<int> &in = of(op.getOperand(0));
    int64_t n = in.size();
    std::vector<int> out;
    if (auto attention = llvm::dyn_cast<AttentionOp>(op)) {
      int64_t window = Oracle::dimAttr(attention.getWindowAttr(), bindings, 0);
      const std::vector<int> *memory =
          attention.getMemory() ? &of(attention.getMemory()) : nullptr;
      for (int64_t t = 0; t < n; ++t) {
        std::vector<int> deps;
        if (memory) {
          deps = *memory;
          deps.push_back(in[t]);
        } else {
          for (int64_t s = 0; s < n; ++s) {
            bool admitted = !attention.getCausal() || s <= t;
            if (window && attention.getCausal())
              admitted &= s > t - window;
            if (window && !attention.getCausal())
              admitted &= s >= t - (window - 1) / 2 && s <= t + window / 2;
            if (admitted)
              deps.push_back(in[s]);
          }
        }
        out.push_back(add(deps, true));
      }
      return out;
    }
    if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      int64_t k = Oracle::dimAttr(conv.getKernel(), bindings, 1);
      std::vector<int64_t> dilations;
      if (auto list = conv.getDilationsAttr())
        for (mlir::Attribute a : list)
          dilations.push_back(Oracle::eval(llvm::cast<DimAttr>(a).getExpr(), bindings));
      else
        dilations.push_back(Oracle::dimAttr(conv.getDilationAttr(), bindings, 1));
      // Output t of the last stacked layer reads inputs from t·stride on;
      // "valid" padding starts at the first input, "same" centres the taps
      // (causal: all before). The result type gives the output length.
      int64_t stride = Oracle::dimAttr(conv.getStrideAttr(), bindings, 1);
      std::vector<int> current = in;
      for (auto [i, dilation] : llvm::enumerate(dilations)) {
        bool last = i + 1 == dilations.size();
        int64_t step = last ? stride : 1;
        int64_t outputs = last ? length(conv.getResult()) : int64_t(current.size());
        std::vector<int> next;
        int64_t before = conv.getPadding() == "valid" ? 0
                         : conv.getCausal()            ? dilation * (k - 1)
                                                       : dilation * ((k - 1) / 2);
        for (int64_t t = 0; t < outputs; ++t) {
          std::vector<int> deps;
          for (int64_t j = 0; j < k; ++j) {
            int64_t s = t * step - before + j * dilation;
            if (s >= 0 && s < int64_t(current.size()))
              deps.push_back(current[s]);
          }
          next.push_back(add(deps, true));
        }
        current = next;
      }
      return current;
    }
    if (auto rnn = llvm::dyn_cast<RecurrentOp>(op)) {
      int64_t layers = Oracle::dimAttr(rnn.getLayersAttr(), bindings, 1);
      std::vector<std::vector<int>> layerInputs{in};
      std::vector<int> current = in;
      for (int64_t l = 0; l < layers; ++l) {
        std::vector<int> forward(n), backward(n);
        for (int64_t t = 0; t < n; ++t) {
          std::vector<int> deps{current[t]};
          if (t > 0)
            deps.push_back(forward[t - 1]);
          forward[t] = add(deps, true);
        }
        if (rnn.getBidirectional())
          for (int64_t t = n - 1; t >= 0; --t) {
            std::vector<int> deps{current[t]};
            if (t < n - 1)
              deps.push_back(backward[t + 1]);
            backward[t] = add(deps, true);
          }
        // The layer's output at t is the pair (forward, backward): a later
        // consumer depends on both, at no extra step.
        std::vector<int> merged(n);
        for (int64_t t = 0; t < n; ++t)
          merged[t] = rnn.getBidirectional() ? mergeNode({forward[t], backward[t]}) : forward[t];
        current = merged;
      }
      return current;
    }
    if (llvm::isa<ScanOp>(op)) {
      // Projections (one step), then a Hillis–Steele inclusive scan.
      std::vector<int> level;
      for (int64_t t = 0; t < n; ++t)
        level.push_back(add({in[t]}, true));
      return hillisSteele(level);
    }
    if (auto scan = llvm::dyn_cast<PrefixScanOp>(op)) {
      // The op's own step at each position (it mixes nothing), then either
      // the loop's chain or Hillis–Steele's levels, each a mixing step. A
      // decay along the positions enters where its position does.
      std::vector<int> current;
      for (int64_t t = 0; t < n; ++t) {
        std::vector<int> deps{in[t]};
        if (scan.getDecay() && of(scan.getDecay()).size() == size_t(n))
          deps.push_back(of(scan.getDecay())[t]);
        current.push_back(add(deps, false));
      }
      if (!scan.getParallel()) {
        std::vector<int> chain;
        for (int64_t t = 0; t < n; ++t) {
          std::vector<int> deps{current[t]};
          if (t > 0)
            deps.push_back(chain.back());
          chain.push_back(add(deps, true));
        }
        // The first step is the op's own: the chain replaces it.
        for (int64_t t = 0; t < n; ++t)
          zeroStep.push_back(current[t]);
        return chain;
      }
      return hillisSteele(current);
    }
    if (auto extract = llvm::dyn_cast<ExtractOp>(op)) {
      // A slice of positions (dimension rank - 2): one step at each kept
      // position; a result without positions is one value reading them.
      auto inShape = Oracle::shape(extract.getInput().getType(), bindings);
      int64_t dim = Oracle::eval(extract.getDim().getExpr(), bindings);
      if (inShape.size() >= 2 && dim == static_cast<int64_t>(inShape.size()) - 2) {
        int64_t offset = Oracle::eval(extract.getOffset().getExpr(), bindings);
        int64_t count = Oracle::shape(extract.getResult().getType(), bindings)[dim];
        std::vector<int> kept(in.begin() + offset, in.begin() + offset + count);
        if (!llvm::isa<SeqType>(extract.getResult().getType()))
          return {add(kept, false)};
        for (int node : kept)
          out.push_back(add({node}, false));
        return out;
      }
    }
    // Point-wise: one step at each position, over every operand.
    for (int64_t t = 0; t < n; ++t) {
      std::vector<int> deps;
      for (mlir::Value operand : op.getOperands())
        deps.push_back(of(operand)[t]);
      out.push_back(add(deps, false));
    }
    return out;
  }

  /// An inclusive Hillis–Steele scan over `level`: at stride 1, 2, 4, ...
  /// below n, every position combines with the one a stride before it (the
  /// first positions with nothing), each a mixing step.
  std::vector<int> hillisSteele(std::vector<int> level) {
    int64_t n = level.size();
    for (int64_t offset = 1; offset < n; offset *= 2) {
      std::vector<int> next;
      for (int64_t t = 0; t < n; ++t)
        next.push_back(t >= offset ? add({level[t], level[t - offset]}, true)
                                   : add({level[t]}, true));
      level = next;
    }
    return level;
  }

  /// A node standing for a concatenation: it adds no step (longestPath()
  /// skips it), so consumers see the deeper of its inputs.
  int mergeNode(std::vector<int> parts) {
    int node = add(parts, false);
    zeroStep.push_back(node);
    return node;
  }

public:
  /// Longest chain of op applications from any input to any output;
  /// concatenation nodes cost nothing.
  int64_t longestPath() const {
    std::vector<int64_t> depth(nodes.size(), 0);
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (std::find(sources.begin(), sources.end(), int(i)) != sources.end())
        continue;
      int64_t best = 0;
      for (int in : nodes[i].inputs)
        best = std::max(best, depth[in]);
      bool free = std::find(zeroStep.begin(), zeroStep.end(), int(i)) != zeroStep.end();
      depth[i] = best + (free ? 0 : 1);
    }
    int64_t result = 0;
    for (int s : sinks)
      result = std::max(result, depth[s]);
    return result;
  }

private:
  const Bindings &bindings;
  std::vector<Node> nodes;
  std::vector<int> sources, sinks, zeroStep;
  std::map<const void *, std::vector<int>> values;
};

void expectDepthAndPath(ModelOp model, const std::vector<Bindings> &points,
                        bool checkPath) {
  CostOptions options;
  auto cost = analyzeModel(model, options);
  ASSERT_TRUE(succeeded(cost));
  EXPECT_TRUE(cost->depthExact);
  for (const Bindings &b : points) {
    UnrolledGraph graph(model, b);
    std::string where;
    for (auto &[k, v] : b)
      where += k + "=" + std::to_string(v) + " ";
    EXPECT_EQ(Oracle::eval(cost->sequentialDepth, b), graph.longestPath())
        << "depth " << cost->sequentialDepth.str() << " at " << where;
    if (checkPath) {
      EXPECT_EQ(Oracle::eval(cost->maxPathLength, b), graph.maxShortestPath())
          << "path " << cost->maxPathLength.str() << " at " << where;
    }
  }
}

std::vector<Bindings> grid(std::initializer_list<int64_t> ns, std::initializer_list<int64_t> ls,
                           Bindings extra = {}) {
  std::vector<Bindings> points;
  for (int64_t n : ns)
    for (int64_t l : ls) {
      Bindings b = extra;
      b["n"] = n;
      b["L"] = l;
      b["d"] = 4;
      points.push_back(b);
    }
  return points;
}

TEST_F(Oracle, RecurrentStackIsAWavefront) {
  // L stacked recurrent layers: n + L - 1 steps, not n·L.
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %r = nn.recurrent %h {cell = "elman", hidden = d} : !nn.seq<[n, d]>
        nn.yield %r : !nn.seq<[n, d]>
      }
      nn.output %y : !nn.seq<[n, d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 2, 7, 64, 256}, {1, 2, 3, 5}), true);
  auto cost = analyzeModel(model, CostOptions{});
  EXPECT_EQ(cost->sequentialDepth, cantFail(sym::parse("n + L - 1")));
  EXPECT_EQ(cost->maxPathLength, cantFail(sym::parse("n + L - 1")));
}

/// L stacked Elman recurrences read at one position, `offset`: a value
/// without positions, as an RNN classifier reads the last.
std::string recurrentStackReadAt(llvm::StringRef offset) {
  return (R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %r = nn.recurrent %h {cell = "elman", hidden = d} : !nn.seq<[n, d]>
        nn.yield %r : !nn.seq<[n, d]>
      }
      %one = nn.extract %y {dim = 0, offset = )mlir" +
          offset + R"mlir(} : !nn.seq<[n, d]> -> !nn.tensor<[1, d]>
      nn.output %one : !nn.tensor<[1, d]>
    })mlir")
      .str();
}

TEST_F(Oracle, LastStateOfARecurrentStack) {
  // The last position waits for every step.
  ModelOp model = parse(recurrentStackReadAt("n - 1"));
  expectDepthAndPath(model, grid({1, 2, 7, 64}, {1, 2, 3}), true);
  auto cost = analyzeModel(model, CostOptions{});
  EXPECT_EQ(cost->sequentialDepth, cantFail(sym::parse("n + L")));
  EXPECT_EQ(cost->maxPathLength, cantFail(sym::parse("n + L - 1")));
}

TEST_F(Oracle, FirstStateOfRecurrences) {
  // The first position waits only for the first step forwards, but for
  // every step of a recurrence run backwards.
  ModelOp forward = parse(recurrentStackReadAt("0"));
  expectDepthAndPath(forward, grid({1, 2, 7, 64}, {1, 2, 3}), true);
  auto cost = analyzeModel(forward, CostOptions{});
  EXPECT_EQ(cost->sequentialDepth, cantFail(sym::parse("L + 1")));
  EXPECT_EQ(cost->maxPathLength, cantFail(sym::parse("L")));
  ModelOp both = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %b = nn.recurrent %x {cell = "gru", hidden = d, bidirectional} : !nn.seq<[n, d]> -> !nn.seq<[n, 2*d]>
      %first = nn.extract %b {dim = 0, offset = 0} : !nn.seq<[n, 2*d]> -> !nn.tensor<[1, 2*d]>
      nn.output %first : !nn.tensor<[1, 2*d]>
    })mlir");
  expectDepthAndPath(both, grid({1, 2, 7, 64}, {1}), false);
}

TEST_F(Oracle, AttentionStack) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %a = nn.attention %h {heads = 1} : !nn.seq<[n, d]>
        %c = nn.attention %a {heads = 1, causal} : !nn.seq<[n, d]>
        %f = nn.linear %c : !nn.seq<[n, d]> -> !nn.seq<[n, d]>
        nn.yield %f : !nn.seq<[n, d]>
      }
      nn.output %y : !nn.seq<[n, d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 3, 16}, {1, 2, 4}), true);
}

TEST_F(Oracle, ResidualsAddDepthNotPaths) {
  // Depth follows the longest chain; residual adds are on it.
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %a = nn.attention %h {heads = 1, causal} : !nn.seq<[n, d]>
        %r = nn.add %h, %a : !nn.seq<[n, d]>
        %l = nn.layer_norm %r : !nn.seq<[n, d]>
        nn.yield %l : !nn.seq<[n, d]>
      }
      nn.output %y : !nn.seq<[n, d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 5, 12}, {1, 2, 6}), false);
}

TEST_F(Oracle, ConvolutionStacks) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L, k) where (k >= 2) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %c = nn.conv %h {kernel = k, causal} : !nn.seq<[n, d]>
        nn.yield %c : !nn.seq<[n, d]>
      }
      nn.output %y : !nn.seq<[n, d]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t k : {2, 3})
    for (auto b : grid({1, 4, 9, 32}, {1, 3, 5}, {{"k", k}}))
      points.push_back(b);
  expectDepthAndPath(model, points, true);

  auto cost = analyzeModel(model, CostOptions{});
  ASSERT_TRUE(cost->receptiveField);
  EXPECT_EQ(*cost->receptiveField, cantFail(sym::parse("L*(k - 1) + 1")));
}

TEST_F(Oracle, DilatedAndCentredConvolutions) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %c = nn.conv %h {kernel = 2, dilations = [1, 2, 4], causal} : !nn.seq<[n, d]>
        %s = nn.conv %c {kernel = 3} : !nn.seq<[n, d]>
        nn.yield %s : !nn.seq<[n, d]>
      }
      nn.output %y : !nn.seq<[n, d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 6, 20}, {1, 2, 3}), true);
}

TEST_F(Oracle, BidirectionalAndMultiLayerRecurrence) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %b = nn.recurrent %x {cell = "gru", hidden = d, bidirectional} : !nn.seq<[n, d]> -> !nn.seq<[n, 2*d]>
      %l = nn.recurrent %b {cell = "lstm", hidden = d, layers = L} : !nn.seq<[n, 2*d]> -> !nn.seq<[n, d]>
      %a = nn.attention %l {heads = 1, causal} : !nn.seq<[n, d]>
      %r = nn.recurrent %a {cell = "elman", hidden = d, layers = 2, bidirectional} : !nn.seq<[n, d]> -> !nn.seq<[n, 2*d]>
      nn.output %r : !nn.seq<[n, 2*d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 2, 5, 13}, {1, 2, 4}), false);
}

/// A random stack of sequence mixers over one input of `length`
/// positions, width 4: convolutions (causal, centred, "valid"; strided and
/// dilated when `strides`), windowed attention, linear layers and, when
/// `recurrences`, unidirectional and bidirectional recurrences (at least
/// one). Returns the model's text.
std::string randomStack(std::mt19937 &random, int64_t length, bool strides, bool recurrences) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(random);
  };
  auto type = [](int64_t n) { return "!nn.seq<[" + std::to_string(n) + ", 4]>"; };
  std::string body, value = "%x";
  int layers = pick(1, 5), made = 0;
  bool recurrent = false;
  for (int i = 0; i < layers || (recurrences && !recurrent); ++i) {
    std::string next = "%v" + std::to_string(made++), line;
    int64_t out = length;
    int kind = pick(0, recurrences ? 7 : 5);
    if (recurrences && i + 1 >= layers && !recurrent)
      kind = 6;
    switch (kind) {
    case 0: case 1: { // convolution
      int64_t k = pick(2, 5), stride = strides ? pick(1, 3) : 1;
      std::string padding = kind == 1 && strides ? "valid" : pick(0, 1) ? "causal" : "centred";
      int64_t dilation = pick(1, 2);
      if (padding == "valid" && length <= dilation * (k - 1))
        padding = "causal";
      std::string attrs = "kernel = " + std::to_string(k);
      if (dilation > 1)
        attrs += ", dilation = " + std::to_string(dilation);
      if (stride > 1)
        attrs += ", stride = " + std::to_string(stride);
      if (padding == "causal")
        attrs += ", causal";
      if (padding == "valid") {
        attrs += ", padding = \"valid\"";
        out = (length - dilation * (k - 1) - 1) / stride + 1;
      } else {
        out = (length + stride - 1) / stride;
      }
      line = "nn.conv " + value + " {" + attrs + "} : " + type(length) + " -> " + type(out);
      break;
    }
    case 2: // a stack of dilated kernels
      line = "nn.conv " + value + " {kernel = 2, dilations = [1, 2]" +
             (pick(0, 1) ? ", causal" : "") + "} : " + type(length);
      break;
    case 3: case 4: // windowed attention, causal or centred
      line = "nn.attention " + value + " {heads = 1, window = " + std::to_string(pick(1, 5)) +
             (kind == 3 ? ", causal" : "") + "} : " + type(length);
      break;
    case 5:
      line = "nn.linear " + value + " : " + type(length) + " -> " + type(length);
      break;
    default: { // recurrence
      bool both = kind == 7;
      recurrent = true;
      line = "nn.recurrent " + value + " {cell = \"elman\", hidden = " + (both ? "2" : "4") +
             (both ? ", bidirectional" : "") + "} : " + type(length) + " -> " + type(length);
      break;
    }
    }
    body += "      " + next + " = " + line + "\n";
    value = next;
    length = out;
  }
  return body + "      nn.output " + value + " : " + type(length) + "\n";
}

TEST_F(Oracle, RandomStacksReceptiveFieldAndPathLength) {
  // One rule for every stack: a kernel after strides reaches the product of
  // the strides as far in the input; a window or kernel between recurrences
  // carries information as far as it reaches in one hop. Checked against
  // the unrolled graph: the widest field of an output position, and the
  // fewest mixers between the farthest connected positions.
  std::mt19937 random(9);
  for (int trial = 0; trial < 300; ++trial) {
    bool recurrences = trial % 2;
    int64_t n = recurrences ? std::vector<int64_t>{1, 2, 3, 6, 11, 20}[trial % 6] : 400;
    std::string text = "nn.model @m(%x: !nn.seq<[" + std::to_string(n) +
                       ", 4]>) symbols() {\n" + randomStack(random, n, !recurrences, recurrences) +
                       "    }";
    ModelOp model = parse(text);
    ASSERT_TRUE(model) << text;
    auto cost = analyzeModel(model, CostOptions{});
    ASSERT_TRUE(succeeded(cost)) << text;
    UnrolledGraph graph(model, {});
    // Dilated kernels between recurrences move only multiples of their
    // dilation: the analysis then says its count is an upper bound.
    bool dilatedBetweenRecurrences =
        recurrences && (text.find("dilation") != std::string::npos);
    EXPECT_EQ(cost->pathExact, !dilatedBetweenRecurrences) << text;
    if (cost->pathExact)
      EXPECT_EQ(Oracle::eval(cost->maxPathLength, {}), graph.maxShortestPath())
          << cost->maxPathLength.str() << " for\n" << text;
    else
      EXPECT_GE(Oracle::eval(cost->maxPathLength, {}), graph.maxShortestPath())
          << cost->maxPathLength.str() << " for\n" << text;
    if (!recurrences) {
      // No field is reported where no mixer is on the chain (each output
      // sees its own position).
      int64_t field = cost->receptiveField ? Oracle::eval(*cost->receptiveField, {}) : 1;
      EXPECT_EQ(field, graph.receptiveField()) << " for\n" << text;
    }
  }
}

TEST_F(Oracle, StridedConvolutionsSeeFurther) {
  // Kernel 3 twice: 5 positions; after a stride of 2 the second kernel's
  // taps are 2 input positions apart: 1 + 2 + 2·2 = 7.
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n = 64, d = 4) {
      %a = nn.conv %x {kernel = 3, stride = 2} : !nn.seq<[n, d]> -> !nn.seq<[ceil(n/2), d]>
      %b = nn.conv %a {kernel = 3} : !nn.seq<[ceil(n/2), d]>
      nn.output %b : !nn.seq<[ceil(n/2), d]>
    })mlir");
  auto cost = analyzeModel(model, CostOptions{});
  ASSERT_TRUE(succeeded(cost) && cost->receptiveField);
  EXPECT_EQ(Oracle::eval(*cost->receptiveField, {{"n", 64}, {"d", 4}}), 7);
}

TEST_F(Oracle, ParallelScanDepth) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %y = nn.repeat<L>(%h = %x) : !nn.seq<[n, d]> {
        %s = nn.ssm %h {state = 4} : !nn.seq<[n, d]>
        nn.yield %s : !nn.seq<[n, d]>
      }
      nn.output %y : !nn.seq<[n, d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 2, 3, 8, 9, 64}, {1, 3}), false);
}

TEST_F(Oracle, PrimitiveScansLoopsAndLevels) {
  // Parallel scans stacked on a loop and on each other, with a per-position
  // decay computed from the input: the depth profile composes the loop's
  // wavefront with the levels.
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[n, d]>) symbols(n, d, L) {
      %s = nn.scan %x {kind = "sum"} : !nn.seq<[n, d]>
      %y = nn.repeat<L>(%h = %s) : !nn.seq<[n, d]> {
        %p = nn.scan %h, %h {kind = "linear", parallel}
            : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, d]>
        nn.yield %p : !nn.seq<[n, d]>
      }
      %z = nn.scan %y {kind = "sum", parallel} : !nn.seq<[n, d]>
      nn.output %z : !nn.seq<[n, d]>
    })mlir");
  expectDepthAndPath(model, grid({1, 2, 3, 5, 8, 9, 33}, {1, 2, 3}), true);
}

//===----------------------------------------------------------------------===//
// Peak activation memory by simulating allocation
//===----------------------------------------------------------------------===//

/// The most elements one op holds while it runs, besides its inputs, by
/// replaying the layer written out as allocations and frees: an FFN as
/// linear, activation, linear (gated: gate, activation, up, product,
/// linear); attention as Q, K, V, scores, softmax, AV, output projection
/// (flash: no scores); a Mamba block as its projections, convolution and
/// scan. Other ops hold only their output.
int64_t insidePeak(mlir::Operation &op, const Bindings &b, int64_t output) {
  int64_t current = 0, best = 0;
  auto alloc = [&](int64_t elements) {
    current += elements;
    best = std::max(best, current);
  };
  auto release = [&](int64_t elements) { current -= elements; };
  auto positions = [&](mlir::Value v) {
    auto shape = Oracle::shape(v.getType(), b);
    int64_t p = 1;
    for (size_t i = 0; i + 1 < shape.size(); ++i)
      p *= shape[i];
    return p;
  };
  if (auto ffn = llvm::dyn_cast<FFNOp>(op)) {
    int64_t ph = positions(ffn.getInput()) * Oracle::eval(ffn.getHidden().getExpr(), b);
    alloc(ph); // pre-activation (gated: the gate's)
    alloc(ph); // activation
    release(ph);
    if (ffn.getGated()) {
      alloc(ph); // up projection
      alloc(ph); // product
      release(2 * ph);
    }
    alloc(output);
    release(ph);
    return best;
  }
  if (auto attention = llvm::dyn_cast<AttentionOp>(op);
      attention && attention.getKind() == "softmax") {
    auto in = Oracle::shape(attention.getInput().getType(), b);
    auto keys = attention.getMemory() ? Oracle::shape(attention.getMemory().getType(), b) : in;
    int64_t n = in[in.size() - 2], m = keys[keys.size() - 2], d = in.back();
    int64_t batch = positions(attention.getInput()) / n;
    int64_t heads = Oracle::eval(attention.getHeads().getExpr(), b);
    int64_t kvHeads = Oracle::dimAttr(attention.getKvHeadsAttr(), b, heads);
    int64_t dk = Oracle::dimAttr(attention.getHeadDimAttr(), b, d / heads);
    int64_t stored = m;
    if (int64_t window = Oracle::dimAttr(attention.getWindowAttr(), b, 0))
      stored = std::min(window, m);
    int64_t q = batch * n * heads * dk, kv = batch * m * kvHeads * dk;
    int64_t context = batch * n * heads * dk, scores = batch * heads * n * stored;
    alloc(q);
    alloc(kv); // K
    alloc(kv); // V
    if (!attention.getFlash()) {
      alloc(scores);
      release(q + kv); // Q and K are done
      alloc(scores);   // probabilities
      release(scores); // raw scores
      alloc(context);
      release(scores + kv); // probabilities and V
    } else {
      alloc(context);
      release(q + 2 * kv);
    }
    alloc(output);
    return best;
  }
  if (auto ssm = llvm::dyn_cast<ScanOp>(op)) {
    // Mamba's forward (Gu & Dao's reference), each tensor freed after its
    // last use: in_proj to x and z, conv1d + SiLU on x, x_proj to (Δ-rank,
    // B, C), dt_proj to Δ, the scan (state h per sequence, output y with
    // the D skip), y·silu(z) in place, out_proj.
    auto in = Oracle::shape(ssm.getInput().getType(), b);
    int64_t d = in.back(), n = in[in.size() - 2];
    int64_t p = positions(ssm.getInput()), sequences = p / n;
    int64_t inner = Oracle::dimAttr(ssm.getExpandAttr(), b, 2) * d;
    int64_t state = Oracle::eval(ssm.getState().getExpr(), b);
    int64_t rank = Oracle::dimAttr(ssm.getDtRankAttr(), b, (d + 15) / 16);
    int64_t xz = 2 * p * inner, conv = p * inner, xdbl = p * (rank + 2 * state);
    int64_t delta = p * inner, h = sequences * inner * state, y = p * inner;
    alloc(xz);
    alloc(conv);
    alloc(xdbl);
    alloc(delta);
    alloc(h);
    alloc(y);
    release(h + delta + xdbl + conv); // the scan is done
    release(xz);                      // z has gated y
    alloc(output);
    return best;
  }
  return output;
}

/// Runs the model at concrete sizes, repeats unrolled: each op allocates its
/// output (and, while it runs, what insidePeak replays), and a value is freed
/// after its last use. Returns the largest number of live elements.
int64_t simulatePeak(ModelOp model, const Bindings &b) {
  struct Step {
    std::vector<int> uses;
    int defines;
    int64_t output, inside;
  };
  std::vector<Step> steps;
  std::vector<int64_t> sizes;
  std::map<const void *, int> ids;
  auto elements = [&](mlir::Value v) {
    int64_t e = 1;
    for (int64_t dim : Oracle::shape(v.getType(), b))
      e *= dim;
    return e;
  };
  auto fresh = [&](int64_t size) {
    sizes.push_back(size);
    return int(sizes.size()) - 1;
  };
  std::vector<int> inputs;
  for (mlir::BlockArgument arg : model.getBodyBlock().getArguments()) {
    ids[arg.getAsOpaquePointer()] = fresh(elements(arg));
    inputs.push_back(ids[arg.getAsOpaquePointer()]);
  }
  std::function<void(mlir::Block &)> run = [&](mlir::Block &block) {
    for (mlir::Operation &op : block) {
      if (auto repeat = llvm::dyn_cast<RepeatOp>(op)) {
        std::vector<int> carried;
        for (mlir::Value init : repeat.getInits())
          carried.push_back(ids[init.getAsOpaquePointer()]);
        int64_t count = Oracle::eval(repeat.getCount().getExpr(), b);
        for (int64_t i = 0; i < count; ++i) {
          for (auto [arg, id] : llvm::zip(repeat.getBodyBlock().getArguments(), carried))
            ids[arg.getAsOpaquePointer()] = id;
          run(repeat.getBodyBlock());
          carried.clear();
          for (mlir::Value v : llvm::cast<YieldOp>(repeat.getBodyBlock().getTerminator()).getValues())
            carried.push_back(ids[v.getAsOpaquePointer()]);
        }
        for (auto [res, id] : llvm::zip(repeat.getResults(), carried))
          ids[res.getAsOpaquePointer()] = id;
        continue;
      }
      if (llvm::isa<YieldOp>(op))
        continue;
      Step step;
      for (mlir::Value operand : op.getOperands())
        step.uses.push_back(ids[operand.getAsOpaquePointer()]);
      step.defines = -1;
      step.output = 0;
      if (op.getNumResults()) {
        step.output = elements(op.getResult(0));
        step.defines = fresh(step.output);
        ids[op.getResult(0).getAsOpaquePointer()] = step.defines;
      }
      step.inside = insidePeak(op, b, step.output);
      steps.push_back(step);
    }
  };
  run(model.getBodyBlock());
  // Last use of every value (the final nn.output keeps the outputs alive).
  std::vector<int> lastUse(sizes.size(), -1);
  for (size_t i = 0; i < steps.size(); ++i)
    for (int v : steps[i].uses)
      lastUse[v] = i;
  std::vector<bool> live(sizes.size(), false);
  for (int v : inputs)
    live[v] = lastUse[v] >= 0;
  auto liveSum = [&] {
    int64_t sum = 0;
    for (size_t v = 0; v < sizes.size(); ++v)
      if (live[v])
        sum += sizes[v];
    return sum;
  };
  int64_t peak = liveSum();
  for (size_t i = 0; i < steps.size(); ++i) {
    peak = std::max(peak, liveSum() + steps[i].inside);
    for (int v : steps[i].uses)
      if (lastUse[v] == int(i))
        live[v] = false;
    if (steps[i].defines >= 0 && lastUse[steps[i].defines] > int(i))
      live[steps[i].defines] = true;
  }
  return peak;
}

TEST_F(Oracle, PeakActivationsBySimulatingAllocation) {
  ModelOp model = parse(R"mlir(
    nn.model @m(%t: !nn.tokens<[b, n]>, %mem: !nn.seq<[b, m, d]>) symbols(b, n, m, d, h, V, L, r)
        where (d mod h == 0) {
      %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
      %y = nn.repeat<L>(%x = %e) : !nn.seq<[b, n, d]> {
        %l = nn.layer_norm %x : !nn.seq<[b, n, d]>
        %a = nn.attention %l {heads = h, causal} : !nn.seq<[b, n, d]>
        %r1 = nn.add %x, %a : !nn.seq<[b, n, d]>
        %w = nn.attention %r1 {heads = h, window = r} : !nn.seq<[b, n, d]>
        %g = nn.ffn %w {hidden = 3*d, gated, activation = "silu"} : !nn.seq<[b, n, d]>
        %q = nn.attention %g {heads = h, kv_heads = 1, flash, causal} : !nn.seq<[b, n, d]>
        %c = nn.attention %q, %mem {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, d]>
        %f = nn.ffn %c {hidden = 4*d} : !nn.seq<[b, n, d]>
        %r2 = nn.add %r1, %f : !nn.seq<[b, n, d]>
        nn.yield %r2 : !nn.seq<[b, n, d]>
      }
      %u = nn.linear %y : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
      nn.output %u, %y : !nn.seq<[b, n, V]>, !nn.seq<[b, n, d]>
    })mlir");
  auto cost = analyzeModel(model, CostOptions{});
  ASSERT_TRUE(succeeded(cost));
  for (int64_t n : {1, 3, 16, 64})
    for (int64_t m : {1, 40})
      for (int64_t V : {2, 500})
        for (int64_t L : {1, 2, 3})
          for (int64_t r : {1, 5}) {
            Bindings b{{"b", 2}, {"n", n}, {"m", m}, {"d", 8}, {"h", 2},
                       {"V", V}, {"L", L}, {"r", r}};
            EXPECT_EQ(Oracle::eval(cost->peakActivationElements, b), simulatePeak(model, b))
                << cost->peakActivationElements.str() << " at n=" << n << " m=" << m
                << " V=" << V << " L=" << L << " r=" << r;
          }
}

/// Checks the analysis's forward peak against the allocation replay at
/// every binding.
void expectPeakMatches(ModelOp model, const std::vector<Bindings> &points) {
  auto cost = analyzeModel(model, CostOptions{});
  ASSERT_TRUE(succeeded(cost));
  for (const Bindings &b : points) {
    std::string where;
    for (auto &[k, v] : b)
      where += k + "=" + std::to_string(v) + " ";
    EXPECT_EQ(Oracle::eval(cost->peakActivationElements, b), simulatePeak(model, b))
        << cost->peakActivationElements.str() << " at " << where;
  }
}

TEST_F(Oracle, MambaPeaksInsideItsScan) {
  // The expanded x and z, the convolution's output, Δ/B/C, Δ, the scan's
  // state and output are alive at once: 5·E·d per position besides the
  // state b·E·d·N, far above the block's input and output.
  ModelOp model = parse(R"mlir(
    nn.model @m(%t: !nn.tokens<[b, n]>) symbols(b, n, d, N, V, L) {
      %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
      %y = nn.repeat<L>(%x = %e) : !nn.seq<[b, n, d]> {
        %r = nn.rms_norm %x : !nn.seq<[b, n, d]>
        %s = nn.ssm %r {state = N} : !nn.seq<[b, n, d]>
        %a = nn.add %x, %s : !nn.seq<[b, n, d]>
        nn.yield %a : !nn.seq<[b, n, d]>
      }
      %w = nn.ssm %y {state = 3, expand = 3, dt_rank = 2, conv_kernel = 2} : !nn.seq<[b, n, d]>
      %u = nn.linear %w : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
      nn.output %u : !nn.seq<[b, n, V]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t n : {1, 5, 64})
    for (int64_t d : {1, 17, 40})
      for (int64_t N : {1, 16, 300})
        for (int64_t V : {3, 5000})
          for (int64_t L : {1, 2})
            points.push_back({{"b", 2}, {"n", n}, {"d", d}, {"N", N}, {"V", V}, {"L", L}});
  expectPeakMatches(model, points);
  // One block, no other candidate: input + xz, conv, Δ, y (5·2·d) + Δ-rank,
  // B, C per position + the state.
  ModelOp single = parse(R"mlir(
    nn.model @one(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
      %s = nn.ssm %x {state = 16, dt_rank = 4} : !nn.seq<[b, n, d]>
      nn.output %s : !nn.seq<[b, n, d]>
    })mlir");
  auto cost = analyzeModel(single, CostOptions{});
  ASSERT_TRUE(succeeded(cost));
  EXPECT_EQ(Oracle::eval(cost->peakActivationElements, {{"b", 1}, {"n", 10}, {"d", 8}}),
            10 * 8 + 5 * 10 * 16 + 10 * (4 + 32) + 16 * 16);
}

TEST_F(Oracle, EncoderMemoryLivesUntilTheLastLayerUsesIt) {
  // The encoder's output is read by every decoder layer's cross-attention:
  // alive through every iteration but the last one's end, where it is freed
  // after its last use (so a single layer's FFN does not see it).
  ModelOp model = parse(R"mlir(
    nn.model @m(%src: !nn.seq<[b, m, d]>, %x0: !nn.seq<[b, n, d]>)
        symbols(b, n, m, d, h, L, F) where (d mod h == 0) {
      %enc = nn.ffn %src {hidden = F} : !nn.seq<[b, m, d]>
      %y = nn.repeat<L>(%x = %x0) : !nn.seq<[b, n, d]> {
        %s = nn.attention %x {heads = h, causal} : !nn.seq<[b, n, d]>
        %c = nn.attention %s, %enc {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, d]>
        %f = nn.ffn %c {hidden = F} : !nn.seq<[b, n, d]>
        %r = nn.add %x, %f : !nn.seq<[b, n, d]>
        nn.yield %r : !nn.seq<[b, n, d]>
      }
      nn.output %y : !nn.seq<[b, n, d]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t n : {1, 8, 33})
    for (int64_t m : {1, 5, 40})
      for (int64_t F : {1, 64})
        for (int64_t L : {1, 2, 3})
          points.push_back({{"b", 2}, {"n", n}, {"m", m}, {"d", 4}, {"h", 2}, {"L", L},
                            {"F", F}});
  expectPeakMatches(model, points);
}

TEST_F(Oracle, RepeatInitsUsedInsideOrAfterTheRepeat) {
  // %x0 is the first iteration's %x (one buffer) and is also read by every
  // iteration: from the second on it lives beside %x. %z initialises two
  // arguments (one buffer in the first iteration) and is read after the
  // repeat. Nested repeats read values of both enclosing blocks.
  ModelOp model = parse(R"mlir(
    nn.model @m(%x0: !nn.seq<[b, n, d]>, %z: !nn.seq<[b, n, d]>)
        symbols(b, n, d, F, L, K) {
      %y, %w, %v = nn.repeat<L>(%x = %x0, %p = %z, %q = %z)
          : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> {
        %f = nn.ffn %x {hidden = F} : !nn.seq<[b, n, d]>
        %a = nn.add %f, %x0 : !nn.seq<[b, n, d]>
        %k = nn.repeat<K>(%i = %a) : !nn.seq<[b, n, d]> {
          %g = nn.ffn %i {hidden = F} : !nn.seq<[b, n, d]>
          %s = nn.add %g, %p : !nn.seq<[b, n, d]>
          %t = nn.add %s, %x0 : !nn.seq<[b, n, d]>
          nn.yield %t : !nn.seq<[b, n, d]>
        }
        %pq = nn.add %p, %q : !nn.seq<[b, n, d]>
        %qa = nn.add %q, %a : !nn.seq<[b, n, d]>
        nn.yield %k, %pq, %qa : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]>
      }
      %o = nn.add %y, %z : !nn.seq<[b, n, d]>
      %o2 = nn.add %o, %w : !nn.seq<[b, n, d]>
      %o3 = nn.add %o2, %v : !nn.seq<[b, n, d]>
      nn.output %o3 : !nn.seq<[b, n, d]>
    })mlir");
  std::vector<Bindings> points;
  for (int64_t n : {1, 3})
    for (int64_t F : {1, 2, 50})
      for (int64_t L : {1, 2, 3, 4})
        for (int64_t K : {1, 2, 3})
          points.push_back({{"b", 1}, {"n", n}, {"d", 2}, {"F", F}, {"L", L}, {"K", K}});
  expectPeakMatches(model, points);
}

//===----------------------------------------------------------------------===//
// Weight tensors
//===----------------------------------------------------------------------===//

TEST_F(Oracle, WeightTensorsAddUpToParameters) {
  // Every op kind (test/Dialect/NN/ops.mlir, with an untied, biased
  // unembedding): the tensors Adafactor factors are exactly the parameters.
  ModelOp model = parse(R"mlir(
nn.model @all_layers(%t: !nn.tokens<[b, n]>)
    symbols(b, n, d = 512, h = 8, g, V, L, k, r, E)
    where (d mod h == 0, h mod g == 0, k >= 2, g <= h, E >= 2, n >= 3) {
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %p = nn.positional %e {max_len = 2048} : !nn.seq<[b, n, d]>
  %s = nn.positional %p {kind = "sinusoidal"} : !nn.seq<[b, n, d]>
  %y = nn.repeat<L>(%h0 = %s) : !nn.seq<[b, n, d]> {
    %a = nn.attention %h0 {heads = h, causal} : !nn.seq<[b, n, d]>
    %w = nn.attention %a {heads = h, kv_heads = g, window = r, flash, rotary} : !nn.seq<[b, n, d]>
    %l = nn.attention %w {heads = h, kind = "linear", feature_map = "relu", no_bias} : !nn.seq<[b, n, d]>
    %r = nn.add %h0, %l : !nn.seq<[b, n, d]>
    %n1 = nn.layer_norm %r : !nn.seq<[b, n, d]>
    %n2 = nn.rms_norm %n1 : !nn.seq<[b, n, d]>
    %f = nn.ffn %n2 {hidden = 4 * d, activation = "relu"} : !nn.seq<[b, n, d]>
    %gf = nn.ffn %f {hidden = 8*d/h, activation = "silu", gated, no_bias} : !nn.seq<[b, n, d]>
    %m = nn.moe %gf {experts = E, top_k = 2, hidden = 4*d, activation = "silu", gated} : !nn.seq<[b, n, d]>
    %ss = nn.ssm %m {state = 16, expand = 2} : !nn.seq<[b, n, d]>
    nn.yield %ss : !nn.seq<[b, n, d]>
  }
  %hd = nn.linear %y : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/h]>
  %back = nn.linear %hd {no_bias} : !nn.seq<[b, n, d/h]> -> !nn.seq<[b, n, d]>
  %rnn = nn.recurrent %back {cell = "lstm", hidden = d, layers = 2, bidirectional} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  %gru = nn.recurrent %rnn {cell = "gru", hidden = d} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n, d]>
  %c1 = nn.conv %gru {kernel = k, causal} : !nn.seq<[b, n, d]>
  %c2 = nn.conv %c1 {kernel = 2, dilations = [1, 2, 4, 8]} : !nn.seq<[b, n, d]>
  %c3 = nn.conv %c2 {kernel = k, stride = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d]>
  %c4 = nn.conv %c2 {kernel = k, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  %c5 = nn.conv %c4 {kernel = k, depthwise} : !nn.seq<[b, n, 2*d]>
  %c6 = nn.conv %c5 {kernel = 3, groups = h, padding = "valid"} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n - 2, d]>
  %act = nn.activation %c2 {kind = "gelu"} : !nn.seq<[b, n, d]>
  %sm = nn.softmax %act : !nn.seq<[b, n, d]>
  %x = nn.attention %sm, %c3 {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, ceil(n/2), d]> -> !nn.seq<[b, n, d]>
  %logits = nn.unembedding %x {vocab = V, bias} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %logits, %c6 : !nn.seq<[b, n, V]>, !nn.seq<[b, n - 2, d]>
}
    )mlir");
  auto cost = analyzeModel(model, CostOptions{});
  ASSERT_TRUE(succeeded(cost));
  for (int64_t k : {2, 5})
    for (int64_t L : {1, 3}) {
      Bindings b{{"b", 1}, {"n", 9}, {"d", 512}, {"h", 8}, {"g", 2}, {"V", 100},
                 {"L", L}, {"k", k}, {"r", 4}, {"E", 3}};
      for (const LayerCost &layer : cost->layers) {
        sym::Expr elements;
        for (const WeightTensor &tensor : layer.cost.weights)
          elements += tensor.elements();
        EXPECT_EQ(Oracle::eval(elements, b), Oracle::eval(layer.cost.params, b))
            << layer.opName << " at " << layer.location;
      }
    }
}

TEST_F(Oracle, AdafactorFactorsEachMatrix) {
  // Row and column statistics per matrix (the last two dimensions of a
  // convolution's [out, in/groups, kernel]), one per element of a vector.
  ModelOp model = parse(R"mlir(
    nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 16, d = 4) {
      %l = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 6]>
      %c = nn.conv %l {kernel = 3, groups = 2} : !nn.seq<[b, n, 6]> -> !nn.seq<[b, n, 4]>
      %r = nn.recurrent %c {cell = "gru", hidden = 5, layers = 2, bidirectional}
          : !nn.seq<[b, n, 4]> -> !nn.seq<[b, n, 10]>
      %s = nn.ssm %r {state = 3, dt_rank = 2, conv_kernel = 4} : !nn.seq<[b, n, 10]>
      %e = nn.moe %s {experts = 4, top_k = 2, hidden = 7, no_bias} : !nn.seq<[b, n, 10]>
      %n = nn.layer_norm %e : !nn.seq<[b, n, 10]>
      nn.output %n : !nn.seq<[b, n, 10]>
    })mlir");
  auto cost = analyzeModel(model, CostOptions{});
  ASSERT_TRUE(succeeded(cost));
  int64_t linear = (6 + 4) + 6;                  // [6, 4], bias 6
  int64_t conv = (4 * 3 + 4 * 3) + 4;            // [4, 3, 3]: rows 4·3, columns 4·3
  int64_t gru = 2 * (15 + 4) + 2 * (15 + 10) +   // W_ih [15, 4], [15, 10] per direction
                4 * (15 + 5) + 2 * 2 * 2 * 15;   // W_hh [15, 5]; b_ih, b_hh
  int64_t inner = 20;                            // E·d
  int64_t ssm = (2 * inner + 10) + (inner * 1 + inner * 4) + (2 + 6 + inner) +
                (inner + 2) + (inner + 3) + 3 * inner + (10 + inner);
  int64_t moe = (4 + 10) + 4 * ((7 + 10) + (10 + 7)); // router; up, down per expert
  int64_t norm = 2 * 10;
  EXPECT_EQ(Oracle::eval(cost->factoredSecondMoments, {{"b", 1}, {"n", 16}, {"d", 4}}),
            linear + conv + gru + ssm + moe + norm);
}

TEST_F(Oracle, FusedFFNPeaksAsItsUnfusedChain) {
  // nn.ffn holds what the same layer written as linear, activation, linear
  // holds: the pre-activation and the activation at once (16x the input
  // width here), not just its input and output.
  ModelOp fused = parse(R"mlir(
    nn.model @fused(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
      %f = nn.ffn %x {hidden = 8*d, activation = "gelu"} : !nn.seq<[b, n, d]>
      %r = nn.add %x, %f : !nn.seq<[b, n, d]>
      nn.output %r : !nn.seq<[b, n, d]>
    })mlir");
  // parse() replaces the fixture's module: analyse each model at once.
  auto a = analyzeModel(fused, CostOptions{});
  ASSERT_TRUE(succeeded(a));
  ModelOp chain = parse(R"mlir(
    nn.model @chain(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
      %u = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 8*d]>
      %a = nn.activation %u {kind = "gelu"} : !nn.seq<[b, n, 8*d]>
      %f = nn.linear %a : !nn.seq<[b, n, 8*d]> -> !nn.seq<[b, n, d]>
      %r = nn.add %x, %f : !nn.seq<[b, n, d]>
      nn.output %r : !nn.seq<[b, n, d]>
    })mlir");
  auto c = analyzeModel(chain, CostOptions{});
  ASSERT_TRUE(succeeded(c));
  for (int64_t n : {1, 7, 64})
    for (int64_t d : {1, 16, 768}) {
      Bindings b{{"b", 2}, {"n", n}, {"d", d}};
      EXPECT_EQ(Oracle::eval(a->peakActivationElements, b),
                Oracle::eval(c->peakActivationElements, b));
      EXPECT_EQ(Oracle::eval(a->peakActivationElements, b), 17 * 2 * n * d); // x + 2·8d
    }
}

} // namespace
