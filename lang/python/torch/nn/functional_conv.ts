/**
 * Convolution and pooling in `torch.nn.functional` (`conv1d`, `conv2d`, `conv3d`, `max_pool1d/2d/3d`,
 * `avg_pool1d/2d/3d`, `adaptive_avg_pool1d/2d/3d`) over the conv_general_dilated and reduce_window
 * primitives, with PyTorch 1.13's output sizes, divisors, grad_fn names and shape errors.
 */
import type { WindowParams } from '../../../../runtime/primitives';
import { type Args, bindArgs, type HostContext, type Kwargs, pyError, PyTuple, type PyValue, toIndex } from '../../interpreter';
import { asTensor } from '../arith';
import type { PyTensor, TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

export type Fn = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/** An int or a tuple of `n` ints (PyTorch's _single/_pair), `dflt` when absent. */
export function nTuple(a: Args, name: string, n: number, dflt: number): number[] {
  const v = a.ints(name);
  if (v === undefined) return Array.from({ length: n }, () => dflt);
  if (v.length === 1) return Array.from({ length: n }, () => v[0]);
  if (v.length !== n) throw pyError('RuntimeError', `${a.fname}(): argument '${name}' must be an int or a tuple of ${n} ints, got ${v.length}`);
  return v;
}

const dims = (xs: readonly number[], sep = ' x '): string => `(${xs.join(sep)})`;
const dilated = (k: number, d: number): number => d * (k - 1) + 1;

/** conv1d/conv2d/conv3d: `spatial` spatial axes after (N, C) or, unbatched, after C. */
function convolution(spatial: 1 | 2 | 3): Fn {
  const name = `conv${spatial}d`;
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', 'weight', 'bias?', 'stride?', 'padding?', 'dilation?', 'groups?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx, 'input');
    const w = asTensor(rt, a.required('weight'), ctx, 'weight');
    const b = a.opt('bias') === undefined ? null : asTensor(rt, a.required('bias'), ctx, 'bias');
    const stride = nTuple(a, 'stride', spatial, 1);
    const dilation = nTuple(a, 'dilation', spatial, 1);
    const groups = a.int('groups', 1);
    const padding = convPadding(a, spatial, stride, dilation, w.shape.slice(2));
    if (x.shape.length !== spatial + 1 && x.shape.length !== spatial + 2) {
      throw pyError('RuntimeError', `Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: [${x.shape.join(', ')}]`);
    }
    const unbatched = x.shape.length === spatial + 1;
    const batched = unbatched ? [1, ...x.shape] : x.shape;
    if (w.shape.length !== spatial + 2) {
      throw pyError('RuntimeError', `Expected ${w.shape.length}-dimensional input for ${w.shape.length}-dimensional weight [${w.shape.join(', ')}], but got ${batched.length}-dimensional input of size [${batched.join(', ')}] instead`);
    }
    if (x.dtype !== w.dtype) throw pyError('RuntimeError', `expected scalar type ${scalarType(x.dtype)} but found ${scalarType(w.dtype)}`);
    if (w.shape[0] % groups !== 0) {
      throw pyError('RuntimeError', `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${w.shape.join(', ')}] instead`);
    }
    if (batched[1] !== w.shape[1] * groups) {
      throw pyError('RuntimeError', `Given groups=${groups}, weight of size [${w.shape.join(', ')}], expected input[${batched.join(', ')}] to have ${w.shape[1] * groups} channels, but got ${batched[1]} channels instead`);
    }
    const padded = batched.slice(2).map((d, i) => d + padding[i][0] + padding[i][1]);
    const kernel = w.shape.slice(2).map((k, i) => dilated(k, dilation[i]));
    if (padded.some((d, i) => d < kernel[i])) {
      throw pyError('RuntimeError', `Calculated padded input size per channel: ${dims(padded)}. Kernel size: ${dims(kernel)}. Kernel size can't be greater than actual input size`);
    }
    if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[0])) {
      throw pyError('RuntimeError', `Given weight of size [${w.shape.join(', ')}], expected bias to be 1-dimensional with ${w.shape[0]} elements, but got bias of size [${b.shape.join(', ')}] instead`);
    }
    return rt.run(() => {
      const o = rt.ops;
      const iota = batched.map((_, i) => i);
      let y = o.conv(unbatched ? o.reshape(x.t, batched) : x.t, w.t, {
        windowStrides: stride, padding, lhsDilation: stride.map(() => 1), rhsDilation: dilation,
        dimensionNumbers: { lhsSpec: iota, rhsSpec: iota, outSpec: iota }, featureGroupCount: groups, batchGroupCount: 1,
      });
      if (b) y = o.add(y, o.broadcastInDim(b.t, o.shape(y), [1]));
      y = T.rename(y, [x.t, w.t], 'ConvolutionBackward0');
      return rt.result(unbatched ? o.squeeze(y, [0]) : y, [x, w]);
    });
  };
}

