//===- ArgumentValues.h - The data kernels run on ----------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The deterministic inputs, weights and token ids that `costopt verify`
// runs its kernels on. The CPU runner (CpuRunner.cpp) and the GPU artifact
// runner (ArtifactRunner.cpp, built on machines without LLVM) must fill
// their buffers bit-identically: both are compared with one f64 reference
// computed from the same data. So the rule lives here, once, in inline
// functions with no dependency beyond the standard library.
//
// For the argument at index `argument` of a kernel (its position in the
// argument list, symbols and counters included):
//   - token ids (i64): (j * 7919 + 13) % max(idLimit, 1) for element j;
//   - f32 outputs: zeros;
//   - other f32 arguments: scale * deterministicValue(argument, j), where
//     scale is 1/sqrt(fan-in) for parameters (see initialisationScale).
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_ARGUMENTVALUES_H
#define COSTOPT_RUNTIME_ARGUMENTVALUES_H

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace costopt {
namespace argument_values {

/// A value in [-0.5, 0.5) that depends only on the tensor and the index:
/// reruns and the reference see the same inputs and weights.
inline float deterministicValue(uint64_t tensor, uint64_t index) {
  uint64_t x = (tensor + 1) * 0x9E3779B97F4A7C15ull ^ (index + 1) * 0xBF58476D1CE4E5B9ull;
  x ^= x >> 31;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 29;
  return static_cast<float>(x >> 40) / static_cast<float>(1ull << 24) - 0.5f;
}

/// The number of elements of a row-major buffer of `shape`.
inline uint64_t elementCount(const std::vector<int64_t> &shape) {
  uint64_t elements = 1;
  for (int64_t extent : shape)
    elements *= static_cast<uint64_t>(extent);
  return elements;
}

/// The factor an f32 argument's values are scaled by. Weights are scaled
/// as an initialisation would (1/sqrt(fan-in), the product of all but the
/// last dimension after the `stacked` leading ones that stack a parameter
/// over repeats): a recurrence with unscaled weights is chaotic, and f32
/// and the f64 reference part ways. Everything else is unscaled.
inline float initialisationScale(bool isParam, const std::vector<int64_t> &shape,
                                 unsigned stacked) {
  float scale = 1.0f;
  if (isParam && shape.size() > stacked + 1) {
    double fanIn = 1;
    for (size_t k = stacked; k + 1 < shape.size(); ++k)
      fanIn *= static_cast<double>(shape[k]);
    scale = static_cast<float>(1.0 / std::sqrt(std::max(fanIn, 1.0)));
  }
  return scale;
}

/// Fills `count` token ids, each below max(idLimit, 1) (the caller bounds
/// ids by the smallest leading extent of a parameter, an embedding table's
/// V, so that every lookup is inside its table).
inline void fillIds(int64_t *ids, uint64_t count, int64_t idLimit) {
  uint64_t limit = static_cast<uint64_t>(std::max<int64_t>(idLimit, 1));
  for (uint64_t j = 0; j < count; ++j)
    ids[j] = static_cast<int64_t>((j * 7919 + 13) % limit);
}

/// Fills `count` f32 values of the argument at index `argument`.
inline void fillValues(float *values, uint64_t count, uint64_t argument, float scale) {
  for (uint64_t j = 0; j < count; ++j)
    values[j] = scale * deterministicValue(argument, j);
}

} // namespace argument_values
} // namespace costopt

#endif // COSTOPT_RUNTIME_ARGUMENTVALUES_H
