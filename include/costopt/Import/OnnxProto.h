//===- OnnxProto.h - The parts of an ONNX model costopt reads ---*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// A reader of ONNX's protobuf encoding (onnx/onnx.proto, IR versions 3 to
// 10) for the fields a cost model needs: the graph, its nodes, attributes,
// value types with symbolic dimensions, the opsets, and of each initializer
// its shape and element type, but not its weights.
//
// Why not libprotobuf with Debian's onnx.pb.h: the weights. protobuf parses
// a message whole, so a 500 MB model stored inline would be copied into
// memory before the first size is read, and files over 2 GiB are refused;
// this reader walks the file's bytes and keeps only views of the small
// tensors that shape computations read. It also keeps costopt free of
// Debian's onnx 1.12 (whose schema knows opsets up to 17): the encoding has
// not changed since, and operator semantics per opset are the importer's
// business either way. Every malformed byte is a located error (an offset
// into the file), which makes the reader a fuzzing target.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_IMPORT_ONNXPROTO_H
#define COSTOPT_IMPORT_ONNXPROTO_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace costopt::onnx {

/// TensorProto.DataType values costopt distinguishes.
enum DataType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  BFloat16 = 16,
};

/// Bytes per element of a data type, 0 where unknown or not fixed.
unsigned bytesPerElement(int32_t dataType);
/// "float", "int64", ...: the name ONNX's documentation uses.
llvm::StringRef dataTypeName(int32_t dataType);

/// One dimension of a value's declared shape: a number, a name, or neither.
struct Dimension {
  std::optional<int64_t> value;
  std::string param;
};

/// A value's declared type (ValueInfoProto with a tensor type).
struct ValueInfo {
  std::string name;
  int32_t elementType = Undefined;
  /// Absent when the shape is unknown (not even the rank).
  std::optional<std::vector<Dimension>> shape;
};

/// An initializer or a constant attribute: its shape and type, and the
/// bytes of its contents where they are stored in the file.
struct Tensor {
  std::string name;
  std::vector<int64_t> dims;
  int32_t dataType = Undefined;
  /// Inline contents: raw_data, or the typed repeated fields re-encoded as
  /// little-endian values of `dataType` (only for integer and float types).
  std::string inlineData;
  bool hasInlineData = false;
  /// Bytes of inline contents; only those of at most kMaxKeptBytes are
  /// kept in `inlineData` (shape computations read small tensors; the
  /// weights are never copied).
  uint64_t inlineBytes = 0;
  bool inlineKept = false;
  /// External data (data_location = EXTERNAL): the file and the range.
  bool external = false;
  std::string location;
  int64_t offset = 0;
  std::optional<int64_t> length;
  /// Where the tensor's message starts in the file (for diagnostics).
  uint64_t fileOffset = 0;

  /// The element count, or an error when it overflows.
  llvm::Expected<int64_t> elementCount() const;
  /// Integer contents of a small integer tensor (int64, int32, bool, ...):
  /// at most `limit` elements, or an error naming what is missing.
  llvm::Expected<std::vector<int64_t>> integers(int64_t limit) const;
  /// Float contents of a small float or double tensor.
  llvm::Expected<std::vector<double>> floats(int64_t limit) const;
};

struct Graph;

/// AttributeProto: one of the typed fields is set.
struct Attribute {
  enum Kind : int32_t {
    None = 0,
    FloatKind = 1,
    IntKind = 2,
    StringKind = 3,
    TensorKind = 4,
    GraphKind = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
  };
  std::string name;
  Kind kind = None;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::optional<Tensor> tensor;
  std::shared_ptr<Graph> graph;
  std::vector<std::shared_ptr<Graph>> graphs;
};

struct Node {
  std::string name, opType, domain;
  std::vector<std::string> inputs, outputs;
  std::vector<Attribute> attributes;
  /// metadata_props: the PyTorch exporter records the module path here
  /// ("pkg.torch.onnx.name_scopes").
  std::vector<std::pair<std::string, std::string>> metadata;
  uint64_t fileOffset = 0;

  const Attribute *attribute(llvm::StringRef attributeName) const;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<ValueInfo> inputs, outputs, valueInfos;
};

struct Model {
  int64_t irVersion = 0;
  std::string producerName, producerVersion;
  /// Opset versions by domain ("" is the default ai.onnx domain).
  std::map<std::string, int64_t> opsets;
  Graph graph;
};

/// Decodes a ModelProto. Errors name the file, the byte offset and what was
/// expected there. Nesting deeper than `kMaxNesting` (subgraphs inside
/// subgraphs) is refused rather than recursed into.
llvm::Expected<Model> parseModel(llvm::StringRef bytes, llvm::StringRef fileName);

constexpr unsigned kMaxNesting = 64;
constexpr uint64_t kMaxKeptBytes = 4096;

} // namespace costopt::onnx

#endif // COSTOPT_IMPORT_ONNXPROTO_H
