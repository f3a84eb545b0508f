export type { BatchRule, BatchRuleTable } from './batch_rule';
export { batchAt, moveaxis } from './batch_rule';
export { BATCH_RULES } from './batch_rules';
