/**
 * Python's `cmath`, as CPython 3.11's Modules/cmathmodule.c computes it, over glibc's functions
 * (runtime/core/libm: exp, log, sin, cos, atan2, hypot, sinh, cosh, asinh), so the results agree
 * bit for bit: sqrt with its scaling for tiny parts, exp and cosh/sinh past log(DBL_MAX/4)
 * through e * f(x - 1), log through log1p near the unit circle, tan/tanh through tanh's formula,
 * the inverse functions (acos, asin, atan, acosh, asinh, atanh) through square roots of 1 -/+ z
 * (Kahan's) with their own paths for huge arguments, and the errors (`math domain error`, `math
 * range error`) where CPython sets errno.
 *
 * A part that is infinite or nan takes C99 Annex G's value from a table indexed by the kinds of
 * the two parts (SPECIAL_KINDS), as CPython does, with CPython 3.11's entries.
 */
import { libm } from '../../../runtime/core';
import {
  bindArgs,
  complexAbs,
  type HostContext,
  type Kwargs,
  type ModuleShim,
  type NativeFn,
  PyComplex,
  pyError,
  PyModule,
  pyFunction,
  PyTuple,
  type PyValue,
  toFloat,
  typeName,
} from '../interpreter';

type C = { readonly re: number; readonly im: number };

const DBL_MIN = 2.2250738585072014e-308;
const DBL_MANT_DIG = 53;
const LARGE_DOUBLE = Number.MAX_VALUE / 4;
const LOG_LARGE_DOUBLE = libm.log(LARGE_DOUBLE);
const SQRT_LARGE_DOUBLE = Math.sqrt(LARGE_DOUBLE);
const SQRT_DBL_MIN = Math.sqrt(DBL_MIN);
const SCALE_UP = 2 * Math.floor(DBL_MANT_DIG / 2) + 1;
const SCALE_DOWN = -Math.floor((SCALE_UP + 1) / 2);
const LN2 = 0.6931471805599453;
const LN10 = 2.302585092994046;

/** The argument as CPython's "D" converter reads it: a complex, a float or an int, or what `__complex__`/`__float__` gives. */
function arg(v: PyValue, ctx: HostContext): C {
  if (v instanceof PyComplex) return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return { re: toFloat(v, ctx), im: 0 };
  if (v !== null && typeof v === 'object') {
    const f = ctx.getattr(v, '__complex__');
    if (f !== undefined && f !== null) {
      const r = ctx.call(f, []);
      if (r instanceof PyComplex) return r;
    }
  }
  if (typeof v === 'string' || v === null) throw pyError('TypeError', `must be real number, not ${typeName(v)}`);
  return { re: toFloat(v, ctx), im: 0 };
}

/** Where CPython's functions set errno: EDOM raises ValueError, ERANGE OverflowError. */
const domainError = () => pyError('ValueError', 'math domain error');
const rangeError = () => pyError('OverflowError', 'math range error');

/** A result whose parts overflowed (ERANGE), else the result. */
function checked(z: C): C {
  if (Math.abs(z.re) === Infinity || Math.abs(z.im) === Infinity) throw rangeError();
  return z;
}

function copysign(x: number, sign: number): number {
  return sign < 0 || Object.is(sign, -0) ? -Math.abs(x) : Math.abs(x);
}

const isFinite = (z: C) => Number.isFinite(z.re) && Number.isFinite(z.im);
const isInf = (x: number) => Math.abs(x) === Infinity;

// ---------------------------------------------------------------- special values (C99 Annex G)

/** The kind of a part, the index into a table: -inf, negative, -0, +0, positive, +inf, nan. */
function kind(x: number): number {
  if (Number.isNaN(x)) return 6;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 5;
  if (x === 0) return Object.is(x, -0) ? 2 : 3;
  return x < 0 ? 1 : 4;
}

