/**
 * PyTorch 1.13's CPU float32 softmax and log_softmax in PyTorch's order, so a printed probability or
 * loss shows PyTorch's last digit. Ported from aten/src/ATen/native/cpu/SoftMaxKernel.cpp as
 * Debian's AVX2 build runs it with one thread:
 * - over the last dim (`_vec_softmax_lastdim`, `_vec_log_softmax_lastdim`): each row's max and sum by
 *   functional_base.h's `reduce_all`/`map_reduce_all` (8 lanes, the lanes then folded by the AVX2
 *   shuffle tree; below 8 elements one after another), SLEEF's exp and log, softmax as exp times
 *   1 / sum, log_softmax as (x - max) - log(sum);
 * - over another dim (`_vec_softmax`, `_vec_log_softmax`): 8 adjacent positions of the inner dims
 *   at once, each summing down the dim from 0, and the positions past the last 8 one by one with
 *   glibc's expf (softmax divides by the sum; log_softmax's log is SLEEF's).
 * Checked bit for bit against PyTorch (test/fixtures/random/torch_softmax.py).
 */
import { libm } from '../core';

const f = Math.fround;
const LANES = 8;

type Fold = (a: number, b: number) => number;
const add: Fold = (a, b) => f(a + b);
/** vec::maximum: NaN wins, else the larger. */
const maximum: Fold = (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b);

/** `reduce_all(op, data + at, size)` over values `v[at]`, `v[at + 1]`, ... */
function reduceAll(op: Fold, v: ArrayLike<number>, at: number, size: number): number {
  if (size < LANES) {
    let acc = v[at]!;
    for (let i = 1; i < size; i++) acc = op(acc, v[at + i]!);
    return acc;
  }
  const acc = new Array<number>(LANES);
  for (let l = 0; l < LANES; l++) acc[l] = v[at + l]!;
  let d = LANES;
  for (; d < size - (size % LANES); d += LANES) for (let l = 0; l < LANES; l++) acc[l] = op(acc[l]!, v[at + d + l]!);
  // The partial vector: its lanes replace only the first size - d of the accumulator's.
  for (let l = 0; l < size - d; l++) acc[l] = op(acc[l]!, v[at + d + l]!);
  // vec_reduce_all's AVX2 shuffles: lanes 4 apart, then 2 apart, then 1 apart.
  const a0 = op(acc[0]!, acc[4]!), a1 = op(acc[1]!, acc[5]!), a2 = op(acc[2]!, acc[6]!), a3 = op(acc[3]!, acc[7]!);
  return op(op(a0, a2), op(a1, a3));
}

/**
 * softmax (or log_softmax, `log`) of float32 values of `shape` (row-major, PyTorch makes the input
 * contiguous first) along `axis`, as PyTorch's CPU kernel computes each value.
 */
export function torchCpuSoftmax(values: ArrayLike<number>, shape: readonly number[], axis: number, log: boolean): Float32Array {
  const dim = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  const outer = shape.slice(0, axis).reduce((p, n) => p * n, 1);
  const out = new Float32Array(values.length);
  if (dim === 0 || out.length === 0) return out;
  if (axis === shape.length - 1) {
    for (let r = 0; r < outer; r++) lastDimRow(values, out, r * dim, dim, log);
    return out;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    const vectorEnd = inner - (inner % LANES);
    for (let i = 0; i < inner; i++) column(values, out, base + i, inner, dim, log, i < vectorEnd);
  }
  return out;
}

function lastDimRow(v: ArrayLike<number>, out: Float32Array, at: number, size: number, log: boolean): void {
  const max = reduceAll(maximum, v, at, size);
  for (let i = 0; i < size; i++) out[at + i] = libm.sleefExpf(f(v[at + i]! - max));
  const sum = reduceAll(add, out, at, size);
  if (log) {
    const logSum = libm.sleefLogf(sum);
    for (let i = 0; i < size; i++) out[at + i] = f(f(v[at + i]! - max) - logSum);
  } else {
    const inverse = f(1 / sum);
    for (let i = 0; i < size; i++) out[at + i] = f(out[at + i]! * inverse);
  }
}

/** One position of the inner dims, down the softmax dim (`stride` apart): a vector lane (SLEEF's exp) or the scalar tail (glibc's). */
function column(v: ArrayLike<number>, out: Float32Array, at: number, stride: number, size: number, log: boolean, vector: boolean): void {
  let max = v[at]!;
  for (let d = 1; d < size; d++) max = maximum(max, v[at + d * stride]!);
  const exp = vector ? libm.sleefExpf : libm.glibcExpf;
  let sum = 0;
  for (let d = 0; d < size; d++) {
    const e = exp(f(v[at + d * stride]! - max));
    out[at + d * stride] = e;
    sum = f(sum + e);
  }
  if (log) {
    const logSum = libm.sleefLogf(sum);
    for (let d = 0; d < size; d++) out[at + d * stride] = f(f(v[at + d * stride]! - max) - logSum);
  } else {
    for (let d = 0; d < size; d++) out[at + d * stride] = f(out[at + d * stride]! / sum);
  }
}
