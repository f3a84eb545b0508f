/**
 * NumPy's float64 ufuncs that call the C library: `log2`, `log10`, `exp2`, `arcsin`, `arccos`,
 * `arctan`, `sinh`, `cosh`, `arcsinh`, `arccosh`, `arctanh`, `cbrt`, `arctan2`, `hypot`, and `power`
 * with NumPy's fast paths for `**`. Computed on the host with glibc's algorithms (runtime/core/libm), so
 * every float64 value is the one NumPy 1.24 prints on a CPU without AVX-512 (where it calls glibc;
 * with AVX-512 it runs its own SIMD code, which differs in the last bit for 10-30% of arguments),
 * and `tanh`, for which NumPy runs its own SIMD code on nearly every CPU.
 *
 * float32 arrays, as NumPy computes them on x86-64 with AVX2 and FMA3 (most users' machines; with
 * AVX-512 NumPy runs Intel's SVML for the libm functions, whose last bits differ for 3-35% of
 * arguments): `exp`, `log`, `sin`, `cos` and `tanh` with NumPy's own float32 SIMD kernels (the
 * same bits with AVX-512), the others with glibc's float functions (tanf, log2f, powf, ...), bit
 * for bit; `arctan2` and `hypot` compute in float64 and round.
 * NumPy arrays only: jax.numpy keeps its refusal, since under jit these would need primitives the engine lacks.
 */
import { broadcastShapes, libm, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { isTracer } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, true);

function refuseOut(kwargs: Kwargs, name: string): void {
  for (const k of ['out', 'where']) {
    if (kwargs.has(k)) throw pyError('NotImplementedError', `numpy.${name}(..., ${k}=...) is not supported by Gradlens: assign the result instead`);
  }
}

/**
 * NumPy's float ufuncs take a bool array through their float16 loop (np.sin(mask) is float16), a
 * dtype Gradlens's NumPy lacks: refused, naming the conversion, rather than printed as float64.
 */
function refuseBool(name: string, xs: readonly PyArray[]): void {
  // NB: any other operand, a Python float or int too, makes it float64 (its kind is above bool's).
  if (xs.every((x) => x.dtype === 'bool')) {
    const what = xs.length > 1 ? 'bool arrays' : 'a bool array';
    throw pyError('NotImplementedError', `numpy.${name} of ${what} is float16 in NumPy, a dtype Gradlens does not support: convert with .astype(np.float32) first`);
  }
}

/** The dtype of a float ufunc's result: float32 stays, every other dtype computes in float64 (NumPy's loop for ints). */
const floatOf = (dtypes: readonly DType[]): DType => (dtypes.every((d) => d === 'float32') ? 'float32' : 'float64');

type Kernel = (x: number) => number;

/** f of each value on the host; a float32 array takes `float32` where NumPy has a float32 kernel of its own (else f, rounded). */
function hostUnary(rt: JaxRuntime, x: PyArray, f: Kernel, ctx: HostContext, float32: Kernel = f): PyArray {
  // NB: a concrete array's values are read in place (peek), not copied: generate reads each once, before anything can free them.
  const values = isTracer(x.v) ? x.values(ctx, 'numpy') : rt.peek(x.v);
  const dtype = floatOf([x.dtype]);
  const kernel = dtype === 'float32' ? float32 : f;
  return L.op(rt, () => new PyArray(rt, rt.generate(x.shape, dtype, (i) => kernel(values[i]!)), false, true));
}

const unaryFn = (name: string, f: Kernel, float32?: Kernel): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const x = arr(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);
  refuseBool(name, [x]);
  return hostUnary(rt, x, f, ctx, float32);
};