const P = Math.PI;
const P14 = 0.25 * Math.PI;
const P12 = 0.5 * Math.PI;
const P34 = 0.75 * Math.PI;
const INF = Infinity;
const N = NaN;
/** An entry no argument reaches (both parts finite and nonzero: the formulas apply). */
const U = 0;

/** A 7 x 7 table of results by the kinds of the real part (rows) and the imaginary part (columns). */
type Table = readonly (readonly number[])[];

function special(table: Table, z: C): C {
  const row = table[kind(z.re)]!;
  const col = 2 * kind(z.im);
  return { re: row[col]!, im: row[col + 1]! };
}

const ACOS: Table = [
  [P34, INF, P, INF, P, INF, P, -INF, P, -INF, P34, -INF, N, INF],
  [P12, INF, U, U, U, U, U, U, U, U, P12, -INF, N, N],
  [P12, INF, U, U, P12, 0, P12, -0, U, U, P12, -INF, P12, N],
  [P12, INF, U, U, P12, 0, P12, -0, U, U, P12, -INF, P12, N],
  [P12, INF, U, U, U, U, U, U, U, U, P12, -INF, N, N],
  [P14, INF, 0, INF, 0, INF, 0, -INF, 0, -INF, P14, -INF, N, INF],
  [N, INF, N, N, N, N, N, N, N, N, N, -INF, N, N],
];
const ACOSH: Table = [
  [INF, -P34, INF, -P, INF, -P, INF, P, INF, P, INF, P34, INF, N],
  [INF, -P12, U, U, U, U, U, U, U, U, INF, P12, N, N],
  [INF, -P12, U, U, 0, -P12, 0, P12, U, U, INF, P12, N, N],
  [INF, -P12, U, U, 0, -P12, 0, P12, U, U, INF, P12, N, N],
  [INF, -P12, U, U, U, U, U, U, U, U, INF, P12, N, N],
  [INF, -P14, INF, -0, INF, -0, INF, 0, INF, 0, INF, P14, INF, N],
  [INF, N, N, N, N, N, N, N, N, N, INF, N, N, N],
];
const ASINH: Table = [
  [-INF, -P14, -INF, -0, -INF, -0, -INF, 0, -INF, 0, -INF, P14, -INF, N],
  [-INF, -P12, U, U, U, U, U, U, U, U, -INF, P12, N, N],
  [-INF, -P12, U, U, -0, -0, -0, 0, U, U, -INF, P12, N, N],
  [INF, -P12, U, U, 0, -0, 0, 0, U, U, INF, P12, N, N],
  [INF, -P12, U, U, U, U, U, U, U, U, INF, P12, N, N],
  [INF, -P14, INF, -0, INF, -0, INF, 0, INF, 0, INF, P14, INF, N],
  [INF, N, N, N, N, -0, N, 0, N, N, INF, N, N, N],
];
const ATANH: Table = [
  [-0, -P12, -0, -P12, -0, -P12, -0, P12, -0, P12, -0, P12, -0, N],
  [-0, -P12, U, U, U, U, U, U, U, U, -0, P12, N, N],
  [-0, -P12, U, U, -0, -0, -0, 0, U, U, -0, P12, -0, N],
  [0, -P12, U, U, 0, -0, 0, 0, U, U, 0, P12, 0, N],
  [0, -P12, U, U, U, U, U, U, U, U, 0, P12, N, N],
  [0, -P12, 0, -P12, 0, -P12, 0, P12, 0, P12, 0, P12, 0, N],
  [0, -P12, N, N, N, N, N, N, N, N, 0, P12, N, N],
];
const COSH: Table = [
  [INF, N, U, U, INF, 0, INF, -0, U, U, INF, N, INF, N],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [N, 0, U, U, 1, 0, 1, -0, U, U, N, 0, N, 0],
  [N, 0, U, U, 1, -0, 1, 0, U, U, N, 0, N, 0],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [INF, N, U, U, INF, -0, INF, 0, U, U, INF, N, INF, N],
  [N, N, N, N, N, 0, N, 0, N, N, N, N, N, N],
];
const EXP: Table = [
  [0, 0, U, U, 0, -0, 0, 0, U, U, 0, 0, 0, 0],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [N, N, U, U, 1, -0, 1, 0, U, U, N, N, N, N],
  [N, N, U, U, 1, -0, 1, 0, U, U, N, N, N, N],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [INF, N, U, U, INF, -0, INF, 0, U, U, INF, N, INF, N],
  [N, N, N, N, N, -0, N, 0, N, N, N, N, N, N],
];
const LOG: Table = [
  [INF, -P34, INF, -P, INF, -P, INF, P, INF, P, INF, P34, INF, N],
  [INF, -P12, U, U, U, U, U, U, U, U, INF, P12, N, N],
  [INF, -P12, U, U, -INF, -P, -INF, P, U, U, INF, P12, N, N],
  [INF, -P12, U, U, -INF, -0, -INF, 0, U, U, INF, P12, N, N],
  [INF, -P12, U, U, U, U, U, U, U, U, INF, P12, N, N],
  [INF, -P14, INF, -0, INF, -0, INF, 0, INF, 0, INF, P14, INF, N],
  [INF, N, N, N, N, N, N, N, N, N, INF, N, N, N],
];
const SINH: Table = [
  [INF, N, U, U, -INF, -0, -INF, 0, U, U, INF, N, INF, N],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [0, N, U, U, -0, -0, -0, 0, U, U, 0, N, 0, N],
  [0, N, U, U, 0, -0, 0, 0, U, U, 0, N, 0, N],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [INF, N, U, U, INF, -0, INF, 0, U, U, INF, N, INF, N],
  [N, N, N, N, N, -0, N, 0, N, N, N, N, N, N],
];
const SQRT: Table = [
  [INF, -INF, 0, -INF, 0, -INF, 0, INF, 0, INF, INF, INF, N, INF],
  [INF, -INF, U, U, U, U, U, U, U, U, INF, INF, N, N],
  [INF, -INF, U, U, 0, -0, 0, 0, U, U, INF, INF, N, N],
  [INF, -INF, U, U, 0, -0, 0, 0, U, U, INF, INF, N, N],
  [INF, -INF, U, U, U, U, U, U, U, U, INF, INF, N, N],
  [INF, -INF, INF, -0, INF, -0, INF, 0, INF, 0, INF, INF, INF, N],
  [INF, -INF, N, N, N, N, N, N, N, N, INF, INF, N, N],
];
const TANH: Table = [
  [-1, 0, U, U, -1, -0, -1, 0, U, U, -1, 0, -1, 0],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [N, N, U, U, -0, -0, -0, 0, U, U, N, N, N, N],
  [N, N, U, U, 0, -0, 0, 0, U, U, N, N, N, N],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [1, 0, U, U, 1, -0, 1, 0, U, U, 1, 0, 1, 0],
  [N, N, N, N, N, -0, N, 0, N, N, N, N, N, N],
];
const RECT: Table = [
  [INF, N, U, U, -INF, 0, -INF, -0, U, U, INF, N, INF, N],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [0, 0, U, U, -0, 0, -0, -0, U, U, 0, 0, 0, 0],
  [0, 0, U, U, 0, -0, 0, 0, U, U, 0, 0, 0, 0],
  [N, N, U, U, U, U, U, U, U, U, N, N, N, N],
  [INF, N, U, U, INF, -0, INF, 0, U, U, INF, N, INF, N],
  [N, N, N, N, N, 0, N, 0, N, N, N, N, N, N],
];

