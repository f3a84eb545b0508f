import { isInexact } from '../core';
import type { Ops } from '../ops';
import {
  ARITHMETIC_BINARY, COMPARISONS, familyRules, UNARY_MATH,
  type ArithmeticBinaryPrimitive, type ElementwisePrimitive, type ParamsOf, type Primitive, type UnaryMathPrimitive,
} from '../primitives';
import type { JvpRule, JvpRuleTable } from './jvp_rule';
import {
  BINARY_DERIVATIVES, clampPasses, UNARY_DERIVATIVES, type UnaryDerivative,
} from './derivatives';

/**
 * Wraps a rule so that it runs only when it has something to do: a non-floating output has no
 * tangent, and when every input tangent is a symbolic zero so is the output's.
 * NB: `rule` may therefore assume that at least one tangent is non-null.
 */
export function floatOnly<P extends Primitive>(rule: JvpRule<P>): JvpRule<P> {
  return (o, primals, tangents, out, params) =>
    (isInexact(o.dtype(out)) && tangents.some((t) => t !== null) ? rule(o, primals, tangents, out, params) : null);
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
function unary<P extends Primitive>(d: UnaryTangent<P>): JvpRule<P> {
  return floatOnly<P>((o, [x], [t], out, params) => (t === null ? null : d(o, t, x, out, params)));
}

/** The tangent of a unary op: the tangent times its derivative, null (a symbolic zero) where that is zero. */
const unaryMath = (p: UnaryMathPrimitive): JvpRule<UnaryMathPrimitive> =>
  unary<UnaryMathPrimitive>(UNARY_DERIVATIVES[p] as UnaryDerivative<UnaryMathPrimitive>);

/** The tangent of a binary op: each operand's tangent, broadcast, times its partial derivative; summed. */
function binary(p: ArithmeticBinaryPrimitive): JvpRule<ArithmeticBinaryPrimitive> {
  const [dx, dy] = BINARY_DERIVATIVES[p];
  return floatOnly<ArithmeticBinaryPrimitive>((o, [x, y], [tx, ty], out) => {
    const shape = o.shape(out);
    return addTangents(o,
      tx === null ? null : dx(o, o.broadcastTo(tx, shape), x, y, out),
      ty === null ? null : dy(o, o.broadcastTo(ty, shape), x, y, out));
  });
}

export const ELEMENTWISE_JVP_RULES: Pick<JvpRuleTable, ElementwisePrimitive> = {
  ...familyRules(ARITHMETIC_BINARY, binary),
  ...familyRules(COMPARISONS, () => noTangent),
  ...familyRules(UNARY_MATH, unaryMath),
  select: floatOnly<'select'>((o, [pred], [, onTrue, onFalse], out) => {
    const zero = o.scalarLike(0, out);
    // NB: a 0-d zero stands in for a null branch; the broadcast restores the output's shape.
    return o.broadcastTo(o.select(pred, onTrue ?? zero, onFalse ?? zero), o.shape(out));
  }),
  // JAX's clamp JVP: each tangent passes only where its input is the value, strictly (0 at a tie).
  clamp: floatOnly<'clamp'>((o, [lo, x, hi], tangents, out) => {
    const pass = clampPasses(o, lo, x, hi);
    const shape = o.shape(out);
    const zero = o.full(shape, 0, o.dtype(out));
    let sum: typeof zero | null = null;
    tangents.forEach((t, i) => { if (t !== null) sum = addTangents(o, sum, o.select(pass[i], o.broadcastTo(t, shape), zero)); });
    return sum;
  }),
  // NB: a cast to or from int/bool cuts the tangent: floatOnly sees the int output, or the int
  // input arrives with a null tangent.
  convert_element_type: unary<'convert_element_type'>((o, t, _x, _out, { newDtype }) => o.convert(t, newDtype)),
};
