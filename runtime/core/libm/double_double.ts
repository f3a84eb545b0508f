/**
 * Double-double arithmetic: a value as an unevaluated sum hi + lo of two doubles, about 106 bits
 * of precision (Dekker; Shewchuk's error-free transformations). The correctly rounded functions
 * of this folder compute in it and round once at the end.
 */
export interface DD {
  readonly hi: number;
  readonly lo: number;
}

export const dd = (hi: number, lo = 0): DD => ({ hi, lo });

/** a + b exactly, as (rounded sum, error). */
export function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

/** a + b exactly when |a| >= |b|. */
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

const SPLITTER = 134217729; // 2^27 + 1

/** a * b exactly, as (rounded product, error): Dekker's product with Veltkamp's split. */
export function twoProd(a: number, b: number): DD {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

export function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  const u = quickTwoSum(s.hi, s.lo + t.hi);
  return quickTwoSum(u.hi, u.lo + t.lo);
}

export const neg = (a: DD): DD => ({ hi: -a.hi, lo: -a.lo });

export const sub = (a: DD, b: DD): DD => add(a, neg(b));

export function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

export function mulNumber(a: DD, b: number): DD {
  const p = twoProd(a.hi, b);
  return quickTwoSum(p.hi, p.lo + a.lo * b);
}

export function div(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  const r = sub(a, mulNumber(b, q1));
  const q2 = r.hi / b.hi;
  const r2 = sub(r, mulNumber(b, q2));
  const q3 = r2.hi / b.hi;
  return add(quickTwoSum(q1, q2), dd(q3));
}

export function sqrt(a: DD): DD {
  if (a.hi <= 0) return dd(Math.sqrt(a.hi));
  const x = Math.sqrt(a.hi);
  const r = sub(a, twoProd(x, x));
  return quickTwoSum(x, (r.hi + r.lo) / (2 * x));
}

/** x * 2^n for a power of two, exact unless it overflows or goes subnormal. */
export function scale(a: DD, n: number): DD {
  return { hi: ldexp(a.hi, n), lo: ldexp(a.lo, n) };
}

/** x * 2^n, in two steps so that 2^n itself never overflows or underflows. */
export function ldexp(x: number, n: number): number {
  if (n > 1000) return x * 2 ** 1000 * 2 ** (n - 1000);
  if (n < -1000) return x * 2 ** -1000 * 2 ** (n + 1000);
  return x * 2 ** n;
}

/**
 * C's frexp: x = m * 2^e with 0.5 <= |m| < 1 (0, infinities and NaN as they are, e = 0).
 * Subnormals are first scaled into the normal range, so that 2^-e stays finite.
 */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const scaled = Math.abs(x) < 2 ** -1000 ? 100 : 0;
  let m = x * 2 ** scaled;
  let e = Math.floor(Math.log2(Math.abs(m))) + 1;
  m *= 2 ** -e;
  while (Math.abs(m) < 0.5) { m *= 2; e--; }
  while (Math.abs(m) >= 1) { m /= 2; e++; }
  return [m, e - scaled];
}

/** The nearest double to hi + lo. */
export const round = (a: DD): number => a.hi + a.lo;

/** Constants to ~106 bits: the double nearest, and the double nearest the rest. */
export const LN2 = dd(0.6931471805599453, 2.3190468138462996e-17);
export const LN10 = dd(2.302585092994046, -2.1707562233822494e-16);
export const PI = dd(3.141592653589793, 1.2246467991473532e-16);
export const PI_2 = dd(1.5707963267948966, 6.123233995736766e-17);

/** 1/n! for n = 0..30, for Taylor series. */
export const INVERSE_FACTORIALS: readonly DD[] = (() => {
  const out: DD[] = [dd(1)];
  for (let n = 1; n <= 30; n++) out.push(div(out[n - 1]!, dd(n)));
  return out;
})();

export const INV_LN2 = dd(1.4426950408889634, 2.0355273740931033e-17);
export const INV_LN10 = dd(0.4342944819032518, 1.098319650216765e-17);
