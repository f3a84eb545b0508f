/** The exponent of a double: C's frexp and ldexp (Python's math.frexp and math.ldexp; cbrt's scaling). */

/**
 * x * 2^n rounded once, as C's ldexp: x = m 2^e exactly, then m 2^(e + n) in one multiply where it
 * is normal, and where it is subnormal m 2^(e + n + 1000) (exact) times 2^-1000, the only rounding.
 * (x * 2^1000 * 2^(n - 1000) rounds twice when the first product is already subnormal.) n may be
 * any number, infinite included.
 */
export function ldexp(x: number, n: number): number {
  if (x === 0 || !Number.isFinite(x) || n === 0) return x;
  const [m, e] = frexp(x);
  const k = Math.max(-1100, Math.min(1100, e + n));
  if (k > 1024) return m * Infinity;
  if (k === 1024) return m * 2 * 2 ** 1023;
  if (k >= -1021) return m * 2 ** k;
  return m * 2 ** (k + 1000) * 2 ** -1000;
}

const view = new DataView(new ArrayBuffer(8));

/** C's frexp: x = m * 2^e with 0.5 <= |m| < 1 (0, infinities and NaN as they are, e = 0), from the bits. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const subnormal = Math.abs(x) < 2 ** -1022;
  view.setFloat64(0, subnormal ? x * 2 ** 54 : x);
  const high = view.getUint32(0);
  const e = ((high >>> 20) & 0x7ff) - 1022 - (subnormal ? 54 : 0);
  view.setUint32(0, (high & 0x800fffff) | (1022 << 20));
  return [view.getFloat64(0), e];
}
