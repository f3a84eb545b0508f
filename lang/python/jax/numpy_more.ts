/**
 * The rest of `jax.numpy` (and `numpy`) that the JAX tutorials use: products (`vdot`, `outer`,
 * `tensordot`, `einsum`, `kron`), indexing (`take`, `take_along_axis`, `diag`, `trace`), shaping
 * (`pad`, `split`, `tile`, `repeat`, `meshgrid`), `logaddexp`, `isclose`, the `nan*` reductions
 * and `linalg.norm`; each composed of the runtime's primitives, so every transformation applies.
 */
import { isComplex, isInteger, sizeOf } from '../../../runtime/core';
import { bindArgs, opFunction, pyError, type HostContext, type NativeFn, PyList, PySlice, PyTuple, type Kwargs, type PyValue, toFloat, toIndex, toIntList, createModule, type PyModule } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { gatherAt } from './at';
import { factorizations, singularValueNorm } from './linalg';
import * as L from './lax';

const arr = L.arrayArgument;
import { Scalar, type Val } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

/** Two operands cast to their common dtype. */
function promoted(rt: JaxRuntime, a: PyArray, b: PyArray): [Val, Val, boolean] {
  const d = L.resultDtype(rt, [a, b].map((x) => ({ v: x.v, weak: x.weak, numpy: x.numpy })));
  return [L.cast(rt, a.v, d), L.cast(rt, b.v, d), a.weak && b.weak];
}

const ravel = (rt: JaxRuntime, v: Val) => rt.o.reshape(v, [sizeOf(v.shape)]);
const indexArray = (rt: JaxRuntime, values: readonly number[], shape: readonly number[] = [values.length]) => new PyArray(rt, rt.upload(values, shape, 'int32'), false, false);
const all = () => new PySlice(null, null, null);

/** a * b over a shared index space: `a` laid along `aAxes`, `b` along `bAxes` of `shape`. */
function einsumTerms(rt: JaxRuntime, operands: readonly { v: Val; labels: string }[], out: string, ctx: HostContext): Val {
  const o = rt.o;
  const labels = [...new Set(operands.flatMap((x) => [...x.labels]))];
  const size = new Map<string, number>();
  for (const x of operands) {
    if (new Set(x.labels).size !== x.labels.length) throw pyError('NotImplementedError', `einsum with a label repeated in one operand ('${x.labels}') is not supported by Gradlens; use jnp.diagonal or jnp.trace`);
    if (x.labels.length !== x.v.shape.length) throw pyError('ValueError', `einstein sum subscripts string contains too many subscripts for operand`);
    [...x.labels].forEach((l, i) => {
      const n = x.v.shape[i];
      const had = size.get(l);
      if (had !== undefined && had !== n && had !== 1 && n !== 1) throw pyError('ValueError', `Size of label '${l}' for operand does not match previous terms (${had} vs ${n}).`);
      size.set(l, Math.max(had ?? 1, n));
    });
  }
  const full = labels.map((l) => size.get(l)!);
  let product: Val | null = null;
  for (const x of operands) {
    const order = labels.filter((l) => x.labels.includes(l));
    const moved = o.transpose(x.v, order.map((l) => x.labels.indexOf(l)));
    const laid = o.reshape(moved, labels.map((l) => (x.labels.includes(l) ? size.get(l)! : 1)));
    const b = o.broadcastInDim(laid, full, full.map((_, i) => i));
    product = product === null ? b : o.mul(product, b);
  }
  const summed = labels.flatMap((l, i) => (out.includes(l) ? [] : [i]));
  const reduced = o.reduceSum(product!, summed);
  const kept = labels.filter((l) => out.includes(l));
  void ctx;
  return o.transpose(reduced, [...out].map((l) => kept.indexOf(l)));
}

