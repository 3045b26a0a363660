//===- NN.td - nn dialect umbrella -------------------------*- tablegen -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_DIALECT_NN_NN_TD
#define COSTOPT_DIALECT_NN_NN_TD

include "costopt/Dialect/NN/NNDialect.td"
include "costopt/Dialect/NN/NNAttributes.td"
include "costopt/Dialect/NN/NNTypes.td"
include "costopt/Dialect/NN/NNInterfaces.td"
include "costopt/Dialect/NN/NNOps.td"

#endif // COSTOPT_DIALECT_NN_NN_TD
