/**
 * Torch-level operations on Python tensors, shared by tensor methods, `torch.*` functions and
 * `torch.nn.functional`. Each returns a new PyTensor with the grad_fn name PyTorch 1.13 gives.
 */
import { AutogradError, intRange, isWrappingInt, truncatesToInt32, type WrappingIntDType } from '../../../runtime/core';
import {
  dropDims, expandLayout, FunctionNode, gradEdge, permuteLayout, preservedStrides, reshapeLayout, SECOND_BACKWARD_MESSAGE, tangentByFormula, unsqueezeLayout,
  type Layout, type Tensor,
} from '../../../runtime/eager';
import { pyError } from '../interpreter';
import { inferSizeMessage } from './errors';
import { tracedSite } from './jit_refusals';
import { SCALAR_TYPE, STORAGE, isFloating, type TorchDTypeName } from './dtype';
import { logsumexpTangent, normTangent, softmaxTangent } from './tangent_formulas';
import { checkInPlace, followOperands, type PyTensor, type TorchRuntime } from './tensor';

/**
 * select(pred, a, b); bool branches go through int32.
 * NB: the wasm backend miscomputes (and can corrupt memory in) a select between bool tensors.
 */
export function select(rt: TorchRuntime, pred: Tensor, a: Tensor, b: Tensor): Tensor {
  const o = rt.ops;
  if (a.dtype !== 'bool') return o.select(pred, a, b);
  return o.convert(o.select(pred, o.convert(a, 'int32'), o.convert(b, 'int32')), 'bool');
}

/** Gives a freshly made result the grad_fn name PyTorch uses for the whole torch-level op. */
export function rename(out: Tensor, inputs: readonly Tensor[], name: string): Tensor {
  if (out.gradFn && !inputs.includes(out)) out.gradFn.name = name;
  return out;
}

/**
 * `rename`, for a function PyTorch runs as one op (mse_loss, nll_loss) that Gradlens records in
 * steps: its node also points where PyTorch's does, to `inputs` (the op's tensor arguments in
 * PyTorch's order; an integer one, as a class target, has no edge, a float one that needs no
 * gradient shows as None).
 */
export function asOp(out: Tensor, inputs: readonly Tensor[], name: string): Tensor {
  rename(out, inputs, name);
  if (out.gradFn && !inputs.includes(out)) out.gradFn.shownNext = inputs.filter((t) => t.dtype === 'float32' || t.dtype === 'float64').map(gradEdge);
  return out;
}

export type UnaryName = 'exp' | 'log' | 'log1p' | 'expm1' | 'sin' | 'cos' | 'tan' | 'tanh' | 'sigmoid' | 'sqrt' | 'rsqrt';

export function unaryMath(x: PyTensor, op: UnaryName): PyTensor {
  const rt = x.rt;
  return followOperands(rt.run(() => rt.result(rt.torch.unary(op === 'sigmoid' ? 'logistic' : op, x.t), [x])), [x]);
}

export function elementwise(x: PyTensor, f: (t: Tensor) => Tensor, name: string | null = null): PyTensor {
  const rt = x.rt;
  return followOperands(rt.run(() => {
    const out = f(x.t);
    return rt.result(name ? rename(out, [x.t], name) : out, [x]);
  }), [x]);
}

/**
 * As PyTorch's threshold: the gradient at exactly 0 is 0, not the half a max tie would give, and
 * a NaN passes through (`relu(nan)` is nan: the NaN stays visible). Its node saves the result,
 * which threshold_backward reads.
 */
function reluOf(rt: TorchRuntime, t: Tensor): Tensor {
  const o = rt.ops;
  return rt.engine.composite('ReluBackward0', () => o.select(o.le(t, o.scalarLike(0, t)), o.zerosLike(t), t), { inputs: [], output: true });
}

export function relu(x: PyTensor): PyTensor {
  return elementwise(x, (t) => reluOf(x.rt, t));
}

/** `relu_` and `F.relu(x, inplace=True)`: x takes the result, and the node that made it. */
export function reluInPlace(x: PyTensor): PyTensor {
  checkInPlace(x);
  return x.rt.run(() => {
    x.rt.engine.inPlace(x.t, (snapshot) => reluOf(x.rt, snapshot));
    return x;
  });
}

