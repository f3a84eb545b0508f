import { aval, broadcastShapes, KEY_DTYPE, NOT_BROADCASTABLE, ShapeError, type AbstractValue } from '../core';
import type { RandomBitsPrimitive } from './families';
import type { ParamsOf, Primitive } from './params';

type Rule<P extends Primitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

function one(op: string, inputs: readonly AbstractValue[], dtype: (d: string) => boolean, what: string): AbstractValue {
  if (inputs.length !== 1) throw new ShapeError(op, inputs, 'expects 1 operand(s)');
  if (!dtype(inputs[0].dtype)) throw new ShapeError(op, inputs, `takes ${what}`);
  return inputs[0];
}

const isKey = (d: string) => d === KEY_DTYPE;
const keys = (op: string, inputs: readonly AbstractValue[]) => one(op, inputs, isKey, 'a key<fry> array (jax.random.key, or random_wrap of key data)');

function checkShape(op: string, inputs: readonly AbstractValue[], shape: readonly number[]): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(op, inputs, `shape (${shape.join(', ')}) must hold non-negative integers`);
}

function uint32Binary<P extends 'shift_right_logical'>(op: P): Rule<P> {
  return (inputs) => {
    if (inputs.length !== 2) throw new ShapeError(op, inputs, 'expects 2 operand(s)');
    const [a, b] = inputs;
    if (a.dtype !== b.dtype || a.dtype !== 'uint32') {
      throw new ShapeError(op, inputs, 'takes two uint32 operands (Gradlens has these bit operations on uint32 only)');
    }
    const shape = broadcastShapes(a.shape, b.shape);
    if (!shape) throw new ShapeError(op, inputs, NOT_BROADCASTABLE);
    return aval(shape, a.dtype);
  };
}

// NB: uint32 <-> float32 only: both sides of the ones jax.random uses; int32 would need a bit cast on the GPU.
const WORD_DTYPES = new Set(['uint32', 'float32']);

/** jax.random's key primitives and the bit operations its samplers use. */
export const RANDOM_SHAPE_RULES: { readonly [P in RandomBitsPrimitive]: Rule<P> } = {
  random_seed: (inputs) => aval(one('random_seed', inputs, (d) => d === 'int32' || d === 'int64', 'an integer seed array').shape, KEY_DTYPE),
  random_bits: (inputs, { bitWidth, shape }) => {
    const k = keys('random_bits', inputs);
    if (bitWidth !== 32) throw new ShapeError('random_bits', inputs, `bit_width ${bitWidth}: Gradlens draws 32-bit words only`);
    checkShape('random_bits', inputs, shape);
    return aval([...k.shape, ...shape], 'uint32');
  },
  random_split: (inputs, { shape }) => {
    const k = keys('random_split', inputs);
    checkShape('random_split', inputs, shape);
    return aval([...k.shape, ...shape], KEY_DTYPE);
  },
  random_fold_in: (inputs) => {
    if (inputs.length !== 2) throw new ShapeError('random_fold_in', inputs, 'expects 2 operand(s)');
    const [k, m] = inputs;
    if (!isKey(k.dtype) || m.dtype !== 'uint32') throw new ShapeError('random_fold_in', inputs, 'takes a key<fry> array and uint32 messages');
    const shape = broadcastShapes(k.shape, m.shape);
    if (!shape) throw new ShapeError('random_fold_in', inputs, NOT_BROADCASTABLE);
    return aval(shape, KEY_DTYPE);
  },
  random_wrap: (inputs) => {
    const x = one('random_wrap', inputs, (d) => d === 'uint32', 'uint32 key data');
    if (x.shape[x.shape.length - 1] !== 2) throw new ShapeError('random_wrap', inputs, 'key data must have a trailing axis of 2 words (threefry2x32 keys)');
    return aval(x.shape.slice(0, -1), KEY_DTYPE);
  },
  random_unwrap: (inputs) => aval([...keys('random_unwrap', inputs).shape, 2], 'uint32'),
  shift_right_logical: uint32Binary('shift_right_logical'),
  bitcast_convert_type: (inputs, { newDtype }) => {
    const x = one('bitcast_convert_type', inputs, (d) => WORD_DTYPES.has(d), 'a uint32 or float32 operand');
    if (!WORD_DTYPES.has(newDtype) || newDtype === x.dtype) throw new ShapeError('bitcast_convert_type', inputs, `cannot reinterpret 32-bit words as ${newDtype}`);
    return aval(x.shape, newDtype);
  },
};
