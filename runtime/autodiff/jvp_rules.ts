import { RANDOM_JVP_RULES } from './random_rules';
import { BITWISE_JVP_RULES } from './bitwise_rules';
import { COMPLEX_JVP_RULES } from './complex_rules';
import { WINDOW_JVP_RULES } from './jvp_window';
import type { JvpRuleTable } from './jvp_rule';
import { ALONG_AXIS_JVP_RULES } from './jvp_along_axis';
import { DOT_JVP_RULES } from './jvp_dot';
import { ELEMENTWISE_JVP_RULES } from './jvp_elementwise';
import { STRUCTURAL_JVP_RULES } from './jvp_structural';

/** The forward-mode rule of every primitive; a primitive missing from the families fails the type check here. */
export const JVP_RULES: JvpRuleTable = {
  ...ELEMENTWISE_JVP_RULES,
  ...STRUCTURAL_JVP_RULES,
  ...DOT_JVP_RULES,
  ...ALONG_AXIS_JVP_RULES,
  ...WINDOW_JVP_RULES,
  ...RANDOM_JVP_RULES,
  ...BITWISE_JVP_RULES,
  ...COMPLEX_JVP_RULES,
};
