//===- HuggingFace.cpp - Models from Hugging Face config.json -------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// One function per model_type writes the architecture as the reference
// implementation in Hugging Face transformers builds it (or, for Mamba, the
// original mamba_ssm package), with defaults taken from the corresponding
// configuration class when a field is absent.
//
//===----------------------------------------------------------------------===//

#include "costopt/Import/HuggingFace.h"

#include "costopt/Support/JSON.h"

#include "costopt/Support/Sym.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>
#include <map>

using namespace costopt;

namespace {

/// Reads typed fields and reports the first problem by field name.
class ConfigReader {
public:
  ConfigReader(const llvm::json::Object &object, llvm::StringRef source)
      : object(object), source(source) {}

  /// Sizes above this are refused, so that the importer's own arithmetic
  /// (4·d, d + 15, vocab + pad − 1) cannot overflow 64 bits; the largest
  /// published configs are below 2^20 in every field.
  static constexpr int64_t kMaxConfigSize = int64_t(1) << 40;

  /// A required positive integer, under any of `names` (first found).
  llvm::Expected<int64_t> integer(std::initializer_list<llvm::StringRef> names) {
    for (llvm::StringRef name : names)
      if (const llvm::json::Value *value = object.get(name)) {
        // llvm::json converts a double of 2^63 to int64_t (undefined
        // behaviour, found by UBSan): refuse huge numbers before it.
        if (auto number = value->getAsNumber(); number && std::fabs(*number) > 1e18)
          return sym::makeError(source + ": field '" + name +
                                "' is too large; costopt accepts sizes up to 2^40 "
                                "(1,099,511,627,776)");
        auto i = value->getAsInteger();
        if (!i || *i < 1)
          return sym::makeError(source + ": field '" + name + "' must be a positive integer");
        if (*i > kMaxConfigSize)
          return sym::makeError(source + ": field '" + name + "' is " + llvm::Twine(*i) +
                                "; costopt accepts sizes up to 2^40 (1,099,511,627,776)");
        return *i;
      }
    return sym::makeError(source + ": missing field '" + *names.begin() + "'");
  }

  llvm::Expected<int64_t> integerOr(std::initializer_list<llvm::StringRef> names,
                                    int64_t fallback) {
    for (llvm::StringRef name : names)
      if (const llvm::json::Value *value = object.get(name); value && !value->getAsNull())
        return integer({name});
    return fallback;
  }

  /// An optional boolean; a value of another type is an error (kept for
  /// takeError), never a silent fallback.
  bool boolean(llvm::StringRef name, bool fallback) {
    if (auto b = object.getBoolean(name))
      return *b;
    noteWrongType(name, "true or false");
    return fallback;
  }

  /// An optional string; a value of another type is an error, as above.
  std::string string(llvm::StringRef name, llvm::StringRef fallback) {
    if (auto s = object.getString(name))
      return s->str();
    noteWrongType(name, "a string");
    return fallback.str();
  }

  /// The first wrongly typed optional field read so far.
  llvm::Error takeError() {
    if (typeError.empty())
      return llvm::Error::success();
    return sym::makeError(source + ": " + typeError);
  }

  const llvm::json::Object &raw() const { return object; }
  llvm::StringRef sourceName() const { return source; }

private:
  void noteWrongType(llvm::StringRef name, llvm::StringRef expected) {
    const llvm::json::Value *value = object.get(name);
    if (value && !value->getAsNull() && typeError.empty())
      typeError = "field '" + name.str() + "' must be " + expected.str();
  }

