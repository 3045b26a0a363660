// RUN: costopt-opt %s -split-input-file --costopt-accumulate-in-registers | FileCheck %s
// RUN: costopt-opt %s -split-input-file --costopt-accumulate-in-registers=reassociate=true | FileCheck %s --check-prefix=REASSOC

// A row sum as convert-linalg-to-loops writes it: the output element is
// loaded and stored at every step. Its buffer (an allocation) is not the
// input's (an argument), so the element is carried in a register: one load
// before the loop, one store after it.
// CHECK-LABEL: func.func @row_sum(
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NEXT: %[[START:.+]] = memref.load %{{.+}}[%[[I]]]
// CHECK-NEXT: %[[SUM:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[START]]) -> (f32) {
// CHECK-NEXT: %[[X:.+]] = memref.load
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT: scf.yield %[[NEXT]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: memref.store %[[SUM]], %{{.+}}[%[[I]]]
// With reassociate, the carried sum may be reassociated (LLVM then
// vectorizes it); without, it keeps its order.
// REASSOC-LABEL: func.func @row_sum(
// REASSOC: arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
// REASSOC-LABEL: func.func @reads_output(
// REASSOC-NOT: fastmath
// CHECK-NOT: fastmath
func.func @row_sum(%x: memref<?x?xf32>, %n: index, %m: index) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %out = memref.alloc(%n) : memref<?xf32>
  %view = memref.subview %out[0] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %m step %c1 {
      %a = memref.load %view[%i] : memref<?xf32, strided<[1]>>
      %b = memref.load %x[%i, %j] : memref<?x?xf32>
      %s = arith.addf %a, %b : f32
      memref.store %s, %view[%i] : memref<?xf32, strided<[1]>>
    }
  }
  return %out : memref<?xf32>
}

// -----

// The loop also reads the output's buffer elsewhere: kept as it is.
// CHECK-LABEL: func.func @reads_output(
// CHECK-NOT: iter_args
func.func @reads_output(%out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %j = %c0 to %n step %c1 {
    %a = memref.load %out[%c0] : memref<?xf32>
    %b = memref.load %out[%j] : memref<?xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %out[%c0] : memref<?xf32>
  }
  return
}

// -----

// An input whose buffer is not known (chosen at run time) may be the
// output's: kept as it is.
// CHECK-LABEL: func.func @unknown_buffer(
// CHECK-NOT: iter_args
func.func @unknown_buffer(%out: memref<?xf32>, %p: memref<?xf32>, %q: memref<?xf32>, %c: i1, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %x = arith.select %c, %p, %q : memref<?xf32>
  scf.for %j = %c0 to %n step %c1 {
    %a = memref.load %out[%c0] : memref<?xf32>
    %b = memref.load %x[%j] : memref<?xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %out[%c0] : memref<?xf32>
  }
  return
}
