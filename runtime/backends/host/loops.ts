import { allocate, type AnyTypedArray, type DType, type Shape } from '../../core';
import { broadcastIndex } from '../reference';

// Elementwise loops over host typed arrays, written out per op: a loop that called a function per
// element would be one megamorphic call site shared by every op, several times slower.

/**
 * An operand ready for the loops: its own values when it has the output's size (same layout, as
 * broadcasting only repeats size-1 axes), a single value repeated, or a copy broadcast to the
 * output otherwise.
 */
export function expand(data: AnyTypedArray, shape: Shape, outShape: Shape, size: number): AnyTypedArray {
  if (data.length === size || data.length === 1) return data;
  // NB: float32 values stay in a Float32Array, which a wasm kernel copies into its memory in one
  // move (from a Float64Array, one conversion an element); from the pool, every element written.
  // The caller recycles the copy (`doneWith`).
  const full = output(data instanceof Float32Array ? 'float32' : 'float64', size);
  if (isTrailingBlock(shape, outShape)) {
    // A bias row added to each row of a batch: the block repeats as it is.
    for (let at = 0; at < size; at += data.length) full.set(data, at);
    return full;
  }
  const index = broadcastIndex(shape, outShape)!;
  for (let i = 0; i < size; i++) full[i] = data[index[i]];
  return full;
}

/** Gives back an operand `expand` made from `data` (a broadcast copy) once the kernel has read it. */
export function doneWith(expanded: AnyTypedArray, data: AnyTypedArray): void {
  if (expanded !== data) recycle(expanded);
}

/** Whether `shape`, leading 1s aside, is the last axes of `outShape`. */
function isTrailingBlock(shape: Shape, outShape: Shape): boolean {
  let lead = 0;
  while (lead < shape.length && shape[lead] === 1) lead++;
  const tail = shape.length - lead;
  for (let i = 1; i <= tail; i++) if (shape[shape.length - i] !== outShape[outShape.length - i]) return false;
  return tail <= outShape.length;
}

/** The output array, written by a binary loop whose operands each have `n` values or one. */
export type BinaryLoop = (a: AnyTypedArray, b: AnyTypedArray, o: AnyTypedArray) => void;

export const BINARY_LOOPS = {
  add(a, b, o) {
    const n = o.length;
    if (a.length === n && b.length === n) for (let i = 0; i < n; i++) o[i] = a[i] + b[i];
    else if (a.length === 1) { const s = a[0]; for (let i = 0; i < n; i++) o[i] = s + b[i]; }
    else { const s = b[0]; for (let i = 0; i < n; i++) o[i] = a[i] + s; }
  },
  sub(a, b, o) {
    const n = o.length;
    if (a.length === n && b.length === n) for (let i = 0; i < n; i++) o[i] = a[i] - b[i];
    else if (a.length === 1) { const s = a[0]; for (let i = 0; i < n; i++) o[i] = s - b[i]; }
    else { const s = b[0]; for (let i = 0; i < n; i++) o[i] = a[i] - s; }
  },
  mul(a, b, o) {
    const n = o.length;
    if (a.length === n && b.length === n) for (let i = 0; i < n; i++) o[i] = a[i] * b[i];
    else if (a.length === 1) { const s = a[0]; for (let i = 0; i < n; i++) o[i] = s * b[i]; }
    else { const s = b[0]; for (let i = 0; i < n; i++) o[i] = a[i] * s; }
  },
  div(a, b, o) {
    const n = o.length;
    if (a.length === n && b.length === n) for (let i = 0; i < n; i++) o[i] = a[i] / b[i];
    else if (a.length === 1) { const s = a[0]; for (let i = 0; i < n; i++) o[i] = s / b[i]; }
    else { const s = b[0]; for (let i = 0; i < n; i++) o[i] = a[i] / s; }
  },
  // NaN-propagating; otherwise the first operand where they are equal (±0 keeps a's sign), as the reference's maxOf/minOf.
  max(a, b, o) {
    const n = o.length;
    const sa = a.length === n ? 1 : 0;
    const sb = b.length === n ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const x = a[i * sa];
      const y = b[i * sb];
      o[i] = x !== x || y !== y ? NaN : x >= y ? x : y;
    }
  },
  min(a, b, o) {
    const n = o.length;
    const sa = a.length === n ? 1 : 0;
    const sb = b.length === n ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const x = a[i * sa];
      const y = b[i * sb];
      o[i] = x !== x || y !== y ? NaN : x <= y ? x : y;
    }
  },
} satisfies Record<string, BinaryLoop>;

/** Comparisons into a bool (0/1) array. */
export const COMPARISON_LOOPS = {
  lt(a, b, o) { const n = o.length; const sa = a.length === n ? 1 : 0; const sb = b.length === n ? 1 : 0; for (let i = 0; i < n; i++) o[i] = a[i * sa] < b[i * sb] ? 1 : 0; },
  le(a, b, o) { const n = o.length; const sa = a.length === n ? 1 : 0; const sb = b.length === n ? 1 : 0; for (let i = 0; i < n; i++) o[i] = a[i * sa] <= b[i * sb] ? 1 : 0; },
  gt(a, b, o) { const n = o.length; const sa = a.length === n ? 1 : 0; const sb = b.length === n ? 1 : 0; for (let i = 0; i < n; i++) o[i] = a[i * sa] > b[i * sb] ? 1 : 0; },
  ge(a, b, o) { const n = o.length; const sa = a.length === n ? 1 : 0; const sb = b.length === n ? 1 : 0; for (let i = 0; i < n; i++) o[i] = a[i * sa] >= b[i * sb] ? 1 : 0; },
  eq(a, b, o) { const n = o.length; const sa = a.length === n ? 1 : 0; const sb = b.length === n ? 1 : 0; for (let i = 0; i < n; i++) o[i] = a[i * sa] === b[i * sb] ? 1 : 0; },
  ne(a, b, o) { const n = o.length; const sa = a.length === n ? 1 : 0; const sb = b.length === n ? 1 : 0; for (let i = 0; i < n; i++) o[i] = a[i * sa] !== b[i * sb] ? 1 : 0; },
} satisfies Record<string, BinaryLoop>;

