// Integer codecs of the seq payloads, twins of packages/seq/src/codec/{delta,for,
// rle}.ts: Parquet's DELTA_BINARY_PACKED exactly as its specification (block 128,
// 4 miniblocks of 32, ULEB128 header, zigzag first value and min delta, one width
// byte per miniblock, LSB-first packing, wrapping arithmetic), frame-of-reference
// bit packing and run lengths. Registers the "delta" family: the native twins of
// deltaBinaryPackedEncode / deltaBinaryPackedDecode.
#include <algorithm>

#include "registry.h"
#include "seq_codecs.h"

namespace recdata::seq {

namespace {
constexpr size_t kBlock = 128;
constexpr size_t kMini = 4;
constexpr size_t kPerMini = kBlock / kMini;

// Width bytes and the miniblocks holding values; adj has kBlock entries (zeros past n).
void WriteMiniblocks(ByteWriter& out, const uint64_t* adj, size_t n) {
  size_t used = (n + kPerMini - 1) / kPerMini;
  int widths[kMini] = {0, 0, 0, 0};
  for (size_t m = 0; m < used; m++) {
    uint64_t acc = 0;
    for (size_t i = m * kPerMini; i < std::min(n, (m + 1) * kPerMini); i++) acc |= adj[i];
    widths[m] = BitLength(acc);
  }
  for (size_t m = 0; m < kMini; m++) out.u8(static_cast<uint8_t>(widths[m]));
  for (size_t m = 0; m < used; m++) PackBits(out, adj + m * kPerMini, kPerMini, widths[m]);
}
}  // namespace

void DeltaEncode(ByteWriter& out, const int64_t* v, size_t count) {
  out.uleb(kBlock);
  out.uleb(kMini);
  out.uleb(count);
  out.uleb(count > 0 ? ZigZag(v[0]) : 0);
  uint64_t adj[kBlock];
  uint64_t deltas[kBlock];
  for (size_t b = 1; b < count; b += kBlock) {
    size_t n = std::min(kBlock, count - b);
    int64_t min = 0;
    for (size_t i = 0; i < n; i++) {
      uint64_t d = static_cast<uint64_t>(v[b + i]) - static_cast<uint64_t>(v[b + i - 1]);
      deltas[i] = d;
      if (i == 0 || static_cast<int64_t>(d) < min) min = static_cast<int64_t>(d);
    }
    out.sleb(min);
    for (size_t i = 0; i < kBlock; i++) adj[i] = i < n ? deltas[i] - static_cast<uint64_t>(min) : 0;
    WriteMiniblocks(out, adj, n);
  }
}

void DeltaEncode32(ByteWriter& out, const int32_t* v, size_t count) {
  out.uleb(kBlock);
  out.uleb(kMini);
  out.uleb(count);
  out.uleb(count > 0 ? static_cast<uint32_t>((static_cast<uint32_t>(v[0]) << 1) ^ static_cast<uint32_t>(v[0] >> 31)) : 0);
  uint64_t adj[kBlock];
  int32_t deltas[kBlock];
  for (size_t b = 1; b < count; b += kBlock) {
    size_t n = std::min(kBlock, count - b);
    int32_t min = 0;
    for (size_t i = 0; i < n; i++) {
      int32_t d = static_cast<int32_t>(static_cast<uint32_t>(v[b + i]) - static_cast<uint32_t>(v[b + i - 1]));
      deltas[i] = d;
      if (i == 0 || d < min) min = d;
    }
    out.uleb(static_cast<uint32_t>((static_cast<uint32_t>(min) << 1) ^ static_cast<uint32_t>(min >> 31)));
    for (size_t i = 0; i < kBlock; i++) adj[i] = i < n ? static_cast<uint32_t>(static_cast<uint32_t>(deltas[i]) - static_cast<uint32_t>(min)) : 0;
    WriteMiniblocks(out, adj, n);
  }
}

size_t DeltaSize(const int64_t* v, size_t count) {
  size_t size = UlebSize(kBlock) + UlebSize(kMini) + UlebSize(count) + (count > 0 ? UlebSize(ZigZag(v[0])) : 1);
  for (size_t b = 1; b < count; b += kBlock) {
    size_t n = std::min(kBlock, count - b);
    int64_t min = 0;
    for (size_t i = 0; i < n; i++) {
      int64_t d = static_cast<int64_t>(static_cast<uint64_t>(v[b + i]) - static_cast<uint64_t>(v[b + i - 1]));
      if (i == 0 || d < min) min = d;
    }
    size += UlebSize(ZigZag(min)) + kMini;
    for (size_t m = 0; m * kPerMini < n; m++) {
      uint64_t acc = 0;
      for (size_t i = m * kPerMini; i < std::min(n, (m + 1) * kPerMini); i++) {
        acc |= (static_cast<uint64_t>(v[b + i]) - static_cast<uint64_t>(v[b + i - 1])) - static_cast<uint64_t>(min);
      }
      size += static_cast<size_t>(BitLength(acc)) * (kPerMini / 8);
    }
  }
  return size;
}

std::vector<int64_t> DeltaDecode(ByteReader& r, int bits, int64_t expected) {
  size_t headerAt = r.pos;
  uint64_t blockSize = r.uleb("the block size", uint64_t{1} << 30);
  if (blockSize == 0 || blockSize % 128 != 0) Fail("block size " + std::to_string(blockSize) + " is not a positive multiple of 128", headerAt);
  uint64_t miniblocks = r.uleb("the miniblock count", blockSize);
  if (miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0) {
    Fail(std::to_string(miniblocks) + " miniblocks do not divide a block of " + std::to_string(blockSize) + " into multiples of 32 values", headerAt);
  }
  size_t countAt = r.pos;
  uint64_t count = r.uleb("the value count", 0x7fffffff);
  if (expected >= 0 && count != static_cast<uint64_t>(expected)) {
    Fail("the value count is " + std::to_string(count) + ", expected " + std::to_string(expected), countAt);
  }
  size_t firstAt = r.pos;
  int64_t prev = r.sleb64("the first value");
  if (bits == 32 && prev != static_cast<int64_t>(static_cast<int32_t>(prev))) Fail("the first value does not fit 32 bits", firstAt);
  uint64_t blocks = count > 1 ? (count - 1 + blockSize - 1) / blockSize : 0;
  if (static_cast<double>(blocks) > static_cast<double>(r.remaining()) / static_cast<double>(1 + miniblocks)) {
    Fail(std::to_string(count) + " values need " + std::to_string(blocks) + " blocks, more than the " + std::to_string(r.remaining()) + " bytes left can hold", countAt);
  }
  std::vector<int64_t> values(count);
  if (count == 0) return values;
  values[0] = prev;
  size_t perMini = blockSize / miniblocks;
  std::vector<uint64_t> adj(perMini);
  size_t filled = 1;
  while (filled < count) {
    size_t minAt = r.pos;
    int64_t min = r.sleb64("a block min delta");
    if (bits == 32 && min != static_cast<int64_t>(static_cast<int32_t>(min))) Fail("a block min delta does not fit 32 bits", minAt);
    size_t widthsAt = r.pos;
    r.need(miniblocks, "the miniblock bit widths");
    const uint8_t* widths = r.bytes + r.pos;
    r.pos += miniblocks;
    size_t inBlock = std::min<size_t>(blockSize, count - filled);
    size_t used = (inBlock + perMini - 1) / perMini;
    for (size_t m = 0; m < used; m++) {
      int width = widths[m];
      if (width > bits) Fail("miniblock bit width " + std::to_string(width) + " exceeds " + std::to_string(bits), widthsAt + m);
      size_t bytes = perMini * width / 8;
      r.needLazy(bytes, [&] { return "a miniblock of width " + std::to_string(width); });
      UnpackBits(r.bytes, r.pos, perMini, width, adj.data());
      r.pos += bytes;
      size_t take = std::min(perMini, static_cast<size_t>(count - filled));
      for (size_t i = 0; i < take; i++) {
        uint64_t next = static_cast<uint64_t>(prev) + static_cast<uint64_t>(min) + adj[i];
        prev = bits == 32 ? static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(next))) : static_cast<int64_t>(next);
        values[filled++] = prev;
      }
    }
  }
  return values;
}

