/**
 * NumPy 1.24's `digitize` (lib/function_base.py over compiled_base.c's monotonicity check) and
 * `histogramdd`/`histogram2d` (lib/histograms.py, lib/twodim_base.py) on NumPy arrays, on the host in
 * float64 as NumPy computes them: each dimension's edges from np.linspace over the data's (or the
 * given) range, or given; each sample's bin by searchsorted(side='right'), a sample on the last edge
 * counted in the last bin; counts (or weights, added in sample order as bincount adds them) per bin,
 * the outliers dropped; `density` divides by each dimension's bin widths, then by the total.
 */
import { isInteger } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue, toFloat } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { linspaceEdges, make, outerEdges, searchSorted } from './numpy_binning';
import { numpySum } from './numpy_pairwise';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, true);

/** compiled_base.c's check_array_monotonic: 1 increasing (or all equal), -1 decreasing, 0 neither. */
function monotonicity(a: ArrayLike<number>): -1 | 0 | 1 {
  let i = 1;
  while (i < a.length && a[i] === a[0]) i++;
  if (i >= a.length) return 1;
  const increasing = a[0]! < a[i]!;
  for (i += 1; i < a.length; i++) {
    if (increasing ? a[i - 1]! > a[i]! : a[i - 1]! < a[i]!) return 0;
  }
  return increasing ? 1 : -1;
}

function digitize(rt: JaxRuntime, xArg: PyValue, binsArg: PyValue, right: boolean, ctx: HostContext): PyArray {
  const x = arr(rt, xArg, ctx);
  const bins = arr(rt, binsArg, ctx);
  // NB: PyArray_ContiguousFromAny(bins, NPY_DOUBLE, 1, 1)'s words for the wrong depth.
  if (bins.shape.length === 0) throw pyError('ValueError', 'object of too small depth for desired array');
  if (bins.shape.length > 1) throw pyError('ValueError', 'object too deep for desired array');
  const edges = bins.values(ctx, 'numpy');
  const mono = monotonicity(edges);
  if (mono === 0) throw pyError('ValueError', 'bins must be monotonically increasing or decreasing');
  // side='left' when right, else 'right'; decreasing bins are searched reversed and counted from the end.
  const searchRight = !right;
  const reversed = mono === -1 ? Array.from(edges).reverse() : edges;
  const out = Array.from(x.values(ctx, 'numpy'), (v) => {
    const k = searchSorted(reversed, v, searchRight, null);
    return mono === -1 ? edges.length - k : k;
  });
  return make(rt, x.shape, 'int64', out);
}

/** The items of a sequence argument (a list, a tuple or an array's rows), or null for a scalar. */
function itemsOf(v: PyValue, rt: JaxRuntime, ctx: HostContext): PyValue[] | null {
  if (v instanceof PyList || v instanceof PyTuple) return [...v.items];
  if (v instanceof PyArray && v.shape.length > 0) return Array.from({ length: v.shape[0]! }, (_, i) => L.getIndex(rt, v, BigInt(i), ctx));
  return null;
}

/** One dimension's edges: np.linspace over the outer edges for a bin count, or the given 1-D edges. */
function edgesOf(rt: JaxRuntime, bins: PyValue, column: Float64Array, range: PyValue, i: number, ctx: HostContext): { edges: number[]; dtype: 'int64' | 'float64' } {
  const given = bins instanceof PyList || bins instanceof PyTuple || bins instanceof PyArray ? arr(rt, bins, ctx) : null;
  if (given === null || given.shape.length === 0) {
    const count = given !== null ? given.values(ctx, 'numpy')[0]! : toFloat(bins, ctx);
    if (count < 1) throw pyError('ValueError', `\`bins[${i}]\` must be positive, when an integer`);
    // operator.index(bins[i]): an integer or a bool, never a float.
    const integral = given !== null ? given.dtype === 'bool' || isInteger(given.dtype) : typeof bins === 'bigint' || typeof bins === 'boolean';
    if (!integral) throw pyError('TypeError', `\`bins[${i}]\` must be an integer, when a scalar`);
    const n = count;
    const [first, last] = outerEdges(column, range, ctx);
    return { edges: linspaceEdges(first, last, n), dtype: 'float64' };
  }
  if (given.shape.length > 1) throw pyError('ValueError', `\`bins[${i}]\` must be a scalar or 1d array`);
  const edges = Array.from(given.values(ctx, 'numpy'));
  for (let k = 1; k < edges.length; k++) if (edges[k - 1]! > edges[k]!) throw pyError('ValueError', `\`bins[${i}]\` must be monotonically increasing, when an array`);
  if (given.dtype !== 'float64' && given.dtype !== 'int64') {
    throw pyError('NotImplementedError', `histogram edges of dtype ${given.dtype} are not supported by Gradlens; pass them as float64 (edges.astype(np.float64))`);
  }
  return { edges, dtype: given.dtype };
}

