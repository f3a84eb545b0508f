import { sizeOf, type Random } from '../../../runtime/core';
import type { ParamsOf, Primitive } from '../../../runtime/primitives';
import {
  awayFromZero, bools, casesPerOp, hostArray, ints, normal, SMOOTH_BINARY_DOMAINS, SMOOTH_UNARY_DOMAINS, uniform, type Draw, type HostArray,
} from '../support/inputs';
import { convParams, NHWC, win } from '../support/backend_cases';
import { streamFor } from '../support/seed';

export interface GradCase<P extends Primitive = Primitive> {
  readonly params: ParamsOf<P>;
  readonly inputs: readonly HostArray[];
}

/** Inputs for each primitive, drawn inside its domain and away from its kinks. */
export type CaseTable = { readonly [P in Primitive]: (rng: Random) => GradCase<P>[] };

export const f64 = (shape: readonly number[], values: readonly number[]): HostArray => ({ shape, values, dtype: 'float64' });
const f64Of = (draw: Draw, rng: Random, shape: readonly number[]) => hostArray('float64', shape, draw, rng);

/** Values on two interleaved grids, so that any x and y differ by at least 0.4: max/min never tie. */
const gridAt = (offset: number): Draw => (rng, n) =>
  Array.from({ length: n }, () => rng.int(-3, 3) + offset + 0.1 * rng.uniform());
/**
 * clamp's bounds: below 0 (`sign` -1) or above it (+1), on gridAt(0.25)'s grid, so never tying
 * with x on gridAt(0.75)'s. NB: lo < hi always: where lo > hi the value is hi, yet JAX's JVP
 * (and so ours) gives it no tangent from any input.
 */
const bound = (sign: number): Draw => (rng, n) => Array.from({ length: n }, () => sign * (rng.int(0, 3) + 0.25 + 0.1 * rng.uniform()));
/** Distinct values at least 0.2 apart, in random order: reduce_max/min never tie. */
const distinct: Draw = (rng, n) => {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.map((k) => 0.3 * (k - n / 2) + 0.1 * rng.uniform());
};
const indices = (bound: number): Draw => ints(0, bound);
/** Magnitudes in [lo, hi), either sign. */
const signed = (lo: number, hi: number): Draw => (rng, n) => Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rng.uniform()));
/** Any 32-bit words, and key arrays of them (two words a key). */
const words = ints(0, 2 ** 32);
const keyArray = (rng: Random, shape: readonly number[]): HostArray => ({ shape, dtype: 'key<fry>', values: words(rng, 2 * sizeOf(shape)) });

const UNARY_SHAPES: readonly (readonly number[])[] = [[], [2, 3]];
/** Includes both directions of a NumPy broadcast: [3,1] with [4], and a scalar with [2,3]. */
const BINARY_SHAPES: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[2, 3], [2, 3]], [[3, 1], [4]], [[], [2, 3]], [[2, 3], []],
];

/** A case of an op whose params have this shape; assignable to the GradCase of every such op. */
type CaseWith<Params> = { readonly params: Params; readonly inputs: readonly HostArray[] };
type NoParams = Record<string, never>;

const unary = (draw: Draw) => (rng: Random): CaseWith<NoParams>[] =>
  UNARY_SHAPES.map((s) => ({ params: {}, inputs: [f64Of(draw, rng, s)] }));
const binary = (drawX: Draw, drawY: Draw = drawX) => (rng: Random): CaseWith<NoParams>[] =>
  BINARY_SHAPES.map(([sx, sy]) => ({ params: {}, inputs: [f64Of(drawX, rng, sx), f64Of(drawY, rng, sy)] }));

const REDUCTION_AXES: readonly (readonly number[])[] = [[1], [0, 2], [0, 1, 2], []];
const reduction = (draw: Draw) => (rng: Random): CaseWith<{ axes: readonly number[] }>[] =>
  REDUCTION_AXES.map((axes) => ({ params: { axes }, inputs: [f64Of(draw, rng, [2, 3, 4])] }));

