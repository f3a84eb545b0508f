import { aval, broadcastShapes, isInteger, NOT_BROADCASTABLE, ShapeError, type AbstractValue } from '../core';
import { BITWISE_BINARY, familyRules, type BitwisePrimitive } from './families';
import type { ParamsOf } from './params';

type Rule<P extends BitwisePrimitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

// JAX's _bool_or_int: lax's not/and/or/xor take bool or integer operands, never floats.
function boolOrInt(op: string, inputs: readonly AbstractValue[]): void {
  const bad = inputs.find((a) => a.dtype !== 'bool' && !isInteger(a.dtype));
  if (bad) throw new ShapeError(op, inputs, `does not accept dtype ${bad.dtype}; it takes bool or integer operands`);
}

const binary = <P extends BitwisePrimitive>(op: P): Rule<P> => (inputs) => {
  if (inputs.length !== 2) throw new ShapeError(op, inputs, 'expects 2 operand(s)');
  boolOrInt(op, inputs);
  const [a, b] = inputs;
  if (a.dtype !== b.dtype) throw new ShapeError(op, inputs, 'operands must share one dtype; convert one of them first');
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw new ShapeError(op, inputs, NOT_BROADCASTABLE);
  return aval(shape, a.dtype);
};

/** lax's bitwise primitives: the operand's (or the broadcast operands') shape and dtype. */
export const BITWISE_SHAPE_RULES: { readonly [P in BitwisePrimitive]: Rule<P> } = {
  not: (inputs) => {
    if (inputs.length !== 1) throw new ShapeError('not', inputs, 'expects 1 operand(s)');
    boolOrInt('not', inputs);
    return inputs[0];
  },
  ...familyRules(BITWISE_BINARY, binary),
};
