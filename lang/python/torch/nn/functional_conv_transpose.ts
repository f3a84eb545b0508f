/**
 * `F.conv_transpose1d/2d` as an lhs-dilated conv_general_dilated (the input spread by the stride,
 * padded by dilation·(k-1) - padding, output_padding more on the right, the kernel's channel
 * axes swapped per group and its taps reversed), so its gradients of every order, batching and
 * kernels on every backend are the convolution's. Output sizes, checks and their words are
 * PyTorch 1.13's, whose 1-d transposed convolution is a 2-d one of height 1 (its messages say so).
 */
import { bindArgs, pyError } from '../../interpreter';
import { asTensor } from '../arith';
import * as T from '../tensor_ops';
import { type Fn, nTuple, scalarType } from './functional_conv';

const dims = (xs: readonly number[]): string => `(${xs.join(' x ')})`;

/** Each spatial output size: (in - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1. */
export function transposedSizes(input: readonly number[], kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[], outputPadding: readonly number[]): number[] {
  return input.map((n, i) => (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1);
}

export function convTranspose(spatial: 1 | 2 | 3): Fn {
  const name = `conv_transpose${spatial}d`;
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', 'weight', 'bias?', 'stride?', 'padding?', 'output_padding?', 'groups?', 'dilation?'], args, kwargs, ctx);
    const x = asTensor(rt, a.required('input'), ctx, 'input');
    const w = asTensor(rt, a.required('weight'), ctx, 'weight');
    const b = a.opt('bias') === undefined || a.opt('bias') === null ? null : asTensor(rt, a.required('bias'), ctx, 'bias');
    const stride = nTuple(a, 'stride', spatial, 1);
    const padding = nTuple(a, 'padding', spatial, 0);
    const outputPadding = nTuple(a, 'output_padding', spatial, 0);
    const dilation = nTuple(a, 'dilation', spatial, 1);
    const groups = a.int('groups', 1);
    if (x.shape.length !== spatial + 1 && x.shape.length !== spatial + 2) {
      throw pyError('RuntimeError', `Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: [${x.shape.join(', ')}]`);
    }
    if (w.shape.length < 3) throw pyError('RuntimeError', 'weight should have at least three dimensions');
    const unbatched = x.shape.length === spatial + 1;
    const batched = unbatched ? [1, ...x.shape] : x.shape;
    if (w.shape.length !== spatial + 2) {
      throw pyError('RuntimeError', `Expected ${w.shape.length}-dimensional input for ${w.shape.length}-dimensional weight [${w.shape.join(', ')}], but got ${batched.length}-dimensional input of size [${batched.join(', ')}] instead`);
    }
    if (x.dtype !== w.dtype) throw pyError('RuntimeError', `expected scalar type ${scalarType(x.dtype)} but found ${scalarType(w.dtype)}`);
    if (groups < 1) throw pyError('RuntimeError', 'non-positive groups is not supported');
    if (w.shape[0] % groups !== 0) {
      throw pyError('RuntimeError', `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [[${w.shape.join(', ')}]] instead`);
    }
    if (batched[1] !== w.shape[0]) {
      throw pyError('RuntimeError', `Given transposed=1, weight of size [${w.shape.join(', ')}], expected input[${batched.join(', ')}] to have ${w.shape[0]} channels, but got ${batched[1]} channels instead`);
    }
    const outChannels = w.shape[1] * groups;
    if (b && (b.shape.length !== 1 || b.shape[0] !== outChannels)) {
      throw pyError('RuntimeError', `Given transposed=1, weight of size [${w.shape.join(', ')}], expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size [${b.shape.join(', ')}] instead`);
    }
    // PyTorch's messages are about 2-d: a 1-d convolution's height is 1 wide, unpadded, unstrided.
    const lift = (xs: readonly number[], one: number): number[] => (spatial === 1 ? [one, ...xs] : [...xs]);
    if (outputPadding.some((p, i) => p >= stride[i] && p >= dilation[i])) {
      if (spatial === 3) {
        const named = (what: string, xs: readonly number[]) => ['depth', 'height', 'width'].map((axis, i) => `${what}_${axis}: ${xs[i]}`).join(' ');
        throw pyError('RuntimeError', `output padding must be smaller than either stride or dilation, but got ${named('output_padding', outputPadding)} ${named('stride', stride)} ${named('dilation', dilation)}`);
      }
      const [oh, ow] = lift(outputPadding, 0);
      const [sh, sw] = lift(stride, 1);
      const [dh, dw] = lift(dilation, 1);
      throw pyError('RuntimeError', `output padding must be smaller than either stride or dilation, but got output_padding_height: ${oh} output_padding_width: ${ow} stride_height: ${sh} stride_width: ${sw} dilation_height: ${dh} dilation_width: ${dw}`);
    }
    const kernel = w.shape.slice(2);
    const sizes = transposedSizes(batched.slice(2), kernel, stride, padding, dilation, outputPadding);
    if (sizes.some((n) => n < 1)) {
      throw pyError('RuntimeError', `Given input size per channel: ${dims(lift(batched.slice(2), 1))}. Calculated output size per channel: ${dims(lift(sizes, 1))}. Output size is too small`);
    }
    return rt.run(() => {
      const o = rt.ops;
      const taps = kernel.map((_, i) => 2 + i);
      const inPerGroup = w.shape[0] / groups;
      // [in, out/g, k...] -> [g, out/g, in/g, k...] -> [out, in/g, k...], taps reversed.
      const grouped = o.reshape(w.t, [groups, inPerGroup, w.shape[1], ...kernel]);
      const swapped = o.transpose(grouped, [0, 2, 1, ...taps.map((t) => t + 1)]);
      const rhs = o.rev(o.reshape(swapped, [outChannels, inPerGroup, ...kernel]), taps);
      const iota = batched.map((_, i) => i);
      let y = o.conv(unbatched ? o.reshape(x.t, batched) : x.t, rhs, {
        windowStrides: stride.map(() => 1),
        padding: kernel.map((k, i) => {
          const edge = dilation[i] * (k - 1) - padding[i];
          return [edge, edge + outputPadding[i]];
        }),
        lhsDilation: stride, rhsDilation: dilation,
        dimensionNumbers: { lhsSpec: iota, rhsSpec: iota, outSpec: iota }, featureGroupCount: groups, batchGroupCount: 1,
      });
      if (b) y = o.add(y, o.broadcastInDim(b.t, o.shape(y), [1]));
      y = T.rename(y, [x.t, w.t], 'ConvolutionBackward0');
      return rt.result(unbatched ? o.squeeze(y, [0]) : y, [x, w]);
    });
  };
}

export const CONV_TRANSPOSE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  conv_transpose1d: convTranspose(1),
  conv_transpose2d: convTranspose(2),
  conv_transpose3d: convTranspose(3),
};