/** Products of moderate factors, with rows holding one zero and two zeros: the product is smooth there too. */
function prodCases(rng: Random): GradCase<'reduce_prod'>[] {
  const factor = awayFromZero(0.5);
  const withZeros = (shape: readonly number[], zeros: readonly number[]) => {
    const values = factor(rng, sizeOf(shape)).map((v) => v / 1.5);
    for (const z of zeros) values[z] = 0;
    return f64(shape, values);
  };
  return [
    ...REDUCTION_AXES.map((axes) => ({ params: { axes }, inputs: [withZeros([2, 3, 4], [])] })),
    // x[0,0,0] = 0 and x[1,0,1] = x[1,2,1] = 0: groups with one and with two zeros along either reduction.
    { params: { axes: [1] }, inputs: [withZeros([2, 3, 4], [0, 13, 21])] },
    { params: { axes: [0, 2] }, inputs: [withZeros([2, 3, 4], [0, 13, 21])] },
    // 13 is not a power of 2, which the scan must handle.
    { params: { axes: [1] }, inputs: [withZeros([2, 13], [4, 16])] },
    { params: { axes: [1] }, inputs: [withZeros([3, 1], [])] },
  ];
}

const dot = (lhs: readonly number[], rhs: readonly number[], lc: number[], rc: number[], lb: number[] = [], rb: number[] = []) =>
  (rng: Random): GradCase<'dot_general'> => ({
    params: { dimensionNumbers: { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } },
    inputs: [f64Of(normal, rng, lhs), f64Of(normal, rng, rhs)],
  });

const comparison = binary(normal);

