// RUN: costopt-opt %s -verify-diagnostics --pass-pipeline='builtin.module(func.func(costopt-gpu-prepare-buffers))'

func.func @stack(%out: memref<4xf32>) {
  // expected-error @+1 {{a stack buffer the GPU kernels cannot read; the GPU lowering expects heap buffers from bufferization}}
  %buf = memref.alloca() : memref<4xf32>
  memref.copy %buf, %out : memref<4xf32> to memref<4xf32>
  return
}