/** The values of an array of `shape` read at each position of the broadcast `to` (size-1 and missing axes repeat). */
function broadcastValues(values: ArrayLike<number>, shape: readonly number[], to: readonly number[]): (i: number) => number {
  if (shape.length === to.length && shape.every((d, k) => d === to[k])) return (i) => values[i]!;
  const offset = to.length - shape.length;
  const strides = to.map(() => 0);
  for (let k = shape.length - 1, step = 1; k >= 0; step *= shape[k]!, k--) strides[k + offset] = shape[k] === 1 ? 0 : step;
  return (i) => {
    let at = 0;
    for (let k = to.length - 1; k >= 0; k--) {
      const d = to[k]!;
      at += (i % d) * strides[k]!;
      i = Math.floor(i / d);
    }
    return values[at]!;
  };
}

type BinaryKernel = (x: number, y: number) => number;

/** The dtype of a binary float ufunc's result: a Python scalar beside a float32 array keeps float32, as NumPy's value-based casting does. */
function binaryFloatOf(x: PyArray, y: PyArray): DType {
  const dtypes = [x, y].filter((v) => !v.weak).map((v) => v.dtype);
  return floatOf(dtypes.length ? dtypes : [x.dtype, y.dtype]);
}

/** f of each broadcast pair on the host, the result of `dtype`. */
function hostBinary(rt: JaxRuntime, x: PyArray, y: PyArray, dtype: DType, f: BinaryKernel, ctx: HostContext): PyArray {
  const shape = broadcastShapes(x.shape, y.shape);
  const shown = (s: readonly number[]) => `(${s.join(',')}${s.length === 1 ? ',' : ''})`;
  if (!shape) throw pyError('ValueError', `operands could not be broadcast together with shapes ${shown(x.shape)} ${shown(y.shape)} `);
  const p = broadcastValues(x.values(ctx, 'numpy'), x.shape, shape);
  const q = broadcastValues(y.values(ctx, 'numpy'), y.shape, shape);
  return L.op(rt, () => new PyArray(rt, rt.generate(shape, dtype, (i) => f(p(i), q(i))), false, true));
}

const binaryFn = (name: string, f: BinaryKernel): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const a = bindArgs(name, ['x1', 'x2'], args, kwargs, ctx);
  const x = arr(rt, a.required('x1'), ctx);
  const y = arr(rt, a.required('x2'), ctx);
  refuseBool(name, [x, y]);
  return hostBinary(rt, x, y, binaryFloatOf(x, y), f, ctx);
};

/** The float32 kernels NumPy runs where the engine's primitive computes in float64 and rounds: its own SIMD code, glibc's float functions. */
const FLOAT32_KERNELS = {
  exp: libm.numpyExpf, log: libm.numpyLogf, sin: libm.numpySinf, cos: libm.numpyCosf, tanh: libm.numpyTanhf,
  expm1: libm.glibcExpm1f, log1p: libm.glibcLog1pf, tan: libm.glibcTanf,
} as const;

/**
 * `name` as the engine's primitive computes it, except a NumPy float32 array's where NumPy has a
 * float32 kernel of its own, and float64's tanh (NumPy's SIMD polynomial).
 */
const primitiveFn = (name: keyof typeof FLOAT32_KERNELS | 'sqrt'): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const x = arr(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);
  refuseBool(name, [x]);
  if (x.traced) return L.unary(rt, name, x, ctx);
  if (x.dtype === 'float32' && name in FLOAT32_KERNELS) return hostUnary(rt, x, FLOAT32_KERNELS[name as keyof typeof FLOAT32_KERNELS], ctx);
  // NB: NumPy's own SIMD tanh (runtime/core/libm/numpy_tanh.ts) for float64 values.
  if (name === 'tanh' && floatOf([x.dtype]) === 'float64') return hostUnary(rt, x, libm.numpyTanh, ctx);
  return L.unary(rt, name, x, ctx);
};

