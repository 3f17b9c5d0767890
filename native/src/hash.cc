// The hash kernel family (docs/hash-spec.md):
//   hashJob(job): runs a job on this thread, returns the output's null count;
//   HashQueue: the offload backend's thread pool (hash-queue.h);
//   hashJobCuda(job): the same job on the GPU (builds with CUDA only).
// A job is described in packages/hash/src/job.ts and hash-job.h.
#include <string>

#include "hash-kernel.h"
#include "hash-napi.h"
#include "hash-queue.h"
#include "registry.h"

#ifdef RECDATA_WITH_CUDA
#include "../cuda/hash.h"
#endif

namespace {

using recdata::hash::ParsedJob;

Napi::Value HashJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "hashJob(job)");
  ParsedJob parsed;
  recdata::hash::ParseJob(env, info[0].As<Napi::Object>(), &parsed);
  std::string error;
  int64_t nulls = recdata::hash::RunJob(parsed.job, &error);
  if (nulls < 0) throw recdata::hash::KernelError(env, error);
  return Napi::Number::New(env, static_cast<double>(nulls));
}

#ifdef RECDATA_WITH_CUDA
Napi::Value HashJobCuda(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "hashJobCuda(job)");
  ParsedJob parsed;
  recdata::hash::ParseJob(env, info[0].As<Napi::Object>(), &parsed);
  char err[512] = "";
  int64_t nulls = 0;
  int status = recdata_cuda_hash_job(&parsed.job, &nulls, err, sizeof err);
  if (status == RECDATA_CUDA_HASH_CORRUPT) throw recdata::hash::KernelError(env, err);
  if (status != 0) {
    Napi::Error e = Napi::Error::New(env, std::string("CUDA: ") + err);
    e.Set("code", "RECDATA_CUDA");
    throw e;
  }
  return Napi::Number::New(env, static_cast<double>(nulls));
}
#endif

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("hashJob", Napi::Function::New(env, HashJob, "hashJob"));
  exports.Set("HashQueue", recdata::hash::DefineHashQueue(env));
#ifdef RECDATA_WITH_CUDA
  exports.Set("hashJobCuda", Napi::Function::New(env, HashJobCuda, "hashJobCuda"));
#endif
}

}  // namespace

RECDATA_REGISTER_FAMILY(hash, Init);
