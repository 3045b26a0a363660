// RUN: costopt-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(costopt-gpu-parallel-iterators-first))' | FileCheck %s
// RUN: costopt-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(costopt-gpu-parallel-iterators-first,convert-linalg-to-parallel-loops))' | FileCheck %s --check-prefix=LOOPS

// GPT-2's unembedding, [b, n, d] x [d, V] written as (b, i, k, j): the
// reduction k before the parallel j. Interchanged to (b, i, j, k), the
// outermost parallel loop covers b x n x V outputs, not b x n.

// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @unembedding(
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// LOOPS-LABEL: func.func @unembedding(
// LOOPS: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
// LOOPS-NEXT: scf.for
// LOOPS-NOT: scf.parallel
// LOOPS: return
#lhs = affine_map<(b, i, k, j) -> (b, i, k)>
#rhs = affine_map<(b, i, k, j) -> (k, j)>
#out = affine_map<(b, i, k, j) -> (b, i, j)>
func.func @unembedding(%x: memref<?x?x?xf32>, %w: memref<?x?xf32>, %y: memref<?x?x?xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %w : memref<?x?x?xf32>, memref<?x?xf32>) outs(%y : memref<?x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// linalg.index follows its loop: index 2 (j) now reads loop 1.
// CHECK-DAG: #[[J:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @index_follows(
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: %[[I2:.*]] = linalg.index 2 : index
// CHECK: %[[V:.*]] = affine.apply #[[J]](%[[I0]], %[[I1]], %[[I2]])
// CHECK: arith.index_cast %[[V]]
#in = affine_map<(i, k, j) -> (i, k)>
#o = affine_map<(i, k, j) -> (i, j)>
func.func @index_follows(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#in, #o], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %j = linalg.index 2 : index
    %ji = arith.index_cast %j : index to i64
    %jf = arith.sitofp %ji : i64 to f32
    %p = arith.mulf %a, %jf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Already in order: left as it is.
// CHECK-LABEL: func.func @in_order(
// CHECK: iterator_types = ["parallel", "reduction", "reduction"]
#a = affine_map<(i, k, l) -> (i, k, l)>
#r = affine_map<(i, k, l) -> (i)>
func.func @in_order(%x: memref<?x?x?xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [#a, #r], iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%x : memref<?x?x?xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  }
  return
}
