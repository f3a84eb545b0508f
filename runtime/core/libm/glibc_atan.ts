/**
 * glibc's double atan (sysdeps/ieee754/dbl-64/s_atan.c, IBM's Accurate Mathematical Library, as
 * glibc 2.36 has it), as x86-64 glibc runs it on a CPU with FMA (`__atan_fma`): an odd polynomial
 * near 0 and past 16 (of 1/x), Taylor polynomials about 241 points of (1/16, 16) (uatan.tbl), each
 * multiply-add fused where the machine code of Debian's libm.so.6 fuses it (objdump). Within 0.56
 * ulp, not correctly rounded: `print(math.atan(x))` shows its last bit.
 */
import { fma } from './fused';
import { CIJ } from './glibc_atan_data';

const A = 1.2904777690891933e-8;
const B = 1 / 16;
const C = 1;
const D = 16;
const E = 5805361265115136; // 0x1.49ff2p52
const HPI = 1.5707963267948966;
const HPI1 = 6.123233995736766e-17;
const D3 = -0.3333333333333333;
const D5 = 0.19999999999998855;
const D7 = -0.14285714283953163;
const D9 = 0.11111109821886427;
const D11 = -0.09090424391727987;
const D13 = 0.07601836584380736;
const TWO52 = 2 ** 52;

/** d3 + v d5 + ... + v^5 d13, one fused multiply-add a term. */
const oddPoly = (v: number) => fma(v, fma(v, fma(v, fma(v, fma(v, D13, D11), D9), D7), D5), D3);

/** The Taylor polynomial of row i at z = u - x0 (without its constant term): c2 + z (c3 + ... ). */
function rowPoly(i: number, z: number): number {
  const r = 7 * i;
  return fma(z, fma(z, fma(z, fma(z, CIJ[r + 6]!, CIJ[r + 5]!), CIJ[r + 4]!), CIJ[r + 3]!), CIJ[r + 2]!);
}

/** The table row nearest u, for u in [1/16, 1): round(256 u) - 16, the rounding through 2^52 fused. */
const row = (u: number) => fma(u, 256, TWO52) - TWO52 - 16;

export function glibcAtan(x: number): number {
  if (Number.isNaN(x)) return x + x;
  const u = Math.abs(x);
  let y: number;
  if (u < C) {
    if (u < A) return x;
    if (u < B) {
      const v = x * x;
      return fma(x * v, oddPoly(v), x);
    }
    const i = row(u);
    const z = u - CIJ[7 * i]!;
    y = fma(rowPoly(i, z), z, CIJ[7 * i + 1]!);
  } else if (u < D) {
    const w = 1 / u;
    const t1 = u * w;
    const t2 = fma(u, w, -t1);
    const i = row(w);
    const z = fma(1 - t1 - t2, w, w - CIJ[7 * i]!);
    const yy = fma(-rowPoly(i, z), z, HPI1);
    y = HPI - CIJ[7 * i + 1]! + yy;
  } else if (u < E) {
    const w = 1 / u;
    const v = w * w;
    const t1 = u * w;
    const t2 = fma(u, w, -t1);
    const yy = w * v * oddPoly(v);
    const ww = w * (1 - t1 - t2);
    // t3 + cor = HPI - w exactly (dla.h's ESUB).
    const t3 = HPI - w;
    const cor = HPI > w ? HPI - t3 - w : HPI - (w + t3);
    y = t3 + (HPI1 + cor - ww - yy);
  } else {
    return x > 0 ? HPI : -HPI;
  }
  return x < 0 || Object.is(x, -0) ? -Math.abs(y) : Math.abs(y);
}
