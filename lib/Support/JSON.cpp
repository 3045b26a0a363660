//===- JSON.cpp - Reading untrusted JSON without unbounded recursion ------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/JSON.h"

#include "costopt/Support/Sym.h"

llvm::Expected<llvm::json::Value> costopt::parseJSON(llvm::StringRef text, unsigned maxDepth) {
  unsigned depth = 0, line = 1, column = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
    }
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return sym::makeError("line " + llvm::Twine(line) + ", column " + llvm::Twine(column) +
                              ": JSON nested more than " + llvm::Twine(maxDepth) +
                              " levels deep");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return llvm::json::parse(text);
}
