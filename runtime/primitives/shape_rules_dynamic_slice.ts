import { aval, formatShape, ShapeError, type AbstractValue } from '../core';
import type { DynamicSlicingPrimitive } from './families';
import type { ParamsOf } from './params';

type Rule<P extends DynamicSlicingPrimitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

/** One int32 scalar start per axis of the operand (lax's _dynamic_slice_dtype_rule, with Gradlens's one index dtype). */
function checkStarts(op: string, inputs: readonly AbstractValue[], starts: readonly AbstractValue[], rank: number): void {
  if (starts.length !== rank) throw new ShapeError(op, inputs, `takes one start index per axis of the operand (${rank}), got ${starts.length}`);
  if (starts.some((s) => s.shape.length !== 0 || s.dtype !== 'int32')) throw new ShapeError(op, inputs, 'start indices must be int32 scalars');
}

/** lax.dynamic_slice and lax.dynamic_update_slice, with JAX's checks (slicing.py's shape rules). */
export const DYNAMIC_SLICE_SHAPE_RULES: { readonly [P in DynamicSlicingPrimitive]: Rule<P> } = {
  dynamic_slice: (inputs, { sliceSizes }) => {
    const [x, ...starts] = inputs;
    if (x === undefined) throw new ShapeError('dynamic_slice', inputs, 'expects an operand');
    checkStarts('dynamic_slice', inputs, starts, x.shape.length);
    if (sliceSizes.length !== x.shape.length || sliceSizes.some((s, d) => !Number.isInteger(s) || s < 0 || s > x.shape[d])) {
      throw new ShapeError('dynamic_slice', inputs, `slice_sizes ${formatShape(sliceSizes)} must be non-negative and at most the operand's shape, one per axis`);
    }
    return aval(sliceSizes, x.dtype);
  },
  dynamic_update_slice: (inputs) => {
    const [x, update, ...starts] = inputs;
    if (x === undefined || update === undefined) throw new ShapeError('dynamic_update_slice', inputs, 'expects an operand and an update');
    if (update.dtype !== x.dtype) throw new ShapeError('dynamic_update_slice', inputs, 'the update must have the operand\'s dtype');
    if (update.shape.length !== x.shape.length || update.shape.some((u, d) => u > x.shape[d])) {
      throw new ShapeError('dynamic_update_slice', inputs, 'the update must have the operand\'s rank and fit inside it');
    }
    checkStarts('dynamic_update_slice', inputs, starts, x.shape.length);
    return x;
  },
};
