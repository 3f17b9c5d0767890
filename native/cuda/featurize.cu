// The gpu-featurize kernels on the GPU: one thread per row, one launch per feature,
// running the per-row code of src/featurize-ops.h (the text the CPU kernels run,
// compiled here with --fmad=false and no fast-math, so both give the same bits):
// element-wise ops, bucketize, dpu-hash buckets and crosses, categorify and
// target_encode lookups in a GPU hash table (the host's open-addressing table,
// copied over once per plan), seq_pad and quantize. A batch's buffers are copied
// to the device once and its outputs back once; scripts/gpu-check.sh checks the
// results against the CPU kernels.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../src/featurize-ops.h"
#include "featurize.h"

namespace {

using namespace recdata::fz;

constexpr int kThreads = 256;

bool Check(cudaError_t status, const char* what, char* err, size_t err_len) {
  if (status == cudaSuccess) return true;
  std::snprintf(err, err_len, "%s: %s (%s)", what, cudaGetErrorString(status), cudaGetErrorName(status));
  return false;
}

uint64_t BitmapBytes(uint64_t offset, uint64_t bits) { return bits == 0 ? 0 : (offset + bits + 7) / 8; }

uint64_t IndexWidth(int type) {
  switch (type) {
    case RECDATA_INDEX_INT8:
    case RECDATA_INDEX_UINT8: return 1;
    case RECDATA_INDEX_INT16:
    case RECDATA_INDEX_UINT16: return 2;
    case RECDATA_INDEX_INT32:
    case RECDATA_INDEX_UINT32: return 4;
    default: return 8;
  }
}

uint64_t HashValueBytes(const recdata_hash_values& v) {
  switch (v.kind) {
    case RECDATA_VALUES_NULL: return 0;
    case RECDATA_VALUES_BOOL: return BitmapBytes(v.bit_offset, v.length);
    case RECDATA_VALUES_VAR32:
    case RECDATA_VALUES_VAR64: return v.data_bytes;
    default: return v.length * v.width;
  }
}

uint64_t NumWidth(int type) {
  switch (type) {
    case RECDATA_FZ_I8:
    case RECDATA_FZ_U8: return 1;
    case RECDATA_FZ_I16:
    case RECDATA_FZ_U16:
    case RECDATA_FZ_F16: return 2;
    case RECDATA_FZ_I32:
    case RECDATA_FZ_U32:
    case RECDATA_FZ_F32: return 4;
    default: return 8;
  }
}

uint64_t OutWidth(const recdata_fz_feature& f) {
  switch (f.op) {
    case RECDATA_FZ_BUCKETIZE:
    case RECDATA_FZ_CATEGORIFY:
    case RECDATA_FZ_HASH_BUCKET: return 8;
    case RECDATA_FZ_SEQ_PAD: return f.int_out ? 8 : 4;
    case RECDATA_FZ_QUANTIZE: return f.to_int8 ? 1 : 2;
    default: return 4;
  }
}

// A device allocation that only grows.
struct Arena {
  char* base = nullptr;
  size_t capacity = 0;
  bool Reserve(size_t bytes, char* err, size_t err_len) {
    if (capacity >= bytes) return true;
    if (base) cudaFree(base);
    base = nullptr;
    capacity = 0;
    const size_t want = bytes + bytes / 2;
    if (!Check(cudaMalloc(&base, want), "cudaMalloc", err, err_len)) return false;
    capacity = want;
    return true;
  }
};

struct Region {
  uintptr_t host;
  size_t bytes;
  bool output;
};

struct Span {
  uintptr_t host;
  size_t bytes;
  size_t device;  // offset in the arena
  bool output;
};

template <int Op>
__global__ void FeatureKernel(recdata_fz_feature f, recdata_fz_work w, uint64_t row_start, int training, unsigned long long* first_bad) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= w.rows) return;
  bool bad = false;
  if constexpr (Op == RECDATA_FZ_BUCKETIZE) {
    RowBucketize(f, w, i);
  } else if constexpr (Op == RECDATA_FZ_CATEGORIFY) {
    if (!RowCategorify(f, w, i, &bad)) atomicMin(first_bad, static_cast<unsigned long long>(i));
  } else if constexpr (Op == RECDATA_FZ_HASH_BUCKET) {
    if (!RowHashBucket(f, w, i, &bad)) atomicMin(first_bad, static_cast<unsigned long long>(i));
  } else if constexpr (Op == RECDATA_FZ_TARGET) {
    if (!RowTarget(f, w, i, row_start, training, &bad)) atomicMin(first_bad, static_cast<unsigned long long>(i));
  } else if constexpr (Op == RECDATA_FZ_SEQ_PAD) {
    RowSeqPad(f, w, i);
  } else if constexpr (Op == RECDATA_FZ_QUANTIZE) {
    RowQuantize(f, w, i);
  } else {
    RowDense(f, w, i);
  }
}

}  // namespace

