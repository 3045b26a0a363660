//===- CudaRuntime.h - A CUDA runtime for MLIR-compiled kernels -*- C++ -*-===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The GPU half of `costopt verify` runs kernels that MLIR compiled on
// another machine, on a GPU machine that has the CUDA driver but neither
// MLIR nor LLVM. This runtime is that machine's stand-in for MLIR's
// libmlir_cuda_runtime: plain C++17 on the CUDA driver API, which it loads
// with dlopen("libcuda.so.1") at run time, so that it builds (and reports
// "no driver" cleanly) where CUDA is absent.
//
// It has two faces:
//  - the mgpu* functions (C linkage, default visibility) that the host code
//    produced by MLIR's gpu-to-llvm lowering calls. They cannot return
//    errors to that code: a driver error prints one line
//    `costopt-cuda: error: <call> failed: <reason>` and exits with 1;
//  - costopt::cuda, a small C++ API for the artifact runner, whose errors
//    throw std::runtime_error.
//
// The driver is initialised lazily on the first call of either face: the
// first mgpu* call may come from a global constructor of a kernel library
// being dlopen'ed, before any code of ours has run.
//
//===----------------------------------------------------------------------===//

#ifndef COSTOPT_RUNTIME_CUDARUNTIME_H
#define COSTOPT_RUNTIME_CUDARUNTIME_H

#include <cstddef>
#include <cstdint>
#include <string>

#define COSTOPT_CUDA_EXPORT extern "C" __attribute__((visibility("default")))

//===----------------------------------------------------------------------===//
// The C ABI of MLIR's gpu-to-llvm lowering (MLIR 22)
//===----------------------------------------------------------------------===//
//
// Streams, modules, functions and events are the driver's opaque handles.

COSTOPT_CUDA_EXPORT void *mgpuModuleLoad(void *data, uint64_t sizeBytes);
COSTOPT_CUDA_EXPORT void *mgpuModuleLoadJIT(void *ptxData, int optLevel);
COSTOPT_CUDA_EXPORT void mgpuModuleUnload(void *module);
COSTOPT_CUDA_EXPORT void *mgpuModuleGetFunction(void *module, const char *name);
COSTOPT_CUDA_EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                                          intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                                          intptr_t blockZ, int32_t smem, void *stream,
                                          void **params, void **extra, size_t paramsCount);
COSTOPT_CUDA_EXPORT void *mgpuStreamCreate();
COSTOPT_CUDA_EXPORT void mgpuStreamDestroy(void *stream);
COSTOPT_CUDA_EXPORT void mgpuStreamSynchronize(void *stream);
COSTOPT_CUDA_EXPORT void mgpuStreamWaitEvent(void *stream, void *event);
COSTOPT_CUDA_EXPORT void *mgpuEventCreate();
COSTOPT_CUDA_EXPORT void mgpuEventDestroy(void *event);
COSTOPT_CUDA_EXPORT void mgpuEventSynchronize(void *event);
COSTOPT_CUDA_EXPORT void mgpuEventRecord(void *event, void *stream);
COSTOPT_CUDA_EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
COSTOPT_CUDA_EXPORT void mgpuMemFree(void *ptr, void *stream);
COSTOPT_CUDA_EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
COSTOPT_CUDA_EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream);
COSTOPT_CUDA_EXPORT void mgpuMemset16(void *dst, unsigned short value, size_t count,
                                      void *stream);
COSTOPT_CUDA_EXPORT void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes);
COSTOPT_CUDA_EXPORT void mgpuMemHostUnregister(void *ptr);
COSTOPT_CUDA_EXPORT void mgpuSetDefaultDevice(int32_t device);

//===----------------------------------------------------------------------===//
// The C++ API of the artifact runner
//===----------------------------------------------------------------------===//

namespace costopt {
namespace cuda {

/// Whether kernels can run here: libcuda.so.1 loads, exports what this
/// runtime needs, cuInit succeeds and there is at least one device. If
/// not, `why` is one line saying which of these failed.
bool available(std::string &why);

/// The default device's name, compute capability (major * 10 + minor) and
/// the driver's CUDA version (e.g. 13000 for 13.0).
std::string deviceName();
int computeCapability();
int driverVersion();

/// Device memory on the default device (cuMemAlloc). allocate(0) is null.
void *allocate(size_t bytes);
void free(void *devicePointer);
/// Synchronous copies between host and device memory.
void copyToDevice(void *deviceDestination, const void *hostSource, size_t bytes);
void copyToHost(void *hostDestination, const void *deviceSource, size_t bytes);
/// Waits for all work on the default device's context.
void synchronize();

/// Times work with two CUDA events recorded on the null stream.
class Timer {
public:
  Timer();
  ~Timer();
  Timer(const Timer &) = delete;
  Timer &operator=(const Timer &) = delete;

  void start();
  /// Records the stop event, waits for it and returns the seconds elapsed
  /// since start().
  double stop();

private:
  void *startEvent = nullptr;
  void *stopEvent = nullptr;
};

} // namespace cuda
} // namespace costopt

#endif // COSTOPT_RUNTIME_CUDARUNTIME_H
