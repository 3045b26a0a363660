// RUN: costopt-opt %s --pass-pipeline='builtin.module(func.func(costopt-expand-shapes-as-casts),expand-strided-metadata)' | FileCheck %s

// Two dynamic sizes in one group (MLIR 22's expand-strided-metadata
// crashes on it): a reinterpret_cast of the source's base buffer, the inner
// size's stride the source's, the outer one's that times the inner size.
// CHECK-LABEL: func.func @two_dynamic
// CHECK-SAME: (%[[M:.*]]: memref<?x?xf32>, %[[A:.*]]: index, %[[B:.*]]: index, %[[C:.*]]: index)
// CHECK: %[[BASE:.*]], %{{.*}}, %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[OUTER:.*]] = arith.muli %[[STRIDES]]#0, %[[B]]
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [0], sizes: [%[[A]], %[[B]], %[[C]]], strides: [%[[OUTER]], %[[STRIDES]]#0, 1]
// CHECK-NOT: memref.expand_shape
func.func @two_dynamic(%m: memref<?x?xf32>, %a: index, %b: index, %c: index) -> memref<?x?x?xf32> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%a, %b, %c] : memref<?x?xf32> into memref<?x?x?xf32>
  return %e : memref<?x?x?xf32>
}

// A strided source (a column slice) and a static size inside the group:
// the strides step over the source's row stride.
// CHECK-LABEL: func.func @strided_source
// CHECK: %[[BASE:.*]], %[[OFFSET:.*]], %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata
// CHECK: %[[MID:.*]] = arith.muli %[[STRIDES]]#0, %{{.*}}
// CHECK: %[[TOP:.*]] = arith.muli %[[MID]], %c4
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [%[[OFFSET]]], sizes: [%{{.*}}, 4, %{{.*}}, %{{.*}}], strides: [%[[TOP]], %[[MID]], %[[STRIDES]]#0, 1]
func.func @strided_source(%m: memref<?x?xf32, strided<[?, 1], offset: ?>>, %a: index, %b: index, %c: index) -> memref<?x4x?x?xf32, strided<[?, ?, ?, 1], offset: ?>> {
  %e = memref.expand_shape %m [[0, 1, 2], [3]] output_shape [%a, 4, %b, %c] : memref<?x?xf32, strided<[?, 1], offset: ?>> into memref<?x4x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>
  return %e : memref<?x4x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>
}

// One dynamic size per group is left to expand-strided-metadata.
// CHECK-LABEL: func.func @one_dynamic
// CHECK-NOT: arith.muli
// CHECK: memref.reinterpret_cast
func.func @one_dynamic(%m: memref<?x?xf32>, %a: index, %c: index) -> memref<?x64x?xf32> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%a, 64, %c] : memref<?x?xf32> into memref<?x64x?xf32>
  return %e : memref<?x64x?xf32>
}
