//===- FuzzImport.cpp - libFuzzer target: Hugging Face config importer ----===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// An input is the text of a config.json. costopt::importHuggingFaceConfig
// either rejects it with an error or returns an nn model; a returned model
// must parse and verify (the importer promises errors "name the missing or
// malformed field", not broken MLIR), and must go through the driver with
// exit code 0 (one run; --format and --mode follow from a hash of the input).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "costopt/Import/HuggingFace.h"

using namespace costopt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const fuzz::ScratchFile scratch("imported.mlir");
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);

  llvm::Expected<std::string> model = importHuggingFaceConfig(input, "fuzz.json");
  if (!model) {
    llvm::consumeError(model.takeError());
    return 0;
  }

  DriverOptions options = fuzz::hashedOptions(input, scratch.write(*model));
  int code = fuzz::runChecked(options, input);
  if (code == ExitSuccess)
    return 0;
  // An encoder (BERT: attention that sees later positions) cannot be
  // decoded one token at a time: --mode decode is then an error by design.
  if (code == ExitInputError && options.mode == "decode" &&
      llvm::StringRef(*model).contains("model_type \"bert\""))
    return 0;

  // Say whether the model is broken MLIR or only rejected by the analysis.
  std::string diagnostics;
  if (!fuzz::parsesAndVerifies(*model, diagnostics))
    // Sizes that break a rule the importer itself wrote into the model
    // (e.g. d mod h == 0) are their own class; anything else is bad MLIR.
    fuzz::fail(llvm::StringRef(diagnostics).contains("break the model's rules") ? "import-rules"
                                                                                : "import-verify",
               "imported model does not parse/verify: " + diagnostics + "--- model ---\n" + *model,
               input);
  else
    fuzz::fail("import-driver",
               "driver exit code " + std::to_string(code) + " on an imported model (--mode " +
                   options.mode + ")\n--- model ---\n" + *model,
               input);
  return 0;
}
