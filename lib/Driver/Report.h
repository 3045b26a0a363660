//===- Report.h - The costopt report's data and formatting ------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Driver: what a report holds (built in Driver.cpp), how its
// numbers are formatted (Report.cpp) and how it is rendered (Render.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_LIB_DRIVER_REPORT_H
#define COSTOPT_LIB_DRIVER_REPORT_H

#include "costopt/Analysis/ModelCost.h"
#include "costopt/Driver/Driver.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace costopt {
namespace driver {

using sym::Expr;

enum class Unit { Count, Flop, Byte };

double toDouble(const sym::Rational &value);
/// Two decimals with thousands separators: 3,051.76.
std::string formatDecimal(double v);
/// "1.23 GFLOP", "30.52 MiB", "124.44 M"; empty below the first prefix.
/// `byteUnit` forces a binary unit ("MiB") instead of choosing one.
std::string humanize(const sym::Rational &value, Unit unit, llvm::StringRef byteUnit = "auto");
/// Parses "4096", "4k" (4000), "4Ki" (4096), "1M", "2e5" into an integer.
std::optional<llvm::DynamicAPInt> parseSize(llvm::StringRef text);
/// Bytes per element of a --dtype; 0 if unknown.
int64_t dtypeBytes(llvm::StringRef dtype);

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
    /// Per point: "" or why it was skipped (--skip-invalid).
    std::vector<std::string> notes;
  };
  std::optional<Sweep> sweep;
};

/// The most points one --sweep evaluates; a longer sweep is an error.
constexpr int64_t kMaxSweepPoints = 10000;

/// A parsed --sweep: symbol, start, end, and the step (×factor or +term).
struct SweepSpec {
  std::string symbol;
  llvm::DynamicAPInt start, end, step;
  bool multiply = true;
};

/// Parses a budget "quantity<=limit" (also "<"). Limits take SI (k, M, G,
/// T, P, E), byte (KB, MB, GB, TB = 10^3k; KiB, MiB, GiB, TiB = 2^10k) and
/// exponent (1e15) forms.
struct Budget {
  std::string text, quantity;
  bool strict = false;
  sym::Rational limit;
};

std::optional<SweepSpec> parseSweep(llvm::StringRef text, std::string &error);
std::vector<llvm::DynamicAPInt> sweepPoints(const SweepSpec &spec);
std::optional<Budget> parseBudget(llvm::StringRef text, std::string &error);

/// Display width of UTF-8 text: one column per code point.
size_t displayWidth(llvm::StringRef s);
/// An aligned table (header row first), plain or Markdown.
void printTable(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &rows,
                bool markdown);
/// A formula in the model's symbol order.
std::string formulaText(const ModelReport &report, const Expr &e);
/// "19,780,400  (19.78 M)".
std::string valueText(const Figure &f, llvm::StringRef byteUnit);

/// Renders the reports in options.format (text, md, json, csv, html).
void renderReports(const DriverOptions &options, const std::vector<ModelReport> &reports,
                   llvm::raw_ostream &os);

} // namespace driver
} // namespace costopt

#endif // COSTOPT_LIB_DRIVER_REPORT_H
