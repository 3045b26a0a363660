//===- Verify.cpp - costopt verify: predictions against runs --------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// `costopt verify model.mlir --target cpu --sweep n=64..512`: lowers the
// model through linalg to a kernel with FLOP counters in its loops, runs it
// at every point, and checks that the FLOPs each layer executed equal the
// FLOPs predicted for it exactly, and its output values the reference's;
// then fits how the measured time grows against how the predicted FLOPs
// grow. The kernel runs JIT-compiled on the CPU (--target cpu), as the GPU
// pipeline's kernels emulated on the CPU (--target gpu-emulator), or on an
// NVIDIA GPU (--target cuda) from an artifact that costopt-run-cuda runs,
// here or on another machine (--compile-only, --measurements).
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include "costopt/Conversion/Passes.h"
#include "costopt/InitAll.h"
#include "Hardware.h"

#include "costopt/Runtime/ArtifactRunner.h"
#include "costopt/Runtime/CpuRunner.h"
#include "costopt/Runtime/CudaRuntime.h"
#include "costopt/Runtime/GpuCompiler.h"
#include "costopt/Runtime/Reference.h"
#include "costopt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

using namespace costopt;
using namespace costopt::driver;

namespace {

/// One row of the per-layer comparison.
struct LayerPrediction {
  std::string label;  ///< "nn.attention (model.mlir:12:5)"
  int64_t slot = 0;   ///< its counter
  Expr flops;         ///< all its applications, forward
  Expr bytes;         ///< bytes they move in f32 (the roofline's traffic)
  /// Of `flops`, those in matrix products (the CPU schedule's class).
  Expr matmulFlops;
  /// Steps of its recurrences and scans, all applications.
  Expr steps;
};

/// `e` at `point` as a double; nullopt where it cannot be evaluated.
std::optional<double> evaluateDouble(const Expr &e, const sym::Bindings &point) {
  auto value = sym::evaluate(e, point);
  if (!value) {
    llvm::consumeError(value.takeError());
    return std::nullopt;
  }
  return toDouble(*value);
}

/// A contraction the CPU schedule compiles as a matrix product: the
/// schedule's maps (its lowering keeps them). A masked one runs its band's
/// blocks as products and only each block's diagonal rows alone, so it is
/// priced as a product too.
bool isScheduledMatmul(nn::ContractOp op) {
  return isScheduledMatmulMaps(
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<mlir::AffineMapAttr>()));
}

/// The FLOPs of `layer` (an nn.block of primitives, or one primitive) in
/// matrix products, and the steps of its recurrences and scans, per
/// application: what `costopt calibrate`'s kernel classes price.
std::pair<Expr, Expr> kernelClassesOf(mlir::Operation *layer, const CostOptions &options) {
  Expr matmul, steps;
  layer->walk([&](mlir::Operation *op) {
    if (auto contract = llvm::dyn_cast<nn::ContractOp>(op)) {
      // Inside a recurrence the body runs once per step.
      if (!contract->getParentOfType<nn::RecurOp>() && isScheduledMatmul(contract))
        matmul += llvm::cast<CostModelOpInterface>(op).getCost(options).totalFlops(
            CostMode::Forward);
    } else if (llvm::isa<nn::RecurOp, nn::PrefixScanOp>(op)) {
      mlir::Type input = op->getOperand(0).getType();
      auto axis = positionAxisOf(input);
      if (!axis)
        return;
      Expr length = nn::shapeExprsOf(input)[*axis];
      // A parallel scan's steps are its levels.
      auto scan = llvm::dyn_cast<nn::PrefixScanOp>(op);
      steps += scan && scan.getParallel() ? scanLevels(length) : length;
    }
  });
  return {matmul, steps};
}

struct PointResult {
  sym::Bindings point;
  llvm::DynamicAPInt x; ///< the swept symbol's value (or 0)
  std::vector<llvm::DynamicAPInt> predicted; ///< per LayerPrediction
  std::vector<int64_t> counted;              ///< per LayerPrediction
  llvm::DynamicAPInt predictedTotal, countedTotal;
  /// What the layers' own rules predict (differs where docs/Dialect.md
  /// names a convention, e.g. a norm's per-row statistics).
  llvm::DynamicAPInt layerLevelTotal;
  std::vector<double> seconds;
  double best = 0, median = 0;
  bool exact = true;
  /// max |kernel - reference| / max |reference| over the first output,
  /// where the reference ran.
  std::optional<double> valueError;
  /// Whether the values are checked here (predicted FLOPs within
  /// --reference-limit).
  bool checkValues = false;
  /// The f32 roofline of the layers on --hw (0 without --hw), and the bytes
  /// it counts.
  double predictedSeconds = 0, predictedBytes = 0;
};

/// The value check's tolerance: an f32 kernel against the f64 reference.
constexpr double kValueTolerance = 1e-3;

double medianOf(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/// Least-squares slope of log y against log x.
std::optional<double> logLogSlope(llvm::ArrayRef<double> xs, llvm::ArrayRef<double> ys) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (auto [x, y] : llvm::zip(xs, ys)) {
    if (x <= 0 || y <= 0)
      continue;
    double lx = std::log(x), ly = std::log(y);
    n += 1;
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  double denominator = n * sxx - sx * sx;
  if (n < 2 || denominator <= 0)
    return std::nullopt;
  return (n * sxy - sx * sy) / denominator;
}

std::string seconds(double s) {
  if (s < 1e-3)
    return llvm::formatv("{0:f1} µs", s * 1e6).str();
  if (s < 1)
    return llvm::formatv("{0:f2} ms", s * 1e3).str();
  return llvm::formatv("{0:f3} s", s).str();
}

} // namespace

