/**
 * `jax.lax`'s slicing, broadcasting, conversion, iota and reduce functions (JAX's lax/slicing.py
 * and lax/lax.py), over the runtime's primitives: static slices are JAX's `slice`, dynamic ones its
 * dynamic_slice and dynamic_update_slice (starts clamped into the operand, as XLA does).
 */
import { isFloat, isInteger, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, pyError, PyList, pyFunction, PyTuple, type PyValue, toFloat, toIndex, typeName } from '../interpreter';
import { PyArray, toDtype, type JaxRuntime } from './array';
import { normalizedStart, type Start } from './index_slicing';
import * as L from './lax';
import { isTracer } from './values';

const pyShape = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

function ints(v: PyValue, ctx: HostContext): number[] {
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map((d) => Number(toIndex(d, ctx)));
  throw pyError('TypeError', `expected a tuple of ints, got ${typeName(v)}`);
}

/** A start index: a Python int, or an array (traced or not) as an int32 one. */
function startIndex(rt: JaxRuntime, v: PyValue, ctx: HostContext): Start {
  if (v instanceof PyArray) {
    if (!isInteger(v.dtype)) throw pyError('TypeError', `index arguments to dynamic_slice must be integers of the same type, got: ${v.dtype}`);
    if (v.shape.length !== 0) throw pyError('TypeError', `dynamic_slice: each start index must be a scalar, got shape ${pyShape(v.shape)}`);
    return { kind: 'array', v: L.cast(rt, v.v, 'int32'), weak: v.weak };
  }
  return { kind: 'int', value: Number(toIndex(v, ctx)) };
}

/**
 * The start of a *_in_dim function on its other axes: lax._const(index, 0), a Python int beside a
 * Python int index, a NumPy constant beside an array.
 */
function otherAxisStart(index: Start): Start {
  return { kind: index.kind === 'int' ? 'int' : 'numpy', value: 0 };
}

/** The start indices of a dynamic slice, one per axis. */
function startIndices(rt: JaxRuntime, v: PyValue, rank: number, what: string, ctx: HostContext): Start[] {
  const items = v instanceof PyArray && v.shape.length === 1
    ? Array.from({ length: v.shape[0]! }, (_, i) => L.getIndex(rt, v, BigInt(i), ctx))
    : v instanceof PyTuple || v instanceof PyList ? v.items : (() => { throw pyError('TypeError', `${what} must be a sequence of ints, got ${typeName(v)}`); })();
  if (items.length !== rank) {
    throw pyError('TypeError', `Length of ${what} must match number of dimensions of operand, got ${items.length} and ${rank}`);
  }
  return items.map((s) => startIndex(rt, s, ctx));
}

function dynamicSlice(rt: JaxRuntime, x: PyArray, starts: readonly Start[], sizes: readonly number[]): PyArray {
  const rank = x.shape.length;
  if (sizes.length !== rank) throw pyError('TypeError', `dynamic_slice slice_sizes must have the same length as the shape of the operand, got ${pyShape(sizes)} for operand shape ${pyShape(x.shape)}`);
  sizes.forEach((s, d) => {
    if (s < 0 || s > x.shape[d]!) throw pyError('TypeError', `slice slice_sizes must be less than or equal to operand shape, got slice_sizes ${pyShape(sizes)} for operand shape ${pyShape(x.shape)}.`);
  });
  return L.op(rt, () => {
    const normalized = starts.map((s, d) => normalizedStart(rt, s, x.shape[d]!));
    return L.wrap(rt, rt.o.bind('dynamic_slice', [x.v, ...normalized], { sliceSizes: sizes }), x.weak, false);
  });
}

