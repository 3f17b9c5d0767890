// The CPU hash kernels: run one job (hash-job.h) on the calling thread.
#pragma once

#include <cstdint>
#include <string>

#include "hash-job.h"

namespace recdata {
namespace hash {

// Runs the job; returns the number of null rows in the output, or -1 with *error
// set when the input is corrupt (var offsets or dictionary indices out of range).
int64_t RunJob(const recdata_hash_job& job, std::string* error);

}  // namespace hash
}  // namespace recdata
