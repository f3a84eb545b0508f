/**
 * glibc's float expm1f, log1pf, atanf, asinf, acosf and cbrtf (sysdeps/ieee754/flt-32/s_expm1f.c,
 * s_log1pf.c, s_atanf.c, e_asinf.c, e_acosf.c: fdlibm's float code; s_cbrtf.c: glibc's own), which NumPy 1.24 calls for float32
 * arrays on a CPU without AVX-512 (with AVX-512 it runs Intel's SVML instead, whose last bits
 * differ for 3-26% of arguments). glibc builds these without FMA, so each float operation is
 * one Math.fround; cbrtf's mixed expressions are double, as C evaluates them.
 */
import { float32Bits, float32FromBits } from './fused';
import { frexp, ldexp } from './exponent';

const f = Math.fround;

const LN2_HI = f(6.9313812256e-01);
const LN2_LO = f(9.0580006145e-06);
const LP = [6.6666668653e-01, 4.0000000596e-01, 2.8571429849e-01, 2.2222198546e-01, 1.8183572590e-01, 1.5313838422e-01, 1.4798198640e-01].map(f);

/** glibc's log1pf: 1 + x = 2^k (1 + f) with a correction c for the rounding of 1 + x, log(1 + f) by s = f / (2 + f). */
export function glibcLog1pf(x: number): number {
  const hx = float32Bits(x) | 0;
  const ax = hx & 0x7fffffff;
  let k = 1;
  let fr = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3ed413d7) {
    if (ax >= 0x3f800000) return x === -1 ? -Infinity : NaN;
    if (ax < 0x31000000) return ax < 0x24800000 ? x : f(x - f(f(x * x) * 0.5));
    if (hx > 0 || hx <= (0xbe95f61f | 0)) {
      k = 0;
      fr = x;
      hu = 1;
    }
  }
  if (hx >= 0x7f800000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x5a000000) {
      u = f(1 + x);
      hu = float32Bits(u);
      k = (hu >> 23) - 127;
      c = k > 0 ? f(1 - f(u - x)) : f(x - f(u - 1));
      c = f(c / u);
    } else {
      u = x;
      hu = float32Bits(u);
      k = (hu >> 23) - 127;
      c = 0;
    }
    hu &= 0x007fffff;
    if (hu < 0x3504f7) {
      u = float32FromBits(hu | 0x3f800000);
    } else {
      k += 1;
      u = float32FromBits(hu | 0x3f000000);
      hu = (0x00800000 - hu) >> 2;
    }
    fr = f(u - 1);
  }
  const hfsq = f(f(0.5 * fr) * fr);
  if (hu === 0) {
    if (fr === 0) {
      if (k === 0) return 0;
      c = f(c + f(k * LN2_LO));
      return f(f(k * LN2_HI) + c);
    }
    const R = f(hfsq * f(1 - f(f(0.66666666666666666) * fr)));
    if (k === 0) return f(fr - R);
    return f(f(k * LN2_HI) - f(f(R - f(f(k * LN2_LO) + c)) - fr));
  }
  const s = f(fr / f(2 + fr));
  const z = f(s * s);
  let R = f(z * LP[6]!);
  for (let i = 5; i >= 0; i--) R = f(z * f(LP[i]! + R));
  if (k === 0) return f(fr - f(hfsq - f(s * f(hfsq + R))));
  return f(f(k * LN2_HI) - f(f(hfsq - f(f(s * f(hfsq + R)) + f(f(k * LN2_LO) + c))) - fr));
}

const O_THRESHOLD = f(8.8721679688e+01);
const INV_LN2 = f(1.4426950216e+00);
const EXPM1_Q = [-3.3333335072e-02, 1.5873016091e-03, -7.9365076090e-05, 4.0082177293e-06, -2.0109921195e-07].map(f);

/** y (a float32) with k added to its exponent field, as SET_FLOAT_WORD(y, i + (k << 23)). */
const addExponent = (y: number, k: number): number => float32FromBits((float32Bits(y) + (k << 23)) >>> 0);

