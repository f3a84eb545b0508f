import {
  aval, broadcastShapes, COMPLEX_PART, formatShape, isComplex, isFloat, isInteger, KEY_DTYPE, NOT_BROADCASTABLE, shapeEq, ShapeError, sizeOf,
  type AbstractValue, type DType,
} from '../core';
import { ARITHMETIC_BINARY, COMPARISONS, familyRules, inFamily, NUMERIC_UNARY, RANDOM_KEYS, REDUCTIONS, RESHAPE_LIKE, UNARY_MATH } from './families';
import type { ParamsOf, Primitive } from './params';
import { ALONG_AXIS_SHAPE_RULES } from './shape_rules_along_axis';
import { WINDOW_SHAPE_RULES } from './window_shapes';
import { RANDOM_SHAPE_RULES } from './shape_rules_random';
import { COMPLEX_SHAPE_RULES, TAKES_COMPLEX } from './shape_rules_complex';
import { BITWISE_SHAPE_RULES } from './shape_rules_bitwise';
import { DYNAMIC_SLICE_SHAPE_RULES } from './shape_rules_dynamic_slice';

/** Computes the abstract value of a primitive's result, or throws a ShapeError naming the op and shapes. */
export type ShapeRule<P extends Primitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

function arity(op: string, inputs: readonly AbstractValue[], n: number): void {
  if (inputs.length !== n) throw new ShapeError(op, inputs, `expects ${n} operand(s)`);
}

function sameDtype(op: string, inputs: readonly AbstractValue[]): DType {
  const dtype = inputs[0].dtype;
  let same = true;
  for (const a of inputs) if (a.dtype !== dtype) same = false;
  if (!same) {
    throw new ShapeError(op, inputs, 'operands must share one dtype; convert one of them first');
  }
  return dtype;
}

/** The operands' broadcast shape, a new array (the rules' results take it as it is, no copy). */
function broadcast(op: string, inputs: readonly AbstractValue[]): number[] {
  // NB: two operands (every eager binary op) without a list of their shapes.
  const shape = inputs.length === 2 ? broadcastShapes(inputs[0].shape, inputs[1].shape) : broadcastShapes(...inputs.map((a) => a.shape));
  if (!shape) throw new ShapeError(op, inputs, NOT_BROADCASTABLE);
  return shape;
}

const binary = (op: string): ShapeRule<Primitive> => (inputs) => {
  arity(op, inputs, 2);
  const dtype = sameDtype(op, inputs);
  if (dtype === 'bool') throw new ShapeError(op, inputs, 'is not defined on bool');
  return { shape: broadcast(op, inputs), dtype };
};

const comparison = (op: string): ShapeRule<Primitive> => (inputs) => {
  arity(op, inputs, 2);
  sameDtype(op, inputs);
  return { shape: broadcast(op, inputs), dtype: 'bool' };
};

/** Unary math that is only defined on floating-point values. */
const floatUnary = (op: string): ShapeRule<Primitive> => (inputs) => {
  arity(op, inputs, 1);
  if (!isFloat(inputs[0].dtype) && !isComplex(inputs[0].dtype)) throw new ShapeError(op, inputs, 'needs a floating-point operand; convert it with .float() first');
  return inputs[0];
};

const numericUnary = (op: string): ShapeRule<Primitive> => (inputs) => {
  arity(op, inputs, 1);
  if (inputs[0].dtype === 'bool') throw new ShapeError(op, inputs, 'is not defined on bool');
  return inputs[0];
};

function checkAxes(op: string, inputs: readonly AbstractValue[], axes: readonly number[], rank: number): void {
  const seen = new Set<number>();
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= rank || seen.has(a)) {
      throw new ShapeError(op, inputs, `axes ${formatShape(axes)} are not distinct axes of a rank-${rank} array`);
    }
    seen.add(a);
  }
}

const reduction = (op: string): ShapeRule<Primitive> => (inputs, params) => {
  arity(op, inputs, 1);
  const { axes } = params as ParamsOf<'reduce_sum'>;
  const x = inputs[0];
  checkAxes(op, inputs, axes, x.shape.length);
  if (op !== 'reduce_sum' && op !== 'reduce_prod') {
    for (const a of axes) if (x.shape[a] === 0) throw new ShapeError(op, inputs, `cannot reduce over the empty axis ${a}`);
  }
  return aval(x.shape.filter((_, i) => !axes.includes(i)), x.dtype);
};

