// Device discovery through the CUDA runtime (linked statically, so the addon needs
// only the driver, libcuda.so.1, on the machine that runs it).
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstring>

#include "device.h"

namespace {

void Describe(cudaError_t status, char* err, size_t err_len) {
  // Without a driver the runtime says "CUDA driver version is insufficient", which
  // sends people looking for a driver upgrade; say what is actually missing.
  if (status == cudaErrorInsufficientDriver) {
    void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (driver == nullptr) {
      std::snprintf(err, err_len, "no NVIDIA driver: libcuda.so.1 not found (%s)", cudaGetErrorName(status));
      return;
    }
    dlclose(driver);
  }
  std::snprintf(err, err_len, "%s: %s", cudaGetErrorName(status), cudaGetErrorString(status));
}

}  // namespace

extern "C" int recdata_cuda_device_count(char* err, size_t err_len) {
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    Describe(status, err, err_len);
    return -1;
  }
  return count;
}

extern "C" int recdata_cuda_device_info(int index, recdata_cuda_device* out, char* err, size_t err_len) {
  cudaDeviceProp prop;
  cudaError_t status = cudaGetDeviceProperties(&prop, index);
  if (status != cudaSuccess) {
    Describe(status, err, err_len);
    return -1;
  }
  std::snprintf(out->name, sizeof out->name, "%s", prop.name);
  out->memory_bytes = prop.totalGlobalMem;
  out->major = prop.major;
  out->minor = prop.minor;
  return 0;
}
