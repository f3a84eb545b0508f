/**
 * Cutting a tensor along a dim, as tensor methods (and `torch.f(x, ...)`): narrow, chunk, split
 * (by a size or by sizes) and unbind, with PyTorch 1.13's pieces, grad_fn names and errors
 * (`q, k, v = qkv.chunk(3, dim=-1)`, an LSTM's four gates).
 */
import { dropDims, sliceLayout, type Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, PyList, PyTuple, type PyValue, toIndex, toIntList } from '../interpreter';
import { PyTensor, type Method } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** The rows [start, start + length) of `x` along `axis`, its grad_fn named `name`. */
export function piece(x: PyTensor, axis: number, start: number, length: number, name: string, drop = false): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const o = rt.ops;
    let out: Tensor = o.slice(x.t, x.shape.map((_, i) => (i === axis ? start : 0)), x.shape.map((d, i) => (i === axis ? start + length : d)), null);
    if (drop) out = o.bind('reshape', [out], { newSizes: x.shape.filter((_, i) => i !== axis) });
    else out = o.bind('reshape', [out], { newSizes: x.shape.map((d, i) => (i === axis ? length : d)) });
    const starts = x.shape.map((_, i) => (i === axis ? start : 0));
    const steps = x.shape.map(() => 1);
    return rt.result(T.asView(x, T.rename(out, [x.t], name), (l) => (drop ? dropDims(sliceLayout(l, starts, steps), [axis]) : sliceLayout(l, starts, steps))), [x]);
  });
}

function dimOf(x: PyTensor, a: Args, ctx: HostContext): number {
  if (x.shape.length === 0) throw pyError('RuntimeError', `${a.fname} expects at least a 1-dimensional tensor`);
  return T.axis(x, Number(toIndex(a.get('dim') ?? 0n, ctx)));
}

/** Pieces of `size` along `axis` (the last one shorter), as `split(int)` and `chunk` cut them. */
function bySize(x: PyTensor, axis: number, size: number): PyTuple {
  const n = x.shape[axis];
  const pieces: PyTensor[] = [];
  for (let start = 0; start < n || (n === 0 && pieces.length === 0); start += size) pieces.push(piece(x, axis, start, Math.min(size, n - start), 'SplitBackward0'));
  return new PyTuple(pieces);
}

export const SPLITTING_METHODS: Readonly<Record<string, Method>> = {
  narrow: def('narrow', ['dim', 'start', 'length'], (x, a, ctx) => {
    const axis = dimOf(x, a, ctx);
    const n = x.shape[axis];
    let start = Number(toIndex(a.required('start'), ctx));
    const length = Number(toIndex(a.required('length'), ctx));
    if (start < -n || start > n) throw pyError('IndexError', `start out of range (expected to be in range of [${-n}, ${n}], but got ${start})`);
    if (start < 0) start += n;
    if (length < 0) throw pyError('RuntimeError', 'narrow(): length must be non-negative.');
    if (start + length > n) throw pyError('RuntimeError', `start (${start}) + length (${length}) exceeds dimension size (${n}).`);
    return piece(x, axis, start, length, 'SliceBackward0');
  }),
  chunk: def('chunk', ['chunks', 'dim?'], (x, a, ctx) => {
    const chunks = Number(toIndex(a.required('chunks'), ctx));
    if (chunks <= 0) throw pyError('RuntimeError', `chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
    const axis = dimOf(x, a, ctx);
    return bySize(x, axis, Math.max(1, Math.ceil(x.shape[axis] / chunks)));
  }),
  split: def('split', ['split_size_or_sections', 'dim?'], (x, a, ctx) => {
    const axis = dimOf(x, a, ctx);
    const how = a.required('split_size_or_sections');
    if (!(how instanceof PyList || how instanceof PyTuple)) {
      const size = Number(toIndex(how, ctx));
      if (size <= 0 && !(size === 0 && x.shape[axis] === 0)) throw pyError('RuntimeError', `split expects split_size be non-negative, but got split_size=${size}`);
      return bySize(x, axis, size);
    }
    const sizes = toIntList(how, ctx);
    const n = x.shape[axis];
    if (sizes.reduce((s, v) => s + v, 0) !== n || sizes.some((s) => s < 0)) {
      throw pyError('RuntimeError', `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${axis}), but got split_sizes=[${sizes.join(', ')}]`);
    }
    let start = 0;
    return new PyTuple(sizes.map((s) => {
      const p = piece(x, axis, start, s, 'SplitWithSizesBackward0');
      start += s;
      return p;
    }));
  }),
  unbind: def('unbind', ['dim?'], (x, a, ctx) => {
    const axis = dimOf(x, a, ctx);
    return new PyTuple(Array.from({ length: x.shape[axis] }, (_, i) => piece(x, axis, i, 1, 'UnbindBackward0', true)));
  }),
};

export const SPLITTING_FUNCTION_NAMES = ['narrow', 'chunk', 'split', 'unbind'] as const;