export const SHAPE_RULES: { readonly [P in Primitive]: ShapeRule<P> } = {
  ...familyRules(ARITHMETIC_BINARY, binary),
  ...familyRules(COMPARISONS, comparison),
  ...familyRules(UNARY_MATH, (p) => (inFamily(NUMERIC_UNARY, p) ? numericUnary(p) : floatUnary(p))),
  // NB: replaces the family's row in place (the key keeps its position, so PRIMITIVES keeps its order).
  integer_pow: (inputs, { y }) => {
    arity('integer_pow', inputs, 1);
    if (!Number.isInteger(y)) throw new ShapeError('integer_pow', inputs, `exponent ${y} is not an integer`);
    return numericUnary('integer_pow')(inputs, {});
  },
  // NB: the magnitude of a complex operand is real (lax.abs's _complex_basetype).
  abs: (inputs) => {
    const x = numericUnary('abs')(inputs, {});
    return isComplex(x.dtype) ? aval(x.shape, COMPLEX_PART[x.dtype]) : x;
  },
  select: (inputs) => {
    arity('select', inputs, 3);
    const [pred, onTrue, onFalse] = inputs;
    if (pred.dtype !== 'bool') throw new ShapeError('select', inputs, 'the condition must be bool');
    if (onTrue.dtype !== onFalse.dtype) throw new ShapeError('select', inputs, 'both branches must share one dtype');
    return aval(broadcast('select', inputs), onTrue.dtype);
  },
  // NB: the bounds broadcast NumPy-style (a batched bound keeps its axis); lax.clamp checks JAX's
  // rule (each bound scalar or x's shape) before it binds.
  clamp: (inputs) => {
    arity('clamp', inputs, 3);
    const dtype = sameDtype('clamp', inputs);
    if (dtype === 'bool') throw new ShapeError('clamp', inputs, 'is not defined on bool');
    return aval(broadcast('clamp', inputs), dtype);
  },
  ...BITWISE_SHAPE_RULES,
  convert_element_type: (inputs, { newDtype }) => {
    arity('convert_element_type', inputs, 1);
    return aval(inputs[0].shape, newDtype);
  },
  ...familyRules(REDUCTIONS, reduction),
  argmax: (inputs, { axis, indexDtype }) => {
    arity('argmax', inputs, 1);
    const x = inputs[0];
    checkAxes('argmax', inputs, [axis], x.shape.length);
    if (x.shape[axis] === 0) throw new ShapeError('argmax', inputs, `cannot take argmax over the empty axis ${axis}`);
    return aval(x.shape.filter((_, i) => i !== axis), indexDtype);
  },
  broadcast_in_dim: (inputs, { shape, broadcastDimensions }) => {
    arity('broadcast_in_dim', inputs, 1);
    const x = inputs[0];
    const ok = broadcastDimensions.length === x.shape.length
      && broadcastDimensions.every((d, i) => d >= 0 && d < shape.length
        && (i === 0 || d > broadcastDimensions[i - 1])
        && (x.shape[i] === 1 || x.shape[i] === shape[d]));
    if (!ok) {
      throw new ShapeError('broadcast_in_dim', inputs,
        `cannot broadcast to ${formatShape(shape)} along dimensions ${formatShape(broadcastDimensions)}`);
    }
    return aval(shape, x.dtype);
  },
  reshape: (inputs, { newSizes }) => {
    arity('reshape', inputs, 1);
    const x = inputs[0];
    if (newSizes.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(newSizes) !== sizeOf(x.shape)) {
      throw new ShapeError('reshape', inputs, `cannot reshape ${sizeOf(x.shape)} elements into ${formatShape(newSizes)}`);
    }
    return aval(newSizes, x.dtype);
  },
  transpose: (inputs, { permutation }) => {
    arity('transpose', inputs, 1);
    const x = inputs[0];
    const sorted = [...permutation].sort((a, b) => a - b);
    if (permutation.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
      throw new ShapeError('transpose', inputs, `${formatShape(permutation)} is not a permutation of its axes`);
    }
    return aval(permutation.map((p) => x.shape[p]), x.dtype);
  },
  squeeze: (inputs, { dimensions }) => {
    arity('squeeze', inputs, 1);
    const x = inputs[0];
    checkAxes('squeeze', inputs, dimensions, x.shape.length);
    if (dimensions.some((d) => x.shape[d] !== 1)) {
      throw new ShapeError('squeeze', inputs, `dimensions ${formatShape(dimensions)} are not all of size 1`);
    }
    return aval(x.shape.filter((_, i) => !dimensions.includes(i)), x.dtype);
  },
  expand_dims: (inputs, { dimensions }) => {
    arity('expand_dims', inputs, 1);
    const x = inputs[0];
    const rank = x.shape.length + dimensions.length;
    checkAxes('expand_dims', inputs, dimensions, rank);
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(dimensions.includes(i) ? 1 : x.shape[k++]);
    return aval(shape, x.dtype);
  },
  slice: (inputs, { startIndices, limitIndices, strides }) => {
    arity('slice', inputs, 1);
    const x = inputs[0];
    const r = x.shape.length;
    const bad = startIndices.length !== r || limitIndices.length !== r || (strides !== null && strides.length !== r)
      || startIndices.some((s, i) => s < 0 || s > limitIndices[i] || limitIndices[i] > x.shape[i])
      || (strides !== null && strides.some((s) => !Number.isInteger(s) || s < 1));
    if (bad) {
      throw new ShapeError('slice', inputs,
        `start ${formatShape(startIndices)} / limit ${formatShape(limitIndices)} / strides ${formatShape(strides ?? [])} do not fit`);
    }
    return aval(startIndices.map((s, i) => Math.ceil((limitIndices[i] - s) / (strides?.[i] ?? 1))), x.dtype);
  },
  gather: (inputs, { axis }) => {
    arity('gather', inputs, 2);
    const [x, idx] = inputs;
    checkAxes('gather', inputs, [axis], x.shape.length);
    if (idx.dtype !== 'int32') throw new ShapeError('gather', inputs, 'indices must be int32');
    return aval([...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], x.dtype);
  },
  scatter_add: (inputs, { axis, operandShape }) => {
    arity('scatter_add', inputs, 2);
    const [updates, idx] = inputs;
    checkAxes('scatter_add', inputs, [axis], operandShape.length);
    const expected = [...operandShape.slice(0, axis), ...idx.shape, ...operandShape.slice(axis + 1)];
    if (idx.dtype !== 'int32') throw new ShapeError('scatter_add', inputs, 'indices must be int32');
    if (!shapeEq(updates.shape, expected)) {
      throw new ShapeError('scatter_add', inputs, `updates must have shape ${formatShape(expected)}`);
    }
    return aval(operandShape, updates.dtype);
  },
  concatenate: (inputs, { dimension }) => {
    if (inputs.length === 0) throw new ShapeError('concatenate', inputs, 'needs at least one operand');
    const first = inputs[0];
    sameDtype('concatenate', inputs);
    checkAxes('concatenate', inputs, [dimension], first.shape.length);
    const fits = inputs.every((a) => a.shape.length === first.shape.length
      && a.shape.every((d, i) => i === dimension || d === first.shape[i]));
    if (!fits) throw new ShapeError('concatenate', inputs, `shapes differ outside dimension ${dimension}`);
    const shape = [...first.shape];
    shape[dimension] = inputs.reduce((n, a) => n + a.shape[dimension], 0);
    return aval(shape, first.dtype);
  },
  pad: (inputs, { lo, hi }) => {
    arity('pad', inputs, 1);
    const x = inputs[0];
    if (lo.length !== x.shape.length || hi.length !== x.shape.length || [...lo, ...hi].some((p) => !Number.isInteger(p) || p < 0)) {
      throw new ShapeError('pad', inputs, `padding ${formatShape(lo)}/${formatShape(hi)} must give a non-negative amount per axis`);
    }
    return aval(x.shape.map((d, i) => d + lo[i] + hi[i]), x.dtype);
  },
  dot_general: (inputs, { dimensionNumbers: dn }) => {
    arity('dot_general', inputs, 2);
    const [a, b] = inputs;
    sameDtype('dot_general', inputs);
    const ok = dn.lhsContracting.length === dn.rhsContracting.length && dn.lhsBatch.length === dn.rhsBatch.length
      && dn.lhsContracting.every((d, i) => a.shape[d] !== undefined && a.shape[d] === b.shape[dn.rhsContracting[i]])
      && dn.lhsBatch.every((d, i) => a.shape[d] !== undefined && a.shape[d] === b.shape[dn.rhsBatch[i]]);
    if (!ok) {
      throw new ShapeError('dot_general', inputs,
        `contracting dims ${formatShape(dn.lhsContracting)}x${formatShape(dn.rhsContracting)} / batch dims ${formatShape(dn.lhsBatch)}x${formatShape(dn.rhsBatch)} do not match`);
    }
    const lhsUsed = [...dn.lhsBatch, ...dn.lhsContracting];
    const rhsUsed = [...dn.rhsBatch, ...dn.rhsContracting];
    return aval([
      ...dn.lhsBatch.map((d) => a.shape[d]),
      ...a.shape.filter((_, i) => !lhsUsed.includes(i)),
      ...b.shape.filter((_, i) => !rhsUsed.includes(i)),
    ], a.dtype);
  },
  rem: (inputs) => {
    arity('rem', inputs, 2);
    const dtype = sameDtype('rem', inputs);
    if (!isInteger(dtype) && !isFloat(dtype)) throw new ShapeError('rem', inputs, 'takes two integer or floating-point operands of one dtype');
    return aval(broadcast('rem', inputs), dtype);
  },
  // lax.is_finite: floats only (JAX's unop(_fixed_dtype(bool), _float, 'is_finite')), a bool of the same shape.
  is_finite: (inputs) => {
    arity('is_finite', inputs, 1);
    if (!isFloat(inputs[0].dtype)) throw new ShapeError('is_finite', inputs, 'needs a floating-point operand');
    return aval(inputs[0].shape, 'bool');
  },
  iota: (inputs, { dtype, shape, dimension }) => {
    arity('iota', inputs, 0);
    checkAxes('iota', inputs, [dimension], shape.length);
    return aval(shape, dtype);
  },
  ...ALONG_AXIS_SHAPE_RULES,
  ...WINDOW_SHAPE_RULES,
  ...DYNAMIC_SLICE_SHAPE_RULES,
  ...RANDOM_SHAPE_RULES,
  ...COMPLEX_SHAPE_RULES,
};

