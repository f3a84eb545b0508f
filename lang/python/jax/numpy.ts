/**
 * The functions of `jax.numpy` and of `numpy`: one table, two flavors. A jax.numpy result is a
 * jax Array (float32 by default); a numpy result is a NumPy array (float64 by default where the
 * backend stores it, float32 on wasm).
 */
import { isComplex, isInteger, type DType } from '../../../runtime/core';
import { bindArgs, type Args, opFunction, pyError, type HostContext, PyList, PyTuple, type Kwargs, type NativeFn, PyType, type PyValue, toFloat, toIndex, typeName, typeOf } from '../interpreter';
import { DTypeObject, PyArray, ScalarType, toDtype, type JaxRuntime } from './array';
import { concretizationError } from '../staging';
import * as L from './lax';

const arr = L.arrayArgument;
import { copyOf, sameKind, writeOut } from './numpy_views';
import { AXES_FUNCTIONS } from './numpy_axes';
import { linalgModule, MORE_FUNCTIONS } from './numpy_more';
import { nonzero, NONZERO_FUNCTIONS } from './numpy_nonzero';
import { ORDERING_FUNCTIONS } from './numpy_ordering';
import { NUMPY_ONLY_FUNCTIONS } from './numpy_host';
import { SEARCH_FUNCTIONS } from './numpy_search';
import { JNP_SHAPE_FUNCTIONS } from './jnp_shape_ops';
import { JNP_BITWISE_FUNCTIONS } from './bitwise';
import { dtypeInfoAttrs } from './jnp_dtypes';
import { indexTricks } from './index_tricks';
import { jaxLinspaceAt, numpyArangeAt, numpyLinspaceAt } from './ranges';
import { numpyFloat32Power, numpyFloatPower } from './numpy_libm';
import { STATISTICS_FUNCTIONS } from './numpy_statistics';
import { TUTORIAL_MATH_FUNCTIONS } from './numpy_tutorial_math';
import { JNP_ROUNDING_FUNCTIONS } from './jnp_rounding';
import { Scalar, type Val } from './values';
import { canonicalShape } from './shape_args';
import type { ScalarDType } from './numpy_scalar_types';

export type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const shapeOf = (v: PyValue, ctx: HostContext): number[] =>
  (v instanceof PyTuple || v instanceof PyList ? v.items : [v]).map((d) => Number(toIndex(d, ctx)));

/** A shape argument: jax.numpy's as lax_numpy.canonicalize_shape reads it (a scalar is the 1-tuple of it); NumPy's as its ints. */
const shapeArg = (rt: JaxRuntime, v: PyValue, ctx: HostContext, numpy: boolean): number[] =>
  (numpy ? shapeOf(v, ctx) : canonicalShape(rt, v instanceof PyTuple || v instanceof PyList ? v : new PyTuple([v]), ctx));

/** jnp.reshape's newshape, as array_methods._compute_newshape holds it (a scalar becomes a list of it). */
export const reshapeArg = (rt: JaxRuntime, v: PyValue, ctx: HostContext, numpy: boolean): number[] =>
  (numpy ? shapeOf(v, ctx) : canonicalShape(rt, v instanceof PyTuple || v instanceof PyList ? v : new PyList([v]), ctx));

function dtypeArg(rt: JaxRuntime, a: Args, dflt: DType, numpy: boolean): DType {
  const d = a.opt('dtype');
  return d === undefined ? dflt : toDtype(d, rt, numpy, a.fname);
}

const defaultFloat = (rt: JaxRuntime, numpy: boolean): DType => (numpy ? 'float64' : rt.floatDtype);

/** An argument as an array of this flavor: Python scalars and lists are converted first. */
function filled(rt: JaxRuntime, shape: readonly number[], value: number, dtype: DType, numpy: boolean): PyArray {
  return L.op(rt, () => L.wrap(rt, rt.o.full(shape, value, dtype), false, numpy).keptAsArray());
}