/** glibc's expm1f: x = k ln2 + r (hi - lo, with its correction c), expm1(r) by a rational form in r/2, scaled back by 2^k. */
export function glibcExpm1f(x: number): number {
  const bits = float32Bits(x);
  const negative = bits >>> 31 === 1;
  const hx = bits & 0x7fffffff;
  if (hx >= 0x4195b844) {
    if (hx >= 0x42b17218) {
      if (hx > 0x7f800000) return x + x;
      if (hx === 0x7f800000) return negative ? -1 : x;
      if (x > O_THRESHOLD) return Infinity;
    }
    if (negative) return -1;
  }
  let k = 0;
  let c = 0;
  if (hx > 0x3eb17218) {
    let hi: number;
    let lo: number;
    if (hx < 0x3f851592) {
      [hi, lo, k] = negative ? [f(x + LN2_HI), -LN2_LO, -1] : [f(x - LN2_HI), LN2_LO, 1];
    } else {
      k = Math.trunc(f(f(INV_LN2 * x) + (negative ? -0.5 : 0.5)));
      hi = f(x - f(k * LN2_HI));
      lo = f(k * LN2_LO);
    }
    x = f(hi - lo);
    c = f(f(hi - x) - lo);
  } else if (hx < 0x33000000) {
    return x;
  }
  const hfx = f(0.5 * x);
  const hxs = f(x * hfx);
  let q = f(hxs * EXPM1_Q[4]!);
  for (let i = 3; i >= 0; i--) q = f(hxs * f(EXPM1_Q[i]! + q));
  const r1 = f(1 + q);
  const t = f(3 - f(r1 * hfx));
  let e = f(hxs * f(f(r1 - t) / f(6 - f(x * t))));
  if (k === 0) return f(x - f(f(x * e) - hxs));
  e = f(f(x * f(e - c)) - c);
  e = f(e - hxs);
  if (k === -1) return f(f(0.5 * f(x - e)) - 0.5);
  if (k === 1) return x < -0.25 ? f(-2 * f(e - f(x + 0.5))) : f(1 + f(2 * f(x - e)));
  if (k <= -2 || k > 56) return f(addExponent(f(1 - f(e - x)), k) - 1);
  if (k < 23) return addExponent(f(float32FromBits(0x3f800000 - (0x1000000 >> k)) - f(e - x)), k);
  return addExponent(f(f(x - f(e + float32FromBits((0x7f - k) << 23))) + 1), k);
}

const ATAN_HI = [4.6364760399e-01, 7.8539812565e-01, 9.8279368877e-01, 1.5707962513e+00].map(f);
const ATAN_LO = [5.0121582440e-09, 3.7748947079e-08, 3.4473217170e-08, 7.5497894159e-08].map(f);
const AT = [
  3.3333334327e-01, -2.0000000298e-01, 1.4285714924e-01, -1.1111110449e-01, 9.0908870101e-02, -7.6918758452e-02,
  6.6610731184e-02, -5.8335702866e-02, 4.9768779427e-02, -3.6531571299e-02, 1.6285819933e-02,
].map(f);

/** glibc's atanf: |x| reduced about 0.5, 1, 1.5 or infinity, then atan's odd series split into two polynomials in x^4. */
export function glibcAtanf(x: number): number {
  const hx = float32Bits(x) | 0;
  const ix = hx & 0x7fffffff;
  if (ix >= 0x4c000000) {
    if (ix > 0x7f800000) return x + x;
    const edge = f(ATAN_HI[3]! + ATAN_LO[3]!);
    return hx > 0 ? edge : -edge;
  }
  let id: number;
  if (ix < 0x3ee00000) {
    if (ix < 0x31000000) return x;
    id = -1;
  } else {
    x = Math.abs(x);
    if (ix < 0x3f980000) {
      if (ix < 0x3f300000) {
        id = 0;
        x = f(f(f(2 * x) - 1) / f(2 + x));
      } else {
        id = 1;
        x = f(f(x - 1) / f(x + 1));
      }
    } else if (ix < 0x401c0000) {
      id = 2;
      x = f(f(x - 1.5) / f(1 + f(1.5 * x)));
    } else {
      id = 3;
      x = f(-1 / x);
    }
  }
  const z = f(x * x);
  const w = f(z * z);
  let s1 = f(w * AT[10]!);
  for (const i of [8, 6, 4, 2]) s1 = f(w * f(AT[i]! + s1));
  s1 = f(z * f(AT[0]! + s1));
  let s2 = f(w * AT[9]!);
  for (const i of [7, 5, 3]) s2 = f(w * f(AT[i]! + s2));
  s2 = f(w * f(AT[1]! + s2));
  if (id < 0) return f(x - f(x * f(s1 + s2)));
  const r = f(ATAN_HI[id]! - f(f(f(x * f(s1 + s2)) - ATAN_LO[id]!) - x));
  return hx < 0 ? -r : r;
}

const CBRT2 = 1.2599210498948731648;
const SQR_CBRT2 = 1.5874010519681994748;
const CBRT_FACTOR = [1 / SQR_CBRT2, 1 / CBRT2, 1, CBRT2, SQR_CBRT2];

/** glibc's cbrtf: |x| = m 2^e, a quadratic first guess u of cbrt(m), one Halley step in double, times 2^(e/3) and cbrt(2)^(e%3). */
export function glibcCbrtf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x + x;
  const [xm, xe] = frexp(Math.abs(x));
  const u = f(0.492659620528969547 + (0.697570460207922770 - 0.191502161678719066 * xm) * xm);
  const t2 = f(f(u * u) * u);
  const ym = f(((u * (t2 + 2.0 * xm)) / (2.0 * t2 + xm)) * CBRT_FACTOR[2 + (xe % 3)]!);
  return f(ldexp(x > 0 ? ym : -ym, Math.trunc(xe / 3)));
}

