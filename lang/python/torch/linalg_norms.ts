/**
 * `torch.linalg.vector_norm`, `matrix_norm` and `norm`, with PyTorch 1.13's orders, dims, grad_fn
 * names (a vector norm is one LinalgVectorNormBackward0 node; a matrix norm of order 1, inf or 2
 * ends in the amax or amin PyTorch composes it of; 'nuc' in a sum) and errors.
 */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, type NativeFn, PyList, PyTuple, type PyValue, toFloat, toIntList } from '../interpreter';
import { asTensor } from './arith';
import { dtypeArg } from './creation';
import { isFloating, SCALAR_TYPE } from './dtype';
import { singularValues } from './linalg';
import { PyTensor, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function floatingInput(name: string, x: PyTensor): void {
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `${name}: Expected a floating point or complex tensor as input. Got ${SCALAR_TYPE[x.dtype]}`);
}

function withDtype(x: PyTensor, a: Args): PyTensor {
  const dtype = dtypeArg(a.get('dtype'));
  return dtype === null || dtype === x.dtype ? x : T.toDType(x, dtype);
}

/** The p-norm of t over `axes` for p other than 0: the largest (smallest) |t| for inf (-inf), gradient 0 at a zero 2-norm. */
function pNorm(rt: TorchRuntime, t: Tensor, p: number, axes: readonly number[], keepdim: boolean): Tensor {
  const o = rt.ops;
  const abs = o.abs(t);
  let r: Tensor;
  if (p === 1) r = o.reduceSum(abs, axes);
  else if (p === Infinity) r = o.reduceMax(abs, axes);
  else if (p === -Infinity) r = o.reduceMin(abs, axes);
  else if (p === 2) {
    const squares = o.reduceSum(o.mul(t, t), axes);
    const zero = o.eq(squares, o.zerosLike(squares));
    r = o.select(zero, o.zerosLike(squares), o.sqrt(o.select(zero, o.onesLike(squares), squares)));
  } else r = o.pow(o.reduceSum(o.pow(abs, o.scalarLike(p, t)), axes), o.scalarLike(1 / p, t));
  return keepdim ? o.expandDims(r, axes) : r;
}

function dimsOf(x: PyTensor, dim: PyValue | undefined, ctx: HostContext): number[] | null {
  if (dim === undefined || dim === null) return null;
  return toIntList(dim, ctx).map((d) => T.axis(x, d));
}

export function vectorNorm(x: PyTensor, ord: number, dims: number[] | null, keepdim: boolean): PyTensor {
  const rt = x.rt;
  floatingInput('linalg.vector_norm', x);
  const axes = dims ?? x.shape.map((_, i) => i);
  if (ord === 0) return rt.run(() => rt.result(T.nonzeroCount(rt, x.t, axes, keepdim, 'LinalgVectorNormBackward0'), [x]));
  return rt.run(() => rt.result(rt.engine.composite('LinalgVectorNormBackward0', () => pNorm(rt, x.t, ord, axes, keepdim)), [x]));
}

type MatrixOrder = 'fro' | 'nuc' | number;

function matrixOrder(v: PyValue | undefined, ctx: HostContext): MatrixOrder {
  if (v === undefined) return 'fro';
  if (v === 'fro' || v === 'nuc') return v;
  if (typeof v === 'string') throw pyError('RuntimeError', `linalg.matrix_norm: Order ${v} not supported.`);
  const p = toFloat(v, ctx);
  if (![1, -1, 2, -2, Infinity, -Infinity].includes(p)) throw pyError('RuntimeError', `linalg.matrix_norm: Order ${ctx.repr(v)} not supported.`);
  return p;
}

