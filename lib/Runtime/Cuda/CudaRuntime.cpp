//===- CudaRuntime.cpp - A CUDA runtime for MLIR-compiled kernels ---------===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// The driver API is reached through dlopen/dlsym, never through cuda.h:
// this file must build where CUDA is not installed, and a machine without
// a driver must get a clear message instead of a loader error. The few
// driver types and constants used are declared here; their values are the
// driver API's (cuda.h), which is ABI-stable.
//
// Behaviour follows MLIR's mlir/lib/ExecutionEngine/CudaRuntimeWrappers.cpp,
// the library the lowered host code was written against; the one
// difference is how a context is made current (the device's primary
// context is set current on each calling thread, not pushed and popped
// around every call).
//
//===----------------------------------------------------------------------===//

#include "costopt/Runtime/CudaRuntime.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// The driver API, declared by hand
//===----------------------------------------------------------------------===//

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUjit_option = int;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr CUjit_option CU_JIT_OPTIMIZATION_LEVEL = 7;
constexpr unsigned CU_MEM_ATTACH_GLOBAL = 1;
constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
constexpr unsigned CU_EVENT_DEFAULT = 0;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 2;
/// Dynamic shared memory above this needs an explicit opt-in per function.
constexpr int kDefaultDynamicSharedBytes = 48 * 1024;

template <typename Function> using FunctionPointer = Function *;

/// The driver entry points this runtime calls, looked up once. The names
/// are the exported symbols (cuda.h maps e.g. cuMemAlloc to cuMemAlloc_v2
/// with macros; dlsym sees only the real names).
struct Driver {
#define COSTOPT_DRIVER_FUNCTIONS(X)                                                           \
  X(cuInit, CUresult(unsigned))                                                           \
  X(cuDeviceGetCount, CUresult(int *))                                                    \
  X(cuDeviceGet, CUresult(CUdevice *, int))                                               \
  X(cuDeviceGetName, CUresult(char *, int, CUdevice))                                     \
  X(cuDeviceGetAttribute, CUresult(int *, int, CUdevice))                                 \
  X(cuDriverGetVersion, CUresult(int *))                                                  \
  X(cuDevicePrimaryCtxRetain, CUresult(CUcontext *, CUdevice))                            \
  X(cuCtxSetCurrent, CUresult(CUcontext))                                                 \
  X(cuCtxSynchronize, CUresult())                                                         \
  X(cuModuleLoadData, CUresult(CUmodule *, const void *))                                 \
  X(cuModuleLoadDataEx,                                                                       \
    CUresult(CUmodule *, const void *, unsigned, CUjit_option *, void **))                \
  X(cuModuleUnload, CUresult(CUmodule))                                                   \
  X(cuModuleGetFunction, CUresult(CUfunction *, CUmodule, const char *))                  \
  X(cuFuncSetAttribute, CUresult(CUfunction, int, int))                                   \
  X(cuLaunchKernel,                                                                           \
    CUresult(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,      \
                 unsigned, CUstream, void **, void **))                                       \
  X(cuStreamCreate, CUresult(CUstream *, unsigned))                                       \
  X(cuStreamDestroy_v2, CUresult(CUstream))                                               \
  X(cuStreamSynchronize, CUresult(CUstream))                                              \
  X(cuStreamWaitEvent, CUresult(CUstream, CUevent, unsigned))                             \
  X(cuEventCreate, CUresult(CUevent *, unsigned))                                         \
  X(cuEventDestroy_v2, CUresult(CUevent))                                                 \
  X(cuEventRecord, CUresult(CUevent, CUstream))                                           \
  X(cuEventSynchronize, CUresult(CUevent))                                                \
  X(cuEventElapsedTime, CUresult(float *, CUevent, CUevent))                              \
  X(cuMemAlloc_v2, CUresult(CUdeviceptr *, size_t))                                       \
  X(cuMemAllocManaged, CUresult(CUdeviceptr *, size_t, unsigned))                         \
  X(cuMemFree_v2, CUresult(CUdeviceptr))                                                  \
  X(cuMemcpy, CUresult(CUdeviceptr, CUdeviceptr, size_t))                                 \
  X(cuMemcpyAsync, CUresult(CUdeviceptr, CUdeviceptr, size_t, CUstream))                  \
  X(cuMemcpyHtoD_v2, CUresult(CUdeviceptr, const void *, size_t))                         \
  X(cuMemcpyDtoH_v2, CUresult(void *, CUdeviceptr, size_t))                               \
  X(cuMemsetD32_v2, CUresult(CUdeviceptr, unsigned, size_t))                              \
  X(cuMemsetD32Async, CUresult(CUdeviceptr, unsigned, size_t, CUstream))                  \
  X(cuMemsetD16_v2, CUresult(CUdeviceptr, unsigned short, size_t))                        \
  X(cuMemsetD16Async, CUresult(CUdeviceptr, unsigned short, size_t, CUstream))            \
  X(cuMemHostRegister_v2, CUresult(void *, size_t, unsigned))                             \
  X(cuMemHostUnregister, CUresult(void *))                                                \
  X(cuGetErrorString, CUresult(CUresult, const char **))

#define COSTOPT_DECLARE_DRIVER_FUNCTION(name, type) FunctionPointer<type> name = nullptr;
  COSTOPT_DRIVER_FUNCTIONS(COSTOPT_DECLARE_DRIVER_FUNCTION)
#undef COSTOPT_DECLARE_DRIVER_FUNCTION

