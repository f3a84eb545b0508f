/**
 * glibc's double exp2 (since 2.29; Szabolcs Nagy's algorithm from Arm's optimized-routines,
 * sysdeps/ieee754/dbl-64/e_exp2.c): x = k/128 + r, 2^x = 2^(k/128) 2^r from exp's table and a
 * degree-5 polynomial. x86-64 glibc 2.36 has no FMA variant of exp2: every multiply and add
 * rounds on its own. Within 0.51 ulp, not correctly rounded: `print(math.exp2(x))` shows its last
 * bit.
 */
import { EXP_TABLE_LO, fromBits, scaleHigh } from './glibc_exp';
import { EXP_TABLE } from './glibc_exp_data';

const SHIFT = 52776558133248; // 0x1.8p52 / 128
const C1 = 0.6931471805599453;
const C2 = 0.24022650695909065;
const C3 = 0.0555041086686087;
const C4 = 0.009618131975721055;
const C5 = 0.0013332074570119598;

const view = new DataView(new ArrayBuffer(8));

/** scale (1 + tmp) where it may overflow (k > 0) or reach the subnormals: e_exp2.c's specialcase. */
function specialCase(tmp: number, scaleHi: number, scaleLo: number, k: number): number {
  if (k > 0) {
    const scale = fromBits(scaleHi - (1 << 20), scaleLo);
    return 2 * (scale + scale * tmp);
  }
  const scale = fromBits(scaleHi + (1022 << 20), scaleLo);
  let y = scale + scale * tmp;
  if (y < 1) {
    // Rounded to the subnormal grid once: 1 + y is exact in its sum, then 1 taken away.
    let lo = scale - y + scale * tmp;
    const hi = 1 + y;
    lo = 1 - hi + y + lo;
    y = hi + lo - 1;
    if (y === 0) y = 0;
  }
  return 2 ** -1022 * y;
}

export function glibcExp2(x: number): number {
  const ax = Math.abs(x);
  if (!(ax >= 2 ** -54)) return 1 + x; // also NaN
  if (ax >= 1024) {
    if (x === -Infinity) return 0;
    if (ax === Infinity) return 1 + x;
    if (x > 0) return Infinity;
    if (x <= -1075) return 0;
  }
  const kd0 = x + SHIFT;
  // k is the low word of kd0's bits: |k| < 2^31 here.
  view.setFloat64(0, kd0);
  const k = view.getInt32(4);
  const r = x - (kd0 - SHIFT);
  const i = k & 127;
  const scaleHi = scaleHigh(k);
  const scaleLo = EXP_TABLE_LO[i]!;
  const r2 = r * r;
  const tmp = EXP_TABLE[2 * i]! + r * C1 + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  if (ax > 928) return specialCase(tmp, scaleHi, scaleLo, k);
  const scale = fromBits(scaleHi, scaleLo);
  return scale + scale * tmp;
}
