// The seq payload kernels, twin of packages/seq/src/format/{payload,header}.ts,
// codec/values.ts and group/sort.ts: one coarse call per chunk of sequences.
//   seqModel(header bytes)                          -> a parsed stream header
//   seqEncodeChunk(model, starts, lanes)            -> { bytes, offsets }
//   seqDecodeChunk(model, bytes, offsets, counts, verifyChecksum) -> { starts, lanes }
//   seqGroup(userKeys, ts, unitsPerSecond, seconds) -> { perm, starts }
//   crc32c(bytes)                                   -> number
// A corrupt payload throws an Error carrying `sequence`, `offset` (in the payload)
// and `column`; nothing reads outside the buffers it was given.
#include <algorithm>
#include <climits>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "registry.h"
#include "seq_codecs.h"

namespace recdata::seq {

// ---- CRC-32C ---------------------------------------------------------------

namespace {

const uint32_t* CrcTable() {
  static uint32_t table[8][256];
  static bool ready = [] {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
      table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
      for (int s = 1; s < 8; s++) table[s][i] = (table[s - 1][i] >> 8) ^ table[0][table[s - 1][i] & 0xff];
    }
    return true;
  }();
  (void)ready;
  return &table[0][0];
}

uint32_t Crc32cSoftware(const uint8_t* p, size_t n) {
  const uint32_t* t = CrcTable();
  uint32_t c = 0xffffffffu;
  while (n >= 8) {
    uint32_t lo = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    uint32_t hi = static_cast<uint32_t>(p[4]) | (static_cast<uint32_t>(p[5]) << 8) | (static_cast<uint32_t>(p[6]) << 16) | (static_cast<uint32_t>(p[7]) << 24);
    lo ^= c;
    c = t[7 * 256 + (lo & 0xff)] ^ t[6 * 256 + ((lo >> 8) & 0xff)] ^ t[5 * 256 + ((lo >> 16) & 0xff)] ^ t[4 * 256 + (lo >> 24)] ^ t[3 * 256 + (hi & 0xff)] ^
        t[2 * 256 + ((hi >> 8) & 0xff)] ^ t[1 * 256 + ((hi >> 16) & 0xff)] ^ t[0 * 256 + (hi >> 24)];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(const uint8_t* p, size_t n) {
  uint64_t c = 0xffffffffu;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32 ^ 0xffffffffu;
}
#endif

}  // namespace

uint32_t Crc32c(const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  static const bool hardware = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  if (hardware) return Crc32cHardware(p, n);
#endif
  return Crc32cSoftware(p, n);
}

// ---- the stream header -----------------------------------------------------

namespace {

constexpr int kLaneInt = 0;
constexpr int kLaneFloat32 = 1;
constexpr int kLaneFloat64 = 2;
constexpr int kLaneString = 3;
constexpr int kLaneDict = 4;

constexpr int kTagDelta = 1;
constexpr int kTagFor = 2;
constexpr int kTagRle = 3;
constexpr int kTagHuffman = 4;
constexpr int kTagRaw = 5;
constexpr int kTagAlp = 6;
constexpr int kTagStrings = 7;
constexpr int kTagStringCodes = 8;

constexpr int kPresenceAll = 0;
constexpr int kPresenceNone = 1;
constexpr int kPresenceMixed = 2;

const char* TagName(int tag) {
  static const char* names[] = {nullptr, "delta", "for", "rle", "huffman", "raw", "alp", "strings", "string-codes"};
  return tag >= 1 && tag <= 8 ? names[tag] : nullptr;
}

struct Table {
  std::vector<int32_t> offsets{0};
  std::vector<uint8_t> bytes;
  std::unordered_map<std::string_view, int32_t> index;
  size_t size() const { return offsets.size() - 1; }
  std::string_view at(size_t i) const { return std::string_view(reinterpret_cast<const char*>(bytes.data()) + offsets[i], offsets[i + 1] - offsets[i]); }
  void buildIndex() {
    for (size_t i = 0; i < size(); i++) index.emplace(at(i), static_cast<int32_t>(i));
  }
};

struct Column {
  int field = 0;
  int lane = 0;
  std::unique_ptr<Table> table;
  std::unique_ptr<Model> model;
  int floatWidth() const { return lane == kLaneFloat32 ? 32 : lane == kLaneFloat64 ? 64 : 0; }
};

struct Header {
  std::vector<Column> columns;
};

std::unique_ptr<Table> ReadTable(ByteReader& r) {
  auto t = std::make_unique<Table>();
  uint64_t n = r.uleb("the table size", r.remaining());
  for (uint64_t i = 0; i < n; i++) {
    uint64_t len = r.uleb("a table string length", r.remaining());
    r.need(len, "a table string");
    t->bytes.insert(t->bytes.end(), r.bytes + r.pos, r.bytes + r.pos + len);
    r.pos += len;
    t->offsets.push_back(static_cast<int32_t>(t->bytes.size()));
  }
  t->buildIndex();
  return t;
}

std::unique_ptr<Header> ReadHeader(const uint8_t* bytes, size_t length) {
  if (length < 8) Fail("the header is " + std::to_string(length) + " bytes", 0);
  ByteReader crc(bytes, length - 4, length);
  if (Crc32c(bytes, length - 4) != crc.u32le("the header checksum")) Fail("the header checksum does not match", length - 4);
  ByteReader r(bytes, 0, length - 4);
  r.need(4, "the magic");
  if (bytes[0] != 0x52 || bytes[1] != 0x53 || bytes[2] != 0x51) Fail("not a recdata seq header", 0);
  if (bytes[3] != 0x01) Fail("format version " + std::to_string(bytes[3]) + " is not supported (this recdata reads version 1)", 3);
  r.pos = 4;
  uint64_t fields = r.uleb("the field count", 1 << 20);
  if (fields == 0) Fail("a header with no fields", r.pos);
  r.uleb("the user field", fields - 1);
  r.uleb("the ts field", fields - 1);
  size_t pAt = r.pos;
  if (r.u8("the partition") > 2) Fail("unknown partition", pAt);
  uint64_t n = r.uleb("the column count", fields);
  auto h = std::make_unique<Header>();
  for (uint64_t i = 0; i < n; i++) {
    Column c;
    c.field = static_cast<int>(r.uleb("a column field", fields - 1));
    size_t laneAt = r.pos;
    c.lane = r.u8("a lane kind");
    if (c.lane > kLaneDict) Fail("unknown lane kind " + std::to_string(c.lane), laneAt);
    if (c.lane == kLaneString || c.lane == kLaneDict) c.table = ReadTable(r);
    c.model = ReadModel(r);
    h->columns.push_back(std::move(c));
  }
  if (r.pos != r.end) Fail(std::to_string(r.end - r.pos) + " bytes left over in the header", r.pos);
  return h;
}

// ---- lanes -----------------------------------------------------------------

struct IntLane {
  const int64_t* values;
  size_t length;
  const uint8_t* valid;
};

struct StringLane {
  const int32_t* offsets;
  size_t length;
  const uint8_t* bytes;
  const uint8_t* valid;
};

struct LaneIn {
  bool isString;
  IntLane i;
  StringLane s;
  const uint8_t* valid() const { return isString ? s.valid : i.valid; }
};

// ---- values blocks ---------------------------------------------------------

size_t BlockSize(size_t body) { return 1 + UlebSize(body) + body; }

void BestPlain(const int64_t* v, size_t count, int& tag, size_t& size) {
  tag = kTagDelta;
  size = DeltaSize(v, count);
  size_t f = ForSize(v, count);
  if (f < size) tag = kTagFor, size = f;
  size_t r = RleSize(v, count);
  if (r < size) tag = kTagRle, size = r;
}

void WritePlain(ByteWriter& out, int tag, const int64_t* v, size_t count) {
  if (tag == kTagDelta) DeltaEncode(out, v, count);
  else if (tag == kTagFor) ForEncode(out, v, count);
  else RleEncode(out, v, count);
}

void CheckSize(size_t written, size_t size, int tag) {
  if (written != size) throw std::logic_error(std::string("internal: codec ") + TagName(tag) + " wrote " + std::to_string(written) + " bytes, sized " + std::to_string(size));
}

int EncodeValues(ByteWriter& out, const int64_t* v, size_t count, const Model* model, int floatWidth) {
  int tag;
  size_t size;
  BestPlain(v, count, tag, size);
  thread_local std::vector<EntropyChoice> choices;
  if (model) {
    size_t h = EntropySize(*model, v, count, choices);
    if (h < size) tag = kTagHuffman, size = h;
  }
  std::vector<int64_t> ints;
  int exponent = -1;
  int innerTag = 0;
  size_t innerSize = 0;
  if (floatWidth) {
    size_t raw = count * (floatWidth / 8);
    if (raw < size) tag = kTagRaw, size = raw;
    int e = AlpEncode(v, count, floatWidth == 32, ints);
    if (e >= 0) {
      BestPlain(ints.data(), count, innerTag, innerSize);
      size_t s = 1 + BlockSize(innerSize);
      if (s < size) {
        tag = kTagAlp;
        size = s;
        exponent = e;
      }
    }
  }
  out.u8(static_cast<uint8_t>(tag));
  out.uleb(size);
  size_t from = out.pos();
  switch (tag) {
    case kTagHuffman:
      EntropyEncode(out, *model, v, count, choices);
      break;
    case kTagRaw:
      for (size_t i = 0; i < count; i++) {
        out.u32le(static_cast<uint32_t>(static_cast<uint64_t>(v[i])));
        if (floatWidth == 64) out.u32le(static_cast<uint32_t>(static_cast<uint64_t>(v[i]) >> 32));
      }
      break;
    case kTagAlp:
      out.u8(static_cast<uint8_t>(exponent));
      out.u8(static_cast<uint8_t>(innerTag));
      out.uleb(innerSize);
      WritePlain(out, innerTag, ints.data(), count);
      break;
    default:
      WritePlain(out, tag, v, count);
  }
  CheckSize(out.pos() - from, size, tag);
  return tag;
}

struct BlockIn {
  int tag;
  ByteReader body;
  size_t at;
};

BlockIn OpenBlock(ByteReader& r, int knownTag) {
  size_t at = r.pos;
  int tag = knownTag >= 0 ? knownTag : r.u8("a codec tag");
  uint64_t length = r.uleb("a block length", 0xffffffffu);
  const char* name = TagName(tag);
  r.needLazy(length, [&] { return std::string("a ") + (name ? name : "tag-" + std::to_string(tag)) + " block of " + std::to_string(length) + " bytes"; });
  BlockIn b{tag, ByteReader(r.bytes, r.pos, r.pos + length), at};
  r.pos += length;
  return b;
}

void CloseBlock(const ByteReader& body, int tag) {
  if (body.pos != body.end) Fail(std::to_string(body.end - body.pos) + " bytes left over in a " + TagName(tag) + " block", body.pos);
}

void DecodePlain(int tag, ByteReader& body, size_t count, int64_t* out, size_t at) {
  if (tag == kTagDelta) {
    std::vector<int64_t> v = DeltaDecode(body, 64, static_cast<int64_t>(count));
    std::copy(v.begin(), v.end(), out);
  } else if (tag == kTagFor) {
    ForDecode(body, count, out);
  } else if (tag == kTagRle) {
    RleDecode(body, count, out);
  } else {
    Fail("codec tag " + std::to_string(tag) + " is not an integer codec", at);
  }
  CloseBlock(body, tag);
}

void DecodeValues(ByteReader& r, size_t count, const Model* model, int floatWidth, int64_t* out, int knownTag) {
  BlockIn b = OpenBlock(r, knownTag);
  switch (b.tag) {
    case kTagDelta:
    case kTagFor:
    case kTagRle:
      DecodePlain(b.tag, b.body, count, out, b.at);
      return;
    case kTagHuffman:
      if (!model) Fail("a huffman block in a column without a model", b.at);
      EntropyDecode(b.body, *model, count, out);
      return;
    case kTagRaw:
      if (!floatWidth) Fail("a raw float block in an integer column", b.at);
      for (size_t i = 0; i < count; i++) {
        uint64_t lo = b.body.u32le("a float");
        uint64_t hi = floatWidth == 64 ? b.body.u32le("a float64") : 0;
        out[i] = static_cast<int64_t>(lo | (hi << 32));
      }
      CloseBlock(b.body, b.tag);
      return;
    case kTagAlp: {
      if (!floatWidth) Fail("an alp block in an integer column", b.at);
      size_t eAt = b.body.pos;
      int e = b.body.u8("the alp exponent");
      if (e > kAlpMaxExponent) Fail("alp exponent " + std::to_string(e) + " exceeds " + std::to_string(kAlpMaxExponent), eAt);
      BlockIn inner = OpenBlock(b.body, -1);
      std::vector<int64_t> ints(count);
      DecodePlain(inner.tag, inner.body, count, ints.data(), inner.at);
      CloseBlock(b.body, b.tag);
      for (size_t i = 0; i < count; i++) {
        if (!AlpDecodeOne(ints[i], e, floatWidth == 32, out + i)) Fail("an alp integer beyond 2^53", inner.at);
      }
      return;
    }
    default:
      Fail("unknown codec tag " + std::to_string(b.tag), b.at);
  }
}

// Strings [start, start + count) of offsets/bytes.
struct Strings {
  const int32_t* offsets;
  const uint8_t* bytes;
  size_t start;
  size_t count;
  std::string_view at(size_t i) const {
    return std::string_view(reinterpret_cast<const char*>(bytes) + offsets[start + i], offsets[start + i + 1] - offsets[start + i]);
  }
};

int EncodeStrings(ByteWriter& out, const Strings& s, const Table* table, const Model* model) {
  size_t raw = 0;
  for (size_t i = 0; i < s.count; i++) raw += UlebSize(s.at(i).size()) + s.at(i).size();
  size_t k = table ? table->size() : 0;
  std::unordered_map<std::string_view, int64_t> local;
  std::vector<size_t> localList;
  std::vector<int64_t> codes(s.count);
  size_t localBytes = 0;
  for (size_t i = 0; i < s.count; i++) {
    std::string_view key = s.at(i);
    int64_t code = -1;
    if (table) {
      auto it = table->index.find(key);
      if (it != table->index.end()) code = it->second;
    }
    if (code < 0) {
      auto it = local.find(key);
      if (it != local.end()) {
        code = it->second;
      } else {
        code = static_cast<int64_t>(k + localList.size());
        local.emplace(key, code);
        localList.push_back(i);
        localBytes += UlebSize(key.size()) + key.size();
      }
    }
    codes[i] = code;
  }
  ByteWriter inner;
  EncodeValues(inner, codes.data(), s.count, model, 0);
  size_t codesSize = UlebSize(localList.size()) + localBytes + inner.pos();
  if (raw <= codesSize) {
    out.u8(kTagStrings);
    out.uleb(raw);
    for (size_t i = 0; i < s.count; i++) {
      std::string_view v = s.at(i);
      out.uleb(v.size());
      out.bytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    }
    return kTagStrings;
  }
  out.u8(kTagStringCodes);
  out.uleb(codesSize);
  size_t from = out.pos();
  out.uleb(localList.size());
  for (size_t i : localList) {
    std::string_view v = s.at(i);
    out.uleb(v.size());
    out.bytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
  }
  out.bytes(inner.buf.data(), inner.buf.size());
  CheckSize(out.pos() - from, codesSize, kTagStringCodes);
  return kTagStringCodes;
}

// Growable decoded lanes.
struct IntOut {
  std::vector<int64_t> values;
  std::vector<uint8_t> valid;
  bool hasValidity = false;
};

struct StringOut {
  std::vector<int32_t> offsets{0};
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> valid;
  bool hasValidity = false;
  void push(const uint8_t* p, size_t n) {
    if (bytes.size() + n > 0x7fffffffu) throw std::length_error("more than 2 GiB of decoded strings in one chunk");
    bytes.insert(bytes.end(), p, p + n);
    offsets.push_back(static_cast<int32_t>(bytes.size()));
  }
};

void DecodeStrings(ByteReader& r, size_t count, const Table* table, const Model* model, StringOut& sink, int knownTag) {
  BlockIn b = OpenBlock(r, knownTag);
  ByteReader& body = b.body;
  if (b.tag == kTagStrings) {
    for (size_t i = 0; i < count; i++) {
      uint64_t len = body.uleb("a string length", body.remaining());
      body.need(len, "a string");
      sink.push(body.bytes + body.pos, len);
      body.pos += len;
    }
    CloseBlock(body, b.tag);
    return;
  }
  if (b.tag != kTagStringCodes) Fail("codec tag " + std::to_string(b.tag) + " is not a string codec", b.at);
  size_t k = table ? table->size() : 0;
  uint64_t nLocal = body.uleb("the local string count", count);
  std::vector<size_t> localFrom(nLocal), localTo(nLocal);
  for (uint64_t i = 0; i < nLocal; i++) {
    uint64_t len = body.uleb("a string length", body.remaining());
    body.need(len, "a string");
    localFrom[i] = body.pos;
    localTo[i] = body.pos + len;
    body.pos += len;
  }
  size_t codesAt = body.pos;
  std::vector<int64_t> codes(count);
  DecodeValues(body, count, model, 0, codes.data(), -1);
  CloseBlock(body, b.tag);
  for (size_t i = 0; i < count; i++) {
    int64_t c = codes[i];
    if (c < 0 || c >= static_cast<int64_t>(k + nLocal)) {
      Fail("a string code is outside the " + std::to_string(k) + " table and " + std::to_string(nLocal) + " local strings", codesAt);
    }
    if (static_cast<size_t>(c) < k) {
      std::string_view v = table->at(static_cast<size_t>(c));
      sink.push(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    } else {
      size_t j = static_cast<size_t>(c) - k;
      sink.push(body.bytes + localFrom[j], localTo[j] - localFrom[j]);
    }
  }
}

// ---- payloads --------------------------------------------------------------

void WriteValues(ByteWriter& out, const Column& spec, const LaneIn& lane, size_t from, size_t n, const uint8_t* valid) {
  if (lane.isString) {
    const StringLane& sl = lane.s;
    if (!valid) {
      EncodeStrings(out, Strings{sl.offsets, sl.bytes, from, n}, spec.table.get(), spec.model.get());
      return;
    }
    std::vector<int32_t> offsets{0};
    std::vector<uint8_t> bytes;
    for (size_t i = from; i < from + n; i++) {
      if (!valid[i]) continue;
      bytes.insert(bytes.end(), sl.bytes + sl.offsets[i], sl.bytes + sl.offsets[i + 1]);
      offsets.push_back(static_cast<int32_t>(bytes.size()));
    }
    EncodeStrings(out, Strings{offsets.data(), bytes.data(), 0, offsets.size() - 1}, spec.table.get(), spec.model.get());
    return;
  }
  if (!valid) {
    EncodeValues(out, lane.i.values + from, n, spec.model.get(), spec.floatWidth());
    return;
  }
  std::vector<int64_t> compact;
  compact.reserve(n);
  for (size_t i = from; i < from + n; i++) if (valid[i]) compact.push_back(lane.i.values[i]);
  EncodeValues(out, compact.data(), compact.size(), spec.model.get(), spec.floatWidth());
}

void EncodeColumn(ByteWriter& out, const Column& spec, const LaneIn& lane, size_t from, size_t n, ByteWriter& scratch) {
  const uint8_t* valid = lane.valid();
  size_t k = n;
  if (valid) {
    k = 0;
    for (size_t i = from; i < from + n; i++) k += valid[i];
  }
  if (k == 0) {
    out.u8(kPresenceNone << 6);
    return;
  }
  scratch.buf.clear();
  WriteValues(scratch, spec, lane, from, n, k == n ? nullptr : valid);
  uint8_t tag = scratch.buf[0];
  if (k == n) {
    out.u8(static_cast<uint8_t>((kPresenceAll << 6) | tag));
  } else {
    out.u8(static_cast<uint8_t>((kPresenceMixed << 6) | tag));
    std::vector<size_t> runs;
    uint8_t expect = 1;
    size_t length = 0;
    for (size_t i = from; i < from + n; i++) {
      if (valid[i] == expect) {
        length++;
      } else {
        runs.push_back(length);
        expect ^= 1;
        length = 1;
      }
    }
    runs.push_back(length);
    out.uleb(runs.size());
    for (size_t r : runs) out.uleb(r);
  }
  out.bytes(scratch.buf.data() + 1, scratch.buf.size() - 1);
}

void DecodeColumn(const Column& spec, IntOut* io, StringOut* so, ByteReader& r, size_t n) {
  size_t at = r.pos;
  uint8_t first = r.u8("a presence and codec byte");
  int presence = first >> 6;
  int tag = first & 63;
  if (presence == kPresenceNone && tag != 0) Fail("an all-null column with a codec tag", at);
  std::vector<uint8_t> valid;
  size_t k = n;
  if (presence == kPresenceNone) {
    k = 0;
  } else if (presence == kPresenceMixed) {
    uint64_t runs = r.uleb("the validity run count", n + 1);
    valid.assign(n, 0);
    size_t filled = 0;
    int flag = 1;
    k = 0;
    for (uint64_t i = 0; i < runs; i++) {
      size_t lenAt = r.pos;
      uint64_t len = r.uleb("a validity run", n);
      if (len == 0 && i > 0) Fail("an empty validity run after the first", lenAt);
      if (len > n - filled) Fail("validity runs cover more than the sequence", lenAt);
      if (flag) {
        std::fill(valid.begin() + filled, valid.begin() + filled + len, 1);
        k += len;
      }
      filled += len;
      flag ^= 1;
    }
    if (filled != n) Fail("validity runs cover " + std::to_string(filled) + " of " + std::to_string(n) + " events", at);
    if (k == 0 || k == n) Fail("a mixed validity map that is all valid or all null", at);
  } else if (presence != kPresenceAll) {
    Fail("unknown presence byte " + std::to_string(presence), at);
  }
  if (so) {
    size_t base = so->offsets.size() - 1;
    if (presence != kPresenceAll || so->hasValidity) {
      if (!so->hasValidity) so->valid.assign(base, 1);
      so->hasValidity = true;
      if (presence == kPresenceAll) so->valid.insert(so->valid.end(), n, 1);
      else if (presence == kPresenceNone) so->valid.insert(so->valid.end(), n, 0);
      else so->valid.insert(so->valid.end(), valid.begin(), valid.end());
    }
    if (k == n) {
      DecodeStrings(r, k, spec.table.get(), spec.model.get(), *so, tag);
    } else {
      StringOut tmp;
      if (k > 0) DecodeStrings(r, k, spec.table.get(), spec.model.get(), tmp, tag);
      size_t j = 0;
      for (size_t i = 0; i < n; i++) {
        if (!valid.empty() && valid[i]) {
          so->push(tmp.bytes.data() + tmp.offsets[j], tmp.offsets[j + 1] - tmp.offsets[j]);
          j++;
        } else {
          so->push(nullptr, 0);
        }
      }
    }
    return;
  }
  size_t base = io->values.size();
  if (presence != kPresenceAll || io->hasValidity) {
    if (!io->hasValidity) io->valid.assign(base, 1);
    io->hasValidity = true;
    if (presence == kPresenceAll) io->valid.insert(io->valid.end(), n, 1);
    else if (presence == kPresenceNone) io->valid.insert(io->valid.end(), n, 0);
    else io->valid.insert(io->valid.end(), valid.begin(), valid.end());
  }
  io->values.resize(base + n, 0);
  int64_t* out = io->values.data() + base;
  if (k == n) {
    DecodeValues(r, n, spec.model.get(), spec.floatWidth(), out, tag);
  } else if (k > 0) {
    std::vector<int64_t> tmp(k);
    DecodeValues(r, k, spec.model.get(), spec.floatWidth(), tmp.data(), tag);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) if (valid[i]) out[i] = tmp[j++];
  }
}

// ---- N-API ---------------------------------------------------------------

Header& HeaderOf(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "expected a seq model from seqModel()");
  return *info[0].As<Napi::External<Header>>().Data();
}

template <typename T>
Napi::TypedArrayOf<T> TypedArg(Napi::Env env, Napi::Value v, napi_typedarray_type type, const char* name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) throw Napi::TypeError::New(env, std::string("expected a typed array for ") + name);
  return v.As<Napi::TypedArrayOf<T>>();
}

Napi::Value SeqModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = TypedArg<uint8_t>(env, info[0], napi_uint8_array, "header");
  try {
    std::unique_ptr<Header> h = ReadHeader(bytes.Data(), bytes.ElementLength());
    return Napi::External<Header>::New(env, h.release(), [](Napi::Env, Header* p) { delete p; });
  } catch (const Corrupt& c) {
    Napi::Error e = Napi::Error::New(env, "corrupt seq header: " + c.message);
    e.Set("offset", Napi::Number::New(env, static_cast<double>(c.offset)));
    throw e;
  }
}

