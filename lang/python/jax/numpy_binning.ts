/**
 * NumPy's binning and lookup functions on NumPy arrays, computed on the host as NumPy 1.24 computes
 * them: `searchsorted` (npy_binsearch: NaNs sort last; `sorter` checked as it is read),
 * `bincount` (compiled_base.c), `interp` (compiled_base.c's arr_interp: binary_search_with_guess
 * and its slope formula, in float64) and `histogram` (lib/histograms.py: equal bins located by
 * (x - first) * norm and corrected against the edges; explicit edges by a search of the sorted
 * samples; `bins='auto'` and the other named rules by numpy_bin_estimators.ts); `ndarray.searchsorted`.
 * jax.numpy's versions, traced, are numpy_search.ts's.
 */
import { type DType, isFloat } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue, floatRepr, toFloat, typeName } from '../interpreter';
import { PyArray, type ArrayMethod, type JaxRuntime } from './array';
import * as L from './lax';
import { BIN_WIDTH_ESTIMATORS } from './numpy_bin_estimators';
import { numpySum } from './numpy_pairwise';
import { SEARCH_FUNCTIONS } from './numpy_search';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, true);

export function make(rt: JaxRuntime, shape: readonly number[], dtype: DType, values: ArrayLike<number>): PyArray {
  return L.op(rt, () => new PyArray(rt, rt.generate(shape, dtype, (i) => values[i]!), false, true));
}

/** NumPy's sort order for floats: NaN after everything (npy_binsearch's LT). */
export const lessThan = (p: number, q: number): boolean => p < q || (q !== q && p === p);

/** A 1-D argument: NumPy's PyArray_ContiguousFromAny(x, type, 1, 1) refuses more dimensions so. */
function oneD(x: PyArray): void {
  if (x.shape.length > 1) throw pyError('ValueError', 'object too deep for desired array');
}

/** npy_binsearch (left: the first i with a[i] >= v; right: the first i with a[i] > v), through `sorter` when given. */
export function searchSorted(a: ArrayLike<number>, v: number, right: boolean, sorter: ArrayLike<number> | null): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    let k = mid;
    if (sorter) {
      k = sorter[mid]!;
      if (k < 0 || k >= a.length) throw pyError('ValueError', 'Sorter index out of range.');
    }
    const below = right ? !lessThan(v, a[k]!) : lessThan(a[k]!, v);
    if (below) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** compiled_base.c's binary_search_with_guess: the j with a[j] <= key < a[j + 1], -1 below, len above. */
function searchWithGuess(key: number, a: ArrayLike<number>, guess0: number): number {
  const len = a.length;
  const CACHE = 8;
  let imin = 0;
  let imax = len;
  if (key > a[len - 1]!) return len;
  if (key < a[0]!) return -1;
  if (len <= 4) {
    let i = 1;
    while (i < len && key >= a[i]!) i++;
    return i - 1;
  }
  const guess = Math.max(1, Math.min(guess0, len - 3));
  if (key < a[guess]!) {
    if (key < a[guess - 1]!) {
      imax = guess - 1;
      if (guess > CACHE && key >= a[guess - CACHE]!) imin = guess - CACHE;
    } else return guess - 1;
  } else if (key < a[guess + 1]!) return guess;
  else if (key < a[guess + 2]!) return guess + 1;
  else {
    imin = guess + 2;
    if (guess < len - CACHE - 1 && key < a[guess + CACHE]!) imax = guess + CACHE;
  }
  while (imin < imax) {
    const imid = imin + ((imax - imin) >> 1);
    if (key >= a[imid]!) imin = imid + 1;
    else imax = imid;
  }
  return imin - 1;
}