// ---------------------------------------------------------------- the functions

function sqrt(z: C): C {
  if (!isFinite(z)) return special(SQRT, z);
  if (z.re === 0 && z.im === 0) return { re: 0, im: z.im };
  let ax = Math.abs(z.re);
  const ay = Math.abs(z.im);
  let s: number;
  if (ax < DBL_MIN && ay < DBL_MIN) {
    // hypot(ax, ay) would be subnormal: scale up, then down.
    ax *= 2 ** SCALE_UP;
    s = Math.sqrt(ax + libm.hypot(ax, ay * 2 ** SCALE_UP)) * 2 ** SCALE_DOWN;
  } else {
    ax /= 8;
    s = 2 * Math.sqrt(ax + libm.hypot(ax, ay / 8));
  }
  const d = ay / (2 * s);
  return z.re >= 0 ? { re: s, im: copysign(d, z.im) } : { re: d, im: copysign(s, z.im) };
}

/**
 * The special values of exp, cosh, sinh and tanh: an infinite real part with a finite nonzero
 * imaginary part takes its signs from cos and sin of it, the rest from the table; `edom` says
 * which arguments CPython calls a domain error.
 */
function hyperbolicSpecial(z: C, table: Table, signs: (re: number, cos: number, sin: number) => C, edom: boolean): C {
  const r = isInf(z.re) && Number.isFinite(z.im) && z.im !== 0 ? signs(z.re, libm.cos(z.im), libm.sin(z.im)) : special(table, z);
  if (edom) throw domainError();
  return r;
}

