/* A hash job: the unit every backend runs (CPU kernels in hash-kernel.cc, the
   offload queue in hash-queue.cc, CUDA in cuda/hash.cu). Plain C, so that nvcc
   and g++ both read it and so that a device driver could take it as it is; the
   contract is written in docs/offload.md and docs/hash-spec.md.

   A job hashes `rows` rows through `step_count` steps (one step for a column, k
   for a cross of k columns): step 0 is seeded with `seed`, step k with the hash
   step k-1 produced for the same row. A row that is null in any step is null in
   the output (or `null_hash` when `has_null_hash`). All pointers are borrowed: the
   caller keeps them valid and unchanged until the job completes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How a value's bytes are found. */
enum recdata_value_kind {
  RECDATA_VALUES_FIXED = 0,   /* `width` bytes at data + j * width (ints, dates, timestamps, decimals, fixed-size binary) */
  RECDATA_VALUES_FLOAT16 = 1, /* 2 bytes; -0.0 -> +0.0, every NaN -> 0x7E00 */
  RECDATA_VALUES_FLOAT32 = 2, /* 4 bytes; -0.0 -> +0.0, every NaN -> 0x7FC00000 */
  RECDATA_VALUES_FLOAT64 = 3, /* 8 bytes; -0.0 -> +0.0, every NaN -> 0x7FF8000000000000 */
  RECDATA_VALUES_BOOL = 4,    /* bit (bit_offset + j) of data, hashed as one byte 0 or 1 */
  RECDATA_VALUES_VAR32 = 5,   /* data[offsets[j], offsets[j+1]) with int32 offsets (utf8, binary) */
  RECDATA_VALUES_VAR64 = 6,   /* the same with int64 offsets (large_utf8, large_binary) */
  RECDATA_VALUES_NULL = 7     /* the null type: every value is null */
};

/* The integer type of dictionary indices. */
enum recdata_index_type {
  RECDATA_INDEX_NONE = 0,
  RECDATA_INDEX_INT8 = 1,
  RECDATA_INDEX_UINT8 = 2,
  RECDATA_INDEX_INT16 = 3,
  RECDATA_INDEX_UINT16 = 4,
  RECDATA_INDEX_INT32 = 5,
  RECDATA_INDEX_UINT32 = 6,
  RECDATA_INDEX_INT64 = 7,
  RECDATA_INDEX_UINT64 = 8
};

enum recdata_output_kind {
  RECDATA_OUTPUT_U64 = 0,    /* uint64 hashes (xxh64, xxh3, siphash) */
  RECDATA_OUTPUT_U32 = 1,    /* uint32 hashes (murmur3) */
  RECDATA_OUTPUT_BUCKET = 2  /* int64 buckets: the hash as unsigned 64-bit, mod `buckets` */
};

struct recdata_hash_values {
  int kind;                  /* enum recdata_value_kind */
  uint32_t width;            /* bytes per value for FIXED and FLOAT kinds */
  uint64_t length;           /* number of values */
  const uint8_t* data;       /* value bytes, starting at value 0 (BOOL: the bitmap) */
  uint64_t data_bytes;       /* readable bytes at data */
  uint64_t bit_offset;       /* BOOL: bit index of value 0 */
  const void* offsets;       /* VAR32/VAR64: length + 1 offsets into data */
  const uint8_t* validity;   /* one bit per value, LSB first; NULL when every value is valid */
  uint64_t validity_offset;  /* bit index of value 0 in validity */
};

struct recdata_hash_step {
  struct recdata_hash_values values;
  int index_type;                  /* enum recdata_index_type; NONE: row i is value i */
  const void* indices;             /* one dictionary index per row */
  const uint8_t* index_validity;   /* one bit per row; NULL when every row is valid */
  uint64_t index_validity_offset;
};

struct recdata_hash_job {
  int algorithm;   /* 0 xxh64, 1 xxh3, 2 murmur3, 3 siphash */
  uint64_t seed;   /* murmur3 uses the low 32 bits */
  uint64_t k0, k1; /* siphash key halves (little-endian bytes 0-7 and 8-15 of the key) */
  uint64_t rows;
  const struct recdata_hash_step* steps;
  size_t step_count;
  int output_kind;       /* enum recdata_output_kind */
  void* output;          /* rows values of the output kind's width */
  uint64_t buckets;      /* BUCKET: the modulus, > 0 */
  uint8_t* validity;     /* ceil(rows / 8) bytes: written, 1 = valid; bits past `rows` are 0 */
  int has_null_hash;
  uint64_t null_hash;    /* the hash given to null rows when has_null_hash */
};

#ifdef __cplusplus
}
#endif
