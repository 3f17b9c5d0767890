#include "hash-napi.h"

#include <cmath>
#include <cstring>
#include <string>

namespace recdata {
namespace hash {
namespace {

struct Typed {
  napi_typedarray_type type;
  size_t length;  // elements
  uint8_t* data;
  size_t bytes;
};

[[noreturn]] void Fail(Napi::Env env, const std::string& field, const std::string& what) {
  throw Napi::TypeError::New(env, "hash job: " + field + ": " + what);
}

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

bool IsAbsent(Napi::Value v) { return v.IsUndefined() || v.IsNull(); }

uint64_t GetCount(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) Fail(env, field + "." + key, "expected a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740992.0) || std::floor(d) != d) Fail(env, field + "." + key, "expected a non-negative integer");
  return static_cast<uint64_t>(d);
}

uint64_t GetBigUint64(Napi::Env env, Napi::Value v, const std::string& field) {
  if (!v.IsBigInt()) Fail(env, field, "expected a bigint");
  bool lossless = false;
  uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) Fail(env, field, "expected a bigint from 0 to 2^64-1");
  return x;
}

// A bitmap of `bits` bits from `offset`, or null.
const uint8_t* GetBitmap(Napi::Env env, Napi::Object o, const char* key, uint64_t offset, uint64_t bits, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (IsAbsent(v)) return nullptr;
  Typed t = GetTyped(env, v, field + "." + key);
  if (t.type != napi_uint8_array) Fail(env, field + "." + key, "expected a Uint8Array");
  if (bits > 0 && (offset + bits + 7) / 8 > t.bytes) Fail(env, field + "." + key, "shorter than its bits");
  return t.data;
}

int IndexType(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return RECDATA_INDEX_INT8;
    case napi_uint8_array: return RECDATA_INDEX_UINT8;
    case napi_int16_array: return RECDATA_INDEX_INT16;
    case napi_uint16_array: return RECDATA_INDEX_UINT16;
    case napi_int32_array: return RECDATA_INDEX_INT32;
    case napi_uint32_array: return RECDATA_INDEX_UINT32;
    case napi_bigint64_array: return RECDATA_INDEX_INT64;
    case napi_biguint64_array: return RECDATA_INDEX_UINT64;
    default: return -1;
  }
}

void ParseValues(Napi::Env env, Napi::Object o, const std::string& field, recdata_hash_values* v) {
  Napi::Value kind = o.Get("kind");
  if (!kind.IsNumber()) Fail(env, field + ".kind", "expected a number");
  v->kind = kind.As<Napi::Number>().Int32Value();
  if (v->kind < RECDATA_VALUES_FIXED || v->kind > RECDATA_VALUES_NULL) Fail(env, field + ".kind", "unknown value kind");
  v->length = GetCount(env, o, "length", field);
  v->width = static_cast<uint32_t>(GetCount(env, o, "width", field));
  v->bit_offset = GetCount(env, o, "bitOffset", field);
  v->validity_offset = GetCount(env, o, "validityOffset", field);
  v->validity = GetBitmap(env, o, "validity", v->validity_offset, v->length, field);
  v->offsets = nullptr;
  v->data = nullptr;
  v->data_bytes = 0;
  if (v->kind == RECDATA_VALUES_NULL) return;
  Typed data = GetTyped(env, o.Get("data"), field + ".data");
  if (data.type != napi_uint8_array) Fail(env, field + ".data", "expected a Uint8Array");
  v->data = data.data;
  v->data_bytes = data.bytes;
  switch (v->kind) {
    case RECDATA_VALUES_FIXED:
      if (v->width == 0 || v->width > (1u << 20)) Fail(env, field + ".width", "expected 1 to 2^20 bytes");
      break;
    case RECDATA_VALUES_FLOAT16:
      v->width = 2;
      break;
    case RECDATA_VALUES_FLOAT32:
      v->width = 4;
      break;
    case RECDATA_VALUES_FLOAT64:
      v->width = 8;
      break;
    default:
      break;
  }
  if (v->kind <= RECDATA_VALUES_FLOAT64 && v->length > data.bytes / v->width) Fail(env, field + ".data", "shorter than length * width");
  if (v->kind == RECDATA_VALUES_BOOL && v->length > 0 && (v->bit_offset + v->length + 7) / 8 > data.bytes) Fail(env, field + ".data", "shorter than its bits");
  if (v->kind == RECDATA_VALUES_VAR32 || v->kind == RECDATA_VALUES_VAR64) {
    Typed offsets = GetTyped(env, o.Get("offsets"), field + ".offsets");
    napi_typedarray_type want = v->kind == RECDATA_VALUES_VAR32 ? napi_int32_array : napi_bigint64_array;
    if (offsets.type != want) Fail(env, field + ".offsets", v->kind == RECDATA_VALUES_VAR32 ? "expected an Int32Array" : "expected a BigInt64Array");
    if (offsets.length < v->length + 1) Fail(env, field + ".offsets", "fewer than length + 1 offsets");
    v->offsets = offsets.data;
  }
}

}  // namespace

Napi::Error KernelError(Napi::Env env, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", "RECDATA_HASH_CORRUPT");
  return e;
}