const unaryFn = (prim: Parameters<typeof L.unary>[1]): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(prim, ['x'], args, kwargs, ctx);
  return L.unary(rt, prim, arr(rt, a.required('x'), ctx, numpy), ctx);
};

const binaryFn = (prim: Parameters<typeof L.binary>[1]): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(prim, ['x1', 'x2'], args, kwargs, ctx);
  return L.binary(rt, prim, arr(rt, a.required('x1'), ctx, numpy), arr(rt, a.required('x2'), ctx, numpy), ctx);
};

/** An arithmetic ufunc (`np.add`): NumPy's takes `out=` (an array, or a tuple of one), which it writes the result into and returns. */
const arithmeticFn = (ufunc: string, prim: Parameters<typeof L.binary>[1]): Fn => (rt, args, kwargs, ctx, numpy) => {
  if (!numpy) return binaryFn(prim)(rt, args, kwargs, ctx, numpy);
  const a = bindArgs(ufunc, ['x1', 'x2', 'out?'], args, kwargs, ctx);
  const out = outArray(a);
  const r = L.binary(rt, prim, arr(rt, a.required('x1'), ctx, numpy), arr(rt, a.required('x2'), ctx, numpy), ctx);
  return out ? writeOut(ufunc, r, out, ctx) : r;
};

/** NumPy's `out=`: an array, or a tuple of one, that the result is written into and returned; null when not given. */
function outArray(a: Args): PyArray | null {
  const given = a.get('out');
  const out = given instanceof PyTuple && given.items.length === 1 ? given.items[0] : given;
  if (out === undefined || out === null) return null;
  if (!(out instanceof PyArray && out.numpy)) throw pyError('TypeError', 'return arrays must be of ArrayType');
  return out;
}

const divModFn = (name: string, which: '//' | '%'): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(name, ['x1', 'x2'], args, kwargs, ctx);
  return L.floorDivMod(rt, which, arr(rt, a.required('x1'), ctx, numpy), arr(rt, a.required('x2'), ctx, numpy), ctx);
};

const reductionFn = (kind: L.Reduction): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(kind, ['a', 'axis?', 'dtype?', 'out?', 'keepdims?'], args, kwargs, ctx);
  const dtype = a.opt('dtype');
  return L.reduce(rt, kind, arr(rt, a.required('a'), ctx, numpy), a.get('axis'), a.bool('keepdims', false), ctx, dtype === undefined || dtype === null ? null : toDtype(dtype, rt, numpy));
};

function arrays(rt: JaxRuntime, v: PyValue, ctx: HostContext, numpy: boolean): PyArray[] {
  if (!(v instanceof PyList || v instanceof PyTuple)) throw pyError('TypeError', `expected a sequence of arrays, got ${typeName(v)}`);
  return v.items.map((x) => arr(rt, x, ctx, numpy));
}

function concat(rt: JaxRuntime, xs: readonly PyArray[], axis: number, numpy: boolean): PyArray {
  if (xs.length === 0) throw pyError('ValueError', 'Need at least one array to concatenate.');
  const ops = xs.map((x) => ({ v: x.v as Val, weak: x.weak, numpy: x.numpy }));
  const dtype = L.resultDtype(rt, ops);
  const rank = xs[0].shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  return L.op(rt, () => L.wrap(rt, rt.o.concatenate(xs.map((x) => L.cast(rt, x.v, dtype)), ax), xs.every((x) => x.weak), numpy));
}

