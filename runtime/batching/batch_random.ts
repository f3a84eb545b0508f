import { BITWISE_BINARY, familyRules, type BitwisePrimitive, type RandomBitsPrimitive } from '../primitives';
import { batchAt, type BatchRule, type BatchRuleTable } from './batch_rule';
import { broadcasting, unary } from './batch_elementwise';

/**
 * JAX's `batching.defvectorized`: the primitive maps every key of its operand, so a batch of keys
 * is more keys; the batch axis goes to the front, where the result keeps it (K + shape).
 */
const vectorized = <P extends 'random_bits' | 'random_split' | 'random_unwrap'>(prim: P): BatchRule<P> =>
  (o, [keys], [bd], params, axisSize) => ({ out: o.bind(prim, [batchAt(o, keys, bd, 0, axisSize)], params), batchDim: 0 });

export const RANDOM_BATCH_RULES: Pick<BatchRuleTable, RandomBitsPrimitive> = {
  // Seeds to keys elementwise: the batch axis stays where it is.
  random_seed: unary('random_seed'),
  ...familyRules(['random_bits', 'random_split', 'random_unwrap'] as const, vectorized),
  // JAX's `batching.defbroadcasting`: keys and messages broadcast together.
  random_fold_in: broadcasting('random_fold_in'),
  // JAX's random_wrap_batch_rule: the batch axis to the front, before the trailing 2 words.
  random_wrap: (o, [data], [bd], params, axisSize) => ({ out: o.bind('random_wrap', [batchAt(o, data, bd, 0, axisSize)], params), batchDim: 0 }),
  shift_right_logical: broadcasting('shift_right_logical'),
  bitcast_convert_type: unary('bitcast_convert_type'),
};

// JAX's `batching.defbroadcasting` for and, or, xor and `defvectorized` for not.
export const BITWISE_BATCH_RULES: Pick<BatchRuleTable, BitwisePrimitive> = {
  not: unary('not'),
  ...familyRules(BITWISE_BINARY, broadcasting),
};
