/**
 * Cumulative reductions, sorting and the special functions of `jax.numpy`/`numpy`, `jax.lax` and
 * `jax.scipy.special`, over the runtime's cumulative, sort and argsort primitives.
 * NB: every sort here is stable. NumPy's default `kind='quicksort'` is introsort, stable only
 * through its insertion sort (rows of 16 or fewer): `np.argsort` of longer rows with ties may
 * order the tied positions differently there (the sorted values never differ).
 */
import { isFloat, isInexact, type DType } from '../../../runtime/core';
import { scatterAlongAxis, takeAlongAxis } from '../../../runtime/ops';
import type { CumulativePrimitive } from '../../../runtime/primitives';
import { bindArgs, complexRefusal, PyComplex, pyError, pyFunction, type HostContext, PyList, PyTuple, type Kwargs, type PyValue, toIndex, typeName } from '../interpreter';
import { PyArray, toDtype, type ArrayMethod, type JaxRuntime } from './array';
import * as L from './lax';
import type { Val } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

function arr(rt: JaxRuntime, x: PyValue, ctx: HostContext, numpy: boolean): PyArray {
  if (x instanceof PyArray) return x;
  if (numpy) return L.arrayArgument(rt, x, ctx, numpy);
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyList || x instanceof PyTuple) return L.arrayFromData(rt, x, undefined, ctx, numpy);
  if (x instanceof PyComplex) complexRefusal(ctx);
  throw pyError('TypeError', `expected an array, got ${typeName(x)}`);
}

/** An axis of a rank-`rank` array, NumPy's error when it is not one. */
function axisOf(v: PyValue | undefined, rank: number, ctx: HostContext, dflt: number): number {
  const a = v === undefined || v === null ? dflt : Number(toIndex(v, ctx));
  if (a < -rank || a >= rank) throw pyError('ValueError', `axis ${a} is out of bounds for array of dimension ${rank}`);
  return a < 0 ? a + rank : a;
}

/** `x`'s value, flattened when `axis` is None (NumPy's axis=None), with the axis to work along. */
function alongAxis(rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, ctx: HostContext, flattenWhenNone: boolean, dflt = -1): { v: Val; axis: number } {
  if ((axis === undefined || axis === null) && flattenWhenNone) return { v: rt.o.reshape(x.v, [x.shape.reduce((p, d) => p * d, 1)]), axis: 0 };
  if (x.shape.length === 0) return { v: rt.o.reshape(x.v, [1]), axis: 0 };
  return { v: x.v, axis: axisOf(axis, x.shape.length, ctx, dflt) };
}

/** The stable ascending (or descending) order along `axis`, int32. */
function order(rt: JaxRuntime, v: Val, axis: number, descending: boolean): Val {
  const input = v.dtype === 'bool' ? rt.o.convert(v, 'int32') : v;
  return rt.o.bind('argsort', [input], { dimension: axis, descending, indexDtype: 'int32' });
}

function sorted(rt: JaxRuntime, v: Val, axis: number, descending: boolean): Val {
  if (v.dtype !== 'bool') return rt.o.bind('sort', [v], { dimension: axis, descending });
  return rt.o.convert(rt.o.bind('sort', [rt.o.convert(v, 'int32')], { dimension: axis, descending }), 'bool');
}

/** The dtype of a cumulative sum or product: a sum's (lax.ts accumulator) unless one is asked for. */
function accumulatorDtype(rt: JaxRuntime, d: DType, requested: PyValue | undefined, numpy: boolean): DType {
  if (requested !== undefined && requested !== null) return toDtype(requested, rt, numpy);
  return L.accumulator(rt, d, numpy);
}

function cumulative(rt: JaxRuntime, prim: CumulativePrimitive, x: PyArray, axis: PyValue | undefined, dtype: PyValue | undefined, ctx: HostContext, nanAs: number | null = null): PyArray {
  return L.op(rt, () => {
    const { v, axis: ax } = alongAxis(rt, x, axis, ctx, true);
    let input = L.cast(rt, v, prim === 'cumsum' || prim === 'cumprod' ? accumulatorDtype(rt, v.dtype, dtype, x.numpy) : v.dtype);
    if (nanAs !== null && isFloat(input.dtype)) input = rt.o.select(rt.o.ne(input, input), rt.o.full(input.shape, nanAs, input.dtype), input);
    return L.wrap(rt, rt.o.bind(prim, [input], { axis: ax, reverse: false }), false, x.numpy);
  });
}