export const FUNCTIONS: Record<string, Fn> = {
  array: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('array', ['object', 'dtype?', 'copy?'], args, kwargs, ctx);
    const d = a.opt('dtype');
    // NB: np.array(2.0) is a 0-d ndarray (array(2.)), where np.float64(2.0) and NumPy's ops give scalars.
    return L.arrayFromData(rt, a.required('object'), d === undefined ? undefined : toDtype(d, rt, numpy, a.fname), ctx, numpy).keptAsArray();
  },
  zeros: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('zeros', ['shape', 'dtype?'], args, kwargs, ctx);
    return filled(rt, shapeArg(rt, a.required('shape'), ctx, numpy), 0, dtypeArg(rt, a, defaultFloat(rt, numpy), numpy), numpy);
  },
  ones: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('ones', ['shape', 'dtype?'], args, kwargs, ctx);
    return filled(rt, shapeArg(rt, a.required('shape'), ctx, numpy), 1, dtypeArg(rt, a, defaultFloat(rt, numpy), numpy), numpy);
  },
  full: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('full', ['shape', 'fill_value', 'dtype?'], args, kwargs, ctx);
    const fill = a.required('fill_value');
    const dflt = typeof fill === 'bigint' ? rt.intDtype(numpy) : typeof fill === 'boolean' ? 'bool' : defaultFloat(rt, numpy);
    return filled(rt, shapeArg(rt, a.required('shape'), ctx, numpy), toFloat(fill, ctx), dtypeArg(rt, a, dflt, numpy), numpy);
  },
  zeros_like: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('zeros_like', ['a', 'dtype?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    return filled(rt, x.shape, 0, dtypeArg(rt, a, x.dtype, numpy), numpy);
  },
  ones_like: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('ones_like', ['a', 'dtype?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    return filled(rt, x.shape, 1, dtypeArg(rt, a, x.dtype, numpy), numpy);
  },
  full_like: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('full_like', ['a', 'fill_value', 'dtype?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    return filled(rt, x.shape, toFloat(a.required('fill_value'), ctx), dtypeArg(rt, a, x.dtype, numpy), numpy);
  },
  arange: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('arange', ['start', 'stop?', 'step?', 'dtype?'], args, kwargs, ctx);
    const raw = [a.required('start'), a.opt('stop'), a.opt('step')];
    const ints = raw.every((v) => v === undefined || typeof v === 'bigint');
    let [start, stop, step] = raw.map((v) => (v === undefined ? undefined : toFloat(v, ctx)));
    if (stop === undefined) [start, stop] = [0, start];
    step ??= 1;
    if (step === 0) throw pyError('ZeroDivisionError', 'division by zero');
    const n = Math.max(0, Math.ceil((stop! - start!) / step));
    const d = dtypeArg(rt, a, ints ? rt.intDtype(numpy) : defaultFloat(rt, numpy), numpy);
    // JAX's arange(stop) and arange(0, stop) (no step given) are lax.iota, of ceil(stop) elements
    // (an equation under jit and make_jaxpr); with a step, a constant that NumPy computed.
    if (!numpy && start === 0 && a.opt('step') === undefined && (d === 'float32' || d === 'int32' || d === 'float64')) {
      return L.op(rt, () => L.wrap(rt, rt.o.iota(d, [n], 0), false, false));
    }
    return L.op(rt, () => new PyArray(rt, rt.generate([n], d, numpyArangeAt(start!, step!, d)), false, numpy));
  },
  linspace: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('linspace', ['start', 'stop', 'num?', 'endpoint?', 'retstep?', 'dtype?'], args, kwargs, ctx);
    const start = a.float('start');
    const stop = a.float('stop');
    const num = a.int('num', 50);
    const endpoint = a.bool('endpoint', true);
    if (num < 0) throw pyError('ValueError', `Number of samples, ${num}, must be non-negative.`);
    const dtype = dtypeArg(rt, a, defaultFloat(rt, numpy), numpy);
    const computation = dtype === 'float64' || (dtype !== 'float32' && rt.floatDtype === 'float64') ? 'float64' : 'float32';
    const at = numpy ? numpyLinspaceAt(start, stop, num, endpoint, dtype) : jaxLinspaceAt(start, stop, num, endpoint, computation);
    const samples = L.op(rt, () => new PyArray(rt, rt.generate([num], dtype, at), false, numpy));
    if (!a.bool('retstep', false)) return samples;
    // NumPy's step is a float64 scalar (NaN without one); JAX's an array of the computation dtype.
    const div = endpoint ? num - 1 : num;
    const step = numpy ? (div > 0 ? (stop - start) / div : NaN) : computation === 'float32' ? Math.fround(Math.fround(Math.fround(stop) - Math.fround(start)) / Math.fround(div)) : (stop - start) / div;
    return new PyTuple([samples, L.arrayFromData(rt, step, numpy ? 'float64' : computation, ctx, numpy)]);
  },
  eye: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('eye', ['N', 'M?', 'k?', 'dtype?'], args, kwargs, ctx);
    const n = a.int('N');
    const m = a.int('M', n);
    const k = a.int('k', 0);
    const at = (i: number) => ((i % m) - Math.floor(i / m) === k ? 1 : 0);
    return L.op(rt, () => new PyArray(rt, rt.generate([n, m], dtypeArg(rt, a, defaultFloat(rt, numpy), numpy), at), false, numpy));
  },
  sin: unaryFn('sin'), cos: unaryFn('cos'), tan: unaryFn('tan'), tanh: unaryFn('tanh'), exp: unaryFn('exp'), log: unaryFn('log'),
  log1p: unaryFn('log1p'), expm1: unaryFn('expm1'), sqrt: unaryFn('sqrt'), abs: unaryFn('abs'), absolute: unaryFn('abs'),
  sign: unaryFn('sign'), negative: unaryFn('neg'),
  // NB: numpy's cbrt is glibc's on the host (NUMPY_ONLY_FUNCTIONS); jax.numpy's is lax.cbrt, XLA's pow(|x|, 1/3).
  cbrt: unaryFn('cbrt'),
  // NB: numpy's remainder, mod, floor_divide, fmod and floor are NumPy's host functions (NUMPY_ONLY_FUNCTIONS); these are jax.numpy's.
  remainder: divModFn('remainder', '%'), mod: divModFn('mod', '%'), floor_divide: divModFn('floor_divide', '//'),
  fmod: (rt, args, kwargs, ctx) => {
    const a = bindArgs('fmod', ['x1', 'x2'], args, kwargs, ctx);
    return L.fmod(rt, arr(rt, a.required('x1'), ctx, false), arr(rt, a.required('x2'), ctx, false), ctx);
  },
  floor: (rt, args, kwargs, ctx) => L.floor(rt, arr(rt, bindArgs('floor', ['x'], args, kwargs, ctx).required('x'), ctx, false), ctx),
  square: (rt, args, kwargs, ctx, numpy) => L.power(rt, arr(rt, bindArgs('square', ['x'], args, kwargs, ctx).required('x'), ctx, numpy), 2n, ctx),
  add: arithmeticFn('add', 'add'), subtract: arithmeticFn('subtract', 'sub'), multiply: arithmeticFn('multiply', 'mul'),
  divide: arithmeticFn('divide', 'div'), true_divide: arithmeticFn('true_divide', 'div'),
  maximum: arithmeticFn('maximum', 'max'), minimum: arithmeticFn('minimum', 'min'), greater: binaryFn('gt'), greater_equal: binaryFn('ge'), less: binaryFn('lt'),
  less_equal: binaryFn('le'), equal: binaryFn('eq'), not_equal: binaryFn('ne'),
  power: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('power', ['x1', 'x2'], args, kwargs, ctx);
    const y = a.required('x2');
    if (numpy) L.refuseBooleanInt8('**', a.required('x1'), y, ctx);
    const float32 = numpy ? numpyFloat32Power(rt, a.required('x1'), y, ctx) : null;
    if (float32) return float32;
    const x = arr(rt, a.required('x1'), ctx, numpy);
    return (numpy ? numpyFloatPower(rt, x, y, ctx, false) : null) ?? L.power(rt, x, typeof y === 'bigint' ? y : arr(rt, y, ctx, numpy), ctx);
  },
  where: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('where', numpy ? ['condition', 'x?', 'y?'] : ['condition', 'x?', 'y?', '*', 'size?', 'fill_value?'], args, kwargs, ctx);
    // One argument: the indices where the condition holds (np.asarray(condition).nonzero()); jax.numpy's size= and fill_value= as nonzero's.
    if (!a.has('x') && !a.has('y')) {
      const size = a.opt('size');
      const fill = a.opt('fill_value');
      return nonzero(rt, arr(rt, a.required('condition'), ctx, numpy), ctx, numpy, size === undefined ? null : Number(toIndex(size, ctx)), fill === undefined ? 0 : Number(toIndex(fill, ctx)));
    }
    if (!a.has('x') || !a.has('y')) throw pyError('ValueError', 'either both or neither of x and y should be given');
    const [c, x, y] = [a.required('condition'), arr(rt, a.required('x'), ctx, numpy), arr(rt, a.required('y'), ctx, numpy)];
    // NB: np.where's result is an ndarray even with no axes (np.where(True, 1, 2) is array(1)).
    return numpy ? L.where(rt, c, x, y, ctx).keptAsArray() : L.jnpWhere(rt, c, x, y, ctx);
  },
  clip: (rt, args, kwargs, ctx, numpy) => {
    const a = numpy
      ? bindArgs('clip', ['a', 'a_min', 'a_max', 'out?'], args, kwargs, ctx)
      : bindArgs('clip', ['x', 'min?', 'max?', '*', 'a_min?', 'a_max?'], args, kwargs, ctx);
    let x: PyValue = arr(rt, a.required(numpy ? 'a' : 'x'), ctx, numpy);
    const lo = a.opt('min') ?? a.opt('a_min');
    const hi = a.opt('max') ?? a.opt('a_max');
    if (numpy && lo === undefined && hi === undefined) throw pyError('ValueError', 'One of max or min must be given');
    // NB: bound in JAX's order (maximum(min, arr), then minimum(max, arr)), so make_jaxpr prints `max -1.0 a` as JAX does.
    if (lo !== undefined) x = L.binary(rt, 'max', lo, x, ctx);
    if (hi !== undefined) x = L.binary(rt, 'min', hi, x, ctx);
    const out = numpy ? outArray(a) : null;
    return out ? writeOut('clip', x as PyArray, out, ctx) : x;
  },
  sum: reductionFn('sum'), mean: reductionFn('mean'), max: reductionFn('max'), min: reductionFn('min'), prod: reductionFn('prod'),
  amax: reductionFn('max'), amin: reductionFn('min'),
  argmax: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('argmax', ['a', 'axis?'], args, kwargs, ctx);
    return L.argmax(rt, arr(rt, a.required('a'), ctx, numpy), a.get('axis'), ctx);
  },
  argmin: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('argmin', ['a', 'axis?'], args, kwargs, ctx);
    return L.argmax(rt, arr(rt, a.required('a'), ctx, numpy), a.get('axis'), ctx, true);
  },
  dot: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('dot', ['a', 'b'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const y = arr(rt, a.required('b'), ctx, numpy);
    if (x.shape.length === 0 || y.shape.length === 0) return L.binary(rt, 'mul', x, y, ctx);
    return L.matmul(rt, x, y, ctx);
  },
  matmul: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('matmul', ['a', 'b'], args, kwargs, ctx);
    return L.matmul(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy), ctx);
  },
  // NB: np.copy of a scalar is a 0-d ndarray; x.copy() keeps what x is (numpy_views.ts's copyOf).
  copy: (rt, args, kwargs, ctx, numpy) => copyOf(arr(rt, bindArgs('copy', ['a'], args, kwargs, ctx).required('a'), ctx, numpy)).keptAsArray(),
  reshape: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('reshape', ['a', 'newshape?', '*', 'shape?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    return sameKind(x, L.reshape(rt, x, reshapeArg(rt, a.opt('shape') ?? a.required('newshape'), ctx, numpy)));
  },
  transpose: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('transpose', ['a', 'axes?'], args, kwargs, ctx);
    const axes = a.opt('axes');
    const x = arr(rt, a.required('a'), ctx, numpy);
    return sameKind(x, L.transpose(rt, x, axes === undefined ? undefined : shapeOf(axes, ctx)));
  },
  expand_dims: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('expand_dims', ['a', 'axis'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const rank = x.shape.length + shapeOf(a.required('axis'), ctx).length;
    const axes = shapeOf(a.required('axis'), ctx).map((d) => (d < 0 ? d + rank : d)).sort((p, q) => p - q);
    return L.op(rt, () => L.wrap(rt, rt.o.expandDims(x.v, axes), x.weak, numpy));
  },
  squeeze: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('squeeze', ['a', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const axes = a.opt('axis') === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : L.axesOf(a.get('axis'), x.shape.length, ctx);
    return L.op(rt, () => L.wrap(rt, rt.o.squeeze(x.v, axes), x.weak, numpy).keptAsArray());
  },
  concatenate: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('concatenate', ['arrays', 'axis?'], args, kwargs, ctx);
    return concat(rt, arrays(rt, a.required('arrays'), ctx, numpy), a.int('axis', 0), numpy);
  },
  stack: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('stack', ['arrays', 'axis?'], args, kwargs, ctx);
    const xs = arrays(rt, a.required('arrays'), ctx, numpy);
    const rank = (xs[0]?.shape.length ?? 0) + 1;
    let axis = a.int('axis', 0);
    if (axis < 0) axis += rank;
    const expanded = xs.map((x) => L.op(rt, () => L.wrap(rt, rt.o.expandDims(x.v, [axis]), x.weak, x.numpy)));
    return concat(rt, expanded, axis, numpy);
  },
  // NumPy's shape_base.py: each input raised to 2-D (vstack: (n,) as (1, n); column_stack: as (n, 1)) or 1-D (hstack), then joined.
  vstack: (rt, args, kwargs, ctx, numpy) => {
    const xs = arrays(rt, bindArgs('vstack', ['tup'], args, kwargs, ctx).required('tup'), ctx, numpy);
    return concat(rt, xs.map((x) => (x.shape.length >= 2 ? x : L.reshape(rt, x, [1, x.shape[0] ?? 1]))), 0, numpy);
  },
  row_stack: (rt, args, kwargs, ctx, numpy) => FUNCTIONS.vstack(rt, args, kwargs, ctx, numpy),
  hstack: (rt, args, kwargs, ctx, numpy) => {
    const xs = arrays(rt, bindArgs('hstack', ['tup'], args, kwargs, ctx).required('tup'), ctx, numpy).map((x) => (x.shape.length === 0 ? L.reshape(rt, x, [1]) : x));
    return concat(rt, xs, xs[0]?.shape.length === 1 ? 0 : 1, numpy);
  },
  column_stack: (rt, args, kwargs, ctx, numpy) => {
    const xs = arrays(rt, bindArgs('column_stack', ['tup'], args, kwargs, ctx).required('tup'), ctx, numpy);
    return concat(rt, xs.map((x) => (x.shape.length >= 2 ? x : L.reshape(rt, x, [x.shape[0] ?? 1, 1]))), 1, numpy);
  },
  identity: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('identity', ['n', 'dtype?'], args, kwargs, ctx);
    return FUNCTIONS.eye(rt, [a.required('n')], a.has('dtype') ? new Map([['dtype', a.required('dtype')]]) : new Map(), ctx, numpy);
  },
  // NB: jnp.shape and jnp.ndim are NumPy's own (np.shape): they read a nested list too.
  shape: (rt, args, _kwargs, ctx) => arr(rt, args[0], ctx, true).getattr('shape', ctx)!,
  ndim: (rt, args, _kwargs, ctx) => BigInt(arr(rt, args[0], ctx, true).shape.length),
  allclose: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('allclose', ['a', 'b', 'rtol?', 'atol?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy).values(ctx);
    const y = arr(rt, a.required('b'), ctx, numpy).values(ctx);
    const rtol = a.float('rtol', 1e-5);
    const atol = a.float('atol', 1e-8);
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const p = x[x.length === 1 ? 0 : i];
      const q = y[y.length === 1 ? 0 : i];
      if (!(Math.abs(p - q) <= atol + rtol * Math.abs(q))) return false;
    }
    return true;
  },
  ...MORE_FUNCTIONS,
  ...ORDERING_FUNCTIONS,
  ...NONZERO_FUNCTIONS,
  ...STATISTICS_FUNCTIONS,
  ...AXES_FUNCTIONS,
  ...TUTORIAL_MATH_FUNCTIONS,
  ...JNP_ROUNDING_FUNCTIONS,
};

