//===- OnnxProto.cpp - The parts of an ONNX model costopt reads -----------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Field numbers are onnx/onnx.proto's (the schema is stable: fields are only
// ever added). Fields costopt does not read are skipped by wire type, so
// files from newer exporters decode as long as the encoding is valid.
//
//===----------------------------------------------------------------------===//

#include "costopt/Import/OnnxProto.h"

#include "costopt/Support/Sym.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"

#include <cstring>

using namespace costopt;
using namespace costopt::onnx;

namespace {

enum WireType : unsigned { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

/// A cursor over one message's bytes. `base` is the message's offset in the
/// file, so that errors point into the file.
class Reader {
public:
  Reader(llvm::StringRef bytes, uint64_t base, llvm::StringRef file, unsigned depth)
      : bytes(bytes), base(base), file(file), depth(depth) {}

  bool atEnd() const { return pos >= bytes.size(); }
  uint64_t offset() const { return base + pos; }
  unsigned nesting() const { return depth; }

  llvm::Error error(const llvm::Twine &what) const { return errorAt(offset(), what); }
  llvm::Error errorAt(uint64_t at, const llvm::Twine &what) const {
    return sym::makeError(file + ": byte " + llvm::Twine(at) + ": " + what);
  }

  llvm::Expected<uint64_t> varint() {
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (atEnd())
        return error("the file ends inside a number (truncated?)");
      uint8_t byte = static_cast<uint8_t>(bytes[pos++]);
      // The tenth byte holds bit 63 only.
      if (shift == 63 && (byte & 0x7e))
        return error("a number that does not fit in 64 bits");
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
    return error("a number longer than 10 bytes (not protobuf)");
  }

  /// A field's number and wire type.
  llvm::Expected<std::pair<uint64_t, unsigned>> key() {
    fieldStart = offset();
    auto k = varint();
    if (!k)
      return k.takeError();
    uint64_t field = *k >> 3;
    unsigned wire = *k & 7;
    if (field == 0)
      return errorAt(fieldStart, "field number 0 (not an ONNX file?)");
    if (wire != Varint && wire != Fixed64 && wire != Bytes && wire != Fixed32)
      return errorAt(fieldStart, "field " + llvm::Twine(field) + " has wire type " +
                                     llvm::Twine(wire) + ", which ONNX does not use");
    return std::make_pair(field, wire);
  }

  llvm::Expected<llvm::StringRef> lengthDelimited() {
    auto length = varint();
    if (!length)
      return length.takeError();
    if (*length > bytes.size() - pos)
      return error("a field of " + llvm::Twine(*length) + " bytes runs past the end (" +
                   llvm::Twine(bytes.size() - pos) + " left; truncated file?)");
    llvm::StringRef r = bytes.substr(pos, *length);
    pos += *length;
    return r;
  }

  llvm::Expected<uint32_t> fixed32() {
    if (bytes.size() - pos < 4)
      return error("the file ends inside a 4-byte field");
    uint32_t v = llvm::support::endian::read32le(bytes.data() + pos);
    pos += 4;
    return v;
  }

  llvm::Expected<uint64_t> fixed64() {
    if (bytes.size() - pos < 8)
      return error("the file ends inside an 8-byte field");
    uint64_t v = llvm::support::endian::read64le(bytes.data() + pos);
    pos += 8;
    return v;
  }

  llvm::Error skip(unsigned wire) {
    switch (wire) {
    case Varint:
      return varint().takeError();
    case Fixed64:
      return fixed64().takeError();
    case Bytes:
      return lengthDelimited().takeError();
    default:
      return fixed32().takeError();
    }
  }

  /// A reader for a nested message whose bytes `inner` lie inside this one.
  llvm::Expected<Reader> nested(llvm::StringRef inner) const {
    if (depth + 1 > kMaxNesting)
      return errorAt(fieldStart, "messages nested more than " + llvm::Twine(kMaxNesting) +
                                     " deep");
    return Reader(inner, base + (inner.data() - bytes.data()), file, depth + 1);
  }