function exp(z: C): C {
  if (!isFinite(z)) {
    const edom = isInf(z.im) && (Number.isFinite(z.re) || z.re === Infinity);
    return hyperbolicSpecial(z, EXP, (re, c, s) => (re > 0 ? { re: copysign(INF, c), im: copysign(INF, s) } : { re: copysign(0, c), im: copysign(0, s) }), edom);
  }
  if (z.re > LOG_LARGE_DOUBLE) {
    const l = libm.exp(z.re - 1);
    return checked({ re: l * libm.cos(z.im) * Math.E, im: l * libm.sin(z.im) * Math.E });
  }
  const l = libm.exp(z.re);
  return checked({ re: l * libm.cos(z.im), im: l * libm.sin(z.im) });
}

/** c_log, with its errno: log(0) is a domain error (returned, for `log(x, base)`, which reads the last errno). */
function log(z: C): { r: C; edom: boolean } {
  if (!isFinite(z)) return { r: special(LOG, z), edom: false };
  const ax = Math.abs(z.re);
  const ay = Math.abs(z.im);
  let re: number;
  if (ax > LARGE_DOUBLE || ay > LARGE_DOUBLE) re = libm.log(libm.hypot(ax / 2, ay / 2)) + LN2;
  else if (ax < DBL_MIN && ay < DBL_MIN) {
    if (ax === 0 && ay === 0) return { r: { re: -Infinity, im: libm.atan2(z.im, z.re) }, edom: true };
    re = libm.log(libm.hypot(ax * 2 ** DBL_MANT_DIG, ay * 2 ** DBL_MANT_DIG)) - DBL_MANT_DIG * LN2;
  } else {
    const h = libm.hypot(ax, ay);
    if (h >= 0.71 && h <= 1.73) {
      const am = ax > ay ? ax : ay;
      const an = ax > ay ? ay : ax;
      re = libm.log1p((am - 1) * (am + 1) + an * an) / 2;
    } else re = libm.log(h);
  }
  return { r: { re, im: libm.atan2(z.im, z.re) }, edom: false };
}

function logOf(z: C): C {
  const { r, edom } = log(z);
  if (edom) throw domainError();
  return r;
}

function cosh(z: C): C {
  if (!isFinite(z)) {
    const edom = isInf(z.im) && !Number.isNaN(z.re);
    return hyperbolicSpecial(z, COSH, (re, c, s) => ({ re: copysign(INF, c), im: re > 0 ? copysign(INF, s) : -copysign(INF, s) }), edom);
  }
  if (Math.abs(z.re) > LOG_LARGE_DOUBLE) {
    const x = z.re - copysign(1, z.re);
    return checked({ re: libm.cos(z.im) * libm.cosh(x) * Math.E, im: libm.sin(z.im) * libm.sinh(x) * Math.E });
  }
  return checked({ re: libm.cos(z.im) * libm.cosh(z.re), im: libm.sin(z.im) * libm.sinh(z.re) });
}

