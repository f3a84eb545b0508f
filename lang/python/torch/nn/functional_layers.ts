/**
 * The layer functions of `torch.nn.functional` (`linear`, `bilinear`, `embedding`, `dropout`,
 * `batch_norm`, `layer_norm`), as PyTorch 1.13 computes them, with its shape errors.
 */
import type { Tensor } from '../../../../runtime/eager';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue, toFloat, typeOf } from '../../interpreter';
import { asTensor, inPlaceArith } from '../arith';
import { isFloating, SCALAR_TYPE } from '../dtype';
import { refuseForwardAD } from '../errors';
import { matmul } from '../methods';
import type { PyTensor, TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { dropoutNoise } from '../random';

type Fn = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function optTensor(rt: TorchRuntime, v: PyValue | undefined, ctx: HostContext, what: string): PyTensor | null {
  return v === undefined || v === null ? null : asTensor(rt, v, ctx, what);
}

export function linear(rt: TorchRuntime, x: PyTensor, w: PyTensor, b: PyTensor | null): PyTensor {
  const inner = x.shape[x.shape.length - 1];
  if (x.shape.length >= 1 && w.shape.length === 2 && inner !== w.shape[1]) {
    const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    throw pyError('RuntimeError', `mat1 and mat2 shapes cannot be multiplied (${rows}x${inner} and ${w.shape[1]}x${w.shape[0]})`);
  }
  // PyTorch 1.13 runs addmm(bias, x, w.t()) for a 2-d (or 3-d) input with a bias, which checks
  // the bias against the weight first; else matmul, then adds the bias in place (in the product's dtype).
  if (b !== null && (x.shape.length === 2 || x.shape.length === 3)) {
    if (b.dtype !== w.dtype) throw pyError('RuntimeError', 'self and mat2 must have the same dtype');
    if (x.dtype !== w.dtype) throw pyError('RuntimeError', 'mat1 and mat2 must have the same dtype');
  }
  return rt.composite(() => {
    const wt = T.t(w);
    const y = matmul(rt, x, wt);
    if (b === null) return y;
    const out = rt.run(() => rt.result(rt.convert(rt.torch.add(y.t, b.t), y.dtype), [y]));
    // NB: addmm(bias, x, w.t()) is one node in PyTorch, pointing to the bias, x and w.t()'s TBackward0.
    if (x.shape.length === 2) T.asOp(out.t, [b.t, x.t, wt.t], 'AddmmBackward0');
    return out;
  });
}

/** A kernel's dtype dispatch: PyTorch's CPU norms run on float32 and float64 (and bfloat16) inputs only. */
function refuseNonFloating(kernel: string, x: PyTensor): void {
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `"${kernel}" not implemented for '${SCALAR_TYPE[x.dtype]}'`);
}

/** A kernel that reads every operand as its first operand's dtype (`data_ptr<scalar_t>()`) refuses any other. */
function refuseOtherDtype(first: PyTensor, others: readonly (PyTensor | null)[]): void {
  const other = others.find((t) => t !== null && t.dtype !== first.dtype);
  if (other) throw pyError('RuntimeError', `expected scalar type ${SCALAR_TYPE[first.dtype]} but found ${SCALAR_TYPE[other.dtype]}`);
}

/**
 * PyTorch 1.13's CPU batch_norm dtype checks (native/cpu/mixed_data_type.h): parameters whose first
 * one (weight, bias, running_mean, running_var) differs from the input are the mixed case, allowed
 * only for a BFloat16 input with Float parameters; otherwise every parameter must be the input's dtype.
 */
function checkBatchNormDtypes(x: PyTensor, params: readonly (PyTensor | null)[]): void {
  refuseNonFloating('batch_norm', x);
  const given = params.filter((t): t is PyTensor => t !== null);
  if (given.length > 0 && given[0].dtype !== x.dtype) {
    if (given.some((t) => t.dtype !== 'float32')) throw pyError('RuntimeError', 'mixed dtype (CPU): expect parameter to have scalar type of Float');
    throw pyError('RuntimeError', 'mixed dtype (CPU): expect input to have scalar type of BFloat16');
  }
  refuseOtherDtype(x, given);
}

