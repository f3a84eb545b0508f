/**
 * `var`, `std`, `any` and `all`, as functions and array methods, computed as NumPy 1.24's
 * numpy/core/_methods.py computes them (and jax.numpy's reductions.py, the same formula): the
 * mean as a sum over the count, the squared deviations' sum over `count - ddof`, the square root
 * of that; `any`/`all` as the largest/smallest of `x != 0`.
 */
import { isComplex, isFloat } from '../../../runtime/core';
import { type Args, bindArgs, complexRefusal, type HostContext, type Kwargs, PyComplex, PyList, pyError, PyTuple, type PyValue, typeName } from '../interpreter';
import { PyArray, type ArrayMethod, type JaxRuntime } from './array';
import * as L from './lax';
import { Scalar } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

function arr(rt: JaxRuntime, x: PyValue, ctx: HostContext, numpy: boolean): PyArray {
  if (x instanceof PyArray) return x;
  if (numpy) return L.arrayArgument(rt, x, ctx, numpy);
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyList || x instanceof PyTuple) return L.arrayFromData(rt, x, undefined, ctx, numpy);
  if (x instanceof PyComplex) complexRefusal(ctx);
  throw pyError('TypeError', `expected an array, got ${typeName(x)}`);
}

const KEYWORDS = ['axis?', 'dtype?', 'out?', 'ddof?', 'keepdims?'];

function refuseOut(a: Args, name: string): void {
  if (a.opt('out') !== undefined) throw pyError('NotImplementedError', `${name}(..., out=...) is not supported by Gradlens: assign the result instead`);
  if (a.opt('dtype') !== undefined) throw pyError('NotImplementedError', `${name}(..., dtype=...) is not supported by Gradlens: convert the input with .astype(dtype) first`);
}

/** The variance (or its square root) over `axis`, divided by `count - ddof` (NaN where that is not positive, as NumPy warns). */
function spread(rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, ddof: number, keepdims: boolean, root: boolean, ctx: HostContext): PyArray {
  // NB: a complex variance is the mean of |x - mean|^2 (real); the squares below would be complex.
  if (isComplex(x.dtype)) throw pyError('NotImplementedError', `${root ? 'std' : 'var'} of a complex array is not supported by Gradlens yet; take jnp.mean(jnp.abs(x - x.mean()) ** 2)`);
  return L.op(rt, () => {
    const shape = x.shape;
    const axes = L.axesOf(axis, shape.length, ctx);
    const count = axes.reduce((p, a) => p * shape[a]!, 1);
    const dtype = isFloat(x.dtype) ? x.dtype : x.numpy ? 'float64' : rt.floatDtype;
    const v = L.cast(rt, x.v, dtype);
    const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    // NB: a NumPy array's sums go in NumPy's order (L.hostSum), so its last digit is NumPy's.
    const sum = (t: typeof v) => L.hostSum(rt, t, shape, x.numpy, axes) ?? rt.o.bind('reduce_sum', [t], { axes });
    const mean = rt.o.reshape(rt.o.div(sum(v), new Scalar(count, dtype)), kept);
    const centered = rt.o.sub(v, rt.o.broadcastTo(mean, shape));
    const squares = sum(rt.o.mul(centered, centered));
    let out = rt.o.div(squares, new Scalar(Math.max(count - ddof, 0), dtype));
    if (root) out = rt.o.bind('sqrt', [out], {});
    if (keepdims) out = rt.o.reshape(out, kept);
    return L.wrap(rt, out, x.weak, x.numpy);
  });
}

/** `any`/`all`: whether some/every value along `axis` is nonzero, a boolean array. */
function truth(rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, keepdims: boolean, every: boolean, ctx: HostContext): PyArray {
  const nonzero = L.binary(rt, 'ne', x, 0, ctx);
  try {
    // NB: an empty reduction is False for any and True for all, as NumPy's identities are.
    if (nonzero.shape.some((d) => d === 0)) {
      const axes = L.axesOf(axis, nonzero.shape.length, ctx);
      if (axes.some((a) => nonzero.shape[a] === 0)) {
        const shape = nonzero.shape.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
        return L.op(rt, () => L.wrap(rt, rt.o.full(shape, every ? 1 : 0, 'bool'), false, x.numpy));
      }
    }
    return L.reduce(rt, every ? 'min' : 'max', nonzero, axis, keepdims, ctx);
  } finally {
    nonzero.discard();
  }
}

const spreadFn = (name: string, root: boolean): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(name, ['a', ...KEYWORDS], args, kwargs, ctx);
  refuseOut(a, name);
  return spread(rt, arr(rt, a.required('a'), ctx, numpy), a.get('axis'), a.float('ddof', 0), a.bool('keepdims', false), root, ctx);
};

const truthFn = (name: string, every: boolean): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(name, ['a', 'axis?', 'out?', 'keepdims?'], args, kwargs, ctx);
  refuseOut(a, name);
  return truth(rt, arr(rt, a.required('a'), ctx, numpy), a.get('axis'), a.bool('keepdims', false), every, ctx);
};

export const STATISTICS_FUNCTIONS: Readonly<Record<string, Fn>> = {
  var: spreadFn('var', false),
  std: spreadFn('std', true),
  any: truthFn('any', false),
  all: truthFn('all', true),
};

const spreadMethod = (name: string, root: boolean): ArrayMethod => (self, args, kwargs, ctx) => {
  const a = bindArgs(name, KEYWORDS, args, kwargs, ctx);
  refuseOut(a, name);
  return spread(self.rt, self, a.get('axis'), a.float('ddof', 0), a.bool('keepdims', false), root, ctx);
};

const truthMethod = (name: string, every: boolean): ArrayMethod => (self, args, kwargs, ctx) => {
  const a = bindArgs(name, ['axis?', 'out?', 'keepdims?'], args, kwargs, ctx);
  refuseOut(a, name);
  return truth(self.rt, self, a.get('axis'), a.bool('keepdims', false), every, ctx);
};

export const STATISTICS_ARRAY_METHODS: Readonly<Record<string, ArrayMethod>> = {
  var: spreadMethod('var', false),
  std: spreadMethod('std', true),
  any: truthMethod('any', false),
  all: truthMethod('all', true),
};
