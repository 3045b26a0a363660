// RUN: costopt-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(costopt-gpu-optimize-kernels))' | FileCheck %s

// A reduction loop's output element stays in a register (loaded before the
// loop, stored after it), and the multiply-add is marked contractible so
// that NVPTX emits fma.rn.f32.

// CHECK-LABEL: func.func @dot(
// CHECK: gpu.launch
// CHECK: %[[INIT:.+]] = memref.load %[[C:.+]][%{{.+}}] : memref<?xf32>
// CHECK-NEXT: %[[SUM:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (f32) {
// CHECK-NOT: memref.store
// CHECK: %[[P:.+]] = arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] fastmath<contract> : f32
// CHECK-NEXT: scf.yield %[[S]] : f32
// CHECK: memref.store %[[SUM]], %[[C]][%{{.+}}] : memref<?xf32>
func.func @dot(%n: index, %k: index, %a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    scf.for %p = %c0 to %k step %c1 {
      %x = memref.load %a[%bx, %p] : memref<?x?xf32>
      %y = memref.load %b[%bx, %p] : memref<?x?xf32>
      %acc = memref.load %c[%bx] : memref<?xf32>
      %prod = arith.mulf %x, %y : f32
      %sum = arith.addf %acc, %prod : f32
      memref.store %sum, %c[%bx] : memref<?xf32>
    }
    gpu.terminator
  }
  return
}

// -----

// When the loop also reads the output's buffer elsewhere, the element
// cannot stay in a register: nothing moves.
// CHECK-LABEL: func.func @aliased(
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.load %{{.+}}[%{{.+}}] : memref<?xf32>
// CHECK: memref.store
func.func @aliased(%n: index, %k: index, %c: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    scf.for %p = %c0 to %k step %c1 {
      %x = memref.load %c[%p] : memref<?xf32>
      %acc = memref.load %c[%bx] : memref<?xf32>
      %sum = arith.addf %acc, %x : f32
      memref.store %sum, %c[%bx] : memref<?xf32>
    }
    gpu.terminator
  }
  return
}

// -----

// Math functions in kernels become polynomials: no libdevice call remains.
// CHECK-LABEL: func.func @softmax_exp(
// CHECK: gpu.launch
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: gpu.terminator
func.func @softmax_exp(%n: index, %x: memref<?xf32>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%bx] : memref<?xf32>
    %e = math.exp %v : f32
    %t = math.tanh %e : f32
    memref.store %t, %x[%bx] : memref<?xf32>
    gpu.terminator
  }
  return
}