export const CASES: CaseTable = {
  ...casesPerOp(SMOOTH_BINARY_DOMAINS, ([x, y]) => binary(x, y)),
  max: binary(gridAt(0.25), gridAt(0.75)),
  min: binary(gridAt(0.25), gridAt(0.75)),
  lt: comparison,
  le: comparison,
  gt: comparison,
  ge: comparison,
  eq: comparison,
  ne: comparison,
  ...casesPerOp(SMOOTH_UNARY_DOMAINS, unary),
  integer_pow: (rng) => [0, 1, 2, 3, -2].map((y) => ({ params: { y }, inputs: [f64Of(awayFromZero(0.3), rng, [2, 3])] })),
  abs: unary(awayFromZero(0.1)),
  sign: unary(awayFromZero(0.1)),
  // Finite differences see the identity, whose derivative is 1: stop_gradient's is 0 by definition,
  // which test/unit/jax/check_grads.test.ts checks exactly. Here only that an int input has none.
  stop_gradient: (rng) => [{ params: {}, inputs: [hostArray('int32', [2, 3], indices(5), rng)] }],
  select: (rng) => [
    [[2, 3], [2, 3], [2, 3]], [[3, 1], [4], []], [[], [2, 3], [3]],
  ].map(([sp, st, sf]) => ({
    params: {},
    inputs: [hostArray('bool', sp, bools, rng), f64Of(normal, rng, st), f64Of(normal, rng, sf)],
  })),
  // x on one grid and the bounds on the other: no ties, where clamp's derivative jumps
  clamp: (rng) => [
    [[], [2, 3], []], [[2, 3], [2, 3], [2, 3]], [[3], [2, 3], [1]],
  ].map(([sl, sx, sh]) => ({
    params: {},
    inputs: [f64Of(bound(-1), rng, sl), f64Of(gridAt(0.75), rng, sx), f64Of(bound(1), rng, sh)],
  })),
  convert_element_type: (rng) => [
    { params: { newDtype: 'float64' }, inputs: [f64Of(normal, rng, [2, 3])] },
    { params: { newDtype: 'int32' }, inputs: [f64Of(normal, rng, [2, 3])] },
    { params: { newDtype: 'float64' }, inputs: [hostArray('int32', [2, 3], indices(5), rng)] },
  ],
  reduce_sum: reduction(normal),
  reduce_max: reduction(distinct),
  reduce_min: reduction(distinct),
  reduce_prod: prodCases,
  argmax: (rng) => [{ params: { axis: 1, indexDtype: 'int32' }, inputs: [f64Of(distinct, rng, [2, 3])] }],
  broadcast_in_dim: (rng) => [
    { params: { shape: [2, 3], broadcastDimensions: [1] }, inputs: [f64Of(normal, rng, [3])] },
    { params: { shape: [2, 3, 4], broadcastDimensions: [1, 2] }, inputs: [f64Of(normal, rng, [3, 1])] },
    { params: { shape: [2, 2], broadcastDimensions: [] }, inputs: [f64Of(normal, rng, [])] },
    { params: { shape: [4, 3], broadcastDimensions: [0, 1] }, inputs: [f64Of(normal, rng, [1, 3])] },
  ],
  reshape: (rng) => [
    { params: { newSizes: [3, 2] }, inputs: [f64Of(normal, rng, [2, 3])] },
    { params: { newSizes: [1, 2, 3] }, inputs: [f64Of(normal, rng, [6])] },
    { params: { newSizes: [1] }, inputs: [f64Of(normal, rng, [])] },
  ],
  transpose: (rng) => [
    { params: { permutation: [2, 0, 1] }, inputs: [f64Of(normal, rng, [2, 3, 4])] },
    { params: { permutation: [1, 0] }, inputs: [f64Of(normal, rng, [2, 3])] },
  ],
  squeeze: (rng) => [
    { params: { dimensions: [1, 3] }, inputs: [f64Of(normal, rng, [2, 1, 3, 1])] },
    { params: { dimensions: [0] }, inputs: [f64Of(normal, rng, [1])] },
  ],
  expand_dims: (rng) => [
    { params: { dimensions: [0, 2] }, inputs: [f64Of(normal, rng, [2, 3])] },
    { params: { dimensions: [0] }, inputs: [f64Of(normal, rng, [])] },
  ],
  slice: (rng) => [
    { params: { startIndices: [1, 2], limitIndices: [4, 7], strides: null }, inputs: [f64Of(normal, rng, [5, 7])] },
    { params: { startIndices: [1, 0], limitIndices: [5, 7], strides: [2, 3] }, inputs: [f64Of(normal, rng, [5, 7])] },
    { params: { startIndices: [0], limitIndices: [6], strides: [4] }, inputs: [f64Of(normal, rng, [6])] },
    { params: { startIndices: [1], limitIndices: [8], strides: [2] }, inputs: [f64Of(normal, rng, [8])] },
  ],
  // Indices repeat (4 draws from 5 or fewer), so scatter_add must accumulate.
  // The starts are integers (no gradient), some past an end (clamped).
  dynamic_slice: (rng) => [
    { params: { sliceSizes: [2, 2] }, inputs: [f64Of(normal, rng, [4, 3]), hostArray('int32', [], ints(-2, 6), rng), hostArray('int32', [], ints(-2, 6), rng)] },
  ],
  dynamic_update_slice: (rng) => [
    { params: {}, inputs: [f64Of(normal, rng, [4, 3]), f64Of(normal, rng, [2, 2]), hostArray('int32', [], ints(-2, 6), rng), hostArray('int32', [], ints(-2, 6), rng)] },
  ],
  gather: (rng) => [
    { params: { axis: 0 }, inputs: [f64Of(normal, rng, [5, 3]), hostArray('int32', [4], indices(5), rng)] },
    { params: { axis: 1 }, inputs: [f64Of(normal, rng, [2, 4]), hostArray('int32', [2, 3], indices(4), rng)] },
    { params: { axis: 0 }, inputs: [f64Of(normal, rng, [4]), hostArray('int32', [], indices(4), rng)] },
  ],
  scatter_add: (rng) => [
    { params: { axis: 0, operandShape: [5, 3] }, inputs: [f64Of(normal, rng, [4, 3]), hostArray('int32', [4], indices(5), rng)] },
    { params: { axis: 1, operandShape: [2, 4] }, inputs: [f64Of(normal, rng, [2, 2, 3]), hostArray('int32', [2, 3], indices(4), rng)] },
  ],
  concatenate: (rng) => [
    { params: { dimension: 1 }, inputs: [[2, 3], [2, 1], [2, 2]].map((s) => f64Of(normal, rng, s)) },
    { params: { dimension: 0 }, inputs: [[1, 3], [2, 3]].map((s) => f64Of(normal, rng, s)) },
  ],
  pad: (rng) => [
    { params: { lo: [1, 0], hi: [0, 2], value: 0.5 }, inputs: [f64Of(normal, rng, [2, 3])] },
    { params: { lo: [2], hi: [1], value: 0 }, inputs: [f64Of(normal, rng, [3])] },
  ],
  dot_general: (rng) => [
    dot([3, 4], [4, 5], [1], [0]),
    dot([2, 3, 4], [2, 4, 5], [2], [1], [0], [0]),
    dot([4], [4], [0], [0]),
    dot([3], [2], [], []),
    dot([4, 3, 2], [2, 5, 4], [0, 2], [2, 0]),
    dot([3, 2, 4], [4, 2, 5], [2], [0], [1], [1]),
  ].map((make) => make(rng)),
  iota: () => [{ params: { dtype: 'float64', shape: [3], dimension: 0 }, inputs: [] }],
  erf: unary(normal),
  is_finite: unary(normal),
  erfinv: (rng) => UNARY_SHAPES.map((s) => ({ params: {}, inputs: [f64Of((r, n) => Array.from({ length: n }, () => 1.8 * r.uniform() - 0.9), rng, s)] })),
  cbrt: unary(awayFromZero(0.5)),
  // With eps 0.2: inside [0.2, 0.8] and on the clamped flats, away from the bounds.
  logit: (rng) => [
    ...unary(uniform(0.05, 0.95))(rng).map((c) => ({ ...c, params: { eps: null } })),
    ...unary((r, n) => uniform(0.05, 0.95)(r, n).map((v) => (Math.abs(v - 0.2) < 0.03 || Math.abs(v - 0.8) < 0.03 ? 0.5 : v)))(rng).map((c) => ({ ...c, params: { eps: 0.2 } })),
  ],
  // Away from whole numbers, where floor jumps: its derivative is zero.
  floor: unary(gridAt(0.5)),
  ceil: unary(gridAt(0.5)),
  // Between whole numbers and halves, where round jumps.
  round: (rng) => [0, 1].flatMap((roundingMethod) => unary(gridAt(0.25))(rng).map((c) => ({ ...c, params: { roundingMethod: roundingMethod as 0 | 1 } }))),
  cumsum: cumulative(normal),
  // Rows with one zero and with two: cumprod's gradient past and at the first zero (PyTorch's cumprod_backward).
  cumprod: (rng) => [
    ...cumulative(awayFromZero(0.5))(rng),
    { params: { axis: 1, reverse: false }, inputs: [f64([2, 5], [0.7, 0, 1.3, -0.8, 1.1, 0.9, 1.2, 0, 0.6, 0])] },
    { params: { axis: 1, reverse: true }, inputs: [f64([2, 5], [0.7, 0, 1.3, -0.8, 1.1, 0, 1.2, 0.5, 0.6, -1.4])] },
  ],
  cummax: cumulative(distinct),
  cummin: cumulative(distinct),
  cumlogsumexp: (rng) => [
    ...cumulative(normal)(rng),
    // A span of 150 along the row: the tangent's weights exp(x - out) must not be formed as exp(x) / exp(out).
    { params: { axis: 0, reverse: false }, inputs: [f64([4], [-150, -1, 0.5, -3])] },
  ],
  sort: sortingCases,
  argsort: (rng) => sortingCases(rng).map((c) => ({ ...c, params: { ...c.params, indexDtype: 'int32' as const } })),
  rev: (rng) => [
    { params: { dimensions: [1] }, inputs: [f64Of(normal, rng, [2, 3])] },
    { params: { dimensions: [0, 2] }, inputs: [f64Of(normal, rng, [2, 3, 2])] },
  ],
  // Strides, padding (negative too), both dilations, feature and batch groups, another layout.
  conv_general_dilated: (rng) => [
    { params: convParams(2), inputs: [f64Of(normal, rng, [2, 2, 4, 3]), f64Of(normal, rng, [3, 2, 2, 2])] },
    { params: convParams(2, { windowStrides: [2, 1], padding: [[1, 0], [1, 2]], rhsDilation: [1, 2] }), inputs: [f64Of(normal, rng, [1, 2, 5, 4]), f64Of(normal, rng, [2, 2, 2, 2])] },
    { params: convParams(1, { featureGroupCount: 2, padding: [[1, 1]] }), inputs: [f64Of(normal, rng, [2, 4, 5]), f64Of(normal, rng, [4, 2, 3])] },
    { params: convParams(1, { batchGroupCount: 2, windowStrides: [2] }), inputs: [f64Of(normal, rng, [4, 2, 6]), f64Of(normal, rng, [4, 2, 2])] },
    { params: convParams(1, { lhsDilation: [2], padding: [[-1, 1]] }), inputs: [f64Of(normal, rng, [1, 2, 4]), f64Of(normal, rng, [2, 2, 2])] },
    { params: convParams(2, { dimensionNumbers: NHWC, windowStrides: [1, 2] }), inputs: [f64Of(normal, rng, [1, 4, 5, 2]), f64Of(normal, rng, [2, 3, 2, 3])] },
  ],
  reduce_window_sum: (rng) => [
    { params: win([1, 2, 2], [1, 2, 2]), inputs: [f64Of(normal, rng, [2, 4, 5])] },
    { params: win([3], [2], [[1, 2]]), inputs: [f64Of(normal, rng, [6])] },
    { params: win([2, 2], [1, 2], [[1, 0], [0, 1]], [2, 1], [1, 2]), inputs: [f64Of(normal, rng, [3, 5])] },
  ],
  // Distinct values: no window has a tie, where the derivative would jump.
  reduce_window_max: (rng) => [
    { params: win([1, 2, 2], [1, 2, 2]), inputs: [f64Of(distinct, rng, [2, 4, 5])] },
    { params: win([3], [1], [[1, 1]]), inputs: [f64Of(distinct, rng, [6])] },
    { params: win([2, 2], [2, 1], [[0, 1], [1, 0]], [1, 2], [2, 1]), inputs: [f64Of(distinct, rng, [5, 3])] },
  ],
  select_and_gather_add: (rng) => [
    { params: win([2, 2], [2, 1], [[0, 1], [1, 0]]), inputs: [f64Of(normal, rng, [4, 3]), f64Of(distinct, rng, [4, 3])] },
    { params: win([3], [1], [[1, 1]], [1], [2]), inputs: [f64Of(normal, rng, [6]), f64Of(distinct, rng, [6])] },
  ],
  select_and_scatter_add: (rng) => [
    { params: win([2, 2], [2, 1], [[0, 1], [1, 0]]), inputs: [f64Of(normal, rng, [2, 3]), f64Of(distinct, rng, [4, 3])] },
    { params: win([3], [1], [[1, 1]]), inputs: [f64Of(normal, rng, [6]), f64Of(distinct, rng, [6])] },
  ],
  // jax.random's primitives: integers and keys in, integers and keys out, no gradient (JAX's defjvp_zero).
  random_seed: (rng) => [{ params: { impl: 'fry' }, inputs: [hostArray('int32', [2], ints(0, 100), rng)] }],
  random_bits: (rng) => [{ params: { bitWidth: 32, shape: [3], partitionable: true }, inputs: [keyArray(rng, [2])] }],
  random_split: (rng) => [{ params: { shape: [2], partitionable: true }, inputs: [keyArray(rng, [])] }],
  random_fold_in: (rng) => [{ params: {}, inputs: [keyArray(rng, []), hostArray('uint32', [], words, rng)] }],
  random_wrap: (rng) => [{ params: { impl: 'fry' }, inputs: [hostArray('uint32', [2], words, rng)] }],
  random_unwrap: (rng) => [{ params: {}, inputs: [keyArray(rng, [3])] }],
  shift_right_logical: (rng) => [{ params: {}, inputs: [hostArray('uint32', [3], words, rng), hostArray('uint32', [], ints(0, 32), rng)] }],
  // lax's bitwise ops: bool and integers in and out, no gradient (JAX's defjvp_zero).
  not: (rng) => [{ params: {}, inputs: [hostArray('bool', [3], bools, rng)] }],
  and: (rng) => [{ params: {}, inputs: [hostArray('bool', [3], bools, rng), hostArray('bool', [3], bools, rng)] }],
  or: (rng) => [{ params: {}, inputs: [hostArray('uint32', [3], words, rng), hostArray('uint32', [3], words, rng)] }],
  xor: (rng) => [{ params: {}, inputs: [hostArray('int32', [3], ints(-9, 9), rng), hostArray('int32', [3], ints(-9, 9), rng)] }],
  rem: (rng) => [
    { params: {}, inputs: [hostArray('uint32', [3], words, rng), hostArray('uint32', [3], ints(1, 1000), rng)] },
    // Quotients of either sign in (2.1, 2.4): away from the jumps, d/dx is 1 and d/dy is -trunc(x / y) = -+2.
    ...binary(signed(3.2, 3.4), signed(1.45, 1.5))(rng),
  ],
  // A float operand whose bits are read as uint32: no gradient through a reinterpretation.
  bitcast_convert_type: (rng) => [{ params: { newDtype: 'uint32' }, inputs: [hostArray('float32', [3], normal, rng)] }],
  // lax's complex primitives: float parts in, complex128 out, and back (JAX's linear rules).
  complex: (rng) => [
    { params: {}, inputs: [f64Of(normal, rng, [3]), f64Of(normal, rng, [3])] },
    { params: {}, inputs: [f64Of(normal, rng, [2, 3]), f64Of(normal, rng, [3])] },
  ],
  real: (rng) => [{ params: {}, inputs: [c128(normal, rng, [2, 3])] }],
  imag: (rng) => [{ params: {}, inputs: [c128(normal, rng, [2, 3])] }],
  conj: (rng) => [
    { params: { inputDtype: 'complex128' }, inputs: [c128(normal, rng, [3])] },
    { params: { inputDtype: 'float64' }, inputs: [f64Of(normal, rng, [3])] },
  ],
};

