/**
 * NumPy's `unique`, `diff`, `percentile`, `quantile` and `median` on NumPy arrays, computed on the
 * host as NumPy 1.24's numpy/lib (arraysetops.py, function_base.py) computes them: unique by a
 * stable sort whose NaNs collapse into one; quantiles by the "linear" method, (n - 1) * q and
 * `_lerp`'s two formulas; the median as the mean of the middle one or two values.
 */
import { isFloat, isInteger, type DType } from '../../../runtime/core';
import { type Args, bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, true);

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

function make(rt: JaxRuntime, shape: readonly number[], dtype: DType, values: ArrayLike<number>): PyArray {
  return L.op(rt, () => new PyArray(rt, rt.generate(shape, dtype, (i) => values[i]!), false, true));
}

/** NumPy's sort order: ascending, NaNs last. */
const ascending = (p: number, q: number): number => (Number.isNaN(p) ? (Number.isNaN(q) ? 0 : 1) : Number.isNaN(q) ? -1 : p - q);

/** The lanes along `axis` of an array of `shape`: the outer count, the lane length and the inner stride. */
function laneLayout(shape: readonly number[], axis: number) {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return { outer, n: shape[axis]!, inner };
}

function refuse(a: Args, name: string, keys: readonly string[]): void {
  for (const k of keys) {
    if (a.opt(k) !== undefined) throw pyError('NotImplementedError', `numpy.${name}(..., ${k}=...) is not supported by Gradlens: call it without ${k}=`);
  }
}

/** `axis` as one non-negative axis, or null for the flattened array. */
function oneAxis(a: Args, rank: number, name: string, ctx: HostContext): number | null {
  const axis = a.opt('axis');
  if (axis === undefined || axis === null) return null;
  if (axis instanceof PyTuple || axis instanceof PyList) throw pyError('NotImplementedError', `numpy.${name} over several axes is not supported by Gradlens: pass one axis, or reshape first`);
  return L.axesOf(axis, rank, ctx)[0]!;
}

/**
 * `f` of each lane along `axis` (the flattened array when null), sorted as NumPy sorts; results
 * `per` values a lane, laid out as NumPy's quantile lays them (q's shape first).
 */
function sortedLanes(x: PyArray, axis: number | null, keepdims: boolean, ctx: HostContext, f: (lane: number[]) => number[], qShape: readonly number[]) {
  const values = x.values(ctx, 'numpy');
  const shape = axis === null ? [values.length] : x.shape;
  const ax = axis ?? 0;
  const { outer, n, inner } = laneLayout(shape, ax);
  const per = qShape.reduce((p, d) => p * d, 1);
  const lanes = outer * inner;
  const out = new Float64Array(per * lanes);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const lane = Array.from({ length: n }, (_, k) => values[(o * n + k) * inner + i]!).sort(ascending);
      const r = f(lane);
      for (let j = 0; j < per; j++) out[j * lanes + o * inner + i] = r[j]!;
    }
  }
  const rest = axis === null ? (keepdims ? x.shape.map(() => 1) : []) : x.shape.map((d, k) => (k === ax ? 1 : d)).filter((_, k) => keepdims || k !== ax);
  return { shape: [...qShape, ...rest], values: out };
}

