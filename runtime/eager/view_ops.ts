/**
 * Reading a view's elements out of its base and writing them back into it, as recorded ops (a
 * gather and a scatter over the layout's positions), so gradients flow as through PyTorch's
 * AsStridedBackward0 and CopySlices.
 */
import { AutogradError, sizeOf, type DType, type Shape } from '../core';
import type { Ops } from '../ops';
import type { Tensor } from './tensor';
import { coversBase, overlaps, positions, type Layout } from './views';

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
}

/** The view's elements as they are in `base` now. */
export function readView(engine: ViewEngine, base: Tensor, layout: Layout, shape: Shape): Tensor {
  const o = engine.ops;
  // NB: a reshape even to the same shape, so the view gets a node of its own, not the base's.
  if (coversBase(layout, shape, base.shape)) return o.bind('reshape', [base], { newSizes: shape });
  const index = engine.fromValues(positions(layout, shape), shape, 'int32');
  return o.gather(o.reshape(base, [base.size]), index, 0);
}

/** `base` (a snapshot of the view's base) with the view's elements replaced by `value`'s. */
export function writeView(engine: ViewEngine, base: Tensor, layout: Layout, shape: Shape, value: Tensor): Tensor {
  const o = engine.ops;
  if (coversBase(layout, shape, base.shape)) return o.bind('reshape', [value], { newSizes: base.shape });
  return scatterInto(engine, base, positions(layout, shape), value);
}

/**
 * `base` with the elements at the flat positions `at` replaced by `value`'s, in row-major order
 * (each position at most once): the values scattered, the rest of `base` kept.
 */
export function scatterInto(engine: ViewEngine, base: Tensor, at: readonly number[], value: Tensor): Tensor {
  const o = engine.ops;
  const n = base.size;
  const m = at.length;
  if (sizeOf(value.shape) !== m) throw new Error(`internal: ${sizeOf(value.shape)} values for ${m} positions`);
  const written = new Array<number>(n).fill(0);
  for (const p of at) written[p] = 1;
  // Bool tensors are updated as int32: scatter_add and select do not serve bool everywhere.
  const work = base.dtype === 'bool' ? 'int32' : base.dtype;
  const values = o.reshape(o.convert(value, work), [m]);
  const scattered = o.scatterAdd(values, engine.fromValues(at, [m], 'int32'), 0, [n]);
  const keep = engine.fromValues(written, [n], 'bool');
  return o.convert(o.reshape(o.select(keep, scattered, o.reshape(o.convert(base, work), [n])), base.shape), base.dtype);
}
