/**
 * NumPy 1.24's own float32 exp, log, sin, cos and tanh: the SIMD kernels it runs instead of libm
 * on x86-64 with AVX2 and FMA3 (and the same arithmetic with AVX-512F), in
 * numpy/core/src/umath/loops_exponent_log.dispatch.c.src (exp, log: its AVX2 helpers),
 * loops_trigonometric.dispatch.c.src (sin, cos) and loops_hyperbolic.dispatch.c.src (tanh).
 * Every step is a float32 operation (Math.fround) or a float32 fused multiply-add (fmaf), where
 * GCC also fuses the multiply and add that round the quadrant, so the results are NumPy's bit for
 * bit; computing in float64 and rounding differs for 3-38% of arguments. sin and cos hand |x|
 * past Cody-Waite's range to glibc's sinf/cosf, as NumPy does.
 *
 * The constants are NumPy's (BSD-3-Clause; tanh's from Intel's SVML, BSD-3-Clause):
 * Copyright (c) 2005-2022, NumPy Developers. Copyright (c) 2021-2022, Intel Corporation.
 */
import { float32Bits, float32FromBits, fmaf } from './fused';
import { glibcCosf, glibcSinf } from './glibc_sincosf';

const f = Math.fround;

/** 1.5 * 2^23: added to and taken from a float32 |q| < 2^22, it rounds q to the nearest integer. */
const RINT_MAGIC = 12582912;
/** x * c rounded to the nearest integer as NumPy's kernels do it (GCC fuses the multiply into the add). */
const rintProduct = (x: number, c: number): number => f(fmaf(x, c, RINT_MAGIC) - RINT_MAGIC);

const EXP_MAX = 88.72283935546875;
const EXP_MIN = -103.97208404541015625;
const LOG2E = f(1.442695040888963407359924681001892137);
const LN2_HIGH = -0.693145751953125;
const LN2_LOW = -1.428606765330187e-06;
const EXP_P = [1.0, 0.7257664799690247, 0.24736154079437256, 0.051145121455192566, 0.006757896859198809, 0.000508276280015707];
const EXP_Q = [1.0, -0.27423354983329773, 0.021595094352960587];

/** poly * 2^q as NumPy's AVX2 scalef does it: q added to the exponent bits, a quotient by 2^(-125 - q) for subnormal results. */
function scalef(poly: number, q: number): number {
  if (q > -125) return float32FromBits(float32Bits(poly) + (q << 23));
  const scaled = float32FromBits(float32Bits(poly) + (-125 << 23));
  return f(scaled / 2 ** (-125 - q));
}

/** NumPy's float32 exp: x = k ln2 + r (Cody-Waite), e^r as a (5, 2) rational function, times 2^k. */
export function numpyExpf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= EXP_MAX) return Infinity;
  if (x <= EXP_MIN) return 0;
  const q = rintProduct(x, LOG2E);
  // NB: NumPy's third Cody-Waite step multiplies by 0: fmaf(q, 0, r) is r.
  const r = fmaf(q, LN2_LOW, fmaf(q, LN2_HIGH, x));
  let num = fmaf(EXP_P[5]!, r, EXP_P[4]!);
  for (let k = 3; k >= 0; k--) num = fmaf(num, r, EXP_P[k]!);
  const den = fmaf(fmaf(EXP_Q[2]!, r, EXP_Q[1]!), r, EXP_Q[0]!);
  return scalef(f(num / den), q);
}

const LN2 = f(0.693147180559945309417232121458176568);
const SQRT1_2 = f(0.707106781186547524400844362104849039);
const LOG_P = [0, 1.0, 2.112677574157715, 1.480000615119934, 0.3808837831020355, 0.025899792090058327];
const LOG_Q = [1.0, 2.612677574157715, 2.4530060291290283, 0.9864943027496338, 0.15464763343334198, 0.005875095259398222];
const FLT_MIN = 2 ** -126;

/** NumPy's float32 log: x = m 2^e with m in (sqrt(1/2), sqrt(2)], log(m) as a (5, 5) rational function in m - 1, plus e ln2. */
export function numpyLogf(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  // NB: a subnormal is scaled by 2^100 first, and 100 taken off its exponent.
  const subnormal = x < FLT_MIN;
  const bits = float32Bits(subnormal ? f(x * 2 ** 100) : x);
  let e = (bits >>> 23) - 126 - (subnormal ? 100 : 0);
  let m = float32FromBits((bits & 0x7fffff) | (126 << 23));
  if (m <= SQRT1_2) {
    m = f(m + m);
    e -= 1;
  }
  m = f(m - 1);
  let num = fmaf(LOG_P[5]!, m, LOG_P[4]!);
  for (let k = 3; k >= 0; k--) num = fmaf(num, m, LOG_P[k]!);
  let den = fmaf(LOG_Q[5]!, m, LOG_Q[4]!);
  for (let k = 3; k >= 0; k--) den = fmaf(den, m, LOG_Q[k]!);
  return fmaf(e, LN2, f(num / den));
}

