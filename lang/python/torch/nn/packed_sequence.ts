/**
 * torch.nn.utils.rnn.PackedSequence and the two ATen ops under it (PackedSequence.cpp): packing
 * a padded (T, B, *) batch into its valid steps, step after step, each step's rows those of the
 * sequences still running (`data`, with `batch_sizes` as an int64 tensor), and padding it back.
 * PackedSequence is PyTorch 1.13's: a subclass of the named tuple PackedSequence_ (data,
 * batch_sizes, sorted_indices, unsorted_indices), printed and unpacked as one.
 */
import { makeNamedTuple } from '../../modules';
import { bindArgs, type HostContext, isInstance, type Kwargs, PyBuiltin, pyError, PyList, PyTuple, PyType, type PyValue, typeName } from '../../interpreter';
import { STORAGE } from '../dtype';
import { SELECTION_METHODS } from '../selection';
import { piece } from '../splitting';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

/** A PackedSequence's fields, as its tuple holds them. */
export interface Packed {
  readonly data: PyTensor;
  readonly batchSizes: PyTensor;
  readonly sortedIndices: PyTensor | null;
  readonly unsortedIndices: PyTensor | null;
}

/** The PackedSequence class of one runtime, and how shims make and read its instances. */
export interface PackedSequences {
  readonly type: PyType;
  make(p: Packed): PyTuple;
  /** The fields of `v` when it is a PackedSequence; null when it is anything else. */
  read(v: PyValue): Packed | null;
}

/** `invert_permutation`: out[perm[i]] = i, in perm's dtype. */
export function invertPermutation(rt: TorchRuntime, perm: PyTensor): PyTensor {
  const p = perm.values('index');
  const out = new Float64Array(p.length);
  p.forEach((to, i) => { out[to] = i; });
  return rt.fromValues(out, perm.shape, perm.dtype);
}

const orNone = (v: PyValue | undefined): PyTensor | null => (v instanceof PyTensor ? v : null);

