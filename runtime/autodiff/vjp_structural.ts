import type { Shape } from '../core';
import type { Ops } from '../ops';
import type { StructuralPrimitive, WindowedPrimitive } from '../primitives';
import type { VjpRule, VjpRuleTable } from './vjp_rule';
import { floatOnly, noGradient } from './vjp_elementwise';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function inversePermutation(permutation: readonly number[]): number[] {
  const inverse = new Array<number>(permutation.length);
  permutation.forEach((p, i) => { inverse[p] = i; });
  return inverse;
}

/** Broadcasts a reduction's result (or cotangent) back over the reduced `axes` of `shape`. */
function unreduce<T>(o: Ops<T>, r: T, shape: Shape, axes: readonly number[]): T {
  if (axes.length === 0) return r;
  return o.broadcastInDim(r, shape, range(shape.length).filter((d) => !axes.includes(d)));
}

/** Moves `x` along its last axis by `s` places (toward the end, or the start when `reverse`), filling with 1. */
function shiftWithOnes<T>(o: Ops<T>, x: T, s: number, reverse: boolean): T {
  const shape = o.shape(x);
  const last = shape.length - 1;
  const start = shape.map(() => 0);
  const limit = [...shape];
  const lo = shape.map(() => 0);
  const hi = shape.map(() => 0);
  if (reverse) {
    start[last] = s;
    hi[last] = s;
  } else {
    limit[last] = shape[last] - s;
    lo[last] = s;
  }
  return o.pad(o.slice(x, start, limit), lo, hi, 1);
}

/** Product of the elements strictly before each position (after it when `reverse`) along the last axis. */
function exclusiveCumprod<T>(o: Ops<T>, x: T, reverse: boolean): T {
  const n = o.shape(x)[o.shape(x).length - 1];
  let p = shiftWithOnes(o, x, 1, reverse);
  // Hillis-Steele scan: log2(n) rounds, each a product with a shifted copy.
  for (let s = 1; s < n; s *= 2) p = o.mul(p, shiftWithOnes(o, p, s, reverse));
  return p;
}

/**
 * prod_{j != i} x_j along the last axis, as (product before i) * (product after i): exact where x
 * has zeros, unlike out / x, and built only of slice, pad and mul, so it differentiates again.
 */
function productOfOthers<T>(o: Ops<T>, x: T): T {
  if (o.shape(x)[o.shape(x).length - 1] <= 1) return o.onesLike(x);
  return o.mul(exclusiveCumprod(o, x, false), exclusiveCumprod(o, x, true));
}

/**
 * The cotangent of max/min reductions goes to the positions equal to the result.
 * NB: ties divide it equally among those positions (JAX's _reduce_chooser_jvp_rule).
 */
const reduceChooser: VjpRule<'reduce_max' | 'reduce_min'> = floatOnly<'reduce_max' | 'reduce_min'>((o, g, [x], out, { axes }) => {
  const shape = o.shape(x);
  const hits = o.convert(o.eq(x, unreduce(o, out, shape, axes)), o.dtype(g));
  const counts = o.reduceSum(hits, axes);
  return [o.mul(hits, unreduce(o, o.div(g, counts), shape, axes))];
});

/**
 * Spreads `g` along `axis` to `length`, with stride - 1 zeros after each element: the transpose
 * of a strided slice, made of pad and reshape since pad has no interior padding.
 */
function dilate<T>(o: Ops<T>, g: T, axis: number, stride: number, length: number): T {
  const shape = o.shape(g);
  const spaced = o.pad(
    o.expandDims(g, [axis + 1]),
    range(shape.length + 1).map(() => 0),
    range(shape.length + 1).map((d) => (d === axis + 1 ? stride - 1 : 0)),
  );
  const flatShape = shape.map((d, i) => (i === axis ? d * stride : d));
  const flat = o.reshape(spaced, flatShape);
  if (flatShape[axis] === length) return flat;
  return o.slice(flat, shape.map(() => 0), shape.map((d, i) => (i === axis ? length : d)));
}

