/**
 * The losses of `torch.nn.functional`, each as PyTorch 1.13 computes it: the same pointwise
 * formula, the same reduction (class weights, ignore_index and label smoothing included), the
 * same grad_fn name. The nn loss modules call these.
 */
import { broadcastShapes } from '../../../../runtime/core';
import { FunctionNode, gradEdge, tangentAt, type Tensor } from '../../../../runtime/eager';
import { type Args, bindArgs, type HostContext, type Kwargs, pyError, type PyValue, toFloat, warn } from '../../interpreter';
import { asTensor, checkBroadcast } from '../arith';
import { isFloating, promote, SCALAR_TYPE, type TorchDTypeName } from '../dtype';
import type { PyTensor, TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

export type Reduction = 'mean' | 'sum' | 'none';

type Fn = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/** `reduction=`, or the legacy `size_average=`/`reduce=` pair as PyTorch maps them. */
function reduction(a: Args, allowed: readonly string[] = ['mean', 'sum', 'none']): Reduction | 'batchmean' {
  const sizeAverage = a.opt('size_average');
  const reduce = a.opt('reduce');
  if (sizeAverage !== undefined || reduce !== undefined) {
    const sa = sizeAverage === undefined ? true : sizeAverage === true;
    const rd = reduce === undefined ? true : reduce === true;
    return !rd ? 'none' : sa ? 'mean' : 'sum';
  }
  const r = a.str('reduction', 'mean');
  if (!allowed.includes(r)) throw pyError('ValueError', `${r} is not a valid value for reduction`);
  return r as Reduction;
}

function allAxes(t: Tensor): number[] {
  return t.shape.map((_, i) => i);
}

function reduce(rt: TorchRuntime, t: Tensor, r: Reduction): Tensor {
  const o = rt.ops;
  if (r === 'none') return t;
  const s = o.reduceSum(t, allAxes(t));
  // NB: PyTorch reduces a loss with loss.sum() or loss.mean(): their CPU order where t's values can be read.
  return rt.torch.inCpuOrder(r === 'sum' ? s : o.div(s, o.scalarLike(t.size, t)), t, allAxes(t), r === 'sum' ? 1 : t.size);
}

/**
 * The shape both sides are computed at: binary_cross_entropy refuses a target of another size;
 * the others warn (UserWarning, once per line) and broadcast the two, as PyTorch 1.13 does, so
 * shapes that do not broadcast fail as PyTorch's broadcast_tensors fails, after the warning.
 */
function commonShape(name: string, input: PyTensor, target: PyTensor, ctx: HostContext): readonly number[] {
  if (input.shape.join() === target.shape.join()) return input.shape;
  const sizes = `target size (torch.Size([${target.shape.join(', ')}])) that is different to the input size (torch.Size([${input.shape.join(', ')}]))`;
  if (name === 'binary_cross_entropy') throw pyError('ValueError', `Using a ${sizes} is deprecated. Please ensure they have the same size.`);
  warn(ctx, `Using a ${sizes}. This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`, 'UserWarning', 'torch.nn.functional');
  checkBroadcast(input.shape, target.shape);
  return broadcastShapes(input.shape, target.shape)!;
}

function num(a: Args, name: string, dflt: number, ctx: HostContext): number {
  const v = a.opt(name);
  return v === undefined ? dflt : toFloat(v, ctx);
}

function optTensor(rt: TorchRuntime, a: Args, name: string, ctx: HostContext): PyTensor | null {
  const v = a.opt(name);
  return v === undefined ? null : asTensor(rt, v, ctx, name);
}

/**
 * What a loss does with an input and a target of two dtypes in PyTorch 1.13 (a float32 model's
 * output against float64 targets made with NumPy): computes in the common dtype (l1_loss,
 * smooth_l1_loss), in the input's, or refuses (binary_cross_entropy). mse_loss (common dtype) and
 * huber_loss (the input's) compute forward, but their backward refuses the pair when it runs (at
 * `.backward()`, `autograd.grad`, `func.grad`), and so does their forward-mode derivative at once.
 */
type MixedDTypes = 'promote' | 'input' | 'refuse' | 'promote, no backward' | 'input, no backward';

/** A pointwise loss `f(input, target)`, optionally weighted, reduced and named as PyTorch does. */
function pointwise(
  name: string,
  spec: readonly string[],
  grad: (r: Reduction) => string,
  mixed: MixedDTypes,
  f: (rt: TorchRuntime, x: Tensor, y: Tensor, a: Args, ctx: HostContext) => Tensor,
  /** 'op' where PyTorch runs the loss as one op (its node points to input and target); 'steps' where it composes it (l1_loss: mean of abs). */
  shown: 'op' | 'steps' = 'op',
): Fn {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', 'target', ...spec], args, kwargs, ctx);
    const input = asTensor(rt, a.required('input'), ctx, 'input');
    const target = asTensor(rt, a.required('target'), ctx, 'target');
    const shape = commonShape(name, input, target, ctx);
    const r = reduction(a) as Reduction;
    const weight = a.has('weight') ? optTensor(rt, a, 'weight', ctx) : null;
    if (target.dtype !== input.dtype) {
      const found = `Found dtype ${SCALAR_TYPE[target.dtype]} but expected ${SCALAR_TYPE[input.dtype]}`;
      if (mixed === 'refuse') throw pyError('RuntimeError', found);
      if (mixed.endsWith('no backward') && rt.engine.forwardLevels.some((level) => tangentAt(input.t, level) !== null || tangentAt(target.t, level) !== null)) {
        throw pyError('RuntimeError', `Found dtype ${SCALAR_TYPE[input.dtype]} but expected ${SCALAR_TYPE[target.dtype]}`);
      }
    }
    const backwardRefused = target.dtype !== input.dtype && mixed.endsWith('no backward') && rt.engine.gradEnabled && (input.t.requiresGrad || target.t.requiresGrad);
    const dtype = mixed.startsWith('promote') ? promote(input.dtype, target.dtype) : input.dtype;
    return rt.run(() => {
      const loss = () => {
        const widen = (t: Tensor) => (t.shape.join() === shape.join() ? t : rt.ops.broadcastTo(t, shape));
        const y = widen(rt.convert(target.t, dtype));
        let l = f(rt, widen(rt.convert(input.t, dtype)), y, a, ctx);
        if (weight) l = rt.ops.mul(l, rt.ops.broadcastTo(rt.convert(weight.t, dtype), l.shape));
        const out = reduce(rt, l, r);
        if (shown === 'op') return T.asOp(out, [input.t, target.t], grad(r));
        return r === 'none' ? T.rename(out, [input.t], grad(r)) : T.asOp(out, [l], grad(r));
      };
      if (!backwardRefused) {
        // NB: PyTorch's one node for the loss saves input, target and weight; l1_loss's steps save their difference.
        const out = loss();
        return rt.result(shown === 'op' ? rt.engine.declareSaved(out, { inputs: [input.t, target.t, ...(weight ? [weight.t] : [])], output: false }) : out, [input]);
      }
      return rt.result(refusingBackward(rt, grad(r), rt.engine.withGradMode(false, loss), input, target), [input]);
    });
  };
}

