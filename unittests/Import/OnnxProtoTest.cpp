//===- OnnxProtoTest.cpp - The ONNX protobuf reader ------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Messages are written here byte by byte from the protobuf encoding rules,
// independently of the reader: both encodings of repeated integers (packed
// and one varint per element), every wire type skipped when unknown,
// external data, and the errors a truncated or hostile file gets.
//
//===----------------------------------------------------------------------===//

#include "costopt/Import/OnnxProto.h"

#include "gtest/gtest.h"

#include <string>

using namespace costopt;

namespace {

std::string varint(uint64_t v) {
  std::string s;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    s.push_back(static_cast<char>(byte | (v ? 0x80 : 0)));
  } while (v);
  return s;
}
std::string key(unsigned field, unsigned wire) { return varint(field << 3 | wire); }
std::string bytes(unsigned field, const std::string &payload) {
  return key(field, 2) + varint(payload.size()) + payload;
}
std::string integer(unsigned field, uint64_t v) { return key(field, 0) + varint(v); }

/// A model with one graph and opset `version`.
std::string model(const std::string &graph, int64_t version = 17) {
  std::string opset = bytes(1, "") + integer(2, version);
  return integer(1, 8) + bytes(7, graph) + bytes(8, opset);
}

std::string errorOf(llvm::Expected<onnx::Model> m) {
  if (m)
    return "";
  return llvm::toString(m.takeError());
}

TEST(OnnxProto, PackedAndUnpackedDims) {
  // dims 2 and 3 as two varints, then 5 packed; data_type float; a name.
  std::string tensor = integer(1, 2) + integer(1, 3) + bytes(1, varint(5)) + integer(2, 1) +
                       bytes(8, "w");
  auto m = onnx::parseModel(model(bytes(5, tensor)), "t.onnx");
  ASSERT_TRUE(static_cast<bool>(m)) << errorOf(std::move(m));
  ASSERT_EQ(m->graph.initializers.size(), 1u);
  const onnx::Tensor &t = m->graph.initializers[0];
  EXPECT_EQ(t.name, "w");
  EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(t.dataType, onnx::Float);
  EXPECT_EQ(m->opsets.at(""), 17);
}

TEST(OnnxProto, UnknownFieldsOfEveryWireTypeAreSkipped) {
  std::string unknown = integer(99, 7) + key(98, 1) + std::string(8, 'x') + bytes(97, "abc") +
                        key(96, 5) + std::string(4, 'y');
  std::string node = bytes(1, "x") + bytes(2, "y") + bytes(4, "Relu") + unknown;
  auto m = onnx::parseModel(model(bytes(1, node) + unknown) + unknown, "t.onnx");
  ASSERT_TRUE(static_cast<bool>(m)) << errorOf(std::move(m));
  ASSERT_EQ(m->graph.nodes.size(), 1u);
  EXPECT_EQ(m->graph.nodes[0].opType, "Relu");
  EXPECT_EQ(m->graph.nodes[0].inputs, std::vector<std::string>{"x"});
}

TEST(OnnxProto, TypedContentsAndRawData) {
  // int64_data 1, -1 (ten-byte varint), 7: read back as integers.
  std::string ints = integer(1, 3) + integer(2, onnx::Int64) +
                     bytes(7, varint(1) + varint(~uint64_t(0)) + varint(7));
  // raw_data of two little-endian int32s.
  std::string raw = integer(1, 2) + integer(2, onnx::Int32) +
                    bytes(9, std::string("\x05\x00\x00\x00\xfe\xff\xff\xff", 8));
  auto m = onnx::parseModel(model(bytes(5, ints) + bytes(5, raw)), "t.onnx");
  ASSERT_TRUE(static_cast<bool>(m)) << errorOf(std::move(m));
  auto a = m->graph.initializers[0].integers(16);
  ASSERT_TRUE(static_cast<bool>(a));
  EXPECT_EQ(*a, (std::vector<int64_t>{1, -1, 7}));
  auto b = m->graph.initializers[1].integers(16);
  ASSERT_TRUE(static_cast<bool>(b));
  EXPECT_EQ(*b, (std::vector<int64_t>{5, -2}));
  // More elements than asked for is an error, not a partial read.
  auto c = m->graph.initializers[0].integers(2);
  EXPECT_FALSE(static_cast<bool>(c));
  llvm::consumeError(c.takeError());
}