export const STRUCTURAL_VJP_RULES: Pick<VjpRuleTable, Exclude<StructuralPrimitive, WindowedPrimitive | 'rev'>> = {
  reduce_sum: floatOnly<'reduce_sum'>((o, g, [x], _out, { axes }) => [unreduce(o, g, o.shape(x), axes)]),
  reduce_max: reduceChooser,
  reduce_min: reduceChooser,
  reduce_prod: floatOnly<'reduce_prod'>((o, g, [x], _out, { axes }) => {
    // Reduced axes go last, flattened into one, so that the scans run along a single axis.
    const shape = o.shape(x);
    const kept = range(shape.length).filter((d) => !axes.includes(d));
    const permutation = [...kept, ...axes];
    const keptShape = kept.map((d) => shape[d]);
    const n = axes.reduce((size, a) => size * shape[a], 1);
    const flat = o.reshape(o.transpose(x, permutation), [...keptShape, n]);
    const gradFlat = o.mul(productOfOthers(o, flat), o.expandDims(g, [keptShape.length]));
    const grad = o.reshape(gradFlat, permutation.map((d) => shape[d]));
    return [o.transpose(grad, inversePermutation(permutation))];
  }),
  argmax: noGradient,

  broadcast_in_dim: floatOnly<'broadcast_in_dim'>((o, g, [x], _out, { shape, broadcastDimensions }) => {
    const xShape = o.shape(x);
    // NB: operand dims of size 1 that were stretched are summed too; the reshape keeps them as 1.
    const summed = range(shape.length).filter((d) => {
      const i = broadcastDimensions.indexOf(d);
      return i < 0 || (xShape[i] === 1 && shape[d] !== 1);
    });
    return [o.reshape(o.reduceSum(g, summed), xShape)];
  }),
  reshape: floatOnly<'reshape'>((o, g, [x]) => [o.reshape(g, o.shape(x))]),
  transpose: floatOnly<'transpose'>((o, g, _inputs, _out, { permutation }) => [o.transpose(g, inversePermutation(permutation))]),
  squeeze: floatOnly<'squeeze'>((o, g, _inputs, _out, { dimensions }) => [o.expandDims(g, dimensions)]),
  expand_dims: floatOnly<'expand_dims'>((o, g, _inputs, _out, { dimensions }) => [o.squeeze(g, dimensions)]),

  slice: floatOnly<'slice'>((o, g, [x], _out, { startIndices, limitIndices, strides }) => {
    let dense = g;
    strides?.forEach((s, axis) => {
      if (s > 1) dense = dilate(o, dense, axis, s, limitIndices[axis] - startIndices[axis]);
    });
    return [o.pad(dense, startIndices, o.shape(x).map((d, i) => d - limitIndices[i]))];
  }),
  // JAX's _dynamic_slice_transpose: the cotangent written into zeros of the operand's shape at the same starts.
  dynamic_slice: floatOnly<'dynamic_slice'>((o, g, [x, ...starts]) =>
    [o.bind('dynamic_update_slice', [o.zerosLike(x), g, ...starts], {}), ...starts.map(() => null)]),
  // JAX's _dynamic_update_slice_transpose_rule: the operand gets the cotangent with zeros where the
  // update went, the update the cotangent's slice there.
  dynamic_update_slice: floatOnly<'dynamic_update_slice'>((o, g, [, update, ...starts], _out, _params, wanted) => [
    wanted?.[0] === false ? null : o.bind('dynamic_update_slice', [g, o.zerosLike(update), ...starts], {}),
    wanted?.[1] === false ? null : o.bind('dynamic_slice', [g, ...starts], { sliceSizes: o.shape(update) }),
    ...starts.map(() => null),
  ]),
  pad: floatOnly<'pad'>((o, g, [x], _out, { lo }) =>
    [o.slice(g, lo, o.shape(x).map((d, i) => lo[i] + d))]),
  gather: floatOnly<'gather'>((o, g, [x, indices], _out, { axis }) => [o.scatterAdd(g, indices, axis, o.shape(x)), null]),
  scatter_add: floatOnly<'scatter_add'>((o, g, [, indices], _out, { axis }) => [o.gather(g, indices, axis), null]),
  concatenate: floatOnly<'concatenate'>((o, g, inputs, _out, { dimension }) => {
    const gShape = o.shape(g);
    let offset = 0;
    return inputs.map((x) => {
      const size = o.shape(x)[dimension];
      const start = gShape.map((_, i) => (i === dimension ? offset : 0));
      const limit = gShape.map((d, i) => (i === dimension ? offset + size : d));
      offset += size;
      return o.slice(g, start, limit);
    });
  }),
  iota: () => [],
};
