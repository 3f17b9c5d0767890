// The CPU kernels of gpu-featurize: one call runs every feature of a batch.
#pragma once

#include <string>

#include "featurize-job.h"

namespace recdata {
namespace fz {

// Fills every feature's output; false with *error set when an input is corrupt
// (string offsets or dictionary indices out of range).
bool RunBatch(const recdata_fz_batch& batch, std::string* error);

}  // namespace fz
}  // namespace recdata
