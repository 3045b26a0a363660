//===- Input.h - Reading untrusted input files within bounds ----*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Models, configs and hardware profiles come from anywhere. Before a parser
// sees them: the path must name a regular file of bounded size (/dev/zero
// would be read forever), and MLIR text must not nest deeper than MLIR's
// recursive parser can take, nor hold integer literals so long that reading
// them takes quadratic time. Each limit gives a located error, at once.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_SUPPORT_INPUT_H
#define COSTOPT_SUPPORT_INPUT_H

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <string>

namespace costopt {

/// The largest input file costopt reads (the largest real model is a few KiB
/// of nn text; a Hugging Face config under 10 KiB).
constexpr uint64_t kMaxInputBytes = uint64_t(64) << 20;
/// Brackets ((, [, {) open at once in MLIR text: far above any model (sizes
/// nest at most 200 parentheses), far below what overflows the stack.
constexpr unsigned kMaxTextNesting = 256;
/// Digits of one integer literal (2^1024, the largest number the algebra
/// accepts, has 309).
constexpr size_t kMaxLiteralDigits = 309;

/// Reads `path` ("-" is standard input): an error naming the path unless it
/// is a readable regular file of at most kMaxInputBytes.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readInputFile(llvm::StringRef path);

/// The size limit of a binary model file (an ONNX protobuf cannot exceed
/// 2 GiB); such files are mapped, not read, so that the weights they hold
/// are not brought into memory unless touched.
constexpr uint64_t kMaxBinaryInputBytes = uint64_t(2) << 30;

/// As readInputFile, for a binary file of at most kMaxBinaryInputBytes.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readBinaryInputFile(llvm::StringRef path);

/// A place in a text and what is wrong there.
struct TextViolation {
  size_t offset;
  std::string message;
};

/// Scans MLIR text (strings and // comments skipped) for nesting deeper
/// than kMaxTextNesting and literals longer than kMaxLiteralDigits.
std::optional<TextViolation> checkTextLimits(llvm::StringRef text);

/// "path:line:col: error: message" for a violation found in `text`.
std::string formatTextViolation(llvm::StringRef path, llvm::StringRef text,
                                const TextViolation &violation);

} // namespace costopt

#endif // COSTOPT_SUPPORT_INPUT_H
