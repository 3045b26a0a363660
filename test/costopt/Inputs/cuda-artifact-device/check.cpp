//===- check.cpp - Check costopt-run-cuda's results on the device check ---===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Reads measurements.json and outputs.f32 that costopt-run-cuda wrote for
// this folder's kernel.cpp and recomputes the outputs on the CPU from
// ArgumentValues.h: they must agree bit for bit (the kernel's fma and add
// are IEEE-exact), which checks the data the runner filled, the
// descriptors, the copies and the output file's offsets.
//
//   g++ -std=c++17 -O2 -ffp-contract=off -I include check.cpp -o check
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/ArgumentValues.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

namespace values = costopt::argument_values;

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: check ARTIFACT_DIR\n";
    return 2;
  }
  std::string dir = argv[1];
  nlohmann::json m = nlohmann::json::parse(std::ifstream(dir + "/measurements.json"));
  std::ifstream raw(dir + "/outputs.f32", std::ios::binary | std::ios::ate);
  size_t bytes = size_t(raw.tellg());
  raw.seekg(0);
  std::vector<float> stored(bytes / 4);
  raw.read(reinterpret_cast<char *>(stored.data()), std::streamsize(bytes));
  int failures = 0;
  auto expect = [&](bool ok, const std::string &what) {
    if (!ok) {
      std::cerr << "device check: FAILED: " << what << "\n";
      ++failures;
    }
  };
  expect(m["schema"] == "costopt-cuda-measurements/1", "schema");
  std::cout << "device " << m["device"] << ", compute capability " << m["compute_capability"]
            << ", driver " << m["driver_version"] << "\n";
  const int64_t ns[] = {1000, 4096, 300};
  const int64_t idLimits[] = {50, 50, 7};
  expect(m["points"].size() == 3, "three points");
  uint64_t offset = 0;
  for (size_t p = 0; p < 3 && p < m["points"].size(); ++p) {
    const auto &point = m["points"][p];
    int64_t n = ns[p];
    expect(point["counters"] == nlohmann::json::array({2 * n, n}), "counters of point " +
                                                                       std::to_string(p));
    expect(point["seconds"].size() == 3, "three timed calls");
    for (const auto &s : point["seconds"])
      expect(s.get<double>() > 0 && s.get<double>() < 1, "a plausible time");
    std::cout << "point " << p << ": n = " << n << ", seconds " << point["seconds"] << "\n";
    if (p == 1) {
      expect(!point.contains("output_file"), "no output for point 1");
      continue;
    }
    expect(point["output_file"] == "outputs.f32", "output_file");
    expect(point["output_offset"] == offset, "output_offset");
    expect(point["output_count"] == n, "output_count");
    std::vector<float> x(n), w(2 * n);
    std::vector<int64_t> tokens(n);
    values::fillValues(x.data(), n, 2, 1.0f);
    values::fillValues(w.data(), 2 * n, 3, values::initialisationScale(true, {2, n}, 0));
    values::fillIds(tokens.data(), n, idLimits[p]);
    int64_t wrong = 0;
    for (int64_t i = 0; i < n; ++i) {
      float expected = std::fma(x[i], 2.0f, w[i]) + static_cast<float>(tokens[i]);
      if (offset + i >= stored.size() ||
          std::memcmp(&expected, &stored[offset + i], sizeof(float)) != 0)
        ++wrong;
    }
    expect(wrong == 0, std::to_string(wrong) + " wrong outputs in point " + std::to_string(p));
    offset += n;
  }
  expect(stored.size() == offset, "outputs.f32 holds exactly the kept outputs");
  if (failures)
    return 1;
  std::cout << "device check: OK\n";
  return 0;
}