export const scalarType = (dtype: string): string => (dtype === 'float64' ? 'Double' : dtype === 'float32' ? 'Float' : dtype === 'int64' ? 'Long' : 'Int');

/** Explicit (lo, hi) pairs from an int, a tuple, 'valid' or 'same' (the extra odd unit on the right, as PyTorch pads it). */
function convPadding(a: Args, spatial: number, stride: readonly number[], dilation: readonly number[], kernel: readonly number[]): [number, number][] {
  const v = a.opt('padding');
  if (typeof v === 'string') {
    if (v === 'valid') return kernel.map(() => [0, 0]);
    if (v !== 'same') throw pyError('RuntimeError', `Invalid padding string: '${v}'`);
    if (stride.some((s) => s !== 1)) throw pyError('RuntimeError', "padding='same' is not supported for strided convolutions");
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  return nTuple(a, 'padding', spatial, 0).map((p) => [p, p]);
}

/** One pooled axis: its output size and the (lo, hi) padding that gives exactly that many windows. */
interface PoolAxis { readonly out: number; readonly lo: number; readonly hi: number }

/** PyTorch's pooling_output_shape: floor or ceil, and the last window must start inside the input or its left padding. */
function poolAxis(size: number, k: number, s: number, p: number, d: number, ceil: boolean): PoolAxis {
  const extent = dilated(k, d);
  const span = size + 2 * p - extent;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out -= 1;
  return { out, lo: p, hi: (out - 1) * s + extent - size - p };
}

interface PoolArgs {
  readonly x: PyTensor;
  readonly kernel: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly axes: PoolAxis[];
}

type Spatial = 2 | 3;

/** Reads and checks a 2-D or 3-D pooling call's arguments, as max_pool2d/3d and avg_pool2d/3d check them. */
function poolArgs(rt: TorchRuntime, a: Args, ctx: HostContext, withDilation: boolean, spatial: Spatial): PoolArgs {
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  const kernel = nTuple(a, 'kernel_size', spatial, 1);
  const stride = a.ints('stride') === undefined || a.ints('stride')!.length === 0 ? kernel : nTuple(a, 'stride', spatial, 1);
  const padding = nTuple(a, 'padding', spatial, 0);
  const dilation = withDilation ? nTuple(a, 'dilation', spatial, 1) : kernel.map(() => 1);
  const ceil = a.bool('ceil_mode', false);
  if (spatial === 2 && !withDilation && x.shape.length < 3) {
    // avg_pool2d reads the input's dim -3 first.
    throw pyError('IndexError', `Dimension out of range (expected to be in range of [${-Math.max(1, x.shape.length)}, ${Math.max(1, x.shape.length) - 1}], but got -3)`);
  }
  if (spatial === 2 && !withDilation && x.shape.length > 4) {
    throw pyError('RuntimeError', `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[${x.shape.join(', ')}]`);
  }
  if (x.shape.length !== spatial + 1 && x.shape.length !== spatial + 2 || x.shape.slice(1).some((d) => d === 0)) {
    throw pyError('RuntimeError', `non-empty ${spatial + 1}D or ${spatial + 2}D (batch mode) tensor expected for input`);
  }
  padding.forEach((p, i) => {
    if (p > kernel[i] / 2) throw pyError('RuntimeError', `pad should be at most half of kernel size, but got pad=${p} and kernel_size=${kernel[i]}`);
  });
  const sizes = x.shape.slice(-spatial);
  // avg_pool3d checks the unpadded input against the kernel first.
  if (spatial === 3 && !withDilation && sizes.some((n, i) => n < kernel[i])) {
    throw pyError('RuntimeError', `input image (T: ${sizes[0]} H: ${sizes[1]} W: ${sizes[2]}) smaller than kernel size (kT: ${kernel[0]} kH: ${kernel[1]} kW: ${kernel[2]})`);
  }
  const axes = sizes.map((size, i) => poolAxis(size, kernel[i], stride[i], padding[i], dilation[i], ceil));
  if (axes.some((ax) => ax.out < 1)) {
    const c = x.shape[x.shape.length - spatial - 1];
    throw pyError('RuntimeError', `Given input size: (${[c, ...sizes].join('x')}). Calculated output size: (${[c, ...axes.map((ax) => ax.out)].join('x')}). Output size is too small`);
  }
  return { x, kernel, stride, padding, dilation, axes };
}

/** The window over the last `spatial` axes (the leading ones untouched). */
function poolWindow(rank: number, p: PoolArgs): WindowParams {
  const lead = Array.from({ length: rank - p.kernel.length }, () => 1);
  return {
    windowDimensions: [...lead, ...p.kernel], windowStrides: [...lead, ...p.stride],
    padding: [...lead.map(() => [0, 0] as [number, number]), ...p.axes.map((ax) => [ax.lo, ax.hi] as [number, number])],
    baseDilation: [...lead, ...p.kernel.map(() => 1)], windowDilation: [...lead, ...p.dilation],
  };
}

const product = (xs: readonly number[]): number => xs.reduce((p, d) => p * d, 1);

function maxPool(spatial: Spatial): Fn {
  const name = `max_pool${spatial}d`;
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', 'kernel_size', 'stride?', 'padding?', 'dilation?', 'ceil_mode?', 'return_indices?'], args, kwargs, ctx);
    const p = poolArgs(rt, a, ctx, true, spatial);
    const window = poolWindow(p.x.shape.length, p);
    const out = rt.run(() => rt.result(T.rename(rt.ops.reduceWindowMax(p.x.t, window), [p.x.t], `MaxPool${spatial}DWithIndicesBackward0`), [p.x]));
    if (!a.bool('return_indices', false)) return out;
    // Each window's argmax as a flat index into its (H, W) plane or (D, H, W) volume: the positions gathered where the max is.
    const sizes = p.x.shape.slice(-spatial);
    const indices = rt.run(() => {
      const o = rt.ops;
      // NB: positions as float32 are exact below 2^24.
      const plane = o.broadcastTo(o.reshape(o.iota('float32', [product(sizes)], 0), sizes), p.x.shape);
      const picked = o.selectAndGatherAdd(plane, o.convert(p.x.t.detach(), 'float32'), window);
      return rt.wrap(o.convert(picked, 'int32'), 'int64');
    });
    return new PyTuple([out, indices]);
  };
}

