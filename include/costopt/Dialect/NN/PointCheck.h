//===- PointCheck.h - Checking symbol values against a model ----*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// Formulas are simplified under a model's constraints (min(r, n) is r under
// r <= n), so a value outside them gives a wrong number, not an error, unless
// it is checked. Every point at which costopt evaluates a formula goes through
// a PointChecker first: the defaults, -D values, each sweep point, budgets and
// comparisons.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_POINTCHECK_H
#define COSTOPT_DIALECT_NN_POINTCHECK_H

#include "costopt/Dialect/NN/NNOps.h"

#include <optional>
#include <string>
#include <vector>

namespace costopt {
namespace nn {

/// A rule that a point breaks: where the rule was written and what is wrong,
/// with the offending values ("constraint 'r <= n' does not hold at
/// n = 1,024, r = 4,096").
struct PointViolation {
  mlir::Location loc;
  std::string message;
};

/// Checks bindings of a model's symbols against everything the model
/// assumes: each symbol's lower bound (1 unless a constraint raises it),
/// each constraint, every size in the model being a positive integer, and
/// the per-op limits that hold only for some values (a learned position
/// table's max_len). Built once per model, then cheap per point. Rules that
/// use a symbol without a value are not checked (the formulas using it stay
/// symbolic).
class PointChecker {
public:
  explicit PointChecker(ModelOp model);

  /// The first rule `point` breaks, or std::nullopt.
  std::optional<PointViolation> check(const sym::Bindings &point) const;

  /// IntegerAtLeast: lhs is an integer and at least rhs (a size at least 1,
  /// an offset at least 0).
  enum class Kind { AtLeast, AtMost, Equal, Divides, Less, Greater, IntegerAtLeast };
  struct Rule {
    mlir::Location loc;
    Kind kind;
    sym::Expr lhs, rhs;
    /// Says what the rule is: "constraint 'r <= n'", "size 'd/h' of
    /// 'nn.attention'".
    std::string description;
    std::vector<std::string> symbols;
    /// A symbol's lower bound (its message names the value, not a rule).
    bool symbolBound = false;
  };
  /// The rules in the order check() tries them; the HTML report exports
  /// them so its slider refuses the points the command line refuses.
  llvm::ArrayRef<Rule> getRules() const { return rules; }

private:
  std::vector<Rule> rules;
  std::vector<std::string> symbolOrder;
};

} // namespace nn
} // namespace costopt

#endif // COSTOPT_DIALECT_NN_POINTCHECK_H