export const MORE_FUNCTIONS: Record<string, Fn> = {
  ravel: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('ravel', ['a', 'order?'], args, kwargs, ctx);
    if ((a.opt('order') ?? 'C') !== 'C') throw pyError('NotImplementedError', "ravel(order='F') is not supported by Gradlens; use order='C'");
    return L.reshape(rt, arr(rt, a.required('a'), ctx, numpy), [-1]);
  },
  // NB: of a real array, real and conj are the array itself (JAX's asarray) and imag is lax.full_like(x, 0): zeros, no gradient path.
  real: (rt, args, kwargs, ctx, numpy) => L.complexPart(rt, 'real', arr(rt, bindArgs('real', ['val'], args, kwargs, ctx).required('val'), ctx, numpy), ctx),
  imag: (rt, args, kwargs, ctx, numpy) => L.complexPart(rt, 'imag', arr(rt, bindArgs('imag', ['val'], args, kwargs, ctx).required('val'), ctx, numpy), ctx),
  conj: (rt, args, kwargs, ctx, numpy) => L.complexPart(rt, 'conj', arr(rt, bindArgs('conj', ['x'], args, kwargs, ctx).required('x'), ctx, numpy), ctx),
  conjugate: (rt, args, kwargs, ctx, numpy) => L.complexPart(rt, 'conj', arr(rt, bindArgs('conjugate', ['x'], args, kwargs, ctx).required('x'), ctx, numpy), ctx),
  angle: (rt, args, kwargs, ctx, numpy) => L.angle(rt, arr(rt, bindArgs('angle', ['z', 'deg?'], args, kwargs, ctx).required('z'), ctx, numpy), ctx),
  vdot: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('vdot', ['a', 'b'], args, kwargs, ctx);
    const [x, y, weak] = promoted(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy));
    if (sizeOf(x.shape) !== sizeOf(y.shape)) throw pyError('ValueError', `vdot requires arrays of the same size, got ${sizeOf(x.shape)} and ${sizeOf(y.shape)}`);
    // NB: vdot conjugates its first argument (jnp.vdot's, NumPy's).
    return L.op(rt, () => L.wrap(rt, rt.o.dotGeneral(ravel(rt, isComplex(x.dtype) ? rt.o.conj(x) : x), ravel(rt, y), { lhsContracting: [0], rhsContracting: [0], lhsBatch: [], rhsBatch: [] }), weak, numpy));
  },
  outer: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('outer', ['a', 'b'], args, kwargs, ctx);
    const [x, y, weak] = promoted(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy));
    return L.op(rt, () => {
      const n = sizeOf(x.shape);
      const m = sizeOf(y.shape);
      return L.wrap(rt, rt.o.mul(rt.o.reshape(x, [n, 1]), rt.o.reshape(y, [1, m])), weak, numpy);
    });
  },
  tensordot: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('tensordot', ['a', 'b', 'axes?'], args, kwargs, ctx);
    const [x, y, weak] = promoted(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy));
    const spec = a.get('axes') ?? 2n;
    let ax: number[];
    let bx: number[];
    if (spec instanceof PyTuple || spec instanceof PyList) {
      if (spec.items.length !== 2) throw pyError('TypeError', 'tensordot axes argument must be an int or a pair of sequences');
      ax = toIntList(spec.items[0], ctx).map((d) => (d < 0 ? d + x.shape.length : d));
      bx = toIntList(spec.items[1], ctx).map((d) => (d < 0 ? d + y.shape.length : d));
    } else {
      const n = Number(toIndex(spec, ctx));
      ax = Array.from({ length: n }, (_, i) => x.shape.length - n + i);
      bx = Array.from({ length: n }, (_, i) => i);
    }
    ax.forEach((d, i) => {
      if (x.shape[d] !== y.shape[bx[i]]) throw pyError('TypeError', `tensordot requires contracted axes to have the same shape, got ${x.shape[d]} and ${y.shape[bx[i]]}.`);
    });
    return L.op(rt, () => L.wrap(rt, rt.o.dotGeneral(x, y, { lhsContracting: ax, rhsContracting: bx, lhsBatch: [], rhsBatch: [] }), weak, numpy));
  },
  einsum: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('einsum', ['subscripts', '*operands', 'out?', 'optimize?', 'precision?', 'preferred_element_type?'], args, kwargs, ctx);
    const spec = a.required('subscripts');
    if (typeof spec !== 'string') throw pyError('NotImplementedError', 'einsum with interleaved operands and axis lists is not supported by Gradlens; pass a subscripts string');
    const clean = spec.replace(/\s/g, '');
    if (clean.includes('.')) throw pyError('NotImplementedError', 'einsum with an ellipsis (...) is not supported by Gradlens; name every axis');
    const [lhs, rhs] = clean.includes('->') ? clean.split('->') : [clean, null];
    const terms = lhs.split(',');
    if (terms.length !== a.rest.length) throw pyError('ValueError', `einstein sum subscripts string contains too many operands for the number of operands given (${terms.length} and ${a.rest.length})`);
    const arrays = a.rest.map((x) => arr(rt, x, ctx, numpy));
    const counts = new Map<string, number>();
    for (const c of terms.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    const out = rhs ?? [...counts.keys()].filter((c) => counts.get(c) === 1).sort().join('');
    for (const c of out) if (!counts.has(c)) throw pyError('ValueError', `einstein sum subscripts string included output subscript '${c}' which never appeared in an input`);
    return L.op(rt, () => {
      const d = L.resultDtype(rt, arrays.map((x) => ({ v: x.v, weak: x.weak, numpy: x.numpy })));
      const v = einsumTerms(rt, arrays.map((x, i) => ({ v: L.cast(rt, x.v, d), labels: terms[i] })), out, ctx);
      return L.wrap(rt, v, arrays.every((x) => x.weak), numpy);
    });
  },
  kron: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('kron', ['a', 'b'], args, kwargs, ctx);
    const [x0, y0, weak] = promoted(rt, arr(rt, a.required('a'), ctx, numpy), arr(rt, a.required('b'), ctx, numpy));
    return L.op(rt, () => {
      const rank = Math.max(x0.shape.length, y0.shape.length);
      const pad = (v: Val) => rt.o.reshape(v, [...Array(rank - v.shape.length).fill(1), ...v.shape]);
      const x = pad(x0);
      const y = pad(y0);
      const xs = x.shape.flatMap((d) => [d, 1]);
      const ys = y.shape.flatMap((d) => [1, d]);
      const prod = rt.o.mul(rt.o.reshape(x, xs), rt.o.reshape(y, ys));
      return L.wrap(rt, rt.o.reshape(prod, x.shape.map((d, i) => d * y.shape[i])), weak, numpy);
    });
  },
  logaddexp: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('logaddexp', ['x1', 'x2'], args, kwargs, ctx);
    const x = arr(rt, a.required('x1'), ctx, numpy);
    const y = arr(rt, a.required('x2'), ctx, numpy);
    return L.op(rt, () => {
      const m = L.binary(rt, 'max', x, y, ctx);
      const gap = L.unary(rt, 'neg', L.unary(rt, 'abs', L.binary(rt, 'sub', x, y, ctx), ctx), ctx);
      return L.binary(rt, 'add', m, L.unary(rt, 'log1p', L.unary(rt, 'exp', gap, ctx), ctx), ctx);
    });
  },
  take: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('take', ['a', 'indices', 'axis?', 'out?', 'mode?', 'unique_indices?', 'indices_are_sorted?', 'fill_value?'], args, kwargs, ctx);
    let x = arr(rt, a.required('a'), ctx, numpy);
    const idx = arr(rt, a.required('indices'), ctx, numpy);
    let axis = 0;
    if (a.opt('axis') === undefined) x = L.reshaped(rt, x, [-1]);
    else axis = L.axesOf(a.get('axis'), x.shape.length, ctx)[0];
    const mode = a.opt('mode');
    const fill = a.opt('fill_value');
    const m = mode === 'clip' ? 'clip' : 'fill';
    const index = idx;
    if (mode === 'wrap') throw pyError('NotImplementedError', "take(mode='wrap') is not supported by Gradlens; use mode='clip' or 'fill'");
    return L.op(rt, () => gatherAt(x, new PyTuple([...Array(axis).fill(null).map(all), index]), m, fill === undefined ? null : L.operand(rt, fill, ctx).v, true, ctx));
  },
  take_along_axis: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('take_along_axis', ['arr', 'indices', 'axis', 'mode?', 'fill_value?'], args, kwargs, ctx);
    const x = arr(rt, a.required('arr'), ctx, numpy);
    const idx = arr(rt, a.required('indices'), ctx, numpy);
    if (idx.shape.length !== x.shape.length) throw pyError('ValueError', `indices and arr must have the same number of dimensions; ${idx.shape.length} vs. ${x.shape.length}`);
    const axis = L.axesOf(a.get('axis'), x.shape.length, ctx)[0];
    const rank = x.shape.length;
    // One integer array per axis, broadcast together: arange along each other axis, the indices along `axis`.
    const items = x.shape.map((n, d) => (d === axis ? idx : indexArray(rt, Array.from({ length: n }, (_, k) => k), Array.from({ length: rank }, (_, e) => (e === d ? n : 1)))));
    return L.op(rt, () => gatherAt(x, new PyTuple(items), a.opt('mode') === 'clip' ? 'clip' : 'fill', null, true, ctx));
  },
  diag: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('diag', ['v', 'k?'], args, kwargs, ctx);
    const x = arr(rt, a.required('v'), ctx, numpy);
    const k = a.int('k', 0);
    if (x.shape.length === 1) {
      const n = x.shape[0] + Math.abs(k);
      return L.op(rt, () => {
        const rows = Array.from({ length: x.shape[0] }, (_, i) => (k >= 0 ? i : i - k));
        const cols = Array.from({ length: x.shape[0] }, (_, i) => (k >= 0 ? i + k : i));
        const pos = rt.upload(rows.map((r, i) => r * n + cols[i]), [rows.length], 'int32');
        const flat = rt.o.slice(rt.o.scatterAdd(x.v, pos, 0, [n * n]), [0], [n * n]);
        return L.wrap(rt, rt.o.reshape(flat, [n, n]), x.weak, numpy);
      });
    }
    if (x.shape.length !== 2) throw pyError('ValueError', 'diag input must be 1d or 2d');
    return diagonal(rt, x, k, ctx);
  },
  diagonal: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('diagonal', ['a', 'offset?', 'axis1?', 'axis2?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    if (x.shape.length !== 2 || a.int('axis1', 0) !== 0 || a.int('axis2', 1) !== 1) throw pyError('NotImplementedError', 'diagonal of more than two axes is not supported by Gradlens');
    return diagonal(rt, x, a.int('offset', 0), ctx);
  },
  trace: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('trace', ['a', 'offset?', 'axis1?', 'axis2?', 'dtype?', 'out?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    if (x.shape.length !== 2 || a.int('axis1', 0) !== 0 || a.int('axis2', 1) !== 1) throw pyError('NotImplementedError', 'trace of more than two axes is not supported by Gradlens');
    return L.reduce(rt, 'sum', diagonal(rt, x, a.int('offset', 0), ctx), undefined, false, ctx);
  },
  pad: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('pad', ['array', 'pad_width', 'mode?', 'constant_values?'], args, kwargs, ctx);
    const x = arr(rt, a.required('array'), ctx, numpy);
    const mode = a.opt('mode') ?? 'constant';
    if (mode !== 'constant') throw pyError('NotImplementedError', `pad(mode='${String(mode)}') is not supported by Gradlens; only mode='constant'`);
    const widths = padWidths(a.required('pad_width'), x.shape.length, ctx);
    const value = a.opt('constant_values');
    if (value instanceof PyArray && value.shape.length > 0) throw pyError('NotImplementedError', 'pad with per-axis constant_values is not supported by Gradlens; pass one number');
    const c = value === undefined ? 0 : toFloat(value, ctx);
    return L.op(rt, () => L.wrap(rt, rt.o.pad(x.v, widths.map((w) => w[0]), widths.map((w) => w[1]), c), x.weak, numpy));
  },
  split: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('split', ['ary', 'indices_or_sections', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('ary'), ctx, numpy);
    const axis = L.axesOf(a.get('axis') ?? 0n, x.shape.length, ctx)[0];
    const n = x.shape[axis];
    const spec = a.required('indices_or_sections');
    let bounds: number[];
    if (spec instanceof PyList || spec instanceof PyTuple || spec instanceof PyArray) {
      const cuts = spec instanceof PyArray ? Array.from(spec.values(ctx, 'int')) : toIntList(spec, ctx);
      bounds = [0, ...cuts.map((c) => Math.min(Math.max(c < 0 ? c + n : c, 0), n)), n];
    } else {
      const k = Number(toIndex(spec, ctx));
      if (k <= 0 || n % k !== 0) throw pyError('ValueError', 'array split does not result in an equal division');
      bounds = Array.from({ length: k + 1 }, (_, i) => (i * n) / k);
    }
    const parts = bounds.slice(1).map((end, i) => {
      const start = Math.min(bounds[i], end);
      return L.op(rt, () => L.wrap(rt, rt.o.slice(x.v, x.shape.map((_, d) => (d === axis ? start : 0)), x.shape.map((s, d) => (d === axis ? end : s))), x.weak, numpy));
    });
    return new PyList(parts);
  },
  tile: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('tile', ['A', 'reps'], args, kwargs, ctx);
    const x0 = arr(rt, a.required('A'), ctx, numpy);
    const reps = toIntList(a.required('reps'), ctx);
    return L.op(rt, () => {
      const rank = Math.max(reps.length, x0.shape.length);
      const shape = [...Array(rank - x0.shape.length).fill(1), ...x0.shape];
      const r = [...Array(rank - reps.length).fill(1), ...reps];
      const laid = rt.o.reshape(x0.v, shape.flatMap((d) => [1, d]));
      const big = shape.flatMap((d, i) => [r[i], d]);
      const b = rt.o.broadcastInDim(laid, big, big.map((_, i) => i));
      return L.wrap(rt, rt.o.reshape(b, shape.map((d, i) => d * r[i])), x0.weak, numpy);
    });
  },
  repeat: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('repeat', ['a', 'repeats', 'axis?', 'total_repeat_length?'], args, kwargs, ctx);
    let x = arr(rt, a.required('a'), ctx, numpy);
    let axis = 0;
    if (a.opt('axis') === undefined) x = L.reshaped(rt, x, [-1]);
    else axis = L.axesOf(a.get('axis'), x.shape.length, ctx)[0];
    const n = x.shape[axis];
    const spec = a.required('repeats');
    const given = spec instanceof PyList || spec instanceof PyTuple ? toIntList(spec, ctx) : spec instanceof PyArray ? Array.from(spec.values(ctx, 'int')) : [Number(toIndex(spec, ctx))];
    const per = given.length === 1 ? Array<number>(n).fill(given[0]) : given;
    if (per.length !== n) throw pyError('ValueError', `repeats has ${per.length} entries for an axis of length ${n}`);
    const ids = per.flatMap((c, i) => Array(c).fill(i));
    return L.op(rt, () => L.wrap(rt, rt.o.gather(x.v, rt.upload(ids, [ids.length], 'int32'), axis), x.weak, numpy));
  },
  meshgrid: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('meshgrid', ['*xi', 'copy?', 'sparse?', 'indexing?'], args, kwargs, ctx);
    const xs = a.rest.map((x) => L.reshaped(rt, arr(rt, x, ctx, numpy), [-1]));
    const indexing = a.opt('indexing') ?? 'xy';
    if (indexing !== 'xy' && indexing !== 'ij') throw pyError('ValueError', "Valid values for indexing are 'xy' and 'ij'.");
    const sizes = xs.map((x) => x.shape[0]);
    const shape = indexing === 'xy' && xs.length >= 2 ? [sizes[1], sizes[0], ...sizes.slice(2)] : sizes;
    const dimOf = (i: number) => (indexing === 'xy' && xs.length >= 2 && i < 2 ? 1 - i : i);
    return new PyList(xs.map((x, i) => L.op(rt, () => L.wrap(rt, rt.o.broadcastInDim(x.v, shape, [dimOf(i)]), x.weak, numpy))));
  },
  isclose: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('isclose', ['a', 'b', 'rtol?', 'atol?', 'equal_nan?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const y = arr(rt, a.required('b'), ctx, numpy);
    const rtol = a.float('rtol', 1e-5);
    const atol = a.float('atol', 1e-8);
    return L.op(rt, () => {
      const diff = L.unary(rt, 'abs', L.binary(rt, 'sub', x, y, ctx), ctx);
      const bound = L.binary(rt, 'add', atol, L.binary(rt, 'mul', rtol, L.unary(rt, 'abs', y, ctx), ctx), ctx);
      const near = L.binary(rt, 'le', diff, bound, ctx);
      // Equal infinities are close; NaNs are close to each other only with equal_nan.
      let out = L.where(rt, L.binary(rt, 'eq', x, y, ctx), true, near, ctx);
      if (a.bool('equal_nan', false)) out = L.where(rt, L.where(rt, L.binary(rt, 'ne', x, x, ctx), L.binary(rt, 'ne', y, y, ctx), false, ctx), true, out, ctx);
      return new PyArray(rt, out.v as PyArray['v'], false, numpy);
    });
  },
  nansum: nanReduction('sum', 0),
  nanprod: nanReduction('prod', 1),
  nanmax: nanReduction('max', -Infinity),
  nanmin: nanReduction('min', Infinity),
  nanmean: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('nanmean', ['a', 'axis?', 'dtype?', 'out?', 'keepdims?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    const keep = a.bool('keepdims', false);
    return L.op(rt, () => {
      const ok = L.binary(rt, 'eq', x, x, ctx);
      const total = L.reduce(rt, 'sum', L.where(rt, ok, x, 0, ctx), a.get('axis'), keep, ctx);
      const count = L.reduce(rt, 'sum', L.op(rt, () => L.wrap(rt, rt.o.convert(ok.v, x.dtype), false, numpy)), a.get('axis'), keep, ctx);
      return L.binary(rt, 'div', total, count, ctx);
    });
  },
};

function nanReduction(kind: L.Reduction, identity: number): Fn {
  return (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs(`nan${kind}`, ['a', 'axis?', 'dtype?', 'out?', 'keepdims?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a'), ctx, numpy);
    return L.op(rt, () => L.reduce(rt, kind, L.where(rt, L.binary(rt, 'eq', x, x, ctx), x, identity, ctx), a.get('axis'), a.bool('keepdims', false), ctx));
  };
}

function diagonal(rt: JaxRuntime, x: PyArray, k: number, ctx: HostContext): PyArray {
  const [r, c] = x.shape;
  const n = Math.max(0, Math.min(k >= 0 ? r : r + k, k >= 0 ? c - k : c));
  const rows = Array.from({ length: n }, (_, i) => (k >= 0 ? i : i - k));
  const cols = Array.from({ length: n }, (_, i) => (k >= 0 ? i + k : i));
  return L.op(rt, () => gatherAt(x, new PyTuple([indexArray(rt, rows), indexArray(rt, cols)]), 'clip', null, true, ctx));
}

function padWidths(v: PyValue, rank: number, ctx: HostContext): [number, number][] {
  const pair = (p: PyValue): [number, number] => {
    const xs = p instanceof PyList || p instanceof PyTuple ? toIntList(p, ctx) : [Number(toIndex(p, ctx))];
    return xs.length === 1 ? [xs[0], xs[0]] : [xs[0], xs[1]];
  };
  if (v instanceof PyList || v instanceof PyTuple) {
    const nested = v.items.some((p) => p instanceof PyList || p instanceof PyTuple);
    if (!nested) return Array.from({ length: rank }, () => pair(v));
    if (v.items.length === 1) return Array.from({ length: rank }, () => pair(v.items[0]));
    if (v.items.length !== rank) throw pyError('ValueError', `operands could not be broadcast together with remapped shapes [original->remapped]: (${v.items.length},2) and requested shape (${rank},2)`);
    return v.items.map(pair);
  }
  return Array.from({ length: rank }, () => pair(v));
}

/** Matrices past this size would unroll elimination into too many traced operations. */
const MAX_ELIMINATION = 64;

/**
 * Gauss-Jordan elimination with partial pivoting on [a | b], as ops (so it differentiates, batches
 * and traces): returns a^-1 b and det(a). The pivot row comes from an argmax and the swap is a
 * gather, so the choice follows the values even when traced.
 */
function eliminate(rt: JaxRuntime, a: Val, b: Val | null): { x: Val | null; det: Val } {
  const o = rt.o;
  const n = a.shape[0];
  if (a.shape.length !== 2 || a.shape[1] !== n) throw pyError('ValueError', `Argument to linalg function must be a square matrix, got shape (${a.shape.join(', ')})`);
  if (n > MAX_ELIMINATION) throw pyError('NotImplementedError', `linalg on matrices larger than ${MAX_ELIMINATION}x${MAX_ELIMINATION} is not supported by Gradlens`);
  const k = b === null ? 0 : b.shape[1];
  let m: Val = b === null ? a : o.concatenate([a, b], 1);
  const width = n + k;
  let det: Val = new Scalar(1, a.dtype);
  const rowIds = rt.upload(Array.from({ length: n }, (_, i) => i), [n], 'int32');
  for (let c = 0; c < n; c++) {
    const column = o.slice(m, [c, c], [n, c + 1]);
    const p = o.add(o.argmax(o.reshape(o.abs(column), [n - c]), 0), new Scalar(c, 'int32'));
    const isC = o.eq(rowIds, new Scalar(c, 'int32'));
    const perm = o.select(isC, o.broadcastTo(p, [n]), o.select(o.eq(rowIds, p), o.broadcastTo(new Scalar(c, 'int32'), [n]), rowIds));
    m = o.gather(m, perm, 0);
    det = o.mul(det, o.select(o.eq(p, new Scalar(c, 'int32')), new Scalar(1, a.dtype), new Scalar(-1, a.dtype)));
    const pivot = o.reshape(o.slice(m, [c, c], [c + 1, c + 1]), []);
    det = o.mul(det, pivot);
    const row = o.div(o.slice(m, [c, 0], [c + 1, width]), pivot);
    const factors = o.slice(m, [0, c], [n, c + 1]);
    const eliminated = o.sub(m, o.mul(factors, row));
    m = o.select(o.reshape(isC, [n, 1]), o.broadcastTo(row, [n, width]), eliminated);
  }
  return { x: b === null ? null : o.slice(m, [0, n], [n, width]), det };
}

/**
 * jnp.linalg.cholesky as lax.linalg.cholesky: the input symmetrized ((a + a^T) / 2, its
 * symmetrize_input), lax.linalg's cholesky primitive (the lower factor; NaN everywhere for a
 * matrix that is not positive definite, as JAX's lowering of a failed potrf), then its lower
 * triangle (_tril: so a failed factor is NaN on and below the diagonal, zero above, as JAX's).
 * Its derivative is the primitive's, JAX's cholesky JVP rule; a batch of matrices factors through
 * the leading axes.
 */
function cholesky(rt: JaxRuntime, a: Val): Val {
  const o = rt.o;
  const r = a.shape.length;
  const n = a.shape[r - 1];
  if (r < 2 || a.shape[r - 2] !== n) throw pyError('ValueError', `jnp.linalg.cholesky: the input must be a square matrix or a batch of them, got shape (${a.shape.join(', ')})`);
  const swap = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  const s = o.div(o.add(a, o.transpose(a, swap)), new Scalar(2, a.dtype));
  const [l] = rt.bindCall('cholesky', [s], {});
  const lowerPart = o.ge(o.iota('int32', [n, n], 0), o.iota('int32', [n, n], 1));
  return o.select(o.broadcastTo(lowerPart, l.shape), l, o.zerosLike(l));
}

function identity(rt: JaxRuntime, n: number, dtype: Val['dtype']): Val {
  return rt.o.convert(rt.o.eq(rt.o.iota('int32', [n, n], 0), rt.o.iota('int32', [n, n], 1)), dtype);
}

function squareOperand(rt: JaxRuntime, x: PyValue, ctx: HostContext, numpy: boolean): PyArray {
  const a = arr(rt, x, ctx, numpy);
  if (isInteger(a.dtype) || a.dtype === 'bool') return L.op(rt, () => L.wrap(rt, rt.o.convert(a.v, numpy ? 'float64' : rt.floatDtype), false, numpy));
  return a;
}

/** `jax.numpy.linalg` (and `numpy.linalg`): `norm`, `det`, `inv`, `solve`. */
export function linalgModule(rt: JaxRuntime, numpy: boolean): PyModule {
  // NB: each keeps none of its arguments: an op, whose temporary arguments go when the statement ends.
  const op = (name: string, fn: NativeFn) => opFunction(name, (args, kwargs, ctx) => rt.withTemporaries(() => fn(args, kwargs, ctx)));
  return createModule(numpy ? 'numpy.linalg' : 'jax.numpy.linalg', {
    ...Object.fromEntries(Object.entries(factorizations(rt, numpy)).map(([name, fn]) => [name, op(name, fn)])),
    cholesky: op('cholesky', (args, kwargs, ctx) => {
      const a = bindArgs('cholesky', ['a', '*', 'upper?', 'symmetrize_input?'], args, kwargs, ctx);
      if (numpy) throw pyError('NotImplementedError', 'numpy.linalg.cholesky is not supported by Gradlens (it raises LinAlgError where jnp gives NaN); use jnp.linalg.cholesky');
      const m = squareOperand(rt, a.required('a'), ctx, numpy);
      if (!a.bool('symmetrize_input', true)) throw pyError('NotImplementedError', 'cholesky(symmetrize_input=False) is not supported by Gradlens; symmetrize the input yourself');
      return L.op(rt, () => {
        const l = cholesky(rt, m.v);
        const r = l.shape.length;
        return L.wrap(rt, a.bool('upper', false) ? rt.o.transpose(l, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]) : l, false, numpy);
      });
    }),
    det: op('det', (args, kwargs, ctx) => {
      const a = squareOperand(rt, bindArgs('det', ['a'], args, kwargs, ctx).required('a'), ctx, numpy);
      return L.op(rt, () => L.wrap(rt, eliminate(rt, a.v, null).det, false, numpy));
    }),
    inv: op('inv', (args, kwargs, ctx) => {
      const a = squareOperand(rt, bindArgs('inv', ['a'], args, kwargs, ctx).required('a'), ctx, numpy);
      const n = a.shape[0];
      return L.op(rt, () => L.wrap(rt, eliminate(rt, a.v, identity(rt, n, a.dtype)).x!, false, numpy));
    }),
    solve: op('solve', (args, kwargs, ctx) => {
      const a = bindArgs('solve', ['a', 'b'], args, kwargs, ctx);
      const m = squareOperand(rt, a.required('a'), ctx, numpy);
      const b = arr(rt, a.required('b'), ctx, numpy);
      return L.op(rt, () => {
        const rhs = L.cast(rt, b.v, m.dtype);
        const vector = rhs.shape.length === 1;
        if (rhs.shape[0] !== m.shape[0]) throw pyError('ValueError', `solve: a has shape (${m.shape.join(', ')}) but b has ${rhs.shape[0]} rows`);
        const x = eliminate(rt, m.v, vector ? rt.o.reshape(rhs, [rhs.shape[0], 1]) : rhs).x!;
        return L.wrap(rt, vector ? rt.o.reshape(x, [rhs.shape[0]]) : x, false, numpy);
      });
    }),
    norm: op('norm', (args, kwargs, ctx) => {
      const a = bindArgs('norm', ['x', 'ord?', 'axis?', 'keepdims?'], args, kwargs, ctx);
      const x = arr(rt, a.required('x'), ctx, numpy);
      const ord = a.opt('ord');
      const keep = a.bool('keepdims', false);
      const axis = a.get('axis');
      const axes = L.axesOf(axis, x.shape.length, ctx);
      const matrix = axes.length === 2;
      if (axes.length > 2) throw pyError('ValueError', 'Improper number of axes for norm: axis must be None, an int or a pair of ints');
      return L.op(rt, () => {
        const abs = L.unary(rt, 'abs', x, ctx);
        if (ord === undefined || ord === 'fro' || (!matrix && ord === 2n)) {
          // NB: JAX's sqrt(sum(real(x * conj(x)))): a complex array's norm is real.
          const squares = isComplex(x.dtype) ? L.complexPart(rt, 'real', L.binary(rt, 'mul', x, L.complexPart(rt, 'conj', x, ctx), ctx), ctx) : L.binary(rt, 'mul', x, x, ctx);
          return L.unary(rt, 'sqrt', L.reduce(rt, 'sum', squares, axis, keep, ctx), ctx);
        }
        if (matrix) {
          // 1: the largest column sum of |x|; inf: the largest row sum (-1, -inf: the smallest).
          const inf = typeof ord === 'number' && Math.abs(ord) === Infinity;
          if (ord === 1n || ord === -1n || inf) {
            const [sumAxis, pickAxis] = inf ? [axes[1], axes[0]] : [axes[0], axes[1]];
            const sums = L.reduce(rt, 'sum', abs, BigInt(sumAxis), true, ctx);
            const picked = L.reduce(rt, ord === 1n || ord === Infinity ? 'max' : 'min', sums, BigInt(pickAxis), true, ctx);
            return keep ? picked : L.reshaped(rt, picked, x.shape.filter((_, d) => !axes.includes(d)));
          }
          if ((ord === 2n || ord === -2n || ord === 'nuc') && x.shape.length === 2 && axis === undefined) return L.wrap(rt, singularValueNorm(rt, x, ord), false, numpy);
          throw pyError('NotImplementedError', `matrix norm ord=${ctx.repr(ord)} is not supported by Gradlens; use ord=None ('fro'), 1, inf, or 2, -2, 'nuc' of one 2-d matrix`);
        }
        if (typeof ord === 'number' && ord === Infinity) return L.reduce(rt, 'max', abs, axis, keep, ctx);
        if (typeof ord === 'number' && ord === -Infinity) return L.reduce(rt, 'min', abs, axis, keep, ctx);
        if (ord === 0n || ord === 0) return L.reduce(rt, 'sum', L.op(rt, () => L.wrap(rt, rt.o.convert(L.binary(rt, 'ne', x, 0, ctx).v, abs.dtype), false, numpy)), axis, keep, ctx);
        if (ord === 1n) return L.reduce(rt, 'sum', abs, axis, keep, ctx);
        const p = typeof ord === 'bigint' ? Number(ord) : typeof ord === 'number' ? ord : NaN;
        if (Number.isNaN(p)) throw pyError('ValueError', `Invalid order '${ctx.repr(ord)}' for vector norm.`);
        return L.power(rt, L.reduce(rt, 'sum', L.power(rt, abs, p, ctx), axis, keep, ctx), 1 / p, ctx);
      });
    }),
  });
}