/** avg_pool2d/3d: window sums over PyTorch's divisor (padding counted or not, the ceil-mode overhang never). */
function avgPool(spatial: Spatial): Fn {
  const name = `avg_pool${spatial}d`;
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', 'kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?', 'divisor_override?'], args, kwargs, ctx);
    const p = poolArgs(rt, a, ctx, false, spatial);
    const includePad = a.bool('count_include_pad', true);
    const override = a.opt('divisor_override') === undefined ? null : a.int('divisor_override');
    if (override !== null && override === 0) throw pyError('RuntimeError', 'divisor must be not zero');
    const counts = p.x.shape.slice(-spatial).map((size, i) => Array.from({ length: p.axes[i].out }, (_, o) => {
      const start = o * p.stride[i] - p.padding[i];
      const end = Math.min(start + p.kernel[i], size + p.padding[i]);
      return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
    }));
    const divisor = counts.reduce<number[]>((acc, axis) => acc.flatMap((d) => axis.map((c) => d * c)), [1]).map((d) => override ?? d);
    return rt.run(() => {
      const o = rt.ops;
      const sums = o.reduceWindowSum(p.x.t, poolWindow(p.x.shape.length, p));
      const d = o.broadcastTo(rt.engine.fromValues(divisor, counts.map((c) => c.length), p.x.t.dtype), o.shape(sums));
      return rt.result(T.rename(o.div(sums, d), [p.x.t], `AvgPool${spatial}DBackward0`), [p.x]);
    });
  };
}

/** The 0/1 matrix [out, size] of adaptive pooling's windows: start floor(i·size/out), end ceil((i+1)·size/out). */
function adaptiveWindows(size: number, out: number): { matrix: number[]; counts: number[] } {
  const matrix = new Array<number>(out * size).fill(0);
  const counts: number[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) matrix[i * size + j] = 1;
    counts.push(end - start);
  }
  return { matrix, counts };
}

