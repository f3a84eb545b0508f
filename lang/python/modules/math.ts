/**
 * Python's `math` module. Results match CPython's: the same domain and range
 * errors, ints where CPython returns ints (floor, ceil, factorial, gcd), and
 * CPython's own algorithms where it does not defer to libm (gamma, lgamma, fsum).
 */
import {
  bindArgs,
  pyError,
  pyFunction,
  type HostContext,
  PyModule,
  PyTuple,
  type Kwargs,
  type NativeFn,
  type PyValue,
  bitLength,
  checkIntBits,
  binary,
  intToFloat,
  iterate,
  toFloat,
  toIndex,
  unary as unaryOp,
  type ModuleShim,
  PyComplex,
  typeName,
  HostObject,
} from '../interpreter';
import { libm } from '../../../runtime/core';
import { vectorNorm } from './vector_norm';

const { erf, erfc } = libm;

function real(v: PyValue, ctx: HostContext): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return intToFloat(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' || v === null || v instanceof PyComplex) throw pyError('TypeError', `must be real number, not ${typeName(v)}`);
  return toFloat(v, ctx);
}

// NB: a NaN's sign bit is its own (CPython's copysign(1, -nan) is -1.0, and x86's inf - inf is a
// negative NaN, as V8's arithmetic leaves it): the sign is copied bit for bit, never compared.
const SIGN_WORD = new Float64Array(1);
const SIGN_BYTES = new Uint8Array(SIGN_WORD.buffer);
function copysign(x: number, y: number): number {
  SIGN_WORD[0] = y;
  const sign = SIGN_BYTES[7]! & 0x80;
  SIGN_WORD[0] = x;
  SIGN_BYTES[7] = (SIGN_BYTES[7]! & 0x7f) | sign;
  return SIGN_WORD[0];
}

function domain(): never {
  throw pyError('ValueError', 'math domain error');
}

function range(): never {
  throw pyError('OverflowError', 'math range error');
}

/** A one-argument float function with CPython's error rules: NaN from finite input is a domain error, inf a range error. */
function unary(f: (x: number) => number, opts: { overflowIsRange?: boolean } = {}): NativeFn {
  return (args, kwargs, ctx) => {
    one(args, kwargs);
    const x = real(args[0], ctx);
    const r = f(x);
    if (Number.isNaN(r) && !Number.isNaN(x)) domain();
    if (!Number.isFinite(r) && Number.isFinite(x) && !Number.isNaN(r)) {
      if (opts.overflowIsRange ?? true) range();
      domain();
    }
    return r;
  };
}

function one(args: PyValue[], kwargs: Kwargs, name = 'function'): void {
  if (kwargs.size) throw pyError('TypeError', `${name}() takes no keyword arguments`);
  if (args.length !== 1) throw pyError('TypeError', `math.${name}() takes exactly one argument (${args.length} given)`);
}

function two(args: PyValue[], name: string): void {
  if (args.length !== 2) throw pyError('TypeError', `${name} expected 2 arguments, got ${args.length}`);
}

/**
 * CPython's loghelper: func of a positive argument; an int past the float range is m 2^e (m its top 53
 * bits correctly rounded, as _PyLong_Frexp rounds them) and its log func(m) + func(2) e.
 */
function logOf(v: PyValue, ctx: HostContext, func: (x: number) => number): number {
  if (typeof v === 'bigint') {
    if (v <= 0n) domain();
    const x = Number(v);
    if (x !== Infinity) return func(x);
    const shift = v.toString(2).length - 60;
    // 60 top bits, the rest folded into the last one (sticky), so Number rounds them as the whole would round
    let top = v >> BigInt(shift);
    if (top << BigInt(shift) !== v) top |= 1n;
    const [m, e] = libm.frexp(Number(top));
    return func(m) + func(2) * (e + shift);
  }
  const x = real(v, ctx);
  if (Number.isNaN(x)) return x;
  if (x <= 0) domain();
  return func(x);
}

const natLog = (v: PyValue, ctx: HostContext) => logOf(v, ctx, libm.log);

