#include "featurize-plan.h"

#include <cmath>
#include <cstring>

#include "featurize-ops.h"
#include "hash-napi.h"

namespace recdata {
namespace fz {
namespace {

struct Typed {
  napi_typedarray_type type;
  size_t length;  // elements
  uint8_t* data;
  size_t bytes;
};

[[noreturn]] void Fail(Napi::Env env, const std::string& field, const std::string& what) {
  throw Napi::TypeError::New(env, "featurize: " + field + ": " + what);
}

bool Absent(Napi::Value v) { return v.IsUndefined() || v.IsNull(); }

Typed GetTyped(Napi::Env env, Napi::Value value, const std::string& field) {
  if (!value.IsTypedArray()) Fail(env, field, "expected a typed array");
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  Typed t;
  t.type = array.TypedArrayType();
  t.length = array.ElementLength();
  t.bytes = array.ByteLength();
  t.data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  return t;
}

Typed GetTypedOf(Napi::Env env, Napi::Object o, const char* key, napi_typedarray_type type, const char* expected, const std::string& field) {
  Typed t = GetTyped(env, o.Get(key), field + "." + key);
  if (t.type != type) Fail(env, field + "." + key, std::string("expected a ") + expected);
  return t;
}

double GetDouble(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) Fail(env, field + "." + key, "expected a number");
  return v.As<Napi::Number>().DoubleValue();
}

uint64_t GetCount(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  double d = GetDouble(env, o, key, field);
  if (!(d >= 0 && d <= 9007199254740992.0) || std::floor(d) != d) Fail(env, field + "." + key, "expected a non-negative integer");
  return static_cast<uint64_t>(d);
}

int64_t GetInt(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  double d = GetDouble(env, o, key, field);
  if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || std::floor(d) != d) Fail(env, field + "." + key, "expected an integer");
  return static_cast<int64_t>(d);
}

uint64_t GetBig(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (!v.IsBigInt()) Fail(env, field + "." + key, "expected a bigint");
  bool lossless = false;
  uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) Fail(env, field + "." + key, "expected a bigint from 0 to 2^64-1");
  return x;
}

bool GetBool(Napi::Object o, const char* key) { return o.Get(key).ToBoolean().Value(); }

std::vector<double> GetDoubles(Napi::Env env, Napi::Object o, const char* key, size_t length, const std::string& field) {
  Typed t = GetTypedOf(env, o, key, napi_float64_array, "Float64Array", field);
  if (t.length < length) Fail(env, field + "." + key, "too short");
  std::vector<double> out(t.length);
  if (t.length > 0) std::memcpy(out.data(), t.data, t.bytes);
  return out;
}

// Bits [offset, offset + bits) must lie in the bitmap.
const uint8_t* GetBitmap(Napi::Env env, Napi::Object o, const char* key, uint64_t offset, uint64_t bits, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (Absent(v)) return nullptr;
  Typed t = GetTyped(env, v, field + "." + key);
  if (t.type != napi_uint8_array) Fail(env, field + "." + key, "expected a Uint8Array");
  if (bits > 0 && (offset + bits + 7) / 8 > t.bytes) Fail(env, field + "." + key, "shorter than its bits");
  return t.data;
}

uint64_t NextPow2(uint64_t n) {
  uint64_t p = 8;
  while (p < n) p <<= 1;
  return p;
}