  /// Empty when the driver is usable; else why not (one line).
  std::string unavailable;
  /// The device new contexts are made on (mgpuSetDefaultDevice), and its
  /// retained primary context.
  int defaultDevice = 0;
  CUdevice device = 0;
  CUcontext context = nullptr;
  std::mutex mutex;
};

/// The one driver of the process. Never destroyed: kernel libraries unload
/// their modules from global destructors, which may run after ours.
Driver &driver() {
  static Driver *instance = new Driver();
  return *instance;
}

std::string errorText(CUresult result) {
  const char *text = nullptr;
  if (driver().cuGetErrorString && driver().cuGetErrorString(result, &text) == CUDA_SUCCESS &&
      text)
    return text;
  return "CUDA error " + std::to_string(result);
}

/// Loads libcuda.so.1, looks up the entry points and calls cuInit, once.
/// Returns whether the driver is usable.
bool loadDriver() {
  static std::once_flag once;
  std::call_once(once, [] {
    Driver &d = driver();
    void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      const char *error = dlerror();
      d.unavailable = std::string("libcuda.so.1 cannot be loaded (no NVIDIA driver on this "
                                  "machine): ") +
                      (error ? error : "unknown dlopen error");
      return;
    }
#define COSTOPT_LOOK_UP_DRIVER_FUNCTION(name, type)                                           \
  d.name = reinterpret_cast<FunctionPointer<type>>(dlsym(library, #name));                                     \
  if (!d.name) {                                                                              \
    d.unavailable = "libcuda.so.1 has no " #name " (is the NVIDIA driver too old?)";          \
    return;                                                                                   \
  }
    COSTOPT_DRIVER_FUNCTIONS(COSTOPT_LOOK_UP_DRIVER_FUNCTION)
#undef COSTOPT_LOOK_UP_DRIVER_FUNCTION
    CUresult result = d.cuInit(0);
    if (result != CUDA_SUCCESS) {
      d.unavailable = "no CUDA device: cuInit returned " + std::to_string(result) + " (" +
                      errorText(result) + ")";
      return;
    }
    int count = 0;
    result = d.cuDeviceGetCount(&count);
    if (result != CUDA_SUCCESS) {
      d.unavailable = "no CUDA device: cuDeviceGetCount returned " + std::to_string(result) +
                      " (" + errorText(result) + ")";
      return;
    }
    if (count < 1)
      d.unavailable = "no CUDA device: the driver reports 0 devices";
  });
  return driver().unavailable.empty();
}

/// Contexts are current per thread: the one this thread has made current.
thread_local CUcontext currentOnThisThread = nullptr;

/// Makes the default device's primary context current on this thread
/// (loading the driver first); on failure, calls `fail` with the failed
/// call's name and reason. Returns the driver.
template <typename Fail> Driver &ensureContext(Fail fail) {
  if (!loadDriver())
    fail("loading the CUDA driver", driver().unavailable);
  Driver &d = driver();
  CUcontext context;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    if (!d.context) {
      CUresult result = d.cuDeviceGet(&d.device, d.defaultDevice);
      if (result != CUDA_SUCCESS)
        fail("cuDeviceGet", errorText(result));
      result = d.cuDevicePrimaryCtxRetain(&d.context, d.device);
      if (result != CUDA_SUCCESS)
        fail("cuDevicePrimaryCtxRetain", errorText(result));
    }
    context = d.context;
  }
  if (currentOnThisThread != context) {
    CUresult result = d.cuCtxSetCurrent(context);
    if (result != CUDA_SUCCESS)
      fail("cuCtxSetCurrent", errorText(result));
    currentOnThisThread = context;
  }
  return d;
}

