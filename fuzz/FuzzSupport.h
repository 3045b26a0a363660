//===- FuzzSupport.h - Helpers shared by costopt's fuzz targets -*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// runDriver reads its model from a path, so the targets write each input to
// a per-process scratch file (in /dev/shm when it exists: no disk traffic)
// and run the driver on it. Reports go to a null stream; only crashes,
// sanitizer reports and broken invariants (abort with a message) count.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_FUZZ_FUZZSUPPORT_H
#define COSTOPT_FUZZ_FUZZSUPPORT_H

#include "costopt/Driver/Driver.h"
#include "costopt/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/xxhash.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace costopt {
namespace fuzz {

/// True if invariant `tag` is listed in COSTOPT_FUZZ_IGNORE (comma-separated):
/// a campaign can step over a known, reported bug and keep looking.
inline bool ignored(llvm::StringRef tag) {
  static const std::string list = [] {
    const char *env = std::getenv("COSTOPT_FUZZ_IGNORE");
    return "," + std::string(env ? env : "") + ",";
  }();
  return list.find(("," + tag + ",").str()) != std::string::npos;
}

/// Aborts with a message (libFuzzer records the input as a crash) unless
/// `tag` is ignored.
inline void fail(llvm::StringRef tag, const std::string &what, llvm::StringRef input = "") {
  if (ignored(tag))
    return;
  llvm::errs() << "costopt-fuzz: invariant '" << tag << "' broken: " << what << "\n";
  if (!input.empty())
    llvm::errs() << "--- input ---\n" << input << "\n--- end ---\n";
  llvm::errs().flush();
  std::abort();
}

/// A scratch file for this process, removed at exit.
class ScratchFile {
public:
  explicit ScratchFile(llvm::StringRef name) {
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nullptr;
    if (!dir)
      dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    path = std::string(dir) + "/costopt-fuzz-" + std::to_string(getpid()) + "-" + name.str();
  }
  ~ScratchFile() { std::remove(path.c_str()); }
  const std::string &write(llvm::StringRef contents) const {
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
      fail("scratch", "cannot write scratch file " + path);
    if (!contents.empty())
      std::fwrite(contents.data(), 1, contents.size(), f);
    std::fclose(f);
    return path;
  }
  std::string path;
};

/// Runs the driver with `options` and checks what every run must satisfy:
/// a documented exit code, and for --format json a report that is JSON.
inline int runChecked(const DriverOptions &given, llvm::StringRef input) {
  // One thread: what a run covers must not depend on thread scheduling.
  DriverOptions options = given;
  options.multithreaded = false;
  std::string report;
  llvm::raw_string_ostream out(report);
  llvm::raw_null_ostream nullOut;
  bool keep = options.format == "json" && options.outputFile == "-";
  int code = runDriver(options, keep ? static_cast<llvm::raw_ostream &>(out) : nullOut, nullOut);
  if (code < ExitSuccess || code > ExitBudgetExceeded)
    fail("exit-code", "runDriver returned " + std::to_string(code), input);
  if (keep && code != ExitInputError && code != ExitUsageError && !report.empty()) {
    // A report, possibly followed by nothing else: it must be one JSON value.
    auto parsed = llvm::json::parse(report);
    if (!parsed) {
      std::string message = llvm::toString(parsed.takeError());
      fail(options.compareFile.empty() ? "json" : "json-compare",
           "--format json wrote invalid JSON (" + message + ")", input);
    }
  }
  return code;
}

/// Options for one run on a generated model: the report format and mode
/// follow from a hash of the input, so a campaign covers all of them.
inline DriverOptions hashedOptions(llvm::StringRef input, const std::string &modelPath) {
  static const char *const formats[] = {"text", "json", "md", "csv", "html"};
  static const char *const modes[] = {"forward", "backward", "train", "decode"};
  uint64_t hash = llvm::xxh3_64bits(input);
  DriverOptions options;
  options.inputFile = modelPath;
  options.format = formats[hash % 5];
  options.mode = modes[(hash / 5) % 4];
  return options;
}

/// Whether an importer's output parses and verifies; `diagnostics` gets
/// what MLIR said otherwise.
inline bool parsesAndVerifies(llvm::StringRef model, std::string &diagnostics) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    diagnostics += diag.str() + "\n";
    return mlir::success();
  });
  return static_cast<bool>(mlir::parseSourceString<mlir::ModuleOp>(model, &context));
}

/// Applies command-line words from a `//! ...` options line to `options`.
/// Only options that cannot touch the file system (beyond the scratch
/// files) are honoured: -o, --plot and profile paths are ignored.
inline void applyOptionWords(llvm::StringRef line, DriverOptions &options) {
  llvm::SmallVector<llvm::StringRef, 16> words;
  line.split(words, ' ', -1, /*KeepEmpty=*/false);
  for (size_t i = 0; i < words.size(); ++i) {
    llvm::StringRef word = words[i].trim();
    llvm::StringRef value = i + 1 < words.size() ? words[i + 1].trim() : "";
    auto take = [&](std::string &field) {
      field = value.str();
      ++i;
    };
    if (word == "--explain")
      options.explain = true;
    else if (word == "--tree")
      options.tree = true;
    else if (word == "--format")
      take(options.format);
    else if (word == "--mode")
      take(options.mode);
    else if (word == "--dtype")
      take(options.dtype);
    else if (word == "--weight-dtype")
      take(options.weightDtype);
    else if (word == "--act-dtype")
      take(options.actDtype);
    else if (word == "--recompute")
      take(options.recompute);
    else if (word == "--count")
      take(options.count);
    else if (word == "--convention")
      take(options.convention);
    else if (word == "--memory-unit")
      take(options.memoryUnit);
    else if (word == "--model")
      take(options.modelName);
    else if (word == "--emit")
      take(options.emit);
    else if (word == "--sweep")
      take(options.sweep);
    else if (word == "-D" || word == "--bind") {
      options.bindings.push_back(value.str());
      ++i;
    } else if (word == "--budget") {
      options.budgets.push_back(value.trim("'\"").str());
      ++i;
    } else if (word == "--hw") {
      // Built-in profiles only: a path would make the fuzzer read files.
      if (llvm::is_contained({"h100", "h200", "a100"}, value))
        options.hardware = value.str();
      ++i;
    }
  }
}

} // namespace fuzz
} // namespace costopt

#endif // COSTOPT_FUZZ_FUZZSUPPORT_H