function intResult(x: number, f: (x: number) => number): bigint {
  if (Number.isNaN(x)) throw pyError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
  return BigInt(f(x));
}

function integral(v: PyValue, ctx: HostContext): bigint {
  return toIndex(v, ctx);
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

function factorial(n: bigint, ctx: HostContext): bigint {
  if (n < 0n) throw pyError('ValueError', 'factorial() not defined for negative values');
  if (n > 20000n) throw pyError('MemoryError', 'factorial() argument is too large for Gradlens');
  let r = 1n;
  for (let i = 2n; i <= n; i++) {
    ctx.tick();
    r *= i;
  }
  return r;
}

/** log2 of n! / (n-k)!, to refuse a comb or perm past the int size limit before computing it. */
function log2Falling(n: bigint, k: bigint): number {
  const N = Number(n);
  const K = Number(k);
  if (!Number.isFinite(N)) return K * bitLength(n);
  if (K < 64) return K * Math.log2(N + 1);
  return (lnGamma(N + 1) - lnGamma(N - K + 1)) / Math.LN2;
}

function lnGamma(x: number): number {
  // Stirling's series; exact enough to compare against a limit of millions of bits.
  return x < 2 ? 0 : (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
}

/** isqrt by Newton's iteration on bigints: floor(sqrt(n)) for n >= 2. */
function isqrt(n: bigint, ctx: HostContext): bigint {
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    ctx.tick();
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Shewchuk's exact summation, CPython's msum, with its final correct rounding. */
function fsum(values: Iterable<number>): number {
  const partials: number[] = [];
  let special = 0;
  let infSum = 0;
  for (let x of values) {
    const xsave = x;
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    if (!Number.isFinite(x)) {
      // A nonfinite partial: either an input was inf/nan, or the sum overflowed.
      if (Number.isFinite(xsave)) throw pyError('OverflowError', 'intermediate overflow in fsum');
      if (Number.isNaN(xsave)) special = NaN;
      else infSum += xsave;
      special = Number.isNaN(special) ? special : infSum;
      partials.length = 0;
    } else partials.push(x);
  }
  if (special !== 0 || infSum !== 0) {
    if (Number.isNaN(infSum)) throw pyError('ValueError', '-inf + inf in fsum');
    return Number.isNaN(special) ? NaN : infSum;
  }
  let n = partials.length;
  let hi = 0;
  let lo = 0;
  if (n > 0) {
    hi = partials[--n];
    while (n > 0) {
      const x = hi;
      const y = partials[--n];
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
  }
  return hi;
}

// CPython's Lanczos approximation for gamma and lgamma (mathmodule.c), not libm's.
const LANCZOS_G = 6.024680040776729583740234375;
const LANCZOS_G_MINUS_HALF = 5.524680040776729583740234375;
const LANCZOS_NUM = [
  23531376880.410759688572007674451636754734846804940, 42919803642.649098768957899047001988850926355848959,
  35711959237.355668049440185451547166705960488635843, 17921034426.037209699919755754458931112671403265390,
  6039542586.3520280050642916443072979210699388420708, 1439720407.3117216736632230727949123939715485786772,
  248874557.86205415651146038641322942321632125127801, 31426415.585400194380614231628318205362874684987640,
  2876370.6289353724412254090516208496135991145378768, 186056.26539522349504029498971604569928220784236328,
  8071.6720023658162106380029022722506138218516325024, 210.82427775157934587250973392071336271166969580291,
  2.5066282746310002701649081771338373386264310793408,
];
const LANCZOS_DEN = [0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0, 13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0];
const GAMMA_INTEGRAL: number[] = [];
for (let i = 0, f = 1; i < 23; i++) {
  GAMMA_INTEGRAL.push(f);
  f *= i + 1;
}

function lanczosSum(x: number): number {
  let num = 0;
  let den = 0;
  if (x < 5) {
    for (let i = LANCZOS_NUM.length; --i >= 0; ) {
      num = num * x + LANCZOS_NUM[i];
      den = den * x + LANCZOS_DEN[i];
    }
  } else {
    for (let i = 0; i < LANCZOS_NUM.length; i++) {
      num = num / x + LANCZOS_NUM[i];
      den = den / x + LANCZOS_DEN[i];
    }
  }
  return num / den;
}

function sinpi(x: number): number {
  const y = Math.abs(x) % 2;
  const n = Math.round(2 * y);
  let r: number;
  switch (n) {
    case 0:
      r = libm.sin(Math.PI * y);
      break;
    case 1:
      r = libm.cos(Math.PI * (y - 0.5));
      break;
    case 2:
      r = libm.sin(Math.PI * (1 - y));
      break;
    case 3:
      r = -libm.cos(Math.PI * (y - 1.5));
      break;
    default:
      r = libm.sin(Math.PI * (y - 2));
  }
  return Math.sign(x) * r || (x < 0 ? -0 : 0) * r;
}

function gamma(x: number): number {
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x) || x > 0) return x;
    domain();
  }
  if (x === 0) domain();
  if (x === Math.floor(x)) {
    if (x < 0) domain();
    if (x <= 23) return GAMMA_INTEGRAL[x - 1];
  }
  const absx = Math.abs(x);
  if (absx < 1e-20) {
    const r = 1 / x;
    if (!Number.isFinite(r)) range();
    return r;
  }
  if (absx > 200) {
    if (x < 0) return 0 / sinpi(x);
    range();
  }
  const y = absx + LANCZOS_G_MINUS_HALF;
  let z: number;
  if (absx > LANCZOS_G_MINUS_HALF) {
    const q = y - absx;
    z = q - LANCZOS_G_MINUS_HALF;
  } else {
    const q = y - LANCZOS_G_MINUS_HALF;
    z = q - absx;
  }
  z = (z * LANCZOS_G) / y;
  let r: number;
  if (x < 0) {
    r = ((-Math.PI / sinpi(absx) / absx) * libm.exp(y)) / lanczosSum(absx);
    r -= z * r;
    if (absx < 140) r /= libm.pow(y, absx - 0.5);
    else {
      const sqrtpow = libm.pow(y, absx / 2 - 0.25);
      r /= sqrtpow;
      r /= sqrtpow;
    }
  } else {
    r = lanczosSum(absx) / libm.exp(y);
    r += z * r;
    if (absx < 140) r *= libm.pow(y, absx - 0.5);
    else {
      const sqrtpow = libm.pow(y, absx / 2 - 0.25);
      r *= sqrtpow;
      r *= sqrtpow;
    }
  }
  if (!Number.isFinite(r)) range();
  return r;
}

function lgamma(x: number): number {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? x : Infinity;
  if (x === Math.floor(x) && x <= 2) {
    if (x <= 0) domain();
    return 0;
  }
  const absx = Math.abs(x);
  if (absx < 1e-20) return -libm.log(absx);
  let r = libm.log(lanczosSum(absx)) - LANCZOS_G;
  r += (absx - 0.5) * (libm.log(absx + LANCZOS_G - 0.5) - 1);
  if (x < 0) r = libm.log(Math.PI) - libm.log(Math.abs(sinpi(absx))) - libm.log(absx) - r;
  if (!Number.isFinite(r)) range();
  return r;
}

function mathPow(x: number, y: number): number {
  if (Number.isNaN(x)) return y === 0 ? 1 : x;
  if (Number.isNaN(y)) return x === 1 ? 1 : y;
  if (x === 0 && y < 0 && Number.isFinite(y)) domain();
  if (x < 0 && Number.isFinite(x) && Number.isFinite(y) && !Number.isInteger(y)) domain();
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y)) return 1;
  const r = libm.pow(x, y);
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) range();
  return r;
}

