/**
 * PyTorch 1.13's CPU float32 mm where its BLAS (Debian's OpenBLAS, AVX2/AVX-512 kernels) adds each
 * output's products one after the other with fused multiply-adds from 0: measured against Debian's
 * PyTorch for every shape with M <= 3 rows or N <= 4 columns and K <= 320 (M, N up to 256; past
 * K = 320 OpenBLAS splits K into blocks, and wider products interleave partial sums). So
 * `nn.Linear(8, 1)` over a batch, whose separately rounded products missed the last bit of 17 of 64
 * outputs, prints PyTorch's loss. Other shapes, and larger products, keep the backends' kernels.
 */
import { fmaf } from '../core';

/** The largest K whose sums are one FMA chain (OpenBLAS's K block is larger; 320 is the largest measured). */
const MAX_CHAIN = 320;
/**
 * The most multiply-adds computed here (nn.Linear(3, 1) over 2,000 points is 6,000): each costs a JS
 * fmaf, so a larger product (W7's 256 x 64 by 64 x 1, every step) keeps the backends' kernel.
 */
const MAX_MULTIPLY_ADDS = 8192;

/** Whether an M x K by K x N float32 product is one FMA chain an output in PyTorch, and small enough to compute here. */
export function isFmaChainMatmul(m: number, k: number, n: number): boolean {
  return k <= MAX_CHAIN && (m <= 3 || n <= 4) && m * k * n <= MAX_MULTIPLY_ADDS;
}

/** The M x N product of row-major `a` (M x K) and `b` (K x N), each output an FMA chain over k from 0. */
export function fmaChainMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = fmaf(a[i * k + p]!, b[p * n + j]!, acc);
      out[i * n + j] = acc;
    }
  }
  return out;
}