// The table of a vocabulary: value j of `step` (one per row, none null) -> index[j] (or j).
void BuildTable(Napi::Env env, const recdata_hash_step& step, uint64_t n, const int32_t* index, int algorithm, uint64_t seed, HostTable* t, const std::string& field) {
  const uint64_t slots = NextPow2(2 * n + 1);
  recdata_fz_slot empty{};
  empty.value = -1;
  t->slots.assign(slots, empty);
  t->keys.clear();
  for (uint64_t j = 0; j < n; j++) {
    uint8_t scratch[8];
    const uint8_t* p = nullptr;
    size_t len = 0;
    bool bad = false;
    if (!StepBytes(step, j, scratch, &p, &len, &bad)) Fail(env, field, bad ? "corrupt values" : "a vocabulary value is null");
    if (t->keys.size() + len > 0xffffffffULL) Fail(env, field, "the keys exceed 4 GiB");
    const uint64_t h = HashWith(algorithm, p, len, seed);
    recdata_fz_table view = t->View();
    if (TableFind(view, h, p, len) >= 0) Fail(env, field, "a value is there twice");
    uint64_t i = h & (slots - 1);
    while (t->slots[i].value >= 0) i = (i + 1) & (slots - 1);
    recdata_fz_slot& s = t->slots[i];
    s.hash = h;
    s.value = index ? index[j] : static_cast<int64_t>(j);
    s.head = KeyHead(p, len);
    s.length = static_cast<uint32_t>(len);
    s.offset = static_cast<uint32_t>(t->keys.size());
    if (len > 8) t->keys.insert(t->keys.end(), p, p + len);
  }
}

void ParseVocabulary(Napi::Env env, Napi::Object o, HostFeature* hf, const std::string& field) {
  Napi::Value v = o.Get("vocabulary");
  if (Absent(v)) return;
  if (!v.IsObject()) Fail(env, field + ".vocabulary", "expected an object");
  Napi::Object vo = v.As<Napi::Object>();
  const uint64_t n = GetCount(env, vo, "rows", field + ".vocabulary");
  Napi::Value sv = vo.Get("step");
  if (!sv.IsObject()) Fail(env, field + ".vocabulary.step", "expected a hash step");
  recdata_hash_step step;
  recdata::hash::ParseStep(env, sv.As<Napi::Object>(), n, field + ".vocabulary.step", &step);
  const int32_t* index = nullptr;
  if (!Absent(vo.Get("index"))) {
    Typed t = GetTypedOf(env, vo, "index", napi_int32_array, "Int32Array", field + ".vocabulary");
    if (t.length < n) Fail(env, field + ".vocabulary.index", "fewer indices than values");
    index = reinterpret_cast<const int32_t*>(t.data);
  }
  BuildTable(env, step, n, index, hf->f.algorithm, hf->f.seed, &hf->table, field + ".vocabulary");
  hf->f.table = hf->table.View();
}

int NumType(Napi::Env env, Napi::Object o, const std::string& field) {
  int64_t t = GetInt(env, o, "type", field);
  if (t < RECDATA_FZ_I8 || t > RECDATA_FZ_F64) Fail(env, field + ".type", "unknown numeric type");
  return static_cast<int>(t);
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

void ParseNumeric(Napi::Env env, Napi::Object o, uint64_t need, recdata_fz_numeric* n, const std::string& field) {
  Napi::Value v = o.Get("num");
  if (!v.IsObject()) Fail(env, field + ".num", "expected a numeric column");
  Napi::Object no = v.As<Napi::Object>();
  n->type = NumType(env, no, field + ".num");
  n->length = GetCount(env, no, "length", field + ".num");
  if (n->length < need) Fail(env, field + ".num.length", "fewer values than the kernel reads");
  Typed data = GetTypedOf(env, no, "data", napi_uint8_array, "Uint8Array", field + ".num");
  if (data.bytes < n->length * NumWidth(n->type)) Fail(env, field + ".num.data", "shorter than length * width");
  n->data = data.data;
  n->validity_offset = GetCount(env, no, "validityOffset", field + ".num");
  n->validity = GetBitmap(env, no, "validity", n->validity_offset, n->length, field + ".num");
}

}  // namespace

recdata_fz_table HostTable::View() const {
  recdata_fz_table t{};
  if (slots.empty()) return t;
  t.mask = slots.size() - 1;
  t.slots = slots.data();
  // Never null: the device copy needs an address even when every key fits its slot.
  static const uint8_t kNoKeys[8] = {0};
  t.keys = keys.empty() ? kNoKeys : keys.data();
  t.key_bytes = keys.size();
  return t;
}

