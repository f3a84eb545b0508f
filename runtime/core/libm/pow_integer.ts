/**
 * x^n for x > 0 and a small integer n, the double glibc's pow returns, found without pow where that
 * is certain: x^n to about 100 bits as hi + lo (Dekker's exact products), hi its nearest double,
 * kept where hi + lo lies far enough from any point halfway between two doubles that pow rounds to
 * hi too. NB: the margin rests on e_pow.c's error bounds: pow's value before its last rounding is
 * within 1.11/128 ulp (exp's) plus |n log x| * 1.3 * 2^-68 relative (log's, under 2^-8.9 ulp for
 * results in [2^-60, 2^60]) of x^n, 0.0108 ulp in all; the test below leaves 1/66 ulp, 1.4 times
 * that (30M arguments checked in quad precision found glibc misrounding only past 0.985 of half an
 * ulp, where the test stops at 0.970; and the 4.2M arguments it decides that 16/17, its earlier
 * margin, left to pow, x in [-pi, pi], 2^(+-59/n) and random bits, n 2..16, gave glibc's algorithm's
 * double, as 3M of them gave Debian glibc 2.36's pow). NaN where it is not certain (about one
 * argument in 33: each costs glibc's whole algorithm, 5x the time) or the result lies outside that
 * range: pow decides.
 */
const SPLITTER = 134217729; // 2^27 + 1
/** 1 + 2^-5: hi + lo * MARGIN rounds to hi only where |lo| is under 32/33 of half an ulp of hi. */
const MARGIN = 1.03125;
export const MAX_FAST_EXPONENT = 16;

export function integerPowerCertain(x: number, n: number): number {
  let t = SPLITTER * x;
  const xh = t - (t - x);
  const xl = x - xh;
  // x * x exactly as hi + lo (Dekker's product, x's split twice): the loop's step from x + 0, without its no-ops
  let hi = x * x;
  let lo = xh * xh - hi + xh * xl + xl * xh + xl * xl;
  for (let k = 2; k < n; k++) {
    // (hi + lo) * x: hi * x exactly as p + pe, lo * x to about 2^-105 of the product
    const p = hi * x;
    t = SPLITTER * hi;
    const hh = t - (t - hi);
    const hl = hi - hh;
    const pe = hh * xh - p + hh * xl + hl * xh + hl * xl;
    const q = pe + lo * x;
    hi = p + q;
    lo = q - (hi - p);
  }
  if (!(hi >= 2 ** -60 && hi <= 2 ** 60)) return NaN;
  return hi + lo * MARGIN === hi ? hi : NaN;
}