LaneIn ReadLane(Napi::Env env, Napi::Object o, size_t rows) {
  LaneIn l{};
  std::string kind = o.Get("kind").As<Napi::String>().Utf8Value();
  Napi::Value valid = o.Get("valid");
  const uint8_t* v = nullptr;
  if (!valid.IsNull() && !valid.IsUndefined()) {
    auto a = TypedArg<uint8_t>(env, valid, napi_uint8_array, "valid");
    if (a.ElementLength() < rows) throw Napi::RangeError::New(env, "a validity array is shorter than its lane");
    v = a.Data();
  }
  if (kind == "string") {
    auto offsets = TypedArg<int32_t>(env, o.Get("offsets"), napi_int32_array, "offsets");
    auto bytes = TypedArg<uint8_t>(env, o.Get("bytes"), napi_uint8_array, "bytes");
    if (offsets.ElementLength() < rows + 1) throw Napi::RangeError::New(env, "a string lane is shorter than the chunk");
    for (size_t i = 0; i < rows; i++) {
      if (offsets[i] < 0 || offsets[i] > offsets[i + 1] || static_cast<size_t>(offsets[i + 1]) > bytes.ElementLength()) throw Napi::RangeError::New(env, "string offsets out of range");
    }
    l.isString = true;
    l.s = StringLane{offsets.Data(), rows, bytes.Data(), v};
  } else {
    auto values = TypedArg<int64_t>(env, o.Get("values"), napi_bigint64_array, "values");
    if (values.ElementLength() < rows) throw Napi::RangeError::New(env, "an int lane is shorter than the chunk");
    l.isString = false;
    l.i = IntLane{values.Data(), rows, v};
  }
  return l;
}

