// The hash kernels on the GPU: one thread per row, one launch per step of a job
// (a cross's step k reads step k-1's hash back as its seed), then one launch that
// applies --null-hash and buckets and packs the validity bits with a warp ballot.
// The per-value code is src/hash-values.h and src/hash-algos.h, the same text the
// CPU kernels compile, so both give the same bits (scripts/gpu-check.sh checks it).
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "../src/hash-values.h"
#include "hash.h"
#include "host-common.cuh"

namespace {

using recdata::cuda::BitmapBytes;
using recdata::cuda::Check;
using recdata::cuda::IndexWidth;
using recdata::cuda::ValueBytes;

using namespace recdata::hash;

constexpr int kThreads = 256;

// One grow-only device allocation reused by every job (jobs run one at a time).
struct Arena {
  char* base = nullptr;
  size_t capacity = 0;
  size_t used = 0;
};

std::mutex g_mutex;
Arena g_arena;

size_t Align(size_t n) { return (n + 255) & ~static_cast<size_t>(255); }

struct Copy {
  const void* host;
  size_t bytes;
  size_t offset;  // in the arena
};

template <int Algo>
__global__ void StepKernel(const recdata_hash_step* steps, size_t s, uint64_t rows, uint64_t seed, uint64_t k0, uint64_t k1, void* output, int out32,
                           uint8_t* alive, unsigned long long* first_bad) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows) return;
  if (s > 0 && !alive[i]) return;
  const recdata_hash_step& step = steps[s];
  uint64_t j = 0;
  bool bad = false;
  uint64_t h = 0;
  bool ok = ValueIndex(step, i, &j, &bad);
  if (ok) {
    const uint64_t row_seed = s == 0 ? seed : (out32 ? static_cast<const uint32_t*>(output)[i] : static_cast<const uint64_t*>(output)[i]);
    ok = HashValueAny<Algo>(step.values, j, row_seed, k0, k1, &h, &bad);
  }
  if (bad) atomicMin(first_bad, static_cast<unsigned long long>(i));
  if (!ok) {
    alive[i] = 0;
    h = 0;
  }
  if (out32) static_cast<uint32_t*>(output)[i] = static_cast<uint32_t>(h);
  else static_cast<uint64_t*>(output)[i] = h;
}

__global__ void FinishKernel(uint64_t rows, void* output, int out32, const uint8_t* alive, int has_null_hash, uint64_t null_hash, int bucket, uint64_t m,
                             uint32_t* validity_words) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  bool valid = false;
  if (i < rows) {
    valid = alive[i] != 0;
    uint64_t h = out32 ? static_cast<uint32_t*>(output)[i] : static_cast<uint64_t*>(output)[i];
    if (!valid) {
      h = has_null_hash ? null_hash : 0;
      valid = has_null_hash != 0;
    }
    if (out32) h = static_cast<uint32_t>(h);
    if (bucket) h = Bucket(h, m);
    if (out32) static_cast<uint32_t*>(output)[i] = static_cast<uint32_t>(h);
    else static_cast<uint64_t*>(output)[i] = h;
  }
  // Every lane of the warp takes part, also those past the last row (as invalid).
  const unsigned word = __ballot_sync(0xffffffffu, valid);
  if ((threadIdx.x & 31) == 0 && i < rows) validity_words[i / 32] = word;
}

template <int Algo>
void LaunchStep(unsigned blocks, const recdata_hash_step* steps, size_t s, const recdata_hash_job& job, void* output, int out32, uint8_t* alive,
                unsigned long long* first_bad) {
  StepKernel<Algo><<<blocks, kThreads>>>(steps, s, job.rows, job.seed, job.k0, job.k1, output, out32, alive, first_bad);
}

}  // namespace

