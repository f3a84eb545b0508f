/**
 * glibc's double exp (since 2.28; Szabolcs Nagy's algorithm from Arm's optimized-routines,
 * sysdeps/ieee754/dbl-64/e_exp.c), as x86-64 glibc runs it on a CPU with FMA (its `__exp_fma`
 * variant, which CPython's math.exp and glibc's own sinh and cosh call): x = k ln2/128 + r,
 * exp(x) = 2^(k/128) exp(r) from a table of 2^(k/128) and a degree-5 polynomial, where GCC fuses
 * each multiply-add. Within 0.51 ulp, not correctly rounded: `print(math.exp(x))` shows its last
 * bit.
 */
import { fma } from './fused';
import { EXP_TABLE } from './glibc_exp_data';

const N = 128;
const INV_LN2_N = 184.6649652337873; // 0x1.71547652b82fep0 * 128
const NEG_LN2_HI_N = -0.005415212348111709; // -0x1.62e42fefa0000p-8
const NEG_LN2_LO_N = -1.2864023111638346e-14; // -0x1.cf79abc9e3b3ap-47
const SHIFT = 6755399441055744; // 0x1.8p52
const C2 = 0.49999999999996786; // 0x1.ffffffffffdbdp-2
const C3 = 0.16666666666665886; // 0x1.555555555543cp-3
const C4 = 0.0416666808410674; // 0x1.55555cf172b91p-5
const C5 = 0.008333335853059549; // 0x1.1111167a4d017p-7

const view = new DataView(new ArrayBuffer(8));

export function fromBits(hi: number, lo: number): number {
  view.setUint32(0, hi >>> 0);
  view.setUint32(4, lo >>> 0);
  return view.getFloat64(0);
}

/**
 * Near overflow or underflow: scale * (1 + tmp) without an intermediate rounding (e_exp.c's
 * specialcase; pow's, which has a signed scale). NB: GCC fuses scale + scale * tmp where the
 * result may overflow, not where it may underflow (its multiply has a second use there).
 */
function specialCase(tmp: number, scaleHi: number, scaleLo: number, k: number): number {
  if (k > 0) {
    // scale's exponent may have gone past 1023 by at most 460: lower it by 1009, then multiply back.
    const scale = fromBits(scaleHi - (1009 << 20), scaleLo);
    return 2 ** 1009 * fma(scale, tmp, scale);
  }
  const scale = fromBits(scaleHi + (1022 << 20), scaleLo);
  let y = scale + scale * tmp;
  if (Math.abs(y) < 1) {
    // Rounded to the subnormal grid once: one + y is exact in its sum, then one taken away.
    const one = y < 0 ? -1 : 1;
    let lo = fma(scale, tmp, scale - y);
    const hi = one + y;
    lo = one - hi + y + lo;
    y = hi + lo - one;
    if (y === 0) y = scale < 0 ? -0 : 0;
  }
  return 2 ** -1022 * y;
}

/**
 * exp(x + xtail), negated where `negative` (pow's exp_inline; exp's own with xtail 0): x finite
 * with |x| < 1024 or past it (overflow or underflow), |xtail| tiny beside x.
 */
export function expInline(x: number, xtail: number, negative: boolean): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -54) return negative ? -(1 + x) : 1 + x;
  if (ax >= 1024) return (x < 0 ? 0 : Infinity) * (negative ? -1 : 1);
  const kd0 = fma(INV_LN2_N, x, SHIFT);
  // k is the low word of kd0's bits: |k| < 2^31 here.
  view.setFloat64(0, kd0);
  const k = view.getInt32(4);
  const kd = kd0 - SHIFT;
  // NB: kd*NEG_LN2_HI_N is exact where |kd| < 2^17 (it has 36 significant bits): a multiply and an add, the fma's one rounding.
  const reduced = Math.abs(kd) < 2 ** 17 ? kd * NEG_LN2_HI_N + x : fma(kd, NEG_LN2_HI_N, x);
  const r = fma(kd, NEG_LN2_LO_N, reduced) + xtail;
  const i = k & (N - 1);
  const tail = EXP_TABLE[2 * i]!;
  const scaleHi = scaleHigh(k) + (negative ? 0x80000000 : 0);
  const scaleLo = EXP_TABLE_LO[i]!;
  const r2 = r * r;
  const tmp = fma(r2 * r2, fma(r, C5, C4), fma(r2, fma(r, C3, C2), tail + r));
  if (ax >= 512) return specialCase(tmp, scaleHi, scaleLo, k);
  const scale = fromBits(scaleHi, scaleLo);
  return fma(scale, tmp, scale);
}

export function glibcExp(x: number): number {
  if (!Number.isFinite(x)) return x === -Infinity ? 0 : x;
  return expInline(x, 0, false);
}

/** The high and low words of each 2^(i/128) (the odd entries of EXP_TABLE). */
const EXP_TABLE_HI = new Int32Array(N);
export const EXP_TABLE_LO = new Uint32Array(N);
for (let i = 0; i < N; i++) {
  view.setFloat64(0, EXP_TABLE[2 * i + 1]!);
  EXP_TABLE_HI[i] = view.getInt32(0);
  EXP_TABLE_LO[i] = view.getUint32(4);
}

/**
 * 2^(k/128)'s high word, unwrapped (it may pass the exponent's range, for a special case to
 * bring back): the table's 2^(i/128) with k/128 added to its exponent, the C code's 64-bit sum
 * on the high word. Its low word is EXP_TABLE_LO[k & 127].
 */
export const scaleHigh = (k: number) => EXP_TABLE_HI[k & (N - 1)]! + ((k - (k & (N - 1))) / N) * (1 << 20);
