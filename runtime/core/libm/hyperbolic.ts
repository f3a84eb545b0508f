/**
 * The functions CPython takes from glibc's older code (fdlibm's algorithms: sinh, cosh, asinh,
 * acosh, log10, cbrt), written as glibc writes them over glibc's own exp, log, expm1 and log1p
 * (glibc_*.ts), so that they round where glibc rounds.
 */
import { frexp, ldexp } from './exponent';
import { glibcExp as exp } from './glibc_exp';
import { glibcExpm1, glibcLog1p } from './glibc_expm1_log1p';
import { glibcLog as log } from './glibc_log';

const IVLN10 = 4.34294481903251816668e-1;
const LOG10_2HI = 3.01029995663611771306e-1;
const LOG10_2LO = 3.69423907715893078616e-13;
const view = new DataView(new ArrayBuffer(8));

/** fdlibm's e_log10.c: log10(2) k + log(x / 2^k) / ln 10, parts summed smallest first. */
export function log10(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  let k = 0;
  if (x < 2 ** -1022) {
    k -= 54;
    x *= 2 ** 54;
  }
  view.setFloat64(0, x);
  let high = view.getUint32(0);
  k += (high >> 20) - 1023;
  const i = k < 0 ? 1 : 0;
  high = (high & 0x000fffff) | ((0x3ff - i) << 20);
  const y = k + i;
  view.setUint32(0, high);
  const z = y * LOG10_2LO + IVLN10 * log(view.getFloat64(0));
  return z + y * LOG10_2HI;
}

const LN2_DOUBLE = 6.93147180559945286227e-1;

/** fdlibm's e_sinh.c over expm1 and exp. */
export function sinh(x: number): number {
  if (!Number.isFinite(x)) return x;
  const h = x < 0 ? -0.5 : 0.5;
  const a = Math.abs(x);
  if (a < 22) {
    if (a < 2 ** -28) return x;
    const t = glibcExpm1(a);
    if (a < 1) return h * (2 * t - (t * t) / (t + 1));
    return h * (t + t / (t + 1));
  }
  if (a < 709.782712893384) return h * exp(a);
  if (a <= 710.4758600739439) {
    const w = exp(0.5 * a);
    return h * w * w;
  }
  return x * Infinity;
}

/** fdlibm's e_cosh.c over expm1 and exp. */
export function cosh(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a < 0.5 * LN2_DOUBLE) {
    const t = glibcExpm1(a);
    const w = 1 + t;
    if (a < 2 ** -55) return w;
    return 1 + (t * t) / (w + w);
  }
  if (a < 22) {
    const t = exp(a);
    return 0.5 * t + 0.5 / t;
  }
  if (a < 709.782712893384) return 0.5 * exp(a);
  if (a <= 710.4758600739439) {
    const w = exp(0.5 * a);
    return 0.5 * w * w;
  }
  return Infinity;
}

/** fdlibm's s_asinh.c over log and log1p. */
export function asinh(x: number): number {
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  if (a < 2 ** -28) return x;
  let w: number;
  if (a > 2 ** 28) w = log(a) + LN2_DOUBLE;
  else if (a > 2) w = log(2 * a + 1 / (Math.sqrt(x * x + 1) + a));
  else {
    const t = x * x;
    w = glibcLog1p(a + t / (1 + Math.sqrt(1 + t)));
  }
  return x > 0 ? w : -w;
}

/** fdlibm's e_acosh.c over log and log1p. */
export function acosh(x: number): number {
  if (Number.isNaN(x) || x < 1) return NaN;
  if (x >= 2 ** 28) return x === Infinity ? x : log(x) + LN2_DOUBLE;
  if (x === 1) return 0;
  if (x > 2) return log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
  const t = x - 1;
  return glibcLog1p(t + Math.sqrt(2 * t + t * t));
}

const CBRT2 = 1.2599210498948731648;
const SQR_CBRT2 = 1.5874010519681994748;
const CBRT_FACTORS = [1 / SQR_CBRT2, 1 / CBRT2, 1, CBRT2, SQR_CBRT2];

/** glibc's s_cbrt.c: a polynomial guess on [0.5, 1), one rational step, then the exponent's third. */
export function cbrt(x: number): number {
  if (Number.isNaN(x) || x === 0 || !Number.isFinite(x)) return x;
  const [xm, xe] = frexp(Math.abs(x));
  const u = 0.354895765043919860 + (1.50819193781584896 + (-2.11499494167371287 + (2.44693122563534430
    + (-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm) * xm) * xm) * xm;
  const t2 = u * u * u;
  const ym = ((u * (t2 + 2 * xm)) / (2 * t2 + xm)) * CBRT_FACTORS[2 + (xe % 3)]!;
  return (x < 0 ? -1 : 1) * ldexp(ym, Math.trunc(xe / 3));
}
