import { COMPLEX_PART, isComplex } from '../core';
import type { Ops } from '../ops';
import { familyRules, ROUNDING, type ArithmeticBinaryPrimitive, type ParamsOf, type UnaryMathPrimitive } from '../primitives';

/**
 * `s` times the derivative at `x` (with `out` = f(x)), where `s` is a tangent (JVP) or a
 * cotangent (VJP): pointwise the derivative is a scalar factor, so both modes apply the same one.
 * Null is a zero derivative (the JVP's symbolic zero; the VJP materializes it).
 * NB: the rule receives `s` rather than returning the bare factor so that each keeps its
 * rounding: `s / x` is not bit-identical to `s * (1 / x)`.
 */
export type UnaryDerivative<P extends UnaryMathPrimitive> = <T>(
  o: Ops<T>,
  s: T,
  x: T,
  out: T,
  params: ParamsOf<P>,
) => T | null;

export const UNARY_DERIVATIVES: { readonly [P in UnaryMathPrimitive]: UnaryDerivative<P> } = {
  neg: (o, s) => o.neg(s),
  // y == 0 gives a constant: a zero derivative.
  integer_pow: (o, s, x, _out, { y }) => {
    if (y === 0) return null;
    if (y === 1) return s;
    return o.mul(s, o.mul(o.scalarLike(y, x), o.integerPow(x, y - 1)));
  },
  exp: (o, s, _x, out) => o.mul(s, out),
  log: (o, s, x) => o.div(s, x),
  log1p: (o, s, x) => o.div(s, o.add(x, o.scalarLike(1, x))),
  expm1: (o, s, _x, out) => o.mul(s, o.add(out, o.scalarLike(1, out))),
  sin: (o, s, x) => o.mul(s, o.cos(x)),
  cos: (o, s, x) => o.neg(o.mul(s, o.sin(x))),
  tan: (o, s, _x, out) => o.mul(s, o.add(o.scalarLike(1, out), o.mul(out, out))),
  // (1 + y)(1 - y) rather than 1 - y^2: it keeps its precision where |y| is near 1.
  tanh: (o, s, _x, out) => {
    const one = o.scalarLike(1, out);
    return o.mul(o.mul(s, o.add(one, out)), o.sub(one, out));
  },
  logistic: (o, s, _x, out) => o.mul(o.mul(s, out), o.sub(o.scalarLike(1, out), out)),
  sqrt: (o, s, _x, out) => o.div(s, o.mul(o.scalarLike(2, out), out)),
  rsqrt: (o, s, x, out) => o.mul(s, o.mul(o.scalarLike(-0.5, x), o.div(out, x))),
  // sign(0) = 0: the derivative of |x| at the kink is 0, as in JAX and PyTorch.
  abs: (o, s, x, out) => (isComplex(o.dtype(x)) ? complexAbs(o, s, x, out) : o.mul(s, o.sign(x))),
  // Piecewise constant: a zero derivative.
  sign: () => null,
  stop_gradient: () => null,
  // JAX's ad.defjvp_zero; PyTorch's FloorBackward0/CeilBackward0/RoundBackward0 give zeros too.
  ...familyRules(ROUNDING, () => () => null),
};

/**
 * JAX's _abs_jvp_rule for a complex x: the tangent is real(t * conj(x) / |x|) (|x| = 0 read as 1);
 * its transpose takes a real cotangent g to g * conj(x) / |x|, un-conjugated, as JAX transposes
 * mul. `s` is complex in the JVP (a tangent of x) and real in the VJP (a cotangent of |x|).
 */
function complexAbs<T>(o: Ops<T>, s: T, x: T, out: T): T {
  const part = COMPLEX_PART[o.dtype(x) as 'complex64'];
  const safe = o.select(o.eq(out, o.scalar(0, part)), o.scalar(1, part), out);
  const direction = o.div(o.conj(x), o.convert(safe, o.dtype(x)));
  return isComplex(o.dtype(s)) ? o.real(o.mul(s, direction)) : o.mul(o.convert(s, o.dtype(x)), direction);
}

/**
 * `s` times the partial derivative in one operand, at the broadcast output's shape: `s` is that
 * operand's tangent broadcast to it (JVP) or the output's cotangent (VJP, which then sums it back
 * to the operand's shape).
 */
export type PartialDerivative = <T>(o: Ops<T>, s: T, x: T, y: T, out: T) => T;

/**
 * The share of `s` that max/min give `x`: 1 where x was selected, 0 where `other` was, and 0.5
 * on a tie (JAX's `_balanced_eq`), so the two shares always sum to 1.
 */
function selectedShare<T>(o: Ops<T>, x: T, other: T, out: T): T {
  const c = (v: number) => o.scalarLike(v, out);
  return o.select(o.eq(x, out), o.select(o.eq(other, out), c(0.5), c(1)), c(0));
}

const chooser: readonly [PartialDerivative, PartialDerivative] = [
  (o, s, x, y, out) => o.mul(s, selectedShare(o, x, y, out)),
  (o, s, x, y, out) => o.mul(s, selectedShare(o, y, x, out)),
];

/** The partial derivatives of each binary op, in x then in y. */
export const BINARY_DERIVATIVES: { readonly [P in ArithmeticBinaryPrimitive]: readonly [PartialDerivative, PartialDerivative] } = {
  add: [(_o, s) => s, (_o, s) => s],
  sub: [(_o, s) => s, (o, s) => o.neg(s)],
  mul: [(o, s, _x, y) => o.mul(s, y), (o, s, x) => o.mul(s, x)],
  div: [(o, s, _x, y) => o.div(s, y), (o, s, _x, y, out) => o.neg(o.mul(s, o.div(out, y)))],
  pow: [
    (o, s, x, y) => {
      const zero = o.scalarLike(0, x);
      // NB: where y == 0 the x-derivative is 0, not 0 * x^-1 = NaN at x == 0 (as JAX).
      return o.mul(s, o.select(o.eq(y, zero), zero, o.mul(y, o.pow(x, o.sub(y, o.scalarLike(1, x))))));
    },
    (o, s, x, _y, out) => {
      // NB: log(1) stands in for log(0), so x == 0 gives a y-derivative of 0 rather than NaN (JAX's _replace_zero).
      const safeX = o.select(o.eq(x, o.scalarLike(0, x)), o.scalarLike(1, x), x);
      return o.mul(s, o.mul(o.log(safeX), out));
    },
  ],
  max: chooser,
  min: chooser,
};

/**
 * Where clamp(lo, x, hi)'s value follows each input, as JAX's JVP rule reads it: lo where
 * lo > x and lo < hi, x where lo < x < hi, hi where hi < x (none of them at a tie).
 */
export function clampPasses<T>(o: Ops<T>, lo: T, x: T, hi: T): [T, T, T] {
  const no = o.lt(hi, hi);
  const both = (a: T, b: T) => o.select(a, b, o.broadcastTo(no, o.shape(b)));
  return [both(o.gt(lo, x), o.lt(lo, hi)), both(o.gt(x, lo), o.lt(x, hi)), o.lt(hi, x)];
}
