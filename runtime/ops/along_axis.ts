import { sizeOf, stridesOf, type DType, type Shape } from '../core';
import type { CumulativePrimitive } from '../primitives';
import type { Ops } from './ops';

// Compositions along one axis that the rules of the cumulative and sorting primitives and the
// torch/jax surfaces share: indexing by a per-row permutation, shifting, and which position a
// running max or min came from. Each is made of primitives only, so it runs on every engine and
// differentiates again.

/**
 * Flat (row-major) positions in an array of `shape` that `idx` points at: each element's own
 * coordinates with `idx` replacing the one along `axis`. `idx` may be smaller than `shape` along
 * any axis (PyTorch's gather and scatter); int32.
 */
export function flatTargets<T>(o: Ops<T>, idx: T, axis: number, shape: Shape): T {
  const idxShape = o.shape(idx);
  const strides = stridesOf(shape);
  let flat = o.mul(idx, o.scalar(strides[axis], 'int32'));
  idxShape.forEach((d, k) => {
    if (k !== axis && d > 1) flat = o.add(flat, o.mul(o.iota('int32', idxShape, k), o.scalar(strides[k], 'int32')));
  });
  return o.reshape(flat, [sizeOf(idxShape)]);
}

/** `x` read at `idx` along `axis` (NumPy's take_along_axis, PyTorch's gather): the result has idx's shape. */
export function takeAlongAxis<T>(o: Ops<T>, x: T, idx: T, axis: number): T {
  const shape = o.shape(x);
  return o.reshape(o.gather(o.reshape(x, [sizeOf(shape)]), flatTargets(o, idx, axis, shape), 0), o.shape(idx));
}

/** The transpose of takeAlongAxis: `updates` (of idx's shape) added at `idx` along `axis` into zeros of `shape` (updates' own by default). */
export function scatterAlongAxis<T>(o: Ops<T>, updates: T, idx: T, axis: number, shape: Shape = o.shape(updates)): T {
  const n = sizeOf(shape);
  return o.reshape(o.scatterAdd(o.reshape(updates, [sizeOf(o.shape(updates))]), flatTargets(o, idx, axis, shape), 0, [n]), shape);
}

/** `x` moved `by` places along `axis` in scan order (toward the end, toward the start when `reverse`), `fill` coming in. */
export function shiftAlong<T>(o: Ops<T>, x: T, axis: number, by: number, reverse: boolean, fill: number): T {
  const shape = o.shape(x);
  const n = shape[axis];
  if (by >= n) return o.full(shape, fill, o.dtype(x));
  const start = shape.map(() => 0);
  const limit = [...shape];
  const lo = shape.map(() => 0);
  const hi = shape.map(() => 0);
  if (reverse) {
    start[axis] = by;
    hi[axis] = by;
  } else {
    limit[axis] = n - by;
    lo[axis] = by;
  }
  return o.pad(o.slice(x, start, limit), lo, hi, fill);
}

/** The cumulative primitive over `x`. */
export function cumulative<T>(o: Ops<T>, prim: CumulativePrimitive, x: T, axis: number, reverse: boolean): T {
  return o.bind(prim, [x], { axis, reverse });
}

/**
 * Where each running max (or min) of `x` came from, given `out` = cummax(x) (cummin): the latest
 * position in scan order whose value equals it, as PyTorch's cummax/cummin pick (their >= and <=),
 * or the first NaN once one is met. int32 positions along `axis`.
 */
export function cumulativeArgExtreme<T>(o: Ops<T>, x: T, out: T, axis: number, reverse: boolean): T {
  const shape = o.shape(x);
  const pos = o.iota('int32', shape, axis);
  const int = (b: T) => o.convert(b, 'int32');
  // NB: as 0/1 int32, not bool: a select between bool arrays is not served on every backend.
  const isNan = int(o.ne(x, x));
  const firstNan = o.mul(isNan, int(o.eq(cumulative(o, 'cumsum', isNan, axis, reverse), o.scalar(1, 'int32'))));
  const hit = o.gt(o.max(firstNan, int(o.eq(x, out))), o.scalar(0, 'int32'));
  // Positions grow with the scan forward and shrink in reverse: the latest hit is a running max, or min.
  if (reverse) return cumulative(o, 'cummin', o.select(hit, pos, o.full(shape, shape[axis], 'int32')), axis, true);
  return cumulative(o, 'cummax', o.select(hit, pos, o.full(shape, -1, 'int32')), axis, false);
}

/**
 * y_i = a_i * y_(i-1) + b_i along `axis` in scan order (y_(-1) = 0): a first-order linear
 * recurrence, as log2(n) rounds of composing affine maps (Hillis-Steele). Linear in b; stable
 * where |a| <= 1.
 */
export function linearRecurrence<T>(o: Ops<T>, a: T, b: T, axis: number, reverse: boolean): T {
  const n = o.shape(a)[axis];
  let A = a;
  let B = b;
  for (let s = 1; s < n; s *= 2) {
    const prevB = shiftAlong(o, B, axis, s, reverse, 0);
    const prevA = shiftAlong(o, A, axis, s, reverse, 1);
    B = o.add(o.mul(prevB, A), B);
    A = o.mul(A, prevA);
  }
  return B;
}

/**
 * For writes of a flat `targets` list (int32 positions, in the order they are made), 1 where a
 * write is the last to its position and 0 where a later one overwrites it: a sequential scatter's
 * result (PyTorch's CPU scatter, index_copy) as a sum. `dtype` is the mask's.
 */
export function lastWrites<T>(o: Ops<T>, targets: T, dtype: DType): T {
  const m = o.shape(targets)[0];
  const perm = o.bind('argsort', [targets], { dimension: 0, descending: false, indexDtype: 'int32' });
  const sorted = o.gather(targets, perm, 0);
  // Sorted stably, a position's writes sit together in the order made: the last is where the next differs.
  const last = o.convert(o.ne(sorted, shiftAlong(o, sorted, 0, 1, true, -1)), dtype);
  return o.scatterAdd(last, perm, 0, [m]);
}

/**
 * The product of each run of equal `keys` along a flat list, at every position, from the run's
 * start: y_i = x_i * (keys_i == keys_(i-1) ? y_(i-1) : 1), a linear recurrence (exact with zeros, and differentiable).
 */
export function segmentedCumprod<T>(o: Ops<T>, x: T, keys: T): T {
  const same = o.eq(keys, shiftAlong(o, keys, 0, 1, false, -1));
  const zero = o.zerosLike(x);
  return linearRecurrence(o, o.select(same, x, zero), o.select(same, zero, x), 0, false);
}
