/**
 * glibc's expm1 and log1p (sysdeps/ieee754/dbl-64/s_expm1.c, s_log1p.c: fdlibm's algorithms with
 * their polynomials evaluated in parallel pieces, R1 + h2 R2 + h4 R3, where fdlibm and V8's
 * Math.expm1/log1p use Horner's rule, so the two round differently for ~0.1% of inputs), and the
 * functions glibc builds on them: tanh (s_tanh.c) and atanh (e_atanh.c). Debian's glibc 2.36
 * runs FMA variants of expm1 and log1p (ifuncs): their fused multiply-adds are where the machine
 * code of its libm.so.6 has them (objdump), which the source alone does not say.
 */
import { fma } from './fused';

const LN2_HI = 6.9314718036912382e-1; // 0x3fe62e42fee00000
const LN2_LO = 1.9082149292705877e-10; // 0x3dea39ef35793c76
const INV_LN2 = 1.4426950408889634;
const O_THRESHOLD = 709.782712893384;
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;
const LP1 = 6.666666666666735130e-1;
const LP2 = 3.999999999940941908e-1;
const LP3 = 2.857142874366239149e-1;
const LP4 = 2.222219843214978396e-1;
const LP5 = 1.818357216161805012e-1;
const LP6 = 1.531383769920937332e-1;
const LP7 = 1.479819860511658591e-1;

const view = new DataView(new ArrayBuffer(8));

function highWord(x: number): number {
  view.setFloat64(0, x);
  return view.getUint32(0);
}

function withHighWord(x: number, hi: number): number {
  view.setFloat64(0, x);
  view.setUint32(0, hi >>> 0);
  return view.getFloat64(0);
}

/** y * 2^k, by adding k to y's exponent field (as the C code does: no rounding). */
const addExponent = (y: number, k: number) => withHighWord(y, highWord(y) + (k << 20));

export function glibcExpm1(x: number): number {
  const negative = x < 0 || Object.is(x, -0);
  const hx = highWord(x) & 0x7fffffff;
  if (hx >= 0x4043687a) {
    // |x| >= 56 ln2
    if (Number.isNaN(x)) return x;
    if (x === Infinity) return x;
    if (x > O_THRESHOLD) return Infinity;
    if (negative) return -1;
  }
  let k: number;
  let c = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2 / 2: x = k ln2 + r, r as hi - lo with its rounding error c.
    let hi: number;
    let lo: number;
    if (hx < 0x3ff0a2b2) {
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = Math.trunc(INV_LN2 * x + (negative ? -0.5 : 0.5));
      hi = fma(-k, LN2_HI, x);
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    return x;
  } else k = 0;
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const h2 = hxs * hxs;
  const r1 = fma(h2 * h2, fma(hxs, Q5, Q4), fma(h2, fma(hxs, Q3, Q2), fma(hxs, Q1, 1)));
  let t = fma(-r1, hfx, 3);
  let e = hxs * ((r1 - t) / fma(-x, t, 6));
  if (k === 0) return x - fma(e, x, -hxs);
  e = fma(e - c, x, -c);
  e -= hxs;
  if (k === -1) return fma(x - e, 0.5, -0.5);
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : fma(x - e, 2, 1);
  if (k <= -2 || k > 56) return addExponent(1 - (e - x), k) - 1;
  if (k < 20) {
    t = withHighWord(1, 0x3ff00000 - (0x200000 >> k)); // 1 - 2^-k
    return addExponent(t - (e - x), k);
  }
  t = withHighWord(1, (0x3ff - k) << 20); // 2^-k
  return addExponent(x - (e + t) + 1, k);
}

export function glibcLog1p(x: number): number {
  const hx = highWord(x) | 0;
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN;
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : fma(-(x * x), 0.5, x);
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) {
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u;
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) u = withHighWord(u, hu | 0x3ff00000);
    else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : fma(k, LN2_HI, fma(k, LN2_LO, c));
    const r = hfsq * fma(-f, 0.66666666666666666, 1);
    return k === 0 ? f - r : fma(k, LN2_HI, -(r - fma(k, LN2_LO, c) - f));
  }
  const s = f / (2 + f);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  const r = fma(z4 * z2, fma(z, LP7, LP6), fma(z4, fma(z, LP5, LP4), fma(z, LP1, z2 * fma(z, LP3, LP2))));
  if (k === 0) return f - (hfsq - s * (hfsq + r));
  return fma(k, LN2_HI, -(hfsq - (s * (hfsq + r) + fma(k, LN2_LO, c)) - f));
}

export function glibcTanh(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax === Infinity) return x > 0 ? 1 : -1;
  let z: number;
  if (ax < 22) {
    if (x === 0) return x;
    if (ax < 2 ** -55) return x * (1 + x);
    if (ax >= 1) {
      const t = glibcExpm1(2 * ax);
      z = 1 - 2 / (t + 2);
    } else {
      const t = glibcExpm1(-2 * ax);
      z = -t / (t + 2);
    }
  } else z = 1;
  return x >= 0 ? z : -z;
}

export function glibcAtanh(x: number): number {
  const xa = Math.abs(x);
  let t: number;
  if (xa < 0.5) {
    if (xa < 2 ** -28) return x;
    t = xa + xa;
    t = 0.5 * glibcLog1p(t + (t * xa) / (1 - xa));
  } else if (xa < 1) t = 0.5 * glibcLog1p((xa + xa) / (1 - xa));
  else if (xa > 1 || Number.isNaN(xa)) return NaN;
  else return x / 0;
  return x < 0 || Object.is(x, -0) ? -t : t;
}
