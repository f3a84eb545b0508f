/**
 * glibc's float sinhf, coshf, asinhf, acoshf and atanhf (sysdeps/ieee754/flt-32/e_sinhf.c,
 * e_coshf.c, s_asinhf.c, e_acoshf.c, e_atanhf.c: fdlibm's float formulas over expm1f, expf, logf
 * and log1pf), which NumPy 1.24 calls for float32 arrays on a CPU without AVX-512. glibc builds
 * them without FMA: each float operation is one Math.fround (sqrtf too: the double square root of
 * a float rounds to the float one).
 */
import { glibcExpf, glibcLogf } from './glibc_expf_logf';
import { glibcExpm1f, glibcLog1pf } from './glibc_float32';

const f = Math.fround;
const sqrtf = (x: number): number => f(Math.sqrt(x));
const LN2 = f(6.9314718246e-01);

/** From |x| = 22 on, sinh and cosh are 0.5 exp(|x|) in float. */
const EXP_ONLY = 22;
/** Below 0x42b17180, exp(|x|) is finite; up to 0x42b2d4fc, exp(|x|/2)^2 / 2 is. */
const EXP_FINITE = 88.7216796875;
const OVERFLOW_MAX = 89.41598510742188;

export function glibcSinhf(x: number): number {
  if (!Number.isFinite(x)) return x + x;
  const h = x < 0 || Object.is(x, -0) ? -0.5 : 0.5;
  const ax = Math.abs(x);
  if (ax < EXP_ONLY) {
    if (ax < 2 ** -28) return x;
    const t = glibcExpm1f(ax);
    if (ax < 1) return f(h * f(f(2 * t) - f(f(t * t) / f(t + 1))));
    return f(h * f(t + f(t / f(t + 1))));
  }
  if (ax < EXP_FINITE) return f(h * glibcExpf(ax));
  if (ax <= OVERFLOW_MAX) {
    // exp(|x|) overflows a float, exp(|x|/2)^2 / 2 does not
    const w = glibcExpf(f(0.5 * ax));
    return f(f(h * w) * w);
  }
  return x * Infinity;
}

export function glibcCoshf(x: number): number {
  const ax = Math.abs(x);
  if (ax < EXP_ONLY) {
    if (ax < f(0.5 * Math.LN2)) {
      if (ax < 2 ** -55) return 1;
      const t = glibcExpm1f(ax);
      const w = f(1 + t);
      return f(1 + f(f(t * t) / f(w + w)));
    }
    const t = glibcExpf(ax);
    return f(f(0.5 * t) + f(0.5 / t));
  }
  if (ax < EXP_FINITE) return f(0.5 * glibcExpf(ax));
  if (ax <= OVERFLOW_MAX) {
    const w = glibcExpf(f(0.5 * ax));
    return f(f(0.5 * w) * w);
  }
  return x * x * Infinity;
}

export function glibcAsinhf(x: number): number {
  const ax = Math.abs(x);
  // NB: glibc's comments say 2^-14 and 2^14; its bounds (0x38000000, 0x47000000) are 2^-15 and 2^15
  if (ax < 2 ** -15) return x;
  let w: number;
  if (ax > 2 ** 15) {
    if (!Number.isFinite(x)) return x + x;
    w = f(glibcLogf(ax) + LN2);
  } else if (ax > 2) {
    w = glibcLogf(f(f(2 * ax) + f(1 / f(sqrtf(f(f(ax * ax) + 1)) + ax))));
  } else {
    const t = f(ax * ax);
    w = glibcLog1pf(f(ax + f(t / f(1 + sqrtf(f(1 + t))))));
  }
  return x < 0 ? -w : w;
}

export function glibcAcoshf(x: number): number {
  if (!(x >= 1)) return NaN;
  if (x >= 2 ** 28) return x === Infinity ? x : f(glibcLogf(x) + LN2);
  if (x === 1) return 0;
  if (x > 2) return glibcLogf(f(f(2 * x) - f(1 / f(x + sqrtf(f(f(x * x) - 1))))));
  const t = f(x - 1);
  return glibcLog1pf(f(t + sqrtf(f(f(2 * t) + f(t * t)))));
}

export function glibcAtanhf(x: number): number {
  const xa = Math.abs(x);
  let t: number;
  if (xa < 0.5) {
    if (xa < 2 ** -28) return x;
    t = f(xa + xa);
    t = f(0.5 * glibcLog1pf(f(t + f(f(t * xa) / f(1 - xa)))));
  } else if (xa < 1) {
    t = f(0.5 * glibcLog1pf(f(f(xa + xa) / f(1 - xa))));
  } else {
    return xa > 1 || Number.isNaN(x) ? NaN : x / 0;
  }
  return x < 0 || Object.is(x, -0) ? -t : t;
}
