import type { Primitive } from '../primitives';
import { whenBatched, type BatchRule, type BatchRuleTable } from './batch_rule';
import { ALONG_AXIS_BATCH_RULES } from './batch_along_axis';
import { COMPLEX_BATCH_RULES, ELEMENTWISE_BATCH_RULES } from './batch_elementwise';
import { INDEXING_BATCH_RULES } from './batch_indexing';
import { STRUCTURAL_BATCH_RULES } from './batch_structural';
import { WINDOW_BATCH_RULES } from './batch_window';
import { BITWISE_BATCH_RULES, RANDOM_BATCH_RULES } from './batch_random';

/** The families together; a primitive missing from all of them fails the type check here. */
const RULES: BatchRuleTable = {
  ...ELEMENTWISE_BATCH_RULES,
  ...STRUCTURAL_BATCH_RULES,
  ...INDEXING_BATCH_RULES,
  ...ALONG_AXIS_BATCH_RULES,
  ...WINDOW_BATCH_RULES,
  ...RANDOM_BATCH_RULES,
  ...BITWISE_BATCH_RULES,
  ...COMPLEX_BATCH_RULES,
};

/**
 * The batching rule of every primitive. Each runs the primitive once, unbatched, when none of
 * its inputs is batched, so the family rules may assume a batch axis somewhere.
 */
export const BATCH_RULES: BatchRuleTable = Object.fromEntries(
  (Object.keys(RULES) as Primitive[]).map((p) => [p, whenBatched(p, RULES[p] as BatchRule<Primitive>)]),
) as unknown as BatchRuleTable;
