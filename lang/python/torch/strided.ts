/**
 * Tensor methods PyTorch answers with a view whose elements a strided layout picks out of the
 * tensor (diagonal, select), fill_diagonal_, which writes such elements in place, each with
 * PyTorch 1.13's grad_fn names and errors; and what a tensor's strides say (stride, is_contiguous,
 * storage_offset).
 */
import { contiguousLayout, dropDims, isRowMajor, positions, readView, scatterInto, sliceLayout, type Layout, type Tensor } from '../../../runtime/eager';
import { ITEM_SIZE } from './dtype';
import { bindArgs, type Args, pyError, type HostContext, PyTuple, type PyValue, toIntList } from '../interpreter';
import { checkInPlace, type Method, type PyTensor } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** x's elements that `layout` (from x's own layout) picks, as a view of x of shape `shape`. */
function stridedView(x: PyTensor, shape: readonly number[], layout: (from: Layout) => Layout, name: string): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    // x's values, read from x itself: a view's are row-major, a tensor's own memory may not be.
    const out = readView(rt.engine, x.t, layout(x.t.view === null ? x.t.layout : contiguousLayout(x.shape)), shape);
    return rt.result(T.asView(x, T.rename(out, [x.t], name), layout), [x]);
  });
}

function diagonal(x: PyTensor, offset: number, dim1: number, dim2: number): PyTensor {
  const d1 = T.axis(x, dim1);
  const d2 = T.axis(x, dim2);
  if (d1 === d2) throw pyError('RuntimeError', `diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const n1 = x.shape[d1];
  const n2 = x.shape[d2];
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const others = (s: readonly number[]) => s.filter((_, i) => i !== d1 && i !== d2);
  const shape = [...others(x.shape), length];
  return stridedView(x, shape, (l) => ({
    offset: l.offset + (length === 0 ? 0 : offset >= 0 ? offset * l.strides[d2] : -offset * l.strides[d1]),
    strides: [...others(l.strides), l.strides[d1] + l.strides[d2]],
  }), 'DiagonalBackward0');
}

function select(x: PyTensor, dim: number, index: number): PyTensor {
  if (x.shape.length === 0) throw pyError('IndexError', 'select() cannot be applied to a 0-dim tensor.');
  const d = T.axis(x, dim);
  const n = x.shape[d];
  if (index < -n || index >= n) throw pyError('IndexError', `select(): index ${index} out of range for tensor of size [${x.shape.join(', ')}] at dimension ${d}`);
  const i = index < 0 ? index + n : index;
  const starts = x.shape.map((_, k) => (k === d ? i : 0));
  const steps = x.shape.map(() => 1);
  return stridedView(x, x.shape.filter((_, k) => k !== d), (l) => dropDims(sliceLayout(l, starts, steps), [d]), 'SelectBackward0');
}

/**
 * The flat positions fill_diagonal_ writes: the main diagonal of a tensor whose dims are all of
 * one length, or of a matrix, which with `wrap` starts again below a tall matrix's square.
 */
function diagonalPositions(x: PyTensor, wrap: boolean): number[] {
  const shape = x.shape;
  if (shape.length < 2) throw pyError('RuntimeError', 'dimensions must larger than 1');
  if (shape.length > 2 && shape.some((d) => d !== shape[0])) throw pyError('RuntimeError', 'all dimensions of input must be of equal length');
  const strides = contiguousLayout(shape).strides;
  const step = strides.reduce((p, s) => p + s, 0);
  const [height, width] = shape;
  const end = shape.length === 2 && !wrap && height > width + 1 ? width * width : x.numel;
  const out: number[] = [];
  for (let p = 0; p < end; p += step) out.push(p);
  return out;
}

function fillDiagonal(x: PyTensor, value: number, wrap: boolean): PyTensor {
  const rt = x.rt;
  const at = diagonalPositions(x, wrap);
  checkInPlace(x);
  return rt.run(() => {
    rt.engine.inPlace(x.t, (old) => T.rename(scatterInto(rt.engine, old, at, rt.ops.full([at.length], value, old.dtype)), [old], 'CopySlices'));
    return x;
  });
}

/**
 * `torch.as_strided(x, size, stride, storage_offset)`: a view of x's storage (its base's memory)
 * with that geometry, x's own storage offset by default. Read from x where every element it picks
 * is one of x's, so the gradient reaches x as as_strided_backward sends it (summed where elements
 * share memory, zero elsewhere); from the storage where x needs no gradient.
 */
function asStrided(x: PyTensor, size: number[], stride: number[], storageOffset: number | null): PyTensor {
  if (size.length !== stride.length) throw pyError('RuntimeError', 'mismatch in length of strides and shape');
  if (stride.some((s) => s < 0)) throw pyError('RuntimeError', `as_strided: Negative strides are not supported at the moment, got strides: [${stride.join(', ')}]`);
  if (size.some((d) => d < 0)) throw pyError('RuntimeError', `Trying to create tensor with negative dimension ${size.find((d) => d < 0)}: [${size.join(', ')}]`);
  const rt = x.rt;
  const base = x.t.view?.base ?? x.t;
  const layout: Layout = { offset: storageOffset ?? x.t.layout.offset, strides: stride };
  const span = size.some((d) => d === 0) ? 0 : size.reduce((p, d, i) => p + (d - 1) * stride[i], 1);
  if (span > 0 && layout.offset + span > base.size) {
    const item = ITEM_SIZE[x.dtype];
    throw pyError('RuntimeError', `setStorage: sizes [${size.join(', ')}], strides [${stride.join(', ')}], storage offset ${layout.offset}, and itemsize ${item} `
      + `requiring a storage size of ${(layout.offset + span) * item} are out of bounds for storage of size ${base.size * item}`);
  }
  return rt.run(() => {
    const out = x.t.view === null ? readView(rt.engine, x.t, layout, size) : readThroughView(x, layout, size);
    return rt.result(T.asView(x, T.rename(out, [x.t], 'AsStridedBackward0'), () => layout), [x]);
  });
}

/** as_strided of a view x: x's elements gathered where each memory location read is one of x's, else (x needing no gradient) the base's. */
function readThroughView(x: PyTensor, layout: Layout, size: readonly number[]): Tensor {
  const rt = x.rt;
  const own = new Map<number, number>();
  positions(x.t.layout, x.shape).forEach((at, i) => own.set(at, i));
  const picked = positions(layout, size).map((at) => own.get(at));
  if (own.size === x.numel && picked.every((i) => i !== undefined)) {
    return rt.ops.gather(rt.ops.reshape(x.t, [x.numel]), rt.engine.fromValues(picked as number[], size, 'int32'), 0);
  }
  if (x.t.requiresGrad) {
    throw pyError('NotImplementedError', 'as_strided of a view, reading memory outside the view (or of a view whose elements share memory), is not supported by Gradlens '
      + 'where the view requires grad: call it on the base tensor (x._base\'s geometry: x.storage_offset() and x.stride() say where x lies)');
  }
  return rt.engine.withGradMode(false, () => readView(rt.engine, x.t.view!.base, layout, size));
}

/** `x.stride()`: PyTorch's strides of x, in elements: a view's in its base's memory, a tensor's own memory order otherwise. */
function stride(x: PyTensor, dim: number | null): PyValue {
  const strides = x.t.layout.strides;
  if (dim === null) return new PyTuple(strides.map((s) => BigInt(s)));
  return BigInt(strides[T.axis(x, dim)]);
}

export const STRIDED_METHODS: Readonly<Record<string, Method>> = {
  stride: def('stride', ['dim?'], (x, a) => stride(x, a.opt('dim') === undefined || a.opt('dim') === null ? null : a.int('dim'))),
  is_contiguous: def('is_contiguous', ['memory_format?'], (x) => isRowMajor(x.t.layout.strides, x.shape)),
  storage_offset: def('storage_offset', [], (x) => BigInt(x.t.layout.offset)),
  diagonal: def('diagonal', ['offset?', 'dim1?', 'dim2?'], (x, a) => diagonal(x, a.int('offset', 0), a.int('dim1', 0), a.int('dim2', 1))),
  select: def('select', ['dim', 'index'], (x, a) => select(x, a.int('dim'), a.int('index'))),
  as_strided: def('as_strided', ['size', 'stride', 'storage_offset?'], (x, a, ctx) => {
    const offset = a.opt('storage_offset');
    return asStrided(x, toIntList(a.required('size'), ctx), toIntList(a.required('stride'), ctx), offset === undefined || offset === null ? null : a.int('storage_offset'));
  }),
  fill_diagonal_: def('fill_diagonal_', ['fill_value', 'wrap?'], (x, a) => fillDiagonal(x, a.float('fill_value'), a.bool('wrap', false))),
};

export const STRIDED_FUNCTION_NAMES = ['diagonal', 'select', 'as_strided'] as const;
