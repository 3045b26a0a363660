//===- ArtifactRunner.cpp - Run a compiled CUDA artifact ------------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// An artifact folder holds
//   - manifest.json (schema "costopt-cuda-artifact/1"): the model's name,
//     the kernel library and its entry point, the number of FLOP counter
//     slots (layer_count), warm-up and timed call counts, the arguments
//     (role, name, element type, symbolic shape, stacked leading
//     dimensions) and the points to run: per argument, a symbol's value,
//     null for the counters, or a tensor's concrete shape; the bound on
//     token ids; whether to keep the first output's values;
//   - the kernel library: a shared object compiled from MLIR whose host
//     code calls the mgpu* functions (CudaRuntime.h) and which exports
//     `void <entry>(void **args)`, MLIR's packed interface: args[i] points
//     to an int64_t for a symbol, else to a pointer to a memref descriptor
//     {allocated, aligned, offset, sizes[rank], strides[rank]}. Tensors
//     live in device memory; the counters (int64_t[layer_count]) in host
//     memory, which the compiled host code adds to.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/ArtifactRunner.h"

#include "costopt/Runtime/ArgumentRole.h"
#include "costopt/Runtime/ArgumentValues.h"
#include "costopt/Runtime/CudaRuntime.h"

#include <nlohmann/json.hpp>

#include <dlfcn.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

// Ordered, so that measurements.json copies the bindings in the manifest's order.
using json = nlohmann::ordered_json;
using ordered_json = nlohmann::ordered_json;

namespace {

constexpr const char *kManifestSchema = "costopt-cuda-artifact/1";
constexpr const char *kMeasurementsSchema = "costopt-cuda-measurements/1";
constexpr const char *kOutputFileName = "outputs.f32";
/// Larger buffers are refused before anything is allocated.
constexpr uint64_t kMaxElements = uint64_t(1) << 50;

/// Every failure of a run: its message is the error line.
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

//===----------------------------------------------------------------------===//
// The manifest
//===----------------------------------------------------------------------===//

using Role = costopt::ArgumentRole;

struct ArgumentSpec {
  Role role = Role::Input;
  std::string name;
  /// i64 token ids rather than f32 values.
  bool ids = false;
  unsigned stacked = 0;
  /// The symbolic shape's rank, which each point's shape must have.
  size_t rank = 0;
};

struct PointSpec {
  json bindings;
  /// Per argument: the symbol's value (symbols) or the shape (tensors).
  std::vector<int64_t> symbolValues;
  std::vector<std::vector<int64_t>> shapes;
  int64_t idLimit = 1;
  bool keepOutput = false;
};

struct Manifest {
  std::string model;
  std::string library;
  std::string entry;
  int64_t layerCount = 0;
  unsigned warmup = 0;
  unsigned repetitions = 0;
  std::vector<ArgumentSpec> arguments;
  std::vector<PointSpec> points;
};

[[noreturn]] void manifestError(const std::string &message) {
  throw RunError("manifest.json: " + message);
}

const json &requireKey(const json &object, const char *key, const std::string &where) {
  auto it = object.find(key);
  if (it == object.end())
    manifestError("key '" + where + key + "' is missing");
  return *it;
}

std::string requireString(const json &object, const char *key, const std::string &where) {
  const json &value = requireKey(object, key, where);
  if (!value.is_string())
    manifestError("'" + where + key + "' must be a string");
  return value.get<std::string>();
}

bool isInt64(const json &value) {
  if (value.is_number_unsigned())
    return value.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max());
  return value.is_number_integer();
}

