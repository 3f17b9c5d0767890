// The seq codecs shared by delta.cc (DELTA_BINARY_PACKED, frame of reference,
// run lengths), entropy.cc (canonical Huffman models), alp.cc (floats) and seq.cc
// (strings, value blocks, payloads, grouping, the N-API entry points). Each is
// the twin of a TypeScript file in packages/seq/src/codec and must write the
// same bytes; docs/seq-format.md is the contract both follow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace recdata::seq {

// A corrupt payload or header: the message and the byte offset (absolute in the
// buffer being decoded). Decoders throw it; nothing reads past its buffer.
struct Corrupt {
  std::string message;
  size_t offset;
  int column = -1;
};

[[noreturn]] inline void Fail(const std::string& message, size_t offset) { throw Corrupt{message, offset}; }

inline uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }
inline int BitLength(uint64_t u) { return u == 0 ? 0 : 64 - __builtin_clzll(u); }
inline int UlebSize(uint64_t u) {
  int n = 1;
  while (u >= 0x80) {
    u >>= 7;
    n++;
  }
  return n;
}

class ByteWriter {
 public:
  std::vector<uint8_t> buf;

  size_t pos() const { return buf.size(); }
  void u8(uint8_t v) { buf.push_back(v); }
  void u32le(uint32_t v) {
    uint8_t b[4] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
    buf.insert(buf.end(), b, b + 4);
  }
  void bytes(const uint8_t* p, size_t n) { buf.insert(buf.end(), p, p + n); }
  void uleb(uint64_t v) {
    while (v >= 0x80) {
      buf.push_back(static_cast<uint8_t>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    buf.push_back(static_cast<uint8_t>(v));
  }
  void sleb(int64_t v) { uleb(ZigZag(v)); }
};

class ByteReader {
 public:
  const uint8_t* bytes;
  size_t pos;
  size_t end;

  ByteReader(const uint8_t* b, size_t start, size_t stop) : bytes(b), pos(start), end(stop) {}

  size_t remaining() const { return end - pos; }
  [[noreturn]] void fail(const std::string& m) const { Fail(m, pos); }
  void need(size_t n, const char* what) const {
    if (n > end - pos) Fail(std::string(what) + " needs " + std::to_string(n) + " bytes, " + std::to_string(end - pos) + " left", pos);
  }
  // The same, with a message built only when it fails (hot paths).
  template <typename F>
  void needLazy(size_t n, F what) const {
    if (n > end - pos) Fail(what() + " needs " + std::to_string(n) + " bytes, " + std::to_string(end - pos) + " left", pos);
  }
  uint8_t u8(const char* what) {
    if (pos >= end) Fail(std::string(what) + " lies past the end", pos);
    return bytes[pos++];
  }
  uint32_t u32le(const char* what) {
    need(4, what);
    uint32_t v = static_cast<uint32_t>(bytes[pos]) | (static_cast<uint32_t>(bytes[pos + 1]) << 8) | (static_cast<uint32_t>(bytes[pos + 2]) << 16) |
                 (static_cast<uint32_t>(bytes[pos + 3]) << 24);
    pos += 4;
    return v;
  }
  uint64_t uleb64(const char* what) {
    size_t start = pos;
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
      if (pos >= end) Fail(std::string(what) + " runs past the end", start);
      uint8_t b = bytes[pos++];
      uint64_t part = b & 0x7f;
      if (i == 9 && part > 1) Fail(std::string(what) + " exceeds 64 bits", start);
      v |= part << (7 * i);
      if ((b & 0x80) == 0) return v;
    }
    Fail(std::string(what) + " is longer than 10 bytes", start);
  }
  int64_t sleb64(const char* what) { return UnZigZag(uleb64(what)); }
  // At most 8 bytes and `max`, as the TypeScript reader (which holds numbers).
  uint64_t uleb(const char* what, uint64_t max) {
    size_t start = pos;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
      if (pos >= end) Fail(std::string(what) + " runs past the end", start);
      uint8_t b = bytes[pos++];
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (v > max) Fail(std::string(what) + " is " + std::to_string(v) + ", more than " + std::to_string(max), start);
        return v;
      }
    }
    Fail(std::string(what) + " is too large", start);
  }
};

