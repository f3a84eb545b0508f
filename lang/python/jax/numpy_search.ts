/**
 * jax.numpy's binning and lookup functions as JAX 0.4.35 builds them (jax/_src/numpy/lax_numpy.py)
 * from comparisons, reductions, gathers and scatter-adds, so each works under jit, vmap and grad:
 * `searchsorted` (every method counts, along a new leading axis, the sorted values that sort before
 * each query: JAX's 'compare_all', whose numbers its 'scan' and 'sort' give too), `digitize`,
 * `bincount` (a scatter-add; its length must be static under a transformation), `histogram_bin_edges`
 * (jnp.linspace's float32 formula), `histogram` (searchsorted, then a scatter-add of the weights)
 * and `interp` (searchsorted, then gathers and JAX's slope formula, differentiable in x and fp).
 * NB: the sort order is lax's comparators': NaN after every number, -0 equal to 0.
 */
import { isComplex, isFloat, isInexact, isInteger, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, PyTuple, type PyValue, toIndex } from '../interpreter';
import { concretizationError } from '../staging';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { Scalar, type Val } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const METHODS = ['scan', 'scan_unrolled', 'sort', 'compare_all'];

/** An argument as a jax array (a NumPy array enters as jax.numpy.asarray takes it). */
function arr(rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray {
  return x instanceof PyArray && !x.numpy ? x : L.arrayFromData(rt, x, undefined, ctx, false);
}

const operandOf = (x: PyArray) => ({ v: x.v as Val, weak: x.weak, numpy: false });

/** util.promote_dtypes: the dtype the arrays promote to (weak ones yielding). */
const promoted = (rt: JaxRuntime, xs: readonly PyArray[]): DType => L.resultDtype(rt, xs.map(operandOf));

/** util.promote_dtypes_inexact: the promoted dtype, integers and bools made the default float. */
function promotedInexact(rt: JaxRuntime, xs: readonly PyArray[]): DType {
  const d = promoted(rt, xs);
  return isInexact(d) ? d : rt.floatDtype;
}

/** lax._sort_lt_comparator (orEqual: _sort_le_comparator): x before y in the sort order, elementwise. */
function sortsBefore(rt: JaxRuntime, x: Val, y: Val, orEqual: boolean): Val {
  const o = rt.o;
  if (!isFloat(x.dtype)) return orEqual ? o.le(x, y) : o.lt(x, y);
  // NB: a NaN y comes after every number x (and, or-equal, after a NaN x too).
  const yNan = o.ne(y, y);
  return o.select(yNan, orEqual ? yNan : o.eq(x, x), orEqual ? o.le(x, y) : o.lt(x, y));
}

/** The insertion index in the 1-D `sorted` of each element of `query` (both one dtype), int32. */
function insertionIndex(rt: JaxRuntime, sorted: Val, query: Val, side: 'left' | 'right'): Val {
  const o = rt.o;
  const n = sorted.shape[0]!;
  if (n === 0) return o.full(query.shape, 0, 'int32');
  const shape = [n, ...query.shape];
  const a = query.shape.length === 0 ? sorted : o.broadcastInDim(sorted, shape, [0]);
  const v = o.broadcastInDim(query, shape, query.shape.map((_, i) => i + 1));
  // side='left': the count of sorted values before the query; 'right': also those equal to it.
  return o.reduceSum(o.convert(sortsBefore(rt, a, v, side === 'right'), 'int32'), [0]);
}

function sideOf(v: PyValue | undefined): 'left' | 'right' {
  const side = v ?? 'left';
  if (side !== 'left' && side !== 'right') throw pyError('ValueError', `${typeof side === 'string' ? `'${side}'` : String(side)} is an invalid value for keyword 'side'. Expected one of ['left', 'right'].`);
  return side;
}

function searchsorted(rt: JaxRuntime, aArg: PyValue, vArg: PyValue, side: 'left' | 'right', sorterArg: PyValue, method: PyValue, ctx: HostContext): PyArray {
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    throw pyError('ValueError', `${ctx.repr(method)} is an invalid value for keyword 'method'. Expected one of ['sort', 'scan', 'scan_unrolled', 'compare_all'].`);
  }
  const a = arr(rt, aArg, ctx);
  const v = arr(rt, vArg, ctx);
  if (a.shape.length !== 1) throw pyError('ValueError', 'a should be 1-dimensional');
  const sorted = sorterArg === null ? a : L.getIndex(rt, a, arr(rt, sorterArg, ctx), ctx);
  const dtype = promoted(rt, [a, v]);
  return L.op(rt, () => L.wrap(rt, insertionIndex(rt, L.cast(rt, sorted.v, dtype), L.cast(rt, v.v, dtype), side), false, false));
}

