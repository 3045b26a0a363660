//===- Hardware.h - Hardware profiles for roofline estimates ----*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_LIB_DRIVER_HARDWARE_H
#define COSTOPT_LIB_DRIVER_HARDWARE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace costopt {

/// What costopt's own kernels achieve on one thread, per kernel class, as
/// `costopt calibrate` measures them: the rates `costopt verify` prices a
/// layer's work with (instead of the device's peak), and the latency of one
/// step of a recurrence, which no FLOP rate describes.
struct KernelClassRates {
  double matmulFlops = 0; ///< FLOP/s of matrix products (the CPU schedule)
  double loopFlops = 0;   ///< FLOP/s of every other contraction, map and reduction
  double stepSeconds = 0; ///< one step of an nn.recur or nn.scan, beyond its FLOPs
};

/// Peak rates and capacity of one device, with the sources of its figures.
struct HardwareProfile {
  std::string name;
  llvm::StringMap<double> peakFlops; ///< per dtype, FLOP/s
  double memoryBandwidth = 0;        ///< bytes/s
  double memoryBytes = 0;
  std::vector<std::string> sources;
  /// "kernel_classes" of a calibrated profile.
  std::optional<KernelClassRates> kernelClasses;
};

/// Loads `spec`: a path to a .json file, or a name (h100, h200, a100, cpu)
/// looked up in ~/.config/costopt (calibrated profiles) and then in the
/// bundled data/hardware directory.
llvm::Expected<HardwareProfile> loadHardwareProfile(llvm::StringRef spec);

llvm::Expected<HardwareProfile> parseHardwareProfile(const llvm::json::Value &json,
                                                     llvm::StringRef origin);
llvm::json::Value toJSON(const HardwareProfile &profile);

/// Measures this machine: f32 FLOP/s of a vectorisable multiply-add loop on
/// every core and memory bandwidth of a large copy (best of several runs).
HardwareProfile calibrateThisMachine();

/// Measures KernelClassRates by JIT-compiling three small models of
/// primitives through the CPU pipeline `costopt verify` uses (a 512³ matrix
/// product, a batched projection that the schedule leaves as loops, and a
/// recurrence of width 1 over 4,096 steps) and timing them on one thread.
llvm::Expected<KernelClassRates> measureKernelClasses();

/// Where `costopt calibrate` stores the cpu profile.
std::string calibratedProfilePath(llvm::StringRef name);

} // namespace costopt

#endif // COSTOPT_LIB_DRIVER_HARDWARE_H
