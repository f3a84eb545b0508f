import { aval, isFloat, ShapeError, type AbstractValue } from '../core';
import { CUMULATIVE, familyRules, SORTING, SPECIAL_UNARY, type AlongAxisPrimitive, type SpecialUnaryPrimitive } from './families';
import type { ParamsOf, Primitive } from './params';

type Rule<P extends Primitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

function one(op: string, inputs: readonly AbstractValue[]): AbstractValue {
  if (inputs.length !== 1) throw new ShapeError(op, inputs, 'expects 1 operand(s)');
  return inputs[0];
}

function checkAxis(op: string, inputs: readonly AbstractValue[], axis: number): void {
  const rank = inputs[0].shape.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ShapeError(op, inputs, `axis ${axis} is not an axis of a rank-${rank} array`);
}

/** The special functions, the cumulative reductions and the orderings: each keeps its operand's shape. */
export const ALONG_AXIS_SHAPE_RULES: { readonly [P in SpecialUnaryPrimitive | AlongAxisPrimitive]: Rule<P> } = {
  ...familyRules(SPECIAL_UNARY, (p) => (inputs: readonly AbstractValue[]) => {
    const x = one(p, inputs);
    if (!isFloat(x.dtype)) throw new ShapeError(p, inputs, 'needs a floating-point operand; convert it with .float() first');
    return x;
  }),
  ...familyRules(CUMULATIVE, (p) => (inputs: readonly AbstractValue[], { axis }: ParamsOf<'cumsum'>) => {
    const x = one(p, inputs);
    checkAxis(p, inputs, axis);
    if (x.dtype === 'bool') throw new ShapeError(p, inputs, 'is not defined on bool; convert it to an integer or float first');
    if (p === 'cumlogsumexp' && !isFloat(x.dtype)) throw new ShapeError(p, inputs, 'needs a floating-point operand');
    return x;
  }),
  ...familyRules(SORTING, (p) => (inputs: readonly AbstractValue[], params: ParamsOf<'sort'>) => {
    const x = one(p, inputs);
    checkAxis(p, inputs, params.dimension);
    return p === 'argsort' ? aval(x.shape, (params as ParamsOf<'argsort'>).indexDtype) : x;
  }),
};
