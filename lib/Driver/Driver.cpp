//===- Driver.cpp - The costopt command's logic ---------------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Reads a model, runs the analyses, evaluates every formula exactly at the
// model's defaults overridden by -D, and renders the report as text, JSON or
// Markdown. Numbers are printed from exact rationals; human units (GFLOP,
// MiB) are a rounded second rendering beside the exact integer.
//
//===----------------------------------------------------------------------===//

#include "costopt/Driver/Driver.h"

#include "costopt/Analysis/ModelCost.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>
#include <map>

using namespace costopt;
using sym::Expr;

const char *costopt::getVersionString() { return "costopt 0.1.0 (LLVM/MLIR " LLVM_VERSION_STRING ")"; }

namespace {

//===----------------------------------------------------------------------===//
// Numbers
//===----------------------------------------------------------------------===//

double toDouble(const sym::Rational &value) {
  auto digits = [](const llvm::DynamicAPInt &v) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    return std::strtod(s.c_str(), nullptr);
  };
  return digits(value.num) / digits(value.den);
}

enum class Unit { Count, Flop, Byte };

/// Formats with two decimals and thousands separators: 3,051.76.
std::string formatDecimal(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f", v);
  llvm::StringRef text(buffer);
  bool negative = text.consume_front("-");
  auto [whole, fraction] = text.split('.');
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i && (whole.size() - i) % 3 == 0)
      grouped += ',';
    grouped += whole[i];
  }
  return (negative ? "-" : "") + grouped + "." + fraction.str();
}

