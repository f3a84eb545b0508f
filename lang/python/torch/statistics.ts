/**
 * Robust statistics and NaN-aware reductions: median/nanmedian, mode, quantile/nanquantile,
 * nansum/nanmean, std_mean/var_mean and diff, as PyTorch 1.13's CPU kernels compute them. Which
 * element a median or mode picks is decided on the host by PyTorch's own rule (median's
 * nth_element orders ties by index; mode takes the last of the winning run of std::sort), so the
 * gradient lands where PyTorch's does; the values are read through gather.
 */
import type { Tensor } from '../../../runtime/eager';
import { takeAlongAxis } from '../../../runtime/ops';
import { bindArgs, type Args, pyError, type HostContext, PyTuple, type PyValue, toFloat } from '../interpreter';
import { arith, asTensor } from './arith';
import { sortOrder } from './cpu_sort_order';
import { SCALAR_TYPE, isFloating } from './dtype';
import { returnTuple } from './return_types';
import { PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** Rows along `axis` read on the host: `pick` gives one position per row; the result has 1 along `axis`. */
function pickAlong(x: PyTensor, axis: number, pick: (row: number[]) => number): Tensor {
  const values = x.values();
  const shape = x.shape.length === 0 ? [1] : x.shape;
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) out[o * inner + i] = pick(Array.from({ length: n }, (_, j) => values[(o * n + j) * inner + i]));
  }
  return x.rt.engine.fromValues(out, shape.map((d, i) => (i === axis ? 1 : d)), 'int32');
}

/** Median's position in a row (Sorting.cpp median_with_indices_impl): the first NaN, else the ((m-1)/2)-th in (value, index) order. */
function medianPosition(row: readonly number[], ignoreNan: boolean): number {
  if (!ignoreNan) {
    const nan = row.findIndex((v) => Number.isNaN(v));
    if (nan >= 0) return nan;
  }
  const order = row.map((_, i) => i).sort((i, j) => (Number.isNaN(row[i]) ? 1 : 0) - (Number.isNaN(row[j]) ? 1 : 0) || row[i] - row[j] || i - j);
  const numbers = row.filter((v) => !Number.isNaN(v)).length;
  return order[Math.trunc((numbers - 1) / 2)] ?? 0;
}

/** mode's answer (Sorting.cpp mode kernel): the most frequent value, the smallest at a tie; its index the last of its run in std::sort's order. */
function modePosition(row: readonly number[]): number {
  const order = sortOrder(row, false);
  let best = 0;
  let bestCount = 0;
  let run = 0;
  for (let i = 0; i < order.length; i++) {
    run++;
    if (i === order.length - 1 || row[order[i]] !== row[order[i + 1]]) {
      if (run > bestCount) {
        best = order[i];
        bestCount = run;
      }
      run = 0;
    }
  }
  return best;
}

/** The values at one picked position per row along `dim`, and the positions, as PyTorch's (values, indices). */
function selectAlong(x: PyTensor, dim: number, keepdim: boolean, name: string, tuple: string, pick: (row: number[]) => number): PyTuple {
  const rt = x.rt;
  const axis = T.axis(x, dim);
  if (x.shape.length > 0 && x.shape[axis] === 0) throw pyError('IndexError', `${tuple}(): Expected reduction dim ${axis} to have non-zero size.`);
  return rt.run(() => {
    const idx = pickAlong(x, x.shape.length === 0 ? 0 : axis, pick);
    const t = x.shape.length === 0 ? rt.ops.reshape(x.t, [1]) : x.t;
    const shrink = (v: Tensor) => (x.shape.length === 0 ? rt.ops.reshape(v, []) : keepdim ? v : rt.ops.squeeze(v, [axis]));
    const values = rt.engine.composite(name, () => shrink(takeAlongAxis(rt.ops, t, idx, x.shape.length === 0 ? 0 : axis)));
    return returnTuple(tuple, ['values', 'indices'], [rt.wrap(values, x.dtype), rt.wrap(shrink(idx), 'int64')]);
  });
}

/**
 * The median of all elements (median_impl): its gradient spread evenly over every element equal
 * to it (evenly_distribute_backward), all NaNs when it is NaN. The value is the picked element
 * itself; the spread adds (s - s), an exact zero, that carries the gradient.
 */