int64_t requireInteger(const json &object, const char *key, const std::string &where,
                       int64_t min, int64_t max) {
  const json &value = requireKey(object, key, where);
  if (!isInt64(value) || value.get<int64_t>() < min || value.get<int64_t>() > max)
    manifestError("'" + where + key + "' must be an integer in [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
  return value.get<int64_t>();
}

Role parseRole(const std::string &role, const std::string &where) {
  if (auto parsed = costopt::parseArgumentRole(role))
    return *parsed;
  manifestError("'" + where + "role' is \"" + role +
                "\", not one of symbol, counters, input, param, constant, output");
}


ArgumentSpec parseArgument(const json &object, const std::string &where) {
  if (!object.is_object())
    manifestError("'" + where.substr(0, where.size() - 1) + "' must be an object");
  ArgumentSpec arg;
  arg.role = parseRole(requireString(object, "role", where), where);
  arg.name = requireString(object, "name", where);
  if (!costopt::isTensorRole(arg.role))
    return arg;
  std::string element = requireString(object, "element", where);
  if (element == "i64")
    arg.ids = true;
  else if (element != "f32")
    manifestError("'" + where + "element' is \"" + element + "\"; the runner handles f32 and i64");
  const json &shape = requireKey(object, "shape", where);
  if (!shape.is_array())
    manifestError("'" + where + "shape' must be an array");
  arg.rank = shape.size();
  if (object.contains("stacked"))
    arg.stacked = static_cast<unsigned>(requireInteger(object, "stacked", where, 0, 64));
  return arg;
}

PointSpec parsePoint(const json &object, const Manifest &manifest, const std::string &where) {
  if (!object.is_object())
    manifestError("'" + where.substr(0, where.size() - 1) + "' must be an object");
  PointSpec point;
  point.bindings = requireKey(object, "bindings", where);
  if (!point.bindings.is_object())
    manifestError("'" + where + "bindings' must be an object");
  const json &values = requireKey(object, "arguments", where);
  if (!values.is_array() || values.size() != manifest.arguments.size())
    manifestError("'" + where + "arguments' must be an array of " +
                  std::to_string(manifest.arguments.size()) + " entries, one per argument");
  point.symbolValues.assign(values.size(), 0);
  point.shapes.resize(values.size());
  bool needsIdLimit = false;
  for (size_t i = 0; i < values.size(); ++i) {
    const ArgumentSpec &arg = manifest.arguments[i];
    const json &value = values[i];
    std::string at = "'" + where + "arguments[" + std::to_string(i) + "]' (" + arg.name + ")";
    switch (arg.role) {
    case Role::Symbol:
      if (!isInt64(value))
        manifestError(at + " must be the symbol's integer value");
      point.symbolValues[i] = value.get<int64_t>();
      break;
    case Role::Counters:
      if (!value.is_null())
        manifestError(at + " must be null (the counters)");
      break;
    default: {
      if (!value.is_array() || value.size() != arg.rank)
        manifestError(at + " must be a shape of rank " + std::to_string(arg.rank));
      uint64_t elements = 1;
      for (const json &extent : value) {
        if (!isInt64(extent) || extent.get<int64_t>() < 0 ||
            extent.get<int64_t>() > (int64_t(1) << 40))
          manifestError(at + " must hold integers in [0, 2^40]");
        int64_t e = extent.get<int64_t>();
        if (e != 0 && elements > kMaxElements / uint64_t(e))
          manifestError(at + ": the buffer would exceed 2^50 elements");
        elements *= uint64_t(e);
        point.shapes[i].push_back(e);
      }
      needsIdLimit |= arg.ids;
    }
    }
  }
  if (needsIdLimit)
    point.idLimit = requireInteger(object, "id_limit", where, 1, std::numeric_limits<int64_t>::max());
  if (object.contains("keep_output")) {
    const json &keep = object["keep_output"];
    if (!keep.is_boolean())
      manifestError("'" + where + "keep_output' must be true or false");
    point.keepOutput = keep.get<bool>();
  }
  return point;
}

Manifest readManifest(const std::string &dir) {
  std::string path = dir + "/manifest.json";
  std::ifstream file(path);
  if (!file)
    throw RunError("cannot read " + path + " (is " + dir + " an artifact folder?)");
  std::stringstream text;
  text << file.rdbuf();
  json root = json::parse(text.str(), /*callback=*/nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    // Parse again for the parser's message (where the syntax error is).
    try {
      json again = json::parse(text.str());
      (void)again;
    } catch (const json::exception &e) {
      manifestError(std::string("not valid JSON: ") + e.what());
    }
    manifestError("not valid JSON");
  }
  if (!root.is_object())
    manifestError("the top level must be an object");
  std::string schema = requireString(root, "schema", "");
  if (schema != kManifestSchema)
    manifestError("'schema' is \"" + schema + "\", this runner reads \"" + kManifestSchema + "\"");
  Manifest manifest;
  manifest.model = requireString(root, "model", "");
  manifest.library = requireString(root, "library", "");
  manifest.entry = requireString(root, "entry", "");
  manifest.layerCount = requireInteger(root, "layer_count", "", 0, int64_t(1) << 30);
  manifest.warmup = static_cast<unsigned>(requireInteger(root, "warmup", "", 0, 1 << 20));
  manifest.repetitions =
      static_cast<unsigned>(requireInteger(root, "repetitions", "", 0, 1 << 20));
  const json &arguments = requireKey(root, "arguments", "");
  if (!arguments.is_array())
    manifestError("'arguments' must be an array");
  for (size_t i = 0; i < arguments.size(); ++i)
    manifest.arguments.push_back(
        parseArgument(arguments[i], "arguments[" + std::to_string(i) + "]."));
  const json &points = requireKey(root, "points", "");
  if (!points.is_array())
    manifestError("'points' must be an array");
  for (size_t i = 0; i < points.size(); ++i)
    manifest.points.push_back(
        parsePoint(points[i], manifest, "points[" + std::to_string(i) + "]."));
  return manifest;
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

/// The kernel library, closed (its global destructor unloads the GPU
/// module) when the run ends.
struct KernelLibrary {
  void *handle = nullptr;
  ~KernelLibrary() {
    if (handle)
      dlclose(handle);
  }
};

/// Device memory freed when the point's run ends, also on errors.
struct DeviceBuffer {
  void *pointer = nullptr;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer() {
    try {
      costopt::cuda::free(pointer);
    } catch (const std::exception &) {
      // Nothing to do on an error path; the process is about to report.
    }
  }
};

/// A memref descriptor of any rank as MLIR's C interface lays it out:
/// allocated and aligned pointers, offset, sizes, strides (row-major).
std::vector<int64_t> describe(void *data, const std::vector<int64_t> &shape) {
  std::vector<int64_t> descriptor(3 + 2 * shape.size(), 0);
  descriptor[0] = static_cast<int64_t>(reinterpret_cast<intptr_t>(data));
  descriptor[1] = descriptor[0];
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    descriptor[3 + i] = shape[i];
    descriptor[3 + shape.size() + i] = stride;
    stride *= shape[i];
  }
  return descriptor;
}

using Entry = void (*)(void **);

/// Runs one point; appends its record to `records` and, where the point
/// keeps its output, the output's values to `outputs`.
void runPoint(Entry entry, const Manifest &manifest, const PointSpec &point, size_t pointIndex,
              const costopt::RunOptions &options, std::ofstream *outputs,
              uint64_t &outputOffset, const std::string &outputFileName,
              ordered_json &records) {
  namespace values = costopt::argument_values;
  size_t count = manifest.arguments.size();
  std::vector<int64_t> symbolValues(point.symbolValues);
  std::vector<std::vector<int64_t>> descriptors(count);
  std::vector<void *> descriptorPointers(count, nullptr);
  std::vector<std::unique_ptr<DeviceBuffer>> buffers(count);
  std::vector<void *> args(count, nullptr);
  // At least one slot, so that the descriptor's pointer is never null.
  std::vector<int64_t> counters(static_cast<size_t>(std::max<int64_t>(manifest.layerCount, 1)), 0);
  int firstOutput = -1;

  for (size_t i = 0; i < count; ++i) {
    const ArgumentSpec &arg = manifest.arguments[i];
    if (arg.role == Role::Symbol) {
      args[i] = &symbolValues[i];
      continue;
    }
    if (arg.role == Role::Counters) {
      descriptors[i] = describe(counters.data(), {manifest.layerCount});
    } else {
      const std::vector<int64_t> &shape = point.shapes[i];
      uint64_t elements = values::elementCount(shape);
      buffers[i] = std::make_unique<DeviceBuffer>();
      // The same data as the CPU runner's (makeArgumentData), which the
      // f64 reference is computed from.
      if (arg.ids) {
        std::vector<int64_t> host(elements);
        values::fillIds(host.data(), elements, point.idLimit);
        buffers[i]->pointer = costopt::cuda::allocate(elements * sizeof(int64_t));
        costopt::cuda::copyToDevice(buffers[i]->pointer, host.data(), elements * sizeof(int64_t));
      } else {
        std::vector<float> host(elements, 0.0f);
        if (arg.role != Role::Output)
          values::fillValues(host.data(), elements, i,
                             values::initialisationScale(arg.role == Role::Param, shape,
                                                         arg.stacked));
        buffers[i]->pointer = costopt::cuda::allocate(elements * sizeof(float));
        costopt::cuda::copyToDevice(buffers[i]->pointer, host.data(), elements * sizeof(float));
      }
      if (arg.role == Role::Output && firstOutput < 0)
        firstOutput = static_cast<int>(i);
      descriptors[i] = describe(buffers[i]->pointer, shape);
    }
    descriptorPointers[i] = descriptors[i].data();
    args[i] = &descriptorPointers[i];
  }

  // The first call counts; every later one must count the same.
  auto counted = [&] {
    return std::vector<int64_t>(counters.begin(), counters.begin() + manifest.layerCount);
  };
  std::fill(counters.begin(), counters.end(), 0);
  entry(args.data());
  costopt::cuda::synchronize();
  std::vector<int64_t> reference = counted();
  auto checkCounters = [&] {
    if (counted() != reference)
      throw RunError("the FLOP counters differ between two runs at the same size (point " +
                     std::to_string(pointIndex) + ")");
  };

  unsigned warmup = options.warmup ? *options.warmup : manifest.warmup;
  unsigned repetitions = options.repetitions ? *options.repetitions : manifest.repetitions;
  for (unsigned w = 0; w < warmup; ++w) {
    std::fill(counters.begin(), counters.end(), 0);
    entry(args.data());
    costopt::cuda::synchronize();
    checkCounters();
  }
  std::vector<double> seconds;
  costopt::cuda::Timer timer;
  for (unsigned r = 0; r < repetitions; ++r) {
    std::fill(counters.begin(), counters.end(), 0);
    timer.start();
    entry(args.data());
    seconds.push_back(timer.stop());
    checkCounters();
  }

  ordered_json record;
  record["bindings"] = point.bindings;
  record["counters"] = reference;
  record["seconds"] = seconds;
  if (point.keepOutput) {
    if (firstOutput < 0)
      throw RunError("points[" + std::to_string(pointIndex) +
                     "] keeps its output, but the manifest has no output argument");
    const ArgumentSpec &arg = manifest.arguments[firstOutput];
    if (arg.ids)
      throw RunError("points[" + std::to_string(pointIndex) + "] keeps its output, but " +
                     arg.name + " is i64, not f32");
    uint64_t elements = values::elementCount(point.shapes[firstOutput]);
    std::vector<float> host(elements);
    costopt::cuda::copyToHost(host.data(), buffers[firstOutput]->pointer,
                              elements * sizeof(float));
    outputs->write(reinterpret_cast<const char *>(host.data()),
                   static_cast<std::streamsize>(elements * sizeof(float)));
    if (!*outputs)
      throw RunError("cannot write " + outputFileName);
    record["output_file"] = outputFileName;
    record["output_offset"] = outputOffset;
    record["output_count"] = elements;
    outputOffset += elements;
  }
  records.push_back(std::move(record));
}

int run(const std::string &dir, const costopt::RunOptions &options) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir))
    throw RunError("the artifact folder " + dir + " does not exist");
  Manifest manifest = readManifest(dir);

  // Loading the kernel library runs its global constructor, which loads
  // its GPU module through the driver: find out first whether there is one.
  std::string why;
  if (!costopt::cuda::available(why))
    throw RunError(why);

  std::string libraryPath =
      fs::path(manifest.library).is_absolute() ? manifest.library : dir + "/" + manifest.library;
  KernelLibrary library;
  library.handle = dlopen(libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library.handle) {
    const char *error = dlerror();
    throw RunError("cannot load the kernel library: " +
                   std::string(error ? error : libraryPath));
  }
  dlerror();
  auto entry = reinterpret_cast<Entry>(dlsym(library.handle, manifest.entry.c_str()));
  if (!entry) {
    const char *error = dlerror();
    throw RunError("the kernel library has no entry " + manifest.entry + ": " +
                   std::string(error ? error : "the symbol is null"));
  }

  std::string measurementsPath =
      options.measurementsPath.empty() ? dir + "/measurements.json" : options.measurementsPath;
  fs::path outputFolder = fs::path(measurementsPath).parent_path();
  std::string outputPath = (outputFolder.empty() ? fs::path(kOutputFileName)
                                                 : outputFolder / kOutputFileName)
                               .string();
  std::unique_ptr<std::ofstream> outputs;
  for (const PointSpec &point : manifest.points)
    if (point.keepOutput) {
      outputs = std::make_unique<std::ofstream>(outputPath, std::ios::binary | std::ios::trunc);
      if (!*outputs)
        throw RunError("cannot write " + outputPath);
      break;
    }

  ordered_json measurements;
  measurements["schema"] = kMeasurementsSchema;
  measurements["model"] = manifest.model;
  measurements["device"] = costopt::cuda::deviceName();
  measurements["compute_capability"] = costopt::cuda::computeCapability();
  measurements["driver_version"] = costopt::cuda::driverVersion();
  measurements["timer"] = "CUDA events on the null stream around each call, after warm-up";
  ordered_json records = ordered_json::array();
  uint64_t outputOffset = 0;
  for (size_t i = 0; i < manifest.points.size(); ++i)
    runPoint(entry, manifest, manifest.points[i], i, options, outputs.get(), outputOffset,
             kOutputFileName, records);
  measurements["points"] = std::move(records);
  if (outputs) {
    outputs->close();
    if (!*outputs)
      throw RunError("cannot write " + outputPath);
  }

  std::ofstream file(measurementsPath, std::ios::trunc);
  file << measurements.dump(1) << "\n";
  file.close();
  if (!file)
    throw RunError("cannot write " + measurementsPath);
  return 0;
}

/// One line, whatever the message holds.
std::string oneLine(std::string message) {
  for (char &c : message)
    if (c == '\n' || c == '\r')
      c = ' ';
  return message;
}

} // namespace

int costopt::runArtifact(const std::string &dir, const RunOptions &options, std::ostream &errs) {
  try {
    return run(dir, options);
  } catch (const std::exception &e) {
    errs << options.toolName << ": error: " << oneLine(e.what()) << "\n";
  }
  return 1;
}