function isclose(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('isclose', ['a', 'b', '*', 'rel_tol?', 'abs_tol?'], args, kwargs, ctx);
  const x = real(a.required('a'), ctx);
  const y = real(a.required('b'), ctx);
  const rel = a.float('rel_tol', 1e-9);
  const abs = a.float('abs_tol', 0);
  if (rel < 0 || abs < 0) throw pyError('ValueError', 'tolerances must be non-negative');
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const diff = Math.abs(y - x);
  return diff <= Math.abs(rel * y) || diff <= Math.abs(rel * x) || diff <= abs;
}

function ulp(x: number): number {
  if (Number.isNaN(x)) return x;
  x = Math.abs(x);
  if (!Number.isFinite(x)) return x;
  const next = nextafter(x, Infinity);
  if (!Number.isFinite(next)) return x - nextafter(x, -Infinity);
  return next - x;
}

function nextafter(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? 5e-324 : -5e-324;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  bits += (y > x) === (x > 0) ? 1n : -1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}

/** math.hypot's and math.dist's length of a vector: CPython's vector_norm of the magnitudes. */
function norm(xs: readonly number[]): number {
  const abs = xs.map(Math.abs);
  return vectorNorm(abs, abs.reduce((m, x) => (x > m ? x : m), 0), abs.some(Number.isNaN));
}

