/**
 * glibc's double log2 (since 2.29; Szabolcs Nagy's algorithm from Arm's optimized-routines,
 * math/log2.c), as Debian's x86-64 glibc 2.36 runs it on a CPU with FMA (`__log2_fma`, which the
 * 2.36 release branch added): the reduction is one fma, r/ln2 is split with one more, and GCC fuses
 * each multiply whose only uses are additions. Within 0.55 ulp, not correctly rounded:
 * `print(math.log2(x))` shows its last bit.
 */
import { fma } from './fused';
import { tableReduction } from './glibc_log';
import { INV_LN2_HI, INV_LN2_LO, POLY as A, POLY1 as B, TAB } from './glibc_log2_data';

/** log2's near-one polynomial takes the inputs in [1 - 0x1.5b51p-5, 1 + 0x1.6ab2p-5). */
const NEAR_ONE_LO = 1 - 0x15b51 / 2 ** 21;
const NEAR_ONE_HI = 1 + 0x16ab2 / 2 ** 21;

export function glibcLog2(x: number): number {
  if (x >= NEAR_ONE_LO && x < NEAR_ONE_HI) {
    if (x === 1) return 0;
    const r = x - 1;
    const hi = r * INV_LN2_HI;
    let lo = fma(r, INV_LN2_LO, fma(r, INV_LN2_HI, -hi));
    const r2 = r * r;
    const r4 = r2 * r2;
    // p = r2 (B0 + r B1) has only additions for uses: GCC fuses it into both.
    const p0 = fma(r, B[1]!, B[0]!);
    const y = fma(r2, p0, hi);
    lo += fma(r2, p0, hi - y);
    const high = fma(r2, fma(r, B[5]!, B[4]!), fma(r, B[3]!, B[2]!));
    const low = fma(r2, fma(r, B[9]!, B[8]!), fma(r, B[7]!, B[6]!));
    lo = fma(r4, fma(r4, low, high), lo);
    return y + lo;
  }
  if (!(x >= 2 ** -1022) || x === Infinity) {
    if (x === 0) return -Infinity;
    if (x === Infinity) return x;
    if (!(x > 0)) return NaN;
  }
  // x = 2^k z, z in the 64 subintervals of TAB
  const { i, k, z } = tableReduction(x, 6);
  const invc = TAB[2 * i]!;
  const logc = TAB[2 * i + 1]!;
  const r = fma(z, invc, -1);
  const t1 = r * INV_LN2_HI;
  const t2 = fma(r, INV_LN2_LO, fma(r, INV_LN2_HI, -t1));
  const t3 = k + logc;
  const high = t3 + t1;
  const lo = t3 - high + t1 + t2;
  const r2 = r * r;
  const r4 = r2 * r2;
  const p = fma(r4, fma(r, A[5]!, A[4]!), fma(r2, fma(r, A[3]!, A[2]!), fma(r, A[1]!, A[0]!)));
  return fma(r2, p, lo) + high;
}
