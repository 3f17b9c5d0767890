// cpuFeatures(): what the running CPU offers, so kernels (and `recdata doctor`)
// can pick wider instructions at run time. The build never uses -march=native,
// so this is asked of the CPU each run, not fixed at compile time.
#include "registry.h"

namespace {

Napi::Value CpuFeatures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
#if defined(__x86_64__) || defined(__i386__)
  // Required when called before constructors run; cheap and idempotent otherwise.
  __builtin_cpu_init();
  uint32_t n = 0;
  // __builtin_cpu_supports takes only string literals, hence the macro. It also
  // checks that the OS saves the AVX/AVX-512 registers, not only that the CPU has them.
#define RECDATA_CPU_FEATURE(name) \
  if (__builtin_cpu_supports(name)) out.Set(n++, name)
  RECDATA_CPU_FEATURE("sse2");
  RECDATA_CPU_FEATURE("sse3");
  RECDATA_CPU_FEATURE("ssse3");
  RECDATA_CPU_FEATURE("sse4.1");
  RECDATA_CPU_FEATURE("sse4.2");
  RECDATA_CPU_FEATURE("popcnt");
  RECDATA_CPU_FEATURE("aes");
  RECDATA_CPU_FEATURE("pclmul");
  RECDATA_CPU_FEATURE("avx");
  RECDATA_CPU_FEATURE("avx2");
  RECDATA_CPU_FEATURE("fma");
  RECDATA_CPU_FEATURE("bmi");
  RECDATA_CPU_FEATURE("bmi2");
  RECDATA_CPU_FEATURE("avx512f");
  RECDATA_CPU_FEATURE("avx512dq");
  RECDATA_CPU_FEATURE("avx512cd");
  RECDATA_CPU_FEATURE("avx512bw");
  RECDATA_CPU_FEATURE("avx512vl");
#undef RECDATA_CPU_FEATURE
#endif
  return out;
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeatures, "cpuFeatures"));
}

}  // namespace

RECDATA_REGISTER_FAMILY(cpu, Init);
