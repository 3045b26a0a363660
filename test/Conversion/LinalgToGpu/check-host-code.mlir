// RUN: costopt-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(costopt-gpu-check-host-code))'

// On the host, only the FLOP counters (host memory) may be read or written;
// everything else is a device buffer.

func.func @counters_only(%counters: memref<?xi64> {costopt.role = "counters"}, %n: index) {
  %c0 = arith.constant 0 : index
  %old = memref.load %counters[%c0] : memref<?xi64>
  %add = arith.index_cast %n : index to i64
  %new = arith.addi %old, %add : i64
  memref.store %new, %counters[%c0] : memref<?xi64>
  return
}

// -----

func.func @device_on_host(%counters: memref<?xi64> {costopt.role = "counters"}, %x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{runs on the host but reads or writes a device buffer: the GPU lowering did not map it to a kernel}}
  %v = memref.load %x[%c0] : memref<?xf32>
  return
}

// -----

func.func @unmapped_loop(%counters: memref<?xi64> {costopt.role = "counters"}, %n: index, %x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{runs on the host but reads or writes a device buffer: the GPU lowering did not map it to a kernel}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %x[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