function digitize(rt: JaxRuntime, xArg: PyValue, binsArg: PyValue, right: boolean, ctx: HostContext): PyArray {
  const x = arr(rt, xArg, ctx);
  const bins = arr(rt, binsArg, ctx);
  if (bins.shape.length !== 1) throw pyError('ValueError', `digitize: bins must be a 1-dimensional array; got bins=${ctx.repr(binsArg)}`);
  const o = rt.o;
  return L.op(rt, () => {
    const n = bins.shape[0]!;
    if (n === 0) return L.wrap(rt, o.full(x.shape, 0, 'int32'), false, false);
    const dtype = promoted(rt, [bins, x]);
    const b = L.cast(rt, bins.v, dtype);
    const q = L.cast(rt, x.v, dtype);
    const side = right ? 'left' : 'right';
    const rising = insertionIndex(rt, b, q, side);
    const falling = o.sub(new Scalar(n, 'int32'), insertionIndex(rt, o.rev(b, [0]), q, side));
    const increasing = o.ge(o.reshape(o.slice(b, [n - 1], [n]), []), o.reshape(o.slice(b, [0], [1]), []));
    return L.wrap(rt, o.select(o.broadcastTo(increasing, x.shape), rising, falling), false, false);
  });
}

function bincount(rt: JaxRuntime, xArg: PyValue, weightsArg: PyValue, minlength: number, lengthArg: PyValue, ctx: HostContext): PyArray {
  const x = arr(rt, xArg, ctx);
  if (!isInteger(x.dtype)) throw pyError('TypeError', `x argument to bincount must have an integer type; got ${x.dtype}`);
  if (x.shape.length !== 1) throw pyError('ValueError', 'only 1-dimensional input supported.');
  let length: number;
  if (lengthArg === null) {
    if (x.traced) {
      throw concretizationError(rt, 'bincount', ctx, () => "the length of jnp.bincount's result must be static under a JAX transformation: the error occurred because of argument 'x' of jnp.bincount; to avoid it, pass a static `length` argument");
    }
    const values = Array.from(x.values(ctx));
    length = Math.max(minlength, values.length === 0 ? 0 : Math.max(...values) + 1);
  } else {
    length = Number(toIndex(lengthArg, ctx));
  }
  const weights = weightsArg === null ? null : arr(rt, weightsArg, ctx);
  if (weights && weights.shape.join() !== x.shape.join()) throw pyError('ValueError', 'shape of weights must match shape of x.');
  const o = rt.o;
  return L.op(rt, () => {
    const n = x.shape[0]!;
    const w = weights ? weights.v : o.full([n], 1, 'int32');
    // zeros(length).at[clip(x, 0)].add(weights, mode='drop'): positions past the end land in one cut-off slot.
    const at = o.bind('clamp', [new Scalar(0, x.dtype), x.v, new Scalar(length, x.dtype)], {});
    const counts = o.slice(o.scatterAdd(w, L.cast(rt, at, 'int32'), 0, [length + 1]), [0], [length]);
    return L.wrap(rt, counts, false, false);
  });
}

