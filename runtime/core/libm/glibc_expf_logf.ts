/**
 * glibc's float expf, exp2f, logf, log2f (sysdeps/ieee754/flt-32/e_expf.c, e_exp2f.c, e_logf.c,
 * e_log2f.c: Szabolcs Nagy's algorithms from Arm's optimized-routines, computed in double from
 * small tables) and log10f (e_log10f.c: fdlibm's float formula over logf), as Debian's x86-64
 * glibc 2.36 runs them on a CPU with FMA: expf, exp2f, logf and log2f are built a second time with
 * -mfma (`__expf_fma`, ...) and GCC fuses each a*b + c whose product has only additions for uses;
 * log10f is not, so its float operations round one by one. NumPy 1.24 calls these for float32
 * exp2, log2 and log10 on a CPU without AVX-512; sinhf, coshf, asinhf, acoshf and log10f call expf
 * and logf inside glibc.
 */
import { fma, float32Bits, float32FromBits } from './fused';

const f = Math.fround;

/** 2^(i/32), i < 32, as __exp2f_data.tab holds them (less i << 47 in its bits). */
const EXP2F_TABLE = [
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577, 1.1143867425958924, 1.1387886347566916, 1.1637248587775775,
  1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332, 1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832,
  1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228, 1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
  1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103, 1.9152065613971474, 1.9571441241754002,
];
/** 2^r ~ 1 + C2 r + C1 r^2 + C0 r^3 on [-1/64, 1/64]. */
const EXP2F_POLY = [0.05550361559341535, 0.2402284522445722, 0.6931471806916203];
/** The same for r scaled by 32 (expf's r is x 32/ln2 - k). */
const EXP2F_POLY_SCALED = [EXP2F_POLY[0]! / 32 ** 3, EXP2F_POLY[1]! / 32 ** 2, EXP2F_POLY[2]! / 32];
/** 0x1.8p52: adding it rounds a double below 2^51 to an integer (its last bits then hold that integer). */
const SHIFT = 6755399441055744;
const INV_LN2_SCALED = 1.4426950408889634 * 32;

/**
 * What glibc returns where the result may underflow to 0 (__math_may_uflowf: 0x1.4p-75f squared,
 * rounded): the least subnormal, 2^-149.
 */
export const MAY_UNDERFLOW = 2 ** -149;

/** 2^(k/32) exactly: the table's entry times a power of two (glibc adds k << 47 to its bits). */
const scaleOf = (k: number): number => EXP2F_TABLE[k & 31]! * 2 ** (k >> 5);

/** s (1 + C2 r + C1 r^2 + C0 r^3), fused as GCC fuses it. */
function exp2Poly(r: number, s: number, c: readonly number[]): number {
  const z = fma(c[0]!, r, c[1]!);
  const r2 = r * r;
  const y = fma(z, r2, fma(c[2]!, r, 1));
  return y * s;
}

/**
 * glibc's exp2f's core for a double x in [-150, 128]: x = k/32 + r, 2^(k/32) from the table, 2^r
 * by a cubic; sign -1 negates the result (powf's sign_bias). In double, before the float rounding.
 */
export function exp2fCore(x: number, sign = 1): number {
  const kd = x + SHIFT / 32;
  const k = (kd - SHIFT / 32) * 32;
  const r = x - (kd - SHIFT / 32);
  return exp2Poly(r, sign * scaleOf(k), EXP2F_POLY);
}

export function glibcExp2f(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 128)) {
    if (x === -Infinity) return 0;
    if (!(ax < Infinity)) return x + x;
    if (x > 0) return Infinity;
    if (x <= -150) return 0;
    if (x < -149) return MAY_UNDERFLOW;
  }
  return f(exp2fCore(x));
}

export function glibcExpf(x: number): number {
  if (!(Math.abs(x) < 88)) {
    if (x === -Infinity) return 0;
    if (!(Math.abs(x) < Infinity)) return x + x;
    if (x > 88.72283172607422) return Infinity;
    if (x < -103.97207641601562) return 0;
    if (x < -103.27892303466797) return MAY_UNDERFLOW;
  }
  // z = x 32/ln2 has only additions for uses (z + SHIFT, z - kd): GCC fuses the product into both.
  const kd = fma(INV_LN2_SCALED, x, SHIFT) - SHIFT;
  const r = fma(INV_LN2_SCALED, x, -kd);
  return f(exp2Poly(r, scaleOf(kd), EXP2F_POLY_SCALED));
}

