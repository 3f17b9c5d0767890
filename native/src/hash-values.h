// The bytes hashed for one value of a column (docs/hash-spec.md, "Bytes hashed per
// Arrow type"), shared by the CPU kernels and the CUDA kernels.
#pragma once

#include "hash-algos.h"
#include "hash-job.h"

namespace recdata {
namespace hash {

RECDATA_HD bool Bit(const uint8_t* bits, uint64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

// Dictionary index j of row i, as signed 64-bit (negative means out of range).
RECDATA_HD int64_t IndexAt(int type, const void* indices, uint64_t i) {
  switch (type) {
    case RECDATA_INDEX_INT8: return static_cast<const int8_t*>(indices)[i];
    case RECDATA_INDEX_UINT8: return static_cast<const uint8_t*>(indices)[i];
    case RECDATA_INDEX_INT16: return static_cast<const int16_t*>(indices)[i];
    case RECDATA_INDEX_UINT16: return static_cast<const uint16_t*>(indices)[i];
    case RECDATA_INDEX_INT32: return static_cast<const int32_t*>(indices)[i];
    case RECDATA_INDEX_UINT32: return static_cast<const uint32_t*>(indices)[i];
    case RECDATA_INDEX_INT64: return static_cast<const int64_t*>(indices)[i];
    case RECDATA_INDEX_UINT64: {
      uint64_t v = static_cast<const uint64_t*>(indices)[i];
      return v > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(v);
    }
    default: return static_cast<int64_t>(i);
  }
}

// Where value j of a step comes from: the row itself, or its dictionary entry.
// Returns false, with *bad set when the index is out of range, for a null row.
RECDATA_HD bool ValueIndex(const recdata_hash_step& step, uint64_t row, uint64_t* j, bool* bad) {
  uint64_t v = row;
  if (step.index_type != RECDATA_INDEX_NONE) {
    if (step.index_validity && !Bit(step.index_validity, step.index_validity_offset + row)) return false;
    int64_t k = IndexAt(step.index_type, step.indices, row);
    if (k < 0 || static_cast<uint64_t>(k) >= step.values.length) {
      *bad = true;
      return false;
    }
    v = static_cast<uint64_t>(k);
  }
  if (step.values.kind == RECDATA_VALUES_NULL) return false;
  if (step.values.validity && !Bit(step.values.validity, step.values.validity_offset + v)) return false;
  *j = v;
  return true;
}

// The canonical IEEE bits: -0.0 as +0.0, every NaN as the quiet NaN.
RECDATA_HD uint16_t CanonicalF16(uint16_t b) {
  if ((b & 0x7c00) == 0x7c00 && (b & 0x03ff) != 0) return 0x7e00;
  return b == 0x8000 ? 0 : b;
}
RECDATA_HD uint32_t CanonicalF32(uint32_t b) {
  if ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0) return 0x7fc00000u;
  return b == 0x80000000u ? 0 : b;
}
RECDATA_HD uint64_t CanonicalF64(uint64_t b) {
  if ((b & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL && (b & 0x000fffffffffffffULL) != 0) return 0x7ff8000000000000ULL;
  return b == 0x8000000000000000ULL ? 0 : b;
}

// The hash of value j. Kind and W (a fixed width, 0 = read it from the values) are
// template parameters so that the CPU loops specialise; the GPU kernels call the
// runtime dispatch below. Returns false, with *bad set, for corrupt var offsets.
template <int Algo, int Kind, int W>
RECDATA_HD bool HashValue(const recdata_hash_values& v, uint64_t j, uint64_t seed, uint64_t k0, uint64_t k1, uint64_t* out, bool* bad) {
  if constexpr (Kind == RECDATA_VALUES_FIXED) {
    const size_t width = W > 0 ? static_cast<size_t>(W) : v.width;
    *out = HashBytes<Algo>(v.data + j * width, width, seed, k0, k1);
  } else if constexpr (Kind == RECDATA_VALUES_FLOAT16) {
    uint16_t b;
    memcpy(&b, v.data + 2 * j, 2);
    b = CanonicalF16(b);
    *out = HashBytes<Algo>(reinterpret_cast<const uint8_t*>(&b), 2, seed, k0, k1);
  } else if constexpr (Kind == RECDATA_VALUES_FLOAT32) {
    uint32_t b = CanonicalF32(Read32(v.data + 4 * j));
    *out = HashBytes<Algo>(reinterpret_cast<const uint8_t*>(&b), 4, seed, k0, k1);
  } else if constexpr (Kind == RECDATA_VALUES_FLOAT64) {
    uint64_t b = CanonicalF64(Read64(v.data + 8 * j));
    *out = HashBytes<Algo>(reinterpret_cast<const uint8_t*>(&b), 8, seed, k0, k1);
  } else if constexpr (Kind == RECDATA_VALUES_BOOL) {
    uint8_t b = Bit(v.data, v.bit_offset + j) ? 1 : 0;
    *out = HashBytes<Algo>(&b, 1, seed, k0, k1);
  } else {
    uint64_t start, end;
    if constexpr (Kind == RECDATA_VALUES_VAR32) {
      int32_t s = static_cast<const int32_t*>(v.offsets)[j];
      int32_t e = static_cast<const int32_t*>(v.offsets)[j + 1];
      if (s < 0 || e < s) {
        *bad = true;
        return false;
      }
      start = static_cast<uint64_t>(s);
      end = static_cast<uint64_t>(e);
    } else {
      int64_t s = static_cast<const int64_t*>(v.offsets)[j];
      int64_t e = static_cast<const int64_t*>(v.offsets)[j + 1];
      if (s < 0 || e < s) {
        *bad = true;
        return false;
      }
      start = static_cast<uint64_t>(s);
      end = static_cast<uint64_t>(e);
    }
    if (end > v.data_bytes) {
      *bad = true;
      return false;
    }
    *out = HashBytes<Algo>(v.data + start, static_cast<size_t>(end - start), seed, k0, k1);
  }
  return true;
}

template <int Algo>
RECDATA_HD bool HashValueAny(const recdata_hash_values& v, uint64_t j, uint64_t seed, uint64_t k0, uint64_t k1, uint64_t* out, bool* bad) {
  switch (v.kind) {
    case RECDATA_VALUES_FIXED: return HashValue<Algo, RECDATA_VALUES_FIXED, 0>(v, j, seed, k0, k1, out, bad);
    case RECDATA_VALUES_FLOAT16: return HashValue<Algo, RECDATA_VALUES_FLOAT16, 2>(v, j, seed, k0, k1, out, bad);
    case RECDATA_VALUES_FLOAT32: return HashValue<Algo, RECDATA_VALUES_FLOAT32, 4>(v, j, seed, k0, k1, out, bad);
    case RECDATA_VALUES_FLOAT64: return HashValue<Algo, RECDATA_VALUES_FLOAT64, 8>(v, j, seed, k0, k1, out, bad);
    case RECDATA_VALUES_BOOL: return HashValue<Algo, RECDATA_VALUES_BOOL, 1>(v, j, seed, k0, k1, out, bad);
    case RECDATA_VALUES_VAR32: return HashValue<Algo, RECDATA_VALUES_VAR32, 0>(v, j, seed, k0, k1, out, bad);
    case RECDATA_VALUES_VAR64: return HashValue<Algo, RECDATA_VALUES_VAR64, 0>(v, j, seed, k0, k1, out, bad);
    default: return false;
  }
}

// hash mod M as unsigned 64-bit (a power of two is a mask).
RECDATA_HD uint64_t Bucket(uint64_t h, uint64_t m) { return (m & (m - 1)) == 0 ? (h & (m - 1)) : h % m; }

}  // namespace hash
}  // namespace recdata
