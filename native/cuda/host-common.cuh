// Host-side helpers shared by the CUDA kernel families (hash.cu, featurize.cu):
// the text of a CUDA error, and how many bytes of a hash step's buffers
// (src/hash-values.h) a kernel reads, so each buffer is copied to the device whole.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>

#include "../src/hash-values.h"

namespace recdata {
namespace cuda {

// False with "what: message (name)" in err when status is an error.
inline bool Check(cudaError_t status, const char* what, char* err, size_t err_len) {
  if (status == cudaSuccess) return true;
  std::snprintf(err, err_len, "%s: %s (%s)", what, cudaGetErrorString(status), cudaGetErrorName(status));
  return false;
}

inline uint64_t BitmapBytes(uint64_t offset, uint64_t bits) { return bits == 0 ? 0 : (offset + bits + 7) / 8; }

inline uint64_t IndexWidth(int type) {
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

inline uint64_t ValueBytes(const recdata_hash_values& v) {
  switch (v.kind) {
    case RECDATA_VALUES_NULL: return 0;
    case RECDATA_VALUES_BOOL: return BitmapBytes(v.bit_offset, v.length);
    case RECDATA_VALUES_VAR32:
    case RECDATA_VALUES_VAR64: return v.data_bytes;
    default: return v.length * v.width;
  }
}

}  // namespace cuda
}  // namespace recdata
