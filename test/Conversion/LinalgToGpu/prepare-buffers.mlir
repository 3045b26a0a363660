// RUN: costopt-opt %s --pass-pipeline='builtin.module(func.func(costopt-gpu-prepare-buffers))' | FileCheck %s

// The kernel's arguments are device pointers, so what bufferization
// allocates must be device memory too, and copies must become kernels:
// alloc/dealloc become gpu.alloc/gpu.dealloc on a stream that is waited
// for (gpu-to-llvm lowers only their async forms), memref.copy becomes
// linalg.copy.

// CHECK-LABEL: func.func @buffers(
// CHECK-SAME: %[[N:[^:]+]]: index, %[[OUT:[^:]+]]: memref<?xf32>
// CHECK: %[[T0:.+]] = gpu.wait async
// CHECK-NEXT: %[[BUF:.+]], %[[T1:.+]] = gpu.alloc async [%[[T0]]] (%[[N]]) : memref<?xf32>
// CHECK-NEXT: gpu.wait [%[[T1]]]
// CHECK-NEXT: linalg.copy ins(%[[BUF]] : memref<?xf32>) outs(%[[OUT]] : memref<?xf32>)
// CHECK-NEXT: %[[T2:.+]] = gpu.wait async
// CHECK-NEXT: %[[T3:.+]] = gpu.dealloc async [%[[T2]]] %[[BUF]] : memref<?xf32>
// CHECK-NEXT: gpu.wait [%[[T3]]]
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
func.func @buffers(%n: index, %out: memref<?xf32>) {
  %buf = memref.alloc(%n) : memref<?xf32>
  memref.copy %buf, %out : memref<?xf32> to memref<?xf32>
  memref.dealloc %buf : memref<?xf32>
  return
}
