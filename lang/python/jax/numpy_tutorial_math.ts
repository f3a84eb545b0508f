/**
 * Small NumPy functions the tutorials reach for, as NumPy 1.24 computes them and as jax.numpy does
 * (jax/_src/numpy/ufuncs.py, reductions.py, linalg.py): `reciprocal`, `degrees`/`radians` (one
 * multiplication by NumPy's constant: float32's is 180f/(float)pi, rounded in float32, where JAX
 * rounds 180/pi), `ptp`, `average` (numpy/lib/function_base.py: weights, `returned`), `inner`,
 * `cross` (numeric.py's component formulas), `empty`/`empty_like` (zeros: NumPy leaves them
 * unspecified). Made of the runtime's primitives, except NumPy's integer reciprocal (C's 1.0/x
 * truncated into the integer).
 */
import { isFloat, isInexact, isInteger, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue, toIndex } from '../interpreter';
import { PyArray, toDtype, type JaxRuntime } from './array';
import * as L from './lax';
import { moveAxes, oneAxis } from './numpy_axes';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = L.arrayArgument;

/** The float dtype of a float ufunc: a float array keeps its own; others become NumPy's float64 or JAX's default float. */
const inexact = (rt: JaxRuntime, x: PyArray, numpy: boolean): DType => (isInexact(x.dtype) ? x.dtype : numpy ? 'float64' : rt.floatDtype);

const asFloat = (rt: JaxRuntime, x: PyArray, numpy: boolean): PyArray => {
  const d = inexact(rt, x, numpy);
  return d === x.dtype ? x : L.op(rt, () => L.wrap(rt, L.cast(rt, x.v, d), x.weak, numpy));
};

/** x times NumPy's (or JAX's) conversion constant for its dtype. */
const angle = (name: string, toDegrees: boolean): Fn => (rt, args, kwargs, ctx, numpy) => {
  if (kwargs.has('out')) throw pyError('NotImplementedError', `numpy.${name}(..., out=...) is not supported by Gradlens: assign the result instead`);
  const x = asFloat(rt, arr(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx, numpy), numpy);
  const single = numpy && x.dtype === 'float32';
  const pi = single ? Math.fround(Math.PI) : Math.PI;
  const c = toDegrees ? 180 / pi : pi / 180;
  return L.binary(rt, 'mul', x, single ? Math.fround(c) : c, ctx);
};

const shapeOf = (v: PyValue, ctx: HostContext): number[] =>
  (v instanceof PyTuple || v instanceof PyList ? v.items : [v]).map((d) => Number(toIndex(d, ctx)));

/** NumPy's and JAX's `empty`: zeros (NumPy's values are whatever memory held; zeros are one such). */
function zeros(rt: JaxRuntime, shape: readonly number[], dtype: DType, numpy: boolean): PyArray {
  return L.op(rt, () => L.wrap(rt, rt.o.full(shape, 0, dtype), false, numpy));
}

const shapeText = (s: readonly number[]) => `(${s.join(',')}${s.length === 1 ? ',' : ''})`;

/** a . b over the last axis of each (NumPy's inner; a scalar operand multiplies). */
function inner(rt: JaxRuntime, x: PyArray, y: PyArray, ctx: HostContext): PyArray {
  if (x.shape.length === 0 || y.shape.length === 0) return L.binary(rt, 'mul', x, y, ctx);
  const n = x.shape[x.shape.length - 1]!;
  const m = y.shape[y.shape.length - 1]!;
  if (n !== m) throw pyError('ValueError', `shapes ${shapeText(x.shape)} and ${shapeText(y.shape)} not aligned: ${n} (dim ${x.shape.length - 1}) != ${m} (dim ${y.shape.length - 1})`);
  // NB: a matrix and a vector (or two vectors) as np.dot's path takes them, so the sums agree with np.dot's.
  if (y.shape.length === 1) return L.matmul(rt, x, y, ctx);
  if (x.shape.length <= 2 && y.shape.length === 2) return L.matmul(rt, x, L.transpose(rt, y), ctx);
  const ops = [x, y].map((t) => ({ v: t.v, weak: t.weak, numpy: t.numpy }));
  const d = L.resultDtype(rt, ops);
  return L.op(rt, () => L.wrap(rt, rt.o.dotGeneral(L.cast(rt, x.v, d), L.cast(rt, y.v, d), {
    lhsContracting: [x.shape.length - 1], rhsContracting: [y.shape.length - 1], lhsBatch: [], rhsBatch: [],
  }), x.weak && y.weak, x.numpy && y.numpy));
}

/** Component k of the last axis, that axis dropped. */
function component(rt: JaxRuntime, x: PyArray, k: number): PyArray {
  const last = x.shape.length - 1;
  return L.op(rt, () => L.wrap(rt, rt.o.reshape(rt.o.slice(x.v, x.shape.map((_, d) => (d === last ? k : 0)), x.shape.map((s, d) => (d === last ? k + 1 : s))), x.shape.slice(0, last)), x.weak, x.numpy));
}

