/** `torch.nn.functional`: activations here; layers and losses from nn/, composed from torch-level ops. */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, opFunction, pyError, type PyValue } from '../interpreter';
import { asTensor } from './arith';
import { CONV_FUNCTIONS } from './nn/functional_conv';
import { CONV_TRANSPOSE_FUNCTIONS } from './nn/functional_conv_transpose';
import { activation, type Fn, inPlaceForm, MORE_ACTIVATIONS, num, softplus } from './nn/functional_activations';
import { ADAPTIVE_MAX_FUNCTIONS } from './nn/functional_adaptive_max';
import { ATTENTION_FUNCTIONS } from './nn/functional_attention';
import { LAYER_FUNCTIONS } from './nn/functional_layers';
import { FEATURE_DROPOUT_FUNCTIONS } from './nn/feature_dropout';
import { LOSS_FUNCTIONS } from './nn/functional_losses';
import { PAD_FUNCTIONS } from './nn/functional_pad';
import { followOperands, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';
import { refusingUninitialized } from './uninitialized_arguments';
import { functionalName } from './uninitialized';

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

const ACTIVATIONS: Record<string, Fn> = {
  relu: (rt, args, kwargs, ctx) => {
    const a = bindArgs('relu', ['input', 'inplace?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx);
    return a.bool('inplace', false) ? T.reluInPlace(x) : T.relu(x);
  },
  relu_: (rt, args, kwargs, ctx) => inPlaceForm(ACTIVATIONS.relu)(rt, args, kwargs, ctx),
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
  }, 'LeakyReluBackward1'),
  leaky_relu_: (rt, args, kwargs, ctx) => inPlaceForm(ACTIVATIONS.leaky_relu)(rt, args, kwargs, ctx),
  // The class indices as rows of 0s with a 1 at each index: int64, on the host (indices are data).
  one_hot: (rt, args, kwargs, ctx) => {
    const a = bindArgs('one_hot', ['tensor', 'num_classes?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('tensor'), ctx, 'tensor');
    if (x.dtype !== 'int64') throw pyError('RuntimeError', 'one_hot is only applicable to index tensor.');
    const values = x.values();
    let classes = a.int('num_classes', -1);
    if (classes === -1) {
      if (values.length === 0) throw pyError('RuntimeError', 'Can not infer total number of classes from empty tensor.');
      classes = Math.max(...values) + 1;
    }
    if (values.some((v) => v < 0)) throw pyError('RuntimeError', 'Class values must be non-negative.');
    if (values.some((v) => v >= classes)) throw pyError('RuntimeError', 'Class values must be smaller than num_classes.');
    const out = new Float64Array(values.length * classes);
    values.forEach((v, i) => (out[i * classes + v] = 1));
    return rt.fromValues(out, [...x.shape, classes], 'int64');
  },
  normalize: (rt, args, kwargs, ctx) => {
    const a = bindArgs('normalize', ['input', 'p?', 'dim?', 'eps?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx);
    const n = T.norm(x, num(a, 'p', 2, ctx), a.int('dim', 1), true);
    return followOperands(rt.run(() => {
      const o = rt.ops;
      const denom = o.max(n.t, o.scalarLike(num(a, 'eps', 1e-12, ctx), n.t));
      return rt.result(T.rename(o.div(x.t, denom), [x.t], 'DivBackward0'), [x]);
    }), [x, n]);
  },
};

/** Every function of torch.nn.functional, by name. */
export const FUNCTIONS: Readonly<Record<string, Fn>> = { ...ACTIVATIONS, ...MORE_ACTIVATIONS, ...LAYER_FUNCTIONS, ...FEATURE_DROPOUT_FUNCTIONS, ...CONV_FUNCTIONS, ...CONV_TRANSPOSE_FUNCTIONS, ...ADAPTIVE_MAX_FUNCTIONS, ...LOSS_FUNCTIONS, ...PAD_FUNCTIONS, ...ATTENTION_FUNCTIONS };

function implicitDim(a: Args): number {
  if (a.opt('dim') === undefined) throw pyError('TypeError', 'softmax(): Gradlens needs an explicit dim= (PyTorch\'s implicit choice is deprecated)');
  return a.int('dim');
}

export function functionalAttrs(rt: TorchRuntime): Record<string, PyValue> {
  return Object.fromEntries(Object.entries(FUNCTIONS).map(([name, f]) => [name, opFunction(name, refusingUninitialized(name, functionalName, (args, kwargs, ctx) => f(rt, args, kwargs, ctx)))]));
}

export const FUNCTIONAL_NAMES = Object.keys(FUNCTIONS);