export function packedSequences(rt: TorchRuntime): PackedSequences {
  const base = makeNamedTuple('PackedSequence_', ['data', 'batch_sizes', 'sorted_indices', 'unsorted_indices'], [], new Map(), rt.ctx);
  const attrs = new Map<string, PyValue>();
  const type = new PyType('PackedSequence', { module: 'torch.nn.utils.rnn', bases: [base], attrs });
  const make = (p: Packed): PyTuple => {
    const t = new PyTuple([p.data, p.batchSizes, p.sortedIndices, p.unsortedIndices]);
    t.subclass = type;
    t.dict = new Map();
    return t;
  };
  const read = (v: PyValue): Packed | null => {
    if (!(v instanceof PyTuple) || !isInstance(v, type)) return null;
    const [data, batchSizes, sorted, unsorted] = v.items;
    if (!(data instanceof PyTensor) || !(batchSizes instanceof PyTensor)) throw pyError('TypeError', `a PackedSequence holds a data tensor and a batch_sizes tensor, not ${typeName(data)} and ${typeName(batchSizes)}`);
    return { data, batchSizes, sortedIndices: orNone(sorted), unsortedIndices: orNone(unsorted) };
  };
  // PackedSequence.__new__ (_packed_sequence_init_args): unsorted_indices inverts sorted_indices when left out.
  type.construct = (args, kwargs, ctx) => {
    const a = bindArgs('PackedSequence', ['data', 'batch_sizes?', 'sorted_indices?', 'unsorted_indices?'], args, kwargs, ctx);
    let data = a.required('data');
    let batchSizes = a.opt('batch_sizes') ?? null;
    if (batchSizes === null) {
      if (!((data instanceof PyTuple || data instanceof PyList) && data.items.length === 2)) throw pyError('AssertionError', 'PackedSequence(data) takes a (data, batch_sizes) pair');
      [data, batchSizes] = data.items;
    }
    if (!(data instanceof PyTensor) || !(batchSizes instanceof PyTensor)) throw pyError('TypeError', `PackedSequence(data, batch_sizes) takes tensors, not ${typeName(data)} and ${typeName(batchSizes)}`);
    const sorted = orNone(a.opt('sorted_indices'));
    const unsorted = orNone(a.opt('unsorted_indices')) ?? (sorted === null ? null : invertPermutation(rt, sorted));
    return make({ data, batchSizes, sortedIndices: sorted, unsortedIndices: unsorted });
  };
  // PackedSequence.to and its dtype shorthands convert the data; the same data gives self back.
  const converting = (name: string, call: (data: PyTensor, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue) => new PyBuiltin(name, (args, kwargs, ctx) => {
    const self = args[0];
    const p = self === undefined ? null : read(self);
    if (p === null) throw pyError('TypeError', `PackedSequence.${name}() needs a PackedSequence, not ${typeName(self ?? null)}`);
    const data = call(p.data, args.slice(1), kwargs, ctx);
    if (data === p.data) return self;
    if (!(data instanceof PyTensor)) throw pyError('TypeError', `PackedSequence.${name}() converted the data to ${typeName(data)}`);
    return make({ ...p, data });
  });
  attrs.set('to', converting('to', (data, args, kwargs, ctx) => ctx.call(ctx.getattr(data, 'to'), args, kwargs)));
  for (const m of ['cpu', 'float', 'double', 'long', 'int']) attrs.set(m, converting(m, (data, _args, _kwargs, ctx) => ctx.call(ctx.getattr(data, m), [])));
  return { type, make, read };
}

function rows(x: PyTensor, start: number, end: number): PyTensor {
  return piece(x, 0, start, end - start, 'SliceBackward0');
}

function padding(rt: TorchRuntime, shape: number[], value: number, like: PyTensor): PyTensor {
  return rt.run(() => rt.wrap(rt.ops.full(shape, value, STORAGE[like.dtype]), like.dtype));
}

/**
 * ATen's _pack_padded_sequence: `lengths` sorted longest first; from the shortest sequence up, each
 * block of steps where the batch shrinks no further is cut out whole, so `data` lists step 0's rows
 * of every sequence, then step 1's of those still running, and so on. Its node is
 * PackPaddedSequenceBackward0, pointing at `input`.
 */
export function packPadded(rt: TorchRuntime, input: PyTensor, lengths: readonly number[], batchFirst: boolean): { data: PyTensor; batchSizes: PyTensor } {
  if (input.numel === 0) throw pyError('RuntimeError', 'Cannot pack empty tensors.');
  if (input.shape.length < 2) throw pyError('IndexError', `Dimension out of range (expected to be in range of [-${input.shape.length}, ${input.shape.length - 1}], but got 1)`);
  const steps = input.shape[batchFirst ? 1 : 0];
  const batch = input.shape[batchFirst ? 0 : 1];
  if (lengths.length !== batch) throw pyError('RuntimeError', `Expected \`len(lengths)\` to be equal to batch_size, but got ${lengths.length} (batch_size=${batch})`);
  if (lengths[batch - 1] <= 0) throw pyError('RuntimeError', "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (let i = 0; i < batch - 1; i++) {
    if (lengths[i + 1] > lengths[i]) {
      throw pyError('RuntimeError', '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.');
    }
  }
  // NB: PyTorch 1.13 slices past the end without a word and packs fewer rows than batch_sizes counts.
  if (lengths[0] > steps) throw pyError('ValueError', `pack_padded_sequence: a length of ${lengths[0]} is longer than the padded input's ${steps} steps; the lengths count each sequence's valid steps (at most ${steps})`);
  const batchSizes = new Float64Array(lengths[0]);
  const data = rt.composite(() => {
    const x = batchFirst ? T.transpose(input, 0, 1) : input;
    const trailing = x.shape.slice(2);
    const blocks: PyTensor[] = [];
    let done = 0;
    for (let i = 0; i < batch; i++) {
      const l = lengths[batch - 1 - i];
      if (l <= done) continue;
      const running = batch - i;
      const block = piece(rows(x, done, l), 1, 0, running, 'SliceBackward0');
      blocks.push(T.reshape(block, [-1, ...trailing], 'ReshapeAliasBackward0'));
      batchSizes.fill(running, done, l);
      done = l;
    }
    const out = T.cat(rt, blocks, 0);
    T.asOp(out.t, [input.t], 'PackPaddedSequenceBackward0');
    return out;
  });
  return { data, batchSizes: rt.fromValues(batchSizes, [batchSizes.length], 'int64') };
}

/**
 * ATen's _pad_packed_sequence: (T, B, *) of padding_value (T is total_length when given) with each
 * step's rows of `data` in front, and each sequence's length as int64; batch_first turns it to
 * (B, T, *). Its node is CopySlices (TransposeBackward0 batch first), as PyTorch's.
 */
export function padPacked(rt: TorchRuntime, data: PyTensor, sizes: readonly number[], batchFirst: boolean, paddingValue: number, totalLength: number): { padded: PyTensor; lengths: number[] } {
  const batch = sizes[0];
  const trailing = data.shape.slice(1);
  const padded = rt.composite(() => {
    const steps: PyTensor[] = [];
    let offset = 0;
    for (const size of sizes) {
      const step = rows(data, offset, offset + size);
      offset += size;
      steps.push(size === batch ? step : T.cat(rt, [step, padding(rt, [batch - size, ...trailing], paddingValue, data)], 0));
    }
    let out = T.stack(rt, steps, 0);
    if (totalLength > sizes.length) out = T.cat(rt, [out, padding(rt, [totalLength - sizes.length, batch, ...trailing], paddingValue, data)], 0);
    T.rename(out.t, [], 'CopySlices');
    return batchFirst ? T.transpose(out, 0, 1) : out;
  });
  const lengths = Array.from({ length: batch }, (_, b) => sizes.filter((s) => s > b).length);
  return { padded, lengths };
}

/** `x.index_select(dim, index)`, as PyTorch's permute_hidden and pad_packed_sequence reorder a batch. */
export function reorder(x: PyTensor, dim: number, index: PyTensor, ctx: HostContext): PyTensor {
  return SELECTION_METHODS.index_select(x, [BigInt(dim), index], new Map(), ctx) as PyTensor;
}