function dynamicUpdateSlice(rt: JaxRuntime, x: PyArray, update: PyArray, starts: readonly Start[]): PyArray {
  const rank = x.shape.length;
  if (update.shape.length !== rank) {
    throw pyError('TypeError', `dynamic_update_slice update must have the same rank as operand, got ${pyShape(update.shape)} and ${pyShape(x.shape)}.`);
  }
  if (update.dtype !== x.dtype) {
    throw pyError('TypeError', `dynamic_update_slice update and operand dtypes must match, got ${update.dtype} and ${x.dtype}.`);
  }
  update.shape.forEach((u, d) => {
    if (u > x.shape[d]!) throw pyError('TypeError', `dynamic_update_slice update shape must be smaller than operand shape, got update shape ${pyShape(update.shape)} for operand shape ${pyShape(x.shape)}.`);
  });
  return L.op(rt, () => {
    const normalized = starts.map((s, d) => normalizedStart(rt, s, x.shape[d]!));
    return L.wrap(rt, rt.o.bind('dynamic_update_slice', [x.v, update.v, ...normalized], {}), x.weak, false);
  });
}

/** lax.reduce's monoids (JAX's _get_monoid_reducer): the op, and the identity init_value it needs. */
function reducer(computation: PyValue, lax: Readonly<Record<string, PyValue>>, jnp: Readonly<Record<string, PyValue>>): 'sum' | 'prod' | 'max' | 'min' | null {
  if (computation === lax.add || computation === jnp.add) return 'sum';
  if (computation === lax.mul || computation === jnp.multiply) return 'prod';
  if (computation === lax.max || computation === jnp.maximum) return 'max';
  if (computation === lax.min || computation === jnp.minimum) return 'min';
  return null;
}

function identity(kind: 'sum' | 'prod' | 'max' | 'min', dtype: DType): number {
  if (kind === 'sum') return 0;
  if (kind === 'prod') return 1;
  const big = isFloat(dtype) ? Infinity : dtype === 'int32' ? 2 ** 31 : 2 ** 63;
  if (dtype === 'bool') return kind === 'max' ? 0 : 1;
  return kind === 'max' ? -big : (isFloat(dtype) ? big : big - 1);
}

function reduce(rt: JaxRuntime, lax: Readonly<Record<string, PyValue>>, jnp: Readonly<Record<string, PyValue>>, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('reduce', ['operands', 'init_values', 'computation', 'dimensions'], args, kwargs, ctx);
  const given = a.required('operands');
  if (given instanceof PyTuple || given instanceof PyList) {
    throw pyError('NotImplementedError', 'lax.reduce over several operands (a tuple) is not supported by Gradlens: reduce each operand on its own');
  }
  const x = L.asArray(rt, given, ctx);
  const dims = ints(a.required('dimensions'), ctx).map((d) => (d < 0 ? d + x.shape.length : d));
  const kind = reducer(a.required('computation'), lax, jnp);
  const initV = a.required('init_values');
  const init = initV instanceof PyArray ? (isTracer(initV.v) ? NaN : toFloat(initV.item(ctx), ctx)) : toFloat(initV, ctx);
  const dtype = x.dtype;
  const identityValue = kind === null ? NaN : identity(kind, dtype);
  if (kind === null || init !== identityValue) {
    throw pyError('NotImplementedError', 'lax.reduce is supported by Gradlens for the monoids (lax.add or jnp.add, 0), (lax.mul or jnp.multiply, 1), (lax.max or jnp.maximum, -inf) and (lax.min or jnp.minimum, inf) '
      + '(the dtype\'s smallest and largest values for integers) only: the general reduce (another computation or init_value) is not built yet; use jnp.sum, jnp.prod, jnp.max or jnp.min');
  }
  return L.op(rt, () => {
    const o = rt.o;
    const out = kind === 'sum' ? o.reduceSum(x.v, dims) : kind === 'prod' ? o.reduceProd(x.v, dims) : kind === 'max' ? o.reduceMax(x.v, dims) : o.reduceMin(x.v, dims);
    return L.wrap(rt, out, x.weak, false);
  });
}

