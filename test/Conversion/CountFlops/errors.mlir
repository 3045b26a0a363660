// RUN: costopt-opt %s -split-input-file -verify-diagnostics --costopt-count-flops

// Float work in a lowered kernel must belong to a layer, or it would go
// uncounted.

func.func @untagged(%counters: memref<?xi64> {costopt.role = "counters"}, %x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{floating-point work without a layer slot ('costopt.layer'): it would go uncounted}}
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%x : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A named op is checked as well: a matmul's body multiplies and adds.
func.func @untagged_matmul(%counters: memref<?xi64> {costopt.role = "counters"}, %a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{floating-point work without a layer slot}}
  %r = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}