extern "C" int recdata_cuda_hash_job(const struct recdata_hash_job* job, int64_t* null_count, char* err, size_t err_len) {
  std::lock_guard<std::mutex> lock(g_mutex);
  const uint64_t rows = job->rows;
  *null_count = 0;
  if (rows == 0) return 0;
  const int out32 = job->output_kind == RECDATA_OUTPUT_U32 ? 1 : 0;
  const size_t out_bytes = rows * (out32 ? 4 : 8);
  const size_t word_bytes = ((rows + 31) / 32) * 4;

  // Lay out every buffer in the arena: steps, their arrays, output, alive, bits, flag.
  std::vector<Copy> copies;
  size_t used = 0;
  auto place = [&](size_t bytes) {
    size_t at = used;
    used += Align(bytes == 0 ? 1 : bytes);
    return at;
  };
  std::vector<recdata_hash_step> device_steps(job->steps, job->steps + job->step_count);
  const size_t steps_at = place(sizeof(recdata_hash_step) * job->step_count);
  std::vector<std::pair<const void**, size_t>> fixups;  // pointer field -> arena offset
  auto stage = [&](const void* host, size_t bytes, const void** field) {
    if (host == nullptr) return;
    size_t at = place(bytes);
    copies.push_back({host, bytes, at});
    fixups.push_back({field, at});
  };
  for (size_t s = 0; s < job->step_count; s++) {
    recdata_hash_step& d = device_steps[s];
    const recdata_hash_values& v = job->steps[s].values;
    stage(v.data, ValueBytes(v), reinterpret_cast<const void**>(&d.values.data));
    if (v.kind == RECDATA_VALUES_VAR32 || v.kind == RECDATA_VALUES_VAR64) {
      stage(v.offsets, (v.length + 1) * (v.kind == RECDATA_VALUES_VAR32 ? 4 : 8), &d.values.offsets);
    }
    stage(v.validity, BitmapBytes(v.validity_offset, v.length), reinterpret_cast<const void**>(&d.values.validity));
    if (job->steps[s].index_type != RECDATA_INDEX_NONE) {
      stage(job->steps[s].indices, rows * IndexWidth(job->steps[s].index_type), &d.indices);
      stage(job->steps[s].index_validity, BitmapBytes(job->steps[s].index_validity_offset, rows),
            reinterpret_cast<const void**>(&d.index_validity));
    }
  }
  const size_t out_at = place(out_bytes);
  const size_t alive_at = place(rows);
  const size_t words_at = place(word_bytes);
  const size_t bad_at = place(sizeof(unsigned long long));

  if (g_arena.capacity < used) {
    if (g_arena.base) cudaFree(g_arena.base);
    g_arena.base = nullptr;
    g_arena.capacity = 0;
    size_t want = used + used / 2;
    if (!Check(cudaMalloc(&g_arena.base, want), "cudaMalloc", err, err_len)) return -1;
    g_arena.capacity = want;
  }
  char* base = g_arena.base;
  for (auto& f : fixups) *f.first = base + f.second;
  for (const Copy& c : copies) {
    if (c.bytes > 0 && !Check(cudaMemcpy(base + c.offset, c.host, c.bytes, cudaMemcpyHostToDevice), "cudaMemcpy to device", err, err_len)) return -1;
  }
  if (!Check(cudaMemcpy(base + steps_at, device_steps.data(), sizeof(recdata_hash_step) * job->step_count, cudaMemcpyHostToDevice), "cudaMemcpy steps", err,
             err_len)) {
    return -1;
  }
  const unsigned long long no_bad = ~0ULL;
  if (!Check(cudaMemcpy(base + bad_at, &no_bad, sizeof no_bad, cudaMemcpyHostToDevice), "cudaMemcpy flag", err, err_len)) return -1;
  if (!Check(cudaMemset(base + alive_at, 1, rows), "cudaMemset", err, err_len)) return -1;

  const unsigned blocks = static_cast<unsigned>((rows + kThreads - 1) / kThreads);
  auto* steps = reinterpret_cast<const recdata_hash_step*>(base + steps_at);
  void* output = base + out_at;
  auto* alive = reinterpret_cast<uint8_t*>(base + alive_at);
  auto* first_bad = reinterpret_cast<unsigned long long*>(base + bad_at);
  for (size_t s = 0; s < job->step_count; s++) {
    switch (job->algorithm) {
      case kXxh64: LaunchStep<kXxh64>(blocks, steps, s, *job, output, out32, alive, first_bad); break;
      case kXxh3: LaunchStep<kXxh3>(blocks, steps, s, *job, output, out32, alive, first_bad); break;
      case kMurmur3: LaunchStep<kMurmur3>(blocks, steps, s, *job, output, out32, alive, first_bad); break;
      default: LaunchStep<kSipHash>(blocks, steps, s, *job, output, out32, alive, first_bad); break;
    }
    if (!Check(cudaGetLastError(), "step kernel launch", err, err_len)) return -1;
  }
  FinishKernel<<<blocks, kThreads>>>(rows, output, out32, alive, job->has_null_hash, job->null_hash, job->output_kind == RECDATA_OUTPUT_BUCKET ? 1 : 0,
                                     job->buckets, reinterpret_cast<uint32_t*>(base + words_at));
  if (!Check(cudaGetLastError(), "finish kernel launch", err, err_len)) return -1;
  unsigned long long bad = 0;
  if (!Check(cudaMemcpy(&bad, base + bad_at, sizeof bad, cudaMemcpyDeviceToHost), "cudaMemcpy flag back", err, err_len)) return -1;
  if (bad != ~0ULL) {
    std::snprintf(err, err_len, "row %llu: value offsets or dictionary index out of range", bad);
    return RECDATA_CUDA_HASH_CORRUPT;
  }
  if (!Check(cudaMemcpy(job->output, output, out_bytes, cudaMemcpyDeviceToHost), "cudaMemcpy output back", err, err_len)) return -1;
  if (!Check(cudaMemcpy(job->validity, base + words_at, (rows + 7) / 8, cudaMemcpyDeviceToHost), "cudaMemcpy validity back", err, err_len)) return -1;
  uint64_t valid = 0;
  for (uint64_t b = 0; b < (rows + 7) / 8; b++) valid += static_cast<uint64_t>(__builtin_popcount(job->validity[b]));
  *null_count = static_cast<int64_t>(rows - valid);
  return 0;
}
