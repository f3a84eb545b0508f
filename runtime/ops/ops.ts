import { broadcastedAxes, shapeEq, type AbstractValue, type DType, type Shape } from '../core';
import type { DotDimensionNumbers, ParamsOf, Primitive } from '../primitives';
import type { Emitter } from './emitter';

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

  add(a: T, b: T): T { return this.bind('add', [a, b], {}); }
  sub(a: T, b: T): T { return this.bind('sub', [a, b], {}); }
  mul(a: T, b: T): T { return this.bind('mul', [a, b], {}); }
  div(a: T, b: T): T { return this.bind('div', [a, b], {}); }
  pow(a: T, b: T): T { return this.bind('pow', [a, b], {}); }
  max(a: T, b: T): T { return this.bind('max', [a, b], {}); }
  min(a: T, b: T): T { return this.bind('min', [a, b], {}); }
  lt(a: T, b: T): T { return this.bind('lt', [a, b], {}); }
  le(a: T, b: T): T { return this.bind('le', [a, b], {}); }
  gt(a: T, b: T): T { return this.bind('gt', [a, b], {}); }
  ge(a: T, b: T): T { return this.bind('ge', [a, b], {}); }
  eq(a: T, b: T): T { return this.bind('eq', [a, b], {}); }
  ne(a: T, b: T): T { return this.bind('ne', [a, b], {}); }
  neg(x: T): T { return this.bind('neg', [x], {}); }
  integerPow(x: T, y: number): T { return this.bind('integer_pow', [x], { y }); }
  exp(x: T): T { return this.bind('exp', [x], {}); }
  log(x: T): T { return this.bind('log', [x], {}); }
  log1p(x: T): T { return this.bind('log1p', [x], {}); }
  expm1(x: T): T { return this.bind('expm1', [x], {}); }
  sin(x: T): T { return this.bind('sin', [x], {}); }
  cos(x: T): T { return this.bind('cos', [x], {}); }
  tan(x: T): T { return this.bind('tan', [x], {}); }
  tanh(x: T): T { return this.bind('tanh', [x], {}); }
  logistic(x: T): T { return this.bind('logistic', [x], {}); }
  sqrt(x: T): T { return this.bind('sqrt', [x], {}); }
  rsqrt(x: T): T { return this.bind('rsqrt', [x], {}); }
  abs(x: T): T { return this.bind('abs', [x], {}); }
  sign(x: T): T { return this.bind('sign', [x], {}); }
  select(pred: T, onTrue: T, onFalse: T): T { return this.bind('select', [pred, onTrue, onFalse], {}); }
  convert(x: T, newDtype: DType): T {
    return this.dtype(x) === newDtype ? x : this.bind('convert_element_type', [x], { newDtype });
  }

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
}
