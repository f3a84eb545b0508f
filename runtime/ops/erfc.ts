/**
 * erfc and erfcx as compositions of primitives that run and differentiate on every backend (the
 * torch and jax shims share them): fdlibm's erfc (s_erf.c, as glibc and so PyTorch's CPU kernels
 * compute it) by range, 1 - erf(x) below |x| = 0.84375, a rational function of |x| - 1 below 1.25,
 * and the tail exp(-x^2 - 0.5625 + R(1/x^2)/S(1/x^2)) / |x| beyond, where erfcx = exp(x^2) erfc(x)
 * is exp(R/S - 0.5625) / x without the overflow and underflow of its two factors.
 * NB: fdlibm splits x^2 into two exact parts; here -x^2 is rounded once, so far out in the tail
 * (|x| near 26, where erfc is 1e-300) the value may be off by |x|^2 ulps, relatively ~1e-13.
 * Every branch's operands are clamped into its range, so the branches not taken carry finite
 * partial derivatives and the gradient has no 0 * inf NaN. The gradient is the derivative of these
 * approximations, within 1e-13 (float64) of -2/sqrt(pi) exp(-x^2).
 */
import { libm } from '../core';
import type { Ops } from './ops';

const { erx: ERX, pa: PA, qa: QA, ra: RA, sa: SA, rb: RB, sb: SB } = libm.ERFC_FITS;
/** fdlibm's switch between the two tail fits: |x| = 1/0.35. */
const TAIL_SPLIT = 1 / 0.35;

/** c0 + z*(c1 + z*(c2 + ...)), in z's dtype. */
function poly<T>(o: Ops<T>, c: readonly number[], z: T): T {
  let r = o.scalarLike(c[c.length - 1], z);
  for (let i = c.length - 2; i >= 0; i--) r = o.add(o.scalarLike(c[i], z), o.mul(z, r));
  return r;
}

/** x limited to [lo, hi] by selects, so that x at a bound keeps its whole gradient (max and min split it at a tie). */
function clamp<T>(o: Ops<T>, x: T, lo: number, hi: number): T {
  const low = o.scalarLike(lo, x);
  const high = o.scalarLike(hi, x);
  return o.select(o.lt(x, low), o.broadcastTo(low, o.shape(x)), o.select(o.gt(x, high), o.broadcastTo(high, o.shape(x)), x));
}

/** Past this |x| the tail's exp(-x^2) is 0 in float32 and float64 alike; the bound keeps -x^2 and its derivative finite. */
const TAIL_END = 1e10;

/** R(1/x^2)/S(1/x^2) - 0.5625 for |x| >= 1.25, the log of erfcx(|x|)·|x|; `a` is |x| clamped to [1.25, `hi`]. */
function tailExponent<T>(o: Ops<T>, a: T): T {
  const s = o.div(o.scalarLike(1, a), o.mul(a, a));
  const near = o.lt(a, o.scalarLike(TAIL_SPLIT, a));
  const rs = o.select(near, o.div(poly(o, RA, s), poly(o, SA, s)), o.div(poly(o, RB, s), poly(o, SB, s)));
  return o.sub(rs, o.scalarLike(0.5625, a));
}

/** erfc(x) for 0.84375 <= |x| < 1.25: 1 - erx - P/Q (x > 0), 1 + (erx + P/Q) (x < 0). */
function middle<T>(o: Ops<T>, x: T, a: T): T {
  const am = clamp(o, a, 0.84375, 1.25);
  const s = o.sub(am, o.scalarLike(1, am));
  const pq = o.div(poly(o, PA, s), poly(o, QA, s));
  return o.select(o.ge(x, o.scalarLike(0, x)),
    o.sub(o.scalarLike(1 - ERX, x), pq),
    o.add(o.scalarLike(1, x), o.add(o.scalarLike(ERX, x), pq)));
}

export function erfcOf<T>(o: Ops<T>, x: T): T {
  const a = o.abs(x);
  const small = o.sub(o.scalarLike(1, x), o.bind('erf', [x], {}));
  // NB: far out exp(-x^2) underflows to 0, and its derivative to -0, as PyTorch's -2/sqrt(pi) exp(-x^2) does.
  const at = clamp(o, a, 1.25, TAIL_END);
  const far = o.div(o.exp(o.sub(tailExponent(o, at), o.mul(at, at))), at);
  const tail = o.select(o.ge(x, o.scalarLike(0, x)), far, o.sub(o.scalarLike(2, x), far));
  const one = o.lt(a, o.scalarLike(0.84375, a));
  const two = o.lt(a, o.scalarLike(1.25, a));
  // NaN stays NaN: every comparison with it is false, and the tail of NaN is NaN.
  return o.select(one, small, o.select(two, middle(o, x, a), tail));
}

/** erfcx(x) = exp(x^2) erfc(x): exp(R/S - 0.5625) / x for x >= 1.25 (no overflow), the product below. */
export function erfcxOf<T>(o: Ops<T>, x: T): T {
  const at = clamp(o, x, 1.25, Infinity);
  const tail = o.div(o.exp(tailExponent(o, at)), at);
  const xs = clamp(o, x, -Infinity, 1.25);
  const product = o.mul(o.exp(o.mul(xs, xs)), erfcOf(o, xs));
  return o.select(o.ge(x, o.scalarLike(1.25, x)), tail, product);
}