/** Normalises `x` with `mean` and biased `variance` (broadcast), then scales and shifts. */
function normalized(rt: TorchRuntime, x: Tensor, mean: Tensor, variance: Tensor, eps: number, w: Tensor | null, b: Tensor | null, affineShape: number[]): Tensor {
  const o = rt.ops;
  const rstd = o.rsqrt(o.add(variance, o.scalarLike(eps, variance)));
  let y = o.mul(o.sub(x, o.broadcastTo(mean, x.shape)), o.broadcastTo(rstd, x.shape));
  if (w) y = o.mul(y, o.broadcastTo(o.reshape(w, affineShape), x.shape));
  if (b) y = o.add(y, o.broadcastTo(o.reshape(b, affineShape), x.shape));
  return y;
}

/** Mean and biased variance of `x` over `axes`, kept as broadcastable dims. */
function moments(rt: TorchRuntime, x: Tensor, axes: number[]): { mean: Tensor; variance: Tensor; count: number } {
  const o = rt.ops;
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  const keep = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const mean = o.reshape(o.div(o.reduceSum(x, axes), o.scalarLike(count, x)), keep);
  const d = o.sub(x, o.broadcastTo(mean, x.shape));
  const variance = o.reshape(o.div(o.reduceSum(o.mul(d, d), axes), o.scalarLike(count, x)), keep);
  return { mean, variance, count };
}