/** NumPy's functions that read an array's shape only, which a traced array has (np.shape(x) under jit is JAX's too). */
const READS_NO_VALUES = new Set(['shape', 'ndim', 'size', 'isscalar']);

/**
 * A NumPy function cannot take a traced value: JAX's tracers refuse `__array__()`
 * (jax/_src/core.py Tracer.__array__) under every transformation, grad and vmap included, so
 * `np.asarray(x)` or `np.sin(x)` of a traced `x` raises TracerArrayConversionError rather than
 * compute a value the gradient or the batch would not see.
 */
function refuseTraced(rt: JaxRuntime, name: string, args: readonly PyValue[], ctx: HostContext): void {
  if (rt.tracesNumpyCode) return;
  for (const x of args) {
    if (x instanceof PyList || x instanceof PyTuple) refuseTraced(rt, name, x.items, ctx);
    else if (x instanceof PyArray && x.traced) {
      throw concretizationError(rt, 'numpy', ctx, () => `use jnp.${name} (NumPy's __array__() cannot take a traced array with shape ${x.dtype}[${x.shape.join(',')}])`);
    }
  }
}

/**
 * NumPy's scalar types as `numpy`'s attributes (`np.float64`, its aliases `np.float_` and `np.double`),
 * each constructing a scalar (`np.float64(0.1)`) or, from a sequence, an array of its dtype.
 */
