/**
 * exp and log in double-double (to about 2^-106), for the functions computed correctly rounded
 * from them (exp2 and log2 in hyperbolic.ts): rounded once at the end. math.exp and math.log
 * themselves are glibc's (glibc_exp.ts, glibc_log.ts), which are not correctly rounded.
 */
import { add, dd, div, INVERSE_FACTORIALS, LN2, ldexp, mul, mulNumber, round, scale, sub, twoProd, twoSum, type DD } from './double_double';

const EXP_OVERFLOW = 709.782712893384;
/** Below it exp rounds to 0 even at the subnormal grid. */
const EXP_UNDERFLOW = -746;

/** Taylor terms of exp(s) for |s| <= ln2/512, enough for 2^-110. */
const EXP_TERMS = 9;


/** exp(a) = m * 2^k with m as a double-double; |a| below the overflow bound. */
export function expParts(a: DD): { readonly m: DD; readonly k: number } {
  const k = Math.round(a.hi / LN2.hi);
  // r = a - k ln2, in double-double: k * LN2 is exact as a sum of two products.
  const r = sub(a, add(twoProd(k, LN2.hi), twoProd(k, LN2.lo)));
  const s = scale(r, -8);
  let sum = INVERSE_FACTORIALS[EXP_TERMS]!;
  for (let n = EXP_TERMS - 1; n >= 0; n--) sum = add(mul(sum, s), INVERSE_FACTORIALS[n]!);
  for (let i = 0; i < 8; i++) sum = mul(sum, sum);
  return { m: sum, k };
}

/** exp(a) for a double-double argument, rounded once. */
export function expOf(a: DD): number {
  if (Number.isNaN(a.hi)) return a.hi;
  if (a.hi > EXP_OVERFLOW) return Infinity;
  if (a.hi < EXP_UNDERFLOW) return 0;
  const { m, k } = expParts(a);
  if (k > -1021) return ldexp(round(m), k);
  // Near or below 2^-1022: round once, to the nearest multiple of 2^-1074 (ties to even); from
  // 2^52 units up the result is normal and rounding to a double is that rounding already.
  const { hi, lo } = scale(m, k + 1074);
  if (hi >= 2 ** 52) return (hi + lo) * 2 ** -1074;
  // hi rounded to an integer, then moved by what hi's rounding and lo leave (hi + lo alone
  // would round twice: first to hi's half-units, then to the even integer).
  const whole = hi + 2 ** 52 - 2 ** 52;
  const rest = hi - whole + lo;
  const odd = whole % 2 !== 0;
  const units = rest > 0.5 || (rest === 0.5 && odd) ? whole + 1 : rest < -0.5 || (rest === -0.5 && odd) ? whole - 1 : whole;
  return units * 2 ** -1074;
}

/** 1 / (2n + 1) as double-doubles, for the atanh series of log. */
const ODD_RECIPROCALS: readonly DD[] = Array.from({ length: 24 }, (_, n) => div(dd(1), dd(2 * n + 1)));

const view = new DataView(new ArrayBuffer(8));

/** x = m * 2^e with m in [sqrt(1/2), sqrt(2)), for a positive finite x. */
function split(x: number): { readonly m: number; readonly e: number } {
  let bias = 0;
  if (x < 2 ** -1022) {
    x *= 2 ** 54;
    bias = -54;
  }
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  let e = ((high >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (high & 0x800fffff) | (1023 << 20));
  let m = view.getFloat64(0);
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  return { m, e: e + bias };
}

/** log(x) as a double-double, x positive and finite: e ln2 + 2 atanh((m - 1) / (m + 1)). */
export function logOf(x: number): DD {
  const { m, e } = split(x);
  const f = m - 1; // exact: m is within a factor 2 of 1
  const s = div(dd(f), twoSum(2, f));
  const s2 = mul(s, s);
  let poly = ODD_RECIPROCALS[ODD_RECIPROCALS.length - 1]!;
  for (let n = ODD_RECIPROCALS.length - 2; n >= 0; n--) poly = add(mul(poly, s2), ODD_RECIPROCALS[n]!);
  const logM = mulNumber(mul(s, poly), 2);
  return add(mulNumber(LN2, e), logM);
}
