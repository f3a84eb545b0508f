export type { VjpRule, VjpRuleTable } from './vjp_rule';
export { VJP_RULES } from './vjp_rules';
export type { JvpRule, JvpRuleTable } from './jvp_rule';
export { JVP_RULES } from './jvp_rules';
