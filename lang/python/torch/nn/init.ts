/**
 * `torch.nn.init`: PyTorch's initialisers, with its fan and gain arithmetic in doubles, drawing
 * through the run's generator as `Tensor.uniform_`/`normal_` do.
 */
import { libm } from '../../../../runtime/core';
import { bindArgs, type HostContext, pyError, opFunction, pyFunction, type PyValue, toFloat } from '../../interpreter';
import { asTensor } from '../arith';
import type { PyTensor, TorchRuntime } from '../tensor';
import { fillNormal, fillUniform } from './draws';
import { assignValues } from './module';
import { orthogonal } from './orthogonal';
import { uninitializedArgument } from '../uninitialized_arguments';
import { tensorMethodName, uninitializedShape, uninitializedUse } from '../uninitialized';

const LINEAR = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];

/** `calculate_gain(nonlinearity, param)`, as torch/nn/init.py computes it. */
export function calculateGain(nonlinearity: string, param: number | null): number {
  if (LINEAR.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + libm.pow(slope, 2)));
    }
    case 'selu':
      return 3.0 / 4;
  }
  throw pyError('ValueError', `Unsupported nonlinearity ${nonlinearity}`);
}

/** (fan_in, fan_out) of a weight of `shape`, as _calculate_fan_in_and_fan_out. */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) throw pyError('ValueError', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = shape.slice(2).reduce((p, d) => p * d, 1);
  return [shape[1] * receptive, shape[0] * receptive];
}

/** kaiming_uniform_'s bound for fan `fan` and leaky_relu slope `a`: sqrt(3) * gain / sqrt(fan). */
export function kaimingUniformBound(fan: number, a: number, nonlinearity = 'leaky_relu'): number {
  const gain = calculateGain(nonlinearity, a);
  const std = gain / Math.sqrt(fan);
  return Math.sqrt(3.0) * std;
}

/** `xavier_uniform_(t, gain)`: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), as init.py computes it. */
export function xavierUniform(t: PyTensor, gain = 1): PyTensor {
  const [fin, fout] = fans(t.shape);
  const std = gain * Math.sqrt(2.0 / (fin + fout));
  return fillUniform(t, -Math.sqrt(3.0) * std, Math.sqrt(3.0) * std);
}

/** `xavier_normal_(t, gain)`: N(0, gain * sqrt(2 / (fan_in + fan_out))). */
export function xavierNormal(t: PyTensor, gain = 1): PyTensor {
  const [fin, fout] = fans(t.shape);
  return fillNormal(t, 0, gain * Math.sqrt(2.0 / (fin + fout)));
}

