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
#include "costopt/Conversion/Passes.h"
#include "costopt/Runtime/CpuRunner.h"
#include "costopt/Runtime/GpuCompiler.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"

#include "costopt/Analysis/Conventions.h"
#include "costopt/Analysis/ModelCost.h"
#include "costopt/Dialect/NN/NNOps.h"
#include "costopt/Dialect/NN/PointCheck.h"
#include "costopt/Import/HuggingFace.h"
#include "costopt/Import/Onnx.h"
#include "costopt/InitAll.h"
#include "costopt/Support/Input.h"

#include "Charts.h"
#include "Hardware.h"
#include "Report.h"

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
#include <functional>
#include <map>

using namespace costopt;
using namespace costopt::driver;
using sym::Expr;

const char *costopt::getVersionString() { return "costopt 0.1.0 (LLVM/MLIR " LLVM_VERSION_STRING ")"; }

namespace {

//===----------------------------------------------------------------------===//
// Building reports
//===----------------------------------------------------------------------===//

/// Evaluates the analyses' formulas at the bindings and assembles what the
/// renderers print: totals, Table 1, crossovers, roofline and sweep.
class ReportBuilder {
public:
  ReportBuilder(const DriverOptions &options, int64_t weightBytes, int64_t activationBytes,
                int64_t kvBytesPerElement)
      : options(options), weightBytes(weightBytes), activationBytes(activationBytes),
        kvBytesPerElement(kvBytesPerElement) {}

  /// Bytes one application of `cost` moves: activations in their type,
  /// weights and their gradients in theirs, a decoding step's cache reads in
  /// the KV type.
  Expr trafficBytes(const OpCost &cost, const CostOptions &options) const {
    TrafficElements traffic = trafficOf(cost, options);
    return traffic.activations * Expr(activationBytes) + traffic.weights * Expr(weightBytes) +
           traffic.cache * Expr(kvBytesPerElement);
  }

  /// Bytes moved by the whole model (every op, every repeat).
  Expr trafficBytes(const ModelCost &cost) const {
    Expr bytes;
    for (const LayerCost &layer : cost.layers)
      bytes += layer.multiplicity * trafficBytes(layer.cost, cost.options);
    return bytes;
  }

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
    // The batch dimensions: those before the position axis, or after it
    // (features aside) in a sequence-first layout [n, b, d].
    size_t positions = seq.getPositionAxis().value_or(0);
    auto isBatch = [&](size_t i) {
      return i < positions || (positions == 0 && i > 0 && i + 1 < shape.size());
    };
    for (size_t i = 0; i < shape.size(); ++i)
      if (auto name = shape[i].getSymbolName(); name && isBatch(i))
        ones[*name] = Expr(1);
    return e.substitute(ones);
  }

  /// Table 1's regime: the sequence length `n` grows past every window and
  /// kernel, so min(r, n) is r (restricted attention is O(r·n·d)). The
  /// formulas themselves stay exact on both sides of n = r.
  static sym::Assumptions longSequenceRegime(const sym::Assumptions &assumptions, const Expr &e,
                                             const Expr &n) {
    sym::Assumptions regime = assumptions;
    std::function<void(const Expr &)> visit = [&](const Expr &x) {
      for (const sym::Term &t : x.getTerms())
        for (const sym::Factor &f : t.factors) {
          const sym::Atom &atom = *f.atom;
          if (atom.kind == sym::AtomKind::Min && atom.args.size() == 2)
            for (int i = 0; i < 2; ++i)
              if (atom.args[i] == n && !atom.args[1 - i].getSymbols().empty()) {
                bool usesN = llvm::any_of(n.getSymbols(), [&](const std::string &s) {
                  return atom.args[1 - i].containsSymbol(s);
                });
                if (!usesN) {
                  regime.lessEqual.push_back({atom.args[1 - i], n});
                  // Sizes inside a rounded bound (a centred window's
                  // ceil((w - 1)/2)) are below n in this regime too.
                  for (const std::string &s : atom.args[1 - i].getSymbols())
                    regime.lessEqual.push_back({Expr::symbol(s), n});
                }
              }
          for (const Expr &arg : atom.args)
            visit(arg);
        }
    };
    visit(e);
    return regime;
  }

  std::optional<Expr> bigOClass(const ModelReport &report, const Expr &e,
                                const std::optional<Expr> &sequenceLength = std::nullopt) {
    sym::Assumptions assumptions =
        sequenceLength ? longSequenceRegime(report.assumptions, e, *sequenceLength)
                       : report.assumptions;
    auto cls = sym::bigO(sym::simplify(e, assumptions), sym::Regime::fromAssumptions(assumptions));
    if (!cls) {
      llvm::consumeError(cls.takeError());
      return std::nullopt;
    }
    return *cls;
  }

  std::string bigOText(const ModelReport &report, const Expr &e,
                       const std::optional<Expr> &sequenceLength = std::nullopt) {
    sym::PrintOptions print;
    print.symbolOrder = report.symbolOrder;
    if (auto cls = bigOClass(report, e, sequenceLength))
      return sym::printBigO(*cls, print);
    return "O(" + sym::print(e, print) + ")";
  }

