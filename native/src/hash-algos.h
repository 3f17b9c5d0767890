// The four hash algorithms of docs/hash-spec.md, written once for the CPU kernels
// (hash.cc) and the CUDA kernels (cuda/hash.cu): XXH64, XXH3_64bits with seed,
// MurmurHash3_x86_32 and SipHash-2-4. Plain C++17 with no library calls besides
// memcpy, so nvcc compiles the same text for the device. The TypeScript twin in
// packages/hash/src/algorithms is the reference they are tested against.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#define RECDATA_HD __host__ __device__ __forceinline__
#else
#define RECDATA_HD inline __attribute__((always_inline))
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the hash kernels read little-endian values in place; a big-endian port must swap bytes"
#endif

namespace recdata {
namespace hash {

RECDATA_HD uint64_t Read64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

RECDATA_HD uint32_t Read32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

RECDATA_HD uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
RECDATA_HD uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

RECDATA_HD uint32_t Swap32(uint32_t x) {
  return ((x << 24) & 0xff000000u) | ((x << 8) & 0x00ff0000u) | ((x >> 8) & 0x0000ff00u) | ((x >> 24) & 0x000000ffu);
}

RECDATA_HD uint64_t Swap64(uint64_t x) {
  return (static_cast<uint64_t>(Swap32(static_cast<uint32_t>(x))) << 32) | Swap32(static_cast<uint32_t>(x >> 32));
}

// The 128-bit product of a and b, low half XOR high half.
RECDATA_HD uint64_t Mul128Fold64(uint64_t a, uint64_t b) {
#ifdef __CUDA_ARCH__
  return (a * b) ^ __umul64hi(a, b);
#else
  __uint128_t p = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
#endif
}

// ---------------------------------------------------------------- XXH64

constexpr uint64_t kP64_1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kP64_2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kP64_3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kP64_4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kP64_5 = 0x27D4EB2F165667C5ULL;

RECDATA_HD uint64_t Xxh64Round(uint64_t acc, uint64_t lane) {
  acc += lane * kP64_2;
  acc = Rotl64(acc, 31);
  return acc * kP64_1;
}

RECDATA_HD uint64_t Xxh64MergeRound(uint64_t acc, uint64_t v) {
  acc ^= Xxh64Round(0, v);
  return acc * kP64_1 + kP64_4;
}

RECDATA_HD uint64_t Xxh64Avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= kP64_2;
  h ^= h >> 29;
  h *= kP64_3;
  h ^= h >> 32;
  return h;
}

// The part of XXH64 after the 32-byte stripes: the remaining 8-byte lanes, one
// 4-byte word and single bytes. With L known at compile time the loops unroll.
template <int L>
RECDATA_HD uint64_t Xxh64Tail(const uint8_t* p, uint64_t h) {
  for (int i = 0; i < (L & 31) / 8; i++) {
    h ^= Xxh64Round(0, Read64(p));
    h = Rotl64(h, 27) * kP64_1 + kP64_4;
    p += 8;
  }
  if (L & 4) {
    h ^= static_cast<uint64_t>(Read32(p)) * kP64_1;
    h = Rotl64(h, 23) * kP64_2 + kP64_3;
    p += 4;
  }
  for (int i = 0; i < (L & 3); i++) {
    h ^= static_cast<uint64_t>(p[i]) * kP64_5;
    h = Rotl64(h, 11) * kP64_1;
  }
  return Xxh64Avalanche(h);
}

// XXH64 of exactly L bytes (L < 32): no length-dependent branch left.
template <int L>
RECDATA_HD uint64_t Xxh64Short(const uint8_t* p, uint64_t seed) {
  return Xxh64Tail<L>(p, seed + kP64_5 + static_cast<uint64_t>(L));
}

RECDATA_HD uint64_t Xxh64(const uint8_t* p, size_t len, uint64_t seed) {
  if (len < 32) {
    // One jump on the length instead of a branch per lane and per byte: short
    // strings of mixed lengths would mispredict each of those.
    switch (len) {
#define RECDATA_XXH64_CASE(n) \
  case n:                   \
    return Xxh64Short<n>(p, seed);
      RECDATA_XXH64_CASE(0) RECDATA_XXH64_CASE(1) RECDATA_XXH64_CASE(2) RECDATA_XXH64_CASE(3)
      RECDATA_XXH64_CASE(4) RECDATA_XXH64_CASE(5) RECDATA_XXH64_CASE(6) RECDATA_XXH64_CASE(7)
      RECDATA_XXH64_CASE(8) RECDATA_XXH64_CASE(9) RECDATA_XXH64_CASE(10) RECDATA_XXH64_CASE(11)
      RECDATA_XXH64_CASE(12) RECDATA_XXH64_CASE(13) RECDATA_XXH64_CASE(14) RECDATA_XXH64_CASE(15)
      RECDATA_XXH64_CASE(16) RECDATA_XXH64_CASE(17) RECDATA_XXH64_CASE(18) RECDATA_XXH64_CASE(19)
      RECDATA_XXH64_CASE(20) RECDATA_XXH64_CASE(21) RECDATA_XXH64_CASE(22) RECDATA_XXH64_CASE(23)
      RECDATA_XXH64_CASE(24) RECDATA_XXH64_CASE(25) RECDATA_XXH64_CASE(26) RECDATA_XXH64_CASE(27)
      RECDATA_XXH64_CASE(28) RECDATA_XXH64_CASE(29) RECDATA_XXH64_CASE(30) RECDATA_XXH64_CASE(31)
#undef RECDATA_XXH64_CASE
    }
  }
  const uint8_t* const end = p + len;
  uint64_t v1 = seed + kP64_1 + kP64_2;
  uint64_t v2 = seed + kP64_2;
  uint64_t v3 = seed;
  uint64_t v4 = seed - kP64_1;
  const uint8_t* const limit = end - 32;
  do {
    v1 = Xxh64Round(v1, Read64(p));
    v2 = Xxh64Round(v2, Read64(p + 8));
    v3 = Xxh64Round(v3, Read64(p + 16));
    v4 = Xxh64Round(v4, Read64(p + 24));
    p += 32;
  } while (p <= limit);
  uint64_t h = Rotl64(v1, 1) + Rotl64(v2, 7) + Rotl64(v3, 12) + Rotl64(v4, 18);
  h = Xxh64MergeRound(h, v1);
  h = Xxh64MergeRound(h, v2);
  h = Xxh64MergeRound(h, v3);
  h = Xxh64MergeRound(h, v4);
  h += static_cast<uint64_t>(len);
  // What is left is under 32 bytes: the same jump as above.
  switch (end - p) {
#define RECDATA_XXH64_TAIL(n) \
  case n:                   \
    return Xxh64Tail<n>(p, h);
    RECDATA_XXH64_TAIL(0) RECDATA_XXH64_TAIL(1) RECDATA_XXH64_TAIL(2) RECDATA_XXH64_TAIL(3)
    RECDATA_XXH64_TAIL(4) RECDATA_XXH64_TAIL(5) RECDATA_XXH64_TAIL(6) RECDATA_XXH64_TAIL(7)
    RECDATA_XXH64_TAIL(8) RECDATA_XXH64_TAIL(9) RECDATA_XXH64_TAIL(10) RECDATA_XXH64_TAIL(11)
    RECDATA_XXH64_TAIL(12) RECDATA_XXH64_TAIL(13) RECDATA_XXH64_TAIL(14) RECDATA_XXH64_TAIL(15)
    RECDATA_XXH64_TAIL(16) RECDATA_XXH64_TAIL(17) RECDATA_XXH64_TAIL(18) RECDATA_XXH64_TAIL(19)
    RECDATA_XXH64_TAIL(20) RECDATA_XXH64_TAIL(21) RECDATA_XXH64_TAIL(22) RECDATA_XXH64_TAIL(23)
    RECDATA_XXH64_TAIL(24) RECDATA_XXH64_TAIL(25) RECDATA_XXH64_TAIL(26) RECDATA_XXH64_TAIL(27)
    RECDATA_XXH64_TAIL(28) RECDATA_XXH64_TAIL(29) RECDATA_XXH64_TAIL(30) RECDATA_XXH64_TAIL(31)
#undef RECDATA_XXH64_TAIL
    default:
      return 0;  // unreachable: the loop leaves fewer than 32 bytes
  }
}

// ---------------------------------------------------------------- XXH3

constexpr uint32_t kP32_1 = 0x9E3779B1U;
constexpr uint32_t kP32_2 = 0x85EBCA77U;
constexpr uint32_t kP32_3 = 0xC2B2AE3DU;
constexpr uint64_t kMx1 = 0x165667919E3779F9ULL;
constexpr uint64_t kMx2 = 0x9FB21C651E98DF25ULL;
constexpr size_t kSecretSize = 192;
constexpr size_t kSecretSizeMin = 136;
constexpr size_t kStripeLen = 64;
constexpr size_t kSecretConsumeRate = 8;
constexpr size_t kStripesPerBlock = (kSecretSize - kStripeLen) / kSecretConsumeRate;
constexpr size_t kBlockLen = kStripeLen * kStripesPerBlock;

// XXH3's default secret (kSecret), once for the host and once in device constant memory.
#define RECDATA_XXH3_SECRET_BYTES \
  0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c, \
  0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f, \
  0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21, \
  0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c, \
  0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3, \
  0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8, \
  0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d, \
  0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64, \
  0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb, \
  0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e, \
  0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce, \
  0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,

struct Xxh3Secret {
  uint8_t bytes[kSecretSize];
};

inline constexpr uint8_t kXxh3SecretHost[kSecretSize] = {RECDATA_XXH3_SECRET_BYTES};
#ifdef __CUDACC__
static __constant__ uint8_t kXxh3SecretDevice[kSecretSize] = {RECDATA_XXH3_SECRET_BYTES};
#endif

RECDATA_HD const uint8_t* Xxh3DefaultSecret() {
#ifdef __CUDA_ARCH__
  return kXxh3SecretDevice;
#else
  return kXxh3SecretHost;
#endif
}

RECDATA_HD uint64_t Xxh3Avalanche(uint64_t h) {
  h ^= h >> 37;
  h *= kMx1;
  return h ^ (h >> 32);
}

RECDATA_HD uint64_t Xxh3Rrmxmx(uint64_t h, uint64_t len) {
  h ^= Rotl64(h, 49) ^ Rotl64(h, 24);
  h *= kMx2;
  h ^= (h >> 35) + len;
  h *= kMx2;
  return h ^ (h >> 28);
}

RECDATA_HD uint64_t Xxh3Mix16B(const uint8_t* in, const uint8_t* sec, uint64_t seed) {
  return Mul128Fold64(Read64(in) ^ (Read64(sec) + seed), Read64(in + 8) ^ (Read64(sec + 8) - seed));
}

RECDATA_HD uint64_t Xxh3Len0To16(const uint8_t* p, size_t len, uint64_t seed) {
  const uint8_t* s = Xxh3DefaultSecret();
  if (len > 8) {
    uint64_t flip1 = (Read64(s + 24) ^ Read64(s + 32)) + seed;
    uint64_t flip2 = (Read64(s + 40) ^ Read64(s + 48)) - seed;
    uint64_t lo = Read64(p) ^ flip1;
    uint64_t hi = Read64(p + len - 8) ^ flip2;
    uint64_t acc = static_cast<uint64_t>(len) + Swap64(lo) + hi + Mul128Fold64(lo, hi);
    return Xxh3Avalanche(acc);
  }
  if (len >= 4) {
    seed ^= static_cast<uint64_t>(Swap32(static_cast<uint32_t>(seed))) << 32;
    uint32_t in1 = Read32(p);
    uint32_t in2 = Read32(p + len - 4);
    uint64_t flip = (Read64(s + 8) ^ Read64(s + 16)) - seed;
    uint64_t in64 = in2 + (static_cast<uint64_t>(in1) << 32);
    return Xxh3Rrmxmx(in64 ^ flip, len);
  }
  if (len > 0) {
    uint32_t c1 = p[0];
    uint32_t c2 = p[len >> 1];
    uint32_t c3 = p[len - 1];
    uint32_t combined = (c1 << 16) | (c2 << 24) | c3 | (static_cast<uint32_t>(len) << 8);
    uint64_t flip = static_cast<uint64_t>(Read32(s) ^ Read32(s + 4)) + seed;
    return Xxh64Avalanche(static_cast<uint64_t>(combined) ^ flip);
  }
  return Xxh64Avalanche(seed ^ (Read64(s + 56) ^ Read64(s + 64)));
}

RECDATA_HD uint64_t Xxh3Len17To128(const uint8_t* p, size_t len, uint64_t seed) {
  const uint8_t* s = Xxh3DefaultSecret();
  uint64_t acc = static_cast<uint64_t>(len) * kP64_1;
  if (len > 32) {
    if (len > 64) {
      if (len > 96) {
        acc += Xxh3Mix16B(p + 48, s + 96, seed);
        acc += Xxh3Mix16B(p + len - 64, s + 112, seed);
      }
      acc += Xxh3Mix16B(p + 32, s + 64, seed);
      acc += Xxh3Mix16B(p + len - 48, s + 80, seed);
    }
    acc += Xxh3Mix16B(p + 16, s + 32, seed);
    acc += Xxh3Mix16B(p + len - 32, s + 48, seed);
  }
  acc += Xxh3Mix16B(p, s, seed);
  acc += Xxh3Mix16B(p + len - 16, s + 16, seed);
  return Xxh3Avalanche(acc);
}

RECDATA_HD uint64_t Xxh3Len129To240(const uint8_t* p, size_t len, uint64_t seed) {
  const uint8_t* s = Xxh3DefaultSecret();
  uint64_t acc = static_cast<uint64_t>(len) * kP64_1;
  for (size_t i = 0; i < 8; i++) acc += Xxh3Mix16B(p + 16 * i, s + 16 * i, seed);
  acc = Xxh3Avalanche(acc);
  size_t rounds = len / 16;
  for (size_t i = 8; i < rounds; i++) acc += Xxh3Mix16B(p + 16 * i, s + 16 * (i - 8) + 3, seed);
  acc += Xxh3Mix16B(p + len - 16, s + kSecretSizeMin - 17, seed);
  return Xxh3Avalanche(acc);
}

RECDATA_HD void Xxh3Accumulate512(uint64_t* acc, const uint8_t* in, const uint8_t* sec) {
  for (int i = 0; i < 8; i++) {
    uint64_t v = Read64(in + 8 * i);
    uint64_t k = v ^ Read64(sec + 8 * i);
    acc[i ^ 1] += v;
    acc[i] += static_cast<uint64_t>(static_cast<uint32_t>(k)) * (k >> 32);
  }
}

RECDATA_HD void Xxh3Scramble(uint64_t* acc, const uint8_t* sec) {
  for (int i = 0; i < 8; i++) {
    uint64_t a = acc[i];
    a ^= a >> 47;
    a ^= Read64(sec + 8 * i);
    acc[i] = a * kP32_1;
  }
}

RECDATA_HD uint64_t Xxh3Long(const uint8_t* p, size_t len, uint64_t seed) {
  Xxh3Secret custom;
  const uint8_t* s = Xxh3DefaultSecret();
  if (seed != 0) {
    for (size_t i = 0; i < kSecretSize / 16; i++) {
      uint64_t lo = Read64(s + 16 * i) + seed;
      uint64_t hi = Read64(s + 16 * i + 8) - seed;
      memcpy(custom.bytes + 16 * i, &lo, 8);
      memcpy(custom.bytes + 16 * i + 8, &hi, 8);
    }
    s = custom.bytes;
  }
  uint64_t acc[8] = {kP32_3, kP64_1, kP64_2, kP64_3, kP64_4, kP32_2, kP64_5, kP32_1};
  size_t blocks = (len - 1) / kBlockLen;
  for (size_t n = 0; n < blocks; n++) {
    for (size_t st = 0; st < kStripesPerBlock; st++) Xxh3Accumulate512(acc, p + n * kBlockLen + st * kStripeLen, s + st * kSecretConsumeRate);
    Xxh3Scramble(acc, s + kSecretSize - kStripeLen);
  }
  size_t stripes = ((len - 1) - kBlockLen * blocks) / kStripeLen;
  for (size_t st = 0; st < stripes; st++) Xxh3Accumulate512(acc, p + blocks * kBlockLen + st * kStripeLen, s + st * kSecretConsumeRate);
  Xxh3Accumulate512(acc, p + len - kStripeLen, s + kSecretSize - kStripeLen - 7);
  uint64_t result = static_cast<uint64_t>(len) * kP64_1;
  for (int i = 0; i < 4; i++) result += Mul128Fold64(acc[2 * i] ^ Read64(s + 11 + 16 * i), acc[2 * i + 1] ^ Read64(s + 11 + 16 * i + 8));
  return Xxh3Avalanche(result);
}

RECDATA_HD uint64_t Xxh3(const uint8_t* p, size_t len, uint64_t seed) {
  if (len <= 16) return Xxh3Len0To16(p, len, seed);
  if (len <= 128) return Xxh3Len17To128(p, len, seed);
  if (len <= 240) return Xxh3Len129To240(p, len, seed);
  return Xxh3Long(p, len, seed);
}

// ---------------------------------------------------------------- MurmurHash3_x86_32

RECDATA_HD uint32_t Murmur3MixK(uint32_t k) {
  k *= 0xcc9e2d51U;
  k = Rotl32(k, 15);
  return k * 0x1b873593U;
}

RECDATA_HD uint32_t Murmur3(const uint8_t* p, size_t len, uint32_t seed) {
  uint32_t h = seed;
  size_t blocks = len / 4;
  for (size_t i = 0; i < blocks; i++) {
    h ^= Murmur3MixK(Read32(p + 4 * i));
    h = Rotl32(h, 13);
    h = h * 5 + 0xe6546b64U;
  }
  const uint8_t* tail = p + 4 * blocks;
  uint32_t k = 0;
  switch (len & 3) {
    case 3:
      k ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h ^= Murmur3MixK(k);
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6bU;
  h ^= h >> 13;
  h *= 0xc2b2ae35U;
  h ^= h >> 16;
  return h;
}

// ---------------------------------------------------------------- SipHash-2-4

struct SipState {
  uint64_t v0, v1, v2, v3;
};

RECDATA_HD void SipRound(SipState& s) {
  s.v0 += s.v1;
  s.v1 = Rotl64(s.v1, 13);
  s.v1 ^= s.v0;
  s.v0 = Rotl64(s.v0, 32);
  s.v2 += s.v3;
  s.v3 = Rotl64(s.v3, 16);
  s.v3 ^= s.v2;
  s.v0 += s.v3;
  s.v3 = Rotl64(s.v3, 21);
  s.v3 ^= s.v0;
  s.v2 += s.v1;
  s.v1 = Rotl64(s.v1, 17);
  s.v1 ^= s.v2;
  s.v2 = Rotl64(s.v2, 32);
}

RECDATA_HD uint64_t SipHash24(const uint8_t* p, size_t len, uint64_t k0, uint64_t k1) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
  size_t blocks = len / 8;
  for (size_t i = 0; i < blocks; i++) {
    uint64_t m = Read64(p + 8 * i);
    s.v3 ^= m;
    SipRound(s);
    SipRound(s);
    s.v0 ^= m;
  }
  uint64_t b = static_cast<uint64_t>(len & 0xff) << 56;
  const uint8_t* tail = p + 8 * blocks;
  for (size_t i = 0; i < (len & 7); i++) b |= static_cast<uint64_t>(tail[i]) << (8 * i);
  s.v3 ^= b;
  SipRound(s);
  SipRound(s);
  s.v0 ^= b;
  s.v2 ^= 0xff;
  SipRound(s);
  SipRound(s);
  SipRound(s);
  SipRound(s);
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

// ---------------------------------------------------------------- one entry point

enum Algorithm : int { kXxh64 = 0, kXxh3 = 1, kMurmur3 = 2, kSipHash = 3 };

// The hash of one value under a seed, per docs/hash-spec.md: murmur3 takes the low
// 32 bits of the seed; SipHash uses the key (k0 XOR seed, k1).
template <int Algo>
RECDATA_HD uint64_t HashBytes(const uint8_t* p, size_t len, uint64_t seed, uint64_t k0, uint64_t k1) {
  if constexpr (Algo == kXxh64) {
    return Xxh64(p, len, seed);
  } else if constexpr (Algo == kXxh3) {
    return Xxh3(p, len, seed);
  } else if constexpr (Algo == kMurmur3) {
    return Murmur3(p, len, static_cast<uint32_t>(seed));
  } else {
    return SipHash24(p, len, k0 ^ seed, k1);
  }
}

}  // namespace hash
}  // namespace recdata
