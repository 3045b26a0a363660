//===- kernel.cpp - A hand-written stand-in for an MLIR-compiled kernel ---===//
//
// Part of costopt: a static analytical cost model for neural architectures.
//
//===----------------------------------------------------------------------===//
//
// What MLIR's gpu-to-llvm output does, written by hand so that the GPU
// machine (no MLIR there) can check costopt-run-cuda and the mgpu*
// runtime end to end (scripts/cuda-device-check.sh): a global constructor
// JIT-loads a PTX module, and the packed entry point launches
//   y[i] = fma(x[i], 2, w[0][i]) + float(tokens[i])
// on a stream of its own, adds to the FLOP counters, and on the way uses
// the other mgpu* functions (allocation, managed memory, memset, memcpy,
// events) and checks what they did.
//
//   g++ -std=c++17 -O2 -fPIC -shared kernel.cpp -o kernel.so
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" {
void *mgpuModuleLoadJIT(void *ptxData, int optLevel);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t smem,
                      void *stream, void **params, void **extra, size_t paramsCount);
void *mgpuStreamCreate();
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamWaitEvent(void *stream, void *event);
void *mgpuEventCreate();
void mgpuEventDestroy(void *event);
void mgpuEventSynchronize(void *event);
void mgpuEventRecord(void *event, void *stream);
void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream);
void mgpuMemset16(void *dst, unsigned short value, size_t count, void *stream);
}

namespace {

const char kPtx[] = R"(
.version 7.0
.target sm_75
.address_size 64

.visible .entry scale_add(
  .param .u64 p_x,
  .param .u64 p_w,
  .param .u64 p_tokens,
  .param .u64 p_y,
  .param .u64 p_n
)
{
  .reg .pred %p<2>;
  .reg .b32 %r<5>;
  .reg .b64 %rd<16>;
  .reg .f32 %f<6>;

  ld.param.u64 %rd1, [p_x];
  ld.param.u64 %rd2, [p_w];
  ld.param.u64 %rd3, [p_tokens];
  ld.param.u64 %rd4, [p_y];
  ld.param.u64 %rd5, [p_n];
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r4, %r1, %r2, %r3;
  cvt.s64.s32 %rd6, %r4;
  setp.ge.s64 %p1, %rd6, %rd5;
  @%p1 bra DONE;
  cvta.to.global.u64 %rd7, %rd1;
  cvta.to.global.u64 %rd8, %rd2;
  cvta.to.global.u64 %rd9, %rd3;
  cvta.to.global.u64 %rd10, %rd4;
  shl.b64 %rd11, %rd6, 2;
  shl.b64 %rd12, %rd6, 3;
  add.s64 %rd13, %rd7, %rd11;
  ld.global.f32 %f1, [%rd13];
  add.s64 %rd13, %rd8, %rd11;
  ld.global.f32 %f2, [%rd13];
  add.s64 %rd13, %rd9, %rd12;
  ld.global.s64 %rd14, [%rd13];
  cvt.rn.f32.s64 %f3, %rd14;
  fma.rn.f32 %f4, %f1, 0f40000000, %f2;
  add.rn.f32 %f5, %f4, %f3;
  add.s64 %rd15, %rd10, %rd11;
  st.global.f32 [%rd15], %f5;
DONE:
  ret;
}
)";

void *module = nullptr;
void *function = nullptr;

__attribute__((constructor)) void loadModule() {
  module = mgpuModuleLoadJIT(const_cast<char *>(kPtx), /*optLevel=*/2);
  function = mgpuModuleGetFunction(module, "scale_add");
}

__attribute__((destructor)) void unloadModule() { mgpuModuleUnload(module); }

struct Memref1 {
  void *allocated, *aligned;
  int64_t offset, size, stride;
};
struct Memref2 {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
};

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "kernel.so: check failed: %s\n", what);
  std::exit(3);
}

/// The mgpu* memory functions: memset a device buffer, copy it into
/// managed memory on a second stream ordered by an event, read it here.
void checkMemoryFunctions(int64_t n, void *stream) {
  void *scratch = mgpuMemAlloc(uint64_t(n) * 4, stream, /*isHostShared=*/false);
  auto *shared = static_cast<uint32_t *>(mgpuMemAlloc(uint64_t(n) * 4, stream, true));
  mgpuMemset32(scratch, 0x3f800000u, size_t(n), stream);
  mgpuMemset16(scratch, 0x4000, 1, stream); // the upper half of element 0 stays 0x3f80
  void *ready = mgpuEventCreate();
  mgpuEventRecord(ready, stream);
  void *other = mgpuStreamCreate();
  mgpuStreamWaitEvent(other, ready);
  mgpuMemcpy(shared, scratch, size_t(n) * 4, other);
  mgpuStreamSynchronize(other);
  mgpuEventSynchronize(ready);
  if (shared[0] != 0x3f804000u)
    fail("mgpuMemset16 then mgpuMemcpy into managed memory");
  for (int64_t i = 1; i < n; ++i)
    if (shared[i] != 0x3f800000u)
      fail("mgpuMemset32 then mgpuMemcpy into managed memory");
  mgpuStreamDestroy(other);
  mgpuEventDestroy(ready);
  mgpuMemFree(shared, stream);
  mgpuMemFree(scratch, stream);
}

} // namespace

extern "C" void costopt_packed_device_check(void **args) {
  int64_t n = *static_cast<int64_t *>(args[0]);
  auto *counters = *static_cast<Memref1 **>(args[1]);
  auto *x = *static_cast<Memref1 **>(args[2]);
  auto *w = *static_cast<Memref2 **>(args[3]);
  auto *tokens = *static_cast<Memref1 **>(args[4]);
  auto *y = *static_cast<Memref1 **>(args[5]);
  if (counters->size != 2 || w->sizes[0] != 2 || w->sizes[1] != n || w->strides[0] != n ||
      w->strides[1] != 1 || x->size != n || y->size != n || tokens->size != n)
    fail("the memref descriptors");
  auto *counts = static_cast<int64_t *>(counters->aligned);
  counts[0] += 2 * n; // the fma
  counts[1] += n;     // the add
  if (n == 0)
    return;
  void *stream = mgpuStreamCreate();
  void *xPointer = x->aligned, *wPointer = w->aligned, *tokensPointer = tokens->aligned,
       *yPointer = y->aligned;
  void *params[] = {&xPointer, &wPointer, &tokensPointer, &yPointer, &n};
  mgpuLaunchKernel(function, (n + 255) / 256, 1, 1, 256, 1, 1, /*smem=*/0, stream, params,
                   /*extra=*/nullptr, 5);
  checkMemoryFunctions(n, stream);
  mgpuStreamSynchronize(stream);
  mgpuStreamDestroy(stream);
}
