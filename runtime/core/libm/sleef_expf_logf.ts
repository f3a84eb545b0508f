/**
 * SLEEF 3.5.1's float32 expf_u10, logf_u10 and tanhf_u10 (src/libm/sleefsimdsp.c: xexpf, xlogf_u1,
 * xtanhf over df.h's double-float arithmetic), as Debian's libsleef3 runs them for PyTorch 1.13's
 * AVX2 kernels (`Vectorized<float>::exp()` is Sleef_expf8_u10, ...): helperavx2.h defines
 * ENABLE_FMA_SP, so every mla and every df.h product is one fused multiply-add, and each other
 * operation is one float32 rounding. A lane is computed alone, so one element is one call here.
 * Checked bit for bit against libsleef's own scalar build of the same code (Sleef_expf1_u10purecfma)
 * and against torch.exp/log/tanh (test/unit/numerics/torch_float32.test.ts).
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

/**
 * `fmaf` where its operands' double sum is no float32 halfway point (nearly always): small enough
 * that V8 inlines it into tanh's one function, whose doubles then stay unboxed.
 */
function fma32(a: number, b: number, c: number): number {
  const s = a * b + c;
  const r = f(s);
  return r === s || f(2 * s - r) !== 2 * s - r ? r : fmaf(a, b, c);
}

/** `vrint_vi2_vf`: cvtps2dq, the nearest integer (ties to even); its "integer indefinite" past int32. */
function rint(x: number): number {
  if (!(Math.abs(x) < 2 ** 31)) return -(2 ** 31);
  return x + 6755399441055744 - 6755399441055744;
}

/** 2^k for k in [-POW2_BIAS, POW2_BIAS]: a table, as Math.pow is slow here. */
const POW2_BIAS = 80;
const POW2 = Float64Array.from({ length: 2 * POW2_BIAS + 1 }, (_, i) => 2 ** (i - POW2_BIAS));

/** `vldexp2_vf_vf_vi2`: d 2^(q>>1) 2^(q - (q>>1)), two float32 products (q within [-150, 150]). */
function ldexp2(d: number, q: number): number {
  const h = q >> 1;
  return f(f(d * POW2[h + POW2_BIAS]!) * POW2[q - h + POW2_BIAS]!);
}

// df.h's double-float operations (FMA flavour). A pair is returned in hi/lo.
let hi = 0;
let lo = 0;

/** dfadd_vf2_vf2_vf2 (|x| >= |y|) */
function addPairs(xh: number, xl: number, yh: number, yl: number): void {
  const s = f(xh + yh);
  hi = s;
  lo = f(f(f(f(xh - s) + yh) + xl) + yl);
}

// NB: `fma32(x, y, -s)` where s is x*y rounded to float32 is `f(x * y - s)`: the double product of
// two floats is exact, and so is its difference from its rounding. Likewise 1 - d (1/d rounded),
// a float32 value near 1 less an exact 48-bit product near 1. Only the other FMAs need fmaf.

/** dfmul_vf2_vf2_vf */
function mulPairFloat(xh: number, xl: number, y: number): void {
  const s = f(xh * y);
  hi = s;
  lo = fma32(xl, y, f(xh * y - s));
}

/** dfdiv_vf2_vf2_vf2 */
function divPairs(nh: number, nl: number, dh: number, dl: number): void {
  const t = f(1 / dh);
  const s = f(nh * t);
  const u = f(t * nh - s);
  const v = fma32(-dl, t, f(1 - dh * t));
  hi = s;
  lo = fma32(s, v, fma32(nl, t, u));
}

/** Sleef_expf8_u10 (xexpf) of one float32 lane. */
export function sleefExpf(d: number): number {
  if (!(d >= -104)) return d !== d ? d : 0;
  if (d > 100) return Infinity;
  const q = rint(f(d * R_LN2F));
  let s = fma32(q, -L2UF, d);
  s = fma32(q, -L2LF, s);
  let u = f(0.000198527617612853646278381);
  u = fma32(u, s, f(0.00139304355252534151077271));
  u = fma32(u, s, f(0.00833336077630519866943359));
  u = fma32(u, s, f(0.0416664853692054748535156));
  u = fma32(u, s, f(0.166666671633720397949219));
  u = fma32(u, s, 0.5);
  u = f(1 + fma32(f(s * s), u, s));
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
  t = fma32(t, x2, f(0.3996108174));
  t = fma32(t, x2, f(0.6666694880));
  addPairs(sh, sl, f(xh * 2), f(xl * 2));
  // dfadd_vf2_vf2_vf(s, x2 x t)
  const y = f(f(x2 * xh) * t);
  const s = f(hi + y);
  const r = f(f(f(hi - s) + y) + lo);
  // NB: s + r is exact in double (two floats, r within s's last place): one rounding, as vadd's.
  return f(s + r);
}

