import { familyRules, RANDOM_BITS, type RandomBitsPrimitive } from '../primitives';
import type { JvpRuleTable } from './jvp_rule';
import { noTangent } from './jvp_elementwise';
import type { VjpRuleTable } from './vjp_rule';
import { noGradient } from './vjp_elementwise';

// NB: JAX gives every one of these `ad.defjvp_zero` (prng.py, lax.py): keys and bits carry no
// tangent (float0), so a sample's derivative with respect to its key is a symbolic zero, and a
// gradient reaches a sampler's float parameters only through the float ops after the bits.
export const RANDOM_JVP_RULES: Pick<JvpRuleTable, RandomBitsPrimitive> = familyRules(RANDOM_BITS, () => noTangent);
export const RANDOM_VJP_RULES: Pick<VjpRuleTable, RandomBitsPrimitive> = familyRules(RANDOM_BITS, () => noGradient);