function adaptiveAvgPool(spatial: Spatial): Fn {
  const name = `adaptive_avg_pool${spatial}d`;
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', 'output_size'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx, 'input');
    if (x.shape.length !== spatial + 1 && x.shape.length !== spatial + 2 || x.shape.slice(1).some((d) => d === 0)) {
      throw pyError('RuntimeError', `${name}(): Expected ${spatial + 1}D or ${spatial + 2}D tensor, but got [${x.shape.join(', ')}]`);
    }
    const sizes = x.shape.slice(-spatial);
    const raw = a.required('output_size');
    // A tuple may hold None: that axis keeps the input's size.
    const size = raw instanceof PyTuple ? raw.items.map((v, i) => (v === null ? sizes[i] : Number(toIndex(v, ctx)))) : nTuple(a, 'output_size', spatial, 1);
    if (size.length !== spatial) throw pyError('RuntimeError', `${name}: output_size must be ${spatial}`);
    return rt.run(() => {
      const o = rt.ops;
      const rank = x.shape.length;
      const lead = rank - spatial;
      const spatialAxes = sizes.map((_, i) => lead + i);
      // PyTorch 1.13 takes a mean for an output of ones.
      if (size.every((n) => n === 1)) {
        const mean = o.div(o.reduceSum(x.t, spatialAxes), o.scalarLike(product(sizes), x.t));
        return rt.result(T.rename(o.reshape(mean, [...x.shape.slice(0, lead), ...size]), [x.t], 'MeanBackward1'), [x]);
      }
      const windows = sizes.map((n, i) => adaptiveWindows(n, size[i]));
      // Each spatial axis in turn contracted with its windows' matrix: its pooled axis goes last, so they end in order.
      const sums = windows.reduce((t, w, i) => o.dotGeneral(t, rt.engine.fromValues(w.matrix, [size[i], sizes[i]], x.t.dtype), {
        lhsContracting: [lead], rhsContracting: [1], lhsBatch: [], rhsBatch: [],
      }), x.t);
      const counts = windows.reduce<number[]>((acc, w) => acc.flatMap((d) => w.counts.map((c) => d * c)), [1]);
      const d = o.broadcastTo(rt.engine.fromValues(counts, size, x.t.dtype), o.shape(sums));
      return rt.result(T.rename(o.div(sums, d), [x.t], `AdaptiveAvgPool${spatial}DBackward0`), [x]);
    });
  };
}

/**
 * A 1-d pooling as PyTorch 1.13 computes it: the input unsqueezed at dim -2, the 2-d pooling
 * with a window of height 1, squeezed back (so its grad_fn is SqueezeBackward1).
 */
function asPool1d(name: string, spec: readonly string[], pool2d: Fn, pairArgs: readonly string[]): Fn {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, spec, args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx, 'input');
    if (x.shape.length !== 2 && x.shape.length !== 3) {
      if (name === 'max_pool1d') {
        throw pyError('RuntimeError', `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[${x.shape.join(', ')}]`);
      }
      throw pyError('RuntimeError', `Expected 2 to 3 dimensions, but got ${x.shape.length}-dimensional tensor for argument #1 'self' (while checking arguments for ${name})`);
    }
    const lifted = rt.run(() => rt.result(rt.ops.expandDims(x.t, [x.shape.length - 1]), [x]));
    const kw = new Map<string, PyValue>();
    for (const k of spec.slice(1).map((s) => s.replace('?', ''))) {
      const v = a.get(k);
      if (v === undefined || v === null) continue;
      const n = pairArgs.includes(k) ? a.ints(k) : undefined;
      kw.set(k, n === undefined ? v : new PyTuple([k === 'output_size' ? 1n : k === 'padding' ? 0n : 1n, BigInt(n[0])]));
    }
    const pooled = pool2d(rt, [lifted], kw, ctx);
    const squeeze = (t: PyTensor) => rt.run(() => rt.result(rt.ops.squeeze(t.t, [t.shape.length - 2]), [t]));
    if (pooled instanceof PyTuple) return new PyTuple(pooled.items.map((t) => squeeze(t as PyTensor)));
    return squeeze(pooled as PyTensor);
  };
}

export const CONV_FUNCTIONS: Readonly<Record<string, Fn>> = {
  conv1d: convolution(1),
  conv2d: convolution(2),
  conv3d: convolution(3),
  max_pool2d: maxPool(2),
  max_pool3d: maxPool(3),
  avg_pool2d: avgPool(2),
  avg_pool3d: avgPool(3),
  adaptive_avg_pool2d: adaptiveAvgPool(2),
  adaptive_avg_pool3d: adaptiveAvgPool(3),
  max_pool1d: asPool1d('max_pool1d', ['input', 'kernel_size', 'stride?', 'padding?', 'dilation?', 'ceil_mode?', 'return_indices?'], maxPool(2),
    ['kernel_size', 'stride', 'padding', 'dilation']),
  avg_pool1d: asPool1d('avg_pool1d', ['input', 'kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?'], avgPool(2),
    ['kernel_size', 'stride', 'padding']),
  adaptive_avg_pool1d: asPool1d('adaptive_avg_pool1d', ['input', 'output_size'], adaptiveAvgPool(2), ['output_size']),
};

