//===- Input.cpp - Reading untrusted input files within bounds ------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "costopt/Support/Input.h"

#include "costopt/Support/Sym.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readWithin(llvm::StringRef path, uint64_t limit, bool text) {
  auto fail = [&](const llvm::Twine &why) {
    return costopt::sym::makeError("cannot read '" + path + "': " + why);
  };
  if (path != "-") {
    llvm::sys::fs::file_status status;
    if (std::error_code error = llvm::sys::fs::status(path, status))
      return fail(error.message());
    if (status.type() != llvm::sys::fs::file_type::regular_file)
      return fail("not a regular file");
    if (status.getSize() > limit)
      return fail("larger than the " + llvm::Twine(limit >> 20) + " MiB costopt reads");
  }
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/text,
                                                   /*RequiresNullTerminator=*/text);
  if (!buffer)
    return fail(buffer.getError().message());
  if ((*buffer)->getBufferSize() > limit)
    return fail("larger than the " + llvm::Twine(limit >> 20) + " MiB costopt reads");
  return std::move(*buffer);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
costopt::readInputFile(llvm::StringRef path) {
  return readWithin(path, kMaxInputBytes, /*text=*/true);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
costopt::readBinaryInputFile(llvm::StringRef path) {
  return readWithin(path, kMaxBinaryInputBytes, /*text=*/false);
}

std::optional<costopt::TextViolation> costopt::checkTextLimits(llvm::StringRef text) {
  unsigned depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n')
        ++i;
      continue;
    }
    if (llvm::isDigit(c)) {
      size_t start = i;
      while (i + 1 < text.size() && (llvm::isDigit(text[i + 1]) || text[i + 1] == '_'))
        ++i;
      if (i + 1 - start > kMaxLiteralDigits)
        return TextViolation{start, "integer literal has " + std::to_string(i + 1 - start) +
                                        " digits; costopt accepts numbers below 2^1024 (" +
                                        std::to_string(kMaxLiteralDigits) + " digits)"};
      continue;
    }
    if (llvm::isAlpha(c) || c == '_' || c == '%' || c == '@' || c == '#' || c == '!') {
      // Identifiers may contain digits: skip them whole.
      while (i + 1 < text.size() && (llvm::isAlnum(text[i + 1]) || text[i + 1] == '_' ||
                                     text[i + 1] == '.' || text[i + 1] == '$'))
        ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      if (++depth > kMaxTextNesting)
        return TextViolation{i, "brackets nested more than " + std::to_string(kMaxTextNesting) +
                                    " levels deep"};
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::string costopt::formatTextViolation(llvm::StringRef path, llvm::StringRef text,
                                         const TextViolation &violation) {
  llvm::StringRef before = text.take_front(violation.offset);
  size_t line = before.count('\n') + 1;
  size_t column = violation.offset - (before.rfind('\n') + 1) + 1;
  return (path + ":" + llvm::Twine(line) + ":" + llvm::Twine(column) + ": error: " +
          violation.message)
      .str();
}
