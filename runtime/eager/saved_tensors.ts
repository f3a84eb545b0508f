import type { Primitive } from '../primitives';

/**
 * Which of a recorded op's tensors PyTorch's node for the same op saves (tools/autograd/
 * derivatives.yaml, checked against PyTorch 1.13 by modifying each tensor in place before
 * backward): its backward checks those, and only those, were not modified in place since. A
 * Gradlens node keeps every input and its output whatever PyTorch saves (an in-place op writes
 * new memory, so the values it reads are right either way); the check is what the user sees.
 */
export interface SavedSet {
  /** The indices of the inputs saved. */
  readonly inputs: readonly number[];
  readonly output: boolean;
}

/** The saved set, given which inputs need a gradient: PyTorch saves an operand only for a gradient that reads it. */
type SavedRule = (needs: readonly boolean[]) => SavedSet;

// NB: the sets are made once, not per call: a rule runs for every op recorded.
const NOTHING: SavedSet = { inputs: [], output: false };
const SELF: SavedSet = { inputs: [0], output: false };
const OTHER: SavedSet = { inputs: [1], output: false };
const BOTH: SavedSet = { inputs: [0, 1], output: false };
const RESULT: SavedSet = { inputs: [], output: true };
const BOTH_AND_RESULT: SavedSet = { inputs: [0, 1], output: true };
const SELF_AND_RESULT: SavedSet = { inputs: [0], output: true };
const nothing: SavedRule = () => NOTHING;
const self: SavedRule = () => SELF;
const result: SavedRule = () => RESULT;
const selfAndResult: SavedRule = () => SELF_AND_RESULT;
const bothOperands: SavedRule = () => BOTH;
const everyInput = (arity: number): SavedRule => {
  const every: SavedSet = { inputs: Array.from({ length: arity }, (_, i) => i), output: false };
  return () => every;
};

/** A product (mul, mm): each operand is saved for the other's gradient. */
const product: SavedRule = (needs) => (needs[1] ? (needs[0] ? BOTH : SELF) : needs[0] ? OTHER : NOTHING);

export const SAVED_BY: { readonly [P in Primitive]: SavedRule } = {
  add: nothing,
  sub: nothing,
  mul: product,
  // grad / other for self; -grad * self / other^2 for other.
  div: (needs) => (needs[1] ? BOTH : OTHER),
  // PowBackward1 (PyTorch 1.13 saves all three whichever operand needs a gradient).
  pow: () => BOTH_AND_RESULT,
  max: bothOperands,
  min: bothOperands,
  lt: nothing,
  le: nothing,
  gt: nothing,
  ge: nothing,
  eq: nothing,
  ne: nothing,
  neg: nothing,
  integer_pow: self,
  exp: result,
  log: self,
  log1p: self,
  expm1: result,
  sin: self,
  cos: self,
  tan: result,
  tanh: result,
  logistic: result,
  sqrt: result,
  rsqrt: result,
  abs: self,
  stop_gradient: nothing,
  sign: nothing,
  // WhereBackward0 saves the condition only.
  select: self,
  clamp: everyInput(3),
  convert_element_type: nothing,
  reduce_sum: nothing,
  reduce_max: selfAndResult,
  reduce_min: selfAndResult,
  reduce_prod: selfAndResult,
  argmax: nothing,
  broadcast_in_dim: nothing,
  reshape: nothing,
  transpose: nothing,
  squeeze: nothing,
  expand_dims: nothing,
  slice: nothing,
  // The starts, for the cotangent's slice or update at them.
  dynamic_slice: (needs) => ({ inputs: needs.map((_, i) => i).filter((i) => i >= 1), output: false }),
  dynamic_update_slice: (needs) => ({ inputs: needs.map((_, i) => i).filter((i) => i >= 2), output: false }),
  // The index, not the values.
  gather: (needs) => (needs[0] ? OTHER : NOTHING),
  scatter_add: (needs) => (needs[0] ? OTHER : NOTHING),
  concatenate: nothing,
  pad: nothing,
  dot_general: product,
  iota: nothing,
  erf: self,
  erfinv: self,
  cbrt: self,
  logit: self,
  floor: nothing,
  ceil: nothing,
  round: nothing,
  cumsum: nothing,
  cumprod: selfAndResult,
  cummax: self,
  cummin: self,
  cumlogsumexp: selfAndResult,
  // SortBackward0 saves the permutation, which the values' node does not hold.
  sort: nothing,
  argsort: nothing,
  rev: nothing,
  conv_general_dilated: bothOperands,
  reduce_window_sum: self,
  reduce_window_max: self,
  select_and_gather_add: everyInput(2),
  select_and_scatter_add: everyInput(2),
  random_seed: nothing,
  random_bits: nothing,
  random_split: nothing,
  random_fold_in: nothing,
  random_wrap: nothing,
  random_unwrap: nothing,
  shift_right_logical: nothing,
  not: nothing,
  and: nothing,
  or: nothing,
  xor: nothing,
  // FmodBackward1: self and other, for other's gradient only.
  is_finite: nothing,
  rem: (needs) => (needs[1] ? BOTH : NOTHING),
  bitcast_convert_type: nothing,
  complex: nothing,
  real: nothing,
  imag: nothing,
  conj: nothing,
};