function cross(rt: JaxRuntime, a0: PyArray, b0: PyArray, axes: { a: PyValue; b: PyValue; c: PyValue }, ctx: HostContext, numpy: boolean): PyArray {
  const a = moveAxes(rt, a0, oneAxisValue(axes.a, a0.shape.length, ctx, 'axisa'), -1n, ctx);
  const b = moveAxes(rt, b0, oneAxisValue(axes.b, b0.shape.length, ctx, 'axisb'), -1n, ctx);
  const na = a.shape[a.shape.length - 1];
  const nb = b.shape[b.shape.length - 1];
  if ((na !== 2 && na !== 3) || (nb !== 2 && nb !== 3)) {
    throw pyError('ValueError', numpy ? 'incompatible dimensions for cross product\n(dimension must be 2 or 3)' : 'Dimension must be either 2 or 3 for cross product');
  }
  const mul = (p: PyArray, q: PyArray) => L.binary(rt, 'mul', p, q, ctx);
  const sub = (p: PyArray, q: PyArray) => L.binary(rt, 'sub', p, q, ctx);
  const neg = (p: PyArray) => L.unary(rt, 'neg', p, ctx);
  const [x0, x1] = [component(rt, a, 0), component(rt, a, 1)];
  const [y0, y1] = [component(rt, b, 0), component(rt, b, 1)];
  const z = sub(mul(x0, y1), mul(x1, y0));
  if (na === 2 && nb === 2) return z;
  // numeric.py's cases: a missing third component is 0, so its products drop out.
  let cp0: PyArray;
  let cp1: PyArray;
  if (!numpy || (na === 3 && nb === 3)) {
    // JAX's cross: a missing third component is zeros_like, and the full formulas apply (0 - 0 is +0 where NumPy's negative gives -0).
    const zero = (p: PyArray) => L.op(rt, () => L.wrap(rt, rt.o.full(p.shape, 0, p.dtype), p.weak, p.numpy));
    const [x2, y2] = [na === 3 ? component(rt, a, 2) : zero(x0), nb === 3 ? component(rt, b, 2) : zero(y0)];
    cp0 = sub(mul(x1, y2), mul(x2, y1));
    cp1 = sub(mul(x2, y0), mul(x0, y2));
  } else if (na === 2) {
    const y2 = component(rt, b, 2);
    cp0 = mul(x1, y2);
    cp1 = neg(mul(x0, y2));
  } else {
    const x2 = component(rt, a, 2);
    cp0 = neg(mul(x2, y1));
    cp1 = mul(x2, y0);
  }
  const parts = [cp0, cp1, z];
  const shape = z.shape;
  const stacked = L.op(rt, () => L.wrap(rt, rt.o.concatenate(parts.map((p) => rt.o.reshape(L.cast(rt, p.v, z.dtype), [...shape, 1])), shape.length), z.weak, z.numpy));
  const c = oneAxis(axes.c, shape.length + 1, ctx, 'axisc');
  return c === shape.length ? stacked : moveAxes(rt, stacked, -1n, BigInt(c), ctx);
}

const oneAxisValue = (v: PyValue, rank: number, ctx: HostContext, prefix: string): bigint => BigInt(oneAxis(v, rank, ctx, prefix));

/** numpy/lib/function_base.py's average (jnp.average's twin). */
function average(rt: JaxRuntime, x: PyArray, axis: PyValue, weights: PyValue, returned: boolean, keepdims: boolean, ctx: HostContext, numpy: boolean): PyValue {
  const axisArg = axis === null ? undefined : axis;
  let avg: PyArray;
  let scl: PyArray;
  if (weights === null) {
    avg = L.reduce(rt, 'mean', x, axisArg, keepdims, ctx);
    const count = (x.shape.reduce((p, d) => p * d, 1)) / Math.max(1, avg.shape.reduce((p, d) => p * d, 1));
    scl = L.op(rt, () => L.wrap(rt, rt.o.full(avg.shape, count, avg.dtype), false, numpy));
    return returned ? new PyTuple([avg, scl]) : avg;
  }
  let w = arr(rt, weights, ctx, numpy);
  const ops = [x, w].map((t) => ({ v: t.v, weak: false, numpy }));
  let d = L.resultDtype(rt, ops);
  if (!isFloat(d)) d = numpy ? 'float64' : rt.floatDtype;
  const same = x.shape.length === w.shape.length && x.shape.every((s, i) => s === w.shape[i]);
  if (!same) {
    if (axis === null) throw pyError('TypeError', 'Axis must be specified when shapes of a and weights differ.');
    if (w.shape.length !== 1) throw pyError('TypeError', '1D weights expected when shapes of a and weights differ.');
    const ax = oneAxis(axis, x.shape.length, ctx);
    if (w.shape[0] !== x.shape[ax]) throw pyError('ValueError', 'Length of weights not compatible with specified axis.');
    w = L.reshaped(rt, w, x.shape.map((s, i) => (i === ax ? s : 1)));
  }
  const cast = (t: PyArray) => L.op(rt, () => L.wrap(rt, L.cast(rt, t.v, d), false, numpy));
  const wd = cast(w);
  scl = L.reduce(rt, 'sum', wd, axisArg, keepdims, ctx);
  if (numpy && Array.from(scl.values(ctx, 'numpy')).some((v) => v === 0)) throw pyError('ZeroDivisionError', "Weights sum to zero, can't be normalized");
  avg = L.binary(rt, 'div', L.reduce(rt, 'sum', L.binary(rt, 'mul', cast(x), wd, ctx), axisArg, keepdims, ctx), scl, ctx);
  if (!returned) return avg;
  if (scl.shape.length !== avg.shape.length || scl.shape.some((s, i) => s !== avg.shape[i])) {
    scl = L.op(rt, () => L.wrap(rt, rt.o.broadcastTo(scl.v, avg.shape), false, numpy));
  }
  return new PyTuple([avg, scl]);
}

