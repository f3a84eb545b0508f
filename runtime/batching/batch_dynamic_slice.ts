import type { Ops } from '../ops';
import type { DynamicSlicingPrimitive } from '../primitives';
import { INDEXING_BATCH_RULES } from './batch_indexing';
import { batchAt, moveaxis, type BatchRuleTable } from './batch_rule';

/** A start clamped into [0, n - size], as the primitive does (elementwise on a batch of starts). */
function clampStart<T>(o: Ops<T>, start: T, n: number, size: number): T {
  return o.bind('clamp', [o.scalar(0, 'int32'), start, o.scalar(n - size, 'int32')], {});
}

/** take(v, positions) along `axis` of the per-example value, either of them batched or neither. */
function take<T>(o: Ops<T>, v: T, vbd: number | null, positions: T, pbd: number | null, axis: number, axisSize: number) {
  if (vbd === null && pbd === null) return { out: o.gather(v, positions, axis), batchDim: null };
  return INDEXING_BATCH_RULES.gather(o, [v, positions], [vbd, pbd], { axis }, axisSize);
}

/**
 * Positions start + iota(size) along one axis: [size] for a shared start, [batch, size] (batch
 * axis first) for a batched one.
 */
function positions<T>(o: Ops<T>, start: T, batched: boolean, size: number, axisSize: number): T {
  const iota = o.iota('int32', [size], 0);
  if (!batched) return o.add(iota, start);
  return o.add(o.broadcastInDim(iota, [axisSize, size], [1]), o.broadcastInDim(start, [axisSize, size], [0]));
}

/**
 * With shared starts, the batch axis is one more axis sliced whole (start 0). With batched starts,
 * every example slices elsewhere: as JAX's rules turn them into gather and scatter, here each axis
 * becomes a batched take of the clamped positions, and the update a select of the update spread
 * over the operand (gather and scatter_add have no batch dimensions of their own here).
 */
export const DYNAMIC_SLICE_BATCH_RULES: Pick<BatchRuleTable, DynamicSlicingPrimitive> = {
  dynamic_slice: (o, [x, ...starts], [bx, ...bs], { sliceSizes }, axisSize) => {
    if (bs.every((b) => b === null)) {
      const front = moveaxis(o, x, bx!, 0);
      return { out: o.bind('dynamic_slice', [front, o.scalar(0, 'int32'), ...starts], { sliceSizes: [axisSize, ...sliceSizes] }), batchDim: 0 };
    }
    const shape = bx === null ? o.shape(x) : o.shape(x).filter((_, d) => d !== bx);
    let v = x;
    let vbd = bx;
    sliceSizes.forEach((size, d) => {
      // NB: a whole axis is read whatever its start, which the clamp makes 0.
      if (size === shape[d]) return;
      const batched = bs[d] !== null;
      const at = positions(o, clampStart(o, starts[d], shape[d], size), batched, size, axisSize);
      ({ out: v, batchDim: vbd } = take(o, v, vbd, at, batched ? 0 : null, d, axisSize));
    });
    return { out: v, batchDim: vbd };
  },

  dynamic_update_slice: (o, [x, update, ...starts], [bx, bu, ...bs], _params, axisSize) => {
    const operand = batchAt(o, x, bx, 0, axisSize);
    if (bs.every((b) => b === null)) {
      const u = batchAt(o, update, bu, 0, axisSize);
      return { out: o.bind('dynamic_update_slice', [operand, u, o.scalar(0, 'int32'), ...starts], {}), batchDim: 0 };
    }
    const shape = o.shape(operand).slice(1);
    const updateShape = bu === null ? o.shape(update) : o.shape(update).filter((_, d) => d !== bu);
    if (updateShape.some((u) => u === 0)) return { out: operand, batchDim: 0 };
    // Each operand position p reads update[p - start] where start <= p < start + size on every axis.
    let spread = update;
    let sbd = bu;
    let inside: typeof operand | null = null;
    shape.forEach((n, d) => {
      const u = updateShape[d];
      const batched = bs[d] !== null;
      // p - start, as the positions from -start.
      const offset = positions(o, o.neg(clampStart(o, starts[d], n, u)), batched, n, axisSize);
      const within = o.bind('and', [o.ge(offset, o.scalar(0, 'int32')), o.lt(offset, o.scalar(u, 'int32'))], {});
      const at = o.bind('clamp', [o.scalar(0, 'int32'), offset, o.scalar(u - 1, 'int32')], {});
      ({ out: spread, batchDim: sbd } = take(o, spread, sbd, at, batched ? 0 : null, d, axisSize));
      const mask = o.broadcastInDim(within, [axisSize, ...shape], batched ? [0, d + 1] : [d + 1]);
      inside = inside === null ? mask : o.bind('and', [inside, mask], {});
    });
    return { out: o.select(inside!, batchAt(o, spread, sbd, 0, axisSize), operand), batchDim: 0 };
  },
};
