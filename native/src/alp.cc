// ALP-style lossless float coding, twin of packages/seq/src/codec/alp.ts: when
// every value of a sequence is a decimal with at most e digits after the point
// (e = 0..18), it is stored as n = round(v * 10^e) (round half up: floor, plus 1
// when the rest is >= 0.5) and decoded as n / 10^e in float64 (then rounded once
// to float32 for float32 columns). The smallest e at which every value comes back
// bit for bit is kept; -0.0, NaN, infinities and |n| > 2^53 keep the raw form.
// Built without -ffast-math and with SSE2 doubles, so every step is the IEEE
// operation JavaScript performs.
#include <cmath>

#include "seq_codecs.h"

namespace recdata::seq {

namespace {

constexpr double kLimit = 9007199254740992.0;

const double* Pow10() {
  static const double table[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  return table;
}

double LaneFloat(int64_t v, bool single) {
  if (single) {
    uint32_t bits = static_cast<uint32_t>(static_cast<uint64_t>(v));
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}

int64_t FloatLane(double x, bool single) {
  if (single) {
    float f = static_cast<float>(x);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return static_cast<int64_t>(bits);
  }
  int64_t v;
  std::memcpy(&v, &x, 8);
  return v;
}

double RoundHalfUp(double x) {
  double r = std::floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

bool Exact(double n, int e, int64_t v, bool single) { return FloatLane(n / Pow10()[e], single) == v; }

}  // namespace

int AlpEncode(const int64_t* v, size_t count, bool single, std::vector<int64_t>& ints) {
  const double* p10 = Pow10();
  int e = 0;
  for (size_t i = 0; i < count; i++) {
    double x = LaneFloat(v[i], single);
    if (!std::isfinite(x)) return -1;
    for (;;) {
      double scaled = x * p10[e];
      if (std::fabs(scaled) <= kLimit && Exact(RoundHalfUp(scaled) + 0.0, e, v[i], single)) break;
      if (++e > kAlpMaxExponent) return -1;
    }
  }
  ints.resize(count);
  for (size_t i = 0; i < count; i++) {
    double scaled = LaneFloat(v[i], single) * p10[e];
    if (!(std::fabs(scaled) <= kLimit)) return -1;
    // + 0.0 turns -0 into 0: the integer has no sign of zero, so -0.0 stays raw.
    double n = RoundHalfUp(scaled) + 0.0;
    if (!Exact(n, e, v[i], single)) return -1;
    ints[i] = static_cast<int64_t>(n);
  }
  return e;
}

bool AlpDecodeOne(int64_t n, int e, bool single, int64_t* out) {
  if (n > 9007199254740992LL || n < -9007199254740992LL) return false;
  *out = FloatLane(static_cast<double>(n) / Pow10()[e], single);
  return true;
}

}  // namespace recdata::seq
