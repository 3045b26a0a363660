//===- HuggingFace.h - Models from Hugging Face config.json -----*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Turns a Hugging Face `config.json` into an nn model (MLIR text) that keeps
// batch and sequence length symbolic, binds every other size to the
// config's value as a symbol default, and carries every detail that changes
// the counts: biases, tied embeddings, LayerNorm or RMSNorm, gated MLPs,
// learned or rotary positions, grouped-query attention, sliding windows,
// mixtures of experts, vocabulary padding, BERT's pooler.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_IMPORT_HUGGINGFACE_H
#define COSTOPT_IMPORT_HUGGINGFACE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace costopt {

/// The model_types the importer understands.
std::vector<std::string> supportedModelTypes();

/// Translates config.json text into an nn model. Errors name the missing or
/// malformed field, or list the supported model types.
llvm::Expected<std::string> importHuggingFaceConfig(llvm::StringRef json,
                                                    llvm::StringRef sourceName);

} // namespace costopt

#endif // COSTOPT_IMPORT_HUGGINGFACE_H