export function clamp(x: PyTensor, min: number | null, max: number | null): PyTensor {
  if (min === null && max === null) throw pyError('RuntimeError', "torch.clamp: At least one of 'min' or 'max' must not be None");
  const rt = x.rt;
  const o = rt.ops;
  return elementwise(x, (t) => rt.engine.composite('ClampBackward1', () => {
    let out = t;
    // PyTorch's clamp passes the gradient where min <= x <= max.
    if (min !== null) out = o.select(o.lt(out, o.scalarLike(min, t)), o.full(t.shape, min, t.dtype), out);
    if (max !== null) out = o.select(o.gt(out, o.scalarLike(max, t)), o.full(t.shape, max, t.dtype), out);
    return out;
  }, { inputs: [t], output: false }));
}

// ---- reductions

export type Dim = number | number[] | null;

function axes(x: PyTensor, dim: Dim): number[] {
  if (dim === null) return x.shape.map((_, i) => i);
  return (typeof dim === 'number' ? [dim] : dim).map((d) => axis(x, d));
}

export function axis(x: PyTensor, d: number, rank = x.shape.length): number {
  const r = Math.max(rank, 1);
  if (d < -r || d >= r) throw pyError('IndexError', `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${d})`);
  return d < 0 ? d + r : d;
}

/** The storage to reduce: 0-d tensors reduce over nothing, so `dim=0` on them means all. */
function dimFor(x: PyTensor, dim: Dim): Dim {
  if (x.shape.length === 0 && dim !== null) {
    for (const d of typeof dim === 'number' ? [dim] : dim) axis(x, d);
    return null;
  }
  if (dim !== null) axes(x, dim);
  return dim;
}

export function sum(x: PyTensor, dim: Dim, keepdim: boolean, dtype: TorchDTypeName | null): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    // Integer and bool sums are int64 in PyTorch.
    const logical = dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
    const out = rt.torch.sum(rt.convert(x.t, logical), dimFor(x, dim), keepdim);
    return rt.wrap(out, logical);
  });
}

export function mean(x: PyTensor, dim: Dim, keepdim: boolean, dtype: TorchDTypeName | null): PyTensor {
  const rt = x.rt;
  const d = dtype ?? x.dtype;
  if (!isFloating(d)) {
    throw pyError('RuntimeError', `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${SCALAR_TYPE[d]}`);
  }
  return rt.run(() => {
    const input = rt.convert(x.t, d);
    const out = rt.torch.mean(input, dimFor(x, dim), keepdim);
    return rt.wrap(dim === null ? out : rename(out, [input], 'MeanBackward1'), d);
  });
}

export function prod(x: PyTensor, dim: number | null, keepdim: boolean): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const logical = isFloating(x.dtype) ? x.dtype : 'int64';
    const out = rt.torch.prod(rt.convert(x.t, logical), dimFor(x, dim) as number | null, keepdim);
    return rt.wrap(out, logical);
  });
}

