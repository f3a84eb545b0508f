/** `torch.nn.functional`: activations, losses and `linear`, composed from torch-level ops. */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, opFunction, pyError, type HostContext, type Kwargs, type PyValue, toFloat } from '../interpreter';
import { asTensor } from './arith';
import { isFloating } from './dtype';
import { matmul } from './methods';
import type { PyTensor, TorchRuntime } from './tensor';
import * as T from './tensor_ops';

type Reduction = 'mean' | 'sum' | 'none';

function reduction(a: Args): Reduction {
  const r = a.str('reduction', 'mean');
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw pyError('ValueError', `${r} is not a valid value for reduction`);
  return r;
}

function reduce(rt: TorchRuntime, t: Tensor, r: Reduction): Tensor {
  const o = rt.ops;
  if (r === 'none') return t;
  const all = t.shape.map((_, i) => i);
  const s = o.reduceSum(t, all);
  return r === 'sum' ? s : o.div(s, o.scalarLike(Math.max(t.size, 1), t));
}

/** A loss from `(input, target) -> elementwise loss`, reduced and named as PyTorch names it. */
function loss(rt: TorchRuntime, name: string, input: PyTensor, target: PyTensor, r: Reduction, f: (x: Tensor, y: Tensor) => Tensor): PyTensor {
  if (input.shape.join() !== target.shape.join()) {
    throw pyError('ValueError', `Using a target size (torch.Size([${target.shape.join(', ')}])) that is different to the input size (torch.Size([${input.shape.join(', ')}])) is deprecated. Please ensure they have the same size.`);
  }
  return rt.run(() => {
    const y = rt.convert(target.t, input.dtype);
    const out = T.rename(reduce(rt, f(input.t, y), r), [input.t], name);
    return rt.result(out, [input]);
  });
}

function erf(rt: TorchRuntime, x: Tensor): Tensor {
  // Abramowitz and Stegun 7.1.26: |error| < 1.5e-7, below float32's resolution near 1.
  const o = rt.ops;
  const c = (v: number) => o.scalarLike(v, x);
  const a = o.abs(x);
  const t = o.div(c(1), o.add(c(1), o.mul(c(0.3275911), a)));
  let poly = c(1.061405429);
  for (const k of [-1.453152027, 1.421413741, -0.284496736, 0.254829592]) poly = o.add(o.mul(poly, t), c(k));
  poly = o.mul(poly, t);
  const y = o.sub(c(1), o.mul(poly, o.exp(o.neg(o.mul(x, x)))));
  return o.mul(o.sign(x), y);
}

function softplus(rt: TorchRuntime, x: Tensor, beta: number, threshold: number): Tensor {
  const o = rt.ops;
  const c = (v: number) => o.scalarLike(v, x);
  const bx = o.mul(x, c(beta));
  // log1p(exp(bx)) without overflow; linear above the threshold, as PyTorch.
  const safe = o.select(o.gt(bx, c(threshold)), o.zerosLike(bx), bx);
  const soft = o.div(o.log1p(o.exp(safe)), c(beta));
  return o.select(o.gt(bx, c(threshold)), x, soft);
}

type Fn = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function activation(name: string, spec: string[], grad: string, f: (rt: TorchRuntime, x: Tensor, a: Args, ctx: HostContext) => Tensor): Fn {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', ...spec], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx, 'input');
    if (!isFloating(x.dtype)) throw pyError('RuntimeError', `"${name}" not implemented for '${x.dtype === 'int32' ? 'Int' : x.dtype === 'bool' ? 'Bool' : 'Long'}'`);
    return rt.run(() => rt.result(T.rename(f(rt, x.t, a, ctx), [x.t], grad), [x]));
  };
}

function num(a: Args, name: string, dflt: number, ctx: HostContext): number {
  const v = a.opt(name);
  return v === undefined ? dflt : toFloat(v, ctx);
}

