//===- DecompositionTest.cpp - Layer rules against their primitives -------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The property behind --emit primitives: for randomly built models, the
// generic analysis of the decomposed model equals the layer rules. Layers
// whose rules differ by a documented convention (norms' per-row work, σ/Φ
// counted as one evaluation, attention's in-place softmax) are built so
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
  /// A centred window: the two derivations clip its band at the two ends
  /// in different but equal forms (n·r − clipped ends against n + both
  /// sides), which the algebra does not reduce to one; compared by value.
  bool hasCentredWindow = false;
};

/// A model of random layers over [b, n, d], some inside an nn.repeat.
RandomModel buildModel(std::mt19937 &rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  RandomModel m;
  std::ostringstream body;
  int value = 0;
  std::string ty = "!nn.seq<[b, n, d]>";
  auto layer = [&](const std::string &in, std::ostringstream &os) {
    std::string out = "%v" + std::to_string(++value);
    switch (pick(7)) {
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
      bool causal = pick(2), window = pick(3) == 0;
      m.hasCentredWindow |= window && !causal;
      os << "    " << out << " = nn.attention " << in << " {heads = h"
         << (pick(2) ? ", kv_heads = g" : "") << (causal ? ", causal" : "")
         << (window ? ", window = w" : "") << (pick(2) ? ", no_bias" : "") << "} : " << ty
         << "\n";
      break;
    }
    case 2:
      os << "    " << out << " = nn.add " << in << ", " << in << " : " << ty << "\n";
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
  std::ostringstream text;
  text << "nn.model @random(%x: " << ty << ") symbols(b = 2, n = 64, d = 48, h = 4, g = 2, "
       << "f = 40, w = 9, L = 3) where (d mod h == 0, h mod g == 0) {\n"
       << body.str() << "    nn.output " << current << " : " << ty << "\n}\n";
  m.text = text.str();
  return m;
}

/// Equal as formulas, or (where `byValue`) at every point of a grid that
/// puts the window below, at and above the sequence length.
::testing::AssertionResult same(const sym::Expr &a, const sym::Expr &b, bool byValue) {
  if (a == b)
    return ::testing::AssertionSuccess();
  if (!byValue)
    return ::testing::AssertionFailure() << a.str() << "\n  differs from\n" << b.str();
  for (int64_t n : {1, 2, 3, 8, 64})
    for (int64_t w : {1, 2, 3, 4, 9, 70}) {
      sym::Bindings point;
      for (auto [name, value] : std::initializer_list<std::pair<const char *, int64_t>>{
               {"b", 2}, {"n", n}, {"d", 48}, {"h", 4}, {"g", 2}, {"f", 40}, {"w", w}, {"L", 3}})
        point[name] = llvm::DynamicAPInt(value);
      auto x = sym::evaluate(a, point), y = sym::evaluate(b, point);
      if (!x || !y || *x != *y) {
        if (!x)
          llvm::consumeError(x.takeError());
        if (!y)
          llvm::consumeError(y.takeError());
        return ::testing::AssertionFailure()
               << a.str() << "\n  and\n" << b.str() << "\n  differ at n = " << n << ", w = " << w;
      }
    }
  return ::testing::AssertionSuccess();
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
  for (int trial = 0; trial < 150; ++trial) {
    RandomModel random = buildModel(rng);
    auto layers = mlir::parseSourceString<mlir::ModuleOp>(random.text, context.get());
    auto primitives = mlir::parseSourceString<mlir::ModuleOp>(random.text, context.get());
    ASSERT_TRUE(layers && primitives) << random.text;
    mlir::PassManager pm(context.get());
    pm.addNestedPass<ModelOp>(createDecomposeLayers());
    ASSERT_TRUE(mlir::succeeded(pm.run(*primitives))) << random.text;
    ASSERT_TRUE(mlir::succeeded(mlir::verify(*primitives)));
    for (CostMode mode : {CostMode::Forward, CostMode::Train}) {
      ModelCost a = analyse(*layers, mode), b = analyse(*primitives, mode);
      std::string where = random.text + " in mode " + stringifyCostMode(mode).str();
      EXPECT_TRUE(same(a.params, b.params, random.hasCentredWindow)) << where;
      EXPECT_TRUE(same(a.coreFlops, b.coreFlops, random.hasCentredWindow)) << where;
      EXPECT_TRUE(same(a.sequentialDepth, b.sequentialDepth, random.hasCentredWindow)) << where;
      EXPECT_TRUE(same(a.maxPathLength, b.maxPathLength, random.hasCentredWindow)) << where;
      if (!random.hasConventionFlops) {
        EXPECT_TRUE(same(a.flops, b.flops, random.hasCentredWindow)) << where;
        EXPECT_TRUE(same(a.denseFlops, b.denseFlops, random.hasCentredWindow)) << where;
      }
      if (mode == CostMode::Forward) {
        EXPECT_TRUE(same(a.kvCacheElements, b.kvCacheElements, random.hasCentredWindow)) << where;
        if (!random.hasAttention && !random.hasConventionFlops && !random.hasConventionPeak)
          EXPECT_TRUE(same(a.peakActivationElements, b.peakActivationElements, random.hasCentredWindow)) << where;
      }
    }
  }
}

} // namespace