/**
 * Sleef_tanhf8_u10 (xtanhf) of one float32 lane: (e - 1/e) / (e + 1/e) in double-floats, e = expk2f(|x|).
 * NB: one function over locals, df.h's helpers written out in order (each named where it begins):
 * the helpers' calls boxed their doubles, and tanh took 100 times the wasm polynomial's time.
 */
export function sleefTanhf(x: number): number {
  const y = Math.abs(x);
  if (!(y <= TANH_SATURATES)) return y !== y ? x : x < 0 ? -1 : 1;
  // expk2f((y, 0)): q = rint(y / ln2), s = y - q ln2 as a double-float
  const q = rint(f(y * R_LN2F));
  let a = f(q * -L2UF);
  let s = f(y + a);
  let v = f(s - y);
  let sl = f(f(f(y - f(s - v)) + f(a - v)) + 0);
  a = f(q * -L2LF);
  let sh = f(s + a);
  v = f(sh - s);
  sl = f(f(f(s - f(sh - v)) + f(a - v)) + sl);
  let u = f(0.1980960224e-3);
  u = fma32(u, sh, f(0.1394256484e-2));
  u = fma32(u, sh, f(0.8333456703e-2));
  u = fma32(u, sh, f(0.4166637361e-1));
  // t = dfmul(s, u) + 0.16666666f
  let th = f(sh * u);
  let tl = fma32(sl, u, f(sh * u - th));
  let t2 = f(th + f(0.166666659414234244790680580464));
  v = f(t2 - th);
  tl = f(f(f(th - f(t2 - v)) + f(f(0.166666659414234244790680580464) - v)) + tl);
  th = t2;
  // t = dfmul(s, t) + 0.5
  t2 = f(sh * th);
  tl = fma32(sh, tl, fma32(sl, th, f(sh * th - t2)));
  th = f(t2 + 0.5);
  v = f(th - t2);
  tl = f(f(f(t2 - f(th - v)) + f(0.5 - v)) + tl);
  // t = s + dfsqu(s) t
  const qh = f(sh * sh);
  const ql = fma32(f(sh + sh), sl, f(sh * sh - qh));
  t2 = f(qh * th);
  const ml = fma32(qh, tl, fma32(ql, th, f(qh * th - t2)));
  th = f(sh + t2);
  v = f(th - sh);
  tl = f(f(f(sh - f(th - v)) + f(t2 - v)) + f(sl + ml));
  // d = (1 + t) 2^q
  s = f(1 + th);
  const half = q >> 1;
  const scale1 = POW2[half + POW2_BIAS]!;
  const scale2 = POW2[q - half + POW2_BIAS]!;
  const dh = f(f(s * scale1) * scale2);
  const dl = f(f(f(f(f(1 - s) + th) + tl) * scale1) * scale2);
  // e = dfrec(d)
  const eh = f(1 / dh);
  const el = f(eh * fma32(-dl, eh, f(1 - dh * eh)));
  // (d - e) / (d + e), dfadd_vf2_vf2_vf2 twice, then dfdiv
  const nh = f(dh - eh);
  const nl = f(f(f(f(dh - nh) - eh) + dl) - el);
  const bh = f(dh + eh);
  const bl = f(f(f(f(dh - bh) + eh) + dl) + el);
  const inv = f(1 / bh);
  const rh = f(nh * inv);
  const w = fma32(-bl, inv, f(1 - bh * inv));
  const rl = fma32(rh, w, fma32(nl, inv, f(inv * nh - rh)));
  const r = f(rh + rl);
  // vmulsign: the sign bit of x flips r's (tanh(-0) is -0)
  return x < 0 || Object.is(x, -0) ? -r : r;
}
