import { broadcastedAxes, shapeEq, type AbstractValue, type DType, type Shape } from '../core';
import {
  ARITHMETIC_BINARY, COMPARISONS, PARAM_FREE_UNARY,
  type ArithmeticBinaryPrimitive, type ComparisonPrimitive, type DotDimensionNumbers, type ParamFreeUnaryPrimitive,
  type ParamsOf, type Primitive, type WindowParams,
} from '../primitives';
import type { Emitter } from './emitter';

/** One builder for each params-free elementwise primitive, named as the primitive: `o.exp(x)`, `o.add(a, b)`. */
type ElementwiseBuilders<T> =
  & { readonly [P in ParamFreeUnaryPrimitive]: (x: T) => T }
  & { readonly [P in ArithmeticBinaryPrimitive | ComparisonPrimitive]: (a: T, b: T) => T };

// NB: merges with the class below; the prototype gets these builders after it.
export interface Ops<T> extends ElementwiseBuilders<T> {}

/** The primitives as named functions over an Emitter, plus the few compositions rules keep needing. */
export class Ops<T> {
  constructor(readonly emitter: Emitter<T>) {}

  bind<P extends Primitive>(prim: P, inputs: readonly T[], params: ParamsOf<P>): T {
    return this.emitter.bind(prim, inputs, params);
  }
  aval(x: T): AbstractValue { return this.emitter.aval(x); }
  shape(x: T): Shape { return this.emitter.aval(x).shape; }
  dtype(x: T): DType { return this.emitter.aval(x).dtype; }
  scalar(value: number, dtype: DType): T { return this.emitter.scalar(value, dtype); }
  /** A 0-d constant with the dtype of `like`. */
  scalarLike(value: number, like: T): T { return this.scalar(value, this.dtype(like)); }

  integerPow(x: T, y: number): T { return this.bind('integer_pow', [x], { y }); }
  select(pred: T, onTrue: T, onFalse: T): T { return this.bind('select', [pred, onTrue, onFalse], {}); }
  convert(x: T, newDtype: DType): T {
    return this.dtype(x) === newDtype ? x : this.bind('convert_element_type', [x], { newDtype });
  }

  /** x + iy (lax.complex). */
  complex(x: T, y: T): T { return this.bind('complex', [x, y], {}); }
  real(x: T): T { return this.bind('real', [x], {}); }
  imag(x: T): T { return this.bind('imag', [x], {}); }
  conj(x: T): T { return this.bind('conj', [x], { inputDtype: this.dtype(x) }); }

  reduceSum(x: T, axes: readonly number[]): T {
    return axes.length === 0 ? x : this.bind('reduce_sum', [x], { axes });
  }
  reduceMax(x: T, axes: readonly number[]): T { return this.bind('reduce_max', [x], { axes }); }
  reduceMin(x: T, axes: readonly number[]): T { return this.bind('reduce_min', [x], { axes }); }
  reduceProd(x: T, axes: readonly number[]): T { return this.bind('reduce_prod', [x], { axes }); }
  argmax(x: T, axis: number): T { return this.bind('argmax', [x], { axis, indexDtype: 'int32' }); }

  reshape(x: T, newSizes: readonly number[]): T {
    return shapeEq(this.shape(x), newSizes) ? x : this.bind('reshape', [x], { newSizes });
  }
  transpose(x: T, permutation: readonly number[]): T {
    return permutation.every((p, i) => p === i) ? x : this.bind('transpose', [x], { permutation });
  }
  broadcastInDim(x: T, shape: readonly number[], broadcastDimensions: readonly number[]): T {
    return this.bind('broadcast_in_dim', [x], { shape, broadcastDimensions });
  }
  /** NumPy-style broadcast of `x` to `shape` (trailing axes aligned). */
  broadcastTo(x: T, shape: Shape): T {
    const from = this.shape(x);
    if (shapeEq(from, shape)) return x;
    const lead = shape.length - from.length;
    return this.broadcastInDim(x, shape, from.map((_, i) => i + lead));
  }
  /** Sums `x` down to `shape`, undoing a NumPy broadcast from `shape` to x's shape. */
  sumToShape(x: T, shape: Shape): T {
    const from = this.shape(x);
    if (shapeEq(from, shape)) return x;
    const { axes } = broadcastedAxes(shape, from);
    return this.reshape(this.reduceSum(x, axes), shape);
  }
  zerosLike(x: T): T { return this.broadcastTo(this.scalarLike(0, x), this.shape(x)); }
  onesLike(x: T): T { return this.broadcastTo(this.scalarLike(1, x), this.shape(x)); }
  full(shape: Shape, value: number, dtype: DType): T { return this.broadcastTo(this.scalar(value, dtype), shape); }
  squeeze(x: T, dimensions: readonly number[]): T {
    return dimensions.length === 0 ? x : this.bind('squeeze', [x], { dimensions });
  }
  expandDims(x: T, dimensions: readonly number[]): T {
    return dimensions.length === 0 ? x : this.bind('expand_dims', [x], { dimensions });
  }
  slice(x: T, startIndices: readonly number[], limitIndices: readonly number[], strides: readonly number[] | null = null): T {
    return this.bind('slice', [x], { startIndices, limitIndices, strides });
  }
  gather(x: T, indices: T, axis: number): T { return this.bind('gather', [x, indices], { axis }); }
  scatterAdd(updates: T, indices: T, axis: number, operandShape: readonly number[]): T {
    return this.bind('scatter_add', [updates, indices], { axis, operandShape });
  }
  concatenate(xs: readonly T[], dimension: number): T {
    return xs.length === 1 ? xs[0] : this.bind('concatenate', xs, { dimension });
  }
  pad(x: T, lo: readonly number[], hi: readonly number[], value = 0): T {
    return this.bind('pad', [x], { lo, hi, value });
  }
  dotGeneral(a: T, b: T, dimensionNumbers: DotDimensionNumbers): T {
    return this.bind('dot_general', [a, b], { dimensionNumbers });
  }
  iota(dtype: DType, shape: readonly number[], dimension: number): T {
    return this.bind('iota', [], { dtype, shape, dimension });
  }
  rev(x: T, dimensions: readonly number[]): T {
    return dimensions.length === 0 ? x : this.bind('rev', [x], { dimensions });
  }
  conv(lhs: T, rhs: T, params: ParamsOf<'conv_general_dilated'>): T {
    return this.bind('conv_general_dilated', [lhs, rhs], params);
  }
  reduceWindowSum(x: T, params: WindowParams): T { return this.bind('reduce_window_sum', [x], params); }
  reduceWindowMax(x: T, params: WindowParams): T { return this.bind('reduce_window_max', [x], params); }
  /** Per window, `tangent` where `operand` is largest. */
  selectAndGatherAdd(tangent: T, operand: T, params: WindowParams): T {
    return this.bind('select_and_gather_add', [tangent, operand], params);
  }
  /** Zeros like `operand`, each window's `source` added where `operand` is largest in it. */
  selectAndScatterAdd(source: T, operand: T, params: WindowParams): T {
    return this.bind('select_and_scatter_add', [source, operand], params);
  }
}

for (const p of PARAM_FREE_UNARY) {
  Object.defineProperty(Ops.prototype, p, { value(this: Ops<unknown>, x: unknown) { return this.bind(p, [x], {}); }, writable: true });
}
for (const p of [...ARITHMETIC_BINARY, ...COMPARISONS]) {
  Object.defineProperty(Ops.prototype, p, { value(this: Ops<unknown>, a: unknown, b: unknown) { return this.bind(p, [a, b], {}); }, writable: true });
}
