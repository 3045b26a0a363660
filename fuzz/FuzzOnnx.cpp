//===- FuzzOnnx.cpp - libFuzzer target: the ONNX importer -----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// An input is the bytes of a .onnx file. costopt::importOnnxModel either
// rejects it with an error (a malformed encoding, an unsupported operator,
// shapes that disagree) or returns an nn model, which must parse and verify
// (the importer never writes broken MLIR) and go through the driver with
// exit code 0 (--format, --mode and --allow-unknown follow from a hash of
// the input).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "costopt/Import/Onnx.h"

using namespace costopt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const fuzz::ScratchFile scratch("onnx.mlir");
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);

  OnnxImportOptions importOptions;
  importOptions.allowUnknown = (llvm::xxh3_64bits(input) / 20) % 2;
  std::vector<std::string> warnings;
  llvm::Expected<std::string> model = importOnnxModel(input, "fuzz.onnx", importOptions, &warnings);
  if (!model) {
    llvm::consumeError(model.takeError());
    return 0;
  }

  std::string diagnostics;
  if (!fuzz::parsesAndVerifies(*model, diagnostics))
    fuzz::fail("onnx-verify",
               "imported model does not parse/verify: " + diagnostics + "--- model ---\n" + *model);

  DriverOptions options = fuzz::hashedOptions(input, scratch.write(*model));
  int code = fuzz::runChecked(options, *model);
  // Decoding one position at a time is refused for a model whose positions
  // see later ones (an encoder): an error by design.
  if (code == ExitSuccess || (code == ExitInputError && options.mode == "decode"))
    return 0;
  fuzz::fail("onnx-driver",
             "driver exit code " + std::to_string(code) + " on an imported model (--mode " +
                 options.mode + ")\n--- model ---\n" + *model);
  return 0;
}
