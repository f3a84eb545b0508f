import type { JvpRuleTable } from './jvp_rule';
import { addTangents, floatOnly } from './jvp_elementwise';

export const DOT_JVP_RULES: Pick<JvpRuleTable, 'dot_general'> = {
  // Bilinear: each operand's tangent contracts with the other primal, with the same dimension numbers.
  dot_general: floatOnly<'dot_general'>((o, [x, y], [tx, ty], _out, { dimensionNumbers }) => addTangents(o,
    tx === null ? null : o.dotGeneral(tx, y, dimensionNumbers),
    ty === null ? null : o.dotGeneral(x, ty, dimensionNumbers))),
};