function numpyScalarTypes(rt: JaxRuntime): Record<string, PyValue> {
  const types = rt.scalarTypes.byDtype;
  for (const [d, t] of Object.entries(types) as [ScalarDType, PyType][]) {
    t.construct = (args, _kwargs, ctx) => {
      if (args.length > 1) throw pyError('TypeError', `${t.name}() takes at most one argument`);
      refuseTraced(rt, t.name, args, ctx);
      // np.float64() is 0.0; a str is read as Python's float() and int() read it (np.bool_ of a str is its truth).
      const given = args.length ? args[0] : false;
      const value = typeof given !== 'string' ? given : d === 'bool' ? given !== '' : ctx.call(typeOf(isInteger(d) ? 0n : 0.5), [given]);
      return L.arrayFromData(rt, value, d, ctx, true);
    };
  }
  // NB: NumPy 1.24 removed the alias np.bool (np.bool_ stays).
  return {
    float64: types.float64, float32: types.float32, int64: types.int64, int32: types.int32, bool_: types.bool, float_: types.float64, double: types.float64, single: types.float32, int_: types.int64,
    int16: types.int16, int8: types.int8, uint8: types.uint8, uint16: types.uint16, uint32: types.uint32, uint64: types.uint64,
    short: types.int16, byte: types.int8, ubyte: types.uint8, ushort: types.uint16, uintc: types.uint32, uint: types.uint64, ulonglong: types.uint64,
  };
}

