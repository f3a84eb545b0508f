import type { Ops } from '../ops';
import type { DotDimensionNumbers } from '../primitives';
import type { VjpRuleTable } from './vjp_rule';
import { floatOnly } from './vjp_elementwise';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** The axes of a rank-`rank` array that are in none of `removed`, in order. */
function remaining(rank: number, ...removed: (readonly number[])[]): number[] {
  return range(0, rank).filter((d) => !removed.some((r) => r.includes(d)));
}

function argsort(xs: readonly number[]): number[] {
  return xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
}

/**
 * The cotangent of dot_general's lhs `x`, given the rhs `y` (JAX's _dot_general_transpose_lhs):
 * contract g with y over y's free axes, then permute the result, laid out as
 * (batch, x free, x contracting in y's order), back into x's axis order. With `swapAns` the
 * output holds y's free axes before x's, which is how the rhs transpose reuses this one.
 */
function transposeLhs<T>(o: Ops<T>, g: T, y: T, xRank: number, dn: DotDimensionNumbers, swapAns: boolean): T {
  const { lhsContracting: xContract, rhsContracting: yContract, lhsBatch: xBatch, rhsBatch: yBatch } = dn;
  const xKept = remaining(xRank, xContract, xBatch);
  const yKept = remaining(o.shape(y).length, yContract, yBatch);
  const nBatch = xBatch.length;
  const ansY = swapAns
    ? range(nBatch, nBatch + yKept.length)
    : range(nBatch + xKept.length, nBatch + xKept.length + yKept.length);
  const dims: DotDimensionNumbers = {
    lhsContracting: ansY, rhsContracting: yKept, lhsBatch: range(0, nBatch), rhsBatch: yBatch,
  };
  const xContractSortedByY = argsort(yContract).map((i) => xContract[i]);
  const outAxes = argsort([...xBatch, ...xKept, ...xContractSortedByY]);
  return o.transpose(o.dotGeneral(g, y, dims), outAxes);
}

export const DOT_VJP_RULES: Pick<VjpRuleTable, 'dot_general'> = {
  dot_general: floatOnly<'dot_general'>((o, g, [x, y], _out, { dimensionNumbers: dn }, wanted) => {
    const swapped: DotDimensionNumbers = {
      lhsContracting: dn.rhsContracting, rhsContracting: dn.lhsContracting,
      lhsBatch: dn.rhsBatch, rhsBatch: dn.lhsBatch,
    };
    return [
      wanted?.[0] === false ? null : transposeLhs(o, g, y, o.shape(x).length, dn, false),
      wanted?.[1] === false ? null : transposeLhs(o, g, x, o.shape(y).length, swapped, true),
    ];
  }),
};
