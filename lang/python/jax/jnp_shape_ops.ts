/**
 * jax.numpy's flips, rotations, triangles, differences, appends, broadcasts, logical functions and
 * array equality, each as JAX's jax/_src/numpy code builds it from lax primitives (rev, slice, sub,
 * concatenate, broadcast_in_dim, iota, select), so they trace, differentiate and batch. numpy's own
 * are host functions (numpy_elementwise.ts).
 */
import { broadcastShapes } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue, toIndex } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { STATISTICS_FUNCTIONS } from './numpy_statistics';
import { Scalar, type Val } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, false);
const pyShape = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

function axisOf(axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw pyError('ValueError', `axis ${axis} is out of bounds for array of dimension ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** lax.rev over `axes` (JAX's _flip). */
function flip(rt: JaxRuntime, x: PyArray, axes: readonly number[]): PyArray {
  return L.op(rt, () => L.wrap(rt, rt.o.rev(x.v, axes), x.weak, false));
}

/** `x[..., 1:, ...]` or `x[..., :-1, ...]` along `axis`: one lax.slice. */
function sliceAlong(rt: JaxRuntime, v: Val, axis: number, start: number, stop: number): Val {
  return rt.o.slice(v, v.shape.map((_, k) => (k === axis ? start : 0)), v.shape.map((d, k) => (k === axis ? stop : d)));
}

/** jnp.tri's mask (lax._tri): row + k >= column, from two broadcasted iotas. */
function lowerMask(rt: JaxRuntime, rows: number, cols: number, k: number): Val {
  const i = rt.o.iota('int32', [rows, cols], 0);
  const j = rt.o.iota('int32', [rows, cols], 1);
  return rt.o.ge(rt.o.add(i, new Scalar(k, 'int32')), j);
}

/** tril keeps what the mask holds, triu (the mask at k - 1) what it does not: lax.select, so NaN elsewhere never leaks. */
const triangle = (name: 'tril' | 'triu'): Fn => (rt, args, kwargs, ctx) => {
  const a = bindArgs(name, ['m', 'k?'], args, kwargs, ctx);
  const x = arr(rt, a.required('m'), ctx);
  const nd = x.shape.length;
  if (nd < 2) throw pyError('ValueError', `Argument to jax.numpy.${name} must be at least 2D`);
  const k = a.int('k', 0);
  return L.op(rt, () => {
    const mask = rt.o.broadcastInDim(lowerMask(rt, x.shape[nd - 2]!, x.shape[nd - 1]!, name === 'tril' ? k : k - 1), x.shape, [nd - 2, nd - 1]);
    const zeros = rt.o.zerosLike(x.v);
    return L.wrap(rt, name === 'tril' ? rt.o.select(mask, x.v, zeros) : rt.o.select(mask, zeros, x.v), x.weak, false);
  });
};

/** A value that is not bool as `x != 0` (JAX's _logical_op). */
function broadcastTo(rt: JaxRuntime, x: PyArray, shape: readonly number[]): PyArray {
  const fits = shape.length >= x.shape.length && x.shape.every((d, i) => d === 1 || d === shape[shape.length - x.shape.length + i]);
  if (!fits) throw pyError('ValueError', `Incompatible shapes for broadcasting: ${pyShape(x.shape)} and requested shape ${pyShape(shape)}`);
  return L.op(rt, () => L.wrap(rt, rt.o.broadcastTo(x.v, shape), x.weak, false));
}

function broadcastArrays(rt: JaxRuntime, xs: readonly PyArray[]): PyArray[] {
  const shape = broadcastShapes(...xs.map((x) => x.shape));
  if (!shape) throw pyError('ValueError', `Incompatible shapes for broadcasting: shapes=[${xs.map((x) => pyShape(x.shape)).join(', ')}]`);
  return xs.map((x) => broadcastTo(rt, x, shape));
}

function concatenate(rt: JaxRuntime, xs: readonly PyArray[], axis: number): PyArray {
  const dtype = L.resultDtype(rt, xs.map((x) => ({ v: x.v, weak: x.weak, numpy: false })));
  return L.op(rt, () => L.wrap(rt, rt.o.concatenate(xs.map((x) => L.cast(rt, x.v, dtype)), axis), xs.every((x) => x.weak), false));
}

const ravel = (rt: JaxRuntime, x: PyArray) => L.reshape(rt, x, [-1]);

function allTrue(rt: JaxRuntime, x: PyArray, ctx: HostContext): PyValue {
  return STATISTICS_FUNCTIONS.all!(rt, [x], new Map(), ctx, false);
}

const sameShape = (p: readonly number[], q: readonly number[]) => p.length === q.length && p.every((d, i) => d === q[i]);

export const JNP_SHAPE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  flip: (rt, args, kwargs, ctx) => {
    const a = bindArgs('flip', ['m', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('m'), ctx);
    return flip(rt, x, L.axesOf(a.get('axis'), x.shape.length, ctx));
  },
  fliplr: (rt, args, kwargs, ctx) => {
    const x = arr(rt, bindArgs('fliplr', ['m'], args, kwargs, ctx).required('m'), ctx);
    return flip(rt, x, [axisOf(1, x.shape.length)]);
  },
  flipud: (rt, args, kwargs, ctx) => {
    const x = arr(rt, bindArgs('flipud', ['m'], args, kwargs, ctx).required('m'), ctx);
    return flip(rt, x, [axisOf(0, x.shape.length)]);
  },
  // JAX's rot90: k % 4 quarter turns from axes[0] towards axes[1], as flips and one transpose.
  rot90: (rt, args, kwargs, ctx) => {
    const a = bindArgs('rot90', ['m', 'k?', 'axes?'], args, kwargs, ctx);
    const x = arr(rt, a.required('m'), ctx);
    const given = a.opt('axes');
    const pair = given instanceof PyTuple || given instanceof PyList ? given.items.map((v) => Number(toIndex(v, ctx))) : [0, 1];
    if (pair.length !== 2) throw pyError('ValueError', `len(axes) must be 2, got ${pair.length}`);
    const [ax1, ax2] = pair.map((d) => axisOf(d!, x.shape.length)) as [number, number];
    if (ax1 === ax2) throw pyError('ValueError', 'Axes must be different');
    const k = ((a.int('k', 1) % 4) + 4) % 4;
    if (k === 0) return x;
    if (k === 2) return flip(rt, flip(rt, x, [ax1]), [ax2]);
    const perm = [...x.shape.keys()];
    [perm[ax1], perm[ax2]] = [perm[ax2]!, perm[ax1]!];
    return k === 1 ? L.transpose(rt, flip(rt, x, [ax2]), perm) : flip(rt, L.transpose(rt, x, perm), [ax2]);
  },
  tril: triangle('tril'),
  triu: triangle('triu'),
  // JAX's diff: n times x[1:] - x[:-1] along the axis (!= for bool), after prepend/append are joined on.
  diff: (rt, args, kwargs, ctx) => {
    const a = bindArgs('diff', ['a', 'n?', 'axis?', 'prepend?', 'append?'], args, kwargs, ctx);
    let x = arr(rt, a.required('a'), ctx);
    const n = a.int('n', 1);
    if (n < 0) throw pyError('ValueError', `order must be non-negative but got ${n}`);
    if (n === 0) return x;
    if (x.shape.length === 0) throw pyError('ValueError', `diff requires input that is at least one dimensional; got ${x.repr(ctx)}`);
    const axis = axisOf(a.int('axis', -1), x.shape.length);
    const edge = (v: PyValue) => {
      const e = arr(rt, v, ctx);
      return e.shape.length === 0 ? broadcastTo(rt, e, x.shape.map((d, k) => (k === axis ? 1 : d))) : e;
    };
    const before = a.opt('prepend');
    const after = a.opt('append');
    const parts = [...(before === undefined || before === null ? [] : [edge(before)]), x, ...(after === undefined || after === null ? [] : [edge(after)])];
    if (parts.length > 1) x = concatenate(rt, parts, axis);
    for (let i = 0; i < n; i++) {
      const cur = x;
      const len = cur.shape[axis]!;
      const hi = L.op(rt, () => L.wrap(rt, sliceAlong(rt, cur.v, axis, Math.min(1, len), len), cur.weak, false));
      const lo = L.op(rt, () => L.wrap(rt, sliceAlong(rt, cur.v, axis, 0, Math.max(len - 1, 0)), cur.weak, false));
      x = L.binary(rt, cur.dtype === 'bool' ? 'ne' : 'sub', hi, lo, ctx);
    }
    return x;
  },
  ediff1d: (rt, args, kwargs, ctx) => {
    const a = bindArgs('ediff1d', ['ary', 'to_end?', 'to_begin?'], args, kwargs, ctx);
    const x = ravel(rt, arr(rt, a.required('ary'), ctx));
    const len = x.shape[0]!;
    const hi = L.op(rt, () => L.wrap(rt, sliceAlong(rt, x.v, 0, Math.min(1, len), len), x.weak, false));
    const lo = L.op(rt, () => L.wrap(rt, sliceAlong(rt, x.v, 0, 0, Math.max(len - 1, 0)), x.weak, false));
    const d = L.binary(rt, 'sub', hi, lo, ctx);
    const begin = a.opt('to_begin');
    const end = a.opt('to_end');
    const parts = [...(begin === undefined || begin === null ? [] : [ravel(rt, arr(rt, begin, ctx))]), d, ...(end === undefined || end === null ? [] : [ravel(rt, arr(rt, end, ctx))])];
    return parts.length === 1 ? d : concatenate(rt, parts, 0);
  },
  append: (rt, args, kwargs, ctx) => {
    const a = bindArgs('append', ['arr', 'values', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('arr'), ctx);
    const v = arr(rt, a.required('values'), ctx);
    const axis = a.opt('axis');
    if (axis === undefined || axis === null) return concatenate(rt, [ravel(rt, x), ravel(rt, v)], 0);
    if (x.shape.length !== v.shape.length) {
      throw pyError('TypeError', `Cannot concatenate arrays with different numbers of dimensions: got ${pyShape(x.shape)}, ${pyShape(v.shape)}.`);
    }
    return concatenate(rt, [x, v], axisOf(Number(toIndex(axis, ctx)), x.shape.length));
  },
  broadcast_to: (rt, args, kwargs, ctx) => {
    const a = bindArgs('broadcast_to', ['array', 'shape'], args, kwargs, ctx);
    const s = a.required('shape');
    const shape = (s instanceof PyTuple || s instanceof PyList ? s.items : [s]).map((d) => Number(toIndex(d, ctx)));
    return broadcastTo(rt, arr(rt, a.required('array'), ctx), shape);
  },
  // NB: JAX returns a list (jax/_src/numpy/util.py _broadcast_arrays).
  broadcast_arrays: (rt, args, _kwargs, ctx) => new PyList(broadcastArrays(rt, args.map((x) => arr(rt, x, ctx)))),
  // JAX's array_equal: False for different shapes, else all(a1 == a2) as a bool Array (NaN equal to NaN with equal_nan).
  array_equal: (rt, args, kwargs, ctx) => {
    const a = bindArgs('array_equal', ['a1', 'a2', 'equal_nan?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a1'), ctx);
    const y = arr(rt, a.required('a2'), ctx);
    if (!sameShape(x.shape, y.shape)) return false;
    let eq = L.binary(rt, 'eq', x, y, ctx);
    if (a.bool('equal_nan', false)) eq = L.where(rt, eq, true, L.where(rt, L.binary(rt, 'ne', x, x, ctx), L.binary(rt, 'ne', y, y, ctx), false, ctx), ctx);
    return allTrue(rt, eq, ctx);
  },
  // JAX's array_equiv: False where the shapes do not broadcast, else all(a1 == a2).
  array_equiv: (rt, args, kwargs, ctx) => {
    const a = bindArgs('array_equiv', ['a1', 'a2'], args, kwargs, ctx);
    const x = arr(rt, a.required('a1'), ctx);
    const y = arr(rt, a.required('a2'), ctx);
    if (!broadcastShapes(x.shape, y.shape)) return false;
    return allTrue(rt, L.binary(rt, 'eq', x, y, ctx), ctx);
  },
};
