//===- DecompositionTest.cpp - Layer rules against their primitives -------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The property behind --emit primitives: for randomly built models, the
// generic analysis of the decomposed model equals the layer rules. Layers
// whose rules differ by a documented convention (norms' per-row work, σ/Φ
// counted as one evaluation, attention's in-place softmax, a convolution's
// decoding state, a separable one's core, grouped copies, linear
// attention's core) are built so
// that each quantity is compared only where no convention applies.
//
//===----------------------------------------------------------------------===//

#include "costopt/Analysis/ModelCost.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/InitAll.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace costopt;
using namespace costopt::nn;

namespace {

struct RandomModel {
  std::string text;
  bool hasAttention = false;
  bool hasConventionFlops = false; ///< a layer whose element-wise rule differs
  bool hasConventionPeak = false;  ///< an unfused softmax holds its sums
  bool hasRecurrent = false;       ///< its Table-1 core leaves out the input projection
  /// Linear attention: the rule's Table-1 core is the summary and the
  /// readout, the primitives' what combines positions (the sums).
  bool hasLinearAttention = false;
  /// Causal linear attention: the rule's backward is 2 × forward for the
  /// running sum's φ(k)ᵀv updates (4 per state element and step), the
  /// primitives count the unfused algorithm's (5: the reverse running sum
  /// and the two gradient products).
  bool hasConventionBackward = false;
  /// A centred window: the two derivations clip its band at the two ends
  /// in different but equal forms (n·r − clipped ends against n + both
  /// sides), which the algebra does not reduce to one; compared by value.
  /// So is a centred kernel of symbolic width k, whose reach ahead the
  /// primitives clip at 0 (max(0, k − 1 − ⌊(k − 1)/2⌋)), which the algebra
  /// cannot prove non-negative.
  bool hasCentredWindow = false;
  /// A convolution: its decoding state differs by convention (the layer
  /// buffers dilation·(k − 1) past inputs, a contraction keeps its window).
  bool hasConvolution = false;
  /// A separable convolution: Table 1 counts its pointwise half as core
  /// FLOPs, the primitives only what mixes positions.
  bool hasSeparable = false;
  /// Grouped convolution: the primitives slice the groups out and
  /// concatenate their outputs, which they count as copies.
  bool hasGroups = false;
  /// A dilation stack: one op, whose input the layer holds until its last
  /// layer has run; one block per layer frees it after the first.
  bool hasStack = false;
  /// A Mamba mixer: the rule's Table-1 core is the whole selective scan,
  /// the primitives' the convolution and the parallel scan; its scan's
  /// FLOPs, element-wise ops and peak follow named conventions.
  bool hasSelectiveScan = false;
  /// A Mamba mixer and a bidirectional recurrence before it (or, in a
  /// repeat, after it): its causal
  /// convolution sees a falling depth profile, which a window can only
  /// bound (it cannot clip the profile at position 0); the scan after it
  /// keeps the bound. The layer rule, which has no convolution step of its
  /// own, is exact: where the primitives' depth is flagged as an upper
  /// bound, it must not be below it (elsewhere the two are equal).
  bool hasBoundedDepth = false;
  bool seenRepeatedStack = false;
  bool seenBidirectional = false;
};

/// A model of random layers over [b, n, d], some inside an nn.repeat,
/// and at the end possibly a convolution that changes the length.
RandomModel buildModel(std::mt19937 &rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  RandomModel m;
  std::ostringstream body;
  int value = 0;
  std::string ty = "!nn.seq<[b, n, d]>";
  auto bias = [&] { return pick(2) ? ", no_bias" : ""; };
  auto layer = [&](const std::string &in, std::ostringstream &os) {
    std::string out = "%v" + std::to_string(++value);
    switch (pick(12)) {
    case 0: {
      const char *acts[] = {"relu", "tanh", "gelu_tanh", "gelu", "silu"};
      int a = pick(5);
      m.hasConventionFlops |= a >= 3;
      os << "    " << out << " = nn.ffn " << in << " {hidden = " << (pick(2) ? "4*d" : "f")
         << ", activation = \"" << acts[a] << "\"" << (pick(2) ? ", gated" : "")
         << (pick(2) ? ", no_bias" : "") << "} : " << ty << "\n";
      break;
    }
    case 1: {
      m.hasAttention = true;
      if (pick(4) == 0) {
        // Linear attention: φ = elu + 1 is 4 FLOPs per element written out
        // (the rule counts elu as one evaluation).
        const char *maps[] = {"relu", "elu+1", "identity"};
        int map = pick(3);
        m.hasConventionFlops |= map == 1;
        m.hasLinearAttention = true;
        bool causal = pick(2);
        m.hasConventionBackward |= causal;
        os << "    " << out << " = nn.attention " << in << " {heads = h"
           << (pick(2) ? ", kv_heads = g" : "") << (causal ? ", causal" : "")
           << ", kind = \"linear\", feature_map = \"" << maps[map] << "\""
           << (pick(2) ? ", no_bias" : "") << "} : " << ty << "\n";
        break;
      }
      bool causal = pick(2), window = pick(3) == 0;
      m.hasCentredWindow |= window && !causal;
      os << "    " << out << " = nn.attention " << in << " {heads = h"
         << (pick(2) ? ", kv_heads = g" : "") << (causal ? ", causal" : "")
         << (window ? ", window = w" : "") << (pick(2) ? ", no_bias" : "")
         << (pick(3) == 0 ? ", rotary" : "") << "} : " << ty
         << "\n";
      break;
    }
    case 2:
      switch (pick(3)) {
      case 0:
        os << "    " << out << " = nn.add " << in << ", " << in << " : " << ty << "\n";
        break;
      case 1:
        os << "    " << out << " = nn.positional " << in << " {kind = \"sinusoidal\"} : " << ty
           << "\n";
        break;
      default:
        os << "    " << out << " = nn.positional " << in << " {max_len = n} : " << ty << "\n";
        break;
      }
      break;
    case 3: {
      std::string mid = "%v" + std::to_string(++value);
      os << "    " << mid << " = nn.linear " << in << (pick(2) ? " {no_bias}" : "") << " : " << ty
         << " -> !nn.seq<[b, n, f]>\n";
      os << "    " << out << " = nn.linear " << mid << " : !nn.seq<[b, n, f]> -> " << ty << "\n";
      break;
    }
    case 4:
      m.hasConventionPeak = true;
      os << "    " << out << " = nn.softmax " << in << " : " << ty << "\n";
      break;
    case 5: {
      m.hasConventionFlops = true;
      os << "    " << out << " = nn." << (pick(2) ? "layer_norm" : "rms_norm") << " " << in
         << " : " << ty << "\n";
      break;
    }
    case 6:
    case 7: {
      // Every convolution that keeps [b, n, d].
      m.hasConvolution = true;
      std::string attrs;
      switch (pick(9)) {
      case 0:
        attrs = "kernel = k, causal";
        break;
      case 1:
        m.hasCentredWindow = true;
        attrs = "kernel = k";
        break;
      case 2:
        attrs = "kernel = 4, dilation = 3";
        break;
      case 3:
        attrs = pick(2) ? "kernel = k, depthwise, causal" : "kernel = 3, groups = d";
        break;
      case 4:
        m.hasGroups = true;
        attrs = pick(2) ? "kernel = 3, groups = 2" : "kernel = 2, groups = 4, causal";
        break;
      case 5:
        m.hasSeparable = true;
        attrs = pick(2) ? "kernel = k, separable, causal" : "kernel = 5, separable";
        break;
      case 6:
        m.hasStack = true;
        attrs = "kernel = 2, dilations = [1, 2, 4], causal";
        break;
      case 7:
        m.hasSeparable = m.hasStack = true;
        attrs = "kernel = 3, dilations = [1, 3], separable";
        break;
      default:
        m.hasStack = true;
        attrs = "kernel = 3, dilations = [2, 1]";
        break;
      }
      os << "    " << out << " = nn.conv " << in << " {" << attrs << bias() << "} : " << ty
         << "\n";
      break;
    }
    case 8:
      // Decomposes into nn.recur; the primitives' windows before it must
      // shorten its path as the layers' do. Its element-wise FLOPs, Table-1
      // core and stored activations follow named conventions
      // (docs/Dialect.md).
      m.hasRecurrent = true;
      m.hasConventionFlops = true;
      m.hasConventionPeak = true;
    {
      bool bidirectional = pick(2) == 0;
      m.seenBidirectional |= bidirectional;
      // One layer, a stack unrolled into blocks, or one written as an
      // nn.repeat (a symbolic count, or more than 64 layers).
      const char *stacks[] = {"", ", layers = 2", ", layers = k", ", layers = 65"};
      int stack = pick(4);
      m.seenRepeatedStack |= stack >= 2;
      os << "    " << out << " = nn.recurrent " << in << " {cell = \"elman\", hidden = "
         << (bidirectional ? "d/2, bidirectional" : "d") << stacks[stack] << "} : " << ty
         << " -> " << ty << "\n";
      break;
    }
    case 9:
      // Decomposes into projections, a causal depthwise convolution and a
      // parallel nn.scan: parameters, bytes, depth and path agree.
      m.hasSelectiveScan = true;
      m.hasConvolution = true;
      m.hasConventionFlops = true;
      m.hasConventionPeak = true;
      os << "    " << out << " = nn.ssm " << in << " {state = " << (pick(2) ? "4" : "k")
         << (pick(2) ? ", expand = 1, dt_rank = 3" : "")
         << (pick(2) ? (pick(2) ? ", conv_kernel = k" : ", conv_kernel = 1") : "") << "} : "
         << ty << "\n";
      break;
    case 10: {
      // Decomposes under a fixed routing (the experts 0 to K - 1): FLOPs,
      // parameters, depth and path agree; the weights read (K experts, not
      // E) and the dispatch buffer the rule holds are named conventions.
      const char *acts[] = {"relu", "tanh", "silu"};
      int a = pick(3);
      m.hasConventionFlops |= a == 2;
      m.hasConventionPeak = true;
      os << "    " << out << " = nn.moe " << in << " {experts = " << (pick(2) ? "4" : "k")
         << ", top_k = " << (pick(2) ? "2" : "1") << ", hidden = f, activation = \"" << acts[a]
         << "\"" << (pick(2) ? ", gated" : "") << bias() << "} : " << ty << "\n";
      break;
    }
    default: {
      const char *acts[] = {"relu", "tanh", "gelu_tanh"};
      os << "    " << out << " = nn.activation " << in << " {kind = \"" << acts[pick(3)]
         << "\"} : " << ty << "\n";
      break;
    }
    }
    return out;
  };
  std::string current = "%x";
  int outer = 1 + pick(3);
  for (int i = 0; i < outer; ++i)
    current = layer(current, body);
  if (pick(2)) {
    body << "    %r = nn.repeat<L>(%h = " << current << ") : " << ty << " {\n";
    std::ostringstream inner;
    std::string c = "%h";
    int count = 1 + pick(4);
    for (int i = 0; i < count; ++i)
      c = layer(c, inner);
    body << inner.str() << "      nn.yield " << c << " : " << ty << "\n    }\n";
    current = "%r";
  }
  std::string outTy = ty;
  switch (pick(4)) {
  case 0: {
    m.hasConvolution = true;
    bool symbolic = pick(2), causal = pick(2);
    m.hasCentredWindow |= symbolic && !causal;
    outTy = "!nn.seq<[b, ceil(n/2), d]>";
    body << "    %s = nn.conv " << current << " {kernel = " << (symbolic ? "k" : "4")
         << ", stride = 2" << (causal ? ", causal" : "") << bias() << "} : " << ty << " -> "
         << outTy << "\n";
    current = "%s";
    break;
  }
  case 1:
    m.hasConvolution = true;
    outTy = "!nn.seq<[b, n - 4, 2*d]>";
    body << "    %s = nn.conv " << current << " {kernel = 3, dilation = 2, padding = \"valid\""
         << bias() << "} : " << ty << " -> " << outTy << "\n";
    current = "%s";
    break;
  default:
    break;
  }
  // A bidirectional recurrence reshapes a sloped depth profile (a scan's,
  // or a stack's written as a repeat) differently at each iteration of a
  // repeat: the primitives' depth may then be a labelled upper bound.
  m.hasBoundedDepth = (m.hasSelectiveScan || m.seenRepeatedStack) && m.seenBidirectional;
  std::ostringstream text;
  text << "nn.model @random(%x: " << ty << ") symbols(b = 2, n = 64, d = 48, h = 4, g = 2, "
       << "f = 40, w = 9, L = 3, k = 3) where (d mod h == 0, d mod (2*h) == 0, h mod g == 0, "
       << "d mod 4 == 0, "
       << "k >= 2, n >= 5) {\n"
       << body.str() << "    nn.output " << current << " : " << outTy << "\n}\n";
  m.text = text.str();
  return m;
}

/// A point of the random models' symbols, at sizes `n`, `w` and `k`.
sym::Bindings gridPoint(int64_t n, int64_t w, int64_t k) {
  sym::Bindings point;
  for (auto [name, value] : std::initializer_list<std::pair<const char *, int64_t>>{
           {"b", 2}, {"n", n}, {"d", 48}, {"h", 4}, {"g", 2}, {"f", 40}, {"w", w}, {"L", 3},
           {"k", k}})
    point[name] = llvm::DynamicAPInt(value);
  return point;
}

/// Equal as formulas, or (where `byValue`) at every point of a grid that
/// puts the window and the kernel below, at and above the sequence length
/// (n >= 5, the shortest a "valid" kernel of reach 4 allows).
::testing::AssertionResult same(const sym::Expr &a, const sym::Expr &b, bool byValue) {
  if (a == b)
    return ::testing::AssertionSuccess();
  if (!byValue)
    return ::testing::AssertionFailure() << a.str() << "\n  differs from\n" << b.str();
  for (int64_t n : {5, 6, 8, 9, 64})
    for (int64_t w : {1, 2, 3, 4, 9, 70})
      for (int64_t k : {2, 3, 4, 7}) {
        sym::Bindings point = gridPoint(n, w, k);
        auto x = sym::evaluate(a, point), y = sym::evaluate(b, point);
        if (!x || !y || *x != *y) {
          if (!x)
            llvm::consumeError(x.takeError());
          if (!y)
            llvm::consumeError(y.takeError());
          return ::testing::AssertionFailure() << a.str() << "\n  and\n" << b.str()
                                               << "\n  differ at n = " << n << ", w = " << w
                                               << ", k = " << k;
        }
      }
  return ::testing::AssertionSuccess();
}

/// Both absent, or both present and the same.
::testing::AssertionResult same(const std::optional<sym::Expr> &a,
                                const std::optional<sym::Expr> &b, bool byValue) {
  if (!a || !b)
    return a.has_value() == b.has_value()
               ? ::testing::AssertionSuccess()
               : ::testing::AssertionFailure() << "only one derivation has a receptive field";
  return same(*a, *b, byValue);
}

class Decomposition : public ::testing::Test {
public:
  Decomposition() {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  ModelCost analyse(mlir::ModuleOp module, CostMode mode) {
    ModelOp model = *module.getOps<ModelOp>().begin();
    CostOptions options;
    options.mode = mode;
    auto cost = analyzeModel(model, options);
    EXPECT_TRUE(mlir::succeeded(cost));
    return *cost;
  }

  std::unique_ptr<mlir::MLIRContext> context;
};

TEST_F(Decomposition, RandomModelsAgreeWithTheLayerRules) {
  std::mt19937 rng(20261130);
  for (int trial = 0; trial < 300; ++trial) {
    RandomModel random = buildModel(rng);
    auto layers = mlir::parseSourceString<mlir::ModuleOp>(random.text, context.get());
    auto primitives = mlir::parseSourceString<mlir::ModuleOp>(random.text, context.get());
    ASSERT_TRUE(layers && primitives) << random.text;
    mlir::PassManager pm(context.get());
    pm.addNestedPass<ModelOp>(createDecomposeLayers());
    ASSERT_TRUE(mlir::succeeded(pm.run(*primitives))) << random.text;
    ASSERT_TRUE(mlir::succeeded(mlir::verify(*primitives)));
    for (CostMode mode : {CostMode::Forward, CostMode::Backward, CostMode::Train}) {
      ModelCost a = analyse(*layers, mode), b = analyse(*primitives, mode);
      std::string where = random.text + " in mode " + stringifyCostMode(mode).str();
      bool byValue = random.hasCentredWindow;
      EXPECT_TRUE(same(a.params, b.params, byValue)) << where;
      if (!random.hasSeparable && !random.hasRecurrent && !random.hasLinearAttention &&
          !random.hasSelectiveScan) {
        EXPECT_TRUE(same(a.coreFlops, b.coreFlops, byValue)) << where;
      }
      // An upper bound (a recurrence's sloped depth through a repeat whose
      // increments vary) may keep terms that never decide its max in one
      // derivation and not the other: compared by value.
      if (random.hasBoundedDepth && !b.depthExact) {
        // The primitives' bound must hold above the rules' exact depth;
        // where the rules give a bound too, neither orders the other
        // (SymbolicStacksBoundTheirUnrolledDepth checks such bounds
        // against stacks unrolled at each count).
        if (a.depthExact)
          for (int64_t n : {5, 6, 9, 64})
            for (int64_t w : {1, 9, 70})
              for (int64_t k : {2, 3, 7}) {
                sym::Bindings point = gridPoint(n, w, k);
                auto exact = sym::evaluate(a.sequentialDepth, point);
                auto bound = sym::evaluate(b.sequentialDepth, point);
                ASSERT_TRUE(exact && bound) << where;
                EXPECT_GE(*bound, *exact) << where << " at n = " << n << ", w = " << w
                                          << ", k = " << k;
              }
      } else {
        EXPECT_TRUE(same(a.sequentialDepth, b.sequentialDepth, byValue || !a.depthExact))
            << where;
        EXPECT_EQ(a.depthExact, b.depthExact) << where;
      }
      EXPECT_TRUE(same(a.maxPathLength, b.maxPathLength, byValue)) << where;
      EXPECT_TRUE(same(a.receptiveField, b.receptiveField, byValue)) << where;
      EXPECT_EQ(a.pathExact, b.pathExact) << where;
      if (!random.hasConventionFlops &&
          (mode == CostMode::Forward || !random.hasConventionBackward)) {
        EXPECT_TRUE(same(a.flops, b.flops, byValue)) << where;
        EXPECT_TRUE(same(a.denseFlops, b.denseFlops, byValue)) << where;
      }
      if (mode == CostMode::Forward && !random.hasConvolution) {
        EXPECT_TRUE(same(a.kvCacheElements, b.kvCacheElements, byValue)) << where;
      }
      // Forward: the busiest moment; backward and train: everything stored.
      if (!random.hasAttention && !random.hasConventionFlops && !random.hasConventionPeak &&
          !random.hasGroups && (mode != CostMode::Forward || !random.hasStack)) {
        EXPECT_TRUE(same(a.peakActivationElements, b.peakActivationElements, byValue)) << where;
      }
    }
  }
}

/// A stack of k layers after a sloped depth profile (a causal running sum,
/// a unidirectional stack): with k symbolic the two derivations may give
/// upper bounds; each must hold above, and where exact equal, the depth of
/// the same model with the stack unrolled at k (a constant count, exact).
TEST_F(Decomposition, SymbolicStacksBoundTheirUnrolledDepth) {
  const char *bodies[] = {
      // Linear attention's running sum, then a bidirectional stack.
      R"(%a = nn.attention %x {heads = 4, causal, kind = "linear", feature_map = "relu"} : !nn.seq<[n, d]>
    %y = nn.recurrent %a {cell = "elman", hidden = d/2, bidirectional, layers = k} : !nn.seq<[n, d]>)",
      // A unidirectional stack, then a bidirectional one.
      R"(%a = nn.recurrent %x {cell = "elman", hidden = d, layers = k} : !nn.seq<[n, d]>
    %y = nn.recurrent %a {cell = "gru", hidden = d/2, bidirectional, layers = k} : !nn.seq<[n, d]>)",
      // A bidirectional stack, then a unidirectional one.
      R"(%a = nn.recurrent %x {cell = "elman", hidden = d/2, bidirectional, layers = k} : !nn.seq<[n, d]>
    %y = nn.recurrent %a {cell = "lstm", hidden = d, layers = k} : !nn.seq<[n, d]>)"};
  int exactReferences = 0;
  for (const char *body : bodies) {
    auto modelOf = [&](const std::string &count) {
      std::string text = std::string(body), layers = "layers = " + count;
      for (size_t at = text.find("layers = k"); at != std::string::npos;
           at = text.find("layers = k", at + layers.size()))
        text.replace(at, 10, layers);
      return "nn.model @m(%x: !nn.seq<[n, d]>) symbols(n = 8, d = 8, k = 3) where (d mod 8 "
             "== 0, k >= 2) {\n    " +
             text + "\n    nn.output %y : !nn.seq<[n, d]>\n}\n";
    };
    std::string symbolic = modelOf("k");
    auto layers = mlir::parseSourceString<mlir::ModuleOp>(symbolic, context.get());
    auto primitives = mlir::parseSourceString<mlir::ModuleOp>(symbolic, context.get());
    ASSERT_TRUE(layers && primitives) << symbolic;
    mlir::PassManager pm(context.get());
    pm.addNestedPass<ModelOp>(createDecomposeLayers());
    ASSERT_TRUE(mlir::succeeded(pm.run(*primitives))) << symbolic;
    ModelCost a = analyse(*layers, CostMode::Forward);
    ModelCost b = analyse(*primitives, CostMode::Forward);
    for (int64_t k : {2, 3, 4, 7, 16}) {
      auto unrolled = mlir::parseSourceString<mlir::ModuleOp>(modelOf(std::to_string(k)),
                                                              context.get());
      ASSERT_TRUE(unrolled);
      ModelCost reference = analyse(*unrolled, CostMode::Forward);
      if (!reference.depthExact)
        continue;
      ++exactReferences;
      for (int64_t n : {1, 2, 5, 9, 64}) {
        sym::Bindings point = gridPoint(n, 1, k);
        point["d"] = llvm::DynamicAPInt(8);
        auto exact = sym::evaluate(reference.sequentialDepth, point);
        ASSERT_TRUE(bool(exact)) << symbolic;
        for (const ModelCost *derivation : {&a, &b}) {
          auto depth = sym::evaluate(derivation->sequentialDepth, point);
          ASSERT_TRUE(bool(depth)) << symbolic;
          if (derivation->depthExact)
            EXPECT_EQ(*depth, *exact) << symbolic << " at n = " << n << ", k = " << k;
          else
            EXPECT_GE(*depth, *exact) << symbolic << " at n = " << n << ", k = " << k;
        }
      }
    }
  }
  EXPECT_GT(exactReferences, 0);
}

} // namespace
