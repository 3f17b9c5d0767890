// gpu-featurize's per-row work, written once for the CPU kernels (featurize-kernel.cc)
// and the CUDA kernels (cuda/featurize.cu): the float rule (compute in float64 with
// + - * / only, round once to float32), our own log1p, float16 and half-to-even
// rounding, value lookups and hashing through hash-values.h (dpu-hash's bytes).
// The TypeScript twins (packages/featurize/src/float.ts and kernels/) are the
// reference: every function here has the same text there. Compiled without
// fast-math and without contraction into fused multiply-adds (nvcc --fmad=false;
// g++ on x86-64 has no FMA without -march, and the pragma below keeps it so).
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "featurize-job.h"
#include "hash-values.h"

#if !defined(__CUDACC__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace recdata {
namespace fz {

// ---------------------------------------------------------------- float helpers

RECDATA_HD uint64_t Bits(double x) {
  uint64_t b;
  memcpy(&b, &x, 8);
  return b;
}

RECDATA_HD double FromBits(uint64_t b) {
  double x;
  memcpy(&x, &b, 8);
  return x;
}

RECDATA_HD int32_t HighWord(double x) { return static_cast<int32_t>(Bits(x) >> 32); }

RECDATA_HD double WithHighWord(double x, int32_t hi) {
  return FromBits((static_cast<uint64_t>(static_cast<uint32_t>(hi)) << 32) | (Bits(x) & 0xffffffffULL));
}

RECDATA_HD bool IsNaN(double x) { return x != x; }
RECDATA_HD bool IsFinite(double x) { return x - x == 0; }

// log(1 + x): fdlibm's s_log1p.c, as packages/featurize/src/float.ts (log1p64).
RECDATA_HD double Log1p(double x) {
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double Lp1 = 6.666666666666735130e-01;
  const double Lp2 = 3.999999999940941908e-01;
  const double Lp3 = 2.857142874366239149e-01;
  const double Lp4 = 2.222219843214978396e-01;
  const double Lp5 = 1.818357216161805012e-01;
  const double Lp6 = 1.531383769920937332e-01;
  const double Lp7 = 1.479819860511658591e-01;
  const int32_t hx = HighWord(x);
  const int32_t ax = hx & 0x7fffffff;
  int32_t k = 1;
  double f = 0;
  double c = 0;
  int32_t hu = 0;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) {
      if (x == -1.0) return -HUGE_VAL;
      return NAN;
    }
    if (ax < 0x3e200000) {
      if (ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= static_cast<int32_t>(0xbfd2bec3u)) {
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    double u;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = HighWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      hu = HighWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = WithHighWord(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = WithHighWord(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const double hfsq = 0.5 * f * f;
  const double dk = static_cast<double>(k);
  if (hu == 0) {
    if (f == 0) {
      if (k == 0) return 0;
      c += dk * ln2_lo;
      return dk * ln2_hi + c;
    }
    const double r = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - r;
    return dk * ln2_hi - ((r - (dk * ln2_lo + c)) - f);
  }
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double r = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + r));
  return dk * ln2_hi - ((hfsq - (s * (hfsq + r) + (dk * ln2_lo + c))) - f);
}

// numpy.rint: half to even, from floor only.
RECDATA_HD double RoundHalfEven(double v) {
  const double fl = floor(v);
  const double d = v - fl;
  if (d > 0.5) return fl + 1;
  if (d < 0.5) return fl;
  return fmod(fl, 2.0) == 0 ? fl : fl + 1;
}

// float32 -> float16 bits, round to nearest even; NaN -> 0x7e00.
RECDATA_HD uint16_t FloatToHalf(float value) {
  uint32_t x;
  memcpy(&x, &value, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const int32_t e = static_cast<int32_t>((x >> 23) & 0xffu);
  uint32_t m = x & 0x7fffffu;
  if (e == 0xff) return static_cast<uint16_t>(m != 0 ? 0x7e00u : (sign | 0x7c00u));
  const int32_t exp = e - 127 + 15;
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    m |= 0x800000u;
    const int32_t shift = 14 - exp;
    uint32_t half = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half & 1u) != 0)) half++;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = (static_cast<uint32_t>(exp) << 10) | (m >> 13);
  const uint32_t rem = m & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u) != 0)) half++;
  return static_cast<uint16_t>(sign | half);
}