/** A complex128 array whose parts are drawn from `draw`. */
const c128 = (draw: Draw, rng: Random, shape: readonly number[]) => hostArray('complex128', shape, draw, rng);
/** Parts in a right half-plane: log and sqrt stay off their branch cut along the negative reals. */
const rightHalf: Draw = (rng, n) => Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 0.5 + 2 * rng.uniform() : rng.normal()));

/** Complex128 cases of the primitives that take complex operands (shape_rules_complex.ts), after each one's real cases. */
const COMPLEX_CASES: Partial<CaseTable> = {
  add: (rng) => [{ params: {}, inputs: [c128(normal, rng, [2, 3]), c128(normal, rng, [3])] }],
  sub: (rng) => [{ params: {}, inputs: [c128(normal, rng, [3]), c128(normal, rng, [3])] }],
  mul: (rng) => [{ params: {}, inputs: [c128(normal, rng, [2, 3]), c128(normal, rng, [3])] }],
  div: (rng) => [{ params: {}, inputs: [c128(normal, rng, [3]), c128(rightHalf, rng, [3])] }],
  neg: (rng) => [{ params: {}, inputs: [c128(normal, rng, [3])] }],
  integer_pow: (rng) => [{ params: { y: 3 }, inputs: [c128(normal, rng, [3])] }, { params: { y: -2 }, inputs: [c128(rightHalf, rng, [3])] }],
  exp: (rng) => [{ params: {}, inputs: [c128(normal, rng, [3])] }],
  log: (rng) => [{ params: {}, inputs: [c128(rightHalf, rng, [3])] }],
  sin: (rng) => [{ params: {}, inputs: [c128(normal, rng, [3])] }],
  cos: (rng) => [{ params: {}, inputs: [c128(normal, rng, [3])] }],
  sqrt: (rng) => [{ params: {}, inputs: [c128(rightHalf, rng, [3])] }],
  abs: (rng) => [{ params: {}, inputs: [c128(rightHalf, rng, [2, 2])] }],
  reduce_sum: (rng) => [{ params: { axes: [1] }, inputs: [c128(normal, rng, [2, 3])] }],
  dot_general: (rng) => [{ params: { dimensionNumbers: { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } }, inputs: [c128(normal, rng, [2, 3]), c128(normal, rng, [3, 2])] }],
  transpose: (rng) => [{ params: { permutation: [1, 0] }, inputs: [c128(normal, rng, [2, 3])] }],
  convert_element_type: (rng) => [
    { params: { newDtype: 'complex128' }, inputs: [f64Of(normal, rng, [3])] },
    { params: { newDtype: 'float64' }, inputs: [c128(normal, rng, [3])] },
  ],
};

