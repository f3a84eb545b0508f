import { CUMULATIVE, familyRules, SPECIAL_UNARY, type AlongAxisPrimitive, type CumulativePrimitive, type SpecialBinaryPrimitive, type SpecialUnaryPrimitive } from '../primitives';
import { shiftPast, type BatchRule, type BatchRuleTable } from './batch_rule';
import { broadcasting } from './batch_elementwise';

const elementwise = <P extends SpecialUnaryPrimitive>(p: P): BatchRule<P> =>
  (o, [x], [bd], params) => ({ out: o.bind(p, [x], params), batchDim: bd });

const cumulative = (p: CumulativePrimitive): BatchRule<CumulativePrimitive> =>
  (o, [x], [bd], { axis, reverse }) => ({ out: o.bind(p, [x], { axis: shiftPast(axis, bd!), reverse }), batchDim: bd });

/** The special functions act elementwise, the rest along one axis, which skips the batch axis; the batch axis stays put. */
export const ALONG_AXIS_BATCH_RULES: Pick<BatchRuleTable, SpecialUnaryPrimitive | SpecialBinaryPrimitive | AlongAxisPrimitive | 'is_finite'> = {
  ...familyRules(SPECIAL_UNARY, elementwise),
  rem: broadcasting('rem'),
  is_finite: (o, [x], [bd]) => ({ out: o.bind('is_finite', [x], {}), batchDim: bd }),
  ...familyRules(CUMULATIVE, cumulative),
  sort: (o, [x], [bd], { dimension, descending }) => ({ out: o.bind('sort', [x], { dimension: shiftPast(dimension, bd!), descending }), batchDim: bd }),
  argsort: (o, [x], [bd], { dimension, descending, indexDtype }) =>
    ({ out: o.bind('argsort', [x], { dimension: shiftPast(dimension, bd!), descending, indexDtype }), batchDim: bd }),
};
