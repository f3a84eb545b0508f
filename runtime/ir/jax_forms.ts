import type { AbstractValue } from '../core';
import {
  ARITHMETIC_BINARY, BITWISE, COMPARISONS, CUMULATIVE, familyRules, PARAM_FREE_UNARY, REDUCTIONS, WINDOW_REDUCTIONS, type ParamsOf, type Primitive,
  type WindowParams, type WindowReductionPrimitive,
} from '../primitives';
import { pyInts, pyList, pyName, pyRepr, pyTuple, type PyValue } from './pyrepr';
import { Literal, type Atom } from './types';

/** How JAX spells an equation: its primitive name, snake_case params, and operands in JAX's order. */
export interface JaxForm {
  readonly name: string;
  readonly params: Readonly<Record<string, PyValue>>;
  readonly operands: readonly Atom[];
}

interface EqnView {
  readonly inputs: readonly Atom[];
  readonly out: AbstractValue;
}

export type JaxFormRule<P extends Primitive> = (params: ParamsOf<P>, eqn: EqnView) => JaxForm;

const plain = (name: string) => (_p: unknown, { inputs }: EqnView): JaxForm => ({ name, params: {}, operands: inputs });
const withParams = <P extends Primitive>(name: string, f: (p: ParamsOf<P>, eqn: EqnView) => Record<string, PyValue>): JaxFormRule<P> =>
  (p, eqn) => ({ name, params: f(p, eqn), operands: eqn.inputs });
const reduction = (name: string) => ({ axes }: { readonly axes: readonly number[] }, { inputs }: EqnView): JaxForm =>
  ({ name, params: { axes: pyInts(axes) }, operands: inputs });

const pads = (padding: readonly (readonly [number, number])[]): PyValue => pyTuple(padding.map((pair) => pyInts(pair)));

/** A window's params as JAX's reduce_window_* print them. */
const windowParams = (p: WindowParams): Record<string, PyValue> => ({
  base_dilation: pyInts(p.baseDilation),
  padding: pads(p.padding),
  window_dilation: pyInts(p.windowDilation),
  window_dimensions: pyInts(p.windowDimensions),
  window_strides: pyInts(p.windowStrides),
});

/**
 * One entry for each primitive (a mapped type: a primitive added without one fails the build).
 * Where JAX has the primitive, names, params and value formats are JAX 0.4.35's (iota's
 * sharding=None included; broadcast_in_dim's sharding came in 0.4.36); where it does not (gather as `take`, scatter_add), ours in JAX's style.
 */
