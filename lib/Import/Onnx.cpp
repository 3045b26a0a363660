//===- Onnx.cpp - Models from ONNX files ----------------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Every ONNX value falls in one of three classes:
//
//  - known: a small integer or float tensor whose contents are formulas in
//    the symbols (a Shape, the sizes a Reshape is given, a scale). Shape
//    computations (Shape -> Gather -> Concat -> Reshape) run on these, so
//    sizes stay formulas; nothing is emitted for them.
//  - fixed: a tensor that does not depend on the model's inputs or weights
//    (a causal mask built from Range, a rotary table): computed once before
//    the model runs, so it costs no FLOPs. Only its shape is tracked; where
//    the model reads it, it is an `nn.constant`.
//  - data: everything computed from an input or a parameter. Each node
//    becomes primitives (nn.contract, nn.map, nn.reduce, data movement) on
//    values whose shape is the ONNX shape; the axis whose size has the
//    sequence symbol as a factor is the value's position axis (written
//    `position = i` when it is not the second to last).
//
// Each node's result shapes are computed here and compared with the
// shapes the file declares (value_info) wherever those are formulas in the
// same symbols: a disagreement is an error, not a silent choice.
//
//===----------------------------------------------------------------------===//

#include "costopt/Import/Onnx.h"

#include "costopt/Import/OnnxProto.h"
#include "costopt/Support/Sym.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Sequence.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

using namespace costopt;
using sym::Expr;
using Shape = llvm::SmallVector<Expr, 4>;

namespace {
/// An operator the importer translates.
struct OperatorEntry {
  /// "" for ai.onnx.
  llvm::StringLiteral domain, name;
  llvm::StringLiteral note;
  /// False: evaluated when the model is imported (sizes, masks, position
  /// ids), never on the model's data.
  bool onData;
};

constexpr OperatorEntry kOperators[] = {
    {"", "Abs", "", true},
    {"", "Add", "", true},
    {"", "And", "", true},
    {"", "Attention", "opset 23", true},
    {"", "Cast", "", true},
    {"", "CastLike", "", true},
    {"", "Ceil", "", true},
    {"", "Concat", "", true},
    {"", "Constant", "", true},
    {"", "Conv", "", true},
    {"", "ConvTranspose", "explicit pads", true},
    {"", "Cos", "", true},
    {"", "Div", "", true},
    {"", "Dropout", "", true},
    {"", "Einsum", "", true},
    {"", "Equal", "", true},
    {"", "Erf", "", true},
    {"", "Exp", "", true},
    {"", "Expand", "", true},
    {"", "Flatten", "", true},
    {"", "Floor", "", true},
    {"", "Gather", "", true},
    {"", "Gelu", "", true},
    {"", "Gemm", "", true},
    {"", "Greater", "", true},
    {"", "GreaterOrEqual", "", true},
    {"", "GRU", "", true},
    {"", "HardSigmoid", "", true},
    {"", "HardSwish", "", true},
    {"", "Identity", "", true},
    {"", "IsNaN", "", true},
    {"", "LayerNormalization", "", true},
    {"", "BatchNormalization", "inference", true},
    {"", "InstanceNormalization", "", true},
    {"", "GroupNormalization", "", true},
    {"", "LeakyRelu", "", true},
    {"", "Less", "", true},
    {"", "LessOrEqual", "", true},
    {"", "Log", "", true},
    {"", "LogSoftmax", "", true},
    {"", "Loop", "over the positions", true},
    {"", "LSTM", "", true},
    {"", "MatMul", "", true},
    {"", "Max", "", true},
    {"", "Mean", "", true},
    {"", "Min", "", true},
    {"", "Mul", "", true},
    {"", "Neg", "", true},
    {"", "Not", "", true},
    {"", "Or", "", true},
    {"", "Pow", "", true},
    {"", "Reciprocal", "", true},
    {"", "ReduceL2", "", true},
    {"", "ReduceMax", "", true},
    {"", "ReduceMean", "", true},
    {"", "ReduceSum", "", true},
    {"", "ReduceSumSquare", "", true},
    {"", "Relu", "", true},
    {"", "Reshape", "", true},
    {"", "RMSNormalization", "", true},
    {"", "RNN", "", true},
    {"", "Scan", "scan outputs that are states", true},
    {"", "Sigmoid", "", true},
    {"", "SimplifiedLayerNormalization", "", true},
    {"", "Sin", "", true},
    {"", "Slice", "", true},
    {"", "Softmax", "", true},
    {"", "Softplus", "", true},
    {"", "Split", "", true},
    {"", "Sqrt", "", true},
    {"", "Squeeze", "", true},
    {"", "Sub", "", true},
    {"", "Sum", "", true},
    {"", "Tanh", "", true},
    {"", "Transpose", "", true},
    {"", "Unsqueeze", "", true},
    {"", "Where", "", true},
    {"com.microsoft", "Gelu", "", true},
    {"com.microsoft", "MultiHeadAttention", "", true},
    {"com.microsoft", "GroupQueryAttention", "", true},
    {"com.microsoft", "SimplifiedLayerNormalization", "", true},
    {"", "ConstantOfShape", "sizes, masks and positions only", false},
    {"", "CumSum", "sizes, masks and positions only", false},
    {"", "GatherElements", "sizes, masks and positions only", false},
    {"", "GatherND", "sizes, masks and positions only", false},
    {"", "Range", "sizes, masks and positions only", false},
    {"", "Shape", "sizes, masks and positions only", false},
    {"", "Size", "sizes, masks and positions only", false},
    {"", "Tile", "sizes, masks and positions only", false},
    {"", "Trilu", "sizes, masks and positions only", false},
};

/// "Op" for the default domain, "domain::Op" otherwise.
std::string qualifiedName(const onnx::Node &node) {
  if (node.domain.empty() || node.domain == "ai.onnx")
    return node.opType;
  return node.domain + "::" + node.opType;
}

/// The entry of a node's operator, if the importer knows it.
const OperatorEntry *findOperator(const onnx::Node &node) {
  llvm::StringRef domain = node.domain == "ai.onnx" ? llvm::StringRef() : node.domain;
  for (const OperatorEntry &entry : kOperators)
    if (entry.domain == domain && entry.name == node.opType)
      return &entry;
  return nullptr;
}
} // namespace

namespace {

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

struct Val {
  enum Class { Known, Fixed, Data };
  Class cls = Data;
  int32_t elem = onnx::Float;
  Shape shape;
  /// Known: the contents, row-major (integers as formulas, or floats).
  std::optional<llvm::SmallVector<Expr, 4>> ints;
  std::optional<std::vector<double>> floats;
  /// Fixed: start, start + 1, ... along the only axis longer than 1 (a
  /// Range by 1, position ids).
  std::optional<Expr> iotaStart;
  /// Data (or a fixed value once read as an nn.constant): its SSA name.
  std::string ssa;
  /// Data: a parameter or a view of one; `weightPerm` is a transpose not
  /// yet applied (logical axis i is the stored axis weightPerm[i]).
  bool weight = false;
  llvm::SmallVector<unsigned, 4> weightPerm;
  /// A trained initializer: its nn.param is written on first use as data.
  std::string initializer;
  /// The nn type once fixed by how the value was written (a constant).
  std::string type;

  bool isFloat() const {
    return elem == onnx::Float || elem == onnx::Double || elem == onnx::Float16 ||
           elem == onnx::BFloat16;
  }
  unsigned rank() const { return shape.size(); }
};

/// Text from the file as it may appear in the generated model: printable
/// ASCII (anything else becomes '_'); inside a string literal also without
/// quotes or backslashes.
std::string printable(llvm::StringRef text, bool inString = true) {
  std::string out;
  for (char c : text)
    out.push_back(c >= 0x20 && c < 0x7f && (!inString || (c != '"' && c != '\\')) ? c : '_');
  return out;
}
std::string commentText(llvm::StringRef text) { return printable(text, /*inString=*/false); }

/// "1 state", "2 states": a count and its noun, for diagnostics.
std::string countText(size_t count, llvm::StringRef noun) {
  return std::to_string(count) + " " + noun.str() + (count == 1 ? "" : "s");
}

std::string sizeText(const Expr &e) {
  sym::PrintOptions options;
  options.notation = sym::Notation::Ascii;
  options.powersAsProducts = true;
  return sym::print(e, options);
}

std::string shapeText(llvm::ArrayRef<Expr> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os, [&](const Expr &e) { os << sizeText(e); });
  os << "]";
  return s;
}

std::optional<int64_t> constantOf(const Expr &e) {
  auto c = e.getConstant();
  if (!c || c->den != 1)
    return std::nullopt;
  return static_cast<int64_t>(c->num);
}

/// `num / den` when it is a whole number for every value of the symbols
/// (Expr::divide by a constant always succeeds, as a fraction).
std::optional<Expr> divideExactly(const Expr &num, const Expr &den) {
  auto q = num.divide(den);
  if (!q) {
    llvm::consumeError(q.takeError());
    return std::nullopt;
  }
  if (!q->isObviouslyIntegral())
    return std::nullopt;
  return *q;
}

Expr product(llvm::ArrayRef<Expr> shape) {
  Expr p(1);
  for (const Expr &e : shape)
    p *= e;
  return p;
}

/// A float literal MLIR's lexer reads as f32.
std::string floatLiteral(double v) {
  if (std::isnan(v))
    return "0x7FC00000";
  if (std::isinf(v))
    return v > 0 ? "0x7F800000" : "0xFF800000";
  std::string s = llvm::formatv("{0:e9}", v).str();
  return s;
}

/// The element-wise body of an nn.map under construction.
struct Body {
  std::vector<std::string> lines;
  unsigned next = 0;
  std::string op(llvm::StringRef text) {
    std::string name = "%t" + std::to_string(next++);
    lines.push_back(name + " = " + text.str());
    return name;
  }
  std::string constant(double v) { return op("arith.constant " + floatLiteral(v) + " : f32"); }
  std::string binary(llvm::StringRef opName, llvm::StringRef a, llvm::StringRef b) {
    return op((opName + " " + a + ", " + b + " : f32").str());
  }
  std::string unary(llvm::StringRef opName, llvm::StringRef a) {
    return op((opName + " " + a + " : f32").str());
  }
  /// A comparison's i1 as 0.0 or 1.0 (one FLOP for the compare, one for
  /// the select that turns it into a value).
  std::string compare(llvm::StringRef predicate, llvm::StringRef a, llvm::StringRef b) {
    std::string c = op(("arith.cmpf " + predicate + ", " + a + ", " + b + " : f32").str());
    std::string one = constant(1.0), zero = constant(0.0);
    return op("arith.select " + c + ", " + one + ", " + zero + " : f32");
  }
};

//===----------------------------------------------------------------------===//
// Emitted ops, grouped into blocks at the end
//===----------------------------------------------------------------------===//

struct Emitted {
  std::string module;
  std::vector<std::string> results, resultTypes;
  std::vector<std::string> operands;
  /// The op's text after `%r = ` (operands written by name).
  std::string text;
  /// nn.param and nn.constant: placed with their users.
  bool hoistable = false;
  /// From a node that names no module (one an exporter's optimizer
  /// added): it joins its users' module.
  bool unscoped = false;
  std::string comment;
};

//===----------------------------------------------------------------------===//
// The importer
//===----------------------------------------------------------------------===//

class Importer {
public:
  Importer(const onnx::Model &model, llvm::StringRef path, const OnnxImportOptions &options,
           std::vector<std::string> *warnings)
      : model(model), path(path.str()), options(options), warnings(warnings) {}

  llvm::Expected<std::string> run();

private:
  using Inputs = llvm::SmallVector<Val *, 4>;

  // Diagnostics.
  llvm::Error fail(const onnx::Node &node, const llvm::Twine &what) const {
    return sym::makeError(path + ": node '" + node.name + "' (" + node.opType + ", byte " +
                          llvm::Twine(node.fileOffset) + "): " + what);
  }
  /// An operator costopt does not translate.
  llvm::Error unsupported(const onnx::Node &node) const {
    return fail(node, "unsupported ONNX operator '" + qualifiedName(node) +
                          "' (costopt --list-onnx-ops lists the supported ones; --allow-unknown "
                          "imports it with its FLOPs as a symbol)");
  }
  llvm::Error failFile(const llvm::Twine &what) const {
    return sym::makeError(path + ": " + what);
  }

  // Set-up.
  llvm::Error readOpsets();
  llvm::Error declareSymbols();
  llvm::Expected<Shape> declaredShape(const onnx::ValueInfo &info, bool create);
  llvm::Error chooseSequence();
  void classifyInitializers();
  llvm::Error checkExternalData(const onnx::Tensor &tensor);

  // Translation.
  llvm::Error translate(const onnx::Node &node);
  /// The value `name` names for `node`: computed, or an initializer
  /// classified on first use (known, fixed or a weight); null for "".
  llvm::Expected<Val *> input(const onnx::Node &node, const std::string &name);
  /// --allow-unknown: `node` as an nn.opaque with a symbol for its FLOPs.
  llvm::Error opaque(const onnx::Node &node, Inputs &in);
  llvm::Error translateKnown(const onnx::Node &node, Inputs &in, bool &handled);
  llvm::Expected<std::vector<Shape>> inferShapes(const onnx::Node &node, Inputs &in);
  llvm::Error translateData(const onnx::Node &node, Inputs &in,
                            const std::vector<Shape> &shapes);
  llvm::Error checkDeclared(const onnx::Node &node, const std::string &name,
                            const Shape &shape);
  /// The module path of a node, "" for the model itself, none when the
  /// node does not say.
  std::optional<std::string> moduleOf(const onnx::Node &node) const;

  // Emission.
  std::string fresh(llvm::StringRef hint);
  std::string typeOf(const Shape &shape, int32_t elem) const;
  std::string typeOf(const Val &v) const {
    return v.type.empty() ? typeOf(v.shape, v.elem) : v.type;
  }
  std::optional<unsigned> positionOf(const Shape &shape) const;
  std::string emit(const Shape &shape, int32_t elem, const std::string &text,
                   std::vector<std::string> operands, llvm::StringRef hint,
                   bool hoistable = false, std::string comment = "");
  llvm::Expected<std::string> use(const onnx::Node &node, Val &v);
  llvm::Expected<std::string> useStored(const onnx::Node &node, Val &v);
  llvm::Expected<std::string> reshapeTo(const onnx::Node &node, Val &v, const Shape &shape);
  /// `v` viewed as `shape` (an nn.reshape unless the shape is its own).
  llvm::Expected<Val> viewAs(const onnx::Node &node, Val &v, const Shape &shape);
  std::string operandList(llvm::ArrayRef<std::string> names) const {
    return llvm::join(names, ", ");
  }

  /// An nn.map of `f` over `operands` (known scalars folded into the
  /// body); `sizes` are passed to the body, `maskClause` (" mask
  /// affine_set<...>") restricts it, `hint` names the result.
  llvm::Expected<Val> map(const onnx::Node &node, llvm::ArrayRef<Val *> operands,
                          const Shape &shape,
                          const std::function<std::string(Body &, llvm::ArrayRef<std::string>)> &f,
                          llvm::ArrayRef<Expr> sizes = {}, llvm::StringRef maskClause = "",
                          llvm::StringRef hint = "");
  llvm::Expected<Val> elementwise(const onnx::Node &node, Inputs &in, const Shape &shape);
  llvm::Expected<Val> contract(const onnx::Node &node, Val &a, Val &b, Val *bias,
                               bool transA, bool transB, const Shape &shape);
  llvm::Expected<Val> reduce(const onnx::Node &node, Val &x, llvm::ArrayRef<int64_t> axes,
                             llvm::StringRef kind, bool keepDims, bool mean);
  llvm::Expected<Val> softmax(const onnx::Node &node, Val &x, int64_t axis, bool log);
  llvm::Expected<Val> normalize(const onnx::Node &node, Val &x, Val *scale, Val *bias,
                                int64_t axis, double epsilon, bool centre);
  /// Conv, or with `transposed` ConvTranspose (explicit pads only).
  llvm::Expected<Val> conv(const onnx::Node &node, Val &x, Val &w, Val *bias,
                           const Shape &shape, bool transposed = false);
  /// A convolution's strides, dilations, pads (begins, then ends) and
  /// auto_pad, checked against its spatial rank.
  struct ConvAttributes {
    std::vector<int64_t> strides, dilations, pads;
  };
  /// A convolution's strides, dilations and pads (begins, then ends) for
  /// inputs of spatial sizes `sizes` and a kernel of `kernel`, checked
  /// against the spatial rank; auto_pad resolved into the pads.
  llvm::Expected<ConvAttributes> convAttributes(const onnx::Node &node,
                                                llvm::ArrayRef<Expr> sizes,
                                                llvm::ArrayRef<Expr> kernel) const;
  llvm::Error recurrent(const onnx::Node &node, Inputs &in);
  /// Nothing when `steps` is the positions; else an error naming `what`.
  llvm::Error requirePositions(const onnx::Node &node, const Expr &steps,
                               llvm::StringRef what) const {
    if (sequence && steps == *sequence)
      return llvm::Error::success();
    if (constantOf(steps))
      return fail(node, what + " has a fixed size (" + sizeText(steps) +
                            "); export it as a dynamic axis (a dim_param) to step along it");
    return fail(node, what + " (" + sizeText(steps) + ") does not count positions" +
                          (sequence ? " (positions are dim_param '" + sequenceParam + "')"
                                    : std::string(" (no dim_param counts positions)")) +
                          "; name its dim_param with --sequence");
  }
  /// A Scan or Loop over the positions: the values read step by step
  /// (each with its step axis and the body's name for one step), the
  /// states' initial values, and the body's names for the states, their
  /// new values and the per-step outputs (each states, stacked at an axis).
  struct StepLoop {
    struct StepInput {
      Val *value;
      unsigned axis;
      std::string bodyName;
    };
    Expr steps;
    bool reverse = false;
    std::vector<StepInput> stepInputs;
    std::vector<Val *> inits;
    std::vector<std::string> stateNames, stateOutputs, perStepOutputs;
    std::vector<int64_t> perStepAxes;
    /// The node's first outputs, one per carried value: its state, or -1
    /// for one the caller defines (Loop's counters and invariants). Empty:
    /// one per state.
    std::vector<int> carriedState;
    /// Body inputs with a value known before the loop runs (Loop's
    /// condition), and body nodes that the step inputs replace.
    std::map<std::string, Val> bodyConstants;
    std::set<const onnx::Node *> replaced;
  };
  /// What a Scan or Loop body takes and yields: `inputs` inputs (their
  /// roles named for the diagnostic), then as outputs `uncarriedOutputs`
  /// that the node does not return (Loop's condition), `carriedOutputs`,
  /// and the per-step outputs; the node returns at most the carried and
  /// per-step ones.
  struct BodySignature {
    size_t inputs;
    std::string inputRoles;
    size_t uncarriedOutputs, carriedOutputs;
    std::string outputRoles;
  };
  /// The body graph of a Scan or Loop: its names each assigned once, its
  /// inputs and outputs as many as `signature` says.
  llvm::Expected<const onnx::Graph *> bodyOf(const onnx::Node &node,
                                             const BodySignature &signature) const;
  void restoreValues(const std::map<std::string, Val> &saved);
  /// The loop as an nn.recur whose body is `body` translated.
  llvm::Error stepLoop(const onnx::Node &node, const onnx::Graph &body, StepLoop &loop);
  /// What `name` computes from `nodes` (the ones it depends on, in order),
  /// with `bound` values set and comparisons of sizes decided: a known
  /// value, or nothing when a step is not a computation on sizes. The
  /// importer's scope is left as it was.
  std::optional<Val> probeKnown(llvm::ArrayRef<onnx::Node> nodes, const std::string &name,
                                const std::map<std::string, Val> &bound);
  /// ONNX's Scan, and Loop over a trip count of the positions.
  llvm::Error scan(const onnx::Node &node, Inputs &in);
  llvm::Error loop(const onnx::Node &node, Inputs &in);
  /// `x` with its axes permuted (an nn.transpose unless `perm` is the
  /// identity).
  llvm::Expected<Val> permuted(const onnx::Node &node, Val &x, llvm::ArrayRef<int64_t> perm,
                               llvm::StringRef hint);
  /// Scaled dot-product attention of ONNX's Attention (opset 23) and
  /// com.microsoft's MultiHeadAttention: Q, K, V as [b, n, heads·e] (3-D)
  /// or [b, heads, n, e] (4-D), kvHeads ≤ heads sharing keys and values.
  /// pastKey and pastValue ([b, kv heads, p, e], a cache) come before K and
  /// V: a causal mask then lets query i see the p cached keys and new keys
  /// up to i (aligned at the bottom right, as ONNX's reference and ONNX
  /// Runtime do).
  llvm::Error attention(const onnx::Node &node, Val &q, Val &k, Val &v, Val *mask,
                        int64_t heads, int64_t kvHeads, bool causal,
                        std::optional<double> scale, Val *pastKey = nullptr,
                        Val *pastValue = nullptr);
  /// An Einsum of two operands: each operand's letters, the output's, the
  /// extent of every letter and the output shape.
  struct EinsumSpec {
    std::vector<std::string> operands;
    std::string output;
    std::map<char, Expr> extents;
    Shape outputShape;
  };
  llvm::Expected<EinsumSpec> parseEinsum(const onnx::Node &node, Inputs &in);
  llvm::Expected<Val> einsum(const onnx::Node &node, Val &a, Val &b, const Shape &shape);
  /// `size` entries of `axis` from `offset`, viewed as `shape` (an index
  /// dropped, a direction's slice of a recurrence's weights).
  /// One axis of a Slice: `length` entries from `start` (clamped as ONNX
  /// clamps), every `step`-th.
  struct SliceAxis {
    unsigned axis;
    Expr start, length;
    int64_t step;
  };
  /// A Slice node's axes, read once for its shape and its translation.
  llvm::Expected<std::vector<SliceAxis>> sliceAxes(const onnx::Node &node, Inputs &in);
  llvm::Expected<Val> sliceAs(const onnx::Node &node, Val &x, unsigned axis,
                              const Expr &offset, const Expr &size, const Shape &shape);
  /// The type of `v` as stored (before a weight's pending transpose) and an
  /// operand map over `dims` domain dimensions reading it: `logical[i]` is
  /// the domain dimension of logical axis i.
  std::string storedTypeOf(const Val &v) const;
  std::string storedMap(const Val &v, unsigned dims, llvm::ArrayRef<std::string> logical) const;
  llvm::Expected<Val> extract(const onnx::Node &node, Val &x, unsigned axis,
                              const Expr &offset, const Expr &size, llvm::StringRef hint = "");

  // Attribute and operand helpers.
  int64_t intAttr(const onnx::Node &node, llvm::StringRef name, int64_t otherwise) const;
  float floatAttr(const onnx::Node &node, llvm::StringRef name, float otherwise) const;
  llvm::Expected<std::vector<int64_t>> intsOf(const onnx::Node &node, Val *v,
                                              llvm::StringRef what) const;
  llvm::Expected<llvm::SmallVector<Expr, 4>> exprsOf(const onnx::Node &node, Val *v,
                                                     llvm::StringRef what) const;
  llvm::Expected<int64_t> axisOf(const onnx::Node &node, int64_t axis, unsigned rank) const;
  /// The axes as written: attribute "axes" (older opsets) or input
  /// `inputIndex` (newer); none if both are absent.
  llvm::Expected<std::vector<int64_t>> writtenAxesOf(const onnx::Node &node, Inputs &in,
                                                     unsigned inputIndex);
  /// `written` made non-negative for `rank`, sorted; each at most once.
  llvm::Expected<std::vector<int64_t>> normalizedAxes(const onnx::Node &node,
                                                      llvm::ArrayRef<int64_t> written,
                                                      unsigned rank) const;
  /// The axes of a rank-`rank` input, normalized; all of them if none are
  /// written and `allIfAbsent`.
  llvm::Expected<std::vector<int64_t>> axesOf(const onnx::Node &node, Inputs &in,
                                              unsigned inputIndex, unsigned rank,
                                              bool allIfAbsent);
  int64_t opset() const { return defaultOpset; }

  const onnx::Model &model;
  std::string path;
  OnnxImportOptions options;
  std::vector<std::string> *warnings;
  int64_t defaultOpset = 0;
  /// --allow-unknown: the symbol standing for each unknown operator's FLOPs.
  std::map<std::string, std::string> unknownSymbolOf;

  std::map<std::string, Val> values;
  std::map<std::string, const onnx::Tensor *> initializers;
  std::map<std::string, const onnx::ValueInfo *> declared;
  std::set<std::string> parameterNames, bufferNames;

  /// dim_param -> symbol, in order of appearance.
  std::map<std::string, std::string> symbolOf;
  std::vector<std::string> symbols;
  std::vector<std::string> symbolNotes;
  std::optional<Expr> sequence;
  std::string sequenceParam;

  std::vector<Emitted> ops;
  std::string currentModule;
  bool currentUnscoped = false;
  /// Decide comparisons of known sizes (probeKnown only).
  bool foldComparisons = false;
  std::set<std::string> used;
  /// The nn.param of each initializer read as data (one per initializer,
  /// so that a weight two nodes share counts once).
  std::map<std::string, std::string> paramOf;
  std::vector<std::string> notes;
  void note(const std::string &text) {
    if (!llvm::is_contained(notes, text))
      notes.push_back(text);
  }
  /// Makes small <= large a constraint of the model, checked at every
  /// evaluated point (with `why` in the model's header), unless it always
  /// holds; false when it never does, an error at `node` when no sizes meet
  /// it and the model's lower bounds together.
  llvm::Expected<bool> requireAtMost(const onnx::Node &node, const Expr &small,
                                     const Expr &large,
                                     llvm::StringRef why = "a buffer sliced to that length, as "
                                                           "the exporter declares") {
    sym::Sign sign = sym::decideSign(large - small, sym::Assumptions());
    if (sym::isNonNegative(sign))
      return true;
    if (sign == sym::Sign::Negative)
      return false;
    note("where " + sizeText(small) + " <= " + sizeText(large) + ": " + why.str());
    // One bound implies another when its side is larger and its limit
    // smaller (past + sequence <= 64 gives past <= 64): the weaker goes.
    auto implies = [](const std::pair<Expr, Expr> &strong, const std::pair<Expr, Expr> &weak) {
      return sym::isNonNegative(sym::decideSign(strong.first - weak.first, sym::Assumptions())) &&
             sym::isNonNegative(sym::decideSign(weak.second - strong.second, sym::Assumptions()));
    };
    std::pair<Expr, Expr> bound(small, large);
    if (llvm::any_of(upperBounds, [&](const auto &b) { return implies(b, bound); }))
      return true;
    llvm::erase_if(upperBounds, [&](const auto &b) { return implies(bound, b); });
    upperBounds.push_back(bound);
    if (auto error = boundsMeet(node))
      return std::move(error);
    return true;
  }
  /// An error at `node` if an upper bound of the model fails where its
  /// sizes are least (a slice needs sequence >= 100 of an axis a buffer
  /// bounds by 64): no sizes would meet the imported model's constraints.
  llvm::Error boundsMeet(const onnx::Node &node) {
    for (const auto &[small, large] : upperBounds) {
      sym::Constraint c{sym::Constraint::Kind::LessEqual, small, large};
      if (llvm::Error e = sym::checkSatisfiable(lowerBounds, c))
        return fail(node, "the model would need " + sizeText(small) + " <= " + sizeText(large) +
                              (constraints.empty() ? "" : " with " + llvm::join(constraints, ", ")) +
                              ": " + llvm::toString(std::move(e)));
    }
    return llvm::Error::success();
  }
  /// The model's upper bounds (small <= large), none implied by another.
  std::vector<std::pair<Expr, Expr>> upperBounds;
  /// Lower bounds the model's sizes need ("height >= 3"), written into its
  /// where clause so that every evaluated point is checked against them.
  std::vector<std::string> constraints;
  sym::Assumptions lowerBounds;
  /// Requires size >= bound: nothing when it always holds, a constraint
  /// "s >= least" when the difference has one symbol s and holds for every
  /// s from the least value that satisfies it on (a slice to the end of an
  /// axis, a kernel on an axis of c·s), an error otherwise (`why`, or a
  /// kernel that may not fit its padded input).
  llvm::Error requireAtLeast(const onnx::Node &node, const Expr &size, const Expr &bound,
                             llvm::StringRef why = "") {
    Expr margin = size - bound;
    sym::Sign sign = sym::decideSign(margin, lowerBounds);
    if (sym::isNonNegative(sign))
      return llvm::Error::success();
    auto names = margin.getSymbols();
    if (sign != sym::Sign::Negative && names.size() == 1) {
      const std::string &name = names[0];
      if (auto least = leastSizeSatisfying(margin, name)) {
        // The search only found a value; the proof covers every size above.
        sym::Assumptions tried = lowerBounds;
        tried.lowerBounds[name] = *least;
        if (sym::isNonNegative(sym::decideSign(margin, tried))) {
          // The new bound replaces a weaker one on the same symbol.
          llvm::erase_if(constraints, [&](const std::string &c) {
            return llvm::StringRef(c).starts_with(name + " >= ");
          });
          constraints.push_back(name + " >= " + std::to_string(int64_t(*least)));
          lowerBounds = std::move(tried);
          return boundsMeet(node);
        }
      }
    }
    if (!why.empty())
      return fail(node, why);
    return fail(node, "the kernel spans " + sizeText(bound) + " positions of an axis of " +
                          sizeText(size) + " (padded), which it may not fit");
  }
  /// The least value of `name`, from its known lower bound up to 2^62, at
  /// which `margin` (a formula of that one symbol that grows with it) is
  /// non-negative: doubling, then bisection. Nothing if there is none.
  std::optional<llvm::DynamicAPInt> leastSizeSatisfying(const Expr &margin,
                                                        const std::string &name) {
    auto satisfied = [&](const llvm::DynamicAPInt &value) {
      auto v = sym::evaluateAt(margin, name, value);
      return v && *v >= sym::Rational(0);
    };
    return sym::leastWhere(lowerBounds.lowerBound(name), satisfied,
                           llvm::DynamicAPInt(int64_t(1) << 62));
  }
  /// The shape value_info declares for `name`, where every dimension is a
  /// number or a formula of the inputs' sizes.
  std::optional<Shape> declaredShapeOf(const std::string &name);
};

//===----------------------------------------------------------------------===//
// Set-up
//===----------------------------------------------------------------------===//

llvm::Error Importer::readOpsets() {
  auto it = model.opsets.find("");
  if (it == model.opsets.end())
    return failFile("the model imports no opset of the default domain (ai.onnx)");
  defaultOpset = it->second;
  if (defaultOpset < 13)
    return failFile("opset " + llvm::Twine(defaultOpset) +
                    "; costopt reads opsets 13 and newer (convert older models with "
                    "onnx.version_converter)");
  if (defaultOpset > 24)
    return failFile("opset " + llvm::Twine(defaultOpset) +
                    " is newer than the operators costopt knows (up to 24)");
  return llvm::Error::success();
}

/// A dim_param as a symbol name costopt's size syntax reads.
std::string sanitizeSymbol(llvm::StringRef param) {
  std::string s;
  for (char c : param)
    s.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (s.empty() || llvm::isDigit(s[0]))
    s = "s_" + s;
  // Words of the size syntax itself (nn.model refuses them as symbols).
  static const char *const reserved[] = {"mod", "min", "max", "ceil", "floor", "log",
                                         "log2", "sqrt", "exp", "where", "symbols",
                                         "unknown", "inf", "true", "false"};
  if (llvm::is_contained(reserved, s) || llvm::StringRef(s).starts_with("log_"))
    s = "s_" + s;
  // Whatever else the size parser reads as more than one symbol.
  auto parsed = sym::parse(s);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    s = "s_" + s;
  } else if (!parsed->isSymbol(s)) {
    s = "s_" + s;
  }
  return s;
}

