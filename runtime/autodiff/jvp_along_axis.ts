import { cumulative, cumulativeArgExtreme, linearRecurrence, shiftAlong, takeAlongAxis } from '../ops';
import type { AlongAxisPrimitive, SpecialBinaryPrimitive, SpecialUnaryPrimitive } from '../primitives';
import type { JvpRuleTable } from './jvp_rule';
import { addTangents, floatOnly, noTangent } from './jvp_elementwise';
import { cbrtDerivative, erfDerivative, erfinvDerivative, logitDerivative, remDivisorDerivative, exclusiveCumprod } from './vjp_along_axis';

export const ALONG_AXIS_JVP_RULES: Pick<JvpRuleTable, SpecialUnaryPrimitive | SpecialBinaryPrimitive | AlongAxisPrimitive | 'is_finite'> = {
  erf: floatOnly<'erf'>((o, [x], [t]) => erfDerivative(o, t!, x)),
  erfinv: floatOnly<'erfinv'>((o, _primals, [t], out) => erfinvDerivative(o, t!, out)),
  cbrt: floatOnly<'cbrt'>((o, _primals, [t], out) => cbrtDerivative(o, t!, out)),
  // PyTorch's auto_element_wise: the backward formula applied to the tangent.
  logit: floatOnly<'logit'>((o, [x], [t], _out, params) => logitDerivative(o, t!, x, params)),
  rem: floatOnly<'rem'>((o, [x, y], [tx, ty], out) => addTangents(o,
    tx === null ? null : o.broadcastTo(tx, o.shape(out)),
    ty === null ? null : remDivisorDerivative(o, o.broadcastTo(ty, o.shape(out)), x, y))),
  // A bool output: no tangent (JAX's defjvp_zero).
  is_finite: noTangent,
  cumsum: floatOnly<'cumsum'>((o, _primals, [t], _out, { axis, reverse }) => cumulative(o, 'cumsum', t!, axis, reverse)),
  // The transpose of the VJP rule: dout_i = x_i dout_(i-1) + (prod_{k < i} x_k) t_i, along the scan.
  cumprod: floatOnly<'cumprod'>((o, [x], [t], out, params) =>
    linearRecurrence(o, x, o.mul(t!, exclusiveCumprod(o, out, params)), params.axis, params.reverse)),
  cummax: floatOnly<'cummax'>((o, [x], [t], out, { axis, reverse }) => takeAlongAxis(o, t!, cumulativeArgExtreme(o, x, out, axis, reverse), axis)),
  cummin: floatOnly<'cummin'>((o, [x], [t], out, { axis, reverse }) => takeAlongAxis(o, t!, cumulativeArgExtreme(o, x, out, axis, reverse), axis)),
  // dout_i = sum_{k <= i} t_k exp(x_k - out_i), as the recurrence
  // dout_i = exp(out_(i-1) - out_i) dout_(i-1) + exp(x_i - out_i) t_i, whose factors are at most 1.
  cumlogsumexp: floatOnly<'cumlogsumexp'>((o, [x], [t], out, { axis, reverse }) => {
    const noMass = o.eq(out, o.scalarLike(-Infinity, out));
    const zero = o.zerosLike(out);
    const weight = (v: T) => o.select(noMass, zero, o.exp(o.sub(v, out)));
    type T = typeof out;
    const carry = weight(shiftAlong(o, out, axis, 1, reverse, -Infinity));
    return linearRecurrence(o, carry, o.mul(t!, weight(x)), axis, reverse);
  }),
  sort: floatOnly<'sort'>((o, [x], [t], _out, { dimension, descending }) =>
    takeAlongAxis(o, t!, o.bind('argsort', [x], { dimension, descending, indexDtype: 'int32' }), dimension)),
  argsort: noTangent,
};