export const JAX_FORMS: { readonly [P in Primitive]: JaxFormRule<P> } = {
  // NB: JAX names these primitives as we do and gives them no params.
  ...familyRules(ARITHMETIC_BINARY, plain),
  ...familyRules(COMPARISONS, plain),
  ...familyRules(PARAM_FREE_UNARY, plain),
  integer_pow: withParams('integer_pow', ({ y }) => ({ y })),
  // NB: JAX's RoundingMethod is an IntEnum, which Python 3.11's str() prints as its value.
  round: withParams('round', ({ roundingMethod }) => ({ rounding_method: roundingMethod })),
  // NB: JAX's select_n takes the cases in index order, false first: where(p, t, f) is `select_n p f t`.
  select: (_p, { inputs: [pred, onTrue, onFalse] }) => ({ name: 'select_n', params: {}, operands: [pred, onFalse, onTrue] }),
  clamp: plain('clamp'),
  // NB: JAX names lax's bitwise primitives `not`, `and`, `or`, `xor` (lax.py not_p, and_p, ...), without params.
  ...familyRules(BITWISE, plain),
  convert_element_type: withParams('convert_element_type', ({ newDtype }) => ({ new_dtype: pyName(newDtype), weak_type: false })),
  ...familyRules(REDUCTIONS, reduction),
  argmax: withParams('argmax', ({ axis, indexDtype }) => ({ axes: pyInts([axis]), index_dtype: pyName(indexDtype) })),
  broadcast_in_dim: withParams('broadcast_in_dim', ({ shape, broadcastDimensions }) => ({
    broadcast_dimensions: pyInts(broadcastDimensions), shape: pyInts(shape),
  })),
  reshape: withParams('reshape', ({ newSizes }) => ({ dimensions: null, new_sizes: pyInts(newSizes) })),
  transpose: withParams('transpose', ({ permutation }) => ({ permutation: pyInts(permutation) })),
  squeeze: withParams('squeeze', ({ dimensions }) => ({ dimensions: pyInts(dimensions) })),
  // JAX has no expand_dims primitive: lax.expand_dims binds broadcast_in_dim.
  expand_dims: withParams('broadcast_in_dim', ({ dimensions }, { out }) => ({
    broadcast_dimensions: pyInts(out.shape.map((_, i) => i).filter((i) => !dimensions.includes(i))),
    shape: pyInts(out.shape),
  })),
  slice: withParams('slice', ({ startIndices, limitIndices, strides }) => ({
    limit_indices: pyInts(limitIndices), start_indices: pyInts(startIndices), strides: strides === null ? null : pyInts(strides),
  })),
  dynamic_slice: withParams('dynamic_slice', ({ sliceSizes }) => ({ slice_sizes: pyInts(sliceSizes) })),
  dynamic_update_slice: plain('dynamic_update_slice'),
  gather: withParams('gather', ({ axis }) => ({ axis })),
  scatter_add: withParams('scatter_add', ({ axis, operandShape }) => ({ axis, operand_shape: pyInts(operandShape) })),
  concatenate: withParams('concatenate', ({ dimension }) => ({ dimension })),
  // JAX's pad takes the padding value as its second operand, and an interior padding per axis.
  pad: ({ lo, hi, value }, { inputs, out }) => ({
    name: 'pad',
    params: { padding_config: pyTuple(lo.map((l, i) => pyInts([l, hi[i], 0]))) },
    operands: [...inputs, new Literal(value, out.dtype)],
  }),
  dot_general: withParams('dot_general', ({ dimensionNumbers: dn }, { out }) => ({
    dimension_numbers: pyTuple([
      pyTuple([pyList(dn.lhsContracting), pyList(dn.rhsContracting)]),
      pyTuple([pyList(dn.lhsBatch), pyList(dn.rhsBatch)]),
    ]),
    // NB: JAX's _dot_general_pp_rule leaves out the params that are None (precision here).
    preferred_element_type: pyName(out.dtype),
  })),
  // iota has had a sharding param since JAX 0.4.35 (convert_element_type's pp rule hides its None; iota has no such rule).
  iota: withParams('iota', ({ dtype, shape, dimension }) => ({ dimension, dtype: pyName(dtype), shape: pyInts(shape), sharding: null })),
  erf: plain('erf'),
  erfinv: plain('erf_inv'),
  cbrt: plain('cbrt'),
  // Not a JAX primitive (jax.scipy.special.logit composes log and div): torch.logit's, printed in JAX's style.
  logit: withParams('logit', ({ eps }) => ({ eps })),
  ...familyRules(CUMULATIVE, (p) => withParams<typeof p>(p, ({ axis, reverse }) => ({ axis, reverse }))),
  // JAX's sort is ascending (jnp.sort(descending=True) reverses it after); ours says so when it is not.
  sort: withParams('sort', ({ dimension, descending }) => ({ ...(descending ? { descending } : {}), dimension, is_stable: true, num_keys: 1 })),
  // JAX has no argsort primitive (jnp.argsort sorts the operand with an iota beside it): ours in its style.
  argsort: withParams('argsort', ({ dimension, descending, indexDtype }) => ({ descending, dimension, index_dtype: pyName(indexDtype), is_stable: true })),
  rev: withParams('rev', ({ dimensions }) => ({ dimensions: pyInts(dimensions) })),
  conv_general_dilated: withParams('conv_general_dilated', (p) => ({
    batch_group_count: p.batchGroupCount,
    dimension_numbers: pyName(`ConvDimensionNumbers(lhs_spec=${pyRepr(pyInts(p.dimensionNumbers.lhsSpec))}, `
      + `rhs_spec=${pyRepr(pyInts(p.dimensionNumbers.rhsSpec))}, out_spec=${pyRepr(pyInts(p.dimensionNumbers.outSpec))})`),
    feature_group_count: p.featureGroupCount,
    lhs_dilation: pyInts(p.lhsDilation),
    padding: pads(p.padding),
    precision: null,
    preferred_element_type: null,
    rhs_dilation: pyInts(p.rhsDilation),
    window_strides: pyInts(p.windowStrides),
  })),
  ...familyRules(WINDOW_REDUCTIONS, (name) => withParams<WindowReductionPrimitive>(name, windowParams)),
  select_and_gather_add: withParams('select_and_gather_add', (p) => ({ ...windowParams(p), select_prim: pyName('ge') })),
  // NB: JAX's select_and_scatter_add has no dilations (its transpose refuses them); ours prints them where they are not 1.
  select_and_scatter_add: withParams('select_and_scatter_add', (p) => {
    const { base_dilation: base, window_dilation: dilation, ...rest } = windowParams(p);
    const dilated = [...p.baseDilation, ...p.windowDilation].some((d) => d !== 1);
    return { ...rest, select_prim: pyName('ge'), ...(dilated ? { base_dilation: base, window_dilation: dilation } : {}) };
  }),
  // jax.random's primitives as JAX 0.4.35 prints them (prng.py: `impl=fry` is the threefry2x32 impl's name).
  random_seed: withParams('random_seed', ({ impl }) => ({ impl: pyName(impl) })),
  random_bits: withParams('random_bits', ({ bitWidth, shape }) => ({ bit_width: bitWidth, shape: pyInts(shape) })),
  random_split: withParams('random_split', ({ shape }) => ({ shape: pyInts(shape) })),
  random_fold_in: plain('random_fold_in'),
  random_wrap: withParams('random_wrap', ({ impl }) => ({ impl: pyName(impl) })),
  random_unwrap: plain('random_unwrap'),
  shift_right_logical: plain('shift_right_logical'),
  rem: plain('rem'),
  is_finite: plain('is_finite'),
  bitcast_convert_type: withParams('bitcast_convert_type', ({ newDtype }) => ({ new_dtype: pyName(newDtype) })),
  complex: plain('complex'),
  real: plain('real'),
  imag: plain('imag'),
  conj: withParams('conj', ({ inputDtype }) => ({ input_dtype: pyName(inputDtype) })),
};

export function jaxForm<P extends Primitive>(prim: P, params: ParamsOf<P>, eqn: EqnView): JaxForm {
  return (JAX_FORMS[prim] as JaxFormRule<P>)(params, eqn);
}