namespace {

/// Everything verify measured, for the renderers.
struct Verification {
  std::string modelName;
  std::vector<std::string> symbolNames;
  std::vector<LayerPrediction> layers;
  std::vector<PointResult> points;
  Expr predictedTotal, layerLevelTotal;
  std::optional<SweepSpec> sweep;
  std::optional<double> measuredSlope, predictedSlope;
  std::string verdict; ///< "agrees", "differs" or "" (no fit)
  bool allExact = true;
  /// "the CPU" or the GPU's name.
  std::string device;
  /// The --hw profile's name ("" without --hw).
  std::string hardware;
  /// Its kernel classes, when calibrated: the prediction's rates.
  std::optional<KernelClassRates> rates;

  /// The median over the timed points of measured / predicted time.
  std::optional<double> medianRatio() const {
    std::vector<double> ratios;
    for (const PointResult &r : points)
      if (r.best > 0 && r.predictedSeconds > 0)
        ratios.push_back(r.best / r.predictedSeconds);
    if (ratios.empty())
      return std::nullopt;
    return medianOf(ratios);
  }
};

/// `costopt-verify/1`: exact integers per point and per layer.
void renderJSON(const VerifyOptions &options, const Verification &v, llvm::raw_ostream &os) {
  const std::vector<PointResult> &results = v.points;
  const std::vector<LayerPrediction> &layers = v.layers;
  const std::vector<std::string> &symbolNames = v.symbolNames;
  const std::optional<SweepSpec> &sweep = v.sweep;
  llvm::json::Array points;
  for (const PointResult &r : results) {
    llvm::json::Object bindings;
    for (const std::string &s : symbolNames)
      if (auto it = r.point.find(s); it != r.point.end())
        bindings[s] = int64_t(it->second);
    llvm::json::Array perLayer;
    for (auto [j, layer] : llvm::enumerate(layers))
      perLayer.push_back(llvm::json::Object{
          {"layer", layer.label},
          {"predicted_flops", int64_t(r.predicted[j])},
          {"counted_flops", r.counted[j]},
          {"exact", llvm::DynamicAPInt(r.counted[j]) == r.predicted[j]}});
    points.push_back(llvm::json::Object{
        {"bindings", std::move(bindings)},
        {"predicted_flops", int64_t(r.predictedTotal)},
        {"counted_flops", int64_t(r.countedTotal)},
        {"layer_rules_flops", int64_t(r.layerLevelTotal)},
        {"exact", r.exact},
        {"value_error", !r.valueError                   ? llvm::json::Value(nullptr)
                        : std::isfinite(*r.valueError) ? llvm::json::Value(*r.valueError)
                                                       : llvm::json::Value("not finite")},
        {"seconds", llvm::json::Array(r.seconds)},
        {"best_seconds", r.best},
        {"median_seconds", r.median},
        {"predicted_seconds", v.hardware.empty() ? llvm::json::Value(nullptr)
                                                 : llvm::json::Value(r.predictedSeconds)},
        {"achieved_flops_per_second",
         r.best > 0 ? llvm::json::Value(toDouble(sym::Rational(r.predictedTotal,
                                                                llvm::DynamicAPInt(1))) /
                                        r.best)
                    : llvm::json::Value(nullptr)},
        {"achieved_bytes_per_second",
         r.best > 0 && !v.hardware.empty() ? llvm::json::Value(r.predictedBytes / r.best)
                                           : llvm::json::Value(nullptr)},
        {"layers", std::move(perLayer)}});
  }
  llvm::json::Object doc{
      {"schema", "costopt-verify/1"},
      {"model", v.modelName},
      {"target", options.target},
      {"device", v.device},
      {"hardware_profile", v.hardware.empty() ? llvm::json::Value(nullptr)
                                              : llvm::json::Value(v.hardware)},
      {"time_model", v.hardware.empty() ? llvm::json::Value(nullptr)
                     : v.rates          ? llvm::json::Value("kernel classes")
                                        : llvm::json::Value("roofline")},
      {"median_measured_over_predicted",
       v.medianRatio() ? llvm::json::Value(*v.medianRatio()) : llvm::json::Value(nullptr)},
      {"time_statistic", options.target == "cuda"
                             ? "CUDA events around each call after a warm-up call, best and "
                               "median of the repetitions"
                             : "thread CPU time, best and median of the repetitions"},
      {"value_tolerance", kValueTolerance},
      {"repetitions", int64_t(v.points.empty() ? options.repetitions
                                               : v.points.front().seconds.size())},
      {"exact", v.allExact},
      {"points", std::move(points)}};
  if (sweep) {
    doc["sweep"] = sweep->symbol;
    if (v.measuredSlope)
      doc["measured_exponent"] = *v.measuredSlope;
    if (v.predictedSlope)
      doc["predicted_exponent"] = *v.predictedSlope;
    if (!v.verdict.empty())
      doc["exponent_verdict"] = v.verdict;
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(doc))) << "\n";
}