  llvm::Error expectWire(unsigned wire, unsigned expected, llvm::StringRef field) {
    if (wire == expected)
      return llvm::Error::success();
    return errorAt(fieldStart, llvm::Twine("field '") + field + "' has wire type " +
                                   llvm::Twine(wire) + ", expected " + llvm::Twine(expected));
  }

  uint64_t fieldStart = 0;

private:
  llvm::StringRef bytes;
  uint64_t base;
  llvm::StringRef file;
  unsigned depth;
  size_t pos = 0;
};

#define TRY(var, expr)                                                                   \
  auto var##OrErr = (expr);                                                              \
  if (!var##OrErr)                                                                       \
    return var##OrErr.takeError();                                                       \
  auto &var = *var##OrErr;

#define CHECK(expr)                                                                      \
  do {                                                                                   \
    if (llvm::Error e = (expr))                                                          \
      return e;                                                                          \
  } while (false)

/// A length-delimited string field.
llvm::Error readString(Reader &r, unsigned wire, llvm::StringRef field, std::string &out) {
  CHECK(r.expectWire(wire, Bytes, field));
  TRY(s, r.lengthDelimited());
  out = s.str();
  return llvm::Error::success();
}

llvm::Error readVarint(Reader &r, unsigned wire, llvm::StringRef field, int64_t &out) {
  CHECK(r.expectWire(wire, Varint, field));
  TRY(v, r.varint());
  out = static_cast<int64_t>(v);
  return llvm::Error::success();
}

/// A repeated integer field: packed (one length-delimited run) or one
/// varint per occurrence; both encodings are valid protobuf.
llvm::Error readInts(Reader &r, unsigned wire, llvm::StringRef field,
                     std::vector<int64_t> &out) {
  if (wire == Varint) {
    TRY(v, r.varint());
    out.push_back(static_cast<int64_t>(v));
    return llvm::Error::success();
  }
  CHECK(r.expectWire(wire, Bytes, field));
  TRY(run, r.lengthDelimited());
  TRY(inner, r.nested(run));
  while (!inner.atEnd()) {
    TRY(v, inner.varint());
    out.push_back(static_cast<int64_t>(v));
  }
  return llvm::Error::success();
}

llvm::Error readDoubles(Reader &r, unsigned wire, llvm::StringRef field,
                        std::vector<double> &out) {
  auto push = [&](uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, 8);
    out.push_back(d);
  };
  if (wire == Fixed64) {
    TRY(v, r.fixed64());
    push(v);
    return llvm::Error::success();
  }
  CHECK(r.expectWire(wire, Bytes, field));
  TRY(run, r.lengthDelimited());
  if (run.size() % 8)
    return r.errorAt(r.fieldStart, "packed doubles of " + llvm::Twine(run.size()) +
                                       " bytes (not a multiple of 8)");
  for (size_t i = 0; i < run.size(); i += 8)
    push(llvm::support::endian::read64le(run.data() + i));
  return llvm::Error::success();
}

llvm::Error readFloats(Reader &r, unsigned wire, llvm::StringRef field,
                       std::vector<float> &out) {
  auto push = [&](uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    out.push_back(f);
  };
  if (wire == Fixed32) {
    TRY(v, r.fixed32());
    push(v);
    return llvm::Error::success();
  }
  CHECK(r.expectWire(wire, Bytes, field));
  TRY(run, r.lengthDelimited());
  if (run.size() % 4)
    return r.errorAt(r.fieldStart, "packed floats of " + llvm::Twine(run.size()) +
                                       " bytes (not a multiple of 4)");
  for (size_t i = 0; i < run.size(); i += 4)
    push(llvm::support::endian::read32le(run.data() + i));
  return llvm::Error::success();
}

/// A StringStringEntryProto (key 1, value 2), appended to `out`.
llvm::Error readStringPair(Reader &r, unsigned wire, llvm::StringRef field,
                           std::vector<std::pair<std::string, std::string>> &out) {
  CHECK(r.expectWire(wire, Bytes, field));
  TRY(entry, r.lengthDelimited());
  TRY(inner, r.nested(entry));
  std::pair<std::string, std::string> kv;
  while (!inner.atEnd()) {
    TRY(k, inner.key());
    if (k.first == 1) {
      CHECK(readString(inner, k.second, "key", kv.first));
    } else if (k.first == 2) {
      CHECK(readString(inner, k.second, "value", kv.second));
    } else {
      CHECK(inner.skip(k.second));
    }
  }
  out.push_back(std::move(kv));
  return llvm::Error::success();
}

llvm::Expected<Tensor> readTensor(Reader &r) {
  Tensor t;
  t.fileOffset = r.offset();
  std::vector<int64_t> int64Data, int32Data, uint64Data;
  std::vector<double> doubleData;
  std::vector<float> floatData;
  std::vector<std::pair<std::string, std::string>> externalEntries;
  int64_t location = 0;
  while (!r.atEnd()) {
    TRY(k, r.key());
    auto [field, wire] = k;
    switch (field) {
    case 1:
      CHECK(readInts(r, wire, "dims", t.dims));
      break;
    case 2: {
      int64_t type;
      CHECK(readVarint(r, wire, "data_type", type));
      if (type < 0 || type > 64)
        return r.errorAt(r.fieldStart, "data_type " + llvm::Twine(type) + " is not an ONNX type");
      t.dataType = static_cast<int32_t>(type);
      break;
    }
    case 4:
      CHECK(readFloats(r, wire, "float_data", floatData));
      break;
    case 5:
      CHECK(readInts(r, wire, "int32_data", int32Data));
      break;
    case 7:
      CHECK(readInts(r, wire, "int64_data", int64Data));
      break;
    case 10:
      CHECK(readDoubles(r, wire, "double_data", doubleData));
      break;
    case 11:
      CHECK(readInts(r, wire, "uint64_data", uint64Data));
      break;
    case 8:
      CHECK(readString(r, wire, "name", t.name));
      break;
    case 9: {
      CHECK(r.expectWire(wire, Bytes, "raw_data"));
      TRY(raw, r.lengthDelimited());
      t.inlineBytes = raw.size();
      t.hasInlineData = true;
      t.inlineKept = raw.size() <= kMaxKeptBytes;
      if (t.inlineKept)
        t.inlineData = raw.str();
      break;
    }
    case 13:
      CHECK(readStringPair(r, wire, "external_data", externalEntries));
      break;
    case 14:
      CHECK(readVarint(r, wire, "data_location", location));
      break;
    default:
      CHECK(r.skip(wire));
    }
  }
  for (int64_t d : t.dims)
    if (d < 0)
      return r.errorAt(t.fileOffset, "tensor '" + t.name + "' has a negative dimension " +
                                         llvm::Twine(d));
  if (location == 1) {
    t.external = true;
    for (auto &[key, value] : externalEntries) {
      auto number = [&](int64_t &out) -> llvm::Error {
        if (value.empty() || value.size() > 18 ||
            value.find_first_not_of("0123456789") != std::string::npos)
          return r.errorAt(t.fileOffset, "tensor '" + t.name + "': external_data " + key +
                                             " '" + value + "' is not a number");
        out = std::stoll(value);
        return llvm::Error::success();
      };
      if (key == "location") {
        t.location = value;
      } else if (key == "offset") {
        CHECK(number(t.offset));
      } else if (key == "length") {
        int64_t length;
        CHECK(number(length));
        t.length = length;
      }
    }
    if (t.location.empty())
      return r.errorAt(t.fileOffset,
                       "tensor '" + t.name + "' is stored externally but names no location");
    return t;
  }
  // Typed fields re-encoded little-endian as the data type stores them, so
  // that readers see one representation.
  // Each typed field belongs to some data types (onnx.proto): contents in
  // another field are a malformed tensor, not zeros.
  auto misplaced = [&](bool present, bool allowed, llvm::StringRef field) -> llvm::Error {
    if (present && !allowed)
      return r.errorAt(t.fileOffset, "tensor '" + t.name + "' of " +
                                         dataTypeName(t.dataType) + " stores its contents in " +
                                         field);
    return llvm::Error::success();
  };
  int32_t dt = t.dataType;
  CHECK(misplaced(!floatData.empty(), dt == Float, "float_data"));
  CHECK(misplaced(!int64Data.empty(), dt == Int64, "int64_data"));
  CHECK(misplaced(!doubleData.empty(), dt == Double, "double_data"));
  CHECK(misplaced(!uint64Data.empty(), dt == UInt64 || dt == UInt32, "uint64_data"));
  CHECK(misplaced(!int32Data.empty(),
                  dt == Int32 || dt == Int16 || dt == Int8 || dt == UInt16 || dt == UInt8 ||
                      dt == Bool || dt == Float16 || dt == BFloat16,
                  "int32_data"));
  if (!t.hasInlineData && (!int64Data.empty() || !floatData.empty() || !int32Data.empty() ||
                           !doubleData.empty() || !uint64Data.empty())) {
    t.hasInlineData = true;
    t.inlineKept = true;
    auto append = [&](uint64_t v, unsigned width) {
      for (unsigned b = 0; b < width; ++b)
        t.inlineData.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
    };
    for (int64_t v : int64Data)
      append(static_cast<uint64_t>(v), 8);
    for (float v : floatData) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      append(bits, 4);
    }
    for (double v : doubleData) {
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      append(bits, 8);
    }
    for (int64_t v : uint64Data)
      append(static_cast<uint64_t>(v), dt == UInt32 ? 4 : 8);
    // int32_data also carries the narrower integer types and booleans.
    unsigned width = bytesPerElement(t.dataType);
    if (width == 0 || width > 4)
      width = 4;
    for (int64_t v : int32Data)
      append(static_cast<uint64_t>(v), width);
    t.inlineBytes = t.inlineData.size();
  }
  return t;
}

llvm::Expected<std::vector<Dimension>> readShape(Reader &r) {
  std::vector<Dimension> dims;
  while (!r.atEnd()) {
    TRY(k, r.key());
    if (k.first != 1) {
      CHECK(r.skip(k.second));
      continue;
    }
    CHECK(r.expectWire(k.second, Bytes, "dim"));
    TRY(bytes, r.lengthDelimited());
    TRY(inner, r.nested(bytes));
    Dimension dim;
    while (!inner.atEnd()) {
      TRY(dk, inner.key());
      if (dk.first == 1) {
        int64_t v;
        CHECK(readVarint(inner, dk.second, "dim_value", v));
        dim.value = v;
      } else if (dk.first == 2) {
        CHECK(readString(inner, dk.second, "dim_param", dim.param));
      } else {
        CHECK(inner.skip(dk.second));
      }
    }
    dims.push_back(std::move(dim));
  }
  return dims;
}

llvm::Expected<ValueInfo> readValueInfo(Reader &r) {
  ValueInfo info;
  while (!r.atEnd()) {
    TRY(k, r.key());
    auto [field, wire] = k;
    if (field == 1) {
      CHECK(readString(r, wire, "name", info.name));
    } else if (field == 2) {
      // TypeProto: only tensor_type (1) has a shape costopt reads.
      CHECK(r.expectWire(wire, Bytes, "type"));
      TRY(typeBytes, r.lengthDelimited());
      TRY(type, r.nested(typeBytes));
      while (!type.atEnd()) {
        TRY(tk, type.key());
        if (tk.first != 1) {
          CHECK(type.skip(tk.second));
          continue;
        }
        CHECK(type.expectWire(tk.second, Bytes, "tensor_type"));
        TRY(tensorBytes, type.lengthDelimited());
        TRY(tensor, type.nested(tensorBytes));
        while (!tensor.atEnd()) {
          TRY(ttk, tensor.key());
          if (ttk.first == 1) {
            int64_t elem;
            CHECK(readVarint(tensor, ttk.second, "elem_type", elem));
            info.elementType = static_cast<int32_t>(elem);
          } else if (ttk.first == 2) {
            CHECK(tensor.expectWire(ttk.second, Bytes, "shape"));
            TRY(shapeBytes, tensor.lengthDelimited());
            TRY(shapeReader, tensor.nested(shapeBytes));
            TRY(shape, readShape(shapeReader));
            info.shape = std::move(shape);
          } else {
            CHECK(tensor.skip(ttk.second));
          }
        }
      }
    } else {
      CHECK(r.skip(wire));
    }
  }
  return info;
}

llvm::Expected<Graph> readGraph(Reader &r);

llvm::Expected<Attribute> readAttribute(Reader &r) {
  Attribute a;
  while (!r.atEnd()) {
    TRY(k, r.key());
    auto [field, wire] = k;
    switch (field) {
    case 1:
      CHECK(readString(r, wire, "name", a.name));
      break;
    case 2: {
      CHECK(r.expectWire(wire, Fixed32, "f"));
      TRY(bits, r.fixed32());
      std::memcpy(&a.f, &bits, 4);
      break;
    }
    case 3:
      CHECK(readVarint(r, wire, "i", a.i));
      break;
    case 4:
      CHECK(readString(r, wire, "s", a.s));
      break;
    case 5: {
      CHECK(r.expectWire(wire, Bytes, "t"));
      TRY(bytes, r.lengthDelimited());
      TRY(inner, r.nested(bytes));
      TRY(t, readTensor(inner));
      a.tensor = std::move(t);
      break;
    }
    case 6:
    case 11: {
      CHECK(r.expectWire(wire, Bytes, field == 6 ? "g" : "graphs"));
      TRY(bytes, r.lengthDelimited());
      TRY(inner, r.nested(bytes));
      TRY(g, readGraph(inner));
      auto graph = std::make_shared<Graph>(std::move(g));
      if (field == 6)
        a.graph = graph;
      else
        a.graphs.push_back(graph);
      break;
    }
    case 7:
      CHECK(readFloats(r, wire, "floats", a.floats));
      break;
    case 8:
      CHECK(readInts(r, wire, "ints", a.ints));
      break;
    case 9: {
      std::string s;
      CHECK(readString(r, wire, "strings", s));
      a.strings.push_back(std::move(s));
      break;
    }
    case 20: {
      int64_t kind;
      CHECK(readVarint(r, wire, "type", kind));
      if (kind < 0 || kind > 14)
        return r.errorAt(r.fieldStart, "attribute '" + a.name + "' has unknown type " +
                                           llvm::Twine(kind));
      a.kind = static_cast<Attribute::Kind>(kind);
      break;
    }
    default:
      CHECK(r.skip(wire));
    }
  }
  return a;
}

llvm::Expected<Node> readNode(Reader &r) {
  Node node;
  node.fileOffset = r.offset();
  while (!r.atEnd()) {
    TRY(k, r.key());
    auto [field, wire] = k;
    switch (field) {
    case 1:
    case 2: {
      std::string s;
      CHECK(readString(r, wire, field == 1 ? "input" : "output", s));
      (field == 1 ? node.inputs : node.outputs).push_back(std::move(s));
      break;
    }
    case 3:
      CHECK(readString(r, wire, "name", node.name));
      break;
    case 4:
      CHECK(readString(r, wire, "op_type", node.opType));
      break;
    case 5: {
      CHECK(r.expectWire(wire, Bytes, "attribute"));
      TRY(bytes, r.lengthDelimited());
      TRY(inner, r.nested(bytes));
      TRY(a, readAttribute(inner));
      node.attributes.push_back(std::move(a));
      break;
    }
    case 7:
      CHECK(readString(r, wire, "domain", node.domain));
      break;
    case 9:
      CHECK(readStringPair(r, wire, "metadata_props", node.metadata));
      break;
    default:
      CHECK(r.skip(wire));
    }
  }
  return node;
}

llvm::Expected<Graph> readGraph(Reader &r) {
  Graph g;
  while (!r.atEnd()) {
    TRY(k, r.key());
    auto [field, wire] = k;
    if (field == 2) {
      CHECK(readString(r, wire, "name", g.name));
      continue;
    }
    if (field != 1 && field != 5 && field != 11 && field != 12 && field != 13) {
      CHECK(r.skip(wire));
      continue;
    }
    CHECK(r.expectWire(wire, Bytes, "graph element"));
    TRY(bytes, r.lengthDelimited());
    TRY(inner, r.nested(bytes));
    switch (field) {
    case 1: {
      TRY(node, readNode(inner));
      g.nodes.push_back(std::move(node));
      break;
    }
    case 5: {
      TRY(t, readTensor(inner));
      g.initializers.push_back(std::move(t));
      break;
    }
    default: {
      TRY(info, readValueInfo(inner));
      (field == 11 ? g.inputs : field == 12 ? g.outputs : g.valueInfos)
          .push_back(std::move(info));
    }
    }
  }
  return g;
}

#undef TRY
#undef CHECK

} // namespace

