//===- Render.cpp - The costopt report as text, JSON, CSV and HTML --------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "Charts.h"
#include "Report.h"

#include "costopt/Analysis/Conventions.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <limits>
#include <map>

using namespace costopt;
using namespace costopt::driver;

namespace {

class Renderer {
public:
  Renderer(const DriverOptions &options, llvm::raw_ostream &os) : options(options), os(os) {}

  void renderText(const std::vector<ModelReport> &reports, bool markdown) {
    const char *h1 = markdown ? "## " : "";
    const char *h2 = markdown ? "### " : "";
    // Plain text fits in kTextWidth columns unless --formulas full asks for
    // whole formulas; Markdown leaves the layout to its renderer.
    size_t fit = markdown || options.formulas == "full" ? 0 : kTextWidth;
    size_t lineWidth = markdown ? std::numeric_limits<size_t>::max() : kTextWidth;
    for (const ModelReport &report : reports) {
      os << h1 << "Model @" << report.name << "\n\n";
      llvm::SmallVector<llvm::StringRef> symbols;
      llvm::StringRef(report.symbolsText).split(symbols, ", ");
      printWrappedLine(os, "Symbols:      ",
                       std::vector<std::string>(symbols.begin(), symbols.end()), ", ",
                       lineWidth);
      if (!report.constraintsText.empty())
        os << "Assumptions:  " << report.constraintsText << "; all symbols >= 1\n";
      llvm::SmallVector<llvm::StringRef> parts;
      std::string conventionsText = conventions();
      llvm::StringRef(conventionsText).split(parts, "; ");
      printWrappedLine(os, "Conventions:  ", std::vector<std::string>(parts.begin(), parts.end()),
                       "; ", lineWidth);
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

      renderLayers(report, markdown, fit);
      if (report.tree)
        renderTree(*report.tree, report, markdown, fit);

      if (options.explain) {
        // To fit the width, locations are line:col in the file named once.
        std::string file;
        if (fit && !report.cost.layers.empty())
          file = llvm::StringRef(report.cost.layers.front().location).rsplit(':').first.rsplit(':')
                     .first.str();
        os << "\n" << h2 << "Where every FLOP comes from"
           << (file.empty() ? "" : " (line:col in " + file + ")") << "\n\n";
        rows = {{"location", "op", "rule", "× count", "FLOPs per application"}};
        // Backward-only work (recomputation, scatter-adds) where the mode
        // counts the backward pass.
        CostMode mode = report.cost.options.mode;
        bool backward = runsBackward(mode);
        for (const LayerCost &layer : report.cost.layers) {
          auto addRow = [&](const FlopTerm &term) {
            rows.push_back({file.empty() ? layer.location : shortLocation(layer.location),
                            layer.opName, term.rule + (term.matmul ? " [matmul]" : ""),
                            formulaText(report, layer.multiplicity),
                            formulaText(report, term.flops)});
          };
          for (const FlopTerm &term : layer.cost.terms)
            addRow(term);
          if (backward)
            for (const FlopTerm &term : layer.cost.backwardTerms)
              addRow(term);
        }
        printTable(os, rows, markdown, fit);
      }

      os << "\n" << h2 << "Totals\n\n";
      rows = {{"quantity", "value", "formula"}};
      for (const Figure &f : report.totals)
        rows.push_back({f.name, valueText(f, options.memoryUnit), formulaText(report, f.formula)});
      if (report.receptiveField)
        rows.push_back({report.receptiveField->name,
                        valueText(*report.receptiveField, options.memoryUnit),
                        formulaText(report, report.receptiveField->formula)});
      printTable(os, rows, markdown, fit);
      if (!report.disconnected.empty())
        os << "\nNote: " << report.disconnected << ".\n";
      renderRoofline(report, markdown);
      renderSweep(report, markdown);
      os << "\n";
    }
  }

  /// Per op: its values at the bindings and its share of the model's
  /// FLOPs, then the formula of its FLOPs (with --formulas full, of its
  /// parameters and activations too, whole).
  void renderLayers(const ModelReport &report, bool markdown, size_t fit) {
    bool macs = report.cost.options.countMACs;
    const char *work = macs ? "MACs" : "FLOPs";
    bool full = options.formulas == "full";
    os << "\n" << (markdown ? "### " : "") << "Per-layer costs (one application; count = repeats; "
       << "share = count × " << work << " / total)\n\n";
    std::vector<std::string> header{"location", "op",     "count",      work,
                                    "share",    "params", "activations"};
    header.push_back(std::string(work) + " formula");
    if (full) {
      header.push_back("params formula");
      header.push_back("activations formula");
    }
    std::vector<std::vector<std::string>> rows{header};
    auto number = [](const std::optional<sym::Rational> &v) {
      return v ? sym::formatRational(*v) : std::string("-");
    };
    for (size_t i = 0; i < report.cost.layers.size(); ++i) {
      const LayerCost &layer = report.cost.layers[i];
      const ModelReport::LayerValues &values = report.layerValues[i];
      std::vector<std::string> row{shortLocation(layer.location),
                                   layer.opName,
                                   formulaText(report, layer.multiplicity),
                                   number(values.flops),
                                   values.share ? percentText(*values.share) : "-",
                                   number(values.params),
                                   number(values.activations),
                                   formulaText(report, layer.cost.totalWork(report.cost.options))};
      if (full) {
        row.push_back(formulaText(report, layer.cost.params));
        row.push_back(formulaText(report, layer.cost.outputElements));
      }
      rows.push_back(std::move(row));
    }
    printTable(os, rows, markdown, fit);
  }