/** One quantile of a sorted lane by the "linear" method (NaN where the lane holds a NaN). */
export function linearQuantile(lane: readonly number[], q: number, integral: boolean): number {
  const n = lane.length;
  if (n === 0) throw pyError('IndexError', 'cannot do a non-empty take from an empty axes.');
  const at = (k: number) => lane[k < 0 ? k + n : k]!;
  const vi = (n - 1) * q;
  if (Number.isNaN(lane[n - 1]!)) return NaN;
  if (integral) return at(vi);
  let prev = Math.floor(vi);
  let next = prev + 1;
  if (vi >= n - 1) prev = next = -1;
  // NB: gamma against the clamped index, as _get_gamma takes it; _lerp's second formula from 0.5 on.
  const gamma = vi - prev;
  const a = at(prev);
  const b = at(next);
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

function quantiles(rt: JaxRuntime, name: 'percentile' | 'quantile', args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyArray {
  const a = bindArgs(name, ['a', 'q', 'axis?', 'out?', 'overwrite_input?', 'method?', 'keepdims?', '*', 'interpolation?'], args, kwargs, ctx);
  refuse(a, name, ['out', 'interpolation']);
  const method = a.opt('method');
  if (method !== undefined && method !== 'linear') throw pyError('NotImplementedError', `numpy.${name}(..., method=${ctx.repr(method)}) is not supported by Gradlens: only method='linear' (the default) is`);
  const x = arr(rt, a.required('a'), ctx);
  if (!isFloat(x.dtype) && !isInteger(x.dtype)) throw pyError('TypeError', `numpy.${name} of a ${x.dtype} array: convert it with .astype(float) first`);
  if (x.dtype !== 'float64' && isFloat(x.dtype)) throw pyError('NotImplementedError', `numpy.${name} of a ${x.dtype} array is not supported by Gradlens: convert it with .astype(np.float64) first`);
  const qArg = a.required('q');
  const qArr = arr(rt, qArg, ctx);
  // NB: percentile divides q by 100 (a float); quantile of integer q takes values, in the array's dtype.
  const integral = name === 'quantile' && isInteger(qArr.dtype);
  const qs = Array.from(qArr.values(ctx, 'numpy'), (v) => (name === 'percentile' ? v / 100 : v));
  if (qs.some((q) => !(q >= 0 && q <= 1))) throw pyError('ValueError', name === 'percentile' ? 'Percentiles must be in the range [0, 100]' : 'Quantiles must be in the range [0, 1]');
  const r = sortedLanes(x, oneAxis(a, x.shape.length, name, ctx), a.bool('keepdims', false), ctx, (lane) => qs.map((q) => linearQuantile(lane, q, integral)), qArr.shape);
  return make(rt, r.shape, integral ? x.dtype : 'float64', r.values);
}

const median: Fn = (rt, args, kwargs, ctx) => {
  const a = bindArgs('median', ['a', 'axis?', 'out?', 'overwrite_input?', 'keepdims?'], args, kwargs, ctx);
  refuse(a, 'median', ['out']);
  const x = arr(rt, a.required('a'), ctx);
  if (isFloat(x.dtype) && x.dtype !== 'float64') throw pyError('NotImplementedError', `numpy.median of a ${x.dtype} array is not supported by Gradlens: convert it with .astype(np.float64) first`);
  const r = sortedLanes(x, oneAxis(a, x.shape.length, 'median', ctx), a.bool('keepdims', false), ctx, (lane) => {
    const n = lane.length;
    // NB: the mean of the middle one or two, NaN where the lane holds a NaN or is empty (as NumPy, which warns).
    if (n === 0 || Number.isNaN(lane[n - 1]!)) return [NaN];
    const h = Math.floor(n / 2);
    return [n % 2 === 1 ? lane[h]! : (lane[h - 1]! + lane[h]!) / 2];
  }, []);
  return make(rt, r.shape, 'float64', r.values);
};

const unique: Fn = (rt, args, kwargs, ctx) => {
  const a = bindArgs('unique', ['ar', 'return_index?', 'return_inverse?', 'return_counts?', 'axis?', '*', 'equal_nan?'], args, kwargs, ctx);
  if (a.opt('axis') !== undefined && a.opt('axis') !== null) throw pyError('NotImplementedError', 'numpy.unique(..., axis=...) is not supported by Gradlens: call it on the flattened array');
  if (!a.bool('equal_nan', true)) throw pyError('NotImplementedError', 'numpy.unique(..., equal_nan=False) is not supported by Gradlens');
  const x = arr(rt, a.required('ar'), ctx);
  const values = x.values(ctx, 'numpy');
  const n = values.length;
  // NB: a stable sort (NumPy's mergesort when indices are asked for): each value's first occurrence leads its run.
  const perm = Array.from({ length: n }, (_, i) => i).sort((p, q) => ascending(values[p]!, values[q]!) || p - q);
  const firstNan = perm.findIndex((p) => Number.isNaN(values[p]!));
  const starts: number[] = [];
  for (let k = 0; k < n; k++) {
    // NB: every NaN after the first joins its run (equal_nan); -0 and 0 are one value.
    if (k === 0 || (!(firstNan >= 0 && k > firstNan) && values[perm[k]!] !== values[perm[k - 1]!])) starts.push(k);
  }
  const int = rt.intDtype(true);
  const out: PyValue[] = [make(rt, [starts.length], x.dtype, starts.map((k) => values[perm[k]!]!))];
  if (a.bool('return_index', false)) out.push(make(rt, [starts.length], int, starts.map((k) => perm[k]!)));
  if (a.bool('return_inverse', false)) {
    const inverse = new Float64Array(n);
    let u = -1;
    for (let k = 0; k < n; k++) {
      if (starts[u + 1] === k) u++;
      inverse[perm[k]!] = u;
    }
    out.push(make(rt, [n], int, inverse));
  }
  if (a.bool('return_counts', false)) out.push(make(rt, [starts.length], int, starts.map((k, j) => (starts[j + 1] ?? n) - k)));
  return out.length === 1 ? out[0]! : new PyTuple(out);
};

const diff: Fn = (rt, args, kwargs, ctx) => {
  const a = bindArgs('diff', ['a', 'n?', 'axis?', 'prepend?', 'append?'], args, kwargs, ctx);
  refuse(a, 'diff', ['prepend', 'append']);
  const x = arr(rt, a.required('a'), ctx);
  if (x.shape.length === 0) throw pyError('ValueError', 'diff requires input that is at least one dimensional');
  const times = a.int('n', 1);
  if (times < 0) throw pyError('ValueError', `order must be non-negative but got ${times}`);
  const axis = L.axesOf(a.has('axis') ? a.get('axis') : -1n, x.shape.length, ctx)[0]!;
  let shape = [...x.shape];
  let values: ArrayLike<number> = x.values(ctx, 'numpy');
  for (let t = 0; t < times && shape[axis]! > 0; t++) {
    const { outer, n, inner } = laneLayout(shape, axis);
    const next = new Float64Array(outer * (n - 1) * inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n - 1; k++) {
        for (let i = 0; i < inner; i++) {
          const p = values[(o * n + k) * inner + i]!;
          const q = values[(o * n + k + 1) * inner + i]!;
          // NB: a boolean array's difference is not_equal, as NumPy's diff takes it.
          next[(o * (n - 1) + k) * inner + i] = x.dtype === 'bool' ? Number(p !== q) : q - p;
        }
      }
    }
    shape = shape.map((d, k) => (k === axis ? d - 1 : d));
    values = next;
  }
  return make(rt, shape, x.dtype, values);
};

export const ORDER_STATISTICS_FUNCTIONS: Readonly<Record<string, Fn>> = {
  unique,
  diff,
  median,
  percentile: (rt, args, kwargs, ctx) => quantiles(rt, 'percentile', args, kwargs, ctx),
  quantile: (rt, args, kwargs, ctx) => quantiles(rt, 'quantile', args, kwargs, ctx),
};
