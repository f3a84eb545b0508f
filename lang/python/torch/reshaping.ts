/**
 * Rearranging a tensor's elements, as tensor methods (and `torch.f(x, ...)`): repeat and tile
 * (batching a prototype), flips, roll and rot90 (image augmentation), movedim and swapaxes,
 * unfold (sliding patches), broadcast_to, unflatten, ravel and repeat_interleave, with PyTorch
 * 1.13's grad_fn names and errors. Each is one node on the tape, built from the runtime's
 * structural primitives (broadcast, rev, slice, concatenate, gather).
 */
import { isRowMajor, type Layout, type Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, PyList, PyTuple, type PyValue, toIndex, toIntList } from '../interpreter';
import { sizeArgs } from './creation';
import { PyTensor, type Method } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** One tape node named `name` over the steps `f` takes on x's tensor; a new tensor even where they leave it as it was (`roll(0)`). */
function rearranged(x: PyTensor, name: string, f: (t: Tensor) => Tensor): PyTensor {
  const rt = x.rt;
  return rt.run(() => rt.result(rt.engine.composite(name, () => {
    const out = f(x.t);
    return out === x.t ? rt.ops.bind('reshape', [out], { newSizes: out.shape }) : out;
  }), [x]));
}

/** Ints given as varargs (`x.flip(0, 1)`), one sequence (`x.flip((0, 1))`) or by keyword (`torch.flip(x, dims=[0])`). */
function intsArg(a: Args, keyword: string, ctx: HostContext): number[] {
  return sizeArgs(a.has(keyword) ? [a.required(keyword)] : a.rest, ctx, a.fname);
}

/** An int or a sequence of ints, as `roll`'s shifts and `movedim`'s dims take them. */
function intOrInts(v: PyValue, ctx: HostContext): number[] {
  return v instanceof PyList || v instanceof PyTuple ? toIntList(v, ctx) : [Number(toIndex(v, ctx))];
}