function sinh(z: C): C {
  if (!isFinite(z)) {
    const edom = isInf(z.im) && !Number.isNaN(z.re);
    return hyperbolicSpecial(z, SINH, (re, c, s) => ({ re: re > 0 ? copysign(INF, c) : -copysign(INF, c), im: copysign(INF, s) }), edom);
  }
  if (Math.abs(z.re) > LOG_LARGE_DOUBLE) {
    const x = z.re - copysign(1, z.re);
    return checked({ re: libm.cos(z.im) * libm.sinh(x) * Math.E, im: libm.sin(z.im) * libm.cosh(x) * Math.E });
  }
  return checked({ re: libm.cos(z.im) * libm.sinh(z.re), im: libm.sin(z.im) * libm.cosh(z.re) });
}

function tanh(z: C): C {
  if (!isFinite(z)) {
    const edom = isInf(z.im) && Number.isFinite(z.re);
    return hyperbolicSpecial(z, TANH, (re, c, s) => ({ re: re > 0 ? 1 : -1, im: copysign(0, 2 * s * c) }), edom);
  }
  if (Math.abs(z.re) > SQRT_LARGE_DOUBLE) {
    return { re: copysign(1, z.re), im: 4 * libm.sin(z.im) * libm.cos(z.im) * libm.exp(-2 * Math.abs(z.re)) };
  }
  const tx = libm.tanh(z.re);
  const ty = libm.tan(z.im);
  const cx = 1 / libm.cosh(z.re);
  const txty = tx * ty;
  const denom = 1 + txty * txty;
  return { re: (tx * (1 + ty * ty)) / denom, im: ((ty / denom) * cx) * cx };
}

function acos(z: C): C {
  if (!isFinite(z)) return special(ACOS, z);
  if (Math.abs(z.re) > LARGE_DOUBLE || Math.abs(z.im) > LARGE_DOUBLE) {
    // Huge arguments: no square root of 1 - z*z, which would overflow.
    return { re: libm.atan2(Math.abs(z.im), z.re), im: -copysign(libm.log(libm.hypot(z.re / 2, z.im / 2)) + 2 * LN2, z.im) };
  }
  const s1 = sqrt({ re: 1 - z.re, im: -z.im });
  const s2 = sqrt({ re: 1 + z.re, im: z.im });
  return { re: 2 * libm.atan2(s1.re, s2.re), im: libm.asinh(s2.re * s1.im - s2.im * s1.re) };
}

function acosh(z: C): C {
  if (!isFinite(z)) return special(ACOSH, z);
  if (Math.abs(z.re) > LARGE_DOUBLE || Math.abs(z.im) > LARGE_DOUBLE) {
    return { re: libm.log(libm.hypot(z.re / 2, z.im / 2)) + 2 * LN2, im: libm.atan2(z.im, z.re) };
  }
  const s1 = sqrt({ re: z.re - 1, im: z.im });
  const s2 = sqrt({ re: z.re + 1, im: z.im });
  return { re: libm.asinh(s1.re * s2.re + s1.im * s2.im), im: 2 * libm.atan2(s1.im, s2.re) };
}

function asinh(z: C): C {
  if (!isFinite(z)) return special(ASINH, z);
  if (Math.abs(z.re) > LARGE_DOUBLE || Math.abs(z.im) > LARGE_DOUBLE) {
    const l = libm.log(libm.hypot(z.re / 2, z.im / 2)) + 2 * LN2;
    return { re: z.im >= 0 ? copysign(l, z.re) : -copysign(l, -z.re), im: libm.atan2(z.im, Math.abs(z.re)) };
  }
  const s1 = sqrt({ re: 1 + z.im, im: -z.re });
  const s2 = sqrt({ re: 1 - z.im, im: z.re });
  return { re: libm.asinh(s1.re * s2.im - s2.re * s1.im), im: libm.atan2(z.im, s1.re * s2.re - s1.im * s2.im) };
}

