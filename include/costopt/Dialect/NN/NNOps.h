//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNOPS_H
#define COSTOPT_DIALECT_NN_NNOPS_H

#include "costopt/Dialect/NN/NNDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/IntegerSet.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "costopt/Dialect/NN/NNInterfaces.h.inc"

namespace costopt {
namespace nn {

/// The shared assembly of layer ops:
///   nn.op %a[, %b] {key = size, flag, key = "text"} : type[, type] [-> type]
/// The result type is printed only when it differs from the first operand's.
mlir::ParseResult parseLayerOp(mlir::OpAsmParser &parser, mlir::OperationState &result);
void printLayerOp(mlir::Operation *op, mlir::OpAsmPrinter &printer);

/// Requires `expr` to be an integer >= 1 for every admissible value of the
/// symbols, naming it `what` otherwise.
/// Whether `expr` is an integer for every admissible symbol value: each
/// term's numerator divisible by its denominator under `assumptions`
/// (d/h with 'd mod h == 0').
bool isKnownIntegral(const sym::Expr &expr, const sym::Assumptions &assumptions);

mlir::LogicalResult verifySize(mlir::Operation *op, const sym::Expr &expr, llvm::StringRef what,
                               const sym::Assumptions &assumptions);

/// One FLOP of an element-wise body: an arith or math op, constants aside,
/// that reads or produces a floating-point value. nn.map's cost and the
/// executed-FLOP counters of its lowering (costopt-count-flops) both use
/// it, so integer and boolean logic (a select's condition) costs nothing
/// in either.
bool isFloatingPointArithmetic(mlir::Operation &op);

/// nn.repeat's analysis runs its body three times to find the per-iteration
/// growth, so nesting costs 3^depth body runs; deeper stacks are refused
/// (and the decomposition makes none).
constexpr unsigned kMaxRepeatNesting = 6;

/// Refuses `!nn.seq` operands and results whose positions are not the
/// second-to-last axis (NN_DefaultPositionAxes).
mlir::LogicalResult verifyDefaultPositionAxes(mlir::Operation *op);

template <typename ConcreteType>
class NNDefaultPositionAxes
    : public mlir::OpTrait::TraitBase<ConcreteType, NNDefaultPositionAxes> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyDefaultPositionAxes(op);
  }
};

} // namespace nn
} // namespace costopt

#define GET_OP_CLASSES
#include "costopt/Dialect/NN/NNOps.h.inc"

#endif // COSTOPT_DIALECT_NN_NNOPS_H
