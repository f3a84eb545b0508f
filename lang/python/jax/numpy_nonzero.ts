/**
 * Where an array is nonzero, as NumPy 1.24 answers it (numpy/core/fromnumeric.py, numeric.py):
 * `nonzero` (also `where(condition)` with one argument, and `x.nonzero()`) gives one index array a
 * dimension, C order; `argwhere` the same as rows; `flatnonzero` the flat positions;
 * `count_nonzero` how many. The indices are NumPy's int64 (jax.numpy's int32, int64 with x64).
 * Their shape depends on the values: under jit, JAX asks for `size=`; Gradlens reads the values,
 * and a traced array without them raises the concretization error there.
 */
import { bindArgs, complexRefusal, type HostContext, type Kwargs, PyComplex, PyList, pyError, PyTuple, type PyValue, toIndex, typeName } from '../interpreter';
import { PyArray, type ArrayMethod, type JaxRuntime } from './array';
import * as L from './lax';
import { concretizationError } from '../staging';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

function arr(rt: JaxRuntime, x: PyValue, ctx: HostContext, numpy: boolean): PyArray {
  if (x instanceof PyArray) return x;
  if (numpy) return L.arrayArgument(rt, x, ctx, numpy);
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyList || x instanceof PyTuple) return L.arrayFromData(rt, x, undefined, ctx, numpy);
  if (x instanceof PyComplex) complexRefusal(ctx);
  throw pyError('TypeError', `expected an array, got ${typeName(x)}`);
}

/** The positions (row-major) of the nonzero values, and the shape they index (a 0-d array counts as 1-d, as NumPy 1.24 has it). */
function positions(x: PyArray, what: string, ctx: HostContext): { flat: number[]; shape: readonly number[] } {
  const values = x.values(ctx, what);
  const flat: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) flat.push(i);
  return { flat, shape: x.shape.length === 0 ? [1] : x.shape };
}

/** Each position's index along each axis: `coords[axis][k]`. */
function coordinates(flat: readonly number[], shape: readonly number[]): number[][] {
  const coords = shape.map(() => new Array<number>(flat.length));
  flat.forEach((p, k) => {
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      coords[axis]![k] = p % shape[axis]!;
      p = Math.floor(p / shape[axis]!);
    }
  });
  return coords;
}

function indexArray(rt: JaxRuntime, values: readonly number[], ctx: HostContext, numpy: boolean): PyArray {
  return L.arrayFromData(rt, new PyList(values.map((v) => BigInt(v))), rt.intDtype(numpy), ctx, numpy);
}

/**
 * `np.nonzero(a)`: a tuple of index arrays, one an axis. jax.numpy's `size=` pads with
 * `fill_value` (0) or cuts to that many.
 */
export function nonzero(rt: JaxRuntime, x: PyArray, ctx: HostContext, numpy: boolean, size: number | null = null, fill = 0): PyTuple {
  if (x.traced) {
    if (size === null) {
      throw concretizationError(rt, 'nonzero', ctx, () => 'the size argument of jnp.nonzero must be statically specified to use jnp.nonzero within JAX transformations: pass size=N (and fill_value=...)');
    }
    return tracedNonzero(rt, x, size, fill, numpy);
  }
  let { flat, shape } = positions(x, 'nonzero', ctx);
  const coords = coordinates(flat, shape);
  if (size !== null) {
    flat = flat.slice(0, size);
    for (let axis = 0; axis < coords.length; axis++) {
      const c = coords[axis]!.slice(0, size);
      while (c.length < size) c.push(fill);
      coords[axis] = c;
    }
  }
  return new PyTuple(coords.map((c) => indexArray(rt, c, ctx, numpy)));
}

/**
 * `jnp.nonzero(x, size=n, fill_value=f)` on a traced value, as JAX stages it: the first n nonzero
 * positions in row-major order (a stable sort of `x == 0` puts them first), each axis's index
 * `position // stride % dim`, and `fill_value` past the count of nonzeros.
 */
