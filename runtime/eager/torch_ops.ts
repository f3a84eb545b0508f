import { isFloat, isWrappingInt, normalizeAxis, promoteTypes, type DType } from '../core';
import type { ComparisonPrimitive, FloatUnaryPrimitive, ReductionPrimitive } from '../primitives';
import type { CompositeSaves, EagerEngine } from './engine';
import type { Tensor } from './tensor';
import { computesTorchCpuUnary, torchCpuUnary } from './torch_cpu_unary';
import { torchCpuNllLoss } from './torch_loss_order';
import { torchCpuSoftmax } from './torch_softmax_order';
import { fmaChainMatmul, isFmaChainMatmul } from './torch_blas_order';
import { isSleefTrig, torchSleefTrig } from './torch_float32_unary';
import { torchCpuSum } from './torch_sum_order';

/** What PyTorch's node saves for relu, softmax and log_softmax: their result alone. */
const RESULT: CompositeSaves = { inputs: [], output: true };
const NOTHING: CompositeSaves = { inputs: [], output: false };

/** A tensor or a Python number, as torch functions accept. */
export type TensorLike = Tensor | number;

/**
 * PyTorch's operator semantics over the eager engine: scalar promotion, `dim`/`keepdim`, matmul's
 * rank cases, and the grad_fn names PyTorch 1.13 gives each (checked against it).
 */
export class TorchOps {
  /**
   * `addsOnHost(x)` says whether x's values can be read here (not on WebGPU, not a traced value):
   * then sums and means take the value PyTorch's CPU kernel adds up, in its order, float32 sin, cos,
   * exp, log, tanh and sigmoid the values its Sleef and glibc functions give, and small float32 mm its FMA chains.
   */
  constructor(readonly engine: EagerEngine, private readonly addsOnHost: (x: Tensor) => boolean = () => false) {}

  private get o() {
    return this.engine.ops;
  }

  /**
   * Both operands as tensors of the promoted dtype. A Python number takes the tensor's dtype
   * unless it is a float meeting an integer tensor (PyTorch's "wrapped number" rule).
   */
  coerce(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
    if (typeof a === 'number' && typeof b === 'number') {
      return [this.engine.scalar(a, 'float32'), this.engine.scalar(b, 'float32')];
    }
    const dtypeFor = (n: number, t: Tensor): DType =>
      isFloat(t.dtype) || Number.isInteger(n) ? (t.dtype === 'bool' ? 'int32' : t.dtype) : 'float32';
    if (typeof a === 'number') {
      const bt = b as Tensor;
      const dt = dtypeFor(a, bt);
      return [this.engine.scalar(a, dt), this.o.convert(bt, dt)];
    }
    if (typeof b === 'number') {
      const dt = dtypeFor(b, a);
      return [this.o.convert(a, dt), this.engine.scalar(b, dt)];
    }
    const dt = promoteTensorTypes(a, b);
    return [this.o.convert(a, dt), this.o.convert(b, dt)];
  }

  add(a: TensorLike, b: TensorLike): Tensor { return this.binary('add', a, b); }
  sub(a: TensorLike, b: TensorLike): Tensor {
    const out = this.binary('sub', a, b);
    return typeof a === 'number' ? this.engine.named('RsubBackward1', out) : out;
  }
  mul(a: TensorLike, b: TensorLike): Tensor { return this.binary('mul', a, b); }
  div(a: TensorLike, b: TensorLike): Tensor {
    const [x, y] = this.coerce(a, b);
    // True division: integers divide as floats, as in Python 3 and PyTorch.
    const dt = isFloat(x.dtype) ? x.dtype : 'float32';
    const out = this.o.div(this.o.convert(x, dt), this.o.convert(y, dt));
    // NB: PyTorch computes `2 / x` as reciprocal(x) * 2, whose saved values the script never holds.
    return typeof a === 'number' ? this.engine.declareSaved(this.engine.named('MulBackward0', out), NOTHING) : out;
  }