function cumulative(draw: Draw) {
  return (rng: Random): CaseWith<{ axis: number; reverse: boolean }>[] => [[0, false], [1, true], [2, false]].map(([axis, reverse]) =>
    ({ params: { axis: axis as number, reverse: reverse as boolean }, inputs: [f64Of(draw, rng, [2, 3, 4])] }));
}

function sortingCases(rng: Random): CaseWith<{ dimension: number; descending: boolean }>[] {
  return [
    { params: { dimension: 1, descending: false }, inputs: [f64Of(distinct, rng, [3, 4])] },
    { params: { dimension: 0, descending: true }, inputs: [f64Of(distinct, rng, [5, 2])] },
  ];
}

/** A primitive's cases, drawn from its stream 0: every suite that reads CASES sees the same inputs. */
export const drawCases = (prim: Primitive): GradCase[] => {
  const rng = streamFor(prim, 0);
  const complex = COMPLEX_CASES[prim] as ((rng: Random) => GradCase[]) | undefined;
  return [...(CASES[prim] as (rng: Random) => GradCase[])(rng), ...(complex ? complex(rng) : [])];
};

/** Runs `check` on each case with one harness, then disposes it; the checks draw from the primitive's stream `salt`. */
export function checkCases<H extends { dispose(): void }>(
  h: H, prim: Primitive, cases: readonly GradCase[], salt: number,
  check: (h: H, prim: Primitive, c: GradCase, rng: Random) => void,
): void {
  const rng = streamFor(prim, salt);
  try {
    for (const c of cases) check(h, prim, c, rng);
  } finally {
    h.dispose();
  }
}
