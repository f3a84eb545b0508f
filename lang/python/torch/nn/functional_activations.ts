/**
 * The elementwise activations of torch.nn.functional beyond relu: each composed so that its value
 * rounds as ATen's CPU kernel rounds it and its gradient at the kinks (x exactly 0, ±3, a bound) is
 * the one ATen's backward gives, which differs by op (hardtanh's is 0 at a bound, hardswish's at -3
 * is -0.5). Their nodes carry PyTorch's names (HardtanhBackward0, EluBackward1 in place).
 */
import type { Tensor } from '../../../../runtime/eager';
import { type Args, bindArgs, type HostContext, type Kwargs, pyError, type PyValue, toFloat } from '../../interpreter';
import { asTensor } from '../arith';
import { isFloating, SCALAR_TYPE, type TorchDTypeName } from '../dtype';
import { checkInPlace, followOperands, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

export type Fn = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;
type Body = (rt: TorchRuntime, x: Tensor, a: Args, ctx: HostContext) => Tensor;

/**
 * How each activation takes a tensor that is not floating, as ATen's CPU kernels do: most refuse
 * it naming their kernel (`"elu_cpu" not implemented for 'Long'`); hardtanh (relu6) and threshold
 * compute integers in their dtype, their bounds truncated to it, and refuse bool with their own
 * words; softsign and tanhshrink compute in float32.
 */
interface OnIntegers {
  readonly kernel?: string;
  readonly integers?: 'in their dtype' | 'as float32';
  readonly bool?: string;
}

const ON_INTEGERS: Readonly<Record<string, OnIntegers>> = {
  selu: { kernel: 'elu_cpu' },
  celu: { kernel: 'elu_cpu' },
  rrelu: { kernel: 'leaky_relu_cpu' },
  gelu: { kernel: 'GeluKernelImpl' },
  logsigmoid: { kernel: 'log_sigmoid_cpu' },
  hardtanh: { integers: 'in their dtype', bool: 'Bool inputs not supported for hardtanh' },
  relu6: { integers: 'in their dtype', bool: 'Bool inputs not supported for hardtanh' },
  threshold: { integers: 'in their dtype' },
  softsign: { integers: 'as float32', bool: `"abs_cpu" not implemented for 'Bool'` },
  tanhshrink: { integers: 'as float32', bool: 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.' },
};

/** PyTorch's refusal of `dtype` by the activation `name`, or null where it computes it. */
function integerRefusal(name: string, dtype: TorchDTypeName): string | null {
  if (isFloating(dtype)) return null;
  const rule = ON_INTEGERS[name] ?? {};
  if (dtype === 'bool' && rule.bool !== undefined) return rule.bool;
  if (dtype !== 'bool' && rule.integers !== undefined) return null;
  return `"${rule.kernel ?? `${name}_cpu`}" not implemented for '${SCALAR_TYPE[dtype]}'`;
}

/** A bound as an integer tensor takes it (`hardtanh(n, -0.5, 2.5)` clamps to [0, 2]): truncated. */
function inDType(v: number, x: Tensor): number {
  return x.dtype === 'float32' || x.dtype === 'float64' ? v : Math.trunc(v);
}

/**
 * An activation of torch.nn.functional. With `inplace=True` (where `spec` takes it) x itself takes
 * the result, as PyTorch's leaky_relu_/elu_/silu_ do, and the node is `inPlaceGrad`'s.
 */
export function activation(name: string, spec: string[], grad: string, f: Body, inPlaceGrad = grad): Fn {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', ...spec], args, kwargs, ctx);
    const given = asTensor(rt, a.required('input'), ctx, 'input');
    const refusal = integerRefusal(name, given.dtype);
    if (refusal !== null) throw pyError('RuntimeError', refusal);
    const x = isFloating(given.dtype) || ON_INTEGERS[name]?.integers !== 'as float32' ? given : T.toDType(given, 'float32');
    if (spec.includes('inplace?') && a.bool('inplace', false)) {
      checkInPlace(x);
      return rt.run(() => {
        rt.engine.inPlace(x.t, (snapshot) => T.asOp(f(rt, snapshot, a, ctx), [snapshot], inPlaceGrad));
        return x;
      });
    }
    // NB: each of these nodes saves its input (GeluBackward0's self), whatever the steps here keep.
    return followOperands(rt.run(() => rt.result(rt.engine.declareSaved(T.asOp(f(rt, x.t, a, ctx), [x.t], grad), { inputs: [x.t], output: false }), [x])), [x]);
  };
}

/** `F.name_(x, ...)`: `F.name(x, ..., inplace=True)`. */
export function inPlaceForm(f: Fn): Fn {
  return (rt, args, kwargs, ctx) => f(rt, args, new Map([...kwargs, ['inplace', true]]), ctx);
}

export function num(a: Args, name: string, dflt: number, ctx: HostContext): number {
  const v = a.opt(name);
  return v === undefined ? dflt : toFloat(v, ctx);
}

const c = (rt: TorchRuntime, v: number, x: Tensor) => rt.ops.full(x.shape, v, x.dtype);

export function softplus(rt: TorchRuntime, x: Tensor, beta: number, threshold: number): Tensor {
  const o = rt.ops;
  const bx = o.mul(x, o.scalarLike(beta, x));
  // log1p(exp(bx)) without overflow; linear above the threshold, as PyTorch.
  const safe = o.select(o.gt(bx, o.scalarLike(threshold, x)), o.zerosLike(bx), bx);
  const soft = o.div(o.log1p(o.exp(safe)), o.scalarLike(beta, x));
  return o.select(o.gt(bx, o.scalarLike(threshold, x)), x, soft);
}

/** min(max(x, lo), hi) as ATen's clamp orders it (hi wins when lo > hi); no gradient at either bound. */
function hardtanh(rt: TorchRuntime, x: Tensor, min: number, max: number): Tensor {
  const o = rt.ops;
  const lo = inDType(min, x);
  const hi = inDType(max, x);
  const low = o.select(o.le(x, o.scalarLike(lo, x)), c(rt, lo, x), x);
  return o.select(o.ge(low, o.scalarLike(hi, x)), c(rt, hi, x), low);
}

/**
 * x where x > 0, else alpha * expm1(x * inputScale), all times scale (elu, selu, celu). The value
 * is expm1's, as ATen's kernel; the gradient is ATen's elu_backward, inputScale * alpha * scale *
 * exp(x * inputScale), exact where the result nears -alpha (expm1's own rule, result + 1, is not),
 * and the negative side's at 0. Positive x takes exp(0) on the branch not taken, so its gradient
 * stays finite.
 */
function eluOf(rt: TorchRuntime, x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const o = rt.ops;
  const s = (v: number) => o.scalarLike(v, x);
  const positive = o.gt(x, s(0));
  const u = o.mul(o.select(positive, o.zerosLike(x), x), s(inputScale));
  // NB: ATen's elu kernel multiplies by alpha * scale once (its negcoef).
  const negcoef = s(alpha * scale);
  const value = o.mul(o.expm1(u), negcoef);
  const differentiable = o.mul(o.sub(o.exp(u), s(1)), negcoef);
  const negative = o.add(o.stop_gradient(value), o.sub(differentiable, o.stop_gradient(differentiable)));
  return o.select(positive, scale === 1 ? x : o.mul(x, s(scale)), negative);
}

/**
 * elu, selu and celu: `eluOf` with these options. NB: in place, ATen's backward reads the result r
 * (inputScale * (r + alpha * scale)), which cancels where r nears -alpha; Gradlens keeps the exact
 * gradient there (celu_(x, 0.5) at x = -4: 3.354626e-04 where PyTorch's in-place form gives 3.354549e-04).
 */
function eluFamily(name: string, spec: string[], grad: string, options: (a: Args, ctx: HostContext) => [alpha: number, scale: number, inputScale: number], inPlaceGrad: string): Fn {
  return activation(name, spec, grad, (rt, x, a, ctx) => eluOf(rt, x, ...options(a, ctx)), inPlaceGrad);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

function leaky(rt: TorchRuntime, x: Tensor, slope: number): Tensor {
  const o = rt.ops;
  return o.select(o.gt(x, o.scalarLike(0, x)), x, o.mul(x, o.scalarLike(slope, x)));
}

function lambd(a: Args, ctx: HostContext): number {
  const l = num(a, 'lambd', 0.5, ctx);
  if (l < 0) throw pyError('RuntimeError', `lambda must be greater or equal to 0, but found to be ${a.opt('lambd') === undefined ? l : ctx.str(a.get('lambd')!)}.`);
  return l;
}

function glu(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('glu', ['input', 'dim?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  const refusal = integerRefusal('glu', x.dtype);
  if (refusal !== null) throw pyError('RuntimeError', refusal);
  if (x.shape.length === 0) throw pyError('RuntimeError', 'glu does not support scalars because halving size must be even');
  const dim = T.axis(x, a.int('dim', -1));
  const n = x.shape[dim];
  if (n % 2 !== 0) throw pyError('RuntimeError', `Halving dimension must be even, but dimension ${dim} is size ${n}`);
  const half = (from: number) => rt.ops.slice(x.t, x.shape.map((_, i) => (i === dim ? from : 0)), x.shape.map((s, i) => (i === dim ? from + n / 2 : s)));
  return followOperands(rt.run(() => {
    const o = rt.ops;
    return rt.result(T.asOp(o.mul(half(0), o.logistic(half(n / 2))), [x.t], 'GluBackward0'), [x]);
  }), [x]);
}

/** x where x > 0, else weight * x, with one weight or one per channel (axis 1). */
function prelu(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('prelu', ['input', 'weight'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('input'), ctx, 'input');
  const w = asTensor(rt, a.required('weight'), ctx, 'weight');
  if (w.shape.length > 1) throw pyError('RuntimeError', `prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${w.shape.length}`);
  const count = w.shape.reduce((m, d) => m * d, 1);
  const channels = x.shape.length >= 2 ? x.shape[1] : 1;
  if (count !== 1 && count !== channels) {
    throw pyError('RuntimeError', `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${count} and channel size = ${channels}.`);
  }
  return followOperands(rt.run(() => {
    const o = rt.ops;
    const perChannel = count === 1 ? o.reshape(w.t, []) : o.broadcastInDim(o.reshape(w.t, [count]), x.shape, [1]);
    const out = o.select(o.gt(x.t, o.scalarLike(0, x.t)), x.t, o.mul(perChannel, x.t));
    return rt.result(T.asOp(out, [x.t, w.t], 'PreluBackward0'), [x, w]);
  }), [x, w]);
}

const relu6 = activation('relu6', ['inplace?'], 'HardtanhBackward0', (rt, x) => hardtanh(rt, x, 0, 6));
const hardtanhFn = activation('hardtanh', ['min_val?', 'max_val?', 'inplace?'], 'HardtanhBackward0', (rt, x, a, ctx) => hardtanh(rt, x, num(a, 'min_val', -1, ctx), num(a, 'max_val', 1, ctx)));
const elu = eluFamily('elu', ['alpha?', 'inplace?'], 'EluBackward0', (a, ctx) => [num(a, 'alpha', 1, ctx), 1, 1], 'EluBackward1');
const selu = eluFamily('selu', ['inplace?'], 'EluBackward0', () => [SELU_ALPHA, SELU_SCALE, 1], 'EluBackward1');
const celu = eluFamily('celu', ['alpha?', 'inplace?'], 'CeluBackward0', (a, ctx) => {
  const alpha = num(a, 'alpha', 1, ctx);
  if (alpha === 0) throw pyError('RuntimeError', 'ZeroDivisionError: alpha cannot be 0 for CELU');
  return [alpha, 1, 1 / alpha];
}, 'CeluBackward1');
const threshold = activation('threshold', ['threshold', 'value', 'inplace?'], 'ThresholdBackward0', (rt, x, a, ctx) => {
  const o = rt.ops;
  return o.select(o.le(x, o.scalarLike(inDType(toFloat(a.required('threshold'), ctx), x), x)), c(rt, inDType(toFloat(a.required('value'), ctx), x), x), x);
}, 'ThresholdBackward1');

/**
 * rrelu draws each negative slope from PyTorch's random stream in training; Gradlens runs its
 * evaluation form only, the fixed slope (lower + upper) / 2, and refuses training at the line.
 */
const rrelu = activation('rrelu', ['lower?', 'upper?', 'training?', 'inplace?'], 'RreluWithNoiseBackward0', (rt, x, a, ctx) => {
  if (a.bool('training', false)) {
    throw pyError('NotImplementedError', "rrelu(training=True) draws its slopes from PyTorch's random stream, which Gradlens does not reproduce for rrelu; call model.eval() (or pass training=False) or use leaky_relu");
  }
  return leaky(rt, x, (num(a, 'lower', 1 / 8, ctx) + num(a, 'upper', 1 / 3, ctx)) / 2);
}, 'RreluWithNoiseBackward1');

export const MORE_ACTIVATIONS: Readonly<Record<string, Fn>> = {
  elu,
  elu_: inPlaceForm(elu),
  relu6,
  hardtanh: hardtanhFn,
  hardtanh_: inPlaceForm(hardtanhFn),
  selu,
  selu_: inPlaceForm(selu),
  celu,
  celu_: inPlaceForm(celu),
  threshold,
  threshold_: inPlaceForm(threshold),
  rrelu,
  rrelu_: inPlaceForm(rrelu),
  mish: activation('mish', ['inplace?'], 'MishBackward0', (rt, x) => rt.ops.mul(x, rt.ops.tanh(softplus(rt, x, 1, 20)))),
  // x * min(max(x + 3, 0), 6) / 6 as ATen rounds it; its gradient is x / 3 + 0.5 on [-3, 3] (both ends in).
  hardswish: activation('hardswish', ['inplace?'], 'HardswishBackward0', (rt, x) => {
    const o = rt.ops;
    const s = (v: number) => o.scalarLike(v, x);
    const middle = o.div(o.mul(x, o.add(x, s(3))), s(6));
    return o.select(o.lt(x, s(-3)), o.mul(x, s(0)), o.select(o.le(x, s(3)), middle, o.div(o.mul(x, s(6)), s(6))));
  }),
  hardsigmoid: activation('hardsigmoid', ['inplace?'], 'HardsigmoidBackward0', (rt, x) => rt.ops.div(hardtanh(rt, rt.ops.add(x, rt.ops.scalarLike(3, x)), 0, 6), rt.ops.scalarLike(6, x))),
  logsigmoid: activation('logsigmoid', [], 'LogSigmoidBackward0', (rt, x) => rt.ops.neg(softplus(rt, rt.ops.neg(x), 1, 20))),
  softsign: activation('softsign', [], 'DivBackward0', (rt, x) => rt.ops.div(x, rt.ops.add(rt.ops.abs(x), rt.ops.scalarLike(1, x)))),
  tanhshrink: activation('tanhshrink', [], 'SubBackward0', (rt, x) => rt.ops.sub(x, rt.ops.tanh(x))),
  softshrink: activation('softshrink', ['lambd?'], 'SoftshrinkBackward0', (rt, x, a, ctx) => {
    const o = rt.ops;
    const l = lambd(a, ctx);
    const s = (v: number) => o.scalarLike(v, x);
    return o.select(o.gt(x, s(l)), o.sub(x, s(l)), o.select(o.lt(x, s(-l)), o.add(x, s(l)), o.zerosLike(x)));
  }),
  hardshrink: activation('hardshrink', ['lambd?'], 'HardshrinkBackward0', (rt, x, a, ctx) => {
    const o = rt.ops;
    const l = num(a, 'lambd', 0.5, ctx);
    return o.select(o.lt(x, o.scalarLike(-l, x)), x, o.select(o.gt(x, o.scalarLike(l, x)), x, o.zerosLike(x)));
  }),
  glu,
  prelu,
};
