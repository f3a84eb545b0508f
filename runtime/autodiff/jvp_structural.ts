import type { Shape } from '../core';
import type { Ops } from '../ops';
import { familyRules, RESHAPE_LIKE, type Primitive, type StructuralPrimitive, type WindowedPrimitive } from '../primitives';
import type { JvpRule, JvpRuleTable } from './jvp_rule';
import { floatOnly, noTangent } from './jvp_elementwise';
import { VJP_RULES } from './vjp_rules';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Broadcasts a reduction's result back over the reduced `axes` of `shape`. */
function unreduce<T>(o: Ops<T>, r: T, shape: Shape, axes: readonly number[]): T {
  if (axes.length === 0) return r;
  return o.broadcastInDim(r, shape, range(shape.length).filter((d) => !axes.includes(d)));
}

/** A linear op: its tangent is the op applied to the operand's tangent, with the same params. */
function sameOp<P extends Primitive>(prim: P): JvpRule<P> {
  return floatOnly<P>((o, _primals, [t], _out, params) => (t === null ? null : o.bind(prim, [t], params)));
}

/**
 * The tangent of max/min reductions is the mean of the tangents at the positions equal to the
 * result. NB: ties divide it equally among those positions (JAX's _reduce_chooser_jvp_rule),
 * the transpose of the VJP rule's split.
 */
const reduceChooser: JvpRule<'reduce_max' | 'reduce_min'> = floatOnly<'reduce_max' | 'reduce_min'>(
  (o, [x], [t], out, { axes }) => {
    if (t === null) return null;
    const hits = o.convert(o.eq(x, unreduce(o, out, o.shape(x), axes)), o.dtype(out));
    return o.div(o.reduceSum(o.mul(t, hits), axes), o.reduceSum(hits, axes));
  });

export const STRUCTURAL_JVP_RULES: Pick<JvpRuleTable, Exclude<StructuralPrimitive, WindowedPrimitive | 'rev'>> = {
  reduce_sum: sameOp('reduce_sum'),
  reduce_max: reduceChooser,
  reduce_min: reduceChooser,
  reduce_prod: floatOnly<'reduce_prod'>((o, [x], [t], out, params) => {
    if (t === null) return null;
    // NB: the VJP rule with a cotangent of ones gives each d out / d x_i, exact where x has zeros
    // (unlike out / x) and built of differentiable primitives.
    const partials = VJP_RULES.reduce_prod(o, o.onesLike(out), [x], out, params)[0]!;
    return o.reduceSum(o.mul(t, partials), params.axes);
  }),
  argmax: noTangent,

  ...familyRules(RESHAPE_LIKE, sameOp),
  transpose: sameOp('transpose'),
  slice: sameOp('slice'),
  // JAX's _dynamic_slice_jvp: the tangent sliced at the same starts.
  dynamic_slice: floatOnly<'dynamic_slice'>((o, [, ...starts], [t], _out, params) => (t === null ? null : o.bind('dynamic_slice', [t, ...starts], params))),
  // JAX's _dynamic_update_slice_jvp: both tangents (a zero one materialized) updated at the same starts.
  dynamic_update_slice: floatOnly<'dynamic_update_slice'>((o, [x, update, ...starts], [tx, tu]) =>
    o.bind('dynamic_update_slice', [tx ?? o.zerosLike(x), tu ?? o.zerosLike(update), ...starts], {})),
  // The padding value is a constant: the tangent pads with zeros.
  pad: floatOnly<'pad'>((o, _primals, [t], _out, { lo, hi }) => (t === null ? null : o.pad(t, lo, hi, 0))),
  gather: floatOnly<'gather'>((o, [, indices], [t], _out, { axis }) => (t === null ? null : o.gather(t, indices, axis))),
  scatter_add: floatOnly<'scatter_add'>((o, [, indices], [t], _out, { axis, operandShape }) =>
    (t === null ? null : o.scatterAdd(t, indices, axis, operandShape))),
  // Only here must a symbolic zero be materialized: its piece of the output still has to exist.
  concatenate: floatOnly<'concatenate'>((o, primals, tangents, _out, { dimension }) =>
    o.concatenate(primals.map((x, i) => tangents[i] ?? o.zerosLike(x)), dimension)),
  iota: noTangent,
};