export type UnaryLoop = (x: AnyTypedArray, o: AnyTypedArray) => void;

export const UNARY_LOOPS = {
  neg(x, o) { for (let i = 0; i < o.length; i++) o[i] = -x[i]; },
  abs(x, o) { for (let i = 0; i < o.length; i++) o[i] = Math.abs(x[i]); },
  sqrt(x, o) { for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(x[i]); },
  sign(x, o) { for (let i = 0; i < o.length; i++) { const v = x[i]; o[i] = v > 0 ? 1 : v < 0 ? -1 : v; } },
  stop_gradient(x, o) { o.set(x); },
} satisfies Record<string, UnaryLoop>;

/**
 * Float arrays given back by their owner (a disposed host array), by length (float64's under the
 * negated length): a kernel's output takes one of them before allocating, as a fresh typed array
 * costs more than a small op's loop (zeroed memory, and garbage collections driven by the external
 * memory it counts). A full pool evicts the lengths used least recently, so lengths a program no
 * longer uses (evaluations at ever new shapes) do not stay: the pool kept every length it saw
 * until it filled, then took no more.
 * NB: a bucket stays in the map when its arrays are taken, as a length's arrays are taken and given
 * back once per op: deleting and adding the map's entry each time made V8 shrink and grow the map's
 * table, 0.2-2 µs an op (dispatch 2,000's `x * y + x`).
 */
interface Bucket {
  readonly arrays: AnyTypedArray[];
  /** The pool's clock when one of its arrays was last given back or taken. */
  used: number;
}

const FREE = new Map<number, Bucket>();
/** Arrays kept per length, the smallest length worth keeping (smaller ones live on V8's heap, cheap to make), the bytes kept in all, and the lengths with a bucket, empty or not. */
const POOL_DEPTH = 32;
const POOL_MIN_LENGTH = 16;
const POOL_MAX_BYTES = 32 * 2 ** 20;
const POOL_MAX_BUCKETS = 1024;
let pooledBytes = 0;
let clock = 0;

const poolKey = (float64: boolean, length: number) => (float64 ? -length : length);

/** Gives `data` back for reuse; its owner must hold no other reference to it. */
export function recycle(data: AnyTypedArray): void {
  if (data.length < POOL_MIN_LENGTH || data.byteLength > POOL_MAX_BYTES) return;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return;
  const key = poolKey(data instanceof Float64Array, data.length);
  if ((FREE.get(key)?.arrays.length ?? 0) >= POOL_DEPTH) return;
  while (pooledBytes + data.byteLength > POOL_MAX_BYTES) evictLeastRecentlyUsed();
  // NB: read after the evictions, which may have taken this length's bucket.
  let bucket = FREE.get(key);
  if (!bucket) {
    if (FREE.size >= POOL_MAX_BUCKETS) dropEmptyBuckets();
    FREE.set(key, (bucket = { arrays: [], used: 0 }));
  }
  bucket.arrays.push(data);
  bucket.used = ++clock;
  pooledBytes += data.byteLength;
}

function evictLeastRecentlyUsed(): void {
  let oldest: number | undefined;
  let oldestUse = Infinity;
  for (const [key, bucket] of FREE) {
    if (bucket.arrays.length > 0 && bucket.used < oldestUse) {
      oldest = key;
      oldestUse = bucket.used;
    }
  }
  const arrays = FREE.get(oldest!)!.arrays;
  FREE.delete(oldest!);
  for (const a of arrays) pooledBytes -= a.byteLength;
}

/** Forgets the lengths whose arrays were all taken, once there are many (a program at ever new shapes). */
function dropEmptyBuckets(): void {
  for (const [key, bucket] of FREE) if (bucket.arrays.length === 0) FREE.delete(key);
}

/** Lets the garbage collector have every pooled array: an evaluation that ended leaves none behind. */
export function releasePooledArrays(): void {
  FREE.clear();
  pooledBytes = 0;
}

/** What the pool holds: arrays, bytes, and lengths (with their dtype) it holds arrays of. */
export function pooledArrays(): { readonly arrays: number; readonly bytes: number; readonly buckets: number } {
  let arrays = 0;
  let buckets = 0;
  for (const bucket of FREE.values()) {
    arrays += bucket.arrays.length;
    if (bucket.arrays.length > 0) buckets++;
  }
  return { arrays, bytes: pooledBytes, buckets };
}

/** An array of `dtype` and `size` for a kernel to fill: every element is written, so a recycled one needs no zeroing. */
export function output(dtype: DType, size: number): AnyTypedArray {
  // NB: int64 is stored in a Float64Array too, but its arrays are never recycled (see host_dtypes).
  if (dtype === 'float32' || dtype === 'float64') {
    const key = poolKey(dtype === 'float64', size);
    const bucket = FREE.get(key);
    if (bucket !== undefined && bucket.arrays.length > 0) {
      const reused = bucket.arrays.pop()!;
      bucket.used = ++clock;
      pooledBytes -= reused.byteLength;
      return reused;
    }
  }
  return allocate(dtype, size);
}
