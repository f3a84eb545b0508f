/**
 * torch.nn.utils.rnn as PyTorch 1.13's rnn.py: pad_sequence as ATen's (a tensor of padding_value
 * shaped (T, B, *), batch_first (B, T, *), sequence i copied into its first len(i) steps,
 * converted to the first sequence's dtype and broadcast to its trailing shape as copy_ does, its
 * node CopySlices), unpad_sequence, and the packed sequences (packed_sequence.ts):
 * pack_padded_sequence (enforce_sorted=False sorts the batch longest first, as torch.sort does,
 * and keeps the permutation), pad_packed_sequence (the batch back in its first order),
 * pack_sequence and unpack_sequence.
 */
import { bindArgs, createModule, getitem, type HostContext, iterate, type Kwargs, pyError, pyFunction, PyList, type PyModule, PyTuple, type PyValue, toFloat, typeName } from '../../interpreter';
import { sortOrder } from '../cpu_sort_order';
import { STORAGE } from '../dtype';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { invertPermutation, type PackedSequences, packPadded, padPacked, reorder } from './packed_sequence';

export const RNN_UTILS_NAMES = ['PackedSequence', 'invert_permutation', 'pack_padded_sequence', 'pad_packed_sequence', 'pad_sequence', 'unpad_sequence', 'pack_sequence', 'unpack_sequence'] as const;

/** PyTorch's broadcasting error for a sequence whose trailing shape does not fit the first's; null where it fits. */
function trailingMismatch(padded: readonly number[], given: readonly number[]): string | null {
  const rank = Math.max(padded.length, given.length);
  for (let k = 1; k <= given.length; k++) {
    const a = padded[padded.length - k];
    const b = given[given.length - k];
    if (a === undefined) {
      if (b === 1) continue;
      return `output with shape [${padded.join(', ')}] doesn't match the broadcast shape [${[...given.slice(0, given.length - padded.length), ...padded].join(', ')}]`;
    }
    if (a !== b && b !== 1) return `The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${rank - k}`;
  }
  return null;
}

function padSequence(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyTensor {
  const a = bindArgs('pad_sequence', ['sequences', 'batch_first?', 'padding_value?'], args, kwargs, ctx);
  return padded(rt, a.required('sequences'), a.bool('batch_first', false), toFloat(a.get('padding_value') ?? 0, ctx), ctx);
}

function padded(rt: TorchRuntime, given: PyValue, batchFirst: boolean, paddingValue: number, ctx: HostContext): PyTensor {
  let items: PyValue[];
  try {
    items = [...iterate(given, ctx)];
  } catch {
    throw pyError('RuntimeError', `pad_sequence: Expected iterable for input sequences, but got arg of type: <class '${typeName(given)}'>`);
  }
  const seqs = items.map((s) => {
    if (!(s instanceof PyTensor)) throw pyError('TypeError', `pad_sequence(): expected a sequence of Tensors, but one is ${typeName(s)}`);
    return s;
  });
  if (seqs.length === 0) throw pyError('RuntimeError', 'received an empty list of sequences');
  if (seqs.some((s) => s.shape.length === 0)) throw pyError('IndexError', 'Dimension specified as 0 but tensor has no dimensions');
  const { dtype } = seqs[0];
  const trailing = seqs[0].shape.slice(1);
  const maxLen = Math.max(...seqs.map((s) => s.shape[0]));
  for (const s of seqs) {
    const mismatch = trailingMismatch([s.shape[0], ...trailing], s.shape);
    if (mismatch !== null) throw pyError('RuntimeError', mismatch);
  }
  return rt.composite(() => {
    const rows = seqs.map((s) => {
      const len = s.shape[0];
      const filled = T.expand(s.dtype === dtype ? s : T.toDType(s, dtype), [len, ...trailing]);
      if (len === maxLen) return filled;
      const padding = rt.run(() => rt.wrap(rt.ops.full([maxLen - len, ...trailing], paddingValue, STORAGE[dtype]), dtype));
      return T.cat(rt, [filled, padding], 0);
    });
    const out = T.stack(rt, rows, batchFirst ? 0 : 1);
    T.rename(out.t, [], 'CopySlices');
    return out;
  });
}

/** `torch.as_tensor(lengths, dtype=torch.int64)`, read: a list of numbers or a 1-D tensor. */
function lengthsOf(v: PyValue, ctx: HostContext): number[] {
  if (v instanceof PyTensor) {
    if (v.shape.length !== 1) throw pyError('RuntimeError', `'lengths' argument should be a 1D CPU int64 tensor, but got ${v.shape.length}D cpu Long tensor`);
    return v.values('int').map(Math.trunc);
  }
  return [...iterate(v, ctx)].map((l) => Math.trunc(toFloat(l, ctx)));
}

function tensorArg(fname: string, name: string, v: PyValue): PyTensor {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `${fname}(): argument '${name}' must be Tensor, not ${typeName(v)}`);
  return v;
}

function packPaddedSequence(rt: TorchRuntime, packed: PackedSequences, input: PyTensor, given: number[], batchFirst: boolean, enforceSorted: boolean, ctx: HostContext): PyTuple {
  let lengths = given;
  let x = input;
  let sorted: PyTensor | null = null;
  if (!enforceSorted) {
    // torch.sort(lengths, descending=True): PyTorch's CPU sort order, ties included.
    const order = [...sortOrder(given, true)];
    lengths = order.map((i) => given[i]);
    sorted = rt.fromValues(order, [order.length], 'int64');
    x = reorder(input, batchFirst ? 0 : 1, sorted, ctx);
  }
  const { data, batchSizes } = packPadded(rt, x, lengths, batchFirst);
  return packed.make({ data, batchSizes, sortedIndices: sorted, unsortedIndices: sorted === null ? null : invertPermutation(rt, sorted) });
}