llvm::Expected<Shape> Importer::declaredShape(const onnx::ValueInfo &info, bool create) {
  Shape shape;
  if (!info.shape)
    return failFile("value '" + info.name + "' has no declared shape");
  for (auto [i, dim] : llvm::enumerate(*info.shape)) {
    if (dim.value) {
      // Sizes are at least 1: an empty tensor (a cache of no positions)
      // has nothing to cost, and every op's rules assume extents >= 1.
      if (*dim.value < 1)
        return failFile("value '" + info.name + "' has dimension " + llvm::Twine(i) +
                        " of size " + llvm::Twine(*dim.value) + " (sizes are at least 1)");
      shape.push_back(Expr(*dim.value));
      continue;
    }
    if (dim.param.empty()) {
      if (!create)
        return failFile("unknown dimension");
      return failFile("input '" + info.name + "': dimension " + llvm::Twine(i) +
                      " has neither a size nor a name; export with named dynamic axes "
                      "(dynamic_axes / dynamic_shapes) or a fixed size");
    }
    auto found = symbolOf.find(dim.param);
    if (found != symbolOf.end()) {
      shape.push_back(Expr::symbol(found->second));
      continue;
    }
    if (!create) {
      // A formula of symbols already declared ("sequence*batch").
      std::string text = dim.param;
      auto parsed = sym::parse(text);
      if (!parsed) {
        llvm::consumeError(parsed.takeError());
        return failFile("dimension '" + dim.param + "' is not a formula of the inputs' sizes");
      }
      for (const std::string &s : parsed->getSymbols())
        if (!llvm::is_contained(symbols, s))
          return failFile("dimension '" + dim.param + "' names '" + s +
                          "', which is not an input's size");
      shape.push_back(*parsed);
      continue;
    }
    // A formula of new names ("2*size", as torch.export writes a derived
    // dimension): each name becomes a symbol, when the formula is a size
    // for all of them (at least 1); "se-quence" is one name.
    if (sanitizeSymbol(dim.param) != dim.param) {
      auto parsed = sym::parse(dim.param);
      if (parsed && !parsed->getSymbols().empty() &&
          llvm::all_of(parsed->getSymbols(),
                       [](const std::string &s) { return sanitizeSymbol(s) == s; }) &&
          parsed->isPolynomial() &&
          sym::isNonNegative(sym::decideSign(*parsed - Expr(1), sym::Assumptions()))) {
        for (const std::string &s : parsed->getSymbols())
          if (!llvm::is_contained(symbols, s)) {
            symbols.push_back(s);
            symbolOf[s] = s;
          }
        shape.push_back(*parsed);
        continue;
      }
      if (!parsed)
        llvm::consumeError(parsed.takeError());
    }
    std::string name = sanitizeSymbol(dim.param);
    while (llvm::is_contained(symbols, name))
      name += "_";
    symbolOf[dim.param] = name;
    symbols.push_back(name);
    if (name != dim.param)
      symbolNotes.push_back("symbol " + name + " is ONNX dim_param \"" + dim.param + "\"");
    shape.push_back(Expr::symbol(name));
  }
  return shape;
}

llvm::Error Importer::declareSymbols() {
  for (const onnx::Tensor &t : model.graph.initializers)
    initializers[t.name] = &t;
  for (const onnx::ValueInfo &info : model.graph.valueInfos)
    declared[info.name] = &info;
  for (const onnx::ValueInfo &info : model.graph.outputs)
    declared[info.name] = &info;
  for (const onnx::ValueInfo &info : model.graph.inputs) {
    if (initializers.count(info.name))
      continue; // an initializer listed as an input (IR < 4): a default
    auto shape = declaredShape(info, /*create=*/true);
    if (!shape)
      return shape.takeError();
    Val v;
    v.elem = info.elementType;
    v.shape = *shape;
    // A scalar input (GroupQueryAttention's total_sequence_length): one
    // element, as nn types have at least one dimension.
    if (v.shape.empty())
      v.shape = {Expr(1)};
    v.ssa = fresh(info.name);
    values[info.name] = v;
  }
  return llvm::Error::success();
}

llvm::Error Importer::chooseSequence() {
  if (!options.sequence.empty()) {
    auto it = symbolOf.find(options.sequence);
    if (it == symbolOf.end()) {
      std::vector<std::string> params;
      for (auto &[param, name] : symbolOf)
        params.push_back("'" + param + "'");
      return failFile("--sequence '" + options.sequence +
                      "' is not a dim_param of the inputs (they have " +
                      (params.empty() ? std::string("none") : llvm::join(params, ", ")) + ")");
    }
    sequenceParam = it->first;
    sequence = Expr::symbol(it->second);
    return llvm::Error::success();
  }
  static const char *const likely[] = {"sequence", "sequence_length", "seq_len", "seq",
                                       "seq_length", "sequence_len", "length", "time",
                                       "num_tokens", "tokens", "n"};
  for (const char *name : likely)
    for (auto &[param, symbol] : symbolOf)
      if (llvm::StringRef(param).equals_insensitive(name)) {
        sequenceParam = param;
        sequence = Expr::symbol(symbol);
        return llvm::Error::success();
      }
  // Token ids: [batch, sequence], or [sequence] unbatched. A 1-D integer
  // input whose axis leads another input is per sequence of a batch
  // (GroupQueryAttention's seqlens_k, [batch]), not positions.
  auto leadsAnInput = [&](const std::string &param) {
    return llvm::any_of(model.graph.inputs, [&](const onnx::ValueInfo &other) {
      return other.shape && other.shape->size() >= 2 && other.shape->front().param == param;
    });
  };
  for (const onnx::ValueInfo &info : model.graph.inputs) {
    auto it = values.find(info.name);
    if (it == values.end() || it->second.isFloat() || !info.shape || info.shape->empty())
      continue;
    const onnx::Dimension &last = info.shape->back();
    if (info.shape->size() == 1 && leadsAnInput(last.param))
      continue;
    if (auto found = symbolOf.find(last.param); found != symbolOf.end()) {
      sequenceParam = last.param;
      sequence = Expr::symbol(found->second);
      return llvm::Error::success();
    }
  }
  // A recurrence's time axis (a Scan's scan axis), when a graph input
  // feeds it directly.
  for (const onnx::Node &node : model.graph.nodes) {
    bool scan = node.opType == "Scan";
    if (node.opType != "LSTM" && node.opType != "GRU" && node.opType != "RNN" && !scan)
      continue;
    // A Scan's first scan input follows its states.
    size_t input = 0;
    int64_t timeAxis = intAttr(node, "layout", 0) != 0 ? 1 : 0;
    if (scan) {
      int64_t scanInputs = intAttr(node, "num_scan_inputs", 0);
      if (scanInputs < 1 || static_cast<size_t>(scanInputs) > node.inputs.size())
        continue;
      input = node.inputs.size() - scanInputs;
      if (const onnx::Attribute *axes = node.attribute("scan_input_axes"); axes && !axes->ints.empty())
        timeAxis = axes->ints[0];
    }
    if (input >= node.inputs.size())
      continue;
    const onnx::ValueInfo *x = nullptr;
    for (const onnx::ValueInfo &info : model.graph.inputs)
      if (info.name == node.inputs[input])
        x = &info;
    if (!x || !x->shape || (scan ? x->shape->empty() : x->shape->size() != 3))
      continue;
    if (timeAxis < 0)
      timeAxis += x->shape->size();
    if (timeAxis < 0 || static_cast<size_t>(timeAxis) >= x->shape->size())
      continue;
    // A dim_param that is a formula ("2*t") names no one symbol.
    auto found = symbolOf.find((*x->shape)[timeAxis].param);
    if (found == symbolOf.end())
      continue;
    sequenceParam = found->first;
    sequence = Expr::symbol(found->second);
    return llvm::Error::success();
  }
  return llvm::Error::success();
}

/// Initializers an exporter made (constants it folded or hoisted), by the
/// names exporters give them; a one-element float initializer with such a
/// name is a constant folded into element-wise bodies, one with a module's
/// name (CLIP's logit_scale) a trained parameter.
bool looksGenerated(llvm::StringRef name) {
  for (llvm::StringRef prefix : {"val_", "onnx::", "/", "_val", "const", "Constant", "scalar",
                                 "_v_", "ortshared", "initializer"})
    if (name.starts_with(prefix))
      return true;
  // TensorFlow's names ("truediv/y:0"), folded constants, bare numbers.
  return name.empty() || llvm::all_of(name, [](char c) { return llvm::isDigit(c) || c == '_'; }) ||
         name.contains("_output_") || name.contains('/') || name.contains(':') ||
         name.contains_insensitive("const");
}

/// Initializers that are buffers rather than trained weights, by the
/// names PyTorch gives registered buffers.
bool isBufferName(llvm::StringRef name) {
  llvm::StringRef last = name.rsplit('.').second.empty() ? name : name.rsplit('.').second;
  static const char *const buffers[] = {"inv_freq", "cos_cached", "sin_cached", "_cos_cached",
                                        "_sin_cached", "position_ids", "token_type_ids",
                                        "masked_bias", "causal_mask", "attention_mask",
                                        "running_mean", "running_var", "num_batches_tracked"};
  for (const char *b : buffers)
    if (last == b)
      return true;
  return false;
}

llvm::Error Importer::checkExternalData(const onnx::Tensor &tensor) {
  llvm::SmallString<256> file(llvm::sys::path::parent_path(path));
  llvm::sys::path::append(file, tensor.location);
  if (llvm::StringRef(tensor.location).contains("..") ||
      llvm::sys::path::is_absolute(tensor.location))
    return failFile("initializer '" + tensor.name + "' names external data '" +
                    tensor.location + "' outside the model's folder");
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(file, size)) {
    note("external data " + tensor.location +
         " is not next to the model: sizes come from the shapes");
    return llvm::Error::success();
  }
  auto count = tensor.elementCount();
  if (!count)
    return count.takeError();
  unsigned width = onnx::bytesPerElement(tensor.dataType);
  if (width && *count > INT64_MAX / width)
    return failFile("initializer '" + printable(tensor.name) + "' has more than 2^63 bytes");
  int64_t expected = *count * static_cast<int64_t>(width);
  int64_t length = tensor.length.value_or(static_cast<int64_t>(size) - tensor.offset);
  if (width && length != expected)
    return failFile("initializer '" + tensor.name + "' is " + llvm::Twine(*count) +
                    " elements of " + onnx::dataTypeName(tensor.dataType) + " (" +
                    llvm::Twine(expected) + " bytes), but its external data holds " +
                    llvm::Twine(length));
  if (tensor.offset < 0 || static_cast<uint64_t>(tensor.offset + length) > size)
    return failFile("initializer '" + tensor.name + "': bytes " + llvm::Twine(tensor.offset) +
                    ".." + llvm::Twine(tensor.offset + length) + " are past the end of " +
                    tensor.location + " (" + llvm::Twine(size) + " bytes)");
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

std::string Importer::fresh(llvm::StringRef hint) {
  std::string base;
  for (char c : hint)
    base.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (base.empty() || llvm::isDigit(base[0]))
    base = "v" + base;
  // Element-wise bodies name their values %a0, %s0, %t0: never those.
  if (base.size() >= 2 && llvm::is_contained({'a', 's', 't'}, base[0]) &&
      llvm::all_of(llvm::StringRef(base).drop_front(), llvm::isDigit))
    base += "_v";
  std::string name = base;
  for (unsigned n = 1; used.count(name); ++n)
    name = base + "_" + std::to_string(n);
  used.insert(name);
  return "%" + name;
}

std::optional<unsigned> Importer::positionOf(const Shape &shape) const {
  if (!sequence || shape.empty())
    return std::nullopt;
  llvm::StringRef s = *sequence->getSymbolName();
  auto hasPositions = [&](const Expr &e) {
    if (!e.containsSymbol(s))
      return false;
    // The positions after a cache of others (past + sequence: keys joined
    // to their cache) are positions too.
    if (Expr rest = e - *sequence; !rest.containsSymbol(s) && rest.isPolynomial() &&
                                   sym::isNonNegative(sym::decideSign(rest, lowerBounds)) &&
                                   !rest.getSymbols().empty())
      return true;
    auto q = e.divide(*sequence);
    if (!q) {
      llvm::consumeError(q.takeError());
      return false;
    }
    return q->isPolynomial();
  };
  unsigned rank = shape.size();
  if (rank >= 2 && hasPositions(shape[rank - 2]))
    return rank - 2;
  for (unsigned i = 0; i < rank; ++i)
    if (hasPositions(shape[i]))
      return i;
  return std::nullopt;
}

std::string Importer::typeOf(const Shape &shape, int32_t elem) const {
  bool integer = elem != onnx::Float && elem != onnx::Double && elem != onnx::Float16 &&
                 elem != onnx::BFloat16 && elem != onnx::Bool;
  if (integer)
    return "!nn.tokens<" + shapeText(shape) + ">";
  auto position = positionOf(shape);
  if (!position)
    return "!nn.tensor<" + shapeText(shape) + ">";
  std::string t = "!nn.seq<" + shapeText(shape);
  if (*position + 2 != shape.size())
    t += ", position = " + std::to_string(*position);
  return t + ">";
}

std::string Importer::emit(const Shape &shape, int32_t elem, const std::string &text,
                           std::vector<std::string> operands, llvm::StringRef hint,
                           bool hoistable, std::string comment) {
  Emitted e;
  e.module = currentModule;
  e.unscoped = currentUnscoped;
  std::string name = fresh(hint);
  e.results = {name};
  e.resultTypes = {typeOf(shape, elem)};
  e.operands = std::move(operands);
  e.text = text;
  e.hoistable = hoistable;
  e.comment = commentText(comment);
  ops.push_back(std::move(e));
  return name;
}

/// The SSA value of `v` as stored (a weight's pending transpose not
/// applied), emitting its nn.param or nn.constant on first use.
llvm::Expected<std::string> Importer::useStored(const onnx::Node &node, Val &v) {
  if (!v.ssa.empty())
    return v.ssa;
  if (!v.initializer.empty()) {
    auto found = paramOf.find(v.initializer);
    if (found != paramOf.end()) {
      v.ssa = found->second;
      return v.ssa;
    }
    const onnx::Tensor &t = *initializers.at(v.initializer);
    if (t.external)
      if (auto e = checkExternalData(t))
        return std::move(e);
    auto count = t.elementCount();
    if (!count)
      return count.takeError();
    unsigned width = onnx::bytesPerElement(t.dataType);
    if (width && *count > INT64_MAX / width)
      return fail(node, "initializer '" + printable(t.name) + "' has more than 2^63 bytes");
    if (!t.external && width &&
        t.inlineBytes != static_cast<uint64_t>(*count) * width)
      return fail(node, "initializer '" + t.name + "' is " + llvm::Twine(*count) +
                            " elements of " + onnx::dataTypeName(t.dataType) +
                            " but holds " + llvm::Twine(t.inlineBytes) + " bytes");
    Shape stored;
    for (int64_t d : t.dims)
      stored.push_back(Expr(d));
    if (stored.empty())
      stored = {Expr(1)};
    std::string type = "!nn.tensor<" + shapeText(stored) + ">";
    v.ssa = emit(stored, t.dataType, "nn.param : " + type, {}, t.name, /*hoistable=*/true,
                 t.name);
    ops.back().resultTypes = {type};
    paramOf[v.initializer] = v.ssa;
    parameterNames.insert(t.name);
    return v.ssa;
  }
  if (v.cls == Val::Data)
    return fail(node, "internal error: a value was never computed");
  // A fixed or known tensor read as data: a constant of its shape.
  if (v.shape.empty())
    return fail(node, "a scalar constant is read as a tensor; costopt folds scalars into "
                      "element-wise bodies only");
  // Constants carry no positions: integers are token ids, the rest plain
  // tensors.
  Shape shape = v.shape;
  bool integer = !v.isFloat() && v.elem != onnx::Bool;
  v.type = integer ? "!nn.tokens<" + shapeText(shape) + ">"
                   : "!nn.tensor<" + shapeText(shape) + ">";
  v.ssa = emit(shape, onnx::Float, "nn.constant : " + v.type, {}, "const", /*hoistable=*/true,
               "fixed: computed before the model runs");
  ops.back().resultTypes = {v.type};
  return v.ssa;
}

llvm::Expected<std::string> Importer::use(const onnx::Node &node, Val &v) {
  auto stored = useStored(node, v);
  if (!stored || v.weightPerm.empty())
    return stored;
  // A transposed weight read by something other than a contraction: the
  // transpose runs.
  llvm::SmallVector<unsigned, 4> perm = v.weightPerm;
  std::string permText;
  for (unsigned p : perm)
    permText += (permText.empty() ? "" : ", ") + std::to_string(p);
  Shape storedShape(v.shape.size());
  for (unsigned i = 0; i < perm.size(); ++i)
    storedShape[perm[i]] = v.shape[i];
  std::string text = "nn.transpose " + *stored + " {permutation = [" + permText + "]} : " +
                     typeOf(storedShape, v.elem) + " -> " + typeOf(v);
  v.ssa = emit(v.shape, v.elem, text, {*stored}, "transposed");
  v.weightPerm.clear();
  v.weight = false;
  return v.ssa;
}

llvm::Expected<std::string> Importer::reshapeTo(const onnx::Node &node, Val &v,
                                                const Shape &shape) {
  auto x = use(node, v);
  if (!x)
    return x.takeError();
  if (Shape(v.shape) == shape)
    return *x;
  return emit(shape, v.elem, "nn.reshape " + *x + " : " + typeOf(v) + " -> " + typeOf(shape, v.elem),
              {*x}, "view");
}

llvm::Expected<Val> Importer::viewAs(const onnx::Node &node, Val &v, const Shape &shape) {
  auto name = reshapeTo(node, v, shape);
  if (!name)
    return name.takeError();
  Val out = v;
  out.ssa = *name;
  out.shape = shape;
  out.type.clear();
  out.weightPerm.clear();
  // A view of a weight is read as the weight only where it is the weight.
  out.weight = v.weight && out.ssa == v.ssa;
  return out;
}

//===----------------------------------------------------------------------===//
// Helpers for operands and attributes
//===----------------------------------------------------------------------===//

int64_t Importer::intAttr(const onnx::Node &node, llvm::StringRef name, int64_t otherwise) const {
  const onnx::Attribute *a = node.attribute(name);
  return a ? a->i : otherwise;
}

float Importer::floatAttr(const onnx::Node &node, llvm::StringRef name, float otherwise) const {
  const onnx::Attribute *a = node.attribute(name);
  return a ? a->f : otherwise;
}

llvm::Expected<llvm::SmallVector<Expr, 4>> Importer::exprsOf(const onnx::Node &node, Val *v,
                                                             llvm::StringRef what) const {
  if (!v || v->cls != Val::Known || !v->ints)
    return fail(node, what + " must be known when the model is imported (a constant or a "
                             "formula of the input sizes); here it is computed from " +
                      (v && v->cls == Val::Data ? "the model's data" : "a tensor costopt "
                                                                       "does not evaluate"));
  return *v->ints;
}

llvm::Expected<std::vector<int64_t>> Importer::intsOf(const onnx::Node &node, Val *v,
                                                      llvm::StringRef what) const {
  auto exprs = exprsOf(node, v, what);
  if (!exprs)
    return exprs.takeError();
  std::vector<int64_t> out;
  for (const Expr &e : *exprs) {
    auto c = constantOf(e);
    if (!c)
      return fail(node, what + " must be numbers; element " + llvm::Twine(out.size()) +
                            " is " + sizeText(e));
    out.push_back(*c);
  }
  return out;
}

llvm::Expected<int64_t> Importer::axisOf(const onnx::Node &node, int64_t axis,
                                         unsigned rank) const {
  int64_t r = rank;
  if (axis < -r || axis >= r)
    return fail(node, "axis " + llvm::Twine(axis) + " is out of range for rank " +
                          llvm::Twine(rank));
  return axis < 0 ? axis + r : axis;
}

llvm::Expected<std::vector<int64_t>> Importer::writtenAxesOf(const onnx::Node &node, Inputs &in,
                                                             unsigned inputIndex) {
  if (const onnx::Attribute *a = node.attribute("axes"))
    return a->ints;
  if (inputIndex < in.size() && in[inputIndex])
    return intsOf(node, in[inputIndex], "the axes");
  return std::vector<int64_t>();
}

llvm::Expected<std::vector<int64_t>> Importer::axesOf(const onnx::Node &node, Inputs &in,
                                                      unsigned inputIndex, unsigned rank,
                                                      bool allIfAbsent) {
  bool written = node.attribute("axes") || (inputIndex < in.size() && in[inputIndex]);
  if (!written && allIfAbsent) {
    auto all = llvm::seq<int64_t>(0, rank);
    return std::vector<int64_t>(all.begin(), all.end());
  }
  auto raw = writtenAxesOf(node, in, inputIndex);
  if (!raw)
    return raw.takeError();
  return normalizedAxes(node, *raw, rank);
}

llvm::Expected<std::vector<int64_t>> Importer::normalizedAxes(const onnx::Node &node,
                                                              llvm::ArrayRef<int64_t> written,
                                                              unsigned rank) const {
  std::vector<int64_t> axes;
  for (int64_t a : written) {
    auto axis = axisOf(node, a, rank);
    if (!axis)
      return axis.takeError();
    if (llvm::is_contained(axes, *axis))
      return fail(node, "axis " + llvm::Twine(a) + " is listed twice");
    axes.push_back(*axis);
  }
  llvm::sort(axes);
  return axes;
}

llvm::Expected<Shape> broadcast(llvm::ArrayRef<Shape> shapes) {
  size_t rank = 0;
  for (const Shape &s : shapes)
    rank = std::max(rank, s.size());
  Shape out(rank, Expr(1));
  for (const Shape &s : shapes)
    for (size_t i = 0; i < s.size(); ++i) {
      Expr &o = out[rank - s.size() + i];
      const Expr &d = s[i];
      if (d == o || d == Expr(1))
        continue;
      if (o == Expr(1)) {
        o = d;
        continue;
      }
      return sym::makeError("shapes " + shapeText(shapes.front()) + " and " + shapeText(s) +
                            " do not broadcast (" + sizeText(o) + " against " + sizeText(d) +
                            ")");
    }
  return out;
}

std::optional<std::string> Importer::moduleOf(const onnx::Node &node) const {
  // The PyTorch exporter (dynamo): ['', 'transformer', 'transformer.h.0', ..., 'op'].
  for (auto &[key, value] : node.metadata)
    if (key == "pkg.torch.onnx.name_scopes") {
      llvm::SmallVector<llvm::StringRef> parts;
      llvm::StringRef(value).trim("[]").split(parts, ',');
      if (parts.size() < 2)
        return "";
      return printable(parts[parts.size() - 2].trim().trim("'\""));
    }
  // TorchScript exporter and tf2onnx: "/transformer/h.0/attn/MatMul".
  llvm::StringRef name = node.name;
  if (!name.starts_with("/"))
    return std::nullopt;
  llvm::SmallVector<llvm::StringRef> parts;
  name.drop_front().split(parts, '/');
  if (parts.size() < 2)
    return "";
  parts.pop_back();
  return printable(llvm::join(parts, "."));
}

//===----------------------------------------------------------------------===//
// Known values: shape arithmetic
//===----------------------------------------------------------------------===//

Val knownInts(llvm::ArrayRef<Expr> contents, Shape shape) {
  Val v;
  v.cls = Val::Known;
  v.elem = onnx::Int64;
  v.ints = llvm::SmallVector<Expr, 4>(contents.begin(), contents.end());
  v.shape = std::move(shape);
  return v;
}

/// Gathers or slices Known contents along axis 0 of a rank <= 1 tensor.
llvm::Error Importer::translateKnown(const onnx::Node &node, Inputs &in, bool &handled) {
  handled = false;
  llvm::StringRef op = node.opType;
  auto known = [](Val *v) { return v && v->cls == Val::Known; };
  auto allKnown = [&]() { return llvm::all_of(in, [&](Val *v) { return !v || known(v); }); };
  auto define = [&](Val v) {
    values[node.outputs.at(0)] = std::move(v);
    handled = true;
    return llvm::Error::success();
  };

  if (op == "Shape" && !in.empty() && in[0]) {
    int64_t rank = in[0]->rank();
    int64_t start = intAttr(node, "start", 0), end = intAttr(node, "end", rank);
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
    llvm::SmallVector<Expr, 4> dims;
    for (int64_t i = start; i < end; ++i)
      dims.push_back(in[0]->shape[i]);
    return define(knownInts(dims, {Expr(static_cast<int64_t>(dims.size()))}));
  }
  if (op == "Size" && !in.empty() && in[0])
    return define(knownInts({product(in[0]->shape)}, {}));
  if (op == "Constant") {
    for (const onnx::Attribute &a : node.attributes) {
      if (a.name == "value_int")
        return define(knownInts({Expr(a.i)}, {}));
      if (a.name == "value_ints") {
        llvm::SmallVector<Expr, 4> c;
        for (int64_t i : a.ints)
          c.push_back(Expr(i));
        return define(knownInts(c, {Expr(static_cast<int64_t>(c.size()))}));
      }
      if (a.name == "value_float" || a.name == "value_floats") {
        Val v;
        v.cls = Val::Known;
        v.floats = a.name == "value_float" ? std::vector<double>{a.f}
                                           : std::vector<double>(a.floats.begin(), a.floats.end());
        if (a.name == "value_floats")
          v.shape = {Expr(static_cast<int64_t>(a.floats.size()))};
        return define(std::move(v));
      }
    }
    return llvm::Error::success(); // `value`: handled with initializers below
  }
  if (!allKnown() || in.empty() || !in[0])
    return llvm::Error::success();
  // Every operand an op below reads must be there.
  auto present = [&](unsigned n) {
    return in.size() >= n && llvm::all_of(llvm::ArrayRef(in).take_front(n),
                                          [](Val *v) { return v != nullptr; });
  };

  // From here on every operand is known.
  bool allInts = llvm::all_of(in, [](Val *v) { return !v || v->ints; });
  if (op == "Cast" || op == "Identity" || op == "CastLike") {
    Val v = *in[0];
    int64_t to = intAttr(node, "to", v.elem);
    if (op == "CastLike") {
      if (!present(2))
        return llvm::Error::success();
      to = in[1]->elem;
    }
    v.elem = static_cast<int32_t>(to);
    bool toFloat = to == onnx::Float || to == onnx::Double || to == onnx::Float16 ||
                   to == onnx::BFloat16;
    if (toFloat && v.ints) {
      std::vector<double> f;
      for (const Expr &e : *v.ints) {
        auto c = constantOf(e);
        if (!c && foldComparisons)
          return define(std::move(v)); // a size compared as a float: kept a size
        if (!c)
          return llvm::Error::success(); // a size as a float: not folded
        f.push_back(static_cast<double>(*c));
      }
      v.ints.reset();
      v.floats = f;
    } else if (!toFloat && v.floats) {
      llvm::SmallVector<Expr, 4> ints;
      for (double f : *v.floats)
        ints.push_back(Expr(static_cast<int64_t>(f)));
      v.floats.reset();
      v.ints = ints;
    }
    return define(std::move(v));
  }
  // Comparisons and logic on sizes, decided from the sizes' signs: only
  // while probing a Loop's condition (elsewhere a comparison the graph
  // computes is counted as it runs).
  static const llvm::StringSet<> decided = {"Less", "LessOrEqual", "Greater", "GreaterOrEqual",
                                            "And", "Or"};
  // (Known floats that are whole numbers count: tf2onnx compares sizes
  // cast to float.)
  auto wholeNumbers = [](const Val &v) -> std::optional<llvm::SmallVector<Expr, 4>> {
    if (v.ints)
      return *v.ints;
    llvm::SmallVector<Expr, 4> out;
    for (double f : v.floats ? *v.floats : std::vector<double>{}) {
      if (std::floor(f) != f || std::abs(f) > 9.0e15)
        return std::nullopt;
      out.push_back(Expr(static_cast<int64_t>(f)));
    }
    if (!v.floats)
      return std::nullopt;
    return out;
  };
  if (foldComparisons && decided.contains(op) && present(2) && wholeNumbers(*in[0]) &&
      wholeNumbers(*in[1])) {
    const auto a = *wholeNumbers(*in[0]), b = *wholeNumbers(*in[1]);
    if (a.size() != b.size() && a.size() != 1 && b.size() != 1)
      return llvm::Error::success();
    llvm::SmallVector<Expr, 4> out;
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      const Expr &x = a[a.size() == 1 ? 0 : i], &y = b[b.size() == 1 ? 0 : i];
      std::optional<bool> r;
      if (op == "And" || op == "Or") {
        auto cx = constantOf(x), cy = constantOf(y);
        if (!cx || !cy)
          return llvm::Error::success();
        r = op == "And" ? (*cx && *cy) : (*cx || *cy);
      } else {
        // x < y: y - x > 0 (Greater: the other way round).
        bool greater = op.starts_with("Greater"), strict = !op.ends_with("OrEqual");
        sym::Sign sign = sym::decideSign(greater ? x - y : y - x, lowerBounds);
        bool positive = sign == sym::Sign::Positive;
        bool nonNegative = positive || sign == sym::Sign::NonNegative || sign == sym::Sign::Zero;
        bool negative = sign == sym::Sign::Negative;
        bool nonPositive = negative || sign == sym::Sign::NonPositive || sign == sym::Sign::Zero;
        if (strict ? positive : nonNegative)
          r = true;
        else if (strict ? nonPositive : negative)
          r = false;
        else
          return llvm::Error::success(); // undecided
      }
      out.push_back(Expr(*r ? 1 : 0));
    }
    Val v = a.size() >= b.size() ? *in[0] : *in[1];
    v.floats.reset();
    v.ints = out;
    v.elem = onnx::Bool;
    return define(std::move(v));
  }
  if (!allInts) {
    // Float scalars: constants folded into bodies (a scale, an epsilon).
    bool scalarFloats = llvm::all_of(in, [](Val *v) {
      return !v || (v->floats && v->floats->size() == 1);
    });
    static const std::map<std::string, std::function<double(double, double)>> floatOps = {
        {"Add", [](double a, double b) { return a + b; }},
        {"Sub", [](double a, double b) { return a - b; }},
        {"Mul", [](double a, double b) { return a * b; }},
        {"Div", [](double a, double b) { return a / b; }},
        {"Pow", [](double a, double b) { return std::pow(a, b); }}};
    auto f = floatOps.find(op.str());
    if (scalarFloats && f != floatOps.end() && present(2)) {
      Val v = *in[0];
      v.floats = std::vector<double>{f->second((*in[0]->floats)[0], (*in[1]->floats)[0])};
      return define(std::move(v));
    }
    if (scalarFloats && in.size() == 1 && (op == "Sqrt" || op == "Reciprocal" || op == "Neg")) {
      Val v = *in[0];
      double x = (*v.floats)[0];
      v.floats = std::vector<double>{op == "Sqrt" ? std::sqrt(x) : op == "Neg" ? -x : 1 / x};
      return define(std::move(v));
    }
    return llvm::Error::success();
  }

  // Integer contents: elementwise with broadcasting of scalars and [1].
  static const std::map<std::string, std::function<std::optional<Expr>(const Expr &, const Expr &)>>
      intOps = {
          {"Add", [](const Expr &a, const Expr &b) -> std::optional<Expr> { return a + b; }},
          {"Sub", [](const Expr &a, const Expr &b) -> std::optional<Expr> { return a - b; }},
          {"Mul", [](const Expr &a, const Expr &b) -> std::optional<Expr> { return a * b; }},
          {"Div",
           [](const Expr &a, const Expr &b) -> std::optional<Expr> {
             if (b.isZero())
               return std::nullopt;
             return Expr::floorDiv(a, b);
           }},
          {"Max", [](const Expr &a, const Expr &b) -> std::optional<Expr> { return Expr::max(a, b); }},
          {"Min", [](const Expr &a, const Expr &b) -> std::optional<Expr> { return Expr::min(a, b); }},
          {"Equal",
           [](const Expr &a, const Expr &b) -> std::optional<Expr> {
             if (a == b)
               return Expr(1);
             auto ca = constantOf(a), cb = constantOf(b);
             if (ca && cb)
               return Expr(0);
             return std::nullopt; // symbolic: not decided here
           }},
      };
  if (auto f = intOps.find(op.str()); f != intOps.end() && present(2)) {
    const auto &a = *in[0]->ints, &b = *in[1]->ints;
    if (a.size() != b.size() && a.size() != 1 && b.size() != 1)
      return llvm::Error::success();
    llvm::SmallVector<Expr, 4> out;
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      auto r = f->second(a[a.size() == 1 ? 0 : i], b[b.size() == 1 ? 0 : i]);
      if (!r)
        return llvm::Error::success();
      out.push_back(*r);
    }
    Val v = a.size() >= b.size() ? *in[0] : *in[1];
    v.ints = out;
    if (op == "Equal")
      v.elem = onnx::Bool;
    return define(std::move(v));
  }
  if (op == "Neg" || op == "Abs") {
    Val v = *in[0];
    for (Expr &e : *v.ints) {
      if (op == "Neg") {
        e = -e;
        continue;
      }
      auto c = constantOf(e);
      if (!c)
        return llvm::Error::success();
      e = Expr(std::abs(*c));
    }
    return define(std::move(v));
  }
  if (op == "Not") {
    Val v = *in[0];
    for (Expr &e : *v.ints) {
      auto c = constantOf(e);
      if (!c)
        return llvm::Error::success();
      e = Expr(*c ? 0 : 1);
    }
    return define(std::move(v));
  }
  if (op == "Where" && present(3)) {
    const auto &c = *in[0]->ints, &a = *in[1]->ints, &b = *in[2]->ints;
    size_t n = std::max({c.size(), a.size(), b.size()});
    for (size_t size : {c.size(), a.size(), b.size()})
      if (size != 1 && size != n)
        return llvm::Error::success(); // the shape check reports it
    llvm::SmallVector<Expr, 4> out;
    for (size_t i = 0; i < n; ++i) {
      auto cond = constantOf(c[c.size() == 1 ? 0 : i]);
      if (!cond)
        return llvm::Error::success();
      out.push_back(*cond ? a[a.size() == 1 ? 0 : i] : b[b.size() == 1 ? 0 : i]);
    }
    Val v = *in[1];
    v.ints = out;
    v.shape = {Expr(static_cast<int64_t>(n))};
    if (c.size() == 1 && a.size() == 1 && b.size() == 1)
      v.shape = in[0]->shape.size() >= in[1]->shape.size() ? in[0]->shape : in[1]->shape;
    return define(std::move(v));
  }
  if (op == "Concat") {
    llvm::SmallVector<Expr, 4> out;
    for (Val *v : in)
      if (v)
        llvm::append_range(out, *v->ints);
    return define(knownInts(out, {Expr(static_cast<int64_t>(out.size()))}));
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" || op == "Flatten") {
    // Rank changes only: the contents stay, while the result is a vector
    // or a scalar (any other shape is left to the general rules).
    if (in[0]->shape.size() > 1)
      return llvm::Error::success();
    auto shapes = inferShapes(node, in);
    if (!shapes)
      return shapes.takeError();
    if ((*shapes)[0].size() > 1)
      return llvm::Error::success(); // [k] -> [1, k]: not a shape vector any more
    Val v = *in[0];
    v.shape = (*shapes)[0];
    return define(std::move(v));
  }
  if (op == "Gather" && present(2)) {
    if (intAttr(node, "axis", 0) != 0 || in[0]->shape.size() > 1)
      return llvm::Error::success();
    auto indices = intsOf(node, in[1], "the indices");
    if (!indices)
      return indices.takeError();
    const auto &data = *in[0]->ints;
    llvm::SmallVector<Expr, 4> out;
    for (int64_t i : *indices) {
      int64_t n = data.size();
      if (i < -n || i >= n)
        return fail(node, "index " + llvm::Twine(i) + " is out of range for " +
                              llvm::Twine(n) + " elements");
      out.push_back(data[i < 0 ? i + n : i]);
    }
    Val v = *in[0];
    v.ints = out;
    v.shape = in[1]->shape;
    return define(std::move(v));
  }
  if (op == "Slice" && present(3) && in[0]->shape.size() == 1) {
    auto starts = intsOf(node, in[1], "the starts");
    auto ends = intsOf(node, in[2], "the ends");
    if (!starts || !ends) {
      llvm::consumeError(starts.takeError());
      llvm::consumeError(ends.takeError());
      return llvm::Error::success();
    }
    int64_t step = 1;
    if (in.size() > 4 && in[4]) {
      auto steps = intsOf(node, in[4], "the steps");
      if (!steps)
        return steps.takeError();
      if (steps->size() != 1)
        return fail(node, "one step for a vector");
      step = (*steps)[0];
    }
    if (starts->size() != 1 || ends->size() != 1)
      return fail(node, "a vector is sliced with one start and one end");
    const auto &data = *in[0]->ints;
    int64_t n = data.size();
    // ONNX's clamping: indices from the end, then into [0, n] (a negative
    // step: [0, n - 1] for the start, [-1, n - 1] for the end).
    auto fromEnd = [&](int64_t i) {
      return i < 0 ? (i < -n ? -n - 1 : i) + n : std::min(i, n);
    };
    int64_t s = fromEnd((*starts)[0]), e = fromEnd((*ends)[0]);
    llvm::SmallVector<Expr, 4> out;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, n);
      e = std::clamp<int64_t>(e, 0, n);
      for (int64_t i = s; i < e; i = e - i <= step ? e : i + step)
        out.push_back(data[i]);
    } else if (step < 0) {
      s = std::clamp<int64_t>(s, 0, n - 1);
      e = std::clamp<int64_t>(e, -1, n - 1);
      for (int64_t i = s; i > e; i = i - e <= -step ? e : i + step)
        out.push_back(data[i]);
    } else {
      return fail(node, "step 0");
    }
    return define(knownInts(out, {Expr(static_cast<int64_t>(out.size()))}));
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Shapes of every operator
//===----------------------------------------------------------------------===//