const cumulativeFn = (name: string, prim: CumulativePrimitive, nanAs: number | null = null): Fn => (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs(name, ['a', 'axis?', 'dtype?', 'out?'], args, kwargs, ctx);
  return cumulative(rt, prim, arr(rt, a.required('a'), ctx, numpy), a.get('axis'), a.get('dtype'), ctx, nanAs);
};

function sortFn(argsort: boolean): Fn {
  const name = argsort ? 'argsort' : 'sort';
  return (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs(name, ['a', 'axis?', 'kind?', 'order?', '*', 'stable?', 'descending?'], args, kwargs, ctx);
    if (a.opt('order') !== undefined) throw pyError('NotImplementedError', `${name}(order=...) sorts structured arrays, which Gradlens does not have`);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const axis = a.has('axis') ? a.get('axis') : -1n;
    return sortArray(rt, x, axis, argsort, a.bool('descending', false), ctx);
  };
}

function sortArray(rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, argsort: boolean, descending: boolean, ctx: HostContext): PyArray {
  return L.op(rt, () => {
    const { v, axis: ax } = alongAxis(rt, x, axis, ctx, true);
    const out = argsort ? L.cast(rt, order(rt, v, ax, descending), rt.intDtype(x.numpy)) : sorted(rt, v, ax, descending);
    const shaped = x.shape.length === 0 && !(axis === undefined || axis === null) ? rt.o.reshape(out, []) : out;
    return L.wrap(rt, shaped, false, x.numpy);
  });
}

/** The permutation that sorts by `keys` along `axis`, the first key most significant: stable sorts from the least significant key up. */
function lexOrder(rt: JaxRuntime, keys: readonly Val[], axis: number): Val {
  let perm = order(rt, keys[keys.length - 1], axis, false);
  for (let k = keys.length - 2; k >= 0; k--) {
    perm = takeAlongAxis(rt.o, perm, order(rt, takeAlongAxis(rt.o, keys[k], perm, axis), axis, false), axis);
  }
  return perm;
}

function arrayList(rt: JaxRuntime, v: PyValue, ctx: HostContext, numpy: boolean): PyArray[] {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map((x) => arr(rt, x, ctx, numpy));
  const x = arr(rt, v, ctx, numpy);
  if (x.shape.length === 0) throw pyError('TypeError', 'need sequence of keys with len > 0 in lexsort');
  return Array.from({ length: x.shape[0] }, (_, i) => L.getIndex(rt, x, BigInt(i), ctx));
}