/** jnp.linspace(start, stop, num) of 0-d values, as JAX computes it: start * (1 - k / div) + stop * (k / div), then stop. */
function linspace(rt: JaxRuntime, start: Val, stop: Val, num: number, dtype: DType): Val {
  const o = rt.o;
  if (num < 0) throw pyError('ValueError', `Number of samples, ${num}, must be non-negative.`);
  if (num <= 1) return o.broadcastTo(start, [num]);
  const div = num - 1;
  const step = o.div(o.iota(dtype, [div], 0), new Scalar(div, dtype));
  const inner = o.add(o.mul(o.broadcastTo(start, [div]), o.sub(new Scalar(1, dtype), step)), o.mul(o.broadcastTo(stop, [div]), step));
  return o.concatenate([inner, o.reshape(stop, [1])], 0);
}

/** histogram_bin_edges: explicit edges in the samples' inexact dtype, or `bins` equal bins over the range. */
function binEdges(rt: JaxRuntime, a: PyArray, dtype: DType, bins: PyValue, range: PyValue, ctx: HostContext): Val {
  if (typeof bins === 'string') throw pyError('NotImplementedError', 'string values for `bins` not implemented.');
  const o = rt.o;
  if (!(typeof bins === 'bigint' || typeof bins === 'boolean')) {
    const b = arr(rt, bins, ctx);
    if (b.shape.length === 1) return L.cast(rt, b.v, dtype);
  }
  const count = Number(toIndex(bins, ctx));
  let lo: Val;
  let hi: Val;
  if (range === null) {
    const all = a.shape.map((_, i) => i);
    lo = L.cast(rt, o.reduceMin(a.v, all), dtype);
    hi = L.cast(rt, o.reduceMax(a.v, all), dtype);
  } else {
    const r = L.arrayFromData(rt, range, dtype, ctx, false);
    if (r.shape.join() !== '2') throw pyError('ValueError', `\`range\` must be either None or a sequence of scalars, got ${ctx.repr(range)}`);
    lo = o.reshape(o.slice(r.v, [0], [1]), []);
    hi = o.reshape(o.slice(r.v, [1], [2]), []);
  }
  // A range of zero width is widened by 0.5 each way (reductions.ptp(range) == 0).
  const flat = o.eq(o.sub(o.max(lo, hi), o.min(lo, hi)), new Scalar(0, dtype));
  const first = o.select(flat, o.sub(lo, new Scalar(0.5, dtype)), lo);
  const last = o.select(flat, o.add(hi, new Scalar(0.5, dtype)), hi);
  return linspace(rt, first, last, count + 1, dtype);
}

function histogram(rt: JaxRuntime, aArg: PyValue, bins: PyValue, range: PyValue, weightsArg: PyValue, density: boolean, ctx: HostContext): PyValue {
  const a = arr(rt, aArg, ctx);
  const weights = weightsArg === null ? null : arr(rt, weightsArg, ctx);
  if (weights && weights.shape.join() !== a.shape.join()) throw pyError('ValueError', 'weights should have the same shape as a.');
  const dtype = promotedInexact(rt, weights ? [a, weights] : [a]);
  const o = rt.o;
  const edges = L.op(rt, () => L.wrap(rt, binEdges(rt, a, dtype, bins, range, ctx), false, false));
  const counts = L.op(rt, () => {
    const e = edges.v;
    const m = e.shape[0]!;
    const x = L.cast(rt, a.v, dtype);
    const size = a.shape.reduce((p, d) => p * d, 1);
    const w = weights ? L.cast(rt, weights.v, dtype) : o.full(a.shape, 1, dtype);
    // The last edge belongs to the last bin; a sample past it lands in the cut-off slot m.
    const last = o.broadcastTo(o.reshape(o.slice(e, [m - 1], [m]), []), a.shape);
    const index = o.select(o.eq(x, last), o.full(a.shape, m - 1, 'int32'), insertionIndex(rt, e, x, 'right'));
    const summed = o.scatterAdd(o.reshape(w, [size]), o.reshape(index, [size]), 0, [m + 1]);
    let c = o.slice(summed, [1], [m]);
    if (density) {
      const widths = o.sub(o.slice(e, [1], [m]), o.slice(e, [0], [m - 1]));
      c = o.div(o.div(c, widths), o.broadcastTo(o.reduceSum(c, [0]), [m - 1]));
    }
    return L.wrap(rt, c, false, false);
  });
  return new PyTuple([counts, edges]);
}

