// A fake libcuda.so.1 on host memory: runs scripts/cuda-device-check.sh
// (COSTOPT_FAKE_LIBCUDA=1) on a machine without a GPU, to check the
// runner and the runtime's logic; the PTX is ignored and "scale_add" is
// this file's host function. Every other kernel (those costopt compiles)
// does nothing: the host code still allocates, launches and counts, so
// the counters and the plumbing are checked, not the values. Not a test of
// the GPU.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cstdio>
using R = int;
static double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
static void scaleAdd(void **p, unsigned threads) {
  float *x = *(float **)p[0], *w = *(float **)p[1]; int64_t *t = *(int64_t **)p[2]; float *y = *(float **)p[3]; int64_t n = *(int64_t *)p[4];
  for (int64_t i = 0; i < n && i < (int64_t)threads; ++i) y[i] = std::fma(x[i], 2.0f, w[i]) + (float)t[i];
}
extern "C" {
R cuInit(unsigned) { return 0; }
R cuDeviceGetCount(int *c) { *c = 1; return 0; }
R cuDeviceGet(int *d, int o) { *d = o; return 0; }
R cuDeviceGetName(char *n, int l, int) { snprintf(n, l, "Fake GPU"); return 0; }
R cuDeviceGetAttribute(int *v, int a, int) { *v = a == 75 ? 9 : 0; return 0; }
R cuDriverGetVersion(int *v) { *v = 13000; return 0; }
R cuDevicePrimaryCtxRetain(void **c, int) { *c = (void *)1; return 0; }
R cuCtxSetCurrent(void *) { return 0; }
R cuCtxSynchronize() { return 0; }
R cuModuleLoadData(void **m, const void *) { *m = (void *)2; return 0; }
R cuModuleLoadDataEx(void **m, const void *, unsigned, int *, void **) { *m = (void *)2; return 0; }
R cuModuleUnload(void *) { return 0; }
static void doNothing(void **, unsigned) {}
R cuModuleGetFunction(void **f, void *, const char *name) { *f = strcmp(name, "scale_add") ? (void *)&doNothing : (void *)&scaleAdd; return 0; }
R cuFuncSetAttribute(void *, int, int) { return 0; }
R cuLaunchKernel(void *f, unsigned gx, unsigned, unsigned, unsigned bx, unsigned, unsigned, unsigned, void *, void **p, void **) { ((void (*)(void **, unsigned))f)(p, gx * bx); return 0; }
R cuStreamCreate(void **s, unsigned) { *s = malloc(1); return 0; }
R cuStreamDestroy_v2(void *s) { free(s); return 0; }
R cuStreamSynchronize(void *) { return 0; }
R cuStreamWaitEvent(void *, void *, unsigned) { return 0; }
R cuEventCreate(void **e, unsigned) { *e = calloc(1, sizeof(double)); return 0; }
R cuEventDestroy_v2(void *e) { free(e); return 0; }
R cuEventRecord(void *e, void *) { *(double *)e = now(); return 0; }
R cuEventSynchronize(void *) { return 0; }
R cuEventElapsedTime(float *ms, void *a, void *b) { *ms = float((*(double *)b - *(double *)a) * 1e3); return 0; }
R cuMemAlloc_v2(unsigned long long *p, size_t n) { *p = (uintptr_t)malloc(n); return 0; }
R cuMemAllocManaged(unsigned long long *p, size_t n, unsigned) { *p = (uintptr_t)malloc(n); return 0; }
R cuMemFree_v2(unsigned long long p) { free((void *)p); return 0; }
R cuMemcpy(unsigned long long d, unsigned long long s, size_t n) { memcpy((void *)d, (void *)s, n); return 0; }
R cuMemcpyAsync(unsigned long long d, unsigned long long s, size_t n, void *) { memcpy((void *)d, (void *)s, n); return 0; }
R cuMemcpyHtoD_v2(unsigned long long d, const void *s, size_t n) { memcpy((void *)d, s, n); return 0; }
R cuMemcpyDtoH_v2(void *d, unsigned long long s, size_t n) { memcpy(d, (void *)s, n); return 0; }
R cuMemsetD32_v2(unsigned long long d, unsigned v, size_t n) { for (size_t i = 0; i < n; ++i) ((unsigned *)d)[i] = v; return 0; }
R cuMemsetD32Async(unsigned long long d, unsigned v, size_t n, void *) { return cuMemsetD32_v2(d, v, n); }
R cuMemsetD16_v2(unsigned long long d, unsigned short v, size_t n) { for (size_t i = 0; i < n; ++i) ((unsigned short *)d)[i] = v; return 0; }
R cuMemsetD16Async(unsigned long long d, unsigned short v, size_t n, void *) { return cuMemsetD16_v2(d, v, n); }
R cuMemHostRegister_v2(void *, size_t, unsigned) { return 0; }
R cuMemHostUnregister(void *) { return 0; }
R cuGetErrorString(R r, const char **s) { *s = r == 500 ? "named symbol not found" : "fake error"; return 0; }
}
