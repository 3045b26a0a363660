//===- ArgumentRole.h - What each argument of a lowered kernel is -*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The roles of a lowered model's arguments (`costopt.role` on each function
// argument, "role" in an artifact's manifest.json) and their names, once
// for the lowering, the CPU runner, the GPU compiler and the GPU artifact
// runner. Standard library only: the artifact runner builds without LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_ARGUMENTROLE_H
#define COSTOPT_RUNTIME_ARGUMENTROLE_H

#include <iterator>
#include <optional>
#include <string_view>

namespace costopt {

enum class ArgumentRole { Symbol, Counters, Input, Param, Constant, Output };

/// Indexed by ArgumentRole.
inline constexpr std::string_view kArgumentRoleNames[] = {"symbol", "counters", "input",
                                                          "param",  "constant", "output"};

/// "symbol", "counters", "input", "param", "constant" or "output".
inline std::string_view argumentRoleName(ArgumentRole role) {
  return kArgumentRoleNames[static_cast<int>(role)];
}

/// The role named `name`, if it is one.
inline std::optional<ArgumentRole> parseArgumentRole(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kArgumentRoleNames)); ++i)
    if (kArgumentRoleNames[i] == name)
      return static_cast<ArgumentRole>(i);
  return std::nullopt;
}

/// Whether arguments of `role` are tensors (buffers), not a size or the
/// counters.
inline bool isTensorRole(ArgumentRole role) {
  return role != ArgumentRole::Symbol && role != ArgumentRole::Counters;
}

} // namespace costopt

#endif // COSTOPT_RUNTIME_ARGUMENTROLE_H
