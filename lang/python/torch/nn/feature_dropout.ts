/**
 * F.dropout1d/2d/3d, F.alpha_dropout and F.feature_alpha_dropout (and their nn modules) as
 * PyTorch 1.13 runs them on the CPU: torch/nn/functional.py's checks and reshapes around ATen's
 * _dropout_impl (Dropout.cpp), which draws `noise.bernoulli_(1 - p)` from the generator as
 * F.dropout does, over x's shape or, for feature dropout, over [N, C, 1, ...] (one draw a channel).
 */
import { torchBernoulliScalar } from '../../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue, toFloat, warn } from '../../interpreter';
import { arith, asTensor, CAST_NAMES, inPlaceArith } from '../arith';
import { STORAGE } from '../dtype';
import { followOperands, type PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { VIEW_IN_PLACE_METHODS } from '../view_in_place';
import { drawUnderVmap } from '../vmap_randomness';

type Fn = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/** SELU's negative saturation, -lambda * alpha: where alpha dropout sends a dropped unit. */
const ALPHA = 1.7580993408473766;

interface Variant {
  readonly feature: boolean;
  readonly alpha: boolean;
}

/**
 * The noise of _dropout_impl in x's dtype, `[scale, shift]` per noise element: x * scale (+ shift
 * for alpha dropout). Feature dropout's noise has x's first two sizes and 1 for the rest.
 */
function noiseOf(rt: TorchRuntime, x: PyTensor, p: number, { feature, alpha }: Variant, name: string, inplace: boolean): [PyTensor, PyTensor | null] {
  if (feature && x.shape.length < 2) throw pyError('RuntimeError', 'Feature dropout requires at least 2 dimensions in the input');
  const shape = feature ? x.shape.map((d, i) => (i < 2 ? d : 1)) : x.shape;
  const n = shape.reduce((a, d) => a * d, 1);
  rt.charge(shape, x.dtype);
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  const kept = drawUnderVmap(rt, name, inplace ? 'in-place dropout' : 'dropout', n, () => torchBernoulliScalar(rt.rng, n, 1 - p), () => {
    throw pyError('NotImplementedError', `${name} under vmap(randomness='different') is not supported by Gradlens (PyTorch draws its noise over the batched input): draw outside vmap, or use F.dropout`);
  });
  // NB: an integer noise is drawn, then its scaling in float fails, as PyTorch's div_/mul_ does.
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw pyError('RuntimeError', `result type Float can't be cast to the desired output type ${CAST_NAMES[x.dtype]}`);
  const made = (values: ArrayLike<number>) => rt.wrap(rt.engine.fromValues(values, shape, STORAGE[x.dtype]), x.dtype);
  if (!alpha) {
    // noise.div_(1 - p): 1 / (1 - p) for a kept element, in x's dtype.
    const scale = round(1 / round(1 - p));
    return [made(Float64Array.from(kept, (k) => k * scale)), null];
  }
  // noise.add(-1).mul_(alpha * a).add_(alpha * a * p), then noise.mul_(a): each step in x's dtype.
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  const [aa, aap, af] = [round(ALPHA * a), round(ALPHA * a * p), round(a)];
  const shift = Float64Array.from(kept, (k) => round(round((k - 1) * aa) + aap));
  return [made(Float64Array.from(kept, (k) => round(k * af))), made(shift)];
}

/** ATen's _dropout_impl: x unchanged when p is 0 or not training, x * 0 when p is 1, else x * noise (+ shift). */
function dropoutImpl(rt: TorchRuntime, x: PyTensor, p: number, train: boolean, variant: Variant, name: string, inplace: boolean): PyTensor {
  if (p === 0 || !train || x.numel === 0) return x;
  if (p === 1) {
    const zero = rt.fromValues([0], [], x.dtype);
    return inplace ? inPlaceArith(x, 'mul', zero) : rt.composite(() => arith(rt, 'mul', x, zero));
  }
  return rt.composite(() => {
    const [scale, shift] = noiseOf(rt, x, p, variant, name, inplace);
    if (inplace) {
      inPlaceArith(x, 'mul', scale);
      return shift ? inPlaceArith(x, 'add', shift) : x;
    }
    const scaled = arith(rt, 'mul', x, scale);
    return shift ? followOperands(arith(rt, 'add', scaled, shift), [scaled, shift]) : scaled;
  });
}

/** The arguments every one of them takes; p checked as functional.py checks it. */
function args(name: string, training: boolean, rt: TorchRuntime, a: PyValue[], kwargs: Kwargs, ctx: HostContext) {
  const b = bindArgs(name, ['input', 'p?', 'training?', 'inplace?'], a, kwargs, ctx);
  const p = b.opt('p') === undefined ? 0.5 : toFloat(b.required('p'), ctx);
  if (p < 0 || p > 1) throw pyError('ValueError', `dropout probability has to be between 0 and 1, but got ${ctx.str(b.opt('p') ?? 0.5)}`);
  return { x: asTensor(rt, b.required('input'), ctx, 'input'), p, training: b.bool('training', training), inplace: b.bool('inplace', false) };
}

const FEATURE: Variant = { feature: true, alpha: false };

/** dropout1d/dropout3d: an unbatched input gets a batch dim of 1 for the draw, taken off after (unsqueeze(0), squeeze(0)). */
function channelDropout(rt: TorchRuntime, name: string, x: PyTensor, p: number, training: boolean, inplace: boolean, batched: boolean, ctx: HostContext): PyValue {
  if (batched) return dropoutImpl(rt, x, p, training, FEATURE, name, inplace);
  const zero = [0n];
  const input = inplace ? VIEW_IN_PLACE_METHODS.unsqueeze_(x, zero, new Map(), ctx) as PyTensor : T.unsqueeze(x, 0);
  const result = dropoutImpl(rt, input, p, training, FEATURE, name, inplace);
  return inplace ? VIEW_IN_PLACE_METHODS.squeeze_(result, zero, new Map(), ctx) : T.squeeze(result, 0);
}

export const FEATURE_DROPOUT_FUNCTIONS: Readonly<Record<string, Fn>> = {
  dropout1d: (rt, a, kwargs, ctx) => {
    const { x, p, training, inplace } = args('dropout1d', true, rt, a, kwargs, ctx);
    const dims = x.shape.length;
    if (dims !== 2 && dims !== 3) {
      throw pyError('RuntimeError', `dropout1d: Expected 2D or 3D input, but received a ${dims}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 `
        + 'spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).');
    }
    return channelDropout(rt, 'dropout1d', x, p, training, inplace, dims === 3, ctx);
  },
  dropout2d: (rt, a, kwargs, ctx) => {
    const { x, p, training, inplace } = args('dropout2d', true, rt, a, kwargs, ctx);
    const dims = x.shape.length;
    if (dims !== 3 && dims !== 4) {
      warn(ctx, `dropout2d: Received a ${dims}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior `
        + 'and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, '
        + 'a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).', 'UserWarning', 'torch.nn.functional');
    }
    if (dims === 3) {
      warn(ctx, 'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C '
        + 'is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D '
        + 'channel-wise dropout behavior, please switch to using dropout1d instead.', 'UserWarning', 'torch.nn.functional');
    }
    return dropoutImpl(rt, x, p, training, FEATURE, 'dropout2d', inplace);
  },
  dropout3d: (rt, a, kwargs, ctx) => {
    const { x, p, training, inplace } = args('dropout3d', true, rt, a, kwargs, ctx);
    const dims = x.shape.length;
    if (dims !== 4 && dims !== 5) {
      warn(ctx, `dropout3d: Received a ${dims}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior `
        + 'and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, '
        + 'a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).', 'UserWarning', 'torch.nn.functional');
    }
    return channelDropout(rt, 'dropout3d', x, p, training, inplace, dims === 5, ctx);
  },
  // NB: training defaults to False for these two, as in functional.py.
  alpha_dropout: (rt, a, kwargs, ctx) => {
    const { x, p, training, inplace } = args('alpha_dropout', false, rt, a, kwargs, ctx);
    return dropoutImpl(rt, x, p, training, { feature: false, alpha: true }, 'alpha_dropout', inplace);
  },
  feature_alpha_dropout: (rt, a, kwargs, ctx) => {
    const { x, p, training, inplace } = args('feature_alpha_dropout', false, rt, a, kwargs, ctx);
    return dropoutImpl(rt, x, p, training, { feature: true, alpha: true }, 'feature_alpha_dropout', inplace);
  },
};
