/**
 * `F.adaptive_max_pool1d/2d` (and `return_indices`). PyTorch's windows along an axis of `size`
 * pooled to `out` run from floor(i·size/out) to ceil((i+1)·size/out) and differ in length, so
 * each axis is gathered into `out` windows of the longest length (shorter ones filled from a -inf
 * past the end), then one reduce_window_max with stride = window: its gradient goes to the first
 * maximum in the (h, w) scan, or the last NaN, as PyTorch's kernel picks it, and every rule of
 * the primitives (double backward, batching, WebGPU) holds.
 */
import type { Tensor } from '../../../../runtime/eager';
import type { WindowParams } from '../../../../runtime/primitives';
import { bindArgs, pyError, PyTuple, toIndex } from '../../interpreter';
import { asTensor } from '../arith';
import { isFloating } from '../dtype';
import type { PyTensor, TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { type Fn, nTuple } from './functional_conv';

/** For each of `out` windows over `size`, `longest` positions: the window's, then `size` (the -inf past the end). */
function windowPositions(size: number, out: number): { positions: number[]; longest: number } {
  const bounds = Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
  const longest = Math.max(...bounds.map(([s, e]) => e - s));
  const positions = bounds.flatMap(([s, e]) => Array.from({ length: longest }, (_, k) => (s + k < e ? s + k : size)));
  return { positions, longest };
}

/** `x` with each of its last two axes gathered into windows of equal length, `fill` past their ends. */
function gatheredWindows(rt: TorchRuntime, x: Tensor, axes: readonly { positions: number[] }[], fill: number): Tensor {
  const o = rt.ops;
  let y = x;
  const rank = o.shape(x).length;
  axes.forEach((a, i) => {
    const axis = rank - 2 + i;
    const hi = o.shape(y).map((_, j) => (j === axis ? 1 : 0));
    const padded = o.pad(y, hi.map(() => 0), hi, fill);
    y = o.gather(padded, rt.engine.fromValues(a.positions, [a.positions.length], 'int32'), axis);
  });
  return y;
}

const adaptiveMaxPool2d: Fn = (rt, args, kwargs, ctx) => {
  const a = bindArgs('adaptive_max_pool2d', ['input', 'output_size', 'return_indices?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw pyError('RuntimeError', `adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [${x.shape.join(', ')}]`);
  }
  const empty = x.shape.findIndex((d, i) => i > 0 && d === 0);
  if (empty > 0) {
    throw pyError('RuntimeError', `adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [${x.shape.join(', ')}] with dimension ${empty} being empty`);
  }
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `"adaptive_max_pool2d" not implemented for '${x.dtype === 'int64' ? 'Long' : x.dtype === 'bool' ? 'Bool' : 'Int'}'`);
  const [h, w] = x.shape.slice(-2);
  const raw = a.required('output_size');
  // A tuple may hold None: that axis keeps the input's size.
  const size = raw instanceof PyTuple ? raw.items.map((v, i) => (v === null ? [h, w][i] : Number(toIndex(v, ctx)))) : nTuple(a, 'output_size', 2, 1);
  if (size.length !== 2) throw pyError('RuntimeError', 'adaptive_max_pool2d(): internal error: output_size.size() must be 2');
  const axes = [windowPositions(h, size[0]), windowPositions(w, size[1])];
  const lead = x.shape.slice(0, -2).map(() => 1);
  const window: WindowParams = {
    windowDimensions: [...lead, ...axes.map((ax) => ax.longest)], windowStrides: [...lead, ...axes.map((ax) => ax.longest)],
    padding: [...lead, 1, 1].map(() => [0, 0] as [number, number]), baseDilation: [...lead, 1, 1], windowDilation: [...lead, 1, 1],
  };
  const out = rt.run(() => {
    const pooled = rt.ops.reduceWindowMax(gatheredWindows(rt, x.t, axes, -Infinity), window);
    return rt.result(T.rename(pooled, [x.t], 'AdaptiveMaxPool2DBackward0'), [x]);
  });
  if (!a.bool('return_indices', false)) return out;
  // Each window's pick as a flat index into its (H, W) plane: the positions gathered where the max is.
  const indices = rt.run(() => {
    const o = rt.ops;
    const operand = x.t.detach();
    // NB: positions in the operand's float dtype are exact below 2^24.
    const plane = o.broadcastTo(o.reshape(o.iota(operand.dtype, [h * w], 0), [h, w]), x.shape);
    const picked = o.selectAndGatherAdd(gatheredWindows(rt, plane, axes, 0), gatheredWindows(rt, operand, axes, -Infinity), window);
    return rt.wrap(o.convert(picked, 'int32'), 'int64');
  });
  return new PyTuple([out, indices]);
};

/** As PyTorch 1.13: the 2-d pooling of the input unsqueezed at dim -2, squeezed back (SqueezeBackward1). */
const adaptiveMaxPool1d: Fn = (rt, args, kwargs, ctx) => {
  const a = bindArgs('adaptive_max_pool1d', ['input', 'output_size', 'return_indices?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  if (x.shape.length !== 2 && x.shape.length !== 3) {
    throw pyError('RuntimeError', `Expected 2 to 3 dimensions, but got ${x.shape.length}-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_max_pool1d)`);
  }
  const n = nTuple(a, 'output_size', 1, 1);
  const lifted = rt.run(() => rt.result(rt.ops.expandDims(x.t, [x.shape.length - 1]), [x]));
  const pooled = adaptiveMaxPool2d(rt, [lifted, new PyTuple([1n, BigInt(n[0])]), a.bool('return_indices', false)], new Map(), ctx);
  const squeeze = (t: PyTensor) => rt.run(() => rt.result(rt.ops.squeeze(t.t, [t.shape.length - 2]), [t]));
  if (pooled instanceof PyTuple) return new PyTuple(pooled.items.map((t) => squeeze(t as PyTensor)));
  return squeeze(pooled as PyTensor);
};

export const ADAPTIVE_MAX_FUNCTIONS: Readonly<Record<string, Fn>> = {
  adaptive_max_pool1d: adaptiveMaxPool1d,
  adaptive_max_pool2d: adaptiveMaxPool2d,
};