namespace {
void Range(const int64_t* v, size_t count, int64_t& min, int& width) {
  min = v[0];
  int64_t max = v[0];
  for (size_t i = 1; i < count; i++) {
    if (v[i] < min) min = v[i];
    else if (v[i] > max) max = v[i];
  }
  width = BitLength(static_cast<uint64_t>(max) - static_cast<uint64_t>(min));
}
}  // namespace

size_t ForSize(const int64_t* v, size_t count) {
  int64_t min;
  int width;
  Range(v, count, min, width);
  return UlebSize(ZigZag(min)) + 1 + (count * width + 7) / 8;
}

void ForEncode(ByteWriter& out, const int64_t* v, size_t count) {
  int64_t min;
  int width;
  Range(v, count, min, width);
  out.sleb(min);
  out.u8(static_cast<uint8_t>(width));
  if (width == 0) return;
  BitWriter w(out);
  for (size_t i = 0; i < count; i++) w.put(static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(min), width);
  w.flush();
}

void ForDecode(ByteReader& r, size_t count, int64_t* out) {
  int64_t min = r.sleb64("the frame-of-reference base");
  size_t widthAt = r.pos;
  int width = r.u8("the bit width");
  if (width > 64) Fail("bit width " + std::to_string(width) + " exceeds 64", widthAt);
  size_t bytes = (count * width + 7) / 8;
  r.needLazy(bytes, [&] { return std::to_string(count) + " values of " + std::to_string(width) + " bits"; });
  UnpackBits(r.bytes, r.pos, count, width, reinterpret_cast<uint64_t*>(out));
  r.pos += bytes;
  for (size_t i = 0; i < count; i++) out[i] = static_cast<int64_t>(static_cast<uint64_t>(out[i]) + static_cast<uint64_t>(min));
}

