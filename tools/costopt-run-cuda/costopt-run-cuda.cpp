//===- costopt-run-cuda.cpp - Run a compiled CUDA artifact ----------------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Runs an artifact folder that `costopt` compiled with MLIR on another
// machine (manifest.json + kernel.so) on this machine's NVIDIA GPU, and
// writes measurements.json. The GPU machine has no LLVM, so this tool is
// plain C++17 and builds without CMake, from the repository root:
//
//   g++ -std=c++17 -O2 -I include lib/Runtime/Cuda/*.cpp tools/costopt-run-cuda/costopt-run-cuda.cpp -ldl -rdynamic -o costopt-run-cuda
//
// (-rdynamic exports the mgpu* functions of CudaRuntime.cpp, which the
// kernel library's host code calls, from the executable.) nlohmann/json is
// header-only; add -I <folder holding nlohmann/> where it is not installed.
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/ArtifactRunner.h"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace {

constexpr const char *kUsage =
    "usage: costopt-run-cuda ARTIFACT_DIR [-o measurements.json] [--repeat N] [--warmup N]\n"
    "\n"
    "Runs the kernel of a costopt CUDA artifact folder (manifest.json, the kernel\n"
    "library) at each of its points and writes measurements.json (default: in\n"
    "ARTIFACT_DIR): FLOP counters per layer, seconds per timed call, and the\n"
    "first output's values where the manifest asks (outputs.f32, beside it).\n"
    "\n"
    "  -o FILE       where to write measurements.json\n"
    "  --repeat N    timed calls per point (default: the manifest's repetitions)\n"
    "  --warmup N    untimed calls before them (default: the manifest's warmup)\n";

int usageError(const std::string &message) {
  std::cerr << "costopt-run-cuda: error: " << message << " (see --help)\n";
  return 1;
}

/// A count in [0, 2^20], or false.
bool parseCount(const char *text, unsigned &count) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0 || value > (1 << 20))
    return false;
  count = static_cast<unsigned>(value);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  costopt::RunOptions options;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "-o" || arg == "--repeat" || arg == "--warmup") {
      if (i + 1 >= argc)
        return usageError(arg + " needs a value");
      const char *value = argv[++i];
      if (arg == "-o") {
        options.measurementsPath = value;
        continue;
      }
      unsigned count = 0;
      if (!parseCount(value, count))
        return usageError(arg + " needs a count in [0, 1048576], not '" + value + "'");
      (arg == "--repeat" ? options.repetitions : options.warmup) = count;
      continue;
    }
    if (!arg.empty() && arg[0] == '-')
      return usageError("unknown option " + arg);
    if (!dir.empty())
      return usageError("one artifact folder only (got " + dir + " and " + arg + ")");
    dir = arg;
  }
  if (dir.empty())
    return usageError("no artifact folder given");
  return costopt::runArtifact(dir, options, std::cerr);
}