/**
 * The loss, its grad_fn a node whose backward raises what PyTorch 1.13's mse_loss_backward and
 * huber_loss_backward raise for two dtypes: the input's gradient is computed first, expecting the
 * input's dtype (the target's when only the target requires grad) and finding the other operand's.
 */
function refusingBackward(rt: TorchRuntime, name: string, loss: Tensor, input: PyTensor, target: PyTensor): Tensor {
  const operands = [input, target];
  const [expected, found] = input.t.requiresGrad ? [input, target] : [target, input];
  const node = new FunctionNode(
    name,
    operands.map((t) => gradEdge(t.t)),
    operands.map((t) => ({ shape: t.t.shape, dtype: t.t.dtype })),
    [{ shape: loss.shape, dtype: loss.dtype }],
    () => {
      throw pyError('RuntimeError', `Found dtype ${SCALAR_TYPE[found.dtype]} but expected ${SCALAR_TYPE[expected.dtype]}`);
    },
    () => {},
    rt.engine.span,
  );
  loss.attachGradFn(node.outputs[0]);
  return loss;
}

const byReduction = (none: string) => (r: Reduction) => (r === 'mean' ? 'MeanBackward0' : r === 'sum' ? 'SumBackward0' : none);

/** Input (N, C, d1, ...) or (C,) as rows of C logits, with the target's matching shape. */
function classRows(rt: TorchRuntime, input: PyTensor): { rows: Tensor; n: number; classes: number; outShape: number[] } {
  const o = rt.ops;
  const s = input.shape;
  if (s.length === 0) throw pyError('IndexError', 'Dimension out of range (expected to be in range of [-1, 0], but got 1)');
  if (s.length === 1) return { rows: o.reshape(input.t, [1, s[0]]), n: 1, classes: s[0], outShape: [] };
  const classes = s[1];
  const rest = [s[0], ...s.slice(2)];
  const n = rest.reduce((p, d) => p * d, 1);
  // Class dim last, then one row per position.
  const perm = [0, ...s.slice(2).map((_, i) => i + 2), 1];
  const rows = s.length === 2 ? input.t : o.reshape(o.transpose(input.t, perm), [n, classes]);
  return { rows, n, classes, outShape: rest };
}