size_t RleSize(const int64_t* v, size_t count) {
  size_t runs = 0;
  size_t size = 0;
  int64_t prev = 0;
  for (size_t i = 0; i < count;) {
    size_t j = i + 1;
    while (j < count && v[j] == v[i]) j++;
    size += UlebSize(ZigZag(static_cast<int64_t>(static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(prev)))) + UlebSize(j - i - 1);
    prev = v[i];
    runs++;
    i = j;
  }
  return UlebSize(runs) + size;
}

void RleEncode(ByteWriter& out, const int64_t* v, size_t count) {
  size_t runs = 0;
  for (size_t i = 0; i < count; i++) if (i == 0 || v[i] != v[i - 1]) runs++;
  out.uleb(runs);
  int64_t prev = 0;
  for (size_t i = 0; i < count;) {
    size_t j = i + 1;
    while (j < count && v[j] == v[i]) j++;
    out.sleb(static_cast<int64_t>(static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(prev)));
    out.uleb(j - i - 1);
    prev = v[i];
    i = j;
  }
}

void RleDecode(ByteReader& r, size_t count, int64_t* out) {
  size_t runsAt = r.pos;
  uint64_t runs = r.uleb("the run count", count);
  if (runs == 0 && count > 0) Fail("no runs for a non-empty column", runsAt);
  int64_t prev = 0;
  size_t filled = 0;
  for (uint64_t k = 0; k < runs; k++) {
    prev = static_cast<int64_t>(static_cast<uint64_t>(prev) + static_cast<uint64_t>(r.sleb64("a run value")));
    size_t lengthAt = r.pos;
    uint64_t length = r.uleb("a run length", count) + 1;
    if (length > count - filled) Fail("runs cover more than the " + std::to_string(count) + " values", lengthAt);
    std::fill(out + filled, out + filled + length, prev);
    filled += length;
  }
  if (filled != count) Fail("runs cover " + std::to_string(filled) + " of " + std::to_string(count) + " values", runsAt);
}

}  // namespace recdata::seq

