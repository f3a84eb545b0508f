import { ROUNDING_METHODS, type RoundingMethod } from '../../primitives';
import { allocate, LOGISTIC_ZERO_BELOW, sizeOf, type AbstractValue, type AnyTypedArray } from '../../core';
import { ReferenceArray } from './array';
import { broadcastIndex } from './indexing';

export type UnaryFn = (x: number) => number;
export type BinaryFn = (a: number, b: number) => number;

function result(out: AbstractValue, fill: (data: AnyTypedArray) => void): ReferenceArray {
  const data = allocate(out.dtype, sizeOf(out.shape));
  fill(data);
  return new ReferenceArray(out.shape, out.dtype, data);
}

export function unary(x: ReferenceArray, out: AbstractValue, f: UnaryFn): ReferenceArray {
  const src = x.data;
  return result(out, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = f(src[i]);
  });
}

/** Elementwise over any number of operands broadcast to `out.shape`. */
export function nary(inputs: readonly ReferenceArray[], out: AbstractValue, f: (...xs: number[]) => number): ReferenceArray {
  const idx = inputs.map((x) => broadcastIndex(x.shape, out.shape));
  const srcs = inputs.map((x) => x.data);
  const args = new Array<number>(inputs.length);
  return result(out, (d) => {
    for (let i = 0; i < d.length; i++) {
      for (let k = 0; k < srcs.length; k++) args[k] = srcs[k][idx[k] ? idx[k]![i] : i];
      d[i] = f(...args);
    }
  });
}

export function binary(a: ReferenceArray, b: ReferenceArray, out: AbstractValue, f: BinaryFn): ReferenceArray {
  const ia = broadcastIndex(a.shape, out.shape);
  const ib = broadcastIndex(b.shape, out.shape);
  const da = a.data;
  const db = b.data;
  return result(out, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = f(da[ia ? ia[i] : i], db[ib ? ib[i] : i]);
  });
}

/** PyTorch's sigmoid in `dtype`: 0 where exp(-x) overflows, else the stable form (see LOGISTIC_ZERO_BELOW). */
export function logisticIn(dtype: 'float32' | 'float64'): UnaryFn {
  const zeroBelow = LOGISTIC_ZERO_BELOW[dtype];
  return (x) => (x < zeroBelow ? 0 : x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
}
export const sign: UnaryFn = (x) => (x > 0 ? 1 : x < 0 ? -1 : x);

/**
 * lax.round as C's round (ties away from zero) or rint (ties to even), in doubles: the fraction
 * |x| - floor(|x|) is exact, and the result takes x's sign, so -0.3 rounds to -0 as in C
 * (JavaScript's Math.round rounds ties up and gives +0 there).
 */
export function roundTies(method: RoundingMethod): UnaryFn {
  const even = method === ROUNDING_METHODS.TO_NEAREST_EVEN;
  return (x) => {
    const whole = Math.floor(Math.abs(x));
    const fraction = Math.abs(x) - whole;
    const up = fraction > 0.5 || (fraction === 0.5 && (!even || whole % 2 === 1));
    const r = up ? whole + 1 : whole;
    return x < 0 ? -r : x === 0 ? x : r;
  };
}
/** NaN-propagating, as JAX's max (Math.max propagates NaN too, but -0/+0 order is kept here). */
export const maxOf: BinaryFn = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a >= b ? a : b);
export const minOf: BinaryFn = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a <= b ? a : b);
