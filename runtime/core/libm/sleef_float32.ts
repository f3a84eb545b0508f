/**
 * Sleef 3.5.1's float sinf_u10 and cosf_u10 (src/libm/sleefsimdsp.c: `xsinf_u1`, `xcosf_u1`, the
 * default non-DETERMINISTIC build; expf, logf and tanhf are sleef_expf_logf.ts) as its
 * AVX2 helper compiles them: every `vmla` and `vfma` a fused multiply-add (helperavx2.h:
 * _mm256_fmadd_ps), FULL_FP_ROUNDING (`vrint` rounds half to even), float-float arithmetic from
 * src/libm/df.h's ENABLE_FMA_SP branch. PyTorch 1.13's CPU float32 sin and cos are these
 * (`Sleef_sinf8_u10`, `Sleef_cosf8_u10`) on an AVX2 CPU.
 *
 * NB: Sleef chooses the argument reduction per vector, not per lane: when every lane of the 8 has
 * |x| < 125 it uses Cody-Waite, else it reduces every lane with rempif (a Payne-Hanek reduction
 * with a table of 1/(2 pi)), whose last bit may differ. `wide` says which the lane's vector took.
 * Copyright Naoki Shibata and contributors 2010 - 2020 (Boost Software License 1.0).
 */
import { fmaf } from './fused';
import { REMPITAB_SP } from './sleef_rempitab';

const f = Math.fround;

/** TRIGRANGEMAX2f: the largest |x| of Cody-Waite's range (exclusive). */
export const SLEEF_TRIG_RANGE_F = 125;
const M_1_PI_F = f(0.318309886183790671537767526745028724);
const PI_A2F = f(3.1414794921875);
const PI_B2F = f(0.00011315941810607910156);
const PI_C2F = f(1.9841872589410058936e-09);
const PI_F = f(3.1415927410125732422);
const PI_LOW_F = f(-8.7422776573475857731e-08);
const HALF_PI_A2F = f(PI_A2F * 0.5);
const HALF_PI_B2F = f(PI_B2F * 0.5);
const HALF_PI_C2F = f(PI_C2F * 0.5);

