/**
 * NumPy's float sums in NumPy's order, so `x.sum()` and `x.mean()` print NumPy's last digit.
 * NumPy 1.24 adds a C-contiguous array's elements as its reduction iterator hands them to the
 * add loop (numpy/core/src/umath/loops_utils.h.src, reduction.c): when the last axis is reduced,
 * the trailing run of reduced axes is coalesced into one inner run, cut into buffers of 8192, each
 * summed pairwise (8 accumulators up to 128 elements, halves above) and added to the running
 * total; the other reduced axes add their runs (or, when the last axis is kept, single elements)
 * one after another in row-major order. Every total starts at add's identity, 0.
 */

/** NumPy's default buffer size: the longest inner run the reduction loop is handed at once. */
const BUFFER_SIZE = 8192;
/** PW_BLOCKSIZE of loops_utils.h.src. */
const BLOCK = 128;

const fround = Math.fround;

/**
 * NB: each addition rounds to float32 where `float32`, written out at every addition: a rounding
 * function passed in (Math.fround or the identity) was a call V8 could not inline, and the doubles
 * it returned were boxed, the most of W6's garbage (NumPy's polynomial fit: 6 sums of 2,000 a step).
 */
function pairwise(v: ArrayLike<number>, start: number, n: number, float32: boolean): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = float32 ? fround(res + v[start + i]!) : res + v[start + i]!;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = v[start]!, r1 = v[start + 1]!, r2 = v[start + 2]!, r3 = v[start + 3]!;
    let r4 = v[start + 4]!, r5 = v[start + 5]!, r6 = v[start + 6]!, r7 = v[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const at = start + i;
      r0 = float32 ? fround(r0 + v[at]!) : r0 + v[at]!;
      r1 = float32 ? fround(r1 + v[at + 1]!) : r1 + v[at + 1]!;
      r2 = float32 ? fround(r2 + v[at + 2]!) : r2 + v[at + 2]!;
      r3 = float32 ? fround(r3 + v[at + 3]!) : r3 + v[at + 3]!;
      r4 = float32 ? fround(r4 + v[at + 4]!) : r4 + v[at + 4]!;
      r5 = float32 ? fround(r5 + v[at + 5]!) : r5 + v[at + 5]!;
      r6 = float32 ? fround(r6 + v[at + 6]!) : r6 + v[at + 6]!;
      r7 = float32 ? fround(r7 + v[at + 7]!) : r7 + v[at + 7]!;
    }
    let res = float32
      ? fround(fround(fround(r0 + r1) + fround(r2 + r3)) + fround(fround(r4 + r5) + fround(r6 + r7)))
      : ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res = float32 ? fround(res + v[start + i]!) : res + v[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  const sum = pairwise(v, start, n2, float32) + pairwise(v, start + n2, n - n2, float32);
  return float32 ? fround(sum) : sum;
}

/**
 * The sum of row-major `values` of `shape` over `axes` (sorted, distinct), in NumPy's order, the
 * kept axes' results row-major, each addition rounded to float32 where `float32`.
 */
export function numpySum(values: ArrayLike<number>, shape: readonly number[], axes: readonly number[], float32 = false): Float64Array {
  const rank = shape.length;
  const reduced = new Set(axes);
  // The inner run: the trailing reduced axes, when the last axis is one of them.
  let innerStart = rank;
  while (innerStart > 0 && reduced.has(innerStart - 1)) innerStart--;
  const inner = shape.slice(innerStart).reduce((p, d) => p * d, 1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const kept = [...shape.keys()].filter((a) => !reduced.has(a));
  const outer = [...shape.keys()].filter((a) => reduced.has(a) && a < innerStart);
  const count = (dims: readonly number[]) => dims.reduce((p, a) => p * shape[a]!, 1);
  const out = new Float64Array(count(kept));
  const offsetOf = (dims: readonly number[], k: number) => {
    let offset = 0;
    for (let d = dims.length - 1; d >= 0; d--) {
      const a = dims[d]!;
      offset += (k % shape[a]!) * strides[a]!;
      k = Math.floor(k / shape[a]!);
    }
    return offset;
  };
  const outerCount = count(outer);
  for (let o = 0; o < out.length; o++) {
    const base = offsetOf(kept, o);
    let total = 0;
    for (let r = 0; r < outerCount; r++) {
      const start = base + offsetOf(outer, r);
      if (innerStart === rank) total = float32 ? fround(total + values[start]!) : total + values[start]!;
      else {
        for (let c = 0; c < inner; c += BUFFER_SIZE) {
          const sum = total + pairwise(values, start + c, Math.min(BUFFER_SIZE, inner - c), float32);
          total = float32 ? fround(sum) : sum;
        }
      }
    }
    out[o] = total;
  }
  return out;
}
