/**
 * Selecting elements by index or by value: index_select, masked_select, take, take_along_dim,
 * nonzero/argwhere and count_nonzero, as PyTorch 1.13 computes them. The differentiable ones read
 * through the gather primitive (their gradients scatter back); the positions a mask or a
 * nonzero test picks are read on the host, as PyTorch's output sizes depend on them.
 */
import type { Tensor } from '../../../runtime/eager';
import { takeAlongAxis } from '../../../runtime/ops';
import { bindArgs, type Args, pyError, type HostContext, PyTuple, type PyValue, typeName } from '../interpreter';
import { asTensor, checkBroadcast } from './arith';
import { inferSizeMessage } from './errors';
import { SCALAR_TYPE } from './dtype';
import { PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** Bool tensors are gathered as int32 and given back as bool. */
function gathered(rt: TorchRuntime, x: PyTensor, name: string, f: (t: Tensor) => Tensor): PyTensor {
  return rt.run(() => {
    const t = x.dtype === 'bool' ? rt.ops.convert(x.t, 'int32') : x.t;
    return rt.wrap(rt.engine.composite(name, () => f(t)), x.dtype);
  });
}

function flat(rt: TorchRuntime, t: Tensor): Tensor {
  return rt.ops.reshape(t, [t.shape.reduce((p, d) => p * d, 1)]);
}

function int32Of(rt: TorchRuntime, values: readonly number[], shape: readonly number[]): Tensor {
  return rt.engine.fromValues(Int32Array.from(values), shape, 'int32');
}

function indexSelect(x: PyTensor, dim: number, v: PyValue): PyTensor {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `index_select(): argument 'index' must be Tensor, not ${typeName(v)}`);
  if (v.dtype !== 'int64' && v.dtype !== 'int32') throw pyError('RuntimeError', 'index_select(): Expected dtype int32 or int64 for index');
  if (v.shape.length > 1) throw pyError('IndexError', 'index_select(): Index is supposed to be a vector');
  const rt = x.rt;
  const axis = T.axis(x, dim);
  const size = x.shape[axis] ?? 1;
  const index = v.values('index');
  const bad = index.find((i) => i < 0 || i >= size);
  if (bad !== undefined) throw pyError('RuntimeError', `INDICES element is out of DATA bounds, id=${bad} axis_dim=${size}`);
  if (x.shape.length === 0) return gathered(rt, x, 'IndexSelectBackward0', (t) => rt.ops.reshape(rt.ops.gather(rt.ops.reshape(t, [1]), int32Of(rt, index, [index.length]), 0), v.shape));
  return gathered(rt, x, 'IndexSelectBackward0', (t) => rt.ops.gather(t, int32Of(rt, index, [index.length]), axis));
}

function maskedSelect(x: PyTensor, mask: PyTensor): PyTensor {
  if (mask.dtype !== 'bool') throw pyError('RuntimeError', 'masked_select: expected BoolTensor or ByteTensor for mask');
  checkBroadcast(mask.shape, x.shape);
  const rt = x.rt;
  const shape = broadcastShape(x.shape, mask.shape);
  const full = rt.run(() => rt.wrap(rt.ops.broadcastTo(mask.t, shape), 'bool'));
  const picked = full.values('bool').flatMap((m, i) => (m ? [i] : []));
  return gathered(rt, x, 'MaskedSelectBackward0', (t) => rt.ops.gather(flat(rt, rt.ops.broadcastTo(t, shape)), int32Of(rt, picked, [picked.length]), 0));
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[i - (rank - a.length)] ?? 1;
    const db = b[i - (rank - b.length)] ?? 1;
    return da === 1 ? db : da;
  });
}

function take(x: PyTensor, v: PyValue): PyTensor {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `take(): argument 'index' must be Tensor, not ${typeName(v)}`);
  if (v.dtype !== 'int64') throw pyError('RuntimeError', `take(): Expected a long tensor for index, but got ${SCALAR_TYPE[v.dtype]}`);
  const rt = x.rt;
  const n = x.numel;
  const index = v.values('index').map((i) => {
    if (i < -n || i >= n) throw pyError('IndexError', `out of range: tried to access index ${i} on a tensor of ${n} elements.`);
    return i < 0 ? i + n : i;
  });
  return gathered(rt, x, 'TakeBackward0', (t) => rt.ops.reshape(rt.ops.gather(flat(rt, t), int32Of(rt, index, [index.length]), 0), v.shape));
}

/** PyTorch's take_along_dim: x and the indices broadcast against each other on every dim but `dim`. */
function takeAlongDim(x: PyTensor, v: PyValue, dim: number | null): PyTensor {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `take_along_dim(): argument 'indices' must be Tensor, not ${typeName(v)}`);
  const rt = x.rt;
  if (dim === null) {
    if (v.dtype !== 'int64') throw pyError('RuntimeError', 'gather(): Expected dtype int64 for index');
    const index = checkedPositions(v, x.numel, 0);
    return gathered(rt, x, 'GatherBackward0', (t) => rt.ops.reshape(rt.ops.gather(flat(rt, t), int32Of(rt, index, [index.length]), 0), [index.length]));
  }
  if (x.shape.length !== v.shape.length) {
    throw pyError('RuntimeError', `torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.shape.length} dimensions for input, and ${v.shape.length} dimensions for indices`);
  }
  if (v.dtype !== 'int64') throw pyError('RuntimeError', `torch.take_along_dim(): dtype of indices should be Long but got ${SCALAR_TYPE[v.dtype]}`);
  const axis = T.axis(x, dim);
  const withIndexDim = x.shape.map((d, i) => (i === axis ? v.shape[i] : d));
  const message = inferSizeMessage([withIndexDim, v.shape]);
  if (message !== null) throw pyError('RuntimeError', message);
  const indexShape = broadcastShape(withIndexDim, v.shape);
  const selfShape = indexShape.map((d, i) => (i === axis ? x.shape[i] : d));
  const index = checkedPositions(v, x.shape[axis], axis);
  return gathered(rt, x, 'GatherBackward0', (t) => {
    const idx = rt.ops.broadcastTo(int32Of(rt, index, v.shape), indexShape);
    return takeAlongAxis(rt.ops, rt.ops.broadcastTo(t, selfShape), idx, axis);
  });
}

/** gather's bounds: positions in [0, size). */
function checkedPositions(v: PyTensor, size: number, axis: number): number[] {
  const index = v.values('index');
  const bad = index.find((i) => i < 0 || i >= size);
  if (bad !== undefined) throw pyError('RuntimeError', `index ${bad} is out of bounds for dimension ${axis} with size ${size}`);
  return index;
}

/** The coordinates of x's nonzero elements, one row each in row-major order, as int64 [n, rank]. */
function nonzeroRows(x: PyTensor): number[][] {
  const values = x.values('bool');
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((p, d) => p * d, 1));
  return values.flatMap((v, flatIndex) => (v !== 0 ? [strides.map((s, k) => Math.floor(flatIndex / s) % x.shape[k])] : []));
}

function nonzero(x: PyTensor, asTuple: boolean): PyValue {
  const rt = x.rt;
  const rows = nonzeroRows(x);
  if (asTuple) {
    // NB: a 0-d tensor answers as a 1-d one of one element.
    const rank = Math.max(x.shape.length, 1);
    return new PyTuple(Array.from({ length: rank }, (_, k) => rt.fromValues(rows.map((r) => r[k] ?? 0), [rows.length], 'int64')));
  }
  return rt.fromValues(rows.flat(), [rows.length, x.shape.length], 'int64');
}

function countNonzero(x: PyTensor, a: Args): PyTensor {
  const rt = x.rt;
  const dims = a.opt('dim') === undefined ? null : a.ints('dim') ?? null;
  return rt.run(() => {
    const nz = rt.wrap(rt.ops.ne(x.t, rt.ops.scalarLike(0, x.t)), 'bool');
    return T.sum(nz, dims, false, 'int64');
  });
}

export const SELECTION_METHODS: Readonly<Record<string, Method>> = {
  index_select: def('index_select', ['dim', 'index'], (x, a) => indexSelect(x, a.int('dim'), a.required('index'))),
  masked_select: def('masked_select', ['mask'], (x, a, ctx) => maskedSelect(x, asTensor(x.rt, a.required('mask'), ctx, 'mask'))),
  take: def('take', ['index'], (x, a) => take(x, a.required('index'))),
  take_along_dim: def('take_along_dim', ['indices', 'dim?'], (x, a) => takeAlongDim(x, a.required('indices'), a.opt('dim') === undefined ? null : a.int('dim'))),
  nonzero: def('nonzero', ['*', 'as_tuple?'], (x, a) => nonzero(x, a.bool('as_tuple', false))),
  argwhere: def('argwhere', [], (x) => nonzero(x, false)),
  count_nonzero: def('count_nonzero', ['dim?'], (x, a) => countNonzero(x, a)),
};

/** Names whose `torch.f(input, ...)` form is the method. */
export const SELECTION_FUNCTION_NAMES = Object.keys(SELECTION_METHODS);

/** `torch.where(condition)`: as `torch.nonzero(condition, as_tuple=True)`. */
export function whereNonzero(rt: TorchRuntime, condition: PyValue, ctx: HostContext): PyValue {
  return nonzero(asTensor(rt, condition, ctx, 'condition'), true);
}