const FUNCTIONS: Record<string, Fn> = {
  relu: (rt, args, kwargs, ctx) => T.relu(asTensor(rt, bindArgs('relu', ['input', 'inplace?'], args, kwargs, ctx).required('input'), ctx)),
  sigmoid: (rt, args, kwargs, ctx) => T.unaryMath(asTensor(rt, bindArgs('sigmoid', ['input'], args, kwargs, ctx).required('input'), ctx), 'sigmoid'),
  tanh: (rt, args, kwargs, ctx) => T.unaryMath(asTensor(rt, bindArgs('tanh', ['input'], args, kwargs, ctx).required('input'), ctx), 'tanh'),
  softmax: (rt, args, kwargs, ctx) => {
    const a = bindArgs('softmax', ['input', 'dim?', '_stacklevel?', 'dtype?'], args, kwargs, ctx);
    return T.softmax(asTensor(rt, a.required('input'), ctx), implicitDim(a), false, null);
  },
  log_softmax: (rt, args, kwargs, ctx) => {
    const a = bindArgs('log_softmax', ['input', 'dim?', '_stacklevel?', 'dtype?'], args, kwargs, ctx);
    return T.softmax(asTensor(rt, a.required('input'), ctx), implicitDim(a), true, null);
  },
  softplus: activation('softplus', ['beta?', 'threshold?'], 'SoftplusBackward0', (rt, x, a, ctx) => softplus(rt, x, num(a, 'beta', 1, ctx), num(a, 'threshold', 20, ctx))),
  gelu: activation('gelu', ['*', 'approximate?'], 'GeluBackward0', (rt, x, a) => {
    const o = rt.ops;
    const c = (v: number) => o.scalarLike(v, x);
    const approx = a.str('approximate', 'none');
    if (approx === 'tanh') {
      const inner = o.mul(c(Math.sqrt(2 / Math.PI)), o.add(x, o.mul(c(0.044715), o.mul(x, o.mul(x, x)))));
      return o.mul(o.mul(c(0.5), x), o.add(c(1), o.tanh(inner)));
    }
    if (approx !== 'none') throw pyError('RuntimeError', `approximate argument must be either none or tanh.`);
    return o.mul(o.mul(c(0.5), x), o.add(c(1), erf(rt, o.mul(x, c(Math.SQRT1_2)))));
  }),
  silu: activation('silu', ['inplace?'], 'SiluBackward0', (rt, x) => rt.ops.mul(x, rt.ops.logistic(x))),
  leaky_relu: activation('leaky_relu', ['negative_slope?', 'inplace?'], 'LeakyReluBackward0', (rt, x, a, ctx) => {
    const o = rt.ops;
    return o.select(o.gt(x, o.scalarLike(0, x)), x, o.mul(x, o.scalarLike(num(a, 'negative_slope', 0.01, ctx), x)));
  }),
  elu: activation('elu', ['alpha?', 'inplace?'], 'EluBackward0', (rt, x, a, ctx) => {
    const o = rt.ops;
    return o.select(o.gt(x, o.scalarLike(0, x)), x, o.mul(o.scalarLike(num(a, 'alpha', 1, ctx), x), o.expm1(x)));
  }),
  mse_loss: (rt, args, kwargs, ctx) => {
    const a = bindArgs('mse_loss', ['input', 'target', 'size_average?', 'reduce?', 'reduction?'], args, kwargs, ctx);
    return loss(rt, 'MseLossBackward0', asTensor(rt, a.required('input'), ctx), asTensor(rt, a.required('target'), ctx), reduction(a), (x, y) => {
      const d = rt.ops.sub(x, y);
      return rt.ops.mul(d, d);
    });
  },
  l1_loss: (rt, args, kwargs, ctx) => {
    const a = bindArgs('l1_loss', ['input', 'target', 'size_average?', 'reduce?', 'reduction?'], args, kwargs, ctx);
    const r = reduction(a);
    const name = r === 'mean' ? 'MeanBackward0' : r === 'sum' ? 'SumBackward0' : 'AbsBackward0';
    return loss(rt, name, asTensor(rt, a.required('input'), ctx), asTensor(rt, a.required('target'), ctx), r, (x, y) => rt.ops.abs(rt.ops.sub(x, y)));
  },
  binary_cross_entropy: (rt, args, kwargs, ctx) => {
    const a = bindArgs('binary_cross_entropy', ['input', 'target', 'weight?', 'size_average?', 'reduce?', 'reduction?'], args, kwargs, ctx);
    return loss(rt, 'BinaryCrossEntropyBackward0', asTensor(rt, a.required('input'), ctx), asTensor(rt, a.required('target'), ctx), reduction(a), (p, y) => {
      const o = rt.ops;
      const c = (v: number) => o.scalarLike(v, p);
      // PyTorch clamps each log at -100 so that p = 0 or 1 gives a finite loss.
      const logp = o.max(o.log(p), c(-100));
      const log1mp = o.max(o.log(o.sub(c(1), p)), c(-100));
      return o.neg(o.add(o.mul(y, logp), o.mul(o.sub(c(1), y), log1mp)));
    });
  },
  binary_cross_entropy_with_logits: (rt, args, kwargs, ctx) => {
    const a = bindArgs('binary_cross_entropy_with_logits', ['input', 'target', 'weight?', 'size_average?', 'reduce?', 'reduction?', 'pos_weight?'], args, kwargs, ctx);
    return loss(rt, 'BinaryCrossEntropyWithLogitsBackward0', asTensor(rt, a.required('input'), ctx), asTensor(rt, a.required('target'), ctx), reduction(a), (x, y) => {
      const o = rt.ops;
      // (1 - y) x + log(1 + exp(-x)), written stably: max(x, 0) - x y + log(1 + exp(-|x|)).
      const zero = o.zerosLike(x);
      return o.add(o.sub(o.max(x, zero), o.mul(x, y)), o.log1p(o.exp(o.neg(o.abs(x)))));
    });
  },
  cross_entropy: (rt, args, kwargs, ctx) => {
    const a = bindArgs('cross_entropy', ['input', 'target', 'weight?', 'size_average?', 'ignore_index?', 'reduce?', 'reduction?', 'label_smoothing?'], args, kwargs, ctx);
    const input = asTensor(rt, a.required('input'), ctx);
    const target = asTensor(rt, a.required('target'), ctx);
    const classDim = input.shape.length === 1 ? 0 : 1;
    const logp = T.softmax(input, classDim, true, null);
    if (isFloating(target.dtype)) {
      if (target.shape.join() !== input.shape.join()) throw pyError('RuntimeError', `Expected target size [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`);
      const r = reduction(a);
      return rt.run(() => {
        const o = rt.ops;
        const per = o.neg(o.reduceSum(o.mul(logp.t, target.t), [classDim]));
        const out = r === 'mean' ? o.div(o.reduceSum(per, per.shape.map((_, i) => i)), o.scalarLike(input.numel / input.shape[classDim], per)) : reduce(rt, per, r);
        return rt.result(T.rename(out, [input.t], r === 'mean' ? 'DivBackward1' : r === 'sum' ? 'SumBackward0' : 'NegBackward0'), [input]);
      });
    }
    return nll(rt, logp, target, reduction(a));
  },
  nll_loss: (rt, args, kwargs, ctx) => {
    const a = bindArgs('nll_loss', ['input', 'target', 'weight?', 'size_average?', 'ignore_index?', 'reduce?', 'reduction?'], args, kwargs, ctx);
    return nll(rt, asTensor(rt, a.required('input'), ctx), asTensor(rt, a.required('target'), ctx), reduction(a));
  },
  linear: (rt, args, kwargs, ctx) => {
    const a = bindArgs('linear', ['input', 'weight', 'bias?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx);
    const w = asTensor(rt, a.required('weight'), ctx);
    const b = a.opt('bias');
    const y = matmul(rt, x, T.t(w));
    if (b === undefined) return y;
    const out = rt.run(() => rt.result(rt.torch.add(y.t, asTensor(rt, b, ctx).t), [y]));
    if (x.shape.length === 2 && out.t.gradFn) out.t.gradFn.name = 'AddmmBackward0';
    return out;
  },
  normalize: (rt, args, kwargs, ctx) => {
    const a = bindArgs('normalize', ['input', 'p?', 'dim?', 'eps?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx);
    const n = T.norm(x, num(a, 'p', 2, ctx), a.int('dim', 1), true);
    return rt.run(() => {
      const o = rt.ops;
      const denom = o.max(n.t, o.scalarLike(num(a, 'eps', 1e-12, ctx), n.t));
      return rt.result(T.rename(o.div(x.t, denom), [x.t], 'DivBackward0'), [x]);
    });
  },
  dropout: (rt, args, kwargs, ctx) => {
    const a = bindArgs('dropout', ['input', 'p?', 'training?', 'inplace?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx);
    if (a.bool('training', true) && num(a, 'p', 0.5, ctx) > 0) throw pyError('NotImplementedError', 'dropout in training mode is not supported by Gradlens; pass training=False');
    return x;
  },
};

function implicitDim(a: Args): number {
  if (a.opt('dim') === undefined) throw pyError('TypeError', 'softmax(): Gradlens needs an explicit dim= (PyTorch\'s implicit choice is deprecated)');
  return a.int('dim');
}

/** The negative log-likelihood of int class targets: -logp[i, target[i]], reduced. */
function nll(rt: TorchRuntime, logp: PyTensor, target: PyTensor, r: Reduction): PyTensor {
  if (isFloating(target.dtype)) throw pyError('RuntimeError', 'expected scalar type Long but found Float');
  const batched = logp.shape.length === 2;
  const n = batched ? logp.shape[0] : 1;
  const classes = logp.shape[batched ? 1 : 0];
  if (logp.shape.length > 2 || logp.shape.length === 0) throw pyError('NotImplementedError', 'cross_entropy/nll_loss over more than 2 dims is not supported by Gradlens');
  if (target.shape.length !== (batched ? 1 : 0) || (batched && target.shape[0] !== n)) {
    throw pyError('ValueError', `Expected input batch_size (${n}) to match target batch_size (${target.shape[0] ?? 1}).`);
  }
  const labels = target.values();
  labels.forEach((c) => {
    if (c < 0 || c >= classes) throw pyError('IndexError', `Target ${c} is out of bounds.`);
  });
  return rt.run(() => {
    const o = rt.ops;
    const idx = rt.engine.fromValues(labels.map((c, i) => i * classes + c), batched ? [n] : [], 'int32');
    const picked = o.neg(o.gather(o.reshape(logp.t, [logp.numel]), idx, 0));
    return rt.result(T.rename(reduce(rt, picked, r), [logp.t], 'NllLossBackward0'), [logp]);
  });
}

export function functionalAttrs(rt: TorchRuntime): Record<string, PyValue> {
  return Object.fromEntries(Object.entries(FUNCTIONS).map(([name, f]) => [name, opFunction(name, (args, kwargs, ctx) => f(rt, args, kwargs, ctx))]));
}

export const FUNCTIONAL_NAMES = Object.keys(FUNCTIONS);
