/**
 * glibc's double pow (since 2.28; Szabolcs Nagy's algorithm from Arm's optimized-routines,
 * sysdeps/ieee754/dbl-64/e_pow.c), as x86-64 glibc runs it on a CPU with FMA (`__pow_fma`, which
 * CPython's `**` on floats and math.pow call): log(x) to about 68 bits from a table of 128
 * subintervals and a polynomial, times y in two parts, through exp's own inner function. GCC
 * fuses each multiply-add. Within 0.52 ulp, not correctly rounded.
 */
import { expInline } from './glibc_exp';
import { fma, productError } from './fused';
import { integerPowerCertain, MAX_FAST_EXPONENT } from './pow_integer';
import { LN2_HI, LN2_LO, POLY as A, TAB } from './glibc_pow_data';

const view = new DataView(new ArrayBuffer(8));
/** The high word of 0x3fe6955500000000: the table's subintervals start at 0x1.6955p-1. */
const OFF_HI = 0x3fe69555;

/**
 * logInline's lo. NB: an element of a typed array, not a returned pair (an array made each call)
 * nor a module variable (V8 boxes each double stored in one).
 */
const logLo = new Float64Array(1);

/**
 * log(x) as hi (returned) + lo (`logLo[0]`), x positive, finite and normal (or a subnormal's bits
 * renormalised: `hiWord` may be negative). GCC's fused multiply-adds whose product is exact are a
 * multiply and an add here (the same rounding, once), and fma(a, b, -a*b) is the product's error.
 */
function logInline(hiWord: number, loWord: number): number {
  const tmp = (hiWord - OFF_HI) | 0;
  const i = (tmp >>> 13) & 127;
  const k = tmp >> 20;
  view.setUint32(0, (hiWord - (tmp & 0xfff00000)) >>> 0);
  view.setUint32(4, loWord >>> 0);
  const z = view.getFloat64(0);
  const invc = TAB[3 * i]!;
  const logc = TAB[3 * i + 1]!;
  const logctail = TAB[3 * i + 2]!;
  // NB: fma(z, invc, -1), which is exact (invc has 8 bits, |r| < 2^-7): z*invc - 1 is exact too (z*invc lies near 1), and its product's error is the rest.
  const p = z * invc;
  const r = p - 1 + productError(z, invc, p);
  // NB: k*LN2_HI is exact: |k| < 2^11 and LN2_HI has 42 significant bits.
  const t1 = k * LN2_HI + logc;
  const t2 = t1 + r;
  const lo1 = fma(k, LN2_LO, logctail);
  const lo2 = t1 - t2 + r;
  const ar = A[0]! * r;
  const ar2 = r * ar;
  const ar3 = r * ar2;
  const hi = t2 + ar2;
  const lo3 = productError(ar, r, ar2);
  const lo4 = t2 - hi + ar2;
  const inner = fma(ar2, fma(ar2, fma(r, A[6]!, A[5]!), fma(r, A[4]!, A[3]!)), fma(r, A[2]!, A[1]!));
  const lo = fma(ar3, inner, lo1 + lo2 + lo3 + lo4);
  const y = hi + lo;
  logLo[0] = hi - y + lo;
  return y;
}

/** 0 when y (finite, nonzero) is not an integer, 1 when it is odd, 2 when even. */
function integerKind(y: number): 0 | 1 | 2 {
  if (!Number.isInteger(y)) return 0;
  return Math.abs(y) < 2 ** 53 && Math.abs(y % 2) === 1 ? 1 : 2;
}

/**
 * glibcPow(x[i], y) into out[i] for every i, an integer y in 2..MAX_FAST_EXPONENT (`x ** 3` on a NumPy
 * array): the certain products inline in the loop, glibc's algorithm only where they are not certain.
 * NB: not a glibcPow call an element: its double result would be boxed, and the boxes collected
 * were a fifth of W6's time (NumPy's polynomial fit). The same values: glibcPow takes the same path.
 */
export function glibcPowIntegerInto(x: ArrayLike<number>, y: number, out: { [i: number]: number; readonly length: number }): void {
  const odd = y % 2 === 1;
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    const r = integerPowerCertain(Math.abs(v), y);
    // NB: two stores, not one of a conditional: V8 merged pow's boxed result with r and boxed every r.
    if (r === r) out[i] = odd && v < 0 ? -r : r;
    else out[i] = glibcPow(v, y);
  }
}

export function glibcPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return x + y;
  const ay = Math.abs(y);
  if (ay === Infinity) {
    if (Math.abs(x) === 1) return 1;
    return (Math.abs(x) < 1) === (y > 0) ? 0 : Infinity;
  }
  let negative = false;
  if (x === 0 || Math.abs(x) === Infinity) {
    const odd = x < 0 || Object.is(x, -0) ? integerKind(y) === 1 : false;
    const x2 = x * x;
    const r = y < 0 ? 1 / x2 : x2;
    return odd ? -r : r;
  }
  if (x < 0) {
    const kind = integerKind(y);
    if (kind === 0) return NaN;
    negative = kind === 1;
    x = -x;
  }
  // |y| < 2^-65 (pow is 1 +- y) or |y| >= 2^63 (it overflows or underflows, x not 1).
  if (ay < 2 ** -65 || ay >= 2 ** 63) {
    if (x === 1) return 1;
    if (ay < 2 ** -65) return x > 1 ? 1 + y : 1 - y;
    return (x > 1) === (y > 0) ? Infinity : 0;
  }
  if (y >= 2 && y <= MAX_FAST_EXPONENT && Number.isInteger(y)) {
    const r = integerPowerCertain(x, y);
    if (r === r) return negative ? -r : r;
  }
  view.setFloat64(0, x < 2 ** -1022 ? x * 2 ** 52 : x);
  const hiWord = view.getUint32(0) - (x < 2 ** -1022 ? 52 << 20 : 0);
  const loWord = view.getUint32(4);
  const hi = logInline(hiWord, loWord);
  const lo = logLo[0]!;
  const ehi = y * hi;
  const elo = fma(y, lo, productError(y, hi, ehi));
  return expInline(ehi, elo, negative);
}