function medianAll(x: PyTensor, ignoreNan: boolean): PyTensor {
  const rt = x.rt;
  const o = rt.ops;
  if (x.numel === 0) return rt.fromValues([NaN], [], x.dtype);
  const values = x.values();
  const picked = values[medianPosition(values, ignoreNan)];
  return rt.run(() => {
    const flat = o.reshape(x.t, [x.numel]);
    const out = rt.engine.composite(ignoreNan ? 'NanmedianBackward0' : 'MedianBackward0', () => {
      const value = o.scalar(picked, flat.dtype);
      const equal = Number.isNaN(picked) ? o.ne(flat, flat) : o.eq(flat, o.broadcastTo(value, flat.shape));
      const count = values.filter((v) => (Number.isNaN(picked) ? Number.isNaN(v) : v === picked)).length;
      const share = o.div(o.reduceSum(o.select(equal, flat, o.zerosLike(flat)), [0]), o.scalar(count, flat.dtype));
      return o.add(value, o.sub(share, share.detach()));
    });
    return rt.wrap(out, x.dtype);
  });
}

function median(x: PyTensor, a: Args, ignoreNan: boolean): PyValue {
  const name = ignoreNan ? 'nanmedian' : 'median';
  if (a.opt('dim') === undefined) return medianAll(x, ignoreNan);
  return selectAlong(x, a.int('dim'), a.bool('keepdim', false), ignoreNan ? 'NanmedianBackward1' : 'MedianBackward1', name, (row) => medianPosition(row, ignoreNan));
}

// ---- quantile

const INTERPOLATIONS = ['linear', 'lower', 'higher', 'midpoint', 'nearest'] as const;
type Interpolation = (typeof INTERPOLATIONS)[number];

function quantileQ(x: PyTensor, v: PyValue, ctx: HostContext, fname: string): { q: number[]; vector: boolean } {
  let q: number[];
  let vector = false;
  if (v instanceof PyTensor) {
    if (v.shape.length > 1) throw pyError('RuntimeError', `${fname}() q must be a scalar or 1D tensor`);
    if (v.dtype !== x.dtype) throw pyError('RuntimeError', `${fname}() q tensor must be same dtype as the input tensor`);
    q = v.values();
    vector = v.shape.length === 1;
  } else {
    q = [toFloat(v, ctx)];
  }
  for (const p of q) if (!(p >= 0 && p <= 1)) throw pyError('RuntimeError', `${fname}() q must be in the range [0, 1] but got ${p}`);
  return { q, vector };
}

/**
 * PyTorch's quantile_compute: each row sorted (std::sort's order, NaN last); the rank q (n - 1),
 * in the input's dtype (a row with NaN gives NaN, or for nanquantile n counts the numbers); the
 * values below and above the rank lerped by its fraction.
 */