unsigned onnx::bytesPerElement(int32_t dataType) {
  switch (dataType) {
  case UInt8:
  case Int8:
  case Bool:
    return 1;
  case UInt16:
  case Int16:
  case Float16:
  case BFloat16:
    return 2;
  case Float:
  case Int32:
  case UInt32:
    return 4;
  case Int64:
  case Double:
  case UInt64:
    return 8;
  default:
    return 0;
  }
}

llvm::StringRef onnx::dataTypeName(int32_t dataType) {
  switch (dataType) {
  case Float:
    return "float";
  case UInt8:
    return "uint8";
  case Int8:
    return "int8";
  case UInt16:
    return "uint16";
  case Int16:
    return "int16";
  case Int32:
    return "int32";
  case Int64:
    return "int64";
  case String:
    return "string";
  case Bool:
    return "bool";
  case Float16:
    return "float16";
  case Double:
    return "double";
  case UInt32:
    return "uint32";
  case UInt64:
    return "uint64";
  case BFloat16:
    return "bfloat16";
  default:
    return "an unsupported type";
  }
}

llvm::Expected<int64_t> Tensor::elementCount() const {
  int64_t count = 1;
  for (int64_t d : dims)
    if (d != 0 && count > INT64_MAX / d)
      return sym::makeError("tensor '" + name + "' has more than 2^63 elements");
    else
      count *= d;
  return count;
}