/** The module attributes of `jax.numpy` (numpy = false) or `numpy` (numpy = true). */
export function numpyAttrs(rt: JaxRuntime, numpy: boolean): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = {};
  // NB: numpy's and jax.numpy's functions keep none of their arguments (a view keeps what it
  // needs): ops, whose temporary arguments go when the statement ends, and whose own temporaries
  // go when they return.
  for (const [name, f] of Object.entries(numpy ? { ...FUNCTIONS, ...NUMPY_ONLY_FUNCTIONS } : { ...FUNCTIONS, ...SEARCH_FUNCTIONS, ...JNP_SHAPE_FUNCTIONS, ...JNP_BITWISE_FUNCTIONS })) {
    const call: NativeFn = (args, kwargs, ctx) => {
      if (numpy && !READS_NO_VALUES.has(name)) refuseTraced(rt, name, [...args, ...kwargs.values()], ctx);
      const outer = rt.jnpCall;
      if (!numpy && outer === null) rt.jnpCall = { name, args, kwargs };
      let out: PyValue;
      try {
        out = numpy ? rt.onHost(() => f(rt, args, kwargs, ctx, numpy)) : f(rt, args, kwargs, ctx, numpy);
      } finally {
        rt.jnpCall = outer;
      }
      // A function of either module returns its own module's array type (NumPy's shim has no complex dtype).
      if (numpy && out instanceof PyArray && isComplex(out.dtype)) throw L.complexLeaves(out.dtype);
      return out instanceof PyArray && out.numpy !== numpy ? new PyArray(rt, out.v, out.weak, numpy) : out;
    };
    attrs[name] = opFunction(name, (args, kwargs, ctx) => rt.withTemporaries(() => call(args, kwargs, ctx)));
  }
  attrs.asarray = opFunction('asarray', (args, kwargs, ctx) => {
    if (numpy) refuseTraced(rt, 'asarray', [...args, ...kwargs.values()], ctx);
    return rt.withTemporaries(() => FUNCTIONS.array(rt, args, kwargs, ctx, numpy));
  });
  attrs.linalg = linalgModule(rt, numpy);
  // `made` is the dtype an instance gets, asked at each call: without x64 (jax.config may turn it on
  // after import), JAX makes float32, int32 and complex64 where the 64-bit ones are asked for.
  const scalarType = (d: DType, made: () => DType = () => d) => new ScalarType(d, (args, _kwargs, ctx) => {
    if (args.length !== 1) throw pyError('TypeError', `${d}() takes one argument`);
    return L.arrayFromData(rt, args[0], made(), ctx, false);
  });
  if (numpy) Object.assign(attrs, numpyScalarTypes(rt));
  else {
    for (const d of ['float32', 'int32', 'bool'] as const) attrs[d === 'bool' ? 'bool_' : d] = scalarType(d);
    attrs.float64 = scalarType('float64', () => rt.floatDtype);
    attrs.int64 = scalarType('int64', () => rt.intDtype(false));
  }
  // jax.random's bits and key data, and the image and quantization dtypes.
  if (!numpy) for (const d of ['uint32', 'uint8', 'int8', 'int16', 'uint16'] as const) attrs[d] = scalarType(d);
  // NumPy's shim has no complex dtype.
  if (!numpy) for (const d of ['complex64', 'complex128'] as const) attrs[d] = scalarType(d, () => (d === 'complex128' && !rt.x64 ? 'complex64' : d));
  attrs.dtype = DTypeObject.type;
  Object.assign(attrs, dtypeInfoAttrs(rt));
  attrs.pi = Math.PI;
  attrs.e = Math.E;
  attrs.inf = Infinity;
  attrs.nan = NaN;
  // `x[:, jnp.newaxis]`: an alias of None, as in NumPy.
  attrs.newaxis = null;
  Object.assign(attrs, indexTricks(rt, attrs, numpy));
  attrs.ndarray = numpy ? PyArray.prototype.pyType : PyArray.prototype.pyType;
  void Scalar;
  return attrs;
}