function quantile(x: PyTensor, a: Args, ctx: HostContext, ignoreNan: boolean): PyTensor {
  const fname = ignoreNan ? 'nanquantile' : 'quantile';
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `${fname}() input tensor must be either float or double dtype`);
  const { q, vector } = quantileQ(x, a.required('q'), ctx, fname);
  const how = a.str('interpolation', 'linear');
  if (!(INTERPOLATIONS as readonly string[]).includes(how)) {
    throw pyError('RuntimeError', `${fname}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${how}`);
  }
  const interpolation = how as Interpolation;
  const keepdim = a.bool('keepdim', false);
  const dim = a.opt('dim') === undefined ? null : T.axis(x, a.int('dim'));
  if (x.numel === 0) throw pyError('RuntimeError', `${fname}() input tensor must be non-empty`);
  const rt = x.rt;
  const o = rt.ops;
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  // Rows along the last axis: the reduced dim moved last (or everything flattened).
  const rowsShape = dim === null ? [x.numel] : [...x.shape.filter((_, i) => i !== dim), x.shape[dim]];
  const n = rowsShape[rowsShape.length - 1];
  const lead = rowsShape.slice(0, -1);
  const rowCount = lead.reduce((p, d) => p * d, 1);
  const values = x.values();
  const rowsT = (t: Tensor) => (dim === null ? o.reshape(t, [x.numel]) : o.transpose(t, [...x.shape.map((_, i) => i).filter((i) => i !== dim), dim]));
  const hostRows = rt.run(() => Array.from(rowsT(rt.engine.fromValues(values, x.shape, 'float64')).dataSync()));
  const below: number[][] = q.map(() => []);
  const above: number[][] = q.map(() => []);
  const weights: number[][] = q.map(() => []);
  for (let r = 0; r < rowCount; r++) {
    const row = hostRows.slice(r * n, (r + 1) * n);
    const order = sortOrder(row, false);
    const numbers = row.filter((v) => !Number.isNaN(v)).length;
    q.forEach((p, k) => {
      let rank: number;
      if (ignoreNan) rank = Math.max(round(round(p) * (numbers - 1)), 0);
      else rank = numbers < n ? n - 1 : round(round(p) * (n - 1));
      if (interpolation === 'nearest') rank = roundHalfEven(rank);
      const lo = Math.trunc(rank);
      const hi = Math.ceil(rank);
      below[k].push(order[interpolation === 'higher' ? hi : lo]);
      above[k].push(order[hi]);
      weights[k].push(interpolation === 'midpoint' ? 0.5 : round(rank - lo));
    });
  }
  const outLead = dim === null ? [] : keepdim ? x.shape.map((d, i) => (i === dim ? 1 : d)) : lead;
  const qShape = vector ? [q.length] : [];
  const finalShape = dim === null && keepdim ? [...qShape, ...x.shape.map(() => 1)] : [...qShape, ...outLead];
  return rt.run(() => {
    const t = o.reshape(rowsT(x.t), [rowCount, n]);
    const at = (pos: number[][]) => o.reshape(rt.engine.fromValues(Int32Array.from(pos.flatMap((p) => p)), [q.length * rowCount], 'int32'), [q.length, rowCount, 1]);
    const rows = o.broadcastTo(o.reshape(t, [1, rowCount, n]), [q.length, rowCount, n]);
    const lo = takeAlongAxis(o, rows, at(below), 2);
    let out: Tensor;
    if (interpolation === 'lower' || interpolation === 'higher' || interpolation === 'nearest') out = lo;
    else {
      const hi = takeAlongAxis(o, rows, at(above), 2);
      const w = o.reshape(rt.engine.fromValues(weights.flat(), [q.length, rowCount, 1], x.t.dtype), [q.length, rowCount, 1]);
      out = rt.engine.composite('LerpBackward1', () => {
        const diff = o.sub(hi, lo);
        return o.select(o.lt(o.abs(w), o.scalarLike(0.5, w)), o.add(lo, o.mul(w, diff)), o.sub(hi, o.mul(diff, o.sub(o.onesLike(w), w))));
      });
    }
    return rt.wrap(T.rename(o.reshape(out, finalShape), [out], 'SqueezeBackward3'), x.dtype);
  });
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---- NaN-aware sums, fused moments, differences

function nansum(x: PyTensor, a: Args): PyTensor {
  const rt = x.rt;
  const dim = a.opt('dim') === undefined ? null : a.ints('dim') ?? null;
  if (!isFloating(x.dtype)) return T.sum(x, dim, a.bool('keepdim', false), null);
  return rt.run(() => {
    const cleaned = rt.wrap(rt.ops.select(rt.ops.ne(x.t, x.t), rt.ops.zerosLike(x.t), x.t), x.dtype);
    const out = T.sum(cleaned, dim, a.bool('keepdim', false), null);
    T.rename(out.t, [x.t], 'NansumBackward0');
    return out;
  });
}

function nanmean(x: PyTensor, a: Args): PyTensor {
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `nanmean(): expected input to have floating point dtype but got ${SCALAR_TYPE[x.dtype]}`);
  const rt = x.rt;
  const dim = a.opt('dim') === undefined ? null : a.ints('dim') ?? null;
  return rt.composite(() => {
    const numbers = rt.run(() => rt.wrap(rt.ops.eq(x.t, x.t), 'bool'));
    return arith(rt, 'div', nansum(x, a), T.sum(numbers, dim, a.bool('keepdim', false), null));
  });
}