llvm::Expected<std::vector<Shape>> Importer::inferShapes(const onnx::Node &node, Inputs &in) {
  llvm::StringRef op = node.opType;
  auto need = [&](unsigned n) -> llvm::Error {
    if (in.size() < n || llvm::any_of(llvm::ArrayRef(in).take_front(n),
                                      [](Val *v) { return v == nullptr; }))
      return fail(node, "needs " + llvm::Twine(n) + " input(s)");
    return llvm::Error::success();
  };
  auto one = [](Shape s) { return std::vector<Shape>{std::move(s)}; };
  auto bcast = [&](llvm::ArrayRef<Val *> operands) -> llvm::Expected<std::vector<Shape>> {
    std::vector<Shape> shapes;
    for (Val *v : operands)
      if (v)
        shapes.push_back(v->shape);
    auto out = broadcast(shapes);
    if (!out)
      return fail(node, llvm::toString(out.takeError()));
    return one(*out);
  };
  static const llvm::StringSet<> elementwise = {
      "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Equal", "Less",
      "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Mod", "PRelu",
      "BitShift", "BitwiseAnd", "BitwiseOr"};
  static const llvm::StringSet<> sameShape = {
      "Relu", "Tanh", "Sigmoid", "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal",
      "Softplus", "Gelu", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Mish",
      "Sin", "Cos", "Floor", "Ceil", "Round", "Sign", "Not", "IsNaN", "IsInf", "Cast",
      "CastLike", "Identity", "Dropout", "Softmax", "LogSoftmax", "CumSum", "Trilu",
      "LayerNormalization", "SimplifiedLayerNormalization", "RMSNormalization",
      "SkipLayerNormalization", "BatchNormalization", "InstanceNormalization",
      "GroupNormalization",
      "Celu", "ThresholdedRelu", "Softsign", "Tan", "Atan", "Asin", "Acos", "Sinh", "Cosh"};
  if (elementwise.contains(op)) {
    if (auto e = need(op == "Sum" || op == "Mean" || op == "Max" || op == "Min" ? 1 : 2))
      return std::move(e);
    return bcast(in);
  }
  // Operators of one input: another would be read as an operand.
  static const llvm::StringSet<> unary = {
      "Relu", "Tanh", "Sigmoid", "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal",
      "Softplus", "Gelu", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Mish",
      "Sin", "Cos", "Floor", "Ceil", "Round", "Sign", "Not", "IsNaN", "IsInf", "Cast",
      "Identity", "Softmax", "LogSoftmax", "Celu", "ThresholdedRelu", "Softsign", "Tan",
      "Atan", "Asin", "Acos", "Sinh", "Cosh"};
  if (unary.contains(op) && in.size() > 1)
    return fail(node, op + " takes one input, not " + llvm::Twine(in.size()));
  if (sameShape.contains(op)) {
    if (auto e = need(1))
      return std::move(e);
    std::vector<Shape> out = one(in[0]->shape);
    if (op == "LayerNormalization" || op == "SimplifiedLayerNormalization" ||
        op == "RMSNormalization") {
      // Optional mean and inverse standard deviation: the normalised axes
      // kept with extent 1.
      auto axis = axisOf(node, intAttr(node, "axis", -1), in[0]->rank());
      if (!axis)
        return axis.takeError();
      Shape stats = in[0]->shape;
      for (unsigned i = *axis; i < stats.size(); ++i)
        stats[i] = Expr(1);
      out.push_back(stats);
      out.push_back(stats);
    }
    if (op == "Dropout")
      out.push_back(in[0]->shape);
    return out;
  }
  if (op == "Where") {
    if (auto e = need(3))
      return std::move(e);
    return bcast(in);
  }
  if (op == "Transpose") {
    if (auto e = need(1))
      return std::move(e);
    unsigned rank = in[0]->rank();
    std::vector<int64_t> perm;
    if (const onnx::Attribute *a = node.attribute("perm"))
      perm = a->ints;
    else
      for (unsigned i = rank; i-- > 0;)
        perm.push_back(i);
    if (perm.size() != rank)
      return fail(node, "perm lists " + llvm::Twine(perm.size()) + " axes for rank " +
                            llvm::Twine(rank));
    Shape out;
    std::vector<bool> seen(rank);
    for (int64_t p : perm) {
      if (p < 0 || p >= rank || seen[p])
        return fail(node, "perm is not a permutation");
      seen[p] = true;
      out.push_back(in[0]->shape[p]);
    }
    return one(out);
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    if (auto e = need(1))
      return std::move(e);
    unsigned rank = in[0]->rank();
    if (op == "Unsqueeze") {
      // The axes count positions of the output, one more per axis.
      auto written = writtenAxesOf(node, in, 1);
      if (!written)
        return written.takeError();
      unsigned outRank = rank + written->size();
      auto normalized = normalizedAxes(node, *written, outRank);
      if (!normalized)
        return normalized.takeError();
      const std::vector<int64_t> &axes = *normalized;
      Shape out;
      unsigned next = 0;
      for (unsigned i = 0; i < outRank; ++i)
        out.push_back(llvm::is_contained(axes, int64_t(i)) ? Expr(1) : in[0]->shape[next++]);
      if (next != rank)
        return fail(node, "axes repeat");
      return one(out);
    }
    std::vector<int64_t> axes;
    if (node.attribute("axes") || (in.size() > 1 && in[1])) {
      auto a = axesOf(node, in, 1, rank, false);
      if (!a)
        return a.takeError();
      axes = *a;
    } else {
      for (unsigned i = 0; i < rank; ++i)
        if (in[0]->shape[i] == Expr(1))
          axes.push_back(i);
    }
    Shape out;
    for (unsigned i = 0; i < rank; ++i) {
      if (!llvm::is_contained(axes, int64_t(i))) {
        out.push_back(in[0]->shape[i]);
        continue;
      }
      if (in[0]->shape[i] != Expr(1))
        return fail(node, "squeezes axis " + llvm::Twine(i) + " of size " +
                              sizeText(in[0]->shape[i]) + ", which is not 1");
    }
    return one(out);
  }
  if (op == "Reshape") {
    if (auto e = need(2))
      return std::move(e);
    auto target = exprsOf(node, in[1], "the shape");
    if (!target)
      return target.takeError();
    bool allowZero = intAttr(node, "allowzero", 0) != 0;
    Shape out;
    std::optional<unsigned> inferred;
    for (auto [i, d] : llvm::enumerate(*target)) {
      auto c = constantOf(d);
      if (c && *c == -1) {
        if (inferred)
          return fail(node, "the shape has two -1 entries");
        inferred = i;
        out.push_back(Expr(1));
        continue;
      }
      if (c && *c == 0 && !allowZero) {
        if (i >= in[0]->rank())
          return fail(node, "a 0 entry copies axis " + llvm::Twine(i) +
                                ", which the input does not have");
        out.push_back(in[0]->shape[i]);
        continue;
      }
      if (c && *c < 0)
        return fail(node, "the shape has entry " + llvm::Twine(*c));
      out.push_back(d);
    }
    Expr total = product(in[0]->shape);
    if (inferred) {
      auto q = divideExactly(total, product(out));
      if (!q)
        return fail(node, "cannot divide the " + sizeText(total) + " elements of " +
                              shapeText(in[0]->shape) + " by " + sizeText(product(out)) +
                              " to size the -1 axis");
      out[*inferred] = *q;
    } else if (product(out) != total) {
      return fail(node, "reshapes " + shapeText(in[0]->shape) + " (" + sizeText(total) +
                            " elements) to " + shapeText(out) + " (" +
                            sizeText(product(out)) + " elements)");
    }
    return one(out);
  }
  if (op == "Flatten") {
    if (auto e = need(1))
      return std::move(e);
    int64_t rank = in[0]->rank(), raw = intAttr(node, "axis", 1);
    int64_t axisValue = raw < 0 ? raw + rank : raw;
    if (axisValue < 0 || axisValue > rank)
      return fail(node, "axis " + llvm::Twine(raw) + " is out of range for rank " +
                            llvm::Twine(rank));
    std::optional<int64_t> axis = axisValue;
    return one({product(llvm::ArrayRef(in[0]->shape).take_front(*axis)),
                product(llvm::ArrayRef(in[0]->shape).drop_front(*axis))});
  }
  if (op == "Expand") {
    if (auto e = need(2))
      return std::move(e);
    auto target = exprsOf(node, in[1], "the shape");
    if (!target)
      return target.takeError();
    auto out = broadcast({in[0]->shape, Shape(target->begin(), target->end())});
    if (!out)
      return fail(node, llvm::toString(out.takeError()));
    return one(*out);
  }
  if (op == "Concat") {
    Val *first = nullptr;
    for (Val *v : in)
      if (v && !first)
        first = v;
    if (!first)
      return fail(node, "needs inputs");
    auto axis = axisOf(node, intAttr(node, "axis", 0), first->rank());
    if (!axis)
      return axis.takeError();
    Shape out = first->shape;
    out[*axis] = Expr(0);
    for (Val *v : in) {
      if (!v)
        continue;
      if (v->rank() != out.size())
        return fail(node, "inputs have different ranks");
      for (unsigned i = 0; i < out.size(); ++i)
        if (i != *axis && v->shape[i] != out[i])
          return fail(node, "inputs differ in axis " + llvm::Twine(i) + " (" +
                                sizeText(v->shape[i]) + " against " + sizeText(out[i]) + ")");
      out[*axis] += v->shape[*axis];
    }
    return one(out);
  }
  if (op == "Split") {
    if (auto e = need(1))
      return std::move(e);
    auto axis = axisOf(node, intAttr(node, "axis", 0), in[0]->rank());
    if (!axis)
      return axis.takeError();
    llvm::SmallVector<Expr, 4> sizes;
    if (const onnx::Attribute *a = node.attribute("split")) {
      for (int64_t s : a->ints)
        sizes.push_back(Expr(s));
    } else if (in.size() > 1 && in[1]) {
      auto s = exprsOf(node, in[1], "the split sizes");
      if (!s)
        return s.takeError();
      sizes = *s;
    } else {
      int64_t parts = intAttr(node, "num_outputs", node.outputs.size());
      if (parts < 1)
        return fail(node, "num_outputs must be positive");
      Expr extent = in[0]->shape[*axis];
      auto piece = Expr::ceilDiv(extent, Expr(parts));
      for (int64_t i = 0; i < parts; ++i)
        sizes.push_back(i + 1 < parts ? piece : extent - Expr(parts - 1) * piece);
    }
    if (sizes.size() != node.outputs.size())
      return fail(node, llvm::Twine(sizes.size()) + " sizes for " +
                            llvm::Twine(node.outputs.size()) + " outputs");
    Expr total;
    for (const Expr &s : sizes)
      total += s;
    if (total != in[0]->shape[*axis])
      return fail(node, "the pieces add up to " + sizeText(total) + ", not the axis' " +
                            sizeText(in[0]->shape[*axis]));
    std::vector<Shape> out;
    for (const Expr &s : sizes) {
      Shape piece = in[0]->shape;
      piece[*axis] = s;
      out.push_back(piece);
    }
    return out;
  }
  if (op == "Slice") {
    if (auto e = need(3))
      return std::move(e);
    auto axes = sliceAxes(node, in);
    if (!axes)
      return axes.takeError();
    Shape out = in[0]->shape;
    for (const SliceAxis &a : *axes)
      out[a.axis] = a.length;
    return one(out);
  }
  if (op == "Gather") {
    if (auto e = need(2))
      return std::move(e);
    auto axis = axisOf(node, intAttr(node, "axis", 0), in[0]->rank());
    if (!axis)
      return axis.takeError();
    Shape out(in[0]->shape.begin(), in[0]->shape.begin() + *axis);
    llvm::append_range(out, in[1]->shape);
    out.append(in[0]->shape.begin() + *axis + 1, in[0]->shape.end());
    return one(out);
  }
  if (op == "GatherElements") {
    if (auto e = need(2))
      return std::move(e);
    return one(in[1]->shape);
  }
  if (op == "GatherND") {
    if (auto e = need(2))
      return std::move(e);
    int64_t batchDims = intAttr(node, "batch_dims", 0);
    if (batchDims < 0 || batchDims >= static_cast<int64_t>(in[1]->rank()))
      return fail(node, "batch_dims " + llvm::Twine(batchDims) + " is out of range");
    if (in[1]->shape.empty())
      return fail(node, "indices must have rank >= 1");
    auto k = constantOf(in[1]->shape.back());
    if (!k || *k < 1)
      return fail(node, "the last axis of the indices must be a positive number");
    Shape out(in[1]->shape.begin(), in[1]->shape.end() - 1);
    if (batchDims + *k > static_cast<int64_t>(in[0]->rank()))
      return fail(node, "indices index more axes than the data has");
    out.append(in[0]->shape.begin() + batchDims + *k, in[0]->shape.end());
    return one(out);
  }
  if (op == "Range") {
    if (auto e = need(3))
      return std::move(e);
    auto start = exprsOf(node, in[0], "the start");
    auto limit = exprsOf(node, in[1], "the limit");
    auto delta = exprsOf(node, in[2], "the step");
    if (!start)
      return start.takeError();
    if (!limit)
      return limit.takeError();
    if (!delta)
      return delta.takeError();
    if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
      return fail(node, "start, limit and step must be scalars");
    if ((*delta)[0].isZero())
      return fail(node, "step 0");
    if (!constantOf((*delta)[0]))
      return fail(node, "the step must be a number");
    Expr count = Expr::max(Expr::ceilDiv((*limit)[0] - (*start)[0], (*delta)[0]), Expr(0));
    if (auto c = constantOf((*delta)[0]); c && *c == 1)
      count = Expr::max((*limit)[0] - (*start)[0], Expr(0));
    return one({count});
  }
  if (op == "ConstantOfShape") {
    if (auto e = need(1))
      return std::move(e);
    auto target = exprsOf(node, in[0], "the shape");
    if (!target)
      return target.takeError();
    return one(Shape(target->begin(), target->end()));
  }
  if (op == "Tile") {
    if (auto e = need(2))
      return std::move(e);
    auto repeats = exprsOf(node, in[1], "the repeats");
    if (!repeats)
      return repeats.takeError();
    if (repeats->size() != in[0]->rank())
      return fail(node, "repeats do not match the rank");
    Shape out = in[0]->shape;
    for (unsigned i = 0; i < out.size(); ++i)
      out[i] = out[i] * (*repeats)[i];
    return one(out);
  }
  if (op == "MatMul") {
    if (auto e = need(2))
      return std::move(e);
    Shape a = in[0]->shape, b = in[1]->shape;
    if (a.empty() || b.empty())
      return fail(node, "MatMul of a scalar");
    bool aVector = a.size() == 1, bVector = b.size() == 1;
    if (aVector)
      a.insert(a.begin(), Expr(1));
    if (bVector)
      b.push_back(Expr(1));
    if (a.back() != b[b.size() - 2])
      return fail(node, "inner sizes differ: " + shapeText(in[0]->shape) + " times " +
                            shapeText(in[1]->shape));
    auto batch = broadcast({Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2)});
    if (!batch)
      return fail(node, llvm::toString(batch.takeError()));
    Shape out = *batch;
    if (!aVector)
      out.push_back(a[a.size() - 2]);
    if (!bVector)
      out.push_back(b.back());
    return one(out);
  }
  if (op == "Gemm") {
    if (auto e = need(2))
      return std::move(e);
    if (in[0]->rank() != 2 || in[1]->rank() != 2)
      return fail(node, "Gemm takes matrices");
    bool ta = intAttr(node, "transA", 0), tb = intAttr(node, "transB", 0);
    Expr m = in[0]->shape[ta ? 1 : 0], k = in[0]->shape[ta ? 0 : 1];
    Expr k2 = in[1]->shape[tb ? 1 : 0], n = in[1]->shape[tb ? 0 : 1];
    if (k != k2)
      return fail(node, "inner sizes differ (" + sizeText(k) + " against " + sizeText(k2) + ")");
    if (in.size() > 2 && in[2]) {
      auto withBias = broadcast({Shape{m, n}, in[2]->shape});
      if (!withBias || Shape(*withBias) != Shape{m, n}) {
        if (!withBias)
          llvm::consumeError(withBias.takeError());
        return fail(node, "C of shape " + shapeText(in[2]->shape) +
                              " does not broadcast to the product's " + shapeText({m, n}));
      }
    }
    return one({m, n});
  }
  if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin" ||
      op == "ReduceProd" || op == "ReduceL2" || op == "ReduceSumSquare" ||
      op == "ReduceLogSumExp" || op == "ArgMax" || op == "ArgMin") {
    if (auto e = need(1))
      return std::move(e);
    unsigned rank = in[0]->rank();
    bool keep = intAttr(node, "keepdims", 1) != 0;
    std::vector<int64_t> axes;
    if (op == "ArgMax" || op == "ArgMin") {
      auto axis = axisOf(node, intAttr(node, "axis", 0), rank);
      if (!axis)
        return axis.takeError();
      axes = {*axis};
    } else {
      bool noopWithEmpty = intAttr(node, "noop_with_empty_axes", 0) != 0;
      auto a = axesOf(node, in, 1, rank, !noopWithEmpty);
      if (!a)
        return a.takeError();
      axes = *a;
    }
    Shape out;
    for (unsigned i = 0; i < rank; ++i)
      if (!llvm::is_contained(axes, int64_t(i)))
        out.push_back(in[0]->shape[i]);
      else if (keep)
        out.push_back(Expr(1));
    return one(out);
  }
  if (op == "Attention" || op == "MultiHeadAttention" || op == "GroupQueryAttention") {
    if (auto e = need(3))
      return std::move(e);
    // Y has Q's shape with V's head size; the rest are checked where the
    // attention is written.
    Shape y = in[0]->shape;
    if (y.size() == 4)
      y[3] = in[2]->shape[3];
    else if (y.size() == 3 && in[2]->rank() == 3 && in[1]->rank() == 3) {
      int64_t heads = intAttr(node, op == "Attention" ? "q_num_heads" : "num_heads", 1);
      int64_t kvHeads =
          intAttr(node, op == "MultiHeadAttention" ? "num_heads" : "kv_num_heads", 1);
      if (heads < 1 || kvHeads < 1)
        return fail(node, "the head counts must be positive");
      auto ev = divideExactly(in[2]->shape[2], Expr(kvHeads));
      if (!ev)
        return fail(node, "V's width is not a multiple of the heads");
      y[2] = Expr(heads) * *ev;
    }
    return one(y);
  }
  if (op == "Einsum") {
    auto parsed = parseEinsum(node, in);
    if (!parsed)
      return parsed.takeError();
    return one(parsed->outputShape);
  }
  if (op == "LSTM" || op == "GRU" || op == "RNN") {
    if (auto e = need(3))
      return std::move(e);
    if (in[0]->rank() != 3)
      return fail(node, "X must have rank 3");
    bool layout = intAttr(node, "layout", 0) != 0;
    std::string direction =
        node.attribute("direction") ? node.attribute("direction")->s : "forward";
    Expr dirs(direction == "bidirectional" ? 2 : 1), H(intAttr(node, "hidden_size", 0));
    Expr n = in[0]->shape[layout ? 1 : 0], b = in[0]->shape[layout ? 0 : 1];
    Shape y = layout ? Shape{b, n, dirs, H} : Shape{n, dirs, b, H};
    Shape state = layout ? Shape{b, dirs, H} : Shape{dirs, b, H};
    return std::vector<Shape>{y, state, state};
  }
  if (op == "Conv") {
    if (auto e = need(2))
      return std::move(e);
    unsigned rank = in[0]->rank();
    if (rank < 3 || in[1]->rank() != rank)
      return fail(node, "Conv takes [N, C, spatial...] data and [M, C/groups, kernel...] "
                        "weights of the same rank");
    unsigned spatial = rank - 2;
    auto attributes = convAttributes(node, llvm::ArrayRef(in[0]->shape).drop_front(2),
                                     llvm::ArrayRef(in[1]->shape).drop_front(2));
    if (!attributes)
      return attributes.takeError();
    const auto &[strides, dilations, pads] = *attributes;
    Shape out = {in[0]->shape[0], in[1]->shape[0]};
    for (unsigned i = 0; i < spatial; ++i) {
      Expr size = in[0]->shape[2 + i], kernel = in[1]->shape[2 + i];
      Expr padded = size + Expr(pads[i] + pads[spatial + i]);
      Expr span = Expr(dilations[i]) * (kernel - Expr(1)) + Expr(1);
      // The kernel must fit the padded input: size >= span - pads, which a
      // symbolic size needs as a constraint of the model.
      if (auto e = requireAtLeast(node, size, span - (padded - size)))
        return std::move(e);
      out.push_back(Expr::floorDiv(padded - span, Expr(strides[i])) + Expr(1));
    }
    return one(out);
  }
  if (op == "ConvTranspose") {
    if (auto e = need(2))
      return std::move(e);
    unsigned rank = in[0]->rank();
    if (rank < 3 || in[1]->rank() != rank)
      return fail(node, "ConvTranspose takes [N, C, spatial...] data and [C, M/groups, "
                        "kernel...] weights of the same rank");
    unsigned spatial = rank - 2;
    // Pads given explicitly (what PyTorch writes): output_shape and SAME
    // auto_pad leave the split of the padding to a rule exporters and
    // runtimes have disagreed on, so they are refused rather than guessed.
    if (node.attribute("output_shape"))
      return fail(node, "output_shape is not supported; export with explicit pads and "
                        "output_padding");
    if (const onnx::Attribute *autoPad = node.attribute("auto_pad");
        autoPad && autoPad->s != "NOTSET" && autoPad->s != "VALID")
      return fail(node, "auto_pad " + autoPad->s + " is not supported; export with explicit "
                        "pads and output_padding");
    auto attributes = convAttributes(node, llvm::ArrayRef(in[0]->shape).drop_front(2),
                                     llvm::ArrayRef(in[1]->shape).drop_front(2));
    if (!attributes)
      return attributes.takeError();
    const auto &[strides, dilations, pads] = *attributes;
    std::vector<int64_t> outputPadding(spatial, 0);
    if (const onnx::Attribute *a = node.attribute("output_padding"))
      outputPadding = a->ints;
    if (outputPadding.size() != spatial)
      return fail(node, "output_padding does not match the spatial rank");
    // (convAttributes checked the group: 1 to 2^31.)
    Shape out = {in[0]->shape[0], in[1]->shape[1] * Expr(intAttr(node, "group", 1))};
    for (unsigned i = 0; i < spatial; ++i) {
      // ONNX requires output_padding < stride or < dilation: it adds
      // positions no input reaches, at the end.
      if (outputPadding[i] < 0 ||
          (outputPadding[i] >= strides[i] && outputPadding[i] >= dilations[i]))
        return fail(node, "output_padding " + llvm::Twine(outputPadding[i]) +
                              " must be at least 0 and less than the stride or the dilation");
      Expr size = in[0]->shape[2 + i], kernel = in[1]->shape[2 + i];
      Expr span = Expr(dilations[i]) * (kernel - Expr(1)) + Expr(1);
      // A pad crops output positions that only the kernel's taps beyond
      // the input reach: at most dilation·(kernel − 1) of them, as PyTorch
      // requires. (More would crop positions computed from no product, and
      // the kernel would compute products far outside the result.)
      for (int64_t pad : {pads[i], pads[spatial + i]})
        if (auto e = requireAtLeast(node, span - Expr(1), Expr(pad),
                                    "pad " + std::to_string(pad) + " of axis " +
                                        std::to_string(2 + i) +
                                        " exceeds the kernel's reach beyond the input, " +
                                        sizeText(span - Expr(1)) + " (dilation * (kernel - 1))"))
          return std::move(e);
      Expr full = Expr(strides[i]) * (size - Expr(1)) + span + Expr(outputPadding[i]);
      Expr cropped = Expr(pads[i] + pads[spatial + i]);
      // The pads crop the full output, which must keep a position.
      if (auto e = requireAtLeast(node, full, cropped + Expr(1),
                                  "the pads crop " + sizeText(cropped) + " of the " +
                                      sizeText(full) + " output positions of axis " +
                                      std::to_string(2 + i) + ", which may leave none"))
        return std::move(e);
      out.push_back(full - cropped);
    }
    return one(out);
  }
  return unsupported(node);
}

//===----------------------------------------------------------------------===//
// Data: primitives
//===----------------------------------------------------------------------===//

/// An nn.map over `names` (typed `types`) whose body (arguments %a0, ...,
/// then %s0, ... for `sizes`) computes `result`.
std::string mapText(llvm::ArrayRef<std::string> names, llvm::ArrayRef<std::string> types,
                    llvm::StringRef resultType, const Body &body, llvm::StringRef result,
                    llvm::ArrayRef<Expr> sizes = {}) {
  std::string text = "nn.map " + llvm::join(names, ", ");
  if (!sizes.empty()) {
    std::vector<std::string> s;
    for (const Expr &e : sizes)
      s.push_back(sizeText(e));
    text += " sizes [" + llvm::join(s, ", ") + "]";
  }
  text += " : " + llvm::join(types, ", ") + " -> " + resultType.str() + " {\n  ^bb0(";
  std::vector<std::string> params;
  for (size_t i = 0; i < names.size(); ++i)
    params.push_back("%a" + std::to_string(i) + ": f32");
  for (size_t i = 0; i < sizes.size(); ++i)
    params.push_back("%s" + std::to_string(i) + ": f32");
  text += llvm::join(params, ", ") + "):\n";
  for (const std::string &line : body.lines)
    text += "    " + line + "\n";
  text += "    nn.yield " + result.str() + " : f32\n  }";
  return text;
}

/// `text` with each SSA name `%x` that `names` maps replaced (whole names
/// only: %x does not match %x_1).
std::string renameValues(llvm::StringRef text, const std::map<std::string, std::string> &names) {
  if (names.empty())
    return text.str();
  auto isNameChar = [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$' || c == '-';
  };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '%') {
      out.push_back(text[i++]);
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && isNameChar(text[end]))
      ++end;
    std::string name = text.slice(i, end).str();
    auto it = names.find(name);
    out += it == names.end() ? name : it->second;
    i = end;
  }
  return out;
}


