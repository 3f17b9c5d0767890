/* gpu-featurize's kernels' contract (docs/featurize-ops.md): a plan (the fitted
   features, fixed for a whole transform) and, per batch, each feature's input
   columns and output slot. Plain C, so that g++ and nvcc both read it; the CPU
   kernels are in featurize-kernel.cc, the CUDA ones in cuda/featurize.cu, and the
   TypeScript twin (the reference) in packages/featurize/src/kernels.

   Row r's item j of a feature goes to out[out_offset + r * out_stride + j], so one
   kernel fills a column of its own or its slice of a shared tensor. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hash-job.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ops the kernels run (difference_lag runs in TypeScript, in stream order). */
enum recdata_fz_op {
  RECDATA_FZ_NORMALIZE = 0, /* a = mean, b = std */
  RECDATA_FZ_MINMAX = 1,    /* a = min, b = max */
  RECDATA_FZ_LOG1P = 2,
  RECDATA_FZ_CLIP = 3,      /* a = low (-inf: none), b = high (+inf: none) */
  RECDATA_FZ_BUCKETIZE = 4, /* boundaries (quantile_bucketize too) */
  RECDATA_FZ_FILL = 5,      /* a = the fill */
  RECDATA_FZ_CATEGORIFY = 6,
  RECDATA_FZ_HASH_BUCKET = 7, /* hash_bucket and hashed_cross */
  RECDATA_FZ_TARGET = 8,
  RECDATA_FZ_SEQ_PAD = 9,
  RECDATA_FZ_QUANTIZE = 10,
  RECDATA_FZ_SKIP = 11 /* computed elsewhere */
};

/* Numeric storage types, read as float64 (or int64 for seq_pad's integer items). */
enum recdata_fz_num {
  RECDATA_FZ_I8 = 0,
  RECDATA_FZ_U8 = 1,
  RECDATA_FZ_I16 = 2,
  RECDATA_FZ_U16 = 3,
  RECDATA_FZ_I32 = 4,
  RECDATA_FZ_U32 = 5,
  RECDATA_FZ_I64 = 6,
  RECDATA_FZ_U64 = 7,
  RECDATA_FZ_F16 = 8,
  RECDATA_FZ_F32 = 9,
  RECDATA_FZ_F64 = 10
};

/* A numeric column: value i at data + i * width, validity bit (validity_offset + i). */
struct recdata_fz_numeric {
  int type; /* enum recdata_fz_num */
  const uint8_t* data;
  uint64_t length;
  const uint8_t* validity; /* NULL when no value is null */
  uint64_t validity_offset;
};

/* An open-addressing table from a value's bytes to an index (categorify: the
   vocabulary rank; target_encode: the category), linear probing. One slot is one
   32-byte record, so a lookup costs one cache line (and keys of up to 8 bytes,
   held in the slot, no second one). */
struct recdata_fz_slot {
  uint64_t hash;
  int64_t value;       /* the index; -1 when the slot is empty */
  uint64_t head;       /* the key's first 8 bytes, zero-padded */
  uint32_t length;     /* the key's length */
  uint32_t offset;     /* where the key is in `keys` (keys longer than 8 bytes) */
};

struct recdata_fz_table {
  uint64_t mask; /* slots - 1, slots a power of two */
  const struct recdata_fz_slot* slots;
  const uint8_t* keys;
  uint64_t key_bytes;
};

/* One feature of the plan. */
struct recdata_fz_feature {
  int op; /* enum recdata_fz_op */
  double a, b;
  const double* boundaries;
  uint64_t boundary_count;
  /* Hashing (dpu-hash's spec): algorithm 0 xxh64, 1 xxh3, 2 murmur3. */
  int algorithm;
  uint64_t seed;
  uint64_t buckets; /* hash_bucket: M; categorify: the OOV buckets */
  int has_null_hash;
  uint64_t null_hash;
  /* categorify: code of the vocabulary's rank 0 (2 + OOV buckets). */
  int64_t code_base;
  struct recdata_fz_table table; /* categorify, target_encode (hashed with algorithm and seed) */
  /* target_encode */
  uint32_t folds;
  uint64_t fold_seed;
  double smoothing;
  double prior;
  const double* prior_without; /* folds */
  int64_t null_category;       /* the null category's index, or -1 */
  const double* total_counts;  /* categories */
  const double* total_sums;
  const double* counts; /* categories x folds */
  const double* sums;
  /* seq_pad */
  uint32_t length;
  int keep_last;
  int pad_start;
  double pad;
  int int_out; /* int64 items (else float32) */
  /* quantize */
  int to_int8;
  uint32_t dim;
};

/* One feature's part of a batch. */
struct recdata_fz_work {
  uint64_t rows; /* rows written (categorify of lists: the lists' items) */
  struct recdata_fz_numeric num; /* numeric ops; seq_pad: the lists' items */
  const struct recdata_hash_step* steps; /* categorify, target_encode: 1; hash ops: 1 or more (a cross) */
  size_t step_count;
  /* seq_pad: rows + 1 offsets into num, and the lists' validity */
  const int32_t* list_offsets;
  const uint8_t* list_validity;
  uint64_t list_validity_offset;
  /* quantize: rows x dim float32 items from item 0, and the validity of rows and of items */
  const float* items;
  const uint8_t* row_validity;
  uint64_t row_validity_offset;
  const uint8_t* item_validity;
  uint64_t item_validity_offset;
  /* outputs */
  void* out; /* float32, int64, float16 bits (uint16) or int8 by op */
  uint64_t out_offset;
  uint64_t out_stride;
  uint64_t out_items; /* elements the output array holds (bounds check) */
  uint8_t* out_validity; /* NULL: no validity; else ceil(rows / 8) bytes set to 1 beforehand, null rows cleared */
  float* out_scale;      /* quantize to int8 */
  double* out_errors;    /* quantize: 3 per row (error sum, max, count) */
};

struct recdata_fz_batch {
  uint64_t rows;
  uint64_t row_start; /* the batch's first row in the stream (target_encode's folds) */
  int training;       /* target_encode: out-of-fold statistics */
  const struct recdata_fz_feature* features;
  struct recdata_fz_work* work;
  size_t feature_count;
};

#ifdef __cplusplus
}
#endif
