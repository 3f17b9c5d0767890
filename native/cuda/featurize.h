/* The C interface between cuda/featurize.cu (nvcc) and src/featurize.cc (g++): a
   gpu-featurize plan (src/featurize-job.h) kept on the GPU, and batches run on it
   bit for bit as the CPU kernels run them (docs/featurize-ops.md). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../src/featurize-job.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An input is corrupt (string offsets or a dictionary index out of range); err says where. */
#define RECDATA_CUDA_FZ_CORRUPT 2

typedef struct recdata_cuda_fz_plan recdata_cuda_fz_plan;

/* Copies the features' boundaries, lookup tables and statistics to the current
   device. NULL on failure, with err (NUL-terminated) saying why. */
recdata_cuda_fz_plan* recdata_cuda_fz_plan_create(const struct recdata_fz_feature* features, size_t count, char* err, size_t err_len);

void recdata_cuda_fz_plan_destroy(recdata_cuda_fz_plan* plan);

/* Runs every feature of a batch: the batch's buffers go to the device once (the
   regions merged into as few copies as their placement allows: typically the
   input message's body and the output block) and the outputs come back once.
   0, RECDATA_CUDA_FZ_CORRUPT, or -1 for a CUDA failure. One batch at a time per plan. */
int recdata_cuda_fz_run(recdata_cuda_fz_plan* plan, const struct recdata_fz_batch* batch, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif
