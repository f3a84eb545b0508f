/**
 * Cumulative ops, sorting, top-k, the special functions and gather/scatter along a dim, as tensor
 * methods (and so `torch.f(x, ...)`), with PyTorch 1.13's dtypes, named tuples and grad_fn names.
 * NB: PyTorch's default `sort(stable=False)`, `argsort`, `topk` and `kthvalue` leave equal values
 * in the order of libstdc++'s introsort and nth_element (and its own quickselect): computed here
 * by the same algorithms (cpu_sort_order.ts) wherever the values can be read; on WebGPU and while
 * tracing for the jit, the order is the stable one, whose indices may differ at ties.
 */
import type { Tensor } from '../../../runtime/eager';
import { cumulativeArgExtreme, takeAlongAxis } from '../../../runtime/ops';
import type { CumulativePrimitive } from '../../../runtime/primitives';
import { StagingBackend } from '../../../runtime/jit';
import { bindArgs, type Args, pyError, type HostContext, type PyTuple, type PyValue, typeName } from '../interpreter';
import { dtypeArg } from './creation';
import { refuseForwardAD } from './errors';
import { isFloating, SCALAR_TYPE, type TorchDTypeName } from './dtype';
import { kthOrder, sortOrder, topkOrder } from './cpu_sort_order';
import { returnTuple } from './return_types';
import { followOperands, PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

const DTYPE_NAMES: { readonly [D in TorchDTypeName]: string } = SCALAR_TYPE;

/**
 * Runs `f` on `x` seen with at least one dim (a 0-d tensor is a row of one, as PyTorch treats it)
 * and the dim normalized, then gives the results x's own shape back.
 */
function alongDim<R extends Tensor[]>(x: PyTensor, dim: number, f: (t: Tensor, axis: number) => R): R {
  const rt = x.rt;
  const axis = T.axis(x, dim);
  if (x.shape.length > 0) return f(x.t, axis);
  return f(rt.ops.reshape(x.t, [1]), 0).map((r) => rt.ops.reshape(r, [])) as R;
}

function cumulative(x: PyTensor, prim: CumulativePrimitive, dim: number, dtype: TorchDTypeName | null): PyTensor {
  const rt = x.rt;
  // Integer and bool sums and products are int64 in PyTorch, as its reductions are (exact to 2**53, else refused).
  const logical = dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
  if (prim === 'cumlogsumexp' && !isFloating(logical)) throw pyError('RuntimeError', `"logcumsumexp_out_cpu" not implemented for '${DTYPE_NAMES[logical]}'`);
  if (prim === 'cumlogsumexp') refuseForwardAD(rt.engine, 'logcumsumexp', [x.t]);
  return rt.run(() => {
    const input = rt.convert(x.t, logical);
    const [out] = alongDim(x, dim, (t, axis) => [rt.ops.bind(prim, [rt.ops.reshape(input, t.shape)], { axis, reverse: false })]);
    return rt.wrap(out, logical);
  });
}

function cumulativeExtreme(x: PyTensor, which: 'cummax' | 'cummin', dim: number): PyTuple {
  const rt = x.rt;
  if (x.dtype === 'bool') throw pyError('RuntimeError', `"${which}_cpu" not implemented for 'Bool'`);
  return rt.run(() => {
    const [values, indices] = alongDim(x, dim, (t, axis) => {
      const v = rt.ops.bind(which, [t], { axis, reverse: false });
      return [v, rt.engine.withGradMode(false, () => cumulativeArgExtreme(rt.ops, t.detach(), v.detach(), axis, false))];
    });
    return returnTuple(which, ['values', 'indices'], [rt.wrap(values, x.dtype), rt.wrap(indices, 'int64')]);
  });
}

/** Whether `t`'s values can be read here: not on WebGPU (no synchronous read), not while tracing. */
function readable(rt: TorchRuntime): boolean {
  return rt.engine.backend.name !== 'webgpu' && !(rt.engine.backend instanceof StagingBackend);
}

/**
 * Positions along `axis` chosen row by row on the host by PyTorch's own CPU algorithm (`pick` gets
 * a row's values and gives `count` positions), as an int32 tensor with `count` along `axis`.
 */
function pickRows(rt: TorchRuntime, t: Tensor, axis: number, count: number, pick: (row: Float64Array) => ArrayLike<number>): Tensor {
  const values = t.dataSync();
  const shape = t.shape;
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const out = new Int32Array(outer * count * inner);
  const row = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < n; j++) row[j] = values[(o * n + j) * inner + i];
      const picked = pick(row);
      for (let j = 0; j < count; j++) out[(o * count + j) * inner + i] = picked[j];
    }
  }
  return rt.engine.fromValues(out, shape.map((d, i) => (i === axis ? count : d)), 'int32');
}