/// The points' totals, the per-layer ✓/✗ table and the growth verdict.
void renderText(const VerifyOptions &options, const Verification &v, llvm::raw_ostream &os) {
  const std::vector<PointResult> &results = v.points;
  const std::vector<LayerPrediction> &layers = v.layers;
  const std::vector<std::string> &symbolNames = v.symbolNames;
  const std::optional<SweepSpec> &sweep = v.sweep;
  auto count = [](const llvm::DynamicAPInt &x) { return sym::formatWithSeparators(x); };
  // The runs measured (a --measurements file may hold another count).
  size_t timed = results.empty() ? options.repetitions : results.front().seconds.size();
  os << "costopt verify @" << v.modelName << " on " << v.device << " (" << timed
     << (timed == 1 ? " timed run" : " timed runs") << " per point after a counting run"
     << (options.target == "cuda" ? " and a warm-up; time from CUDA events)\n\n"
                                  : "; time is thread CPU time)\n\n");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const std::string &s : symbolNames)
    header.push_back(s);
  llvm::append_range(header, std::vector<std::string>{"predicted FLOPs", "counted FLOPs", "",
                                                      "values", "best", "median", "GFLOP/s"});
  bool roofline = !v.hardware.empty();
  if (roofline)
    llvm::append_range(header, std::vector<std::string>{"predicted time", "measured/predicted",
                                                        "GB/s"});
  rows.push_back(header);
  for (const PointResult &r : results) {
    std::vector<std::string> row;
    for (const std::string &s : symbolNames)
      row.push_back(count(r.point.lookup(s)));
    row.push_back(count(r.predictedTotal));
    row.push_back(count(r.countedTotal));
    bool countsExact = r.predictedTotal == r.countedTotal;
    row.push_back(countsExact ? "✓" : "✗");
    row.push_back(!r.valueError ? std::string("-")
                                : (*r.valueError <= kValueTolerance ? "✓ " : "✗ ") +
                                      llvm::formatv("{0:e1}", *r.valueError).str());
    row.push_back(r.seconds.empty() ? "-" : seconds(r.best));
    row.push_back(r.seconds.empty() ? "-" : seconds(r.median));
    row.push_back(r.best > 0 ? formatDecimal(toDouble(sym::Rational(r.predictedTotal,
                                                                    llvm::DynamicAPInt(1))) /
                                             r.best / 1e9)
                             : "-");
    if (roofline) {
      row.push_back(seconds(r.predictedSeconds));
      row.push_back(r.best > 0 && r.predictedSeconds > 0
                        ? llvm::formatv("{0:f1}×", r.best / r.predictedSeconds).str()
                        : "-");
      row.push_back(r.best > 0 ? formatDecimal(r.predictedBytes / r.best / 1e9) : "-");
    }
    rows.push_back(std::move(row));
  }
  printTable(os, rows, /*markdown=*/false);
  // Per layer: every layer that does floating-point work, at each point.
  os << "\nPer layer (counted = predicted at every point: ✓):\n";
  std::vector<std::vector<std::string>> layerRows{{"layer", "predicted FLOPs (last point)", ""}};
  for (auto [j, layer] : llvm::enumerate(layers)) {
    bool nonzero = llvm::any_of(results, [&](const PointResult &r) {
      return r.predicted[j] != 0 || r.counted[j] != 0;
    });
    if (!nonzero)
      continue;
    std::string mark = "✓";
    for (const PointResult &r : results)
      if (llvm::DynamicAPInt(r.counted[j]) != r.predicted[j])
        mark = "✗ counted " + count(llvm::DynamicAPInt(r.counted[j])) + " at " +
               (sweep ? sweep->symbol + " = " + count(r.x) : std::string("this point"));
    layerRows.push_back({layer.label, count(results.back().predicted[j]), mark});
  }
  printTable(os, layerRows, /*markdown=*/false);
  if (v.layerLevelTotal != v.predictedTotal) {
    sym::PrintOptions print;
    print.symbolOrder = symbolNames;
    os << "\nThe primitives count " << sym::print(v.predictedTotal - v.layerLevelTotal, print)
       << " FLOPs more than the layers' own rules (" << count(results.back().predictedTotal)
       << " against " << count(results.back().layerLevelTotal)
       << " at the last point): conventions docs/Dialect.md names in \"Where the two "
          "derivations differ\". The kernel runs the primitives.\n";
  }
  if (v.measuredSlope && v.predictedSlope)
    os << llvm::formatv("\nGrowth along {0}: predicted FLOPs ∝ {0}^{1:f2}, measured time ∝ "
                        "{0}^{2:f2}: {3}\n",
                        sweep->symbol, *v.predictedSlope, *v.measuredSlope, v.verdict);
  if (roofline && v.rates)
    os << llvm::formatv(
        "\npredicted time: each layer on {0} as `costopt calibrate` measured costopt's "
        "kernels (matrix products at {1:f2} GFLOP/s, other loops at {2:f2} GFLOP/s, "
        "or its bytes at the memory bandwidth, whichever is slower, plus {3:f3} µs per "
        "recurrence step), summed; GB/s: those bytes over the best time\n",
        v.hardware, v.rates->matmulFlops / 1e9, v.rates->loopFlops / 1e9,
        v.rates->stepSeconds * 1e6);
  else if (roofline)
    os << "\npredicted time: the f32 roofline of each layer on " << v.hardware
       << " (its FLOPs at the f32 peak or its bytes at the memory bandwidth, whichever is "
          "slower), summed; GB/s: those bytes over the best time\n";
  if (roofline && v.medianRatio())
    os << llvm::formatv("measured/predicted: median {0:f2}× over the timed points\n",
                        *v.medianRatio());
  os << "\nvalues: the first output against an independent f64 evaluation of the "
        "primitives, max |error| / max |value| <= "
     << llvm::formatv("{0:e0}", kValueTolerance) << " (- : above --reference-limit FLOPs)\n";
  os << "\n"
     << (v.allExact ? std::string("Counted FLOPs equal the predicted FLOPs at every point, per "
                                  "layer and in total; ") +
                          (llvm::any_of(v.points,
                                        [](const PointResult &r) { return r.valueError.has_value(); })
                               ? "the values agree with the reference."
                               : "no point was within --reference-limit, so no values were "
                                 "checked.")
                  : std::string("MISMATCH: the executed FLOPs or the values differ from the "
                                "prediction or the reference (a bug in the cost model or in the "
                                "lowering)."))
     << "\n";
}

} // namespace

