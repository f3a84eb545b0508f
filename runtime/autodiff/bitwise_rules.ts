import { BITWISE, familyRules, type BitwisePrimitive } from '../primitives';
import type { JvpRuleTable } from './jvp_rule';
import { noTangent } from './jvp_elementwise';
import type { VjpRuleTable } from './vjp_rule';
import { noGradient } from './vjp_elementwise';

// NB: JAX gives not, and, or and xor `ad.defjvp_zero` (lax.py): bool and integer values carry no tangent.
export const BITWISE_JVP_RULES: Pick<JvpRuleTable, BitwisePrimitive> = familyRules(BITWISE, () => noTangent);
export const BITWISE_VJP_RULES: Pick<VjpRuleTable, BitwisePrimitive> = familyRules(BITWISE, () => noGradient);