  /// Fails, with a diagnostic at the rule that is broken, when the values
  /// (defaults, -D, or a sweep point) break the model's rules: formulas are
  /// simplified under those rules and would be wrong there.
  mlir::FailureOr<ModelReport> build(nn::ModelOp model, ModelCost cost,
                                     const sym::Bindings &overrides,
                                     std::optional<Expr> conventionFlops = std::nullopt) {
    ModelReport report;
    report.name = model.getSymName().str();
    report.symbolOrder = model.getSymbolNames();
    report.assumptions = *model.getAssumptions();
    report.bindings = model.getDefaultBindings();
    for (const auto &entry : overrides)
      report.bindings[entry.getKey()] = entry.getValue();
    nn::PointChecker checker(model);
    if (auto violation = checker.check(report.bindings)) {
      mlir::emitError(violation->loc)
          << "@" << report.name << ": the symbol values (defaults and -D) break the model's "
          << "rules: " << violation->message;
      return mlir::failure();
    }
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
    Expr bytes(activationBytes);
    report.totals.push_back(figure(report, cost.options.countMACs ? "MACs" : "FLOPs",
                                   cost.flops, cost.options.countMACs ? Unit::Count : Unit::Flop));
    // What FLOP counters (PyTorch's FlopCounterMode, DeepSpeed's profiler,
    // MFU code) report: they see kernel shapes, not masks.
    std::string work = cost.options.countMACs ? "MACs" : "FLOPs";
    report.denseFlops = figure(report, work + ", dense masks (as FLOP counters report)",
                               cost.denseFlops,
                               cost.options.countMACs ? Unit::Count : Unit::Flop);
    if (!(report.denseFlops->formula == report.totals.front().formula))
      report.totals.push_back(*report.denseFlops);
    if (conventionFlops)
      report.totals.push_back(figure(report, "FLOPs, " + options.convention + " convention",
                                     *conventionFlops, Unit::Flop));
    report.totals.push_back(figure(report,
                                   cost.options.mode == CostMode::Decode
                                       ? "Table-1 core FLOPs (one decoding step)"
                                       : "Table-1 core FLOPs (forward)",
                                   cost.coreFlops, Unit::Flop));
    report.totals.push_back(figure(report, "Parameters", cost.params, Unit::Count));
    report.totals.push_back(
        figure(report, "Weight memory", cost.params * Expr(weightBytes), Unit::Byte));
    bool training = runsBackward(cost.options.mode);
    std::string storedName = "Activation memory (stored for backward)";
    if (cost.options.recompute != Recompute::None)
      storedName = "Activation memory (stored for backward, " +
                   stringifyRecompute(cost.options.recompute).str() + " recomputation)";
    report.totals.push_back(figure(report, training ? storedName : "Peak activation memory",
                                   cost.peakActivationElements * bytes, Unit::Byte));
    if (!cost.largestWorkspaceElements.isZero())
      report.totals.push_back(figure(report, "Largest attention-score matrix",
                                     cost.largestWorkspaceElements * bytes, Unit::Byte));
    if (training) {
      // Training holds no KV cache; it holds gradients and optimizer state.
      TrainingState state = trainingState();
      report.totals.push_back(figure(report, "Gradient memory",
                                     cost.params * Expr(state.gradientBytes), Unit::Byte));
      report.totals.push_back(figure(report, "Optimizer state (" + state.description + ")",
                                     optimizerStateBytes(cost), Unit::Byte));
      report.totals.push_back(
          figure(report,
                 "Training memory (weights + gradients + optimizer state + stored activations)",
                 memoryNeeded(cost), Unit::Byte));
    } else {
      report.totals.push_back(figure(report, "KV cache / decoding state",
                                     cost.kvCacheElements * Expr(kvBytesPerElement), Unit::Byte));
    }
    report.totals.push_back(figure(report, "Bytes moved", trafficBytes(cost),
                                   Unit::Byte));
    report.totals.push_back(figure(report,
                                   cost.depthExact ? "Sequential depth"
                                                   : "Sequential depth (upper bound)",
                                   cost.sequentialDepth, Unit::Count));
    report.totals.push_back(figure(report,
                                   cost.pathExact ? "Maximum path length"
                                                  : "Maximum path length (upper bound)",
                                   cost.maxPathLength, Unit::Count));
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
      std::optional<Expr> n;
      if (layer.op->getNumOperands())
        if (auto seq = llvm::dyn_cast<nn::SeqType>(layer.op->getOperand(0).getType()))
          n = sequenceLengthOf(seq);
      TableRow row{layer.cost.tableRow, bigOText(report, core, n),
                   bigOText(report, rowFigures.sequentialOps, n),
                   rowFigures.neverConnects ? std::string("∞ (never connects)")
                                            : bigOText(report, rowFigures.pathLength, n),
                   bigOClass(report, core, n)};
      std::string key = row.layer + row.complexity + row.sequentialOps + row.pathLength;
      if (!seen[key]) {
        seen[key] = true;
        report.table.push_back(row);
      }
    }
    addLayerValues(report, cost);
    if (options.tree)
      report.tree = buildTree(report, model, cost);
    report.crossovers = crossovers(report);
    if (hardware)
      addRoofline(report, cost);
    if (sweepSpec && failed(addSweep(report, cost, checker)))
      return mlir::failure();
    report.cost = std::move(cost);
    return report;
  }

  const HardwareProfile *hardware = nullptr;
  std::optional<SweepSpec> sweepSpec;

  /// Bytes per parameter that training keeps besides the weights.
  struct TrainingState {
    int64_t gradientBytes, optimizerBytes;
    std::string description;
  };

  /// Gradients in the weights' type; optimizer moments in fp32; with 16- or
  /// 8-bit weights (mixed precision) also an fp32 master copy. Adam in mixed
  /// precision is the 2 + 2 + 12 = 16 bytes per parameter of Rajbhandari et
  /// al. 2020 (ZeRO), section 3.1.
  TrainingState trainingState() const {
    bool mixed = weightBytes < 4;
    // Adafactor's state is not per parameter: optimizerStateBytes adds it.
    int64_t moments = options.optimizer == "adam" ? 8 : options.optimizer == "momentum" ? 4 : 0;
    std::string what = options.optimizer == "adam"       ? "Adam: fp32 m and v"
                       : options.optimizer == "momentum" ? "SGD: fp32 momentum"
                       : options.optimizer == "adafactor"
                           ? "Adafactor: fp32 row and column second moments"
                           : "SGD: none";
    if (mixed)
      what += options.optimizer == "sgd" ? ", fp32 master weights" : " and fp32 master weights";
    return {weightBytes, moments + (mixed ? 4 : 0), what};
  }

  /// The memory a run needs, in bytes: training holds weights, gradients,
  /// optimizer state and the activations stored for backward; inference the
  /// weights, the peak activations and the KV cache. --hw fit lines and
  /// 'memory' budgets use exactly this total.
  /// The optimizer's state in bytes: per parameter, and for Adafactor
  /// (Shazeer & Stern 2018, no first moment) fp32 row and column statistics
  /// per weight matrix, one per element of a vector.
  Expr optimizerStateBytes(const ModelCost &cost) const {
    Expr bytes = cost.params * Expr(trainingState().optimizerBytes);
    if (options.optimizer == "adafactor")
      bytes += cost.factoredSecondMoments * Expr(4);
    return bytes;
  }

  Expr memoryNeeded(const ModelCost &cost) const {
    Expr activations = cost.peakActivationElements * Expr(activationBytes);
    if (runsBackward(cost.options.mode)) {
      TrainingState state = trainingState();
      return cost.params * Expr(weightBytes + state.gradientBytes) + optimizerStateBytes(cost) +
             activations;
    }
    return cost.params * Expr(weightBytes) + activations +
           cost.kvCacheElements * Expr(kvBytesPerElement);
  }

  /// What memoryNeeded counts, for the --hw fit line.
  static const char *memoryNeededText(CostMode mode) {
    return runsBackward(mode)
               ? "weights + gradients + optimizer state + stored activations"
               : "weights + peak activations + KV cache";
  }

  /// The expression of a budget quantity, in its unit (bytes for memory).
  Expr budgetQuantity(const ModelCost &cost, llvm::StringRef quantity) const {
    Expr bytes(activationBytes);
    if (quantity == "flops" || quantity == "macs")
      return cost.flops;
    if (quantity == "params")
      return cost.params;
    if (quantity == "memory")
      return memoryNeeded(cost);
    if (quantity == "activations")
      return cost.peakActivationElements * bytes;
    if (quantity == "kv_cache")
      return cost.kvCacheElements * Expr(kvBytesPerElement);
    if (quantity == "weights")
      return cost.params * Expr(weightBytes);
    if (quantity == "bytes_moved")
      return trafficBytes(cost);
    if (quantity == "depth")
      return cost.sequentialDepth;
    return cost.maxPathLength;
  }