function histogramdd(rt: JaxRuntime, sampleArg: PyValue, binsArg: PyValue, rangeArg: PyValue, density: boolean, weightsArg: PyValue, ctx: HostContext): { hist: PyArray; edges: PyArray[] } {
  let sample = arr(rt, sampleArg, ctx);
  // NB: histogramdd reads a sample that is not (N, D) as np.atleast_2d(sample).T: a list of D coordinate arrays.
  if (sample.shape.length !== 2 || !(sampleArg instanceof PyArray)) sample = L.transpose(rt, sample.shape.length < 2 ? L.reshape(rt, sample, [1, sample.shape[0] ?? 1]) : sample);
  if (sample.shape.length !== 2) throw pyError('ValueError', 'too many values to unpack (expected 2)');
  const [n, d] = sample.shape as [number, number];
  const values = sample.values(ctx, 'numpy');
  const binsPerDimension = itemsOf(binsArg, rt, ctx);
  if (binsPerDimension !== null && binsPerDimension.length !== d) throw pyError('ValueError', 'The dimension of bins must be equal to the dimension of the sample x.');
  const ranges = rangeArg === null ? null : itemsOf(rangeArg, rt, ctx);
  if (ranges !== null && ranges.length !== d) throw pyError('ValueError', 'range argument must have one entry per dimension');
  const dims = Array.from({ length: d }, (_, i) => {
    const column = Float64Array.from({ length: n }, (_, k) => values[k * d + i]!);
    return { column, ...edgesOf(rt, binsPerDimension?.[i] ?? binsArg, column, ranges?.[i] ?? null, i, ctx) };
  });
  let weights: ArrayLike<number> | null = null;
  if (weightsArg !== null) {
    const w = arr(rt, weightsArg, ctx);
    if (w.shape.length > 1) throw pyError('ValueError', 'object too deep for desired array');
    if ((w.shape[0] ?? 1) !== n) throw pyError('ValueError', "The weights and list don't have the same length.");
    weights = w.values(ctx, 'numpy');
  }
  const shape = dims.map((dim) => dim.edges.length - 1);
  const hist = new Float64Array(shape.reduce((p, q) => p * q, 1));
  for (let k = 0; k < n; k++) {
    let flat = 0;
    let inside = true;
    for (let i = 0; i < d; i++) {
      const { column, edges } = dims[i]!;
      // searchsorted(edges, x, side='right'): 0 and len(edges) are the outlier bins; the last edge is closed.
      let bin = searchSorted(edges, column[k]!, true, null);
      if (column[k] === edges[edges.length - 1]) bin -= 1;
      if (bin < 1 || bin > shape[i]!) inside = false;
      flat = flat * shape[i]! + bin - 1;
    }
    if (inside) hist[flat]! += weights ? weights[k]! : 1;
  }
  if (density) {
    const total = numpySum(hist, shape, shape.map((_, i) => i))[0]!;
    for (let i = 0; i < d; i++) {
      const { edges } = dims[i]!;
      const inner = shape.slice(i + 1).reduce((p, q) => p * q, 1);
      hist.forEach((v, k) => { const b = Math.floor(k / inner) % shape[i]!; hist[k] = v / (edges[b + 1]! - edges[b]!); });
    }
    hist.forEach((v, k) => { hist[k] = v / total; });
  }
  return { hist: make(rt, shape, 'float64', hist), edges: dims.map((dim) => make(rt, [dim.edges.length], dim.dtype, dim.edges)) };
}

export const HISTOGRAMDD_FUNCTIONS: Readonly<Record<string, Fn>> = {
  digitize: (rt, args, kwargs, ctx) => {
    const a = bindArgs('digitize', ['x', 'bins', 'right?'], args, kwargs, ctx);
    return digitize(rt, a.required('x'), a.required('bins'), a.bool('right', false), ctx);
  },
  histogramdd: (rt, args, kwargs, ctx) => {
    const a = bindArgs('histogramdd', ['sample', 'bins?', 'range?', 'density?', 'weights?'], args, kwargs, ctx);
    const density = a.opt('density') ?? null;
    const { hist, edges } = histogramdd(rt, a.required('sample'), a.opt('bins') ?? 10n, a.opt('range') ?? null, density !== null && a.bool('density', false), a.opt('weights') ?? null, ctx);
    return new PyTuple([hist, new PyList(edges)]);
  },
  histogram2d: (rt, args, kwargs, ctx) => {
    const a = bindArgs('histogram2d', ['x', 'y', 'bins?', 'range?', 'density?', 'weights?'], args, kwargs, ctx);
    const x = arr(rt, a.required('x'), ctx);
    const y = arr(rt, a.required('y'), ctx);
    if ((x.shape[0] ?? 0) !== (y.shape[0] ?? 0)) throw pyError('ValueError', 'x and y must have the same length.');
    let bins = a.opt('bins') ?? 10n;
    const count = itemsOf(bins, rt, ctx)?.length ?? 1;
    // twodim_base.py: a bins sequence of neither 1 nor 2 entries is the edges of both dimensions.
    if (count !== 1 && count !== 2) bins = new PyList([bins, bins]);
    const density = a.opt('density') ?? null;
    const { hist, edges } = histogramdd(rt, new PyList([x, y]), bins, a.opt('range') ?? null, density !== null && a.bool('density', false), a.opt('weights') ?? null, ctx);
    return new PyTuple([hist, edges[0]!, edges[1]!]);
  },
};
