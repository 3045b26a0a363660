//===- JSON.h - Reading untrusted JSON without unbounded recursion -*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// llvm::json::parse descends recursively, one stack frame per nesting level,
// so a config of 100,000 nested brackets overflows the stack. Configs and
// hardware profiles come from anywhere: they are read through parseJSON,
// which refuses deep nesting first, with the line and column of the bracket.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_SUPPORT_JSON_H
#define COSTOPT_SUPPORT_JSON_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace costopt {

/// No configuration or profile costopt reads nests deeper than a few levels.
constexpr unsigned kMaxJSONNesting = 64;

/// Parses `text` as JSON, refusing nesting deeper than `maxDepth` with an
/// error "line L, column C: ..." before any recursion happens.
llvm::Expected<llvm::json::Value> parseJSON(llvm::StringRef text,
                                            unsigned maxDepth = kMaxJSONNesting);

} // namespace costopt

#endif // COSTOPT_SUPPORT_JSON_H