Napi::Value SeqEncodeChunk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Header& h = HeaderOf(info);
  auto starts = TypedArg<int32_t>(env, info[1], napi_int32_array, "starts");
  if (!info[2].IsArray()) throw Napi::TypeError::New(env, "expected an array of lanes");
  Napi::Array lanesArg = info[2].As<Napi::Array>();
  size_t nSeq = starts.ElementLength() == 0 ? 0 : starts.ElementLength() - 1;
  size_t rows = nSeq > 0 ? static_cast<size_t>(starts[nSeq]) : 0;
  for (size_t s = 0; s < nSeq; s++) if (starts[s] < 0 || starts[s] >= starts[s + 1]) throw Napi::RangeError::New(env, "sequence starts must increase");
  if (lanesArg.Length() != h.columns.size()) throw Napi::TypeError::New(env, "one lane per header column");
  std::vector<LaneIn> lanes;
  for (size_t c = 0; c < h.columns.size(); c++) {
    LaneIn l = ReadLane(env, lanesArg.Get(c).As<Napi::Object>(), rows);
    if (l.isString != (h.columns[c].lane == kLaneString)) throw Napi::TypeError::New(env, "a lane of the wrong kind");
    lanes.push_back(l);
  }
  ByteWriter out;
  ByteWriter scratch;
  out.buf.reserve(rows * 4 + 64);
  Napi::Int32Array offsets = Napi::Int32Array::New(env, nSeq + 1);
  offsets[0] = 0;
  for (size_t s = 0; s < nSeq; s++) {
    size_t begin = out.pos();
    size_t from = static_cast<size_t>(starts[s]);
    size_t n = static_cast<size_t>(starts[s + 1]) - from;
    out.uleb(n);
    for (size_t c = 0; c < h.columns.size(); c++) EncodeColumn(out, h.columns[c], lanes[c], from, n, scratch);
    out.u32le(Crc32c(out.buf.data() + begin, out.pos() - begin));
    if (out.pos() > 0x7fffffffu) throw Napi::RangeError::New(env, "a chunk of more than 2 GiB of payloads");
    offsets[s + 1] = static_cast<int32_t>(out.pos());
  }
  Napi::Uint8Array bytes = Napi::Uint8Array::New(env, out.buf.size());
  if (!out.buf.empty()) std::memcpy(bytes.Data(), out.buf.data(), out.buf.size());
  Napi::Object result = Napi::Object::New(env);
  result.Set("bytes", bytes);
  result.Set("offsets", offsets);
  return result;
}

