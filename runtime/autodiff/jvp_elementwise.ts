import { isFloat } from '../core';
import type { Ops } from '../ops';
import type { ParamsOf, Primitive } from '../primitives';
import type { JvpRule, JvpRuleTable } from './jvp_rule';

/**
 * Wraps a rule so that it runs only when it has something to do: a non-floating output has no
 * tangent, and when every input tangent is a symbolic zero so is the output's.
 * NB: `rule` may therefore assume that at least one tangent is non-null.
 */
export function floatOnly<P extends Primitive>(rule: JvpRule<P>): JvpRule<P> {
  return (o, primals, tangents, out, params) =>
    (isFloat(o.dtype(out)) && tangents.some((t) => t !== null) ? rule(o, primals, tangents, out, params) : null);
}

/** For ops whose result is bool, an index or a constant. */
export const noTangent: JvpRule<Primitive> = () => null;

/** a + b with null as zero, so a sum of symbolic zeros stays symbolic. */
export function addTangents<T>(o: Ops<T>, a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return o.add(a, b);
}

type UnaryTangent<P extends Primitive> = <T>(o: Ops<T>, t: T, x: T, out: T, params: ParamsOf<P>) => T | null;
/** The contribution of one operand's tangent `t`, already broadcast to the output's shape. */
type PartialTangent = <T>(o: Ops<T>, t: T, x: T, y: T, out: T) => T;

function unary<P extends Primitive>(d: UnaryTangent<P>): JvpRule<P> {
  return floatOnly<P>((o, [x], [t], out, params) => (t === null ? null : d(o, t, x, out, params)));
}

function binary<P extends Primitive>(dx: PartialTangent, dy: PartialTangent): JvpRule<P> {
  return floatOnly<P>((o, [x, y], [tx, ty], out) => {
    const shape = o.shape(out);
    return addTangents(o,
      tx === null ? null : dx(o, o.broadcastTo(tx, shape), x, y, out),
      ty === null ? null : dy(o, o.broadcastTo(ty, shape), x, y, out));
  });
}

/**
 * The share of the tangent that max/min take from `x`: 1 where x was selected, 0 where `other`
 * was, and 0.5 on a tie (JAX's `_balanced_eq`), the same split as the VJP rule.
 */
function selectedShare<T>(o: Ops<T>, x: T, other: T, out: T): T {
  const c = (v: number) => o.scalarLike(v, out);
  return o.select(o.eq(x, out), o.select(o.eq(other, out), c(0.5), c(1)), c(0));
}

const chooser = binary(
  (o, t, x, y, out) => o.mul(t, selectedShare(o, x, y, out)),
  (o, t, x, y, out) => o.mul(t, selectedShare(o, y, x, out)),
);

type ElementwisePrimitive =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min'
  | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'
  | 'neg' | 'integer_pow' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sin' | 'cos' | 'tan' | 'tanh'
  | 'logistic' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'select' | 'convert_element_type';

export const ELEMENTWISE_JVP_RULES: Pick<JvpRuleTable, ElementwisePrimitive> = {
  add: binary((_o, t) => t, (_o, t) => t),
  sub: binary((_o, t) => t, (o, t) => o.neg(t)),
  mul: binary((o, t, _x, y) => o.mul(t, y), (o, t, x) => o.mul(x, t)),
  div: binary((o, t, _x, y) => o.div(t, y), (o, t, _x, y, out) => o.neg(o.mul(t, o.div(out, y)))),
  pow: binary(
    (o, t, x, y) => {
      const zero = o.scalarLike(0, x);
      // NB: where y == 0 the x-derivative is 0, not 0 * x^-1 = NaN at x == 0 (as JAX).
      return o.mul(t, o.select(o.eq(y, zero), zero, o.mul(y, o.pow(x, o.sub(y, o.scalarLike(1, x))))));
    },
    (o, t, x, _y, out) => {
      // NB: log(1) stands in for log(0), so x == 0 gives a y-derivative of 0 rather than NaN (JAX's _replace_zero).
      const safeX = o.select(o.eq(x, o.scalarLike(0, x)), o.scalarLike(1, x), x);
      return o.mul(t, o.mul(o.log(safeX), out));
    },
  ),
  max: chooser,
  min: chooser,
  lt: noTangent,
  le: noTangent,
  gt: noTangent,
  ge: noTangent,
  eq: noTangent,
  ne: noTangent,

  neg: unary((o, t) => o.neg(t)),
  // y == 0 gives a constant: a symbolic zero rather than a materialized one.
  integer_pow: unary<'integer_pow'>((o, t, x, _out, { y }) => {
    if (y === 0) return null;
    if (y === 1) return t;
    return o.mul(t, o.mul(o.scalarLike(y, x), o.integerPow(x, y - 1)));
  }),
  exp: unary((o, t, _x, out) => o.mul(t, out)),
  log: unary((o, t, x) => o.div(t, x)),
  log1p: unary((o, t, x) => o.div(t, o.add(x, o.scalarLike(1, x)))),
  expm1: unary((o, t, _x, out) => o.mul(t, o.add(out, o.scalarLike(1, out)))),
  sin: unary((o, t, x) => o.mul(t, o.cos(x))),
  cos: unary((o, t, x) => o.neg(o.mul(t, o.sin(x)))),
  tan: unary((o, t, _x, out) => o.mul(t, o.add(o.scalarLike(1, out), o.mul(out, out)))),
  // (1 + y)(1 - y) rather than 1 - y^2: it keeps its precision where |y| is near 1.
  tanh: unary((o, t, _x, out) => {
    const one = o.scalarLike(1, out);
    return o.mul(o.mul(t, o.add(one, out)), o.sub(one, out));
  }),
  logistic: unary((o, t, _x, out) => o.mul(o.mul(t, out), o.sub(o.scalarLike(1, out), out))),
  sqrt: unary((o, t, _x, out) => o.div(t, o.mul(o.scalarLike(2, out), out))),
  rsqrt: unary((o, t, x, out) => o.mul(t, o.mul(o.scalarLike(-0.5, x), o.div(out, x)))),
  // sign(0) = 0: the derivative of |x| at the kink is 0, as in JAX and PyTorch.
  abs: unary((o, t, x) => o.mul(t, o.sign(x))),
  // Piecewise constant: a symbolic zero (the VJP rule's zeros, without materializing them).
  sign: noTangent,
  select: floatOnly<'select'>((o, [pred], [, onTrue, onFalse], out) => {
    const zero = o.scalarLike(0, out);
    // NB: a 0-d zero stands in for a null branch; the broadcast restores the output's shape.
    return o.broadcastTo(o.select(pred, onTrue ?? zero, onFalse ?? zero), o.shape(out));
  }),
  // NB: a cast to or from int/bool cuts the tangent: floatOnly sees the int output, or the int
  // input arrives with a null tangent.
  convert_element_type: unary<'convert_element_type'>((o, t, _x, _out, { newDtype }) => o.convert(t, newDtype)),
};