  const llvm::json::Object &object;
  llvm::StringRef source;
  std::string typeError;
};

/// A rule between two config fields, named as the config names them (the
/// model's own constraint would name its symbols and the generated text).
llvm::Error requireDivides(llvm::StringRef source, llvm::StringRef divisorName, int64_t divisor,
                           llvm::StringRef dividendName, int64_t dividend) {
  if (dividend % divisor == 0)
    return llvm::Error::success();
  return sym::makeError(source + ": '" + divisorName + "' (" + llvm::Twine(divisor) +
                        ") does not divide '" + dividendName + "' (" + llvm::Twine(dividend) +
                        ")");
}

/// The first error among several reads (the others are dropped: one
/// message naming one field is clearer than a list).
template <typename... Ts>
llvm::Error firstError(llvm::Expected<Ts> &...values) {
  llvm::Error result = llvm::Error::success();
  auto take = [&](llvm::Error e) {
    if (!e)
      return;
    if (!result)
      result = std::move(e);
    else
      llvm::consumeError(std::move(e));
  };
  (take(values.takeError()), ...);
  return result;
}

/// Maps a Hugging Face activation name onto the dialect's; an unknown name
/// is an error listing the known ones (a fallback would price the wrong
/// function without a word).
llvm::Expected<std::string> activation(llvm::StringRef hf, llvm::StringRef source) {
  static const std::pair<const char *, const char *> known[] = {
      {"gelu", "gelu"},          {"gelu_python", "gelu"},     {"gelu_new", "gelu_tanh"},
      {"gelu_pytorch_tanh", "gelu_tanh"}, {"gelu_fast", "gelu_tanh"},
      {"quick_gelu", "quick_gelu"},
      {"silu", "silu"},     {"swish", "silu"},    {"relu", "relu"},
      {"tanh", "tanh"},     {"sigmoid", "sigmoid"}};
  for (auto [name, kind] : known)
    if (hf == name)
      return std::string(kind);
  std::string list;
  for (auto [name, kind] : known)
    list += (list.empty() ? "" : ", ") + std::string(name);
  return sym::makeError(source + ": unknown activation '" + hf + "'; supported: " + list);
}

/// A trailing comment naming the source's module an op stands for; the
/// driver reads it back into the op's location (a NameLoc), which --tree
/// shows. `*` stands for every layer of a repeat.
std::string moduleComment(llvm::StringRef module) {
  return module.empty() ? std::string() : ("  // module: " + module).str();
}

/// Writes the common head of a model: comment, signature, symbols.
struct ModelWriter {
  std::string text;
  llvm::raw_string_ostream os{text};

  void header(llvm::StringRef source, llvm::StringRef type, llvm::StringRef name,
              llvm::StringRef inputs,
              const std::vector<std::pair<std::string, int64_t>> &symbols,
              llvm::StringRef constraints, llvm::StringRef notes) {
    os << "// Imported by costopt from " << source << " (model_type \"" << type << "\").\n";
    if (!notes.empty())
      os << notes;
    os << "nn.model @" << name << "(" << inputs << ")\n    symbols(";
    for (size_t i = 0; i < symbols.size(); ++i)
      os << (i ? ", " : "") << symbols[i].first << " = " << symbols[i].second;
    os << ")";
    if (!constraints.empty())
      os << "\n    where (" << constraints << ")";
    os << " {\n";
  }

