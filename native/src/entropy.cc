// Entropy-coded values of the seq payloads, twin of packages/seq/src/codec/
// {huffman,entropy}.ts: canonical Huffman codes over a per-stream alphabet of
// literals, REPEAT (VALUE models) and 256 bucket tokens with extra raw bits. The
// models are measured once per stream (in TypeScript) and read here from the
// stream header; encoding and decoding a sequence use them, never build them.
#include <algorithm>

#include "seq_codecs.h"

namespace recdata::seq {

namespace {

constexpr int kDirect = 16;
constexpr int kRiceEscape = 16;
constexpr int kMaxLengthSymbol = 20;

uint32_t Reverse(uint32_t code, int length) {
  uint32_t r = 0;
  for (int i = 0; i < length; i++) {
    r = (r << 1) | (code & 1);
    code >>= 1;
  }
  return r;
}

struct Token {
  int token;
  int extraBits;
  uint64_t extra;
};

Token TokenOf(uint64_t u) {
  if (u < kDirect) return {static_cast<int>(u), 0, 0};
  int n = BitLength(u) - 1;
  int m = static_cast<int>((u >> (n - 2)) & 3);
  int eb = n - 2;
  return {kDirect + (n - 4) * 4 + m, eb, u & ((uint64_t{1} << eb) - 1)};
}

// The residual's leading part of a token, and its extra bit count.
uint64_t TokenLead(int token, int& extraBits) {
  if (token < kDirect) {
    extraBits = 0;
    return static_cast<uint64_t>(token);
  }
  int n = 4 + ((token - kDirect) >> 2);
  int m = (token - kDirect) & 3;
  extraBits = n - 2;
  return static_cast<uint64_t>(4 | m) << (n - 2);
}

}  // namespace

int DecodeLong(const HuffmanCode& code, BitReader& br, size_t at) {
  int32_t c = 0;
  for (int l = 1; l <= code.maxLength; l++) {
    c = (c << 1) | static_cast<int32_t>(br.get(1));
    int32_t k = c - code.firstCode[l];
    if (k >= 0 && k < code.count[l]) return code.sorted[code.firstIndex[l] + k];
  }
  Fail("a bit pattern that is no code of the column model", at);
}

namespace {

void ReadRice(BitReader& br, int k, uint64_t& out) {
  int q = 0;
  while (q < kRiceEscape && br.get(1) == 1) q++;
  if (q < kRiceEscape) {
    uint64_t rest = br.get(k);
    out = (k >= 64 ? 0 : static_cast<uint64_t>(q) << k) | rest;
    return;
  }
  int L = static_cast<int>(br.get(7));
  if (L > 64) Fail("a gap of " + std::to_string(L) + " bits", br.offset());
  out = br.get(L);
}

uint64_t Mix(int64_t v) {
  uint64_t x = static_cast<uint64_t>(v) * 0x9E3779B97F4A7C15ull;
  return x ^ (x >> 29);
}

}  // namespace

HuffmanCode CanonicalCode(std::vector<uint8_t> lengths, size_t at) {
  HuffmanCode h;
  int maxLength = 0;
  for (uint8_t l : lengths) {
    if (l > kMaxCodeLength) Fail("code length " + std::to_string(l) + " exceeds " + std::to_string(kMaxCodeLength), at);
    if (l > 0) {
      h.count[l]++;
      maxLength = std::max<int>(maxLength, l);
    }
  }
  uint64_t kraft = 0;
  for (int l = 1; l <= kMaxCodeLength; l++) kraft += static_cast<uint64_t>(h.count[l]) << (kMaxCodeLength - l);
  if (kraft > (uint64_t{1} << kMaxCodeLength)) Fail("code lengths over-subscribe the code space", at);
  int32_t code = 0;
  int32_t index = 0;
  for (int l = 1; l <= kMaxCodeLength; l++) {
    code = (code + h.count[l - 1]) << 1;
    h.firstCode[l] = code;
    h.firstIndex[l] = index;
    index += h.count[l];
  }
  h.sorted.assign(index, 0);
  int32_t fill[kMaxCodeLength + 2];
  int32_t next[kMaxCodeLength + 2];
  std::copy(h.firstIndex, h.firstIndex + kMaxCodeLength + 2, fill);
  std::copy(h.firstCode, h.firstCode + kMaxCodeLength + 2, next);
  h.codes.assign(lengths.size(), 0);
  h.maxLength = maxLength;
  h.tableBits = std::min(maxLength, kTableBits);
  h.table.assign(maxLength > 0 ? (size_t{1} << h.tableBits) : 0, -1);
  for (size_t s = 0; s < lengths.size(); s++) {
    int l = lengths[s];
    if (l == 0) continue;
    h.sorted[fill[l]++] = static_cast<int32_t>(s);
    uint32_t r = Reverse(static_cast<uint32_t>(next[l]++), l);
    h.codes[s] = r;
    if (l <= h.tableBits) {
      int32_t entry = static_cast<int32_t>((s << 5) | l);
      for (size_t k = r; k < h.table.size(); k += size_t{1} << l) h.table[k] = entry;
    } else {
      h.table[r & ((1u << h.tableBits) - 1)] = kLong;
    }
  }
  h.lengths = std::move(lengths);
  return h;
}

std::unique_ptr<Model> ReadModel(ByteReader& r) {
  size_t at = r.pos;
  int kind = r.u8("the model kind");
  if (kind == kModelNone) return nullptr;
  if (kind != kModelValue && kind != kModelDelta) Fail("unknown model kind " + std::to_string(kind), at);
  auto m = std::make_unique<Model>();
  m->kind = kind;
  if (kind == kModelValue) m->base = r.sleb64("the model base");
  uint64_t count = r.uleb("the literal count", 1 << 20);
  if (count > r.remaining() * 8) r.fail(std::to_string(count) + " literals cannot fit in " + std::to_string(r.remaining()) + " bytes");
  m->literals.resize(count);
  size_t bitsFrom = r.pos;
  if (count > 0) {
    m->literals[0] = r.sleb64("the first literal");
    size_t kAt = r.pos;
    int k = r.u8("the Rice parameter");
    if (k > 63) Fail("Rice parameter " + std::to_string(k) + " exceeds 63", kAt);
    bitsFrom = r.pos;
    BitReader br(r.bytes, bitsFrom, r.end);
    for (uint64_t i = 1; i < count; i++) {
      size_t gapAt = br.offset();
      uint64_t gap;
      ReadRice(br, k, gap);
      gap += 1;
      uint64_t next = static_cast<uint64_t>(m->literals[i - 1]) + gap;
      if (gap == 0 || static_cast<int64_t>(next) <= m->literals[i - 1]) Fail("literals are not ascending 64-bit values", gapAt);
      m->literals[i] = static_cast<int64_t>(next);
    }
    size_t lengthsAt = br.offset();
    uint8_t meta[kMaxLengthSymbol + 1];
    for (int l = 0; l <= kMaxLengthSymbol; l++) meta[l] = static_cast<uint8_t>(br.get(5));
    HuffmanCode metaCode = CanonicalCode(std::vector<uint8_t>(meta, meta + kMaxLengthSymbol + 1), lengthsAt);
    size_t symbols = count + (kind == kModelValue ? 1 : 0) + kBucketTokens;
    std::vector<uint8_t> lengths(symbols);
    for (size_t s = 0; s < symbols; s++) lengths[s] = static_cast<uint8_t>(ReadSymbol(metaCode, br, lengthsAt));
    r.pos = br.byteEnd();
    for (int t = 0; t < kBucketTokens; t++) {
      if (lengths[symbols - kBucketTokens + t] == 0) Fail("bucket token " + std::to_string(t) + " has no code", lengthsAt);
    }
    m->code = CanonicalCode(std::move(lengths), lengthsAt);
  } else {
    BitReader br(r.bytes, r.pos, r.end);
    size_t lengthsAt = br.offset();
    uint8_t meta[kMaxLengthSymbol + 1];
    for (int l = 0; l <= kMaxLengthSymbol; l++) meta[l] = static_cast<uint8_t>(br.get(5));
    HuffmanCode metaCode = CanonicalCode(std::vector<uint8_t>(meta, meta + kMaxLengthSymbol + 1), lengthsAt);
    size_t symbols = (kind == kModelValue ? 1 : 0) + kBucketTokens;
    std::vector<uint8_t> lengths(symbols);
    for (size_t s = 0; s < symbols; s++) lengths[s] = static_cast<uint8_t>(ReadSymbol(metaCode, br, lengthsAt));
    r.pos = br.byteEnd();
    for (int t = 0; t < kBucketTokens; t++) {
      if (lengths[symbols - kBucketTokens + t] == 0) Fail("bucket token " + std::to_string(t) + " has no code", lengthsAt);
    }
    m->code = CanonicalCode(std::move(lengths), lengthsAt);
  }
  m->repeat = kind == kModelValue ? static_cast<int>(count) : -1;
  m->tokens = static_cast<int>(count) + (kind == kModelValue ? 1 : 0);
  if (count > 0) {
    size_t cap = 16;
    while (cap < count * 2) cap <<= 1;
    m->slots.assign(cap, Model::Slot{0, -1});
    m->mask = cap - 1;
    for (size_t i = 0; i < count; i++) {
      uint64_t h = Mix(m->literals[i]) & m->mask;
      while (m->slots[h].symbol >= 0) h = (h + 1) & m->mask;
      m->slots[h] = Model::Slot{m->literals[i], static_cast<int32_t>(i)};
    }
  }
  return m;
}

namespace {

struct Choice {
  int symbol;
  int bits;
  int extraBits;
  uint64_t extra;
};

inline void Choose(const Model& m, int64_t v, bool repeat, Choice& c) {
  const uint8_t* lengths = m.code.lengths.data();
  uint64_t residual = m.kind == kModelValue ? static_cast<uint64_t>(v) - static_cast<uint64_t>(m.base) : ZigZag(v);
  Token t = TokenOf(residual);
  c.symbol = m.tokens + t.token;
  c.bits = lengths[c.symbol] + t.extraBits;
  c.extraBits = t.extraBits;
  c.extra = t.extra;
  int lit = m.find(v);
  if (lit >= 0 && lengths[lit] > 0 && lengths[lit] <= c.bits) {
    c.symbol = lit;
    c.bits = lengths[lit];
    c.extraBits = 0;
  }
  if (repeat) {
    int l = lengths[m.repeat];
    if (l > 0 && l <= c.bits) {
      c.symbol = m.repeat;
      c.bits = l;
      c.extraBits = 0;
    }
  }
}

inline void ChooseAt(const Model& m, const int64_t* v, size_t i, Choice& c) {
  if (m.kind == kModelValue) Choose(m, v[i], i > 0 && v[i] == v[i - 1], c);
  else Choose(m, static_cast<int64_t>(static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(v[i - 1])), false, c);
}

}  // namespace

size_t EntropySize(const Model& m, const int64_t* v, size_t count, std::vector<EntropyChoice>& choices) {
  uint64_t bits = 0;
  size_t header = 0;
  bool delta = m.kind == kModelDelta;
  if (delta) header = UlebSize(ZigZag(v[0]));
  choices.resize(count);
  Choice c;
  for (size_t i = delta ? 1 : 0; i < count; i++) {
    ChooseAt(m, v, i, c);
    bits += c.bits;
    choices[i] = EntropyChoice{c.symbol, c.extraBits, c.extra};
  }
  return header + (bits + 7) / 8;
}

void EntropyEncode(ByteWriter& out, const Model& m, const int64_t* v, size_t count, const std::vector<EntropyChoice>& choices) {
  bool delta = m.kind == kModelDelta;
  if (delta) out.sleb(v[0]);
  BitWriter w(out);
  const uint32_t* codes = m.code.codes.data();
  const uint8_t* lengths = m.code.lengths.data();
  for (size_t i = delta ? 1 : 0; i < count; i++) {
    const EntropyChoice& c = choices[i];
    w.put(codes[c.symbol], lengths[c.symbol]);
    if (c.extraBits > 0) w.put(c.extra, c.extraBits);
  }
  w.flush();
}

void EntropyDecode(ByteReader& r, const Model& m, size_t count, int64_t* out) {
  size_t from = 0;
  int64_t prev = 0;
  if (m.kind == kModelDelta) {
    prev = r.sleb64("the first value");
    out[0] = prev;
    from = 1;
  }
  BitReader br(r.bytes, r.pos, r.end);
  size_t k = m.literals.size();
  for (size_t i = from; i < count; i++) {
    size_t at = br.offset();
    int sym = ReadSymbol(m.code, br, at);
    int64_t v;
    if (static_cast<size_t>(sym) < k) {
      v = m.literals[sym];
    } else if (sym == m.repeat) {
      if (i == 0) Fail("REPEAT before the first value", at);
      v = prev;
    } else {
      int extraBits;
      uint64_t lead = TokenLead(sym - m.tokens, extraBits);
      uint64_t u = lead | (extraBits > 0 ? br.get(extraBits) : 0);
      v = m.kind == kModelValue ? static_cast<int64_t>(u + static_cast<uint64_t>(m.base)) : UnZigZag(u);
    }
    if (m.kind == kModelDelta) v = static_cast<int64_t>(static_cast<uint64_t>(prev) + static_cast<uint64_t>(v));
    out[i] = v;
    prev = v;
  }
  if (br.bitsLeft() >= 8) Fail(std::to_string(br.bitsLeft() >> 3) + " bytes left over after " + std::to_string(count) + " values", br.offset());
  r.pos = r.end;
}

}  // namespace recdata::seq