/// "1.23 GFLOP", "30.52 MiB", "124.44 M"; empty below the first prefix.
/// `byteUnit` forces a binary unit ("MiB") instead of choosing one.
std::string humanize(const sym::Rational &value, Unit unit, llvm::StringRef byteUnit = "auto") {
  double v = toDouble(value);
  if (unit == Unit::Byte) {
    static const char *names[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int i = 0;
    if (byteUnit != "auto") {
      while (i < 6 && byteUnit != names[i])
        ++i;
      v /= std::pow(1024.0, i);
    } else {
      while (std::fabs(v) >= 1024 && i < 6) {
        v /= 1024;
        ++i;
      }
    }
    if (i == 0)
      return "";
    return formatDecimal(v) + " " + names[i];
  }
  // Plain counts below a million read fine as exact integers.
  if (unit == Unit::Count && std::fabs(v) < 1e6)
    return "";
  static const char *prefixes[] = {"", "K", "M", "G", "T", "P", "E", "Z", "Y"};
  int i = 0;
  while (std::fabs(v) >= 1000 && i < 8) {
    v /= 1000;
    ++i;
  }
  if (i == 0)
    return "";
  return formatDecimal(v) + " " + prefixes[i] + (unit == Unit::Flop ? "FLOP" : "");
}

/// Parses "4096", "4k" (4000), "4Ki" (4096), "1M", "2e5" into an integer.
std::optional<llvm::DynamicAPInt> parseSize(llvm::StringRef text) {
  text = text.trim();
  static const std::pair<const char *, int64_t> suffixes[] = {
      {"Ki", 1024}, {"Mi", 1024 * 1024}, {"Gi", 1024 * 1024 * 1024},
      {"k", 1000},  {"K", 1000},         {"M", 1000000}, {"G", 1000000000}};
  llvm::DynamicAPInt scale(1);
  for (auto [suffix, factor] : suffixes)
    if (text.consume_back(suffix)) {
      scale = llvm::DynamicAPInt(factor);
      break;
    }
  size_t e = text.find_insensitive('e');
  llvm::StringRef digits = text.substr(0, e);
  int64_t exponent = 0;
  if (e != llvm::StringRef::npos && text.substr(e + 1).getAsInteger(10, exponent))
    return std::nullopt;
  if (exponent < 0 || exponent > 30)
    return std::nullopt;
  llvm::APInt value;
  if (digits.empty() || digits.getAsInteger(10, value))
    return std::nullopt;
  llvm::DynamicAPInt result(value.zext(value.getBitWidth() + 1));
  for (int64_t i = 0; i < exponent; ++i)
    result *= llvm::DynamicAPInt(10);
  return result * scale;
}

int64_t dtypeBytes(llvm::StringRef dtype) {
  return llvm::StringSwitch<int64_t>(dtype)
      .Case("f32", 4)
      .Case("fp32", 4)
      .Cases({"bf16", "f16", "fp16"}, 2)
      .Cases({"fp8", "f8"}, 1)
      .Default(0);
}

//===----------------------------------------------------------------------===//
// Report model
//===----------------------------------------------------------------------===//

/// A formula, and its exact value where every symbol is bound.
struct Figure {
  std::string name;
  Expr formula;
  Unit unit = Unit::Count;
  std::optional<sym::Rational> value;
};

struct TableRow {
  std::string layer;
  std::string complexity, sequentialOps, pathLength;
  std::optional<Expr> complexityClass;
};

struct ModelReport {
  std::string name;
  std::vector<std::string> symbolOrder;
  std::string symbolsText, constraintsText;
  sym::Bindings bindings;
  std::vector<std::string> unbound;
  ModelCost cost;
  std::vector<Figure> totals;
  std::vector<TableRow> table;
  /// "self-attention is cheaper than recurrent iff n < d".
  std::vector<std::string> crossovers;
  std::optional<Figure> receptiveField;
  /// Set when the receptive field is provably or numerically below n.
  std::string disconnected;
  sym::Assumptions assumptions;
};

std::string formulaText(const ModelReport &report, const Expr &e);

class ReportBuilder {
public:
  ReportBuilder(const DriverOptions &options, int64_t bytesPerElement)
      : options(options), bytesPerElement(bytesPerElement) {}

  Figure figure(ModelReport &report, llvm::StringRef name, const Expr &formula, Unit unit) {
    Figure f{name.str(), sym::simplify(formula, report.assumptions), unit, std::nullopt};
    auto value = sym::evaluate(f.formula, report.bindings);
    if (value)
      f.value = *value;
    else
      llvm::consumeError(value.takeError());
    return f;
  }

  /// Substitutes 1 for symbols that are batch dimensions of `op`'s input so
  /// the class is per sequence, as in the paper.
  Expr perSequence(mlir::Operation *op, const Expr &e) {
    if (!op->getNumOperands())
      return e;
    auto seq = llvm::dyn_cast<nn::SeqType>(op->getOperand(0).getType());
    if (!seq)
      return e;
    llvm::StringMap<Expr> ones;
    auto shape = seq.getShapeExprs();
    for (size_t i = 0; i + 2 < shape.size(); ++i)
      if (auto name = shape[i].getSymbolName())
        ones[*name] = Expr(1);
    return e.substitute(ones);
  }

  std::optional<Expr> bigOClass(const ModelReport &report, const Expr &e) {
    auto cls = sym::bigO(sym::simplify(e, report.assumptions),
                         sym::Regime::fromAssumptions(report.assumptions));
    if (!cls) {
      llvm::consumeError(cls.takeError());
      return std::nullopt;
    }
    return *cls;
  }

  std::string bigOText(const ModelReport &report, const Expr &e) {
    sym::PrintOptions print;
    print.symbolOrder = report.symbolOrder;
    if (auto cls = bigOClass(report, e))
      return sym::printBigO(*cls, print);
    return "O(" + sym::print(e, print) + ")";
  }

  ModelReport build(nn::ModelOp model, ModelCost cost, const sym::Bindings &overrides) {
    ModelReport report;
    report.name = model.getSymName().str();
    report.symbolOrder = model.getSymbolNames();
    report.assumptions = *model.getAssumptions();
    report.bindings = model.getDefaultBindings();
    for (const auto &entry : overrides)
      report.bindings[entry.getKey()] = entry.getValue();
    for (const std::string &s : report.symbolOrder) {
      if (!report.symbolsText.empty())
        report.symbolsText += ", ";
      report.symbolsText += s;
      auto it = report.bindings.find(s);
      if (it != report.bindings.end())
        report.symbolsText += " = " + sym::formatWithSeparators(it->second);
      else
        report.unbound.push_back(s);
    }
    for (mlir::Attribute c : model.getConstraints()) {
      if (!report.constraintsText.empty())
        report.constraintsText += ", ";
      std::string text = llvm::cast<mlir::StringAttr>(c).getValue().str();
      for (size_t pos; (pos = text.find('%')) != std::string::npos;)
        text.replace(pos, 1, "mod");
      report.constraintsText += text;
    }
    Expr bytes(bytesPerElement);
    report.totals.push_back(figure(report, cost.options.countMACs ? "MACs" : "FLOPs",
                                   cost.flops, cost.options.countMACs ? Unit::Count : Unit::Flop));
    report.totals.push_back(figure(report, "Table-1 core FLOPs (forward)", cost.coreFlops,
                                   Unit::Flop));
    report.totals.push_back(figure(report, "Parameters", cost.params, Unit::Count));
    report.totals.push_back(figure(report, "Weight memory", cost.params * bytes, Unit::Byte));
    bool training = cost.options.mode == CostMode::Train ||
                    cost.options.mode == CostMode::Backward;
    report.totals.push_back(figure(report,
                                   training ? "Activation memory (stored for backward)"
                                            : "Peak activation memory",
                                   cost.peakActivationElements * bytes, Unit::Byte));
    if (!cost.largestWorkspaceElements.isZero())
      report.totals.push_back(figure(report, "Largest attention-score matrix",
                                     cost.largestWorkspaceElements * bytes, Unit::Byte));
    report.totals.push_back(figure(report, "KV cache / decoding state",
                                   cost.kvCacheElements * bytes, Unit::Byte));
    report.totals.push_back(figure(report, "Bytes moved", cost.trafficElements * bytes,
                                   Unit::Byte));
    report.totals.push_back(figure(report,
                                   cost.depthExact ? "Sequential depth"
                                                   : "Sequential depth (upper bound)",
                                   cost.sequentialDepth, Unit::Count));
    report.totals.push_back(figure(report, "Maximum path length", cost.maxPathLength,
                                   Unit::Count));
    if (cost.receptiveField) {
      report.receptiveField = figure(report, "Receptive field", *cost.receptiveField,
                                     Unit::Count);
      Figure length = figure(report, "n", cost.outputLength, Unit::Count);
      sym::Sign sign = sym::decideSign(cost.outputLength - *cost.receptiveField,
                                       report.assumptions);
      bool below = sign == sym::Sign::Positive ||
                   (report.receptiveField->value && length.value &&
                    *report.receptiveField->value < *length.value);
      if (below)
        report.disconnected = "positions more than " +
                              formulaText(report, *cost.receptiveField - Expr(1)) +
                              " apart never connect (receptive field below the sequence "
                              "length " +
                              formulaText(report, cost.outputLength) + ")";
    }

    std::map<std::string, bool> seen;
    for (const LayerCost &layer : cost.layers) {
      if (layer.cost.tableRow.empty())
        continue;
      TableRowFigures rowFigures = tableRowFigures(layer);
      Expr core = perSequence(layer.op, layer.cost.core);
      TableRow row{layer.cost.tableRow, bigOText(report, core),
                   bigOText(report, rowFigures.sequentialOps),
                   bigOText(report, rowFigures.pathLength), bigOClass(report, core)};
      std::string key = row.layer + row.complexity + row.sequentialOps + row.pathLength;
      if (!seen[key]) {
        seen[key] = true;
        report.table.push_back(row);
      }
    }
    report.crossovers = crossovers(report);
    report.cost = std::move(cost);
    return report;
  }

  /// Where one layer kind's complexity class beats another's, solved for
  /// the first symbol (in declaration order) along which they cross.
  std::vector<std::string> crossovers(const ModelReport &report) {
    std::vector<std::string> lines;
    sym::PrintOptions print;
    print.symbolOrder = report.symbolOrder;
    for (size_t i = 0; i < report.table.size(); ++i)
      for (size_t j = i + 1; j < report.table.size(); ++j) {
        const TableRow &a = report.table[i], &b = report.table[j];
        if (!a.complexityClass || !b.complexityClass || a.layer == b.layer)
          continue;
        std::string versus = " (" + a.complexity + " vs " + b.complexity + ")";
        sym::Sign sign =
            sym::decideSign(*a.complexityClass - *b.complexityClass, report.assumptions);
        if (sign == sym::Sign::Negative || sign == sym::Sign::Positive) {
          bool aCheaper = sign == sym::Sign::Negative;
          lines.push_back((aCheaper ? a.layer : b.layer) + " is always cheaper than " +
                          (aCheaper ? b.layer : a.layer) + versus);
          continue;
        }
        // The sequence length first: it is what a reader varies.
        std::vector<std::string> order = report.symbolOrder;
        if (auto n = llvm::find(order, "n"); n != order.end())
          std::rotate(order.begin(), n, n + 1);
        for (const std::string &symbol : order) {
          if (!a.complexityClass->containsSymbol(symbol) &&
              !b.complexityClass->containsSymbol(symbol))
            continue;
          sym::Crossover c = sym::solveCrossover(*a.complexityClass, *b.complexityClass,
                                                 symbol, report.assumptions);
          std::string boundary = sym::print(c.boundary, print);
          std::string line;
          if (c.kind == sym::Crossover::Kind::LessBelow)
            line = a.layer + " is cheaper than " + b.layer + " exactly when " + symbol +
                   " < " + boundary;
          else if (c.kind == sym::Crossover::Kind::LessAbove)
            line = a.layer + " is cheaper than " + b.layer + " exactly when " + symbol +
                   " > " + boundary;
          else
            continue;
          lines.push_back(line + versus);
          break;
        }
      }
    return lines;
  }

private:
  const DriverOptions &options;
  int64_t bytesPerElement;
};

//===----------------------------------------------------------------------===//
// Rendering
//===----------------------------------------------------------------------===//

/// Display width of UTF-8 text: one column per code point.
size_t displayWidth(llvm::StringRef s) {
  size_t width = 0;
  for (unsigned char c : s)
    width += (c & 0xC0) != 0x80;
  return width;
}

void printTable(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &rows,
                bool markdown) {
  if (rows.empty())
    return;
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], displayWidth(row[i]));
  for (size_t r = 0; r < rows.size(); ++r) {
    os << (markdown ? "| " : "  ");
    for (size_t i = 0; i < rows[r].size(); ++i) {
      os << rows[r][i];
      bool last = i + 1 == rows[r].size();
      if (!last || markdown)
        os.indent(widths[i] - displayWidth(rows[r][i]));
      if (!last)
        os << (markdown ? " | " : "   ");
    }
    os << (markdown ? " |" : "") << "\n";
    if (r == 0) {
      os << (markdown ? "|" : "  ");
      for (size_t i = 0; i < widths.size(); ++i) {
        if (markdown)
          os << std::string(widths[i] + 2, '-') << "|";
        else
          os << std::string(widths[i], '-') << (i + 1 == widths.size() ? "" : "   ");
      }
      os << "\n";
    }
  }
}