void ParsePlan(Napi::Env env, Napi::Array features, Plan* out) {
  for (uint32_t k = 0; k < features.Length(); k++) {
    const std::string field = "features[" + std::to_string(k) + "]";
    Napi::Value fv = features.Get(k);
    if (!fv.IsObject()) Fail(env, field, "expected an object");
    Napi::Object o = fv.As<Napi::Object>();
    auto hf = std::make_unique<HostFeature>();
    recdata_fz_feature& f = hf->f;
    const int64_t op = GetInt(env, o, "op", field);
    if (op < RECDATA_FZ_NORMALIZE || op > RECDATA_FZ_SKIP) Fail(env, field + ".op", "unknown op");
    f.op = static_cast<int>(op);
    f.null_category = -1;
    switch (f.op) {
      case RECDATA_FZ_NORMALIZE:
      case RECDATA_FZ_MINMAX:
      case RECDATA_FZ_CLIP:
      case RECDATA_FZ_FILL:
        f.a = GetDouble(env, o, "a", field);
        f.b = GetDouble(env, o, "b", field);
        break;
      case RECDATA_FZ_BUCKETIZE:
        hf->boundaries = GetDoubles(env, o, "boundaries", 0, field);
        for (size_t i = 1; i < hf->boundaries.size(); i++) {
          if (!(hf->boundaries[i] > hf->boundaries[i - 1])) Fail(env, field + ".boundaries", "must increase strictly");
        }
        f.boundaries = hf->boundaries.data();
        f.boundary_count = hf->boundaries.size();
        break;
      case RECDATA_FZ_CATEGORIFY:
      case RECDATA_FZ_HASH_BUCKET:
      case RECDATA_FZ_TARGET: {
        const int64_t algorithm = GetInt(env, o, "algorithm", field);
        if (algorithm < 0 || algorithm > 2) Fail(env, field + ".algorithm", "expected 0 (xxh64), 1 (xxh3) or 2 (murmur3)");
        f.algorithm = static_cast<int>(algorithm);
        f.seed = GetBig(env, o, "seed", field);
        if (f.op != RECDATA_FZ_TARGET) {
          f.buckets = GetBig(env, o, "buckets", field);
          if (f.buckets == 0) Fail(env, field + ".buckets", "expected at least 1");
        }
        if (f.op == RECDATA_FZ_HASH_BUCKET && !Absent(o.Get("nullHash"))) {
          f.has_null_hash = 1;
          f.null_hash = GetBig(env, o, "nullHash", field);
        }
        if (f.op == RECDATA_FZ_CATEGORIFY) f.code_base = GetInt(env, o, "codeBase", field);
        ParseVocabulary(env, o, hf.get(), field);
        if (f.op == RECDATA_FZ_TARGET) {
          const uint64_t folds = GetCount(env, o, "folds", field);
          if (folds < 1 || folds > 1000) Fail(env, field + ".folds", "expected 1 to 1000");
          f.folds = static_cast<uint32_t>(folds);
          f.fold_seed = GetBig(env, o, "foldSeed", field);
          f.smoothing = GetDouble(env, o, "smoothing", field);
          f.prior = GetDouble(env, o, "prior", field);
          const uint64_t categories = GetCount(env, o, "categories", field);
          f.null_category = GetInt(env, o, "nullCategory", field);
          if (f.null_category >= static_cast<int64_t>(categories)) Fail(env, field + ".nullCategory", "out of range");
          hf->prior_without = GetDoubles(env, o, "priorWithout", folds, field);
          hf->total_counts = GetDoubles(env, o, "totalCounts", categories, field);
          hf->total_sums = GetDoubles(env, o, "totalSums", categories, field);
          hf->counts = GetDoubles(env, o, "counts", categories * folds, field);
          hf->sums = GetDoubles(env, o, "sums", categories * folds, field);
          f.prior_without = hf->prior_without.data();
          f.total_counts = hf->total_counts.data();
          f.total_sums = hf->total_sums.data();
          f.counts = hf->counts.data();
          f.sums = hf->sums.data();
          // Every index the table holds must have its statistics.
          for (const recdata_fz_slot& s : hf->table.slots) {
            if (s.value >= static_cast<int64_t>(categories)) Fail(env, field + ".vocabulary.index", "a category index is out of range");
          }
        }
        break;
      }
      case RECDATA_FZ_SEQ_PAD: {
        const uint64_t length = GetCount(env, o, "length", field);
        if (length < 1 || length > (1u << 20)) Fail(env, field + ".length", "expected 1 to 2^20");
        f.length = static_cast<uint32_t>(length);
        f.keep_last = GetBool(o, "keepLast") ? 1 : 0;
        f.pad_start = GetBool(o, "padStart") ? 1 : 0;
        f.pad = GetDouble(env, o, "pad", field);
        f.int_out = GetBool(o, "intOut") ? 1 : 0;
        break;
      }
      case RECDATA_FZ_QUANTIZE: {
        f.to_int8 = GetBool(o, "toInt8") ? 1 : 0;
        const uint64_t dim = GetCount(env, o, "dim", field);
        if (dim < 1 || dim > (1u << 24)) Fail(env, field + ".dim", "expected 1 to 2^24");
        f.dim = static_cast<uint32_t>(dim);
        break;
      }
      default:
        break;
    }
    out->features.push_back(f);
    out->owned.push_back(std::move(hf));
  }
}