  pow(a: TensorLike, b: TensorLike): Tensor {
    if (typeof b === 'number' && typeof a !== 'number') {
      const x = Number.isInteger(b) ? a : this.o.convert(a, isFloat(a.dtype) ? a.dtype : 'float32');
      const out = Number.isInteger(b) ? this.o.integerPow(x, b) : this.o.pow(x, this.engine.scalar(b, x.dtype));
      return this.engine.named('PowBackward0', out);
    }
    const [x, y] = this.coerce(a, b);
    return this.engine.named('PowBackward1', this.o.pow(x, y));
  }

  neg(x: Tensor): Tensor { return this.o.neg(x); }
  maximum(a: Tensor, b: Tensor): Tensor { return this.binary('max', a, b); }
  minimum(a: Tensor, b: Tensor): Tensor { return this.binary('min', a, b); }

  compare(op: ComparisonPrimitive, a: TensorLike, b: TensorLike): Tensor {
    const [x, y] = this.coerce(a, b);
    return this.o.bind(op, [x, y], {});
  }

  /** Unary math on floats; integer tensors are converted first, as torch.sin(int tensor) does. */
  unary(op: FloatUnaryPrimitive, x: Tensor): Tensor {
    const input = this.toFloat(x);
    const out = this.o.bind(op, [input], NO_PARAMS);
    // NB: the backend's op runs too: whoever watches the backend (the evaluation's profiler, which
    // finds where a NaN first appears) sees it; its values then give way to PyTorch's.
    if (input.dtype === 'float32' && this.addsOnHost(input)) {
      if (computesTorchCpuUnary(op, input.size)) out.replaceValues(torchCpuUnary(op, input.dataSync(), input.shape, input.layout.strides));
      else if (isSleefTrig(op)) out.replaceValues(torchSleefTrig(input.dataSync(), input.shape, input.layout.strides, op));
    }
    return out;
  }

  abs(x: Tensor): Tensor { return this.o.abs(x); }
  sign(x: Tensor): Tensor { return this.o.sign(x); }

  relu(x: Tensor): Tensor {
    return this.engine.composite('ReluBackward0', () => this.o.max(x, this.engine.scalar(0, x.dtype)), RESULT);
  }