export function extreme(x: PyTensor, which: 'max' | 'min', dim: Dim, keepdim: boolean, amax = false): PyTensor {
  const rt = x.rt;
  if (x.numel === 0) throw pyError('RuntimeError', `${which}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  return rt.run(() => {
    const d = dimFor(x, dim);
    const out = which === 'max' ? rt.torch.amax(x.t, d, keepdim) : rt.torch.amin(x.t, d, keepdim);
    const name = amax || d === null ? null : which === 'max' ? 'MaxBackward0' : 'MinBackward0';
    return rt.result(name ? rename(out, [x.t], name) : out, [x]);
  });
}

export function argExtreme(x: PyTensor, which: 'max' | 'min', dim: number | null, keepdim: boolean): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const o = rt.ops;
    const input = which === 'max' ? x.t : o.neg(x.dtype === 'bool' ? o.convert(x.t, 'int32') : x.t);
    const d = x.shape.length === 0 ? null : dim === null ? null : axis(x, dim);
    let out = rt.engine.withGradMode(false, () => rt.torch.argmax(input.dtype === 'bool' ? o.convert(input, 'int32') : input, d, keepdim));
    if (dim === null && keepdim) out = o.reshape(out, x.shape.map(() => 1));
    return rt.wrap(out, 'int64');
  });
}

export function logsumexp(x: PyTensor, dim: Dim, keepdim: boolean): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const t = isFloating(x.dtype) ? x.t : rt.ops.convert(x.t, 'float32');
    const ax = axes(x, dim);
    if (ax.length !== 1) {
      // Over several dims: move them last, flatten them, reduce the one dim.
      const keep = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
      const moved = rt.ops.transpose(t, [...keep, ...ax]);
      const flat = rt.ops.reshape(moved, [...keep.map((i) => x.shape[i]), ax.reduce((n, i) => n * x.shape[i], 1)]);
      let out = rt.torch.logsumexp(flat, keep.length, false);
      if (keepdim) out = rt.ops.reshape(out, x.shape.map((s, i) => (ax.includes(i) ? 1 : s)));
      logsumexpTangent(rt, t, out, ax, keepdim);
      return rt.result(rename(out, [t], 'LogsumexpBackward0'), [x]);
    }
    const out = rt.torch.logsumexp(t, ax[0], keepdim);
    logsumexpTangent(rt, t, out, ax, keepdim);
    return rt.result(out, [x]);
  });
}

export function softmax(x: PyTensor, dim: number, log: boolean, dtype: TorchDTypeName | null): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const d = dtype ?? (isFloating(x.dtype) ? x.dtype : null);
    if (d === null) throw pyError('RuntimeError', `"${log ? 'log_softmax' : 'softmax'}_lastdim_kernel_impl" not implemented for '${x.dtype === 'int32' ? 'Int' : x.dtype === 'bool' ? 'Bool' : 'Long'}'`);
    const t = rt.convert(x.t, d);
    if (x.shape.length === 0) {
      axis(x, dim);
      const out = log ? rt.ops.sub(t, t) : rt.ops.div(t, t);
      return rt.wrap(rename(out, [t], log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0'), d);
    }
    const a = axis(x, dim);
    const out = log ? rt.torch.logSoftmax(t, a) : rt.torch.softmax(t, a);
    softmaxTangent(rt, t, out, a, log);
    return rt.wrap(out, d);
  });
}

/** Variance and standard deviation with Bessel's correction (PyTorch's default `unbiased=True`). */
export function variance(x: PyTensor, dim: Dim, correction: number, keepdim: boolean, std: boolean): PyTensor {
  const rt = x.rt;
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `${std ? 'std' : 'var'} only supports floating-point dtypes`);
  return rt.run(() => {
    const o = rt.ops;
    const ax = axes(x, dimFor(x, dim));
    const n = ax.reduce((p, i) => p * x.shape[i], 1);
    const out = rt.engine.composite(std ? 'StdBackward0' : 'VarBackward0', () => {
      const m = o.div(o.reduceSum(x.t, ax), o.scalarLike(n, x.t));
      const centered = o.sub(x.t, o.expandDims(m, ax));
      let v = o.div(o.reduceSum(o.mul(centered, centered), ax), o.scalarLike(Math.max(n - correction, 0), x.t));
      if (keepdim) v = o.expandDims(v, ax);
      return std ? o.sqrt(v) : v;
    }, { inputs: [x.t], output: std });
    return rt.result(out, [x]);
  });
}

/**
 * sqrt whose gradient at 0 is 0, not 0 * inf = nan: PyTorch's norm backward masks a zero norm
 * (the gradient of `torch.norm` at the origin is 0).
 */
function safeSqrt(rt: TorchRuntime, s: Tensor): Tensor {
  const o = rt.ops;
  const zero = o.eq(s, o.scalarLike(0, s));
  return o.select(zero, o.zerosLike(s), o.sqrt(o.select(zero, o.onesLike(s), s)));
}

/**
 * The count of nonzeros of x over `axes` (the 0-norm) under PyTorch's node `name`, whose backward
 * gives an undefined gradient (x.grad stays None) and whose tangent is 0; the node saves x and
 * the result, so a second backward through it raises.
 */
export function nonzeroCount(rt: TorchRuntime, x: Tensor, axes: readonly number[], keepdim: boolean, name: string): Tensor {
  const o = rt.ops;
  const count = rt.engine.withGradMode(false, () => {
    const r = o.reduceSum(o.convert(o.ne(x, o.zerosLike(x)), x.dtype), axes);
    return keepdim ? o.expandDims(r, axes) : r;
  });
  if (rt.engine.gradEnabled && x.requiresGrad) {
    let freed = false;
    const node = new FunctionNode(name, [gradEdge(x)], [x], [count], () => {
      if (freed) throw new AutogradError(SECOND_BACKWARD_MESSAGE);
      return [null];
    }, () => { freed = true; }, rt.engine.span);
    count.attachGradFn(node.outputs[0]);
  }
  tangentByFormula(rt.engine, x, count, () => o.zerosLike(count));
  return count;
}

export function norm(x: PyTensor, p: number, dim: Dim, keepdim: boolean): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const o = rt.ops;
    const ax = axes(x, dimFor(x, dim));
    if (p === 0) return rt.result(nonzeroCount(rt, x.t, ax, keepdim, 'NormBackward1'), [x]);
    const out = rt.engine.composite('NormBackward1', () => {
      const a = o.abs(x.t);
      let r: Tensor;
      if (p === Infinity) r = o.reduceMax(a, ax);
      else if (p === 1) r = o.reduceSum(a, ax);
      else if (p === 2) r = safeSqrt(rt, o.reduceSum(o.mul(x.t, x.t), ax));
      else r = o.pow(o.reduceSum(o.pow(a, o.scalarLike(p, a)), ax), o.scalarLike(1 / p, a));
      return keepdim ? o.expandDims(r, ax) : r;
    }, { inputs: [x.t], output: true });
    normTangent(rt, x.t, out, p, ax, keepdim);
    return rt.result(dim === null ? out : rename(out, [x.t], 'NormBackward1'), [x]);
  });
}

export function allAny(x: PyTensor, which: 'all' | 'any', dim: number | null, keepdim: boolean): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const o = rt.ops;
    const nz = o.convert(o.ne(x.t, o.scalarLike(0, x.t)), 'int32');
    const ax = axes(x, dimFor(x, dim));
    let r = which === 'all' ? o.reduceMin(nz, ax) : o.reduceMax(nz, ax);
    if (x.numel === 0) r = o.full(r.shape, which === 'all' ? 1 : 0, 'int32');
    if (keepdim) r = o.expandDims(r, ax);
    return rt.wrap(o.convert(r, 'bool'), 'bool');
  });
}

// ---- shapes

/** A shape with one -1 filled in, PyTorch's error when it cannot be. */
export function inferShape(x: PyTensor, shape: number[]): number[] {
  const n = x.numel;
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) throw pyError('RuntimeError', 'only one dimension can be inferred');
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (holes === 1 && known !== 0 && n % known === 0) return shape.map((d) => (d === -1 ? n / known : d));
  if (holes === 0 && known === n && shape.every((d) => d >= 0)) return shape;
  throw pyError('RuntimeError', `shape '[${shape.join(', ')}]' is invalid for input of size ${n}`);
}

/** Makes `out`, which an op PyTorch answers with a view made from x, a view of x's memory, its elements where `layout` puts them. */
export function asView(x: PyTensor, out: Tensor, layout: (from: Layout) => Layout): Tensor {
  return x.rt.engine.viewOf(out, x.t, layout);
}

export const VIEW_NOT_STRIDED_MESSAGE = "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.";

/**
 * `view`/`reshape` (and flatten): a view where strides can give the new shape; otherwise `view`
 * fails and `reshape` copies, as PyTorch's do (a transposed matrix flattened).
 */
export function reshape(x: PyTensor, shape: number[], name: 'ReshapeAliasBackward0' | 'ViewBackward0'): PyTensor {
  const rt = x.rt;
  const target = inferShape(x, shape);
  const layout = reshapeLayout(x.t.layout, x.shape, target);
  if (layout === null && name === 'ViewBackward0') throw pyError('RuntimeError', VIEW_NOT_STRIDED_MESSAGE);
  return rt.run(() => {
    if (layout === null) {
      // PyTorch's _unsafe_view(clone(x, contiguous_format), shape): two nodes.
      const copy = rename(rt.ops.bind('reshape', [x.t], { newSizes: x.shape }), [x.t], 'CloneBackward0');
      return rt.result(rename(rt.ops.bind('reshape', [copy], { newSizes: target }), [copy], 'UnsafeViewBackward0'), [x]);
    }
    const out = rt.ops.bind('reshape', [x.t], { newSizes: target });
    return rt.result(asView(x, rename(out, [x.t], name), () => layout), [x]);
  });
}

export function flatten(x: PyTensor, start: number, end: number): PyTensor {
  if (x.shape.length === 0) return reshape(x, [1], 'ReshapeAliasBackward0');
  const s = axis(x, start);
  const e = axis(x, end);
  if (s > e) throw pyError('RuntimeError', 'flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1), ...x.shape.slice(e + 1)];
  return reshape(x, shape, 'ReshapeAliasBackward0');
}

export function permute(x: PyTensor, dims: number[]): PyTensor {
  if (dims.length !== x.shape.length) {
    throw pyError('RuntimeError', `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.shape.length} is not equal to len(dims) = ${dims.length}`);
  }
  const perm = dims.map((d) => axis(x, d));
  if (new Set(perm).size !== perm.length) throw pyError('RuntimeError', 'permute(): duplicate dims are not allowed.');
  const rt = x.rt;
  return rt.run(() => rt.result(asView(x, rename(rt.ops.bind('transpose', [x.t], { permutation: perm }), [x.t], 'PermuteBackward0'), (l) => permuteLayout(l, perm)), [x]));
}

export function transpose(x: PyTensor, d0: number, d1: number): PyTensor {
  const rt = x.rt;
  if (x.shape.length === 0) {
    axis(x, d0);
    axis(x, d1);
    return x;
  }
  const a = axis(x, d0);
  const b = axis(x, d1);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return rt.run(() => rt.result(asView(x, rename(rt.ops.bind('transpose', [x.t], { permutation: perm }), [x.t], 'TransposeBackward0'), (l) => permuteLayout(l, perm)), [x]));
}

export function t(x: PyTensor): PyTensor {
  if (x.shape.length > 2) throw pyError('RuntimeError', `t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
  if (x.shape.length < 2) return x;
  const rt = x.rt;
  return rt.run(() => rt.result(asView(x, rename(rt.ops.bind('transpose', [x.t], { permutation: [1, 0] }), [x.t], 'TBackward0'), (l) => permuteLayout(l, [1, 0])), [x]));
}