/** arr_interp: x's values interpolated on (xp, fp), float64. */
function interp(x: ArrayLike<number>, xp: ArrayLike<number>, fp: ArrayLike<number>, left: number, right: number): Float64Array {
  const out = new Float64Array(x.length);
  const n = xp.length;
  if (n === 1) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! < xp[0]! ? left : x[i]! > xp[0]! ? right : fp[0]!;
    return out;
  }
  // NB: arr_interp precomputes the slopes only when there are fewer of them than x values; both give the same numbers.
  const slope = (j: number) => (fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) {
      out[i] = v;
      continue;
    }
    j = searchWithGuess(v, xp, j);
    if (j === -1) out[i] = left;
    else if (j === n) out[i] = right;
    else if (j === n - 1 || xp[j] === v) out[i] = fp[j]!;
    else {
      const s = slope(j);
      let r = s * (v - xp[j]!) + fp[j]!;
      // If we get NaN in one direction, try the other (arr_interp's words).
      if (Number.isNaN(r)) {
        r = s * (v - xp[j + 1]!) + fp[j + 1]!;
        if (Number.isNaN(r) && fp[j] === fp[j + 1]) r = fp[j]!;
      }
      out[i] = r;
    }
  }
  return out;
}

/** np.interp's period: x and xp wrapped into [0, period), xp sorted with fp, one point added each side from the other end. */
function periodic(xv: ArrayLike<number>, xpv: ArrayLike<number>, fpv: ArrayLike<number>, period: number) {
  // Python's float %: fmod, moved into [0, period) when it has the other sign.
  const wrap = (v: number) => {
    const r = v % period;
    return r < 0 ? r + period : r === 0 ? 0 : r;
  };
  const xs = Array.from(xpv, wrap);
  const order = xs.map((_, i) => i).sort((p, q) => xs[p]! - xs[q]! || p - q);
  const xp = order.map((i) => xs[i]!);
  const fp = order.map((i) => fpv[i]!);
  const n = xp.length;
  return {
    x: Float64Array.from(xv, wrap),
    xp: [xp[n - 1]! - period, ...xp, xp[0]! + period],
    fp: [fp[n - 1]!, ...fp, fp[0]!],
  };
}

function bincount(rt: JaxRuntime, xv: PyValue, weights: PyValue, minlength: number, ctx: HostContext): PyArray {
  const x = arr(rt, xv, ctx);
  oneD(x);
  // NB: a list of integral floats is cast as NumPy casts a list ('same_kind'); a float array is refused ('safe').
  if (isFloat(x.dtype) && xv instanceof PyArray) throw pyError('TypeError', `Cannot cast array data from dtype('${x.dtype}') to dtype('int64') according to the rule 'safe'`);
  const values = Array.from(x.values(ctx, 'numpy'), Math.trunc);
  if (minlength < 0) throw pyError('ValueError', "'minlength' must not be negative");
  if (values.some((v) => v < 0)) throw pyError('ValueError', "'list' argument must have no negative elements");
  const length = Math.max(minlength, values.length === 0 ? 0 : Math.max(...values) + 1);
  const counts = new Float64Array(length);
  if (weights === null) {
    for (const v of values) counts[v]! += 1;
    return make(rt, [length], rt.intDtype(true), counts);
  }
  const w = arr(rt, weights, ctx);
  oneD(w);
  if (w.shape[0] !== values.length || w.shape.length !== 1) throw pyError('ValueError', "The weights and list don't have the same length.");
  const wv = w.values(ctx, 'numpy');
  values.forEach((v, i) => { counts[v]! += wv[i]!; });
  return make(rt, [length], 'float64', counts);
}

export const sameShape = (p: readonly number[], q: readonly number[]) => p.length === q.length && p.every((d, i) => d === q[i]);

/** histograms.py's _get_outer_edges: the range, or the data's min and max, widened by 0.5 each way when equal. */
export function outerEdges(values: ArrayLike<number>, range: PyValue, ctx: HostContext): [number, number] {
  let first: number;
  let last: number;
  if (range !== null) {
    if (!(range instanceof PyTuple || range instanceof PyList) || range.items.length !== 2) throw pyError('ValueError', 'too many values to unpack (expected 2)');
    [first, last] = range.items.map((v) => toFloat(v, ctx)) as [number, number];
    if (first > last) throw pyError('ValueError', 'max must be larger than min in range parameter.');
    if (!Number.isFinite(first) || !Number.isFinite(last)) throw pyError('ValueError', `supplied range of [${range.items.map((v) => (typeof v === 'number' ? floatRepr(v) : String(v))).join(', ')}] is not finite`);
  } else if (values.length === 0) {
    [first, last] = [0, 1];
  } else {
    first = Infinity;
    last = -Infinity;
    let nan = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) nan = true;
      first = Math.min(first, v);
      last = Math.max(last, v);
    }
    if (nan) [first, last] = [NaN, NaN];
    if (!Number.isFinite(first) || !Number.isFinite(last)) throw pyError('ValueError', `autodetected range of [${floatRepr(first)}, ${floatRepr(last)}] is not finite`);
  }
  if (first === last) return [first - 0.5, last + 0.5];
  return [first, last];
}


