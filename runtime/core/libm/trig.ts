/**
 * sin, cos, tan, atan and atan2 correctly rounded (to within one rounding decision in about
 * 2^40), like exp_log.ts: the argument is reduced modulo pi/2 exactly (with 1,300 bits of 2/pi,
 * so sin(1e300) is right), the rest computed in double-double and rounded once.
 */
import { add, dd, div, INVERSE_FACTORIALS, mul, neg, PI, PI_2, round, sub, twoProd, type DD } from './double_double';

/** pi/2 - PI_2.hi - PI_2.lo: the third part of pi/2. */
const PI_2_TAIL = -1.4973849048591698e-33;

const FRACTION_BITS = 1300n;

/** floor(2/pi * 2^FRACTION_BITS), from Machin's formula in integers: built on first use. */
let twoOverPi: bigint | undefined;

function arctanInverse(n: bigint, one: bigint): bigint {
  // atan(1/n) = sum (-1)^k / ((2k+1) n^(2k+1))
  let power = one / n;
  const n2 = n * n;
  let sum = 0n;
  for (let k = 0n; power !== 0n; k++) {
    const term = power / (2n * k + 1n);
    sum += k % 2n === 0n ? term : -term;
    power /= n2;
  }
  return sum;
}

function twoOverPiBits(): bigint {
  if (twoOverPi === undefined) {
    const guard = 64n;
    const one = 1n << (FRACTION_BITS + guard);
    const pi = 16n * arctanInverse(5n, one) - 4n * arctanInverse(239n, one);
    twoOverPi = ((2n * one * one) / pi) >> guard;
  }
  return twoOverPi;
}

const view = new DataView(new ArrayBuffer(8));

/** |x| = mantissa * 2^exponent with an integer mantissa, for a finite x. */
function integerParts(x: number): { readonly mantissa: bigint; readonly exponent: number } {
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** A positive integer times 2^-shift as a double-double (its top 106 bits, each part rounded once). */
function fixedToDD(value: bigint, shift: bigint): DD {
  if (value === 0n) return dd(0);
  const length = BigInt(value.toString(2).length);
  const drop = length > 110n ? length - 110n : 0n;
  const top = value >> drop;
  const hi = Number(top);
  const lo = Number(top - BigInt(hi));
  const exponent = Number(drop - shift);
  return { hi: hi * 2 ** exponent, lo: lo * 2 ** exponent };
}

/** x = n pi/2 + r with |r| <= pi/4 (about): the quadrant n mod 4 and r in double-double. */
export function reduce(x: number): { readonly quadrant: number; readonly r: DD } {
  if (Math.abs(x) <= Math.PI / 4) return { quadrant: 0, r: dd(x) };
  if (Math.abs(x) < 2 ** 20) {
    // Cody and Waite: x - n pi/2 with pi/2 in three parts (159 bits), exact products; enough
    // unless x is within 2^-30 of a multiple of pi/2, where the exact reduction below takes over.
    const n = Math.round(x / PI_2.hi);
    const r = add(add(add(dd(x), neg(twoProd(n, PI_2.hi))), neg(twoProd(n, PI_2.lo))), dd(-n * PI_2_TAIL));
    if (Math.abs(r.hi) > 2 ** -30) return { quadrant: ((n % 4) + 4) % 4, r };
  }
  const { mantissa, exponent } = integerParts(x);
  // x 2/pi = mantissa * twoOverPi * 2^(exponent - FRACTION_BITS): split into integer and fraction.
  const product = mantissa * twoOverPiBits();
  const shift = FRACTION_BITS - BigInt(exponent);
  const whole = product >> shift;
  let fraction = product - (whole << shift);
  let quadrant = Number(whole & 3n);
  // Round to the nearest quadrant: a fraction past one half counts from the next one, negative.
  const half = 1n << (shift - 1n);
  let negative = false;
  if (fraction > half) {
    fraction = (1n << shift) - fraction;
    quadrant = (quadrant + 1) & 3;
    negative = true;
  }
  let r = mul(fixedToDD(fraction, shift), PI_2);
  if (negative) r = neg(r);
  if (x < 0) {
    r = neg(r);
    quadrant = (4 - quadrant) & 3;
  }
  return { quadrant, r };
}

/** sin(r) and cos(r) for |r| <= pi/4 (a little past it is fine), in double-double. */
export function sinCos(r: DD): { readonly sin: DD; readonly cos: DD } {
  const r2 = mul(r, r);
  // Horner in r^2 over the odd (sin) and even (cos) terms, with alternating signs.
  let s = INVERSE_FACTORIALS[29]!;
  for (let n = 27; n >= 1; n -= 2) s = add(neg(mul(s, r2)), INVERSE_FACTORIALS[n]!);
  let c = INVERSE_FACTORIALS[30]!;
  for (let n = 28; n >= 0; n -= 2) c = add(neg(mul(c, r2)), INVERSE_FACTORIALS[n]!);
  return { sin: mul(s, r), cos: c };
}

function quadrantValues(x: number): { readonly sin: DD; readonly cos: DD } {
  const { quadrant, r } = reduce(x);
  const { sin, cos } = sinCos(r);
  switch (quadrant) {
    case 0: return { sin, cos };
    case 1: return { sin: cos, cos: neg(sin) };
    case 2: return { sin: neg(sin), cos: neg(cos) };
    default: return { sin: neg(cos), cos: sin };
  }
}

export function sin(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (x === 0 || Math.abs(x) < 2 ** -26) return x; // sin x = x - x^3/6 rounds to x
  return round(quadrantValues(x).sin);
}

export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (Math.abs(x) < 2 ** -27) return 1;
  return round(quadrantValues(x).cos);
}

export function tan(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (x === 0 || Math.abs(x) < 2 ** -27) return x;
  const { sin: s, cos: c } = quadrantValues(x);
  return round(div(s, c));
}

/** atan in double-double: Math.atan's answer (within an ulp), then one Newton step on tan(y) = x. */
export function atanOf(x: DD): DD {
  const y0 = Math.atan(x.hi);
  const { sin: s, cos: c } = sinCos(dd(y0));
  // y1 = y0 - (tan y0 - x) cos^2 y0 = y0 - (sin y0 cos y0 - x cos^2 y0)
  const correction = sub(mul(s, c), mul(x, mul(c, c)));
  return sub(dd(y0), correction);
}

export function atan(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) > 2 ** 60) return x > 0 ? Math.PI / 2 : -Math.PI / 2;
  if (Math.abs(x) < 2 ** -27) return x;
  if (Math.abs(x) > 1) {
    // atan x = ±pi/2 - atan(1/x), keeping the reduction's precision.
    const inverse = atanOf(div(dd(1), dd(x)));
    return round(x > 0 ? sub(PI_2, inverse) : sub(neg(PI_2), inverse));
  }
  return round(atanOf(dd(x)));
}

/** atan2 of double-doubles y, x (not both 0), in double-double. */
export function atan2Of(y: DD, x: DD): DD {
  const ay = y.hi < 0 ? neg(y) : y;
  const ax = x.hi < 0 ? neg(x) : x;
  let angle = ay.hi <= ax.hi ? atanOf(div(ay, ax)) : sub(PI_2, atanOf(div(ax, ay)));
  if (x.hi < 0) angle = sub(PI, angle);
  return y.hi < 0 ? neg(angle) : angle;
}

export function atan2(y: number, x: number): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) {
    return Math.atan2(y, x); // the signed zeros and infinities: IEEE's table, which V8 follows exactly
  }
  return round(atan2Of(dd(y), dd(x)));
}
