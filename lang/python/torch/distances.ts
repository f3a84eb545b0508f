/**
 * Distances and norms between tensors: torch.cdist (both of PyTorch 1.13's ways for p = 2: the
 * direct differences, and for more than 25 rows the matmul expansion |a|^2 - 2 a.b + |b|^2),
 * Tensor.dist and Tensor.renorm, with the gradient PyTorch gives at a zero distance (0).
 */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, type PyValue, toFloat } from '../interpreter';
import { asTensor, checkBroadcast } from './arith';
import { SCALAR_TYPE, isFloating } from './dtype';
import { PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** sqrt whose gradient at 0 is 0 (PyTorch masks a zero distance), not 0 * inf. */
function safeSqrt(rt: TorchRuntime, s: Tensor): Tensor {
  const o = rt.ops;
  const zero = o.eq(s, o.scalarLike(0, s));
  return o.select(zero, o.zerosLike(s), o.sqrt(o.select(zero, o.onesLike(s), s)));
}

/** The p-norm of d over `axes`: counting nonzeros for 0, the largest |d| for inf. */
function pNorm(rt: TorchRuntime, d: Tensor, p: number, axes: readonly number[]): Tensor {
  const o = rt.ops;
  if (p === 0) return o.reduceSum(o.convert(o.ne(d, o.zerosLike(d)), d.dtype), axes);
  if (p === 1) return o.reduceSum(o.abs(d), axes);
  if (p === 2) return safeSqrt(rt, o.reduceSum(o.mul(d, d), axes));
  if (p === Infinity) return o.reduceMax(o.abs(d), axes);
  return o.pow(o.reduceSum(o.pow(o.abs(d), o.scalarLike(p, d)), axes), o.scalarLike(1 / p, d));
}

function pArg(v: PyValue | undefined, ctx: HostContext): number {
  return v === undefined ? 2 : toFloat(v, ctx);
}

const COMPUTE_MODES = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'] as const;

function cdist(rt: TorchRuntime, x1: PyTensor, x2: PyTensor, p: number, mode: string): PyTensor {
  if (x1.shape.length < 2) throw pyError('RuntimeError', `cdist only supports at least 2D tensors, X1 got: ${x1.shape.length}D`);
  if (x2.shape.length < 2) throw pyError('RuntimeError', `cdist only supports at least 2D tensors, X2 got: ${x2.shape.length}D`);
  const m = x1.shape[x1.shape.length - 1];
  if (m !== x2.shape[x2.shape.length - 1]) throw pyError('RuntimeError', `X1 and X2 must have the same number of columns. X1: ${m} X2: ${x2.shape[x2.shape.length - 1]}`);
  if (!isFloating(x1.dtype)) throw pyError('RuntimeError', `cdist only supports floating-point dtypes, X1 got: ${SCALAR_TYPE[x1.dtype]}`);
  if (!isFloating(x2.dtype)) throw pyError('RuntimeError', `cdist only supports floating-point dtypes, X2 got: ${SCALAR_TYPE[x2.dtype]}`);
  if (!(p >= 0)) throw pyError('RuntimeError', 'cdist only supports non-negative p values');
  if (!(COMPUTE_MODES as readonly string[]).includes(mode)) throw pyError('RuntimeError', `${mode} is not a valid value for compute_mode`);
  const batch1 = x1.shape.slice(0, -2);
  const batch2 = x2.shape.slice(0, -2);
  checkBroadcast(batch1, batch2);
  const rank = Math.max(batch1.length, batch2.length);
  const batch = Array.from({ length: rank }, (_, i) => Math.max(batch1[i - (rank - batch1.length)] ?? 1, batch2[i - (rank - batch2.length)] ?? 1));
  const r1 = x1.shape[x1.shape.length - 2];
  const r2 = x2.shape[x2.shape.length - 2];
  const useMm = p === 2 && (mode === 'use_mm_for_euclid_dist' || (mode === COMPUTE_MODES[0] && (r1 > 25 || r2 > 25)));
  const o = rt.ops;
  return rt.run(() => {
    const [a, b] = rt.torch.coerce(x1.t, x2.t);
    const u = o.broadcastTo(a, [...batch, r1, m]);
    const v = o.broadcastTo(b, [...batch, r2, m]);
    if (useMm) return rt.wrap(T.rename(euclideanByMatmul(rt, u, v, batch.length), [u, v], 'ViewBackward0'));
    const out = rt.engine.composite('CdistBackward0', () => {
      const shape = [...batch, r1, r2, m];
      const left = o.broadcastInDim(u, shape, [...batch.map((_, i) => i), rank, rank + 2]);
      const right = o.broadcastInDim(v, shape, [...batch.map((_, i) => i), rank + 1, rank + 2]);
      return pNorm(rt, o.sub(left, right), p, [rank + 2]);
    });
    return rt.wrap(out);
  });
}

/**
 * PyTorch's _euclidean_dist: [-2 a, |a|^2, 1] times [b, 1, |b|^2] transposed, clamped at 0, its
 * square root; a zero distance has gradient 0, as its backward masks it.
 */
function euclideanByMatmul(rt: TorchRuntime, a: Tensor, b: Tensor, batchRank: number): Tensor {
  const o = rt.ops;
  const last = batchRank + 1;
  const norm = (t: Tensor) => o.expandDims(o.reduceSum(o.mul(t, t), [last]), [last]);
  const ones = (t: Tensor) => o.onesLike(norm(t));
  const left = o.concatenate([o.mul(a, o.scalarLike(-2, a)), norm(a), ones(a)], last);
  const right = o.concatenate([b, ones(b), norm(b)], last);
  const batchDims = Array.from({ length: batchRank }, (_, i) => i);
  const squared = o.dotGeneral(left, right, { lhsContracting: [last], rhsContracting: [last], lhsBatch: batchDims, rhsBatch: batchDims });
  const clamped = o.select(o.lt(squared, o.zerosLike(squared)), o.zerosLike(squared), squared);
  return safeSqrt(rt, clamped);
}

/** Tensor.dist: the p-norm of x - other, broadcast (DistBackward0). */
function dist(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const rt = x.rt;
  const y = asTensor(rt, a.required('other'), ctx, 'other');
  checkBroadcast(x.shape, y.shape);
  const p = pArg(a.opt('p'), ctx);
  const o = rt.ops;
  return rt.run(() => {
    const [u, v] = rt.torch.coerce(x.t, y.t);
    const out = rt.engine.composite('DistBackward0', () => {
      const diff = o.sub(u, v);
      return pNorm(rt, diff, p, diff.shape.map((_, i) => i));
    });
    return rt.wrap(out);
  });
}

/** renorm: each slice along dim whose p-norm exceeds maxnorm scaled by maxnorm / (norm + 1e-7), differentiated through the norm. */
function renorm(x: PyTensor, a: Args): PyTensor {
  const rt = x.rt;
  const p = a.float('p');
  const maxnorm = a.float('maxnorm');
  if (!(p > 0)) throw pyError('RuntimeError', `renorm: non-positive-norm not supported`);
  if (maxnorm < 0) throw pyError('RuntimeError', `renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `"renorm_cpu" not implemented for '${SCALAR_TYPE[x.dtype]}'`);
  const axis = T.axis(x, a.int('dim'));
  const others = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const o = rt.ops;
  return rt.run(() => {
    const out = rt.engine.composite('RenormBackward0', () => {
      const t = x.t;
      const norm = o.expandDims(pNorm(rt, t, p, others), others);
      const limit = o.scalarLike(maxnorm, norm);
      const factor = o.select(o.gt(norm, limit), o.div(limit, o.add(norm, o.scalarLike(1e-7, norm))), o.onesLike(norm));
      return o.mul(t, o.broadcastTo(factor, t.shape));
    });
    return rt.wrap(out, x.dtype);
  });
}

export const DISTANCE_METHODS: Readonly<Record<string, Method>> = {
  dist: def('dist', ['other', 'p?'], dist),
  renorm: def('renorm', ['p', 'dim', 'maxnorm'], renorm),
};

/** The in-place form PyTorch has (`w.renorm_(2, 0, 1.0)`), made by methods.ts's inPlaceForm. */
export const DISTANCE_IN_PLACE = ['renorm'] as const;

/** Names whose `torch.f(input, ...)` form is the method. */
export const DISTANCE_FUNCTION_NAMES = Object.keys(DISTANCE_METHODS);

/** `torch.cdist(x1, x2, p=2.0, compute_mode=...)`. */
export function cdistFunction(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyTensor {
  const a = bindArgs('cdist', ['x1', 'x2', 'p?', 'compute_mode?'], args, kwargs, ctx);
  return cdist(rt, asTensor(rt, a.required('x1'), ctx, 'x1'), asTensor(rt, a.required('x2'), ctx, 'x2'), pArg(a.opt('p'), ctx), a.str('compute_mode', COMPUTE_MODES[0]));
}
