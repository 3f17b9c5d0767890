// Turns the JavaScript description of a hash job (packages/hash/src/job.ts) into
// the C job of hash-job.h, checking every buffer's size against what the job will
// read, so that no job can read or write outside the arrays it was given.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "hash-job.h"

namespace recdata {
namespace hash {

struct ParsedJob {
  recdata_hash_job job{};
  std::vector<recdata_hash_step> steps;
};

// Throws a JS TypeError/RangeError naming the offending field.
void ParseJob(Napi::Env env, Napi::Object object, ParsedJob* out);

// One step of a job (packages/hash/src/job.ts, HashStep) that covers `rows` rows:
// for other kernel families that hash or look up values (gpu-featurize).
void ParseStep(Napi::Env env, Napi::Object step, uint64_t rows, const std::string& field, recdata_hash_step* out);

// The JS error for a kernel failure: message prefixed so TypeScript can tell it apart.
Napi::Error KernelError(Napi::Env env, const std::string& message);

}  // namespace hash
}  // namespace recdata
