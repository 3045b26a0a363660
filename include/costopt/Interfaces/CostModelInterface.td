//===- CostModelInterface.td - Per-op cost rules -----------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_INTERFACES_COSTMODELINTERFACE_TD
#define COSTOPT_INTERFACES_COSTMODELINTERFACE_TD

include "mlir/IR/OpBase.td"

def CostModelOpInterface : OpInterface<"CostModelOpInterface"> {
  let cppNamespace = "::costopt";
  let description = [{
    Exact symbolic costs of one application of an op: FLOPs split into named
    terms (so a reviewer can audit each), the Table-1 core term, parameters,
    activation elements (outputs, transient workspace, values saved for the
    backward pass), KV-cache elements, and how the op mixes positions (for
    sequential depth and path length). Sizes come from the op's types and
    attributes; the conventions are in docs/CountingConventions.md.

    The nn ops get their implementations as external models
    (`costopt::registerCostModelInterfaces`), so the dialect does not depend
    on the analyses.
  }];
  let methods = [
    InterfaceMethod<"Returns the op's costs in the given mode.",
      "::costopt::OpCost", "getCost",
      (ins "const ::costopt::CostOptions &":$options)>,
  ];
}

#endif // COSTOPT_INTERFACES_COSTMODELINTERFACE_TD
