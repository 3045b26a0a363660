// RUN: costopt-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(costopt-gpu-async-launches))' | FileCheck %s

// Launches queue on one stream, each after the one before it; a loop's
// body chains from the token before the loop; the deallocation (from
// costopt-gpu-prepare-buffers, on a stream of its own, waited for) goes on
// the same stream; the return waits for the last token.

// CHECK-LABEL: func.func @chain(
// CHECK: %[[S:.*]] = gpu.wait async
// CHECK: %[[A:.*]] = gpu.launch_func async [%[[S]]] @kernels::@fill
// CHECK: scf.for
// CHECK-NEXT: %[[B:.*]] = gpu.launch_func async [%[[A]]] @kernels::@fill
// CHECK-NEXT: gpu.launch_func async [%[[B]]] @kernels::@fill
// CHECK-NEXT: }
// CHECK-NEXT: %[[C:.*]] = gpu.launch_func async [%[[A]]] @kernels::@fill
// CHECK-NEXT: %[[D:.*]] = gpu.dealloc async [%[[C]]] %{{.*}} : memref<?xf32>
// CHECK-NEXT: gpu.wait [%[[D]]]
// CHECK-NEXT: return
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fill(%m: memref<?xf32>) kernel {
      gpu.return
    }
  }
  func.func @chain(%n: index, %m: memref<?xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
    scf.for %i = %c0 to %n step %c1 {
      gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
      gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
    }
    gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
    %t = gpu.wait async
    %d = gpu.dealloc async [%t] %m : memref<?xf32>
    gpu.wait [%d]
    return
  }
}

// -----

// The last device work is a loop: nothing of the function's own block to
// wait for at the return (a wait on the stream's creation canonicalizes
// away), so the launches stay synchronous.
// CHECK-LABEL: func.func @loop_last(
// CHECK-NOT: async
// CHECK: return
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fill(%m: memref<?xf32>) kernel {
      gpu.return
    }
  }
  func.func @loop_last(%n: index, %m: memref<?xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %n step %c1 {
      gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
    }
    return
  }
}

// -----

// A launch inside scf.if (or anything but scf.for): not chained, the
// function stays synchronous.
// CHECK-LABEL: func.func @in_if(
// CHECK-NOT: async
// CHECK: return
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fill(%m: memref<?xf32>) kernel {
      gpu.return
    }
  }
  func.func @in_if(%c: i1, %m: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    scf.if %c {
      gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
    }
    gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<?xf32>)
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fill(%m: memref<?xf32>) kernel {
      gpu.return
    }
  }
  func.func @copy(%a: memref<?xf32>, %b: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    // expected-error @below {{orders only kernel launches and deallocations}}
    gpu.memcpy %a, %b : memref<?xf32>, memref<?xf32>
    gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<?xf32>)
    return
  }
}