// LSB-first bits, as Parquet's bit packing: the first bit written is bit 0 of the
// first byte. Values put must have no bits at or above n.
class BitWriter {
 public:
  explicit BitWriter(ByteWriter& out) : out_(out) {}
  void put(uint64_t v, int n) {
    if (n == 0) return;
    acc_ |= v << nbits_;
    if (nbits_ + n >= 64) {
      uint8_t b[8];
      for (int i = 0; i < 8; i++) b[i] = static_cast<uint8_t>(acc_ >> (8 * i));
      out_.bytes(b, 8);
      acc_ = nbits_ == 0 ? 0 : v >> (64 - nbits_);
      nbits_ = nbits_ + n - 64;
    } else {
      nbits_ += n;
    }
  }
  void flush() {
    while (nbits_ > 0) {
      out_.u8(static_cast<uint8_t>(acc_));
      acc_ >>= 8;
      nbits_ = nbits_ > 8 ? nbits_ - 8 : 0;
    }
    acc_ = 0;
    nbits_ = 0;
  }

 private:
  ByteWriter& out_;
  uint64_t acc_ = 0;
  int nbits_ = 0;
};

class BitReader {
 public:
  BitReader(const uint8_t* bytes, size_t start, size_t end) : bytes_(bytes), bit_(start * 8), end_bit_(end * 8) {}

  size_t offset() const { return bit_ >> 3; }
  size_t bitsLeft() const { return end_bit_ - bit_; }
  size_t byteEnd() const { return (bit_ + 7) >> 3; }
  // The next n (<= 57) bits; bits past the end read as 0.
  uint64_t peek(int n) const {
    size_t p = bit_ >> 3;
    size_t lim = end_bit_ >> 3;
    uint64_t v = 0;
    if (p + 8 <= lim) {
      std::memcpy(&v, bytes_ + p, 8);
    } else {
      for (size_t i = 0; i < 8 && p + i < lim; i++) v |= static_cast<uint64_t>(bytes_[p + i]) << (8 * i);
    }
    v >>= (bit_ & 7);
    return n >= 64 ? v : v & ((uint64_t{1} << n) - 1);
  }
  void skip(size_t n) {
    if (bit_ + n > end_bit_) Fail("a bit stream runs past the end of its block", end_bit_ >> 3);
    bit_ += n;
  }
  uint64_t get(int n) {
    if (n == 0) return 0;
    if (n <= 56) {
      uint64_t v = peek(n);
      skip(n);
      return v;
    }
    uint64_t lo = get(32);
    uint64_t hi = get(n - 32);
    return lo | (hi << 32);
  }

 private:
  const uint8_t* bytes_;
  size_t bit_;
  size_t end_bit_;
};

// LSB-first packing of count values of width bits (exactly ceil(count*width/8) bytes).
inline void PackBits(ByteWriter& out, const uint64_t* v, size_t count, int width) {
  if (width == 0 || count == 0) return;
  BitWriter w(out);
  for (size_t i = 0; i < count; i++) w.put(v[i], width);
  w.flush();
}

inline void UnpackBits(const uint8_t* bytes, size_t pos, size_t count, int width, uint64_t* out) {
  if (width == 0) {
    std::memset(out, 0, count * sizeof(uint64_t));
    return;
  }
  BitReader r(bytes, pos, pos + (count * width + 7) / 8);
  for (size_t i = 0; i < count; i++) out[i] = r.get(width);
}

// ---- integer codecs (delta.cc) ---------------------------------------------
size_t DeltaSize(const int64_t* v, size_t count);
void DeltaEncode(ByteWriter& out, const int64_t* v, size_t count);
void DeltaEncode32(ByteWriter& out, const int32_t* v, size_t count);
// Decodes a run with `bits`-bit wrapping (32 or 64); expected < 0 takes any count.
std::vector<int64_t> DeltaDecode(ByteReader& r, int bits, int64_t expected);
size_t ForSize(const int64_t* v, size_t count);
void ForEncode(ByteWriter& out, const int64_t* v, size_t count);
void ForDecode(ByteReader& r, size_t count, int64_t* out);
size_t RleSize(const int64_t* v, size_t count);
void RleEncode(ByteWriter& out, const int64_t* v, size_t count);
void RleDecode(ByteReader& r, size_t count, int64_t* out);

