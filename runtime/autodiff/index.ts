export type { VjpRule, VjpRuleTable } from './vjp_rule';
export { VJP_RULES } from './vjp_rules';