/** A value's own `__floor__`, `__ceil__` or `__trunc__` (a Fraction's, exact past 2**53), as math.floor calls it. */
function exactHook(x: PyValue, name: string, ctx: HostContext): PyValue | undefined {
  const hook = x instanceof HostObject ? x.getattr(name, ctx) : undefined;
  return hook === undefined ? undefined : ctx.call(hook, []);
}

export const mathModule: ModuleShim = {
  exports: [
    'pi', 'e', 'tau', 'inf', 'nan', 'sqrt', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sin', 'cos', 'tan',
    'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'pow', 'fabs', 'floor', 'ceil',
    'trunc', 'isclose', 'isfinite', 'isinf', 'isnan', 'factorial', 'gcd', 'lcm', 'hypot', 'dist', 'degrees', 'radians',
    'copysign', 'fsum', 'prod', 'erf', 'erfc', 'gamma', 'lgamma', 'comb', 'perm', 'isqrt', 'fmod', 'modf', 'frexp',
    'ldexp', 'remainder', 'cbrt', 'nextafter', 'ulp',
  ],
  create() {
    const m = new Map<string, PyValue>();
    const def = (name: string, f: NativeFn) => m.set(name, pyFunction(name, f));
    m.set('pi', Math.PI);
    m.set('e', Math.E);
    m.set('tau', 2 * Math.PI);
    m.set('inf', Infinity);
    m.set('nan', NaN);
    def('sqrt', unary((x) => (x < 0 ? NaN : Math.sqrt(x))));
    def('cbrt', unary(libm.cbrt));
    def('exp', unary(libm.exp));
    def('exp2', unary(libm.exp2));
    def('expm1', unary(libm.expm1));
    def('log2', (args, kwargs, ctx) => {
      one(args, kwargs, 'log2');
      return logOf(args[0], ctx, libm.log2);
    });
    def('log10', (args, kwargs, ctx) => {
      one(args, kwargs, 'log10');
      return logOf(args[0], ctx, libm.log10);
    });
    def('log1p', unary((x) => (x <= -1 ? NaN : libm.log1p(x))));
    def('log', (args, kwargs, ctx) => {
      if (kwargs.size) throw pyError('TypeError', 'log() takes no keyword arguments');
      if (args.length < 1 || args.length > 2) throw pyError('TypeError', `log expected 1 or 2 arguments, got ${args.length}`);
      const num = natLog(args[0], ctx);
      if (args.length === 1) return num;
      const den = natLog(args[1], ctx);
      if (den === 0) throw pyError('ZeroDivisionError', 'float division by zero');
      return num / den;
    });
    def('sin', unary(libm.sin));
    def('cos', unary(libm.cos));
    def('tan', unary(libm.tan));
    def('asin', unary(libm.asin));
    def('acos', unary(libm.acos));
    def('atan', unary(libm.atan));
    def('sinh', unary(libm.sinh));
    def('cosh', unary(libm.cosh));
    def('tanh', unary(libm.tanh));
    def('asinh', unary(libm.asinh));
    def('acosh', unary(libm.acosh));
    def('atanh', unary((x) => (Math.abs(x) >= 1 ? NaN : libm.atanh(x))));
    def('erf', unary(erf));
    def('erfc', unary(erfc));
    def('gamma', unary(gamma));
    def('lgamma', unary(lgamma));
    def('fabs', unary(Math.abs));
    def('degrees', unary((x) => x * (180 / Math.PI)));
    def('radians', unary((x) => x * (Math.PI / 180)));
    def('atan2', (args, _kw, ctx) => {
      two(args, 'atan2');
      return libm.atan2(real(args[0], ctx), real(args[1], ctx));
    });
    def('pow', (args, _kw, ctx) => {
      two(args, 'pow');
      return mathPow(real(args[0], ctx), real(args[1], ctx));
    });
    def('copysign', (args, _kw, ctx) => {
      two(args, 'copysign');
      return copysign(real(args[0], ctx), real(args[1], ctx));
    });
    def('fmod', (args, _kw, ctx) => {
      two(args, 'fmod');
      const x = real(args[0], ctx);
      const y = real(args[1], ctx);
      if (y === 0 || !Number.isFinite(x)) {
        if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
        domain();
      }
      return x % y;
    });
    def('remainder', (args, _kw, ctx) => {
      two(args, 'remainder');
      const x = real(args[0], ctx);
      const y = real(args[1], ctx);
      const r = libm.remainder(x, y);
      if (Number.isNaN(r) && !Number.isNaN(x) && !Number.isNaN(y)) domain();
      return r;
    });
    def('modf', (args, kwargs, ctx) => {
      one(args, kwargs, 'modf');
      const x = real(args[0], ctx);
      if (!Number.isFinite(x)) return tuple(Number.isNaN(x) ? [x, x] : [Math.sign(x) * 0, x]);
      const i = Math.trunc(x);
      return tuple([Object.is(x - i, 0) && x < 0 ? -0 : x - i, i]);
    });
    def('frexp', (args, kwargs, ctx) => {
      one(args, kwargs, 'frexp');
      const [mant, e] = libm.frexp(real(args[0], ctx));
      return tuple([mant, BigInt(e)]);
    });
    def('ldexp', (args, _kw, ctx) => {
      two(args, 'ldexp');
      const x = real(args[0], ctx);
      const r = libm.ldexp(x, Number(integral(args[1], ctx)));
      if (!Number.isFinite(r) && Number.isFinite(x)) range();
      return r;
    });
    def('floor', (args, kwargs, ctx) => {
      one(args, kwargs, 'floor');
      const x = args[0];
      if (typeof x === 'bigint') return x;
      const own = exactHook(x, '__floor__', ctx);
      if (own !== undefined) return own;
      return intResult(real(x, ctx), Math.floor);
    });
    def('ceil', (args, kwargs, ctx) => {
      one(args, kwargs, 'ceil');
      const x = args[0];
      if (typeof x === 'bigint') return x;
      const own = exactHook(x, '__ceil__', ctx);
      if (own !== undefined) return own;
      return intResult(real(x, ctx), Math.ceil);
    });
    def('trunc', (args, kwargs, ctx) => {
      one(args, kwargs, 'trunc');
      const x = args[0];
      if (typeof x === 'bigint') return x;
      const own = exactHook(x, '__trunc__', ctx);
      if (own !== undefined) return own;
      return intResult(real(x, ctx), Math.trunc);
    });
    def('isfinite', unaryPredicate(Number.isFinite));
    def('isinf', unaryPredicate((x) => x === Infinity || x === -Infinity));
    def('isnan', unaryPredicate(Number.isNaN));
    def('isclose', isclose);
    def('factorial', (args, kwargs, ctx) => {
      one(args, kwargs, 'factorial');
      return factorial(integral(args[0], ctx), ctx);
    });
    // A step per 64-bit word of the running result: each argument costs a division of it.
    const words = (v: bigint) => 1 + (bitLength(v) >> 6);
    def('gcd', (args, _kw, ctx) =>
      args
        .map((a) => integral(a, ctx))
        .reduce((a, b) => {
          ctx.tick(words(a));
          return gcd(a, b);
        }, 0n),
    );
    def('lcm', (args, _kw, ctx) =>
      args
        .map((a) => integral(a, ctx))
        .reduce((a, b) => {
          ctx.tick(words(a));
          if (a === 0n || b === 0n) return 0n;
          checkIntBits(bitLength(a) + bitLength(b), 'the lcm');
          const l = (a / gcd(a, b)) * b;
          return l < 0n ? -l : l;
        }, 1n),
    );
    def('isqrt', (args, kwargs, ctx) => {
      one(args, kwargs, 'isqrt');
      const n = integral(args[0], ctx);
      if (n < 0n) throw pyError('ValueError', 'isqrt() argument must be nonnegative');
      if (n < 2n) return n;
      return isqrt(n, ctx);
    });
    def('comb', (args, _kw, ctx) => {
      two(args, 'comb');
      const n = integral(args[0], ctx);
      let k = integral(args[1], ctx);
      if (n < 0n) throw pyError('ValueError', 'n must be a non-negative integer');
      if (k < 0n) throw pyError('ValueError', 'k must be a non-negative integer');
      if (k > n) return 0n;
      if (k > n - k) k = n - k;
      checkIntBits(log2Falling(n, k) - log2Falling(k, k), `comb(${n}, ${k})`);
      let r = 1n;
      for (let i = 1n; i <= k; i++) {
        ctx.tick();
        r = (r * (n - k + i)) / i;
      }
      return r;
    });
    def('perm', (args, _kw, ctx) => {
      if (args.length < 1 || args.length > 2) throw pyError('TypeError', `perm expected at most 2 arguments, got ${args.length}`);
      const n = integral(args[0], ctx);
      if (n < 0n) throw pyError('ValueError', 'n must be a non-negative integer');
      const k = args.length > 1 && args[1] !== null ? integral(args[1], ctx) : n;
      if (k < 0n) throw pyError('ValueError', 'k must be a non-negative integer');
      if (k > n) return 0n;
      checkIntBits(log2Falling(n, k), `perm(${n}, ${k})`);
      let r = 1n;
      for (let i = 0n; i < k; i++) {
        ctx.tick();
        r *= n - i;
      }
      return r;
    });
    def('hypot', (args, _kw, ctx) => {
      return norm(args.map((a) => real(a, ctx)));
    });
    def('dist', (args, _kw, ctx) => {
      two(args, 'dist');
      const p = [...iterate(args[0], ctx)].map((x) => real(x, ctx));
      const q = [...iterate(args[1], ctx)].map((x) => real(x, ctx));
      if (p.length !== q.length) throw pyError('ValueError', 'both points must have the same number of dimensions');
      return norm(p.map((x, i) => x - q[i]!));
    });
    def('fsum', (args, kwargs, ctx) => {
      one(args, kwargs, 'fsum');
      return fsum([...iterate(args[0], ctx)].map((x) => real(x, ctx)));
    });
    def('prod', (args, kwargs, ctx) => {
      const a = bindArgs('prod', ['iterable', '*', 'start?'], args, kwargs, ctx);
      let r: PyValue = a.get('start') ?? 1n;
      for (const x of iterate(a.required('iterable'), ctx)) r = binary('*', r, x, ctx);
      return r;
    });
    def('nextafter', (args, _kw, ctx) => {
      two(args, 'nextafter');
      return nextafter(real(args[0], ctx), real(args[1], ctx));
    });
    def('ulp', unary(ulp));
    return new PyModule('math', m);
  },
};

