// The CPU kernels: for each feature, one tight loop over the batch's rows calling
// the per-row code of featurize-ops.h (the same text the CUDA kernels run).
#include "featurize-kernel.h"

#include "featurize-ops.h"

namespace recdata {
namespace fz {
namespace {

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