function atanh(z: C): C {
  if (!isFinite(z)) return special(ATANH, z);
  // atanh(-z) = -atanh(z): computed for a nonnegative real part.
  if (z.re < 0) {
    const r = atanh({ re: -z.re, im: -z.im });
    return { re: -r.re, im: -r.im };
  }
  const ay = Math.abs(z.im);
  if (z.re > SQRT_LARGE_DOUBLE || ay > SQRT_LARGE_DOUBLE) {
    // atanh(z) ~ 1/z +- i pi/2 for large z.
    const h = libm.hypot(z.re / 2, z.im / 2);
    return { re: z.re / 4 / h / h, im: copysign(P12, z.im) };
  }
  if (z.re === 1 && ay < SQRT_DBL_MIN) {
    if (ay === 0) throw domainError();
    return { re: -libm.log(Math.sqrt(ay) / Math.sqrt(libm.hypot(ay, 2))), im: copysign(libm.atan2(2, -ay) / 2, z.im) };
  }
  return {
    re: log1p((4 * z.re) / ((1 - z.re) * (1 - z.re) + ay * ay)) / 4,
    im: -libm.atan2(-2 * z.im, (1 - z.re) * (1 + z.re) - ay * ay) / 2,
  };
}

/** CPython's m_log1p: log1p keeping the sign of a zero. */
const log1p = (x: number) => (x === 0 ? x : libm.log1p(x));

/** f(iz) / i, the way cmath writes cos, sin, tan, asin and atan through their hyperbolic twins. */
const rotated = (f: (z: C) => C, negate: boolean) => (z: C): C => {
  const r = f({ re: -z.im, im: z.re });
  return negate ? { re: r.im, im: -r.re } : r;
};

function rect(r: number, phi: number): C {
  if (!Number.isFinite(r) || !Number.isFinite(phi)) {
    const out = isInf(r) && Number.isFinite(phi) && phi !== 0
      ? (r > 0
        ? { re: copysign(INF, libm.cos(phi)), im: copysign(INF, libm.sin(phi)) }
        : { re: -copysign(INF, libm.cos(phi)), im: -copysign(INF, libm.sin(phi)) })
      : special(RECT, { re: r, im: phi });
    if (r !== 0 && !Number.isNaN(r) && isInf(phi)) throw domainError();
    return out;
  }
  // As CPython: phi == 0 keeps r's sign in the imaginary part (r * phi), never cos/sin.
  if (phi === 0) return { re: r, im: r * phi };
  return { re: r * libm.cos(phi), im: r * libm.sin(phi) };
}

const quotient = (a: C, b: C, ctx: HostContext): C => {
  return new PyComplex(a.re, a.im).binary('/', new PyComplex(b.re, b.im), false, ctx) as PyComplex;
};

function one(name: string, f: (z: C) => C): NativeFn {
  return (args, kwargs, ctx) => {
    const a = bindArgs(name, ['z'], args, kwargs, ctx);
    const r = f(arg(a.required('z'), ctx));
    return new PyComplex(r.re, r.im);
  };
}

function isclose(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('isclose', ['a', 'b', '*', 'rel_tol?', 'abs_tol?'], args, kwargs, ctx);
  const x = arg(a.required('a'), ctx);
  const y = arg(a.required('b'), ctx);
  const rel = a.float('rel_tol', 1e-9);
  const abs = a.float('abs_tol', 0);
  if (rel < 0 || abs < 0) throw pyError('ValueError', 'tolerances must be non-negative');
  if (x.re === y.re && x.im === y.im) return true;
  if ([x.re, x.im, y.re, y.im].some((v) => Math.abs(v) === Infinity)) return false;
  const diff = complexAbs({ re: x.re - y.re, im: x.im - y.im });
  return diff <= rel * complexAbs(y) || diff <= rel * complexAbs(x) || diff <= abs;
}

