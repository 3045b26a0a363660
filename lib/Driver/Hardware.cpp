//===- Hardware.cpp - Hardware profiles for roofline estimates ------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#include "Hardware.h"
#include "Report.h"

#include "costopt/Support/Input.h"
#include "costopt/Support/JSON.h"
#include "costopt/Support/Sym.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace costopt;

static llvm::Error profileError(const llvm::Twine &message) {
  return sym::makeError(message);
}

/// Bounds on profile figures: far above any real device (an H200 has about
/// 2·10^15 FLOP/s, 5·10^12 B/s and 1.4·10^11 bytes), far below where times
/// and fits would print as 'inf' or 31-digit numbers.
static constexpr double kMaxProfileFigure = 1e21;

/// A figure that is a finite number in (0, kMaxProfileFigure].
static llvm::Error checkFigure(std::optional<double> value, llvm::StringRef origin,
                               llvm::StringRef field, llvm::StringRef unit) {
  if (!value)
    return profileError(origin + ": missing or non-numeric \"" + field + "\" (" + unit + ")");
  if (!std::isfinite(*value) || *value < 1 || *value > kMaxProfileFigure)
    return profileError(origin + ": \"" + field + "\" must be a number of " + unit +
                        " from 1 to 1e21, got " + llvm::formatv("{0:e}", *value).str());
  return llvm::Error::success();
}

llvm::Expected<HardwareProfile> costopt::parseHardwareProfile(const llvm::json::Value &json,
                                                              llvm::StringRef origin) {
  const llvm::json::Object *object = json.getAsObject();
  if (!object)
    return profileError(origin + ": a hardware profile must be a JSON object");
  HardwareProfile profile;
  if (auto name = object->getString("name"))
    profile.name = name->str();
  else
    return profileError(origin + ": missing \"name\"");
  // The name heads the roofline in every report format.
  if (profile.name.empty() || llvm::any_of(profile.name, [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      }))
    return profileError(origin + ": \"name\" must be non-empty, without control characters");
  const llvm::json::Object *peaks = object->getObject("peak_flops");
  if (!peaks || peaks->empty())
    return profileError(origin + ": missing \"peak_flops\" (FLOP/s per dtype)");
  for (const auto &[dtype, value] : *peaks) {
    // A misspelt dtype ("bf61") would otherwise be ignored in silence.
    if (!driver::dtypeBytes(dtype))
      return profileError(origin + ": unknown dtype \"" + dtype.str() +
                          "\" in peak_flops; expected f32, bf16, f16 or fp8");
    auto number = value.getAsNumber();
    if (llvm::Error e = checkFigure(number, origin, "peak_flops." + dtype.str(), "FLOP/s"))
      return std::move(e);
    profile.peakFlops[dtype.str()] = *number;
  }
  auto bandwidth = object->getNumber("memory_bandwidth");
  if (llvm::Error e = checkFigure(bandwidth, origin, "memory_bandwidth", "bytes/s"))
    return std::move(e);
  profile.memoryBandwidth = *bandwidth;
  auto memory = object->getNumber("memory_bytes");
  if (llvm::Error e = checkFigure(memory, origin, "memory_bytes", "bytes"))
    return std::move(e);
  profile.memoryBytes = *memory;
  if (const llvm::json::Array *sources = object->getArray("sources"))
    for (const llvm::json::Value &s : *sources)
      if (auto text = s.getAsString())
        profile.sources.push_back(text->str());
  if (profile.sources.empty())
    return profileError(origin + ": a profile must cite the \"sources\" of its figures");
  if (const llvm::json::Value *classes = object->get("kernel_classes")) {
    const llvm::json::Object *rates = classes->getAsObject();
    if (!rates)
      return profileError(origin + ": \"kernel_classes\" must be an object");
    KernelClassRates k;
    for (auto [field, target] : {std::pair<llvm::StringRef, double *>{"matmul_flops", &k.matmulFlops},
                                 {"loop_flops", &k.loopFlops}}) {
      auto number = rates->getNumber(field);
      if (llvm::Error e = checkFigure(number, origin, "kernel_classes." + field.str(), "FLOP/s"))
        return std::move(e);
      *target = *number;
    }
    auto step = rates->getNumber("step_seconds");
    if (!step || !std::isfinite(*step) || *step <= 0 || *step > 1)
      return profileError(origin + ": \"kernel_classes.step_seconds\" must be a number of "
                                   "seconds in (0, 1]");
    k.stepSeconds = *step;
    profile.kernelClasses = k;
  }
  return profile;
}

