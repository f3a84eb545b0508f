import type { DType } from '../core';

type NoParams = Record<string, never>;

/** JAX's lax.RoundingMethod, by its value: how round breaks a tie (x.5). */
export const ROUNDING_METHODS = { AWAY_FROM_ZERO: 0, TO_NEAREST_EVEN: 1 } as const;
export type RoundingMethod = (typeof ROUNDING_METHODS)[keyof typeof ROUNDING_METHODS];

export interface DotDimensionNumbers {
  readonly lhsContracting: readonly number[];
  readonly rhsContracting: readonly number[];
  readonly lhsBatch: readonly number[];
  readonly rhsBatch: readonly number[];
}

/**
 * Which operand axis is which, as JAX's ConvDimensionNumbers: `lhsSpec` is (batch, feature,
 * spatial...), `rhsSpec` (out feature, in feature, spatial...), `outSpec` (batch, feature, spatial...).
 */
export interface ConvDimensionNumbers {
  readonly lhsSpec: readonly number[];
  readonly rhsSpec: readonly number[];
  readonly outSpec: readonly number[];
}

/** A window over every axis of the operand (JAX's reduce_window params); padding pairs may be negative. */
export interface WindowParams {
  readonly windowDimensions: readonly number[];
  readonly windowStrides: readonly number[];
  readonly padding: readonly (readonly [number, number])[];
  readonly baseDilation: readonly number[];
  readonly windowDilation: readonly number[];
}

/**
 * Every primitive and its parameters. The keys of this interface are the primitive set:
 * each rule table in the runtime is a mapped type over them, so a primitive added here
 * without its rules fails the type check.
 */