  void renderRoofline(const ModelReport &report, bool markdown) {
    if (options.hardware.empty())
      return;
    os << "\n" << (markdown ? "### " : "") << "Roofline on " << options.hardware << " ("
       << options.activationType() << ")\n\n";
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

  /// A sweep: each point's exact values with their units; in plain text
  /// the columns are split into tables that fit the width.
  /// --tree: one row per node, indented by depth; every node's FLOPs are
  /// all its applications', its parameters the distinct ones.
  void renderTree(const ModelReport::TreeNode &root, const ModelReport &report, bool markdown,
                  size_t fit) {
    bool macs = report.cost.options.countMACs;
    os << "\n" << (markdown ? "### " : "") << "Module tree (" << (macs ? "MACs" : "FLOPs")
       << " of every application; distinct parameters; share of the total)\n\n";
    std::vector<std::vector<std::string>> rows{
        {"module", "kind", macs ? "MACs" : "FLOPs", "params", "share"}};
    auto number = [](const std::optional<sym::Rational> &v) {
      return v ? sym::formatRational(*v) : std::string("-");
    };
    std::function<void(const ModelReport::TreeNode &, size_t)> add =
        [&](const ModelReport::TreeNode &node, size_t depth) {
          // Markdown collapses leading spaces: indent with non-breaking ones.
          std::string indent;
          for (size_t i = 0; i < depth; ++i)
            indent += markdown ? "\u00a0\u00a0" : "  ";
          std::string kind = node.count.empty() ? node.kind : node.kind + " ×" + node.count;
          rows.push_back({indent + node.name, kind, number(node.flops.value),
                          number(node.params.value),
                          node.share ? percentText(*node.share) : "-"});
          for (const ModelReport::TreeNode &child : node.children)
            add(child, depth + 1);
        };
    add(root, 0);
    printTable(os, rows, markdown, fit);
  }

  void renderSweep(const ModelReport &report, bool markdown) {
    if (!report.sweep)
      return;
    const auto &sweep = *report.sweep;
    os << "\n" << (markdown ? "### " : "") << "Sweep over " << sweep.symbol << "\n\n";
    std::vector<std::vector<std::string>> rows;
    // Why a point was skipped stays beside it in every group of columns.
    bool anySkipped = llvm::any_of(sweep.notes, [](const std::string &n) { return !n.empty(); });
    std::vector<std::string> header{sweep.symbol};
    if (anySkipped)
      header.push_back("note");
    header.insert(header.end(), sweep.columns.begin(), sweep.columns.end());
    rows.push_back(header);
    for (size_t i = 0; i < sweep.xs.size(); ++i) {
      std::vector<std::string> row{sym::formatWithSeparators(sweep.xs[i])};
      if (anySkipped)
        row.push_back(sweep.notes[i]);
      for (size_t c = 0; c < sweep.values[i].size(); ++c) {
        const auto &v = sweep.values[i][c];
        row.push_back(v ? valueText(Figure{"", Expr(), sweep.units[c], v}, options.memoryUnit)
                        : "-");
      }
      rows.push_back(row);
    }
    printTableInGroups(os, rows, markdown, kTextWidth, anySkipped ? 2 : 1);
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
        os << ",note\n";
        for (size_t i = 0; i < sweep.xs.size(); ++i) {
          std::string x = sym::formatWithSeparators(sweep.xs[i]);
          llvm::erase(x, ',');
          os << quote(report.name) << "," << x;
          for (const auto &v : sweep.values[i])
            os << "," << plain(v);
          os << "," << quote(sweep.notes[i]) << "\n";
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
  /// every total exactly in the page (HtmlWidget.cpp).
  void renderHTML(const std::vector<ModelReport> &reports, const Comparison *comparison) {
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
      if (report.tree)
        renderHTMLTree(*report.tree, report);
      renderHtmlWidget(options, report, widget++, os);
    }
    if (comparison)
      renderHTMLComparison(*comparison, os);
    os << "</body></html>\n";
  }

  /// --tree in HTML: the text report's rows, indented by depth.
  void renderHTMLTree(const ModelReport::TreeNode &root, const ModelReport &report) {
    auto escape = [](llvm::StringRef text) { return escapeXml(text.str()); };
    bool macs = report.cost.options.countMACs;
    os << "<h3>Module tree</h3>\n<p>" << (macs ? "MACs" : "FLOPs")
       << " of every application; distinct parameters; share of the total.</p>\n"
       << "<table><tr><th>module</th><th>kind</th><th>" << (macs ? "MACs" : "FLOPs")
       << "</th><th>params</th><th>share</th></tr>\n";
    auto number = [](const std::optional<sym::Rational> &v) {
      return v ? sym::formatRational(*v) : std::string("-");
    };
    std::function<void(const ModelReport::TreeNode &, size_t)> add =
        [&](const ModelReport::TreeNode &node, size_t depth) {
          std::string kind = node.count.empty() ? node.kind : node.kind + " ×" + node.count;
          os << "<tr><td style=\"padding-left:" << 1 + 3 * depth << "ch\">"
             << escape(node.name) << "</td><td>" << escape(kind) << "</td><td class=\"num\">"
             << escape(number(node.flops.value)) << "</td><td class=\"num\">"
             << escape(number(node.params.value)) << "</td><td class=\"num\">"
             << escape(node.share ? percentText(*node.share) : "-") << "</td></tr>\n";
          for (const ModelReport::TreeNode &child : node.children)
            add(child, depth + 1);
        };
    add(root, 0);
    os << "</table>\n";
  }

  void renderJSON(const std::vector<ModelReport> &reports, const Comparison *comparison) {
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
        CostMode mode = report.cost.options.mode;
        if (runsBackward(mode))
          for (const FlopTerm &t : layer.cost.backwardTerms)
            terms.push_back(llvm::json::Object{{"rule", t.rule},
                                               {"flops", formulaText(report, t.flops)},
                                               {"matmul", t.matmul},
                                               {"backward_only", true}});
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
      if (report.tree) {
        std::function<llvm::json::Object(const ModelReport::TreeNode &)> treeJSON =
            [&](const ModelReport::TreeNode &node) {
              llvm::json::Array children;
              for (const ModelReport::TreeNode &child : node.children)
                children.push_back(treeJSON(child));
              llvm::json::Object o{{"name", node.name},
                                   {"kind", node.kind},
                                   {"location", node.location},
                                   {"count", node.count.empty() ? "1" : node.count},
                                   {"flops", figureJSON(node.flops)},
                                   {"params", figureJSON(node.params)},
                                   {"children", std::move(children)}};
              if (node.share) {
                std::string plain = sym::formatRational(*node.share);
                llvm::erase(plain, ',');
                o["share"] = plain;
              }
              return o;
            };
        model["tree"] = treeJSON(*report.tree);
      }
      if (report.denseFlops)
        model["dense_flops"] = figureJSON(*report.denseFlops);
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
          if (!report.sweep->notes[i].empty())
            row["note"] = report.sweep->notes[i];
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
                            {"recompute", options.recompute},
                            {"dtype", options.dtype},
                            {"weight_dtype", options.weightType()},
                            {"act_dtype", options.activationType()},
                            {"kv_dtype", options.cacheType()},
                            {"count", options.count},
                            {"flop", "1 multiply-add = 2 FLOPs"},
                            {"causal", "n(n+1)/2 scored pairs per head"},
                            {"memory_unit", "bytes; human units are binary (MiB = 2^20 B)"}}},
        {"models", std::move(models)}};
    if (comparison)
      root["comparison"] = comparisonJSON(*comparison);
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
    std::string recompute =
        options.recompute == "none" ? "" : " (" + options.recompute + " recomputation)";
    return options.mode + " pass" + recompute + "; " + work + published +
           "; causal masks score n(n+1)/2 pairs; " +
           elementTypes() + "; MiB = 2^20 bytes";
  }