//===----------------------------------------------------------------------===//
// Error handling of the two faces
//===----------------------------------------------------------------------===//

/// The compiled host code cannot handle errors: report and exit.
[[noreturn]] void exitWithError(const std::string &call, const std::string &reason) {
  std::fprintf(stderr, "costopt-cuda: error: %s failed: %s\n", call.c_str(), reason.c_str());
  std::fflush(stderr);
  std::exit(1);
}

[[noreturn]] void throwError(const std::string &call, const std::string &reason) {
  throw std::runtime_error(call + " failed: " + reason);
}

/// For the mgpu* functions.
Driver &contextOrExit() { return ensureContext(exitWithError); }
void checkOrExit(CUresult result, const char *call) {
  if (result != CUDA_SUCCESS)
    exitWithError(call, errorText(result));
}

/// For costopt::cuda.
Driver &contextOrThrow() { return ensureContext(throwError); }
void checkOrThrow(CUresult result, const char *call) {
  if (result != CUDA_SUCCESS)
    throwError(call, errorText(result));
}

CUdeviceptr devicePointer(const void *pointer) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(pointer));
}

} // namespace

//===----------------------------------------------------------------------===//
// The mgpu* functions
//===----------------------------------------------------------------------===//

void *mgpuModuleLoad(void *data, uint64_t /*sizeBytes*/) {
  Driver &d = contextOrExit();
  CUmodule module = nullptr;
  checkOrExit(d.cuModuleLoadData(&module, data), "cuModuleLoadData");
  return module;
}

void *mgpuModuleLoadJIT(void *ptxData, int optLevel) {
  Driver &d = contextOrExit();
  // The driver writes ptxas's errors into this buffer: without it a PTX
  // that does not compile reports only "a PTX JIT compilation failed".
  std::vector<char> log(8192, '\0');
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log.data(), reinterpret_cast<void *>(log.size()),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUmodule module = nullptr;
  CUresult result = d.cuModuleLoadDataEx(&module, ptxData, 3, options, values);
  if (result != CUDA_SUCCESS) {
    log.back() = '\0';
    if (log[0] != '\0')
      std::fprintf(stderr, "costopt-cuda: the PTX JIT compiler's log:\n%s\n", log.data());
    exitWithError("cuModuleLoadDataEx", errorText(result));
  }
  return module;
}

void mgpuModuleUnload(void *module) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuModuleUnload(static_cast<CUmodule>(module)), "cuModuleUnload");
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  Driver &d = contextOrExit();
  CUfunction function = nullptr;
  CUresult result = d.cuModuleGetFunction(&function, static_cast<CUmodule>(module), name);
  if (result != CUDA_SUCCESS)
    exitWithError(std::string("cuModuleGetFunction(") + (name ? name : "(null)") + ")",
                  errorText(result));
  return function;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t smem,
                      void *stream, void **params, void **extra, size_t /*paramsCount*/) {
  Driver &d = contextOrExit();
  auto kernel = static_cast<CUfunction>(function);
  // Above 48 KiB, dynamic shared memory must be allowed per function, up
  // to the device's opt-in limit.
  if (smem > kDefaultDynamicSharedBytes) {
    int limit = 0;
    checkOrExit(d.cuDeviceGetAttribute(&limit, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                                       d.device),
                "cuDeviceGetAttribute");
    if (smem > limit)
      exitWithError("mgpuLaunchKernel", "the kernel asks for " + std::to_string(smem) +
                                            " bytes of shared memory, the device has at most " +
                                            std::to_string(limit));
    checkOrExit(d.cuFuncSetAttribute(kernel, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                     smem),
                "cuFuncSetAttribute");
  }
  checkOrExit(d.cuLaunchKernel(kernel, static_cast<unsigned>(gridX), static_cast<unsigned>(gridY),
                               static_cast<unsigned>(gridZ), static_cast<unsigned>(blockX),
                               static_cast<unsigned>(blockY), static_cast<unsigned>(blockZ),
                               static_cast<unsigned>(smem), static_cast<CUstream>(stream), params,
                               extra),
              "cuLaunchKernel");
}

