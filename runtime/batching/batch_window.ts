import { reshapeAxisInto, reshapeAxisOutOf } from '../ops';
import { familyRules, identityWindowAxis, WINDOW_REDUCTIONS, WINDOW_SELECTIONS, type WindowReductionPrimitive, type WindowSelectionPrimitive } from '../primitives';
import { batchAt, shiftPast, type BatchRule, type BatchRuleTable } from './batch_rule';

/** The batch axis gets a window of one: each example's windows stay its own. */
function windowReduction<P extends WindowReductionPrimitive>(prim: P): BatchRule<P> {
  return (o, [x], [bd], params) => ({ out: o.bind<WindowReductionPrimitive>(prim, [x], identityWindowAxis(params, bd!)), batchDim: bd! });
}

/** Both operands batched at 0 (a shared one copied), the batch axis with a window of one. */
function windowSelection<P extends WindowSelectionPrimitive>(prim: P): BatchRule<P> {
  return (o, [value, operand], [bv, bo], params, axisSize) => ({
    out: o.bind<WindowSelectionPrimitive>(prim, [batchAt(o, value, bv, 0, axisSize), batchAt(o, operand, bo, 0, axisSize)], identityWindowAxis(params, 0)),
    batchDim: 0,
  });
}

export const WINDOW_BATCH_RULES: Pick<BatchRuleTable, 'rev' | 'conv_general_dilated' | WindowReductionPrimitive | WindowSelectionPrimitive> = {
  rev: (o, [x], [bd], { dimensions }) => ({ out: o.rev(x, dimensions.map((d) => shiftPast(d, bd!))), batchDim: bd! }),
  ...familyRules(WINDOW_REDUCTIONS, windowReduction),
  ...familyRules(WINDOW_SELECTIONS, windowSelection),
  /**
   * JAX's _conv_general_dilated_batch_rule: the batch axis folds into the lhs batch (one batched
   * lhs), into the kernel's output features (one batched kernel), or into both as extra feature
   * groups (both batched), and comes back out of the result's batch or feature axis.
   */
  conv_general_dilated: (o, [lhs, rhs], [bl, br], p) => {
    const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
    if (bl !== null && br !== null) {
      const size = o.shape(lhs)[bl];
      const grouped = p.batchGroupCount > 1
        ? { lhs: reshapeAxisInto(o, bl, lhsSpec[0], lhs), featureGroupCount: p.featureGroupCount, batchGroupCount: p.batchGroupCount * size }
        : { lhs: reshapeAxisInto(o, bl, lhsSpec[1], lhs), featureGroupCount: p.featureGroupCount * size, batchGroupCount: p.batchGroupCount };
      const out = o.conv(grouped.lhs, reshapeAxisInto(o, br, rhsSpec[0], rhs), {
        ...p, featureGroupCount: grouped.featureGroupCount, batchGroupCount: grouped.batchGroupCount,
      });
      return { out: reshapeAxisOutOf(o, outSpec[1], size, out), batchDim: outSpec[1] };
    }
    if (bl !== null) {
      const size = o.shape(lhs)[bl];
      if (p.batchGroupCount === 1) {
        const out = o.conv(reshapeAxisInto(o, bl, lhsSpec[0], lhs), rhs, p);
        return { out: reshapeAxisOutOf(o, outSpec[0], size, out), batchDim: outSpec[0] };
      }
      let x = reshapeAxisOutOf(o, lhsSpec[0] + (bl <= lhsSpec[0] ? 1 : 0), p.batchGroupCount, lhs);
      x = reshapeAxisInto(o, bl + (lhsSpec[0] < bl ? 1 : 0), lhsSpec[0] + 1, x);
      x = reshapeAxisInto(o, lhsSpec[0], lhsSpec[0], x);
      const out = o.conv(x, rhs, p);
      return { out: reshapeAxisOutOf(o, outSpec[0], size, out), batchDim: outSpec[0] };
    }
    const b = br!;
    const size = o.shape(rhs)[b];
    if (p.featureGroupCount === 1 && p.batchGroupCount === 1) {
      const out = o.conv(lhs, reshapeAxisInto(o, b, rhsSpec[0], rhs), p);
      return { out: reshapeAxisOutOf(o, outSpec[1], size, out), batchDim: outSpec[1] };
    }
    // The groups stay outermost in the kernel's output features: factor them out, fold the batch
    // axis into the rest, put them back; the same on the result.
    const groups = p.featureGroupCount > 1 ? p.featureGroupCount : p.batchGroupCount;
    let w = reshapeAxisOutOf(o, rhsSpec[0] + (b <= rhsSpec[0] ? 1 : 0), groups, rhs);
    w = reshapeAxisInto(o, b + (rhsSpec[0] < b ? 1 : 0), rhsSpec[0] + 1, w);
    w = reshapeAxisInto(o, rhsSpec[0], rhsSpec[0], w);
    let out = o.conv(lhs, w, p);
    out = reshapeAxisOutOf(o, outSpec[1], groups, out);
    out = reshapeAxisOutOf(o, outSpec[1] + 1, size, out);
    out = reshapeAxisInto(o, outSpec[1], outSpec[1] + 1, out);
    return { out, batchDim: outSpec[1] };
  },
};