private:
  /// Each op's FLOPs, parameters and activations at the bindings, and its
  /// share (all its repeats) of the model's FLOPs.
  void addLayerValues(ModelReport &report, const ModelCost &cost) {
    std::optional<sym::Rational> total = report.totals.front().value;
    for (const LayerCost &layer : cost.layers) {
      ModelReport::LayerValues values;
      values.flops = figure(report, "", layer.cost.totalWork(cost.options), Unit::Flop).value;
      values.params = figure(report, "", layer.cost.params, Unit::Count).value;
      values.activations = figure(report, "", layer.cost.outputElements, Unit::Count).value;
      auto count = figure(report, "", layer.multiplicity, Unit::Count).value;
      if (values.flops && count && total && total->num != 0)
        values.share = *count * *values.flops / *total;
      report.layerValues.push_back(values);
    }
  }

  /// The name a node shows: the source's module name where the op's
  /// location carries one (NameLoc), else its kind and line:col.
  static std::string nodeName(mlir::Operation *op, llvm::StringRef kind) {
    if (auto named = llvm::dyn_cast<mlir::NameLoc>(op->getLoc()))
      return named.getName().str();
    std::string where;
    if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(op->getLoc()))
      where = " " + std::to_string(file.getLine()) + ":" + std::to_string(file.getColumn());
    return kind.str() + where;
  }

  /// A layer's parts in the --tree: each FLOP rule (the Q projection, the
  /// scores, ...) with the weights of the same name, then the weights no
  /// rule is named after (biases). Their FLOPs and parameters add up to the
  /// layer's exactly; a layer with one part has none.
  template <typename Finish>
  static void addParts(ModelReport::TreeNode &node, const LayerCost &layer,
                       const CostOptions &options, Finish &finish) {
    if (!layer.priced)
      return;
    llvm::SmallVector<bool> used(layer.cost.weights.size(), false);
    std::vector<ModelReport::TreeNode> parts;
    auto part = [&](const FlopTerm &term, bool backward) {
      OpCost alone;
      if (backward)
        alone.backwardTerms.push_back(term);
      else
        alone.terms.push_back(term);
      Expr params;
      for (auto [i, tensor] : llvm::enumerate(layer.cost.weights))
        if (tensor.name == term.rule && !used[i]) {
          used[i] = true;
          params += tensor.elements();
        }
      Expr flops = layer.multiplicity * alone.totalWork(options);
      if (flops.isZero() && params.isZero())
        return; // not counted in this mode (a backward-only rule, a lookup)
      ModelReport::TreeNode child;
      child.kind = "part";
      child.name = term.rule;
      finish(child, flops, layer.weightCopies * params);
      parts.push_back(std::move(child));
    };
    for (const FlopTerm &term : layer.cost.terms)
      part(term, false);
    for (const FlopTerm &term : layer.cost.backwardTerms)
      part(term, true);
    for (auto [i, tensor] : llvm::enumerate(layer.cost.weights)) {
      if (used[i])
        continue;
      ModelReport::TreeNode child;
      child.kind = "part";
      child.name = tensor.name;
      finish(child, Expr(), layer.weightCopies * tensor.elements());
      parts.push_back(std::move(child));
    }
    if (parts.size() >= 2)
      node.children = std::move(parts);
  }

  /// The --tree: each block's ops in order, repeats as nodes over their
  /// bodies. FLOPs and parameters are summed from the layers, so the root's
  /// are exactly the totals.
  ModelReport::TreeNode buildTree(ModelReport &report, nn::ModelOp model,
                                  const ModelCost &cost) {
    llvm::DenseMap<mlir::Operation *, const LayerCost *> layerOf;
    for (const LayerCost &layer : cost.layers)
      layerOf[layer.op] = &layer;
    std::optional<sym::Rational> total = report.totals.front().value;
    Unit work = cost.options.countMACs ? Unit::Count : Unit::Flop;
    auto finish = [&](ModelReport::TreeNode &node, const Expr &flops, const Expr &params) {
      node.flops = figure(report, "", flops, work);
      node.params = figure(report, "", params, Unit::Count);
      if (node.flops.value && total && total->num != 0)
        node.share = *node.flops.value / *total;
    };
    // Returns the block's FLOPs and parameters, appending its nodes.
    std::function<std::pair<Expr, Expr>(mlir::Block &, std::vector<ModelReport::TreeNode> &)>
        visit = [&](mlir::Block &block, std::vector<ModelReport::TreeNode> &nodes) {
          Expr flops, params;
          for (mlir::Operation &op : block) {
            ModelReport::TreeNode node;
            node.location = formatOpLocation(&op);
            Expr nodeFlops, nodeParams;
            if (auto repeat = llvm::dyn_cast<nn::RepeatOp>(op)) {
              node.kind = "repeat";
              node.count = formulaText(report, repeat.getCount().getExpr());
              node.name = nodeName(&op, "repeat");
              std::tie(nodeFlops, nodeParams) = visit(repeat.getBodyBlock(), node.children);
            } else if (const LayerCost *layer = layerOf.lookup(&op)) {
              node.kind = layer->opName;
              node.name = nodeName(&op, layer->opName);
              nodeFlops = layer->multiplicity * layer->cost.totalWork(cost.options);
              nodeParams = layer->weightCopies * layer->cost.params;
              addParts(node, *layer, cost.options, finish);
            } else {
              continue; // nn.output, nn.yield
            }
            finish(node, nodeFlops, nodeParams);
            flops += nodeFlops;
            params += nodeParams;
            nodes.push_back(std::move(node));
          }
          return std::make_pair(flops, params);
        };
    ModelReport::TreeNode root;
    root.kind = "model";
    root.name = "@" + report.name;
    root.location = formatOpLocation(model);
    auto [flops, params] = visit(model.getBodyBlock(), root.children);
    finish(root, flops, params);
    return root;
  }

  static std::string formatOpLocation(mlir::Operation *op) {
    return nn::fileLineColOf(op->getLoc()).value_or("");
  }

  void addRoofline(ModelReport &report, const ModelCost &cost) {
    // Ops compute in the activations' type (fp8 weights are widened).
    auto peak = hardware->peakFlops.find(options.activationType());
    if (peak == hardware->peakFlops.end()) {
      report.rooflineNote =
          hardware->name + " has no " + options.activationType() + " peak in its profile";
      return;
    }
    bool beyondRange = false;
    for (const LayerCost &layer : cost.layers) {
      Expr flops = layer.multiplicity * layer.cost.totalWork(cost.options);
      Expr traffic = layer.multiplicity * trafficBytes(layer.cost, cost.options);
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
      if (!std::isfinite(row.flops) || !std::isfinite(row.bytes)) {
        report.roofline.clear();
        report.rooflineSeconds = 0;
        beyondRange = true;
        break;
      }
      row.computeSeconds = row.flops / peak->second;
      row.memorySeconds = row.bytes / hardware->memoryBandwidth;
      report.rooflineSeconds += std::max(row.computeSeconds, row.memorySeconds);
      report.roofline.push_back(row);
    }
    Expr needed = memoryNeeded(cost);
    auto value = sym::evaluate(sym::simplify(needed, report.assumptions), report.bindings);
    if (!value) {
      llvm::consumeError(value.takeError());
      return;
    }
    double need = toDouble(*value);
    std::string range = beyondRange ? "no time estimate: values beyond floating-point range "
                                      "(1.8e308); "
                                    : "";
    if (!std::isfinite(need)) {
      report.rooflineNote = range + "does NOT fit: the memory needed is beyond floating-point "
                                    "range";
      return;
    }
    char buffer[400];
    std::snprintf(buffer, sizeof(buffer), "%s %.2f GB (%s) %s %.2f GB of %s",
                  need <= hardware->memoryBytes ? "fits:" : "does NOT fit:", need / 1e9,
                  memoryNeededText(cost.options.mode),
                  need <= hardware->memoryBytes ? "within" : "exceeds", hardware->memoryBytes / 1e9,
                  hardware->name.c_str());
    report.rooflineNote = range + buffer;
  }

  mlir::LogicalResult addSweep(ModelReport &report, const ModelCost &cost,
                               const nn::PointChecker &checker) {
    ModelReport::Sweep sweep;
    sweep.symbol = sweepSpec->symbol;
    Expr bytes(activationBytes);
    auto column = [&](std::string name, Expr formula, Unit unit) {
      sweep.columns.push_back(std::move(name));
      sweep.units.push_back(unit);
      sweep.formulas.push_back(sym::simplify(formula, report.assumptions));
    };
    column(cost.options.countMACs ? "MACs" : "FLOPs", cost.flops,
           cost.options.countMACs ? Unit::Count : Unit::Flop);
    // One line per layer kind: the seed's comparison chart.
    std::map<std::string, Expr> cores;
    for (const LayerCost &layer : cost.layers)
      if (!layer.cost.tableRow.empty())
        cores[layer.cost.tableRow] += layer.multiplicity * layer.cost.core;
    for (auto &[row, core] : cores)
      column("core FLOPs: " + row, core, Unit::Flop);
    column("parameters", cost.params, Unit::Count);
    column("peak activation bytes", cost.peakActivationElements * bytes, Unit::Byte);
    if (!cost.kvCacheElements.isZero())
      column("KV cache bytes", cost.kvCacheElements * Expr(kvBytesPerElement), Unit::Byte);
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
    sym::Bindings point = report.bindings;
    for (const llvm::DynamicAPInt &x : sweep.xs) {
      if (progress && ++done % 16 == 0)
        llvm::errs() << "\rsweep " << report.name << ": " << done << "/" << sweep.xs.size();
      values[0] = x;
      point[sweep.symbol] = x;
      std::vector<std::optional<sym::Rational>> row;
      std::optional<nn::PointViolation> violation = checker.check(point);
      if (violation && !options.skipInvalid) {
        if (progress)
          llvm::errs() << "\r\033[K";
        mlir::emitError(violation->loc)
            << "@" << report.name << ": sweep point " << sweep.symbol << " = "
            << sym::formatWithSeparators(x) << " breaks the model's rules: "
            << violation->message << " (--skip-invalid skips such points)";
        return mlir::failure();
      }
      sweep.notes.push_back(violation ? "skipped: " + violation->message : "");
      for (const auto &c : compiled) {
        std::optional<sym::Rational> value;
        if (c && !violation) {
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
    return mlir::success();
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
  /// Bytes per element of weights (--weight-dtype) and activations
  /// (--act-dtype); --dtype sets both.
  int64_t weightBytes, activationBytes;
  /// Bytes per KV-cache element (--kv-dtype; the activations' when not given).
  int64_t kvBytesPerElement;
};

} // namespace

namespace {

/// MLIR's diagnostics with file:line:col and the source line, less what
/// speaks to MLIR developers: the hint to pass -allow-unregistered-dialect
/// (an option costopt does not have) and the list of loaded dialects.
class DiagnosticPrinter : public mlir::SourceMgrDiagnosticHandler {
public:
  DiagnosticPrinter(llvm::SourceMgr &mgr, mlir::MLIRContext *context, llvm::raw_ostream &os)
      : SourceMgrDiagnosticHandler(mgr, context, os), context(context) {
    // Registered after the base handler, so it sees each diagnostic first.
    rewriterID = context->getDiagEngine().registerHandler([this](mlir::Diagnostic &diag) {
      std::string message = diag.str();
      bool foreign = message.find("unregistered dialect") != std::string::npos ||
                     message.find("not found for custom op") != std::string::npos;
      bool longLine = isLongLine(diag.getLocation());
      if (!foreign && !longLine && message.size() <= kMaxMessage)
        return mlir::failure(); // printed by the base handler as it is
      if (foreign)
        message = "not an nn operation: costopt reads models written in the nn dialect "
                  "(nn.model, nn.attention, nn.ffn, ...; see docs/Dialect.md)";
      // A line of 100,000 characters (generated input) is not quoted, and a
      // message quoting such text is cut: one diagnostic stays readable.
      auto shorten = [](std::string text) {
        if (text.size() > kMaxMessage)
          text = text.substr(0, kMaxMessage) + "…";
        return text;
      };
      emitDiagnostic(diag.getLocation(), shorten(message), diag.getSeverity(), !longLine);
      if (!foreign)
        for (mlir::Diagnostic &note : diag.getNotes())
          emitDiagnostic(note.getLocation(), shorten(note.str()), note.getSeverity(),
                         !isLongLine(note.getLocation()));
      return mlir::success();
    });
  }
  ~DiagnosticPrinter() { context->getDiagEngine().eraseHandler(rewriterID); }

private:
  static constexpr size_t kMaxMessage = 1000;
  static constexpr size_t kMaxQuotedLine = 400;

  /// True if the source line of `loc` is too long to quote.
  bool isLongLine(mlir::Location loc) {
    auto fileLoc = loc->findInstanceOf<mlir::FileLineColLoc>();
    if (!fileLoc)
      return false;
    const llvm::MemoryBuffer *buffer = getBufferForFile(fileLoc.getFilename());
    if (!buffer)
      return false;
    llvm::StringRef text = buffer->getBuffer();
    for (unsigned line = 1; line < fileLoc.getLine() && !text.empty(); ++line)
      text = text.drop_until([](char c) { return c == '\n'; }).drop_front();
    return std::min(text.find('\n'), text.size()) > kMaxQuotedLine;
  }

  mlir::MLIRContext *context;
  mlir::DiagnosticEngine::HandlerID rewriterID;
};


/// The importer marks each op that stands for a module of the source with
/// a trailing "// module: NAME" (h.*.attn); the op's location becomes that
/// name around its file:line:col, which diagnostics still show.
void nameImportedOps(mlir::ModuleOp module, llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  module.walk([&](mlir::Operation *op) {
    auto file = llvm::dyn_cast<mlir::FileLineColLoc>(op->getLoc());
    if (!file || file.getLine() == 0 || file.getLine() > lines.size())
      return;
    llvm::StringRef line = lines[file.getLine() - 1];
    size_t marker = line.find("// module: ");
    if (marker == llvm::StringRef::npos)
      return;
    llvm::StringRef name = line.drop_front(marker + strlen("// module: ")).trim();
    op->setLoc(mlir::NameLoc::get(mlir::StringAttr::get(op->getContext(), name), file));
  });
}


} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
costopt::driver::readModelSource(llvm::StringRef path, const OnnxImportOptions &onnx,
                                 bool &imported, llvm::raw_ostream &errs) {
  imported = false;
  if (isOnnxPath(path)) {
    // An ONNX model: import it, then read the generated model.
    auto read = readBinaryInputFile(path);
    if (!read)
      return read.takeError();
    std::vector<std::string> warnings;
    auto model = importOnnxModel((*read)->getBuffer(), path, onnx, &warnings);
    if (!model)
      return model.takeError();
    for (const std::string &warning : warnings)
      errs << "costopt: warning: " << warning << "\n";
    imported = true;
    return llvm::MemoryBuffer::getMemBufferCopy(*model, (path + " (imported)").str());
  }
  auto read = readInputFile(path);
  if (!read)
    return read.takeError();
  std::unique_ptr<llvm::MemoryBuffer> file = std::move(*read);
  if (path.ends_with(".json")) {
    // A Hugging Face config: import it, then read the generated model.
    auto model = importHuggingFaceConfig(file->getBuffer(), path);
    if (!model)
      return model.takeError();
    imported = true;
    return llvm::MemoryBuffer::getMemBufferCopy(*model, (path + " (imported)").str());
  }
  // Editors on some systems start UTF-8 files with a byte-order mark.
  if (file->getBuffer().starts_with("\xEF\xBB\xBF"))
    file = llvm::MemoryBuffer::getMemBufferCopy(file->getBuffer().drop_front(3),
                                                file->getBufferIdentifier());
  return file;
}

mlir::FailureOr<LoadedFile> costopt::driver::loadModels(llvm::StringRef path, llvm::StringRef modelName,
                                       mlir::MLIRContext &context, llvm::raw_ostream &errs,
                                       const OnnxImportOptions &onnx) {
  bool imported = false;
  auto read = readModelSource(path, onnx, imported, errs);
  if (!read) {
    errs << "costopt: error: " << llvm::toString(read.takeError()) << "\n";
    return mlir::failure();
  }
  std::unique_ptr<llvm::MemoryBuffer> file = std::move(*read);
  // MLIR's parser recurses per bracket: refuse what would overflow it.
  if (auto violation = checkTextLimits(file->getBuffer())) {
    errs << formatTextViolation(path, file->getBuffer(), *violation) << "\n";
    return mlir::failure();
  }
  LoadedFile loaded;
  loaded.sourceMgr = std::make_shared<llvm::SourceMgr>();
  unsigned bufferID = loaded.sourceMgr->AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  loaded.diagnostics = std::make_shared<DiagnosticPrinter>(*loaded.sourceMgr, &context, errs);
  loaded.module = mlir::parseSourceFile<mlir::ModuleOp>(loaded.sourceMgr, &context);
  if (!loaded.module)
    return mlir::failure();
  if (imported)
    nameImportedOps(*loaded.module,
                    loaded.sourceMgr->getMemoryBuffer(bufferID)->getBuffer());
  // Models that others call are layers: reported only when chosen.
  llvm::StringSet<> called;
  loaded.module->walk([&](nn::CallOp call) { called.insert(call.getCallee()); });
  if (failed(inlineLayerCalls(*loaded.module)))
    return mlir::failure();
  loaded.module->walk([&](nn::ModelOp model) {
    if (modelName.empty() ? !called.contains(model.getSymName())
                          : model.getSymName() == modelName)
      loaded.models.push_back(model);
  });
  if (loaded.models.empty()) {
    std::vector<std::string> available;
    loaded.module->walk(
        [&](nn::ModelOp model) { available.push_back("@" + model.getSymName().str()); });
    errs << "costopt: error: " << path << ": ";
    if (modelName.empty())
      errs << "no nn.model in the file\n";
    else
      errs << "no nn.model named @" << modelName << "; the file has "
           << llvm::join(available, ", ") << "\n";
    return mlir::failure();
  }
  return loaded;
}


int costopt::driver::parseBindings(const std::vector<std::string> &bindings,
                                   llvm::ArrayRef<nn::ModelOp> models,
                                   llvm::StringRef inputFile, sym::Bindings &overrides,
                                   llvm::raw_ostream &errs) {
  for (const std::string &binding : bindings) {
    auto [name, value] = llvm::StringRef(binding).split('=');
    name = name.trim();
    if (value.empty() || name.empty()) {
      errs << "costopt: error: bad binding '" << binding << "'; expected -D name=value\n";
      return ExitUsageError;
    }
    auto size = parseSize(value);
    if (!size) {
      errs << "costopt: error: bad value '" << value << "' for " << name
           << "; expected an integer below 2^63 such as 4096, 4k, 4Ki or 1e6\n";
      return ExitUsageError;
    }
    bool declared = llvm::any_of(models, [&](nn::ModelOp m) {
      return llvm::is_contained(m.getSymbolNames(), name.str());
    });
    if (!declared) {
      errs << "costopt: error: -D " << name << ": no model in " << inputFile
           << " declares a symbol '" << name << "'\n";
      return ExitInputError;
    }
    overrides[name] = *size;
  }
  return ExitSuccess;
}

namespace {

/// `--emit ptx`: every kernel module's PTX on `outs` (each after a
/// `// gpu.binary @name` line), or, when `output` names a folder (ends in
/// '/' or exists as one), one `<name>.ptx` file per kernel module in it.
int writePtx(mlir::ModuleOp module, llvm::StringRef output, llvm::raw_ostream &outs,
             llvm::raw_ostream &errs) {
  auto kernels = collectPtx(module);
  bool toFolder = output != "-" && (output.ends_with("/") || llvm::sys::fs::is_directory(output));
  if (!toFolder) {
    for (auto &[name, ptx] : kernels)
      outs << "// gpu.binary @" << name << "\n" << ptx << "\n";
    return ExitSuccess;
  }
  if (auto ec = llvm::sys::fs::create_directories(output)) {
    errs << "costopt: error: cannot create '" << output << "': " << ec.message() << "\n";
    return ExitInputError;
  }
  for (auto &[name, ptx] : kernels) {
    llvm::SmallString<128> path(output);
    llvm::sys::path::append(path, name + ".ptx");
    std::string error;
    auto file = mlir::openOutputFile(path, &error);
    if (!file) {
      errs << "costopt: error: cannot write '" << path << "': " << error << "\n";
      return ExitInputError;
    }
    file->os() << ptx;
    file->keep();
  }
  outs << "costopt: wrote " << kernels.size() << " PTX file" << (kernels.size() == 1 ? "" : "s")
       << " to " << output << "\n";
  return ExitSuccess;
}

} // namespace

int costopt::runDriver(const DriverOptions &options, llvm::raw_ostream &outs,
                       llvm::raw_ostream &errs) {
  // Writing a report over its own model would destroy the input.
  for (const std::string *written : {&options.outputFile, &options.plotFile})
    for (const std::string *read : {&options.inputFile, &options.compareFile})
      if (!written->empty() && *written != "-" && !read->empty() &&
          llvm::sys::fs::equivalent(*written, *read)) {
        errs << "costopt: error: '" << *written << "' is an input; refusing to overwrite it\n";
        return ExitUsageError;
      }
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
  if (!llvm::is_contained({"adam", "momentum", "sgd", "adafactor"},
                          llvm::StringRef(options.optimizer))) {
    errs << "costopt: error: unknown --optimizer '" << options.optimizer
         << "'; expected adam, momentum, sgd or adafactor\n";
    return ExitUsageError;
  }
  std::optional<Recompute> recompute = parseRecompute(options.recompute);
  if (!recompute) {
    errs << "costopt: error: unknown --recompute '" << options.recompute
         << "'; expected none, selective or full\n";
    return ExitUsageError;
  }
  if (*recompute != Recompute::None && !runsBackward(*mode)) {
    errs << "costopt: error: --recompute " << options.recompute
         << " applies to the backward pass; add --mode train or --mode backward\n";
    return ExitUsageError;
  }
  if (!llvm::is_contained({"auto", "KiB", "MiB", "GiB", "TiB"},
                          llvm::StringRef(options.memoryUnit))) {
    errs << "costopt: error: unknown --memory-unit '" << options.memoryUnit
         << "'; expected auto, KiB, MiB, GiB or TiB\n";
    return ExitUsageError;
  }
  if (!llvm::is_contained({"wrap", "full"}, llvm::StringRef(options.formulas))) {
    errs << "costopt: error: unknown --formulas '" << options.formulas
         << "'; expected wrap or full\n";
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
  mlir::MLIRContext context(registry, options.multithreaded
                                          ? mlir::MLIRContext::Threading::ENABLED
                                          : mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  // Users read file:line:col and the source line; the generic op dump that
  // MLIR appends is for compiler engineers (costopt-opt shows it).
  context.printOpOnDiagnostic(false);
  // --model takes the name with or without its '@'.
  auto loaded = loadModels(options.inputFile, llvm::StringRef(options.modelName).ltrim('@'),
                           context, errs, options.onnx);
  if (failed(loaded))
    return ExitInputError;
  std::vector<nn::ModelOp> &models = loaded->models;
  std::string errorMessage;
  auto decompose = [&](mlir::ModuleOp module) {
    mlir::PassManager pm(&context);
    pm.addNestedPass<nn::ModelOp>(createDecomposeLayers());
    return pm.run(module);
  };
  if (options.decompose && !options.emit.empty()) {
    errs << "costopt: error: --decompose applies to the report; --emit primitives prints the "
            "decomposed model\n";
    return ExitUsageError;
  }
  if (options.decompose && failed(decompose(*loaded->module)))
    return ExitInputError;

  if (!options.emit.empty()) {
    if (!llvm::is_contained({"nn", "primitives", "linalg", "llvm", "gpu", "ptx"},
                            llvm::StringRef(options.emit))) {
      errs << "costopt: error: --emit " << options.emit
           << " is not available; expected nn (the verified model), primitives (its layers "
              "decomposed), linalg (lowered to linalg on tensors, with FLOP counters), "
              "llvm (the LLVM dialect the CPU JIT compiles), gpu (kernels in gpu.modules) "
              "or ptx (the kernels' PTX)\n";
      return ExitUsageError;
    }
    GpuTarget gpuTarget;
    if (llvm::Error e = parseGpuChip(options.gpuChip, gpuTarget)) {
      errs << "costopt: error: " << llvm::toString(std::move(e)) << "\n";
      return ExitUsageError;
    }
    if (options.format != "text") {
      errs << "costopt: error: --emit " << options.emit << " prints IR; --format "
           << options.format << " applies to the report: give one of them\n";
      return ExitUsageError;
    }
    if (options.emit == "primitives") {
      if (failed(decompose(*loaded->module)))
        return ExitInputError;
    } else if (options.emit != "nn") {
      // Only the selected models are lowered.
      for (auto model : llvm::to_vector(loaded->module->getOps<nn::ModelOp>()))
        if (!llvm::is_contained(models, model))
          model.erase();
      mlir::DialectRegistry lowering;
      registerLoweringDialects(lowering);
      context.appendDialectRegistry(lowering);
      mlir::PassManager pm(&context);
      pm.addNestedPass<nn::ModelOp>(createDecomposeLayers());
      // As verify lowers for each target: bands in blocks on the CPU, row
      // by row for the GPU.
      ConvertNNToLinalgOptions bands;
      if (options.emit == "gpu" || options.emit == "ptx")
        bands.bandBlockRows = 0;
      pm.addPass(createConvertNNToLinalg(bands));
      pm.addNestedPass<mlir::func::FuncOp>(createCountFlops());
      std::string error;
      if (options.emit == "llvm" && failed(buildCpuPipeline(pm, error))) {
        errs << "costopt: error: the CPU pipeline does not parse: " << error << "\n";
        return ExitInputError;
      }
      if ((options.emit == "gpu" || options.emit == "ptx") &&
          failed(buildGpuKernelPipeline(pm, gpuTarget, error))) {
        errs << "costopt: error: the GPU pipeline does not parse: " << error << "\n";
        return ExitInputError;
      }
      if (options.emit == "ptx" && failed(buildGpuBinaryPipeline(pm, gpuTarget, error))) {
        errs << "costopt: error: the GPU pipeline does not parse: " << error << "\n";
        return ExitInputError;
      }
      if (failed(pm.run(*loaded->module)))
        return ExitInputError;
    }
    if (options.emit == "ptx")
      return writePtx(*loaded->module, options.outputFile, outs, errs);
    if (options.outputFile == "-") {
      loaded->module->print(outs);
      outs << "\n";
      return ExitSuccess;
    }
    auto file = mlir::openOutputFile(options.outputFile, &errorMessage);
    if (!file) {
      errs << "costopt: error: cannot write '" << options.outputFile << "': " << errorMessage
           << "\n";
      return ExitInputError;
    }
    loaded->module->print(file->os());
    file->os() << "\n";
    file->keep();
    return ExitSuccess;
  }

  // -D name=value, checked against every selected model's symbols.
  sym::Bindings overrides;
  if (int status = parseBindings(options.bindings, models, options.inputFile, overrides, errs))
    return status;

  if (options.count != "flops" && options.count != "macs") {
    errs << "costopt: error: unknown --count '" << options.count
         << "'; expected flops or macs\n";
    return ExitUsageError;
  }
  CostOptions costOptions;
  costOptions.mode = *mode;
  costOptions.countMACs = options.count == "macs";
  costOptions.recompute = *recompute;
  int64_t weightBytes = dtypeBytes(options.weightType());
  int64_t activationBytes = dtypeBytes(options.activationType());
  int64_t kvBytes = dtypeBytes(options.cacheType());
  for (auto [flag, given, known] :
       {std::tuple("--weight-dtype", &options.weightDtype, weightBytes),
        std::tuple("--act-dtype", &options.actDtype, activationBytes),
        std::tuple("--kv-dtype", &options.kvDtype, kvBytes)})
    if (!known) {
      errs << "costopt: error: unknown " << flag << " '" << *given
           << "'; expected f32, bf16, f16 or fp8\n";
      return ExitUsageError;
    }
  ReportBuilder builder(options, weightBytes, activationBytes, kvBytes);

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
  if (!options.plotFile.empty() && options.sweep.empty()) {
    errs << "costopt: error: --plot draws a sweep; add --sweep, e.g. --sweep n=1k..1M\n";
    return ExitUsageError;
  }
  if (!options.sweep.empty()) {
    std::string error;
    builder.sweepSpec = parseSweep(options.sweep, error);
    if (!builder.sweepSpec) {
      errs << "costopt: error: bad --sweep '" << options.sweep << "': " << error << "\n";
      return ExitUsageError;
    }
    const std::string &symbol = builder.sweepSpec->symbol;
    if (llvm::none_of(models, [&](nn::ModelOp m) {
          return llvm::is_contained(m.getSymbolNames(), symbol);
        })) {
      errs << "costopt: error: --sweep " << symbol << ": no model in " << options.inputFile
           << " declares a symbol '" << symbol << "'\n";
      return ExitInputError;
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
    mlir::FailureOr<ModelReport> report =
        builder.build(model, std::move(*cost), overrides, published);
    if (failed(report))
      return ExitInputError;
    report->checker = std::make_shared<nn::PointChecker>(model);
    reports.push_back(std::move(*report));
  }

  // A -D that some model declares but a reported one does not use is
  // probably meant for another model: say so, without stopping.
  for (const auto &entry : overrides)
    for (const ModelReport &report : reports) {
      llvm::StringRef name = entry.getKey();
      bool used = llvm::any_of(report.totals, [&](const Figure &f) {
        return f.formula.containsSymbol(name);
      });
      if (!used)
        errs << "costopt: warning: -D " << name << ": @" << report.name
             << (llvm::is_contained(report.symbolOrder, name.str()) ? " does not use '"
                                                                     : " does not declare '")
             << name << "'; the value has no effect on it\n";
    }

  std::optional<LoadedFile> other;
  std::vector<ModelReport> otherReports;
  if (!options.compareFile.empty()) {
    auto loaded = loadModels(options.compareFile, "", context, errs);
    if (failed(loaded) || (options.decompose && failed(decompose(*loaded->module))))
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
      mlir::FailureOr<ModelReport> report = builder.build(model, std::move(*cost), valid);
      if (failed(report))
        return ExitInputError;
      report->checker = std::make_shared<nn::PointChecker>(model);
      otherReports.push_back(std::move(*report));
    }
  }
  std::optional<Comparison> comparison;
  if (other) {
    auto compared = compareReports(options, reports.front(), otherReports.front());
    if (!compared) {
      errs << "costopt: error: " << llvm::toString(compared.takeError()) << "\n";
      return ExitInputError;
    }
    comparison = std::move(*compared);
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
  renderReports(options, reports, comparison ? &*comparison : nullptr, *os);

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
    plot.flush();
    if (plot.has_error()) {
      errs << "costopt: error: cannot write '" << options.plotFile
           << "': " << plot.error().message() << "\n";
      plot.clear_error();
      return ExitInputError;
    }
  }
  if (outputFile) {
    outputFile->os().flush();
    if (std::error_code error = outputFile->os().error()) {
      errs << "costopt: error: cannot write '" << options.outputFile << "': " << error.message()
           << "\n";
      outputFile->os().clear_error();
      return ExitInputError;
    }
    outputFile->keep();
  }

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
      } else {
        errs << "costopt: budget met: @" << report.name << " " << budget.quantity << " = "
             << sym::formatRational(*value) << ", limit '" << budget.text << "'\n";
      }
    }
  return status;
}

int costopt::runImport(const std::string &inputFile, const std::string &outputFile,
                       llvm::raw_ostream &outs, llvm::raw_ostream &errs,
                       const OnnxImportOptions &onnx) {
  if (!isOnnxPath(inputFile) && !llvm::StringRef(inputFile).ends_with(".json")) {
    errs << "costopt: error: import reads a Hugging Face config.json or an ONNX model "
            "(.onnx), not '"
         << inputFile << "'\n";
    return ExitInputError;
  }
  bool imported = false;
  auto source = driver::readModelSource(inputFile, onnx, imported, errs);
  if (!source) {
    errs << "costopt: error: " << llvm::toString(source.takeError()) << "\n";
    return ExitInputError;
  }
  std::optional<std::string> model = (*source)->getBuffer().str();
  // Check the generated model before handing it over.
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(*model, inputFile),
                               llvm::SMLoc());
  DiagnosticPrinter diagnostics(sourceMgr, &context, errs);
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
  out.flush();
  if (out.has_error()) {
    errs << "costopt: error: cannot write '" << outputFile << "': " << out.error().message()
         << "\n";
    out.clear_error();
    return ExitInputError;
  }
  return ExitSuccess;
}

int costopt::runCalibrate(const std::string &outputFile, llvm::raw_ostream &outs,
                          llvm::raw_ostream &errs) {
  HardwareProfile profile = calibrateThisMachine();
  auto classes = measureKernelClasses();
  if (!classes) {
    errs << "costopt: error: calibrating costopt's kernels: " << llvm::toString(classes.takeError())
         << "\n";
    return ExitInputError;
  }
  profile.kernelClasses = *classes;
  profile.sources.push_back("kernel_classes measured by 'costopt calibrate': costopt's own "
                            "kernels on one thread (a 512^3 matrix product; batched "
                            "projections, scores and exp left as loops; a width-1 recurrence of "
                            "4,096 steps), "
                            "best of 7, thread CPU time");
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
  out.flush();
  if (out.has_error()) {
    errs << "costopt: error: cannot write '" << path << "': " << out.error().message() << "\n";
    out.clear_error();
    return ExitInputError;
  }
  char buffer[200];
  std::snprintf(buffer, sizeof(buffer),
                "measured %.2f GFLOP/s (f32) and %.2f GB/s; profile written to ", 
                profile.peakFlops["f32"] / 1e9, profile.memoryBandwidth / 1e9);
  // The default location is where --hw cpu looks; any other file is named.
  outs << buffer << path << "\n";
  std::snprintf(buffer, sizeof(buffer),
                "costopt's kernels on one thread: matrix products %.2f GFLOP/s, other loops "
                "%.2f GFLOP/s, %.3g us per recurrence step\n",
                classes->matmulFlops / 1e9, classes->loopFlops / 1e9, classes->stepSeconds * 1e6);
  outs << buffer << "use it with: costopt model.mlir --hw "
       << (outputFile.empty() ? std::string("cpu") : outputFile) << "\n";
  return ExitSuccess;
}