void *mgpuStreamCreate() {
  Driver &d = contextOrExit();
  CUstream stream = nullptr;
  checkOrExit(d.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  return stream;
}

void mgpuStreamDestroy(void *stream) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuStreamDestroy_v2(static_cast<CUstream>(stream)), "cuStreamDestroy");
}

void mgpuStreamSynchronize(void *stream) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuStreamSynchronize(static_cast<CUstream>(stream)), "cuStreamSynchronize");
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuStreamWaitEvent(static_cast<CUstream>(stream), static_cast<CUevent>(event), 0),
              "cuStreamWaitEvent");
}

void *mgpuEventCreate() {
  Driver &d = contextOrExit();
  CUevent event = nullptr;
  // The lowered code only orders streams with its events; untimed events
  // are cheaper.
  checkOrExit(d.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate");
  return event;
}

void mgpuEventDestroy(void *event) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuEventDestroy_v2(static_cast<CUevent>(event)), "cuEventDestroy");
}

void mgpuEventSynchronize(void *event) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuEventSynchronize(static_cast<CUevent>(event)), "cuEventSynchronize");
}

void mgpuEventRecord(void *event, void *stream) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuEventRecord(static_cast<CUevent>(event), static_cast<CUstream>(stream)),
              "cuEventRecord");
}

void *mgpuMemAlloc(uint64_t sizeBytes, void * /*stream*/, bool isHostShared) {
  // Upstream returns null for empty buffers (cuMemAlloc rejects size 0).
  if (sizeBytes == 0)
    return nullptr;
  Driver &d = contextOrExit();
  CUdeviceptr pointer = 0;
  if (isHostShared)
    checkOrExit(d.cuMemAllocManaged(&pointer, sizeBytes, CU_MEM_ATTACH_GLOBAL),
                "cuMemAllocManaged");
  else
    checkOrExit(d.cuMemAlloc_v2(&pointer, sizeBytes), "cuMemAlloc");
  return reinterpret_cast<void *>(static_cast<uintptr_t>(pointer));
}

void mgpuMemFree(void *ptr, void *stream) {
  if (!ptr)
    return;
  Driver &d = contextOrExit();
  // Freed when the work queued on `stream` has run (costopt-gpu-async-
  // launches makes it wait for the kernel launches, which no longer wait
  // for themselves); cuMemFree alone does not order with non-blocking
  // streams.
  if (stream)
    checkOrExit(d.cuStreamSynchronize(static_cast<CUstream>(stream)), "cuStreamSynchronize");
  checkOrExit(d.cuMemFree_v2(devicePointer(ptr)), "cuMemFree");
}

// The copies and sets are asynchronous on `stream`, as upstream's: the
// lowered code's streams are non-blocking, which a synchronous cuMemcpy
// (on the legacy stream) would not wait for.
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuMemcpyAsync(devicePointer(dst), devicePointer(src), sizeBytes,
                              static_cast<CUstream>(stream)),
              "cuMemcpyAsync");
}

void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuMemsetD32Async(devicePointer(dst), value, count, static_cast<CUstream>(stream)),
              "cuMemsetD32Async");
}

void mgpuMemset16(void *dst, unsigned short value, size_t count, void *stream) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuMemsetD16Async(devicePointer(dst), value, count, static_cast<CUstream>(stream)),
              "cuMemsetD16Async");
}

void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuMemHostRegister_v2(ptr, sizeBytes, /*flags=*/0), "cuMemHostRegister");
}

void mgpuMemHostUnregister(void *ptr) {
  Driver &d = contextOrExit();
  checkOrExit(d.cuMemHostUnregister(ptr), "cuMemHostUnregister");
}

void mgpuSetDefaultDevice(int32_t device) {
  // Takes effect for the context made by the next call, as upstream's: a
  // context already retained stays the current one.
  std::lock_guard<std::mutex> lock(driver().mutex);
  driver().defaultDevice = device;
}

//===----------------------------------------------------------------------===//
// costopt::cuda
//===----------------------------------------------------------------------===//

