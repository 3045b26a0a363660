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

#include <string>
#include <vector>

namespace costopt {

/// Peak rates and capacity of one device, with the sources of its figures.
struct HardwareProfile {
  std::string name;
  llvm::StringMap<double> peakFlops; ///< per dtype, FLOP/s
  double memoryBandwidth = 0;        ///< bytes/s
  double memoryBytes = 0;
  std::vector<std::string> sources;
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

/// Where `costopt calibrate` stores the cpu profile.
std::string calibratedProfilePath(llvm::StringRef name);

} // namespace costopt

#endif // COSTOPT_LIB_DRIVER_HARDWARE_H