std::string formulaText(const ModelReport &report, const Expr &e) {
  sym::PrintOptions print;
  print.symbolOrder = report.symbolOrder;
  return sym::print(e, print);
}

std::string valueText(const Figure &f, llvm::StringRef byteUnit) {
  if (!f.value)
    return "";
  std::string exact = sym::formatRational(*f.value);
  std::string human = humanize(*f.value, f.unit, byteUnit);
  if (f.unit == Unit::Byte)
    exact += " B";
  return human.empty() ? exact : exact + "  (" + human + ")";
}

class Renderer {
public:
  Renderer(const DriverOptions &options, llvm::raw_ostream &os) : options(options), os(os) {}

  void renderText(const std::vector<ModelReport> &reports, bool markdown) {
    const char *h1 = markdown ? "## " : "";
    const char *h2 = markdown ? "### " : "";
    for (const ModelReport &report : reports) {
      os << h1 << "Model @" << report.name << "\n\n";
      os << "Symbols:      " << report.symbolsText << "\n";
      if (!report.constraintsText.empty())
        os << "Assumptions:  " << report.constraintsText << "; all symbols >= 1\n";
      os << "Conventions:  " << conventions() << "\n";
      if (!report.unbound.empty()) {
        os << "Unbound:      ";
        llvm::interleaveComma(report.unbound, os);
        os << " (bind with -D name=value for numbers)\n";
      }
      os << "\n" << h2 << "Table 1: complexity per layer kind\n\n";
      std::vector<std::vector<std::string>> rows{
          {"layer", "complexity per layer", "sequential ops", "max path length"}};
      for (const TableRow &row : report.table)
        rows.push_back({row.layer, row.complexity, row.sequentialOps, row.pathLength});
      if (report.table.empty())
        os << "  (no sequence-mixing layers)\n";
      else
        printTable(os, rows, markdown);
      if (!report.crossovers.empty()) {
        os << "\nCrossovers of the complexity classes:\n";
        for (const std::string &line : report.crossovers)
          os << (markdown ? "- " : "  ") << line << "\n";
      }

      os << "\n" << h2 << "Per-layer costs (one application; count = repeats)\n\n";
      rows = {{"location", "op", "count", report.cost.options.countMACs ? "MACs" : "FLOPs",
               "params", "activations"}};
      for (const LayerCost &layer : report.cost.layers)
        rows.push_back({shortLocation(layer.location), layer.opName,
                        formulaText(report, layer.multiplicity),
                        formulaText(report, layer.cost.totalWork(report.cost.options)),
                        formulaText(report, layer.cost.params),
                        formulaText(report, layer.cost.outputElements)});
      printTable(os, rows, markdown);

      if (options.explain) {
        os << "\n" << h2 << "Where every FLOP comes from\n\n";
        rows = {{"location", "op", "rule", "FLOPs per application", "× count"}};
        for (const LayerCost &layer : report.cost.layers)
          for (const FlopTerm &term : layer.cost.terms)
            rows.push_back({layer.location, layer.opName,
                            term.rule + (term.matmul ? " [matmul]" : ""),
                            formulaText(report, term.flops),
                            formulaText(report, layer.multiplicity)});
        printTable(os, rows, markdown);
      }

      os << "\n" << h2 << "Totals\n\n";
      rows = {{"quantity", "formula", "value"}};
      for (const Figure &f : report.totals)
        rows.push_back({f.name, formulaText(report, f.formula),
                        valueText(f, options.memoryUnit)});
      if (report.receptiveField)
        rows.push_back({report.receptiveField->name,
                        formulaText(report, report.receptiveField->formula),
                        valueText(*report.receptiveField, options.memoryUnit)});
      printTable(os, rows, markdown);
      if (!report.disconnected.empty())
        os << "\nNote: " << report.disconnected << ".\n";
      os << "\n";
    }
  }