/** 1/c for the 16 subintervals of [0x3f330000, 2 x 0x3f330000) the log tables split z's range into. */
const LOG_INVC = [
  1.398907162146528, 1.3403141896637998, 1.286432210124115, 1.2367150214269895, 1.1906977166711752, 1.1479821020556429, 1.1082251448272158, 1.0711297413057381,
  1.036437278977283, 1.0, 0.9492859795739057, 0.8951049428609004, 0.8476821620351103, 0.8050314851692001, 0.7664671008843108, 0.731428603316328,
];
/** log(c) (__logf_data). */
const LOGF_LOGC = [
  -0.33569133332882284, -0.2929040563774074, -0.2518726580937369, -0.21245868807117255, -0.17453945183745634, -0.1380057072319758, -0.10275976698545139, -0.06871392447020525,
  -0.0357891387398228, 0.0, 0.05204517742929496, 0.11081431298787942, 0.1652495223695143, 0.21687389031699977, 0.2659635028121397, 0.3127556664073557,
];
/** log2(c) (__log2f_data, __powf_log2_data). */
export const LOG2F_LOGC = [
  -0.48430022186289673, -0.42257122959194704, -0.3633754347673556, -0.30651309567405577, -0.25180720160537634, -0.19910014943794563, -0.14825100623281615, -0.09913323807318392,
  -0.051632812977629436, 0.0, 0.07508531937943004, 0.15987125980713107, 0.2384046664317681, 0.31288288605863257, 0.38370422656453185, 0.451211048935815,
];
const LN2 = 0.6931471805599453;
const LOGF_POLY = [-0.25089342214237154, 0.333456765744066, -0.4999997485802103];
const LOG2F_POLY = [-0.36051725506874704, 0.4811247078767291, -0.7213476299867769, 1.4426950186867042];

const OFF = 0x3f330000;

/**
 * x's float32 bits (positive, normalized: a subnormal's exponent made negative) as x = 2^k z with
 * z in [OFF, 2 OFF), its subinterval i and r = z/c - 1 (one fma).
 */
export function logReduction(ix: number): { k: number; i: number; r: number } {
  const tmp = (ix - OFF) | 0;
  const i = (tmp >>> 19) & 15;
  const iz = ix - (tmp & 0xff800000);
  return { k: tmp >> 23, i, r: fma(float32FromBits(iz), LOG_INVC[i]!, -1) };
}

/** x's float32 bits where logf and log2f take it through their tables, or null (0, negatives, infinity, NaN: `special` answers). */
function logArgument(x: number): number | null {
  const ix = float32Bits(x);
  if ((ix - 0x00800000) >>> 0 < 0x7f800000 - 0x00800000) return ix;
  if (x === 0 || x < 0 || !(x < Infinity)) return null;
  // NB: a subnormal scaled by 2^23 and its exponent taken back: negative in the biased field.
  return float32Bits(x * 2 ** 23) - (23 << 23);
}

const logSpecial = (x: number): number => (x === 0 ? -Infinity : x === Infinity ? x : NaN);

export function glibcLogf(x: number): number {
  const ix = logArgument(x);
  if (ix === null) return logSpecial(x);
  if (ix === 0x3f800000) return 0;
  const { k, i, r } = logReduction(ix);
  const y0 = fma(k, LN2, LOGF_LOGC[i]!);
  const r2 = r * r;
  const y = fma(LOGF_POLY[0]!, r2, fma(LOGF_POLY[1]!, r, LOGF_POLY[2]!));
  return f(fma(y, r2, y0 + r));
}

export function glibcLog2f(x: number): number {
  const ix = logArgument(x);
  if (ix === null) return logSpecial(x);
  if (ix === 0x3f800000) return 0;
  const { k, i, r } = logReduction(ix);
  const y0 = LOG2F_LOGC[i]! + k;
  const r2 = r * r;
  const y = fma(LOG2F_POLY[0]!, r2, fma(LOG2F_POLY[1]!, r, LOG2F_POLY[2]!));
  return f(fma(y, r2, fma(LOG2F_POLY[3]!, r, y0)));
}

const TWO25 = 33554432;
const IVLN10 = f(4.3429449201e-01);
const LOG10_2HI = f(3.0102920532e-01);
const LOG10_2LO = f(7.9034151668e-07);

/** glibc's log10f: x = 2^k m with m in [1, 2) (or [1/2, 1) for k < 0), k log10(2) in two parts plus logf(m)/ln10. */
export function glibcLog10f(x: number): number {
  let hx = float32Bits(x) | 0;
  let k = 0;
  if (hx < 0x00800000) {
    if ((hx & 0x7fffffff) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 25;
    hx = float32Bits(f(x * TWO25)) | 0;
  }
  if (hx >= 0x7f800000) return x + x;
  k += (hx >> 23) - 127;
  const i = k < 0 ? 1 : 0;
  const y = k + i;
  const m = float32FromBits((hx & 0x007fffff) | ((0x7f - i) << 23));
  const z = f(f(y * LOG10_2LO) + f(IVLN10 * glibcLogf(m)));
  return f(z + f(y * LOG10_2HI));
}
