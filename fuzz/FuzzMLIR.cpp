//===- FuzzMLIR.cpp - libFuzzer target: .mlir through the whole driver ----===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// An input is the text of an .mlir file. It goes through costopt::runDriver,
// so through parsing, verification, every cost analysis and a report
// renderer. Which --format (text, json, md, csv, html), --mode (forward,
// backward, train, decode) and whether --explain is used follow from a hash
// of the input, so every combination occurs and each input costs one
// driver run (the algebra dominates a run: ~12 ms under ASan, against ~2 ms
// for a file that does not parse). COSTOPT_FUZZ_ALL_FORMATS=1 runs each
// input in all five formats instead (the modes rotated over them).
//
//  * A first line `//! <options>` overrides the choice: --format, --mode,
//    --dtype, --count, --convention, --memory-unit, --model, --emit,
//    --sweep (charted to /dev/null), -D, --budget, --explain and
//    --hw h100|h200|a100 are honoured; -o, --plot and paths are not.
//  * A line `// -----` splits off a second model, passed as --compare.
//
// Invariants beyond "no crash, no sanitizer report": a documented exit code
// (0..3) and, for --format json, output that parses as JSON.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "llvm/Support/xxhash.h"

using namespace costopt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const fuzz::ScratchFile model("model.mlir"), compared("compare.mlir");
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);

  llvm::StringRef first = input, second;
  size_t split = input.find("\n// -----\n");
  if (split != llvm::StringRef::npos) {
    first = input.take_front(split + 1);
    second = input.drop_front(split + 10);
  }
  static const char *const formats[] = {"text", "json", "md", "csv", "html"};
  static const char *const modes[] = {"forward", "backward", "train", "decode"};
  uint64_t hash = llvm::xxh3_64bits(input);

  DriverOptions base;
  base.inputFile = model.write(first);
  if (!second.empty())
    base.compareFile = compared.write(second);
  base.format = formats[hash % 5];
  base.mode = modes[(hash / 5) % 4];
  base.explain = (hash / 20) % 2;
  if (first.starts_with("//!"))
    fuzz::applyOptionWords(first.drop_front(3).take_until([](char c) { return c == '\n'; }),
                           base);
  if (!base.sweep.empty())
    base.plotFile = "/dev/null"; // draw the chart, keep nothing

  static const bool allFormats = std::getenv("COSTOPT_FUZZ_ALL_FORMATS");
  if (!allFormats) {
    fuzz::runChecked(base, input);
    return 0;
  }
  for (unsigned i = 0; i < 5; ++i) {
    DriverOptions options = base;
    options.format = formats[i];
    options.mode = modes[(i + hash) % 4];
    // A file that does not parse fails the same way in every format.
    if (fuzz::runChecked(options, input) == ExitInputError && i == 0)
      break;
  }
  return 0;
}
