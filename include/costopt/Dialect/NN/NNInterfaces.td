//===- NNInterfaces.td - nn dialect op interfaces ----------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NNINTERFACES_TD
#define COSTOPT_DIALECT_NN_NNINTERFACES_TD

include "mlir/IR/OpBase.td"

def NN_SizeCheckedOpInterface : OpInterface<"SizeCheckedOpInterface"> {
  let cppNamespace = "::costopt::nn";
  let description = [{
    Checks of an op's sizes that need the enclosing model's assumptions
    (symbol lower bounds, divisibility, order facts): `heads` divides the
    width, a kernel is at least 1, `top_k <= experts`. `nn.model` calls it
    for every nested op once it has parsed its constraints, so each op's
    rules stay with the op while the constraints are read once.
  }];
  let methods = [
    InterfaceMethod<"Verifies sizes under the model's assumptions.",
      "::mlir::LogicalResult", "verifySizes",
      (ins "const ::costopt::sym::Assumptions &":$assumptions)>,
  ];
}

#endif // COSTOPT_DIALECT_NN_NNINTERFACES_TD