const PIO2_HI = f(1.57079637050628662109375);
const PIO2_LO = f(-4.37113900018624283e-8);
const PIO4_HI = f(0.785398185253143310546875);
const ASIN_P = [1.666675248e-1, 7.495297643e-2, 4.547037598e-2, 2.417951451e-2, 4.216630880e-2].map(f);

/** asinf's polynomial t p(t), Horner's rule in float. */
function asinPoly(t: number): number {
  let p = f(t * ASIN_P[4]!);
  for (let i = 3; i >= 0; i--) p = f(t * f(ASIN_P[i]! + p));
  return p;
}

/** x with its low 12 mantissa bits cleared (SET_FLOAT_WORD(w, iw & 0xfffff000)). */
const truncated = (x: number): number => float32FromBits((float32Bits(x) & 0xfffff000) >>> 0);

/** glibc's asinf: x + x^3 p(x^2) below 0.5; above, pi/2 - 2 asin(sqrt((1 - |x|)/2)) with sqrt split in two. */
export function glibcAsinf(x: number): number {
  const hx = float32Bits(x) | 0;
  const ix = hx & 0x7fffffff;
  if (ix === 0x3f800000) return f(f(x * PIO2_HI) + f(x * PIO2_LO));
  if (ix > 0x3f800000) return NaN;
  if (ix < 0x3f000000) {
    if (ix < 0x32000000) return x;
    return f(x + f(x * asinPoly(f(x * x))));
  }
  const w = f(1 - Math.abs(x));
  const t = f(w * 0.5);
  const p = asinPoly(t);
  const s = f(Math.sqrt(t));
  let r: number;
  if (ix >= 0x3f79999a) {
    r = f(PIO2_HI - f(f(2 * f(s + f(s * p))) - PIO2_LO));
  } else {
    const v = truncated(s);
    const c = f(f(t - f(v * v)) / f(s + v));
    const pp = f(f(f(2 * s) * p) - f(PIO2_LO - f(2 * c)));
    const q = f(PIO4_HI - f(2 * v));
    r = f(PIO4_HI - f(pp - q));
  }
  return hx > 0 ? r : -r;
}

const PI_F = f(3.1415925026e+00);
const ACOS_PIO2_HI = f(1.5707962513e+00);
const ACOS_PIO2_LO = f(7.5497894159e-08);
const ACOS_P = [1.6666667163e-01, -3.2556581497e-01, 2.0121252537e-01, -4.0055535734e-02, 7.9153501429e-04, 3.4793309169e-05].map(f);
const ACOS_Q = [-2.4033949375e+00, 2.0209457874e+00, -6.8828397989e-01, 7.7038154006e-02].map(f);

/** acosf's rational function p(z)/q(z). */
function acosRatio(z: number): number {
  let p = f(z * ACOS_P[5]!);
  for (let i = 4; i >= 0; i--) p = f(z * f(ACOS_P[i]! + p));
  let q = f(z * ACOS_Q[3]!);
  for (let i = 2; i >= 0; i--) q = f(z * f(ACOS_Q[i]! + q));
  return f(p / f(1 + q));
}

/** glibc's acosf: pi/2 - (x + x r(x^2)) below 0.5; above, 2 asin(sqrt((1 -+ x)/2)) through the same rational function. */
export function glibcAcosf(x: number): number {
  const hx = float32Bits(x) | 0;
  const ix = hx & 0x7fffffff;
  if (ix === 0x3f800000) return hx > 0 ? 0 : f(PI_F + f(2 * ACOS_PIO2_LO));
  if (ix > 0x3f800000) return NaN;
  if (ix < 0x3f000000) {
    if (ix <= 0x32800000) return f(ACOS_PIO2_HI + ACOS_PIO2_LO);
    const r = acosRatio(f(x * x));
    return f(ACOS_PIO2_HI - f(x - f(ACOS_PIO2_LO - f(x * r))));
  }
  if (hx < 0) {
    const z = f(f(1 + x) * 0.5);
    const s = f(Math.sqrt(z));
    const w = f(f(acosRatio(z) * s) - ACOS_PIO2_LO);
    return f(PI_F - f(2 * f(s + w)));
  }
  const z = f(f(1 - x) * 0.5);
  const s = f(Math.sqrt(z));
  const df = truncated(s);
  const c = f(f(z - f(df * df)) / f(s + df));
  const w = f(f(acosRatio(z) * s) + c);
  return f(2 * f(df + w));
}