  /// Closes the block stack (yielding `last`), then the final norm, the LM
  /// head and the output shared by the decoder-only models; `normModule`
  /// and `headModule` name them as the source does (moduleComment).
  void decoderTail(llvm::StringRef last, llvm::StringRef norm, llvm::StringRef normName,
                   bool tied, llvm::StringRef normModule = "",
                   llvm::StringRef headModule = "") {
    os << "    nn.yield " << last << " : !nn.seq<[b, n, d]>\n"
       << "  }\n"
       << "  " << normName << " = nn." << norm << " %blocks : !nn.seq<[b, n, d]>"
       << moduleComment(normModule) << "\n"
       << "  %logits = nn.unembedding " << normName << " {vocab = V" << (tied ? ", tied" : "")
       << "} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>" << moduleComment(headModule) << "\n"
       << "  nn.output %logits : !nn.seq<[b, n, V]>\n}\n";
  }
};

llvm::Expected<std::string> importGPT2(ConfigReader &c, llvm::StringRef source) {
  auto d = c.integer({"n_embd", "hidden_size"});
  auto h = c.integer({"n_head", "num_attention_heads"});
  auto L = c.integer({"n_layer", "num_hidden_layers"});
  auto P = c.integer({"n_positions", "max_position_embeddings"});
  auto V = c.integer({"vocab_size"});
  if (llvm::Error e = firstError(d, h, L, P, V))
    return std::move(e);
  if (llvm::Error e = requireDivides(source, "n_head", *h, "n_embd", *d))
    return std::move(e);
  auto inner = c.integerOr({"n_inner"}, 4 * *d);
  if (!inner)
    return inner.takeError();
  bool tied = c.boolean("tie_word_embeddings", true);
  auto act = activation(c.string("activation_function", "gelu_new"), source);
  if (!act)
    return act.takeError();
  ModelWriter w;
  w.header(source, "gpt2", "gpt2", "%tokens: !nn.tokens<[b, n]>",
           {{"b", 1}, {"n", *P}, {"d", *d}, {"h", *h}, {"dff", *inner}, {"V", *V}, {"P", *P},
            {"L", *L}},
           "d mod h == 0",
           "// Pre-layer-norm blocks with biases everywhere, learned positions, a final\n"
           "// LayerNorm; the LM head shares the token embedding unless untied.\n");
  auto &os = w.os;
  // Module names as GPT2LMHeadModel's (transformer.*, lm_head).
  os << "  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>"
     << moduleComment("wte") << "\n"
     << "  %pos = nn.positional %emb {max_len = P} : !nn.seq<[b, n, d]>" << moduleComment("wpe")
     << "\n"
     << "  %blocks = nn.repeat<L>(%x = %pos) : !nn.seq<[b, n, d]> {" << moduleComment("h")
     << "\n"
     << "    %ln1 = nn.layer_norm %x : !nn.seq<[b, n, d]>" << moduleComment("h.*.ln_1") << "\n"
     << "    %attn = nn.attention %ln1 {heads = h, causal} : !nn.seq<[b, n, d]>"
     << moduleComment("h.*.attn") << "\n"
     << "    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>\n"
     << "    %ln2 = nn.layer_norm %res1 : !nn.seq<[b, n, d]>" << moduleComment("h.*.ln_2") << "\n"
     << "    %mlp = nn.ffn %ln2 {hidden = dff, activation = \"" << *act
     << "\"} : !nn.seq<[b, n, d]>" << moduleComment("h.*.mlp") << "\n"
     << "    %res2 = nn.add %res1, %mlp : !nn.seq<[b, n, d]>\n";
  w.decoderTail("%res2", "layer_norm", "%lnf", tied, "ln_f", "lm_head");
  return w.text;
}

/// The sizes every Hugging Face Transformer config names the same way.
struct TransformerSizes {
  int64_t d, h, L, dff, V, P;
};

/// `defaultPositions`: the config class's default for a missing
/// max_position_embeddings (Hugging Face writes only non-default fields);
/// none = the field is required.
llvm::Expected<TransformerSizes>
readTransformerSizes(ConfigReader &c, std::optional<int64_t> defaultPositions = std::nullopt) {
  auto d = c.integer({"hidden_size"});
  auto h = c.integer({"num_attention_heads"});
  auto L = c.integer({"num_hidden_layers"});
  auto dff = c.integer({"intermediate_size"});
  auto V = c.integer({"vocab_size"});
  auto P = defaultPositions ? c.integerOr({"max_position_embeddings"}, *defaultPositions)
                            : c.integer({"max_position_embeddings"});
  if (llvm::Error e = firstError(d, h, L, dff, V, P))
    return std::move(e);
  if (llvm::Error e = requireDivides(c.sourceName(), "num_attention_heads", *h, "hidden_size", *d))
    return std::move(e);
  return TransformerSizes{*d, *h, *L, *dff, *V, *P};
}

llvm::Expected<std::string> importBERT(ConfigReader &c, llvm::StringRef source) {
  auto sizes = readTransformerSizes(c);
  if (!sizes)
    return sizes.takeError();
  auto [d, h, L, dff, V, P] = *sizes;
  auto T = c.integerOr({"type_vocab_size"}, 2);
  if (!T)
    return T.takeError();
  bool pooler = c.boolean("add_pooling_layer", true);
  auto act = activation(c.string("hidden_act", "gelu"), source);
  if (!act)
    return act.takeError();
  ModelWriter w;
  w.header(source, "bert", "bert", "%tokens: !nn.tokens<[b, n]>, %types: !nn.tokens<[b, n]>",
           {{"b", 1}, {"n", P}, {"d", d}, {"h", h}, {"dff", dff}, {"V", V}, {"T", *T},
            {"P", P}, {"L", L}},
           "d mod h == 0",
           "// BertModel: word, position and token-type embeddings with a LayerNorm,\n"
           "// post-layer-norm encoder blocks with biases, and the [CLS] pooler (a dense\n"
           "// layer with tanh on the first position).\n");
  auto &os = w.os;
  // Module names as BertModel's; the FFN is BertIntermediate's dense and
  // activation with BertOutput's dense.
  os << "  %words = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>"
     << moduleComment("embeddings.word_embeddings") << "\n"
     << "  %kinds = nn.embedding %types {vocab = T} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>"
     << moduleComment("embeddings.token_type_embeddings") << "\n"
     << "  %sum = nn.add %words, %kinds : !nn.seq<[b, n, d]>\n"
     << "  %pos = nn.positional %sum {max_len = P} : !nn.seq<[b, n, d]>"
     << moduleComment("embeddings.position_embeddings") << "\n"
     << "  %emb = nn.layer_norm %pos : !nn.seq<[b, n, d]>" << moduleComment("embeddings.LayerNorm")
     << "\n"
     << "  %encoded = nn.repeat<L>(%x = %emb) : !nn.seq<[b, n, d]> {"
     << moduleComment("encoder.layer") << "\n"
     << "    %attn = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>"
     << moduleComment("encoder.layer.*.attention") << "\n"
     << "    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>\n"
     << "    %ln1 = nn.layer_norm %res1 : !nn.seq<[b, n, d]>"
     << moduleComment("encoder.layer.*.attention.output.LayerNorm") << "\n"
     << "    %mlp = nn.ffn %ln1 {hidden = dff, activation = \"" << *act
     << "\"} : !nn.seq<[b, n, d]>" << moduleComment("encoder.layer.*.intermediate+output.dense")
     << "\n"
     << "    %res2 = nn.add %ln1, %mlp : !nn.seq<[b, n, d]>\n"
     << "    %ln2 = nn.layer_norm %res2 : !nn.seq<[b, n, d]>"
     << moduleComment("encoder.layer.*.output.LayerNorm") << "\n"
     << "    nn.yield %ln2 : !nn.seq<[b, n, d]>\n"
     << "  }\n";
  if (pooler)
    os << "  %cls = nn.slice %encoded {length = 1} : !nn.seq<[b, n, d]> -> !nn.seq<[b, 1, d]>\n"
       << "  %dense = nn.linear %cls : !nn.seq<[b, 1, d]> -> !nn.seq<[b, 1, d]>"
       << moduleComment("pooler.dense") << "\n"
       << "  %pooled = nn.activation %dense {kind = \"tanh\"} : !nn.seq<[b, 1, d]>"
       << moduleComment("pooler.activation") << "\n"
       << "  nn.output %encoded, %pooled : !nn.seq<[b, n, d]>, !nn.seq<[b, 1, d]>\n}\n";
  else
    os << "  nn.output %encoded : !nn.seq<[b, n, d]>\n}\n";
  return w.text;
}

/// Llama, Mistral and Mixtral share one decoder; they differ in the
/// window and in experts.
llvm::Expected<std::string> importLlamaFamily(ConfigReader &c, llvm::StringRef source,
                                              llvm::StringRef type) {
  // LlamaConfig's default is 2,048; MistralConfig's and MixtralConfig's
  // 4096 * 32 (transformers' configuration_*.py).
  auto sizes = readTransformerSizes(c, type == "llama" ? 2048 : 4096 * 32);
  if (!sizes)
    return sizes.takeError();
  auto [d, h, L, dff, V, P] = *sizes;
  auto g = c.integerOr({"num_key_value_heads"}, h);
  if (!g)
    return g.takeError();
  if (llvm::Error e = requireDivides(source, "num_key_value_heads", *g, "num_attention_heads", h))
    return std::move(e);
  std::optional<int64_t> window;
  if (type != "llama") {
    auto w = c.integerOr({"sliding_window"}, 0);
    if (!w)
      return w.takeError();
    if (*w)
      window = *w;
  }
  std::optional<int64_t> experts, topK;
  if (type == "mixtral") {
    auto e = c.integer({"num_local_experts"});
    if (!e)
      return e.takeError();
    auto k = c.integer({"num_experts_per_tok"});
    if (!k)
      return k.takeError();
    if (*k > *e)
      return sym::makeError(source + ": 'num_experts_per_tok' (" + llvm::Twine(*k) +
                            ") exceeds 'num_local_experts' (" + llvm::Twine(*e) + ")");
    experts = *e;
    topK = *k;
  }
  bool tied = c.boolean("tie_word_embeddings", false);
  bool attentionBias = c.boolean("attention_bias", false);
  bool mlpBias = c.boolean("mlp_bias", false);
  auto act = activation(c.string("hidden_act", "silu"), source);
  if (!act)
    return act.takeError();

  std::vector<std::pair<std::string, int64_t>> symbols{
      {"b", 1}, {"n", P}, {"d", d}, {"h", h}, {"g", *g}, {"dff", dff}, {"V", V}, {"L", L}};
  // Rotary positions rotate the two halves of each head vector: the head
  // dimension d/h is even (Hugging Face's rotate_half splits it in two).
  std::string constraints = "d mod h == 0, d mod (2*h) == 0, h mod g == 0, g <= h";
  // No 'r <= n': a window longer than the prompt is the normal case, and
  // the window formulas are exact on both sides of n = r.
  if (window)
    symbols.push_back({"r", *window});
  if (experts) {
    symbols.push_back({"E", *experts});
    symbols.push_back({"K", *topK});
    constraints += ", K <= E";
  }
  ModelWriter w;
  w.header(source, type, type, "%tokens: !nn.tokens<[b, n]>", symbols, constraints,
           "// Pre-RMSNorm decoder blocks: causal attention with rotary positions\n"
           "// (grouped-query when g < h), a gated SiLU MLP (three matrices) or a\n"
           "// mixture of such experts, a final RMSNorm and the LM head.\n");
  auto &os = w.os;
  // Module names as LlamaForCausalLM's (model.*, lm_head).
  os << "  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>"
     << moduleComment("embed_tokens") << "\n"
     << "  %blocks = nn.repeat<L>(%x = %emb) : !nn.seq<[b, n, d]> {" << moduleComment("layers")
     << "\n"
     << "    %norm1 = nn.rms_norm %x : !nn.seq<[b, n, d]>"
     << moduleComment("layers.*.input_layernorm") << "\n"
     << "    %attn = nn.attention %norm1 {heads = h" << (*g != h ? ", kv_heads = g" : "")
     << (window ? ", window = r" : "") << ", causal, rotary" << (attentionBias ? "" : ", no_bias")
     << "} : !nn.seq<[b, n, d]>" << moduleComment("layers.*.self_attn") << "\n"
     << "    %res1 = nn.add %x, %attn : !nn.seq<[b, n, d]>\n"
     << "    %norm2 = nn.rms_norm %res1 : !nn.seq<[b, n, d]>"
     << moduleComment("layers.*.post_attention_layernorm") << "\n";
  if (experts)
    os << "    %mlp = nn.moe %norm2 {experts = E, top_k = K, hidden = dff, activation = \"" << *act
       << "\", gated" << (mlpBias ? "" : ", no_bias") << "} : !nn.seq<[b, n, d]>"
       << moduleComment("layers.*.block_sparse_moe") << "\n";
  else
    os << "    %mlp = nn.ffn %norm2 {hidden = dff, activation = \"" << *act << "\", gated"
       << (mlpBias ? "" : ", no_bias") << "} : !nn.seq<[b, n, d]>"
       << moduleComment("layers.*.mlp") << "\n";
  os << "    %res2 = nn.add %res1, %mlp : !nn.seq<[b, n, d]>\n";
  w.decoderTail("%res2", "rms_norm", "%normf", tied, "norm", "lm_head");
  return w.text;
}

llvm::Expected<std::string> importMamba(ConfigReader &c, llvm::StringRef source) {
  auto d = c.integer({"hidden_size", "d_model"});
  auto L = c.integer({"num_hidden_layers", "n_layer"});
  auto vocab = c.integer({"vocab_size"});
  if (llvm::Error e = firstError(d, L, vocab))
    return std::move(e);
  const llvm::json::Object *ssm = c.raw().getObject("ssm_cfg");
  auto nested = [&](llvm::StringRef hfName, llvm::StringRef ssmName,
                    int64_t fallback) -> llvm::Expected<int64_t> {
    if (ssm && ssm->get(ssmName)) {
      ConfigReader nestedReader(*ssm, source);
      return nestedReader.integer({ssmName});
    }
    return c.integerOr({hfName}, fallback);
  };
  auto state = nested("state_size", "d_state", 16);
  auto expand = nested("expand", "expand", 2);
  auto kernel = nested("conv_kernel", "d_conv", 4);
  auto pad = c.integerOr({"pad_vocab_size_multiple"}, 1);
  if (llvm::Error e = firstError(state, expand, kernel, pad))
    return std::move(e);
  // time_step_rank "auto" (the default) is ceil(d / 16).
  int64_t dtRank = (*d + 15) / 16;
  if (const llvm::json::Value *rank = c.raw().get("time_step_rank");
      rank && rank->getAsString() != std::optional<llvm::StringRef>("auto")) {
    auto r = c.integer({"time_step_rank"});
    if (!r)
      return sym::makeError(source + ": field 'time_step_rank' must be \"auto\" or a positive "
                                     "integer");
    dtRank = *r;
  }
  // The original package pads the vocabulary to a multiple.
  int64_t V = (*vocab + *pad - 1) / *pad * *pad;
  bool tied = c.boolean("tie_word_embeddings", c.boolean("tie_embeddings", true));
  ModelWriter w;
  std::string notes = "// Residual Mamba blocks (RMSNorm, selective-scan mixer), a final RMSNorm,\n"
                      "// and an LM head tied to the embedding unless untied.\n";
  if (V != *vocab)
    notes += "// vocab_size " + std::to_string(*vocab) + " padded to a multiple of " +
             std::to_string(*pad) + ": " + std::to_string(V) + ".\n";
  w.header(source, "mamba", "mamba", "%tokens: !nn.tokens<[b, n]>",
           {{"b", 1}, {"n", 2048}, {"d", *d}, {"V", V}, {"L", *L}}, "", notes);
  auto &os = w.os;
  // Module names as MambaForCausalLM's (backbone.*, lm_head).
  os << "  %emb = nn.embedding %tokens {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>"
     << moduleComment("embeddings") << "\n"
     << "  %blocks = nn.repeat<L>(%x = %emb) : !nn.seq<[b, n, d]> {" << moduleComment("layers")
     << "\n"
     << "    %norm = nn.rms_norm %x : !nn.seq<[b, n, d]>" << moduleComment("layers.*.norm") << "\n"
     << "    %mix = nn.ssm %norm {state = " << *state << ", expand = " << *expand
     << ", dt_rank = " << dtRank << ", conv_kernel = " << *kernel << "} : !nn.seq<[b, n, d]>"
     << moduleComment("layers.*.mixer") << "\n"
     << "    %res = nn.add %x, %mix : !nn.seq<[b, n, d]>\n";
  w.decoderTail("%res", "rms_norm", "%normf", tied, "norm_f", "lm_head");
  return w.text;
}

} // namespace