/** std_mean and var_mean: both from one call, each node named as PyTorch's one node for the pair. */
function moments(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext, std: boolean): PyTuple {
  const fname = std ? 'std_mean' : 'var_mean';
  const a = bindArgs(fname, ['input', 'dim?', 'unbiased?', 'keepdim?', '*', 'correction?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  const dim = a.opt('dim') === undefined ? null : a.ints('dim') ?? null;
  const correction = a.opt('correction') !== undefined ? a.int('correction') : a.bool('unbiased', true) ? 1 : 0;
  const keepdim = a.bool('keepdim', false);
  const name = std ? 'StdMeanBackward0' : 'VarMeanBackward0';
  const spread = T.variance(x, dim, correction, keepdim, std);
  const mean = T.mean(x, dim, keepdim, null);
  for (const t of [spread, mean]) if (t.t.gradFn) t.t.gradFn.name = name;
  return new PyTuple([spread, mean]);
}

/** diff: prepend and append joined on, then x[1:] - x[:-1] along dim, n times (logical_xor for bool). */
function diff(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const n = a.int('n', 1);
  if (n < 0) throw pyError('RuntimeError', `order must be non-negative but got ${n}`);
  if (x.shape.length === 0) throw pyError('RuntimeError', 'diff expects input to be at least one-dimensional');
  const dim = a.int('dim', -1);
  const rt = x.rt;
  const part = (name: string) => {
    const v = a.opt(name);
    return v === undefined ? [] : [asTensor(rt, v, ctx, name)];
  };
  return rt.composite(() => {
    const parts = [...part('prepend'), x, ...part('append')];
    let out = parts.length === 1 ? x : T.cat(rt, parts, dim);
    const axis = T.axis(out, dim);
    for (let k = 0; k < n && out.shape[axis] > 0; k++) {
      const len = out.shape[axis];
      const cur = out;
      out = rt.run(() => {
        const cut = (from: number, to: number) => rt.ops.slice(cur.t, cur.shape.map((_, i) => (i === axis ? from : 0)), cur.shape.map((d, i) => (i === axis ? to : d)));
        if (cur.dtype === 'bool') return rt.wrap(rt.ops.ne(cut(1, len), cut(0, len - 1)), 'bool');
        return rt.result(rt.torch.sub(cut(1, len), cut(0, len - 1)), [cur]);
      });
    }
    return out;
  });
}

export const STATISTICS_METHODS: Readonly<Record<string, Method>> = {
  median: def('median', ['dim?', 'keepdim?'], (x, a) => median(x, a, false)),
  nanmedian: def('nanmedian', ['dim?', 'keepdim?'], (x, a) => median(x, a, true)),
  mode: def('mode', ['dim?', 'keepdim?'], (x, a) => selectAlong(x, a.int('dim', -1), a.bool('keepdim', false), 'ModeBackward0', 'mode', modePosition)),
  quantile: def('quantile', ['q', 'dim?', 'keepdim?', '*', 'interpolation?'], (x, a, ctx) => quantile(x, a, ctx, false)),
  nanquantile: def('nanquantile', ['q', 'dim?', 'keepdim?', '*', 'interpolation?'], (x, a, ctx) => quantile(x, a, ctx, true)),
  nansum: def('nansum', ['dim?', 'keepdim?', '*', 'dtype?'], nansum),
  nanmean: def('nanmean', ['dim?', 'keepdim?', '*', 'dtype?'], nanmean),
  diff: def('diff', ['n?', 'dim?', 'prepend?', 'append?'], diff),
};

/** Names whose `torch.f(input, ...)` form is the method. */
export const STATISTICS_FUNCTION_NAMES = Object.keys(STATISTICS_METHODS);

/** `torch.std_mean` and `torch.var_mean` (functions only, as in PyTorch). */
export function momentFunctions(rt: TorchRuntime): Record<string, (args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue> {
  return {
    std_mean: (args, kwargs, ctx) => moments(rt, args, kwargs, ctx, true),
    var_mean: (args, kwargs, ctx) => moments(rt, args, kwargs, ctx, false),
  };
}
