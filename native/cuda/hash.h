/* The C interface between cuda/hash.cu (nvcc) and src/hash.cc (g++): a hash job
   (src/hash-job.h) run on the GPU, bit for bit the result the CPU kernels give. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../src/hash-job.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The input is corrupt (var offsets or a dictionary index out of range); err says where. */
#define RECDATA_CUDA_HASH_CORRUPT 2

/* Runs the job on the current CUDA device: copies its buffers over, hashes, copies
   the output and validity back. Returns 0 with *null_count set, RECDATA_CUDA_HASH_CORRUPT,
   or -1 for a CUDA failure; err (NUL-terminated) says why. */
int recdata_cuda_hash_job(const struct recdata_hash_job* job, int64_t* null_count, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif
