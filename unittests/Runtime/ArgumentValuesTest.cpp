//===- ArgumentValuesTest.cpp - The CPU and GPU runners' data agree -------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The GPU artifact runner fills its buffers with ArgumentValues.h alone
// (no LLVM on the GPU machine); the CPU runner with makeArgumentData. Both
// are compared with one f64 reference computed from makeArgumentData's
// data, so the two must agree bit for bit, and must keep the values the
// CPU runner produced before the rule moved into ArgumentValues.h.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/ArgumentValues.h"
#include "costopt/Runtime/CpuRunner.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace costopt;
namespace values = costopt::argument_values;

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

KernelArgument tensor(KernelArgument::Role role, const char *name,
                      std::initializer_list<const char *> shape, bool ids = false,
                      unsigned stacked = 0) {
  KernelArgument arg;
  arg.role = role;
  arg.name = name;
  arg.ids = ids;
  arg.stacked = stacked;
  for (const char *extent : shape) {
    auto e = sym::parse(extent);
    EXPECT_TRUE(static_cast<bool>(e)) << extent;
    if (e)
      arg.shape.push_back(*e);
    else
      llvm::consumeError(e.takeError());
  }
  return arg;
}

/// Every role and element type: a symbol and the counters first, so that
/// argument indices count them, a stacked parameter, an embedding table
/// (whose leading extent, with the other parameter's, bounds the ids).
KernelSignature smallSignature() {
  using Role = KernelArgument::Role;
  KernelSignature signature;
  signature.name = "small";
  signature.layerCount = 2;
  KernelArgument symbol;
  symbol.role = Role::Symbol;
  symbol.name = "n";
  signature.arguments.push_back(symbol);
  KernelArgument counters;
  counters.role = Role::Counters;
  counters.name = "counters";
  signature.arguments.push_back(counters);
  signature.arguments.push_back(tensor(Role::Input, "input0", {"b", "n", "d"}));
  signature.arguments.push_back(tensor(Role::Param, "w", {"L", "d", "e"}, false, 1));
  signature.arguments.push_back(tensor(Role::Param, "embedding", {"V", "d"}));
  signature.arguments.push_back(tensor(Role::Constant, "mask", {"n", "n"}));
  signature.arguments.push_back(tensor(Role::Input, "tokens", {"b", "n"}, true));
  signature.arguments.push_back(tensor(Role::Output, "output0", {"b", "n", "d"}));
  return signature;
}

sym::Bindings smallPoint() {
  sym::Bindings point;
  point["b"] = 2;
  point["n"] = 4;
  point["d"] = 3;
  point["e"] = 5;
  point["L"] = 2;
  point["V"] = 7;
  return point;
}

TEST(ArgumentValuesTest, MatchesCpuRunnerBitForBit) {
  KernelSignature signature = smallSignature();
  auto data = makeArgumentData(signature, smallPoint());
  ASSERT_TRUE(static_cast<bool>(data)) << llvm::toString(data.takeError());
  ASSERT_EQ(data->size(), signature.arguments.size());
  // The smallest leading extent of a parameter: L = 2 (w), not V = 7.
  const int64_t idLimit = 2;
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {}, {2, 4, 3}, {2, 3, 5}, {7, 3}, {4, 4}, {2, 4}, {2, 4, 3}};
  for (size_t i = 0; i < signature.arguments.size(); ++i) {
    const KernelArgument &arg = signature.arguments[i];
    const ArgumentData &d = (*data)[i];
    SCOPED_TRACE("argument " + std::to_string(i) + " (" + arg.name + ")");
    EXPECT_EQ(d.shape, shapes[i]);
    uint64_t elements = values::elementCount(shapes[i]);
    if (arg.role == KernelArgument::Role::Symbol || arg.role == KernelArgument::Role::Counters) {
      EXPECT_TRUE(d.values.empty());
      EXPECT_TRUE(d.ids.empty());
    } else if (arg.ids) {
      std::vector<int64_t> expected(elements);
      values::fillIds(expected.data(), elements, idLimit);
      EXPECT_EQ(d.ids, expected);
    } else {
      std::vector<float> expected(elements, 0.0f);
      if (arg.role != KernelArgument::Role::Output)
        values::fillValues(expected.data(), elements, i,
                           values::initialisationScale(arg.role == KernelArgument::Role::Param,
                                                       shapes[i], arg.stacked));
      ASSERT_EQ(d.values.size(), expected.size());
      for (uint64_t j = 0; j < elements; ++j)
        EXPECT_EQ(bitsOf(d.values[j]), bitsOf(expected[j])) << "element " << j;
    }
  }
}

// Values the CPU runner produced before the rule moved into
// ArgumentValues.h (computed with its code at that commit).
TEST(ArgumentValuesTest, KeepsTheCpuRunnersValues) {
  auto data = makeArgumentData(smallSignature(), smallPoint());
  ASSERT_TRUE(static_cast<bool>(data)) << llvm::toString(data.takeError());
  const std::vector<float> &input = (*data)[2].values;
  EXPECT_EQ(bitsOf(input[0]), 0x3d8dc5c0u);
  EXPECT_EQ(bitsOf(input[1]), 0xbecc011au);
  EXPECT_EQ(bitsOf(input[23]), 0x3e4faa88u);
  // w: stacked 1, so the fan-in is d = 3.
  EXPECT_EQ(bitsOf(values::initialisationScale(true, {2, 3, 5}, 1)), 0x3f13cd3au);
  const std::vector<float> &w = (*data)[3].values;
  EXPECT_EQ(bitsOf(w[0]), 0x3e8f98bdu);
  EXPECT_EQ(bitsOf(w[1]), 0x3d536a67u);
  EXPECT_EQ(bitsOf(w[29]), 0xbe449b16u);
  // (j * 7919 + 13) % 2.
  EXPECT_EQ((*data)[6].ids, (std::vector<int64_t>{1, 0, 1, 0, 1, 0, 1, 0}));
  EXPECT_EQ((*data)[7].values, std::vector<float>(24, 0.0f));
}

TEST(ArgumentValuesTest, ScalesOnlyParametersWithAFanIn) {
  // A rank-1 parameter (a bias) and a stacked one of rank stacked + 1
  // have no fan-in; inputs are never scaled.
  EXPECT_EQ(values::initialisationScale(true, {8}, 0), 1.0f);
  EXPECT_EQ(values::initialisationScale(true, {3, 8}, 1), 1.0f);
  EXPECT_EQ(values::initialisationScale(false, {4, 8}, 0), 1.0f);
  EXPECT_EQ(values::initialisationScale(true, {4, 8}, 0), 0.5f);
  // An empty extent counts as fan-in 1.
  EXPECT_EQ(values::initialisationScale(true, {0, 8}, 0), 1.0f);
  int64_t ids[3];
  values::fillIds(ids, 3, 0); // at least 1
  EXPECT_EQ(ids[0] + ids[1] + ids[2], 0);
}

} // namespace