/** -w[y] * logp[y] per row, and the weights, with ignore_index rows weighing 0 (PyTorch's nll_loss). */
function nllTerms(rt: TorchRuntime, logp: PyTensor, target: PyTensor, weight: PyTensor | null, ignoreIndex: number) {
  if (isFloating(target.dtype)) throw pyError('RuntimeError', `expected scalar type Long but found ${target.dtype === 'float64' ? 'Double' : 'Float'}`);
  const batched = logp.shape.length >= 2;
  const want = batched ? [logp.shape[0], ...logp.shape.slice(2)] : [];
  if (target.shape.join() !== want.join()) {
    if (batched && target.shape[0] !== logp.shape[0]) throw pyError('ValueError', `Expected input batch_size (${logp.shape[0]}) to match target batch_size (${target.shape[0] ?? 1}).`);
    throw pyError('RuntimeError', `Expected target size [${want.join(', ')}], got [${target.shape.join(', ')}]`);
  }
  const { rows, n, classes, outShape } = classRows(rt, logp);
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== classes)) {
    throw pyError('RuntimeError', `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`);
  }
  if (weight && weight.dtype !== logp.dtype) throw pyError('RuntimeError', `expected scalar type ${SCALAR_TYPE[logp.dtype]} but found ${SCALAR_TYPE[weight.dtype]}`);
  const labels = target.values();
  for (const c of labels) {
    if (c !== ignoreIndex && (c < 0 || c >= classes)) throw pyError('IndexError', `Target ${c} is out of bounds.`);
  }
  const o = rt.ops;
  const kept = labels.map((c) => (c === ignoreIndex ? 0 : 1));
  const safe = labels.map((c) => (c === ignoreIndex ? 0 : c));
  const flatIdx = rt.engine.fromValues(safe.map((c, i) => i * classes + c), [n], 'int32');
  const picked = o.gather(o.reshape(rows, [n * classes]), flatIdx, 0);
  const keep = rt.engine.fromValues(kept, [n], logp.t.dtype);
  const w = weight ? o.mul(o.gather(rt.convert(weight.t, logp.dtype), rt.engine.fromValues(safe, [n], 'int32'), 0), keep) : keep;
  return { loss: o.neg(o.mul(picked, w)), w, outShape, n, classes, rows, kept, safe };
}

function nllReduce(rt: TorchRuntime, loss: Tensor, w: Tensor, r: Reduction, outShape: number[]): Tensor {
  const o = rt.ops;
  if (r === 'none') return o.reshape(loss, outShape);
  const total = o.reduceSum(loss, [0]);
  return r === 'sum' ? total : o.div(total, o.reduceSum(w, [0]));
}