export const LIBM_FUNCTIONS: Readonly<Record<string, Fn>> = {
  ...Object.fromEntries(Object.keys(FLOAT32_KERNELS).map((name) => [name, primitiveFn(name as keyof typeof FLOAT32_KERNELS)])),
  sqrt: primitiveFn('sqrt'),
  log2: unaryFn('log2', libm.log2, libm.glibcLog2f),
  log10: unaryFn('log10', libm.log10, libm.glibcLog10f),
  exp2: unaryFn('exp2', libm.exp2, libm.glibcExp2f),
  arcsin: unaryFn('arcsin', libm.asin, libm.glibcAsinf),
  arccos: unaryFn('arccos', libm.acos, libm.glibcAcosf),
  arctan: unaryFn('arctan', libm.atan, libm.glibcAtanf),
  cbrt: unaryFn('cbrt', libm.cbrt, libm.glibcCbrtf),
  sinh: unaryFn('sinh', libm.sinh, libm.glibcSinhf),
  cosh: unaryFn('cosh', libm.cosh, libm.glibcCoshf),
  arcsinh: unaryFn('arcsinh', libm.asinh, libm.glibcAsinhf),
  arccosh: unaryFn('arccosh', libm.acosh, libm.glibcAcoshf),
  arctanh: unaryFn('arctanh', libm.atanh, libm.glibcAtanhf),
  arctan2: binaryFn('arctan2', libm.atan2),
  hypot: binaryFn('hypot', libm.hypot),
};

/** NumPy's `**` takes these exponents (a Python or NumPy scalar) by a faster ufunc than pow: x*x, sqrt, 1/x, a copy, ones. */
const FAST_EXPONENTS = new Set([2, 0.5, -1, 1, 0]);

/**
 * `x ** y` (`operator`) or `np.power(x, y)` where x is a float64 or float32 NumPy array, as NumPy
 * computes it: glibc's pow (powf for a float32 result) for every element, except that `**` with a
 * scalar exponent 2, 0.5, -1, 1 or 0 uses square, sqrt, reciprocal, a copy or ones (NumPy's
 * fast_scalar_power); `np.power` always calls pow. (x**3 is pow(x, 3), not x*x*x: they differ in
 * the last bit for a quarter of arguments.) Null where the general rules apply (other dtypes; a
 * float64 array's array exponent, which is pow's anyway).
 */
export function numpyFloatPower(rt: JaxRuntime, x: PyArray, y: PyValue, ctx: HostContext, operator: boolean): PyArray | null {
  if (!x.numpy || x.traced || (x.dtype !== 'float64' && x.dtype !== 'float32')) return null;
  const scalar = typeof y === 'bigint' || typeof y === 'number' ? Number(y) : y instanceof PyArray && y.numpy && y.shape.length === 0 && !y.traced ? y.values(ctx, 'numpy')[0]! : null;
  if (operator && scalar !== null && FAST_EXPONENTS.has(scalar)) return scalar === 0.5 ? L.unary(rt, 'sqrt', x, ctx) : L.power(rt, x, BigInt(scalar), ctx);
  if (x.dtype === 'float32') return numpyFloat32Power(rt, x, y, ctx);
  return scalar === null ? null : L.binary(rt, 'pow', x, scalar, ctx);
}

/**
 * `a ** b` or `np.power(a, b)` of a float32 NumPy array and another or a Python scalar (float32 in
 * NumPy, by value-based casting; Python floats taken to float32): glibc's powf of each pair, as
 * NumPy calls it. Null for other operands.
 */
export function numpyFloat32Power(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext): PyArray | null {
  const float32Array = (v: PyValue) => v instanceof PyArray && v.numpy && !v.traced && v.dtype === 'float32';
  const operand = (v: PyValue) => float32Array(v) || typeof v === 'number' || typeof v === 'bigint';
  if (!(float32Array(a) || float32Array(b)) || !operand(a) || !operand(b)) return null;
  const fround = Math.fround;
  return hostBinary(rt, arr(rt, a, ctx), arr(rt, b, ctx), 'float32', (x, y) => libm.glibcPowf(fround(x), fround(y)), ctx);
}
