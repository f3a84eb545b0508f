import type { Ops } from '../ops';
import { cumulative, cumulativeArgExtreme, linearRecurrence, scatterAlongAxis, shiftAlong } from '../ops';
import type { AlongAxisPrimitive, CumulativeParams, ParamsOf, SpecialBinaryPrimitive, SpecialUnaryPrimitive } from '../primitives';
import type { VjpRuleTable } from './vjp_rule';
import { floatOnly, noGradient } from './vjp_elementwise';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The most negative finite value of x's dtype: PyTorch's stand-in for log(0) in logcumsumexp's backward. */
const lowest = (dtype: string): number => (dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38);

/** d erf(x)/dx = 2/sqrt(pi) exp(-x^2). */
export function erfDerivative<T>(o: Ops<T>, s: T, x: T): T {
  return o.mul(s, o.mul(o.scalarLike(TWO_OVER_SQRT_PI, x), o.exp(o.neg(o.mul(x, x)))));
}

/** d erfinv(x)/dx = sqrt(pi)/2 exp(erfinv(x)^2). */
export function erfinvDerivative<T>(o: Ops<T>, s: T, out: T): T {
  return o.mul(s, o.mul(o.scalarLike(1 / TWO_OVER_SQRT_PI, out), o.exp(o.mul(out, out))));
}

/** The product of the elements before each position in scan order (1 at the first): cumprod's output shifted one place. */
export function exclusiveCumprod<T>(o: Ops<T>, out: T, { axis, reverse }: CumulativeParams): T {
  return shiftAlong(o, out, axis, 1, reverse, 1);
}

/** d cbrt(x)/dx = 1/3 cbrt(x)^-2, from the result as JAX's defjvp2 writes it. */
export function cbrtDerivative<T>(o: Ops<T>, s: T, out: T): T {
  return o.mul(s, o.mul(o.scalarLike(1 / 3, out), o.integerPow(out, -2)));
}

/**
 * PyTorch's logit_backward: s / (x (1 - x)) where x is in [eps, 1 - eps] (in [0, 1] without eps);
 * outside, 0 with eps (the clamp's flat part) and NaN without (logit is undefined there).
 */
export function logitDerivative<T>(o: Ops<T>, s: T, x: T, { eps }: ParamsOf<'logit'>): T {
  const [lo, hi] = eps === null ? [0, 1] : [eps, 1 - eps];
  const one = o.scalarLike(1, x);
  const inside = o.div(s, o.mul(x, o.sub(one, x)));
  const outside = o.scalarLike(eps === null ? NaN : 0, x);
  return o.select(o.lt(x, o.scalarLike(lo, x)), outside, o.select(o.gt(x, o.scalarLike(hi, x)), outside, inside));
}

/** d rem(x, y)/dy = -trunc(x / y), as JAX writes it: sign(x / y) * floor(|x / y|) (d/dx is 1). */
export function remDivisorDerivative<T>(o: Ops<T>, s: T, x: T, y: T): T {
  const q = o.div(x, y);
  return o.mul(o.neg(s), o.mul(o.bind('sign', [q], {}), o.bind('floor', [o.bind('abs', [q], {})], {})));
}

export const ALONG_AXIS_VJP_RULES: Pick<VjpRuleTable, SpecialUnaryPrimitive | SpecialBinaryPrimitive | AlongAxisPrimitive | 'is_finite'> = {
  erf: floatOnly<'erf'>((o, g, [x]) => [erfDerivative(o, g, x)]),
  erfinv: floatOnly<'erfinv'>((o, g, _inputs, out) => [erfinvDerivative(o, g, out)]),
  cbrt: floatOnly<'cbrt'>((o, g, _inputs, out) => [cbrtDerivative(o, g, out)]),
  logit: floatOnly<'logit'>((o, g, [x], _out, params) => [logitDerivative(o, g, x, params)]),
  rem: floatOnly<'rem'>((o, g, [x, y], _out, _params, wanted) => [
    wanted?.[0] === false ? null : o.sumToShape(g, o.shape(x)),
    wanted?.[1] === false ? null : o.sumToShape(remDivisorDerivative(o, g, x, y), o.shape(y)),
  ]),
  is_finite: noGradient,
  cumsum: floatOnly<'cumsum'>((o, g, _inputs, _out, { axis, reverse }) => [cumulative(o, 'cumsum', g, axis, !reverse)]),
  // d out_j / d x_k = prod_{i <= j, i != k} x_i = (prod_{i < k} x_i) (prod_{k < i <= j} x_i): the
  // cotangent is the exclusive product times S_k = g_k + x_(k+1) S_(k+1), a recurrence against the
  // scan. No division: exact where x has zeros, and polynomial, so it differentiates again.
  cumprod: floatOnly<'cumprod'>((o, g, [x], out, params) => {
    const { axis, reverse } = params;
    const suffix = linearRecurrence(o, shiftAlong(o, x, axis, 1, !reverse, 1), g, axis, !reverse);
    // NB: + 0 turns the -0 of a negative product times a zero into 0, as PyTorch's zeros past the first zero print.
    return [o.add(o.mul(exclusiveCumprod(o, out, params), suffix), o.scalarLike(0, g))];
  }),
  // The cotangent goes to where each running extreme came from (PyTorch's cummax/cummin indices).
  cummax: floatOnly<'cummax'>((o, g, [x], out, { axis, reverse }) => [scatterAlongAxis(o, g, cumulativeArgExtreme(o, x, out, axis, reverse), axis)]),
  cummin: floatOnly<'cummin'>((o, g, [x], out, { axis, reverse }) => [scatterAlongAxis(o, g, cumulativeArgExtreme(o, x, out, axis, reverse), axis)]),
  // PyTorch's logcumsumexp_backward (TensorFlow's): the cotangent's positive and negative parts
  // summed in log space, so nothing overflows.
  cumlogsumexp: floatOnly<'cumlogsumexp'>((o, g, [x], out, { axis, reverse }) => {
    const low = o.scalarLike(lowest(o.dtype(g)), g);
    const zero = o.scalarLike(0, g);
    // NB: log of 1 where g is 0, not log 0: the branch select drops would still send 0 * inf = NaN into a second derivative.
    const nonzero = o.ne(g, zero);
    const logAbs = o.log(o.select(nonzero, o.abs(g), o.onesLike(g)));
    const part = (positive: boolean) => {
      const logPart = o.select(positive ? o.gt(g, zero) : o.lt(g, zero), logAbs, low);
      return o.exp(o.add(cumulative(o, 'cumlogsumexp', o.sub(logPart, out), axis, !reverse), x));
    };
    return [o.sub(part(true), part(false))];
  }),
  sort: floatOnly<'sort'>((o, g, [x], _out, { dimension, descending }) =>
    [scatterAlongAxis(o, g, o.bind('argsort', [x], { dimension, descending, indexDtype: 'int32' }), dimension)]),
  argsort: noGradient,
};