llvm::Expected<Val> Importer::map(
    const onnx::Node &node, llvm::ArrayRef<Val *> operands, const Shape &shape,
    const std::function<std::string(Body &, llvm::ArrayRef<std::string>)> &f,
    llvm::ArrayRef<Expr> sizes, llvm::StringRef maskClause, llvm::StringRef hint) {
  // Known scalars become constants of the body; the rest are operands.
  Body body;
  std::vector<std::string> args, names, types;
  unsigned argIndex = 0;
  int32_t elem = onnx::Float;
  for (Val *v : operands) {
    if (v->cls == Val::Known && v->floats && v->floats->size() == 1) {
      args.push_back(body.constant((*v->floats)[0]));
      continue;
    }
    if (v->cls == Val::Known && v->ints && v->ints->size() == 1) {
      auto c = constantOf((*v->ints)[0]);
      if (!c)
        return fail(node, "a size (" + sizeText((*v->ints)[0]) +
                              ") used as a number in arithmetic; costopt does not fold it");
      args.push_back(body.constant(static_cast<double>(*c)));
      continue;
    }
    auto ssa = use(node, *v);
    if (!ssa)
      return ssa.takeError();
    std::string arg = "%a" + std::to_string(argIndex++);
    args.push_back(arg);
    names.push_back(*ssa);
    types.push_back(typeOf(*v));
  }
  std::vector<std::string> sizeArgs;
  for (size_t i = 0; i < sizes.size(); ++i)
    sizeArgs.push_back("%s" + std::to_string(i));
  std::vector<std::string> all = args;
  llvm::append_range(all, sizeArgs);
  std::string result = f(body, all);
  if (names.empty())
    return fail(node, "every operand is a constant: nothing to compute at run time");
  std::string text = mapText(names, types, typeOf(shape, elem), body, result, sizes);
  // The mask goes after the operands (and sizes).
  if (!maskClause.empty())
    text.insert(text.find(" : "), maskClause.str());
  Val out;
  out.elem = elem;
  out.shape = shape;
  out.ssa = emit(shape, elem, text, names,
                 !hint.empty() ? hint : node.outputs.empty() ? "map" : node.outputs[0]);
  return out;
}

/// The body of an element-wise ONNX operator over its operands' values.
std::optional<std::string> elementwiseBody(llvm::StringRef op, const onnx::Node &node, Body &b,
                                           llvm::ArrayRef<std::string> a, float alpha) {
  auto chain = [&](llvm::StringRef name) {
    std::string r = a[0];
    for (size_t i = 1; i < a.size(); ++i)
      r = b.binary(name, r, a[i]);
    return r;
  };
  auto sigmoidTimes = [&](const std::string &scaled, const std::string &numerator) {
    std::string neg = b.unary("arith.negf", scaled);
    std::string e = b.unary("math.exp", neg);
    std::string den = b.binary("arith.addf", e, b.constant(1.0));
    return b.binary("arith.divf", numerator, den);
  };
  if (op == "Add" || op == "Sum")
    return chain("arith.addf");
  if (op == "Sub")
    return b.binary("arith.subf", a[0], a[1]);
  if (op == "Mul")
    return chain("arith.mulf");
  if (op == "Div")
    return b.binary("arith.divf", a[0], a[1]);
  if (op == "Pow")
    return b.binary("math.powf", a[0], a[1]);

  if (op == "Max")
    return chain("arith.maximumf");
  if (op == "Min")
    return chain("arith.minimumf");
  if (op == "Mean") {
    std::string s = chain("arith.addf");
    return b.binary("arith.divf", s, b.constant(static_cast<double>(a.size())));
  }
  if (op == "Neg")
    return b.unary("arith.negf", a[0]);
  if (op == "Abs")
    return b.unary("math.absf", a[0]);
  if (op == "Sqrt")
    return b.unary("math.sqrt", a[0]);
  if (op == "Exp")
    return b.unary("math.exp", a[0]);
  if (op == "Log")
    return b.unary("math.log", a[0]);
  if (op == "Tanh")
    return b.unary("math.tanh", a[0]);
  if (op == "Erf")
    return b.unary("math.erf", a[0]);
  if (op == "Sin")
    return b.unary("math.sin", a[0]);
  if (op == "Cos")
    return b.unary("math.cos", a[0]);
  if (op == "Floor")
    return b.unary("math.floor", a[0]);
  if (op == "Ceil")
    return b.unary("math.ceil", a[0]);
  if (op == "Reciprocal")
    return b.binary("arith.divf", b.constant(1.0), a[0]);
  if (op == "Relu")
    return b.binary("arith.maximumf", a[0], b.constant(0.0));
  if (op == "LeakyRelu")
    return b.binary("arith.maximumf", a[0], b.binary("arith.mulf", a[0], b.constant(alpha)));
  if (op == "Sigmoid")
    return sigmoidTimes(a[0], b.constant(1.0));
  if (op == "Softplus")
    return b.unary("math.log", b.binary("arith.addf", b.unary("math.exp", a[0]), b.constant(1.0)));
  if (op == "HardSwish" || op == "HardSigmoid") {
    // max(0, min(1, alpha·x + beta)) (· x for HardSwish).
    double al = op == "HardSwish" ? 1.0 / 6 : alpha, be = 0.5;
    if (const onnx::Attribute *beta = node.attribute("beta"))
      be = beta->f;
    std::string t = b.binary("arith.addf", b.binary("arith.mulf", a[0], b.constant(al)),
                             b.constant(be));
    t = b.binary("arith.maximumf", b.binary("arith.minimumf", t, b.constant(1.0)),
                 b.constant(0.0));
    return op == "HardSwish" ? b.binary("arith.mulf", t, a[0]) : t;
  }
  if (op == "Gelu") {
    const onnx::Attribute *approx = node.attribute("approximate");
    if (approx && approx->s == "tanh") {
      // ½x(1 + tanh(√(2/π)(x + 0.044715x³))): as nn.activation "gelu_tanh".
      std::string x2 = b.binary("arith.mulf", a[0], a[0]);
      std::string x3 = b.binary("arith.mulf", x2, a[0]);
      std::string c = b.binary("arith.mulf", x3, b.constant(0.044715));
      std::string inner = b.binary("arith.addf", c, a[0]);
      std::string scaled = b.binary("arith.mulf", inner, b.constant(0.7978845608028654));
      std::string t = b.unary("math.tanh", scaled);
      std::string one = b.binary("arith.addf", t, b.constant(1.0));
      std::string hx = b.binary("arith.mulf", one, a[0]);
      return b.binary("arith.mulf", hx, b.constant(0.5));
    }
    // x·½(1 + erf(x/√2)): as nn.activation "gelu".
    std::string t = b.binary("arith.mulf", a[0], b.constant(M_SQRT1_2));
    std::string erf = b.unary("math.erf", t);
    std::string one = b.binary("arith.addf", erf, b.constant(1.0));
    std::string half = b.binary("arith.mulf", one, b.constant(0.5));
    return b.binary("arith.mulf", half, a[0]);
  }
  if (op == "Equal")
    return b.compare("oeq", a[0], a[1]);
  if (op == "Less")
    return b.compare("olt", a[0], a[1]);
  if (op == "Greater")
    return b.compare("ogt", a[0], a[1]);
  if (op == "LessOrEqual")
    return b.compare("ole", a[0], a[1]);
  if (op == "GreaterOrEqual")
    return b.compare("oge", a[0], a[1]);
  if (op == "IsNaN")
    return b.compare("uno", a[0], a[0]);
  if (op == "Not")
    return b.compare("oeq", a[0], b.constant(0.0));
  if (op == "And")
    return b.binary("arith.minimumf", a[0], a[1]);
  if (op == "Or")
    return b.binary("arith.maximumf", a[0], a[1]);
  if (op == "Where") {
    std::string c = b.op("arith.cmpf une, " + a[0] + ", " + b.constant(0.0) + " : f32");
    return b.op("arith.select " + c + ", " + a[1] + ", " + a[2] + " : f32");
  }
  return std::nullopt;
}

llvm::Expected<Val> Importer::elementwise(const onnx::Node &node, Inputs &in,
                                          const Shape &shape) {
  llvm::StringRef op = node.opType;
  float alpha = floatAttr(node, "alpha", op == "LeakyRelu" ? 0.01f : 0.2f);
  llvm::SmallVector<Val *, 4> operands;
  for (Val *v : in)
    if (v)
      operands.push_back(v);
  // x^k for a small integer k is k − 1 multiplications, as GELU's x³ is
  // written in nn (x·x·x); other exponents are one powf.
  if (op == "Pow" && operands.size() == 2 && operands[1]->cls == Val::Known &&
      operands[1]->floats && operands[1]->floats->size() == 1) {
    double k = (*operands[1]->floats)[0];
    if (k == std::floor(k) && k >= 1 && k <= 8)
      return map(node, {operands[0]}, shape, [&](Body &b, llvm::ArrayRef<std::string> a) {
        std::string r = a[0];
        for (int i = 1; i < static_cast<int>(k); ++i)
          r = b.binary("arith.mulf", r, a[0]);
        return r;
      });
  }
  std::optional<std::string> unsupported;
  auto result = map(node, operands, shape, [&](Body &b, llvm::ArrayRef<std::string> a) {
    auto r = elementwiseBody(op, node, b, a, alpha);
    if (!r) {
      unsupported = op.str();
      return a[0];
    }
    return *r;
  });
  if (unsupported) {
    if (result)
      ops.pop_back();
    else
      llvm::consumeError(result.takeError());
    return fail(node, "unsupported element-wise operator '" + *unsupported + "'");
  }
  if (result && (op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" ||
                 op == "GreaterOrEqual" || op == "IsNaN" || op == "Not" || op == "And" ||
                 op == "Or"))
    result->elem = onnx::Bool;
  return result;
}

/// Affine map text: `affine_map<(d0, d1, ...) -> (exprs)>`.
std::string affineMap(unsigned dims, llvm::ArrayRef<std::string> results) {
  std::vector<std::string> names;
  for (unsigned i = 0; i < dims; ++i)
    names.push_back("d" + std::to_string(i));
  return "affine_map<(" + llvm::join(names, ", ") + ") -> (" + llvm::join(results, ", ") + ")>";
}

llvm::Expected<Val> Importer::contract(const onnx::Node &node, Val &a, Val &b, Val *bias,
                                       bool transA, bool transB, const Shape &shape) {
  // Domain: result axes (batch..., [m], [n]) then k.
  Shape as = a.shape, bs = b.shape;
  bool aVector = as.size() == 1, bVector = bs.size() == 1;
  unsigned outRank = shape.size();
  unsigned k = outRank; // the summed dimension
  unsigned dims = outRank + 1;
  unsigned mDim = 0, nDim = 0, batchRank = outRank - (aVector ? 0 : 1) - (bVector ? 0 : 1);
  if (!aVector)
    mDim = batchRank;
  if (!bVector)
    nDim = outRank - 1;
  auto d = [](unsigned i) { return "d" + std::to_string(i); };
  // Operand maps over the stored layout (a weight's pending transpose).
  auto operandMap = [&](Val &v, bool isA, bool trans) -> llvm::Expected<std::string> {
    Shape s = v.shape;
    unsigned rank = s.size();
    std::vector<std::string> logical(rank);
    if (rank == 1) {
      logical[0] = d(k);
    } else {
      // Matrix axes.
      unsigned rowAxis = trans ? rank - 1 : rank - 2, colAxis = trans ? rank - 2 : rank - 1;
      logical[rowAxis] = isA ? d(mDim) : d(k);
      logical[colAxis] = isA ? d(k) : d(nDim);
      // Batch axes, aligned at the right with the result's.
      for (unsigned i = 0; i + 2 < rank; ++i) {
        unsigned resultAxis = batchRank - (rank - 2) + i;
        if (s[i] != shape[resultAxis]) {
          if (s[i] == Expr(1))
            return fail(node, "broadcasting a size-1 batch axis of a matrix product is not "
                              "supported yet (" + shapeText(a.shape) + " times " +
                              shapeText(b.shape) + ")");
          return fail(node, "batch axes differ");
        }
        logical[i] = d(resultAxis);
      }
    }
    return storedMap(v, dims, logical);
  };
  auto aMap = operandMap(a, true, transA);
  if (!aMap)
    return aMap.takeError();
  auto bMap = operandMap(b, false, transB);
  if (!bMap)
    return bMap.takeError();
  std::vector<std::string> outDims;
  for (unsigned i = 0; i < outRank; ++i)
    outDims.push_back(d(i));
  std::string outMap = affineMap(dims, outDims);
  auto aName = useStored(node, a);
  if (!aName)
    return aName.takeError();
  auto bName = useStored(node, b);
  if (!bName)
    return bName.takeError();
  std::vector<std::string> operands = {*aName, *bName};
  std::string types = storedTypeOf(a) + ", " + storedTypeOf(b);
  if (bias) {
    auto biasName = use(node, *bias);
    if (!biasName)
      return biasName.takeError();
    operands.push_back(*biasName);
    types += ", " + typeOf(*bias);
  }
  std::string text = "nn.contract " + llvm::join(operands, ", ") + " {indexing_maps = [" +
                     *aMap + ", " + *bMap + ", " + outMap + "]} : " + types + " -> " +
                     typeOf(shape, onnx::Float);
  Val out;
  out.shape = shape;
  out.ssa = emit(shape, onnx::Float, text, operands, node.outputs[0]);
  return out;
}

llvm::Expected<Val> Importer::reduce(const onnx::Node &node, Val &x,
                                     llvm::ArrayRef<int64_t> axes, llvm::StringRef kind,
                                     bool keepDims, bool mean) {
  auto xName = use(node, x);
  if (!xName)
    return xName.takeError();
  Shape kept = x.shape;
  std::vector<std::string> dimList;
  Expr count(1);
  for (int64_t a : axes) {
    count *= kept[a];
    kept[a] = Expr(1);
    dimList.push_back(std::to_string(a));
  }
  std::string text = "nn.reduce " + *xName + " {kind = \"" + kind.str() + "\", dims = [" +
                     llvm::join(dimList, ", ") + "]} : " + typeOf(x) + " -> " +
                     typeOf(kept, onnx::Float);
  Val r;
  r.shape = kept;
  r.ssa = emit(kept, onnx::Float, text, {*xName}, "reduced");
  if (mean) {
    auto m = map(node, {&r}, kept,
                 [](Body &b, llvm::ArrayRef<std::string> a) {
                   return b.binary("arith.divf", a[0], a[1]);
                 },
                 {count});
    if (!m)
      return m.takeError();
    r = *m;
  }
  if (!keepDims) {
    Shape dropped;
    for (unsigned i = 0; i < x.rank(); ++i)
      if (!llvm::is_contained(axes, int64_t(i)))
        dropped.push_back(x.shape[i]);
    return viewAs(node, r, dropped);
  }
  return r;
}

llvm::Expected<Val> Importer::softmax(const onnx::Node &node, Val &x, int64_t axis, bool log) {
  // exp, sum, divide: as the built-in softmax decomposes (no max shift).
  auto e = map(node, {&x}, x.shape, [](Body &b, llvm::ArrayRef<std::string> a) {
    return b.unary("math.exp", a[0]);
  });
  if (!e)
    return e.takeError();
  auto s = reduce(node, *e, {axis}, "sum", true, false);
  if (!s)
    return s.takeError();
  if (log) {
    // log softmax: x − log Σ exp.
    return map(node, {&x, &*s}, x.shape, [](Body &b, llvm::ArrayRef<std::string> a) {
      return b.binary("arith.subf", a[0], b.unary("math.log", a[1]));
    });
  }
  return map(node, {&*e, &*s}, x.shape, [](Body &b, llvm::ArrayRef<std::string> a) {
    return b.binary("arith.divf", a[0], a[1]);
  });
}

llvm::Expected<Val> Importer::normalize(const onnx::Node &node, Val &x, Val *scale, Val *bias,
                                        int64_t axis, double epsilon, bool centre) {
  // As the built-in layer_norm / rms_norm decompose.
  std::vector<int64_t> axes;
  Expr width(1);
  for (unsigned i = axis; i < x.rank(); ++i) {
    axes.push_back(i);
    width *= x.shape[i];
  }
  Val c = x;
  if (centre) {
    auto sum = reduce(node, x, axes, "sum", true, false);
    if (!sum)
      return sum.takeError();
    auto mean = map(node, {&*sum}, sum->shape,
                    [](Body &b, llvm::ArrayRef<std::string> a) {
                      return b.binary("arith.divf", a[0], a[1]);
                    },
                    {width});
    if (!mean)
      return mean.takeError();
    auto centred = map(node, {&x, &*mean}, x.shape, [](Body &b, llvm::ArrayRef<std::string> a) {
      return b.binary("arith.subf", a[0], a[1]);
    });
    if (!centred)
      return centred.takeError();
    c = *centred;
  }
  auto sq = map(node, {&c}, x.shape, [](Body &b, llvm::ArrayRef<std::string> a) {
    return b.binary("arith.mulf", a[0], a[0]);
  });
  if (!sq)
    return sq.takeError();
  auto ss = reduce(node, *sq, axes, "sum", true, false);
  if (!ss)
    return ss.takeError();
  auto rstd = map(node, {&*ss}, ss->shape,
                  [&](Body &b, llvm::ArrayRef<std::string> a) {
                    std::string var = b.binary("arith.divf", a[0], a[1]);
                    std::string eps = b.binary("arith.addf", var, b.constant(epsilon));
                    return b.unary("math.rsqrt", eps);
                  },
                  {width});
  if (!rstd)
    return rstd.takeError();
  llvm::SmallVector<Val *, 4> operands = {&c, &*rstd};
  if (scale)
    operands.push_back(scale);
  if (bias)
    operands.push_back(bias);
  return map(node, operands, x.shape, [&](Body &b, llvm::ArrayRef<std::string> a) {
    std::string v = b.binary("arith.mulf", a[0], a[1]);
    if (scale)
      v = b.binary("arith.mulf", v, a[2]);
    if (bias)
      v = b.binary("arith.addf", v, a[scale ? 3 : 2]);
    return v;
  });
}