namespace {
/// The elements of a small inline tensor, read one by one.
template <typename T, typename Read>
llvm::Expected<std::vector<T>> readElements(const Tensor &t, int64_t limit, Read read) {
  auto count = t.elementCount();
  if (!count)
    return count.takeError();
  if (*count > limit)
    return sym::makeError("tensor '" + t.name + "' has " + llvm::Twine(*count) +
                          " elements; shape computations read at most " +
                          llvm::Twine(limit));
  if (t.external || !t.hasInlineData)
    return sym::makeError("the contents of tensor '" + t.name + "' are not in the model file");
  if (!t.inlineKept)
    return sym::makeError("tensor '" + t.name + "' is too large to read");
  unsigned width = bytesPerElement(t.dataType);
  if (width == 0 || t.inlineData.size() != static_cast<size_t>(*count) * width)
    return sym::makeError("tensor '" + t.name + "' holds " +
                          llvm::Twine(t.inlineData.size()) + " bytes, not " +
                          llvm::Twine(*count) + " elements of " + dataTypeName(t.dataType));
  std::vector<T> out;
  for (int64_t i = 0; i < *count; ++i)
    out.push_back(read(t.inlineData.data() + i * width));
  return out;
}
} // namespace

llvm::Expected<std::vector<int64_t>> Tensor::integers(int64_t limit) const {
  using namespace llvm::support::endian;
  int32_t type = dataType;
  switch (type) {
  case Int64:
  case Int32:
  case Int16:
  case Int8:
  case UInt8:
  case UInt16:
  case UInt32:
  case Bool:
    break;
  default:
    return sym::makeError("tensor '" + name + "' holds " + dataTypeName(type) +
                          ", not integers");
  }
  return readElements<int64_t>(*this, limit, [type](const char *p) -> int64_t {
    switch (type) {
    case Int64:
      return static_cast<int64_t>(read64le(p));
    case Int32:
      return static_cast<int32_t>(read32le(p));
    case UInt32:
      return read32le(p);
    case Int16:
      return static_cast<int16_t>(read16le(p));
    case UInt16:
      return read16le(p);
    case Int8:
      return static_cast<int8_t>(*p);
    default:
      return static_cast<uint8_t>(*p);
    }
  });
}