Napi::Value SeqDecodeChunk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Header& h = HeaderOf(info);
  auto bytes = TypedArg<uint8_t>(env, info[1], napi_uint8_array, "bytes");
  auto offsets = TypedArg<int32_t>(env, info[2], napi_int32_array, "offsets");
  const uint32_t* expected = nullptr;
  size_t nSeq = offsets.ElementLength() == 0 ? 0 : offsets.ElementLength() - 1;
  if (!info[3].IsNull() && !info[3].IsUndefined()) {
    auto e = TypedArg<uint32_t>(env, info[3], napi_uint32_array, "expected");
    if (e.ElementLength() < nSeq) throw Napi::RangeError::New(env, "one expected count per payload");
    expected = e.Data();
  }
  bool verify = info.Length() < 5 || info[4].ToBoolean().Value();
  for (size_t s = 0; s < nSeq; s++) {
    if (offsets[s] < 0 || offsets[s] > offsets[s + 1] || static_cast<size_t>(offsets[s + 1]) > bytes.ElementLength()) throw Napi::RangeError::New(env, "payload offsets out of range");
  }
  std::vector<IntOut> ints(h.columns.size());
  std::vector<StringOut> strs(h.columns.size());
  Napi::Int32Array starts = Napi::Int32Array::New(env, nSeq + 1);
  starts[0] = 0;
  size_t total = 0;
  for (size_t s = 0; s < nSeq; s++) {
    size_t from = static_cast<size_t>(offsets[s]);
    size_t to = static_cast<size_t>(offsets[s + 1]);
    int column = -1;
    try {
      if (to - from < 5) Fail("a payload of " + std::to_string(to - from) + " bytes is shorter than its event count and checksum", from);
      size_t crcAt = to - 4;
      if (verify) {
        ByteReader c(bytes.Data(), crcAt, to);
        if (Crc32c(bytes.Data() + from, crcAt - from) != c.u32le("the checksum")) Fail("payload checksum mismatch", crcAt);
      }
      ByteReader r(bytes.Data(), from, crcAt);
      uint64_t n = r.uleb("the event count", 0x7fffffff);
      if (n == 0) Fail("a sequence of 0 events", from);
      if (expected && n != expected[s]) Fail("the payload holds " + std::to_string(n) + " events, its row says " + std::to_string(expected[s]), from);
      for (size_t c = 0; c < h.columns.size(); c++) {
        column = static_cast<int>(c);
        const Column& spec = h.columns[c];
        if (spec.lane == kLaneString) DecodeColumn(spec, nullptr, &strs[c], r, n);
        else DecodeColumn(spec, &ints[c], nullptr, r, n);
      }
      column = -1;
      if (r.pos != r.end) Fail(std::to_string(r.end - r.pos) + " bytes left over after the last column", r.pos);
      total += n;
      if (total > 0x7fffffffu) throw std::length_error("a chunk of more than 2^31 events");
      starts[s + 1] = static_cast<int32_t>(total);
    } catch (const Corrupt& c) {
      Napi::Error e = Napi::Error::New(env, c.message);
      e.Set("sequence", Napi::Number::New(env, static_cast<double>(s)));
      e.Set("offset", Napi::Number::New(env, static_cast<double>(c.offset - from)));
      e.Set("column", Napi::Number::New(env, column));
      throw e;
    } catch (const std::bad_alloc&) {
      Napi::Error e = Napi::Error::New(env, "cannot allocate the decoded sequence");
      e.Set("sequence", Napi::Number::New(env, static_cast<double>(s)));
      e.Set("offset", Napi::Number::New(env, 0));
      e.Set("column", Napi::Number::New(env, column));
      throw e;
    } catch (const std::length_error& le) {
      Napi::Error e = Napi::Error::New(env, le.what());
      e.Set("sequence", Napi::Number::New(env, static_cast<double>(s)));
      e.Set("offset", Napi::Number::New(env, 0));
      e.Set("column", Napi::Number::New(env, column));
      throw e;
    }
  }
  Napi::Array lanes = Napi::Array::New(env, h.columns.size());
  for (size_t c = 0; c < h.columns.size(); c++) {
    Napi::Object lane = Napi::Object::New(env);
    if (h.columns[c].lane == kLaneString) {
      StringOut& so = strs[c];
      lane.Set("kind", "string");
      Napi::Int32Array o = Napi::Int32Array::New(env, so.offsets.size());
      std::memcpy(o.Data(), so.offsets.data(), so.offsets.size() * 4);
      Napi::Uint8Array b = Napi::Uint8Array::New(env, so.bytes.size());
      if (!so.bytes.empty()) std::memcpy(b.Data(), so.bytes.data(), so.bytes.size());
      lane.Set("offsets", o);
      lane.Set("bytes", b);
      if (so.hasValidity) {
        Napi::Uint8Array v = Napi::Uint8Array::New(env, so.valid.size());
        if (!so.valid.empty()) std::memcpy(v.Data(), so.valid.data(), so.valid.size());
        lane.Set("valid", v);
      } else {
        lane.Set("valid", env.Null());
      }
    } else {
      IntOut& io = ints[c];
      lane.Set("kind", "int");
      auto v = Napi::TypedArrayOf<int64_t>::New(env, io.values.size(), napi_bigint64_array);
      if (!io.values.empty()) std::memcpy(v.Data(), io.values.data(), io.values.size() * 8);
      lane.Set("values", v);
      if (io.hasValidity) {
        Napi::Uint8Array a = Napi::Uint8Array::New(env, io.valid.size());
        if (!io.valid.empty()) std::memcpy(a.Data(), io.valid.data(), io.valid.size());
        lane.Set("valid", a);
      } else {
        lane.Set("valid", env.Null());
      }
    }
    lanes.Set(c, lane);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("starts", starts);
  result.Set("lanes", lanes);
  return result;
}