llvm::Expected<Importer::ConvAttributes>
Importer::convAttributes(const onnx::Node &node, llvm::ArrayRef<Expr> sizes,
                         llvm::ArrayRef<Expr> kernel) const {
  unsigned spatial = sizes.size();
  auto list = [&](llvm::StringRef name, int64_t fill, unsigned n) {
    std::vector<int64_t> v(n, fill);
    if (const onnx::Attribute *a = node.attribute(name))
      v = a->ints;
    return v;
  };
  ConvAttributes c{list("strides", 1, spatial), list("dilations", 1, spatial),
                   list("pads", 0, 2 * spatial)};
  std::string autoPad = node.attribute("auto_pad") ? node.attribute("auto_pad")->s : "NOTSET";
  if (c.strides.size() != spatial || c.dilations.size() != spatial ||
      c.pads.size() != 2 * spatial)
    return fail(node, "strides, dilations or pads do not match the spatial rank");
  for (unsigned i = 0; i < spatial; ++i)
    if (c.strides[i] < 1 || c.dilations[i] < 1)
      return fail(node, "strides and dilations must be >= 1");
  constexpr int64_t kLargest = int64_t(1) << 31;
  for (unsigned i = 0; i < spatial; ++i)
    if (c.strides[i] > kLargest || c.dilations[i] > kLargest)
      return fail(node, "strides and dilations above 2^31 are not supported");
  if (llvm::any_of(c.pads, [](int64_t p) { return p < 0; }))
    return fail(node, "negative pads");
  if (llvm::any_of(c.pads, [&](int64_t p) { return p > kLargest; }))
    return fail(node, "pads above 2^31 are not supported");
  if (int64_t groups = intAttr(node, "group", 1); groups < 1 || groups > kLargest)
    return fail(node, "group " + llvm::Twine(groups) + " (expected 1 to 2^31)");
  // kernel_shape, when given, must be the weights' (which decide the taps).
  if (const onnx::Attribute *a = node.attribute("kernel_shape")) {
    bool same = a->ints.size() == kernel.size();
    for (size_t i = 0; same && i < kernel.size(); ++i)
      same = kernel[i] == Expr(a->ints[i]);
    if (!same) {
      std::vector<std::string> given;
      for (int64_t k : a->ints)
        given.push_back(std::to_string(k));
      return fail(node, "kernel_shape [" + llvm::join(given, ", ") +
                            "] differs from the weights' kernel " + shapeText(kernel));
    }
  }
  if (autoPad == "NOTSET")
    return c;
  if (autoPad == "VALID") {
    std::fill(c.pads.begin(), c.pads.end(), 0);
    return c;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return fail(node, "auto_pad '" + autoPad + "' (expected NOTSET, VALID, SAME_UPPER or "
                      "SAME_LOWER)");
  // SAME: ⌈size/stride⌉ outputs, padded by max((out − 1)·stride + span −
  // size, 0) in all, the odd one at the end (UPPER) or the beginning. With
  // stride 1 that is span − 1 whatever the size; with a larger stride it
  // depends on the size modulo the stride, so the size must be a number.
  for (unsigned i = 0; i < spatial; ++i) {
    auto k = constantOf(kernel[i]);
    if (!k)
      return fail(node, "the kernel's size must be a number for auto_pad " + autoPad);
    if (*k < 1 || *k > kLargest)
      return fail(node, "a kernel of size " + llvm::Twine(*k) + " for auto_pad " + autoPad);
    int64_t span = c.dilations[i] * (*k - 1) + 1, total = span - 1;
    if (c.strides[i] > 1) {
      auto size = constantOf(sizes[i]);
      if (size && (*size < 1 || *size > kLargest))
        return fail(node, "an input of size " + llvm::Twine(*size) + " for auto_pad " + autoPad);
      if (!size)
        return fail(node, "auto_pad " + autoPad + " with stride " + llvm::Twine(c.strides[i]) +
                              " pads by an amount that depends on the input size (" +
                              sizeText(sizes[i]) + ") modulo the stride; export with explicit "
                              "pads or a fixed size");
      int64_t out = (*size + c.strides[i] - 1) / c.strides[i];
      total = std::max<int64_t>((out - 1) * c.strides[i] + span - *size, 0);
    }
    int64_t small = total / 2, large = total - small;
    c.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    c.pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return c;
}

llvm::Expected<Val> Importer::conv(const onnx::Node &node, Val &x, Val &w, Val *bias,
                                   const Shape &shape, bool transposed) {
  // Conv:  out[n, m, o...] = Σ_{c, k...} x[n, g·C' + c, o·s + k·dil − pad] · w[m, c, k...]
  // with g = m / M', as an nn.contract with affine maps (padding reads 0).
  // ConvTranspose, its adjoint: out[n, m, i·s + k·dil − pad] += x[n, c, i] ·
  // w[c, m', k], m = g·M' + m', a contraction whose result index scatters
  // (products landing in the padding are dropped). Both cost 2 per (output
  // or input) point, tap and input channel, as PyTorch's counter has them.
  unsigned rank = x.rank(), spatial = rank - 2;
  int64_t groups = intAttr(node, "group", 1);
  auto channels = constantOf(x.shape[1]);
  auto outChannels = constantOf(w.shape[0]);
  auto perGroup = constantOf(w.shape[1]);
  if (groups < 1 || groups > (int64_t(1) << 31))
    return fail(node, "group " + llvm::Twine(groups) + " (expected 1 to 2^31)");
  if (transposed && channels && perGroup) {
    // w is [C, M/group, k...].
    if (*perGroup > INT64_MAX / groups)
      return fail(node, "the output channels (" + llvm::Twine(*perGroup) + " * group " +
                            llvm::Twine(groups) + ") overflow");
    outChannels = *perGroup * groups;
    perGroup = *channels / groups;
    if (w.shape[0] != x.shape[1])
      return fail(node, "the weights' " + sizeText(w.shape[0]) + " input channels differ from "
                        "the data's " + sizeText(x.shape[1]));
  }
  if (!channels || !outChannels || !perGroup)
    return fail(node, "channel counts must be numbers");
  if (groups < 1 || *channels != *perGroup * groups || *outChannels % groups)
    return fail(node, "group " + llvm::Twine(groups) + " does not divide the " +
                          llvm::Twine(*channels) + " input and " + llvm::Twine(*outChannels) +
                          " output channels");
  auto attributes = convAttributes(node, llvm::ArrayRef(x.shape).drop_front(2),
                                   llvm::ArrayRef(w.shape).drop_front(2));
  if (!attributes)
    return attributes.takeError();
  auto [strides, dilations, pads] = *attributes;
  // Domain: n, g, m', o_1..o_s (ConvTranspose: the input's i_1..i_s), c,
  // k_1..k_s, where the output channel is g·M' + m' (the group g is left
  // out when there is one group: a bare result index names one dimension,
  // so a grouped result is [N, G, M', o...] and then viewed as [N, M, o...]).
  bool grouped = groups > 1;
  int64_t outPerGroup = *outChannels / groups;
  unsigned g = 1, m = grouped ? 2 : 1, first = m + 1;
  unsigned cDim = first + spatial, dims = cDim + 1 + spatial;
  auto d = [](unsigned i) { return "d" + std::to_string(i); };
  std::vector<std::string> xMap = {d(0), grouped ? d(g) + " * " + std::to_string(*perGroup) +
                                                       " + " + d(cDim)
                                                 : d(cDim)};
  std::vector<std::string> wMap, outMap = {d(0)};
  if (grouped) {
    wMap = transposed ? std::vector<std::string>{d(g), d(cDim), d(m)}
                      : std::vector<std::string>{d(g), d(m), d(cDim)};
    outMap.push_back(d(g));
  } else {
    wMap = transposed ? std::vector<std::string>{d(cDim), d(m)}
                      : std::vector<std::string>{d(m), d(cDim)};
  }
  outMap.push_back(d(m));
  for (unsigned i = 0; i < spatial; ++i) {
    std::string o = d(first + i), kk = d(cDim + 1 + i);
    std::string e = o;
    if (strides[i] != 1)
      e = o + " * " + std::to_string(strides[i]);
    e += " + " + (dilations[i] != 1 ? kk + " * " + std::to_string(dilations[i]) : kk);
    if (pads[i])
      e += " - " + std::to_string(pads[i]);
    xMap.push_back(transposed ? o : e);
    wMap.push_back(kk);
    outMap.push_back(transposed ? e : o);
  }
  auto xName = use(node, x);
  if (!xName)
    return xName.takeError();
  Val kernel = w;
  std::string wName;
  if (grouped) {
    // Conv's [M, C', k...] as [G, M', C', k...]; ConvTranspose's [C, M', k...]
    // as [G, C', M', k...].
    Shape split = {Expr(groups), Expr(transposed ? *perGroup : outPerGroup)};
    split.append(w.shape.begin() + 1, w.shape.end());
    auto view = reshapeTo(node, w, split);
    if (!view)
      return view.takeError();
    wName = *view;
    kernel.shape = split;
    kernel.type.clear();
    kernel.ssa = wName;
  } else {
    auto name = use(node, w);
    if (!name)
      return name.takeError();
    wName = *name;
  }
  Shape resultShape = shape;
  if (grouped) {
    resultShape = {shape[0], Expr(groups), Expr(outPerGroup)};
    resultShape.append(shape.begin() + 2, shape.end());
  }
  std::vector<std::string> operands = {*xName, wName};
  std::string types = typeOf(x) + ", " + typeOf(kernel);
  if (bias) {
    // [M] against [N, M, o...]: aligned at the right it needs [M, 1, ...]
    // (grouped: [G, M', 1, ...]).
    Shape biasShape = grouped ? Shape{Expr(groups), Expr(outPerGroup)} : Shape{Expr(*outChannels)};
    for (unsigned i = 0; i < spatial; ++i)
      biasShape.push_back(Expr(1));
    auto b = reshapeTo(node, *bias, biasShape);
    if (!b)
      return b.takeError();
    operands.push_back(*b);
    types += ", " + typeOf(biasShape, onnx::Float);
  }
  std::string text = "nn.contract " + llvm::join(operands, ", ") + " {indexing_maps = [" +
                     affineMap(dims, xMap) + ", " + affineMap(dims, wMap) + ", " +
                     affineMap(dims, outMap) + "]} : " + types + " -> " +
                     typeOf(resultShape, onnx::Float);
  Val out;
  out.shape = resultShape;
  out.ssa = emit(resultShape, onnx::Float, text, operands, node.outputs[0]);
  if (grouped)
    return viewAs(node, out, shape);
  return out;
}

std::string Importer::storedTypeOf(const Val &v) const {
  if (v.weightPerm.empty())
    return typeOf(v);
  Shape stored(v.shape.size());
  for (unsigned i = 0; i < v.weightPerm.size(); ++i)
    stored[v.weightPerm[i]] = v.shape[i];
  return typeOf(stored, v.elem);
}

std::string Importer::storedMap(const Val &v, unsigned dims,
                                llvm::ArrayRef<std::string> logical) const {
  // Stored axis weightPerm[i] holds logical axis i.
  std::vector<std::string> stored(logical.size());
  for (unsigned i = 0; i < logical.size(); ++i)
    stored[v.weightPerm.empty() ? i : v.weightPerm[i]] = logical[i];
  return affineMap(dims, stored);
}

llvm::Expected<std::vector<Importer::SliceAxis>> Importer::sliceAxes(const onnx::Node &node,
                                                                    Inputs &in) {
  unsigned rank = in[0]->rank();
  auto starts = exprsOf(node, in[1], "the starts");
  auto ends = exprsOf(node, in[2], "the ends");
  if (!starts)
    return starts.takeError();
  if (!ends)
    return ends.takeError();
  std::vector<int64_t> axes;
  if (in.size() > 3 && in[3]) {
    auto a = intsOf(node, in[3], "the axes");
    if (!a)
      return a.takeError();
    for (int64_t x : *a) {
      auto axis = axisOf(node, x, rank);
      if (!axis)
        return axis.takeError();
      axes.push_back(*axis);
    }
  } else {
    if (starts->size() > rank)
      return fail(node, llvm::Twine(starts->size()) + " starts for rank " + llvm::Twine(rank));
    for (unsigned i = 0; i < starts->size(); ++i)
      axes.push_back(i);
  }
  for (size_t i = 0; i < axes.size(); ++i)
    if (llvm::is_contained(llvm::ArrayRef(axes).take_front(i), axes[i]))
      return fail(node, "axis " + llvm::Twine(axes[i]) + " is sliced twice");
  std::vector<int64_t> steps(axes.size(), 1);
  if (in.size() > 4 && in[4]) {
    auto given = intsOf(node, in[4], "the steps");
    if (!given)
      return given.takeError();
    if (given->size() != axes.size())
      return fail(node, "steps and axes differ in length");
    steps = *given;
    for (int64_t s : steps)
      if (s < 1)
        return fail(node, "step " + llvm::Twine(s) +
                              (s == 0 ? "" : " (a reversal) is not supported"));
  }
  if (axes.size() != starts->size() || axes.size() != ends->size())
    return fail(node, "starts, ends and axes differ in length");
  std::vector<SliceAxis> result;
  for (auto [i, axis] : llvm::enumerate(axes)) {
    Expr extent = in[0]->shape[axis];
    // The axis as the lambda below names it (C++17 lambdas cannot capture a
    // structured binding).
    const std::string axisName = std::to_string(axis);
    // ONNX clamps indices into [0, extent]. On a symbolic axis a constant
    // start, and an end counted from the back, are taken to lie inside it:
    // a constraint of the model ("sequence >= 2"), checked at every
    // evaluated point, instead of a clamp the sizes would carry.
    auto clampIndex = [&](const Expr &e, bool start) -> llvm::Expected<Expr> {
      auto c = constantOf(e);
      if (!c) {
        // An index computed from the sizes (a cache's length, the sequence
        // a buffer is cut to): ONNX clamps it into the axis, and the model
        // assumes it fits, as its later shapes do.
        if (e == extent)
          return extent;
        sym::Sign fits = sym::decideSign(extent - e, lowerBounds);
        if (sym::isNonNegative(fits))
          return e;
        if (fits == sym::Sign::Negative || fits == sym::Sign::NonPositive)
          return extent;
        if (!sym::isNonNegative(sym::decideSign(e, lowerBounds)))
          return Expr::min(e, extent);
        auto held = requireAtMost(node, e, extent,
                                  "a slice to " + sizeText(e) + " of axis " + axisName + ", of " +
                                      sizeText(extent) + " entries");
        if (!held)
          return held.takeError();
        return e;
      }
      if (auto ce = constantOf(extent))
        return Expr(std::clamp(*c < 0 ? *ce + *c : *c, int64_t(0), *ce));
      // INT32_MAX and INT64_MAX (and their negatives) are what exporters
      // write for "to the end" ("from the start"): on a symbolic axis they
      // are its end (start), a constraint for the axes they would not
      // reach; on an axis provably longer they are ordinary indices.
      constexpr int64_t pastAnyAxis = std::numeric_limits<int32_t>::max();
      if (*c >= pastAnyAxis || *c <= -pastAnyAxis) {
        uint64_t magnitude = *c < 0 ? 0 - uint64_t(*c) : uint64_t(*c);
        llvm::Expected<bool> readAsEnd = true;
        if (magnitude < (uint64_t(1) << 62))
          readAsEnd = requireAtMost(node, extent, Expr(int64_t(magnitude)),
                                    "a slice index of " + std::to_string(*c) + " read as " +
                                        (*c < 0 ? "the start" : "the end") + " of axis " +
                                        axisName);
        if (!readAsEnd)
          return readAsEnd.takeError();
        if (*readAsEnd)
          return *c < 0 ? Expr(0) : extent;
      }
      if (*c < 0) {
        if (auto error = requireAtLeast(node, extent, Expr(-*c),
                                        "index " + std::to_string(*c) + " counts back from the end of axis " +
                                            axisName + " (of " + sizeText(extent) +
                                            " entries), which may hold fewer"))
          return std::move(error);
        return extent + Expr(*c);
      }
      if (start) {
        if (auto error = requireAtLeast(node, extent, Expr(*c + 1),
                                        "the slice starts at " + std::to_string(*c) + " of axis " +
                                            axisName + " (of " + sizeText(extent) +
                                            " entries), which may hold fewer"))
          return std::move(error);
        return Expr(*c);
      }
      return sym::isNonNegative(sym::decideSign(extent - Expr(*c), lowerBounds)) ? Expr(*c) : Expr::min(Expr(*c), extent);
    };
    auto s = clampIndex((*starts)[i], /*start=*/true);
    if (!s)
      return s.takeError();
    auto e = clampIndex((*ends)[i], /*start=*/false);
    if (!e)
      return e.takeError();
    if (steps[i] > 1) {
      // Every step-th entry of [s, e): ⌈(e − s)/step⌉ of them. The
      // translation views the entries from the start rounded down to the
      // step as [count, step]; they must lie inside the axis. How many
      // entries a symbolic axis holds depends on its size modulo the step.
      auto first = constantOf(*s), last = constantOf(*e), size = constantOf(extent);
      if (!first || !last || !size)
        return fail(node, "a strided slice of an axis of size " + sizeText(extent) + " from " +
                              sizeText(*s) + " to " + sizeText(*e) +
                              " (only numeric bounds and sizes are supported)");
      int64_t count = *last > *first ? (*last - *first - 1) / steps[i] + 1 : 0;
      if (count < 1)
        return fail(node, "a strided slice with no entries");
      if (count == 1) {
        result.push_back({static_cast<unsigned>(axis), Expr(*first), Expr(1), 1});
        continue;
      }
      // count ≥ 2, so step < e − s and count·step < 2·(e − s): no overflow.
      int64_t base = *first - *first % steps[i];
      if (base + count * steps[i] > *size)
        return fail(node, "a strided slice whose last step runs past the axis (" +
                              llvm::Twine(count) + " steps of " + llvm::Twine(steps[i]) +
                              " from " + llvm::Twine(base) + " in " + llvm::Twine(*size) +
                              ") is not supported");
      result.push_back({static_cast<unsigned>(axis), Expr(*first), Expr(count), steps[i]});
      continue;
    }
    // A slice keeps at least one entry (sizes are >= 1): a symbolic axis
    // sliced from 1 to its end needs "sequence >= 2" in the where clause.
    // Once that holds, e - s is the length ONNX's max(e - s, 0) gives.
    Expr length = *e - *s;
    if (auto error = requireAtLeast(node, length, Expr(1),
                                    "the slice from " + sizeText(*s) + " to " + sizeText(*e) +
                                        " of axis " + std::to_string(axis) + " (of " +
                                        sizeText(extent) + " entries) may be empty"))
      return std::move(error);
    result.push_back({static_cast<unsigned>(axis), *s, length, 1});
  }
  return result;
}

llvm::Expected<Val> Importer::sliceAs(const onnx::Node &node, Val &x, unsigned axis,
                                      const Expr &offset, const Expr &size,
                                      const Shape &shape) {
  auto slice = extract(node, x, axis, offset, size);
  if (!slice)
    return slice.takeError();
  return viewAs(node, *slice, shape);
}

llvm::Expected<Val> Importer::extract(const onnx::Node &node, Val &x, unsigned axis,
                                      const Expr &offset, const Expr &size,
                                      llvm::StringRef hint) {
  auto xName = use(node, x);
  if (!xName)
    return xName.takeError();
  Shape shape = x.shape;
  if (shape[axis] == size && offset.isZero())
    return x;
  shape[axis] = size;
  std::string text = "nn.extract " + *xName + " {dim = " + std::to_string(axis) +
                     ", offset = " + sizeText(offset) + "} : " + typeOf(x) + " -> " +
                     typeOf(shape, x.elem);
  Val out = x;
  out.shape = shape;
  out.type.clear();
  out.ssa = emit(shape, x.elem, text, {*xName}, hint.empty() ? node.outputs[0] : hint);
  out.weightPerm.clear();
  return out;
}


llvm::Expected<Importer::EinsumSpec> Importer::parseEinsum(const onnx::Node &node,
                                                           Inputs &in) {
  const onnx::Attribute *a = node.attribute("equation");
  if (!a)
    return fail(node, "needs an equation");
  std::string equation;
  for (char c : a->s)
    if (c != ' ')
      equation.push_back(c);
  if (equation.find("...") != std::string::npos) {
    // '...' stands for the same leading axes in every operand (aligned at
    // the right, as NumPy broadcasts): each becomes a letter the equation
    // does not use, and an implicit output lists them first.
    llvm::StringRef whole(equation);
    auto [lhsText, rhsText] = whole.split("->");
    llvm::SmallVector<llvm::StringRef> terms;
    lhsText.split(terms, ',');
    if (terms.size() != in.size() || llvm::any_of(in, [](Val *v) { return !v; }))
      return fail(node, "Einsum of " + llvm::Twine(terms.size()) +
                            " operands; costopt reads two (a contraction)");
    std::string unused;
    for (char c = 'A'; c <= 'Z'; ++c)
      if (whole.find(c) == llvm::StringRef::npos)
        unused.push_back(c);
    for (char c = 'a'; c <= 'z'; ++c)
      if (whole.find(c) == llvm::StringRef::npos)
        unused.push_back(c);
    std::vector<unsigned> broadcastRank(terms.size(), 0);
    unsigned most = 0;
    for (auto [i, term] : llvm::enumerate(terms)) {
      size_t dots = term.find("...");
      if (dots == llvm::StringRef::npos)
        continue;
      if (term.find("...", dots + 3) != llvm::StringRef::npos)
        return fail(node, "'...' appears twice in an operand");
      unsigned named = term.size() - 3;
      if (in[i]->rank() < named)
        return fail(node, "operand " + llvm::Twine(i) + " has rank " +
                              llvm::Twine(in[i]->rank()) + " but '" + term + "' names " +
                              llvm::Twine(named) + " axes besides '...'");
      broadcastRank[i] = in[i]->rank() - named;
      most = std::max(most, broadcastRank[i]);
    }
    if (most > unused.size())
      return fail(node, "'...' stands for more axes than there are letters");
    std::string all = unused.substr(0, most), rewritten;
    for (auto [i, term] : llvm::enumerate(terms)) {
      if (i)
        rewritten += ",";
      size_t dots = term.find("...");
      rewritten += dots == llvm::StringRef::npos
                       ? term.str()
                       : (term.take_front(dots) + all.substr(most - broadcastRank[i]) +
                          term.drop_front(dots + 3)).str();
    }
    if (whole.contains("->")) {
      size_t dots = rhsText.find("...");
      if (dots == llvm::StringRef::npos && most > 0)
        return fail(node, "'...' stands for axes of the operands that the output drops; "
                          "write '...' in the output (summing them is not supported)");
      rewritten += "->" + (dots == llvm::StringRef::npos
                               ? rhsText.str()
                               : (rhsText.take_front(dots) + all + rhsText.drop_front(dots + 3))
                                     .str());
    } else {
      // NumPy's implicit output: the broadcast axes, then the letters
      // that appear once, in alphabetical order.
      std::map<char, unsigned> seen;
      for (llvm::StringRef term : terms)
        for (char c : term)
          if (c != '.')
            ++seen[c];
      std::string once;
      for (auto &[c, n] : seen)
        if (n == 1)
          once.push_back(c);
      rewritten += "->" + all + once;
    }
    equation = rewritten;
  }
  llvm::StringRef text(equation);
  auto [lhs, rhs] = text.split("->");
  bool explicitOutput = text.contains("->");
  llvm::SmallVector<llvm::StringRef> operands;
  lhs.split(operands, ',');
  if (operands.size() != 2 || in.size() != 2 || !in[0] || !in[1])
    return fail(node, "Einsum of " + llvm::Twine(operands.size()) +
                          " operands; costopt reads two (a contraction)");
  EinsumSpec parsed;
  std::map<char, unsigned> count;
  for (unsigned i = 0; i < 2; ++i) {
    llvm::StringRef letters = operands[i];
    if (letters.size() != in[i]->rank())
      return fail(node, "operand " + llvm::Twine(i) + " has rank " +
                            llvm::Twine(in[i]->rank()) + " but '" + letters + "' names " +
                            llvm::Twine(letters.size()) + " axes");
    std::set<char> seen;
    for (auto [j, c] : llvm::enumerate(letters)) {
      if (!llvm::isAlpha(c))
        return fail(node, "'" + llvm::Twine(c) + "' in the equation is not a letter");
      if (!seen.insert(c).second)
        return fail(node, "a letter repeated within an operand (a diagonal) is not supported");
      ++count[c];
      const Expr &extent = in[i]->shape[j];
      auto [it, inserted] = parsed.extents.emplace(c, extent);
      if (!inserted && it->second != extent)
        return fail(node, "'" + llvm::Twine(c) + "' is " + sizeText(it->second) +
                              " in one operand and " + sizeText(extent) + " in the other");
    }
    parsed.operands.push_back(letters.str());
  }
  std::string output;
  if (explicitOutput) {
    output = rhs.str();
  } else {
    for (auto &[c, n] : count)
      if (n == 1)
        output.push_back(c);
  }
  std::set<char> seen;
  for (char c : output) {
    if (!parsed.extents.count(c))
      return fail(node, "the output names '" + llvm::Twine(c) + "', which no operand has");
    if (!seen.insert(c).second)
      return fail(node, "the output repeats '" + llvm::Twine(c) + "'");
    parsed.outputShape.push_back(parsed.extents[c]);
  }
  parsed.output = output;
  return parsed;
}

/// einsum("bhqd,bhkd->bhqk"): an nn.contract whose domain is the letters.
llvm::Expected<Val> Importer::einsum(const onnx::Node &node, Val &a, Val &b, const Shape &shape) {
  Inputs in = {&a, &b};
  auto parsed = parseEinsum(node, in);
  if (!parsed)
    return parsed.takeError();
  const EinsumSpec &spec = *parsed;
  // Domain: the output's letters, then the summed ones.
  std::string domain = spec.output;
  for (auto &[c, extent] : spec.extents)
    if (spec.output.find(c) == std::string::npos)
      domain.push_back(c);
  auto d = [&](char c) { return "d" + std::to_string(domain.find(c)); };
  auto mapOf = [&](Val &v, llvm::StringRef letters) {
    std::vector<std::string> logical;
    for (char c : letters)
      logical.push_back(d(c));
    return storedMap(v, domain.size(), logical);
  };
  auto aName = useStored(node, a);
  if (!aName)
    return aName.takeError();
  auto bName = useStored(node, b);
  if (!bName)
    return bName.takeError();
  std::vector<std::string> outDims;
  for (char c : spec.output)
    outDims.push_back(d(c));
  std::string text = "nn.contract " + *aName + ", " + *bName + " {indexing_maps = [" +
                     mapOf(a, spec.operands[0]) + ", " + mapOf(b, spec.operands[1]) + ", " +
                     affineMap(domain.size(), outDims) + "]} : " + storedTypeOf(a) + ", " +
                     storedTypeOf(b) + " -> " + typeOf(shape, onnx::Float);
  Val out;
  out.shape = shape;
  out.ssa = emit(shape, onnx::Float, text, {*aName, *bName}, node.outputs[0]);
  return out;
}

llvm::Error Importer::attention(const onnx::Node &node, Val &q, Val &k, Val &v, Val *mask,
                                int64_t heads, int64_t kvHeads, bool causal,
                                std::optional<double> scale, Val *pastKey, Val *pastValue) {
  bool fourD = q.rank() == 4;
  if (q.rank() != k.rank() || q.rank() != v.rank() || (q.rank() != 3 && q.rank() != 4))
    return fail(node, "Q, K and V must all be [batch, sequence, hidden] or all "
                      "[batch, heads, sequence, head size]");
  if (fourD) {
    auto h = constantOf(q.shape[1]), g = constantOf(k.shape[1]);
    if (!h || !g)
      return fail(node, "head counts must be numbers");
    heads = *h;
    kvHeads = *g;
  }
  if (heads < 1 || kvHeads < 1 || heads % kvHeads)
    return fail(node, "q_num_heads (" + llvm::Twine(heads) + ") must be a positive multiple of "
                      "kv_num_heads (" + llvm::Twine(kvHeads) + ")");
  Expr b = q.shape[0], n = q.shape[fourD ? 2 : 1], m = k.shape[fourD ? 2 : 1];
  Expr G(kvHeads), R(heads / kvHeads);
  if (k.shape[0] != b || v.shape[0] != b)
    return fail(node, "Q, K and V have different batch sizes (" + sizeText(b) + ", " +
                          sizeText(k.shape[0]) + ", " + sizeText(v.shape[0]) + ")");
  if (v.shape[fourD ? 2 : 1] != m)
    return fail(node, "K has " + sizeText(m) + " positions and V has " +
                          sizeText(v.shape[fourD ? 2 : 1]) + "; they must be the same");
  if (fourD && v.shape[1] != k.shape[1])
    return fail(node, "K has " + sizeText(k.shape[1]) + " heads and V has " +
                          sizeText(v.shape[1]) + "; they must be the same");
  auto headSize = [&](Val &x, int64_t count, llvm::StringRef what) -> llvm::Expected<Expr> {
    if (fourD)
      return x.shape[3];
    auto e = divideExactly(x.shape[2], Expr(count));
    if (!e)
      return fail(node, what + "'s width " + sizeText(x.shape[2]) + " is not a multiple of " +
                            llvm::Twine(count) + " heads");
    return *e;
  };
  auto e = headSize(q, heads, "Q");
  if (!e)
    return e.takeError();
  auto ek = headSize(k, kvHeads, "K");
  if (!ek)
    return ek.takeError();
  auto ev = headSize(v, kvHeads, "V");
  if (!ev)
    return ev.takeError();
  if (*e != *ek)
    return fail(node, "queries and keys have different head sizes");
  // The cache: [b, kv heads, p, e] for keys and values alike.
  Expr past;
  if (pastKey || pastValue) {
    if (!pastKey || !pastValue)
      return fail(node, "past_key and past_value must be given together");
    for (auto [x, width, what] : {std::tuple(pastKey, *e, "past_key"),
                                  std::tuple(pastValue, *ev, "past_value")}) {
      Shape expected = {b, G, x->rank() == 4 ? x->shape[2] : Expr(1), width};
      if (x->rank() != 4 || Shape(x->shape) != expected)
        return fail(node, llvm::Twine(what) + " of shape " + shapeText(x->shape) +
                              " is not [batch, kv heads, past, head size] = [" + sizeText(b) +
                              ", " + sizeText(G) + ", past, " + sizeText(width) + "]");
    }
    past = pastKey->shape[2];
    if (pastValue->shape[2] != past)
      return fail(node, "past_key holds " + sizeText(past) + " positions and past_value " +
                            sizeText(pastValue->shape[2]) + "; they must be the same");
  }
  if (mask) {
    // attn_mask broadcasts to the scores, [batch, heads, queries, keys],
    // the cached keys first.
    Shape scores = {b, Expr(heads), n, past + m};
    if (mask->rank() != 2 && mask->rank() != 4)
      return fail(node, "attn_mask of rank " + llvm::Twine(mask->rank()) +
                            " (only [q, k] and [batch, heads, q, k] are supported)");
    Shape expected = mask->rank() == 2 ? Shape{n, past + m} : scores;
    auto joined = broadcast({mask->shape, expected});
    if ((mask->rank() != 2 && mask->rank() != 4) || !joined || *joined != expected) {
      if (!joined)
        llvm::consumeError(joined.takeError());
      return fail(node, "attn_mask of shape " + shapeText(mask->shape) +
                            " does not broadcast to the scores " + shapeText(expected));
    }
  }
  if (causal && n != m)
    return fail(node, "a causal mask with " + sizeText(n) + " queries and " + sizeText(m) +
                          " new keys is not supported (causal attention needs as many new keys as queries)");
  double factor = scale.value_or(0);
  if (!scale) {
    auto approx = sym::evaluateApprox(*e, {});
    if (!approx) {
      llvm::consumeError(approx.takeError());
      return fail(node, "the head size must be a number for the default scale");
    }
    factor = 1.0 / std::sqrt(*approx);
  }
  // Views that split the heads into (kv group, query head within it), read
  // in place by the contractions: no transpose is needed.
  auto view = [&](Val &x, Shape shape) { return viewAs(node, x, shape); };
  auto qv = view(q, fourD ? Shape{b, G, R, n, *e} : Shape{b, n, G, R, *e});
  if (!qv)
    return qv.takeError();
  auto kv = view(k, fourD ? Shape{b, G, m, *e} : Shape{b, m, G, *e});
  if (!kv)
    return kv.takeError();
  auto vv = view(v, fourD ? Shape{b, G, m, *ev} : Shape{b, m, G, *ev});
  if (!vv)
    return vv.takeError();
  auto d = [](unsigned i) { return "d" + std::to_string(i); };
  // Scores over (b, g, r, p, k, c); the causal band k <= p.
  std::string band3 = "affine_set<(d0, d1, d2, d3, d4, d5) : (d3 - d4 >= 0)>";
  Shape scoreShape = {b, G, R, n, m};
  std::string qMap = fourD ? affineMap(6, {d(0), d(1), d(2), d(3), d(5)})
                           : affineMap(6, {d(0), d(3), d(1), d(2), d(5)});
  std::string kMap = fourD ? affineMap(6, {d(0), d(1), d(4), d(5)})
                           : affineMap(6, {d(0), d(4), d(1), d(5)});
  std::string scores = emit(
      scoreShape, onnx::Float,
      "nn.contract " + qv->ssa + ", " + kv->ssa + " {indexing_maps = [" + qMap + ", " + kMap +
          ", " + affineMap(6, {d(0), d(1), d(2), d(3), d(4)}) + "]" +
          (causal ? ", mask = " + band3 : "") + "} : " + typeOf(*qv) + ", " + typeOf(*kv) +
          " -> " + typeOf(scoreShape, onnx::Float),
      {qv->ssa, kv->ssa}, "scores");
  Val s;
  s.shape = scoreShape;
  s.ssa = scores;
  // With a cache, the scores against the cached keys are a block of their
  // own: every query sees every cached key, so no mask applies there.
  Shape pastScoreShape = {b, G, R, n, past};
  Val pastScores;
  if (pastKey) {
    auto pk = use(node, *pastKey);
    if (!pk)
      return pk.takeError();
    pastScores.shape = pastScoreShape;
    pastScores.ssa = emit(
        pastScoreShape, onnx::Float,
        "nn.contract " + qv->ssa + ", " + *pk + " {indexing_maps = [" + qMap + ", " +
            affineMap(6, {d(0), d(1), d(4), d(5)}) + ", " +
            affineMap(6, {d(0), d(1), d(2), d(3), d(4)}) + "]} : " + typeOf(*qv) + ", " +
            typeOf(*pastKey) + " -> " + typeOf(pastScoreShape, onnx::Float),
        {qv->ssa, *pk}, "past_scores");
  }
  std::string band2 = "affine_set<(d0, d1, d2, d3, d4) : (d3 - d4 >= 0)>";
  std::string maskClause = causal ? " mask " + band2 : "";
  // Element-wise steps over the scores, inside the causal band if any.
  auto maskedMap = [&](llvm::ArrayRef<Val *> operands, llvm::StringRef hint,
                       const std::function<std::string(Body &, llvm::ArrayRef<std::string>)> &f) {
    return map(node, operands, scoreShape, f, {}, maskClause, hint);
  };
  if (mask) {
    // attn_mask: [n, past + m], or [b or 1, heads or 1, n, past + m];
    // boolean (keep where true) or added. Its first `past` columns apply
    // to the cached keys' block of scores, the rest to the new keys'.
    bool boolean = mask->elem == onnx::Bool;
    // A mask of one column (broadcast along the keys) applies whole to
    // both blocks.
    bool oneColumn = mask->shape.back() == Expr(1);
    auto apply = [&](Val &target, const Shape &targetShape, const Expr &offset, Expr columns,
                     llvm::StringRef clause, llvm::StringRef hint) -> llvm::Error {
      if (oneColumn)
        columns = Expr(1);
      auto part = oneColumn ? llvm::Expected<Val>(*mask)
                            : extract(node, *mask, mask->rank() - 1, offset, columns,
                                      "attn_mask");
      if (!part)
        return part.takeError();
      Val mv = *part;
      if (mask->rank() == 4) {
        Shape shape = {mask->shape[0], Expr(1), Expr(1), mask->shape[2], columns};
        if (mask->shape[1] != Expr(1))
          shape = {mask->shape[0], G, R, mask->shape[2], columns};
        auto r = reshapeTo(node, *part, shape);
        if (!r)
          return r.takeError();
        mv.ssa = *r;
        mv.shape = shape;
        mv.type.clear();
      }
      auto name = use(node, mv);
      if (!name)
        return name.takeError();
      mv.ssa = *name;
      auto masked = map(node, {&target, &mv}, targetShape,
                        [&](Body &body, llvm::ArrayRef<std::string> a) {
                          if (!boolean)
                            return body.binary("arith.addf", a[0], a[1]);
                          std::string c = body.op("arith.cmpf une, " + a[1] + ", " +
                                                  body.constant(0.0) + " : f32");
                          return body.op("arith.select " + c + ", " + a[0] + ", " +
                                         body.constant(-INFINITY) + " : f32");
                        },
                        {}, clause, hint);
      if (!masked)
        return masked.takeError();
      target = *masked;
      return llvm::Error::success();
    };
    if (auto error = apply(s, scoreShape, past, m, maskClause, "masked"))
      return error;
    if (pastKey)
      if (auto error = apply(pastScores, pastScoreShape, Expr(0), past, "", "past_masked"))
        return error;
  }
  // Softmax over the keys, the scale inside the exponential (as the
  // built-in attention decomposes).
  auto scaledExp = [&](Body &body, llvm::ArrayRef<std::string> a) {
    return body.unary("math.exp", body.binary("arith.mulf", a[0], body.constant(factor)));
  };
  auto exps = maskedMap({&s}, "exp", scaledExp);
  if (!exps)
    return exps.takeError();
  Val &ex = *exps;
  Shape rows = {b, G, R, n, Expr(1)};
  auto rowSum = [&](Val &x, llvm::StringRef maskSet, llvm::StringRef hint) {
    Val sum;
    sum.shape = rows;
    sum.ssa = emit(rows, onnx::Float,
                   "nn.reduce " + x.ssa + " {kind = \"sum\", dims = [4]" +
                       (maskSet.empty() ? "" : ", mask = " + maskSet.str()) + "} : " +
                       typeOf(x.shape, onnx::Float) + " -> " + typeOf(rows, onnx::Float),
                   {x.ssa}, hint);
    return sum;
  };
  Val sv = rowSum(ex, causal ? band2 : "", "sum");
  auto divide = [](Body &body, llvm::ArrayRef<std::string> a) {
    return body.binary("arith.divf", a[0], a[1]);
  };
  // The cached block: its exponentials, and their row sums added to the
  // new keys' (one addition per row).
  Val pastProbs;
  if (pastKey) {
    auto pastExps = map(node, {&pastScores}, pastScoreShape, scaledExp, {}, "", "past_exp");
    if (!pastExps)
      return pastExps.takeError();
    Val pastSum = rowSum(*pastExps, "", "past_sum");
    auto total = map(node, {&sv, &pastSum}, rows, [](Body &body, llvm::ArrayRef<std::string> a) {
      return body.binary("arith.addf", a[0], a[1]);
    }, {}, "", "sum");
    if (!total)
      return total.takeError();
    sv = *total;
    auto normalizedPast = map(node, {&*pastExps, &sv}, pastScoreShape, divide, {}, "", "past_probs");
    if (!normalizedPast)
      return normalizedPast.takeError();
    pastProbs = *normalizedPast;
  }
  auto normalized = maskedMap({&ex, &sv}, "probs", divide);
  if (!normalized)
    return normalized.takeError();
  Val &probs = *normalized;
  // Context over (b, g, r, p, f, k).
  std::string avBand = "affine_set<(d0, d1, d2, d3, d4, d5) : (d3 - d5 >= 0)>";
  Shape ctxShape = fourD ? Shape{b, G, R, n, *ev} : Shape{b, n, G, R, *ev};
  std::string vMap = fourD ? affineMap(6, {d(0), d(1), d(5), d(4)})
                           : affineMap(6, {d(0), d(5), d(1), d(4)});
  std::string outMap = fourD ? affineMap(6, {d(0), d(1), d(2), d(3), d(4)})
                             : affineMap(6, {d(0), d(3), d(1), d(2), d(4)});
  // The cached values' share of the context, added as the bias of the new
  // values' contraction (one addition per output element).
  std::string pastContext, biasType;
  if (pastKey) {
    auto pv = use(node, *pastValue);
    if (!pv)
      return pv.takeError();
    pastContext = emit(ctxShape, onnx::Float,
                       "nn.contract " + pastProbs.ssa + ", " + *pv + " {indexing_maps = [" +
                           affineMap(6, {d(0), d(1), d(2), d(3), d(5)}) + ", " +
                           affineMap(6, {d(0), d(1), d(5), d(4)}) + ", " + outMap + "]} : " +
                           typeOf(pastScoreShape, onnx::Float) + ", " + typeOf(*pastValue) +
                           " -> " + typeOf(ctxShape, onnx::Float),
                       {pastProbs.ssa, *pv}, "past_context");
    biasType = ", " + typeOf(ctxShape, onnx::Float);
  }
  std::vector<std::string> ctxOperands = {probs.ssa, vv->ssa};
  if (pastKey)
    ctxOperands.push_back(pastContext);
  Val ctx;
  ctx.shape = ctxShape;
  ctx.ssa = emit(ctxShape, onnx::Float,
                 "nn.contract " + operandList(ctxOperands) + " {indexing_maps = [" +
                     affineMap(6, {d(0), d(1), d(2), d(3), d(5)}) + ", " + vMap + ", " + outMap +
                     "]" + (causal ? ", mask = " + avBand : "") + "} : " +
                     typeOf(scoreShape, onnx::Float) + ", " + typeOf(*vv) + biasType + " -> " +
                     typeOf(ctxShape, onnx::Float),
                 ctxOperands, "context");
  Shape outShape = fourD ? Shape{b, Expr(heads), n, *ev} : Shape{b, n, Expr(heads) * *ev};
  auto y = reshapeTo(node, ctx, outShape);
  if (!y)
    return y.takeError();
  Val out;
  out.shape = outShape;
  out.ssa = *y;
  values[node.outputs[0]] = out;
  // present_key / present_value: the keys and values as [b, kv heads, m, e],
  // after the cached ones when there is a cache.
  for (unsigned i = 1; i < 3 && i < node.outputs.size(); ++i) {
    if (node.outputs[i].empty())
      continue;
    Val &x = i == 1 ? k : v;
    Expr width = i == 1 ? *e : *ev;
    llvm::StringRef name = i == 1 ? "present_key" : "present_value";
    Val present;
    if (fourD) {
      present = x;
    } else {
      Val split = i == 1 ? *kv : *vv;
      Shape moved = {b, G, m, width};
      present.shape = moved;
      present.ssa = emit(moved, onnx::Float,
                         "nn.transpose " + split.ssa + " {permutation = [0, 2, 1, 3]} : " +
                             typeOf(split) + " -> " + typeOf(moved, onnx::Float),
                         {split.ssa}, pastKey ? "new_" + name.str() : name);
    }
    if (pastKey) {
      Val &cached = i == 1 ? *pastKey : *pastValue;
      auto cachedName = use(node, cached), newName = use(node, present);
      if (!cachedName)
        return cachedName.takeError();
      if (!newName)
        return newName.takeError();
      Shape joined = {b, G, past + m, width};
      // ONNX Runtime can keep the cache in one buffer of a fixed length
      // (past_present_share_buffer): the valid length is then in seqlens_k,
      // known only at run time.
      if (auto declared = declaredShapeOf(node.outputs[i]);
          declared && declared->size() == 4 && (*declared)[2] == past)
        return fail(node, name + " has the length of past_key (" + sizeText(past) +
                              "): a cache kept in one shared buffer, whose valid length is "
                              "known only at run time, is not supported");
      std::string text = "nn.concat " + *cachedName + ", " + *newName + " {dim = 2} : " +
                         typeOf(cached) + ", " + typeOf(present) + " -> " +
                         typeOf(joined, onnx::Float);
      present = Val();
      present.shape = joined;
      present.ssa = emit(joined, onnx::Float, text, {*cachedName, *newName}, name);
    }
    values[node.outputs[i]] = present;
  }
  for (unsigned i = 3; i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty())
      return fail(node, "output " + llvm::Twine(i) + " (the scores) is not supported");
  return llvm::Error::success();
}

/// LSTM, GRU and RNN (ONNX's gate orders: iofc, zrh): per direction, the
/// input projection of every step as one contraction, then an nn.recur
/// whose body adds the projected previous state and applies the gates,
/// as examples/lstm-projection.mlir writes an LSTM.
llvm::Error Importer::recurrent(const onnx::Node &node, Inputs &in) {
  llvm::StringRef op = node.opType;
  bool lstm = op == "LSTM", gru = op == "GRU";
  unsigned gates = lstm ? 4 : gru ? 3 : 1;
  if (in.size() < 3 || !in[0] || !in[1] || !in[2])
    return fail(node, "needs X, W and R");
  Val &X = *in[0], &W = *in[1], &R = *in[2];
  Val *B = in.size() > 3 ? in[3] : nullptr;
  if (in.size() > 4 && in[4])
    return fail(node, "sequence_lens (sequences of different lengths in a batch) is not "
                      "supported; export without packed sequences");
  Val *h0 = in.size() > 5 ? in[5] : nullptr;
  Val *c0 = lstm && in.size() > 6 ? in[6] : nullptr;
  if (lstm && in.size() > 7 && in[7])
    return fail(node, "peephole weights (P) are not supported");
  if (node.attribute("clip"))
    return fail(node, "cell clipping (clip) is not supported");
  if (intAttr(node, "input_forget", 0))
    return fail(node, "input_forget is not supported");
  if (const onnx::Attribute *a = node.attribute("activations")) {
    std::vector<std::string> expected = lstm  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                        : gru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                              : std::vector<std::string>{"Tanh"};
    for (size_t i = 0; i < a->strings.size(); ++i)
      if (a->strings[i] != expected[i % expected.size()])
        return fail(node, "activation '" + a->strings[i] + "' (only the defaults, " +
                              llvm::join(expected, ", ") + ", are supported)");
  }
  std::string direction = node.attribute("direction") ? node.attribute("direction")->s : "forward";
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return fail(node, "direction '" + direction + "'");
  unsigned dirs = direction == "bidirectional" ? 2 : 1;
  int64_t hidden = intAttr(node, "hidden_size", 0);
  bool layout = intAttr(node, "layout", 0) != 0;
  bool linearBeforeReset = intAttr(node, "linear_before_reset", 0) != 0;
  if (X.rank() != 3)
    return fail(node, "X must be [sequence, batch, input] (or [batch, sequence, input] "
                      "with layout = 1)");
  Expr n = layout ? X.shape[1] : X.shape[0], b = layout ? X.shape[0] : X.shape[1];
  Expr width = X.shape[2], H(hidden), G(static_cast<int64_t>(gates) * hidden);
  if (hidden < 1)
    return fail(node, "hidden_size must be given and positive");
  auto expectShape = [&](Val *v, Shape shape, llvm::StringRef what) -> llvm::Error {
    if (v && Shape(v->shape) != shape)
      return fail(node, what + " has shape " + shapeText(v->shape) + ", expected " +
                            shapeText(shape));
    return llvm::Error::success();
  };
  if (auto e = expectShape(&W, {Expr(dirs), G, width}, "W"))
    return e;
  if (auto e = expectShape(&R, {Expr(dirs), G, H}, "R"))
    return e;
  if (auto e = expectShape(B, {Expr(dirs), Expr(2) * G}, "B"))
    return e;
  Shape stateShape = layout ? Shape{b, Expr(dirs), H} : Shape{Expr(dirs), b, H};
  if (auto e = expectShape(h0, stateShape, "initial_h"))
    return e;
  if (auto e = expectShape(c0, stateShape, "initial_c"))
    return e;

  // nn.recur steps along the positions: its time axis must be theirs.
  if (positionOf({b, n, width}) != 1u) {
    if (constantOf(n))
      return fail(node, "the time axis has a fixed size (" + sizeText(n) +
                            "); export it as a dynamic axis (a dim_param) to step along it");
    return fail(node, "the time axis (" + sizeText(n) + ") does not count positions" +
                          (sequence ? " (positions are dim_param '" + sequenceParam + "')"
                                    : std::string(" (no dim_param counts positions)")) +
                          "; name its dim_param with --sequence");
  }
  // The steps' inputs as [b, n, input].
  Val xs = X;
  if (!layout) {
    auto x = use(node, X);
    if (!x)
      return x.takeError();
    xs.shape = {b, n, width};
    xs.type.clear();
    xs.ssa = emit(xs.shape, onnx::Float,
                  "nn.transpose " + *x + " {permutation = [1, 0, 2]} : " + typeOf(X) + " -> " +
                      typeOf(xs.shape, onnx::Float),
                  {*x}, "steps");
  }
  // Slices of a per-direction tensor, as a view.
  auto perDirection = [&](Val &v, unsigned d, Shape shape) {
    return sliceAs(node, v, 0, Expr(d), Expr(1), shape);
  };
  auto initialState = [&](Val *v, unsigned d) -> llvm::Expected<Val> {
    if (!v) {
      Val zero;
      zero.cls = Val::Fixed;
      zero.shape = {b, H};
      return zero;
    }
    return sliceAs(node, *v, layout ? 1 : 0, Expr(d), Expr(1), {b, H});
  };
  auto d = [](unsigned i) { return "d" + std::to_string(i); };
  std::string tensorBH = typeOf({b, H}, onnx::Float), tensorBG = typeOf({b, G}, onnx::Float);
  std::vector<Val> hs(dirs), cs(dirs);
  for (unsigned dir = 0; dir < dirs; ++dir) {
    bool reverse = direction == "reverse" || dir == 1;
    auto w = perDirection(W, dir, {G, width});
    if (!w)
      return w.takeError();
    auto r = perDirection(R, dir, {G, H});
    if (!r)
      return r.takeError();
    std::optional<Val> wb, rb;
    if (B) {
      auto bias = perDirection(*B, dir, {Expr(2) * G});
      if (!bias)
        return bias.takeError();
      auto first = extract(node, *bias, 0, Expr(0), G, "wb");
      if (!first)
        return first.takeError();
      auto second = extract(node, *bias, 0, G, G, "rb");
      if (!second)
        return second.takeError();
      wb = *first;
      rb = *second;
    }
    // Every step's input projection: [b, n, G].
    auto xName = use(node, xs);
    if (!xName)
      return xName.takeError();
    Shape projected = {b, n, G};
    std::vector<std::string> xOperands = {*xName, w->ssa};
    std::string xTypes = typeOf(xs) + ", " + typeOf(*w);
    if (wb) {
      xOperands.push_back(wb->ssa);
      xTypes += ", " + typeOf(*wb);
    }
    std::string xg = emit(
        projected, onnx::Float,
        "nn.contract " + llvm::join(xOperands, ", ") + " {indexing_maps = [" +
            affineMap(4, {d(0), d(1), d(3)}) + ", " + affineMap(4, {d(2), d(3)}) + ", " +
            affineMap(4, {d(0), d(1), d(2)}) + "]} : " + xTypes + " -> " +
            typeOf(projected, onnx::Float),
        xOperands, "gates_x");
    auto h = initialState(h0, dir);
    if (!h)
      return h.takeError();
    auto hName = use(node, *h);
    if (!hName)
      return hName.takeError();
    std::vector<std::string> inits = {*hName}, initTypes = {typeOf(*h)};
    if (lstm) {
      auto c = initialState(c0, dir);
      if (!c)
        return c.takeError();
      auto cName = use(node, *c);
      if (!cName)
        return cName.takeError();
      inits.push_back(*cName);
      initTypes.push_back(typeOf(*c));
    }

    // The step.
    std::vector<std::string> lines;
    std::string xt = fresh("xt"), hp = fresh("h"), cp = lstm ? fresh("c") : "";
    auto line = [&](llvm::StringRef hint, const std::string &text) {
      std::string name = fresh(hint);
      lines.push_back(name + " = " + text);
      return name;
    };
    auto slice = [&](const std::string &v, const Expr &offset, llvm::StringRef hint) {
      return line(hint, "nn.extract " + v + " {dim = 1, offset = " + sizeText(offset) + "} : " +
                            tensorBG + " -> " + tensorBH);
    };
    auto recurrentProduct = [&](const std::string &state, const std::string &weight,
                                const Expr &rows, const Expr &offset,
                                const std::optional<std::string> &bias, llvm::StringRef hint) {
      // state [b, H] · weight[offset : offset + rows]ᵀ (+ bias): [b, rows].
      std::string wv = weight, rowsType = typeOf({rows, H}, onnx::Float);
      if (rows != G)
        wv = line("rw", "nn.extract " + weight + " {dim = 0, offset = " + sizeText(offset) +
                            "} : " + typeOf({G, H}, onnx::Float) + " -> " + rowsType);
      std::string outType = typeOf({b, rows}, onnx::Float);
      std::string text = "nn.contract " + state + ", " + wv + (bias ? ", " + *bias : "") +
                         " {indexing_maps = [" + affineMap(3, {d(0), d(2)}) + ", " +
                         affineMap(3, {d(1), d(2)}) + ", " + affineMap(3, {d(0), d(1)}) +
                         "]} : " + tensorBH + ", " + rowsType +
                         (bias ? ", " + typeOf({b, rows}, onnx::Float) : "") + " -> " + outType;
      return line(hint, text);
    };
    auto addBias = [&](const std::string &v, const Expr &rows, const Expr &offset,
                       llvm::StringRef hint) {
      if (!rb)
        return v;
      std::string bias = rb->ssa;
      if (rows != G)
        bias = line("rbias", "nn.extract " + rb->ssa + " {dim = 0, offset = " +
                                 sizeText(offset) + "} : " + typeOf(*rb) + " -> " +
                                 typeOf({rows}, onnx::Float));
      Body body;
      std::string sum = body.binary("arith.addf", "%a0", "%a1");
      return line(hint, mapText({v, bias}, {typeOf({b, rows}, onnx::Float),
                                             typeOf({rows}, onnx::Float)},
                                typeOf({b, rows}, onnx::Float), body, sum));
    };
    auto sigmoid = [](Body &body, const std::string &v) {
      std::string neg = body.unary("arith.negf", v);
      std::string e = body.unary("math.exp", neg);
      std::string den = body.binary("arith.addf", body.constant(1.0), e);
      return body.binary("arith.divf", body.constant(1.0), den);
    };
    std::vector<std::string> yields;
    if (lstm || !gru) {
      // z = h·Rᵀ + x_t·Wᵀ + Wb (+ Rb).
      std::string z = recurrentProduct(hp, r->ssa, G, Expr(0), xt, "z");
      z = addBias(z, G, Expr(0), "z");
      if (lstm) {
        std::string i = slice(z, Expr(0), "i"), o = slice(z, H, "o"),
                    f = slice(z, Expr(2) * H, "f"), g = slice(z, Expr(3) * H, "g");
        // c' = σ(f)·c + σ(i)·tanh(g): 12 FLOPs per cell; h' = σ(o)·tanh(c'): 6.
        Body cb;
        std::string keep = cb.binary("arith.mulf", sigmoid(cb, "%a1"), "%a3");
        std::string write = cb.binary("arith.mulf", sigmoid(cb, "%a0"), cb.unary("math.tanh", "%a2"));
        std::string cn = line("cn", mapText({i, f, g, cp}, {tensorBH, tensorBH, tensorBH, tensorBH},
                                            tensorBH, cb, cb.binary("arith.addf", keep, write)));
        Body hb;
        std::string hv = hb.binary("arith.mulf", sigmoid(hb, "%a0"), hb.unary("math.tanh", "%a1"));
        std::string hn = line("hn", mapText({o, cn}, {tensorBH, tensorBH}, tensorBH, hb, hv));
        yields = {hn, cn};
      } else {
        Body hb;
        std::string hn = line("hn", mapText({z}, {tensorBH}, tensorBH, hb, hb.unary("math.tanh", "%a0")));
        yields = {hn};
      }
    } else {
      // GRU, gates z, r, h: x_t holds x·Wᵀ + Wb for all three.
      std::string xz = slice(xt, Expr(0), "xz"), xr = slice(xt, H, "xr"),
                  xh = slice(xt, Expr(2) * H, "xh");
      std::string hz, hr, hh;
      if (linearBeforeReset) {
        // PyTorch's form: h̃ = tanh(x_h + r ⊙ (h·R_hᵀ + Rb_h)).
        std::string all = addBias(recurrentProduct(hp, r->ssa, G, Expr(0), std::nullopt, "hg"),
                                  G, Expr(0), "hg");
        hz = slice(all, Expr(0), "hz");
        hr = slice(all, H, "hr");
        hh = slice(all, Expr(2) * H, "hh");
        // h' = (1 − z)·tanh(x_h + r·h_h) + z·h with z = σ(x_z + h_z), r = σ(x_r + h_r).
        Body gb;
        std::string zg = sigmoid(gb, gb.binary("arith.addf", "%a0", "%a1"));
        std::string rg = sigmoid(gb, gb.binary("arith.addf", "%a2", "%a3"));
        std::string cand = gb.unary("math.tanh",
                                    gb.binary("arith.addf", "%a4", gb.binary("arith.mulf", rg, "%a5")));
        std::string keep = gb.binary("arith.mulf", zg, "%a6");
        std::string write = gb.binary("arith.mulf", gb.binary("arith.subf", gb.constant(1.0), zg), cand);
        std::string hn = line("hn", mapText({xz, hz, xr, hr, xh, hh, hp},
                                            std::vector<std::string>(7, tensorBH), tensorBH, gb,
                                            gb.binary("arith.addf", write, keep)));
        yields = {hn};
      } else {
        // ONNX's default: h̃ = tanh(x_h + (r ⊙ h)·R_hᵀ + Rb_h).
        Expr twoH = Expr(2) * H;
        std::string zr = recurrentProduct(hp, r->ssa, twoH, Expr(0), std::nullopt, "zr");
        zr = addBias(zr, twoH, Expr(0), "zr");
        std::string zrType = typeOf({b, twoH}, onnx::Float);
        hz = line("hz", "nn.extract " + zr + " {dim = 1, offset = 0} : " + zrType + " -> " + tensorBH);
        hr = line("hr", "nn.extract " + zr + " {dim = 1, offset = " + sizeText(H) + "} : " + zrType +
                            " -> " + tensorBH);
        Body rgb;
        std::string rg = sigmoid(rgb, rgb.binary("arith.addf", "%a0", "%a1"));
        std::string rh = line("rh", mapText({xr, hr, hp}, {tensorBH, tensorBH, tensorBH}, tensorBH, rgb,
                                            rgb.binary("arith.mulf", rg, "%a2")));
        hh = addBias(recurrentProduct(rh, r->ssa, H, twoH, std::nullopt, "hh"), H, twoH, "hh");
        Body gb;
        std::string zg = sigmoid(gb, gb.binary("arith.addf", "%a0", "%a1"));
        std::string cand = gb.unary("math.tanh", gb.binary("arith.addf", "%a2", "%a3"));
        std::string keep = gb.binary("arith.mulf", zg, "%a4");
        std::string write = gb.binary("arith.mulf", gb.binary("arith.subf", gb.constant(1.0), zg), cand);
        std::string hn = line("hn", mapText({xz, hz, xh, hh, hp}, std::vector<std::string>(5, tensorBH),
                                            tensorBH, gb, gb.binary("arith.addf", write, keep)));
        yields = {hn};
      }
    }

    Emitted e;
    e.module = currentModule;
    e.unscoped = currentUnscoped;
    Shape seqShape = {b, n, H};
    std::string seqType = typeOf(seqShape, onnx::Float);
    std::string hsName = fresh("hs");
    e.results = {hsName};
    e.resultTypes = {seqType};
    if (lstm) {
      e.results.push_back(fresh("cs"));
      e.resultTypes.push_back(seqType);
    }
    e.operands = {xg};
    llvm::append_range(e.operands, inits);
    e.operands.push_back(r->ssa);
    if (rb)
      e.operands.push_back(rb->ssa);
    std::string text = "nn.recur (" + xg + ") init (" + llvm::join(inits, ", ") + ")" +
                       (reverse ? " {reverse}" : "") + " : (" + typeOf(projected, onnx::Float) +
                       ") init (" + llvm::join(initTypes, ", ") + ") -> " +
                       llvm::join(e.resultTypes, ", ") + " {\n^bb0(" + xt + ": " + tensorBG + ", " +
                       hp + ": " + tensorBH + (lstm ? ", " + cp + ": " + tensorBH : "") + "):\n";
    for (const std::string &l : lines)
      text += "  " + l + "\n";
    std::vector<std::string> yieldTypes(yields.size(), tensorBH);
    text += "  nn.yield " + llvm::join(yields, ", ") + " : " + llvm::join(yieldTypes, ", ") + "\n}";
    e.text = text;
    ops.push_back(std::move(e));
    hs[dir].shape = seqShape;
    hs[dir].ssa = hsName;
    if (lstm) {
      cs[dir].shape = seqShape;
      cs[dir].ssa = ops.back().results[1];
    }
  }

  // Y: [n, dirs, b, H] (layout 1: [b, n, dirs, H]); Y_h, Y_c: [dirs, b, H]
  // (layout 1: [b, dirs, H]), the last step of each direction.
  auto stack = [&](std::vector<Val> &parts, bool last) -> llvm::Expected<Val> {
    std::vector<std::string> names, types;
    Shape pieceShape;
    for (unsigned dir = 0; dir < dirs; ++dir) {
      Val v = parts[dir];
      if (last) {
        bool reverse = direction == "reverse" || dir == 1;
        auto step = extract(node, v, 1, reverse ? Expr(0) : n - Expr(1), Expr(1), "last");
        if (!step)
          return step.takeError();
        v = *step;
        pieceShape = layout ? Shape{b, Expr(1), H} : Shape{Expr(1), b, H};
      } else if (!layout) {
        auto name = use(node, v);
        if (!name)
          return name.takeError();
        Shape t = {n, b, H};
        std::string moved = emit(t, onnx::Float,
                                 "nn.transpose " + *name + " {permutation = [1, 0, 2]} : " +
                                     typeOf(v) + " -> " + typeOf(t, onnx::Float),
                                 {*name}, "steps_first");
        v.ssa = moved;
        v.shape = t;
        v.type.clear();
        pieceShape = {n, Expr(1), b, H};
      } else {
        pieceShape = {b, n, Expr(1), H};
      }
      auto view = reshapeTo(node, v, pieceShape);
      if (!view)
        return view.takeError();
      names.push_back(*view);
      types.push_back(typeOf(pieceShape, onnx::Float));
    }
    Val out;
    out.shape = pieceShape;
    unsigned axis = last ? (layout ? 1 : 0) : (layout ? 2 : 1);
    if (dirs == 1) {
      out.ssa = names[0];
      return out;
    }
    out.shape[axis] = Expr(dirs);
    out.ssa = emit(out.shape, onnx::Float,
                   "nn.concat " + llvm::join(names, ", ") + " {dim = " + std::to_string(axis) +
                       "} : " + llvm::join(types, ", ") + " -> " + typeOf(out.shape, onnx::Float),
                   names, "both");
    return out;
  };
  for (size_t i = 0; i < node.outputs.size() && i < 3; ++i) {
    if (node.outputs[i].empty())
      continue;
    if (i == 2 && !lstm)
      break;
    auto v = stack(i == 2 ? cs : hs, i > 0);
    if (!v)
      return v.takeError();
    values[node.outputs[i]] = *v;
  }
  return llvm::Error::success();
}

llvm::Expected<Val> Importer::permuted(const onnx::Node &node, Val &x,
                                       llvm::ArrayRef<int64_t> perm, llvm::StringRef hint) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, x.rank())))
    return x;
  auto name = use(node, x);
  if (!name)
    return name.takeError();
  Val v;
  v.elem = x.elem;
  std::vector<std::string> axes;
  for (int64_t p : perm) {
    v.shape.push_back(x.shape[p]);
    axes.push_back(std::to_string(p));
  }
  v.ssa = emit(v.shape, x.elem,
               "nn.transpose " + *name + " {permutation = [" + llvm::join(axes, ", ") + "]} : " +
                   typeOf(x) + " -> " + typeOf(v.shape, x.elem),
               {*name}, hint);
  return v;
}