/** np.linspace(first, last, n + 1) in float64: i * step + first, the last edge exactly `last`. */
export function linspaceEdges(first: number, last: number, n: number): number[] {
  const step = (last - first) / n;
  return Array.from({ length: n + 1 }, (_, i) => (i === n ? last : i * step + first));
}

/** Equal bins over [first, last], located as histograms.py locates a sample: (a - first) * norm, in the samples' float dtype. */
interface UniformBins { readonly first: number; readonly last: number; readonly norm: number; readonly n: number; readonly round: (v: number) => number }

interface BinEdges { readonly edges: number[]; readonly dtype: DType; readonly uniform: UniformBins | null }

/** histograms.py's _get_bin_edges: explicit edges, or `n` equal bins, n given or estimated by a named rule. */
function binEdges(rt: JaxRuntime, x: PyArray, values: ArrayLike<number>, binsArg: PyValue, range: PyValue, weighted: boolean, ctx: HostContext): BinEdges {
  if (binsArg instanceof PyList || binsArg instanceof PyTuple || binsArg instanceof PyArray) {
    const b = arr(rt, binsArg, ctx);
    if (b.shape.length !== 1) throw pyError('ValueError', '`bins` must be 1d, when an array');
    const edges = Array.from(b.values(ctx, 'numpy'));
    for (let i = 1; i < edges.length; i++) if (edges[i - 1]! > edges[i]!) throw pyError('ValueError', '`bins` must increase monotonically, when an array');
    return { edges, dtype: b.dtype, uniform: null };
  }
  let n: number;
  if (typeof binsArg === 'string') {
    n = estimatedBins(x, values, binsArg, range, weighted, ctx);
  } else {
    if (typeof binsArg !== 'bigint' && typeof binsArg !== 'boolean') throw pyError('TypeError', '`bins` must be an integer, a string, or an array');
    n = Number(binsArg);
    if (n < 1) throw pyError('ValueError', '`bins` must be positive, when an integer');
  }
  const f32 = x.dtype === 'float32';
  let [first, last] = outerEdges(values, range, ctx);
  // NB: float32 samples' own min and max widen in float32 (np.float32 - 0.5), and their difference is float32's.
  if (f32 && range === null) [first, last] = [Math.fround(first), Math.fround(last)];
  const round = f32 ? Math.fround : (v: number) => v;
  // np.linspace(first, last, n + 1), in the samples' float dtype.
  const edges = linspaceEdges(first, last, n).map(round);
  const span = range === null ? round(last - first) : last - first;
  return { edges, dtype: f32 ? 'float32' : 'float64', uniform: { first: round(first), last: round(last), norm: round(n / span), n, round } };
}

/** The number of equal bins a named rule gives: ceil(range / width), 1 where it gives no width or no samples. */
function estimatedBins(x: PyArray, values: ArrayLike<number>, rule: string, range: PyValue, weighted: boolean, ctx: HostContext): number {
  const estimator = BIN_WIDTH_ESTIMATORS[rule];
  if (!estimator) throw pyError('ValueError', `'${rule}' is not a valid estimator for \`bins\``);
  if (weighted) throw pyError('TypeError', 'Automated estimation of the number of bins is not supported for weighted data');
  if (x.dtype === 'float32') throw pyError('NotImplementedError', `numpy.histogram(..., bins='${rule}') of a float32 array is not supported by Gradlens: convert it with .astype(np.float64) first`);
  const [first, last] = outerEdges(values, range, ctx);
  const kept = Float64Array.from(values).filter((v) => v >= first && v <= last);
  if (kept.length === 0) return 1;
  const uniformCounts = (nbins: number) => {
    const edges = linspaceEdges(first, last, nbins);
    return binCounts(kept, null, edges, { first, last, norm: nbins / (last - first), n: nbins, round: (v) => v });
  };
  const width = estimator({ x: kept, counts: uniformCounts, ctx });
  return width ? Math.ceil((last - first) / width) : 1;
}

