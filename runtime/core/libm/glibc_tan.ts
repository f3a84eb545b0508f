/**
 * glibc's double tan (sysdeps/ieee754/dbl-64/s_tan.c, IBM's Accurate Mathematical Library, as
 * glibc 2.36 has it, without its old multi-precision fallback), as x86-64 glibc runs it on a CPU with
 * FMA (`__tan_fma`: GCC fuses each multiply whose only uses are additions): an odd polynomial
 * below 0.0608, tan(x_i + z) = tan x_i + pz (tan x_i + cot x_i) / (cot x_i - pz) about the 186
 * points of utan.tbl up to 0.787, and past it a reduction by pi/2 (two Cody-Waite steps, then
 * __branred beyond 1e8) with -cot for the odd quadrants. Within 0.62 ulp, not correctly rounded:
 * `print(math.tan(x))` shows its last bit.
 */
import { branred } from './glibc_branred';
import { fma } from './fused';
import { XFG } from './glibc_tan_data';

const D3 = 0.3333333333333333;
const D5 = 0.1333333333332673;
const D7 = 0.05396825411095433;
const D9 = 0.021869380598167253;
const D11 = 0.008896546349534924;
const E0 = 0.3333333333332254;
const E1 = 0.13333354920669913;
const G1 = 1.2589993048095494e-8;
const G2 = 0.060799986124038696;
const G3 = 0.7869997024536133;
const G4 = 25;
const G5 = 1e8;
const MP1 = 1.5707963407039642;
const MP2 = -1.3909067564377153e-8;
const MP3 = -4.9789962505147994e-17;
const PP3 = -4.97899623147991e-17;
const PP4 = -1.9034889620193266e-25;
const HPINV = 0.6366197723675814;
const TOINT = 6755399441055744;

const view = new DataView(new ArrayBuffer(8));

/** t2 of the odd polynomial: (d3 + a^2 (d5 + ... )) a^3 + da, fused as glibc's FMA build fuses it. */
function oddTail(a: number, da: number): number {
  const a2 = a * a;
  const t2 = fma(a2, fma(a2, fma(a2, fma(a2, D11, D9), D7), D5), D3);
  return fma(a * a2, t2, da);
}

/** The table row of |y|: (int) (256 |y| - 15.5), and pz = z + z^3 (e0 + z^2 e1). */
function rowPoly(ya: number, yya: number): { readonly i: number; readonly pz: number } {
  const i = Math.trunc(fma(256, ya, -15.5));
  const z = ya - XFG[3 * i]! + yya;
  const z2 = z * z;
  return { i, pz: fma(z * z2, fma(z2, E1, E0), z) };
}

/** a + b exactly, as (rounded sum, error): dla.h's EADD. */
function eadd(a: number, b: number): [number, number] {
  const z = a + b;
  return [z, Math.abs(a) > Math.abs(b) ? a - z + b : b - z + a];
}

/** tan(a + da) (odd: -cot(a + da)) for a reduced argument |a + da| <= pi/4 about. */
function reduced(a: number, da: number, odd: boolean): number {
  const sy = a < 0 ? -1 : 1;
  const ya = Math.abs(a);
  if (ya <= G2) {
    const t2 = oddTail(a, da);
    if (!odd) return a + t2;
    // -1/(a + t2) as dla.h's EADD, then DIV2 with its product split by an fma.
    const [b, db] = eadd(a, t2);
    const c = 1 / b;
    const u = c * b;
    const uu = fma(c, b, -u);
    const cc = fma(-c, db, 1 - u - uu + 0) / b;
    const z = c + cc;
    return -(z + (c - z + cc));
  }
  const { i, pz } = rowPoly(ya, a < 0 ? -da : da);
  const fi = XFG[3 * i + 1]!;
  const gi = XFG[3 * i + 2]!;
  if (odd) return -sy * (gi - (pz * (fi + gi)) / (fi + pz));
  return sy * (fi + (pz * (gi + fi)) / (gi - pz));
}

export function glibcTan(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const w = Math.abs(x);
  if (w <= G1) return x;
  if (w <= G2) {
    const x2 = x * x;
    const t2 = fma(x2, fma(x2, fma(x2, fma(x2, D11, D9), D7), D5), D3);
    return fma(t2, x * x2, x);
  }
  if (w <= G3) {
    const { i, pz } = rowPoly(w, 0);
    const fi = XFG[3 * i + 1]!;
    const gi = XFG[3 * i + 2]!;
    return (x < 0 ? -1 : 1) * (fi + (pz * (gi + fi)) / (gi - pz));
  }
  if (w <= G5) {
    const t = fma(x, HPINV, TOINT);
    const xn = t - TOINT;
    view.setFloat64(0, t);
    const odd = (view.getUint32(4) & 1) === 1;
    const t1 = fma(-xn, MP2, fma(-xn, MP1, x));
    if (w <= G4) {
      const a = fma(-xn, MP3, t1);
      return reduced(a, fma(-xn, MP3, t1 - a), odd);
    }
    const t3 = fma(-xn, PP3, t1);
    const da = fma(-xn, PP3, t1 - t3);
    const a = fma(-xn, PP4, t3);
    return reduced(...eadd(a, fma(-xn, PP4, t3 - a) + da), odd);
  }
  const [n, a, da] = branred(x);
  return reduced(...eadd(a, da), (n & 1) === 1);
}