// 2^e for -1022 <= e <= 1023, exactly.
RECDATA_HD double Pow2(int e) { return FromBits(static_cast<uint64_t>(e + 1023) << 52); }

// The value of float16 bits, exactly.
RECDATA_HD double HalfToDouble(uint16_t h) {
  const double sign = (h & 0x8000u) ? -1.0 : 1.0;
  const int e = (h >> 10) & 0x1f;
  const double m = static_cast<double>(h & 0x3ffu);
  if (e == 0) return sign * m * Pow2(-24);
  if (e == 31) return m != 0 ? NAN : sign * HUGE_VAL;
  return sign * (1.0 + m / 1024.0) * Pow2(e - 15);
}

// ---------------------------------------------------------------- reading columns

RECDATA_HD bool ValidAt(const uint8_t* bits, uint64_t offset, uint64_t i) {
  if (bits == nullptr) return true;
  const uint64_t b = offset + i;
  return (bits[b >> 3] >> (b & 7)) & 1;
}

RECDATA_HD double ReadNumber(const recdata_fz_numeric& n, uint64_t i) {
  const uint8_t* p = n.data;
  switch (n.type) {
    case RECDATA_FZ_I8: return static_cast<double>(reinterpret_cast<const int8_t*>(p)[i]);
    case RECDATA_FZ_U8: return static_cast<double>(p[i]);
    case RECDATA_FZ_I16: { int16_t v; memcpy(&v, p + 2 * i, 2); return static_cast<double>(v); }
    case RECDATA_FZ_U16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return static_cast<double>(v); }
    case RECDATA_FZ_I32: { int32_t v; memcpy(&v, p + 4 * i, 4); return static_cast<double>(v); }
    case RECDATA_FZ_U32: { uint32_t v; memcpy(&v, p + 4 * i, 4); return static_cast<double>(v); }
    case RECDATA_FZ_I64: { int64_t v; memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
    case RECDATA_FZ_U64: { uint64_t v; memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
    case RECDATA_FZ_F16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return HalfToDouble(v); }
    case RECDATA_FZ_F32: { float v; memcpy(&v, p + 4 * i, 4); return static_cast<double>(v); }
    default: { double v; memcpy(&v, p + 8 * i, 8); return v; }
  }
}

