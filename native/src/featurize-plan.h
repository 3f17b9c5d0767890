// The host side of a gpu-featurize plan: the features of recdata_fz_feature with
// the memory they point into (boundaries, lookup tables, target_encode's
// statistics), parsed from JavaScript (packages/featurize/src/backend-native.ts)
// with every buffer checked against what the kernels will read.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "featurize-job.h"

namespace recdata {
namespace fz {

// A lookup table from values' bytes to indices (recdata_fz_table), owning its arrays.
struct HostTable {
  std::vector<recdata_fz_slot> slots;
  std::vector<uint8_t> keys;
  recdata_fz_table View() const;
};

struct HostFeature {
  recdata_fz_feature f{};
  std::vector<double> boundaries;
  HostTable table;
  std::vector<double> prior_without, total_counts, total_sums, counts, sums;
};

struct Plan {
  std::vector<std::unique_ptr<HostFeature>> owned;
  std::vector<recdata_fz_feature> features;  // views into `owned`
};

// Parses the features (an array of objects); throws a JS TypeError naming the field.
void ParsePlan(Napi::Env env, Napi::Array features, Plan* out);

// One batch as parsed: the work of each feature, and the hash steps it points into.
struct ParsedBatch {
  recdata_fz_batch batch{};
  std::vector<recdata_fz_work> work;
  std::vector<std::vector<recdata_hash_step>> steps;
};

void ParseBatch(Napi::Env env, Napi::Object batch, const Plan& plan, ParsedBatch* out);

}  // namespace fz
}  // namespace recdata
