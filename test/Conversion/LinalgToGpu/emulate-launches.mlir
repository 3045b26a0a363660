// RUN: costopt-opt %s --pass-pipeline='builtin.module(func.func(costopt-gpu-emulate-launches))' | FileCheck %s

// A launch becomes six loops (grid z, y, x; block z, y, x) whose variables
// are the block and thread ids; device allocations become host ones and
// stream waits disappear.

// CHECK-LABEL: func.func @launch(
// CHECK-SAME: %[[N:[^:]+]]: index
// CHECK-NOT: gpu.
// CHECK: %[[BUF:.+]] = memref.alloc(%[[N]]) : memref<?xf32>
// CHECK: scf.for %[[BZ:.+]] = %{{.+}} to %[[ONE:[^ ]+]] step
// CHECK: scf.for %[[BY:.+]] = %{{.+}} to %[[ONE]] step
// CHECK: scf.for %[[BX:.+]] = %{{.+}} to %[[N]] step
// CHECK: scf.for %[[TZ:.+]] = %{{.+}} to %[[ONE]] step
// CHECK: scf.for %[[TY:.+]] = %{{.+}} to %[[ONE]] step
// CHECK: scf.for %[[TX:.+]] = %{{.+}} to %[[ONE]] step
// CHECK: memref.store %{{.+}}, %[[BUF]][%[[BX]]] : memref<?xf32>
// CHECK: memref.dealloc %[[BUF]] : memref<?xf32>
// CHECK-NOT: gpu.
func.func @launch(%n: index) {
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %t0 = gpu.wait async
  %buf, %t1 = gpu.alloc async [%t0] (%n) : memref<?xf32>
  gpu.wait [%t1]
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.store %zero, %buf[%bx] : memref<?xf32>
    gpu.terminator
  }
  %t2 = gpu.wait async
  %t3 = gpu.dealloc async [%t2] %buf : memref<?xf32>
  gpu.wait [%t3]
  return
}