function packedArg(packed: PackedSequences, fname: string, v: PyValue) {
  const p = packed.read(v);
  if (p === null) throw pyError('AttributeError', `'${typeName(v)}' object has no attribute 'batch_sizes' (${fname} takes a PackedSequence)`);
  return p;
}

function padPackedSequence(rt: TorchRuntime, packed: PackedSequences, sequence: PyValue, batchFirst: boolean, paddingValue: number, totalLength: number | null): PyTuple {
  const p = packedArg(packed, 'pad_packed_sequence', sequence);
  const sizes = p.batchSizes.values('int');
  if (totalLength !== null && totalLength < sizes.length) {
    throw pyError('ValueError', `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${sizes.length}`);
  }
  const out = padPacked(rt, p.data, sizes, batchFirst, paddingValue, totalLength ?? sizes.length);
  if (p.unsortedIndices === null) return new PyTuple([out.padded, rt.fromValues(out.lengths, [out.lengths.length], 'int64')]);
  const order = p.unsortedIndices.values('index');
  const lengths = order.map((i) => out.lengths[i]);
  return new PyTuple([reorder(out.padded, batchFirst ? 0 : 1, p.unsortedIndices, rt.ctx), rt.fromValues(lengths, [lengths.length], 'int64')]);
}

/**
 * unpad_sequence as rnn.py runs it: the batch turned batch first in place (transpose_, as
 * PyTorch does to the caller's tensor), then each row masked to its first lengths[b] steps.
 */
function unpadSequence(rt: TorchRuntime, padded: PyTensor, lengths: PyValue, batchFirst: boolean, ctx: HostContext): PyList {
  if (!batchFirst) ctx.call(ctx.getattr(padded, 'transpose_'), [0n, 1n]);
  const steps = padded.shape[1];
  const rows = [...iterate(padded, ctx)];
  const out: PyValue[] = [];
  for (const length of iterate(lengths, ctx)) {
    const row = rows[out.length];
    if (row === undefined) break;
    const l = toFloat(length, ctx);
    const mask = rt.fromValues(Array.from({ length: steps }, (_, t) => (t < l ? 1 : 0)), [steps], 'bool');
    out.push(getitem(row, mask, ctx));
  }
  return new PyList(out);
}

export function rnnUtils(rt: TorchRuntime, packed: PackedSequences): PyModule {
  const fn = (name: string, spec: readonly string[], body: (a: ReturnType<typeof bindArgs>, ctx: HostContext) => PyValue) =>
    pyFunction(name, (args, kwargs, ctx) => body(bindArgs(name, spec, args, kwargs, ctx), ctx));
  return createModule('torch.nn.utils.rnn', {
    PackedSequence: packed.type,
    pad_sequence: pyFunction('pad_sequence', (args, kwargs, ctx) => padSequence(rt, args, kwargs, ctx)),
    invert_permutation: fn('invert_permutation', ['permutation'], (a) => {
      const p = a.required('permutation');
      return p === null ? null : invertPermutation(rt, tensorArg('invert_permutation', 'permutation', p));
    }),
    pack_padded_sequence: fn('pack_padded_sequence', ['input', 'lengths', 'batch_first?', 'enforce_sorted?'], (a, ctx) =>
      packPaddedSequence(rt, packed, tensorArg('pack_padded_sequence', 'input', a.required('input')), lengthsOf(a.required('lengths'), ctx), a.bool('batch_first', false), a.bool('enforce_sorted', true), ctx)),
    pad_packed_sequence: fn('pad_packed_sequence', ['sequence', 'batch_first?', 'padding_value?', 'total_length?'], (a) =>
      padPackedSequence(rt, packed, a.required('sequence'), a.bool('batch_first', false), a.float('padding_value', 0), a.opt('total_length') === undefined ? null : a.int('total_length'))),
    pack_sequence: fn('pack_sequence', ['sequences', 'enforce_sorted?'], (a, ctx) => {
      const sequences = [...iterate(a.required('sequences'), ctx)].map((s) => tensorArg('pack_sequence', 'sequences', s));
      const lengths = sequences.map((s) => s.shape[0]);
      return packPaddedSequence(rt, packed, padded(rt, new PyList(sequences), false, 0, ctx), lengths, false, a.bool('enforce_sorted', true), ctx);
    }),
    unpad_sequence: fn('unpad_sequence', ['padded_sequences', 'lengths', 'batch_first?'], (a, ctx) =>
      unpadSequence(rt, tensorArg('unpad_sequence', 'padded_sequences', a.required('padded_sequences')), a.required('lengths'), a.bool('batch_first', false), ctx)),
    unpack_sequence: fn('unpack_sequence', ['packed_sequences'], (a, ctx) => {
      const [paddedBatch, lengths] = padPackedSequence(rt, packed, a.required('packed_sequences'), true, 0, null).items as PyTensor[];
      return unpadSequence(rt, paddedBatch, lengths, true, ctx);
    }),
  });
}