/** `left`/`right` of interp: a value, None (the end value of fp) or 'extrapolate'. */
function endValue(v: PyValue, name: string): PyValue | 'extrapolate' {
  if (typeof v !== 'string') return v;
  if (v !== 'extrapolate') throw pyError('ValueError', `the only valid string value of \`${name}\` is 'extrapolate', but got: '${v}'`);
  return v;
}

function interp(rt: JaxRuntime, xArg: PyValue, xpArg: PyValue, fpArg: PyValue, leftArg: PyValue, rightArg: PyValue, periodArg: PyValue, ctx: HostContext): PyArray {
  const x0 = arr(rt, xArg, ctx);
  const xp0 = arr(rt, xpArg, ctx);
  const fp0 = arr(rt, fpArg, ctx);
  if (xp0.shape.join() !== fp0.shape.join() || xp0.shape.length !== 1) throw pyError('ValueError', 'xp and fp must be one-dimensional arrays of equal size');
  const left = endValue(leftArg, 'left');
  const right = endValue(rightArg, 'right');
  if (isComplex(x0.dtype)) throw pyError('ValueError', 'jnp.interp: complex x values not supported.');
  const xDtype = promotedInexact(rt, [x0, xp0]);
  const fDtype = promotedInexact(rt, [fp0]);
  const period = periodArg === null ? null : arr(rt, periodArg, ctx);
  if (period && period.shape.length !== 0) throw pyError('ValueError', `period must be a scalar; got ${ctx.repr(periodArg)}`);
  const o = rt.o;
  return L.op(rt, () => {
    let x = L.cast(rt, x0.v, xDtype);
    let xp = L.cast(rt, xp0.v, xDtype);
    let fp = L.cast(rt, fp0.v, fDtype);
    if (period) {
      const p = o.abs(L.cast(rt, period.v, xDtype));
      const mod = (v: Val) => L.floorDivMod(rt, '%', L.wrap(rt, v, false, false), L.wrap(rt, o.broadcastTo(p, v.shape), false, false), ctx).v;
      x = mod(x);
      // lax.sort_key_val(xp % period, fp), then one point from each end added beyond the other.
      const wrapped = mod(xp);
      const order = o.bind('argsort', [wrapped], { dimension: 0, descending: false, indexDtype: 'int32' });
      xp = o.gather(wrapped, order, 0);
      fp = o.gather(fp, order, 0);
      const k = xp.shape[0]!;
      const p1 = o.reshape(p, [1]);
      xp = o.concatenate([o.sub(o.slice(xp, [k - 1], [k]), p1), xp, o.add(o.slice(xp, [0], [1]), p1)], 0);
      fp = o.concatenate([o.slice(fp, [k - 1], [k]), fp, o.slice(fp, [0], [1])], 0);
    }
    const n = xp.shape[0]!;
    const i = o.bind('clamp', [new Scalar(1, 'int32'), insertionIndex(rt, xp, x, 'right'), new Scalar(n - 1, 'int32')], {});
    const before = o.sub(i, new Scalar(1, 'int32'));
    const fHi = o.gather(fp, i, 0);
    const fLo = o.gather(fp, before, 0);
    const xLo = o.gather(xp, before, 0);
    const df = o.sub(fHi, fLo);
    const dx = o.sub(o.gather(xp, i, 0), xLo);
    const delta = o.sub(x, xLo);
    // np.spacing(np.finfo(dtype).eps): a step this small gives fp[i - 1], keeping NaN out of the gradient.
    const epsilon = xDtype === 'float64' ? 2 ** -104 : 2 ** -46;
    const dx0 = o.le(o.abs(dx), o.full(dx.shape, epsilon, xDtype));
    const outDtype = promoted(rt, [L.wrap(rt, fLo, false, false), L.wrap(rt, delta, false, false)]);
    const slope = o.div(delta, o.select(dx0, o.full(dx.shape, 1, xDtype), dx));
    let f = o.select(dx0, L.cast(rt, fLo, outDtype), o.add(L.cast(rt, fLo, outDtype), o.mul(L.cast(rt, slope, outDtype), L.cast(rt, df, outDtype))));
    if (!period) {
      const end = (at: number, value: PyValue | 'extrapolate', beyond: (xv: Val, edge: Val) => Val) => {
        if (value === 'extrapolate') return;
        const edge = o.broadcastTo(o.reshape(o.slice(xp, [at], [at + 1]), []), x.shape);
        const fill = value === null ? o.reshape(o.slice(fp, [at], [at + 1]), []) : L.operand(rt, value, ctx).v;
        f = o.select(beyond(x, edge), o.broadcastTo(L.cast(rt, fill, outDtype), x.shape), f);
      };
      end(0, left, (xv, edge) => o.lt(xv, edge));
      end(n - 1, right, (xv, edge) => o.gt(xv, edge));
    }
    return L.wrap(rt, f, false, false);
  });
}