struct recdata_cuda_fz_plan {
  std::vector<recdata_fz_feature> device_features;  // host structs holding device pointers
  std::vector<void*> allocations;
  Arena arena;
};

namespace {

template <typename T>
bool Upload(recdata_cuda_fz_plan* plan, const T* host, size_t count, const T** device, char* err, size_t err_len) {
  *device = nullptr;
  if (host == nullptr || count == 0) return true;
  void* d = nullptr;
  if (!Check(cudaMalloc(&d, count * sizeof(T)), "cudaMalloc (plan)", err, err_len)) return false;
  plan->allocations.push_back(d);
  if (!Check(cudaMemcpy(d, host, count * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy (plan)", err, err_len)) return false;
  *device = static_cast<const T*>(d);
  return true;
}

}  // namespace

extern "C" recdata_cuda_fz_plan* recdata_cuda_fz_plan_create(const struct recdata_fz_feature* features, size_t count, char* err, size_t err_len) {
  auto* plan = new recdata_cuda_fz_plan();
  bool ok = true;
  for (size_t k = 0; k < count && ok; k++) {
    recdata_fz_feature d = features[k];
    const recdata_fz_feature& h = features[k];
    ok = ok && Upload(plan, h.boundaries, h.boundary_count, &d.boundaries, err, err_len);
    if (h.table.slots != nullptr) {
      ok = ok && Upload(plan, h.table.slots, h.table.mask + 1, &d.table.slots, err, err_len);
      ok = ok && Upload(plan, h.table.keys, h.table.key_bytes > 0 ? h.table.key_bytes : 8, &d.table.keys, err, err_len);
    }
    if (h.op == RECDATA_FZ_TARGET) {
      // Category count: the largest index any slot holds, + 1 (or the null category's).
      uint64_t categories = h.null_category >= 0 ? static_cast<uint64_t>(h.null_category) + 1 : 0;
      if (h.table.slots != nullptr) {
        for (uint64_t s = 0; s <= h.table.mask; s++) categories = std::max<uint64_t>(categories, static_cast<uint64_t>(h.table.slots[s].value + 1));
      }
      ok = ok && Upload(plan, h.prior_without, h.folds, &d.prior_without, err, err_len);
      ok = ok && Upload(plan, h.total_counts, categories, &d.total_counts, err, err_len);
      ok = ok && Upload(plan, h.total_sums, categories, &d.total_sums, err, err_len);
      ok = ok && Upload(plan, h.counts, categories * h.folds, &d.counts, err, err_len);
      ok = ok && Upload(plan, h.sums, categories * h.folds, &d.sums, err, err_len);
    }
    plan->device_features.push_back(d);
  }
  if (!ok) {
    recdata_cuda_fz_plan_destroy(plan);
    return nullptr;
  }
  return plan;
}

extern "C" void recdata_cuda_fz_plan_destroy(recdata_cuda_fz_plan* plan) {
  if (!plan) return;
  for (void* p : plan->allocations) cudaFree(p);
  if (plan->arena.base) cudaFree(plan->arena.base);
  delete plan;
}

extern "C" int recdata_cuda_fz_run(recdata_cuda_fz_plan* plan, const struct recdata_fz_batch* batch, char* err, size_t err_len) {
  const size_t n = batch->feature_count;
  if (n != plan->device_features.size()) {
    std::snprintf(err, err_len, "a batch of %zu features for a plan of %zu", n, plan->device_features.size());
    return -1;
  }
  // Every buffer the batch reads or writes, by host address.
  std::vector<Region> regions;
  auto add = [&](const void* p, uint64_t bytes, bool output) {
    if (p != nullptr && bytes > 0) regions.push_back({reinterpret_cast<uintptr_t>(p), static_cast<size_t>(bytes), output});
  };
  size_t step_total = 0;
  for (size_t k = 0; k < n; k++) {
    const recdata_fz_feature& f = batch->features[k];
    const recdata_fz_work& w = batch->work[k];
    if (f.op == RECDATA_FZ_SKIP || w.rows == 0) continue;
    add(w.num.data, w.num.length * NumWidth(w.num.type), false);
    add(w.num.validity, BitmapBytes(w.num.validity_offset, w.num.length), false);
    for (size_t s = 0; s < w.step_count; s++) {
      const recdata_hash_step& st = w.steps[s];
      const recdata_hash_values& v = st.values;
      add(v.data, HashValueBytes(v), false);
      if (v.kind == RECDATA_VALUES_VAR32 || v.kind == RECDATA_VALUES_VAR64) add(v.offsets, (v.length + 1) * (v.kind == RECDATA_VALUES_VAR32 ? 4 : 8), false);
      add(v.validity, BitmapBytes(v.validity_offset, v.length), false);
      if (st.index_type != RECDATA_INDEX_NONE) {
        add(st.indices, w.rows * IndexWidth(st.index_type), false);
        add(st.index_validity, BitmapBytes(st.index_validity_offset, w.rows), false);
      }
    }
    step_total += w.step_count;
    add(w.list_offsets, (w.rows + 1) * 4, false);
    add(w.list_validity, BitmapBytes(w.list_validity_offset, w.rows), false);
    add(w.items, w.rows * f.dim * 4, false);
    add(w.row_validity, BitmapBytes(w.row_validity_offset, w.rows), false);
    add(w.item_validity, BitmapBytes(w.item_validity_offset, w.rows * f.dim), false);
    add(w.out, w.out_items * OutWidth(f), true);
    add(w.out_validity, ((w.rows + 31) / 32) * 4, true);  // whole words: the kernels clear bits with atomicAnd
    add(w.out_scale, w.rows * 4, true);
    add(w.out_errors, w.rows * 24, true);
  }
  // Merged into spans: each byte crosses once, in as few copies as the layout allows.
  // Inputs merge across small gaps (only read); outputs only with outputs, across the
  // padding of their one allocation, so that copying back writes no byte of anything else.
  std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.host < b.host; });
  std::vector<Span> spans;
  for (const bool output : {false, true}) {
    const size_t gap = output ? 64 : 4096;
    const size_t first = spans.size();
    for (const Region& r : regions) {
      if (r.output != output) continue;
      if (spans.size() > first && r.host <= spans.back().host + spans.back().bytes + gap) {
        Span& sp = spans.back();
        sp.bytes = std::max(sp.bytes, static_cast<size_t>(r.host + r.bytes - sp.host));
      } else {
        spans.push_back({r.host, r.bytes, 0, output});
      }
    }
  }
  // Device layout: the work structs and steps, the spans (each at its host address's
  // alignment mod 256, so typed reads and word atomics stay aligned), the corrupt flag.
  size_t used = 0;
  auto place = [&](size_t bytes, uintptr_t align_like) {
    size_t at = ((used + 255) & ~static_cast<size_t>(255)) + (align_like & 255);
    used = at + bytes;
    return at;
  };
  const size_t works_at = place(sizeof(recdata_fz_work) * n, 0);
  const size_t steps_at = place(sizeof(recdata_hash_step) * (step_total + 1), 0);
  for (Span& s : spans) s.device = place(s.bytes, s.host);
  const size_t flag_at = place(sizeof(unsigned long long), 0);
  if (!plan->arena.Reserve(used, err, err_len)) return -1;
  char* base = plan->arena.base;
  auto device = [&](const void* p) -> void* {
    if (p == nullptr) return nullptr;
    const uintptr_t h = reinterpret_cast<uintptr_t>(p);
    for (const Span& s : spans) {
      if (h >= s.host && h < s.host + s.bytes) return base + s.device + (h - s.host);
    }
    return nullptr;
  };
  // The structs the kernels read, with device pointers.
  std::vector<recdata_fz_work> works(batch->work, batch->work + n);
  std::vector<recdata_hash_step> steps(step_total + 1);
  size_t next_step = 0;
  for (size_t k = 0; k < n; k++) {
    recdata_fz_work& w = works[k];
    w.num.data = static_cast<const uint8_t*>(device(w.num.data));
    w.num.validity = static_cast<const uint8_t*>(device(w.num.validity));
    for (size_t s = 0; s < w.step_count; s++) {
      recdata_hash_step st = w.steps[s];
      st.values.data = static_cast<const uint8_t*>(device(st.values.data));
      st.values.offsets = device(st.values.offsets);
      st.values.validity = static_cast<const uint8_t*>(device(st.values.validity));
      st.indices = device(st.indices);
      st.index_validity = static_cast<const uint8_t*>(device(st.index_validity));
      steps[next_step + s] = st;
    }
    w.steps = reinterpret_cast<const recdata_hash_step*>(base + steps_at) + next_step;
    next_step += w.step_count;
    w.list_offsets = static_cast<const int32_t*>(device(w.list_offsets));
    w.list_validity = static_cast<const uint8_t*>(device(w.list_validity));
    w.items = static_cast<const float*>(device(w.items));
    w.row_validity = static_cast<const uint8_t*>(device(w.row_validity));
    w.item_validity = static_cast<const uint8_t*>(device(w.item_validity));
    w.out = device(w.out);
    w.out_validity = static_cast<uint8_t*>(device(w.out_validity));
    w.out_scale = static_cast<float*>(device(w.out_scale));
    w.out_errors = static_cast<double*>(device(w.out_errors));
  }
  // In: the structs, then each span once.
  if (!Check(cudaMemcpy(base + works_at, works.data(), sizeof(recdata_fz_work) * n, cudaMemcpyHostToDevice), "cudaMemcpy (work)", err, err_len)) return -1;
  if (!Check(cudaMemcpy(base + steps_at, steps.data(), sizeof(recdata_hash_step) * steps.size(), cudaMemcpyHostToDevice), "cudaMemcpy (steps)", err, err_len)) return -1;
  for (const Span& s : spans) {
    if (!Check(cudaMemcpy(base + s.device, reinterpret_cast<const void*>(s.host), s.bytes, cudaMemcpyHostToDevice), "cudaMemcpy (batch in)", err, err_len)) return -1;
  }
  const unsigned long long no_bad = ~0ULL;
  auto* first_bad = reinterpret_cast<unsigned long long*>(base + flag_at);
  if (!Check(cudaMemcpy(first_bad, &no_bad, sizeof no_bad, cudaMemcpyHostToDevice), "cudaMemcpy (flag)", err, err_len)) return -1;

  for (size_t k = 0; k < n; k++) {
    const recdata_fz_feature& f = plan->device_features[k];
    const recdata_fz_work& w = works[k];
    if (f.op == RECDATA_FZ_SKIP || w.rows == 0) continue;
    const unsigned blocks = static_cast<unsigned>((w.rows + kThreads - 1) / kThreads);
    const uint64_t rs = batch->row_start;
    const int tr = batch->training;
    switch (f.op) {
      case RECDATA_FZ_BUCKETIZE: FeatureKernel<RECDATA_FZ_BUCKETIZE><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
      case RECDATA_FZ_CATEGORIFY: FeatureKernel<RECDATA_FZ_CATEGORIFY><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
      case RECDATA_FZ_HASH_BUCKET: FeatureKernel<RECDATA_FZ_HASH_BUCKET><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
      case RECDATA_FZ_TARGET: FeatureKernel<RECDATA_FZ_TARGET><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
      case RECDATA_FZ_SEQ_PAD: FeatureKernel<RECDATA_FZ_SEQ_PAD><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
      case RECDATA_FZ_QUANTIZE: FeatureKernel<RECDATA_FZ_QUANTIZE><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
      default: FeatureKernel<RECDATA_FZ_NORMALIZE><<<blocks, kThreads>>>(f, w, rs, tr, first_bad); break;
    }
    if (!Check(cudaGetLastError(), "kernel launch", err, err_len)) return -1;
  }
  unsigned long long bad = 0;
  if (!Check(cudaMemcpy(&bad, first_bad, sizeof bad, cudaMemcpyDeviceToHost), "cudaMemcpy (flag back)", err, err_len)) return -1;
  if (bad != ~0ULL) {
    std::snprintf(err, err_len, "row %llu: string offsets or dictionary index out of range", bad);
    return RECDATA_CUDA_FZ_CORRUPT;
  }
  // Out: the spans that hold outputs, once.
  for (const Span& s : spans) {
    if (!s.output) continue;
    if (!Check(cudaMemcpy(reinterpret_cast<void*>(s.host), base + s.device, s.bytes, cudaMemcpyDeviceToHost), "cudaMemcpy (batch out)", err, err_len)) return -1;
  }
  return 0;
}
