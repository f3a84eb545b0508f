/**
 * `torch.nn.utils.rnn.pad_sequence` as ATen's pad_sequence: a tensor of padding_value shaped
 * (T, B, *) (batch_first: (B, T, *)), with sequence i copied into its first len(i) steps,
 * converted to the first sequence's dtype and broadcast to its trailing shape as copy_ does; the
 * result's node is CopySlices, as PyTorch's.
 */
import { bindArgs, createModule, type HostContext, iterate, type Kwargs, pyError, pyFunction, type PyModule, type PyValue, toFloat, typeName } from '../../interpreter';
import { STORAGE } from '../dtype';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

export const RNN_UTILS_NAMES = ['pad_sequence'] as const;

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

function padSequence(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('pad_sequence', ['sequences', 'batch_first?', 'padding_value?'], args, kwargs, ctx);
  const given = a.required('sequences');
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
  const batchFirst = a.bool('batch_first', false);
  const paddingValue = toFloat(a.get('padding_value') ?? 0, ctx);
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

export function rnnUtils(rt: TorchRuntime): PyModule {
  return createModule('torch.nn.utils.rnn', {
    pad_sequence: pyFunction('pad_sequence', (args, kwargs, ctx) => padSequence(rt, args, kwargs, ctx)),
  });
}
