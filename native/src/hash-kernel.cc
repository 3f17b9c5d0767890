// The CPU hash kernels. A job is hashed step by step (column-major): each step is
// one tight loop specialised on the algorithm, the value kind and the value width,
// writing each row's hash into the output, where the next step of a cross reads
// it back as that row's seed. Nulls, --null-hash and buckets are applied at the end.
#include "hash-kernel.h"

#include <cstring>

#include "hash-values.h"

namespace recdata {
namespace hash {
namespace {

void ClearBit(uint8_t* bits, uint64_t i) { bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7))); }

std::string CorruptValue(const recdata_hash_job& job, size_t step, uint64_t row) {
  std::string where = job.step_count > 1 ? "column " + std::to_string(step + 1) + " of the cross, " : std::string();
  return where + "row " + std::to_string(row) + ": value offsets or dictionary index out of range";
}

template <int Algo, int Kind, int W, typename Out>
bool Step(const recdata_hash_job& job, size_t s, Out* out, uint8_t* alive, std::string* error) {
  const recdata_hash_step& step = job.steps[s];
  const recdata_hash_values& v = step.values;
  const uint64_t rows = job.rows;
  const bool first = s == 0;
  // The common case gets a loop with nothing in it but the hash.
  if (first && step.index_type == RECDATA_INDEX_NONE && v.validity == nullptr) {
    bool bad = false;
    for (uint64_t i = 0; i < rows; i++) {
      uint64_t h = 0;
      HashValue<Algo, Kind, W>(v, i, job.seed, job.k0, job.k1, &h, &bad);
      out[i] = static_cast<Out>(h);
    }
    if (!bad) return true;
    for (uint64_t i = 0; i < rows; i++) {
      uint64_t h = 0;
      if (!HashValue<Algo, Kind, W>(v, i, job.seed, job.k0, job.k1, &h, &bad)) {
        *error = CorruptValue(job, s, i);
        return false;
      }
    }
    return true;
  }
  for (uint64_t i = 0; i < rows; i++) {
    if (!first && !Bit(alive, i)) continue;
    uint64_t j = 0;
    bool bad = false;
    if (!ValueIndex(step, i, &j, &bad)) {
      if (bad) {
        *error = CorruptValue(job, s, i);
        return false;
      }
      ClearBit(alive, i);
      out[i] = 0;
      continue;
    }
    const uint64_t seed = first ? job.seed : static_cast<uint64_t>(out[i]);
    uint64_t h = 0;
    if (!HashValue<Algo, Kind, W>(v, j, seed, job.k0, job.k1, &h, &bad)) {
      *error = CorruptValue(job, s, i);
      return false;
    }
    out[i] = static_cast<Out>(h);
  }
  return true;
}

template <int Algo, typename Out>
bool StepAnyKind(const recdata_hash_job& job, size_t s, Out* out, uint8_t* alive, std::string* error) {
  const recdata_hash_values& v = job.steps[s].values;
  switch (v.kind) {
    case RECDATA_VALUES_FIXED:
      switch (v.width) {
        case 1: return Step<Algo, RECDATA_VALUES_FIXED, 1>(job, s, out, alive, error);
        case 2: return Step<Algo, RECDATA_VALUES_FIXED, 2>(job, s, out, alive, error);
        case 4: return Step<Algo, RECDATA_VALUES_FIXED, 4>(job, s, out, alive, error);
        case 8: return Step<Algo, RECDATA_VALUES_FIXED, 8>(job, s, out, alive, error);
        case 16: return Step<Algo, RECDATA_VALUES_FIXED, 16>(job, s, out, alive, error);
        default: return Step<Algo, RECDATA_VALUES_FIXED, 0>(job, s, out, alive, error);
      }
    case RECDATA_VALUES_FLOAT16: return Step<Algo, RECDATA_VALUES_FLOAT16, 2>(job, s, out, alive, error);
    case RECDATA_VALUES_FLOAT32: return Step<Algo, RECDATA_VALUES_FLOAT32, 4>(job, s, out, alive, error);
    case RECDATA_VALUES_FLOAT64: return Step<Algo, RECDATA_VALUES_FLOAT64, 8>(job, s, out, alive, error);
    case RECDATA_VALUES_BOOL: return Step<Algo, RECDATA_VALUES_BOOL, 1>(job, s, out, alive, error);
    case RECDATA_VALUES_VAR32: return Step<Algo, RECDATA_VALUES_VAR32, 0>(job, s, out, alive, error);
    case RECDATA_VALUES_VAR64: return Step<Algo, RECDATA_VALUES_VAR64, 0>(job, s, out, alive, error);
    default:
      // The null type: every row is null.
      for (uint64_t i = 0; i < job.rows; i++) {
        ClearBit(alive, i);
        out[i] = 0;
      }
      return true;
  }
}