  where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
    const [x, y] = this.coerce(a, b);
    return this.o.select(cond, x, y);
  }

  // ---- reductions

  /** `dim` given as an int, a list of ints, or null for all dims. */
  sum(x: Tensor, dim: number | readonly number[] | null = null, keepdim = false): Tensor {
    // NB: PyTorch sums bool and 8- and 16-bit integers in int64 (`uint8_mask.sum()` counts past 255).
    const input = x.dtype === 'bool' ? this.o.convert(x, 'int32') : isWrappingInt(x.dtype) ? this.o.convert(x, 'int64') : x;
    const name = dim === null ? 'SumBackward0' : 'SumBackward1';
    const out = this.engine.composite(name, () => this.reduce('reduce_sum', input, dim, keepdim));
    return this.inCpuOrder(out, input, this.axes(input, dim), 1);
  }

  mean(x: Tensor, dim: number | readonly number[] | null = null, keepdim = false): Tensor {
    if (!isFloat(x.dtype)) {
      throw new TypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
    }
    const axes = this.axes(x, dim);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    const out = this.engine.composite('MeanBackward0', () =>
      this.o.div(this.reduce('reduce_sum', x, dim, keepdim), this.engine.scalar(count, x.dtype)));
    return this.inCpuOrder(out, x, axes, count);
  }

  /**
   * `result`, the sum of `x` over `axes` divided by `count`, given the value PyTorch's CPU kernel
   * computes (its sum, then one division: ReduceOps.cpp's mean is `sum_out(...).div_(count)`)
   * where x's values can be read here; the tape keeps result's grad_fn, which the order leaves alone.
   */
  inCpuOrder(result: Tensor, x: Tensor, axes: readonly number[], count: number): Tensor {
    if (!isFloat(x.dtype) || !this.addsOnHost(x)) return result;
    const float32 = x.dtype === 'float32';
    const values = torchCpuSum(x.dataSync(), x.shape, x.layout.strides, axes, float32);
    if (count !== 1) {
      const divisor = float32 ? Math.fround(count) : count;
      for (let i = 0; i < values.length; i++) values[i] = float32 ? Math.fround(values[i]! / divisor) : values[i]! / divisor;
    }
    result.takeValue(this.engine.fromValues(values, result.shape, result.dtype));
    return result;
  }

  prod(x: Tensor, dim: number | null = null, keepdim = false): Tensor {
    const name = dim === null ? 'ProdBackward0' : 'ProdBackward1';
    return this.engine.composite(name, () => this.reduce('reduce_prod', x, dim, keepdim));
  }

  /** `x.max()` over everything (MaxBackward1) or `amax` over dims. */
  amax(x: Tensor, dim: number | readonly number[] | null = null, keepdim = false): Tensor {
    const name = dim === null ? 'MaxBackward1' : 'AmaxBackward0';
    return this.engine.composite(name, () => this.reduce('reduce_max', x, dim, keepdim));
  }

  amin(x: Tensor, dim: number | readonly number[] | null = null, keepdim = false): Tensor {
    const name = dim === null ? 'MinBackward1' : 'AminBackward0';
    return this.engine.composite(name, () => this.reduce('reduce_min', x, dim, keepdim));
  }

  argmax(x: Tensor, dim: number | null = null, keepdim = false): Tensor {
    if (dim === null) return this.o.argmax(this.o.reshape(x, [x.size]), 0);
    const axis = normalizeAxis(dim, x.shape.length, 'argmax');
    const idx = this.o.argmax(x, axis);
    return keepdim ? this.o.expandDims(idx, [axis]) : idx;
  }

  logsumexp(x: Tensor, dim: number, keepdim = false): Tensor {
    return this.engine.composite('LogsumexpBackward0', () => {
      const axis = normalizeAxis(dim, x.shape.length, 'logsumexp');
      // NB: the max is a constant shift, so it is taken without grad; the result is exact either way.
      const m = this.engine.withGradMode(false, () => this.o.expandDims(this.o.reduceMax(x, [axis]), [axis]));
      const shifted = this.o.exp(this.o.sub(x, m));
      const out = this.o.add(this.o.log(this.o.expandDims(this.o.reduceSum(shifted, [axis]), [axis])), m);
      return keepdim ? out : this.o.squeeze(out, [axis]);
    }, { inputs: [x], output: true });
  }

  logSoftmax(x: Tensor, dim: number): Tensor {
    return this.softmaxInCpuOrder(this.logSoftmaxTape(x, dim), x, dim, true);
  }

  softmax(x: Tensor, dim: number): Tensor {
    const out = this.engine.composite('SoftmaxBackward0', () => this.o.exp(this.logSoftmaxTape(x, dim)), RESULT);
    return this.softmaxInCpuOrder(out, x, dim, false);
  }

  private logSoftmaxTape(x: Tensor, dim: number): Tensor {
    return this.engine.composite('LogSoftmaxBackward0', () => this.o.sub(x, this.logsumexp(x, dim, true)), RESULT);
  }

  /** `result` with the values PyTorch's CPU kernel computes for a float32 x whose values can be read here; its tape unchanged. */
  private softmaxInCpuOrder(result: Tensor, x: Tensor, dim: number, log: boolean): Tensor {
    if (x.dtype !== 'float32' || x.shape.length === 0 || !this.addsOnHost(x)) return result;
    const axis = normalizeAxis(dim, x.shape.length, log ? 'log_softmax' : 'softmax');
    result.replaceValues(torchCpuSoftmax(x.dataSync(), x.shape, axis, log));
    return result;
  }

  /**
   * `result`, nll_loss of an (N, C) float32 `logp` at `targets` reduced to one value (the mean where
   * `mean`, else the sum), with the value PyTorch's CPU kernel adds up where logp's values can be
   * read here; its tape unchanged.
   */
  nllLossInCpuOrder(result: Tensor, logp: Tensor, targets: readonly number[], weight: Tensor | null, ignoreIndex: number, mean: boolean): Tensor {
    if (logp.dtype !== 'float32' || logp.shape.length !== 2 || !this.addsOnHost(logp)) return result;
    const value = torchCpuNllLoss(logp.dataSync(), logp.shape[1], targets, weight?.dataSync() ?? null, ignoreIndex, mean);
    result.replaceValues([value]);
    return result;
  }

  // ---- shapes

  reshape(x: Tensor, shape: readonly number[]): Tensor {
    return this.engine.named('ViewBackward0', this.o.bind('reshape', [x], { newSizes: inferShape(x.size, shape) }));
  }

  /** 2-D transpose (`t()`), or identity below 2 dims. */
  t(x: Tensor): Tensor {
    if (x.shape.length > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
    return x.shape.length < 2 ? x : this.engine.named('TBackward0', this.o.transpose(x, [1, 0]));
  }

  transpose(x: Tensor, dim0: number, dim1: number): Tensor {
    const r = x.shape.length;
    const a = normalizeAxis(dim0, r, 'transpose');
    const b = normalizeAxis(dim1, r, 'transpose');
    const perm = Array.from({ length: r }, (_, i) => (i === a ? b : i === b ? a : i));
    return this.engine.named('TransposeBackward0', this.o.transpose(x, perm));
  }

  permute(x: Tensor, dims: readonly number[]): Tensor {
    return this.o.transpose(x, dims.map((d) => normalizeAxis(d, x.shape.length, 'permute')));
  }

  unsqueeze(x: Tensor, dim: number): Tensor {
    return this.o.bind('expand_dims', [x], { dimensions: [normalizeAxis(dim, x.shape.length + 1, 'unsqueeze')] });
  }

  squeeze(x: Tensor, dim: number | null = null): Tensor {
    if (dim === null) {
      const dims = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      return this.engine.named('SqueezeBackward0', this.o.squeeze(x, dims));
    }
    const a = normalizeAxis(dim, x.shape.length, 'squeeze');
    return x.shape[a] === 1 ? this.o.squeeze(x, [a]) : x;
  }

  cat(xs: readonly Tensor[], dim = 0): Tensor {
    if (xs.length === 0) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
    const dt = xs.map((t) => t.dtype).reduce(promoteTypes);
    return this.o.concatenate(xs.map((t) => this.o.convert(t, dt)), normalizeAxis(dim, xs[0].shape.length, 'cat'));
  }

  stack(xs: readonly Tensor[], dim = 0): Tensor {
    if (xs.length === 0) throw new RangeError('stack expects a non-empty TensorList');
    const axis = normalizeAxis(dim, xs[0].shape.length + 1, 'stack');
    return this.engine.composite('StackBackward0', () => this.cat(xs.map((t) => this.o.expandDims(t, [axis])), axis));
  }

  /** torch.matmul's cases: dot, matrix-vector, matrix-matrix, and batched with broadcasting. */
  matmul(a: Tensor, b: Tensor): Tensor {
    const [x, y] = this.coerce(a, b);
    const ra = x.shape.length;
    const rb = y.shape.length;
    if (ra === 0 || rb === 0) throw new RangeError('both arguments to matmul need to be at least 1D, but they are 0D and 0D');
    const contract = (lc: number, rc: number, name: string): Tensor => {
      const dn = { lhsContracting: [lc], rhsContracting: [rc], lhsBatch: [], rhsBatch: [] };
      return this.engine.named(name, this.o.dotGeneral(x, y, dn));
    };
    if (ra === 1 && rb === 1) return contract(0, 0, 'DotBackward0');
    if (ra === 2 && rb === 1) return contract(1, 0, 'MvBackward0');
    if (ra === 2 && rb === 2) return this.inBlasOrder(contract(1, 0, 'MmBackward0'), x, y);
    return this.engine.composite(ra === 3 && rb === 3 ? 'BmmBackward0' : 'UnsafeViewBackward0', () => this.batchedMatmul(x, y));
  }

  /** `result`, the mm of float32 x and y, given the value PyTorch's BLAS computes where it is one FMA chain an output (torch_blas_order.ts). */
  private inBlasOrder(result: Tensor, x: Tensor, y: Tensor): Tensor {
    const [m, k] = x.shape;
    const n = y.shape[1]!;
    if (x.dtype !== 'float32' || !isFmaChainMatmul(m!, k!, n) || !this.addsOnHost(x) || !this.addsOnHost(y)) return result;
    result.takeValue(this.engine.fromValues(fmaChainMatmul(x.dataSync(), y.dataSync(), m!, k!, n), result.shape, result.dtype));
    return result;
  }

  private batchedMatmul(x: Tensor, y: Tensor): Tensor {
    const lhs = x.shape.length === 1 ? this.o.expandDims(x, [0]) : x;
    const rhs = y.shape.length === 1 ? this.o.expandDims(y, [1]) : y;
    const batchA = lhs.shape.slice(0, -2);
    const batchB = rhs.shape.slice(0, -2);
    const rank = Math.max(batchA.length, batchB.length);
    const batch = Array.from({ length: rank }, (_, i) => {
      const da = batchA[i - (rank - batchA.length)] ?? 1;
      const db = batchB[i - (rank - batchB.length)] ?? 1;
      if (da !== db && da !== 1 && db !== 1) {
        throw new RangeError(`matmul: batch dimensions [${batchA.join(', ')}] and [${batchB.join(', ')}] do not broadcast`);
      }
      return Math.max(da, db);
    });
    const l = this.o.broadcastTo(lhs, [...batch, ...lhs.shape.slice(-2)]);
    const r = this.o.broadcastTo(rhs, [...batch, ...rhs.shape.slice(-2)]);
    const batchDims = batch.map((_, i) => i);
    let out = this.o.dotGeneral(l, r, { lhsContracting: [rank + 1], rhsContracting: [rank], lhsBatch: batchDims, rhsBatch: batchDims });
    if (x.shape.length === 1) out = this.o.squeeze(out, [rank]);
    if (y.shape.length === 1) out = this.o.squeeze(out, [out.shape.length - 1]);
    return out;
  }

  private binary(op: 'add' | 'sub' | 'mul' | 'max' | 'min', a: TensorLike, b: TensorLike): Tensor {
    // NB: two tensors of one dtype (a loop's usual op) go straight to the primitive, without
    // coerce's pair, its destructuring and a params object per op.
    if (typeof a !== 'number' && typeof b !== 'number' && a.dtype === b.dtype) return this.o.bind(op, [a, b], NO_PARAMS);
    const [x, y] = this.coerce(a, b);
    return this.o.bind(op, [x, y], NO_PARAMS);
  }

  private toFloat(x: Tensor): Tensor {
    return isFloat(x.dtype) ? x : this.o.convert(x, 'float32');
  }

  private axes(x: Tensor, dim: number | readonly number[] | null): number[] {
    if (dim === null) return x.shape.map((_, i) => i);
    const dims = typeof dim === 'number' ? [dim] : dim;
    return dims.map((d) => normalizeAxis(d, x.shape.length, 'dim'));
  }

  private reduce(op: ReductionPrimitive, x: Tensor, dim: number | readonly number[] | null, keepdim: boolean): Tensor {
    const axes = this.axes(x, dim);
    const out = this.o.bind(op, [x], { axes });
    return keepdim ? this.o.expandDims(out, [...axes].sort((p, q) => p - q)) : out;
  }
}

