/**
 * CPython 3.11's vector_norm (Modules/mathmodule.c), under math.hypot and math.dist: the squares
 * of the coordinates scaled by a power of two, summed with their rounding errors kept (Veltkamp
 * splits, three compensation sums), a square root, and one Newton correction from the residual.
 * Not libm's hypot and not V8's Math.hypot, which round differently for ~0.5% of arguments.
 */
import { libm } from '../../../runtime/core';

const T27 = 134217729; // 2^27 + 1

/** hi + lo = x with hi's 26 leading bits (Veltkamp's split). */
function split(x: number): [number, number] {
  const t = x * T27;
  const hi = t - (t - x);
  return [hi, x - hi];
}

/** |vec| for finite coordinates whose largest magnitude is `max` (nan and inf: the caller's). */
export function vectorNorm(vec: readonly number[], max: number, foundNan: boolean): number {
  if (max === Infinity) return max;
  if (foundNan) return NaN;
  if (max === 0 || vec.length <= 1) return max;
  const maxE = libm.frexp(max)[1];
  let csum = 1;
  let frac1 = 0;
  let frac2 = 0;
  let frac3 = 0;
  const add = (x: number, into: 1 | 2 | 3) => {
    const old = csum;
    csum += x;
    const err = old - csum + x;
    if (into === 1) frac1 += err;
    else if (into === 2) frac2 += err;
    else frac3 += err;
  };
  if (maxE >= -1023) {
    const scale = 2 ** -maxE;
    for (const v of vec) {
      const [hi, lo] = split(v * scale);
      add(hi * hi, 1);
      add(2 * hi * lo, 2);
      frac3 += lo * lo;
    }
    const h = Math.sqrt(csum - 1 + (frac1 + frac2 + frac3));
    const [hi, lo] = split(h);
    add(-hi * hi, 1);
    add(-2 * hi * lo, 2);
    add(-lo * lo, 3);
    const x = csum - 1 + (frac1 + frac2 + frac3);
    return (h + x / (2 * h)) / scale;
  }
  // Subnormal max: 2^-max_e would overflow; divide by max instead.
  for (const v of vec) {
    const x = v / max;
    add(x * x, 1);
  }
  return max * Math.sqrt(csum - 1 + frac1);
}