llvm::Error Importer::scan(const onnx::Node &node, Inputs &in) {
  // Scan runs its body once per step along the scan axis of its scan
  // inputs, threading the state variables through; nn.recur does the same
  // along the positions, so the scan axis must count them. Its per-step
  // outputs (scan outputs) must be states: nn.recur's results are its
  // states over the steps.
  if (opset() < 9)
    return fail(node, "Scan before opset 9 (with sequence_lens) is not supported");
  int64_t scanInputs = intAttr(node, "num_scan_inputs", 0);
  if (scanInputs < 1 || scanInputs > static_cast<int64_t>(in.size()))
    return fail(node, "num_scan_inputs (" + llvm::Twine(scanInputs) +
                          ") must be between 1 and the number of inputs (" +
                          llvm::Twine(in.size()) + ")");
  size_t states = in.size() - scanInputs;
  if (states == 0)
    return fail(node, "a Scan without state variables (a map over the steps) is not "
                      "supported: its per-step outputs would not be states");
  std::string stateRoles = countText(states, "state");
  auto bodyGraph = bodyOf(node, {in.size(),
                                 stateRoles + " and " + countText(scanInputs, "scan input"), 0,
                                 states, stateRoles});
  if (!bodyGraph)
    return bodyGraph.takeError();
  const onnx::Graph &body = **bodyGraph;
  size_t scanOutputs = body.outputs.size() - states;
  for (auto [i, v] : llvm::enumerate(in)) {
    if (!v)
      return fail(node, "input " + llvm::Twine(i) + " is omitted");
    if (!v->isFloat())
      return fail(node, "input " + llvm::Twine(i) + " holds " + onnx::dataTypeName(v->elem) +
                            "; a Scan body computes on floating-point values");
  }
  auto list = [&](llvm::StringRef name, size_t count) -> llvm::Expected<std::vector<int64_t>> {
    std::vector<int64_t> v(count, 0);
    if (const onnx::Attribute *a = node.attribute(name)) {
      if (a->ints.size() != count)
        return fail(node, name + " lists " + llvm::Twine(a->ints.size()) + " values for " +
                              llvm::Twine(count));
      v = a->ints;
    }
    return v;
  };
  auto inAxes = list("scan_input_axes", scanInputs);
  if (!inAxes)
    return inAxes.takeError();
  auto inDirections = list("scan_input_directions", scanInputs);
  if (!inDirections)
    return inDirections.takeError();
  auto outAxes = list("scan_output_axes", scanOutputs);
  if (!outAxes)
    return outAxes.takeError();
  auto outDirections = list("scan_output_directions", scanOutputs);
  if (!outDirections)
    return outDirections.takeError();

  // The steps: the scan axis of every scan input, all in one direction.
  Expr steps;
  bool reverse = false;
  std::vector<unsigned> scanAxes;
  for (int64_t j = 0; j < scanInputs; ++j) {
    Val &x = *in[states + j];
    auto axis = axisOf(node, (*inAxes)[j], x.rank());
    if (!axis)
      return axis.takeError();
    int64_t direction = (*inDirections)[j];
    if (direction != 0 && direction != 1)
      return fail(node, "scan_input_directions holds " + llvm::Twine(direction) +
                            " (0 forward, 1 reverse)");
    scanAxes.push_back(*axis);
    if (j == 0) {
      steps = x.shape[*axis];
      reverse = direction == 1;
    } else if (x.shape[*axis] != steps) {
      return fail(node, "scan input " + llvm::Twine(j) + " has " + sizeText(x.shape[*axis]) +
                            " steps, the first " + sizeText(steps));
    } else if ((direction == 1) != reverse) {
      return fail(node, "the scan inputs run in different directions");
    }
  }
  if (auto e = requirePositions(node, steps, "the scan axis"))
    return e;
  // Appended in the scan's order, a per-step output follows the positions;
  // stacked the other way it would need a reversal.
  for (size_t k = 0; k < scanOutputs; ++k)
    if ((*outDirections)[k] != (reverse ? 1 : 0))
      return fail(node, "scan output " + llvm::Twine(k) + " is stacked against the order of "
                        "the positions (scan_output_directions); a reversal is not supported");

  StepLoop loop;
  loop.steps = steps;
  loop.reverse = reverse;
  for (int64_t j = 0; j < scanInputs; ++j)
    loop.stepInputs.push_back({in[states + j], scanAxes[j], body.inputs[states + j].name});
  for (size_t i = 0; i < states; ++i) {
    loop.inits.push_back(in[i]);
    loop.stateNames.push_back(body.inputs[i].name);
    loop.stateOutputs.push_back(body.outputs[i].name);
  }
  for (size_t k = 0; k < scanOutputs; ++k) {
    loop.perStepOutputs.push_back(body.outputs[states + k].name);
    loop.perStepAxes.push_back((*outAxes)[k]);
  }
  return stepLoop(node, body, loop);
}

/// Back to the scope `saved` (values defined since dropped, the others
/// assigned in place, so that pointers into `values` stay valid).
void Importer::restoreValues(const std::map<std::string, Val> &saved) {
  for (auto it = values.begin(); it != values.end();) {
    auto old = saved.find(it->first);
    if (old == saved.end()) {
      it = values.erase(it);
    } else {
      it->second = old->second;
      ++it;
    }
  }
}

std::optional<Val> Importer::probeKnown(llvm::ArrayRef<onnx::Node> nodes,
                                        const std::string &name,
                                        const std::map<std::string, Val> &bound) {
  // The nodes `name` depends on.
  // (A value already known in scope is taken as it is.)
  auto knownAlready = [&](const std::string &n) {
    auto it = values.find(n);
    return !bound.count(n) && it != values.end() && it->second.cls == Val::Known;
  };
  std::set<std::string> needed = {name};
  std::vector<const onnx::Node *> cone;
  for (const onnx::Node &node : llvm::reverse(nodes)) {
    if (llvm::none_of(node.outputs, [&](const std::string &o) {
          return needed.count(o) && !knownAlready(o);
        }))
      continue;
    cone.push_back(&node);
    needed.insert(node.inputs.begin(), node.inputs.end());
  }
  std::reverse(cone.begin(), cone.end());
  std::map<std::string, Val> saved = values;
  // A probe may take nodes it does not translate for real (a slice's
  // constraint on the sizes, an assumption): it leaves none of them behind.
  std::vector<std::string> savedConstraints = constraints, savedNotes = notes;
  std::vector<std::pair<Expr, Expr>> savedUpperBounds = upperBounds;
  sym::Assumptions savedBounds = lowerBounds;
  size_t savedWarnings = warnings ? warnings->size() : 0;
  for (const auto &[key, v] : bound)
    values[key] = v;
  foldComparisons = true;
  std::optional<Val> result;
  bool ok = true;
  for (const onnx::Node *node : cone) {
    if (!ok)
      break;
    Inputs in;
    for (const std::string &i : node->inputs) {
      auto v = input(*node, i);
      if (!v) {
        llvm::consumeError(v.takeError());
        ok = false;
        break;
      }
      in.push_back(*v);
    }
    bool handled = false;
    if (ok) {
      if (auto e = translateKnown(*node, in, handled)) {
        llvm::consumeError(std::move(e));
        ok = false;
      }
    }
    ok = ok && handled;
  }
  if (ok && !values.count(name)) {
    // An initializer (of the body or the graph).
    onnx::Node reader;
    if (auto v = input(reader, name); !v)
      llvm::consumeError(v.takeError());
  }
  if (auto it = values.find(name); ok && it != values.end() && it->second.cls == Val::Known)
    result = it->second;
  foldComparisons = false;
  restoreValues(saved);
  constraints = std::move(savedConstraints);
  upperBounds = std::move(savedUpperBounds);
  notes = std::move(savedNotes);
  lowerBounds = std::move(savedBounds);
  if (warnings)
    warnings->resize(savedWarnings);
  return result;
}

llvm::Error Importer::loop(const onnx::Node &node, Inputs &in) {
  // Loop runs its body M times while its condition holds, threading the
  // loop-carried values. Over a trip count that is the positions it is an
  // nn.recur, when the body reads one position per step as Gather(x, i)
  // of a value from outside (each such read one of the recurrence's
  // inputs), where i is the iteration number or a counter the loop carries
  // from 0 by 1 (tf2onnx's), and the condition provably holds until the
  // last step. Loop-carried values the body passes through unchanged (the
  // weights tf2onnx threads through) stay what they are outside.
  Val *tripCount = in.empty() ? nullptr : in[0];
  if (!tripCount)
    return fail(node, "a Loop without a trip count (M) runs until its condition fails: its "
                      "number of steps is data, which is not supported");
  if (tripCount->cls != Val::Known || !tripCount->ints || tripCount->ints->size() != 1)
    return fail(node, "the trip count (M) must be a size computed from shapes, not data");
  Expr steps = (*tripCount->ints)[0];
  auto isTrue = [](const Val &v) {
    return v.cls == Val::Known && v.ints && !v.ints->empty() &&
           llvm::none_of(*v.ints, [](const Expr &e) { return e.isZero(); });
  };
  if (in.size() > 1 && in[1] && !isTrue(*in[1])) {
    // A condition computed from sizes (tf2onnx's Less(0, n) && ...).
    auto probed = probeKnown(model.graph.nodes, node.inputs[1], {});
    if (!probed || !isTrue(*probed))
      return fail(node, "the initial condition must be known to be true");
  }
  size_t carried = in.size() < 2 ? 0 : in.size() - 2;
  std::string carriedRoles = countText(carried, "loop-carried value");
  auto bodyGraph = bodyOf(node, {2 + carried,
                                 "the iteration number, the condition and " + carriedRoles, 1,
                                 carried, "the condition, " + carriedRoles});
  if (!bodyGraph)
    return bodyGraph.takeError();
  const onnx::Graph &body = **bodyGraph;
  if (auto e = requirePositions(node, steps, "the trip count"))
    return e;
  // The body's initializers, for the probes below (stepLoop registers
  // them again for the translation).
  std::vector<std::string> bodyInitializers;
  for (const onnx::Tensor &t : body.initializers)
    if (initializers.emplace(t.name, &t).second)
      bodyInitializers.push_back(t.name);
  llvm::scope_exit forgetBodyInitializers([&] {
    for (const std::string &name : bodyInitializers)
      initializers.erase(name);
  });
  const std::string &iteration = body.inputs[0].name;
  std::map<std::string, const onnx::Node *> producer;
  for (const onnx::Node &inner : body.nodes)
    for (const std::string &o : inner.outputs)
      producer[o] = &inner;

  StepLoop loop;
  loop.steps = steps;
  // The loop-carried values: passed through unchanged (invariant), a
  // counter from a known start by 1, or a state of the recurrence.
  enum Kind { Invariant, Counter, State };
  std::vector<Kind> kinds(carried, State);
  std::vector<Expr> starts(carried);
  // Body values that count steps: the iteration number, counters from 0,
  // and their updates (skipped when the body is translated).
  std::map<std::string, Expr> counterAt; // body name -> its value at step t = start + t
  counterAt[iteration] = Expr();
  std::set<const onnx::Node *> counterUpdates;
  for (size_t i = 0; i < carried; ++i) {
    const std::string &bodyIn = body.inputs[2 + i].name, &bodyOut = body.outputs[1 + i].name;
    Val *init = in[2 + i];
    if (!init)
      return fail(node, "loop-carried value " + llvm::Twine(i) + " is omitted");
    // Through Identity nodes to the value's source.
    std::string source = bodyOut;
    std::vector<const onnx::Node *> chain;
    while (producer.count(source) && producer[source]->opType == "Identity" &&
           producer[source]->inputs.size() == 1) {
      chain.push_back(producer[source]);
      source = producer[source]->inputs[0];
    }
    if (source == bodyIn) {
      kinds[i] = Invariant;
      loop.bodyConstants[bodyIn] = *init;
      loop.replaced.insert(chain.begin(), chain.end());
      continue;
    }
    const onnx::Node *add = producer.count(source) ? producer[source] : nullptr;
    if (init->cls == Val::Known && init->ints && init->ints->size() == 1 && add &&
        add->opType == "Add" && add->inputs.size() == 2 &&
        llvm::is_contained(add->inputs, bodyIn)) {
      const std::string &other = add->inputs[0] == bodyIn ? add->inputs[1] : add->inputs[0];
      auto one = probeKnown(body.nodes, other, {});
      if (!one) // a value from outside the body
        if (auto it = values.find(other); it != values.end() && it->second.cls == Val::Known)
          one = it->second;
      if (one && one->ints && one->ints->size() == 1 && (*one->ints)[0] == Expr(1)) {
        kinds[i] = Counter;
        starts[i] = (*init->ints)[0];
        counterAt[bodyIn] = starts[i];
        counterUpdates.insert(chain.begin(), chain.end());
        counterUpdates.insert(add);
        continue;
      }
    }
    if (!init->isFloat())
      return fail(node, "loop-carried value " + llvm::Twine(i) +
                            " is neither floating-point data, nor passed through unchanged, "
                            "nor a counter by 1");
  }

  // The step reads: Gather(x, i) of a value from outside, i counting from 0.
  std::set<std::string> inside;
  for (const onnx::ValueInfo &info : body.inputs)
    inside.insert(info.name);
  for (const onnx::Tensor &t : body.initializers)
    inside.insert(t.name);
  for (const onnx::Node &inner : body.nodes)
    inside.insert(inner.outputs.begin(), inner.outputs.end());
  for (const onnx::Node &inner : body.nodes) {
    if (inner.opType != "Gather" || inner.inputs.size() != 2 || inner.outputs.size() != 1)
      continue;
    auto counter = counterAt.find(inner.inputs[1]);
    if (counter == counterAt.end() || !counter->second.isZero() ||
        inside.count(inner.inputs[0]))
      continue;
    auto it = values.find(inner.inputs[0]);
    if (it == values.end() || !it->second.isFloat())
      return fail(inner, "reads step by step '" + inner.inputs[0] +
                             "', which is not floating-point data from outside the body");
    auto axis = axisOf(inner, intAttr(inner, "axis", 0), it->second.rank());
    if (!axis)
      return axis.takeError();
    if (it->second.shape[*axis] != steps)
      return fail(inner, "reads step by step an axis of " + sizeText(it->second.shape[*axis]) +
                             " entries, not the trip count " + sizeText(steps));
    loop.stepInputs.push_back({&it->second, static_cast<unsigned>(*axis), inner.outputs[0]});
    loop.replaced.insert(&inner);
  }
  if (loop.stepInputs.empty())
    return fail(node, "the body reads no value step by step (Gather(x, iteration_num)); such a "
                      "Loop is not supported");

  // The condition: passed through, or computed from the counters against
  // values that do not change, through comparisons that only turn false
  // as the counters grow (Less, LessOrEqual, And, casts). It is read
  // before steps 1 to M - 1, so true after step M - 2 means true
  // throughout; it is evaluated there, with every counter at that step.
  const std::string &conditionOut = body.outputs[0].name;
  std::set<const onnx::Node *> conditionNodes;
  {
    std::vector<std::string> work = {conditionOut};
    std::set<std::string> seen;
    while (!work.empty()) {
      std::string name = work.back();
      work.pop_back();
      if (!seen.insert(name).second || !producer.count(name))
        continue;
      const onnx::Node *inner = producer[name];
      conditionNodes.insert(inner);
      work.insert(work.end(), inner->inputs.begin(), inner->inputs.end());
    }
  }
  // What grows with the steps, through the condition's nodes.
  std::set<std::string> growing;
  for (const auto &[name, start] : counterAt)
    growing.insert(name);
  for (const onnx::Node &inner : body.nodes) {
    // (A condition that reads the steps' data cannot be known: the probe
    // below says so.)
    if ((!conditionNodes.count(&inner) && !counterUpdates.count(&inner)) ||
        loop.replaced.count(&inner))
      continue;
    bool fromCounter = llvm::any_of(inner.inputs, [&](const std::string &i) {
      return growing.count(i);
    });
    llvm::StringRef op = inner.opType;
    if (op == "Cast" || op == "Identity" || op == "Add") {
      // Counting on (Add: a counter's update by 1, checked above).
      if (fromCounter && (op != "Add" || counterUpdates.count(&inner)))
        growing.insert(inner.outputs.begin(), inner.outputs.end());
      else if (fromCounter)
        return fail(inner, "the Loop's condition adds to a counter other than by its update");
    } else if (op == "Less" || op == "LessOrEqual") {
      if (inner.inputs.size() != 2 || growing.count(inner.inputs[1]))
        return fail(inner, "the Loop's condition compares a counter from the right; only "
                           "counter < bound is supported");
    } else if (op == "Greater" || op == "GreaterOrEqual") {
      if (inner.inputs.size() != 2 || growing.count(inner.inputs[0]))
        return fail(inner, "the Loop's condition compares a counter from the left of a "
                           "Greater; only bound > counter is supported");
    } else if (op != "And" && op != "Constant" && !(op == "Squeeze" || op == "Unsqueeze")) {
      if (fromCounter)
        return fail(inner, "the Loop's condition computes '" + inner.opType +
                               "' from a counter; only comparisons with a bound are supported");
    }
  }
  std::map<std::string, Val> atLastCheck;
  for (const auto &[name, start] : counterAt)
    atLastCheck[name] = knownInts({start + steps - Expr(2)}, {});
  Val alwaysTrue = knownInts({Expr(1)}, {});
  alwaysTrue.elem = onnx::Bool;
  atLastCheck[body.inputs[1].name] = alwaysTrue;
  for (size_t i = 0; i < carried; ++i)
    if (kinds[i] == Invariant)
      atLastCheck[body.inputs[2 + i].name] = *in[2 + i];
  auto condition = probeKnown(body.nodes, conditionOut, atLastCheck);
  if (!condition || !isTrue(*condition))
    return fail(node, "the body's condition ('" + conditionOut +
                          "') is not known to stay true: the loop may stop early, which is "
                          "not supported");
  // Nothing else may read the counters: only the step reads, their
  // updates and the condition.
  for (const onnx::Node &inner : body.nodes) {
    if (loop.replaced.count(&inner) || counterUpdates.count(&inner) ||
        conditionNodes.count(&inner))
      continue;
    for (const std::string &i : inner.inputs)
      if (counterAt.count(i))
        return fail(inner, "reads the Loop's iteration number or a counter other than as "
                           "Gather(x, i) of a value from outside the body, which is not "
                           "supported");
  }
  loop.replaced.insert(counterUpdates.begin(), counterUpdates.end());
  loop.replaced.insert(conditionNodes.begin(), conditionNodes.end());
  loop.bodyConstants[body.inputs[1].name] = alwaysTrue;

  for (size_t i = 0; i < carried; ++i) {
    loop.carriedState.push_back(kinds[i] == State ? static_cast<int>(loop.inits.size()) : -1);
    if (kinds[i] != State)
      continue;
    loop.inits.push_back(in[2 + i]);
    loop.stateNames.push_back(body.inputs[2 + i].name);
    loop.stateOutputs.push_back(body.outputs[1 + i].name);
  }
  if (loop.inits.empty())
    return fail(node, "a Loop without loop-carried data is not supported: its per-step "
                      "outputs would not be states");
  for (size_t k = 1 + carried; k < body.outputs.size(); ++k) {
    loop.perStepOutputs.push_back(body.outputs[k].name);
    loop.perStepAxes.push_back(0);
  }
  // The counters' and invariants' final values, known without the loop.
  std::vector<Val> finals(carried);
  for (size_t i = 0; i < carried; ++i) {
    if (kinds[i] == Invariant) {
      finals[i] = *in[2 + i];
    } else if (kinds[i] == Counter) {
      finals[i] = *in[2 + i];
      finals[i].ints = llvm::SmallVector<Expr, 4>{starts[i] + steps};
    }
  }
  if (auto e = stepLoop(node, body, loop))
    return e;
  for (size_t i = 0; i < carried && i < node.outputs.size(); ++i)
    if (kinds[i] != State && !node.outputs[i].empty())
      values[node.outputs[i]] = finals[i];
  return llvm::Error::success();
}

