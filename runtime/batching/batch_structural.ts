import {
  familyRules, REDUCTIONS, type IndexingPrimitive, type ReductionPrimitive, type StructuralPrimitive, type WindowedPrimitive,
} from '../primitives';
import {
  batchAt, insertAt, moveaxis, range, shiftPast, type BatchRule, type BatchRuleTable,
} from './batch_rule';
import { DYNAMIC_SLICE_BATCH_RULES } from './batch_dynamic_slice';

/** The reduced axes skip the batch axis, which then sits left of however many of them were before it. */
function reduction<P extends ReductionPrimitive>(prim: P): BatchRule<P> {
  return (o, [x], [bd], params) => {
    const b = bd!;
    const axes = params.axes.map((a) => shiftPast(a, b));
    return {
      out: o.bind<ReductionPrimitive>(prim, [x], { axes }),
      batchDim: b - params.axes.filter((a) => a < b).length,
    };
  };
}

/** The count of `axes` below `bd`: how far left the batch axis moves when they disappear. */
const below = (axes: readonly number[], bd: number): number => axes.filter((a) => a < bd).length;

export const STRUCTURAL_BATCH_RULES: Pick<BatchRuleTable, Exclude<StructuralPrimitive, IndexingPrimitive | WindowedPrimitive | 'rev'>> = {
  ...familyRules(REDUCTIONS, reduction),
  ...DYNAMIC_SLICE_BATCH_RULES,
  argmax: (o, [x], [bd], { axis, indexDtype }) => ({
    out: o.bind('argmax', [x], { axis: shiftPast(axis, bd!), indexDtype }),
    batchDim: bd! - below([axis], bd!),
  }),

  // The batch axis goes right after the result axis of the operand axis before it, which keeps
  // broadcastDimensions increasing without a transpose.
  broadcast_in_dim: (o, [x], [bd], { shape, broadcastDimensions: dims }, axisSize) => {
    const b = bd!;
    const at = b === 0 ? 0 : dims[b - 1] + 1;
    const broadcastDimensions = insertAt(dims.map((d) => shiftPast(d, at)), b, at);
    return { out: o.broadcastInDim(x, insertAt(shape, at, axisSize), broadcastDimensions), batchDim: at };
  },
  // NB: row-major order makes a leading batch axis the only place a reshape leaves it alone.
  reshape: (o, [x], [bd], { newSizes }, axisSize) => ({
    out: o.reshape(moveaxis(o, x, bd!, 0), [axisSize, ...newSizes]),
    batchDim: 0,
  }),
  transpose: (o, [x], [bd], { permutation }) => ({
    out: o.transpose(x, [bd!, ...permutation.map((p) => shiftPast(p, bd!))]),
    batchDim: 0,
  }),
  squeeze: (o, [x], [bd], { dimensions }) => ({
    out: o.squeeze(x, dimensions.map((d) => shiftPast(d, bd!))),
    batchDim: bd! - below(dimensions, bd!),
  }),
  // `dimensions` are result axes: the batch axis goes right after the result axis of the
  // operand axis before it, and the new axes at or past it move one further.
  expand_dims: (o, [x], [bd], { dimensions }) => {
    const b = bd!;
    const rank = o.shape(x).length - 1 + dimensions.length;
    const kept = range(0, rank).filter((d) => !dimensions.includes(d));
    const at = b === 0 ? 0 : kept[b - 1] + 1;
    return { out: o.expandDims(x, dimensions.map((d) => shiftPast(d, at))), batchDim: at };
  },

  slice: (o, [x], [bd], { startIndices, limitIndices, strides }, axisSize) => {
    const b = bd!;
    return {
      out: o.slice(x, insertAt(startIndices, b, 0), insertAt(limitIndices, b, axisSize), strides && insertAt(strides, b, 1)),
      batchDim: b,
    };
  },
  pad: (o, [x], [bd], { lo, hi, value }) => ({
    out: o.pad(x, insertAt(lo, bd!, 0), insertAt(hi, bd!, 0), value),
    batchDim: bd!,
  }),
  // Unbatched operands must be copied per example here: concatenation does not broadcast.
  concatenate: (o, inputs, batchDims, { dimension }, axisSize) => {
    const bd = batchDims.find((d) => d !== null)!;
    const aligned = inputs.map((x, i) => batchAt(o, x, batchDims[i], bd, axisSize));
    return { out: o.bind('concatenate', aligned, { dimension: shiftPast(dimension, bd) }), batchDim: bd };
  },
  // No operands, so nothing to batch: the same iota serves every example.
  iota: (o, _inputs, _batchDims, params) => ({ out: o.bind('iota', [], params), batchDim: null }),
};