function batchNorm(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('batch_norm', ['input', 'running_mean', 'running_var', 'weight?', 'bias?', 'training?', 'momentum?', 'eps?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  const runningMean = optTensor(rt, a.get('running_mean'), ctx, 'running_mean');
  const runningVar = optTensor(rt, a.get('running_var'), ctx, 'running_var');
  const w = optTensor(rt, a.get('weight'), ctx, 'weight');
  const b = optTensor(rt, a.get('bias'), ctx, 'bias');
  const training = a.bool('training', false);
  const momentum = a.float('momentum', 0.1);
  const eps = a.float('eps', 1e-5);
  if (x.shape.length < 2) throw pyError('ValueError', `expected 2D or 3D input (got ${x.shape.length}D input)`);
  const c = x.shape[1];
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = axes.reduce((p, i) => p * x.shape[i], 1);
  if (training && count <= 1) throw pyError('ValueError', `Expected more than 1 value per channel when training, got input size torch.Size([${x.shape.join(', ')}])`);
  const stats = x.shape.map((d, i) => (i === 1 ? d : 1));
  for (const [t, what] of [[runningMean, 'running_mean'], [runningVar, 'running_var'], [w, 'weight'], [b, 'bias']] as const) {
    if (t && t.numel !== c) throw pyError('RuntimeError', `${what} should contain ${c} elements not ${t.numel}`);
  }
  checkBatchNormDtypes(x, [w, b, runningMean, runningVar]);
  return rt.run(() => {
    const o = rt.ops;
    let out: Tensor;
    if (training || !runningMean || !runningVar) {
      const { mean, variance } = moments(rt, x.t, axes);
      out = normalized(rt, x.t, mean, variance, eps, w?.t ?? null, b?.t ?? null, stats);
      if (training) {
        // running = (1 - momentum) running + momentum stat, with the unbiased variance.
        rt.engine.withGradMode(false, () => {
          const m = o.reshape(mean.detach(), [c]);
          const v = o.mul(o.reshape(variance.detach(), [c]), o.scalarLike(count / (count - 1), variance));
          for (const [run, stat] of [[runningMean, m], [runningVar, v]] as const) {
            if (!run) continue;
            rt.engine.inPlace(run.t, (old) => o.add(o.mul(stat, o.scalarLike(momentum, old)), o.mul(old, o.scalarLike(1 - momentum, old))));
          }
        });
      }
    } else {
      out = normalized(rt, x.t, o.reshape(runningMean.t, stats), o.reshape(runningVar.t, stats), eps, w?.t ?? null, b?.t ?? null, stats);
    }
    return rt.result(T.rename(out, [x.t], 'NativeBatchNormBackward0'), [x]);
  });
}

function layerNorm(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('layer_norm', ['input', 'normalized_shape', 'weight?', 'bias?', 'eps?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  const shape = a.ints('normalized_shape') ?? [];
  const w = optTensor(rt, a.get('weight'), ctx, 'weight');
  const b = optTensor(rt, a.get('bias'), ctx, 'bias');
  const eps = a.float('eps', 1e-5);
  const k = shape.length;
  if (x.shape.length < k || x.shape.slice(x.shape.length - k).join() !== shape.join()) {
    throw pyError('RuntimeError', `Given normalized_shape=[${shape.join(', ')}], expected input with shape [*, ${shape.join(', ')}], but got input of size[${x.shape.join(', ')}]`);
  }
  refuseNonFloating('LayerNormKernelImpl', x);
  refuseOtherDtype(x, [w, b]);
  const axes = shape.map((_, i) => x.shape.length - k + i);
  const affine = x.shape.map((d, i) => (i >= x.shape.length - k ? d : 1));
  return rt.run(() => {
    const { mean, variance } = moments(rt, x.t, axes);
    const out = normalized(rt, x.t, mean, variance, eps, w?.t ?? null, b?.t ?? null, affine);
    return rt.result(T.rename(out, [x.t], 'NativeLayerNormBackward0'), [x]);
  });
}

function embedding(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('embedding', ['input', 'weight', 'padding_idx?', 'max_norm?', 'norm_type?', 'scale_grad_by_freq?', 'sparse?'], args, kwargs, ctx);
  const idx = asTensor(rt, a.required('input'), ctx, 'input');
  const w = asTensor(rt, a.required('weight'), ctx, 'weight');
  if (isFloating(idx.dtype)) throw pyError('RuntimeError', `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${idx.dtype === 'float64' ? 'Double' : 'Float'}Tensor instead (while checking arguments for embedding)`);
  if (a.opt('max_norm') !== undefined) throw pyError('NotImplementedError', 'embedding(max_norm=...) is not supported by Gradlens yet; renormalise the weight yourself under torch.no_grad()');
  const rows = w.shape[0];
  const values = idx.values();
  for (const v of values) if (v < 0 || v >= rows) throw pyError('IndexError', 'index out of range in self');
  const pad = a.opt('padding_idx') === undefined ? null : a.int('padding_idx');
  const padRow = pad === null ? null : pad < 0 ? pad + rows : pad;
  return rt.run(() => {
    const o = rt.ops;
    let table = w.t;
    if (padRow !== null) {
      // The padding row gets no gradient: it is read through a detached copy.
      const isPad = o.eq(o.iota('int32', [rows, w.shape[1]], 0), o.scalar(padRow, 'int32'));
      table = o.select(isPad, w.t.detach(), w.t);
    }
    const flat = rt.engine.fromValues(values, [values.length], 'int32');
    const out = o.reshape(o.gather(table, flat, 0), [...idx.shape, w.shape[1]]);
    return rt.result(T.rename(out, [w.t], 'EmbeddingBackward0'), [w]);
  });
}

/**
 * `F.embedding_bag`: each bag's rows of `weight` summed, averaged or maxed (an empty bag gives
 * zeros); bags are the rows of a 2-D input, or the runs of a 1-D input that `offsets` starts.
 */
function embeddingBag(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('embedding_bag', ['input', 'weight', 'offsets?', 'max_norm?', 'norm_type?', 'scale_grad_by_freq?', 'mode?', 'sparse?', 'per_sample_weights?', 'include_last_offset?', 'padding_idx?'], args, kwargs, ctx);
  const idx = asTensor(rt, a.required('input'), ctx, 'input');
  const w = asTensor(rt, a.required('weight'), ctx, 'weight');
  const offsetsV = a.opt('offsets') ?? null;
  const mode = a.opt('mode') ?? 'mean';
  const psw = a.opt('per_sample_weights') ?? null;
  if (a.opt('max_norm') !== undefined && a.opt('max_norm') !== null) throw pyError('NotImplementedError', 'embedding_bag(max_norm=...) is not supported by Gradlens yet; renormalise the weight yourself under torch.no_grad()');
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw pyError('ValueError', 'mode has to be one of sum, mean or max');
  if (isFloating(idx.dtype)) throw pyError('RuntimeError', `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${idx.dtype === 'float64' ? 'Double' : 'Float'}Tensor instead (while checking arguments for embedding_bag)`);
  if (psw !== null && mode !== 'sum') {
    throw pyError('NotImplementedError', `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${String(mode)}'). Please open a feature request on GitHub.`);
  }
  const values = idx.values();
  const rows = w.shape[0];
  for (const v of values) if (v < 0 || v >= rows) throw pyError('IndexError', 'index out of range in self');
  let starts: number[];
  if (idx.shape.length === 2) {
    if (offsetsV !== null) {
      throw pyError('ValueError', `if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type ${ctx.repr(typeOf(offsetsV))}`);
    }
    starts = Array.from({ length: idx.shape[0] }, (_, i) => i * idx.shape[1]);
  } else if (idx.shape.length === 1) {
    if (offsetsV === null) throw pyError('ValueError', 'offsets has to be a 1D Tensor but got None');
    const offsets = asTensor(rt, offsetsV, ctx, 'offsets');
    if (offsets.shape.length !== 1) throw pyError('ValueError', 'offsets has to be a 1D Tensor');
    starts = offsets.values();
    // PyTorch's checks: a bag past the input's end would read nothing here and give zeros.
    if (starts.length > 0 && starts[0] !== 0) {
      throw pyError('RuntimeError', `offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${starts[0]}`);
    }
    if (starts.length > 0 && starts[starts.length - 1] > values.length) {
      throw pyError('RuntimeError', `offsets[-1] can not be greater than input's length ${values.length} but got offsets[-1] of ${starts[starts.length - 1]}`);
    }
    if (a.bool('include_last_offset', false)) starts = starts.slice(0, -1);
  } else {
    throw pyError('ValueError', `input has to be 1D or 2D Tensor, but got Tensor of dimension ${idx.shape.length}`);
  }
  const padArg = a.opt('padding_idx') ?? null;
  const pad = padArg === null ? null : a.int('padding_idx') < 0 ? a.int('padding_idx') + rows : a.int('padding_idx');
  const weights = psw === null ? null : asTensor(rt, psw, ctx, 'per_sample_weights');
  refuseForwardAD(rt.engine, '_embedding_bag', weights ? [w.t, weights.t] : [w.t]);
  return rt.run(() => {
    const o = rt.ops;
    const d = w.shape[1];
    const bags = starts.map((start, b) => {
      const end = b + 1 < starts.length ? starts[b + 1] : values.length;
      const members = Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k).filter((k) => values[k] !== pad);
      if (members.length === 0) return o.full([1, d], 0, w.t.dtype);
      let picked = o.gather(w.t, rt.engine.fromValues(members.map((k) => values[k]), [members.length], 'int32'), 0);
      if (weights) picked = o.mul(picked, o.reshape(o.gather(weights.t, rt.engine.fromValues(members, [members.length], 'int32'), 0), [members.length, 1]));
      const reduced = mode === 'max' ? o.reduceMax(picked, [0]) : o.reduceSum(picked, [0]);
      const bag = mode === 'mean' ? o.div(reduced, o.scalarLike(members.length, reduced)) : reduced;
      return o.reshape(bag, [1, d]);
    });
    const out = o.concatenate(bags, 0);
    return rt.result(T.rename(out, [w.t], 'EmbeddingBagBackward0'), [w]);
  });
}

function bilinear(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('bilinear', ['input1', 'input2', 'weight', 'bias?'], args, kwargs, ctx);
  const x1 = asTensor(rt, a.required('input1'), ctx, 'input1');
  const x2 = asTensor(rt, a.required('input2'), ctx, 'input2');
  const w = asTensor(rt, a.required('weight'), ctx, 'weight');
  const b = optTensor(rt, a.get('bias'), ctx, 'bias');
  const [out, in1, in2] = w.shape;
  if (x1.shape[x1.shape.length - 1] !== in1) throw pyError('RuntimeError', `bilinear(): input1 size does not match weight size: got ${x1.shape[x1.shape.length - 1]} but expected ${in1}`);
  if (x2.shape[x2.shape.length - 1] !== in2) throw pyError('RuntimeError', `bilinear(): input2 size does not match weight size: got ${x2.shape[x2.shape.length - 1]} but expected ${in2}`);
  const lead1 = x1.shape.slice(0, -1);
  const lead2 = x2.shape.slice(0, -1);
  const differs = lead1.length !== lead2.length ? -1 : lead1.findIndex((d, i) => d !== lead2[i]);
  if (lead1.length !== lead2.length) throw pyError('RuntimeError', `bilinear(): input dimensions do not match: got ${x1.shape.length} and ${x2.shape.length}`);
  if (differs >= 0) throw pyError('RuntimeError', `bilinear(): input batch dimensions do not match at dim ${differs}: got ${lead1[differs]} and ${lead2[differs]}`);
  // _trilinear multiplies input1 by the weight, then by input2, each a bmm in input1's dtype; the bias is added after, promoting.
  refuseOtherDtype(x1, [w, x2]);
  return rt.run(() => {
    const o = rt.ops;
    const lead = x1.shape.slice(0, -1);
    const n = lead.reduce((p, d) => p * d, 1);
    // y[n, k] = sum_ij x1[n, i] W[k, i, j] x2[n, j]
    const wi = o.reshape(o.transpose(w.t, [1, 0, 2]), [in1, out * in2]);
    const t = o.reshape(rt.torch.matmul(o.reshape(x1.t, [n, in1]), wi), [n, out, in2]);
    const x2b = o.broadcastTo(o.reshape(x2.t, [n, 1, in2]), [n, out, in2]);
    let y = o.reduceSum(o.mul(t, x2b), [2]);
    if (b) y = rt.torch.add(y, o.broadcastTo(o.reshape(b.t, [1, out]), [n, out]));
    return rt.result(T.rename(o.reshape(y, [...lead, out]), [x1.t, x2.t, w.t], b ? 'AddBackward0' : 'ViewBackward0'), [x1]);
  });
}

/**
 * Dropout: in training, input times PyTorch's noise (bernoulli(1 - p) / (1 - p)); input * 0 for
 * p = 1. With `inplace`, the input itself is multiplied (Tensor.mul_), as PyTorch's dropout_.
 */
export function dropout(rt: TorchRuntime, x: PyTensor, p: number, training: boolean, inplace = false): PyTensor {
  if (p < 0 || p > 1) throw pyError('ValueError', `dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0 || x.numel === 0) return x;
  // NB: the mask is drawn before mul_ refuses a leaf that requires grad, as PyTorch draws it.
  if (inplace) return rt.composite(() => inPlaceArith(x, 'mul', p === 1 ? 0 : dropoutNoise(rt, x.shape, x.dtype, p, 'in-place dropout')));
  return rt.composite(() => {
    const noise = p === 1 ? null : dropoutNoise(rt, x.shape, x.dtype, p);
    return rt.run(() => {
      const o = rt.ops;
      return rt.result(T.rename(o.mul(x.t, noise ? noise.t : o.zerosLike(x.t)), [x.t], 'MulBackward0'), [x]);
    });
  });
}

export const LAYER_FUNCTIONS: Readonly<Record<string, Fn>> = {
  linear: (rt, args, kwargs, ctx) => {
    const a = bindArgs('linear', ['input', 'weight', 'bias?'], args, kwargs, ctx);
    return linear(rt, asTensor(rt, a.required('input'), ctx, 'input'), asTensor(rt, a.required('weight'), ctx, 'weight'), optTensor(rt, a.get('bias'), ctx, 'bias'));
  },
  bilinear,
  embedding,
  embedding_bag: embeddingBag,
  batch_norm: batchNorm,
  layer_norm: layerNorm,
  dropout: (rt, args, kwargs, ctx) => {
    const a = bindArgs('dropout', ['input', 'p?', 'training?', 'inplace?'], args, kwargs, ctx);
    const p = a.opt('p');
    return dropout(rt, asTensor(rt, a.required('input'), ctx, 'input'), p === undefined ? 0.5 : toFloat(p, ctx), a.bool('training', true), a.bool('inplace', false));
  },
};
