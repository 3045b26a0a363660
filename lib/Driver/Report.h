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
#include "costopt/Dialect/NN/PointCheck.h"
#include "costopt/Driver/Driver.h"

#include "costopt/Dialect/NN/NNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace costopt {
namespace driver {

using sym::Expr;

/// A parsed input file and its models.
struct LoadedFile {
  std::shared_ptr<llvm::SourceMgr> sourceMgr;
  /// Prints diagnostics with file:line:col and the source line.
  std::shared_ptr<mlir::ScopedDiagnosticHandler> diagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<nn::ModelOp> models;
};

/// Reads a .mlir model, a Hugging Face config.json or an ONNX model,
/// inlines user-defined layers and selects `modelName` (or every model no
/// other model calls). `onnx` says how an ONNX model is read.
mlir::FailureOr<LoadedFile> loadModels(llvm::StringRef path, llvm::StringRef modelName,
                                       mlir::MLIRContext &context, llvm::raw_ostream &errs,
                                       const OnnxImportOptions &onnx = {});

/// Imports a Hugging Face config.json or an ONNX model into nn text; other
/// files are returned as they are. `imported` says which happened; the
/// importer's warnings go to `errs`.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readModelSource(llvm::StringRef path, const OnnxImportOptions &onnx, bool &imported,
                llvm::raw_ostream &errs);

/// Parses -D name=value into `overrides`, each name declared by one of
/// `models`; returns an exit code (0 = success) after printing the error.
int parseBindings(const std::vector<std::string> &bindings, llvm::ArrayRef<nn::ModelOp> models,
                  llvm::StringRef inputFile, sym::Bindings &overrides, llvm::raw_ostream &errs);

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
  /// One per cost.layers entry: its figures at the bindings (empty values
  /// where a symbol is unbound).
  struct LayerValues {
    std::optional<sym::Rational> flops, params, activations;
    /// count × FLOPs of one application / the model's FLOPs.
    std::optional<sym::Rational> share;
  };
  std::vector<LayerValues> layerValues;
  std::vector<Figure> totals;
  /// The FLOPs with masked score matrices counted whole (also among the
  /// totals when it differs from the exact count).
  std::optional<Figure> denseFlops;
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
    std::vector<Unit> units;
    std::vector<Expr> formulas;
    std::vector<llvm::DynamicAPInt> xs;
    std::vector<std::vector<std::optional<sym::Rational>>> values;
    /// Per point: "" or why it was skipped (--skip-invalid).
    std::vector<std::string> notes;
  };
  std::optional<Sweep> sweep;

  /// --tree: the model, its repeat blocks and its layers. A node's FLOPs
  /// are all its applications' (repeats multiplied out), its parameters
  /// the distinct ones (shared weights once).
  struct TreeNode {
    /// The source's module name where the op carries one (a NameLoc, as
    /// imported configs give: "h.attn"), else the op and its location.
    std::string name;
    std::string kind; ///< "model", "repeat" or the op name
    std::string count; ///< a repeat's count, as written ("L")
    std::string location;
    Figure flops, params;
    std::optional<sym::Rational> share; ///< of the model's FLOPs
    std::vector<TreeNode> children;
  };
  std::optional<TreeNode> tree;

  /// The model's rules, for renderers that evaluate at other points (the
  /// HTML slider); null when the report was not built from a model.
  std::shared_ptr<const nn::PointChecker> checker;
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
/// The width, in display columns, that the text report fits in (unless
/// --formulas full asks for whole formulas).
constexpr size_t kTextWidth = 120;
/// Splits a formula into lines of at most `width` columns between its
/// top-level terms (a continuation starts with "+ " or "− "); a term longer
/// than a line is broken after a factor ("·") or an argument (", ").
std::vector<std::string> wrapFormula(llvm::StringRef formula, size_t width);
/// An aligned table (header row first), plain or Markdown. With `maxWidth`
/// (plain text only), the last column's cells are wrapped by wrapFormula so
/// that every line fits in `maxWidth` columns; continuation lines leave the
/// other columns blank.
void printTable(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &rows,
                bool markdown, size_t maxWidth = 0);
/// printTable for tables too wide for `maxWidth` however their cells are
/// written (a sweep): the columns after the first `keep` are split into
/// groups that fit, each printed as its own table with the kept columns.
void printTableInGroups(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &rows,
                        bool markdown, size_t maxWidth, size_t keep = 1);
/// "label" followed by `items` joined by `separator`, wrapped to `width`
/// columns with continuation lines indented to the end of the label.
void printWrappedLine(llvm::raw_ostream &os, llvm::StringRef label,
                      llvm::ArrayRef<std::string> items, llvm::StringRef separator, size_t width);
/// A formula in the model's symbol order.
std::string formulaText(const ModelReport &report, const Expr &e);
/// "19,780,400  (19.78 M)".
std::string valueText(const Figure &f, llvm::StringRef byteUnit);
/// A share of a whole as a percentage with one decimal ("79.7%", "<0.1%").
std::string percentText(const sym::Rational &share);

/// --compare: the first model of the input (A) against the first of the
/// other file (B), at values both share where they can (Compare.cpp).
struct Comparison {
  std::string fileA, fileB, modelA, modelB;
  /// The values each side is evaluated at.
  sym::Bindings valuesA, valuesB;
  /// "n = 4,096" (one value for both), "d: A 768, B 4,096" (each its own).
  std::vector<std::string> shared, own;
  struct Row {
    std::string name;
    Unit unit;
    std::optional<sym::Rational> a, b;
    std::string formulaA, formulaB; ///< shown where there is no value
    std::string ratio;              ///< A/B
  };
  std::vector<Row> rows;
  /// "FLOPs along n: ..." ("" when n is not a symbol of both).
  std::string crossing;

  /// "A: @window (window.mlir)": the side, the model and the file, so that
  /// columns stay apart when the models' names are the same.
  std::string label(bool first) const;
  /// What the values are: shared, and each side's own.
  std::string valuesLine() const;
};

/// Evaluates the comparison; an error when a shared value breaks either
/// model's rules.
llvm::Expected<Comparison> compareReports(const DriverOptions &options, const ModelReport &a,
                                          const ModelReport &b);
void renderTextComparison(const Comparison &comparison, bool markdown, llvm::raw_ostream &os);
llvm::json::Value comparisonJSON(const Comparison &comparison);
void renderCSVComparison(const Comparison &comparison, llvm::raw_ostream &os);
void renderHTMLComparison(const Comparison &comparison, llvm::raw_ostream &os);

/// The HTML report's live part for one model: a slider over its sequence
/// length (else its first symbol) that re-evaluates every total exactly,
/// with BigInt rationals in the page, checks the model's rules at the new
/// point, and moves a marker along the chart (HtmlWidget.cpp).
void renderHtmlWidget(const DriverOptions &options, const ModelReport &report, int id,
                      llvm::raw_ostream &os);

/// Renders the reports in options.format (text, md, json, csv, html) as
/// one document, with the comparison in it when there is one (CSV: the
/// comparison's table alone).
void renderReports(const DriverOptions &options, const std::vector<ModelReport> &reports,
                   const Comparison *comparison, llvm::raw_ostream &os);

} // namespace driver
} // namespace costopt

#endif // COSTOPT_LIB_DRIVER_REPORT_H