void ParseStep(Napi::Env env, Napi::Object so, uint64_t rows, const std::string& field, recdata_hash_step* out) {
  recdata_hash_step& step = *out;
  Napi::Value values = so.Get("values");
  if (!values.IsObject()) Fail(env, field + ".values", "expected an object");
  ParseValues(env, values.As<Napi::Object>(), field + ".values", &step.values);
  step.index_type = RECDATA_INDEX_NONE;
  step.indices = nullptr;
  step.index_validity = nullptr;
  step.index_validity_offset = 0;
  Napi::Value indices = so.Get("indices");
  if (IsAbsent(indices)) {
    if (step.values.length < rows) Fail(env, field + ".values", "fewer values than rows");
  } else {
    Typed t = GetTyped(env, indices, field + ".indices");
    step.index_type = IndexType(t.type);
    if (step.index_type < 0) Fail(env, field + ".indices", "expected an integer typed array");
    if (t.length < rows) Fail(env, field + ".indices", "fewer indices than rows");
    step.indices = t.data;
    step.index_validity_offset = GetCount(env, so, "indexValidityOffset", field);
    step.index_validity = GetBitmap(env, so, "indexValidity", step.index_validity_offset, rows, field);
  }
}

void ParseJob(Napi::Env env, Napi::Object o, ParsedJob* out) {
  recdata_hash_job& job = out->job;
  Napi::Value algorithm = o.Get("algorithm");
  if (!algorithm.IsNumber()) Fail(env, "algorithm", "expected a number");
  job.algorithm = algorithm.As<Napi::Number>().Int32Value();
  if (job.algorithm < 0 || job.algorithm > 3) Fail(env, "algorithm", "expected 0 to 3");
  job.seed = GetBigUint64(env, o.Get("seed"), "seed");
  if (job.algorithm == 2 && job.seed > 0xffffffffULL) Fail(env, "seed", "murmur3 takes a 32-bit seed");
  job.k0 = job.k1 = 0;
  if (job.algorithm == 3) {
    Typed key = GetTyped(env, o.Get("key"), "key");
    if (key.type != napi_uint8_array || key.bytes != 16) Fail(env, "key", "expected a Uint8Array of 16 bytes");
    std::memcpy(&job.k0, key.data, 8);
    std::memcpy(&job.k1, key.data + 8, 8);
  }
  job.rows = GetCount(env, o, "rows", "job");

  Napi::Value stepsValue = o.Get("steps");
  if (!stepsValue.IsArray()) Fail(env, "steps", "expected an array");
  Napi::Array steps = stepsValue.As<Napi::Array>();
  if (steps.Length() == 0) Fail(env, "steps", "expected at least one step");
  out->steps.resize(steps.Length());
  for (uint32_t s = 0; s < steps.Length(); s++) {
    std::string field = "steps[" + std::to_string(s) + "]";
    Napi::Value sv = steps.Get(s);
    if (!sv.IsObject()) Fail(env, field, "expected an object");
    ParseStep(env, sv.As<Napi::Object>(), job.rows, field, &out->steps[s]);
  }
  job.steps = out->steps.data();
  job.step_count = out->steps.size();

  Napi::Value kind = o.Get("outputKind");
  if (!kind.IsNumber()) Fail(env, "outputKind", "expected a number");
  job.output_kind = kind.As<Napi::Number>().Int32Value();
  Typed output = GetTyped(env, o.Get("output"), "output");
  switch (job.output_kind) {
    case RECDATA_OUTPUT_U64:
      if (output.type != napi_biguint64_array) Fail(env, "output", "expected a BigUint64Array");
      if (job.algorithm == 2) Fail(env, "outputKind", "murmur3 hashes are uint32");
      break;
    case RECDATA_OUTPUT_U32:
      if (output.type != napi_uint32_array) Fail(env, "output", "expected a Uint32Array");
      if (job.algorithm != 2) Fail(env, "outputKind", "only murmur3 hashes are uint32");
      break;
    case RECDATA_OUTPUT_BUCKET:
      if (output.type != napi_bigint64_array) Fail(env, "output", "expected a BigInt64Array");
      break;
    default:
      Fail(env, "outputKind", "expected 0 to 2");
  }
  if (output.length < job.rows) Fail(env, "output", "shorter than rows");
  job.output = output.data;
  job.buckets = 0;
  if (job.output_kind == RECDATA_OUTPUT_BUCKET) {
    job.buckets = GetBigUint64(env, o.Get("buckets"), "buckets");
    if (job.buckets == 0) Fail(env, "buckets", "expected a positive modulus");
  }
  Typed validity = GetTyped(env, o.Get("validity"), "validity");
  if (validity.type != napi_uint8_array || validity.bytes < (job.rows + 7) / 8) Fail(env, "validity", "expected a Uint8Array of ceil(rows / 8) bytes");
  job.validity = validity.data;
  Napi::Value nullHash = o.Get("nullHash");
  job.has_null_hash = IsAbsent(nullHash) ? 0 : 1;
  job.null_hash = job.has_null_hash ? GetBigUint64(env, nullHash, "nullHash") : 0;
}

}  // namespace hash
}  // namespace recdata
