import type { Ops } from '../ops';
import type { DotDimensionNumbers, IndexingPrimitive } from '../primitives';
import { batchAt, moveaxis, range, shiftPast, type BatchRuleTable } from './batch_rule';

/** `x` transposed so that `axes` come first, in that order, and the others keep theirs. */
function toFront<T>(o: Ops<T>, x: T, axes: readonly number[]): T {
  const rest = range(0, o.shape(x).length).filter((d) => !axes.includes(d));
  return o.transpose(x, [...axes, ...rest]);
}

/**
 * Indices (batch axis first) into an array whose batch axis and indexed axis of `size` were
 * flattened into one: example b's index i becomes b * size + i.
 * NB: negative indices are wrapped first, as the per-example op would; an index out of range
 * would now reach a neighbouring example instead of failing.
 */
function flatIndices<T>(o: Ops<T>, indices: T, size: number): T {
  const n = o.scalar(size, 'int32');
  const wrapped = o.select(o.lt(indices, o.scalar(0, 'int32')), o.add(indices, n), indices);
  return o.add(wrapped, o.mul(o.iota('int32', o.shape(indices), 0), n));
}

/** Renumbers an operand's axes in dimension numbers for the operand batched at `bd`. */
const shifted = (axes: readonly number[], bd: number): number[] => axes.map((a) => shiftPast(a, bd));

/** How many free (neither batch nor contracting) axes of a rank-`rank` operand lie before `bd`. */
function freeBefore(rank: number, bd: number, ...used: (readonly number[])[]): number {
  return range(0, bd).filter((d) => d < rank && !used.some((u) => u.includes(d))).length;
}

/**
 * Gather and scatter_add have no batch dimensions of their own (unlike XLA's), so with both
 * operand and indices batched, example b's rows are flattened next to every other example's
 * and one gather (or scatter) reads them through offset indices.
 */
export const INDEXING_BATCH_RULES: Pick<BatchRuleTable, IndexingPrimitive | 'dot_general'> = {
  gather: (o, [x, indices], [bx, bi], { axis }) => {
    const idxRank = o.shape(indices).length;
    if (bi === null) {
      const b = bx!;
      const batchDim = b <= axis ? b : b - 1 + idxRank;
      return { out: o.gather(x, indices, shiftPast(axis, b)), batchDim };
    }
    if (bx === null) return { out: o.gather(x, indices, axis), batchDim: axis + bi };
    const xShape = o.shape(x);
    const xAxis = shiftPast(axis, bx);
    const size = xShape[xAxis];
    const front = toFront(o, x, [bx, xAxis]);
    const rest = o.shape(front).slice(2);
    const flat = o.reshape(front, [o.shape(front)[0] * size, ...rest]);
    // [batch, indices..., before axis..., after axis...] back to [batch, before, indices, after].
    const taken = o.gather(flat, flatIndices(o, moveaxis(o, indices, bi, 0), size), 0);
    const permutation = [0, ...range(idxRank, idxRank + axis), ...range(1, idxRank), ...range(idxRank + axis, o.shape(taken).length)];
    return { out: o.transpose(taken, permutation), batchDim: 0 };
  },

  scatter_add: (o, [updates, indices], [bu, bi], { axis, operandShape }, axisSize) => {
    if (bi === null) {
      const front = moveaxis(o, updates, bu!, 0);
      return { out: o.scatterAdd(front, indices, axis + 1, [axisSize, ...operandShape]), batchDim: 0 };
    }
    // NB: every example scatters into rows of its own, so shared updates must be copied per example.
    const u = batchAt(o, updates, bu, 0, axisSize);
    const idxRank = o.shape(indices).length;
    const size = operandShape[axis];
    const before = operandShape.slice(0, axis);
    const after = operandShape.slice(axis + 1);
    // [batch, before, indices..., after] to [batch, indices..., before, after].
    const uRank = o.shape(u).length;
    const byIndex = o.transpose(u, [0, ...range(1 + axis, axis + idxRank), ...range(1, 1 + axis), ...range(axis + idxRank, uRank)]);
    const flat = o.scatterAdd(byIndex, flatIndices(o, moveaxis(o, indices, bi, 0), size), 0, [axisSize * size, ...before, ...after]);
    const split = o.reshape(flat, [axisSize, size, ...before, ...after]);
    return { out: moveaxis(o, split, 1, 1 + axis), batchDim: 0 };
  },

  // Two batched operands share a new dot batch dimension, which leads the result; one batched
  // operand's batch axis is a free axis, which lands among the result's free axes in order.
  dot_general: (o, [lhs, rhs], [bl, br], { dimensionNumbers: dn }) => {
    const lRank = o.shape(lhs).length - (bl === null ? 0 : 1);
    const nBatch = dn.lhsBatch.length;
    if (bl !== null && br !== null) {
      const dims: DotDimensionNumbers = {
        lhsBatch: [bl, ...shifted(dn.lhsBatch, bl)], rhsBatch: [br, ...shifted(dn.rhsBatch, br)],
        lhsContracting: shifted(dn.lhsContracting, bl), rhsContracting: shifted(dn.rhsContracting, br),
      };
      return { out: o.dotGeneral(lhs, rhs, dims), batchDim: 0 };
    }
    if (bl !== null) {
      const dims: DotDimensionNumbers = {
        ...dn, lhsBatch: shifted(dn.lhsBatch, bl), lhsContracting: shifted(dn.lhsContracting, bl),
      };
      return { out: o.dotGeneral(lhs, rhs, dims), batchDim: nBatch + freeBefore(lRank, bl, dn.lhsBatch, dn.lhsContracting) };
    }
    const b = br!;
    const rRank = o.shape(rhs).length - 1;
    const lFree = lRank - nBatch - dn.lhsContracting.length;
    const dims: DotDimensionNumbers = {
      ...dn, rhsBatch: shifted(dn.rhsBatch, b), rhsContracting: shifted(dn.rhsContracting, b),
    };
    return { out: o.dotGeneral(lhs, rhs, dims), batchDim: nBatch + lFree + freeBefore(rRank, b, dn.rhsBatch, dn.rhsContracting) };
  },
};