/** jax.numpy's functions here, which NumPy's (numpy_binning.ts, on the host) replace in `numpy`. */
export const SEARCH_FUNCTIONS: Readonly<Record<string, Fn>> = {
  searchsorted: (rt, args, kwargs, ctx) => {
    const a = bindArgs('searchsorted', ['a', 'v', 'side?', 'sorter?', '*', 'method?'], args, kwargs, ctx);
    return searchsorted(rt, a.required('a'), a.required('v'), sideOf(a.opt('side')), a.opt('sorter') ?? null, a.opt('method') ?? 'scan', ctx);
  },
  digitize: (rt, args, kwargs, ctx) => {
    const a = bindArgs('digitize', ['x', 'bins', 'right?', '*', 'method?'], args, kwargs, ctx);
    return digitize(rt, a.required('x'), a.required('bins'), a.bool('right', false), ctx);
  },
  bincount: (rt, args, kwargs, ctx) => {
    const a = bindArgs('bincount', ['x', 'weights?', 'minlength?', '*', 'length?'], args, kwargs, ctx);
    return bincount(rt, a.required('x'), a.opt('weights') ?? null, a.int('minlength', 0), a.opt('length') ?? null, ctx);
  },
  histogram_bin_edges: (rt, args, kwargs, ctx) => {
    const a = bindArgs('histogram_bin_edges', ['a', 'bins?', 'range?', 'weights?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx);
    const dtype = isInexact(x.dtype) ? x.dtype : rt.floatDtype;
    return L.op(rt, () => L.wrap(rt, binEdges(rt, x, dtype, a.opt('bins') ?? 10n, a.opt('range') ?? null, ctx), false, false));
  },
  histogram: (rt, args, kwargs, ctx) => {
    const a = bindArgs('histogram', ['a', 'bins?', 'range?', 'weights?', 'density?'], args, kwargs, ctx);
    const density = a.opt('density');
    return histogram(rt, a.required('a'), a.opt('bins') ?? 10n, a.opt('range') ?? null, a.opt('weights') ?? null, density !== undefined && density !== null && a.bool('density', false), ctx);
  },
  interp: (rt, args, kwargs, ctx) => {
    const a = bindArgs('interp', ['x', 'xp', 'fp', 'left?', 'right?', 'period?'], args, kwargs, ctx);
    return interp(rt, a.required('x'), a.required('xp'), a.required('fp'), a.opt('left') ?? null, a.opt('right') ?? null, a.opt('period') ?? null, ctx);
  },
};
