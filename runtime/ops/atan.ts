/**
 * atan and atan2 as compositions of primitives that run and differentiate on every backend:
 * fdlibm's atan (s_atan.c, as glibc computes it) by range, |x| reduced to one of five intervals
 * around 0, 0.5, 1, 1.5 and infinity, then an odd polynomial of degree 21, the interval's atan
 * added back in two parts. Every branch's operand is kept finite (a branch not taken must carry
 * a finite partial derivative, else the gradient is 0 * inf = NaN), so the gradient is the
 * derivative of the approximation: within 1e-15 (float64) of 1 / (1 + x^2).
 */
import type { Ops } from './ops';

const ATAN_HI = [4.63647609000806093515e-01, 7.85398163397448278999e-01, 9.82793723247329054082e-01, 1.57079632679489655800e+00];
const ATAN_LO = [2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17, 6.12323399573676603587e-17];
const AT_ODD = [3.33333333333329318027e-01, 1.42857142725034663711e-01, 9.09088713343650656196e-02, 6.66107313738753120669e-02, 4.97687799461593236017e-02, 1.62858201153657823623e-02];
const AT_EVEN = [-1.99999999998764832476e-01, -1.11111104054623557880e-01, -7.69187620504482999495e-02, -5.83357013379057348645e-02, -3.65315727442169155270e-02];

/** c0 + w*(c1 + w*(c2 + ...)). */
function poly<T>(o: Ops<T>, c: readonly number[], w: T): T {
  let r = o.scalarLike(c[c.length - 1], w);
  for (let i = c.length - 2; i >= 0; i--) r = o.add(o.scalarLike(c[i], w), o.mul(w, r));
  return r;
}

/** v where `when`, else `fallback`: a branch's operand kept in its range. */
function within<T>(o: Ops<T>, when: T, v: T, fallback: number): T {
  return o.select(when, v, o.full(o.shape(v), fallback, o.dtype(v)));
}

/** fdlibm's x - x (s1 + s2) on the reduced operand. */
function series<T>(o: Ops<T>, x: T): T {
  const z = o.mul(x, x);
  const w = o.mul(z, z);
  const s = o.add(o.mul(z, poly(o, AT_ODD, w)), o.mul(w, poly(o, AT_EVEN, w)));
  return o.mul(x, s);
}

export function atanOf<T>(o: Ops<T>, x: T): T {
  // NB: |x| by a select, not abs: abs's derivative at 0 is 0, and atan's is 1.
  const negative = o.lt(x, o.scalarLike(0, x));
  const a = o.select(negative, o.neg(x), x);
  const one = o.scalarLike(1, a);
  const lt = (v: number) => o.lt(a, o.scalarLike(v, a));
  // The interval of |x|: -1 (below 0.4375, no reduction), 0..3 as fdlibm numbers them.
  const r0 = lt(0.6875);
  const r1 = lt(1.1875);
  const r2 = lt(2.4375);
  const a0 = within(o, r0, a, 0.5);
  const a1 = within(o, r1, a, 1);
  const a2 = within(o, r2, a, 1.5);
  const a3 = o.select(r2, o.full(o.shape(a), 2.4375, o.dtype(a)), a);
  const two = o.scalarLike(2, a);
  const onePointFive = o.scalarLike(1.5, a);
  const reduced = [
    o.div(o.sub(o.mul(two, a0), one), o.add(two, a0)),
    o.div(o.sub(a1, one), o.add(a1, one)),
    o.div(o.sub(a2, onePointFive), o.add(one, o.mul(onePointFive, a2))),
    o.neg(o.div(one, a3)),
  ];
  const pick = <V>(values: readonly V[], choose: (v: V) => T): T =>
    o.select(r0, choose(values[0]), o.select(r1, choose(values[1]), o.select(r2, choose(values[2]), choose(values[3]))));
  const t = pick(reduced, (v) => v as unknown as T);
  const hi = pick(ATAN_HI, (v) => o.full(o.shape(a), v, o.dtype(a)));
  const lo = pick(ATAN_LO, (v) => o.full(o.shape(a), v, o.dtype(a)));
  const reducedAtan = o.sub(hi, o.sub(o.sub(series(o, t), lo), t));
  const small = o.sub(a, series(o, within(o, lt(0.4375), a, 0)));
  const magnitude = o.select(lt(0.4375), small, reducedAtan);
  // atan is odd; NaN stays NaN through the selects (every comparison with it is false: the far branch's -1/NaN).
  return o.select(negative, o.neg(magnitude), magnitude);
}

/**
 * atan2(y, x): atan(y / x) moved to x's half-plane (adding ±pi by y's sign, -0 included, for x < 0),
 * and ±pi/2 - x / y where x is 0 (whose value is the limit, and whose derivatives are atan2's there).
 */
export function atan2Of<T>(o: Ops<T>, y: T, x: T): T {
  const zero = o.scalarLike(0, x);
  const xZero = o.eq(x, zero);
  const yZero = o.eq(y, zero);
  const one = o.onesLike(x);
  const xs = o.select(xZero, one, x);
  const base = atanOf(o, o.div(y, xs));
  // y's sign bit: y < 0, or y is -0 (1 / -0 = -inf).
  const yNegative = o.select(yZero, o.lt(o.div(one, y), zero), o.lt(y, zero));
  const pi = o.full(o.shape(x), Math.PI, o.dtype(x));
  const shifted = o.select(yNegative, o.sub(base, pi), o.add(base, pi));
  const sideways = o.select(o.lt(x, zero), shifted, base);
  const ys = o.select(yZero, one, y);
  const halfPi = o.select(yNegative, o.neg(o.scalarLike(Math.PI / 2, x)), o.scalarLike(Math.PI / 2, x));
  const vertical = o.sub(halfPi, o.div(x, ys));
  // x = 0 and y = 0: +-0 or +-pi by the signs, as C's atan2.
  const xNegative = o.lt(o.div(one, o.select(xZero, x, one)), zero);
  const origin = o.select(xNegative, o.select(yNegative, o.neg(pi), pi), o.select(yNegative, o.neg(o.zerosLike(x)), o.zerosLike(x)));
  const onAxis = o.select(yZero, origin, vertical);
  return o.select(xZero, onAxis, sideways);
}
