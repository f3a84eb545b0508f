/**
 * erf and erfc as glibc 2.36 computes them (sysdeps/ieee754/dbl-64/s_erf.c: Sun's fdlibm method,
 * rational approximations on [0, 0.84375], [0.84375, 1.25], [1.25, 1/0.35], [1/0.35, 28]), and so
 * as CPython's math.erf and PyTorch's CPU kernels print them. glibc evaluates each polynomial in
 * halves (even and odd powers of s^2 summed last, for the pipeline), not by Horner's rule as fdlibm
 * does, and its tail calls glibc's own exp: both move the last bit, so both are kept here. glibc
 * builds s_erf.c for plain x86-64 (no FMA variant): every multiply and add rounds on its own.
 *
 * The coefficients are fdlibm's:
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this software is freely
 * granted, provided that this notice is preserved.
 */
import { glibcExp as exp } from './glibc_exp';

const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1,
  -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3,
];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1,
  -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592,
];
const SA = [
  1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
  4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
];
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2,
  -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
  2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1,
];
/**
 * erfc's fits, for torch.special's erfc built of primitives (lang/python/torch/special.ts), so both
 * read one copy: erx, then P/Q about 1 (0.84375 <= |x| < 1.25) and R/S of 1/x^2 in the tails,
 * A below 1/0.35, B beyond.
 */
export const ERFC_FITS = { erx: ERX, pa: PA, qa: QA, ra: RA, sa: SA, rb: RB, sb: SB } as const;

const TINY = 1e-300;

/** Even and odd terms paired, then summed by powers of z^2: c0 + c1 z + (c2 + c3 z) z^2 + ..., as glibc writes it. */
function pairwise(c: readonly number[], z: number): number {
  const z2 = z * z;
  const z4 = z2 * z2;
  const pair = (i: number) => (i + 1 < c.length ? c[i]! + z * c[i + 1]! : c[i]!);
  let sum = pair(0) + z2 * pair(2);
  if (c.length > 4) sum += z4 * pair(4);
  if (c.length > 6) sum += z4 * z2 * pair(6);
  if (c.length > 8) sum += z4 * z4 * c[8]!;
  return sum;
}

/** P/Q of |x| < 0.84375 at z = x^2: the last term of P is z^4 pp4 alone, Q's pairs run to z^4 (qq4 + z qq5). */
function smallRatio(z: number): number {
  const z2 = z * z;
  const z4 = z2 * z2;
  const r = PP[0]! + z * PP[1]! + z2 * (PP[2]! + z * PP[3]!) + z4 * PP[4]!;
  const s = QQ[0]! + z * QQ[1]! + z2 * (QQ[2]! + z * QQ[3]!) + z4 * (QQ[4]! + z * QQ[5]!);
  return r / s;
}

const view = new DataView(new ArrayBuffer(8));

function highWord(x: number): number {
  view.setFloat64(0, x);
  return view.getInt32(0);
}

/** x with the low 32 bits of its representation cleared. */
function clearLow(x: number): number {
  view.setFloat64(0, x);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

/** erfc(|x|)|x| for 1.25 <= |x| < 28: exp(-x^2 - 0.5625 + R/S), x^2 split into two exact parts; A's fit below `split`. */
function tail(ax: number, ix: number, split: number): number {
  const s = 1 / (ax * ax);
  const rs = ix < split ? pairwise(RA, s) / pairwise(SA, s) : pairwise(RB, s) / pairwise(SB, s);
  const z = clearLow(ax);
  return exp(-z * z - 0.5625) * exp((z - ax) * (z + ax) + rs);
}

export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return Number.isNaN(x) ? x : x > 0 ? 1 : -1;
  if (ix < 0x3feb0000) {
    if (ix < 0x3e300000) return ix < 0x00800000 ? 0.0625 * (16 * x + 16 * EFX * x) : x + EFX * x;
    return x + x * smallRatio(x * x);
  }
  if (ix < 0x3ff40000) {
    const s = Math.abs(x) - 1;
    const pq = pairwise(PA, s) / pairwise(QA, s);
    return hx >= 0 ? ERX + pq : -ERX - pq;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - TINY : TINY - 1;
  const ax = Math.abs(x);
  const r = tail(ax, ix, 0x4006db6e);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}

export function erfc(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return Number.isNaN(x) ? x : x > 0 ? 0 : 2;
  if (ix < 0x3feb0000) {
    if (ix < 0x3c700000) return 1 - x;
    const y = smallRatio(x * x);
    if (hx < 0x3fd00000) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ix < 0x3ff40000) {
    const s = Math.abs(x) - 1;
    const pq = pairwise(PA, s) / pairwise(QA, s);
    return hx >= 0 ? 1 - ERX - pq : 1 + (ERX + pq);
  }
  if (ix < 0x403c0000) {
    if (hx < 0 && ix >= 0x40180000) return 2 - TINY;
    const ax = Math.abs(x);
    const r = tail(ax, ix, 0x4006db6d);
    return hx > 0 ? r / ax : 2 - r / ax;
  }
  return hx > 0 ? TINY * TINY : 2 - TINY;
}

/**
 * The inverse of erf in float64: Giles's single-precision approximation ("Approximating the
 * erfinv function", GPU Computing Gems, 2010) refined by Newton steps on erf, or on erfc where
 * |y| > 1/2 (1 - |y| is exact there, and erfc keeps its relative precision near the tails).
 */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  const a = Math.abs(y);
  let w = -Math.log1p(-a * a);
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = poly9(ERFINV_SMALL, w);
  } else {
    p = poly9(ERFINV_LARGE, Math.sqrt(w) - 3);
  }
  let x = p * a;
  const tail = a > 0.5;
  const target = tail ? 1 - a : a;
  for (let i = 0; i < 4; i++) {
    const f = tail ? erfc(x) - target : erf(x) - target;
    const slope = (tail ? -1 : 1) * TWO_OVER_SQRT_PI * Math.exp(-x * x);
    if (slope === 0 || f === 0) break;
    x -= f / slope;
  }
  return y < 0 ? -x : x;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ERFINV_SMALL = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV_LARGE = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

function poly9(c: readonly number[], w: number): number {
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = c[i] + p * w;
  return p;
}

const f = Math.fround;
const ERFINV_SMALL_F32 = ERFINV_SMALL.map(f);
const ERFINV_LARGE_F32 = ERFINV_LARGE.map(f);

/**
 * XLA's float32 ErfInv (Giles's polynomial, as jax.random.normal and lax.erf_inv compute it): each
 * step rounded to float32, its log1p correctly rounded (XLA's own log1p may differ by an ulp).
 * The float32 erf_inv kernels of the host backends, and jax.random's normal on the host.
 */
export function erfinvFloat32(x: number): number {
  if (Math.abs(x) === 1) return x * Infinity;
  let w = f(-f(Math.log1p(-f(x * x))));
  const small = w < 5;
  const c = small ? ERFINV_SMALL_F32 : ERFINV_LARGE_F32;
  w = small ? f(w - 2.5) : f(f(Math.sqrt(w)) - 3);
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = f(c[i] + f(p * w));
  return f(p * x);
}

