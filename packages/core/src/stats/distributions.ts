/**
 * The distributions that strategy-audit and quality-scan need, written out so that
 * every interval and p-value can be traced to a formula (docs/strategy-stats.md,
 * docs/drift-metrics.md) and checked against SciPy (packages/core/test/distributions.test.ts):
 * - the standard normal CDF (W. J. Cody's rational approximations, as in R's pnorm)
 *   and quantile (Wichura's AS 241, PPND16), both to about 1e-16 relative;
 * - Student's t CDF through the regularised incomplete beta function, and its
 *   quantile by safeguarded Newton steps on that CDF;
 * - the chi-square survival function through the regularised upper incomplete gamma.
 */

const SQRT_32 = 5.656854249492380195206754896838;
const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;

const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
  11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091, 34900.952721145977266,
  38912.003286093271411, 19685.429676859990727,
];
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/** Both tails of the standard normal at x: [P(Z <= x), P(Z > x)], each accurate on its own. */
function normalTails(x: number): [number, number] {
  if (Number.isNaN(x)) return [NaN, NaN];
  if (x === Infinity) return [1, 0];
  if (x === -Infinity) return [0, 1];
  const y = Math.abs(x);
  let cum: number;
  let ccum: number;
  if (y <= 0.67448975) {
    let xnum = 0;
    let xden = 0;
    if (y > 1.1102230246251565e-16) {
      const xsq = x * x;
      xnum = A[4] * xsq;
      xden = xsq;
      for (let i = 0; i < 3; i++) {
        xnum = (xnum + A[i]) * xsq;
        xden = (xden + B[i]) * xsq;
      }
    }
    const temp = (x * (xnum + A[3])) / (xden + B[3]);
    return [0.5 + temp, 0.5 - temp];
  }
  if (y <= SQRT_32) {
    let xnum = C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]) * y;
      xden = (xden + D[i]) * y;
    }
    const temp = (xnum + C[7]) / (xden + D[7]);
    cum = gaussTail(y, temp);
  } else {
    const xsq = 1 / (x * x);
    let xnum = P[5] * xsq;
    let xden = xsq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + P[i]) * xsq;
      xden = (xden + Q[i]) * xsq;
    }
    let temp = (xsq * (xnum + P[4])) / (xden + Q[4]);
    temp = (ONE_OVER_SQRT_2PI - temp) / y;
    cum = gaussTail(y, temp);
  }
  ccum = 1 - cum;
  // cum is the tail beyond |x|: the lower tail for x < 0, the upper one for x > 0.
  return x > 0 ? [ccum, cum] : [cum, ccum];
}

/** exp(-y²/2)·factor, with y² split so that the exponent keeps its precision (Cody). */
function gaussTail(y: number, factor: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5) * factor;
}

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  return normalTails(x)[0];
}

/** P(Z > x), accurate far into the upper tail. */
export function normalSf(x: number): number {
  return normalTails(x)[1];
}

/** The x with P(Z <= x) = p (Wichura's AS 241). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -val : val;
}

const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4,
  0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3, -0.164318106536763890e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
];

/** ln Γ(x) for x > 0 (Lanczos, 14 terms: about 1e-15 relative). */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.999999999999997092;
  for (let j = 0; j < 14; j++) ser += LANCZOS[j] / ++y;
  return tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Stirling's correction lnΓ(z) - [(z-½)ln z - z + ½ln 2π] for z >= 10 (to about 1e-17). */
function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
}

/**
 * ln B(a, b). When one argument is large, lnΓ(big) and lnΓ(big + small) are huge and
 * nearly equal, so their difference is taken from Stirling's series instead, where
 * (big+small-½)ln(big+small) - (big-½)ln(big) is rewritten with log1p.
 */
export function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const sum = big + small;
  const ratio = (big - 0.5) * Math.log1p(small / big) + small * Math.log(sum) - small + stirlingCorrection(sum) - stirlingCorrection(big);
  return logGamma(small) - ratio;
}