const TWO_OVER_PI = 0.6366197466850281;
const PIO2_HIGH = -1.570796012878418;
const PIO2_MEDIUM = -3.1391647326017846e-07;
const PIO2_LOW = -5.390302529957765e-15;
/** Past these |x| Cody-Waite's reduction loses digits, and NumPy calls glibc's sinf or cosf. */
const SIN_CODY_WAITE_MAX = f(117435.992);
const COS_CODY_WAITE_MAX = 71476.0625;

/** NumPy's sine polynomial on [-pi/4, pi/4] (T. Myklebust's). */
function sinePoly(r: number, r2: number): number {
  let p = fmaf(2.8404097065504175e-06, r2, -0.00019856491417158395);
  p = fmaf(p, r2, 0.008333397097885609);
  p = fmaf(p, r2, -0.1666666716337204);
  p = fmaf(p, r2, 0);
  return fmaf(p, r, r);
}

function cosinePoly(r2: number): number {
  let p = fmaf(2.4372266125283204e-05, r2, -0.001388652017340064);
  p = fmaf(p, r2, 0.04166661947965622);
  p = fmaf(p, r2, -0.5);
  return fmaf(p, r2, 1);
}

/** x = q pi/2 + r (Cody-Waite in three fused steps), then +-sin(r) or +-cos(r) by the quadrant (plus one for cosine). */
function sincosf(x: number, cosine: boolean): number {
  const q = rintProduct(x, TWO_OVER_PI);
  const r = fmaf(q, PIO2_LOW, fmaf(q, PIO2_MEDIUM, fmaf(q, PIO2_HIGH, x)));
  const r2 = f(r * r);
  const quadrant = q + (cosine ? 1 : 0);
  const v = (quadrant & 1) === 0 ? sinePoly(r, r2) : cosinePoly(r2);
  // NB: negated as 0 - v, so a zero comes out +0.
  return (quadrant & 2) === 0 ? v : 0 - v;
}

export function numpySinf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return Math.abs(x) <= SIN_CODY_WAITE_MAX ? sincosf(x, false) : glibcSinf(x);
}

export function numpyCosf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return Math.abs(x) <= COS_CODY_WAITE_MAX ? sincosf(x, true) : glibcCosf(x);
}

/**
 * tanh's table (NumPy's lut32x8, the AVX2/AVX-512 layout): row 0 each subinterval's b, rows 1-7
 * the coefficients c0..c6 of y = |x| - b, as float32 bits. 32 subintervals by |x|'s exponent and
 * first two mantissa bits from 2^-5 up; the last (|x| >= 9 and up to 2^127) is 1.
 */
