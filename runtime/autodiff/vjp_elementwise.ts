import { isFloat } from '../core';
import type { Ops } from '../ops';
import type { ParamsOf, Primitive } from '../primitives';
import type { VjpRule, VjpRuleTable } from './vjp_rule';

/**
 * Wraps a rule so that a non-floating first operand gives no gradient at all.
 * NB: operands of the ops that use it share one dtype, so the first one speaks for all.
 */
export function floatOnly<P extends Primitive>(rule: VjpRule<P>): VjpRule<P> {
  return (o, g, inputs, out, params) =>
    (isFloat(o.dtype(inputs[0])) ? rule(o, g, inputs, out, params) : inputs.map(() => null));
}

/** For ops whose result is bool or an index: no cotangent flows back through them. */
export const noGradient: VjpRule<Primitive> = (_o, _g, inputs) => inputs.map(() => null);

type UnaryDerivative<P extends Primitive> = <T>(o: Ops<T>, g: T, x: T, out: T, params: ParamsOf<P>) => T;
type BinaryDerivative = <T>(o: Ops<T>, g: T, x: T, y: T, out: T) => readonly [T, T];

function unary<P extends Primitive>(d: UnaryDerivative<P>): VjpRule<P> {
  return floatOnly<P>((o, g, [x], out, params) => [d(o, g, x, out, params)]);
}

/** `d` gives cotangents of the broadcast output's shape; each is summed back to its operand's shape. */
function binary<P extends Primitive>(d: BinaryDerivative): VjpRule<P> {
  return floatOnly<P>((o, g, [x, y], out) => {
    const [gx, gy] = d(o, g, x, y, out);
    return [o.sumToShape(gx, o.shape(x)), o.sumToShape(gy, o.shape(y))];
  });
}

/**
 * The share of the cotangent that max/min pass to `x`: 1 where x was selected, 0 where `other`
 * was, and 0.5 on a tie (JAX's `_balanced_eq`), so the two shares always sum to 1.
 */
function selectedShare<T>(o: Ops<T>, x: T, other: T, out: T): T {
  const c = (v: number) => o.scalarLike(v, out);
  return o.select(o.eq(x, out), o.select(o.eq(other, out), c(0.5), c(1)), c(0));
}

const chooser = binary((o, g, x, y, out) => [
  o.mul(g, selectedShare(o, x, y, out)),
  o.mul(g, selectedShare(o, y, x, out)),
]);

type ElementwisePrimitive =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min'
  | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'
  | 'neg' | 'integer_pow' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sin' | 'cos' | 'tan' | 'tanh'
  | 'logistic' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'select' | 'convert_element_type';

export const ELEMENTWISE_VJP_RULES: Pick<VjpRuleTable, ElementwisePrimitive> = {
  add: binary((_o, g) => [g, g]),
  sub: binary((o, g) => [g, o.neg(g)]),
  mul: binary((o, g, x, y) => [o.mul(g, y), o.mul(g, x)]),
  div: binary((o, g, _x, y, out) => [o.div(g, y), o.neg(o.mul(g, o.div(out, y)))]),
  pow: binary((o, g, x, y, out) => {
    const zero = o.scalarLike(0, x);
    const one = o.scalarLike(1, x);
    // NB: where y == 0 the x-gradient is 0, not 0 * x^-1 = NaN at x == 0 (as JAX).
    const dx = o.select(o.eq(y, zero), zero, o.mul(y, o.pow(x, o.sub(y, one))));
    // NB: log(1) stands in for log(0), so x == 0 gives a y-gradient of 0 rather than NaN (JAX's _replace_zero).
    const dy = o.mul(o.log(o.select(o.eq(x, zero), one, x)), out);
    return [o.mul(g, dx), o.mul(g, dy)];
  }),
  max: chooser,
  min: chooser,
  lt: noGradient,
  le: noGradient,
  gt: noGradient,
  ge: noGradient,
  eq: noGradient,
  ne: noGradient,

  neg: unary((o, g) => o.neg(g)),
  integer_pow: unary<'integer_pow'>((o, g, x, _out, { y }) => {
    if (y === 0) return o.zerosLike(g);
    if (y === 1) return g;
    return o.mul(g, o.mul(o.scalarLike(y, x), o.integerPow(x, y - 1)));
  }),
  exp: unary((o, g, _x, out) => o.mul(g, out)),
  log: unary((o, g, x) => o.div(g, x)),
  log1p: unary((o, g, x) => o.div(g, o.add(x, o.scalarLike(1, x)))),
  expm1: unary((o, g, _x, out) => o.mul(g, o.add(out, o.scalarLike(1, out)))),
  sin: unary((o, g, x) => o.mul(g, o.cos(x))),
  cos: unary((o, g, x) => o.neg(o.mul(g, o.sin(x)))),
  tan: unary((o, g, _x, out) => o.mul(g, o.add(o.scalarLike(1, out), o.mul(out, out)))),
  // (1 + t)(1 - t) rather than 1 - t^2: it keeps its precision where |t| is near 1.
  tanh: unary((o, g, _x, out) => {
    const one = o.scalarLike(1, out);
    return o.mul(o.mul(g, o.add(one, out)), o.sub(one, out));
  }),
  logistic: unary((o, g, _x, out) => o.mul(o.mul(g, out), o.sub(o.scalarLike(1, out), out))),
  sqrt: unary((o, g, _x, out) => o.div(g, o.mul(o.scalarLike(2, out), out))),
  rsqrt: unary((o, g, x, out) => o.mul(g, o.mul(o.scalarLike(-0.5, x), o.div(out, x)))),
  // sign(0) = 0: the gradient of |x| at the kink is 0, as in JAX and PyTorch.
  abs: unary((o, g, x) => o.mul(g, o.sign(x))),
  // A true zero rather than null: the operand is floating and PyTorch reports zeros for it.
  sign: unary((o, _g, x) => o.zerosLike(x)),
  select: (o, g, [pred, onTrue, onFalse]) => {
    if (!isFloat(o.dtype(onTrue))) return [null, null, null];
    const zero = o.scalarLike(0, g);
    return [
      null,
      o.sumToShape(o.select(pred, g, zero), o.shape(onTrue)),
      o.sumToShape(o.select(pred, zero, g), o.shape(onFalse)),
    ];
  },
  // NB: a cast to or from int/bool cuts the gradient (PyTorch cannot track integer tensors either).
  convert_element_type: (o, g, [x]) =>
    (isFloat(o.dtype(x)) && isFloat(o.dtype(g)) ? [o.convert(g, o.dtype(x))] : [null]),
};