TEST(OnnxProto, LargeRawDataIsNotCopied) {
  std::string payload(onnx::kMaxKeptBytes + 4, '\0');
  std::string tensor = integer(1, (onnx::kMaxKeptBytes + 4) / 4) + integer(2, onnx::Float) +
                       bytes(9, payload);
  auto m = onnx::parseModel(model(bytes(5, tensor)), "t.onnx");
  ASSERT_TRUE(static_cast<bool>(m)) << errorOf(std::move(m));
  const onnx::Tensor &t = m->graph.initializers[0];
  EXPECT_EQ(t.inlineBytes, payload.size());
  EXPECT_FALSE(t.inlineKept);
  EXPECT_TRUE(t.inlineData.empty());
}

TEST(OnnxProto, ExternalData) {
  std::string entry = [](const std::string &k, const std::string &v) {
    return bytes(13, bytes(1, k) + bytes(2, v));
  }("location", "w.bin");
  std::string offset = bytes(13, bytes(1, "offset") + bytes(2, "64"));
  std::string tensor = integer(1, 4) + integer(2, onnx::Float) + bytes(8, "w") + entry + offset +
                       integer(14, 1);
  auto m = onnx::parseModel(model(bytes(5, tensor)), "t.onnx");
  ASSERT_TRUE(static_cast<bool>(m)) << errorOf(std::move(m));
  const onnx::Tensor &t = m->graph.initializers[0];
  EXPECT_TRUE(t.external);
  EXPECT_EQ(t.location, "w.bin");
  EXPECT_EQ(t.offset, 64);
  EXPECT_FALSE(t.length.has_value());
  std::string bad = integer(1, 4) + bytes(13, bytes(1, "offset") + bytes(2, "-3")) +
                    bytes(13, bytes(1, "location") + bytes(2, "w.bin")) + integer(14, 1);
  EXPECT_NE(errorOf(onnx::parseModel(model(bytes(5, bad)), "t.onnx")).find("is not a number"),
            std::string::npos);
}

TEST(OnnxProto, SymbolicDimensions) {
  std::string dims = bytes(1, bytes(2, "batch")) + bytes(1, integer(1, 16));
  std::string type = bytes(1, integer(1, onnx::Float) + bytes(2, dims));
  std::string input = bytes(1, "x") + bytes(2, type);
  auto m = onnx::parseModel(model(bytes(11, input)), "t.onnx");
  ASSERT_TRUE(static_cast<bool>(m)) << errorOf(std::move(m));
  const onnx::ValueInfo &info = m->graph.inputs[0];
  ASSERT_TRUE(info.shape.has_value());
  ASSERT_EQ(info.shape->size(), 2u);
  EXPECT_EQ((*info.shape)[0].param, "batch");
  EXPECT_EQ((*info.shape)[1].value, 16);
}

TEST(OnnxProto, MalformedInputsAreLocatedErrors) {
  std::string good = model(bytes(1, bytes(4, "Relu")));
  // Truncated anywhere: an error naming the file, never a crash; only a
  // cut between the model's own fields leaves a valid (smaller) message.
  unsigned valid = 0;
  for (size_t n = 1; n < good.size(); ++n) {
    std::string e = errorOf(onnx::parseModel(good.substr(0, n), "t.onnx"));
    if (e.empty())
      ++valid;
    else
      EXPECT_NE(e.find("t.onnx"), std::string::npos) << n;
  }
  EXPECT_EQ(valid, 1u); // after the graph, before the opsets
  EXPECT_NE(errorOf(onnx::parseModel("", "t.onnx")).find("empty"), std::string::npos);
  // Groups (wire types 3 and 4) are not used by ONNX.
  EXPECT_NE(errorOf(onnx::parseModel(key(7, 3), "t.onnx")).find("wire type 3"),
            std::string::npos);
  // A wrong wire type for a known field.
  EXPECT_NE(errorOf(onnx::parseModel(integer(7, 1), "t.onnx")).find("field 'graph'"),
            std::string::npos);
  // An eleven-byte varint.
  EXPECT_NE(errorOf(onnx::parseModel(key(1, 0) + std::string(11, '\x80'), "t.onnx"))
                .find("longer than 10 bytes"),
            std::string::npos);
  // Subgraphs nested deeper than the limit.
  std::string graph = bytes(1, bytes(4, "Relu"));
  for (unsigned i = 0; i < onnx::kMaxNesting; ++i)
    graph = bytes(1, bytes(5, bytes(6, graph))); // node -> attribute -> graph
  EXPECT_NE(errorOf(onnx::parseModel(model(graph), "t.onnx")).find("nested more than"),
            std::string::npos);
  // A model without a graph, and IR versions before 3.
  EXPECT_NE(errorOf(onnx::parseModel(integer(1, 8), "t.onnx")).find("no graph"),
            std::string::npos);
  EXPECT_NE(errorOf(onnx::parseModel(integer(1, 2) + bytes(7, ""), "t.onnx")).find("IR version"),
            std::string::npos);
}

} // namespace