/** The (weighted) count of samples in each bin, the last bin closed. */
function binCounts(values: ArrayLike<number>, weights: ArrayLike<number> | null, edges: readonly number[], uniform: UniformBins | null): Float64Array {
  const nb = edges.length - 1;
  const counts = new Float64Array(Math.max(nb, 0));
  if (uniform) {
    const { first, last, norm, n, round } = uniform;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= first && v <= last)) continue;
      let k = Math.trunc(round(round(v - first) * norm));
      if (k === n) k -= 1;
      if (v < edges[k]!) k -= 1;
      else if (v >= edges[k + 1]! && k !== n - 1) k += 1;
      counts[k]! += weights ? weights[i]! : 1;
    }
    return counts;
  }
  // _search_sorted_inclusive over the sorted samples (their weights' running sums): the last edge inclusive.
  const order = Array.from({ length: values.length }, (_, i) => i).sort((p, q) => (lessThan(values[p]!, values[q]!) ? -1 : lessThan(values[q]!, values[p]!) ? 1 : p - q));
  const sorted = order.map((i) => values[i]!);
  const cumulative = [0];
  for (const i of order) cumulative.push(cumulative[cumulative.length - 1]! + (weights ? weights[i]! : 1));
  const at = edges.map((e, k) => searchSorted(sorted, e, k === edges.length - 1, null));
  for (let k = 0; k < nb; k++) counts[k] = cumulative[at[k + 1]!]! - cumulative[at[k]!]!;
  return counts;
}

function histogram(rt: JaxRuntime, xv: PyValue, binsArg: PyValue, range: PyValue, density: boolean, weightsArg: PyValue, ctx: HostContext): PyTuple {
  const x = arr(rt, xv, ctx);
  const values = x.values(ctx, 'numpy');
  let weights: ArrayLike<number> | null = null;
  let countDtype: DType = rt.intDtype(true);
  if (weightsArg !== null) {
    const w = arr(rt, weightsArg, ctx);
    if (!sameShape(w.shape, x.shape)) throw pyError('ValueError', 'weights should have the same shape as a.');
    weights = w.values(ctx, 'numpy');
    countDtype = w.dtype === 'bool' ? rt.intDtype(true) : w.dtype;
  }
  const { edges, dtype, uniform } = binEdges(rt, x, values, binsArg, range, weights !== null, ctx);
  const nb = edges.length - 1;
  const counts = binCounts(values, weights, edges, uniform);
  let hist = make(rt, [nb], countDtype, counts);
  if (density) {
    const total = numpySum(counts, [nb], [0])[0]!;
    const dens = Array.from(counts, (c, k) => c / (edges[k + 1]! - edges[k]!) / total);
    hist = make(rt, [nb], 'float64', dens);
  }
  return new PyTuple([hist, make(rt, [edges.length], dtype, edges)]);
}

