import type { Primitive } from './params';

// The primitive families, each declared once (as tinygrad's GroupOp): every set, list and Pick<>
// over a family elsewhere derives from these, so a primitive added to a family reaches every rule
// table that covers the family, and the table's mapped type says which rule it still lacks.

/** The binary elementwise primitives with a derivative (NumPy broadcasting, one dtype). */
export const ARITHMETIC_BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'max', 'min'] as const satisfies readonly Primitive[];
/** Broadcasting comparisons with a bool result. */
export const COMPARISONS = ['lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const satisfies readonly Primitive[];
/** Unary elementwise primitives whose derivative is a pointwise factor (not a cast). */
export const UNARY_MATH = [
  'neg', 'integer_pow', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh',
  'logistic', 'sqrt', 'rsqrt', 'abs', 'sign', 'stop_gradient', 'floor', 'ceil', 'round',
] as const satisfies readonly Primitive[];
/** Rounding to a whole number (lax.floor, ceil, round): piecewise constant, so their derivative is zero. */
export const ROUNDING = ['floor', 'ceil', 'round'] as const satisfies readonly UnaryMathPrimitive[];
/** The unary math defined on every numeric dtype (not bool); the rest needs a floating-point operand. */
export const NUMERIC_UNARY = ['neg', 'integer_pow', 'abs', 'sign', 'stop_gradient'] as const satisfies readonly UnaryMathPrimitive[];
export type FloatUnaryPrimitive = Exclude<UnaryMathPrimitive, (typeof NUMERIC_UNARY)[number]>;
export const FLOAT_UNARY: readonly FloatUnaryPrimitive[] = UNARY_MATH.filter(
  (p): p is FloatUnaryPrimitive => !inFamily(NUMERIC_UNARY, p));
/** The unary math with params: each has its own builder and shape rule; the others take only their operand. */
export const PARAMETRIC_UNARY = ['integer_pow', 'round'] as const satisfies readonly UnaryMathPrimitive[];
export type ParamFreeUnaryPrimitive = Exclude<UnaryMathPrimitive, (typeof PARAMETRIC_UNARY)[number]>;
export const PARAM_FREE_UNARY: readonly ParamFreeUnaryPrimitive[] = UNARY_MATH.filter(
  (p): p is ParamFreeUnaryPrimitive => !inFamily(PARAMETRIC_UNARY, p));
/** Every primitive computed element by element: the ones fusion can chain into one loop. */
export const ELEMENTWISE = [
  ...ARITHMETIC_BINARY, ...COMPARISONS, ...UNARY_MATH, 'select', 'clamp', 'convert_element_type',
] as const satisfies readonly Primitive[];

/** Reductions over `axes`, which disappear from the shape. */
export const REDUCTIONS = ['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod'] as const satisfies readonly Primitive[];
/** New shape, same elements in the same order. */
export const RESHAPES = ['reshape', 'squeeze', 'expand_dims'] as const satisfies readonly Primitive[];
/** Ops that only re-index their operand: inside a fused kernel they cost index arithmetic, not memory. */
export const RESHAPE_LIKE = [...RESHAPES, 'broadcast_in_dim'] as const satisfies readonly Primitive[];
/** Reads or writes at positions an int32 operand gives. */
export const INDEXING = ['gather', 'scatter_add'] as const satisfies readonly Primitive[];
/** Slices whose start per axis is an operand (an int32 scalar, clamped): lax.dynamic_slice and its update. */
export const DYNAMIC_SLICING = ['dynamic_slice', 'dynamic_update_slice'] as const satisfies readonly Primitive[];
/** Reductions over a sliding window on every axis (JAX's reduce_window_*): the pooling layers. */
export const WINDOW_REDUCTIONS = ['reduce_window_sum', 'reduce_window_max'] as const satisfies readonly Primitive[];
/** Each window's maximum picks where a tangent is read or a cotangent lands: max pooling's derivatives. */
export const WINDOW_SELECTIONS = ['select_and_gather_add', 'select_and_scatter_add'] as const satisfies readonly Primitive[];
/** Every primitive over sliding windows with WindowParams. */
export const WINDOWED = [...WINDOW_REDUCTIONS, ...WINDOW_SELECTIONS] as const satisfies readonly Primitive[];
/** Every primitive that is neither elementwise nor a contraction: reductions, re-indexing, slicing, indexing, creation. */
export const STRUCTURAL = [
  ...REDUCTIONS, 'argmax', ...RESHAPE_LIKE, 'transpose', 'slice', ...DYNAMIC_SLICING, ...INDEXING, 'concatenate', 'pad', 'iota', 'rev',
  ...WINDOWED,
] as const satisfies readonly Primitive[];
/** Every primitive a fused kernel can hold. */
export const FUSIBLE = [...ELEMENTWISE, ...RESHAPE_LIKE, ...REDUCTIONS] as const satisfies readonly Primitive[];

export type ArithmeticBinaryPrimitive = (typeof ARITHMETIC_BINARY)[number];
export type ComparisonPrimitive = (typeof COMPARISONS)[number];
export type UnaryMathPrimitive = (typeof UNARY_MATH)[number];
export type RoundingPrimitive = (typeof ROUNDING)[number];
export type ElementwisePrimitive = (typeof ELEMENTWISE)[number];
export type ReductionPrimitive = (typeof REDUCTIONS)[number];
export type ReshapeLikePrimitive = (typeof RESHAPE_LIKE)[number];
export type IndexingPrimitive = (typeof INDEXING)[number];
export type DynamicSlicingPrimitive = (typeof DYNAMIC_SLICING)[number];
export type StructuralPrimitive = (typeof STRUCTURAL)[number];
export type WindowReductionPrimitive = (typeof WINDOW_REDUCTIONS)[number];
export type WindowSelectionPrimitive = (typeof WINDOW_SELECTIONS)[number];
export type WindowedPrimitive = (typeof WINDOWED)[number];
export type FusiblePrimitive = (typeof FUSIBLE)[number];

/** Elementwise special functions whose kernels are their own: fusion leaves them out. */
export const SPECIAL_UNARY = ['erf', 'erfinv', 'cbrt', 'logit'] as const satisfies readonly Primitive[];
/** Binary elementwise primitives whose kernels are their own (lax.rem: fmod on floats, C's % on integers). */
export const SPECIAL_BINARY = ['rem'] as const satisfies readonly Primitive[];
/** Cumulative reductions along one axis (JAX's lax.cumsum, cumprod, cummax, cummin, cumlogsumexp). */
export const CUMULATIVE = ['cumsum', 'cumprod', 'cummax', 'cummin', 'cumlogsumexp'] as const satisfies readonly Primitive[];
/** Orderings along one axis: the sorted values and the permutation that sorts them. */
export const SORTING = ['sort', 'argsort'] as const satisfies readonly Primitive[];
/** Primitives that work along one axis of their operand, the other axes being independent rows. */
export const ALONG_AXIS = [...CUMULATIVE, ...SORTING] as const satisfies readonly Primitive[];

export type SpecialUnaryPrimitive = (typeof SPECIAL_UNARY)[number];
export type SpecialBinaryPrimitive = (typeof SPECIAL_BINARY)[number];
export type CumulativePrimitive = (typeof CUMULATIVE)[number];
export type SortingPrimitive = (typeof SORTING)[number];
export type AlongAxisPrimitive = (typeof ALONG_AXIS)[number];

/** jax.random's key primitives (JAX's prng.py): keys in, keys or bits out, computed by threefry2x32. */
export const RANDOM_KEYS = ['random_seed', 'random_bits', 'random_split', 'random_fold_in', 'random_wrap', 'random_unwrap'] as const satisfies readonly Primitive[];
/** Integer bit manipulation on uint32 (no derivative, never fused: uint32 lives on the host). */
export const BIT_OPS = ['shift_right_logical', 'bitcast_convert_type'] as const satisfies readonly Primitive[];
/** Every primitive of jax.random's samplers that works on bits: their rules live in *_random.ts files. */
export const RANDOM_BITS = [...RANDOM_KEYS, ...BIT_OPS] as const satisfies readonly Primitive[];

export type RandomKeyPrimitive = (typeof RANDOM_KEYS)[number];
export type BitOpPrimitive = (typeof BIT_OPS)[number];
export type RandomBitsPrimitive = (typeof RANDOM_BITS)[number];

/** lax's complex-number primitives: made from float parts, taken apart, conjugated (elementwise, never fused: complex lives on the host). */
export const COMPLEX_PARTS = ['complex', 'real', 'imag', 'conj'] as const satisfies readonly Primitive[];
export type ComplexPartsPrimitive = (typeof COMPLEX_PARTS)[number];

/**
 * lax's bitwise primitives (not, and, or, xor): on bool the logical ops, on integers the bitwise
 * ones; operands of one dtype, broadcasting; no derivative (JAX's ad.defjvp_zero). Never fused:
 * the scalar IR has no bitwise ops, so each runs as its own kernel.
 */
export const BITWISE = ['not', 'and', 'or', 'xor'] as const satisfies readonly Primitive[];
export const BITWISE_BINARY = ['and', 'or', 'xor'] as const satisfies readonly Primitive[];
export type BitwisePrimitive = (typeof BITWISE)[number];
export type BitwiseBinaryPrimitive = (typeof BITWISE_BINARY)[number];

/** The primitives no family holds: each has its rules written out alone (is_finite: a float test with a bool result, no derivative, never fused). */
export const UNGROUPED = ['dot_general', 'conv_general_dilated', 'is_finite'] as const satisfies readonly Primitive[];

/**
 * A whole row of a rule table: `rule(p)` for each primitive `p` of `family`, keyed by `p`, in the
 * family's order (as JAX's `batching.defvectorized` gives many primitives one rule). Spread into a
 * mapped-type table, it leaves the table's check intact: a primitive no row covers is still missing.
 */
export function familyRules<P extends Primitive, R>(family: readonly P[], rule: (prim: P) => R): { readonly [Q in P]: R } {
  return Object.fromEntries(family.map((p) => [p, rule(p)])) as { readonly [Q in P]: R };
}

/** Whether `prim` is of `family` (narrowing it to the family's type). */
export function inFamily<P extends Primitive>(family: readonly P[], prim: Primitive): prim is P {
  return (family as readonly Primitive[]).includes(prim);
}
