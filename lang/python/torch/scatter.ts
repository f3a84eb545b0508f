/**
 * scatter, scatter_add, scatter_reduce, index_add, index_copy, index_fill and masked_scatter (and
 * their in-place forms) as PyTorch 1.13 computes them on the CPU, composed of the scatter_add,
 * gather, argsort and select primitives: a sequential scatter's "last write wins" for repeated
 * indices, and scatter_reduce's amax/amin gradient shared among ties as PyTorch shares it.
 */
import type { Tensor } from '../../../runtime/eager';
import { flatTargets, lastWrites, segmentedCumprod, type Ops } from '../../../runtime/ops';
import { StagingBackend } from '../../../runtime/jit';
import { bindArgs, type Args, pyError, type HostContext, type PyValue, toFloat, typeName } from '../interpreter';
import { asTensor } from './arith';
import { PyTensor, checkInPlace, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

type Reduce = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

/** An int64 index tensor, checked as PyTorch checks it (its values where they can be read: not on WebGPU, not while tracing). */
function indexTensor(x: PyTensor, v: PyValue, axis: number, fname: string, sameRank: boolean): PyTensor {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `${fname}(): argument 'index' must be Tensor, not ${typeName(v)}`);
  if (v.dtype !== 'int64') throw pyError('RuntimeError', `${fname}(): Expected dtype int64 for index`);
  if (sameRank && Math.max(v.shape.length, 1) !== Math.max(x.shape.length, 1)) throw pyError('RuntimeError', 'Index tensor must have the same number of dimensions as self tensor');
  if (!sameRank && v.shape.length > 1) throw pyError('IndexError', 'index_add_(): Index is supposed to be a vector');
  if (sameRank) {
    v.shape.forEach((d, i) => {
      if (i !== axis && d > (x.shape[i] ?? 1)) throw pyError('RuntimeError', `Size does not match at dimension ${i} expected index [${v.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${axis}`);
    });
  }
  const backend = x.rt.engine.backend;
  if (backend.name !== 'webgpu' && !(backend instanceof StagingBackend)) {
    const size = x.shape[axis] ?? 1;
    const bad = v.values('index').find((i) => i < 0 || i >= size);
    if (bad !== undefined) throw pyError(sameRank ? 'RuntimeError' : 'IndexError', `index ${bad} is out of bounds for dimension ${axis} with size ${size}`);
  }
  return v;
}

/** `src` cut to the index's shape (PyTorch lets src be larger along every dim). */
function srcFor(rt: TorchRuntime, src: PyTensor, index: PyTensor, x: PyTensor): Tensor {
  if (src.shape.length !== index.shape.length || src.shape.some((d, i) => d < index.shape[i])) {
    throw pyError('RuntimeError', `Expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension and to be smaller size than src [${src.shape.join(', ')}]`);
  }
  const t = rt.convert(src.t, x.dtype);
  return rt.ops.slice(t, index.shape.map(() => 0), [...index.shape]);
}

/** Works in a dtype every scatter serves: bool as int32. */
function work(rt: TorchRuntime, t: Tensor): Tensor {
  return t.dtype === 'bool' ? rt.ops.convert(t, 'int32') : t;
}

interface Scattered { readonly targets: Tensor; readonly n: number }

function targetsOf(o: Ops<Tensor>, x: Tensor, index: Tensor, axis: number): Scattered {
  const shape = x.shape.length === 0 ? [1] : x.shape;
  const idx = o.reshape(o.convert(index, 'int32'), index.shape.length === 0 ? [1] : index.shape);
  return { targets: flatTargets(o, idx, axis, shape), n: shape.reduce((p, d) => p * d, 1) };
}

/**
 * x with `values` (one per index element, flat) written in order: the last write to a position
 * wins. NB: as PyTorch's scatter and index_copy backward (grad.gather, grad.index_select), every
 * write's gradient is the gradient at its position, an overwritten one's too.
 */
function writeInOrder(o: Ops<Tensor>, x: Tensor, values: Tensor, { targets, n }: Scattered): Tensor {
  const stop = (t: Tensor) => o.stop_gradient(t);
  const mask = lastWrites(o, targets, values.dtype);
  const written = o.scatterAdd(o.mul(stop(values), mask), targets, 0, [n]);
  const hit = o.gt(o.scatterAdd(mask, targets, 0, [n]), o.scalarLike(0, mask));
  // Zero in value (where finite), the scatter-add's gradient: every write's.
  const sum = o.scatterAdd(values, targets, 0, [n]);
  const gradientOnly = o.select(o.lt(o.abs(stop(sum)), o.scalarLike(Infinity, sum)), o.sub(sum, stop(sum)), o.zerosLike(sum));
  return o.reshape(o.select(hit, o.add(written, gradientOnly), o.reshape(x, [n])), x.shape);
}