/** `jax.lax`'s slicing and shaping functions, added to the module's attributes (`lax.add`/`jnp.add` name reduce's monoids). */
export function laxSlicingAttrs(rt: JaxRuntime, lax: Readonly<Record<string, PyValue>>, jnp: Readonly<Record<string, PyValue>>): Record<string, PyValue> {
  const arrayArg = (v: PyValue, ctx: HostContext) => L.asArray(rt, v, ctx);
  const slice = (x: PyArray, start: readonly number[], limit: readonly number[], strides: readonly number[] | null): PyArray => {
    const rank = x.shape.length;
    if (start.length !== rank || limit.length !== rank) {
      throw pyError('TypeError', `slice start_indices must have length equal to the number of dimensions of the operand, got indices ${pyShape(start)} for operand shape ${pyShape(x.shape)}.`);
    }
    limit.forEach((l, d) => {
      if (l > x.shape[d]! || start[d]! < 0 || l < start[d]!) {
        throw pyError('TypeError', `slice limit_indices must be less than or equal to operand shape and greater than or equal to start_indices, got start_indices ${pyShape(start)}, limit_indices ${pyShape(limit)} for operand shape ${pyShape(x.shape)}.`);
      }
    });
    return L.op(rt, () => L.wrap(rt, rt.o.slice(x.v, start, limit, strides && strides.some((s) => s !== 1) ? strides : null), x.weak, false));
  };
  const inDim = (x: PyArray, axis: number) => {
    const rank = x.shape.length;
    if (axis < -rank || axis >= rank) throw pyError('ValueError', `axis ${axis} is out of bounds for array of dimension ${rank}`);
    return axis < 0 ? axis + rank : axis;
  };
  return {
    slice: pyFunction('slice', (args, kwargs, ctx) => {
      const a = bindArgs('slice', ['operand', 'start_indices', 'limit_indices', 'strides?'], args, kwargs, ctx);
      const strides = a.opt('strides');
      return slice(arrayArg(a.required('operand'), ctx), ints(a.required('start_indices'), ctx), ints(a.required('limit_indices'), ctx),
        strides === undefined || strides === null ? null : ints(strides, ctx));
    }),
    // slicing.py's slice_in_dim: None means the axis's ends; a negative index counts from the end.
    slice_in_dim: pyFunction('slice_in_dim', (args, kwargs, ctx) => {
      const a = bindArgs('slice_in_dim', ['operand', 'start_index', 'limit_index', 'stride?', 'axis?'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      const axis = inDim(x, a.int('axis', 0));
      const n = x.shape[axis]!;
      const at = (v: PyValue | undefined, dflt: number) => {
        if (v === undefined || v === null) return dflt;
        const i = Number(toIndex(v, ctx));
        return i < 0 ? i + n : i;
      };
      const start = x.shape.map((_, d) => (d === axis ? at(a.opt('start_index'), 0) : 0));
      const limit = x.shape.map((s, d) => (d === axis ? at(a.opt('limit_index'), n) : s));
      const strides = x.shape.map((_, d) => (d === axis ? a.int('stride', 1) : 1));
      return slice(x, start, limit, strides);
    }),
    dynamic_slice: pyFunction('dynamic_slice', (args, kwargs, ctx) => {
      const a = bindArgs('dynamic_slice', ['operand', 'start_indices', 'slice_sizes'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      return dynamicSlice(rt, x, startIndices(rt, a.required('start_indices'), x.shape.length, 'start_indices', ctx), ints(a.required('slice_sizes'), ctx));
    }),
    dynamic_slice_in_dim: pyFunction('dynamic_slice_in_dim', (args, kwargs, ctx) => {
      const a = bindArgs('dynamic_slice_in_dim', ['operand', 'start_index', 'slice_size', 'axis?'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      const axis = inDim(x, a.int('axis', 0));
      const index = startIndex(rt, a.required('start_index'), ctx);
      const starts = x.shape.map((_, d) => (d === axis ? index : otherAxisStart(index)));
      return dynamicSlice(rt, x, starts, x.shape.map((s, d) => (d === axis ? a.int('slice_size') : s)));
    }),
    dynamic_index_in_dim: pyFunction('dynamic_index_in_dim', (args, kwargs, ctx) => {
      const a = bindArgs('dynamic_index_in_dim', ['operand', 'index', 'axis?', 'keepdims?'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      const axis = inDim(x, a.int('axis', 0));
      const index = startIndex(rt, a.required('index'), ctx);
      const starts = x.shape.map((_, d) => (d === axis ? index : otherAxisStart(index)));
      const sliced = dynamicSlice(rt, x, starts, x.shape.map((s, d) => (d === axis ? 1 : s)));
      return a.bool('keepdims', true) ? sliced : L.op(rt, () => L.wrap(rt, rt.o.squeeze(sliced.v, [axis]), sliced.weak, false));
    }),
    dynamic_update_slice: pyFunction('dynamic_update_slice', (args, kwargs, ctx) => {
      const a = bindArgs('dynamic_update_slice', ['operand', 'update', 'start_indices'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      return dynamicUpdateSlice(rt, x, arrayArg(a.required('update'), ctx), startIndices(rt, a.required('start_indices'), x.shape.length, 'start_indices', ctx));
    }),
    dynamic_update_slice_in_dim: pyFunction('dynamic_update_slice_in_dim', (args, kwargs, ctx) => {
      const a = bindArgs('dynamic_update_slice_in_dim', ['operand', 'update', 'start_index', 'axis'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      const axis = inDim(x, a.int('axis'));
      const index = startIndex(rt, a.required('start_index'), ctx);
      const starts = x.shape.map((_, d) => (d === axis ? index : otherAxisStart(index)));
      return dynamicUpdateSlice(rt, x, arrayArg(a.required('update'), ctx), starts);
    }),
    broadcast_in_dim: pyFunction('broadcast_in_dim', (args, kwargs, ctx) => {
      const a = bindArgs('broadcast_in_dim', ['operand', 'shape', 'broadcast_dimensions', '*', 'out_sharding?'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      const shape = ints(a.required('shape'), ctx);
      const dims = ints(a.required('broadcast_dimensions'), ctx);
      if (dims.length !== x.shape.length) {
        throw pyError('TypeError', `broadcast_in_dim broadcast_dimensions must have length equal to operand ndim; got broadcast_dimensions ${pyShape(dims)} for operand ndim ${x.shape.length}.`);
      }
      dims.forEach((d, i) => {
        if (!(x.shape[i] === 1 || x.shape[i] === shape[d])) {
          throw pyError('TypeError', `broadcast_in_dim operand dimension sizes must either be 1, or be equal to their corresponding dimensions in the target broadcast shape; got operand of shape ${pyShape(x.shape)}, target broadcast shape ${pyShape(shape)}, broadcast_dimensions ${pyShape(dims)} `);
        }
      });
      return L.op(rt, () => L.wrap(rt, rt.o.broadcastInDim(x.v, shape, dims), x.weak, false));
    }),
    // A Python scalar becomes a strong array of the new dtype (weak_type=False), as lax.convert_element_type does.
    convert_element_type: pyFunction('convert_element_type', (args, kwargs, ctx) => {
      const a = bindArgs('convert_element_type', ['operand', 'new_dtype'], args, kwargs, ctx);
      const x = arrayArg(a.required('operand'), ctx);
      const d = toDtype(a.required('new_dtype'), rt, false, 'convert_element_type');
      return L.op(rt, () => L.wrap(rt, d === x.dtype ? x.v : rt.o.convert(x.v, d), false, false));
    }),
    iota: pyFunction('iota', (args, kwargs, ctx) => {
      const a = bindArgs('iota', ['dtype', 'size'], args, kwargs, ctx);
      const d = toDtype(a.required('dtype'), rt, false);
      return L.op(rt, () => L.wrap(rt, rt.o.iota(d, [a.int('size')], 0), false, false));
    }),
    broadcasted_iota: pyFunction('broadcasted_iota', (args, kwargs, ctx) => {
      const a = bindArgs('broadcasted_iota', ['dtype', 'shape', 'dimension'], args, kwargs, ctx);
      const d = toDtype(a.required('dtype'), rt, false);
      const shape = ints(a.required('shape'), ctx);
      const dim = a.int('dimension');
      if (dim < 0 || dim >= shape.length) throw pyError('ValueError', `iota dimension must be in range [0, ${shape.length}), got dimension=${dim}.`);
      return L.op(rt, () => L.wrap(rt, rt.o.iota(d, shape, dim), false, false));
    }),
    reduce: pyFunction('reduce', (args, kwargs, ctx) => reduce(rt, lax, jnp, args, kwargs, ctx)),
  };
}