/**
 * The order along `dim`, as int32 positions: stable when asked, else std::sort's as PyTorch's CPU
 * sort leaves equal values (where the values can be read; stable otherwise).
 */
function order(rt: TorchRuntime, t: Tensor, axis: number, descending: boolean, stable: boolean): Tensor {
  if (!stable && readable(rt)) return pickRows(rt, t, axis, t.shape[axis], (row) => sortOrder(row, descending));
  const input = t.dtype === 'bool' ? rt.ops.convert(t, 'int32') : t;
  return rt.engine.withGradMode(false, () => rt.ops.bind('argsort', [input.detach()], { dimension: axis, descending, indexDtype: 'int32' }));
}

function sortValues(rt: TorchRuntime, t: Tensor, axis: number, descending: boolean): Tensor {
  if (t.dtype !== 'bool') return rt.ops.bind('sort', [t], { dimension: axis, descending });
  return rt.ops.convert(rt.ops.bind('sort', [rt.ops.convert(t, 'int32')], { dimension: axis, descending }), 'bool');
}

function sort(x: PyTensor, dim: number, descending: boolean, stable: boolean): PyTuple {
  const rt = x.rt;
  return rt.run(() => {
    const [values, indices] = alongDim(x, dim, (t, axis) => {
      const idx = order(rt, t, axis, descending, stable);
      // NB: the values read through the same positions, so the gradient goes where PyTorch's does at ties.
      const v = !stable && readable(rt) ? rt.engine.composite('SortBackward0', () => takeAlongAxis(rt.ops, t, idx, axis)) : sortValues(rt, t, axis, descending);
      return [v, idx];
    });
    return returnTuple('sort', ['values', 'indices'], [rt.wrap(values, x.dtype), rt.wrap(indices, 'int64')]);
  });
}

/** The first `k` along `axis`. */
function firstK(rt: TorchRuntime, t: Tensor, axis: number, k: number): Tensor {
  return rt.ops.slice(t, t.shape.map(() => 0), t.shape.map((d, i) => (i === axis ? k : d)));
}

function topk(x: PyTensor, k: number, dim: number, largest: boolean, sorted: boolean): PyTuple {
  const rt = x.rt;
  const size = x.shape.length === 0 ? 1 : x.shape[T.axis(x, dim)];
  if (k < 0 || k > size) throw pyError('RuntimeError', 'selected index k out of range');
  return rt.run(() => {
    const [values, indices] = alongDim(x, dim, (t, axis) => {
      const idx = readable(rt) ? pickRows(rt, t, axis, k, (row) => topkOrder(row, k, largest, sorted)) : firstK(rt, order(rt, t, axis, largest, true), axis, k);
      const v = rt.engine.composite('TopkBackward0', () => takeAlongAxis(rt.ops, t, idx, axis));
      return [v, idx];
    });
    return returnTuple('topk', ['values', 'indices'], [rt.wrap(values, x.dtype), rt.wrap(indices, 'int64')]);
  });
}

function kthvalue(x: PyTensor, k: number, dim: number, keepdim: boolean): PyTuple {
  const rt = x.rt;
  const axis = T.axis(x, dim);
  const size = x.shape.length === 0 ? 1 : x.shape[axis];
  if (k < 1 || k > size) throw pyError('RuntimeError', `kthvalue(): selected number k out of range for dimension ${dim}`);
  return rt.run(() => {
    const [values, indices] = alongDim(x, dim, (t, ax) => {
      const idx = readable(rt)
        ? pickRows(rt, t, ax, 1, (row) => [kthOrder(row, k)])
        : rt.ops.slice(order(rt, t, ax, false, true), t.shape.map((_, i) => (i === ax ? k - 1 : 0)), t.shape.map((d, i) => (i === ax ? k : d)));
      const v = rt.engine.composite('KthvalueBackward0', () => {
        const picked = takeAlongAxis(rt.ops, t, idx, ax);
        return keepdim ? picked : rt.ops.squeeze(picked, [ax]);
      });
      return [v, keepdim ? idx : rt.ops.squeeze(idx, [ax])];
    });
    return returnTuple('kthvalue', ['values', 'indices'], [rt.wrap(values, x.dtype), rt.wrap(indices, 'int64')]);
  });
}

