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

#include "costopt/Analysis/Conventions.h"
#include "costopt/Analysis/ModelCost.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Import/HuggingFace.h"
#include "costopt/InitAll.h"

#include "Charts.h"
#include "Hardware.h"

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
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
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
  // Counts (parameters) use the customary B for billions; rates use SI.
  static const char *prefixes[] = {"", "K", "M", "G", "T", "P", "E", "Z", "Y"};
  static const char *countPrefixes[] = {"", "K", "M", "B", "T", "P", "E", "Z", "Y"};
  int i = 0;
  while (std::fabs(v) >= 1000 && i < 8) {
    v /= 1000;
    ++i;
  }
  if (i == 0)
    return "";
  return formatDecimal(v) + " " + (unit == Unit::Count ? countPrefixes[i] : prefixes[i]) +
         (unit == Unit::Flop ? "FLOP" : "");
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

  /// Roofline estimate per op on --hw (empty without it).
  struct RooflineRow {
    std::string location, op;
    double flops = 0, bytes = 0, computeSeconds = 0, memorySeconds = 0;
  };
  std::vector<RooflineRow> roofline;
  double rooflineSeconds = 0;
  std::string rooflineNote; ///< why there is no estimate, or the fit verdict

  /// --sweep: one row per value of the swept symbol.
  struct Sweep {
    std::string symbol;
    std::vector<std::string> columns;
    std::vector<Expr> formulas;
    std::vector<llvm::DynamicAPInt> xs;
    std::vector<std::vector<std::optional<sym::Rational>>> values;
  };
  std::optional<Sweep> sweep;
};

std::string formulaText(const ModelReport &report, const Expr &e);

/// A parsed --sweep: symbol, start, end, and the step (×factor or +term).
struct SweepSpec {
  std::string symbol;
  llvm::DynamicAPInt start, end, step;
  bool multiply = true;
};

std::optional<SweepSpec> parseSweep(llvm::StringRef text, std::string &error) {
  auto [symbol, range] = text.split('=');
  auto [bounds, step] = range.split(':');
  auto [from, to] = bounds.split("..");
  SweepSpec spec;
  spec.symbol = symbol.trim().str();
  auto start = parseSize(from), end = parseSize(to);
  if (spec.symbol.empty() || !start || !end) {
    error = "expected --sweep name=start..end[:*factor|:+step], e.g. n=1k..1M";
    return std::nullopt;
  }
  spec.start = *start;
  spec.end = *end;
  spec.step = llvm::DynamicAPInt(2);
  if (!step.empty()) {
    spec.multiply = step.front() == '*';
    if (step.front() != '*' && step.front() != '+') {
      error = "a sweep step is '*factor' or '+increment'";
      return std::nullopt;
    }
    auto value = parseSize(step.drop_front());
    if (!value) {
      error = "bad sweep step '" + step.str() + "'";
      return std::nullopt;
    }
    spec.step = *value;
  }
  if ((spec.multiply && (spec.step < 2 || spec.start < 1)) ||
      (!spec.multiply && spec.step < 1) || spec.end < spec.start) {
    error = "the sweep must grow: start <= end, factor >= 2 (from start >= 1) or increment >= 1";
    return std::nullopt;
  }
  return spec;
}

std::vector<llvm::DynamicAPInt> sweepPoints(const SweepSpec &spec) {
  std::vector<llvm::DynamicAPInt> xs;
  for (llvm::DynamicAPInt x = spec.start; x <= spec.end && xs.size() < 10000;
       x = spec.multiply ? x * spec.step : x + spec.step)
    xs.push_back(x);
  return xs;
}

/// Parses a budget "quantity<=limit" (also "<"). Limits take SI (k, M, G,
/// T, P, E), byte (KB, MB, GB, TB = 10^3k; KiB, MiB, GiB, TiB = 2^10k) and
/// exponent (1e15) forms.
struct Budget {
  std::string text, quantity;
  bool strict = false;
  sym::Rational limit;
};