export const cmathModule: ModuleShim = {
  exports: [
    'pi', 'e', 'tau', 'inf', 'infj', 'nan', 'nanj', 'sqrt', 'exp', 'log', 'log10', 'phase', 'polar', 'rect',
    'cos', 'sin', 'tan', 'cosh', 'sinh', 'tanh', 'acos', 'asin', 'atan', 'acosh', 'asinh', 'atanh',
    'isclose', 'isfinite', 'isinf', 'isnan',
  ],
  create() {
    const m = new Map<string, PyValue>();
    const def = (name: string, f: NativeFn) => m.set(name, pyFunction(name, f));
    m.set('pi', Math.PI);
    m.set('e', Math.E);
    m.set('tau', 2 * Math.PI);
    m.set('inf', Infinity);
    m.set('infj', new PyComplex(0, Infinity));
    m.set('nan', NaN);
    m.set('nanj', new PyComplex(0, NaN));
    def('sqrt', one('sqrt', sqrt));
    def('exp', one('exp', exp));
    def('cosh', one('cosh', cosh));
    def('sinh', one('sinh', sinh));
    def('tanh', one('tanh', tanh));
    def('cos', one('cos', rotated(cosh, false)));
    def('sin', one('sin', rotated(sinh, true)));
    def('tan', one('tan', rotated(tanh, true)));
    def('acos', one('acos', acos));
    def('acosh', one('acosh', acosh));
    def('asinh', one('asinh', asinh));
    def('atanh', one('atanh', atanh));
    def('asin', one('asin', rotated(asinh, true)));
    def('atan', one('atan', rotated(atanh, true)));
    def('log', (args, kwargs, ctx) => {
      const a = bindArgs('log', ['x', 'base?'], args, kwargs, ctx);
      const x = log(arg(a.required('x'), ctx));
      const base = a.opt('base');
      if (base === undefined) {
        if (x.edom) throw domainError();
        return new PyComplex(x.r.re, x.r.im);
      }
      // NB: as CPython, only the base's logarithm sets the errno read here (log(0, 2) is -inf+nanj).
      const b = log(arg(base, ctx));
      if (b.edom || (b.r.re === 0 && b.r.im === 0)) throw domainError();
      const q = quotient(x.r, b.r, ctx);
      return new PyComplex(q.re, q.im);
    });
    def('log10', one('log10', (z) => {
      const r = logOf(z);
      return { re: r.re / LN10, im: r.im / LN10 };
    }));
    def('phase', (args, kwargs, ctx) => {
      const z = arg(bindArgs('phase', ['z'], args, kwargs, ctx).required('z'), ctx);
      return libm.atan2(z.im, z.re);
    });
    def('polar', (args, kwargs, ctx) => {
      const z = arg(bindArgs('polar', ['z'], args, kwargs, ctx).required('z'), ctx);
      const r = isFinite(z) ? libm.hypot(z.re, z.im) : complexAbs(z);
      if (r === Infinity && isFinite(z)) throw rangeError();
      return new PyTuple([r, libm.atan2(z.im, z.re)]);
    });
    def('rect', (args, kwargs, ctx) => {
      const a = bindArgs('rect', ['r', 'phi'], args, kwargs, ctx);
      const z = rect(toFloat(a.required('r'), ctx), toFloat(a.required('phi'), ctx));
      return new PyComplex(z.re, z.im);
    });
    def('isclose', isclose);
    def('isfinite', (args, kwargs, ctx) => isFinite(arg(bindArgs('isfinite', ['z'], args, kwargs, ctx).required('z'), ctx)));
    def('isinf', (args, kwargs, ctx) => {
      const z = arg(bindArgs('isinf', ['z'], args, kwargs, ctx).required('z'), ctx);
      return isInf(z.re) || isInf(z.im);
    });
    def('isnan', (args, kwargs, ctx) => {
      const z = arg(bindArgs('isnan', ['z'], args, kwargs, ctx).required('z'), ctx);
      return Number.isNaN(z.re) || Number.isNaN(z.im);
    });
    return new PyModule('cmath', m, true);
  },
};
