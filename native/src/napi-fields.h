// Reading the plain objects that a kernel family's TypeScript side hands to native
// code (a hash job, a featurize plan or batch): each reader checks the field's type
// and size and throws a JS TypeError naming the field's path ("job.steps[0].values:
// expected an object"). TypeScript validates user input; these checks keep a
// programming error from turning into a read or write outside a buffer.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace recdata {
namespace fields {

// A typed array's view: element type and count, first byte, byte length.
struct Typed {
  napi_typedarray_type type;
  size_t length;  // elements
  uint8_t* data;
  size_t bytes;
};

[[noreturn]] inline void Fail(Napi::Env env, const std::string& field, const std::string& what) {
  throw Napi::TypeError::New(env, field + ": " + what);
}

inline bool IsAbsent(Napi::Value v) { return v.IsUndefined() || v.IsNull(); }

inline Typed GetTyped(Napi::Env env, Napi::Value value, const std::string& field) {
  if (!value.IsTypedArray()) Fail(env, field, "expected a typed array");
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  Typed t;
  t.type = array.TypedArrayType();
  t.length = array.ElementLength();
  t.bytes = array.ByteLength();
  t.data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  return t;
}

inline double GetDouble(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) Fail(env, field + "." + key, "expected a number");
  return v.As<Napi::Number>().DoubleValue();
}

// A non-negative integer up to 2^53 (the largest a JS number holds exactly).
inline uint64_t GetCount(Napi::Env env, Napi::Object o, const char* key, const std::string& field) {
  double d = GetDouble(env, o, key, field);
  if (!(d >= 0 && d <= 9007199254740992.0) || std::floor(d) != d) Fail(env, field + "." + key, "expected a non-negative integer");
  return static_cast<uint64_t>(d);
}

inline uint64_t GetBigUint64(Napi::Env env, Napi::Value v, const std::string& field) {
  if (!v.IsBigInt()) Fail(env, field, "expected a bigint");
  bool lossless = false;
  uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) Fail(env, field, "expected a bigint from 0 to 2^64-1");
  return x;
}

// A bitmap (Uint8Array) holding bits [offset, offset + bits), or null when absent.
inline const uint8_t* GetBitmap(Napi::Env env, Napi::Object o, const char* key, uint64_t offset, uint64_t bits, const std::string& field) {
  Napi::Value v = o.Get(key);
  if (IsAbsent(v)) return nullptr;
  Typed t = GetTyped(env, v, field + "." + key);
  if (t.type != napi_uint8_array) Fail(env, field + "." + key, "expected a Uint8Array");
  if (bits > 0 && (offset + bits + 7) / 8 > t.bytes) Fail(env, field + "." + key, "shorter than its bits");
  return t.data;
}

}  // namespace fields
}  // namespace recdata