namespace {

/// What one point's run measured, whichever target ran it.
struct Measured {
  std::vector<int64_t> counters; ///< per layer slot
  std::vector<double> seconds;
  /// The first output's values, where the run kept them.
  std::optional<std::vector<float>> output;
};

/// Reads costopt-run-cuda's measurements.json (and the outputs.f32 beside
/// it) for the points `points` in order.
llvm::Expected<std::vector<Measured>>
readMeasurements(llvm::StringRef path, const std::vector<sym::Bindings> &points,
                 const std::vector<std::string> &symbolNames, int64_t layerCount,
                 std::string &device) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return sym::makeError("cannot read " + path + ": " + buffer.getError().message());
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return sym::makeError(path + " is not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *doc = json->getAsObject();
  if (!doc || doc->getString("schema") != "costopt-cuda-measurements/1")
    return sym::makeError(path + " is not a costopt-cuda-measurements/1 file");
  if (auto name = doc->getString("device"))
    device = name->str();
  const llvm::json::Array *list = doc->getArray("points");
  if (!list || list->size() != points.size())
    return sym::makeError(path + " holds " + llvm::Twine(list ? list->size() : 0) +
                          " points; this verification plans " + llvm::Twine(points.size()) +
                          " (same model, -D and --sweep as for the artifact?)");
  llvm::SmallString<128> outputsPath(llvm::sys::path::parent_path(path));
  std::unique_ptr<llvm::MemoryBuffer> outputs;
  std::vector<Measured> result;
  for (auto [i, value] : llvm::enumerate(*list)) {
    const llvm::json::Object *point = value.getAsObject();
    auto bad = [&](const llvm::Twine &why) {
      return sym::makeError(path + ": point " + llvm::Twine(i + 1) + ": " + why);
    };
    if (!point)
      return bad("not an object");
    const llvm::json::Object *bindings = point->getObject("bindings");
    for (const std::string &s : symbolNames) {
      auto v = bindings ? bindings->getInteger(s) : std::nullopt;
      if (!v || llvm::DynamicAPInt(*v) != points[i].lookup(s))
        return bad("measured at other sizes than planned (" + s + ")");
    }
    Measured m;
    const llvm::json::Array *counters = point->getArray("counters");
    if (!counters || counters->size() != size_t(layerCount))
      return bad("expected " + llvm::Twine(layerCount) + " counters");
    for (const llvm::json::Value &c : *counters) {
      auto v = c.getAsInteger();
      if (!v)
        return bad("a counter is not an integer");
      m.counters.push_back(*v);
    }
    if (const llvm::json::Array *seconds = point->getArray("seconds"))
      for (const llvm::json::Value &t : *seconds)
        if (auto v = t.getAsNumber())
          m.seconds.push_back(*v);
    if (auto file = point->getString("output_file")) {
      auto offset = point->getInteger("output_offset");
      auto count = point->getInteger("output_count");
      if (!offset || !count || *offset < 0 || *count < 0)
        return bad("output_offset/output_count missing");
      if (!outputs) {
        llvm::SmallString<128> f(outputsPath);
        llvm::sys::path::append(f, *file);
        auto read = llvm::MemoryBuffer::getFile(f);
        if (!read)
          return bad("cannot read " + f + ": " + read.getError().message());
        outputs = std::move(*read);
      }
      // In elements, so that no product can wrap past the check.
      uint64_t available = outputs->getBufferSize() / 4;
      if (uint64_t(*count) > available || uint64_t(*offset) > available - uint64_t(*count))
        return bad("its output values lie past the end of " + *file);
      uint64_t begin = uint64_t(*offset) * 4, bytes = uint64_t(*count) * 4;
      std::vector<float> values(static_cast<size_t>(*count));
      std::memcpy(values.data(), outputs->getBufferStart() + begin, bytes);
      m.output = std::move(values);
    }
    result.push_back(std::move(m));
  }
  return result;
}

} // namespace