/** The params of a primitive that has none, shared by every op that binds one. */
const NO_PARAMS = Object.freeze({});

/**
 * PyTorch's type promotion, where 0-d tensors defer to dimensioned ones of the same category; a 0-d
 * float tensor beside integer ones gives its own dtype (`int_tensor + torch.tensor(1., dtype=torch.float64)`
 * is float64: c10's combine_categories).
 */
function promoteTensorTypes(a: Tensor, b: Tensor): DType {
  const aDim = a.shape.length > 0;
  const bDim = b.shape.length > 0;
  if (aDim !== bDim) {
    const [dimd, zero] = aDim ? [a, b] : [b, a];
    if (isFloat(dimd.dtype) || !isFloat(zero.dtype)) return dimd.dtype === 'bool' ? promoteTypes(dimd.dtype, zero.dtype) : dimd.dtype;
    return zero.dtype;
  }
  return promoteTypes(a.dtype, b.dtype);
}

/** A shape with at most one -1, filled in from the element count. */
function inferShape(size: number, shape: readonly number[]): number[] {
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) throw new RangeError('only one dimension can be inferred');
  if (holes === 0) {
    if (known !== size) throw new RangeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${size}`);
    return [...shape];
  }
  if (known === 0 || size % known !== 0) throw new RangeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${size}`);
  return shape.map((d) => (d === -1 ? size / known : d));
}