const TINY = 1e-300;
const EPS = 1e-16;

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) return h;
  }
  return h;
}

/**
 * The regularised incomplete beta I_x(a, b) and its complement 1 - I_x(a, b), given
 * x and y = 1 - x separately (so neither loses digits to 1 - x). The fraction is
 * evaluated on the side where it converges; the other value is 1 minus it.
 */
export function incompleteBeta(a: number, b: number, x: number, y = 1 - x): [number, number] {
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const logFront = a * logX + b * logY - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const i = (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
    return [i, 1 - i];
  }
  const j = (Math.exp(logFront) * betaContinuedFraction(b, a, y)) / b;
  return [1 - j, j];
}

/** The tail P(T > |t|) of Student's t with df degrees of freedom (df may be fractional). */
function studentTail(t: number, df: number): number {
  const t2 = t * t;
  // x = df/(df+t²) and 1-x = t²/(df+t²), each computed directly.
  return 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2))[0];
}

/** P(T <= t) for Student's t with df > 0 degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = studentTail(t, df);
  return t > 0 ? 1 - tail : tail;
}

/** P(T > t). */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/** The density of Student's t. */
export function studentTPdf(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * The t with P(T <= t) = p: closed forms for df 1 and 2, otherwise Newton steps on
 * the CDF from the normal quantile (with the Cornish-Fisher correction), kept inside
 * a bracket that bisection narrows whenever a step would leave it.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity || df > 1e12) return normalQuantile(p);
  if (df === 1) return p < 0.5 ? -1 / Math.tan(Math.PI * p) : 1 / Math.tan(Math.PI * (1 - p));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // Solve for the upper-tail quantile of q = min(p, 1-p), then restore the sign.
  const upper = p > 0.5;
  const q = upper ? 1 - p : p;
  const z = -normalQuantile(q);
  // The Cornish-Fisher expansion in 1/df (Abramowitz and Stegun 26.7.5): for df >= 1e5
  // its first omitted term is below 1e-16 relative wherever |z| < 10.
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  const expansion = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
  if (df >= 1e5 && Math.abs(z) < 10) return upper ? expansion : -expansion;
  let t = Math.max(z + g1 / df + g2 / (df * df), 1e-300);
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const f = studentTSf(t, df) - q;
    if (f > 0) lo = t;
    else hi = t;
    const step = f / studentTPdf(t, df);
    let next = t + step;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = hi === Infinity ? Math.max(2 * t, lo * 2 + 1) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next)) {
      t = next;
      break;
    }
    t = next;
  }
  return upper ? t : -t;
}

/** The regularised lower incomplete gamma P(a, x) and its complement Q(a, x). */
export function incompleteGamma(a: number, x: number): [number, number] {
  if (x <= 0) return [0, 1];
  const logFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // The series for P.
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const pv = sum * Math.exp(logFront);
    return [pv, 1 - pv];
  }
  // The continued fraction for Q (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const qv = Math.exp(logFront) * h;
  return [1 - qv, qv];
}

/** P(X > x) for a chi-square X with k degrees of freedom; for k = 1 through the normal tail. */
export function chiSquareSf(x: number, k: number): number {
  if (Number.isNaN(x) || !(k > 0)) return NaN;
  if (x <= 0) return 1;
  if (k === 1) return 2 * normalSf(Math.sqrt(x));
  return incompleteGamma(k / 2, x / 2)[1];
}

/** P(X <= x) for a chi-square with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  if (Number.isNaN(x) || !(k > 0)) return NaN;
  if (x <= 0) return 0;
  if (k === 1) return 1 - 2 * normalSf(Math.sqrt(x));
  return incompleteGamma(k / 2, x / 2)[0];
}

/** Q(a, x) = Γ(a, x) / Γ(a), the upper regularised incomplete gamma function. */
export function gammaQ(a: number, x: number): number {
  return incompleteGamma(a, x)[1];
}