namespace {

// The output array, typed by op, long enough for every row's items.
void ParseOutput(Napi::Env env, Napi::Object o, const recdata_fz_feature& f, uint64_t rows, recdata_fz_work* w, const std::string& field) {
  napi_typedarray_type want;
  const char* expected;
  uint64_t width = 1;
  switch (f.op) {
    case RECDATA_FZ_BUCKETIZE:
    case RECDATA_FZ_CATEGORIFY:
    case RECDATA_FZ_HASH_BUCKET:
      want = napi_bigint64_array;
      expected = "BigInt64Array";
      break;
    case RECDATA_FZ_SEQ_PAD:
      want = f.int_out ? napi_bigint64_array : napi_float32_array;
      expected = f.int_out ? "BigInt64Array" : "Float32Array";
      width = f.length;
      break;
    case RECDATA_FZ_QUANTIZE:
      want = f.to_int8 ? napi_int8_array : napi_uint16_array;
      expected = f.to_int8 ? "Int8Array" : "Uint16Array";
      width = f.dim;
      break;
    default:
      want = napi_float32_array;
      expected = "Float32Array";
      break;
  }
  Typed out = GetTypedOf(env, o, "out", want, expected, field);
  w->out = out.data;
  w->out_offset = GetCount(env, o, "outOffset", field);
  w->out_stride = GetCount(env, o, "outStride", field);
  w->out_items = out.length;
  if (rows > 0) {
    if (w->out_stride < width) Fail(env, field + ".outStride", "narrower than the feature");
    if (w->out_offset + (rows - 1) * w->out_stride + width > out.length) Fail(env, field + ".out", "shorter than its rows");
  }
  // Whole 32-bit words: the CUDA kernels clear bits with atomicAnd.
  w->out_validity = const_cast<uint8_t*>(GetBitmap(env, o, "outValidity", 0, ((rows + 31) / 32) * 32, field));
  if (f.op == RECDATA_FZ_QUANTIZE) {
    Typed errors = GetTypedOf(env, o, "outErrors", napi_float64_array, "Float64Array", field);
    if (errors.length < 3 * rows) Fail(env, field + ".outErrors", "shorter than 3 per row");
    w->out_errors = reinterpret_cast<double*>(errors.data);
    if (f.to_int8) {
      Typed scale = GetTypedOf(env, o, "outScale", napi_float32_array, "Float32Array", field);
      if (scale.length < rows) Fail(env, field + ".outScale", "shorter than its rows");
      w->out_scale = reinterpret_cast<float*>(scale.data);
    }
  }
}

}  // namespace