namespace {

using recdata::seq::ByteReader;
using recdata::seq::ByteWriter;
using recdata::seq::Corrupt;

Napi::Uint8Array ToUint8Array(Napi::Env env, const std::vector<uint8_t>& bytes) {
  Napi::Uint8Array out = Napi::Uint8Array::New(env, bytes.size());
  if (!bytes.empty()) std::memcpy(out.Data(), bytes.data(), bytes.size());
  return out;
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(env, "deltaBinaryPackedEncode takes an Int32Array or a BigInt64Array");
  Napi::TypedArray t = info[0].As<Napi::TypedArray>();
  ByteWriter out;
  if (t.TypedArrayType() == napi_bigint64_array) {
    auto a = t.As<Napi::TypedArrayOf<int64_t>>();
    recdata::seq::DeltaEncode(out, a.Data(), a.ElementLength());
  } else if (t.TypedArrayType() == napi_int32_array) {
    auto a = t.As<Napi::Int32Array>();
    recdata::seq::DeltaEncode32(out, a.Data(), a.ElementLength());
  } else {
    throw Napi::TypeError::New(env, "deltaBinaryPackedEncode takes an Int32Array or a BigInt64Array");
  }
  return ToUint8Array(env, out.buf);
}

Napi::Value Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || !info[1].IsNumber() || !info[2].IsString()) {
    throw Napi::TypeError::New(env, "deltaBinaryPackedDecode(bytes: Uint8Array, offset: number, type: 'int32' | 'int64')");
  }
  auto bytes = info[0].As<Napi::Uint8Array>();
  std::string type = info[2].As<Napi::String>().Utf8Value();
  if (type != "int32" && type != "int64") throw Napi::TypeError::New(env, "type must be 'int32' or 'int64', got " + type);
  double offset = info[1].As<Napi::Number>().DoubleValue();
  try {
    if (!(offset >= 0 && offset <= static_cast<double>(bytes.ElementLength())) || offset != static_cast<double>(static_cast<size_t>(offset))) {
      recdata::seq::Fail("offset " + std::to_string(offset) + " is outside the " + std::to_string(bytes.ElementLength()) + " bytes", 0);
    }
    ByteReader r(bytes.Data(), static_cast<size_t>(offset), bytes.ElementLength());
    std::vector<int64_t> values = recdata::seq::DeltaDecode(r, type == "int32" ? 32 : 64, -1);
    Napi::Object result = Napi::Object::New(env);
    if (type == "int64") {
      auto out = Napi::TypedArrayOf<int64_t>::New(env, values.size(), napi_bigint64_array);
      if (!values.empty()) std::memcpy(out.Data(), values.data(), values.size() * 8);
      result.Set("values", out);
    } else {
      auto out = Napi::Int32Array::New(env, values.size());
      for (size_t i = 0; i < values.size(); i++) out[i] = static_cast<int32_t>(values[i]);
      result.Set("values", out);
    }
    result.Set("end", Napi::Number::New(env, static_cast<double>(r.pos)));
    return result;
  } catch (const Corrupt& c) {
    Napi::Error e = Napi::Error::New(env, c.message);
    e.Set("offset", Napi::Number::New(env, static_cast<double>(c.offset)));
    throw e;
  }
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("deltaBinaryPackedEncode", Napi::Function::New(env, Encode, "deltaBinaryPackedEncode"));
  exports.Set("deltaBinaryPackedDecode", Napi::Function::New(env, Decode, "deltaBinaryPackedDecode"));
}

}  // namespace

RECDATA_REGISTER_FAMILY(delta, Init);