/** x combined with the values scattered to each position by `reduce` (PyTorch's scatter_reduce). */
function reduceInto(o: Ops<Tensor>, x: Tensor, values: Tensor, s: Scattered, reduce: Reduce, includeSelf: boolean): Tensor {
  const { targets, n } = s;
  const flat = o.reshape(x, [n]);
  const zero = o.scalarLike(0, values);
  const counts = o.scatterAdd(o.onesLike(values), targets, 0, [n]);
  const hit = o.gt(counts, zero);
  const base = includeSelf ? flat : o.select(hit, o.zerosLike(flat), flat);
  let out: Tensor;
  switch (reduce) {
    case 'sum':
      out = o.add(base, o.scatterAdd(values, targets, 0, [n]));
      break;
    case 'mean': {
      const total = o.add(base, o.scatterAdd(values, targets, 0, [n]));
      const count = includeSelf ? o.add(counts, o.onesLike(counts)) : o.select(hit, counts, o.onesLike(counts));
      out = isFloating0(values) ? o.div(total, count) : floorDivide(o, total, count);
      break;
    }
    case 'prod': {
      // Sorted by position (stably), each run's product is its last element's running product.
      const perm = o.bind('argsort', [targets], { dimension: 0, descending: false, indexDtype: 'int32' });
      const sortedTargets = o.gather(targets, perm, 0);
      const running = segmentedCumprod(o, o.gather(values, perm, 0), sortedTargets);
      const last = lastWrites(o, sortedTargets, values.dtype);
      const product = o.scatterAdd(o.mul(running, last), sortedTargets, 0, [n]);
      out = o.select(hit, includeSelf ? o.mul(flat, product) : product, flat);
      break;
    }
    case 'amax':
    case 'amin': {
      // The extreme by a stable sort of the values (NaN above all), the last write to each position winning;
      // then, as PyTorch's backward does, the value rebuilt as the mean of the positions equal to it, which shares the gradient among ties.
      const sign = reduce === 'amax' ? 1 : -1;
      const key = o.mul(values, o.scalarLike(sign, values));
      const byValue = o.bind('argsort', [o.stop_gradient(key)], { dimension: 0, descending: false, indexDtype: 'int32' });
      const orderedTargets = o.gather(targets, byValue, 0);
      const extremeOfSrc = writeInOrder(o, o.full([n], 0, values.dtype), o.gather(o.stop_gradient(values), byValue, 0), { targets: orderedTargets, n });
      const pick = (a: Tensor, b: Tensor) => (reduce === 'amax' ? o.max(a, b) : o.min(a, b));
      const extreme = o.select(hit, includeSelf ? pick(o.stop_gradient(flat), extremeOfSrc) : extremeOfSrc, o.stop_gradient(flat));
      const srcTies = o.convert(o.eq(values, o.gather(extreme, targets, 0)), values.dtype);
      const selfTie = includeSelf ? o.convert(o.eq(flat, extreme), values.dtype) : o.select(hit, o.zerosLike(flat), o.onesLike(flat));
      const sum = o.add(o.mul(flat, selfTie), o.scatterAdd(o.mul(values, srcTies), targets, 0, [n]));
      const ties = o.add(selfTie, o.scatterAdd(srcTies, targets, 0, [n]));
      out = o.select(o.gt(ties, o.scalarLike(0, ties)), o.div(sum, ties), extreme);
      break;
    }
  }
  return o.reshape(out, x.shape);
}

const isFloating0 = (t: Tensor) => t.dtype === 'float32' || t.dtype === 'float64';

/** Integer division rounded down (PyTorch's integer mean), from the runtime's truncating division; counts are positive. */
function floorDivide(o: Ops<Tensor>, a: Tensor, b: Tensor): Tensor {
  const q = o.div(a, b);
  const int = (p: Tensor) => o.convert(p, a.dtype);
  const inexact = int(o.ne(o.sub(a, o.mul(q, b)), o.zerosLike(a)));
  return o.sub(q, o.mul(inexact, int(o.lt(a, o.zerosLike(a)))));
}

function finish(x: PyTensor, inPlace: boolean, name: string, compute: (t: Tensor) => Tensor): PyTensor {
  const rt = x.rt;
  if (inPlace) {
    checkInPlace(x);
    return rt.run(() => {
      rt.engine.inPlace(x.t, (old) => rt.engine.composite(name, () => rt.convert(compute(old), x.dtype)));
      return x;
    });
  }
  return rt.run(() => rt.wrap(rt.engine.composite(name, () => rt.convert(compute(x.t), x.dtype)), x.dtype));
}

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

function scatterMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'scatter_' : 'scatter';
  return def(fname, ['dim', 'index', 'src?', 'value?', '*', 'reduce?'], (x, a, ctx) => {
    const rt = x.rt;
    const axis = T.axis(x, a.int('dim'));
    const index = indexTensor(x, a.required('index'), axis, fname, true);
    const given = a.opt('src') ?? a.opt('value');
    if (given === undefined) throw pyError('TypeError', `${fname}() missing 1 required argument: 'src' or 'value'`);
    const isValue = !(given instanceof PyTensor);
    const reduce = a.opt('reduce');
    if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') throw pyError('RuntimeError', `reduce argument must be either add or multiply.`);
    return finish(x, inPlace, isValue ? 'ScatterBackward1' : 'ScatterBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      const values = isValue ? o.full(index.shape, toFloat(given, ctx), w.dtype) : o.convert(srcFor(rt, given as PyTensor, index, x), w.dtype);
      const s = targetsOf(o, w, index.t, axis);
      const flatValues = o.reshape(values, [values.shape.reduce((p, d) => p * d, 1)]);
      if (reduce === 'add') return reduceInto(o, w, flatValues, s, 'sum', true);
      if (reduce === 'multiply') return reduceInto(o, w, flatValues, s, 'prod', true);
      return writeInOrder(o, w, flatValues, s);
    });
  });
}

function scatterAddMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'scatter_add_' : 'scatter_add';
  return def(fname, ['dim', 'index', 'src'], (x, a, ctx) => {
    const rt = x.rt;
    const axis = T.axis(x, a.int('dim'));
    const index = indexTensor(x, a.required('index'), axis, fname, true);
    const src = asTensor(rt, a.required('src'), ctx, 'src');
    return finish(x, inPlace, 'ScatterAddBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      const values = o.convert(srcFor(rt, src, index, x), w.dtype);
      return reduceInto(o, w, o.reshape(values, [values.shape.reduce((p, d) => p * d, 1)]), targetsOf(o, w, index.t, axis), 'sum', true);
    });
  });
}

function scatterReduceMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'scatter_reduce_' : 'scatter_reduce';
  return def(fname, ['dim', 'index', 'src', 'reduce', '*', 'include_self?'], (x, a, ctx) => {
    const rt = x.rt;
    const axis = T.axis(x, a.int('dim'));
    const index = indexTensor(x, a.required('index'), axis, fname, true);
    const src = asTensor(rt, a.required('src'), ctx, 'src');
    const reduce = a.str('reduce');
    if (!['sum', 'prod', 'mean', 'amax', 'amin'].includes(reduce)) {
      throw pyError('RuntimeError', `reduce argument must be either sum, prod, mean, amax or amin, got ${reduce}`);
    }
    return finish(x, inPlace, 'ScatterReduceBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      const values = o.convert(srcFor(rt, src, index, x), w.dtype);
      return reduceInto(o, w, o.reshape(values, [values.shape.reduce((p, d) => p * d, 1)]), targetsOf(o, w, index.t, axis), reduce as Reduce, a.bool('include_self', true));
    });
  });
}

/** Along `axis`, the rows an index_* op names: each row of `source` goes to row index[i] of x. */
function rowIndex(x: PyTensor, a: Args, fname: string): { axis: number; index: PyTensor } {
  const axis = T.axis(x, a.int('dim'));
  return { axis, index: indexTensor(x, a.required('index'), axis, fname, false) };
}

function indexAddMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'index_add_' : 'index_add';
  return def(fname, ['dim', 'index', 'source', '*', 'alpha?'], (x, a, ctx) => {
    const rt = x.rt;
    const { axis, index } = rowIndex(x, a, fname);
    const source = asTensor(rt, a.required('source'), ctx, 'source');
    const want = x.shape.map((d, i) => (i === axis ? index.numel : d));
    if (source.shape.join() !== want.join() && !(x.shape.length === 0 && source.numel === 1)) {
      throw pyError('RuntimeError', `${fname}(): Source/destination tensor must have same slice shapes. Destination slice shape: ${x.shape.filter((_, i) => i !== axis).join(' ')} at dimension ${axis} and source slice shape: ${source.shape.filter((_, i) => i !== axis).join(' ')} at dimension ${axis}`);
    }
    const alpha = a.opt('alpha') === undefined ? 1 : toFloat(a.required('alpha'), ctx);
    return finish(x, inPlace, 'IndexAddBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      let s = o.reshape(o.convert(rt.convert(source.t, x.dtype), w.dtype), x.shape.length === 0 ? [1] : want);
      if (alpha !== 1) s = o.mul(s, o.scalarLike(alpha, s));
      const shape = x.shape.length === 0 ? [1] : x.shape;
      const added = o.scatterAdd(s, o.reshape(o.convert(index.t, 'int32'), [index.numel]), axis, shape);
      return o.reshape(o.add(o.reshape(w, shape), added), x.shape);
    });
  });
}

function indexCopyMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'index_copy_' : 'index_copy';
  return def(fname, ['dim', 'index', 'source'], (x, a, ctx) => {
    const rt = x.rt;
    const { axis, index } = rowIndex(x, a, fname);
    const source = asTensor(rt, a.required('source'), ctx, 'source');
    const want = x.shape.map((d, i) => (i === axis ? index.numel : d));
    if (source.shape.join() !== want.join()) throw pyError('IndexError', `${fname}(): Source/destination tensor must have same slice shapes`);
    return finish(x, inPlace, 'IndexCopyBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      // Each element of a source row goes to its own column of row index[i]: the index spread over the source's shape.
      const idx = o.broadcastInDim(o.convert(index.t, 'int32'), want, [axis]);
      const values = o.convert(rt.convert(source.t, x.dtype), w.dtype);
      return writeInOrder(o, w, o.reshape(values, [values.shape.reduce((p, d) => p * d, 1)]), targetsOf(o, w, idx, axis));
    });
  });
}

function indexFillMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'index_fill_' : 'index_fill';
  return def(fname, ['dim', 'index', 'value'], (x, a, ctx) => {
    const rt = x.rt;
    const { axis, index } = rowIndex(x, a, fname);
    const value = a.required('value');
    const fill = value instanceof PyTensor ? value.float(ctx) : toFloat(value, ctx);
    return finish(x, inPlace, 'IndexFillBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      const shape = x.shape.length === 0 ? [1] : x.shape;
      const rows = o.gt(o.scatterAdd(o.full([index.numel], 1, 'float32'), o.reshape(o.convert(index.t, 'int32'), [index.numel]), 0, [shape[axis]]), o.scalar(0, 'float32'));
      const mask = o.broadcastInDim(rows, shape, [axis]);
      return o.reshape(o.select(mask, o.full(shape, fill, w.dtype), o.reshape(w, shape)), x.shape);
    });
  });
}

function maskedScatterMethod(inPlace: boolean): Method {
  const fname = inPlace ? 'masked_scatter_' : 'masked_scatter';
  return def(fname, ['mask', 'source'], (x, a, ctx) => {
    const rt = x.rt;
    const mask = asTensor(rt, a.required('mask'), ctx, 'mask');
    if (mask.dtype !== 'bool') throw pyError('RuntimeError', `masked_scatter_ only supports boolean masks, but got mask with dtype ${mask.dtype === 'int64' ? 'long int' : mask.dtype}`);
    const source = asTensor(rt, a.required('source'), ctx, 'source');
    return finish(x, inPlace, 'MaskedScatterBackward0', (t) => {
      const o = rt.ops;
      const w = work(rt, t);
      const n = x.numel;
      const m = o.reshape(o.broadcastTo(mask.t, x.shape), [n]);
      // The k-th true position takes source's k-th element, in row-major order.
      const k = o.sub(o.bind('cumsum', [o.convert(m, 'int32')], { axis: 0, reverse: false }), o.scalar(1, 'int32'));
      const src = o.reshape(o.convert(rt.convert(source.t, x.dtype), w.dtype), [source.numel]);
      const picked = o.gather(src, o.select(m, k, o.zerosLike(k)), 0);
      return o.reshape(o.select(m, picked, o.reshape(w, [n])), x.shape);
    });
  });
}

export const SCATTER_METHODS: Readonly<Record<string, Method>> = {
  scatter: scatterMethod(false),
  scatter_: scatterMethod(true),
  scatter_add: scatterAddMethod(false),
  scatter_add_: scatterAddMethod(true),
  scatter_reduce: scatterReduceMethod(false),
  scatter_reduce_: scatterReduceMethod(true),
  index_add: indexAddMethod(false),
  index_add_: indexAddMethod(true),
  index_copy: indexCopyMethod(false),
  index_copy_: indexCopyMethod(true),
  index_fill: indexFillMethod(false),
  index_fill_: indexFillMethod(true),
  masked_scatter: maskedScatterMethod(false),
  masked_scatter_: maskedScatterMethod(true),
};

/** Names whose `torch.f(input, ...)` form is the method (PyTorch has no torch.scatter_ and the like). */
export const SCATTER_FUNCTION_NAMES = ['scatter', 'scatter_add', 'scatter_reduce', 'index_add', 'index_copy', 'index_fill', 'masked_scatter'];