export const ORDERING_FUNCTIONS: Record<string, Fn> = {
  cumsum: cumulativeFn('cumsum', 'cumsum'),
  cumprod: cumulativeFn('cumprod', 'cumprod'),
  nancumsum: cumulativeFn('nancumsum', 'cumsum', 0),
  nancumprod: cumulativeFn('nancumprod', 'cumprod', 1),
  sort: sortFn(false),
  argsort: sortFn(true),
  lexsort: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('lexsort', ['keys', 'axis?'], args, kwargs, ctx);
    const keys = arrayList(rt, a.required('keys'), ctx, numpy);
    if (keys.length === 0) throw pyError('TypeError', 'need sequence of keys with len > 0 in lexsort');
    const shape = keys[0].shape;
    if (keys.some((k) => k.shape.join() !== shape.join())) throw pyError('ValueError', 'all keys need to be the same shape');
    return L.op(rt, () => {
      const axis = axisOf(a.get('axis'), Math.max(shape.length, 1), ctx, -1);
      // NB: NumPy's last key is the primary one.
      const perm = lexOrder(rt, [...keys].reverse().map((k) => (shape.length === 0 ? rt.o.reshape(k.v, [1]) : k.v)), axis);
      return L.wrap(rt, L.cast(rt, perm, rt.intDtype(numpy)), false, numpy);
    });
  },
  partition: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('partition', ['a', 'kth', 'axis?'], args, kwargs, ctx);
    // NB: NumPy's order within each side is its introselect's; JAX's (reproduced here) is determinate.
    if (numpy) throw pyError('NotImplementedError', "numpy.partition's order within each side is introselect's, which Gradlens does not reproduce; use np.sort, or jnp.partition");
    const x = arr(rt, a.required('a'), ctx, numpy);
    return L.op(rt, () => {
      const { v, axis } = alongAxis(rt, x, a.get('axis'), ctx, false);
      const n = v.shape[axis];
      const kth = Number(toIndex(a.required('kth'), ctx));
      const k = kth < 0 ? kth + n : kth;
      if (k < 0 || k >= n) throw pyError('ValueError', `kth(=${kth}) out of bounds (${n})`);
      const o = rt.o;
      const head = (t: Val, m: number) => o.slice(t, t.shape.map(() => 0), t.shape.map((d, i) => (i === axis ? m : d)));
      // JAX's: the k+1 smallest in order (lax.top_k of -a), then the others in their order.
      const bottom = head(order(rt, v, axis, false), k + 1);
      // The others: a stable sort of 0 at the bottom's positions and 1 elsewhere puts them last, in order.
      const marks = o.sub(o.full(v.shape, 1, 'float32'), scatterAlongAxis(o, o.full(bottom.shape, 1, 'float32'), bottom, axis, v.shape));
      const rest = o.slice(order(rt, marks, axis, false), v.shape.map((_, i) => (i === axis ? k + 1 : 0)), [...v.shape]);
      return L.wrap(rt, o.concatenate([takeAlongAxis(o, v, bottom, axis), takeAlongAxis(o, v, rest, axis)], axis), false, numpy);
    });
  },
};


const CUMULATIVE_LAX = ['cumsum', 'cumprod', 'cummax', 'cummin', 'cumlogsumexp'] as const;

/** `jax.lax`'s cumulative reductions, sort, sort_key_val, top_k, erf and erf_inv. */
export function orderingLaxAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = {};
  for (const prim of CUMULATIVE_LAX) {
    attrs[prim] = pyFunction(prim, (args, kwargs, ctx) => {
      const a = bindArgs(prim, ['operand', 'axis?', 'reverse?'], args, kwargs, ctx);
      const x = L.asArray(rt, a.required('operand'), ctx);
      return L.op(rt, () => {
        const axis = axisOf(a.get('axis'), x.shape.length, ctx, 0);
        if (x.dtype === 'bool' || (prim === 'cumlogsumexp' && !isFloat(x.dtype))) throw pyError('TypeError', `${prim} does not accept dtype ${x.dtype === 'bool' ? 'bool' : 'int32'}.`);
        return L.wrap(rt, rt.o.bind(prim, [x.v], { axis, reverse: a.bool('reverse', false) }), x.weak, x.numpy);
      });
    });
  }
  const sortOperands = (operands: readonly PyArray[], dimension: PyValue | undefined, numKeys: number, ctx: HostContext): PyValue => {
    const shape = operands[0].shape;
    if (operands.some((x) => x.shape.join() !== shape.join())) throw pyError('TypeError', 'sort operands must all have the same shape');
    if (numKeys < 1 || numKeys > operands.length) throw pyError('ValueError', `num_keys=${numKeys} must be between 1 and the number of operands (${operands.length})`);
    const axis = axisOf(dimension, shape.length, ctx, -1);
    if (operands.length === 1) return L.op(rt, () => L.wrap(rt, sorted(rt, operands[0].v, axis, false), false, operands[0].numpy));
    const outs = operands.map((x, i) => L.op(rt, () => {
      const perm = lexOrder(rt, operands.slice(0, numKeys).map((k) => k.v), axis);
      return L.wrap(rt, takeAlongAxis(rt.o, x.v, perm, axis), false, operands[i].numpy);
    }));
    return new PyTuple(outs);
  };
  attrs.sort = pyFunction('sort', (args, kwargs, ctx) => {
    const a = bindArgs('sort', ['operand', 'dimension?', 'is_stable?', 'num_keys?'], args, kwargs, ctx);
    const operand = a.required('operand');
    const many = operand instanceof PyTuple || operand instanceof PyList;
    const operands = many ? operand.items.map((x) => L.asArray(rt, x, ctx)) : [L.asArray(rt, operand, ctx)];
    const out = sortOperands(operands, a.get('dimension'), a.int('num_keys', 1), ctx);
    return many && !(out instanceof PyTuple) ? new PyTuple([out]) : out;
  });
  attrs.sort_key_val = pyFunction('sort_key_val', (args, kwargs, ctx) => {
    const a = bindArgs('sort_key_val', ['keys', 'values', 'dimension?', 'is_stable?'], args, kwargs, ctx);
    return sortOperands([L.asArray(rt, a.required('keys'), ctx), L.asArray(rt, a.required('values'), ctx)], a.get('dimension'), 1, ctx);
  });
  // JAX's top_k: along the last axis, the larger first, equal values by position.
  attrs.top_k = pyFunction('top_k', (args, kwargs, ctx) => {
    const a = bindArgs('top_k', ['operand', 'k'], args, kwargs, ctx);
    const x = L.asArray(rt, a.required('operand'), ctx);
    const k = a.int('k');
    if (x.shape.length === 0) throw pyError('TypeError', 'top_k operand must have >= 1 dimension, got ()');
    const axis = x.shape.length - 1;
    if (k < 0 || k > x.shape[axis]) throw pyError('ValueError', `k argument to top_k must be nonnegative and at most the size of the last axis, got ${k}`);
    const idx = L.op(rt, () => {
      const full = order(rt, x.v, axis, true);
      return L.wrap(rt, rt.o.slice(full, full.shape.map(() => 0), full.shape.map((d, i) => (i === axis ? k : d))), false, x.numpy);
    });
    const values = L.op(rt, () => L.wrap(rt, takeAlongAxis(rt.o, x.v, idx.v, axis), false, x.numpy));
    return new PyTuple([values, idx]);
  });
  Object.assign(attrs, specialFunctions(rt, 'erf_inv'));
  return attrs;
}