function nll(rt: TorchRuntime, logp: PyTensor, target: PyTensor, weight: PyTensor | null, ignoreIndex: number, r: Reduction): PyTensor {
  return rt.run(() => {
    const { loss, w, outShape } = nllTerms(rt, logp, target, weight, ignoreIndex);
    // PyTorch computes (N, C, d1, ...) inputs with nll_loss2d.
    const name = logp.shape.length >= 3 ? 'NllLoss2DBackward0' : 'NllLossBackward0';
    const out = nllReduce(rt, loss, w, r, outShape);
    if (r !== 'none') rt.torch.nllLossInCpuOrder(out, logp.t, target.values(), weight?.t ?? null, ignoreIndex, r === 'mean');
    return rt.result(T.asOp(out, [logp.t], name), [logp]);
  });
}

function crossEntropy(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('cross_entropy', ['input', 'target', 'weight?', 'size_average?', 'ignore_index?', 'reduce?', 'reduction?', 'label_smoothing?'], args, kwargs, ctx);
  const input = asTensor(rt, a.required('input'), ctx, 'input');
  const target = asTensor(rt, a.required('target'), ctx, 'target');
  const weight = optTensor(rt, a, 'weight', ctx);
  const r = reduction(a) as Reduction;
  const eps = num(a, 'label_smoothing', 0, ctx);
  if (eps < 0 || eps > 1) throw pyError('RuntimeError', `label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const ignoreIndex = a.int('ignore_index', -100);
  const classDim = input.shape.length === 1 ? 0 : 1;
  const logp = T.softmax(input, classDim, true, null);
  const classes = input.shape[classDim];
  const o = rt.ops;
  const weightShape = input.shape.map((d, i) => (i === classDim ? d : 1));
  if (isFloating(target.dtype)) {
    // Class probabilities: -sum(w * p * logp) over classes.
    if (target.shape.join() !== input.shape.join()) throw pyError('RuntimeError', `Expected target size [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`);
    // Float64 probabilities against float32 logits: the loss is float64, as PyTorch's is.
    const dtype = promote(logp.dtype, target.dtype);
    return rt.run(() => {
      let p = rt.convert(target.t, dtype);
      if (eps > 0) p = o.add(o.mul(p, o.scalarLike(1 - eps, p)), o.scalarLike(eps / classes, p));
      let prod = o.mul(rt.convert(logp.t, dtype), p);
      if (weight) prod = o.mul(prod, o.broadcastTo(o.reshape(rt.convert(weight.t, dtype), weightShape), prod.shape));
      let out: Tensor;
      if (r === 'none') out = o.neg(o.reduceSum(prod, [classDim]));
      else {
        const s = o.neg(o.reduceSum(prod, allAxes(prod)));
        out = r === 'sum' ? s : o.div(s, o.scalarLike(input.numel / classes, s));
      }
      return rt.result(T.rename(out, [input.t], r === 'mean' ? 'DivBackward1' : r === 'sum' ? 'NegBackward0' : 'NegBackward0'), [input]);
    });
  }
  if (eps === 0) return nll(rt, logp, target, weight, ignoreIndex, r);
  return rt.run(() => {
    const { loss, w, outShape, rows, kept, safe, n } = nllTerms(rt, logp, target, weight, ignoreIndex);
    const nllLoss = nllReduce(rt, loss, w, r, outShape);
    const cw = weight ? rt.convert(weight.t, logp.dtype) : null;
    const keep = rt.engine.fromValues(kept, [n], logp.t.dtype);
    // smooth_loss = -sum_c(w_c * logp_c), zero where the target is ignored.
    const weighted = cw ? o.mul(rows, o.broadcastTo(o.reshape(cw, [1, classes]), rows.shape)) : rows;
    const smooth = o.mul(o.neg(o.reduceSum(weighted, [1])), keep);
    let ret: Tensor;
    if (r === 'none') ret = o.reshape(smooth, outShape);
    else if (r === 'sum') ret = o.reduceSum(smooth, [0]);
    else {
      const denom = cw ? o.reduceSum(o.mul(o.gather(cw, rt.engine.fromValues(safe, [n], 'int32'), 0), keep), [0]) : o.reduceSum(keep, [0]);
      ret = o.div(o.reduceSum(smooth, [0]), denom);
    }
    const out = o.add(o.mul(o.scalarLike(1 - eps, nllLoss), nllLoss), o.mul(ret, o.scalarLike(eps / classes, ret)));
    return rt.result(T.rename(out, [input.t], 'AddBackward0'), [input]);
  });
}

function klDiv(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('kl_div', ['input', 'target', 'size_average?', 'reduce?', 'reduction?', 'log_target?'], args, kwargs, ctx);
  const input = asTensor(rt, a.required('input'), ctx, 'input');
  const target = asTensor(rt, a.required('target'), ctx, 'target');
  const r = reduction(a, ['mean', 'sum', 'none', 'batchmean']);
  const logTarget = a.bool('log_target', false);
  checkBroadcast(target.shape, input.shape);
  const dtype = promote(input.dtype, target.dtype);
  return rt.run(() => {
    const o = rt.ops;
    const x = rt.convert(input.t, dtype);
    const y = rt.convert(target.t, dtype);
    const zero = o.zerosLike(y);
    // target * (log(target) - input), with 0 log 0 = 0 (xlogy), or exp(t) * (t - input) for log targets.
    const l = logTarget
      ? o.mul(o.exp(y), o.sub(y, x))
      : o.sub(o.select(o.eq(y, zero), zero, o.mul(y, o.log(o.select(o.eq(y, zero), o.onesLike(y), y)))), o.mul(y, x));
    let out: Tensor;
    if (r === 'batchmean') {
      const s = o.reduceSum(l, allAxes(l));
      out = input.shape.length === 0 ? s : o.div(s, o.scalarLike(input.shape[0], s));
    } else out = reduce(rt, l, r);
    const name = r === 'none' ? (logTarget ? 'MulBackward0' : 'SubBackward0') : r === 'sum' ? 'SumBackward0' : r === 'mean' ? 'MeanBackward0' : 'DivBackward0';
    return rt.result(T.rename(out, [input.t], name), [input]);
  });
}

export const LOSS_FUNCTIONS: Readonly<Record<string, Fn>> = {
  mse_loss: pointwise('mse_loss', ['size_average?', 'reduce?', 'reduction?'], () => 'MseLossBackward0', 'promote, no backward', (rt, x, y) => {
    const d = rt.ops.sub(x, y);
    return rt.ops.mul(d, d);
  }),
  l1_loss: pointwise('l1_loss', ['size_average?', 'reduce?', 'reduction?'], byReduction('AbsBackward0'), 'promote', (rt, x, y) => rt.ops.abs(rt.ops.sub(x, y)), 'steps'),
  smooth_l1_loss: pointwise('smooth_l1_loss', ['size_average?', 'reduce?', 'reduction?', 'beta?'], () => 'SmoothL1LossBackward0', 'promote', (rt, x, y, a, ctx) => {
    const o = rt.ops;
    const beta = num(a, 'beta', 1, ctx);
    if (beta < 0) throw pyError('RuntimeError', 'smooth_l1_loss does not support negative values for beta.');
    const d = o.abs(o.sub(x, y));
    if (beta === 0) return d;
    const c = (v: number) => o.scalarLike(v, d);
    return o.select(o.lt(d, c(beta)), o.div(o.mul(o.mul(c(0.5), d), d), c(beta)), o.sub(d, c(0.5 * beta)));
  }),
  huber_loss: pointwise('huber_loss', ['reduction?', 'delta?'], () => 'HuberLossBackward0', 'input, no backward', (rt, x, y, a, ctx) => {
    const o = rt.ops;
    const delta = num(a, 'delta', 1, ctx);
    if (delta <= 0) throw pyError('RuntimeError', 'huber_loss does not support non-positive values for delta.');
    const d = o.abs(o.sub(x, y));
    const c = (v: number) => o.scalarLike(v, d);
    return o.select(o.lt(d, c(delta)), o.mul(o.mul(c(0.5), d), d), o.mul(c(delta), o.sub(d, c(0.5 * delta))));
  }),
  binary_cross_entropy: pointwise('binary_cross_entropy', ['weight?', 'size_average?', 'reduce?', 'reduction?'], () => 'BinaryCrossEntropyBackward0', 'refuse', (rt, p, y) => {
    const o = rt.ops;
    const c = (v: number) => o.scalarLike(v, p);
    // PyTorch clamps each log at -100 so that p = 0 or 1 gives a finite loss.
    const logp = o.max(o.log(p), c(-100));
    const log1mp = o.max(o.log(o.sub(c(1), p)), c(-100));
    return o.neg(o.add(o.mul(y, logp), o.mul(o.sub(c(1), y), log1mp)));
  }),
  binary_cross_entropy_with_logits: (rt, args, kwargs, ctx) => {
    const a = bindArgs('binary_cross_entropy_with_logits', ['input', 'target', 'weight?', 'size_average?', 'reduce?', 'reduction?', 'pos_weight?'], args, kwargs, ctx);
    const input = asTensor(rt, a.required('input'), ctx, 'input');
    const target = asTensor(rt, a.required('target'), ctx, 'target');
    if (input.shape.join() !== target.shape.join()) {
      throw pyError('ValueError', `Target size (torch.Size([${target.shape.join(', ')}])) must be the same as input size (torch.Size([${input.shape.join(', ')}]))`);
    }
    const r = reduction(a) as Reduction;
    const weight = optTensor(rt, a, 'weight', ctx);
    const posWeight = optTensor(rt, a, 'pos_weight', ctx);
    return rt.run(() => {
      const o = rt.ops;
      const x = input.t;
      const y = target.t;
      const c = (v: number, like: Tensor = x) => o.scalarLike(v, like);
      /**
       * PyTorch's steps are in place (`loss.mul_(w)`): each computes in the common dtype and keeps
       * its left side's, so the loss has the target's dtype when the two differ, as in PyTorch 1.13.
       */
      const inPlace = (left: Tensor, right: Tensor, op: (p: Tensor, q: Tensor) => Tensor): Tensor => {
        const common = promote(left.dtype as TorchDTypeName, right.dtype as TorchDTypeName);
        return rt.convert(op(rt.convert(left, common), o.broadcastTo(rt.convert(right, common), left.shape)), left.dtype as TorchDTypeName);
      };
      // PyTorch's order: max_val = (-x).clamp_min(0); (1 - y) x + lw (log(exp(-max_val) + exp(-x - max_val)) + max_val).
      const maxVal = o.max(o.neg(x), o.zerosLike(x));
      const softplus = o.log(o.add(o.exp(o.neg(maxVal)), o.exp(o.sub(o.neg(x), maxVal))));
      const [add, mul] = [(p: Tensor, q: Tensor) => o.add(p, q), (p: Tensor, q: Tensor) => o.mul(p, q)];
      const first = inPlace(o.sub(c(1, y), y), x, mul);
      let l: Tensor;
      if (posWeight) {
        const pw = posWeight.t;
        const common = promote(posWeight.dtype, target.dtype);
        const shifted = rt.convert(o.sub(pw, c(1, pw)), common);
        const scaled = o.mul(o.broadcastTo(shifted, x.shape), o.broadcastTo(rt.convert(y, common), x.shape));
        const logWeight = o.add(scaled, c(1, scaled));
        l = inPlace(first, inPlace(logWeight, o.add(softplus, maxVal), mul), add);
      } else l = inPlace(inPlace(first, maxVal, add), softplus, add);
      if (weight) l = inPlace(l, weight.t, mul);
      const out = T.asOp(reduce(rt, l, r), [input.t, target.t], 'BinaryCrossEntropyWithLogitsBackward0');
      const saved = [x, y, ...(weight ? [weight.t] : []), ...(posWeight ? [posWeight.t] : [])];
      return rt.result(rt.engine.declareSaved(out, { inputs: saved, output: false }), [input]);
    });
  },
  cross_entropy: (rt, args, kwargs, ctx) => rt.composite(() => crossEntropy(rt, args, kwargs, ctx)),
  nll_loss: (rt, args, kwargs, ctx) => {
    const a = bindArgs('nll_loss', ['input', 'target', 'weight?', 'size_average?', 'ignore_index?', 'reduce?', 'reduction?'], args, kwargs, ctx);
    const input = asTensor(rt, a.required('input'), ctx, 'input');
    return nll(rt, input, asTensor(rt, a.required('target'), ctx, 'target'), optTensor(rt, a, 'weight', ctx), a.int('ignore_index', -100), reduction(a) as Reduction);
  },
  kl_div: klDiv,
};