int costopt::runVerify(const VerifyOptions &options, llvm::raw_ostream &outs,
                       llvm::raw_ostream &errs) {
  bool cuda = options.target == "cuda";
  bool emulator = options.target == "gpu-emulator";
  if (options.target != "cpu" && !cuda && !emulator) {
    errs << "costopt: error: unknown --target '" << options.target
         << "'; expected cpu, cuda or gpu-emulator\n";
    return ExitUsageError;
  }
  if (!cuda && (options.compileOnly || !options.measurementsFile.empty() ||
                !options.artifactDir.empty())) {
    errs << "costopt: error: --artifact, --compile-only and --measurements apply to "
            "--target cuda\n";
    return ExitUsageError;
  }
  if (options.compileOnly && !options.measurementsFile.empty()) {
    errs << "costopt: error: --compile-only writes an artifact and --measurements reads a "
            "run of one: give one of them\n";
    return ExitUsageError;
  }
  if (!llvm::is_contained({"text", "json"}, llvm::StringRef(options.format))) {
    errs << "costopt: error: unknown --format '" << options.format
         << "'; expected text or json\n";
    return ExitUsageError;
  }
  GpuTarget gpuTarget;
  if (llvm::Error e = parseGpuChip(options.gpuChip, gpuTarget)) {
    errs << "costopt: error: " << llvm::toString(std::move(e)) << "\n";
    return ExitUsageError;
  }
  std::optional<HardwareProfile> hardware;
  if (!options.hardware.empty()) {
    auto profile = loadHardwareProfile(options.hardware);
    if (!profile) {
      errs << "costopt: error: --hw " << options.hardware << ": "
           << llvm::toString(profile.takeError()) << "\n";
      return ExitInputError;
    }
    if (!profile->peakFlops.count("f32") || profile->memoryBandwidth <= 0) {
      errs << "costopt: error: --hw " << options.hardware
           << ": the kernels run in f32, and the profile has no f32 peak or no bandwidth\n";
      return ExitInputError;
    }
    hardware = std::move(*profile);
  }
  // A run on this machine needs its GPU: say so before compiling anything.
  bool runHere = cuda && !options.compileOnly && options.measurementsFile.empty();
  if (runHere) {
    std::string why;
    if (!cuda::available(why)) {
      errs << "costopt: error: " << why << "\n";
      return ExitInputError;
    }
  }
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  registerLoweringDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  auto loaded = loadModels(options.inputFile, llvm::StringRef(options.modelName).ltrim('@'),
                           context, errs, options.onnx);
  if (failed(loaded))
    return ExitInputError;
  if (loaded->models.size() != 1) {
    errs << "costopt: error: " << options.inputFile << " has " << loaded->models.size()
         << " models; choose one with --model\n";
    return ExitUsageError;
  }
  nn::ModelOp model = loaded->models.front();
  std::string modelName = model.getSymName().str();
  // Only the chosen model is lowered (others may use layers that do not
  // lower yet).
  for (auto other : llvm::to_vector(loaded->module->getOps<nn::ModelOp>()))
    if (other != model)
      other.erase();

  sym::Bindings overrides;
  if (int status = parseBindings(options.bindings, {model}, options.inputFile, overrides, errs))
    return status;
  std::optional<SweepSpec> sweep;
  if (!options.sweep.empty()) {
    std::string error;
    sweep = parseSweep(options.sweep, error);
    if (!sweep) {
      errs << "costopt: error: bad --sweep '" << options.sweep << "': " << error << "\n";
      return ExitUsageError;
    }
    if (!llvm::is_contained(model.getSymbolNames(), sweep->symbol)) {
      errs << "costopt: error: --sweep " << sweep->symbol << ": @" << modelName
           << " declares no symbol '" << sweep->symbol << "'\n";
      return ExitInputError;
    }
  }

  // Predictions: the layer-level total, then each layer of the model
  // decomposed into primitives (the rows the kernel's counters fill).
  CostOptions costOptions;
  costOptions.mode = CostMode::Forward;
  auto layerLevel = analyzeModel(model, costOptions);
  if (failed(layerLevel))
    return ExitInputError;
  Expr layerLevelTotal = layerLevel->flops;
  {
    mlir::PassManager pm(&context);
    pm.addNestedPass<nn::ModelOp>(createDecomposeLayers());
    if (failed(pm.run(*loaded->module)))
      return ExitInputError;
  }
  auto decomposed = analyzeModel(model, costOptions);
  if (failed(decomposed))
    return ExitInputError;
  llvm::DenseMap<mlir::Operation *, int64_t> slots;
  forEachLayerOp(model, [&](mlir::Operation *op) {
    slots[op] = static_cast<int64_t>(slots.size());
  });
  std::vector<LayerPrediction> layers;
  for (const LayerCost &layer : decomposed->layers) {
    LayerPrediction p;
    p.label = layer.opName + " (" + layer.location + ")";
    p.slot = slots.lookup(layer.op);
    p.flops = layer.multiplicity * layer.cost.totalFlops(CostMode::Forward);
    p.bytes = layer.multiplicity * trafficElementsOf(layer.cost, costOptions) * Expr(4);
    auto [matmul, steps] = kernelClassesOf(layer.op, costOptions);
    p.matmulFlops = layer.multiplicity * matmul;
    p.steps = layer.multiplicity * steps;
    layers.push_back(std::move(p));
  }
  Expr predictedTotal = decomposed->flops;
  Expr referenceWork = decomposed->denseFlops;
  nn::PointChecker checker(model);
  sym::Bindings defaults = model.getDefaultBindings();
  // The lowering replaces the model by a function.
  std::vector<std::string> symbolNames = model.getSymbolNames();

  // The reference evaluates the primitives themselves, not their lowering.
  mlir::OwningOpRef<mlir::ModuleOp> referenceModule = loaded->module->clone();
  nn::ModelOp referenceModel = *referenceModule->getOps<nn::ModelOp>().begin();

  // Lower, instrument and compile once: every size is a run-time argument.
  mlir::PassManager lower(&context);
  // Bands in blocks suit the CPU schedule; on a GPU each block's rows
  // would be more launches than one launch per row.
  ConvertNNToLinalgOptions lowering;
  if (options.target != "cpu")
    lowering.bandBlockRows = 0;
  lower.addPass(createConvertNNToLinalg(lowering));
  lower.addNestedPass<mlir::func::FuncOp>(createCountFlops());
  if (failed(lower.run(*loaded->module)))
    return ExitInputError;
  auto signatures = readKernelSignatures(*loaded->module);
  if (!signatures || signatures->size() != 1) {
    errs << "costopt: error: the lowered module has no kernel for @" << modelName;
    if (!signatures)
      errs << ": " << llvm::toString(signatures.takeError());
    errs << "\n";
    return ExitInputError;
  }
  KernelSignature signature = std::move(signatures->front());

  // The points: the defaults with -D, and each sweep value.
  std::vector<sym::Bindings> points;
  std::vector<llvm::DynamicAPInt> xs;
  sym::Bindings base = defaults;
  for (const auto &entry : overrides)
    base[entry.getKey()] = entry.getValue();
  if (sweep) {
    for (const llvm::DynamicAPInt &x : sweepPoints(*sweep)) {
      sym::Bindings point = base;
      point[sweep->symbol] = x;
      points.push_back(point);
      xs.push_back(x);
    }
  } else {
    points.push_back(base);
    xs.push_back(llvm::DynamicAPInt(0));
  }

  // Plan every point before running any: the model's rules, the predicted
  // counts, and the guards (64-bit counters, --max-memory).
  auto evaluateCount = [&](const Expr &e,
                           const sym::Bindings &point) -> std::optional<llvm::DynamicAPInt> {
    auto v = sym::evaluate(e, point);
    if (!v) {
      errs << "costopt: error: cannot evaluate " << e.str() << ": "
           << llvm::toString(v.takeError()) << "\n";
      return std::nullopt;
    }
    if (v->den != 1) {
      errs << "costopt: error: predicted FLOPs " << e.str() << " are not an integer here\n";
      return std::nullopt;
    }
    return v->num;
  };
  std::vector<PointResult> results;
  for (auto [i, point] : llvm::enumerate(points)) {
    for (const std::string &symbol : symbolNames)
      if (!point.count(symbol)) {
        errs << "costopt: error: @" << modelName << ": symbol '" << symbol
             << "' has no value; give it with -D " << symbol << "=...\n";
        return ExitInputError;
      }
    if (auto violation = checker.check(point)) {
      mlir::emitError(violation->loc)
          << "@" << modelName << ": "
          << (sweep ? "sweep point " + sweep->symbol + " = " + sym::formatWithSeparators(xs[i]) +
                          " breaks"
                    : std::string("the symbol values (defaults and -D) break"))
          << " the model's rules: " << violation->message;
      return ExitInputError;
    }
    PointResult r;
    r.point = point;
    r.x = xs[i];
    auto total = evaluateCount(predictedTotal, point);
    auto layerTotal = evaluateCount(layerLevelTotal, point);
    if (!total || !layerTotal)
      return ExitInputError;
    // The counters are 64-bit: refuse a point whose count could wrap.
    if (*total > llvm::DynamicAPInt(int64_t(1) << 62)) {
      errs << "costopt: error: " << sym::formatWithSeparators(*total)
           << " FLOPs at this point would overflow the kernel's 64-bit counters; verify at "
              "smaller sizes\n";
      return ExitInputError;
    }
    auto bytes = argumentBytes(signature, point);
    if (!bytes) {
      errs << "costopt: error: " << llvm::toString(bytes.takeError()) << "\n";
      return ExitInputError;
    }
    if (*bytes > options.maxBufferBytes) {
      errs << "costopt: error: the inputs, weights and outputs at this point take "
           << sym::formatWithSeparators(llvm::DynamicAPInt(int64_t(*bytes)))
           << " bytes, more than --max-memory allows ("
           << sym::formatWithSeparators(llvm::DynamicAPInt(int64_t(options.maxBufferBytes)))
           << "); verify at smaller sizes\n";
      return ExitInputError;
    }
    r.predictedTotal = *total;
    r.layerLevelTotal = *layerTotal;
    for (const LayerPrediction &layer : layers) {
      auto p = evaluateCount(layer.flops, point);
      if (!p)
        return ExitInputError;
      r.predicted.push_back(*p);
    }
    if (hardware) {
      // Each layer in f32 (the kernels' type): its FLOPs at the f32 peak,
      // or with a calibrated profile at its kernel classes' rates, or its
      // bytes at the bandwidth, whichever is slower; plus, calibrated, the
      // latency of each recurrence step. Summed over the layers.
      double peak = hardware->peakFlops.lookup("f32");
      // Kernel classes describe costopt's CPU kernels (costopt calibrate):
      // the GPU targets keep the roofline.
      std::optional<KernelClassRates> rates;
      if (options.target == "cpu")
        rates = hardware->kernelClasses;
      for (const LayerPrediction &layer : layers) {
        std::optional<double> f = evaluateDouble(layer.flops, point);
        std::optional<double> b = evaluateDouble(layer.bytes, point);
        std::optional<double> mm = evaluateDouble(layer.matmulFlops, point);
        std::optional<double> steps = evaluateDouble(layer.steps, point);
        if (!f || !b || !mm || !steps)
          continue;
        r.predictedBytes += *b;
        double compute = rates ? *mm / rates->matmulFlops + (*f - *mm) / rates->loopFlops
                               : *f / peak;
        r.predictedSeconds += std::max(compute, *b / hardware->memoryBandwidth) +
                              (rates ? *steps * rates->stepSeconds : 0.0);
      }
    }
    // The reference evaluates a masked op over its whole box, so its cost
    // is the dense count (the causal square, not the triangle).
    auto dense = evaluateCount(referenceWork, point);
    if (!dense)
      return ExitInputError;
    r.checkValues = std::max(*dense, r.predictedTotal) <=
                    llvm::DynamicAPInt(int64_t(options.referenceLimit));
    results.push_back(std::move(r));
  }

  // Measure: run the points here (CPU), or compile an artifact and run it
  // with costopt-run-cuda here or on a GPU machine (CUDA).
  std::vector<Measured> measured;
  std::string device = emulator ? "the CPU, running the GPU kernels as loops" : "the CPU";
  bool progress = llvm::sys::Process::StandardErrIsDisplayed();
  if (!cuda) {
    mlir::PassManager toLLVM(&context);
    std::string pipelineError;
    if (emulator ? failed(buildGpuEmulationPipeline(toLLVM, gpuTarget, pipelineError))
                 : failed(buildCpuPipeline(toLLVM, pipelineError, /*optimize=*/!options.untiled))) {
      errs << "costopt: error: the " << (emulator ? "GPU emulation" : "CPU")
           << " pipeline does not parse: " << pipelineError << "\n";
      return ExitInputError;
    }
    if (failed(toLLVM.run(*loaded->module)))
      return ExitInputError;
    auto kernel = CpuKernel::compile(*loaded->module, std::move(signature));
    if (!kernel) {
      errs << "costopt: error: JIT compilation failed: " << llvm::toString(kernel.takeError())
           << "\n";
      return ExitInputError;
    }
    signature = (*kernel)->getSignature();
    for (auto [i, point] : llvm::enumerate(points)) {
      if (progress)
        errs << "\rverify @" << modelName << ": point " << i + 1 << "/" << points.size() << " ";
      auto run = (*kernel)->run(point, options.repetitions);
      if (!run) {
        errs << "costopt: error: " << llvm::toString(run.takeError()) << "\n";
        return ExitInputError;
      }
      // Outputs are kept only where the reference will read them: a sweep's
      // large points would otherwise hold every output at once.
      std::optional<std::vector<float>> output;
      if (results[i].checkValues)
        output = std::move(run->output);
      measured.push_back(
          Measured{std::move(run->counters), std::move(run->seconds), std::move(output)});
    }
    if (progress)
      errs << "\r\033[K";
  } else if (!options.measurementsFile.empty()) {
    // A run of an artifact compiled earlier: nothing to compile here.
    auto read = readMeasurements(options.measurementsFile, points, symbolNames,
                                 signature.layerCount, device);
    if (!read) {
      errs << "costopt: error: " << llvm::toString(read.takeError()) << "\n";
      return ExitInputError;
    }
    measured = std::move(*read);
  } else {
    mlir::PassManager toGpu(&context);
    std::string pipelineError;
    if (failed(buildGpuKernelPipeline(toGpu, gpuTarget, pipelineError)) ||
        failed(buildGpuBinaryPipeline(toGpu, gpuTarget, pipelineError))) {
      errs << "costopt: error: the GPU pipeline does not parse: " << pipelineError << "\n";
      return ExitInputError;
    }
    if (failed(toGpu.run(*loaded->module)))
      return ExitInputError;
    std::string artifact = options.artifactDir;
    bool temporary = artifact.empty();
    if (temporary) {
      llvm::SmallString<128> folder;
      if (auto ec = llvm::sys::fs::createUniqueDirectory("costopt-cuda", folder)) {
        errs << "costopt: error: cannot create a temporary folder: " << ec.message() << "\n";
        return ExitInputError;
      }
      artifact = folder.str().str();
    }
    // A temporary artifact goes on every path out of here.
    llvm::scope_exit removeArtifact([&] {
      if (temporary)
        llvm::sys::fs::remove_directories(artifact);
    });
    std::vector<ArtifactPoint> artifactPoints;
    for (const PointResult &r : results)
      artifactPoints.push_back(ArtifactPoint{r.point, r.checkValues});
    if (llvm::Error e = writeGpuArtifact(*loaded->module, signature, artifactPoints,
                                         /*warmup=*/options.repetitions ? 1 : 0,
                                         options.repetitions, artifact)) {
      errs << "costopt: error: " << llvm::toString(std::move(e)) << "\n";
      return ExitInputError;
    }
    if (options.compileOnly) {
      outs << "costopt: wrote the CUDA artifact of @" << modelName << " (" << points.size()
           << (points.size() == 1 ? " point" : " points") << ", " << gpuTarget.chip
           << ") to " << artifact << "\n"
           << "run it where the GPU is:  costopt-run-cuda " << artifact << "\n"
           << "then check the run here:  costopt verify " << options.inputFile
           << " --target cuda <same -D and --sweep> --measurements " << artifact
           << "/measurements.json\n";
      temporary = false; // the user asked for it, wherever it is
      return ExitSuccess;
    }
    RunOptions run;
    run.toolName = "costopt";
    std::ostringstream runErrors;
    if (runArtifact(artifact, run, runErrors) != 0) {
      errs << runErrors.str();
      return ExitInputError;
    }
    auto read = readMeasurements(artifact + "/measurements.json", points, symbolNames,
                                 signature.layerCount, device);
    if (!read) {
      errs << "costopt: error: " << llvm::toString(read.takeError()) << "\n";
      return ExitInputError;
    }
    measured = std::move(*read);
  }

  // Compare each point's run with its prediction and the reference.
  bool allExact = true;
  for (auto [i, r] : llvm::enumerate(results)) {
    Measured &m = measured[i];
    const sym::Bindings &point = r.point;
    llvm::DynamicAPInt counted(0);
    for (int64_t c : m.counters)
      counted += llvm::DynamicAPInt(c);
    r.countedTotal = counted;
    for (auto [j, layer] : llvm::enumerate(layers)) {
      int64_t c = m.counters[layer.slot];
      r.counted.push_back(c);
      r.exact &= llvm::DynamicAPInt(c) == r.predicted[j];
    }
    r.exact &= counted == r.predictedTotal;
    if (r.checkValues) {
      auto data = makeArgumentData(signature, point);
      if (!data) {
        errs << "costopt: error: " << llvm::toString(data.takeError()) << "\n";
        return ExitInputError;
      }
      auto expected = evaluateReference(referenceModel, signature, *data, point);
      if (!expected) {
        errs << "costopt: error: " << llvm::toString(expected.takeError()) << "\n";
        return ExitInputError;
      }
      if (!m.output) {
        // The run kept no output here: compiled with another
        // --reference-limit than this check uses.
        errs << "costopt: error: the run kept no output at point " << i + 1
             << "; check it with the --reference-limit the artifact was compiled with\n";
        return ExitInputError;
      }
      std::vector<float> got = *m.output;
      // Non-finite values (an overflow, a NaN) are an error, not a match.
      double largest = 0, difference = 0;
      bool comparable = expected->size() == got.size();
      for (size_t k = 0; comparable && k < expected->size(); ++k) {
        double want = (*expected)[k], value = got[k];
        if (!std::isfinite(want) || !std::isfinite(value)) {
          comparable = false;
          break;
        }
        largest = std::max(largest, std::abs(want));
        difference = std::max(difference, std::abs(want - value));
      }
      // A model without outputs has no values to compare.
      if (!expected->empty() || !got.empty()) {
        r.valueError = !comparable ? INFINITY : largest > 0 ? difference / largest : difference;
        r.exact &= *r.valueError <= kValueTolerance;
      }
    }
    allExact &= r.exact;
    r.seconds = m.seconds;
    if (!r.seconds.empty()) {
      r.best = *std::min_element(r.seconds.begin(), r.seconds.end());
      r.median = medianOf(r.seconds);
    }
  }

  // How time grows against how the predicted FLOPs grow over the range.
  std::optional<double> measuredSlope, predictedSlope;
  if (sweep && options.repetitions > 0) {
    std::vector<double> x, t, f;
    for (const PointResult &r : results) {
      x.push_back(toDouble(sym::Rational(r.x, llvm::DynamicAPInt(1))));
      t.push_back(r.best);
      f.push_back(toDouble(sym::Rational(r.predictedTotal, llvm::DynamicAPInt(1))));
    }
    measuredSlope = logLogSlope(x, t);
    predictedSlope = logLogSlope(x, f);
  }
  std::string verdict;
  if (measuredSlope && predictedSlope)
    verdict = std::abs(*measuredSlope - *predictedSlope) <= 0.25 ? "agrees" : "differs";

  std::string errorMessage;
  auto output = mlir::openOutputFile(options.outputFile, &errorMessage);
  if (!output) {
    errs << "costopt: error: " << errorMessage << "\n";
    return ExitInputError;
  }
  llvm::raw_ostream &os = output->os();
  Verification verification{modelName,     symbolNames,   std::move(layers),
                            std::move(results), predictedTotal, layerLevelTotal,
                            sweep,         measuredSlope, predictedSlope,
                            verdict,       allExact,      device,
                            hardware ? hardware->name : std::string(),
                            hardware && options.target == "cpu" ? hardware->kernelClasses
                                                                : std::nullopt};
  if (options.format == "json")
    renderJSON(options, verification, os);
  else
    renderText(options, verification, os);
  output->keep();
  return allExact ? ExitSuccess : ExitInputError;
}
