/**
 * glibc's double atan2 (sysdeps/ieee754/dbl-64/e_atan2.c, IBM's Accurate Mathematical Library, as
 * glibc 2.36 has it, without its old multi-precision fallback), as x86-64 glibc runs it on a CPU
 * with FMA (`__ieee754_atan2_fma`: GCC fuses each multiply whose only uses are additions in the
 * same block): the quotient of the smaller by the larger of |x|, |y| as u + du, atan(u) by an odd
 * polynomial below 1/16 and by uatan.tbl's Taylor rows (atan's table) beyond, placed by quadrant.
 * Within 0.56 ulp, not correctly rounded: `print(math.atan2(y, x))` shows its last bit.
 */
import { fma } from './fused';
import { CIJ } from './glibc_atan_data';

const D3 = -0.3333333333333333;
const D5 = 0.19999999999998855;
const D7 = -0.14285714283953163;
const D9 = 0.11111109821886427;
const D11 = -0.09090424391727987;
const D13 = 0.07601836584380736;
const INV16 = 0.0625;
const OPI = 3.141592653589793;
const OPI1 = 1.2246467991473532e-16;
const HPI = 1.5707963267948966;
const HPI1 = 6.123233995736766e-17;
const QPI = 0.7853981633974483;
const TQPI = 2.356194490192345;
const TWO500 = 2 ** 500;
const TWOM500 = 2 ** -500;
const TWO52 = 2 ** 52;
/** 57 * 16^5: a difference of exponents (in the high word) past which one of y/x, x/y is negligible. */
const EP = 59768832;

const view = new DataView(new ArrayBuffer(8));

/** d3 + v (d5 + ... + v d13), Horner's rule fused. */
const oddPoly = (v: number) => fma(v, fma(v, fma(v, fma(v, fma(v, D13, D11), D9), D7), D5), D3);

/** The row of u in [1/16, 1): round(256 u) - 16, the rounding through 2^52 fused. */
const row = (u: number) => fma(256, u, TWO52) - TWO52 - 16;

/** c2 + v (c3 + ... + v c6) of row i. */
function rowPoly(i: number, v: number): number {
  const r = 7 * i;
  return fma(v, fma(v, fma(v, fma(v, CIJ[r + 6]!, CIJ[r + 5]!), CIJ[r + 4]!), CIJ[r + 3]!), CIJ[r + 2]!);
}

const copysign = (z: number, y: number) => (y < 0 || Object.is(y, -0) ? -Math.abs(z) : Math.abs(z));

/** atan2 of finite, nonzero y and x. */
function finite(y: number, x: number): number {
  view.setFloat64(0, x);
  const ex = view.getInt32(0) & 0x7ff00000;
  view.setFloat64(0, y);
  const de = (view.getInt32(0) & 0x7ff00000) - ex;
  let ax = Math.abs(x);
  let ay = Math.abs(y);
  if (de >= EP) return y > 0 ? HPI : -HPI;
  if (de <= -EP) return x > 0 ? copysign(ay / ax, y) : y > 0 ? OPI : -OPI;
  if (ax < TWOM500 || ay < TWOM500) {
    ax *= TWO500;
    ay *= TWO500;
  }
  if (ax > TWO500 || ay > TWO500) {
    ax *= TWOM500;
    ay *= TWOM500;
  }
  // u + du = the smaller over the larger (dla.h's EMULV with an fma for the product's error)
  const small = ay < ax ? ay : ax;
  const large = ay < ax ? ax : ay;
  const u = small / large;
  const v0 = large * u;
  const du = (small - v0 - fma(large, u, -v0)) / large;
  if (x > 0) {
    if (ay < ax) {
      // (i) atan(ay/ax)
      if (u < INV16) {
        const v = u * u;
        return copysign(u + fma(u * v, oddPoly(v), du), y);
      }
      const i = row(u);
      const t3 = u - CIJ[7 * i]!;
      const v = t3 + du;
      const dv = Math.abs(t3) > Math.abs(du) ? t3 - v + du : du - v + t3;
      const t2 = CIJ[7 * i + 2]!;
      const r = 7 * i;
      const tail = fma(v, fma(v, fma(v, CIJ[r + 6]!, CIJ[r + 5]!), CIJ[r + 4]!), CIJ[r + 3]!);
      const zz = fma(v, t2, fma(dv, t2, v * v * tail));
      return copysign(CIJ[7 * i + 1]! + zz, y);
    }
    // (ii) pi/2 - atan(ax/ay)
    if (u < INV16) {
      const v = u * u;
      const t2 = HPI - u;
      const cor = HPI > u ? HPI - t2 - u : HPI - (u + t2);
      return copysign(t2 + fma(-(u * v), oddPoly(v), HPI1 + cor - du), y);
    }
    const i = row(u);
    const v = u - CIJ[7 * i]! + du;
    return copysign(HPI - CIJ[7 * i + 1]! + fma(-v, rowPoly(i, v), HPI1), y);
  }
  if (ax < ay) {
    // (iii) pi/2 + atan(ax/ay)
    if (u < INV16) {
      const v = u * u;
      const t2 = HPI + u;
      const cor = HPI > u ? HPI - t2 + u : u - t2 + HPI;
      return copysign(t2 + fma(u * v, oddPoly(v), HPI1 + cor + du), y);
    }
    const i = row(u);
    const v = u - CIJ[7 * i]! + du;
    return copysign(HPI + CIJ[7 * i + 1]! + fma(v, rowPoly(i, v), HPI1), y);
  }
  // (iv) pi - atan(ay/ax)
  if (u < INV16) {
    const v = u * u;
    const t2 = OPI - u;
    const cor = OPI > u ? OPI - t2 - u : OPI - (u + t2);
    return copysign(t2 + fma(-(u * v), oddPoly(v), OPI1 + cor - du), y);
  }
  const i = row(u);
  const v = u - CIJ[7 * i]! + du;
  return copysign(OPI - CIJ[7 * i + 1]! + fma(-v, rowPoly(i, v), OPI1), y);
}

export function glibcAtan2(y: number, x: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return x + y;
  const yNegative = y < 0 || Object.is(y, -0);
  const xNegative = x < 0 || Object.is(x, -0);
  if (y === 0) return xNegative ? (yNegative ? -OPI : OPI) : yNegative ? -0 : 0;
  if (x === 0) return yNegative ? -HPI : HPI;
  if (x === Infinity) return y === Infinity ? QPI : y === -Infinity ? -QPI : yNegative ? -0 : 0;
  if (x === -Infinity) return y === Infinity ? TQPI : y === -Infinity ? -TQPI : yNegative ? -OPI : OPI;
  if (y === Infinity) return HPI;
  if (y === -Infinity) return -HPI;
  return finite(y, x);
}