function unaryPredicate(f: (x: number) => boolean): NativeFn {
  return (args, kwargs, ctx) => {
    one(args, kwargs);
    return f(real(args[0], ctx));
  };
}

function tuple(items: PyValue[]): PyValue {
  return new PyTuple(items);
}

/** The elementwise functions that torch and jax.numpy both name alike, which `math` lifts onto. */
export type LiftedName = 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'sin' | 'cos' | 'tan' | 'tanh' | 'abs';

/** A tensor library that `math` hands its differentiable values to: which values, and its functions by name. */
export interface MathLibrary {
  /** Whether `v` is the library's (a tensor or a traced array), which `math` must not read as a float. */
  owns(v: PyValue): boolean;
  /** The library's function `name`, called on the library's values. */
  fn(name: LiftedName, ctx: HostContext): PyValue;
}

type Lift = (lib: (name: LiftedName, ...args: PyValue[]) => PyValue, args: PyValue[], ctx: HostContext) => PyValue;

const ln = (lib: (name: LiftedName, ...args: PyValue[]) => PyValue, x: PyValue) => lib('log', x);

/**
 * The `math` functions with a derivative, as the library's primitives: where HIPS autograd
 * differentiates plain Python, `math.exp(x)` of a differentiated float must be `exp` on the tape,
 * not a float read out of it. The others (floor, atan2, erf...) read their argument as a float.
 */
