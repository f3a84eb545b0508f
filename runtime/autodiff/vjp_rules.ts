import { RANDOM_VJP_RULES } from './random_rules';
import { BITWISE_VJP_RULES } from './bitwise_rules';
import { COMPLEX_VJP_RULES } from './complex_rules';
import { WINDOW_VJP_RULES } from './vjp_window';
import type { VjpRuleTable } from './vjp_rule';
import { ALONG_AXIS_VJP_RULES } from './vjp_along_axis';
import { DOT_VJP_RULES } from './vjp_dot';
import { ELEMENTWISE_VJP_RULES } from './vjp_elementwise';
import { STRUCTURAL_VJP_RULES } from './vjp_structural';

/** The reverse-mode rule of every primitive; a primitive missing from the families fails the type check here. */
export const VJP_RULES: VjpRuleTable = {
  ...ELEMENTWISE_VJP_RULES,
  ...STRUCTURAL_VJP_RULES,
  ...DOT_VJP_RULES,
  ...ALONG_AXIS_VJP_RULES,
  ...WINDOW_VJP_RULES,
  ...RANDOM_VJP_RULES,
  ...BITWISE_VJP_RULES,
  ...COMPLEX_VJP_RULES,
};
