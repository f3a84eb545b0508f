/**
 * Moving, rolling and splitting axes, as numpy/core/numeric.py, shape_base.py and
 * lib/shape_base.py (and jax.numpy's twins) do it: `atleast_1d`/`2d`/`3d`, `moveaxis`, `swapaxes`
 * (views of a NumPy array, as NumPy's are), `roll` (a copy: two slices joined, as JAX's
 * _roll_static) and `array_split` (sections of sizes differing by at most one, the longer first).
 * Each is made of the runtime's primitives, so every transformation applies.
 */
import { bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue, toIndex } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { MORE_FUNCTIONS } from './numpy_more';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = L.arrayArgument;

/** numpy's normalize_axis_index: one axis, its message prefixed by the argument's name as NumPy's is. */
export function oneAxis(axis: PyValue, rank: number, ctx: HostContext, prefix?: string): number {
  const i = Number(toIndex(axis, ctx));
  if (i < -rank || i >= rank) throw pyError('ValueError', `${prefix ? `${prefix}: ` : ''}axis ${i} is out of bounds for array of dimension ${rank}`);
  return i < 0 ? i + rank : i;
}

const axisList = (v: PyValue): readonly PyValue[] => (v instanceof PyTuple || v instanceof PyList ? v.items : [v]);

/** atleast_Nd of each argument: one array for one argument, else a list (NumPy's and JAX's). */
const atLeast = (name: string, raise: (shape: readonly number[]) => number[]): Fn => (rt, args, kwargs, ctx, numpy) => {
  if (kwargs.size > 0) throw pyError('TypeError', `${name}() got an unexpected keyword argument '${[...kwargs.keys()][0]}'`);
  const out = args.map((v) => {
    const x = arr(rt, v, ctx, numpy);
    const shape = raise(x.shape);
    return shape.length === x.shape.length ? x : L.reshape(rt, x, shape);
  });
  return out.length === 1 ? out[0]! : new PyList(out);
};

export function moveAxes(rt: JaxRuntime, x: PyArray, source: PyValue, destination: PyValue, ctx: HostContext): PyArray {
  const rank = x.shape.length;
  const src = axisList(source).map((a) => oneAxis(a, rank, ctx, 'source'));
  const dst = axisList(destination).map((a) => oneAxis(a, rank, ctx, 'destination'));
  if (new Set(src).size !== src.length) throw pyError('ValueError', 'repeated axis in `source` argument');
  if (new Set(dst).size !== dst.length) throw pyError('ValueError', 'repeated axis in `destination` argument');
  if (src.length !== dst.length) throw pyError('ValueError', '`source` and `destination` arguments must have the same number of elements');
  // numeric.py's moveaxis: the other axes in order, then each source inserted at its destination, lowest first.
  const order = [...Array(rank).keys()].filter((a) => !src.includes(a));
  const pairs = dst.map((d, k) => [d, src[k]!] as const).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of pairs) order.splice(d, 0, s);
  return L.transpose(rt, x, order);
}

/** x rolled by `shift` along one axis: its last `shift` entries (mod n) first, then the rest. */
function rollAxis(rt: JaxRuntime, x: PyArray, axis: number, shift: number): PyArray {
  const n = x.shape[axis]!;
  if (n === 0) return x;
  const i = (((-shift) % n) + n) % n;
  const cut = (from: number, to: number) => rt.o.slice(x.v, x.shape.map((_, d) => (d === axis ? from : 0)), x.shape.map((s, d) => (d === axis ? to : s)));
  return L.op(rt, () => L.wrap(rt, rt.o.concatenate([cut(i, n), cut(0, i)], axis), x.weak, x.numpy));
}

export const AXES_FUNCTIONS: Readonly<Record<string, Fn>> = {
  atleast_1d: atLeast('atleast_1d', (s) => (s.length === 0 ? [1] : [...s])),
  atleast_2d: atLeast('atleast_2d', (s) => (s.length === 0 ? [1, 1] : s.length === 1 ? [1, s[0]!] : [...s])),
  atleast_3d: atLeast('atleast_3d', (s) => (s.length === 0 ? [1, 1, 1] : s.length === 1 ? [1, s[0]!, 1] : s.length === 2 ? [...s, 1] : [...s])),
  moveaxis: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('moveaxis', ['a', 'source', 'destination'], args, kwargs, ctx);
    return moveAxes(rt, arr(rt, a.required('a'), ctx, numpy), a.required('source'), a.required('destination'), ctx);
  },
  swapaxes: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('swapaxes', ['a', 'axis1', 'axis2'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const rank = x.shape.length;
    const p = oneAxis(a.required('axis1'), rank, ctx, 'axis1');
    const q = oneAxis(a.required('axis2'), rank, ctx, 'axis2');
    const order = [...Array(rank).keys()];
    [order[p], order[q]] = [q, p];
    return L.transpose(rt, x, order);
  },
  roll: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('roll', ['a', 'shift', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const axis = a.opt('axis');
    const shifts = axisList(a.required('shift')).map((s) => Number(toIndex(s, ctx)));
    // No axis: the flattened array rolled by the shifts' sum, then its shape again.
    if (axis === undefined || axis === null) {
      const flat = L.reshaped(rt, x, [-1]);
      return L.reshaped(rt, rollAxis(rt, flat, 0, shifts.reduce((p, s) => p + s, 0)), x.shape);
    }
    const axes = axisList(axis).map((v) => oneAxis(v, x.shape.length, ctx));
    // NB: shift and axis broadcast against each other (numeric.py's np.broadcast(shift, axis)).
    const n = Math.max(axes.length, shifts.length);
    if ((axes.length !== 1 && axes.length !== n) || (shifts.length !== 1 && shifts.length !== n)) {
      throw pyError('ValueError', `shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape (${shifts.length},) and arg 1 with shape (${axes.length},).`);
    }
    const total = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const ax = axes[axes.length === 1 ? 0 : k]!;
      total.set(ax, (total.get(ax) ?? 0) + shifts[shifts.length === 1 ? 0 : k]!);
    }
    let out = x;
    for (const [ax, s] of total) out = rollAxis(rt, out, ax, s);
    return out;
  },
  array_split: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('array_split', ['ary', 'indices_or_sections', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('ary'), ctx, numpy);
    const axis = a.opt('axis') ?? 0n;
    const spec = a.required('indices_or_sections');
    if (spec instanceof PyList || spec instanceof PyTuple || spec instanceof PyArray) return splitAt(rt, x, spec, axis, ctx, numpy);
    const sections = Number(toIndex(spec, ctx));
    if (sections <= 0) throw pyError('ValueError', 'number sections must be larger than 0.');
    const total = x.shape[oneAxis(axis, x.shape.length, ctx)]!;
    const each = Math.floor(total / sections);
    const extras = total % sections;
    const cuts: bigint[] = [];
    for (let k = 1, at = 0; k < sections; k++) cuts.push(BigInt((at += k <= extras ? each + 1 : each)));
    return splitAt(rt, x, new PyList(cuts), axis, ctx, numpy);
  },
};

/** numpy.split at explicit indices. */
const splitAt = (rt: JaxRuntime, x: PyArray, cuts: PyValue, axis: PyValue, ctx: HostContext, numpy: boolean): PyValue =>
  MORE_FUNCTIONS.split!(rt, [x, cuts, axis], new Map(), ctx, numpy);
