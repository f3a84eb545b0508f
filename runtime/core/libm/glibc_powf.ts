/**
 * glibc's float powf (sysdeps/ieee754/flt-32/e_powf.c: Szabolcs Nagy's algorithm from Arm's
 * optimized-routines), as x86-64 glibc 2.36 runs it on a CPU with FMA (`__powf_fma`: GCC fuses
 * each a*b + c whose product has only additions for uses): log2(x) in double from a 16-entry
 * table and a degree-5 polynomial, y log2(x), then exp2f's table and cubic, rounded to float
 * once. NumPy 1.24 calls it for float32 np.power and ** on a CPU without AVX-512.
 */
import { exp2fCore, LOG2F_LOGC, logReduction, MAY_UNDERFLOW } from './glibc_expf_logf';
import { fma, float32Bits } from './fused';

const POLY = [0.288457581109214, -0.36092606229713164, 0.480898481472577, -0.7213474675006291, 1.4426950408774342];

/** log2(x) in double for x's float32 bits (positive; a subnormal's exponent made negative). */
function log2Inline(ix: number): number {
  const { k, i, r } = logReduction(ix);
  const y0 = LOG2F_LOGC[i]! + k;
  const r2 = r * r;
  const y = fma(POLY[0]!, r, POLY[1]!);
  const p = fma(POLY[2]!, r, POLY[3]!);
  const r4 = r2 * r2;
  const q = fma(p, r2, fma(POLY[4]!, r, y0));
  return fma(y, r4, q);
}

/** 0 where y (a nonzero finite float's bits) is not an integer, 1 where it is odd, 2 where even. */
function checkint(iy: number): 0 | 1 | 2 {
  const e = (iy >>> 23) & 0xff;
  if (e < 0x7f) return 0;
  if (e > 0x7f + 23) return 2;
  if (iy & ((1 << (0x7f + 23 - e)) - 1)) return 0;
  return iy & (1 << (0x7f + 23 - e)) ? 1 : 2;
}

/** 0, infinities and NaN (their bits doubled, less 1, wrap to the top). */
const zeroInfNan = (i: number): boolean => ((2 * i - 1) >>> 0) >= 2 * 0x7f800000 - 1;

/** The largest and smallest y log2(x) that round to a finite float and to a nonzero one. */
const OVERFLOW = 127.99999995700433;
const UNDERFLOW = -150;

export function glibcPowf(x: number, y: number): number {
  let ix = float32Bits(x);
  const iy = float32Bits(y);
  let sign = 1;
  if (((ix - 0x00800000) >>> 0) >= 0x7f800000 - 0x00800000 || zeroInfNan(iy)) {
    if (zeroInfNan(iy)) {
      if (y === 0 || x === 1) return 1;
      if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
      if (Math.abs(x) === 1) return 1;
      return Math.abs(x) < 1 === (y > 0) ? 0 : Infinity;
    }
    if (zeroInfNan(ix)) {
      let x2 = Math.fround(x * x);
      if (ix & 0x80000000 && checkint(iy) === 1) x2 = -x2;
      return iy & 0x80000000 ? 1 / x2 : x2;
    }
    if (ix & 0x80000000) {
      const yint = checkint(iy);
      if (yint === 0) return NaN;
      if (yint === 1) sign = -1;
      ix &= 0x7fffffff;
    }
    // NB: a subnormal scaled by 2^23 and its exponent taken back: negative in the biased field.
    if (ix < 0x00800000) ix = (float32Bits(Math.abs(x) * 2 ** 23) & 0x7fffffff) - (23 << 23);
  }
  const ylogx = y * log2Inline(ix);
  if (Math.abs(ylogx) >= 126) {
    if (ylogx > OVERFLOW) return sign * Infinity;
    if (ylogx <= UNDERFLOW) return sign * 0;
    if (ylogx < UNDERFLOW + 1) return sign * MAY_UNDERFLOW;
  }
  return Math.fround(exp2fCore(ylogx, sign));
}