// ---- entropy models (entropy.cc) -------------------------------------------
constexpr int kMaxCodeLength = 20;
constexpr int kTableBits = 11;
constexpr int kBucketTokens = 256;
constexpr int kModelNone = 0;
constexpr int kModelValue = 1;
constexpr int kModelDelta = 2;

struct HuffmanCode {
  std::vector<uint8_t> lengths;
  std::vector<uint32_t> codes;
  int maxLength = 0;
  int tableBits = 0;
  std::vector<int32_t> table;
  int32_t firstCode[kMaxCodeLength + 2] = {};
  int32_t firstIndex[kMaxCodeLength + 2] = {};
  int32_t count[kMaxCodeLength + 2] = {};
  std::vector<int32_t> sorted;
};

HuffmanCode CanonicalCode(std::vector<uint8_t> lengths, size_t at);
// Canonical decoding, one bit at a time, of a code longer than the table.
int DecodeLong(const HuffmanCode& code, BitReader& br, size_t at);
constexpr int32_t kLong = -2;

// The next symbol of a code: one table lookup for codes of up to kTableBits bits.
inline int ReadSymbol(const HuffmanCode& code, BitReader& br, size_t at) {
  int32_t entry = code.tableBits > 0 ? code.table[br.peek(code.tableBits)] : -1;
  if (entry >= 0) {
    br.skip(entry & 31);
    return entry >> 5;
  }
  if (entry == kLong) return DecodeLong(code, br, at);
  Fail("a bit pattern that is no code of the column model", at);
}

struct Model {
  int kind = kModelNone;
  int64_t base = 0;
  std::vector<int64_t> literals;
  HuffmanCode code;
  int repeat = -1;
  int tokens = 0;
  // Open addressing: literal value -> symbol (-1 marks an empty slot).
  struct Slot {
    int64_t key;
    int32_t symbol;
  };
  std::vector<Slot> slots;
  uint64_t mask = 0;
  int find(int64_t v) const {
    if (slots.empty()) return -1;
    uint64_t x = static_cast<uint64_t>(v) * 0x9E3779B97F4A7C15ull;
    for (uint64_t h = (x ^ (x >> 29)) & mask;; h = (h + 1) & mask) {
      const Slot& s = slots[h];
      if (s.symbol < 0) return -1;
      if (s.key == v) return s.symbol;
    }
  }
};

// The code chosen for one value by EntropySize, reused by EntropyEncode.
struct EntropyChoice {
  int32_t symbol;
  int32_t extraBits;
  uint64_t extra;
};

// Null for MODEL_NONE.
std::unique_ptr<Model> ReadModel(ByteReader& r);
// Sizes the block and records each value's code in `choices` for EntropyEncode.
size_t EntropySize(const Model& m, const int64_t* v, size_t count, std::vector<EntropyChoice>& choices);
void EntropyEncode(ByteWriter& out, const Model& m, const int64_t* v, size_t count, const std::vector<EntropyChoice>& choices);
void EntropyDecode(ByteReader& r, const Model& m, size_t count, int64_t* out);

// ---- floats (alp.cc) -------------------------------------------------------
constexpr int kAlpMaxExponent = 18;
// The smallest exponent coding every value exactly (ints filled), or -1.
int AlpEncode(const int64_t* v, size_t count, bool single, std::vector<int64_t>& ints);
// False when |n| > 2^53.
bool AlpDecodeOne(int64_t n, int e, bool single, int64_t* out);

// ---- checksums (seq.cc) ----------------------------------------------------
uint32_t Crc32c(const uint8_t* p, size_t n);

}  // namespace recdata::seq
