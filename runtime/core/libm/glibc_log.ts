/**
 * glibc's double log (since 2.28; Szabolcs Nagy's algorithm from Arm's optimized-routines,
 * math/log.c), as x86-64 glibc runs it on a CPU with FMA and AVX2 (its `__log_fma` variant: the
 * reduction is one fma, and GCC fuses each multiply-add). It is not correctly rounded (within
 * 0.52 ulp), and the streams that PyTorch and NumPy draw through it (Box-Muller, the polar
 * Gaussian, exponentials) are only bit-identical with its exact roundings.
 */
import { fma } from './fused';
import { LN2_HI, LN2_LO, POLY as A, POLY1 as B, TAB } from './glibc_log_data';

const view = new DataView(new ArrayBuffer(8));

/** 1 - 1/16 and 1 + 0x1.09p-4: log1p's polynomial takes the inputs between them. */
const NEAR_ONE_LO = 0.9375;
const NEAR_ONE_HI = 1 + 0x109 / 4096;
/** The high word of 0x3fe6000000000000: the table's subintervals start at 0x1.6p-1. */
const OFF_HI = 0x3fe60000;
const SPLIT = 2 ** 27;

/**
 * x = 2^k z with z in [0x1.6p-1, 0x1.6p0), in subinterval i of the 2^indexBits of a log table (log's
 * and log2's share the reduction): the words of the 64-bit arithmetic of the C code; OFF's low word
 * is 0, so only the high word moves. x is positive and finite; a subnormal is scaled first.
 */
export function tableReduction(x: number, indexBits: number): { i: number; k: number; z: number } {
  const subnormal = x < 2 ** -1022;
  view.setFloat64(0, subnormal ? x * 2 ** 52 : x);
  const hi = view.getUint32(0) - (subnormal ? 52 << 20 : 0);
  const tmp = (hi - OFF_HI) | 0;
  const i = (tmp >>> (20 - indexBits)) & ((1 << indexBits) - 1);
  const k = tmp >> 20;
  view.setUint32(0, (hi - (tmp & 0xfff00000)) >>> 0);
  return { i, k, z: view.getFloat64(0) };
}

export function glibcLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? x : NaN;
  if (x >= NEAR_ONE_LO && x < NEAR_ONE_HI) {
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const inner = fma(r3, B[10]!, fma(r2, B[9]!, fma(r, B[8]!, B[7]!)));
    const mid = fma(r3, inner, fma(r2, B[6]!, fma(r, B[5]!, B[4]!)));
    const poly = fma(r3, mid, fma(r2, B[3]!, fma(r, B[2]!, B[1]!)));
    const w0 = r * SPLIT;
    const rhi = r + w0 - w0;
    const rlo = r - rhi;
    const w = rhi * rhi * B[0]!; // exact: a 27-bit square times -1/2
    const hi = r + w;
    let lo = r - hi + w;
    lo = fma(B[0]! * rlo, rhi + r, lo);
    // NB: `y = r3 * poly; y += lo` is one fma once compiled
    return fma(r3, poly, lo) + hi;
  }
  const { i, k, z } = tableReduction(x, 7);
  const invc = TAB[2 * i]!;
  const logc = TAB[2 * i + 1]!;
  const r = fma(z, invc, -1);
  const w = fma(k, LN2_HI, logc);
  const high = w + r;
  const lo = fma(k, LN2_LO, w - high + r);
  const r2 = r * r;
  const p = fma(r2, fma(r, A[4]!, A[3]!), fma(r, A[2]!, A[1]!));
  return fma(r * r2, p, fma(r2, A[0]!, lo)) + high;
}
