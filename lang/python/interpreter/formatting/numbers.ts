/**
 * Python's number printing: `repr(float)` (the shortest string that reads back
 * the same double, in Python's layout: `15.0`, `1e-05`, `1e+16`, `inf`), and the
 * exact decimal expansions `format(x, '.3f')` and friends need.
 */

/** Shortest round-trip digits and decimal exponent of a finite nonzero |x|: x = 0.d1d2... * 10^(exp+1). */
function shortestDigits(x: number): { digits: string; exp: number } {
  const [mant, e] = Math.abs(x).toExponential().split('e');
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp } = shortestDigits(x);
  // Python's repr switches to exponent form outside 1e-4 <= |x| < 1e16.
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1) || '0';
    return `${sign}${int}.${frac}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Exact fixed-point text of |x| with `precision` decimals, ties to even (as CPython's dtoa; JS toFixed rounds ties up). */
export function toFixedAbs(x: number, precision: number): string {
  const q = scaledRound(Math.abs(x), precision).toString();
  if (precision <= 0) return q;
  const s = q.padStart(precision + 1, '0');
  return `${s.slice(0, -precision)}.${s.slice(-precision)}`;
}

/** Exponent form of |x| with `precision` digits after the point, ties to even: mantissa text and exponent. */
export function toExponentialAbs(x: number, precision: number): { mantissa: string; exp: number } {
  const a = Math.abs(x);
  if (a === 0) return { mantissa: precision > 0 ? `0.${'0'.repeat(precision)}` : '0', exp: 0 };
  let exp = shortestDigits(a).exp;
  let q = scaledRound(a, precision - exp);
  const lower = 10n ** BigInt(precision);
  if (q >= lower * 10n) q = scaledRound(a, precision - ++exp);
  else if (q < lower) q = scaledRound(a, precision - --exp);
  const d = q.toString();
  return { mantissa: precision > 0 ? `${d[0]}.${d.slice(1)}` : d, exp };
}

export function formatExponent(exp: number): string {
  return `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * round(a * 10^k), ties to even, computed exactly: a double is m * 2^e, so
 * BigInt arithmetic gives every digit of the product.
 */
export function scaledRound(a: number, k: number): bigint {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  let num = mant;
  let den = 1n;
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  let q = num / den;
  const r = num % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  return q;
}

/** Inserts `sep` every `every` digits from the right of a digit string. */
export function groupDigits(digits: string, sep: string, every = 3): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % every === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/** Python's float floor division and modulo (the sign of the result follows the divisor). */
export function floatDivmod(a: number, b: number): [number, number] {
  let mod = a % b;
  let div = (a - mod) / b;
  // NB: `!== 0`, not truthiness: C's `if (mod)` holds for NaN (`inf // 1` is nan), JS's does not.
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  } else mod = b < 0 ? -0 : 0;
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    // copysign(0.0, a / b), as CPython: `-0.0 // 1` is -0.0.
    const q = a / b;
    floordiv = q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

export function intFloorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function intMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

/** Python's round(x, ndigits) for a float: the exact value rounded to ndigits decimals, ties to even. */
export function roundHalfEven(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > 330) return x;
  if (ndigits < -330) return 0 * x;
  const q = scaledRound(Math.abs(x), ndigits);
  const v = Number(`${q}e${-ndigits}`);
  return x < 0 ? -v : v === 0 && x < 0 ? -0 : v;
}
