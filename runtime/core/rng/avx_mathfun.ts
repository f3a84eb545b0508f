/**
 * One lane of PyTorch's `log256_ps` and `sincos256_ps` (aten/src/ATen/native/cpu/avx_mathfun.h:
 * Cephes' single-precision polynomials, vectorised by Pommier and Garberoglio), rounded as GCC
 * compiles them for AVX2: every multiply whose only use is an add is fused into an FMA. PyTorch's
 * `randn` of 16 float32 elements or more runs these, not the C library's logf/sinf/cosf, so a
 * bit-identical stream needs their exact roundings.
 */
import { float32Bits, float32FromBits, fmaf } from '../libm/fused';

const f = Math.fround;
const LOG_P = [
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const SQRTHF = f(0.707106781186547524);
const MIN_NORM_POS = float32FromBits(0x00800000);
const HALF_BITS = float32Bits(0.5);

/** log(x) for a float32 x > 0. */
export function log256(x: number): number {
  x = Math.max(f(x), MIN_NORM_POS);
  const b = float32Bits(x);
  let e = f(f((b >>> 23) - 0x7f) + 1);
  x = float32FromBits((b & ~0x7f800000) | HALF_BITS); // the mantissa, in [0.5, 1)
  if (x < SQRTHF) {
    e = f(e - 1);
    x = f(f(x - 1) + x);
  } else {
    x = f(x - 1);
  }
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = fmaf(y, x, LOG_P[i]!);
  y = f(y * x);
  y = fmaf(y, z, f(e * LOG_Q1)); // y*z + e*q1: the first product fused, the second rounded alone
  y = f(y - f(z * 0.5));
  x = f(x + y);
  return fmaf(e, LOG_Q2, x);
}

const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SINCOF = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COSCOF = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);
const FOPI = f(1.27323954473516);

/** [sin x, cos x] for a float32 x. */
export function sincos256(x: number): [number, number] {
  x = f(x);
  let signSin = x < 0;
  x = Math.abs(x);
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  const swapSin = (j & 4) !== 0;
  const sinUsesSinePoly = (j & 2) === 0;
  // Cody-Waite reduction by pi/4 in three parts
  x = fmaf(y, DP1, x);
  x = fmaf(y, DP2, x);
  x = fmaf(y, DP3, x);
  const signCos = (~(j - 2) & 4) !== 0;
  signSin = signSin !== swapSin;
  const z = f(x * x);
  let yc = fmaf(COSCOF[0]!, z, COSCOF[1]!);
  yc = fmaf(yc, z, COSCOF[2]!);
  yc = f(yc * z);
  yc = fmaf(yc, z, -f(z * 0.5));
  yc = f(yc + 1);
  let ys = fmaf(SINCOF[0]!, z, SINCOF[1]!);
  ys = fmaf(ys, z, SINCOF[2]!);
  ys = f(ys * z);
  ys = fmaf(ys, x, x);
  const s = sinUsesSinePoly ? ys : yc;
  const c = sinUsesSinePoly ? yc : ys;
  return [signSin ? -s : s, signCos ? -c : c];
}