namespace costopt {
namespace cuda {

bool available(std::string &why) {
  if (loadDriver())
    return true;
  why = driver().unavailable;
  return false;
}

std::string deviceName() {
  Driver &d = contextOrThrow();
  char name[256] = {};
  checkOrThrow(d.cuDeviceGetName(name, sizeof(name) - 1, d.device), "cuDeviceGetName");
  return name;
}

int computeCapability() {
  Driver &d = contextOrThrow();
  int major = 0, minor = 0;
  checkOrThrow(d.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                                      d.device),
               "cuDeviceGetAttribute");
  checkOrThrow(d.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                                      d.device),
               "cuDeviceGetAttribute");
  return major * 10 + minor;
}

int driverVersion() {
  if (!loadDriver())
    throwError("loading the CUDA driver", driver().unavailable);
  int version = 0;
  checkOrThrow(driver().cuDriverGetVersion(&version), "cuDriverGetVersion");
  return version;
}

void *allocate(size_t bytes) {
  if (bytes == 0)
    return nullptr;
  Driver &d = contextOrThrow();
  CUdeviceptr pointer = 0;
  CUresult result = d.cuMemAlloc_v2(&pointer, bytes);
  if (result != CUDA_SUCCESS)
    throwError("cuMemAlloc of " + std::to_string(bytes) + " bytes", errorText(result));
  return reinterpret_cast<void *>(static_cast<uintptr_t>(pointer));
}

void free(void *devicePointerToFree) {
  if (!devicePointerToFree)
    return;
  Driver &d = contextOrThrow();
  checkOrThrow(d.cuMemFree_v2(devicePointer(devicePointerToFree)), "cuMemFree");
}

void copyToDevice(void *deviceDestination, const void *hostSource, size_t bytes) {
  if (bytes == 0)
    return;
  Driver &d = contextOrThrow();
  checkOrThrow(d.cuMemcpyHtoD_v2(devicePointer(deviceDestination), hostSource, bytes),
               "cuMemcpyHtoD");
}

void copyToHost(void *hostDestination, const void *deviceSource, size_t bytes) {
  if (bytes == 0)
    return;
  Driver &d = contextOrThrow();
  checkOrThrow(d.cuMemcpyDtoH_v2(hostDestination, devicePointer(deviceSource), bytes),
               "cuMemcpyDtoH");
}

void synchronize() {
  Driver &d = contextOrThrow();
  checkOrThrow(d.cuCtxSynchronize(), "cuCtxSynchronize");
}

Timer::Timer() {
  Driver &d = contextOrThrow();
  CUevent first = nullptr, second = nullptr;
  checkOrThrow(d.cuEventCreate(&first, CU_EVENT_DEFAULT), "cuEventCreate");
  CUresult result = d.cuEventCreate(&second, CU_EVENT_DEFAULT);
  if (result != CUDA_SUCCESS) {
    d.cuEventDestroy_v2(first);
    throwError("cuEventCreate", errorText(result));
  }
  startEvent = first;
  stopEvent = second;
}

Timer::~Timer() {
  // Destructors must not throw; a failure to destroy an event is harmless.
  Driver &d = driver();
  if (d.cuEventDestroy_v2) {
    d.cuEventDestroy_v2(static_cast<CUevent>(startEvent));
    d.cuEventDestroy_v2(static_cast<CUevent>(stopEvent));
  }
}

void Timer::start() {
  Driver &d = contextOrThrow();
  checkOrThrow(d.cuEventRecord(static_cast<CUevent>(startEvent), /*null stream*/ nullptr),
               "cuEventRecord");
}

double Timer::stop() {
  Driver &d = contextOrThrow();
  checkOrThrow(d.cuEventRecord(static_cast<CUevent>(stopEvent), nullptr), "cuEventRecord");
  checkOrThrow(d.cuEventSynchronize(static_cast<CUevent>(stopEvent)), "cuEventSynchronize");
  float milliseconds = 0;
  checkOrThrow(d.cuEventElapsedTime(&milliseconds, static_cast<CUevent>(startEvent),
                                    static_cast<CUevent>(stopEvent)),
               "cuEventElapsedTime");
  return static_cast<double>(milliseconds) * 1e-3;
}

} // namespace cuda
} // namespace costopt
