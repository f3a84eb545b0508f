/**
 * NumPy-style splitting, as tensor methods (and `torch.f(x, ...)`): tensor_split by a number of
 * sections or by indices, and hsplit/vsplit/dsplit, with PyTorch 1.13's pieces (SliceBackward0)
 * and errors.
 */
import { bindArgs, type Args, pyError, type HostContext, PyList, PyTuple, type PyValue, toIndex, toIntList } from '../interpreter';
import { piece } from './splitting';
import { PyTensor, type Method } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** The pieces between the boundaries (clamped to the axis, an empty piece where one passes the next). */
function between(x: PyTensor, axis: number, bounds: readonly number[]): PyTuple {
  const n = x.shape[axis];
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const starts = [0, ...bounds.map(clamp)];
  const ends = [...bounds.map(clamp), n];
  return new PyTuple(starts.map((s, i) => piece(x, axis, s, Math.max(0, ends[i] - s), 'SliceBackward0')));
}

/** `sections` pieces, the first `n % sections` one longer, as tensor_split cuts them. */
function sections(x: PyTensor, axis: number, count: number): PyTuple {
  if (count <= 0) throw pyError('RuntimeError', `number of sections must be larger than 0, got ${count}`);
  const n = x.shape[axis];
  const bounds: number[] = [];
  for (let i = 1, at = 0; i < count; i++) bounds.push((at += Math.floor(n / count) + (i - 1 < n % count ? 1 : 0)));
  return between(x, axis, bounds);
}

function tensorSplit(x: PyTensor, how: PyValue, dim: number, ctx: HostContext): PyTuple {
  if (x.shape.length === 0) throw pyError('RuntimeError', 'tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims');
  const axis = T.axis(x, dim);
  if (how instanceof PyTensor) {
    if (how.shape.length === 0) return sections(x, axis, how.values('int')[0]);
    return between(x, axis, how.values('int'));
  }
  if (how instanceof PyList || how instanceof PyTuple) return between(x, axis, toIntList(how, ctx));
  return sections(x, axis, Number(toIndex(how, ctx)));
}

/** hsplit/vsplit/dsplit: tensor_split along `dim`, an int asking for equal pieces. */
function numpySplit(name: 'hsplit' | 'vsplit' | 'dsplit', rank: number): Method {
  return def(name, ['indices_or_sections'], (x, a, ctx) => {
    if (x.shape.length < rank) {
      throw pyError('RuntimeError', `torch.${name} requires a tensor with at least ${rank} dimension, but got a tensor with ${x.shape.length} dimensions!`);
    }
    const dim = name === 'vsplit' ? 0 : name === 'dsplit' ? 2 : x.shape.length === 1 ? 0 : 1;
    const how = a.required('indices_or_sections');
    if (!(how instanceof PyList || how instanceof PyTuple)) {
      const count = Number(toIndex(how, ctx));
      if (count === 0 || x.shape[dim] % count !== 0) {
        throw pyError('RuntimeError', `torch.${name} attempted to split along dimension ${dim}, but the size of the dimension ${x.shape[dim]} is not divisible by the split_size ${count}!`);
      }
    }
    return tensorSplit(x, how, dim, ctx);
  });
}

export const SECTION_METHODS: Readonly<Record<string, Method>> = {
  tensor_split: def('tensor_split', ['indices_or_sections', 'dim?'], (x, a, ctx) => tensorSplit(x, a.required('indices_or_sections'), a.int('dim', 0), ctx)),
  hsplit: numpySplit('hsplit', 1),
  vsplit: numpySplit('vsplit', 2),
  dsplit: numpySplit('dsplit', 3),
};

export const SECTION_FUNCTION_NAMES = ['tensor_split', 'hsplit', 'vsplit', 'dsplit'] as const;
