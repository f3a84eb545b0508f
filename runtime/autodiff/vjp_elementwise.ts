import { isInexact } from '../core';
import {
  ARITHMETIC_BINARY, COMPARISONS, familyRules, UNARY_MATH,
  type ArithmeticBinaryPrimitive, type ElementwisePrimitive, type Primitive, type UnaryMathPrimitive,
} from '../primitives';
import type { VjpRule, VjpRuleTable } from './vjp_rule';
import {
  BINARY_DERIVATIVES, clampPasses, UNARY_DERIVATIVES, type UnaryDerivative,
} from './derivatives';

/**
 * Wraps a rule so that a non-floating first operand gives no gradient at all.
 * NB: operands of the ops that use it share one dtype, so the first one speaks for all.
 */
export function floatOnly<P extends Primitive>(rule: VjpRule<P>): VjpRule<P> {
  return (o, g, inputs, out, params, wanted) =>
    (isInexact(o.dtype(inputs[0])) ? rule(o, g, inputs, out, params, wanted) : inputs.map(() => null));
}

/** For ops whose result is bool or an index: no cotangent flows back through them. */
export const noGradient: VjpRule<Primitive> = (_o, _g, inputs) => inputs.map(() => null);

/**
 * The cotangent of a unary op's operand: the cotangent times its derivative.
 * NB: a zero derivative gives true zeros rather than null: the operand is floating, and PyTorch
 * reports zeros for it.
 */
function unaryMath(p: UnaryMathPrimitive): VjpRule<UnaryMathPrimitive> {
  const d = UNARY_DERIVATIVES[p] as UnaryDerivative<UnaryMathPrimitive>;
  return floatOnly<UnaryMathPrimitive>((o, g, [x], out, params) => [d(o, g, x, out, params) ?? o.zerosLike(g)]);
}

/** The cotangents of a binary op's operands: the cotangent times each partial, summed back to the operand's shape. */
function binary(p: ArithmeticBinaryPrimitive): VjpRule<ArithmeticBinaryPrimitive> {
  const [dx, dy] = BINARY_DERIVATIVES[p];
  return floatOnly<ArithmeticBinaryPrimitive>((o, g, [x, y], out, _params, wanted) => [
    wanted?.[0] === false ? null : o.sumToShape(dx(o, g, x, y, out), o.shape(x)),
    wanted?.[1] === false ? null : o.sumToShape(dy(o, g, x, y, out), o.shape(y)),
  ]);
}

export const ELEMENTWISE_VJP_RULES: Pick<VjpRuleTable, ElementwisePrimitive> = {
  ...familyRules(ARITHMETIC_BINARY, binary),
  ...familyRules(COMPARISONS, () => noGradient),
  ...familyRules(UNARY_MATH, unaryMath),
  select: (o, g, [pred, onTrue, onFalse], _out, _params, wanted) => {
    if (!isInexact(o.dtype(onTrue))) return [null, null, null];
    const zero = o.scalarLike(0, g);
    return [
      null,
      wanted?.[1] === false ? null : o.sumToShape(o.select(pred, g, zero), o.shape(onTrue)),
      wanted?.[2] === false ? null : o.sumToShape(o.select(pred, zero, g), o.shape(onFalse)),
    ];
  },
  // The transpose of clamp's JVP: the cotangent goes to the input the value follows there.
  clamp: floatOnly<'clamp'>((o, g, [lo, x, hi], out) => {
    const zero = o.full(o.shape(out), 0, o.dtype(out));
    const pass = clampPasses(o, lo, x, hi);
    return [lo, x, hi].map((v, i) => o.sumToShape(o.select(pass[i], g, zero), o.shape(v)));
  }),
  // NB: a cast to or from int/bool cuts the gradient (PyTorch cannot track integer tensors either).
  convert_element_type: (o, g, [x]) =>
    (isInexact(o.dtype(x)) && isInexact(o.dtype(g)) ? [o.convert(g, o.dtype(x))] : [null]),
};