/** `x.repeat(r0, r1, ...)`: x's shape (with leading 1s) times the repeats, each axis the whole of x's tiled. */
function repeat(x: PyTensor, reps: readonly number[]): PyTensor {
  if (reps.length < x.shape.length) throw pyError('RuntimeError', 'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const padded = [...Array<number>(reps.length - x.shape.length).fill(1), ...x.shape];
  const sizes = reps.map((r, i) => r * padded[i]);
  // NB: charge refuses a negative size in PyTorch's words.
  x.rt.charge(sizes, x.dtype);
  const lead = reps.length - x.shape.length;
  return rearranged(x, 'RepeatBackward0', (t) => {
    const o = x.rt.ops;
    // Each axis i becomes the pair (reps[i], padded[i]): x broadcast along the first, then merged.
    const pairs = reps.flatMap((r, i) => [r, padded[i]]);
    const spread = o.broadcastInDim(t, pairs, x.shape.map((_, i) => 2 * (i + lead) + 1));
    return o.reshape(spread, sizes);
  });
}

/** Reverses x along `dims`, PyTorch's FlipBackward0. */
function flip(x: PyTensor, dims: readonly number[]): PyTensor {
  const axes = dims.map((d) => T.axis(x, d));
  const twice = axes.find((d, i) => axes.indexOf(d) !== i);
  if (twice !== undefined) throw pyError('RuntimeError', `dim ${twice} appears multiple times in the list of dims`);
  return rearranged(x, 'FlipBackward0', (t) => (x.shape.length === 0 ? t : x.rt.ops.rev(t, axes)));
}

/** The elements of t shifted by `shift` along `axis`, wrapping around. */
function rollAxis(x: PyTensor, t: Tensor, shift: number, axis: number): Tensor {
  const o = x.rt.ops;
  const n = t.shape[axis];
  const k = n === 0 ? 0 : ((shift % n) + n) % n;
  if (k === 0) return t;
  const part = (from: number, to: number) => o.slice(t, t.shape.map((_, i) => (i === axis ? from : 0)), t.shape.map((d, i) => (i === axis ? to : d)));
  return o.concatenate([part(n - k, n), part(0, n - k)], axis);
}

function roll(x: PyTensor, shifts: readonly number[], dims: readonly number[] | null): PyTensor {
  if (dims === null) {
    if (shifts.length !== 1) throw pyError('RuntimeError', `shifts and dimensions must align. shifts: ${shifts.length}, dims:0`);
    return rearranged(x, 'RollBackward0', (t) => x.rt.ops.reshape(rollAxis(x, x.rt.ops.reshape(t, [x.numel]), shifts[0], 0), x.shape));
  }
  if (shifts.length !== dims.length) throw pyError('RuntimeError', `shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
  const axes = dims.map((d) => T.axis(x, d));
  return rearranged(x, 'RollBackward0', (t) => axes.reduce((out, axis, i) => rollAxis(x, out, shifts[i], axis), t));
}

/** rot90 as PyTorch computes it: a flip of one of the two dims, then their transpose. */
function rot90(x: PyTensor, k: number, dims: readonly number[]): PyTensor {
  const rank = x.shape.length;
  if (dims.length !== 2) throw pyError('RuntimeError', `expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (rank < 2) throw pyError('RuntimeError', `expected total dims >= 2, but got total dims = ${rank}`);
  if (dims[0] === dims[1] || Math.abs(dims[0] - dims[1]) === rank) {
    throw pyError('RuntimeError', `expected rotation dims to be different, but got dim0 = ${dims[0]} and dim1 = ${dims[1]}`);
  }
  const a = T.axis(x, dims[0]);
  const b = T.axis(x, dims[1]);
  const swap = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  const turns = ((k % 4) + 4) % 4;
  return rearranged(x, 'Rot90Backward0', (t) => {
    const o = x.rt.ops;
    if (turns === 1) return o.transpose(o.rev(t, [b]), swap);
    if (turns === 2) return o.rev(t, [a, b]);
    if (turns === 3) return o.transpose(o.rev(t, [a]), swap);
    return t;
  });
}

/** movedim's permutation: the sources land at the destinations, the other dims keep their order. */
function movedim(x: PyTensor, source: readonly number[], destination: readonly number[]): PyTensor {
  if (source.length !== destination.length) {
    throw pyError('RuntimeError', `movedim: Invalid source or destination dims: source ([${source.join(', ')}] dims) should contain the same number of dims as destination ([${destination.join(', ')}] dims)`);
  }
  const src = source.map((d) => T.axis(x, d));
  const dst = destination.map((d) => T.axis(x, d));
  if (new Set(src).size !== src.length) throw pyError('RuntimeError', `movedim: repeated dim in \`source\` ([${source.join(', ')}])`);
  if (new Set(dst).size !== dst.length) throw pyError('RuntimeError', `movedim: repeated dim in \`destination\` ([${destination.join(', ')}])`);
  const perm = Array<number>(x.shape.length).fill(-1);
  src.forEach((s, i) => { perm[dst[i]] = s; });
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, r = 0; i < perm.length; i++) if (perm[i] === -1) perm[i] = rest[r++];
  return T.permute(x, perm);
}

/** `x.unfold(dim, size, step)`: the windows along dim as a new dim, their elements last. */
function unfold(x: PyTensor, dim: number, size: number, step: number): PyTensor {
  const rank = x.shape.length;
  const axis = T.axis(x, dim);
  const length = rank === 0 ? 1 : x.shape[axis];
  if (size > length) throw pyError('RuntimeError', `maximum size for tensor at dimension ${axis} is ${length} but size is ${size}`);
  if (step <= 0) throw pyError('RuntimeError', `step is ${step} but must be > 0`);
  // A view in PyTorch: window k's element j is x's element k * step + j along dim.
  if (rank === 0) return viewed(x, rearranged(x, 'UnfoldBackward0', (t) => x.rt.ops.reshape(t, [size])), (l) => ({ offset: l.offset, strides: [1] }));
  const windows = Math.floor((length - size) / step) + 1;
  return viewed(x, rearranged(x, 'UnfoldBackward0', (t) => {
    const o = x.rt.ops;
    const at = Int32Array.from({ length: windows * size }, (_, k) => Math.floor(k / size) * step + (k % size));
    const picked = o.gather(t, x.rt.engine.fromValues(at, [windows, size], 'int32'), axis);
    // gather gives [..., windows, size, ...]: the window's elements move to the end.
    const perm = [...Array(rank + 1).keys()].filter((i) => i !== axis + 1);
    return o.transpose(picked, [...perm, axis + 1]);
  }), (l) => ({ offset: l.offset, strides: [...l.strides.map((s, i) => (i === axis ? s * step : s)), l.strides[axis]] }));
}

/** `out`, made from x by an op PyTorch answers with a view, as a view of x's memory. */
function viewed(x: PyTensor, out: PyTensor, layout: (from: Layout) => Layout): PyTensor {
  T.asView(x, out.t, layout);
  return out;
}

function unflatten(x: PyTensor, dim: number, sizes: readonly number[]): PyTensor {
  const axis = T.axis(x, dim);
  const n = x.shape[axis];
  const holes = sizes.filter((s) => s === -1).length;
  if (holes > 1) throw pyError('RuntimeError', 'only one dimension can be inferred');
  const known = sizes.reduce((p, s) => (s === -1 ? p : p * s), 1);
  const filled = sizes.map((s) => (s === -1 && known !== 0 ? n / known : s));
  if (!filled.every((s) => Number.isInteger(s) && s >= 0) || filled.reduce((p, s) => p * s, 1) !== n) {
    throw pyError('RuntimeError', `unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${dim} (${n}) in the input tensor`);
  }
  return T.reshape(x, [...x.shape.slice(0, axis), ...filled, ...x.shape.slice(axis + 1)], 'ViewBackward0');
}

/** repeat_interleave: element i along dim repeated counts[i] times, as an index_select. */
function repeatInterleave(x: PyTensor, repeats: PyValue, dim: number | null, ctx: HostContext): PyTensor {
  const flat = dim === null ? T.reshape(x, [x.numel], 'ReshapeAliasBackward0') : x;
  const axis = dim === null ? 0 : T.axis(x, dim);
  const n = flat.shape.length === 0 ? 1 : flat.shape[axis];
  let counts: number[];
  if (repeats instanceof PyTensor) {
    if (repeats.shape.length > 1) throw pyError('RuntimeError', 'repeat_interleave only accept 1D vector as repeat');
    counts = repeats.values('int');
    if (repeats.dtype !== 'int64' && repeats.dtype !== 'int32') throw pyError('RuntimeError', 'repeats has to be Long or Int tensor');
    if (counts.length === 1) counts = Array<number>(n).fill(counts[0]);
  } else {
    counts = Array<number>(n).fill(Number(toIndex(repeats, ctx)));
  }
  if (counts.length !== n) throw pyError('RuntimeError', 'repeats must have the same size as input along dim');
  if (counts.some((c) => c < 0)) throw pyError('RuntimeError', 'repeats can not be negative');
  const at = counts.flatMap((c, i) => Array<number>(c).fill(i));
  const shape = flat.shape.length === 0 ? [at.length] : flat.shape.map((s, i) => (i === axis ? at.length : s));
  x.rt.charge(shape, x.dtype);
  return rearranged(flat, 'IndexSelectBackward0', (t) => {
    const o = x.rt.ops;
    const source = t.shape.length === 0 ? o.reshape(t, [1]) : t;
    return o.gather(source, x.rt.engine.fromValues(Int32Array.from(at), [at.length], 'int32'), axis);
  });
}

export const RESHAPING_METHODS: Readonly<Record<string, Method>> = {
  repeat: def('repeat', ['*repeats', 'repeats?'], (x, a, ctx) => repeat(x, intsArg(a, 'repeats', ctx))),
  tile: def('tile', ['*dims', 'dims?'], (x, a, ctx) => {
    if (a.rest.length === 0 && !a.has('dims')) throw pyError('TypeError', 'tile() missing 1 required positional arguments: "dims"');
    const dims = intsArg(a, 'dims', ctx);
    return repeat(x, [...Array<number>(Math.max(0, x.shape.length - dims.length)).fill(1), ...dims]);
  }),
  flip: def('flip', ['*dims', 'dims?'], (x, a, ctx) => flip(x, intsArg(a, 'dims', ctx))),
  fliplr: def('fliplr', [], (x) => {
    if (x.shape.length < 2) throw pyError('RuntimeError', 'Input must be >= 2-d.');
    return flip(x, [1]);
  }),
  flipud: def('flipud', [], (x) => {
    if (x.shape.length < 1) throw pyError('RuntimeError', 'Input must be >= 1-d.');
    return flip(x, [0]);
  }),
  roll: def('roll', ['shifts', 'dims?'], (x, a, ctx) => {
    const dims = a.opt('dims');
    return roll(x, intOrInts(a.required('shifts'), ctx), dims === undefined ? null : intOrInts(dims, ctx));
  }),
  rot90: def('rot90', ['k?', 'dims?'], (x, a, ctx) => rot90(x, a.int('k', 1), a.has('dims') ? toIntList(a.required('dims'), ctx) : [0, 1])),
  movedim: def('movedim', ['source', 'destination'], (x, a, ctx) => movedim(x, intOrInts(a.required('source'), ctx), intOrInts(a.required('destination'), ctx))),
  moveaxis: def('moveaxis', ['source', 'destination'], (x, a, ctx) => movedim(x, intOrInts(a.required('source'), ctx), intOrInts(a.required('destination'), ctx))),
  swapaxes: def('swapaxes', ['axis0', 'axis1'], (x, a) => T.transpose(x, a.int('axis0'), a.int('axis1'))),
  swapdims: def('swapdims', ['dim0', 'dim1'], (x, a) => T.transpose(x, a.int('dim0'), a.int('dim1'))),
  unfold: def('unfold', ['dimension', 'size', 'step'], (x, a) => unfold(x, a.int('dimension'), a.int('size'), a.int('step'))),
  broadcast_to: def('broadcast_to', ['size'], (x, a, ctx) => T.expand(x, sizeArgs([a.required('size')], ctx, 'broadcast_to'))),
  unflatten: def('unflatten', ['dim', 'sizes'], (x, a, ctx) => unflatten(x, a.int('dim'), sizeArgs([a.required('sizes')], ctx, 'unflatten'))),
  // PyTorch's ravel is contiguous().view(-1): a copy where no strides view x flat.
  ravel: def('ravel', [], (x) => (isRowMajor(x.t.layout.strides, x.shape) ? T.reshape(x, [x.numel], 'ViewBackward0') : x.rt.composite(() => T.reshape(T.clone(x, 'contiguous'), [x.numel], 'ViewBackward0')))),
  repeat_interleave: def('repeat_interleave', ['repeats?', 'dim?', '*', 'output_size?'], (x, a, ctx) => {
    // `torch.repeat_interleave(counts)`: each index i, counts[i] times.
    if (!a.has('repeats')) {
      if (x.shape.length !== 1) throw pyError('RuntimeError', 'repeat_interleave only accept 1D vector as repeat');
      return repeatInterleave(x.rt.fromValues(Array.from({ length: x.numel }, (_, i) => i), [x.numel], 'int64'), x, null, ctx);
    }
    const dim = a.opt('dim');
    return repeatInterleave(x, a.required('repeats'), dim === undefined ? null : Number(toIndex(dim, ctx)), ctx);
  }),
};

/** The ones PyTorch also has as `torch.f(input, ...)`. */
export const RESHAPING_FUNCTION_NAMES = [
  'tile', 'flip', 'fliplr', 'flipud', 'roll', 'rot90', 'movedim', 'moveaxis', 'swapaxes', 'swapdims', 'broadcast_to',
  'unflatten', 'ravel', 'repeat_interleave',
] as const;
