/**
 * glibc's float sinf and cosf for |x| >= 120 (sysdeps/ieee754/flt-32/s_sinf.c, s_cosf.c,
 * s_sincosf.h, sincosf_poly.h as glibc 2.36 has them), as x86-64 glibc runs them on a CPU with
 * FMA (`__sinf_fma`: GCC fuses each a + b*c of the polynomial): the argument reduced modulo pi/2
 * exactly by a 32x96-bit product with 4/pi, then a degree-7 sine or degree-8 cosine polynomial
 * in double, rounded to float once. NumPy's float32 sin and cos call these only past its own
 * Cody-Waite range (|x| > 117435.992 and 71476.0625), so the small-argument paths are not here.
 */
import { fma } from './fused';

/** 4/pi to 192 bits, 8 new bits an entry (glibc's __inv_pio4). */
const INV_PIO4 = [
  0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
  0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
  0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
].map(BigInt);

/** 2 pi 2^-64. */
const PI63 = 3.4061215800865545e-19;
const COS = [1.0, -0.49999999725108224, 0.041666623324344516, -0.001388676379437604, 2.4390450703564542e-05];
const SIN = [-0.16666654943701084, 0.008332178146138854, -0.00019517298981385725];
const NEGATED_COS = COS.map((v) => -v);
const M64 = (1n << 64n) - 1n;

const view = new DataView(new ArrayBuffer(4));

/** x's float32 bits reduced to r in [-pi/4, pi/4] and the quadrant n (x's sign ignored), as glibc's reduce_large. */
export function reduceLarge(bits: number): { r: number; n: number } {
  const at = (bits >>> 26) & 15;
  const xi = BigInt(((bits & 0xffffff) | 0x800000) << ((bits >>> 23) & 7) >>> 0);
  // NB: glibc's first product is a 32-bit one (uint32 * uint32), the others 64-bit.
  const res0 = (xi * INV_PIO4[at]!) & 0xffffffffn;
  const res1 = xi * INV_PIO4[at + 4]!;
  const res2 = xi * INV_PIO4[at + 8]!;
  let res = (((res2 >> 32n) | (res0 << 32n)) + res1) & M64;
  const n = ((res + (1n << 61n)) & M64) >> 62n;
  res = (res - (n << 62n)) & M64;
  return { r: Number(BigInt.asIntN(64, res)) * PI63, n: Number(n) };
}

/** sinf_poly: the sine polynomial for an even n, the cosine one (negated by `negate`) for an odd n. */
function poly(x: number, x2: number, n: number, negate: boolean): number {
  if ((n & 1) === 0) {
    const x3 = x * x2;
    const s1 = fma(x2, SIN[2]!, SIN[1]!);
    const x7 = x3 * x2;
    const s = fma(x3, SIN[0]!, x);
    return Math.fround(fma(x7, s1, s));
  }
  const c = negate ? NEGATED_COS : COS;
  const x4 = x2 * x2;
  const c2 = fma(x2, c[4]!, c[3]!);
  const c1 = fma(x2, c[1]!, c[0]!);
  const x6 = x4 * x2;
  return Math.fround(fma(x6, c2, fma(x4, c[2]!, c1)));
}

const SIGN = [1, -1, -1, 1];

function large(y: number, cosine: boolean): number {
  if (!Number.isFinite(y)) return NaN;
  view.setFloat32(0, y);
  const bits = view.getUint32(0);
  const { r, n } = reduceLarge(bits);
  const q = n + (bits >>> 31);
  return poly(r * SIGN[q & 3]!, r * r, cosine ? n ^ 1 : n, (q & 2) !== 0);
}

/** glibc's sinf(y) for a float32 |y| >= 120 (NaN for the infinities and NaN). */
export const glibcSinf = (y: number): number => large(y, false);

/** glibc's cosf(y) for a float32 |y| >= 120 (NaN for the infinities and NaN). */
export const glibcCosf = (y: number): number => large(y, true);
