/**
 * SLEEF 3.5.1's float32 expf_u10, logf_u10 and tanhf_u10 (src/libm/sleefsimdsp.c: xexpf, xlogf_u1,
 * xtanhf over df.h's double-float arithmetic), as Debian's libsleef3 runs them for PyTorch 1.13's
 * AVX2 kernels (`Vectorized<float>::exp()` is Sleef_expf8_u10, ...): helperavx2.h defines
 * ENABLE_FMA_SP, so every mla and every df.h product is one fused multiply-add, and each other
 * operation is one float32 rounding. A lane is computed alone, so one element is one call here.
 * Checked bit for bit against libsleef's own scalar build of the same code (Sleef_expf1_u10purecfma)
 * and against torch.exp/log/tanh (test/unit/numerics/sleef_float32.test.ts).
 */
import { fmaf } from './fused';

const f = Math.fround;

const R_LN2F = f(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = f(0.693145751953125);
const L2LF = f(1.428606765330187045e-06);
const FLT_MIN = 2 ** -126;
/** 1.0f / 0.75f, as C rounds the constant. */
const FOUR_THIRDS = f(1 / 0.75);
/** ln 2 as a double-float. */
const LN2_HI = f(0.69314718246459960938);
const LN2_LO = f(-1.904654323148236017e-09);
const TANH_SATURATES = f(8.664339742);

const bits = new Int32Array(1);
const float = new Float32Array(bits.buffer);

/** `vrint_vi2_vf`: cvtps2dq, the nearest integer (ties to even); its "integer indefinite" past int32. */
function rint(x: number): number {
  if (!(Math.abs(x) < 2 ** 31)) return -(2 ** 31);
  return x + 6755399441055744 - 6755399441055744;
}

/** `vldexp2_vf_vf_vi2`: d 2^(q>>1) 2^(q - (q>>1)), two float32 products (q within [-150, 150]). */
function ldexp2(d: number, q: number): number {
  const h = q >> 1;
  return f(f(d * 2 ** h) * 2 ** (q - h));
}

// df.h's double-float operations (FMA flavour). A pair is returned in hi/lo.
let hi = 0;
let lo = 0;

/** dfadd2_vf2_vf2_vf */
function add2PairFloat(xh: number, xl: number, y: number): void {
  const s = f(xh + y);
  const v = f(s - xh);
  const t = f(f(xh - f(s - v)) + f(y - v));
  hi = s;
  lo = f(t + xl);
}

/** dfadd2_vf2_vf2_vf2 */
function add2Pairs(xh: number, xl: number, yh: number, yl: number): void {
  const s = f(xh + yh);
  const v = f(s - xh);
  const t = f(f(xh - f(s - v)) + f(yh - v));
  hi = s;
  lo = f(t + f(xl + yl));
}

/** dfadd_vf2_vf2_vf2 (|x| >= |y|) */
function addPairs(xh: number, xl: number, yh: number, yl: number): void {
  const s = f(xh + yh);
  hi = s;
  lo = f(f(f(f(xh - s) + yh) + xl) + yl);
}

/** dfmul_vf2_vf2_vf */
function mulPairFloat(xh: number, xl: number, y: number): void {
  const s = f(xh * y);
  hi = s;
  lo = fmaf(xl, y, fmaf(xh, y, -s));
}

/** dfmul_vf2_vf2_vf2 */
function mulPairs(xh: number, xl: number, yh: number, yl: number): void {
  const s = f(xh * yh);
  hi = s;
  lo = fmaf(xh, yl, fmaf(xl, yh, fmaf(xh, yh, -s)));
}

/** dfdiv_vf2_vf2_vf2 */
function divPairs(nh: number, nl: number, dh: number, dl: number): void {
  const t = f(1 / dh);
  const s = f(nh * t);
  const u = fmaf(t, nh, -s);
  const v = fmaf(-dl, t, fmaf(-dh, t, 1));
  hi = s;
  lo = fmaf(s, v, fmaf(nl, t, u));
}

/** expk2f: e^(dh + dl) as a double-float, for dh >= 0 (tanh's |x|). */
function expk2f(dh: number, dl: number): void {
  const q = rint(f(f(dh + dl) * R_LN2F));
  add2PairFloat(dh, dl, f(q * -L2UF));
  add2PairFloat(hi, lo, f(q * -L2LF));
  const sh = hi;
  const sl = lo;
  let u = f(0.1980960224e-3);
  u = fmaf(u, sh, f(0.1394256484e-2));
  u = fmaf(u, sh, f(0.8333456703e-2));
  u = fmaf(u, sh, f(0.4166637361e-1));
  mulPairFloat(sh, sl, u);
  add2PairFloat(hi, lo, f(0.166666659414234244790680580464));
  mulPairs(sh, sl, hi, lo);
  add2PairFloat(hi, lo, 0.5);
  const th = hi;
  const tl = lo;
  // dfsqu_vf2_vf2(s)
  const qh = f(sh * sh);
  const ql = fmaf(f(sh + sh), sl, fmaf(sh, sh, -qh));
  mulPairs(qh, ql, th, tl);
  add2Pairs(sh, sl, hi, lo);
  // dfadd_vf2_vf_vf2(1, t)
  const s = f(1 + hi);
  const rl = f(f(f(1 - s) + hi) + lo);
  hi = ldexp2(s, q);
  lo = ldexp2(rl, q);
}

/** Sleef_expf8_u10 (xexpf) of one float32 lane. */
export function sleefExpf(d: number): number {
  if (!(d >= -104)) return d !== d ? d : 0;
  if (d > 100) return Infinity;
  const q = rint(f(d * R_LN2F));
  let s = fmaf(q, -L2UF, d);
  s = fmaf(q, -L2LF, s);
  let u = f(0.000198527617612853646278381);
  u = fmaf(u, s, f(0.00139304355252534151077271));
  u = fmaf(u, s, f(0.00833336077630519866943359));
  u = fmaf(u, s, f(0.0416664853692054748535156));
  u = fmaf(u, s, f(0.166666671633720397949219));
  u = fmaf(u, s, 0.5);
  u = f(1 + fmaf(f(s * s), u, s));
  return ldexp2(u, q);
}

/** Sleef_logf8_u10 (xlogf_u1) of one float32 lane. */
export function sleefLogf(d: number): number {
  if (!(d > 0)) return d === 0 ? -Infinity : NaN;
  if (d === Infinity) return Infinity;
  const tiny = d < FLT_MIN;
  if (tiny) d = f(d * 2 ** 64);
  float[0] = f(d * FOUR_THIRDS);
  let e = ((bits[0]! >>> 23) & 0xff) - 0x7f;
  // vldexp3: -e added to d's exponent field
  float[0] = d;
  bits[0] = (bits[0]! + (-e << 23)) | 0;
  const m = float[0]!;
  if (tiny) e -= 64;
  mulPairFloat(LN2_HI, LN2_LO, e);
  const sh = hi;
  const sl = lo;
  // dfadd2_vf2_vf_vf(-1, m) / dfadd2_vf2_vf_vf(1, m)
  const a = f(m - 1);
  const av = f(a + 1);
  const al = f(f(-1 - f(a - av)) + f(m - av));
  const b = f(1 + m);
  const bv = f(b - 1);
  const bl = f(f(1 - f(b - bv)) + f(m - bv));
  divPairs(a, al, b, bl);
  const xh = hi;
  const xl = lo;
  const x2 = f(xh * xh);
  let t = f(0.3027294874);
  t = fmaf(t, x2, f(0.3996108174));
  t = fmaf(t, x2, f(0.6666694880));
  addPairs(sh, sl, f(xh * 2), f(xl * 2));
  // dfadd_vf2_vf2_vf(s, x2 x t)
  const y = f(f(x2 * xh) * t);
  const s = f(hi + y);
  const r = f(f(f(hi - s) + y) + lo);
  // NB: s + r is exact in double (two floats, r within s's last place): one rounding, as vadd's.
  return f(s + r);
}

/** Sleef_tanhf8_u10 (xtanhf) of one float32 lane. */
export function sleefTanhf(x: number): number {
  const y = Math.abs(x);
  if (!(y <= TANH_SATURATES)) return y !== y ? x : x < 0 ? -1 : 1;
  expk2f(y, 0);
  const dh = hi;
  const dl = lo;
  // dfrec_vf2_vf2(d)
  const eh = f(1 / dh);
  const el = f(eh * fmaf(-dl, eh, fmaf(-dh, eh, 1)));
  addPairs(dh, dl, -eh, -el);
  const nh = hi;
  const nl = lo;
  addPairs(dh, dl, eh, el);
  divPairs(nh, nl, hi, lo);
  const r = f(hi + lo);
  // vmulsign: the sign bit of x flips r's (tanh(-0) is -0)
  return Object.is(x, -0) || x < 0 ? -r : r;
}