  void renderJSON(const std::vector<ModelReport> &reports) {
    llvm::json::Array models;
    for (const ModelReport &report : reports) {
      auto figureJSON = [&](const Figure &f) {
        llvm::json::Object o{{"name", f.name},
                             {"formula", formulaText(report, f.formula)},
                             {"expr", sym::toJSON(f.formula)}};
        if (f.value) {
          std::string plain = sym::formatRational(*f.value);
          llvm::erase(plain, ',');
          o["value"] = plain;
        }
        return o;
      };
      llvm::json::Array totals;
      for (const Figure &f : report.totals)
        totals.push_back(figureJSON(f));
      llvm::json::Array table;
      for (const TableRow &row : report.table)
        table.push_back(llvm::json::Object{{"layer", row.layer},
                                           {"complexity", row.complexity},
                                           {"sequential_ops", row.sequentialOps},
                                           {"max_path_length", row.pathLength}});
      llvm::json::Array layers;
      for (const LayerCost &layer : report.cost.layers) {
        llvm::json::Array terms;
        for (const FlopTerm &t : layer.cost.terms)
          terms.push_back(llvm::json::Object{{"rule", t.rule},
                                             {"flops", formulaText(report, t.flops)},
                                             {"matmul", t.matmul}});
        layers.push_back(llvm::json::Object{
            {"op", layer.opName},
            {"location", layer.location},
            {"count", formulaText(report, layer.multiplicity)},
            {"flops", formulaText(report, layer.cost.totalWork(report.cost.options))},
            {"params", formulaText(report, layer.cost.params)},
            {"activations", formulaText(report, layer.cost.outputElements)},
            {"priced", layer.priced},
            {"terms", std::move(terms)}});
      }
      llvm::json::Object bindings;
      for (const auto &entry : report.bindings) {
        std::string plain = sym::formatWithSeparators(entry.getValue());
        llvm::erase(plain, ',');
        bindings[entry.getKey()] = plain;
      }
      llvm::json::Object model{{"name", report.name},
                               {"symbols", llvm::json::Array(report.symbolOrder)},
                               {"constraints", report.constraintsText},
                               {"bindings", std::move(bindings)},
                               {"table1", std::move(table)},
                               {"layers", std::move(layers)},
                               {"totals", std::move(totals)},
                               {"depth_exact", report.cost.depthExact}};
      if (report.receptiveField)
        model["receptive_field"] = figureJSON(*report.receptiveField);
      model["crossovers"] = llvm::json::Array(report.crossovers);
      if (!report.disconnected.empty())
        model["disconnected"] = report.disconnected;
      models.push_back(std::move(model));
    }
    llvm::json::Object root{
        {"schema", "costopt.report/1"},
        {"tool", getVersionString()},
        {"input", options.inputFile},
        {"conventions",
         llvm::json::Object{{"mode", options.mode},
                            {"dtype", options.dtype},
                            {"count", options.count},
                            {"flop", "1 multiply-add = 2 FLOPs"},
                            {"causal", "n(n+1)/2 scored pairs per head"},
                            {"memory_unit", "bytes; human units are binary (MiB = 2^20 B)"}}},
        {"models", std::move(models)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  }

private:
  std::string conventions() const {
    std::string work = options.count == "macs"
                           ? "MACs = multiply-accumulates of matmuls (element-wise work not "
                             "counted)"
                           : "1 multiply-add = 2 FLOPs";
    return options.mode + " pass; " + work + "; causal masks score n(n+1)/2 pairs; " +
           options.dtype + " (" + std::to_string(dtypeBytes(options.dtype)) +
           " bytes/element); MiB = 2^20 bytes";
  }

  static std::string shortLocation(llvm::StringRef location) {
    // file:line:col -> line:col; the file is in the header.
    auto [rest, col] = location.rsplit(':');
    auto [file, line] = rest.rsplit(':');
    (void)file;
    if (line.empty())
      return location.str();
    return (line + ":" + col).str();
  }

  const DriverOptions &options;
  llvm::raw_ostream &os;
};

} // namespace

int costopt::runDriver(const DriverOptions &options, llvm::raw_ostream &outs,
                       llvm::raw_ostream &errs) {
  std::optional<CostMode> mode = parseCostMode(options.mode);
  if (!mode) {
    errs << "costopt: error: unknown --mode '" << options.mode
         << "'; expected forward, backward, train or decode\n";
    return ExitUsageError;
  }
  int64_t bytes = dtypeBytes(options.dtype);
  if (!bytes) {
    errs << "costopt: error: unknown --dtype '" << options.dtype
         << "'; expected f32, bf16, f16 or fp8\n";
    return ExitUsageError;
  }
  if (!llvm::is_contained({"auto", "KiB", "MiB", "GiB", "TiB"},
                          llvm::StringRef(options.memoryUnit))) {
    errs << "costopt: error: unknown --memory-unit '" << options.memoryUnit
         << "'; expected auto, KiB, MiB, GiB or TiB\n";
    return ExitUsageError;
  }
  if (options.format != "text" && options.format != "json" && options.format != "md") {
    errs << "costopt: error: unknown --format '" << options.format
         << "'; expected text, json or md\n";
    return ExitUsageError;
  }

  std::string errorMessage;
  auto file = mlir::openInputFile(options.inputFile, &errorMessage);
  if (!file) {
    errs << "costopt: error: cannot read '" << options.inputFile << "': " << errorMessage
         << "\n";
    return ExitInputError;
  }

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  sourceMgr->AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(*sourceMgr, &context, errs);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return ExitInputError;

  std::vector<nn::ModelOp> models;
  module->walk([&](nn::ModelOp model) {
    if (options.modelName.empty() || model.getSymName() == options.modelName)
      models.push_back(model);
  });
  if (models.empty()) {
    errs << "costopt: error: " << options.inputFile << ": "
         << (options.modelName.empty() ? "no nn.model in the file"
                                       : "no nn.model named @" + options.modelName)
         << "\n";
    return ExitInputError;
  }

  // -D name=value, checked against every selected model's symbols.
  sym::Bindings overrides;
  for (const std::string &binding : options.bindings) {
    auto [name, value] = llvm::StringRef(binding).split('=');
    name = name.trim();
    if (value.empty() || name.empty()) {
      errs << "costopt: error: bad binding '" << binding << "'; expected -D name=value\n";
      return ExitUsageError;
    }
    auto size = parseSize(value);
    if (!size) {
      errs << "costopt: error: bad value '" << value << "' for " << name
           << "; expected a non-negative integer such as 4096, 4k, 4Ki or 1e6\n";
      return ExitUsageError;
    }
    bool declared = llvm::any_of(models, [&](nn::ModelOp m) {
      return llvm::is_contained(m.getSymbolNames(), name.str());
    });
    if (!declared) {
      errs << "costopt: error: -D " << name << ": no model in " << options.inputFile
           << " declares a symbol '" << name << "'\n";
      return ExitInputError;
    }
    overrides[name] = *size;
  }

  if (options.count != "flops" && options.count != "macs") {
    errs << "costopt: error: unknown --count '" << options.count
         << "'; expected flops or macs\n";
    return ExitUsageError;
  }
  CostOptions costOptions;
  costOptions.mode = *mode;
  costOptions.countMACs = options.count == "macs";
  ReportBuilder builder(options, bytes);
  std::vector<ModelReport> reports;
  for (nn::ModelOp model : models) {
    mlir::FailureOr<ModelCost> cost = analyzeModel(model, costOptions);
    if (failed(cost))
      return ExitInputError;
    reports.push_back(builder.build(model, std::move(*cost), overrides));
  }

  std::unique_ptr<llvm::ToolOutputFile> outputFile;
  llvm::raw_ostream *os = &outs;
  if (options.outputFile != "-") {
    outputFile = mlir::openOutputFile(options.outputFile, &errorMessage);
    if (!outputFile) {
      errs << "costopt: error: cannot write '" << options.outputFile << "': " << errorMessage
           << "\n";
      return ExitInputError;
    }
    os = &outputFile->os();
  }
  Renderer renderer(options, *os);
  if (options.format == "json")
    renderer.renderJSON(reports);
  else
    renderer.renderText(reports, options.format == "md");
  if (outputFile)
    outputFile->keep();
  return ExitSuccess;
}