// Stable order by (user key, ts), both signed 64-bit: rows of each user together
// in the order of sorted keys, then each user's rows ordered by ts (stably).
Napi::Value SeqGroup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto users = TypedArg<int64_t>(env, info[0], napi_bigint64_array, "userKeys");
  auto ts = TypedArg<int64_t>(env, info[1], napi_bigint64_array, "ts");
  double ups = info[2].As<Napi::Number>().DoubleValue();
  double seconds = info[3].As<Napi::Number>().DoubleValue();
  // uint64 users: compare with the top bit flipped, which orders them unsigned.
  const int64_t flip = info.Length() > 4 && info[4].ToBoolean().Value() ? INT64_MIN : 0;
  size_t n = users.ElementLength();
  if (ts.ElementLength() != n) throw Napi::RangeError::New(env, "userKeys and ts differ in length");
  if (n > 0x7fffffffu) throw Napi::RangeError::New(env, "more than 2^31 rows in one run");
  const int64_t* u = users.Data();
  const int64_t* t = ts.Data();
  Napi::Int32Array permOut = Napi::Int32Array::New(env, n);
  int32_t* perm = permOut.Data();
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; i++) {
    if ((u[i - 1] ^ flip) > (u[i] ^ flip) || (u[i - 1] == u[i] && t[i - 1] > t[i])) sorted = false;
  }
  if (sorted) {
    for (size_t i = 0; i < n; i++) perm[i] = static_cast<int32_t>(i);
  } else {
    // Users by first appearance, then ranked by key; a counting sort keeps input
    // order inside each user, and only users out of ts order are sorted.
    std::unordered_map<int64_t, int32_t> ids;
    std::vector<int64_t> keys;
    std::vector<int32_t> id(n);
    for (size_t i = 0; i < n; i++) {
      auto it = ids.find(u[i]);
      if (it == ids.end()) {
        it = ids.emplace(u[i], static_cast<int32_t>(keys.size())).first;
        keys.push_back(u[i]);
      }
      id[i] = it->second;
    }
    std::vector<int32_t> byKey(keys.size());
    for (size_t k = 0; k < keys.size(); k++) byKey[k] = static_cast<int32_t>(k);
    std::sort(byKey.begin(), byKey.end(), [&](int32_t a, int32_t b) { return (keys[a] ^ flip) < (keys[b] ^ flip); });
    std::vector<int32_t> rank(keys.size());
    for (size_t r = 0; r < byKey.size(); r++) rank[byKey[r]] = static_cast<int32_t>(r);
    std::vector<size_t> start(keys.size() + 1, 0);
    for (size_t i = 0; i < n; i++) start[rank[id[i]] + 1]++;
    for (size_t r = 0; r < keys.size(); r++) start[r + 1] += start[r];
    std::vector<size_t> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; i++) perm[fill[rank[id[i]]]++] = static_cast<int32_t>(i);
    for (size_t r = 0; r < keys.size(); r++) {
      int32_t* a = perm + start[r];
      int32_t* b = perm + start[r + 1];
      bool inOrder = true;
      for (int32_t* p = a + 1; p < b && inOrder; p++) if (t[p[-1]] > t[*p]) inOrder = false;
      if (!inOrder) std::stable_sort(a, b, [&](int32_t x, int32_t y) { return t[x] < t[y]; });
    }
  }
  auto partitionOf = [&](int64_t v) -> int64_t {
    auto floorDiv = [](int64_t a, int64_t d) {
      int64_t q = a / d;
      return (a % d != 0 && a < 0) ? q - 1 : q;
    };
    return floorDiv(floorDiv(v, static_cast<int64_t>(ups)), static_cast<int64_t>(seconds));
  };
  bool partitioned = ups > 0 && seconds > 0;
  std::vector<int32_t> starts;
  int64_t prevPart = 0;
  for (size_t k = 0; k < n; k++) {
    int32_t i = perm[k];
    int64_t p = partitioned ? partitionOf(t[i]) : 0;
    if (k == 0 || u[i] != u[perm[k - 1]] || p != prevPart) starts.push_back(static_cast<int32_t>(k));
    prevPart = p;
  }
  starts.push_back(static_cast<int32_t>(n));
  Napi::Int32Array startsOut = Napi::Int32Array::New(env, starts.size());
  std::memcpy(startsOut.Data(), starts.data(), starts.size() * 4);
  Napi::Object result = Napi::Object::New(env);
  result.Set("perm", permOut);
  result.Set("starts", startsOut);
  return result;
}