/** NumPy's reciprocal of integers: C's `1.0/x` converted back (x86 makes 1/0 the lowest int64). */
function intReciprocal(rt: JaxRuntime, x: PyArray, ctx: HostContext): PyArray {
  const values = x.values(ctx, 'numpy');
  return L.op(rt, () => new PyArray(rt, rt.generate(x.shape, x.dtype, (i) => (values[i] === 0 ? -(2 ** 63) : Math.trunc(1 / values[i]!))), false, true));
}

export const TUTORIAL_MATH_FUNCTIONS: Readonly<Record<string, Fn>> = {
  reciprocal: (rt, args, kwargs, ctx, numpy) => {
    if (kwargs.has('out')) throw pyError('NotImplementedError', 'numpy.reciprocal(..., out=...) is not supported by Gradlens: assign the result instead');
    const x = arr(rt, bindArgs('reciprocal', ['x'], args, kwargs, ctx).required('x'), ctx, numpy);
    if (numpy && (isInteger(x.dtype) || x.dtype === 'bool')) return intReciprocal(rt, x, ctx);
    // JAX's reciprocal is integer_pow(x, -1) of x made inexact; NumPy's 1.0/x: one rounding either way.
    const f = asFloat(rt, x, numpy);
    return L.op(rt, () => L.wrap(rt, rt.o.integerPow(f.v, -1), f.weak, numpy));
  },
  degrees: angle('degrees', true),
  rad2deg: angle('rad2deg', true),
  radians: angle('radians', false),
  deg2rad: angle('deg2rad', false),
  ptp: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('ptp', ['a', 'axis?', 'out?', 'keepdims?'], args, kwargs, ctx);
    if (a.opt('out') !== undefined && a.opt('out') !== null) throw pyError('NotImplementedError', 'numpy.ptp(..., out=...) is not supported by Gradlens: assign the result instead');
    const x = arr(rt, a.required('a'), ctx, numpy);
    const keep = a.bool('keepdims', false);
    if (numpy && x.dtype === 'bool') throw pyError('TypeError', 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
    return L.binary(rt, 'sub', L.reduce(rt, 'max', x, a.get('axis'), keep, ctx), L.reduce(rt, 'min', x, a.get('axis'), keep, ctx), ctx);
  },
  average: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('average', ['a', 'axis?', 'weights?', 'returned?', '*', 'keepdims?'], args, kwargs, ctx);
    return average(rt, arr(rt, a.required('a'), ctx, numpy), a.opt('axis') ?? null, a.opt('weights') ?? null, a.bool('returned', false), a.bool('keepdims', false), ctx, numpy);
  },
  inner: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('inner', ['a', 'b'], args, kwargs, ctx);
    return inner(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy), ctx);
  },
  cross: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('cross', ['a', 'b', 'axisa?', 'axisb?', 'axisc?', 'axis?'], args, kwargs, ctx);
    const axis = a.opt('axis');
    const pick = (k: string) => (axis !== undefined && axis !== null ? axis : a.opt(k) ?? -1n);
    return cross(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy), { a: pick('axisa'), b: pick('axisb'), c: pick('axisc') }, ctx, numpy);
  },
  empty: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('empty', ['shape', 'dtype?', 'order?'], args, kwargs, ctx);
    const d = a.opt('dtype');
    return zeros(rt, shapeOf(a.required('shape'), ctx), d === undefined || d === null ? (numpy ? 'float64' : rt.floatDtype) : toDtype(d, rt, numpy, a.fname), numpy);
  },
  empty_like: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('empty_like', ['prototype', 'dtype?', 'order?', 'subok?', 'shape?'], args, kwargs, ctx);
    const x = arr(rt, a.required('prototype'), ctx, numpy);
    const d = a.opt('dtype');
    const shape = a.opt('shape');
    return zeros(rt, shape === undefined || shape === null ? x.shape : shapeOf(shape, ctx), d === undefined || d === null ? x.dtype : toDtype(d, rt, numpy, a.fname), numpy);
  },
};