std::optional<Budget> parseBudget(llvm::StringRef text, std::string &error) {
  Budget budget;
  budget.text = text.str();
  size_t at = text.find('<');
  if (at == llvm::StringRef::npos) {
    error = "expected 'quantity<=limit', e.g. 'flops<=1e15' or 'memory<=80GB'";
    return std::nullopt;
  }
  budget.quantity = text.take_front(at).trim().lower();
  llvm::StringRef limit = text.drop_front(at + 1);
  budget.strict = !limit.consume_front("=");
  limit = limit.trim();
  static const std::pair<const char *, double> units[] = {
      {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
      {"KB", 1e3},     {"MB", 1e6},        {"GB", 1e9},           {"TB", 1e12},
      {"B", 1},        {"k", 1e3},         {"K", 1e3},            {"M", 1e6},
      {"G", 1e9},      {"T", 1e12},        {"P", 1e15},           {"E", 1e18}};
  llvm::DynamicAPInt scale(1);
  for (auto [suffix, factor] : units)
    if (limit.consume_back(suffix)) {
      scale = llvm::DynamicAPInt(static_cast<int64_t>(factor));
      break;
    }
  // Mantissa with an optional decimal point and exponent: exact rational.
  size_t e = limit.find_insensitive('e');
  llvm::StringRef digits = limit.substr(0, e);
  int64_t exponent = 0;
  if (e != llvm::StringRef::npos && limit.substr(e + 1).getAsInteger(10, exponent)) {
    error = "bad limit '" + limit.str() + "'";
    return std::nullopt;
  }
  auto [whole, fraction] = digits.split('.');
  std::string all = (whole + fraction).str();
  llvm::APInt value;
  if (all.empty() || llvm::StringRef(all).getAsInteger(10, value) || exponent > 40 ||
      exponent < -40) {
    error = "bad limit '" + limit.str() + "' in budget '" + text.str() + "'";
    return std::nullopt;
  }
  sym::Rational r(llvm::DynamicAPInt(value.zext(value.getBitWidth() + 1)), llvm::DynamicAPInt(1));
  exponent -= static_cast<int64_t>(fraction.size());
  for (; exponent > 0; --exponent)
    r = r * sym::Rational(10, 1);
  for (; exponent < 0; ++exponent)
    r = r / sym::Rational(10, 1);
  budget.limit = r * sym::Rational(scale, llvm::DynamicAPInt(1));
  static const char *known[] = {"flops", "macs", "params", "memory", "activations",
                                "kv_cache", "weights", "bytes_moved", "depth", "path"};
  if (!llvm::is_contained(known, budget.quantity)) {
    error = "unknown budget quantity '" + budget.quantity +
            "'; expected flops, macs, params, memory, activations, kv_cache, weights, "
            "bytes_moved, depth or path";
    return std::nullopt;
  }
  return budget;
}

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

  ModelReport build(nn::ModelOp model, ModelCost cost, const sym::Bindings &overrides,
                    std::optional<Expr> conventionFlops = std::nullopt) {
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
    if (conventionFlops)
      report.totals.push_back(figure(report, "FLOPs, " + options.convention + " convention",
                                     *conventionFlops, Unit::Flop));
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
    if (hardware)
      addRoofline(report, cost);
    if (sweepSpec)
      addSweep(report, cost);
    report.cost = std::move(cost);
    return report;
  }

  const HardwareProfile *hardware = nullptr;
  std::optional<SweepSpec> sweepSpec;

  /// The expression of a budget quantity, in its unit (bytes for memory).
  Expr budgetQuantity(const ModelCost &cost, llvm::StringRef quantity) const {
    Expr bytes(bytesPerElement);
    if (quantity == "flops" || quantity == "macs")
      return cost.flops;
    if (quantity == "params")
      return cost.params;
    if (quantity == "memory")
      return (cost.params + cost.peakActivationElements + cost.kvCacheElements) * bytes;
    if (quantity == "activations")
      return cost.peakActivationElements * bytes;
    if (quantity == "kv_cache")
      return cost.kvCacheElements * bytes;
    if (quantity == "weights")
      return cost.params * bytes;
    if (quantity == "bytes_moved")
      return cost.trafficElements * bytes;
    if (quantity == "depth")
      return cost.sequentialDepth;
    return cost.maxPathLength;
  }

private:
  void addRoofline(ModelReport &report, const ModelCost &cost) {
    auto peak = hardware->peakFlops.find(options.dtype);
    if (peak == hardware->peakFlops.end()) {
      report.rooflineNote = hardware->name + " has no " + options.dtype + " peak in its profile";
      return;
    }
    Expr bytes(bytesPerElement);
    for (const LayerCost &layer : cost.layers) {
      Expr flops = layer.multiplicity * layer.cost.totalWork(cost.options);
      Expr traffic = layer.multiplicity * trafficElementsOf(layer.cost, cost.options) * bytes;
      auto f = sym::evaluate(sym::simplify(flops, report.assumptions), report.bindings);
      auto b = sym::evaluate(sym::simplify(traffic, report.assumptions), report.bindings);
      if (!f || !b) {
        if (!f)
          llvm::consumeError(f.takeError());
        if (!b)
          llvm::consumeError(b.takeError());
        report.roofline.clear();
        report.rooflineNote = "bind every symbol (-D) to estimate time on " + hardware->name;
        return;
      }
      ModelReport::RooflineRow row;
      row.location = layer.location;
      row.op = layer.opName;
      row.flops = toDouble(*f);
      row.bytes = toDouble(*b);
      row.computeSeconds = row.flops / peak->second;
      row.memorySeconds = row.bytes / hardware->memoryBandwidth;
      report.rooflineSeconds += std::max(row.computeSeconds, row.memorySeconds);
      report.roofline.push_back(row);
    }
    Expr needed = budgetQuantity(cost, "memory");
    auto value = sym::evaluate(sym::simplify(needed, report.assumptions), report.bindings);
    if (!value) {
      llvm::consumeError(value.takeError());
      return;
    }
    double need = toDouble(*value);
    char buffer[160];
    std::snprintf(buffer, sizeof(buffer), "%s %.2f GB (weights + peak activations + KV cache) %s %.2f GB of %s",
                  need <= hardware->memoryBytes ? "fits:" : "does NOT fit:", need / 1e9,
                  need <= hardware->memoryBytes ? "within" : "exceeds", hardware->memoryBytes / 1e9,
                  hardware->name.c_str());
    report.rooflineNote = buffer;
  }

  void addSweep(ModelReport &report, const ModelCost &cost) {
    ModelReport::Sweep sweep;
    sweep.symbol = sweepSpec->symbol;
    Expr bytes(bytesPerElement);
    auto column = [&](std::string name, Expr formula) {
      sweep.columns.push_back(std::move(name));
      sweep.formulas.push_back(sym::simplify(formula, report.assumptions));
    };
    column(cost.options.countMACs ? "MACs" : "FLOPs", cost.flops);
    // One line per layer kind: the seed's comparison chart.
    std::map<std::string, Expr> cores;
    for (const LayerCost &layer : cost.layers)
      if (!layer.cost.tableRow.empty())
        cores[layer.cost.tableRow] += layer.multiplicity * layer.cost.core;
    for (auto &[row, core] : cores)
      column("core FLOPs: " + row, core);
    column("parameters", cost.params);
    column("peak activation bytes", cost.peakActivationElements * bytes);
    if (!cost.kvCacheElements.isZero())
      column("KV cache bytes", cost.kvCacheElements * bytes);
    sweep.xs = sweepPoints(*sweepSpec);
    // Progress on a terminal only: pipes and CI logs stay clean.
    bool progress = llvm::sys::Process::StandardErrIsDisplayed() && sweep.xs.size() > 64;
    size_t done = 0;
    // Compile each formula once over slots (the sweep symbol first), so each
    // point costs only exact arithmetic.
    std::vector<std::string> slots{sweep.symbol};
    std::vector<llvm::DynamicAPInt> values{llvm::DynamicAPInt(0)};
    for (const auto &entry : report.bindings)
      if (entry.getKey() != sweep.symbol) {
        slots.push_back(entry.getKey().str());
        values.push_back(entry.getValue());
      }
    std::vector<std::optional<sym::CompiledExpr>> compiled;
    for (const Expr &f : sweep.formulas) {
      auto c = sym::CompiledExpr::compile(f, slots);
      if (c) {
        compiled.push_back(std::move(*c));
      } else {
        llvm::consumeError(c.takeError()); // an unbound symbol: no values
        compiled.push_back(std::nullopt);
      }
    }
    for (const llvm::DynamicAPInt &x : sweep.xs) {
      if (progress && ++done % 16 == 0)
        llvm::errs() << "\rsweep " << report.name << ": " << done << "/" << sweep.xs.size();
      values[0] = x;
      std::vector<std::optional<sym::Rational>> row;
      for (const auto &c : compiled) {
        std::optional<sym::Rational> value;
        if (c) {
          auto v = c->evaluate(values);
          if (v)
            value = *v;
          else
            llvm::consumeError(v.takeError());
        }
        row.push_back(value);
      }
      sweep.values.push_back(std::move(row));
    }
    if (progress)
      llvm::errs() << "\r\033[K";
    report.sweep = std::move(sweep);
  }

public:

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
      renderRoofline(report, markdown);
      renderSweep(report, markdown);
      os << "\n";
    }
  }

  void renderRoofline(const ModelReport &report, bool markdown) {
    if (options.hardware.empty())
      return;
    os << "\n" << (markdown ? "### " : "") << "Roofline on " << options.hardware << " ("
       << options.dtype << ")\n\n";
    if (!report.roofline.empty()) {
      std::vector<std::vector<std::string>> rows{
          {"location", "op", "FLOPs", "bytes", "compute", "memory", "bound", "time"}};
      auto seconds = [](double s) {
        char buffer[32];
        if (s >= 1)
          std::snprintf(buffer, sizeof(buffer), "%.3f s", s);
        else if (s >= 1e-3)
          std::snprintf(buffer, sizeof(buffer), "%.3f ms", s * 1e3);
        else
          std::snprintf(buffer, sizeof(buffer), "%.3f µs", s * 1e6);
        return std::string(buffer);
      };
      auto sci = [](double v) {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "%.3g", v);
        return std::string(buffer);
      };
      for (const auto &row : report.roofline) {
        bool compute = row.computeSeconds >= row.memorySeconds;
        rows.push_back({shortLocation(row.location), row.op, sci(row.flops), sci(row.bytes),
                        seconds(row.computeSeconds), seconds(row.memorySeconds),
                        compute ? "compute" : "memory",
                        seconds(std::max(row.computeSeconds, row.memorySeconds))});
      }
      printTable(os, rows, markdown);
      os << "\n  Estimated time (sum of per-op rooflines): " << seconds(report.rooflineSeconds)
         << "\n";
    }
    if (!report.rooflineNote.empty())
      os << "  " << report.rooflineNote << "\n";
  }

  static std::string cell(const std::optional<sym::Rational> &v) {
    if (!v)
      return "";
    return sym::formatRational(*v);
  }

  void renderSweep(const ModelReport &report, bool markdown) {
    if (!report.sweep)
      return;
    const auto &sweep = *report.sweep;
    os << "\n" << (markdown ? "### " : "") << "Sweep over " << sweep.symbol << "\n\n";
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header{sweep.symbol};
    header.insert(header.end(), sweep.columns.begin(), sweep.columns.end());
    rows.push_back(header);
    for (size_t i = 0; i < sweep.xs.size(); ++i) {
      std::vector<std::string> row{sym::formatWithSeparators(sweep.xs[i])};
      for (const auto &v : sweep.values[i])
        row.push_back(cell(v));
      rows.push_back(row);
    }
    printTable(os, rows, markdown);
  }

  /// CSV: one section per model; the totals, then the sweep if any.
  void renderCSV(const std::vector<ModelReport> &reports) {
    auto quote = [](const std::string &text) {
      std::string out = "\"";
      for (char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
      return out + "\"";
    };
    auto plain = [](const std::optional<sym::Rational> &v) {
      if (!v)
        return std::string();
      std::string text = sym::formatRational(*v);
      llvm::erase(text, ',');
      return text;
    };
    for (const ModelReport &report : reports) {
      if (report.sweep) {
        const auto &sweep = *report.sweep;
        os << "model," << quote(sweep.symbol);
        for (const std::string &c : sweep.columns)
          os << "," << quote(c);
        os << "\n";
        for (size_t i = 0; i < sweep.xs.size(); ++i) {
          std::string x = sym::formatWithSeparators(sweep.xs[i]);
          llvm::erase(x, ',');
          os << quote(report.name) << "," << x;
          for (const auto &v : sweep.values[i])
            os << "," << plain(v);
          os << "\n";
        }
        continue;
      }
      os << "model,quantity,formula,value\n";
      for (const Figure &f : report.totals)
        os << quote(report.name) << "," << quote(f.name) << "," << quote(f.formula.str())
           << "," << plain(f.value) << "\n";
    }
  }

  /// One self-contained HTML page: formulas, tables, an SVG chart of the
  /// core FLOPs, and a slider over the sequence length that re-evaluates
  /// the exported formulas live.
  void renderHTML(const std::vector<ModelReport> &reports) {
    auto escape = [](llvm::StringRef text) { return escapeXml(text.str()); };
    os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       << "<title>costopt report: " << escape(options.inputFile) << "</title>\n"
       << "<style>body{font-family:sans-serif;margin:2em;max-width:75em}"
          "table{border-collapse:collapse;margin:1em 0}"
          "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
          "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}"
          ".formula{font-family:monospace}</style>\n</head><body>\n"
       << "<h1>costopt report</h1>\n<p>Input: <code>" << escape(options.inputFile)
       << "</code>. " << escape(conventions()) << ".</p>\n";
    int widget = 0;
    for (const ModelReport &report : reports) {
      os << "<h2>Model @" << escape(report.name) << "</h2>\n<p>Symbols: "
         << escape(report.symbolsText) << "</p>\n";
      os << "<h3>Table 1: complexity per layer kind</h3>\n<table><tr><th>layer</th>"
            "<th>complexity per layer</th><th>sequential ops</th><th>max path length</th></tr>\n";
      for (const TableRow &row : report.table)
        os << "<tr><td>" << escape(row.layer) << "</td><td>" << escape(row.complexity)
           << "</td><td>" << escape(row.sequentialOps) << "</td><td>"
           << escape(row.pathLength) << "</td></tr>\n";
      os << "</table>\n";
      for (const std::string &line : report.crossovers)
        os << "<p>" << escape(line) << "</p>\n";
      os << "<h3>Totals</h3>\n<table><tr><th>quantity</th><th>formula</th><th>value</th></tr>\n";
      for (const Figure &f : report.totals)
        os << "<tr><td>" << escape(f.name) << "</td><td class=\"formula\">"
           << escape(formulaText(report, f.formula)) << "</td><td class=\"num\">"
           << escape(valueText(f, options.memoryUnit)) << "</td></tr>\n";
      os << "</table>\n";
      renderWidget(report, widget++, escape);
    }
    os << "</body></html>\n";
  }

  /// The live widget: formulas exported as JavaScript over a sweep symbol.
  template <typename Escape>
  void renderWidget(const ModelReport &report, int id, Escape escape) {
    std::string symbol =
        llvm::is_contained(report.symbolOrder, "n") ? "n" : report.symbolOrder.empty()
                                                               ? ""
                                                               : report.symbolOrder.front();
    if (symbol.empty())
      return;
    // Prefix symbols so that no symbol name collides with a JS keyword.
    llvm::StringMap<Expr> renamed;
    for (const std::string &name : report.symbolOrder)
      renamed[name] = Expr::symbol("s_" + name);
    sym::PrintOptions js;
    js.notation = sym::Notation::JavaScript;
    std::vector<std::pair<std::string, std::string>> rows;
    std::map<std::string, Expr> cores;
    for (const LayerCost &layer : report.cost.layers)
      if (!layer.cost.tableRow.empty())
        cores[layer.cost.tableRow] += layer.multiplicity * layer.cost.core;
    for (auto &[row, core] : cores)
      rows.push_back({"core FLOPs: " + row, sym::print(sym::simplify(core, report.assumptions)
                                                           .substitute(renamed), js)});
    rows.push_back({"total FLOPs", sym::print(sym::simplify(report.cost.flops, report.assumptions)
                                                  .substitute(renamed), js)});
    rows.push_back({"peak activation bytes",
                    sym::print(sym::simplify(report.cost.peakActivationElements *
                                                 Expr(dtypeBytes(options.dtype)),
                                             report.assumptions)
                                   .substitute(renamed),
                               js)});
    std::string prefix = "w" + std::to_string(id);
    os << "<h3>How the costs grow with " << escape(symbol) << "</h3>\n";
    // A static chart of each layer kind's core FLOPs, evaluated exactly.
    std::vector<ChartSeries> series;
    for (auto &[row, core] : cores) {
      ChartSeries line{row, {}};
      Expr formula = sym::simplify(core, report.assumptions);
      for (int k = 4; k <= 20; ++k) {
        sym::Bindings at = report.bindings;
        at[symbol] = llvm::DynamicAPInt(int64_t(1) << k);
        auto v = sym::evaluate(formula, at);
        if (!v) {
          llvm::consumeError(v.takeError());
          line.points.clear();
          break;
        }
        line.points.push_back({double(int64_t(1) << k), toDouble(*v)});
      }
      if (!line.points.empty())
        series.push_back(std::move(line));
    }
    if (!series.empty())
      os << renderLogLogSvg("Core FLOPs per layer kind", symbol, "FLOPs", series);
    os << "<p><label>" << escape(symbol) << " = <output id=\"" << prefix
       << "-value\"></output></label><br><input type=\"range\" id=\"" << prefix
       << "-slider\" min=\"0\" max=\"20\" step=\"0.25\" value=\"10\" style=\"width:30em\"></p>\n"
       << "<table><tr><th>quantity</th><th>value (floating-point estimate)</th></tr>\n";
    for (size_t i = 0; i < rows.size(); ++i)
      os << "<tr><td>" << escape(rows[i].first) << "</td><td class=\"num\" id=\"" << prefix
         << "-row" << i << "\"></td></tr>\n";
    os << "</table>\n<script>\n(function(){\n";
    // Bound values of the other symbols.
    os << "const PREFIX = '" << prefix << "', SYMBOL = '" << symbol << "';\n";
    os << "const bound = {";
    for (const std::string &name : report.symbolOrder) {
      auto it = report.bindings.find(name);
      if (it != report.bindings.end() && name != symbol)
        os << "s_" << name << ": " << sym::formatWithSeparators(it->second).c_str() << ", ";
    }
    os << "};\n";
    os << "for (const k in bound) bound[k] = Number(String(bound[k]).replace(/,/g, ''));\n";
    os << "const missing = [";
    for (const std::string &name : report.symbolOrder)
      if (name != symbol && !report.bindings.count(name))
        os << "'" << name << "', ";
    os << "];\n";
    os << "const formulas = [\n";
    for (const auto &[name, formula] : rows) {
      os << "  function(" ;
      for (size_t i = 0; i < report.symbolOrder.size(); ++i)
        os << (i ? ", " : "") << "s_" << report.symbolOrder[i];
      os << ") { return " << formula << "; },\n";
    }
    os << "];\n";
    os << "const order = [";
    for (size_t i = 0; i < report.symbolOrder.size(); ++i)
      os << (i ? ", " : "") << "'s_" << report.symbolOrder[i] << "'";
    os << "];\n";
    os << R"js(const slider = document.getElementById(PREFIX + '-slider');
function group(x) {
  if (!isFinite(x)) return 'n/a';
  const r = Math.round(x);
  if (Math.abs(r) >= 1e21) return x.toPrecision(6);
  return String(r).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
function update() {
  const v = Math.round(Math.pow(2, Number(slider.value)));
  document.getElementById(PREFIX + '-value').textContent = group(v);
  const values = Object.assign({}, bound);
  values['s_' + SYMBOL] = v;
  formulas.forEach(function(f, i) {
    const cell = document.getElementById(PREFIX + '-row' + i);
    if (missing.length) { cell.textContent = 'bind ' + missing.join(', ') + ' with -D'; return; }
    cell.textContent = group(f.apply(null, order.map(function(k) { return values[k]; })));
  });
}
slider.addEventListener('input', update);
const hash = new RegExp('[#&]' + SYMBOL + '=(\\d+)').exec(location.hash);
if (hash) { slider.value = Math.log2(Number(hash[1])); slider.dispatchEvent(new Event('input')); }
else update();
)js";
    os << "})();\n</script>\n";
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
      if (report.sweep) {
        llvm::json::Array rows;
        for (size_t i = 0; i < report.sweep->xs.size(); ++i) {
          llvm::json::Object row;
          std::string x = sym::formatWithSeparators(report.sweep->xs[i]);
          llvm::erase(x, ',');
          row[report.sweep->symbol] = x;
          for (size_t c = 0; c < report.sweep->columns.size(); ++c) {
            std::string v = cell(report.sweep->values[i][c]);
            llvm::erase(v, ',');
            row[report.sweep->columns[c]] = v;
          }
          rows.push_back(std::move(row));
        }
        model["sweep"] = std::move(rows);
      }
      if (!report.roofline.empty()) {
        model["roofline_seconds"] = report.rooflineSeconds;
        model["roofline_note"] = report.rooflineNote;
      }
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
    std::string published;
    if (auto c = parseConvention(options.convention); c && *c != Convention::Exact)
      published = "; also FLOPs in " + describeConvention(*c).str();
    return options.mode + " pass; " + work + published + "; causal masks score n(n+1)/2 pairs; " +
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

namespace {

/// A parsed input file and its models.
struct LoadedFile {
  std::shared_ptr<llvm::SourceMgr> sourceMgr;
  std::unique_ptr<mlir::SourceMgrDiagnosticHandler> diagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<nn::ModelOp> models;
};

mlir::FailureOr<LoadedFile> loadModels(llvm::StringRef path, llvm::StringRef modelName,
                                       mlir::MLIRContext &context, llvm::raw_ostream &errs) {
  std::string errorMessage;
  auto file = mlir::openInputFile(path, &errorMessage);
  if (!file) {
    errs << "costopt: error: cannot read '" << path << "': " << errorMessage << "\n";
    return mlir::failure();
  }
  if (path.ends_with(".json")) {
    // A Hugging Face config: import it, then read the generated model.
    auto model = importHuggingFaceConfig(file->getBuffer(), path);
    if (!model) {
      errs << "costopt: error: " << llvm::toString(model.takeError()) << "\n";
      return mlir::failure();
    }
    file = llvm::MemoryBuffer::getMemBufferCopy(*model, (path + " (imported)").str());
  }
  LoadedFile loaded;
  loaded.sourceMgr = std::make_shared<llvm::SourceMgr>();
  loaded.sourceMgr->AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  loaded.diagnostics =
      std::make_unique<mlir::SourceMgrDiagnosticHandler>(*loaded.sourceMgr, &context, errs);
  loaded.module = mlir::parseSourceFile<mlir::ModuleOp>(loaded.sourceMgr, &context);
  if (!loaded.module)
    return mlir::failure();
  loaded.module->walk([&](nn::ModelOp model) {
    if (modelName.empty() || model.getSymName() == modelName)
      loaded.models.push_back(model);
  });
  if (loaded.models.empty()) {
    errs << "costopt: error: " << path << ": "
         << (modelName.empty() ? "no nn.model in the file"
                               : "no nn.model named @" + modelName.str())
         << "\n";
    return mlir::failure();
  }
  return loaded;
}

/// Where two totals cross along `symbol`, exactly if the algebra can solve
/// it, else by exact evaluation over doubling values and bisection.
std::string describeCrossing(const std::string &nameA, const Expr &a, const std::string &nameB,
                             const Expr &b, llvm::StringRef symbol,
                             const sym::Assumptions &assumptions,
                             const sym::Bindings &bindings) {
  sym::PrintOptions print;
  sym::Crossover exact = sym::solveCrossover(a, b, symbol, assumptions);
  switch (exact.kind) {
  case sym::Crossover::Kind::Equal:
    return nameA + " and " + nameB + " are equal for every " + symbol.str();
  case sym::Crossover::Kind::FAlwaysLess:
    return nameA + " is always cheaper";
  case sym::Crossover::Kind::FAlwaysGreater:
    return nameB + " is always cheaper";
  case sym::Crossover::Kind::LessBelow:
    return nameA + " is cheaper exactly when " + symbol.str() + " < " +
           sym::print(exact.boundary, print);
  case sym::Crossover::Kind::LessAbove:
    return nameA + " is cheaper exactly when " + symbol.str() + " > " +
           sym::print(exact.boundary, print);
  case sym::Crossover::Kind::Undecided:
    break;
  }
  // Numeric: sign of a - b at the other bindings, for symbol = 1, 2, 4, ...
  auto sign = [&](const llvm::DynamicAPInt &x) -> std::optional<int> {
    sym::Bindings at = bindings;
    at[symbol] = x;
    auto va = sym::evaluate(a, at), vb = sym::evaluate(b, at);
    if (!va || !vb) {
      if (!va)
        llvm::consumeError(va.takeError());
      if (!vb)
        llvm::consumeError(vb.takeError());
      return std::nullopt;
    }
    return mlir::presburger::compare(*va, *vb);
  };
  std::vector<std::string> changes;
  llvm::DynamicAPInt lo(1);
  std::optional<int> previous = sign(lo);
  if (!previous)
    return "bind the other symbols (-D) to locate the crossover";
  for (int i = 1; i <= 40; ++i) {
    llvm::DynamicAPInt hi = lo * llvm::DynamicAPInt(2);
    std::optional<int> current = sign(hi);
    if (!current)
      break;
    if (*current != *previous) {
      // Bisect for the first x in (lo, hi] where the sign is current.
      llvm::DynamicAPInt left = lo, right = hi;
      while (right - left > 1) {
        llvm::DynamicAPInt mid = (left + right) / llvm::DynamicAPInt(2);
        if (sign(mid) == current)
          right = mid;
        else
          left = mid;
      }
      std::string cheaper = *current < 0 ? nameA : (*current > 0 ? nameB : "neither");
      changes.push_back("from " + symbol.str() + " = " + sym::formatWithSeparators(right) +
                        " " + cheaper + " is cheaper");
      previous = current;
    }
    lo = hi;
  }
  std::string start = *sign(llvm::DynamicAPInt(1)) < 0 ? nameA
                      : *sign(llvm::DynamicAPInt(1)) > 0 ? nameB
                                                          : "neither";
  std::string text = "at " + symbol.str() + " = 1 " + start + " is cheaper";
  for (const std::string &c : changes)
    text += "; " + c;
  if (changes.empty())
    text += ", and stays so up to " + symbol.str() + " = 2^40";
  return text + " (other symbols at their bound values)";
}

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
  if (!llvm::is_contained({"text", "json", "md", "csv", "html"},
                          llvm::StringRef(options.format))) {
    errs << "costopt: error: unknown --format '" << options.format
         << "'; expected text, json, md, csv or html\n";
    return ExitUsageError;
  }

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Users read file:line:col and the source line; the generic op dump that
  // MLIR appends is for compiler engineers (costopt-opt shows it).
  context.printOpOnDiagnostic(false);
  auto loaded = loadModels(options.inputFile, options.modelName, context, errs);
  if (failed(loaded))
    return ExitInputError;
  std::vector<nn::ModelOp> &models = loaded->models;
  std::string errorMessage;

  if (!options.emit.empty()) {
    if (options.emit != "nn") {
      errs << "costopt: error: --emit " << options.emit
           << " is not available: costopt does not lower the nn dialect to linalg, LLVM, "
              "GPU or PTX yet; --emit nn prints the verified model\n";
      return ExitUsageError;
    }
    loaded->module->print(outs);
    outs << "\n";
    return ExitSuccess;
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

  std::optional<HardwareProfile> hardware;
  if (!options.hardware.empty()) {
    auto profile = loadHardwareProfile(options.hardware);
    if (!profile) {
      errs << "costopt: error: " << llvm::toString(profile.takeError()) << "\n";
      return ExitInputError;
    }
    hardware = std::move(*profile);
    builder.hardware = &*hardware;
  }
  if (!options.sweep.empty()) {
    std::string error;
    builder.sweepSpec = parseSweep(options.sweep, error);
    if (!builder.sweepSpec) {
      errs << "costopt: error: bad --sweep '" << options.sweep << "': " << error << "\n";
      return ExitUsageError;
    }
  }
  std::vector<Budget> budgets;
  for (const std::string &text : options.budgets) {
    std::string error;
    auto budget = parseBudget(text, error);
    if (!budget) {
      errs << "costopt: error: bad --budget '" << text << "': " << error << "\n";
      return ExitUsageError;
    }
    budgets.push_back(*budget);
  }

  std::optional<Convention> convention = parseConvention(options.convention);
  if (!convention) {
    errs << "costopt: error: unknown --convention '" << options.convention
         << "'; expected exact, kaplan or chinchilla\n";
    return ExitUsageError;
  }
  std::vector<ModelReport> reports;
  for (nn::ModelOp model : models) {
    mlir::FailureOr<ModelCost> cost = analyzeModel(model, costOptions);
    if (failed(cost))
      return ExitInputError;
    std::optional<Expr> published;
    if (*convention != Convention::Exact) {
      mlir::FailureOr<Expr> flops = conventionFlops(*cost, *convention);
      if (failed(flops))
        return ExitInputError;
      published = *flops;
    }
    reports.push_back(builder.build(model, std::move(*cost), overrides, published));
  }

  std::optional<LoadedFile> other;
  std::vector<ModelReport> otherReports;
  if (!options.compareFile.empty()) {
    auto loaded = loadModels(options.compareFile, "", context, errs);
    if (failed(loaded))
      return ExitInputError;
    other = std::move(*loaded);
    for (nn::ModelOp model : other->models) {
      mlir::FailureOr<ModelCost> cost = analyzeModel(model, costOptions);
      if (failed(cost))
        return ExitInputError;
      sym::Bindings valid;
      auto names = model.getSymbolNames();
      for (const auto &entry : overrides)
        if (llvm::is_contained(names, entry.getKey().str()))
          valid[entry.getKey()] = entry.getValue();
      otherReports.push_back(builder.build(model, std::move(*cost), valid));
    }
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
  else if (options.format == "html")
    renderer.renderHTML(reports);
  else if (options.format == "csv")
    renderer.renderCSV(reports);
  else
    renderer.renderText(reports, options.format == "md");

  if (other) {
    // Compare the first model of each file, total by total.
    const ModelReport &a = reports.front(), &b = otherReports.front();
    std::string nameA = "@" + a.name, nameB = "@" + b.name;
    *os << "\nComparison: " << nameA << " (" << options.inputFile << ") vs " << nameB << " ("
        << options.compareFile << ")\n\n";
    std::vector<std::vector<std::string>> rows{{"quantity", nameA, nameB, "ratio"}};
    for (const Figure &fa : a.totals) {
      auto match = llvm::find_if(b.totals, [&](const Figure &f) { return f.name == fa.name; });
      if (match == b.totals.end())
        continue;
      const Figure &fb = *match;
      std::string ratio;
      if (fa.value && fb.value && fb.value->num != 0) {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "%.3f", toDouble(*fa.value / *fb.value));
        ratio = buffer;
      }
      rows.push_back({fa.name, fa.value ? sym::formatRational(*fa.value) : formulaText(a, fa.formula),
                      fb.value ? sym::formatRational(*fb.value) : formulaText(b, fb.formula),
                      ratio});
    }
    printTable(*os, rows, options.format == "md");
    sym::Bindings shared = a.bindings;
    for (const auto &entry : b.bindings)
      shared.insert({entry.getKey(), entry.getValue()});
    sym::Assumptions assumptions = a.assumptions;
    for (const auto &d : b.assumptions.divisibility)
      assumptions.divisibility.push_back(d);
    std::string symbol = "n";
    *os << "\nFLOPs along " << symbol << ": "
        << describeCrossing(nameA, a.cost.flops, nameB, b.cost.flops, symbol, assumptions,
                            [&] {
                              sym::Bindings without = shared;
                              without.erase(symbol);
                              return without;
                            }())
        << "\n";
  }

  if (builder.sweepSpec && !options.plotFile.empty()) {
    std::vector<ChartSeries> series;
    for (const ModelReport &report : reports) {
      if (!report.sweep)
        continue;
      for (size_t c = 0; c < report.sweep->columns.size(); ++c) {
        const std::string &name = report.sweep->columns[c];
        if (name.rfind("core FLOPs: ", 0) != 0 && name != "FLOPs" && name != "MACs")
          continue;
        ChartSeries s{(reports.size() > 1 ? "@" + report.name + " " : "") + name, {}};
        for (size_t i = 0; i < report.sweep->xs.size(); ++i)
          if (report.sweep->values[i][c])
            s.points.push_back({toDouble(sym::Rational(report.sweep->xs[i], llvm::DynamicAPInt(1))),
                                toDouble(*report.sweep->values[i][c])});
        series.push_back(std::move(s));
      }
    }
    std::string svg = renderLogLogSvg("Cost against " + builder.sweepSpec->symbol,
                                      builder.sweepSpec->symbol, "FLOPs", series);
    std::error_code error;
    llvm::raw_fd_ostream plot(options.plotFile, error);
    if (error) {
      errs << "costopt: error: cannot write '" << options.plotFile << "': " << error.message()
           << "\n";
      return ExitInputError;
    }
    plot << svg;
  }
  if (outputFile)
    outputFile->keep();

  // Budgets last, so the report is printed either way.
  int status = ExitSuccess;
  for (const Budget &budget : budgets)
    for (const ModelReport &report : reports) {
      Expr quantity = builder.budgetQuantity(report.cost, budget.quantity);
      auto value = sym::evaluate(sym::simplify(quantity, report.assumptions), report.bindings);
      if (!value) {
        errs << "costopt: error: budget '" << budget.text << "' for @" << report.name << ": "
             << llvm::toString(value.takeError()) << "\n";
        return ExitInputError;
      }
      int order = mlir::presburger::compare(*value, budget.limit);
      bool exceeded = budget.strict ? order >= 0 : order > 0;
      if (exceeded) {
        errs << "costopt: budget exceeded: @" << report.name << " " << budget.quantity << " = "
             << sym::formatRational(*value) << ", limit '" << budget.text << "'\n";
        status = ExitBudgetExceeded;
      }
    }
  return status;
}

int costopt::runImport(const std::string &inputFile, const std::string &outputFile,
                       llvm::raw_ostream &outs, llvm::raw_ostream &errs) {
  std::string errorMessage;
  auto file = mlir::openInputFile(inputFile, &errorMessage);
  if (!file) {
    errs << "costopt: error: cannot read '" << inputFile << "': " << errorMessage << "\n";
    return ExitInputError;
  }
  auto model = importHuggingFaceConfig(file->getBuffer(), inputFile);
  if (!model) {
    errs << "costopt: error: " << llvm::toString(model.takeError()) << "\n";
    return ExitInputError;
  }
  // Check the generated model before handing it over.
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(*model, inputFile),
                               llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context, errs);
  if (!mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context))
    return ExitInputError;
  if (outputFile.empty() || outputFile == "-") {
    outs << *model;
    return ExitSuccess;
  }
  std::error_code error;
  llvm::raw_fd_ostream out(outputFile, error);
  if (error) {
    errs << "costopt: error: cannot write '" << outputFile << "': " << error.message() << "\n";
    return ExitInputError;
  }
  out << *model;
  return ExitSuccess;
}

int costopt::runCalibrate(const std::string &outputFile, llvm::raw_ostream &outs,
                          llvm::raw_ostream &errs) {
  HardwareProfile profile = calibrateThisMachine();
  std::string path = outputFile.empty() ? calibratedProfilePath("cpu") : outputFile;
  llvm::SmallString<256> directory(path);
  llvm::sys::path::remove_filename(directory);
  if (!directory.empty())
    llvm::sys::fs::create_directories(directory);
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (error) {
    errs << "costopt: error: cannot write '" << path << "': " << error.message() << "\n";
    return ExitInputError;
  }
  out << llvm::formatv("{0:2}", toJSON(profile)) << "\n";
  char buffer[200];
  std::snprintf(buffer, sizeof(buffer),
                "measured %.2f GFLOP/s (f32) and %.2f GB/s; profile written to ", 
                profile.peakFlops["f32"] / 1e9, profile.memoryBandwidth / 1e9);
  outs << buffer << path << "\nuse it with: costopt model.mlir --hw cpu\n";
  return ExitSuccess;
}
