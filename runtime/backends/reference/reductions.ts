import { allocate, Int64RangeError, INT64_EXACT_LIMIT, sizeOf, stridesOf, type AbstractValue } from '../../core';
import { fromDoubles, ReferenceArray } from './array';
import { mapIndex } from './indexing';

/**
 * Reduces `x` over `axes` with `step(acc, v)` from `init`. Each output element walks the reduced
 * sub-array through precomputed offsets.
 */
export function reduce(
  x: ReferenceArray,
  axes: readonly number[],
  out: AbstractValue,
  init: number,
  step: (acc: number, v: number) => number,
): ReferenceArray {
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outer = mapIndex(kept.map((i) => x.shape[i]), kept.map((i) => strides[i]), 0);
  // NB: row-major order over the reduced axes whatever order `axes` lists them in, so sums round the same.
  axes = [...axes].sort((a, b) => a - b);
  const inner = mapIndex(axes.map((i) => x.shape[i]), axes.map((i) => strides[i]), 0);
  const src = x.data;
  const data = new Float64Array(sizeOf(out.shape));
  const exact = out.dtype === 'int64' || out.dtype === 'uint64';
  for (let o = 0; o < outer.length; o++) {
    let acc = init;
    const base = outer[o];
    if (exact) {
      // NB: int64 is exact only below 2**53: a partial sum or product past it would round the total silently.
      for (let k = 0; k < inner.length; k++) {
        acc = step(acc, src[base + inner[k]]);
        if (!(Math.abs(acc) < INT64_EXACT_LIMIT)) throw new Int64RangeError(acc, out.dtype as 'int64' | 'uint64');
      }
    } else {
      for (let k = 0; k < inner.length; k++) acc = step(acc, src[base + inner[k]]);
    }
    data[o] = acc;
  }
  return fromDoubles(out, data);
}

export const sumStep = (acc: number, v: number): number => acc + v;
export const prodStep = (acc: number, v: number): number => acc * v;
export const maxStep = (acc: number, v: number): number => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : v > acc ? v : acc);
export const minStep = (acc: number, v: number): number => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : v < acc ? v : acc);

/** Index of the first maximum along `axis`; a NaN counts as the maximum, as in NumPy. */
export function argmax(x: ReferenceArray, axis: number, out: AbstractValue): ReferenceArray {
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const outer = mapIndex(kept.map((i) => x.shape[i]), kept.map((i) => strides[i]), 0);
  const n = x.shape[axis];
  const stride = strides[axis];
  const src = x.data;
  const data = allocate(out.dtype, outer.length);
  for (let o = 0; o < outer.length; o++) {
    let best = 0;
    let bestValue = src[outer[o]];
    for (let k = 1; k < n && !Number.isNaN(bestValue); k++) {
      const v = src[outer[o] + k * stride];
      if (v > bestValue || Number.isNaN(v)) {
        best = k;
        bestValue = v;
      }
    }
    data[o] = best;
  }
  return new ReferenceArray(out.shape, out.dtype, data);
}