void ParseBatch(Napi::Env env, Napi::Object o, const Plan& plan, ParsedBatch* out) {
  recdata_fz_batch& b = out->batch;
  b.rows = GetCount(env, o, "rows", "batch");
  b.row_start = GetCount(env, o, "rowStart", "batch");
  b.training = GetBool(o, "training") ? 1 : 0;
  Napi::Value fv = o.Get("features");
  if (!fv.IsArray()) Fail(env, "batch.features", "expected an array");
  Napi::Array features = fv.As<Napi::Array>();
  if (features.Length() != plan.features.size()) Fail(env, "batch.features", "one entry per feature of the plan");
  const size_t n = plan.features.size();
  out->work.assign(n, recdata_fz_work{});
  out->steps.assign(n, {});
  for (uint32_t k = 0; k < n; k++) {
    const recdata_fz_feature& f = plan.features[k];
    recdata_fz_work& w = out->work[k];
    const std::string field = "batch.features[" + std::to_string(k) + "]";
    Napi::Value wv = features.Get(k);
    if (f.op == RECDATA_FZ_SKIP) continue;
    if (!wv.IsObject()) Fail(env, field, "expected an object");
    Napi::Object wo = wv.As<Napi::Object>();
    const uint64_t rows = GetCount(env, wo, "rows", field);
    w.rows = rows;
    switch (f.op) {
      case RECDATA_FZ_NORMALIZE:
      case RECDATA_FZ_MINMAX:
      case RECDATA_FZ_LOG1P:
      case RECDATA_FZ_CLIP:
      case RECDATA_FZ_FILL:
      case RECDATA_FZ_BUCKETIZE:
        ParseNumeric(env, wo, rows, &w.num, field);
        break;
      case RECDATA_FZ_CATEGORIFY:
      case RECDATA_FZ_HASH_BUCKET:
      case RECDATA_FZ_TARGET: {
        Napi::Value sv = wo.Get("steps");
        if (!sv.IsArray()) Fail(env, field + ".steps", "expected an array of hash steps");
        Napi::Array steps = sv.As<Napi::Array>();
        if (steps.Length() == 0 || (f.op != RECDATA_FZ_HASH_BUCKET && steps.Length() != 1)) Fail(env, field + ".steps", "wrong number of columns");
        std::vector<recdata_hash_step>& parsed = out->steps[k];
        parsed.resize(steps.Length());
        for (uint32_t s = 0; s < steps.Length(); s++) {
          Napi::Value step = steps.Get(s);
          if (!step.IsObject()) Fail(env, field + ".steps", "expected a hash step");
          recdata::hash::ParseStep(env, step.As<Napi::Object>(), rows, field + ".steps[" + std::to_string(s) + "]", &parsed[s]);
        }
        w.steps = parsed.data();
        w.step_count = parsed.size();
        break;
      }
      case RECDATA_FZ_SEQ_PAD: {
        Typed offsets = GetTypedOf(env, wo, "listOffsets", napi_int32_array, "Int32Array", field);
        if (offsets.length < rows + 1) Fail(env, field + ".listOffsets", "fewer than rows + 1 offsets");
        const int32_t* off = reinterpret_cast<const int32_t*>(offsets.data);
        if (off[0] < 0) Fail(env, field + ".listOffsets", "negative");
        for (uint64_t i = 0; i < rows; i++) {
          if (off[i + 1] < off[i]) Fail(env, field + ".listOffsets", "decreasing");
        }
        ParseNumeric(env, wo, static_cast<uint64_t>(off[rows]), &w.num, field);
        w.list_offsets = off;
        w.list_validity_offset = GetCount(env, wo, "listValidityOffset", field);
        w.list_validity = GetBitmap(env, wo, "listValidity", w.list_validity_offset, rows, field);
        break;
      }
      case RECDATA_FZ_QUANTIZE: {
        Typed items = GetTypedOf(env, wo, "items", napi_float32_array, "Float32Array", field);
        if (items.length < rows * f.dim) Fail(env, field + ".items", "fewer than rows * dim items");
        w.items = reinterpret_cast<const float*>(items.data);
        w.row_validity_offset = GetCount(env, wo, "rowValidityOffset", field);
        w.row_validity = GetBitmap(env, wo, "rowValidity", w.row_validity_offset, rows, field);
        w.item_validity_offset = GetCount(env, wo, "itemValidityOffset", field);
        w.item_validity = GetBitmap(env, wo, "itemValidity", w.item_validity_offset, rows * f.dim, field);
        break;
      }
      default:
        break;
    }
    ParseOutput(env, wo, f, rows, &w, field);
  }
  b.features = plan.features.data();
  b.work = out->work.data();
  b.feature_count = n;
}

}  // namespace fz
}  // namespace recdata