type InitFn = (rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue;

function tensorArg(rt: TorchRuntime, v: PyValue, ctx: HostContext): PyTensor {
  return asTensor(rt, v, ctx, 'tensor');
}

function fanFor(t: PyTensor, mode: string): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw pyError('ValueError', `Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fin, fout] = fans(t.shape);
  return mode === 'fan_in' ? fin : fout;
}

function fill(t: PyTensor, value: number): PyTensor {
  assignValues(t, new Float64Array(t.numel).fill(value));
  return t;
}

const INITS = {
  uniform_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('uniform_', ['tensor', 'a?', 'b?'], args, kwargs, ctx);
    return fillUniform(tensorArg(rt, a.required('tensor'), ctx), a.float('a', 0), a.float('b', 1));
  },
  normal_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('normal_', ['tensor', 'mean?', 'std?'], args, kwargs, ctx);
    return fillNormal(tensorArg(rt, a.required('tensor'), ctx), a.float('mean', 0), a.float('std', 1));
  },
  constant_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('constant_', ['tensor', 'val'], args, kwargs, ctx);
    return fill(tensorArg(rt, a.required('tensor'), ctx), a.float('val'));
  },
  zeros_: (rt, args, kwargs, ctx) => fill(tensorArg(rt, bindArgs('zeros_', ['tensor'], args, kwargs, ctx).required('tensor'), ctx), 0),
  ones_: (rt, args, kwargs, ctx) => fill(tensorArg(rt, bindArgs('ones_', ['tensor'], args, kwargs, ctx).required('tensor'), ctx), 1),
  eye_: (rt, args, kwargs, ctx) => {
    const t = tensorArg(rt, bindArgs('eye_', ['tensor'], args, kwargs, ctx).required('tensor'), ctx);
    if (t.shape.length !== 2) throw pyError('ValueError', 'Only tensors with 2 dimensions are supported');
    const [r, c] = t.shape;
    assignValues(t, Array.from({ length: r * c }, (_, i) => (Math.floor(i / c) === i % c ? 1 : 0)));
    return t;
  },
  xavier_uniform_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('xavier_uniform_', ['tensor', 'gain?'], args, kwargs, ctx);
    return xavierUniform(tensorArg(rt, a.required('tensor'), ctx), a.float('gain', 1));
  },
  xavier_normal_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('xavier_normal_', ['tensor', 'gain?'], args, kwargs, ctx);
    return xavierNormal(tensorArg(rt, a.required('tensor'), ctx), a.float('gain', 1));
  },
  kaiming_uniform_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('kaiming_uniform_', ['tensor', 'a?', 'mode?', 'nonlinearity?'], args, kwargs, ctx);
    const t = tensorArg(rt, a.required('tensor'), ctx);
    if (t.numel === 0) return t;
    const bound = kaimingUniformBound(fanFor(t, a.str('mode', 'fan_in')), a.float('a', 0), a.str('nonlinearity', 'leaky_relu'));
    return fillUniform(t, -bound, bound);
  },
  orthogonal_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('orthogonal_', ['tensor', 'gain?'], args, kwargs, ctx);
    return orthogonal(tensorArg(rt, a.required('tensor'), ctx), a.float('gain', 1));
  },
  kaiming_normal_: (rt, args, kwargs, ctx) => {
    const a = bindArgs('kaiming_normal_', ['tensor', 'a?', 'mode?', 'nonlinearity?'], args, kwargs, ctx);
    const t = tensorArg(rt, a.required('tensor'), ctx);
    if (t.numel === 0) return t;
    const gain = calculateGain(a.str('nonlinearity', 'leaky_relu'), a.float('a', 0));
    return fillNormal(t, 0, gain / Math.sqrt(fanFor(t, a.str('mode', 'fan_in'))));
  },
} satisfies Record<string, InitFn>;

/**
 * What each of PyTorch 1.13's init functions trips on first, given an uninitialized parameter (a
 * lazy module's before its first forward): itself, where it checks its arguments for
 * __torch_function__, else the first Tensor method it calls, or `.shape`.
 */
const UNINITIALIZED_TRIPS: { readonly [N in keyof typeof INITS]: string } = {
  uniform_: '<function uniform_>', normal_: '<function normal_>', constant_: '<function constant_>', kaiming_uniform_: '<function kaiming_uniform_>',
  zeros_: tensorMethodName('zero_'), ones_: tensorMethodName('fill_'), eye_: tensorMethodName('dim'), xavier_uniform_: tensorMethodName('dim'),
  xavier_normal_: tensorMethodName('dim'), orthogonal_: tensorMethodName('dim'), kaiming_normal_: 'shape',
};

function refuseUninitialized(name: keyof typeof INITS, args: PyValue[], kwargs: Map<string, PyValue>): void {
  const lazy = uninitializedArgument(args, kwargs);
  if (lazy === null) return;
  const trips = UNINITIALIZED_TRIPS[name];
  throw trips === 'shape' ? uninitializedShape() : uninitializedUse(lazy.name, trips);
}

export function initAttrs(rt: TorchRuntime): Record<string, PyValue> {
  const out: Record<string, PyValue> = {
    calculate_gain: pyFunction('calculate_gain', (args, kwargs, ctx) => {
      const a = bindArgs('calculate_gain', ['nonlinearity', 'param?'], args, kwargs, ctx);
      const p = a.opt('param');
      const name = a.str('nonlinearity');
      // Python's int 1 for the linear ones, as init.py returns it.
      return LINEAR.includes(name) ? 1n : calculateGain(name, p === undefined ? null : toFloat(p, ctx));
    }),
  };
  // NB: ops: a fill keeps nothing of its tensor but the values it writes (`nn.init.xavier_uniform_(self.w)` leaves `self.w` as it was held).
  for (const [name, f] of Object.entries(INITS)) {
    out[name] = opFunction(name, (args, kwargs, ctx) => {
      refuseUninitialized(name as keyof typeof INITS, args, kwargs);
      return f(rt, args, kwargs, ctx);
    });
  }
  return out;
}

export const INIT_NAMES = ['calculate_gain', ...Object.keys(INITS)];