function tracedNonzero(rt: JaxRuntime, x: PyArray, size: number, fill: number, numpy: boolean): PyTuple {
  const shape = x.shape.length === 0 ? [1] : x.shape;
  const n = shape.reduce((p, d) => p * d, 1);
  const indexDtype = rt.intDtype(numpy);
  const o = rt.o;
  const first = L.op(rt, () => {
    const zero = o.eq(o.reshape(x.v, [n]), o.broadcastTo(o.scalar(0, x.dtype), [n]));
    let order = o.bind('argsort', [o.convert(zero, 'int32')], { dimension: 0, descending: false, indexDtype: 'int32' });
    order = size <= n ? o.slice(order, [0], [size]) : o.concatenate([order, o.full([size - n], 0, 'int32')], 0);
    return L.wrap(rt, order, false, numpy);
  });
  const count = L.op(rt, () => L.wrap(rt, o.reduceSum(o.convert(o.ne(o.reshape(x.v, [n]), o.broadcastTo(o.scalar(0, x.dtype), [n])), 'int32'), [0]), false, numpy));
  try {
    let stride = n;
    return new PyTuple(shape.map((dim) => {
      stride /= dim;
      const step = stride;
      return L.op(rt, () => {
        const coord = o.bind('rem', [o.div(first.v, o.full([size], step, 'int32')), o.full([size], dim, 'int32')], {});
        const valid = o.lt(o.iota('int32', [size], 0), o.broadcastTo(count.v, [size]));
        return L.wrap(rt, o.convert(o.select(valid, coord, o.full([size], fill, 'int32')), indexDtype), false, numpy);
      });
    }));
  } finally {
    first.discard();
    count.discard();
  }
}

const nonzeroFn: Fn = (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs('nonzero', numpy ? ['a'] : ['a', '*', 'size?', 'fill_value?'], args, kwargs, ctx);
  const size = a.opt('size');
  const fill = a.opt('fill_value');
  return nonzero(rt, arr(rt, a.required('a'), ctx, numpy), ctx, numpy, size === undefined || size === null ? null : Number(toIndex(size, ctx)), fill === undefined || fill === null ? 0 : Number(toIndex(fill, ctx)));
};

const argwhereFn: Fn = (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs('argwhere', ['a'], args, kwargs, ctx);
  const x = arr(rt, a.required('a'), ctx, numpy);
  const { flat, shape } = positions(x, 'argwhere', ctx);
  // A 0-d array's row has no index (NumPy: shape (1, 0) or (0, 0)).
  const rank = x.shape.length;
  const coords = rank === 0 ? [] : coordinates(flat, shape);
  const rows: number[] = [];
  for (let k = 0; k < flat.length; k++) for (let axis = 0; axis < rank; axis++) rows.push(coords[axis]![k]!);
  const data = indexArray(rt, rows, ctx, numpy);
  const out = L.reshaped(rt, data, [flat.length, rank]);
  data.discard();
  return out;
};

const flatnonzeroFn: Fn = (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs('flatnonzero', ['a'], args, kwargs, ctx);
  return indexArray(rt, positions(arr(rt, a.required('a'), ctx, numpy), 'flatnonzero', ctx).flat, ctx, numpy);
};

/** `np.count_nonzero(a)` is a Python int; with `axis`, an array of counts (int64). */
const countNonzeroFn: Fn = (rt, args, kwargs, ctx, numpy) => {
  const a = bindArgs('count_nonzero', ['a', 'axis?', '*', 'keepdims?'], args, kwargs, ctx);
  const x = arr(rt, a.required('a'), ctx, numpy);
  const axis = a.get('axis');
  if (numpy && (axis === undefined || axis === null) && !a.bool('keepdims', false)) return BigInt(positions(x, 'count_nonzero', ctx).flat.length);
  const mask = L.binary(rt, 'ne', x, 0n, ctx);
  const out = L.reduce(rt, 'sum', mask, axis, a.bool('keepdims', false), ctx);
  mask.discard();
  return out;
};

export const NONZERO_FUNCTIONS: Readonly<Record<string, Fn>> = {
  nonzero: nonzeroFn,
  argwhere: argwhereFn,
  flatnonzero: flatnonzeroFn,
  count_nonzero: countNonzeroFn,
};

/** `x.nonzero()`. */
export const NONZERO_ARRAY_METHODS: Readonly<Record<string, ArrayMethod>> = {
  nonzero: (self, args, kwargs, ctx) => {
    bindArgs('nonzero', [], args, kwargs, ctx);
    return nonzero(self.rt, self, ctx, self.numpy);
  },
};