llvm::Expected<const onnx::Graph *> Importer::bodyOf(const onnx::Node &node,
                                                      const BodySignature &signature) const {
  const onnx::Attribute *attribute = node.attribute("body");
  if (!attribute || !attribute->graph)
    return fail(node, "needs a body graph");
  const onnx::Graph &body = *attribute->graph;
  if (body.inputs.size() != signature.inputs)
    return fail(node, "the body takes " + countText(body.inputs.size(), "input") + " for " +
                          signature.inputRoles);
  size_t returned = body.outputs.size() - std::min(body.outputs.size(), signature.uncarriedOutputs);
  if (body.outputs.size() < signature.uncarriedOutputs + signature.carriedOutputs ||
      node.outputs.size() > returned)
    return fail(node, "the body yields " + countText(body.outputs.size(), "output") + " for " +
                          signature.outputRoles + " and the node's " +
                          countText(node.outputs.size(), "output"));
  // ONNX graphs assign each name once; a body that redefines one of its
  // inputs or its own values is malformed (which value would be meant?).
  std::set<std::string> defined;
  for (const onnx::ValueInfo &info : body.inputs)
    if (!defined.insert(info.name).second)
      return fail(node, "the body lists input '" + printable(info.name) + "' twice");
  for (const onnx::Node &inner : body.nodes)
    for (const std::string &o : inner.outputs)
      if (!o.empty() && !defined.insert(o).second)
        return fail(inner, "defines '" + printable(o) +
                               "', which the body already defines (ONNX assigns a name once)");
  return &body;
}

llvm::Error Importer::stepLoop(const onnx::Node &node, const onnx::Graph &body,
                               StepLoop &loop) {
  // nn.recur bodies hold no recurrence of their own.
  for (const onnx::Node &inner : body.nodes)
    if (llvm::is_contained({"Scan", "Loop", "LSTM", "GRU", "RNN"}, inner.opType))
      return fail(inner, "a recurrence inside a " + node.opType +
                             " body is not supported (nn.recur bodies do not nest)");
  size_t states = loop.inits.size(), scanOutputs = loop.perStepOutputs.size();
  const Expr &steps = loop.steps;
  bool reverse = loop.reverse;
  // Inputs of the nn.recur: the step inputs as sequences [e..., n, e_last]
  // (steps of a vector: [n, 1]), and the initial states.
  std::vector<std::string> seqNames, seqTypes, initNames, initTypes;
  std::vector<Shape> elementShapes, stateShapes;
  for (auto [j, input] : llvm::enumerate(loop.stepInputs)) {
    Val &x = *input.value;
    unsigned axis = input.axis;
    Shape element = x.shape;
    element.erase(element.begin() + axis);
    Val seq;
    if (element.empty()) {
      element = {Expr(1)};
      auto v = viewAs(node, x, {steps, Expr(1)});
      if (!v)
        return v.takeError();
      seq = *v;
    } else {
      std::vector<int64_t> perm;
      for (unsigned a = 0; a < x.rank(); ++a)
        if (a != axis)
          perm.push_back(a);
      perm.insert(perm.begin() + (perm.size() - 1), axis);
      auto v = permuted(node, x, perm, "steps");
      if (!v)
        return v.takeError();
      seq = *v;
    }
    if (positionOf(element))
      return fail(node, "input " + llvm::Twine(j) + " has steps of shape " +
                            shapeText(element) + ", which depends on the positions");
    auto name = use(node, seq);
    if (!name)
      return name.takeError();
    seqNames.push_back(*name);
    seqTypes.push_back(typeOf(seq));
    elementShapes.push_back(element);
  }
  for (size_t i = 0; i < states; ++i) {
    Val &init = *loop.inits[i];
    if (positionOf(init.shape))
      return fail(node, "state " + llvm::Twine(i) + " has shape " + shapeText(init.shape) +
                            ", which depends on the positions");
    auto name = use(node, init);
    if (!name)
      return name.takeError();
    initNames.push_back(*name);
    initTypes.push_back(typeOf(init.shape, onnx::Float));
    stateShapes.push_back(init.shape);
  }

  // The body, translated into ops of its own; the scope is restored after
  // (values first used inside it must not leak out).
  std::map<std::string, Val> outerValues = values;
  std::vector<std::string> bodyInitializers;
  for (const onnx::Tensor &t : body.initializers)
    if (initializers.emplace(t.name, &t).second)
      bodyInitializers.push_back(t.name);
  std::vector<std::string> argNames, argTypes;
  auto bind = [&](const std::string &name, const Shape &shape, llvm::StringRef hint) {
    Val v;
    v.shape = shape;
    v.ssa = fresh(hint);
    argNames.push_back(v.ssa);
    argTypes.push_back(typeOf(shape, onnx::Float));
    values[name] = std::move(v);
  };
  // The body's declared shapes are checked as the graph's are.
  std::vector<std::string> bodyDeclared;
  for (const auto *infos : {&body.inputs, &body.valueInfos, &body.outputs})
    for (const onnx::ValueInfo &info : *infos)
      if (declared.emplace(info.name, &info).second)
        bodyDeclared.push_back(info.name);
  // nn.recur's body takes each input's step, then the states.
  llvm::Error boundError = llvm::Error::success();
  for (auto [j, input] : llvm::enumerate(loop.stepInputs)) {
    bind(input.bodyName, elementShapes[j], "step");
    if (!boundError)
      boundError = checkDeclared(node, input.bodyName, elementShapes[j]);
  }
  for (size_t i = 0; i < states; ++i) {
    bind(loop.stateNames[i], stateShapes[i], "state");
    if (!boundError)
      boundError = checkDeclared(node, loop.stateNames[i], stateShapes[i]);
  }
  for (auto &[name, v] : loop.bodyConstants)
    values[name] = v;
  std::vector<Emitted> outerOps;
  std::swap(ops, outerOps);
  std::string module = currentModule;
  bool unscoped = currentUnscoped;
  auto translateBody = [&]() -> llvm::Error {
    for (const onnx::Node &inner : body.nodes)
      if (!loop.replaced.count(&inner))
        if (auto e = translate(inner))
          return e;
    return llvm::Error::success();
  };
  llvm::Error bodyError = boundError ? std::move(boundError) : translateBody();
  currentModule = module;
  currentUnscoped = unscoped;
  // What the body yields: the states' new values, which the per-step
  // outputs must be.
  std::vector<std::string> yields, yieldTypes;
  for (size_t i = 0; !bodyError && i < states; ++i) {
    const std::string &name = loop.stateOutputs[i];
    auto it = values.find(name);
    if (it == values.end()) {
      bodyError = fail(node, "the body never computes its output '" + name + "'");
      break;
    }
    if (Shape(it->second.shape) != stateShapes[i]) {
      bodyError = fail(node, "the body's state " + llvm::Twine(i) + " ('" + name +
                                 "') has shape " + shapeText(it->second.shape) +
                                 ", its initial value " + shapeText(stateShapes[i]));
      break;
    }
    auto ssa = use(node, it->second);
    if (!ssa) {
      bodyError = ssa.takeError();
      break;
    }
    yields.push_back(*ssa);
    yieldTypes.push_back(initTypes[i]);
  }
  std::vector<size_t> stateOfOutput;
  for (size_t k = 0; !bodyError && k < scanOutputs; ++k) {
    const std::string &name = loop.perStepOutputs[k];
    auto it = values.find(name);
    std::optional<size_t> state;
    for (size_t i = 0; i < states && it != values.end(); ++i)
      if (loop.stateOutputs[i] == name || it->second.ssa == yields[i])
        state = i;
    if (!state) {
      bodyError = fail(node, "per-step output " + llvm::Twine(k) + " ('" + name +
                                 "') is not one of the body's states; only a " + node.opType +
                                 " whose per-step outputs are states is supported");
      break;
    }
    stateOfOutput.push_back(*state);
  }
  std::vector<Emitted> bodyOps;
  std::swap(ops, bodyOps);
  ops = std::move(outerOps);
  restoreValues(outerValues);
  for (const std::string &name : bodyInitializers)
    initializers.erase(name);
  for (const std::string &name : bodyDeclared)
    declared.erase(name);
  if (bodyError)
    return bodyError;

  // Parameters and constants read in the body are declared before the
  // recurrence; its other ops are its body, and what they read from
  // outside are its operands.
  std::set<std::string> defined(argNames.begin(), argNames.end()), neededSet;
  std::vector<std::string> needed;
  auto need = [&](const std::string &name) {
    if (!defined.count(name) && neededSet.insert(name).second)
      needed.push_back(name);
  };
  std::string bodyText;
  for (Emitted &e : bodyOps) {
    if (e.hoistable) {
      ops.push_back(std::move(e));
      continue;
    }
    for (const std::string &o : e.operands)
      need(o);
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(e.text).split(lines, '\n');
    bodyText += "  " + llvm::join(e.results, ", ") + " = ";
    for (size_t l = 0; l < lines.size(); ++l)
      bodyText += (l ? "\n  " : "") + lines[l].str();
    bodyText += "\n";
    defined.insert(e.results.begin(), e.results.end());
  }
  for (const std::string &y : yields)
    need(y);

  Emitted e;
  e.module = module;
  e.unscoped = unscoped;
  std::vector<Val> sequences(states);
  for (size_t i = 0; i < states; ++i) {
    Shape seqShape = stateShapes[i];
    seqShape.insert(seqShape.end() - 1, steps);
    sequences[i].shape = seqShape;
    sequences[i].ssa = fresh("scan");
    e.results.push_back(sequences[i].ssa);
    e.resultTypes.push_back(typeOf(seqShape, onnx::Float));
  }
  e.operands = seqNames;
  llvm::append_range(e.operands, initNames);
  llvm::append_range(e.operands, needed);
  std::vector<std::string> args;
  for (auto [name, type] : llvm::zip(argNames, argTypes))
    args.push_back(name + ": " + type);
  e.text = "nn.recur (" + llvm::join(seqNames, ", ") + ") init (" + llvm::join(initNames, ", ") +
           ")" + (reverse ? " {reverse}" : "") + " : (" + llvm::join(seqTypes, ", ") +
           ") init (" + llvm::join(initTypes, ", ") + ") -> " + llvm::join(e.resultTypes, ", ") +
           " {\n^bb0(" + llvm::join(args, ", ") + "):\n" + bodyText + "  nn.yield " +
           llvm::join(yields, ", ") + " : " + llvm::join(yieldTypes, ", ") + "\n}";
  ops.push_back(std::move(e));

  // Outputs: each state's final value (its last step: the first position
  // for a reverse scan), then the per-step outputs with the steps at
  // their scan_output_axes.
  std::vector<int> carriedState = loop.carriedState;
  if (carriedState.empty())
    for (size_t i = 0; i < states; ++i)
      carriedState.push_back(static_cast<int>(i));
  for (size_t o = 0; o < node.outputs.size(); ++o) {
    if (node.outputs[o].empty() || (o < carriedState.size() && carriedState[o] < 0))
      continue;
    Val result;
    if (o < carriedState.size()) {
      Val &seq = sequences[carriedState[o]];
      auto last = extract(node, seq, seq.rank() - 2, reverse ? Expr(0) : steps - Expr(1),
                          Expr(1), "last");
      if (!last)
        return last.takeError();
      auto v = viewAs(node, *last, stateShapes[carriedState[o]]);
      if (!v)
        return v.takeError();
      result = *v;
    } else {
      size_t k = o - carriedState.size();
      Val &seq = sequences[stateOfOutput[k]];
      unsigned rank = seq.rank(), stepAxis = rank - 2;
      auto axis = axisOf(node, loop.perStepAxes[k], rank);
      if (!axis)
        return axis.takeError();
      // The sequence's axes: the state's, with the steps before its last.
      std::vector<int64_t> perm;
      for (unsigned a = 0, stateAxis = 0; a < rank; ++a) {
        if (a == *axis) {
          perm.push_back(stepAxis);
          continue;
        }
        perm.push_back(stateAxis < rank - 2 ? stateAxis : rank - 1);
        ++stateAxis;
      }
      auto v = permuted(node, seq, perm, node.outputs[o]);
      if (!v)
        return v.takeError();
      result = *v;
    }
    if (auto e = checkDeclared(node, node.outputs[o], result.shape))
      return e;
    values[node.outputs[o]] = std::move(result);
  }
  return llvm::Error::success();
}

llvm::Error Importer::translateData(const onnx::Node &node, Inputs &in,
                                    const std::vector<Shape> &shapes) {
  llvm::StringRef op = node.opType;
  // Arithmetic on integer data (token ids) is not a cost costopt models:
  // these operators read floating-point values.
  static const llvm::StringSet<> floatOnly = {
      "MatMul", "Gemm", "Conv", "ConvTranspose", "Einsum", "LSTM", "GRU", "RNN", "Attention",
      "MultiHeadAttention", "GroupQueryAttention", "Softmax", "LogSoftmax", "LayerNormalization",
      "BatchNormalization", "InstanceNormalization", "GroupNormalization",
      "RMSNormalization", "SimplifiedLayerNormalization", "ReduceMean", "ReduceSum",
      "ReduceMax", "ReduceL2", "ReduceSumSquare"};
  // Integer inputs that are not operands: GroupQueryAttention's sequence
  // lengths (inputs 5 and 6), a reduction's axes (input 1). Weights count
  // whatever their class: a small integer initializer is known, not data.
  auto operand = [&](size_t i) {
    if (op == "GroupQueryAttention")
      return i < 5;
    if (op.starts_with("Reduce"))
      return i == 0;
    // A recurrence's sequence_lens (refused with its own message).
    if (op == "LSTM" || op == "GRU" || op == "RNN")
      return i != 4;
    return true;
  };
  if (floatOnly.contains(op))
    for (auto [i, v] : llvm::enumerate(in))
      if (v && operand(i) && !v->isFloat() && v->elem != onnx::Bool)
        return fail(node, "input " + llvm::Twine(i) + " holds " + onnx::dataTypeName(v->elem) +
                              " data; this operator is counted on floating-point values");
  auto define = [&](unsigned i, Val v) {
    if (i < node.outputs.size() && !node.outputs[i].empty())
      values[node.outputs[i]] = std::move(v);
  };
  auto done = [&](llvm::Expected<Val> v) -> llvm::Error {
    if (!v)
      return v.takeError();
    define(0, std::move(*v));
    return llvm::Error::success();
  };

  if (op == "Cast" || op == "CastLike") {
    if (op == "CastLike" && (in.size() < 2 || !in[1]))
      return fail(node, "needs the tensor whose type to take");
    int32_t to = op == "CastLike" ? in[1]->elem
                                  : static_cast<int32_t>(intAttr(node, "to", onnx::Float));
    Val probe;
    probe.elem = to;
    if (probe.isFloat() && !in[0]->isFloat() && in[0]->elem != onnx::Bool) {
      // Integers (an attention mask's 0/1) become floats: a copy.
      auto r = map(node, {in[0]}, shapes[0],
                   [](Body &, llvm::ArrayRef<std::string> a) { return a[0]; });
      if (!r)
        return r.takeError();
      r->elem = to;
      define(0, *r);
      return llvm::Error::success();
    }
    Val v = *in[0];
    // Precision changes do not change counts, and a value keeps the nn type
    // it was written with: floats cast to integers stay values (an index
    // computed from data is not supported further on).
    if (!v.isFloat() && v.elem != onnx::Bool && !probe.isFloat() && to != onnx::Bool)
      v.elem = to;
    define(0, v);
    return llvm::Error::success();
  }
  if (op == "Identity" || op == "Dropout") {
    define(0, *in[0]);
    return llvm::Error::success();
  }
  if (op == "MatMul")
    return done(contract(node, *in[0], *in[1], nullptr, false, false, shapes[0]));
  if (op == "Gemm") {
    float alpha = floatAttr(node, "alpha", 1.0f), beta = floatAttr(node, "beta", 1.0f);
    Val *bias = in.size() > 2 ? in[2] : nullptr;
    if (bias && beta != 1.0f)
      return fail(node, "beta " + std::to_string(beta) + " (only 1 is supported)");
    if (bias && bias->cls == Val::Known)
      return fail(node, "a constant C");
    auto r = contract(node, *in[0], *in[1], bias, intAttr(node, "transA", 0),
                      intAttr(node, "transB", 0), shapes[0]);
    if (!r || alpha == 1.0f)
      return done(std::move(r));
    Val scaled;
    scaled.cls = Val::Known;
    scaled.floats = std::vector<double>{alpha};
    return done(map(node, {&*r, &scaled}, shapes[0], [](Body &b, llvm::ArrayRef<std::string> a) {
      return b.binary("arith.mulf", a[0], a[1]);
    }));
  }
  if (op == "Conv" || op == "ConvTranspose")
    return done(conv(node, *in[0], *in[1], in.size() > 2 ? in[2] : nullptr, shapes[0],
                     op == "ConvTranspose"));
  if (op == "LSTM" || op == "GRU" || op == "RNN")
    return recurrent(node, in);
  if (op == "Einsum")
    return done(einsum(node, *in[0], *in[1], shapes[0]));
  if (op == "GroupQueryAttention") {
    // com.microsoft's: always causal, Q/K/V as [b, n, heads·e].
    if (in.size() < 3 || !in[0] || !in[1] || !in[2])
      return fail(node, "needs query, key and value (packed QKV is not supported)");
    // seqlens_k and total_sequence_length (inputs 5 and 6) describe padding
    // within the batch: every sequence is taken to fill it.
    for (unsigned i = 7; i < in.size(); ++i)
      if (in[i])
        return fail(node, "input " + llvm::Twine(i) +
                              " (rotary caches, position ids, attention bias, head sink) is "
                              "not supported");
    for (llvm::StringRef unsupported : {"do_rotary", "smooth_softmax", "qk_output"})
      if (intAttr(node, unsupported, 0) != 0)
        return fail(node, unsupported + llvm::Twine(" is not supported"));
    if (intAttr(node, "local_window_size", -1) != -1)
      return fail(node, "local_window_size (sliding-window attention) is not supported");
    if (node.attribute("softcap") && node.attribute("softcap")->f != 0)
      return fail(node, "softcap is not supported");
    std::optional<double> scale;
    if (const onnx::Attribute *a = node.attribute("scale"); a && a->f != 0)
      scale = a->f;
    Val q = *in[0], k = *in[1], v = *in[2];
    // past_key and past_value: the cache, [b, kv heads, past, e].
    return attention(node, q, k, v, nullptr, intAttr(node, "num_heads", 0),
                     intAttr(node, "kv_num_heads", 0), /*causal=*/true, scale,
                     in.size() > 3 ? in[3] : nullptr, in.size() > 4 ? in[4] : nullptr);
  }
  if (op == "Attention" || op == "MultiHeadAttention") {
    bool mha = op == "MultiHeadAttention";
    if (in.size() < 3 || !in[0] || !in[1] || !in[2])
      return fail(node, "needs Q, K and V (packed QKV is not supported)");
    // Attention: 3 attn_mask, 4 and 5 the cache, 6 nonpad_kv_seqlen (opset
    // 24). MultiHeadAttention: 3 bias, 4 key_padding_mask, 5 attention_bias,
    // 6 and 7 the cache, 8 past_sequence_length, 9 cache_indirection.
    unsigned pastAt = mha ? 6 : 4;
    for (unsigned i = mha ? 4 : 6; i < in.size(); ++i)
      if (in[i] && i != pastAt && i != pastAt + 1)
        return fail(node, "input " + llvm::Twine(i) +
                              (mha ? " (padding masks, attention bias, past_sequence_length, "
                                     "cache_indirection)"
                                   : " (nonpad_kv_seqlen)") +
                              " is not supported");
    Val *pastKey = in.size() > pastAt ? in[pastAt] : nullptr;
    Val *pastValue = in.size() > pastAt + 1 ? in[pastAt + 1] : nullptr;
    std::optional<double> scale;
    if (const onnx::Attribute *a = node.attribute("scale"); a && a->f != 0)
      scale = a->f;
    if (node.attribute("softcap") && node.attribute("softcap")->f != 0)
      return fail(node, "softcap is not supported");
    if (intAttr(node, "qk_matmul_output_mode", 0) != 0)
      return fail(node, "qk_matmul_output_mode is not supported");
    Val *mask = nullptr;
    Val q = *in[0], k = *in[1], v = *in[2];
    if (mha) {
      if (in.size() > 3 && in[3]) {
        // One bias [3·d] for Q, K and V.
        Val &bias = *in[3];
        Expr offset;
        for (Val *x : {&q, &k, &v}) {
          Expr width = x->shape.back();
          auto piece = extract(node, bias, 0, offset, width, "bias");
          if (!piece)
            return piece.takeError();
          auto added = map(node, {x, &*piece}, x->shape,
                           [](Body &body, llvm::ArrayRef<std::string> a) {
                             return body.binary("arith.addf", a[0], a[1]);
                           });
          if (!added)
            return added.takeError();
          *x = *added;
          offset += width;
        }
      }
      int64_t heads = intAttr(node, "num_heads", 0);
      return attention(node, q, k, v, nullptr, heads, heads, intAttr(node, "unidirectional", 0),
                       scale, pastKey, pastValue);
    }
    if (in.size() > 3 && in[3])
      mask = in[3];
    return attention(node, q, k, v, mask, intAttr(node, "q_num_heads", 0),
                     intAttr(node, "kv_num_heads", 0), intAttr(node, "is_causal", 0), scale,
                     pastKey, pastValue);
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    auto axis = axisOf(node, intAttr(node, "axis", -1), in[0]->rank());
    if (!axis)
      return axis.takeError();
    return done(softmax(node, *in[0], *axis, op == "LogSoftmax"));
  }
  if (op == "LayerNormalization" || op == "SimplifiedLayerNormalization" ||
      op == "RMSNormalization") {
    auto axis = axisOf(node, intAttr(node, "axis", -1), in[0]->rank());
    if (!axis)
      return axis.takeError();
    for (size_t i = 1; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty())
        return fail(node, "the mean and inverse standard deviation outputs (training) are "
                          "not supported");
    return done(normalize(node, *in[0], in.size() > 1 ? in[1] : nullptr,
                          in.size() > 2 ? in[2] : nullptr, *axis,
                          floatAttr(node, "epsilon", 1e-5f), op == "LayerNormalization"));
  }
  if (op == "BatchNormalization" || op == "InstanceNormalization" ||
      op == "GroupNormalization") {
    // [N, C, spatial...]; per-channel tensors [C] broadcast as [C, 1, ...].
    Val &x = *in[0];
    if (x.rank() < 2)
      return fail(node, "X must be [batch, channels, ...]");
    Expr channels = x.shape[1];
    unsigned inner = x.rank() - 2;
    auto perChannel = [&](unsigned i, llvm::StringRef what) -> llvm::Expected<Val> {
      if (i >= in.size() || !in[i])
        return fail(node, "needs " + what);
      Val &p = *in[i];
      if (Shape(p.shape) != Shape{channels})
        return fail(node, what + " has shape " + shapeText(p.shape) + ", expected [" +
                              sizeText(channels) + "]");
      Shape shape = {channels};
      shape.append(inner, Expr(1));
      return viewAs(node, p, shape);
    };
    double epsilon = floatAttr(node, "epsilon", 1e-5f);
    if (op == "BatchNormalization") {
      if (intAttr(node, "training_mode", 0) != 0)
        return fail(node, "training_mode (batch statistics) is not supported; export in "
                          "eval mode");
      for (size_t i = 1; i < node.outputs.size(); ++i)
        if (!node.outputs[i].empty())
          return fail(node, "the running statistics outputs (training) are not supported");
      // The running mean and variance are statistics, not trained: fixed
      // tensors whatever their names.
      for (unsigned i : {3u, 4u})
        if (i < in.size() && in[i] && in[i]->weight && !in[i]->initializer.empty()) {
          bufferNames.insert(in[i]->initializer);
          in[i]->cls = Val::Fixed;
          in[i]->weight = false;
          in[i]->initializer.clear();
        }
      auto scale = perChannel(1, "scale");
      if (!scale)
        return scale.takeError();
      auto bias = perChannel(2, "B");
      if (!bias)
        return bias.takeError();
      auto mean = perChannel(3, "input_mean");
      if (!mean)
        return mean.takeError();
      auto var = perChannel(4, "input_var");
      if (!var)
        return var.takeError();
      // 1/√(var + ε) per channel, then (x − mean)·that·scale + B per element.
      auto rstd = map(node, {&*var}, var->shape, [&](Body &b, llvm::ArrayRef<std::string> a) {
        return b.unary("math.rsqrt", b.binary("arith.addf", a[0], b.constant(epsilon)));
      });
      if (!rstd)
        return rstd.takeError();
      return done(map(node, {&x, &*mean, &*rstd, &*scale, &*bias}, x.shape,
                      [](Body &b, llvm::ArrayRef<std::string> a) {
                        std::string v = b.binary("arith.subf", a[0], a[1]);
                        v = b.binary("arith.mulf", v, a[2]);
                        v = b.binary("arith.mulf", v, a[3]);
                        return b.binary("arith.addf", v, a[4]);
                      }));
    }
    auto scale = perChannel(1, "scale");
    if (!scale)
      return scale.takeError();
    auto bias = perChannel(2, "B");
    if (!bias)
      return bias.takeError();
    if (op == "InstanceNormalization") {
      // Statistics per sample and channel, over the spatial axes.
      if (inner == 0)
        return fail(node, "X needs spatial axes");
      return done(normalize(node, x, &*scale, &*bias, 2, epsilon, /*centre=*/true));
    }
    // GroupNormalization: statistics per sample and group of channels.
    int64_t groups = intAttr(node, "num_groups", 0);
    auto perGroup = groups > 0 ? divideExactly(channels, Expr(groups)) : std::nullopt;
    if (!perGroup)
      return fail(node, "num_groups (" + llvm::Twine(groups) + ") must be positive and divide the " +
                            sizeText(channels) + " channels");
    if (intAttr(node, "stash_type", 1) != 1)
      return fail(node, "stash_type other than float is not supported");
    if (defaultOpset < 21)
      return fail(node, "GroupNormalization before opset 21 scales per group, not per channel; "
                        "export with opset 21 or later");
    Shape grouped = {x.shape[0], Expr(groups),
                     *perGroup * product(llvm::ArrayRef(x.shape).drop_front(2))};
    auto g = viewAs(node, x, grouped);
    if (!g)
      return g.takeError();
    auto normalized = normalize(node, *g, nullptr, nullptr, 2, epsilon, /*centre=*/true);
    if (!normalized)
      return normalized.takeError();
    auto n = viewAs(node, *normalized, x.shape);
    if (!n)
      return n.takeError();
    return done(map(node, {&*n, &*scale, &*bias}, x.shape,
                    [](Body &b, llvm::ArrayRef<std::string> a) {
                      return b.binary("arith.addf", b.binary("arith.mulf", a[0], a[1]), a[2]);
                    }));
  }
  if (op.starts_with("Reduce")) {
    auto axes = axesOf(node, in, 1, in[0]->rank(), intAttr(node, "noop_with_empty_axes", 0) == 0);
    if (!axes)
      return axes.takeError();
    if (axes->empty()) {
      define(0, *in[0]);
      return llvm::Error::success();
    }
    bool keep = intAttr(node, "keepdims", 1) != 0;
    if (op == "ReduceSum" || op == "ReduceMean")
      return done(reduce(node, *in[0], *axes, "sum", keep, op == "ReduceMean"));
    if (op == "ReduceMax")
      return done(reduce(node, *in[0], *axes, "max", keep, false));
    if (op == "ReduceSumSquare" || op == "ReduceL2") {
      auto sq = map(node, {in[0]}, in[0]->shape, [](Body &b, llvm::ArrayRef<std::string> a) {
        return b.binary("arith.mulf", a[0], a[0]);
      });
      if (!sq)
        return sq.takeError();
      auto s = reduce(node, *sq, *axes, "sum", keep, false);
      if (!s || op == "ReduceSumSquare")
        return done(std::move(s));
      return done(map(node, {&*s}, s->shape, [](Body &b, llvm::ArrayRef<std::string> a) {
        return b.unary("math.sqrt", a[0]);
      }));
    }
    return fail(node, "unsupported reduction '" + op + "'");
  }
  if (op == "Transpose") {
    Val &x = *in[0];
    std::vector<int64_t> perm;
    if (const onnx::Attribute *a = node.attribute("perm"))
      perm = a->ints;
    else
      for (unsigned i = x.rank(); i-- > 0;)
        perm.push_back(i);
    if (llvm::equal(perm, llvm::seq<int64_t>(0, x.rank()))) {
      define(0, x);
      return llvm::Error::success();
    }
    if (x.weight) {
      // A weight's transpose is read through the contraction's maps.
      Val v = x;
      llvm::SmallVector<unsigned, 4> stored(x.rank());
      for (unsigned i = 0; i < x.rank(); ++i)
        stored[i] = x.weightPerm.empty() ? perm[i] : x.weightPerm[perm[i]];
      v.weightPerm = stored;
      v.shape = shapes[0];
      v.type.clear();
      define(0, v);
      return llvm::Error::success();
    }
    auto xName = use(node, x);
    if (!xName)
      return xName.takeError();
    std::vector<std::string> p;
    for (int64_t i : perm)
      p.push_back(std::to_string(i));
    Val v;
    v.elem = x.elem;
    v.shape = shapes[0];
    v.type.clear();
    v.ssa = emit(shapes[0], x.elem,
                 "nn.transpose " + *xName + " {permutation = [" + llvm::join(p, ", ") + "]} : " +
                     typeOf(x) + " -> " + typeOf(shapes[0], x.elem),
                 {*xName}, node.outputs[0]);
    define(0, v);
    return llvm::Error::success();
  }
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze") {
    auto v = viewAs(node, *in[0], shapes[0]);
    if (!v)
      return v.takeError();
    define(0, *v);
    return llvm::Error::success();
  }
  if (op == "Expand") {
    if (Shape(in[0]->shape) == shapes[0]) {
      define(0, *in[0]);
      return llvm::Error::success();
    }
    // A broadcast copy: data movement, no arithmetic.
    return done(map(node, {in[0]}, shapes[0],
                    [](Body &, llvm::ArrayRef<std::string> a) { return a[0]; }));
  }
  if (op == "Gather") {
    Val &table = *in[0], &ids = *in[1];
    auto axis = axisOf(node, intAttr(node, "axis", 0), table.rank());
    if (!axis)
      return axis.takeError();
    // Rows s..s+k-1 of a table (positions read through a Range, from the
    // cache's length when there is one): a slice, checked to end within
    // the table at every evaluated point.
    if (ids.cls == Val::Fixed && ids.iotaStart && *axis == 0) {
      Expr end = *ids.iotaStart + product(ids.shape);
      if (sym::decideSign(table.shape[0] - end, lowerBounds) == sym::Sign::Negative)
        return fail(node, "reads rows " + sizeText(*ids.iotaStart) + " to " +
                              sizeText(end - Expr(1)) + " of a table of " +
                              sizeText(table.shape[0]) + " rows");
      return done(sliceAs(node, table, 0, *ids.iotaStart, product(ids.shape), shapes[0]));
    }
    // A constant index: one entry of an axis (BERT's first token).
    if (ids.cls == Val::Known && ids.ints && ids.ints->size() == 1) {
      auto idx = constantOf((*ids.ints)[0]);
      if (!idx)
        return fail(node, "the index is a formula (" + sizeText((*ids.ints)[0]) +
                              "); only numbers are supported");
      Expr extent = table.shape[*axis];
      Expr start = *idx >= 0 ? Expr(*idx) : extent + Expr(*idx);
      return done(sliceAs(node, table, *axis, start, Expr(1), shapes[0]));
    }
    // An embedding lookup (by token ids, or by fixed ids such as BERT's
    // token types).
    if (*axis == 0 && table.rank() == 2 && ids.cls != Val::Known && !ids.isFloat()) {
      auto t = use(node, table);
      if (!t)
        return t.takeError();
      auto i = use(node, ids);
      if (!i)
        return i.takeError();
      Val v;
      v.shape = shapes[0];
      v.type.clear();
      v.ssa = emit(shapes[0], onnx::Float,
                   "nn.gather " + *t + ", " + *i + " : " + typeOf(table) + ", " + typeOf(ids) +
                       " -> " + typeOf(shapes[0], onnx::Float),
                   {*t, *i}, node.outputs[0]);
      define(0, v);
      return llvm::Error::success();
    }
    return fail(node, "only embedding lookups (a [rows, width] table by token ids), rows "
                      "0..k-1 of a table, and constant indices are supported");
  }
  if (op == "Split") {
    auto axis = axisOf(node, intAttr(node, "axis", 0), in[0]->rank());
    if (!axis)
      return axis.takeError();
    Expr offset;
    for (size_t i = 0; i < shapes.size(); ++i) {
      auto piece = extract(node, *in[0], *axis, offset, shapes[i][*axis], node.outputs[i]);
      if (!piece)
        return piece.takeError();
      define(i, *piece);
      offset += shapes[i][*axis];
    }
    return llvm::Error::success();
  }
  if (op == "Slice") {
    auto axes = sliceAxes(node, in);
    if (!axes)
      return axes.takeError();
    Val v = *in[0];
    for (const SliceAxis &a : *axes) {
      if (a.step == 1) {
        auto piece = extract(node, v, a.axis, a.start, a.length);
        if (!piece)
          return piece.takeError();
        v = *piece;
        continue;
      }
      // Every step-th entry: length·step entries from the start rounded
      // down to a multiple of the step, viewed as [length, step], the entry
      // at the start's remainder in each step.
      int64_t start = *constantOf(a.start), remainder = start % a.step;
      Expr base(start - remainder), span = a.length * Expr(a.step), extent = v.shape[a.axis];
      auto fits = sym::evaluateApprox(extent - base - span, {});
      bool inside = extent - base - span == Expr(0) || (fits && *fits >= 0);
      if (!fits)
        llvm::consumeError(fits.takeError());
      if (!inside)
        return fail(node, "a strided slice whose last step runs past the axis (" +
                              sizeText(span) + " entries from " + sizeText(base) + " of " +
                              sizeText(extent) + ") is not supported");
      auto piece = extract(node, v, a.axis, base, span);
      if (!piece)
        return piece.takeError();
      Shape split = piece->shape;
      split[a.axis] = a.length;
      split.insert(split.begin() + a.axis + 1, Expr(a.step));
      auto grouped = viewAs(node, *piece, split);
      if (!grouped)
        return grouped.takeError();
      Shape taken = piece->shape;
      taken[a.axis] = a.length;
      auto first = sliceAs(node, *grouped, a.axis + 1, Expr(remainder), Expr(1), taken);
      if (!first)
        return first.takeError();
      v = *first;
    }
    define(0, v);
    return llvm::Error::success();
  }
  if (op == "Concat") {
    std::vector<std::string> names, types;
    Val *first = nullptr;
    for (Val *v : in) {
      if (!v)
        continue;
      if (!first)
        first = v;
      auto n = use(node, *v);
      if (!n)
        return n.takeError();
      names.push_back(*n);
      types.push_back(typeOf(*v));
    }
    auto axis = axisOf(node, intAttr(node, "axis", 0), first->rank());
    if (!axis)
      return axis.takeError();
    Val v;
    v.elem = first->elem;
    v.shape = shapes[0];
    v.type.clear();
    v.ssa = emit(shapes[0], v.elem,
                 "nn.concat " + llvm::join(names, ", ") + " {dim = " + std::to_string(*axis) +
                     "} : " + llvm::join(types, ", ") + " -> " + typeOf(shapes[0], v.elem),
                 names, node.outputs[0]);
    define(0, v);
    return llvm::Error::success();
  }
  return done(elementwise(node, in, shapes[0]));
}