llvm::Expected<std::vector<double>> Tensor::floats(int64_t limit) const {
  using namespace llvm::support::endian;
  int32_t type = dataType;
  if (type != Float && type != Double)
    return sym::makeError("tensor '" + name + "' holds " + dataTypeName(type) +
                          ", not float or double");
  return readElements<double>(*this, limit, [type](const char *p) -> double {
    if (type == Double) {
      uint64_t bits = read64le(p);
      double d;
      std::memcpy(&d, &bits, 8);
      return d;
    }
    uint32_t bits = read32le(p);
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  });
}

const Attribute *Node::attribute(llvm::StringRef attributeName) const {
  for (const Attribute &a : attributes)
    if (a.name == attributeName)
      return &a;
  return nullptr;
}

llvm::Expected<Model> onnx::parseModel(llvm::StringRef bytes, llvm::StringRef fileName) {
  Model model;
  Reader r(bytes, 0, fileName, 0);
  bool sawGraph = false;
  if (bytes.empty())
    return sym::makeError(fileName + ": the file is empty");
  while (!r.atEnd()) {
    auto k = r.key();
    if (!k)
      return k.takeError();
    auto [field, wire] = *k;
    if (field == 1) {
      if (auto e = readVarint(r, wire, "ir_version", model.irVersion))
        return std::move(e);
    } else if (field == 2 || field == 3) {
      if (auto e = readString(r, wire, field == 2 ? "producer_name" : "producer_version",
                              field == 2 ? model.producerName : model.producerVersion))
        return std::move(e);
    } else if (field == 7 || field == 8) {
      if (auto e = r.expectWire(wire, Bytes, field == 7 ? "graph" : "opset_import"))
        return std::move(e);
      auto inner = r.lengthDelimited();
      if (!inner)
        return inner.takeError();
      auto sub = r.nested(*inner);
      if (!sub)
        return sub.takeError();
      if (field == 7) {
        auto graph = readGraph(*sub);
        if (!graph)
          return graph.takeError();
        model.graph = std::move(*graph);
        sawGraph = true;
        continue;
      }
      std::string domain;
      int64_t version = 0;
      while (!sub->atEnd()) {
        auto ok = sub->key();
        if (!ok)
          return ok.takeError();
        llvm::Error e = ok->first == 1   ? readString(*sub, ok->second, "domain", domain)
                        : ok->first == 2 ? readVarint(*sub, ok->second, "version", version)
                                         : sub->skip(ok->second);
        if (e)
          return std::move(e);
      }
      model.opsets[domain == "ai.onnx" ? "" : domain] = version;
    } else if (auto e = r.skip(wire)) {
      return std::move(e);
    }
  }
  if (!sawGraph)
    return sym::makeError(fileName + ": no graph (field 7 of ModelProto): not an ONNX model");
  if (model.irVersion < 3)
    return sym::makeError(fileName + ": IR version " + llvm::Twine(model.irVersion) +
                          "; costopt reads ONNX IR versions 3 and newer (opset 7 onward)");
  return model;
}
