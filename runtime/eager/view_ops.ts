/**
 * Reading a view's elements out of its base and writing them back into it, as recorded ops (a
 * gather and a scatter over the layout's positions), so gradients flow as through PyTorch's
 * AsStridedBackward0 and CopySlices.
 */
import { AutogradError, sizeOf, type DType, type Shape } from '../core';
import type { Ops } from '../ops';
import type { Tensor } from './tensor';
import { memoryToRowMajor } from './memory_format';
import { coversBase, overlaps, positions, sharesMemoryWithin, type Layout } from './views';

/** What reading and writing views needs of the engine. */
export interface ViewEngine {
  readonly ops: Ops<Tensor>;
  fromValues(values: ArrayLike<number>, shape: Shape, dtype: DType): Tensor;
}

export const OVERLAPPING_WRITE_MESSAGE = 'unsupported operation: more than one element of the written-to tensor refers to a single memory location. '
  + 'Please clone() the tensor before performing the operation.';

/** PyTorch refuses to write a tensor two of whose elements are one in memory (an `expand`ed dim). */
export function refuseOverlappingWrite(layout: Layout, shape: Shape): void {
  if (overlaps(layout, shape)) throw new AutogradError(OVERLAPPING_WRITE_MESSAGE);
  if (sharesMemoryWithin(layout, shape)) {
    throw new Error('an in-place op on a view whose elements share memory (as_strided windows that overlap) is not supported by Gradlens: PyTorch applies it element by element, '
      + 'each reading the writes before it; write into the base tensor, or clone() the view first');
  }
}

/**
 * Where the view's elements lie among its base's row-major values: the layout's memory offsets,
 * mapped through the base's memory order (`memory`: its memoryStrides) where that is not row-major.
 */
function valuePositions(layout: Layout, shape: Shape, base: Shape, memory: readonly number[] | null): number[] {
  const at = positions(layout, shape);
  if (memory === null) return at;
  const index = memoryToRowMajor(memory, base);
  return at.map(index);
}

/** The view's elements as they are in `base` now. */
export function readView(engine: ViewEngine, base: Tensor, layout: Layout, shape: Shape): Tensor {
  const o = engine.ops;
  // NB: a reshape even to the same shape, so the view gets a node of its own, not the base's.
  if (base.memoryStrides === null && coversBase(layout, shape, base.shape)) return o.bind('reshape', [base], { newSizes: shape });
  const index = engine.fromValues(valuePositions(layout, shape, base.shape, base.memoryStrides), shape, 'int32');
  return o.gather(o.reshape(base, [base.size]), index, 0);
}

/**
 * `base` (a snapshot of the view's base, whose memory order is `memory`) with the view's elements
 * replaced by `value`'s.
 */
export function writeView(engine: ViewEngine, base: Tensor, memory: readonly number[] | null, layout: Layout, shape: Shape, value: Tensor): Tensor {
  const o = engine.ops;
  if (memory === null && coversBase(layout, shape, base.shape)) return o.bind('reshape', [value], { newSizes: base.shape });
  return scatterInto(engine, base, valuePositions(layout, shape, base.shape, memory), value);
}

/**
 * `base` with the elements at the flat positions `at` replaced by `value`'s, in row-major order:
 * each written position gathers its value, the rest of `base` is kept. A position given twice
 * (`x[[0, 0]] = v`) takes the last value, as PyTorch's CPU index_put_ does.
 * NB: a gather, not a scatter_add into zeros, which would turn a written -0 into 0 (0 + -0 is 0).
 */
export function scatterInto(engine: ViewEngine, base: Tensor, at: readonly number[], value: Tensor): Tensor {
  const o = engine.ops;
  const n = base.size;
  const m = at.length;
  if (sizeOf(value.shape) !== m) throw new Error(`internal: ${sizeOf(value.shape)} values for ${m} positions`);
  if (m === 0) return o.bind('reshape', [base], { newSizes: base.shape });
  const source = new Array<number>(n).fill(0);
  const written = new Array<number>(n).fill(0);
  at.forEach((p, k) => {
    source[p] = k;
    written[p] = 1;
  });
  // Bool tensors are updated as int32: gather and select do not serve bool everywhere.
  const work = base.dtype === 'bool' ? 'int32' : base.dtype;
  const values = o.reshape(o.convert(value, work), [m]);
  let gathered = o.gather(values, engine.fromValues(source, [n], 'int32'), 0);
  if (written.reduce((c, w) => c + w, 0) < m && value.requiresGrad) gathered = o.sub(gathered, overwrittenGradient(engine, values, at, source, n));
  const keep = engine.fromValues(written, [n], 'bool');
  return o.convert(o.reshape(o.select(keep, gathered, o.reshape(o.convert(base, work), [n])), base.shape), base.dtype);
}

/**
 * Zeros (+0, so subtracting them keeps a -0) through which a value that a later one overwrote
 * still gets the gradient of its position, as PyTorch's index_put_ backward gives every value
 * (`grad[indices]`): each finite value subtracted from itself, scattered to its position.
 */
function overwrittenGradient(engine: ViewEngine, values: Tensor, at: readonly number[], source: readonly number[], n: number): Tensor {
  const o = engine.ops;
  const overwritten = at.map((p, k) => (source[p] === k ? 0 : 1));
  const finite = o.bind('is_finite', [values], {});
  // NB: inf - inf is NaN: an overwritten non-finite value has no such zero, and gets no gradient.
  const loser = o.select(engine.fromValues(overwritten, [at.length], 'bool'), o.select(finite, values, o.zerosLike(values)), o.zerosLike(values));
  const zero = o.sub(o.bind('stop_gradient', [loser], {}), loser);
  return o.scatterAdd(zero, engine.fromValues(at, [at.length], 'int32'), 0, [n]);
}