/** `vrint_vf_vf`: to the nearest integer, ties to even (_mm256_round_ps). */
function rint(v: number): number {
  const r = Math.round(v);
  // NB: Math.round takes ties up; an odd tie goes back to the even one (keeps -0 for -0.5).
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// The float-float pair the df helpers return: (hi, lo), in two registers, so no helper allocates.
let hi = 0;
let lo = 0;

function dfNormalize(x: number, y: number): void {
  const s = f(x + y);
  hi = s;
  lo = f(f(x - s) + y);
}

function dfAddFF(x: number, y: number): void {
  const s = f(x + y);
  hi = s;
  lo = f(f(x - s) + y);
}

function dfAdd2FF(x: number, y: number): void {
  const s = f(x + y);
  const v = f(s - x);
  hi = s;
  lo = f(f(x - f(s - v)) + f(y - v));
}

/** dfadd_vf2_vf2_vf: (xx, xy) + y, |xx| >= |y|. */
function dfAddF2F(xx: number, xy: number, y: number): void {
  const s = f(xx + y);
  hi = s;
  lo = f(f(f(xx - s) + y) + xy);
}

function dfAdd2F2F(xx: number, xy: number, y: number): void {
  const s = f(xx + y);
  const v = f(s - xx);
  const t = f(f(xx - f(s - v)) + f(y - v));
  hi = s;
  lo = f(t + xy);
}

function dfAdd2F2F2(xx: number, xy: number, yx: number, yy: number): void {
  const s = f(xx + yx);
  const v = f(s - xx);
  const t = f(f(xx - f(s - v)) + f(yx - v));
  hi = s;
  lo = f(t + f(xy + yy));
}


/** dfadd_vf2_vf_vf2: x + (yx, yy), |x| >= |yx|. */
function dfAddFF2(x: number, yx: number, yy: number): void {
  const s = f(x + yx);
  hi = s;
  lo = f(f(f(x - s) + yx) + yy);
}

function dfSqu(xx: number, xy: number): void {
  const s = f(xx * xx);
  hi = s;
  lo = fmaf(f(xx + xx), xy, fmaf(xx, xx, -s));
}



function dfMulFF(x: number, y: number): void {
  const s = f(x * y);
  hi = s;
  lo = fmaf(x, y, -s);
}

function dfMulF2F(xx: number, xy: number, y: number): void {
  const s = f(xx * y);
  hi = s;
  lo = fmaf(xy, y, fmaf(xx, y, -s));
}

function dfMulF2F2(xx: number, xy: number, yx: number, yy: number): void {
  const s = f(xx * yx);
  hi = s;
  lo = fmaf(xx, yy, fmaf(xy, yx, fmaf(xx, yx, -s)));
}

const view = new DataView(new ArrayBuffer(4));

/** `rempisubf` with FULL_FP_ROUNDING: x less its nearest quarter-integer, and 4 times that quarter-integer mod 4. */
function rempisub(x: number): number {
  const y = rint(f(x * 4));
  const q = Math.trunc(f(y - f(rint(x) * 4)));
  hi = f(x - f(y * 0.25));
  return q;
}

/**
 * `rempif`: finite a reduced to (hi, lo) = 2 pi r, |r| <= 1/4 turn, and returns the quarter-turn
 * count q (its low two bits count). |a| < 0.7 is left as it is.
 */
function rempif(a: number): number {
  view.setFloat32(0, a);
  const ex = ((view.getUint32(0) >>> 23) & 0xff) - 127 - 25;
  if (ex > 90 - 25) a = f(a * 2 ** -64);
  const small = Math.abs(a) < 0.7;
  const row = Math.max(ex, 0) * 4;
  dfMulFF(a, REMPITAB_SP[row]!);
  let q = rempisub(hi);
  dfNormalize(hi, lo);
  let xx = hi, xy = lo;
  dfMulFF(a, REMPITAB_SP[row + 1]!);
  dfAdd2F2F2(xx, xy, hi, lo);
  q += rempisub(hi);
  dfNormalize(hi, lo);
  xx = hi;
  xy = lo;
  dfMulF2F(REMPITAB_SP[row + 2]!, REMPITAB_SP[row + 3]!, a);
  dfAdd2F2F2(xx, xy, hi, lo);
  dfNormalize(hi, lo);
  dfMulF2F2(hi, lo, PI_F * 2, PI_LOW_F * 2);
  if (small) {
    hi = a;
    lo = 0;
  }
  return q;
}

const SIN_C1 = f(-0.166666597127914428710938);
const SIN_C2 = f(0.00833307858556509017944336);
const SIN_C3 = f(-0.0001981069071916863322258);
const SIN_C4 = f(2.6083159809786593541503e-06);

/** The common tail of both: t * (1 + s (-1/6 + s u)), s = t^2, as df arithmetic, negated by `negate`. */
function polynomial(tx: number, ty: number, negate: boolean): number {
  dfSqu(tx, ty);
  const sx = hi, sy = lo;
  let u = fmaf(SIN_C4, sx, SIN_C3);
  u = fmaf(u, sx, SIN_C2);
  dfAddFF(SIN_C1, f(u * sx));
  dfMulF2F2(hi, lo, sx, sy);
  dfAddFF2(1, hi, lo);
  const r = fmaf(tx, hi, fmaf(ty, hi, f(tx * lo)));
  return negate ? -r : r;
}

/** `sign(s) * c` as vmulsign does it: c with its sign flipped where s's sign bit is set. */
const mulsign = (c: number, s: number): number => (s < 0 || Object.is(s, -0) ? -c : c);

/** Sleef's sinf_u10 of float32 x, reduced as a vector with a lane past 125 (or NaN) reduces it when `wide`. */
export function sleefSinf(x: number, wide: boolean): number {
  if (!Number.isFinite(x)) return NaN;
  if (Object.is(x, -0)) return -0;
  let q: number;
  let tx: number, ty: number;
  if (!wide) {
    const u = rint(f(x * M_1_PI_F));
    q = u;
    const v = fmaf(u, -PI_A2F, x);
    dfAdd2FF(v, f(u * -PI_B2F));
    dfAddF2F(hi, lo, f(u * -PI_C2F));
    tx = hi;
    ty = lo;
  } else {
    const qi = rempif(x);
    let dx = hi, dy = lo;
    q = ((qi & 3) * 2 + (dx > 0 ? 2 : 1)) >> 2;
    if ((qi & 1) === 1) {
      dfAdd2F2F2(dx, dy, mulsign(f(PI_F * -0.5), dx), mulsign(f(PI_LOW_F * -0.5), dx));
      dx = hi;
      dy = lo;
    }
    dfNormalize(dx, dy);
    tx = hi;
    ty = lo;
  }
  return polynomial(tx, ty, (q & 1) === 1);
}

/** Sleef's cosf_u10 of float32 x, as sleefSinf. */
export function sleefCosf(x: number, wide: boolean): number {
  if (!Number.isFinite(x)) return NaN;
  let q: number;
  let tx: number, ty: number;
  if (!wide) {
    const dq = fmaf(rint(fmaf(x, M_1_PI_F, -0.5)), 2, 1);
    q = dq;
    dfAdd2FF(x, f(dq * -HALF_PI_A2F));
    dfAdd2F2F(hi, lo, f(dq * -HALF_PI_B2F));
    dfAdd2F2F(hi, lo, f(dq * -HALF_PI_C2F));
    tx = hi;
    ty = lo;
  } else {
    const qi = rempif(x);
    let dx = hi, dy = lo;
    q = ((qi & 3) * 2 + (dx > 0 ? 8 : 7)) >> 1;
    if ((qi & 1) === 0) {
      const y = dx > 0 ? 0 : -1;
      dfAdd2F2F2(dx, dy, mulsign(f(PI_F * -0.5), y), mulsign(f(PI_LOW_F * -0.5), y));
      dx = hi;
      dy = lo;
    }
    dfNormalize(dx, dy);
    tx = hi;
    ty = lo;
  }
  return polynomial(tx, ty, (q & 2) === 0);
}
