//===- Onnx.h - Models from ONNX files ---------------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Turns an ONNX model (a graph exported from PyTorch, TensorFlow or JAX)
// into an nn model written with primitives, so that the generic analyses
// count it: every `dim_param` becomes a symbol, shape computations are
// folded into size formulas, trained initializers become `nn.param`s and
// the nodes of each module the exporter named become one `nn.block`, a row
// of the report. docs/UserGuide.md ("Bringing an ONNX model") has the
// conventions; docs/Dialect.md what each operator becomes.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_IMPORT_ONNX_H
#define COSTOPT_IMPORT_ONNX_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace costopt {

struct OnnxImportOptions {
  /// The dim_param that counts positions (the axis the path-length and
  /// decoding analyses follow). Empty: the graph input's dim_param named
  /// like a sequence ("sequence", "seq_len", ...), else the last dynamic
  /// axis of an integer (token id) input.
  std::string sequence;
  /// An operator costopt does not know becomes an `nn.opaque` whose FLOPs
  /// are a symbol of its own (`unknown_<Op>`), with a warning, instead of
  /// an error. Its outputs' shapes must be declared in the file.
  bool allowUnknown = false;
};

/// Whether a file is read as ONNX: by its extension.
bool isOnnxPath(llvm::StringRef path);

/// Translates the bytes of a .onnx file into an nn model (MLIR text).
/// External data files are looked up next to `path`, and only their sizes
/// are read. Errors name the node, its operator and its byte offset; so do
/// the warnings, appended to `warnings` when given.
llvm::Expected<std::string> importOnnxModel(llvm::StringRef bytes, llvm::StringRef path,
                                            const OnnxImportOptions &options = {},
                                            std::vector<std::string> *warnings = nullptr);

/// The operators the importer translates, "Domain::Op" for other domains.
std::vector<std::string> supportedOnnxOperators();

} // namespace costopt

#endif // COSTOPT_IMPORT_ONNX_H
