/**
 * Python's `cmath`, as CPython 3.11's Modules/cmathmodule.c computes it for finite arguments,
 * over glibc's functions (runtime/core/libm: exp, log, sin, cos, atan2, hypot, sinh, cosh), so
 * the results agree bit for bit: sqrt with its scaling for tiny parts, exp and cosh/sinh past
 * log(DBL_MAX/4) through e * f(x - 1), log through log1p near the unit circle, tan/tanh through
 * tanh's formula, the errors (`math domain error`, `math range error`) where CPython sets errno.
 *
 * A part that is infinite or nan would take CPython's tables of special values: refused, named,
 * at the call. The inverse functions (acos, asin, atan and their hyperbolic twins) are not here.
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

function finite(name: string, z: C): void {
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im)) {
    throw pyError('NotImplementedError', `cmath.${name} of a complex with an infinite or nan part is not supported by Gradlens (CPython reads it from tables of special values); check math.isfinite on both parts first`);
  }
}

function checked(z: C): PyComplex {
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im)) throw pyError('OverflowError', 'math range error');
  return new PyComplex(z.re, z.im);
}

function copysign(x: number, sign: number): number {
  return sign < 0 || Object.is(sign, -0) ? -Math.abs(x) : Math.abs(x);
}

function sqrt(z: C): C {
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

function exp(z: C): C {
  if (z.re > LOG_LARGE_DOUBLE) {
    const l = libm.exp(z.re - 1);
    return { re: l * libm.cos(z.im) * Math.E, im: l * libm.sin(z.im) * Math.E };
  }
  const l = libm.exp(z.re);
  return { re: l * libm.cos(z.im), im: l * libm.sin(z.im) };
}

/** c_log; null for log(0) (EDOM). */
function log(z: C): C | null {
  const ax = Math.abs(z.re);
  const ay = Math.abs(z.im);
  let re: number;
  if (ax > LARGE_DOUBLE || ay > LARGE_DOUBLE) re = libm.log(libm.hypot(ax / 2, ay / 2)) + LN2;
  else if (ax < DBL_MIN && ay < DBL_MIN) {
    if (ax === 0 && ay === 0) return null;
    re = libm.log(libm.hypot(ax * 2 ** DBL_MANT_DIG, ay * 2 ** DBL_MANT_DIG)) - DBL_MANT_DIG * LN2;
  } else {
    const h = libm.hypot(ax, ay);
    if (h >= 0.71 && h <= 1.73) {
      const am = ax > ay ? ax : ay;
      const an = ax > ay ? ay : ax;
      re = Math.log1p((am - 1) * (am + 1) + an * an) / 2;
    } else re = libm.log(h);
  }
  return { re, im: libm.atan2(z.im, z.re) };
}

function cosh(z: C): C {
  if (Math.abs(z.re) > LOG_LARGE_DOUBLE) {
    const x = z.re - copysign(1, z.re);
    return { re: libm.cos(z.im) * libm.cosh(x) * Math.E, im: libm.sin(z.im) * libm.sinh(x) * Math.E };
  }
  return { re: libm.cos(z.im) * libm.cosh(z.re), im: libm.sin(z.im) * libm.sinh(z.re) };
}

function sinh(z: C): C {
  if (Math.abs(z.re) > LOG_LARGE_DOUBLE) {
    const x = z.re - copysign(1, z.re);
    return { re: libm.cos(z.im) * libm.sinh(x) * Math.E, im: libm.sin(z.im) * libm.cosh(x) * Math.E };
  }
  return { re: libm.cos(z.im) * libm.sinh(z.re), im: libm.sin(z.im) * libm.cosh(z.re) };
}

function tanh(z: C): C {
  if (Math.abs(z.re) > SQRT_LARGE_DOUBLE) {
    return { re: copysign(1, z.re), im: 4 * libm.sin(z.im) * libm.cos(z.im) * libm.exp(-2 * Math.abs(z.re)) };
  }
  const tx = Math.tanh(z.re);
  const ty = libm.tan(z.im);
  const cx = 1 / libm.cosh(z.re);
  const txty = tx * ty;
  const denom = 1 + txty * txty;
  return { re: (tx * (1 + ty * ty)) / denom, im: ((ty / denom) * cx) * cx };
}

/** f(iz) / i, the way cmath writes cos, sin and tan through cosh, sinh and tanh. */
const rotated = (f: (z: C) => C, negate: boolean) => (z: C): C => {
  const r = f({ re: -z.im, im: z.re });
  return negate ? { re: r.im, im: -r.re } : r;
};

const quotient = (a: C, b: C, ctx: HostContext): C => {
  return new PyComplex(a.re, a.im).binary('/', new PyComplex(b.re, b.im), false, ctx) as PyComplex;
};

function one(name: string, f: (z: C) => C): NativeFn {
  return (args, kwargs, ctx) => {
    const a = bindArgs(name, ['z'], args, kwargs, ctx);
    const z = arg(a.required('z'), ctx);
    finite(name, z);
    return checked(f(z));
  };
}

function logOf(z: C): C {
  const r = log(z);
  if (r === null) throw pyError('ValueError', 'math domain error');
  return r;
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
    'cos', 'sin', 'tan', 'cosh', 'sinh', 'tanh', 'isclose', 'isfinite', 'isinf', 'isnan',
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
    def('log', (args, kwargs, ctx) => {
      const a = bindArgs('log', ['x', 'base?'], args, kwargs, ctx);
      const x = arg(a.required('x'), ctx);
      finite('log', x);
      const r = logOf(x);
      const base = a.opt('base');
      if (base === undefined) return checked(r);
      const b = arg(base, ctx);
      finite('log', b);
      const lb = logOf(b);
      if (lb.re === 0 && lb.im === 0) throw pyError('ZeroDivisionError', 'complex division by zero');
      return checked(quotient(r, lb, ctx));
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
      const r = Number.isFinite(z.re) && Number.isFinite(z.im) ? libm.hypot(z.re, z.im) : complexAbs(z);
      if (r === Infinity && Number.isFinite(z.re) && Number.isFinite(z.im)) throw pyError('OverflowError', 'math range error');
      return new PyTuple([r, libm.atan2(z.im, z.re)]);
    });
    def('rect', (args, kwargs, ctx) => {
      const a = bindArgs('rect', ['r', 'phi'], args, kwargs, ctx);
      const r = toFloat(a.required('r'), ctx);
      const phi = toFloat(a.required('phi'), ctx);
      finite('rect', { re: r, im: phi });
      // As CPython: phi == 0 keeps r's sign in the imaginary part (r * phi), never cos/sin.
      if (phi === 0) return new PyComplex(r, r * phi);
      return new PyComplex(r * libm.cos(phi), r * libm.sin(phi));
    });
    def('isclose', isclose);
    def('isfinite', (args, kwargs, ctx) => {
      const z = arg(bindArgs('isfinite', ['z'], args, kwargs, ctx).required('z'), ctx);
      return Number.isFinite(z.re) && Number.isFinite(z.im);
    });
    def('isinf', (args, kwargs, ctx) => {
      const z = arg(bindArgs('isinf', ['z'], args, kwargs, ctx).required('z'), ctx);
      return Math.abs(z.re) === Infinity || Math.abs(z.im) === Infinity;
    });
    def('isnan', (args, kwargs, ctx) => {
      const z = arg(bindArgs('isnan', ['z'], args, kwargs, ctx).required('z'), ctx);
      return Number.isNaN(z.re) || Number.isNaN(z.im);
    });
    return new PyModule('cmath', m, true);
  },
};