export function unsqueeze(x: PyTensor, dim: number): PyTensor {
  const rt = x.rt;
  const d = axis(x, dim, x.shape.length + 1);
  return rt.run(() => rt.result(asView(x, rt.ops.bind('expand_dims', [x.t], { dimensions: [d] }), (l) => unsqueezeLayout(l, x.shape, d)), [x]));
}

export function squeeze(x: PyTensor, dim: number | null): PyTensor {
  const rt = x.rt;
  if (dim === null) {
    const dims = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    return rt.run(() => rt.result(asView(x, rename(rt.ops.bind('squeeze', [x.t], { dimensions: dims }), [x.t], 'SqueezeBackward0'), (l) => dropDims(l, dims)), [x]));
  }
  const a = axis(x, dim);
  if (x.shape.length === 0 || x.shape[a] !== 1) {
    return rt.run(() => rt.result(asView(x, rename(rt.ops.bind('reshape', [x.t], { newSizes: x.shape }), [x.t], 'SqueezeBackward1'), (l) => l), [x]));
  }
  return rt.run(() => rt.result(asView(x, rename(rt.ops.bind('squeeze', [x.t], { dimensions: [a] }), [x.t], 'SqueezeBackward1'), (l) => dropDims(l, [a])), [x]));
}

export function expand(x: PyTensor, sizes: number[]): PyTensor {
  const rt = x.rt;
  if (sizes.length < x.shape.length) {
    throw pyError('RuntimeError', `expand(torch.FloatTensor{[${x.shape.join(', ')}]}, size=[${sizes.join(', ')}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.shape.length})`);
  }
  const lead = sizes.length - x.shape.length;
  const target = sizes.map((s, i) => {
    const own = i >= lead ? x.shape[i - lead] : null;
    if (s === -1) {
      if (own === null) throw pyError('RuntimeError', `The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      return own;
    }
    if (own !== null && own !== 1 && own !== s) {
      throw pyError('RuntimeError', `The expanded size of the tensor (${s}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: [${sizes.join(', ')}].  Tensor sizes: [${x.shape.join(', ')}]`);
    }
    return s;
  });
  return rt.run(() => {
    const out = rt.ops.bind('broadcast_in_dim', [x.t], { shape: target, broadcastDimensions: x.shape.map((_, i) => i + lead) });
    return rt.result(asView(x, rename(out, [x.t], 'ExpandBackward0'), (l) => expandLayout(l, x.shape, target)), [x]);
  });
}

/**
 * A copy of x: `clone()` keeps a dense tensor's memory order (PyTorch's preserve_format: x.t().clone()
 * is transposed too), `contiguous()` asks for row-major.
 */
export function clone(x: PyTensor, format: 'preserve' | 'contiguous' = 'preserve'): PyTensor {
  const rt = x.rt;
  const r = rt.run(() => rt.result(rename(rt.ops.bind('reshape', [x.t], { newSizes: x.shape }), [x.t], 'CloneBackward0'), [x]));
  if (format === 'preserve' && r.t !== x.t) r.t.memoryStrides = preservedStrides(x.t.layout.strides, x.shape);
  return r;
}

/**
 * A float cast to uint8, int8 or int16 converts as C's on x86, through int32 where PyTorch's kernels
 * do (`torch.tensor([300.]).byte()` is 44); past int32 they go another way for float64 (through
 * int64 for uint8), so a finite value there is refused rather than converted as NumPy's (a traced
 * tensor's values are not known: it converts through int32).
 */
function checkNarrowCast(x: PyTensor, dtype: TorchDTypeName): void {
  if (!isFloating(x.dtype) || !isWrappingInt(STORAGE[dtype]) || tracedSite(x.t)) return;
  const values = x.rt.run(() => x.t.dataSync());
  const past = Array.prototype.find.call(values, (v: number) => Number.isFinite(v) && !truncatesToInt32(v));
  if (past !== undefined) {
    throw pyError('NotImplementedError', `converting ${past} to ${dtype}: PyTorch's conversion of a float past int32 is its own (C leaves it undefined); clamp first (x.clamp(${intRange(STORAGE[dtype] as WrappingIntDType).min}, ${intRange(STORAGE[dtype] as WrappingIntDType).max}).to(torch.${dtype}))`);
  }
}

export function toDType(x: PyTensor, dtype: TorchDTypeName): PyTensor {
  if (dtype === x.dtype) return x;
  checkNarrowCast(x, dtype);
  const rt = x.rt;
  const r = rt.run(() => {
    const out = x.t.dtype === STORAGE[dtype]
      ? rt.ops.bind('reshape', [x.t], { newSizes: x.shape })
      : rt.ops.bind('convert_element_type', [x.t], { newDtype: STORAGE[dtype] });
    return rt.wrap(rename(out, [x.t], 'ToCopyBackward0'), dtype);
  });
  // NB: to(dtype) copies as clone() does, keeping a dense tensor's memory order.
  if (r.t !== x.t) r.t.memoryStrides = preservedStrides(x.t.layout.strides, x.shape);
  return r;
}

export function cat(rt: TorchRuntime, xs: PyTensor[], dim: number): PyTensor {
  if (xs.length === 0) throw pyError('RuntimeError', 'torch.cat(): expected a non-empty list of Tensors');
  const nonEmpty = xs.filter((x) => !(x.shape.length === 1 && x.shape[0] === 0));
  const parts = nonEmpty.length ? nonEmpty : xs;
  const rank = parts[0].shape.length;
  if (rank === 0) throw pyError('RuntimeError', 'zero-dimensional tensor (at position 0) cannot be concatenated');
  const a = axis(parts[0], dim);
  parts.forEach((p, i) => {
    if (p.shape.length !== rank) throw pyError('RuntimeError', `Tensors must have same number of dimensions: got ${rank} and ${p.shape.length}`);
    p.shape.forEach((s, d) => {
      if (d !== a && s !== parts[0].shape[d]) {
        throw pyError('RuntimeError', `Sizes of tensors must match except in dimension ${a}. Expected size ${parts[0].shape[d]} but got size ${s} for tensor number ${i} in the list.`);
      }
    });
  });
  return rt.run(() => {
    const out = rt.torch.cat(parts.map((p) => p.t), a);
    return rt.result(parts.length === 1 ? rename(rt.ops.bind('reshape', [out], { newSizes: out.shape }), [out], 'CatBackward0') : out, parts);
  });
}

export function stack(rt: TorchRuntime, xs: PyTensor[], dim: number): PyTensor {
  if (xs.length === 0) throw pyError('RuntimeError', 'stack expects a non-empty TensorList');
  xs.forEach((x, i) => {
    if (x.shape.join() !== xs[0].shape.join()) {
      throw pyError('RuntimeError', `stack expects each tensor to be equal size, but got [${xs[0].shape.join(', ')}] at entry 0 and [${x.shape.join(', ')}] at entry ${i}`);
    }
  });
  const a = axis(xs[0], dim, xs[0].shape.length + 1);
  return rt.run(() => {
    const parts = xs.map((x) => rt.ops.expandDims(x.t, [a]));
    const out = parts.length === 1 ? rt.ops.bind('reshape', [parts[0]], { newSizes: parts[0].shape }) : rt.torch.cat(parts, a);
    return rt.result(rename(out, xs.map((x) => x.t), 'StackBackward0'), xs);
  });
}

export function where(rt: TorchRuntime, cond: PyTensor, a: PyTensor, b: PyTensor): PyTensor {
  if (cond.dtype !== 'bool') throw pyError('RuntimeError', `where expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype === 'float32' ? 'Float' : cond.dtype}`);
  return rt.run(() => {
    const [x, y] = rt.torch.coerce(a.t, b.t);
    const out = select(rt, cond.t, x, y);
    return rt.result(out, [a, b]);
  });
}

/**
 * PyTorch 1.13's matmul shape errors (at::native::_matmul_impl): the kernel its ranks reach, and
 * that kernel's words. 1-D @ 1-D is dot, 2-D @ 1-D mv, 1-D or 2-D @ 2-D mm (a vector as one row);
 * a batch beside a vector or matrix is folded into the rows of one mm or mv (the batched operand
 * transposed when it is the right one); two batches broadcast their batch dimensions into one bmm.
 * NB: PyTorch skips the fold for a 3-D left operand whose last two dimensions are transposed in
 * memory; Gradlens's tensors are contiguous, so its words are the fold's.
 */
export function checkMatmul(a: readonly number[], b: readonly number[]): void {
  const ra = a.length;
  const rb = b.length;
  if (ra === 0 || rb === 0) throw pyError('RuntimeError', `both arguments to matmul need to be at least 1D, but they are ${ra}D and ${rb}D`);
  if (ra === 1 && rb === 1) {
    if (a[0] !== b[0]) throw pyError('RuntimeError', `inconsistent tensor size, expected tensor [${a[0]}] and src [${b[0]}] to have the same number of elements, but got ${a[0]} and ${b[0]} elements respectively`);
    return;
  }
  if (ra <= 2 && rb <= 2) {
    if (rb === 1) checkMv(a, b);
    else checkMm(ra === 1 ? [1, a[0]] : a, b);
    return;
  }
  if (ra <= 2 || rb <= 2) {
    const transpose = rb > ra;
    const t1 = transpose ? [...b.slice(0, -2), b[rb - 1], b[rb - 2]] : a;
    const t2 = !transpose ? b : ra === 2 ? [a[1], a[0]] : a;
    const folded = [t1.slice(0, -1).reduce((n, d) => n * d, 1), t1[t1.length - 1]];
    if (t2.length === 2) checkMm(folded, t2);
    else checkMv(folded, t2);
    return;
  }
  const broadcast = inferSizeMessage([a.slice(0, -2), b.slice(0, -2)]);
  if (broadcast !== null) throw pyError('RuntimeError', broadcast);
  const batch = a.slice(0, -2).length >= b.slice(0, -2).length ? a.slice(0, -2) : b.slice(0, -2);
  const count = batch.map((_, i) => Math.max(a[ra - 3 - i] ?? 1, b[rb - 3 - i] ?? 1)).reduce((n, d) => n * d, 1);
  if (a[ra - 1] !== b[rb - 2]) {
    throw pyError('RuntimeError', `Expected size for first two dimensions of batch2 tensor to be: [${count}, ${a[ra - 1]}] but got: [${count}, ${b[rb - 2]}].`);
  }
}

function checkMm(a: readonly number[], b: readonly number[]): void {
  if (a[1] !== b[0]) throw pyError('RuntimeError', `mat1 and mat2 shapes cannot be multiplied (${a[0]}x${a[1]} and ${b[0]}x${b[1]})`);
}

function checkMv(m: readonly number[], v: readonly number[]): void {
  if (m[1] !== v[0]) throw pyError('RuntimeError', `size mismatch, got ${m[0]}, ${m[0]}x${m[1]},${v[0]}`);
}