  /// "bf16 (2 bytes/element)", or each kind's type where they differ.
  std::string elementTypes() const {
    auto typed = [](const std::string &dtype) {
      int64_t bytes = dtypeBytes(dtype);
      return dtype + " (" + std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes") +
             "/element)";
    };
    std::string weights = options.weightType(), activations = options.activationType();
    std::string text = weights == activations
                           ? typed(weights)
                           : "weights " + typed(weights) + ", activations " + typed(activations);
    if (options.cacheType() != activations)
      text += ", KV cache " + typed(options.cacheType());
    return text;
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

void costopt::driver::renderReports(const DriverOptions &options,
                                    const std::vector<ModelReport> &reports,
                                    const Comparison *comparison, llvm::raw_ostream &os) {
  Renderer renderer(options, os);
  if (options.format == "json") {
    renderer.renderJSON(reports, comparison);
  } else if (options.format == "html") {
    renderer.renderHTML(reports, comparison);
  } else if (options.format == "csv") {
    // One CSV holds one table: with --compare, the comparison's.
    if (comparison)
      renderCSVComparison(*comparison, os);
    else
      renderer.renderCSV(reports);
  } else {
    renderer.renderText(reports, options.format == "md");
    if (comparison)
      renderTextComparison(*comparison, options.format == "md", os);
  }
}
