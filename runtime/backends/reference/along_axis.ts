import { allocate, Int64RangeError, INT64_EXACT_LIMIT, libm, sizeOf, type AbstractValue } from '../../core';
import type { CumulativeParams, CumulativePrimitive, SortParams } from '../../primitives';
import { ReferenceArray } from './array';

/** Calls `row(offsets)` for each row of `shape` along `axis`: the flat positions of its elements, in order. */
function eachRow(shape: readonly number[], axis: number, row: (at: (i: number) => number, n: number) => void): void {
  const n = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      row((k) => base + k * inner, n);
    }
  }
}

/** PyTorch's _log_add_exp_helper: exact where both are infinite of one sign. */
function logAddExp(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (lo !== hi || Number.isFinite(lo)) return Math.log1p(Math.exp(lo - hi)) + hi;
  return a;
}

const STEPS: { readonly [P in CumulativePrimitive]: (acc: number, v: number) => number } = {
  cumsum: (acc, v) => acc + v,
  cumprod: (acc, v) => acc * v,
  cummax: (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : v > acc ? v : acc),
  cummin: (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : v < acc ? v : acc),
  cumlogsumexp: logAddExp,
};

/**
 * The running reduction along `axis` in PyTorch's CPU order: accumulated in doubles (its acc_type
 * for float32) and stored in the dtype at each position. int32 wraps as it stores.
 */
export function cumulative(prim: CumulativePrimitive, x: ReferenceArray, { axis, reverse }: CumulativeParams, out: AbstractValue): ReferenceArray {
  const src = x.data;
  const data = allocate(out.dtype, src.length);
  const step = STEPS[prim];
  eachRow(x.shape, axis, (at, n) => {
    let acc = 0;
    for (let k = 0; k < n; k++) {
      const j = at(reverse ? n - 1 - k : k);
      acc = k === 0 ? src[j] : step(acc, src[j]);
      data[j] = acc;
      if (out.dtype === 'int32') acc = data[j];
      // NB: int64 is exact only below 2**53: a running sum or product past it is refused, never rounded.
      else if ((out.dtype === 'int64' || out.dtype === 'uint64') && !(Math.abs(acc) < INT64_EXACT_LIMIT)) throw new Int64RangeError(acc, out.dtype);
    }
  });
  return new ReferenceArray(out.shape, out.dtype, data);
}

/** NumPy's and JAX's order: NaN above everything. */
function ascending(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The stable order of each row: positions along `dimension`, equal values in their order (descending keeps it too). */
function permutations(x: ReferenceArray, { dimension, descending }: SortParams, write: (j: number, from: number, k: number) => void): void {
  const src = x.data;
  eachRow(x.shape, dimension, (at, n) => {
    const order = Array.from({ length: n }, (_, k) => k);
    // NB: Array.prototype.sort is stable.
    order.sort((p, q) => (descending ? -1 : 1) * ascending(src[at(p)], src[at(q)]));
    for (let k = 0; k < n; k++) write(at(k), at(order[k]), order[k]);
  });
}

export function sort(x: ReferenceArray, params: SortParams, out: AbstractValue): ReferenceArray {
  const data = allocate(out.dtype, x.data.length);
  const src = x.data;
  permutations(x, params, (j, from) => { data[j] = src[from]; });
  return new ReferenceArray(out.shape, out.dtype, data);
}

export function argsort(x: ReferenceArray, params: SortParams, out: AbstractValue): ReferenceArray {
  const data = allocate(out.dtype, x.data.length);
  permutations(x, params, (j, _from, k) => { data[j] = k; });
  return new ReferenceArray(out.shape, out.dtype, data);
}

export const erf = libm.erf;
export const erfinv = libm.erfinv;

/**
 * XLA's cbrt (ElementalIrEmitter::EmitCbrt, which JAX's lax.cbrt lowers to on the CPU):
 * copysign(pow(|x|, 1/3), x), with 1/3 rounded to the operand's precision, so float32's exponent
 * is 0.33333334 (jnp.cbrt(27.0) in float64 is 3.0000000000000004, as XLA gives, not glibc's 3).
 */
/**
 * PyTorch's logit kernel in `dtype`: log(z / (1 - z)), z = x clamped to [eps, 1 - eps] (NaN kept)
 * when eps is given, each step rounded to float32 for a float32 tensor.
 */
export function logitIn(dtype: 'float32' | 'float64', eps: number | null): (x: number) => number {
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const log = dtype === 'float32' ? Math.log : libm.log;
  const lo = eps === null ? -Infinity : round(eps);
  const hi = eps === null ? Infinity : round(1 - eps);
  return (x) => {
    const z = x < lo ? lo : x > hi ? hi : x;
    return log(round(z / round(1 - z)));
  };
}

export function xlaCbrt(x: number, f32: boolean): number {
  const third = f32 ? Math.fround(1 / 3) : 1 / 3;
  const magnitude = libm.pow(Math.abs(x), third);
  return x < 0 || Object.is(x, -0) ? -magnitude : magnitude;
}