const LIFTS: Readonly<Record<string, Lift>> = {
  exp: (lib, [x]) => lib('exp', x),
  expm1: (lib, [x]) => lib('expm1', x),
  log1p: (lib, [x]) => lib('log1p', x),
  sqrt: (lib, [x]) => lib('sqrt', x),
  sin: (lib, [x]) => lib('sin', x),
  cos: (lib, [x]) => lib('cos', x),
  tan: (lib, [x]) => lib('tan', x),
  tanh: (lib, [x]) => lib('tanh', x),
  fabs: (lib, [x]) => lib('abs', x),
  log: (lib, [x, base], ctx) => (base === undefined ? ln(lib, x) : binary('/', ln(lib, x), typeof base === 'number' || typeof base === 'bigint' ? natLog(base, ctx) : ln(lib, base), ctx)),
  log2: (lib, [x], ctx) => binary('/', ln(lib, x), Math.LN2, ctx),
  log10: (lib, [x], ctx) => binary('/', ln(lib, x), Math.LN10, ctx),
  exp2: (_lib, [x], ctx) => binary('**', 2, x, ctx),
  pow: (_lib, [x, y], ctx) => binary('**', x, y, ctx),
  sinh: (lib, [x], ctx) => binary('/', binary('-', lib('exp', x), lib('exp', unaryOp('-', x, ctx)), ctx), 2, ctx),
  cosh: (lib, [x], ctx) => binary('/', binary('+', lib('exp', x), lib('exp', unaryOp('-', x, ctx)), ctx), 2, ctx),
  hypot: (lib, xs, ctx) => lib('sqrt', xs.map((x) => binary('*', x, x, ctx)).reduce((a, b) => binary('+', a, b, ctx))),
  degrees: (_lib, [x], ctx) => binary('*', x, 180 / Math.PI, ctx),
  radians: (_lib, [x], ctx) => binary('*', x, Math.PI / 180, ctx),
};

/**
 * `math` for plain-Python functions that Gradlens differentiates with `library`'s values standing
 * for their floats: a function in LIFTS given one of them applies the library's primitive (on the
 * tape, in the jaxpr); everything else is `math` as CPython has it.
 */
export function liftedMath(library: MathLibrary): ModuleShim {
  return {
    exports: mathModule.exports,
    create(ctx) {
      const plain = mathModule.create(ctx);
      const attrs = new Map(plain.attrs);
      for (const [name, lift] of Object.entries(LIFTS)) {
        const original = attrs.get(name)!;
        attrs.set(name, pyFunction(name, (args, kwargs, c) => {
          if (kwargs.size > 0 || !args.some((a) => library.owns(a))) return c.call(original, args, kwargs);
          return lift((fn, ...xs) => c.call(library.fn(fn, c), xs), args, c);
        }));
      }
      return new PyModule('math', attrs);
    },
  };
}
