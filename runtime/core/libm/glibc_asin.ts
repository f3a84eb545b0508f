/**
 * glibc's double asin and acos (sysdeps/ieee754/dbl-64/e_asin.c, IBM's Accurate Mathematical
 * Library, as glibc 2.36 has it), as x86-64 glibc runs them on a CPU with FMA (`__ieee754_asin_fma`,
 * `__ieee754_acos_fma`: GCC fuses each multiply whose only uses are additions): a Taylor series
 * below 0.125, Taylor polynomials about the points of asincos.tbl up to 0.96875, and past it
 * asin x = pi/2 - 2 asin(sqrt((1 - x)/2)) with the square root refined from root.tbl's guess.
 * Within 0.52 ulp, not correctly rounded: `print(math.asin(x))` shows its last bit.
 */
import { fma } from './fused';
import { ASNCS, INROOT } from './glibc_asin_data';

const HP0 = 1.5707963267948966;
const HP1 = 6.123233995736766e-17;
const F1 = 1.66666666666664110590506577996662e-1;
const F2 = 7.50000000026122686814431784722623e-2;
const F3 = 4.46428561421059750978517350006940e-2;
const F4 = 3.03821268582119319911193410625235e-2;
const F5 = 2.23551211026525610742786300334557e-2;
const F6 = 1.81382903404565056280372531963613e-2;
const RT0 = 9.99999999859990725855365213134618e-1;
const RT1 = 4.99999999495955425917856814202739e-1;
const RT2 = 3.75017500867345182581453026130850e-1;
const RT3 = 3.12523626554518656309172508769531e-1;
const T24 = 16777216;
const T27 = 134217728;

const view = new DataView(new ArrayBuffer(8));

function words(x: number): [number, number] {
  view.setFloat64(0, x);
  return [view.getInt32(0), view.getUint32(4)];
}

/** f1 + z (f2 + ... + z f6), Horner's rule fused. */
const series = (z: number) => fma(fma(fma(fma(fma(F6, z, F5), z, F4), z, F3), z, F2), z, F1);

/**
 * The row of |x| in [0.125, 0.96875) (k its high word without the sign): its offset in ASNCS and
 * its degree (the polynomial's coefficients run from n + 2 to n + degree, the constant's low part
 * follows, then asin(x_n)).
 */
function row(k: number): { readonly n: number; readonly degree: number } {
  if (k < 0x3fd00000) return { n: 11 * ((k & 0x000fffff) >> 15), degree: 6 };
  if (k < 0x3fe00000) return { n: 11 * ((k & 0x000fffff) >> 14) + 352, degree: 6 };
  if (k < 0x3fe80000) return { n: 1056 + ((k & 0x000fe000) >> 11) * 3, degree: 7 };
  if (k < 0x3fed8000) return { n: 992 + ((k & 0x000fe000) >> 13) * 13, degree: 8 };
  if (k < 0x3fee8000) return { n: 884 + ((k & 0x000fe000) >> 13) * 14, degree: 9 };
  return { n: 768 + ((k & 0x000fe000) >> 13) * 15, degree: 10 };
}

/** asin(|x|) - asin(x_n) from the row about x_n: [its value t, asin(x_n)]. */
function rowValue(ax: number, k: number): [number, number] {
  const { n, degree } = row(k);
  const xx = ax - ASNCS[n]!;
  let h = ASNCS[n + degree]!;
  for (let j = n + degree - 1; j >= n + 2; j--) h = fma(xx, h, ASNCS[j]!);
  const p = fma(xx * xx, h, ASNCS[n + degree + 1]!);
  return [fma(ASNCS[n + 1]!, xx, p), ASNCS[n + degree + 2]!];
}

/**
 * For z = (1 - |x|)/2 in (0, 1/64]: sqrt(z) as y (its top bits, `round` the rounding constant)
 * plus cc, and p = asin(sqrt z)/sqrt z - 1 about; the Newton step's product c t is fused into t + y.
 */
function nearOne(z: number, round: (c: number) => number): { readonly y: number; readonly cc: number; readonly p: number } {
  const k = words(z)[0];
  let t = INROOT[(k & 0x001fffff) >> 14]! * 2 ** (511 - (k >> 21));
  const r = fma(-(t * t), z, 1);
  t *= fma(r, fma(r, fma(r, RT3, RT2), RT1), RT0);
  const c = t * z;
  const w = fma(-(0.5 * t), c, 1.5);
  const y = round(c);
  const cc = fma(-y, y, z) / fma(c, w, y);
  return { y, cc, p: series(z) * z };
}

export function glibcAsin(x: number): number {
  const [m, low] = words(x);
  const k = m & 0x7fffffff;
  if (k < 0x3e500000) return x;
  if (k < 0x3fc00000) {
    const x2 = x * x;
    return fma(series(x2), x2 * x, x);
  }
  const positive = m > 0;
  if (k < 0x3fef0000) {
    const [t, base] = rowValue(Math.abs(x), k);
    const res = base + t;
    return positive ? res : -res;
  }
  if (k < 0x3ff00000) {
    const z = 0.5 * (positive ? 1 - x : 1 + x);
    const { y, cc, p } = nearOne(z, (c) => c + T24 - T24);
    const cor = fma(-(2 * (y + cc)), p, HP1 - 2 * cc);
    const res = HP0 - 2 * y + cor;
    return positive ? res : -res;
  }
  if (k === 0x3ff00000 && low === 0) return positive ? HP0 : -HP0;
  return NaN;
}

export function glibcAcos(x: number): number {
  const [m, low] = words(x);
  const k = m & 0x7fffffff;
  if (k < 0x3c880000) return HP0;
  if (k < 0x3fc00000) {
    const x2 = x * x;
    const r = HP0 - x;
    return r + fma(-series(x2), x2 * x, HP0 - r - x + HP1);
  }
  const positive = m > 0;
  if (k < 0x3fef0000) {
    const [t, base] = rowValue(Math.abs(x), k);
    return (positive ? HP0 - base : HP0 + base) + (positive ? HP1 - t : HP1 + t);
  }
  if (k < 0x3ff00000) {
    const z = 0.5 * (positive ? 1 - x : 1 + x);
    // y = (t27 c + c) - t27 c: one product, used twice, fused twice.
    const { y, cc, p } = nearOne(z, (c) => fma(-T27, c, fma(T27, c, c)));
    // NB: (y + cc) p serves both branches, so GCC computes it before the branch, where it cannot fuse.
    const product = (y + cc) * p;
    const res = positive ? y + (cc + product) : HP0 - y + (HP1 - cc - product);
    return res + res;
  }
  if (k === 0x3ff00000 && low === 0) return positive ? 0 : 2 * HP0;
  return NaN;
}