export const PRIMITIVES = Object.keys(SHAPE_RULES) as Primitive[];

/** What a key<fry> array may go through besides the random primitives: moving whole keys, as JAX's key arrays do. */
const TAKES_KEYS = new Set<Primitive>([
  ...RESHAPE_LIKE, 'transpose', 'slice', 'dynamic_slice', 'dynamic_update_slice', 'gather', 'concatenate', 'rev', 'select', ...RANDOM_KEYS,
]);

export function abstractEval<P extends Primitive>(prim: P, inputs: readonly AbstractValue[], params: ParamsOf<P>): AbstractValue {
  // NB: select's predicate and gather's indices are never keys; their rules check them.
  // NB: loops, not some/find with a closure: this runs once per eager op.
  let key = false;
  let complex: AbstractValue | undefined;
  for (const a of inputs) {
    if (a.dtype === KEY_DTYPE) key = true;
    else if (complex === undefined && isComplex(a.dtype)) complex = a;
  }
  if (key && !TAKES_KEYS.has(prim)) {
    throw new ShapeError(prim, inputs, `does not accept dtype ${KEY_DTYPE}: key arrays are split, folded into, indexed and reshaped, and passed to jax.random's samplers (jax.random.key_data gives their uint32 words)`);
  }
  if (complex !== undefined && !TAKES_COMPLEX.has(prim)) {
    throw new ShapeError(prim, inputs, `does not accept dtype ${complex.dtype}: Gradlens computes complex arrays through arithmetic, exp, log, sin, cos, sqrt, abs, real, imag, conj, sums, dot products and reshaping only; take real and imaginary parts first (jnp.real, jnp.imag)`);
  }
  return (SHAPE_RULES[prim] as ShapeRule<P>)(inputs, params);
}