std::optional<Shape> Importer::declaredShapeOf(const std::string &name) {
  auto it = declared.find(name);
  if (it == declared.end() || !it->second->shape)
    return std::nullopt;
  auto shape = declaredShape(*it->second, /*create=*/false);
  if (!shape) {
    llvm::consumeError(shape.takeError());
    return std::nullopt;
  }
  return *shape;
}

llvm::Error Importer::checkDeclared(const onnx::Node &node, const std::string &name,
                                    const Shape &shape) {
  auto it = declared.find(name);
  if (it == declared.end() || !it->second->shape)
    return llvm::Error::success();
  // A scalar is [1] here (as the graph's scalar inputs are).
  if (it->second->shape->empty() && shape == Shape{Expr(1)})
    return llvm::Error::success();
  if (it->second->shape->size() != shape.size())
    return fail(node, "computes '" + name + "' with shape " + shapeText(shape) +
                          ", but the model declares rank " +
                          llvm::Twine(it->second->shape->size()));
  for (auto [i, dim] : llvm::enumerate(*it->second->shape)) {
    std::optional<Expr> expected;
    if (dim.value) {
      // Exporters write 0 where they do not know a size.
      if (*dim.value == 0 && shape[i] != Expr(0))
        continue;
      expected = Expr(*dim.value);
    } else if (!dim.param.empty()) {
      auto s = symbolOf.find(dim.param);
      if (s != symbolOf.end()) {
        expected = Expr::symbol(s->second);
      } else {
        auto parsed = sym::parse(dim.param);
        if (!parsed) {
          llvm::consumeError(parsed.takeError());
          continue;
        }
        bool known = llvm::all_of(parsed->getSymbols(), [&](const std::string &sym) {
          return llvm::is_contained(symbols, sym);
        });
        if (!known)
          continue; // a size the exporter named on its own (s0, unk__3)
        expected = *parsed;
      }
    }
    if (expected && *expected != shape[i])
      return fail(node, "computes '" + name + "' with shape " + shapeText(shape) +
                            ", but the model declares dimension " + llvm::Twine(i) + " as " +
                            sizeText(*expected));
  }
  return llvm::Error::success();
}

llvm::Expected<Val *> Importer::input(const onnx::Node &node, const std::string &name) {
  if (name.empty())
    return nullptr;
  auto it = values.find(name);
  if (it != values.end())
    return &it->second;
  auto init = initializers.find(name);
  if (init == initializers.end())
    return fail(node, "input '" + name + "' is not defined before the node (the graph "
                      "is not in topological order, or the name is wrong)");
  // Initializers: small integer tensors and float scalars are known;
  // other integer or buffer tensors are fixed; float tensors are
  // trained weights.
  const onnx::Tensor &t = *init->second;
  Val v;
  for (int64_t d : t.dims)
    v.shape.push_back(Expr(d));
  v.elem = t.dataType;
  auto count = t.elementCount();
  if (!count)
    return count.takeError();
  bool isFloat = v.isFloat();
  if (!isFloat && *count <= 64 && t.hasInlineData) {
    auto ints = t.integers(64);
    if (!ints)
      return fail(node, llvm::toString(ints.takeError()));
    v.cls = Val::Known;
    v.ints.emplace();
    for (int64_t i : *ints)
      v.ints->push_back(Expr(i));
  } else if (isFloat && *count == 1 && t.hasInlineData && !t.external &&
             (looksGenerated(t.name) || model.producerName == "jax2onnx")) {
    // jax2onnx names every initializer after its use (kernel2d_0,
    // dpa_scale_0), never after a module, and hoists every scalar literal:
    // its one-element initializers are constants.
    auto floats = t.floats(1);
    if (!floats) {
      llvm::consumeError(floats.takeError());
      v.cls = Val::Fixed; // a float16 scalar: its value is not needed
    } else {
      v.cls = Val::Known;
      v.floats = *floats;
    }
  } else if (!isFloat || isBufferName(t.name)) {
    v.cls = Val::Fixed;
    bufferNames.insert(t.name);
    // Position ids stored as a buffer: 0, 1, ..., k − 1.
    if (!isFloat && t.inlineKept) {
      if (auto ints = t.integers(static_cast<int64_t>(onnx::kMaxKeptBytes))) {
        bool iota = llvm::count_if(v.shape, [](const Expr &e) { return e != Expr(1); }) <= 1;
        for (size_t i = 0; i < ints->size() && iota; ++i)
          iota = (*ints)[i] == static_cast<int64_t>(i);
        if (iota)
          v.iotaStart = Expr(0);
      } else {
        llvm::consumeError(ints.takeError());
      }
    }
  } else {
    v.cls = Val::Data;
    v.weight = true;
    v.initializer = t.name;
    // A trained scalar: one element that broadcasts against anything.
    if (v.shape.empty())
      v.shape = {Expr(1)};
  }
  auto [pos, inserted] = values.emplace(name, std::move(v));
  return &pos->second;
}

llvm::Error Importer::translate(const onnx::Node &node) {
  if (node.opType.empty())
    return fail(node, "the node names no operator (op_type is empty)");
  const OperatorEntry *known = findOperator(node);
  bool defaultDomain = node.domain.empty() || node.domain == "ai.onnx";
  if (!known && !defaultDomain && !options.allowUnknown)
    return fail(node, "operator '" + node.domain + "::" + node.opType +
                          "' of a domain other than ai.onnx is not supported (--allow-unknown "
                          "imports it with its FLOPs as a symbol)");
  if (node.outputs.empty())
    return llvm::Error::success();
  std::optional<std::string> module = moduleOf(node);
  currentModule = module.value_or("");
  currentUnscoped = !module;

  // Inputs ("" is an omitted optional input).
  Inputs in;
  for (const std::string &name : node.inputs) {
    auto v = input(node, name);
    if (!v)
      return v.takeError();
    in.push_back(*v);
  }

  if (!known && !defaultDomain)
    return opaque(node, in);
  if (node.opType == "Scan" && defaultDomain)
    return scan(node, in);
  if (node.opType == "Loop" && defaultDomain)
    return loop(node, in);

  if (node.opType == "Constant") {
    bool handled;
    if (auto e = translateKnown(node, in, handled))
      return e;
    if (handled)
      return llvm::Error::success();
    const onnx::Attribute *a = node.attribute("value");
    if (!a || !a->tensor)
      return fail(node, "a Constant without a supported value attribute");
    const onnx::Tensor &t = *a->tensor;
    Val v;
    for (int64_t d : t.dims)
      v.shape.push_back(Expr(d));
    v.elem = t.dataType;
    auto count = t.elementCount();
    if (!count)
      return count.takeError();
    v.cls = Val::Fixed;
    if (!v.isFloat() && *count <= 64) {
      if (auto ints = t.integers(64)) {
        v.cls = Val::Known;
        v.ints.emplace();
        for (int64_t i : *ints)
          v.ints->push_back(Expr(i));
      } else {
        llvm::consumeError(ints.takeError());
      }
    } else if (v.isFloat() && *count == 1) {
      if (auto floats = t.floats(1)) {
        v.cls = Val::Known;
        v.floats = *floats;
      } else {
        llvm::consumeError(floats.takeError());
      }
    }
    values[node.outputs[0]] = std::move(v);
    return llvm::Error::success();
  }

  bool handled = false;
  if (auto e = translateKnown(node, in, handled))
    return e;
  if (handled) {
    // A Known result keeps its shape; check it like any other.
    return checkDeclared(node, node.outputs[0], values[node.outputs[0]].shape);
  }

  // An operator outside the table may still be evaluated on sizes and
  // fixed tensors (a mask built with Mod); on data it is unknown.
  auto shapes = inferShapes(node, in);
  if (!shapes) {
    if (known || !options.allowUnknown)
      return shapes.takeError();
    llvm::consumeError(shapes.takeError());
    return opaque(node, in);
  }
  for (size_t i = 0; i < shapes->size() && i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty())
      if (auto e = checkDeclared(node, node.outputs[i], (*shapes)[i]))
        return e;

  // Fixed: no input from the model's data.
  bool data = llvm::any_of(in, [](Val *v) { return v && v->cls == Val::Data; });
  if (node.opType == "Shape" || node.opType == "Size")
    data = false;
  if (data && (!known || !known->onData)) {
    if (options.allowUnknown)
      return opaque(node, in);
    if (!known)
      return unsupported(node);
    return fail(node, "'" + node.opType +
                          "' is evaluated on sizes, masks and positions only, not on the "
                          "model's data (--allow-unknown imports it with its FLOPs as a symbol)");
  }
  if (!data) {
    for (size_t i = 0; i < node.outputs.size() && i < shapes->size(); ++i) {
      Val v;
      v.cls = Val::Fixed;
      v.shape = (*shapes)[i];
      v.elem = in.empty() || !in[0] ? onnx::Float : in[0]->elem;
      if (node.opType == "Range") {
        v.elem = onnx::Int64;
        // Ids from a start that may be negative wrap around a table: they
        // are no run of its rows.
        if (in[0]->ints && in[2]->ints && (*in[2]->ints)[0] == Expr(1) &&
            sym::isNonNegative(sym::decideSign((*in[0]->ints)[0], lowerBounds)))
          v.iotaStart = (*in[0]->ints)[0];
      }
      // Rank changes of a Range, and its first k entries, are still
      // positions.
      if ((node.opType == "Unsqueeze" || node.opType == "Reshape" ||
           node.opType == "Squeeze" || node.opType == "Expand" || node.opType == "Cast") &&
          in[0] && in[0]->iotaStart && product(v.shape) == product(in[0]->shape))
        v.iotaStart = in[0]->iotaStart;
      auto allEqual = [](Val *x, int64_t value) {
        return x && x->ints && llvm::all_of(*x->ints, [&](const Expr &e) {
                 return e == Expr(value);
               });
      };
      if (node.opType == "Slice" && in[0] && in[0]->iotaStart && in.size() > 1 &&
          allEqual(in[1], 0) && (in.size() < 5 || !in[4] || allEqual(in[4], 1)))
        v.iotaStart = in[0]->iotaStart;
      if (node.opType == "Cast")
        v.elem = static_cast<int32_t>(intAttr(node, "to", v.elem));
      static const llvm::StringSet<> predicates = {"Equal", "Less", "Greater", "LessOrEqual",
                                                   "GreaterOrEqual", "Not", "And", "Or",
                                                   "Xor", "IsNaN", "IsInf"};
      if (predicates.contains(node.opType))
        v.elem = onnx::Bool;
      if (node.opType == "Where")
        v.elem = in.size() > 1 && in[1] ? in[1]->elem : onnx::Float;
      if (node.opType == "ConstantOfShape") {
        const onnx::Attribute *fill = node.attribute("value");
        v.elem = fill && fill->tensor ? fill->tensor->dataType : onnx::Float;
      }
      values[node.outputs[i]] = std::move(v);
    }
    return llvm::Error::success();
  }
  for (size_t i = 0; i < shapes->size() && i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty() && (*shapes)[i].empty())
      return fail(node, "a scalar result computed from the model's data is not supported");
  return translateData(node, in, *shapes);
}

llvm::Error Importer::opaque(const onnx::Node &node, Inputs &in) {
  std::string kind = qualifiedName(node);
  // The operands: what the op reads of the model's data and fixed tensors.
  // Sizes it reads (shape inputs) are not tensors of the model.
  std::vector<std::string> operands, operandTypes;
  for (Val *v : in) {
    if (!v || v->cls == Val::Known)
      continue;
    auto name = use(node, *v);
    if (!name)
      return name.takeError();
    operands.push_back(*name);
    operandTypes.push_back(typeOf(*v));
  }
  if (operands.empty())
    return fail(node, "operator '" + kind + "' is unknown to costopt and reads no tensor of the "
                      "model; --allow-unknown imports only operators on the model's tensors");
  // The results' shapes come from the file: nothing else knows them.
  Emitted e;
  e.module = currentModule;
  e.unscoped = currentUnscoped;
  std::vector<std::pair<std::string, Val>> results;
  for (const std::string &output : node.outputs) {
    if (output.empty())
      continue;
    auto it = declared.find(output);
    if (it == declared.end() || !it->second->shape)
      return fail(node, "operator '" + kind + "' is unknown to costopt, and the file declares no "
                        "shape for its output '" + output + "' (onnx.shape_inference writes them)");
    for (auto [i, dim] : llvm::enumerate(*it->second->shape))
      if (!dim.value && dim.param.empty())
        return fail(node, "operator '" + kind + "' is unknown to costopt, and the file declares "
                          "no size for dimension " + llvm::Twine(i) + " of its output '" +
                          output + "'");
    // A dim_param seen for the first time (a size only the data decides,
    // such as the number of boxes kept) becomes a symbol of its own.
    auto shape = declaredShape(*it->second, /*create=*/true);
    if (!shape)
      return shape.takeError();
    if (shape->empty())
      return fail(node, "operator '" + kind + "' is unknown to costopt, and its output '" +
                            output + "' is a scalar; only tensor results are supported");
    Val v;
    v.cls = Val::Data;
    v.elem = it->second->elementType;
    v.shape = *shape;
    v.ssa = fresh(output);
    e.results.push_back(v.ssa);
    e.resultTypes.push_back(typeOf(v.shape, v.elem));
    results.emplace_back(output, std::move(v));
  }
  if (results.empty())
    return llvm::Error::success();
  // One symbol per operator: the FLOPs of one application.
  std::string &symbol = unknownSymbolOf[kind];
  if (symbol.empty()) {
    std::string base = "unknown_";
    for (char c : kind)
      base.push_back(llvm::isAlnum(c) ? c : '_');
    symbol = base;
    while (llvm::is_contained(symbols, symbol))
      symbol += "_";
    symbols.push_back(symbol);
    symbolNotes.push_back("symbol " + symbol + " is the FLOPs of one " + kind +
                          " node, an operator costopt does not know (--allow-unknown)");
  }
  e.operands = operands;
  e.text = "nn.opaque " + llvm::join(operands, ", ") + " {kind = \"" + printable(kind) +
           "\", flops = " + symbol + "} : " + llvm::join(operandTypes, ", ") + " -> (" +
           llvm::join(e.resultTypes, ", ") + ")";
  ops.push_back(std::move(e));
  for (auto &[output, v] : results)
    values[output] = std::move(v);
  if (warnings)
    warnings->push_back(path + ": node '" + commentText(node.name) + "' (" +
                        commentText(node.opType) + ", byte " + std::to_string(node.fileOffset) +
                        "): operator '" + commentText(kind) +
                        (findOperator(node) ? "' is counted on sizes only, not on the model's data"
                                            : "' is unknown to costopt") +
                        "; imported as nn.opaque, its FLOPs the symbol " + symbol);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Assembly: blocks per module
//===----------------------------------------------------------------------===//

llvm::Expected<std::string> Importer::run() {
  if (auto e = readOpsets())
    return std::move(e);
  if (auto e = declareSymbols())
    return std::move(e);
  if (auto e = chooseSequence())
    return std::move(e);
  for (const onnx::Node &node : model.graph.nodes)
    if (auto e = translate(node))
      return std::move(e);

  // Outputs.
  std::vector<std::string> outputs, outputTypes;
  currentModule.clear();
  for (const onnx::ValueInfo &info : model.graph.outputs) {
    auto it = values.find(info.name);
    if (it == values.end())
      return failFile("output '" + info.name + "' is never computed");
    onnx::Node pseudo;
    pseudo.name = info.name;
    pseudo.opType = "output";
    auto name = use(pseudo, it->second);
    if (!name)
      return name.takeError();
    outputs.push_back(*name);
    outputTypes.push_back(typeOf(it->second));
  }
  if (outputs.empty())
    return failFile("the graph has no outputs");

  std::set<std::string> usedByOutput(outputs.begin(), outputs.end());
  // Ops of nodes that name no module join their users' module, last to
  // first so that chains of them follow.
  std::map<std::string, std::vector<size_t>> usersOf;
  for (size_t i = 0; i < ops.size(); ++i)
    for (const std::string &o : ops[i].operands)
      usersOf[o].push_back(i);
  for (size_t i = ops.size(); i-- > 0;) {
    if (!ops[i].unscoped || ops[i].hoistable)
      continue;
    std::set<std::string> users;
    for (const std::string &r : ops[i].results) {
      for (size_t u : usersOf[r])
        users.insert(ops[u].module);
      if (usedByOutput.count(r))
        users.insert("");
    }
    if (users.size() == 1)
      ops[i].module = *users.begin();
  }
  // Where each value is used.
  std::map<std::string, std::set<std::string>> userModules;
  for (size_t i = 0; i < ops.size(); ++i)
    for (const std::string &o : ops[i].operands)
      userModules[o].insert(ops[i].module);
  for (const std::string &o : outputs)
    userModules[o].insert("");
  // Parameters and constants go where all their users are, else to the top.
  std::vector<size_t> top;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!ops[i].hoistable)
      continue;
    const auto &users = userModules[ops[i].results[0]];
    ops[i].module = users.size() == 1 ? *users.begin() : "";
    if (ops[i].module.empty())
      top.push_back(i);
  }

  std::string body;
  llvm::raw_string_ostream os(body);
  // Inside a block, values from outside are read through its arguments.
  std::map<std::string, std::string> renamed;
  auto writeOp = [&](const Emitted &e, llvm::StringRef indent) {
    os << indent << llvm::join(e.results, ", ") << " = ";
    std::string text = renameValues(e.text, renamed);
    // Re-indent multi-line bodies.
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(text).split(lines, '\n');
    for (size_t l = 0; l < lines.size(); ++l)
      os << (l ? "\n" + indent.str() : "") << lines[l];
    if (!e.comment.empty())
      os << "  // " << e.comment;
    os << "\n";
  };
  for (size_t i : top)
    writeOp(ops[i], "  ");
  // The type of every value, for the blocks' signatures.
  std::map<std::string, std::string> typeOfName;
  for (const Emitted &e : ops)
    for (size_t r = 0; r < e.results.size(); ++r)
      typeOfName[e.results[r]] = e.resultTypes[r];
  for (const onnx::ValueInfo &info : model.graph.inputs)
    if (values.count(info.name) && !initializers.count(info.name))
      typeOfName[values[info.name].ssa] = typeOf(values[info.name]);
  size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].hoistable && ops[i].module.empty()) {
      ++i;
      continue;
    }
    const std::string module = ops[i].module;
    size_t end = i + 1;
    while (end < ops.size() && (ops[end].module == module ||
                                (ops[end].hoistable && ops[end].module.empty())))
      ++end;
    if (module.empty()) {
      for (size_t j = i; j < end; ++j)
        if (!(ops[j].hoistable && ops[j].module.empty()))
          writeOp(ops[j], "  ");
      i = end;
      continue;
    }
    // One block: inputs defined outside, results used outside.
    std::set<std::string> defined, inputSet;
    std::vector<std::string> inputs, inputTypes, results, resultTypes;
    for (size_t j = i; j < end; ++j) {
      if (ops[j].hoistable && ops[j].module.empty())
        continue;
      for (const std::string &o : ops[j].operands)
        if (!defined.count(o) && inputSet.insert(o).second) {
          inputs.push_back(o);
          inputTypes.push_back(typeOfName[o]);
        }
      for (const std::string &r : ops[j].results)
        defined.insert(r);
    }
    for (size_t j = i; j < end; ++j) {
      if (ops[j].hoistable && ops[j].module.empty())
        continue;
      for (size_t r = 0; r < ops[j].results.size(); ++r) {
        const std::string &name = ops[j].results[r];
        bool outside = usedByOutput.count(name) ||
                       llvm::any_of(usersOf[name], [&](size_t k) { return k < i || k >= end; });
        if (outside) {
          results.push_back(name);
          resultTypes.push_back(ops[j].resultTypes[r]);
        }
      }
    }
    if (results.empty()) {
      // Nothing leaves it: its work still runs.
      for (size_t j = i; j < end; ++j)
        if (!(ops[j].hoistable && ops[j].module.empty()))
          writeOp(ops[j], "  ");
      i = end;
      continue;
    }
    std::vector<std::string> assignments;
    renamed.clear();
    for (const std::string &in : inputs) {
      std::string arg = fresh(in.substr(1) + "_in");
      renamed[in] = arg;
      assignments.push_back(arg + " = " + in);
    }
    std::string resultSig = resultTypes.size() == 1
                                ? resultTypes[0]
                                : "(" + llvm::join(resultTypes, ", ") + ")";
    os << "  " << llvm::join(results, ", ") << " = nn.block \"" << module << "\" ("
       << llvm::join(assignments, ", ") << ") : (" << llvm::join(inputTypes, ", ") << ") -> "
       << resultSig << " {\n";
    for (size_t j = i; j < end; ++j)
      if (!(ops[j].hoistable && ops[j].module.empty()))
        writeOp(ops[j], "    ");
    os << "    nn.yield " << llvm::join(results, ", ") << " : "
       << llvm::join(resultTypes, ", ") << "\n  }\n";
    renamed.clear();
    i = end;
  }

  // The model.
  std::string graphName = model.graph.name.empty() ? "model" : model.graph.name;
  std::string text;
  llvm::raw_string_ostream out(text);
  out << "// Imported from " << llvm::sys::path::filename(path) << " by costopt";
  if (!model.producerName.empty())
    out << " (exported by "
        << commentText(llvm::StringRef(model.producerName + " " + model.producerVersion).trim())
        << ")";
  out << ", opset " << defaultOpset << ".\n";
  if (sequence)
    out << "// Positions: dim_param \"" << commentText(sequenceParam) << "\".\n";
  else
    out << "// No dim_param counts positions: every value is a plain tensor.\n";
  for (const std::string &n : symbolNotes)
    out << "// " << commentText(n) << "\n";
  out << "// Parameters: " << parameterNames.size() << " trained initializers";
  if (!bufferNames.empty())
    out << "; buffers (not parameters): " << commentText(llvm::join(bufferNames, ", "));
  out << ".\n";
  for (const std::string &n : notes)
    out << "// " << commentText(n) << "\n";
  out << "nn.model @" << fresh(graphName).substr(1) << "(";
  std::vector<std::string> args;
  for (const onnx::ValueInfo &info : model.graph.inputs)
    if (values.count(info.name) && !initializers.count(info.name))
      args.push_back(values[info.name].ssa + ": " + typeOf(values[info.name]));
  out << llvm::join(args, ", ") << ") symbols(" << llvm::join(symbols, ", ") << ")";
  std::vector<std::string> where = constraints;
  for (const auto &[small, large] : upperBounds)
    where.push_back(sizeText(small) + " <= " + sizeText(large));
  if (!where.empty())
    out << " where (" << llvm::join(where, ", ") << ")";
  out << " {\n";
  out << body;
  out << "  nn.output " << llvm::join(outputs, ", ") << " : " << llvm::join(outputTypes, ", ")
      << "\n}\n";
  return text;
}

} // namespace

bool costopt::isOnnxPath(llvm::StringRef path) { return path.ends_with_insensitive(".onnx"); }

llvm::Expected<std::string> costopt::importOnnxModel(llvm::StringRef bytes, llvm::StringRef path,
                                                     const OnnxImportOptions &options,
                                                     std::vector<std::string> *warnings) {
  auto model = onnx::parseModel(bytes, path);
  if (!model)
    return model.takeError();
  Importer importer(*model, path, options, warnings);
  auto text = importer.run();
  if (text)
    return text;
  // Names from the file may hold any bytes: the message shows them as
  // printable ASCII.
  std::string message = llvm::toString(text.takeError());
  for (char &c : message)
    if (c < 0x20 || c >= 0x7f)
      c = '?';
  return sym::makeError(message);
}


std::vector<std::string> costopt::supportedOnnxOperators() {
  std::vector<std::string> ops;
  for (const OperatorEntry &entry : kOperators) {
    std::string text = entry.domain.empty() ? entry.name.str()
                                            : (entry.domain + "::" + entry.name).str();
    if (!entry.note.empty())
      text += " (" + entry.note.str() + ")";
    ops.push_back(text);
  }
  llvm::sort(ops);
  return ops;
}