// An integer item as int64 (uint64 above 2^63 wraps, as two's complement).
RECDATA_HD int64_t ReadInteger(const recdata_fz_numeric& n, uint64_t i) {
  const uint8_t* p = n.data;
  switch (n.type) {
    case RECDATA_FZ_I8: return reinterpret_cast<const int8_t*>(p)[i];
    case RECDATA_FZ_U8: return p[i];
    case RECDATA_FZ_I16: { int16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case RECDATA_FZ_U16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case RECDATA_FZ_I32: { int32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case RECDATA_FZ_U32: { uint32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    default: { int64_t v; memcpy(&v, p + 8 * i, 8); return v; }
  }
}

// The bytes dpu-hash hashes for value j (docs/hash-spec.md): fixed-width values in
// place, floats canonical (-0.0 as +0.0, one NaN), bools as one byte, strings in
// place. Returns false with *bad set for offsets out of range.
RECDATA_HD bool ValueBytes(const recdata_hash_values& v, uint64_t j, uint8_t* scratch, const uint8_t** p, size_t* len, bool* bad) {
  switch (v.kind) {
    case RECDATA_VALUES_FIXED:
      *p = v.data + j * v.width;
      *len = v.width;
      return true;
    case RECDATA_VALUES_FLOAT16: {
      uint16_t b;
      memcpy(&b, v.data + 2 * j, 2);
      b = hash::CanonicalF16(b);
      memcpy(scratch, &b, 2);
      *p = scratch;
      *len = 2;
      return true;
    }
    case RECDATA_VALUES_FLOAT32: {
      uint32_t b = hash::CanonicalF32(hash::Read32(v.data + 4 * j));
      memcpy(scratch, &b, 4);
      *p = scratch;
      *len = 4;
      return true;
    }
    case RECDATA_VALUES_FLOAT64: {
      uint64_t b = hash::CanonicalF64(hash::Read64(v.data + 8 * j));
      memcpy(scratch, &b, 8);
      *p = scratch;
      *len = 8;
      return true;
    }
    case RECDATA_VALUES_BOOL:
      scratch[0] = hash::Bit(v.data, v.bit_offset + j) ? 1 : 0;
      *p = scratch;
      *len = 1;
      return true;
    case RECDATA_VALUES_VAR32:
    case RECDATA_VALUES_VAR64: {
      int64_t s, e;
      if (v.kind == RECDATA_VALUES_VAR32) {
        s = static_cast<const int32_t*>(v.offsets)[j];
        e = static_cast<const int32_t*>(v.offsets)[j + 1];
      } else {
        s = static_cast<const int64_t*>(v.offsets)[j];
        e = static_cast<const int64_t*>(v.offsets)[j + 1];
      }
      if (s < 0 || e < s || static_cast<uint64_t>(e) > v.data_bytes) {
        *bad = true;
        return false;
      }
      *p = v.data + s;
      *len = static_cast<size_t>(e - s);
      return true;
    }
    default:
      return false;
  }
}

RECDATA_HD uint64_t HashWith(int algorithm, const uint8_t* p, size_t len, uint64_t seed) {
  switch (algorithm) {
    case hash::kXxh64: return hash::HashBytes<hash::kXxh64>(p, len, seed, 0, 0);
    case hash::kXxh3: return hash::HashBytes<hash::kXxh3>(p, len, seed, 0, 0);
    default: return hash::HashBytes<hash::kMurmur3>(p, len, seed, 0, 0);
  }
}

RECDATA_HD bool SameBytes(const uint8_t* a, const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// A key's first 8 bytes, zero-padded (what a slot holds of it).
RECDATA_HD uint64_t KeyHead(const uint8_t* p, size_t len) {
  uint64_t head = 0;
  memcpy(&head, p, len < 8 ? len : 8);
  return head;
}

// The index stored for these bytes, or -1.
RECDATA_HD int64_t TableFind(const recdata_fz_table& t, uint64_t h, const uint8_t* p, size_t len) {
  if (t.slots == nullptr) return -1;
  const uint64_t head = KeyHead(p, len);
  uint64_t i = h & t.mask;
  for (;;) {
    const recdata_fz_slot& s = t.slots[i];
    if (s.value < 0) return -1;
    if (s.hash == h && s.length == len && s.head == head && (len <= 8 || SameBytes(t.keys + s.offset + 8, p + 8, len - 8))) return s.value;
    i = (i + 1) & t.mask;
  }
}

// Row i's value of a one-column step: its bytes, or false for a null (or, with
// *bad set, a corrupt) value.
RECDATA_HD bool StepBytes(const recdata_hash_step& step, uint64_t i, uint8_t* scratch, const uint8_t** p, size_t* len, bool* bad) {
  uint64_t j = 0;
  if (!hash::ValueIndex(step, i, &j, bad)) return false;
  return ValueBytes(step.values, j, scratch, p, len, bad);
}

// ---------------------------------------------------------------- outputs

RECDATA_HD void ClearValid(const recdata_fz_work& w, uint64_t i) {
#ifdef __CUDA_ARCH__
  atomicAnd(reinterpret_cast<unsigned int*>(w.out_validity) + (i >> 5), ~(1u << (i & 31)));
#else
  w.out_validity[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
#endif
}

RECDATA_HD float* F32Out(const recdata_fz_work& w, uint64_t i) { return static_cast<float*>(w.out) + w.out_offset + i * w.out_stride; }
RECDATA_HD int64_t* I64Out(const recdata_fz_work& w, uint64_t i) { return static_cast<int64_t*>(w.out) + w.out_offset + i * w.out_stride; }

// ---------------------------------------------------------------- the ops, one row each

// normalize, minmax, log1p, clip, fill: one float32 per row.
RECDATA_HD void RowDense(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i) {
  float* out = F32Out(w, i);
  const bool valid = ValidAt(w.num.validity, w.num.validity_offset, i);
  const double x = ReadNumber(w.num, i);
  if (f.op == RECDATA_FZ_FILL) {
    *out = (!valid || IsNaN(x)) ? static_cast<float>(f.a) : static_cast<float>(x);
    return;
  }
  if (!valid) {
    *out = NAN;
    if (w.out_validity) ClearValid(w, i);
    return;
  }
  switch (f.op) {
    case RECDATA_FZ_NORMALIZE:
      *out = f.b > 0 ? static_cast<float>((x - f.a) / f.b) : (IsNaN(x) ? NAN : 0.0f);
      break;
    case RECDATA_FZ_MINMAX: {
      const double range = f.b - f.a;
      *out = range > 0 ? static_cast<float>((x - f.a) / range) : (IsNaN(x) ? NAN : 0.0f);
      break;
    }
    case RECDATA_FZ_LOG1P:
      *out = static_cast<float>(Log1p(x));
      break;
    default:  // clip: NaN fails both comparisons and stays NaN
      *out = static_cast<float>(x < f.a ? f.a : x > f.b ? f.b : x);
      break;
  }
}

// numpy.digitize(x, boundaries, right=False); NaN sorts last.
RECDATA_HD int64_t BucketOf(const double* b, uint64_t n, double x) {
  if (IsNaN(x)) return static_cast<int64_t>(n);
  uint64_t lo = 0, hi = n;
  while (lo < hi) {
    const uint64_t mid = (lo + hi) >> 1;
    if (b[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return static_cast<int64_t>(lo);
}

RECDATA_HD void RowBucketize(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i) {
  int64_t* out = I64Out(w, i);
  if (!ValidAt(w.num.validity, w.num.validity_offset, i)) {
    *out = -1;
    if (w.out_validity) ClearValid(w, i);
    return;
  }
  *out = BucketOf(f.boundaries, f.boundary_count, ReadNumber(w.num, i));
}

// Returns false with *bad set for corrupt input.
RECDATA_HD bool RowCategorify(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i, bool* bad) {
  uint8_t scratch[8];
  const uint8_t* p = nullptr;
  size_t len = 0;
  int64_t* out = I64Out(w, i);
  if (!StepBytes(w.steps[0], i, scratch, &p, &len, bad)) {
    *out = 1;
    return !*bad;
  }
  const uint64_t h = HashWith(f.algorithm, p, len, f.seed);
  const int64_t rank = TableFind(f.table, h, p, len);
  *out = rank >= 0 ? f.code_base + rank : 2 + static_cast<int64_t>(hash::Bucket(h, f.buckets));
  return true;
}

// hash_bucket and hashed_cross: dpu-hash's bucket (a cross seeds column k with the hash of 0..k-1).
RECDATA_HD bool RowHashBucket(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i, bool* bad) {
  int64_t* out = I64Out(w, i);
  uint64_t h = f.seed;
  bool alive = true;
  for (size_t s = 0; s < w.step_count && alive; s++) {
    uint8_t scratch[8];
    const uint8_t* p = nullptr;
    size_t len = 0;
    if (!StepBytes(w.steps[s], i, scratch, &p, &len, bad)) {
      if (*bad) return false;
      alive = false;
    } else {
      h = HashWith(f.algorithm, p, len, h);
    }
  }
  if (!alive) {
    if (!f.has_null_hash) {
      *out = -1;
      if (w.out_validity) ClearValid(w, i);
      return true;
    }
    h = f.null_hash;
  }
  *out = static_cast<int64_t>(hash::Bucket(h, f.buckets));
  return true;
}

// target_encode: (sum + m * prior) / (count + m) of the row's category.
RECDATA_HD bool RowTarget(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i, uint64_t row_start, int training, bool* bad) {
  uint8_t scratch[8];
  const uint8_t* p = nullptr;
  size_t len = 0;
  int64_t c;
  if (StepBytes(w.steps[0], i, scratch, &p, &len, bad)) c = TableFind(f.table, HashWith(f.algorithm, p, len, f.seed), p, len);
  else if (*bad) return false;
  else c = f.null_category;
  double sum = 0, count = 0, prior = f.prior;
  if (training) {
    const uint64_t row = row_start + i;
    uint8_t bytes[8];
    memcpy(bytes, &row, 8);
    const uint64_t fold = hash::Bucket(hash::HashBytes<hash::kXxh64>(bytes, 8, f.fold_seed, 0, 0), f.folds);
    prior = f.prior_without[fold];
    if (c >= 0) {
      sum = f.total_sums[c] - f.sums[c * f.folds + fold];
      count = f.total_counts[c] - f.counts[c * f.folds + fold];
    }
  } else if (c >= 0) {
    sum = f.total_sums[c];
    count = f.total_counts[c];
  }
  const double d = count + f.smoothing;
  *F32Out(w, i) = static_cast<float>(d > 0 ? (sum + f.smoothing * prior) / d : prior);
  return true;
}

// seq_pad: the last (or first) `length` items of the list, in order, padded at the end (or start).
RECDATA_HD void RowSeqPad(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i) {
  const int64_t L = f.length;
  const bool valid = ValidAt(w.list_validity, w.list_validity_offset, i);
  const int64_t s = w.list_offsets[i];
  const int64_t e = w.list_offsets[i + 1];
  const int64_t len = valid ? e - s : 0;
  const int64_t c = len < L ? len : L;
  const int64_t from = f.keep_last ? e - c : s;
  const int64_t first = f.pad_start ? L - c : 0;
  for (int64_t j = 0; j < L; j++) {
    const int64_t k = j - first;
    const int64_t idx = (k >= 0 && k < c) ? from + k : -1;
    const bool pad = idx < 0 || !ValidAt(w.num.validity, w.num.validity_offset, static_cast<uint64_t>(idx));
    if (f.int_out) {
      I64Out(w, i)[j] = pad ? static_cast<int64_t>(f.pad) : ReadInteger(w.num, static_cast<uint64_t>(idx));
    } else {
      F32Out(w, i)[j] = pad ? static_cast<float>(f.pad) : static_cast<float>(ReadNumber(w.num, static_cast<uint64_t>(idx)));
    }
  }
}

// quantize one row to float16, or to int8 with a per-row scale; the error triple per row.
RECDATA_HD void RowQuantize(const recdata_fz_feature& f, const recdata_fz_work& w, uint64_t i) {
  const uint64_t D = f.dim;
  const uint64_t base = w.out_offset + i * w.out_stride;
  double sum = 0, max = 0, count = 0;
  if (!ValidAt(w.row_validity, w.row_validity_offset, i)) {
    for (uint64_t j = 0; j < D; j++) {
      if (f.to_int8) static_cast<int8_t*>(w.out)[base + j] = 0;
      else static_cast<uint16_t*>(w.out)[base + j] = 0;
    }
    if (w.out_scale) w.out_scale[i] = 0;
    if (w.out_validity) ClearValid(w, i);
  } else if (!f.to_int8) {
    uint16_t* h = static_cast<uint16_t*>(w.out);
    for (uint64_t j = 0; j < D; j++) {
      const uint64_t e = i * D + j;
      const double x = ValidAt(w.item_validity, w.item_validity_offset, e) ? static_cast<double>(w.items[e]) : NAN;
      const uint16_t b = FloatToHalf(static_cast<float>(x));
      h[base + j] = b;
      if (IsFinite(x)) {
        const double err = fabs(x - HalfToDouble(b));
        sum += err;
        if (err > max) max = err;
        count += 1;
      }
    }
  } else {
    int8_t* q8 = static_cast<int8_t*>(w.out);
    double maxAbs = 0;
    for (uint64_t j = 0; j < D; j++) {
      const uint64_t e = i * D + j;
      const double x = ValidAt(w.item_validity, w.item_validity_offset, e) ? static_cast<double>(w.items[e]) : NAN;
      if (IsFinite(x) && fabs(x) > maxAbs) maxAbs = fabs(x);
    }
    const float scale = static_cast<float>(maxAbs / 127.0);
    w.out_scale[i] = scale;
    for (uint64_t j = 0; j < D; j++) {
      const uint64_t e = i * D + j;
      const double x = ValidAt(w.item_validity, w.item_validity_offset, e) ? static_cast<double>(w.items[e]) : NAN;
      double q;
      if (IsNaN(x)) q = 0;
      else if (x == HUGE_VAL) q = 127;
      else if (x == -HUGE_VAL) q = -127;
      else if (scale > 0) {
        q = RoundHalfEven(x / static_cast<double>(scale));
        if (q > 127) q = 127;
        if (q < -127) q = -127;
      } else q = 0;
      q8[base + j] = static_cast<int8_t>(q);
      if (IsFinite(x)) {
        const double err = fabs(x - q * static_cast<double>(scale));
        sum += err;
        if (err > max) max = err;
        count += 1;
      }
    }
  }
  w.out_errors[3 * i] = sum;
  w.out_errors[3 * i + 1] = max;
  w.out_errors[3 * i + 2] = count;
}

}  // namespace fz
}  // namespace recdata