function special(x: PyTensor, prim: 'erf' | 'erfinv'): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const t = isFloating(x.dtype) ? x.t : rt.ops.convert(x.t, 'float32');
    return rt.wrap(rt.ops.bind(prim, [t], {}), isFloating(x.dtype) ? x.dtype : 'float32');
  });
}

/** An index tensor for gather/scatter, checked as PyTorch checks it (where its values can be read). */
function indexArg(x: PyTensor, a: Args, axis: number, fname: string): PyTensor {
  const index = a.required('index');
  if (!(index instanceof PyTensor)) throw pyError('TypeError', `${fname}(): argument 'index' must be Tensor, not ${typeName(index)}`);
  if (index.dtype !== 'int64') throw pyError('RuntimeError', `${fname}(): Expected dtype int64 for index`);
  const rank = Math.max(x.shape.length, 1);
  if (Math.max(index.shape.length, 1) !== rank) throw pyError('RuntimeError', `Index tensor must have the same number of dimensions as ${fname === 'gather' ? 'input' : 'self'} tensor`);
  index.shape.forEach((d, i) => {
    if (i !== axis && d > (x.shape[i] ?? 1)) {
      throw pyError('RuntimeError', `Size does not match at dimension ${i} expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${axis}`);
    }
  });
  // NB: on WebGPU and while tracing the values cannot be read here; the gather wraps them instead.
  if (x.rt.engine.backend.name !== 'webgpu' && !(x.rt.engine.backend instanceof StagingBackend)) {
    const size = x.shape[axis] ?? 1;
    const bad = index.values('index').find((v) => v < 0 || v >= size);
    if (bad !== undefined) throw pyError('RuntimeError', `index ${bad} is out of bounds for dimension ${axis} with size ${size}`);
  }
  return index;
}

function gather(x: PyTensor, dim: number, a: Args): PyTensor {
  const rt = x.rt;
  const axis = T.axis(x, dim);
  const index = indexArg(x, a, axis, 'gather');
  return rt.run(() => {
    const out = rt.engine.composite('GatherBackward0', () => takeAlongAxis(rt.ops, x.t, rt.ops.convert(index.t, 'int32'), axis));
    return rt.wrap(out, x.dtype);
  });
}

export const ORDERING_METHODS: Readonly<Record<string, Method>> = {
  cumsum: def('cumsum', ['dim', '*', 'dtype?'], (x, a) => cumulative(x, 'cumsum', a.int('dim'), dtypeArg(a.opt('dtype')))),
  cumprod: def('cumprod', ['dim', '*', 'dtype?'], (x, a) => cumulative(x, 'cumprod', a.int('dim'), dtypeArg(a.opt('dtype')))),
  logcumsumexp: def('logcumsumexp', ['dim'], (x, a) => cumulative(x, 'cumlogsumexp', a.int('dim'), null)),
  cummax: def('cummax', ['dim'], (x, a) => cumulativeExtreme(x, 'cummax', a.int('dim'))),
  cummin: def('cummin', ['dim'], (x, a) => cumulativeExtreme(x, 'cummin', a.int('dim'))),
  sort: def('sort', ['dim?', 'descending?', '*', 'stable?'], (x, a) => sort(x, a.int('dim', -1), a.bool('descending', false), a.bool('stable', false))),
  argsort: def('argsort', ['dim?', 'descending?', '*', 'stable?'], (x, a) => {
    const rt = x.rt;
    return rt.run(() => rt.wrap(alongDim(x, a.int('dim', -1), (t, axis) => [order(rt, t, axis, a.bool('descending', false), a.bool('stable', false))])[0], 'int64'));
  }),
  msort: def('msort', [], (x) => sort(x, 0, false, false).items[0]),
  topk: def('topk', ['k', 'dim?', 'largest?', 'sorted?'], (x, a) => topk(x, a.int('k'), a.int('dim', -1), a.bool('largest', true), a.bool('sorted', true))),
  kthvalue: def('kthvalue', ['k', 'dim?', 'keepdim?'], (x, a) => kthvalue(x, a.int('k'), a.int('dim', -1), a.bool('keepdim', false))),
  erf: def('erf', [], (x) => followOperands(special(x, 'erf'), [x])),
  erfinv: def('erfinv', [], (x) => followOperands(special(x, 'erfinv'), [x])),
  gather: def('gather', ['dim', 'index', '*', 'sparse_grad?'], (x, a) => gather(x, a.int('dim'), a)),
};

/** Names whose `torch.f(input, ...)` form is the method. */
export const ORDERING_FUNCTION_NAMES = Object.keys(ORDERING_METHODS);