export interface PrimitiveParams {
  // elementwise binary, with NumPy broadcasting; operands share one dtype
  add: NoParams;
  sub: NoParams;
  mul: NoParams;
  div: NoParams;
  pow: NoParams;
  max: NoParams;
  min: NoParams;
  // comparisons: broadcasting, bool result
  lt: NoParams;
  le: NoParams;
  gt: NoParams;
  ge: NoParams;
  eq: NoParams;
  ne: NoParams;
  // elementwise unary
  neg: NoParams;
  integer_pow: { readonly y: number };
  exp: NoParams;
  log: NoParams;
  log1p: NoParams;
  expm1: NoParams;
  sin: NoParams;
  cos: NoParams;
  tan: NoParams;
  tanh: NoParams;
  logistic: NoParams;
  sqrt: NoParams;
  rsqrt: NoParams;
  abs: NoParams;
  sign: NoParams;
  /** The identity, whose derivative is zero (`lax.stop_gradient`). */
  stop_gradient: NoParams;
  // rounding to a whole number (JAX's lax.floor, ceil, round): floats only, derivative zero
  floor: NoParams;
  ceil: NoParams;
  /** Ties away from zero (0, lax.round's default) or to the nearest even (1, jnp.round, torch.round). */
  round: { readonly roundingMethod: RoundingMethod };
  /** where(pred, onTrue, onFalse), broadcasting all three. */
  select: NoParams;
  /** lax.clamp(min, x, max): min(max(x, min), max), the bounds broadcasting to x. */
  clamp: NoParams;
  // lax's bitwise ops: logical on bool, bitwise on integers (lax.bitwise_not/and/or/xor, jnp.logical_*, ~ & | ^)
  not: NoParams;
  and: NoParams;
  or: NoParams;
  xor: NoParams;
  convert_element_type: { readonly newDtype: DType };
  // reductions over `axes`, which disappear from the shape
  reduce_sum: { readonly axes: readonly number[] };
  reduce_max: { readonly axes: readonly number[] };
  reduce_min: { readonly axes: readonly number[] };
  reduce_prod: { readonly axes: readonly number[] };
  argmax: { readonly axis: number; readonly indexDtype: 'int32' };
  // shape
  broadcast_in_dim: { readonly shape: readonly number[]; readonly broadcastDimensions: readonly number[] };
  reshape: { readonly newSizes: readonly number[] };
  transpose: { readonly permutation: readonly number[] };
  squeeze: { readonly dimensions: readonly number[] };
  expand_dims: { readonly dimensions: readonly number[] };
  slice: {
    readonly startIndices: readonly number[];
    readonly limitIndices: readonly number[];
    readonly strides: readonly number[] | null;
  };
  /**
   * lax.dynamic_slice: operands (operand, start per axis...), each start an int32 scalar clamped
   * into [0, n - size] as XLA does; the result has shape `sliceSizes`.
   */
  dynamic_slice: { readonly sliceSizes: readonly number[] };
  /** lax.dynamic_update_slice: operands (operand, update, start per axis...), starts clamped as dynamic_slice's. */
  dynamic_update_slice: NoParams;
  /** take(operand, indices, axis): operand.shape[:axis] + indices.shape + operand.shape[axis+1:]. */
  gather: { readonly axis: number };
  /** The transpose of gather: zeros of `operandShape` with updates added at indices along `axis`. */
  scatter_add: { readonly axis: number; readonly operandShape: readonly number[] };
  concatenate: { readonly dimension: number };
  /** Constant padding; `lo`/`hi` per axis, non-negative. */
  pad: { readonly lo: readonly number[]; readonly hi: readonly number[]; readonly value: number };
  dot_general: { readonly dimensionNumbers: DotDimensionNumbers };
  /** The remainder of C's truncating division (lax.rem): the dividend's sign, fmod on floats; broadcasting. */
  rem: NoParams;
  iota: { readonly dtype: DType; readonly shape: readonly number[]; readonly dimension: number };
  // special functions: elementwise, with kernels of their own (not lowered into fused loops)
  erf: NoParams;
  erfinv: NoParams;
  /** JAX's lax.cbrt: XLA's copysign(pow(|x|, 1/3), x). */
  cbrt: NoParams;
  /**
   * PyTorch's logit, log(z / (1 - z)), z = x or x clamped to [eps, 1 - eps] (both rounded to x's
   * dtype): a primitive so its derivative is PyTorch's grad / (x (1 - x)), not a composed one.
   */
  logit: { readonly eps: number | null };
  /** JAX's lax.is_finite: true where a float is neither infinite nor NaN (bool, same shape; no derivative). */
  is_finite: NoParams;
  // cumulative along `axis` (from its end when `reverse`), keeping the shape: JAX's lax.cumsum, ...
  cumsum: CumulativeParams;
  cumprod: CumulativeParams;
  cummax: CumulativeParams;
  cummin: CumulativeParams;
  cumlogsumexp: CumulativeParams;
  /** The operand sorted along `dimension`; NaNs sort above everything (last, or first when descending). */
  sort: SortParams;
  /** The stable permutation that `sort` applies: int32 positions along `dimension`, equal keys in their order. */
  argsort: SortParams & { readonly indexDtype: 'int32' };
  /** Reverses the order of the elements along `dimensions`. */
  rev: { readonly dimensions: readonly number[] };
  /** lax.conv_general_dilated: padding pairs per spatial axis (may be negative), groups of features or of the batch. */
  conv_general_dilated: {
    readonly windowStrides: readonly number[];
    readonly padding: readonly (readonly [number, number])[];
    readonly lhsDilation: readonly number[];
    readonly rhsDilation: readonly number[];
    readonly dimensionNumbers: ConvDimensionNumbers;
    readonly featureGroupCount: number;
    readonly batchGroupCount: number;
  };
  // windowed reductions: padding and holes hold the reduction's identity (0, -inf)
  reduce_window_sum: WindowParams;
  reduce_window_max: WindowParams;
  /** (tangent, operand): per window, the tangent at the operand's maximum (reduce_window_max's JVP). */
  select_and_gather_add: WindowParams;
  /** (source, operand): zeros of the operand's shape, each window's source added at its maximum (its VJP). */
  select_and_scatter_add: WindowParams;
  // jax.random (JAX's jax/_src/prng.py): keys are key<fry> arrays; each op maps every key of its
  // operand's shape (keys of shape K give K + shape), its kernel is JAX's threefry2x32 on the host.
  /** Seeds (int32 or int64) to keys of the same shape: `[seed >> 32, seed & 0xFFFFFFFF]` each. */
  random_seed: { readonly impl: 'fry' };
  /**
   * Keys of shape K to uint32 bits of shape K + `shape`. `partitionable`: the key layout of
   * `jax_threefry_partitionable` (on since JAX 0.5), which JAX reads when it lowers; not printed.
   */
  random_bits: { readonly bitWidth: 32; readonly shape: readonly number[]; readonly partitionable: boolean };
  /** Keys of shape K to keys of shape K + `shape` (`partitionable` as random_bits's). */
  random_split: { readonly shape: readonly number[]; readonly partitionable: boolean };
  /** (keys, messages) broadcast together: each key with its uint32-seeded message folded in. */
  random_fold_in: NoParams;
  /** uint32[..., 2] key data to key<fry>[...]. */
  random_wrap: { readonly impl: 'fry' };
  /** key<fry>[...] to its uint32[..., 2] key data. */
  random_unwrap: NoParams;
  // integer bit manipulation (lax's), on uint32: how jax.random's samplers make floats and integers from bits
  shift_right_logical: NoParams;
  /** The same bits read as another dtype of the same width (uint32 <-> float32). */
  bitcast_convert_type: { readonly newDtype: DType };
  // complex numbers (lax's): made from and taken apart into their float parts
  /** (x, y) of one float dtype, broadcast: x + iy (lax.complex). */
  complex: NoParams;
  /** The real part of a complex operand, in its part dtype. */
  real: NoParams;
  /** The imaginary part of a complex operand, in its part dtype. */
  imag: NoParams;
  /** The complex conjugate; a float operand gives its complex value (lax.conj's `input_dtype` says which it was). */
  conj: { readonly inputDtype: DType };
}

export interface CumulativeParams {
  readonly axis: number;
  readonly reverse: boolean;
}

export interface SortParams {
  readonly dimension: number;
  readonly descending: boolean;
}

export type Primitive = keyof PrimitiveParams;
export type ParamsOf<P extends Primitive> = PrimitiveParams[P];