std::vector<std::string> costopt::supportedModelTypes() {
  return {"gpt2", "bert", "llama", "mistral", "mixtral", "mamba"};
}

llvm::Expected<std::string> costopt::importHuggingFaceConfig(llvm::StringRef json,
                                                             llvm::StringRef sourceName) {
  auto parsed = parseJSON(json);
  if (!parsed)
    return sym::makeError(sourceName + ": not valid JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return sym::makeError(sourceName + ": a config must be a JSON object");
  auto type = object->getString("model_type");
  if (!type)
    return sym::makeError(sourceName + (object->get("model_type")
                                            ? ": field 'model_type' must be a string"
                                            : ": missing field 'model_type'"));
  ConfigReader reader(*object, sourceName);
  auto checked = [&](llvm::Expected<std::string> model) -> llvm::Expected<std::string> {
    if (!model)
      return model.takeError();
    if (llvm::Error e = reader.takeError())
      return std::move(e);
    return model;
  };
  if (*type == "gpt2")
    return checked(importGPT2(reader, sourceName));
  if (*type == "bert")
    return checked(importBERT(reader, sourceName));
  if (*type == "llama" || *type == "mistral" || *type == "mixtral")
    return checked(importLlamaFamily(reader, sourceName, *type));
  if (*type == "mamba")
    return checked(importMamba(reader, sourceName));
  std::string supported;
  for (const std::string &t : supportedModelTypes())
    supported += (supported.empty() ? "" : ", ") + t;
  return sym::makeError(sourceName + ": unsupported model_type '" + *type +
                        "'; supported: " + supported);
}
