// The CPU kernels: for each feature, one tight loop over the batch's rows calling
// the per-row code of featurize-ops.h (the same text the CUDA kernels run).
#include "featurize-kernel.h"

#include <algorithm>

#include "featurize-ops.h"

namespace recdata {
namespace fz {
namespace {

// Touches the table slots rows [from, to) will probe, so that their cache misses
// overlap instead of following one another (the lookups themselves come after).
void PrefetchSlots(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t from, uint64_t to) {
  if (f.table.slots == nullptr) return;
  for (uint64_t i = from; i < to; i++) {
    uint8_t scratch[8];
    const uint8_t* p = nullptr;
    size_t len = 0;
    bool bad = false;
    if (!StepBytes(w.steps[0], i, scratch, &p, &len, &bad)) continue;
    __builtin_prefetch(&f.table.slots[HashWith(f.algorithm, p, len, f.seed) & f.table.mask]);
  }
}

constexpr uint64_t kPrefetchRows = 16;

std::string Corrupt(size_t feature, uint64_t row) {
  return "feature " + std::to_string(feature) + ", row " + std::to_string(row) + ": string offsets or dictionary index out of range";
}

}  // namespace

bool RunBatch(const recdata_fz_batch& batch, std::string* error) {
  for (size_t k = 0; k < batch.feature_count; k++) {
    const recdata_fz_feature& f = batch.features[k];
    const recdata_fz_work& w = batch.work[k];
    const uint64_t rows = w.rows;
    bool bad = false;
    switch (f.op) {
      case RECDATA_FZ_NORMALIZE:
      case RECDATA_FZ_MINMAX:
      case RECDATA_FZ_LOG1P:
      case RECDATA_FZ_CLIP:
      case RECDATA_FZ_FILL:
        for (uint64_t i = 0; i < rows; i++) RowDense(f, w, i);
        break;
      case RECDATA_FZ_BUCKETIZE:
        for (uint64_t i = 0; i < rows; i++) RowBucketize(f, w, i);
        break;
      case RECDATA_FZ_CATEGORIFY:
        for (uint64_t i = 0; i < rows; i++) {
          if (i % kPrefetchRows == 0) PrefetchSlots(f, w, i + kPrefetchRows, std::min(rows, i + 2 * kPrefetchRows));
          if (!RowCategorify(f, w, i, &bad)) {
            *error = Corrupt(k, i);
            return false;
          }
        }
        break;
      case RECDATA_FZ_HASH_BUCKET:
        for (uint64_t i = 0; i < rows; i++) {
          if (!RowHashBucket(f, w, i, &bad)) {
            *error = Corrupt(k, i);
            return false;
          }
        }
        break;
      case RECDATA_FZ_TARGET:
        for (uint64_t i = 0; i < rows; i++) {
          if (i % kPrefetchRows == 0) PrefetchSlots(f, w, i + kPrefetchRows, std::min(rows, i + 2 * kPrefetchRows));
          if (!RowTarget(f, w, i, batch.row_start, batch.training, &bad)) {
            *error = Corrupt(k, i);
            return false;
          }
        }
        break;
      case RECDATA_FZ_SEQ_PAD:
        for (uint64_t i = 0; i < rows; i++) RowSeqPad(f, w, i);
        break;
      case RECDATA_FZ_QUANTIZE:
        for (uint64_t i = 0; i < rows; i++) RowQuantize(f, w, i);
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace fz
}  // namespace recdata
