/**
 * `F.pad(input, pad, mode, value)` as PyTorch 1.13 pads: `pad` pairs (before, after) from the
 * last axis backwards; constant mode pads or, where negative, crops any number of axes
 * (ConstantPadNdBackward0); reflect, replicate and circular read each padded axis's new positions
 * from the old ones (one gather per axis) for the 1-D, 2-D and 3-D cases PyTorch has kernels for.
 */
import type { Tensor } from '../../../../runtime/eager';
import { bindArgs, pyError, toFloat, toIntList } from '../../interpreter';
import { asTensor } from '../arith';
import type { PyTensor } from '../tensor';
import type { Fn } from './functional_conv';

const INDEXED_MODES = ['reflect', 'replicate', 'circular'] as const;
type IndexedMode = (typeof INDEXED_MODES)[number];

function isIndexedMode(mode: string): mode is IndexedMode {
  return (INDEXED_MODES as readonly string[]).includes(mode);
}

/** For each padded axis (outermost first): the axis and its (before, after) amounts. */
function paddedAxes(x: PyTensor, pad: readonly number[]): { axis: number; lo: number; hi: number }[] {
  const k = pad.length / 2;
  return Array.from({ length: k }, (_, i) => {
    const axis = x.shape.length - k + i;
    const pair = 2 * (k - 1 - i);
    return { axis, lo: pad[pair], hi: pad[pair + 1] };
  });
}

export function constantPad(x: PyTensor, pad: readonly number[], value: number): PyTensor {
  if (pad.length / 2 > x.shape.length) throw pyError('RuntimeError', 'Padding length too large');
  const axes = paddedAxes(x, pad);
  for (const { axis, lo, hi } of axes) {
    if (x.shape[axis] + lo + hi < 0) {
      throw pyError('RuntimeError', `The input size ${x.shape[axis]}, plus negative padding ${lo} and ${hi} resulted in a negative output size, which is invalid. Check dimension ${axis} of your input.`);
    }
  }
  const rt = x.rt;
  return rt.run(() => rt.result(rt.engine.composite('ConstantPadNdBackward0', () => {
    const o = rt.ops;
    const shape = x.shape;
    // Negative amounts crop first; the positive ones pad with the value, in x's dtype.
    const cropped = o.slice(x.t, shape.map((_, d) => Math.max(0, -(axes.find((p) => p.axis === d)?.lo ?? 0))),
      shape.map((n, d) => n - Math.max(0, -(axes.find((p) => p.axis === d)?.hi ?? 0))));
    const lo = shape.map((_, d) => Math.max(0, axes.find((p) => p.axis === d)?.lo ?? 0));
    const hi = shape.map((_, d) => Math.max(0, axes.find((p) => p.axis === d)?.hi ?? 0));
    return o.pad(cropped, lo, hi, value);
  }), [x]));
}

/** The old position each new position along an axis of `n` reads, by the mode's rule. */
function sourceIndex(mode: IndexedMode, j: number, n: number): number {
  if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'circular') return ((j % n) + n) % n;
  return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
}

function indexedPad(x: PyTensor, pad: readonly number[], mode: IndexedMode): PyTensor {
  const k = pad.length / 2;
  if (!(x.shape.length === k + 1 || x.shape.length === k + 2)) {
    throw pyError('NotImplementedError', 'Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  }
  const axes = paddedAxes(x, pad);
  for (const { axis, lo, hi } of axes) {
    const n = x.shape[axis];
    if (mode === 'reflect' && (lo >= n || hi >= n)) {
      // PyTorch numbers the pad's arguments from the innermost axis: width is #4, height #6, depth #8.
      const argument = 4 + 2 * (x.shape.length - 1 - axis);
      throw pyError('RuntimeError', `Argument #${argument}: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${axis} of input ${x.shape.length}`);
    }
    if (mode === 'circular' && (lo > n || hi > n)) throw pyError('RuntimeError', 'Padding value causes wrapping around more than once.');
    if (n + lo + hi <= 0) throw pyError('RuntimeError', `input (${x.shape.join(', ')}) is too small for padding (${lo}, ${hi}) at dimension ${axis}`);
  }
  const name = mode === 'circular' ? 'CopySlices' : `${mode === 'reflect' ? 'Reflection' : 'Replication'}Pad${k}DBackward0`;
  const rt = x.rt;
  return rt.run(() => rt.result(rt.engine.composite(name, () => axes.reduce<Tensor>((t, { axis, lo, hi }) => {
    const n = x.shape[axis];
    const at = Int32Array.from({ length: n + lo + hi }, (_, i) => sourceIndex(mode, i - lo, n));
    return rt.ops.gather(t, rt.engine.fromValues(at, [at.length], 'int32'), axis);
  }, x.t)), [x]));
}

export const PAD_FUNCTIONS: Readonly<Record<string, Fn>> = {
  pad: (rt, args, kwargs, ctx) => {
    const a = bindArgs('pad', ['input', 'pad', 'mode?', 'value?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx, 'input');
    const pad = toIntList(a.required('pad'), ctx);
    const mode = a.str('mode', 'constant');
    if (mode !== 'constant' && !isIndexedMode(mode)) throw pyError('NotImplementedError', `Unrecognised padding mode ${mode}`);
    if (pad.length % 2 !== 0) throw pyError('RuntimeError', 'Padding length must be divisible by 2');
    const value = a.opt('value');
    if (!isIndexedMode(mode)) return constantPad(x, pad, value === undefined ? 0 : toFloat(value, ctx));
    if (value !== undefined && toFloat(value, ctx) !== 0) throw pyError('RuntimeError', `Padding mode "${mode}" doesn't take in value argument`);
    return indexedPad(x, pad, mode);
  },
};
