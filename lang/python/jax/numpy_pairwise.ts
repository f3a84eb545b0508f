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

type Round = (x: number) => number;

function pairwise(v: ArrayLike<number>, start: number, n: number, round: Round): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = round(res + v[start + i]!);
    return res;
  }
  if (n <= BLOCK) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => v[start + j]!);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = round(r[j]! + v[start + i + j]!);
    let res = round(round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) + round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)));
    for (; i < n; i++) res = round(res + v[start + i]!);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwise(v, start, n2, round) + pairwise(v, start + n2, n - n2, round));
}

/**
 * The sum of row-major `values` of `shape` over `axes` (sorted, distinct), in NumPy's order, the
 * kept axes' results row-major. `round` rounds each addition to the dtype (Math.fround for float32).
 */
export function numpySum(values: ArrayLike<number>, shape: readonly number[], axes: readonly number[], round: Round): Float64Array {
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
      if (innerStart === rank) total = round(total + values[start]!);
      else for (let c = 0; c < inner; c += BUFFER_SIZE) total = round(total + pairwise(values, start + c, Math.min(BUFFER_SIZE, inner - c), round));
    }
    out[o] = total;
  }
  return out;
}