llvm::json::Value costopt::toJSON(const HardwareProfile &profile) {
  llvm::json::Object peaks;
  for (const auto &entry : profile.peakFlops)
    peaks[entry.getKey()] = entry.getValue();
  llvm::json::Object json{{"name", profile.name},
                          {"peak_flops", std::move(peaks)},
                          {"memory_bandwidth", profile.memoryBandwidth},
                          {"memory_bytes", profile.memoryBytes},
                          {"sources", llvm::json::Array(profile.sources)}};
  if (const auto &k = profile.kernelClasses)
    json["kernel_classes"] = llvm::json::Object{{"matmul_flops", k->matmulFlops},
                                                {"loop_flops", k->loopFlops},
                                                {"step_seconds", k->stepSeconds}};
  return json;
}

std::string costopt::calibratedProfilePath(llvm::StringRef name) {
  llvm::SmallString<256> path;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CONFIG_HOME")) {
    path = *xdg;
  } else if (auto home = llvm::sys::Process::GetEnv("HOME")) {
    path = *home;
    llvm::sys::path::append(path, ".config");
  }
  llvm::sys::path::append(path, "costopt", name + ".json");
  return path.str().str();
}

static llvm::Expected<HardwareProfile> loadFile(llvm::StringRef path) {
  auto buffer = readInputFile(path);
  if (!buffer)
    return profileError("hardware profile: " + llvm::toString(buffer.takeError()));
  auto json = parseJSON((*buffer)->getBuffer());
  if (!json)
    return profileError("hardware profile '" + path + "' is not JSON: " +
                        llvm::toString(json.takeError()));
  return parseHardwareProfile(*json, path);
}

llvm::Expected<HardwareProfile> costopt::loadHardwareProfile(llvm::StringRef path) {
  if (path.ends_with_insensitive(".json"))
    return loadFile(path);
  // Names are case-insensitive: H100 is h100.
  std::string name = path.lower();
  llvm::StringRef spec = name;
  std::string calibrated = calibratedProfilePath(spec);
  if (llvm::sys::fs::exists(calibrated))
    return loadFile(calibrated);
  llvm::SmallString<256> bundled(COSTOPT_DATA_DIR);
  llvm::sys::path::append(bundled, "hardware", spec + ".json");
  if (llvm::sys::fs::exists(bundled))
    return loadFile(bundled);
  if (spec == "cpu")
    return profileError("no profile for 'cpu' yet: run 'costopt calibrate' to measure this "
                        "machine (it writes " + calibrated + ")");
  return profileError("unknown hardware '" + spec +
                      "'; use h100, h200, a100, cpu (after 'costopt calibrate') or a .json file");
}

HardwareProfile costopt::calibrateThisMachine() {
  using Clock = std::chrono::steady_clock;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());

  // FLOP/s: each thread runs independent multiply-add chains the compiler
  // can vectorise; 2 FLOPs per element per iteration.
  constexpr size_t width = 1024;
  constexpr int iterations = 20000;
  double bestFlops = 0;
  for (int run = 0; run < 3; ++run) {
    std::vector<std::thread> workers;
    std::vector<float> sinks(threads);
    auto start = Clock::now();
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        std::vector<float> acc(width, 1.0f), x(width, 0.999f), y(width, 1e-7f);
        for (int i = 0; i < iterations; ++i)
          for (size_t j = 0; j < width; ++j)
            acc[j] = acc[j] * x[j] + y[j];
        float sum = 0;
        for (float v : acc)
          sum += v;
        sinks[t] = sum;
      });
    for (auto &w : workers)
      w.join();
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    bestFlops = std::max(bestFlops, 2.0 * width * iterations * threads / seconds);
  }

  // Bandwidth: copy 256 MiB (read + write = 512 MiB of traffic).
  constexpr size_t bytes = 256u << 20;
  std::vector<char> source(bytes, 1), target(bytes, 0);
  double bestBandwidth = 0;
  for (int run = 0; run < 5; ++run) {
    auto start = Clock::now();
    std::memcpy(target.data(), source.data(), bytes);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    bestBandwidth = std::max(bestBandwidth, 2.0 * bytes / seconds);
    source[run] = target[bytes - 1 - run]; // keep the copies observable
  }

  HardwareProfile profile;
  profile.name = "this machine (calibrated)";
  profile.peakFlops["f32"] = bestFlops;
  profile.memoryBandwidth = bestBandwidth;
  uint64_t pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  profile.memoryBytes = static_cast<double>(pages) * pageSize;
  profile.sources.push_back("measured by 'costopt calibrate': f32 multiply-add loop on " +
                            std::to_string(threads) +
                            " threads (best of 3), memcpy of 256 MiB (best of 5), physical "
                            "memory from sysconf");
  return profile;
}