/** erf and its inverse (`erfinv` in jax.scipy.special, `erf_inv` in jax.lax). */
export function specialFunctions(rt: JaxRuntime, inverseName: 'erfinv' | 'erf_inv'): Record<string, PyValue> {
  const special = (name: string, prim: 'erf' | 'erfinv') => pyFunction(name, (args, kwargs, ctx) => {
    const x = L.asArray(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);
    return L.op(rt, () => L.wrap(rt, rt.o.bind(prim, [isInexact(x.dtype) ? x.v : L.cast(rt, x.v, rt.floatDtype)], {}), x.weak, x.numpy));
  });
  return { erf: special('erf', 'erf'), [inverseName]: special(inverseName, 'erfinv') };
}

/** The arrays' methods: `x.cumsum()`, `x.cumprod()`, `x.sort()`, `x.argsort()`. */
export const ORDERING_ARRAY_METHODS: Readonly<Record<string, ArrayMethod>> = {
  cumsum: (self, args, kwargs, ctx) => {
    const a = bindArgs('cumsum', ['axis?', 'dtype?', 'out?'], args, kwargs, ctx);
    return cumulative(self.rt, 'cumsum', self, a.get('axis'), a.get('dtype'), ctx);
  },
  cumprod: (self, args, kwargs, ctx) => {
    const a = bindArgs('cumprod', ['axis?', 'dtype?', 'out?'], args, kwargs, ctx);
    return cumulative(self.rt, 'cumprod', self, a.get('axis'), a.get('dtype'), ctx);
  },
  sort: (self, args, kwargs, ctx) => {
    const a = bindArgs('sort', ['axis?', 'kind?', 'order?', '*', 'stable?', 'descending?'], args, kwargs, ctx);
    if (self.numpy) throw pyError('NotImplementedError', 'ndarray.sort() (an in-place sort) is not supported by Gradlens; use a = np.sort(a)');
    return sortArray(self.rt, self, a.has('axis') ? a.get('axis') : -1n, false, a.bool('descending', false), ctx);
  },
  argsort: (self, args, kwargs, ctx) => {
    const a = bindArgs('argsort', ['axis?', 'kind?', 'order?', '*', 'stable?', 'descending?'], args, kwargs, ctx);
    return sortArray(self.rt, self, a.has('axis') ? a.get('axis') : -1n, true, a.bool('descending', false), ctx);
  },
};
