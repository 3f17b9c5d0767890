// cudaCompiled and cudaDevices(): whether this build has CUDA kernels, and which
// devices can run them (or why none can). Backend selection and `recdata doctor`
// rely on these; the CUDA calls themselves live in cuda/device.cu.
#include <string>

#include "registry.h"

#ifdef RECDATA_WITH_CUDA
#include "../cuda/device.h"
#endif

namespace {

Napi::Value CudaDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  Napi::Array devices = Napi::Array::New(env);
  result.Set("devices", devices);
#ifdef RECDATA_WITH_CUDA
  char err[512] = "";
  int count = recdata_cuda_device_count(err, sizeof err);
  if (count < 0) {
    result.Set("error", err);
    return result;
  }
  if (count == 0) {
    result.Set("error", "no CUDA device found");
    return result;
  }
  for (int i = 0; i < count; i++) {
    recdata_cuda_device d;
    if (recdata_cuda_device_info(i, &d, err, sizeof err) != 0) {
      result.Set("error", std::string("device ") + std::to_string(i) + ": " + err);
      continue;
    }
    Napi::Object device = Napi::Object::New(env);
    device.Set("index", i);
    device.Set("name", d.name);
    device.Set("memoryBytes", static_cast<double>(d.memory_bytes));
    device.Set("computeCapability", std::to_string(d.major) + "." + std::to_string(d.minor));
    devices.Set(devices.Length(), device);
  }
  if (!result.Has("error")) result.Set("error", env.Null());
#else
  result.Set("error", "built without CUDA");
#endif
  return result;
}

void Init(Napi::Env env, Napi::Object exports) {
#ifdef RECDATA_WITH_CUDA
  exports.Set("cudaCompiled", true);
#else
  exports.Set("cudaCompiled", false);
#endif
  exports.Set("cudaDevices", Napi::Function::New(env, CudaDevices, "cudaDevices"));
}

}  // namespace

RECDATA_REGISTER_FAMILY(device, Init);