function matrixNorm(x: PyTensor, ord: MatrixOrder, dim: readonly number[], keepdim: boolean): PyTensor {
  const rt = x.rt;
  if (x.shape.length < 2) throw pyError('RuntimeError', 'linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
  floatingInput('linalg.matrix_norm', x);
  if (dim.length !== 2) throw pyError('RuntimeError', `linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const [d0, d1] = dim.map((d) => T.axis(x, d));
  if (d0 === d1) throw pyError('RuntimeError', `linalg.matrix_norm: dims must be different. Got (${d0}, ${d1})`);
  if (ord === 'fro') return vectorNorm(x, 2, [d0, d1], keepdim);
  const o = rt.ops;
  const restore = (r: Tensor) => (keepdim ? o.expandDims(r, [d0, d1].sort((a, b) => a - b)) : r);
  if (ord === 'nuc' || Math.abs(ord) === 2) {
    return rt.run(() => {
      // The matrix dims last, as svdvals reads them.
      const rest = x.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
      const moved = new PyTensor(rt, o.transpose(x.t, [...rest, d0, d1]), x.dtype);
      const s = singularValues(moved, 'linalg.matrix_norm');
      const last = s.shape.length - 1;
      if (ord === 'nuc') return rt.result(rt.engine.composite('SumBackward1', () => restore(o.reduceSum(s, [last]))), [x]);
      return rt.result(rt.engine.composite(ord > 0 ? 'AmaxBackward0' : 'AminBackward0', () => restore(ord > 0 ? o.reduceMax(s, [last]) : o.reduceMin(s, [last]))), [x]);
    });
  }
  // Order 1 sums each column (over d0) and picks the largest; inf sums each row (over d1).
  const [summed, picked] = Math.abs(ord) === 1 ? [d0, d1] : [d1, d0];
  return rt.run(() => {
    const sums = o.reduceSum(o.abs(x.t), [summed]);
    const at = picked > summed ? picked - 1 : picked;
    const extreme = ord > 0 ? o.reduceMax(sums, [at]) : o.reduceMin(sums, [at]);
    return rt.result(T.rename(restore(extreme), [x.t], ord > 0 ? 'AmaxBackward0' : 'AminBackward0'), [x]);
  });
}

function vectorOrder(v: PyValue | undefined, ctx: HostContext): number {
  if (v === undefined) return 2;
  if (typeof v === 'string') throw pyError('TypeError', `linalg_vector_norm(): argument 'ord' must be Number, not str`);
  return toFloat(v, ctx);
}

function isSequence(v: PyValue | undefined): boolean {
  return v instanceof PyList || v instanceof PyTuple;
}

function norm(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const ord = a.opt('ord');
  const dim = a.opt('dim');
  const keepdim = a.bool('keepdim', false);
  const dims = dim === undefined ? null : toIntList(dim, ctx);
  if (typeof ord === 'string' || (dims !== null && dims.length === 2 && isSequence(dim))) {
    return matrixNorm(x, matrixOrder(ord, ctx), dims ?? [-2, -1], keepdim);
  }
  if (dims !== null) return vectorNorm(x, vectorOrder(ord, ctx), dims.map((d) => T.axis(x, d)), keepdim);
  if (ord === undefined) return vectorNorm(x, 2, null, keepdim);
  if (x.shape.length === 1) return vectorNorm(x, vectorOrder(ord, ctx), null, keepdim);
  if (x.shape.length === 2) return matrixNorm(x, matrixOrder(ord, ctx), [-2, -1], keepdim);
  throw pyError('RuntimeError', `linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.shape.length}D.`);
}

export const LINALG_NORM_NAMES = ['vector_norm', 'matrix_norm', 'norm'] as const;

/** The norm functions of `torch.linalg`, by name. */
export function linalgNorms(rt: TorchRuntime): Record<(typeof LINALG_NORM_NAMES)[number], NativeFn> {
  const input = (a: Args, ctx: HostContext, name: string) => withDtype(asTensor(rt, a.required(name), ctx, name), a);
  return {
    vector_norm: (args, kwargs, ctx) => {
      const a = bindArgs('vector_norm', ['x', 'ord?', 'dim?', 'keepdim?', '*', 'dtype?'], args, kwargs, ctx);
      const x = input(a, ctx, 'x');
      return vectorNorm(x, vectorOrder(a.opt('ord'), ctx), dimsOf(x, a.opt('dim'), ctx), a.bool('keepdim', false));
    },
    matrix_norm: (args, kwargs, ctx) => {
      const a = bindArgs('matrix_norm', ['A', 'ord?', 'dim?', 'keepdim?', '*', 'dtype?'], args, kwargs, ctx);
      const dim = a.opt('dim');
      return matrixNorm(input(a, ctx, 'A'), matrixOrder(a.opt('ord'), ctx), dim === undefined ? [-2, -1] : toIntList(dim, ctx), a.bool('keepdim', false));
    },
    norm: (args, kwargs, ctx) => {
      const a = bindArgs('norm', ['A', 'ord?', 'dim?', 'keepdim?', '*', 'dtype?'], args, kwargs, ctx);
      return norm(input(a, ctx, 'A'), a, ctx);
    },
  };
}