const TANH_TABLE = new Float32Array(new Uint32Array([
  0x0, 0x3d700000, 0x3d900000, 0x3db00000, 0x3dd00000, 0x3df00000, 0x3e100000, 0x3e300000,
  0x3e500000, 0x3e700000, 0x3e900000, 0x3eb00000, 0x3ed00000, 0x3ef00000, 0x3f100000, 0x3f300000,
  0x3f500000, 0x3f700000, 0x3f900000, 0x3fb00000, 0x3fd00000, 0x3ff00000, 0x40100000, 0x40300000,
  0x40500000, 0x40700000, 0x40900000, 0x40b00000, 0x40d00000, 0x40f00000, 0x41100000, 0x0,
  0x0, 0x3d6fb9c9, 0x3d8fc35f, 0x3daf9169, 0x3dcf49ab, 0x3deee849, 0x3e0f0ee8, 0x3e2e4984,
  0x3e4d2f8e, 0x3e6bb32e, 0x3e8c51cd, 0x3ea96163, 0x3ec543f1, 0x3edfd735, 0x3f028438, 0x3f18abf0,
  0x3f2bc480, 0x3f3bec1c, 0x3f4f2e5b, 0x3f613c53, 0x3f6ce37d, 0x3f743c4f, 0x3f7a5feb, 0x3f7dea85,
  0x3f7f3b3d, 0x3f7fb78c, 0x3f7fefd4, 0x3f7ffdd0, 0x3f7fffb4, 0x3f7ffff6, 0x3f7fffff, 0x3f800000,
  0x3f800000, 0x3f7f1f84, 0x3f7ebd11, 0x3f7e1e5f, 0x3f7d609f, 0x3f7c842d, 0x3f7b00e5, 0x3f789580,
  0x3f75b8ad, 0x3f726fd9, 0x3f6cc59b, 0x3f63fb92, 0x3f59ff97, 0x3f4f11d7, 0x3f3d7573, 0x3f24f360,
  0x3f0cbfe7, 0x3eec1a69, 0x3eb0a801, 0x3e6753a2, 0x3e132f1a, 0x3db7e7d3, 0x3d320845, 0x3c84d3d4,
  0x3bc477b7, 0x3b10d3da, 0x3a01601e, 0x388c1a3b, 0x3717b0da, 0x35a43bce, 0x338306c6, 0x0,
  0xb0343c7b, 0xbd6ee69d, 0xbd8f0da7, 0xbdae477d, 0xbdcd2a1f, 0xbdeba80d, 0xbe0c443b, 0xbe293cf3,
  0xbe44f282, 0xbe5f3651, 0xbe81c7c0, 0xbe96d7ca, 0xbea7fb8e, 0xbeb50e9e, 0xbec12efe, 0xbec4be92,
  0xbebce070, 0xbead510e, 0xbe8ef7d6, 0xbe4b8704, 0xbe083237, 0xbdaf7449, 0xbd2e1ec4, 0xbc83bf06,
  0xbbc3e0b5, 0xbb10aadc, 0xba0157db, 0xb88c18f2, 0xb717b096, 0xb5a43bae, 0xb383012c, 0x0,
  0xbeaaaaa5, 0xbeab0612, 0xbea7f01f, 0xbea4e120, 0xbea387b7, 0xbea15962, 0xbe9d57f7, 0xbe976b5a,
  0xbe90230d, 0xbe880dff, 0xbe7479b3, 0xbe4c3d88, 0xbe212482, 0xbdeb8cba, 0xbd5e78ad, 0x3c6b5e6e,
  0x3d839143, 0x3dc21ee1, 0x3de347af, 0x3dcbec96, 0x3d99ef2d, 0x3d542ea1, 0x3cdde701, 0x3c2cca67,
  0x3b81cb27, 0x3ac073a1, 0x39ac3032, 0x383a94d9, 0x36ca081d, 0x355abd4c, 0x332b3cb6, 0x0,
  0xb76dd6b9, 0xbe1c276d, 0x3c1dcf2f, 0x3dc1a78d, 0x3d96f985, 0x3da2b61b, 0x3dc13397, 0x3dd2f670,
  0x3df48a0a, 0x3e06c5a8, 0x3e1a3aba, 0x3e27c405, 0x3e2e78d0, 0x3e2c3e44, 0x3e1d3097, 0x3df4a8f4,
  0x3da38508, 0x3d31416a, 0x3b562657, 0xbcaeeac9, 0xbcce9419, 0xbcaaeac4, 0xbc49e7d0, 0xbba71ddd,
  0xbb003b0e, 0xba3f9a05, 0xb92c08a7, 0xb7ba9232, 0xb64a0b0f, 0xb4dac169, 0xb2ab78ac, 0x0,
  0x3e0910e9, 0x43761143, 0x4165ecdc, 0xc190f756, 0xc08c097d, 0xc02ba813, 0xbf7f6bda, 0x3f2b1dc0,
  0x3ece105d, 0x3f426a94, 0xbadb0dc4, 0x3da43b17, 0xbd51ab88, 0xbcaea23d, 0xbd3b6d8d, 0xbd6caaad,
  0xbd795bed, 0xbd5fddda, 0xbd038f3b, 0xbc1cad63, 0x3abb4766, 0x3b95f10b, 0x3b825873, 0x3afaea66,
  0x3a49f878, 0x39996bf3, 0x388f3e6c, 0x371bb0e3, 0x35a8a5e6, 0x34369b17, 0x322487b0, 0x0,
  0xbc0e2f66, 0x460bda12, 0x43d638ef, 0xc3e11c3e, 0xc2baa4e9, 0xc249da2d, 0xc1859b82, 0x40dd5b57,
  0x40494640, 0x40c730a8, 0xbf0f160e, 0x3e30e76f, 0xbea81387, 0xbdb26a1c, 0xbd351e57, 0xbb4c01a0,
  0x3c1d7bfb, 0x3c722cd1, 0x3c973f1c, 0x3c33a31b, 0x3b862ef4, 0x3a27b3d0, 0xba3b5907, 0xba0efc22,
  0xb97f9f0f, 0xb8c8af50, 0xb7bdddfb, 0xb64f2950, 0xb4e085b1, 0xb3731dfa, 0xb15a1f04, 0x0,
]).buffer);

export function numpyTanhf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const bits = float32Bits(x);
  const exponent = bits & 0x7fe00000;
  // NB: |x| >= 2^127 (and the infinities) is +-1 without the polynomial.
  if (exponent > 0x7f000000) return bits >>> 31 ? -1 : 1;
  const i = Math.min(Math.max(exponent - 0x3d400000, 0), 0x3e00000) >>> 21;
  const y = f(Math.abs(x) - TANH_TABLE[i]!);
  let r = fmaf(TANH_TABLE[7 * 32 + i]!, y, TANH_TABLE[6 * 32 + i]!);
  for (let k = 5; k >= 1; k--) r = fmaf(r, y, TANH_TABLE[k * 32 + i]!);
  // NB: the sign bit is or'ed in: -|r| for a negative x (and -0), r as it is otherwise.
  return bits >>> 31 ? -Math.abs(r) : r;
}