// Distinct values ascending, with counts (sorts `v` in place).
Napi::Object CountValues(Napi::Env env, std::vector<int64_t>& v) {
  std::sort(v.begin(), v.end());
  size_t distinct = 0;
  for (size_t i = 0; i < v.size(); i++) if (i == 0 || v[i] != v[i - 1]) distinct++;
  auto values = Napi::TypedArrayOf<int64_t>::New(env, distinct, napi_bigint64_array);
  Napi::Uint32Array counts = Napi::Uint32Array::New(env, distinct);
  int64_t j = -1;
  for (size_t i = 0; i < v.size(); i++) {
    if (i == 0 || v[i] != v[i - 1]) {
      j++;
      values[j] = v[i];
      counts[j] = 0;
    }
    counts[j] = counts[j] + 1;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("values", values);
  o.Set("counts", counts);
  return o;
}

// The statistics a column's model is measured from (twin of columnStats in
// packages/seq/src/tables/models.ts): valid values of rows perm[starts[s]..
// starts[s + 1]) sequence by sequence.
Napi::Value SeqColumnStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto values = TypedArg<int64_t>(env, info[0], napi_bigint64_array, "values");
  const uint8_t* valid = nullptr;
  if (!info[1].IsNull() && !info[1].IsUndefined()) {
    auto a = TypedArg<uint8_t>(env, info[1], napi_uint8_array, "valid");
    if (a.ElementLength() < values.ElementLength()) throw Napi::RangeError::New(env, "a validity array is shorter than its lane");
    valid = a.Data();
  }
  auto perm = TypedArg<int32_t>(env, info[2], napi_int32_array, "perm");
  auto starts = TypedArg<int32_t>(env, info[3], napi_int32_array, "starts");
  size_t nValues = values.ElementLength();
  for (size_t k = 0; k < perm.ElementLength(); k++) if (perm[k] < 0 || static_cast<size_t>(perm[k]) >= nValues) throw Napi::RangeError::New(env, "perm out of range");
  for (size_t s = 0; s + 1 < starts.ElementLength(); s++) {
    if (starts[s] < 0 || starts[s] > starts[s + 1] || static_cast<size_t>(starts[s + 1]) > perm.ElementLength()) throw Napi::RangeError::New(env, "starts out of range");
  }
  const int64_t* v = values.Data();
  std::vector<int64_t> fresh, deltas;
  fresh.reserve(perm.ElementLength());
  deltas.reserve(perm.ElementLength());
  double repeats = 0, firstBits = 0, count = 0;
  int64_t min = 0;
  for (size_t s = 0; s + 1 < starts.ElementLength(); s++) {
    int64_t prev = -1;
    for (int32_t k = starts[s]; k < starts[s + 1]; k++) {
      int32_t i = perm[k];
      if (valid && !valid[i]) continue;
      if (count == 0 || v[i] < min) min = v[i];
      count++;
      if (prev < 0) firstBits += UlebSize(ZigZag(v[i])) * 8;
      if (prev >= 0 && v[i] == v[prev]) repeats++;
      else fresh.push_back(v[i]);
      if (prev >= 0) deltas.push_back(static_cast<int64_t>(static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(v[prev])));
      prev = i;
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("fresh", CountValues(env, fresh));
  o.Set("repeats", repeats);
  o.Set("deltas", CountValues(env, deltas));
  o.Set("firstBits", firstBits);
  o.Set("minHi", Napi::Number::New(env, static_cast<int32_t>(static_cast<uint64_t>(min) >> 32)));
  o.Set("minLo", Napi::Number::New(env, static_cast<uint32_t>(static_cast<uint64_t>(min))));
  o.Set("count", count);
  return o;
}

// Widens a typed array into a 64-bit lane at `at` (signed types sign-extended;
// unsigned types and float32 bits zero-extended; 8-byte types copied), or, with
// a mapping, maps dictionary codes through it (rows not valid in `valid` become
// 0). Returns -1, or the first row whose code the mapping lacks.
Napi::Value SeqWiden(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(env, "expected a typed array");
  Napi::TypedArray src = info[0].As<Napi::TypedArray>();
  auto dst = TypedArg<int64_t>(env, info[1], napi_bigint64_array, "lane");
  double atArg = info[2].As<Napi::Number>().DoubleValue();
  size_t n = src.ElementLength();
  if (!(atArg >= 0) || static_cast<size_t>(atArg) + n > dst.ElementLength()) throw Napi::RangeError::New(env, "the lane is too short");
  int64_t* out = dst.Data() + static_cast<size_t>(atArg);
  const uint8_t* base = static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset();
  bool mapped = info.Length() > 3 && info[3].IsTypedArray();
  if (mapped) {
    auto mapping = TypedArg<int32_t>(env, info[3], napi_int32_array, "mapping");
    const uint8_t* valid = nullptr;
    size_t validOffset = 0;
    if (info.Length() > 4 && info[4].IsTypedArray()) {
      auto v = TypedArg<uint8_t>(env, info[4], napi_uint8_array, "validity");
      validOffset = static_cast<size_t>(info[5].As<Napi::Number>().DoubleValue());
      if ((validOffset + n + 7) / 8 > v.ElementLength()) throw Napi::RangeError::New(env, "the validity bitmap is too short");
      valid = v.Data();
    }
    size_t m = mapping.ElementLength();
    const int32_t* map = mapping.Data();
    for (size_t i = 0; i < n; i++) {
      if (valid && !((valid[(validOffset + i) >> 3] >> ((validOffset + i) & 7)) & 1)) {
        out[i] = 0;
        continue;
      }
      int64_t c;
      switch (src.TypedArrayType()) {
        case napi_int8_array: c = reinterpret_cast<const int8_t*>(base)[i]; break;
        case napi_uint8_array: c = base[i]; break;
        case napi_int16_array: c = reinterpret_cast<const int16_t*>(base)[i]; break;
        case napi_uint16_array: c = reinterpret_cast<const uint16_t*>(base)[i]; break;
        case napi_int32_array: c = reinterpret_cast<const int32_t*>(base)[i]; break;
        case napi_uint32_array: c = reinterpret_cast<const uint32_t*>(base)[i]; break;
        case napi_bigint64_array: c = reinterpret_cast<const int64_t*>(base)[i]; break;
        case napi_biguint64_array: c = static_cast<int64_t>(reinterpret_cast<const uint64_t*>(base)[i]); break;
        default: throw Napi::TypeError::New(env, "dictionary codes must be integers");
      }
      if (c < 0 || static_cast<uint64_t>(c) >= m || map[c] < 0) return Napi::Number::New(env, static_cast<double>(i));
      out[i] = map[c];
    }
    return Napi::Number::New(env, -1);
  }
  switch (src.TypedArrayType()) {
    case napi_int8_array: for (size_t i = 0; i < n; i++) out[i] = reinterpret_cast<const int8_t*>(base)[i]; break;
    case napi_uint8_array: case napi_uint8_clamped_array: for (size_t i = 0; i < n; i++) out[i] = base[i]; break;
    case napi_int16_array: for (size_t i = 0; i < n; i++) out[i] = reinterpret_cast<const int16_t*>(base)[i]; break;
    case napi_uint16_array: for (size_t i = 0; i < n; i++) out[i] = reinterpret_cast<const uint16_t*>(base)[i]; break;
    case napi_int32_array: for (size_t i = 0; i < n; i++) out[i] = reinterpret_cast<const int32_t*>(base)[i]; break;
    case napi_uint32_array: case napi_float32_array: for (size_t i = 0; i < n; i++) out[i] = reinterpret_cast<const uint32_t*>(base)[i]; break;
    case napi_bigint64_array: case napi_biguint64_array: case napi_float64_array: std::memcpy(out, base, n * 8); break;
    default: throw Napi::TypeError::New(env, "cannot widen this typed array");
  }
  return Napi::Number::New(env, -1);
}

Napi::Value Crc(const Napi::CallbackInfo& info) {
  auto bytes = TypedArg<uint8_t>(info.Env(), info[0], napi_uint8_array, "bytes");
  return Napi::Number::New(info.Env(), Crc32c(bytes.Data(), bytes.ElementLength()));
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("seqModel", Napi::Function::New(env, SeqModel, "seqModel"));
  exports.Set("seqEncodeChunk", Napi::Function::New(env, SeqEncodeChunk, "seqEncodeChunk"));
  exports.Set("seqDecodeChunk", Napi::Function::New(env, SeqDecodeChunk, "seqDecodeChunk"));
  exports.Set("seqGroup", Napi::Function::New(env, SeqGroup, "seqGroup"));
  exports.Set("seqColumnStats", Napi::Function::New(env, SeqColumnStats, "seqColumnStats"));
  exports.Set("crc32c", Napi::Function::New(env, Crc, "crc32c"));
  exports.Set("seqWiden", Napi::Function::New(env, SeqWiden, "seqWiden"));
}

}  // namespace

}  // namespace recdata::seq

RECDATA_REGISTER_FAMILY(seq, recdata::seq::Init);