template <typename Out>
bool RunSteps(const recdata_hash_job& job, Out* out, uint8_t* alive, std::string* error) {
  for (size_t s = 0; s < job.step_count; s++) {
    bool ok = false;
    switch (job.algorithm) {
      case kXxh64: ok = StepAnyKind<kXxh64>(job, s, out, alive, error); break;
      case kXxh3: ok = StepAnyKind<kXxh3>(job, s, out, alive, error); break;
      case kMurmur3: ok = StepAnyKind<kMurmur3>(job, s, out, alive, error); break;
      default: ok = StepAnyKind<kSipHash>(job, s, out, alive, error); break;
    }
    if (!ok) return false;
  }
  return true;
}

// Nulls become null_hash (when given), buckets are taken, stray bits cleared. A
// null slot holds 0 (0 mod M is still 0).
template <typename Out>
int64_t Finish(const recdata_hash_job& job, Out* out, uint8_t* alive) {
  const uint64_t rows = job.rows;
  const uint64_t bytes = (rows + 7) / 8;
  uint64_t valid = 0;
  for (uint64_t b = 0; b + 1 < bytes; b++) valid += static_cast<uint64_t>(__builtin_popcount(alive[b]));
  if (bytes > 0) {
    const unsigned tail = static_cast<unsigned>(rows - 8 * (bytes - 1));
    if (tail < 8) alive[bytes - 1] &= static_cast<uint8_t>((1u << tail) - 1);
    valid += static_cast<uint64_t>(__builtin_popcount(alive[bytes - 1]));
  }
  int64_t nulls = static_cast<int64_t>(rows - valid);
  if (nulls > 0 && job.has_null_hash) {
    for (uint64_t i = 0; i < rows; i++) {
      if (!Bit(alive, i)) out[i] = static_cast<Out>(job.null_hash);
    }
    std::memset(alive, 0xff, bytes);
    if (rows % 8) alive[bytes - 1] = static_cast<uint8_t>((1u << (rows % 8)) - 1);
    nulls = 0;
  }
  if (job.output_kind == RECDATA_OUTPUT_BUCKET) {
    const uint64_t m = job.buckets;
    if ((m & (m - 1)) == 0) {
      for (uint64_t i = 0; i < rows; i++) out[i] = static_cast<Out>(out[i] & (m - 1));
    } else {
      for (uint64_t i = 0; i < rows; i++) out[i] = static_cast<Out>(out[i] % m);
    }
  }
  return nulls;
}

}  // namespace

int64_t RunJob(const recdata_hash_job& job, std::string* error) {
  const uint64_t bytes = (job.rows + 7) / 8;
  std::memset(job.validity, 0xff, bytes);
  if (job.output_kind == RECDATA_OUTPUT_U32) {
    auto* out = static_cast<uint32_t*>(job.output);
    if (!RunSteps(job, out, job.validity, error)) return -1;
    return Finish(job, out, job.validity);
  }
  auto* out = static_cast<uint64_t*>(job.output);
  if (!RunSteps(job, out, job.validity, error)) return -1;
  return Finish(job, out, job.validity);
}

}  // namespace hash
}  // namespace recdata
