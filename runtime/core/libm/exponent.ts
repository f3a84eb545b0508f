/** The exponent of a double: C's frexp (Python's math.frexp) and an ldexp, for cbrt (hyperbolic.ts). */

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
