// RUN: costopt-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(costopt-gpu-map-loops))' | FileCheck %s
// RUN: costopt-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(costopt-gpu-map-loops,convert-parallel-loops-to-gpu))' | FileCheck %s --check-prefix=LAUNCH
// RUN: not costopt-opt %s --pass-pipeline='builtin.module(func.func(costopt-gpu-map-loops{tile-sizes=64,32}))' 2>&1 | FileCheck %s --check-prefix=TOO-MANY

// costopt-gpu-map-loops tiles each outermost parallel loop into blocks of
// 8x32 threads and maps the innermost dimension to x (consecutive threads,
// consecutive elements: coalesced), the next to y, the third to z; outer
// dimensions run as loops in the kernel.

// CHECK-LABEL: func.func @rank4(
// The tile loop steps 1, 1, 8, 32 over (b, h, n, e).
// CHECK-DAG: arith.constant 8 : index
// CHECK-DAG: arith.constant 32 : index
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: mapping = [#gpu.loop_dim_map<processor = sequential, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_z, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_y, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]
// CHECK: mapping = [#gpu.loop_dim_map<processor = sequential, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = block_z, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = block_y, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]
// LAUNCH-LABEL: func.func @rank4(
// LAUNCH: gpu.launch blocks({{.*}}) in ({{.*}}) threads({{.*}}) in ({{.*}})
func.func @rank4(%b: index, %h: index, %n: index, %e: index, %m: memref<?x?x?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j, %k, %l) = (%c0, %c0, %c0, %c0) to (%b, %h, %n, %e) step (%c1, %c1, %c1, %c1) {
    memref.store %zero, %m[%i, %j, %k, %l] : memref<?x?x?x?xf32>
    scf.reduce
  }
  return
}

// -----

// A rank-1 loop gets all 256 threads along x.
// CHECK-LABEL: func.func @rank1(
// CHECK: arith.constant 256 : index
// CHECK: scf.parallel
// CHECK: mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: mapping = [#gpu.loop_dim_map<processor = block_x
// LAUNCH-LABEL: func.func @rank1(
// LAUNCH: gpu.launch
func.func @rank1(%n: index, %m: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %m[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// TOO-MANY: error: costopt-gpu-map-loops: 2048 threads per block; CUDA allows at most 1024

// -----

// A dimension of one iteration (the kept dimension of a row reduction's
// [b, n, 1] result) is removed before mapping: x goes to n, not to the 1.
// CHECK-LABEL: func.func @unit_dimension(
// CHECK: scf.parallel (%{{[^,]*}}, %{{[^,]*}}) =
// CHECK: mapping = [#gpu.loop_dim_map<processor = thread_y, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]
// CHECK: mapping = [#gpu.loop_dim_map<processor = block_y, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]
func.func @unit_dimension(%b: index, %n: index, %m: memref<?x?x1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%b, %n, %c1) step (%c1, %c1, %c1) {
    memref.store %zero, %m[%i, %j, %k] : memref<?x?x1xf32>
    scf.reduce
  }
  return
}

// -----

// All dimensions of one iteration: one stays, so there is a loop to map.
// CHECK-LABEL: func.func @all_unit(
// CHECK: scf.parallel (%{{[^,]*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: mapping = [#gpu.loop_dim_map<processor = thread_x
func.func @all_unit(%m: memref<1x1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1, %c1) step (%c1, %c1) {
    memref.store %zero, %m[%i, %j] : memref<1x1xf32>
    scf.reduce
  }
  return
}