export const BINNING_FUNCTIONS: Readonly<Record<string, Fn>> = {
  searchsorted: (rt, args, kwargs, ctx) => {
    const a = bindArgs('searchsorted', ['a', 'v', 'side?', 'sorter?'], args, kwargs, ctx);
    const sorted = arr(rt, a.required('a'), ctx);
    oneD(sorted);
    const side = a.opt('side') ?? 'left';
    if (typeof side !== 'string') throw pyError('TypeError', `search side must be str, not ${typeName(side)}`);
    if (side !== 'left' && side !== 'right') throw pyError('ValueError', `search side must be 'left' or 'right' (got '${side}')`);
    const v = arr(rt, a.required('v'), ctx);
    const sorterArg = a.opt('sorter');
    const sorter = sorterArg === undefined || sorterArg === null ? null : arr(rt, sorterArg, ctx).values(ctx, 'numpy');
    const av = sorted.values(ctx, 'numpy');
    const vv = v.values(ctx, 'numpy');
    const out = Array.from(vv, (q) => searchSorted(av, q, side === 'right', sorter));
    return make(rt, v.shape, rt.intDtype(true), out);
  },
  bincount: (rt, args, kwargs, ctx) => {
    const a = bindArgs('bincount', ['x', 'weights?', 'minlength?'], args, kwargs, ctx);
    return bincount(rt, a.required('x'), a.opt('weights') ?? null, a.int('minlength', 0), ctx);
  },
  interp: (rt, args, kwargs, ctx) => {
    const a = bindArgs('interp', ['x', 'xp', 'fp', 'left?', 'right?', 'period?'], args, kwargs, ctx);
    const fp = arr(rt, a.required('fp'), ctx);
    const xp = arr(rt, a.required('xp'), ctx);
    const x = arr(rt, a.required('x'), ctx);
    const periodArg = a.opt('period') ?? null;
    if (periodArg !== null) {
      const period = Math.abs(toFloat(periodArg, ctx));
      if (period === 0) throw pyError('ValueError', 'period must be a non-zero value');
      if (xp.shape.length !== 1 || fp.shape.length !== 1) throw pyError('ValueError', 'Data points must be 1-D sequences');
      if (xp.shape[0] !== fp.shape[0]) throw pyError('ValueError', 'fp and xp are not of the same length');
      if (xp.shape[0] === 0) throw pyError('ValueError', 'array of sample points is empty');
      const wrapped = periodic(x.values(ctx, 'numpy'), xp.values(ctx, 'numpy'), fp.values(ctx, 'numpy'), period);
      return make(rt, x.shape, 'float64', interp(wrapped.x, wrapped.xp, wrapped.fp, wrapped.fp[0]!, wrapped.fp[wrapped.fp.length - 1]!));
    }
    oneD(fp);
    oneD(xp);
    const n = xp.shape[0] ?? 1;
    if (n === 0) throw pyError('ValueError', 'array of sample points is empty');
    if ((fp.shape[0] ?? 1) !== n) throw pyError('ValueError', 'fp and xp are not of the same length.');
    const fpv = fp.values(ctx, 'numpy');
    const left = a.opt('left');
    const right = a.opt('right');
    const lval = left === undefined || left === null ? fpv[0]! : toFloat(left, ctx);
    const rval = right === undefined || right === null ? fpv[n - 1]! : toFloat(right, ctx);
    return make(rt, x.shape, 'float64', interp(x.values(ctx, 'numpy'), xp.values(ctx, 'numpy'), fpv, lval, rval));
  },
  histogram_bin_edges: (rt, args, kwargs, ctx) => {
    const a = bindArgs('histogram_bin_edges', ['a', 'bins?', 'range?', 'weights?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx);
    const weights = a.opt('weights') ?? null;
    if (weights !== null && !sameShape(arr(rt, weights, ctx).shape, x.shape)) throw pyError('ValueError', 'weights should have the same shape as a.');
    const { edges, dtype } = binEdges(rt, x, x.values(ctx, 'numpy'), a.opt('bins') ?? 10n, a.opt('range') ?? null, weights !== null, ctx);
    return make(rt, [edges.length], dtype, edges);
  },
  histogram: (rt, args, kwargs, ctx) => {
    const a = bindArgs('histogram', ['a', 'bins?', 'range?', 'density?', 'weights?'], args, kwargs, ctx);
    const density = a.opt('density');
    return histogram(rt, a.required('a'), a.opt('bins') ?? 10n, a.opt('range') ?? null, density !== undefined && density !== null && a.bool('density', false), a.opt('weights') ?? null, ctx);
  },
};

export const BINNING_ARRAY_METHODS: Readonly<Record<string, ArrayMethod>> = {
  // NB: a jax Array's method is jax.numpy's (traced), a NumPy array's NumPy's (on the host).
  searchsorted: (self, args, kwargs, ctx) => (self.numpy ? BINNING_FUNCTIONS : SEARCH_FUNCTIONS).searchsorted!(self.rt, [self, ...args], kwargs, ctx, self.numpy),
};
