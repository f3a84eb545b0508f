import type { JvpRuleTable } from './jvp_rule';
import { addTangents, floatOnly } from './jvp_elementwise';

export const WINDOW_JVP_RULES: Pick<JvpRuleTable, 'rev' | 'conv_general_dilated' | 'reduce_window_sum' | 'reduce_window_max' | 'select_and_gather_add' | 'select_and_scatter_add'> = {
  rev: floatOnly<'rev'>((o, _x, [t], _out, { dimensions }) => (t === null ? null : o.rev(t, dimensions))),
  // Bilinear: each operand's tangent convolved with the other primal, with the same params.
  conv_general_dilated: floatOnly<'conv_general_dilated'>((o, [lhs, rhs], [tl, tr], _out, p) => addTangents(o,
    tl === null ? null : o.conv(tl, rhs, p),
    tr === null ? null : o.conv(lhs, tr, p))),
  reduce_window_sum: floatOnly<'reduce_window_sum'>((o, _x, [t], _out, p) => (t === null ? null : o.reduceWindowSum(t, p))),
  // Each window's tangent is the tangent at its (first) maximum (JAX's _reduce_window_chooser_jvp_rule).
  reduce_window_max: floatOnly<'reduce_window_max'>((o, [x], [t], _out, p) => (t === null ? null : o.selectAndGatherAdd(t, x, p))),
  select_and_gather_add: floatOnly<'select_and_gather_add'>((o, [, operand], [t], _out, p) =>
    (t === null ? null : o.selectAndGatherAdd(t, operand, p))),
  select_and_scatter_add: floatOnly<'select_and_scatter_add'>((o, [, operand], [t], _out, p) =>
    (t === null ? null : o.selectAndScatterAdd(t, operand, p))),
};
