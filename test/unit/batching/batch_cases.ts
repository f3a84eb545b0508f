import type { DType } from '../../../runtime/core';
import type { ParamsOf, Primitive } from '../../../runtime/primitives';
import { convParams, NHWC, win } from '../support/backend_cases';
import { awayFromZero, bools, casesPerOp, ints, normal, SMOOTH_BINARY_DOMAINS, SMOOTH_UNARY_DOMAINS, uniform, type Draw } from '../support/inputs';

/** One input of one example: every example draws its own values. */
export interface InputSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly draw: Draw;
}

export interface BatchCase<P extends Primitive = Primitive> {
  readonly params: ParamsOf<P>;
  readonly inputs: readonly InputSpec[];
}

/** Per-example inputs for each primitive, inside its domain. */
export type BatchCaseTable = { readonly [P in Primitive]: readonly BatchCase<P>[] };

/** Few distinct values, so that eq and ne are true somewhere. */
const grid = ints(-2, 3);
/** Negative indices too: they wrap as in Python, and a batched gather must keep that. */
const indices = (size: number): Draw => ints(-size, size);

const f64 = (shape: readonly number[], draw: Draw = normal): InputSpec => ({ shape, dtype: 'float64', draw });
const i32 = (shape: readonly number[], draw: Draw): InputSpec => ({ shape, dtype: 'int32', draw });
/** Any 32-bit words: jax.random's bits and keys (two words a key). */
const words: Draw = ints(0, 2 ** 32);
const c128 = (shape: readonly number[]): InputSpec => ({ shape, dtype: 'complex128', draw: normal });
const u32 = (shape: readonly number[], draw: Draw = words): InputSpec => ({ shape, dtype: 'uint32', draw });
const keys = (shape: readonly number[]): InputSpec => ({ shape, dtype: 'key<fry>', draw: words });

type NoParams = Record<string, never>;
type CaseWith<Params> = { readonly params: Params; readonly inputs: readonly InputSpec[] };

/** Both directions of a NumPy broadcast, scalars, and ranks that differ by two. */
const BINARY_SHAPES: readonly (readonly [number[], number[]])[] = [
  [[2, 3], [2, 3]], [[3, 1], [4]], [[], [2, 3]], [[2, 3], []], [[4, 1, 3], [2, 1]], [[3], [2, 4, 3]],
];
const binary = (dx: Draw, dy: Draw = dx): CaseWith<NoParams>[] =>
  BINARY_SHAPES.map(([sx, sy]) => ({ params: {}, inputs: [f64(sx, dx), f64(sy, dy)] }));
const unary = (draw: Draw): CaseWith<NoParams>[] =>
  [[], [2, 3], [3, 1, 2]].map((s) => ({ params: {}, inputs: [f64(s, draw)] }));
const reduction = (draw: Draw): CaseWith<{ axes: number[] }>[] =>
  [[1], [0, 2], [], [0, 1, 2], [2]].map((axes) => ({ params: { axes }, inputs: [f64([2, 3, 4], draw)] }));
const cumulative = (draw: Draw): CaseWith<{ axis: number; reverse: boolean }>[] =>
  [[0, false], [1, true], [2, false]].map(([axis, reverse]) => ({ params: { axis: axis as number, reverse: reverse as boolean }, inputs: [f64([2, 3, 4], draw)] }));
const dot = (lhs: number[], rhs: number[], lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): BatchCase<'dot_general'> => ({
  params: { dimensionNumbers: { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } },
  inputs: [f64(lhs), f64(rhs)],
});

export const CASES: BatchCaseTable = {
  ...casesPerOp(SMOOTH_BINARY_DOMAINS, ([x, y]) => binary(x, y)),
  max: binary(grid),
  min: binary(grid),
  lt: binary(grid),
  le: binary(grid),
  gt: binary(grid),
  ge: binary(grid),
  eq: binary(grid),
  ne: binary(grid),
  ...casesPerOp(SMOOTH_UNARY_DOMAINS, unary),
  integer_pow: [3, -2, 0].map((y) => ({ params: { y }, inputs: [f64([2, 3], awayFromZero(0.5))] })),
  abs: unary(normal),
  stop_gradient: unary(normal),
  sign: unary(grid),
  // whole numbers meet the bounds exactly; the scalar bounds as lax.switch's and jnp.clip's
  clamp: [[[], [2, 3], []], [[2, 3], [2, 3], [2, 3]], [[3], [2, 3], [1]], [[2, 3], [], [2, 3]]].map(([sl, sx, sh]) => ({
    params: {},
    inputs: [f64(sl, grid), f64(sx, grid), f64(sh, grid)],
  })),
  select: [[[2, 3], [2, 3], [2, 3]], [[3, 1], [4], []], [[], [2, 3], [3]], [[2, 1, 3], [3], [4, 1]]].map(([sp, st, sf]) => ({
    params: {},
    inputs: [{ shape: sp, dtype: 'bool', draw: bools }, f64(st), f64(sf)],
  })),
  convert_element_type: [
    { params: { newDtype: 'int32' }, inputs: [f64([2, 3], uniform(-5, 5))] },
    { params: { newDtype: 'float64' }, inputs: [i32([3, 2], grid)] },
    { params: { newDtype: 'bool' }, inputs: [f64([4], grid)] },
  ],
  reduce_sum: reduction(normal),
  reduce_max: reduction(normal),
  reduce_min: reduction(normal),
  reduce_prod: reduction(uniform(0.5, 1.5)),
  argmax: [
    { params: { axis: 1, indexDtype: 'int32' }, inputs: [f64([2, 3])] },
    { params: { axis: 0, indexDtype: 'int32' }, inputs: [f64([3, 4, 2])] },
    { params: { axis: 0, indexDtype: 'int32' }, inputs: [f64([5])] },
  ],
  broadcast_in_dim: [
    { params: { shape: [2, 3], broadcastDimensions: [1] }, inputs: [f64([3])] },
    { params: { shape: [2, 3, 4], broadcastDimensions: [1, 2] }, inputs: [f64([3, 1])] },
    { params: { shape: [2, 2], broadcastDimensions: [] }, inputs: [f64([])] },
    { params: { shape: [4, 3], broadcastDimensions: [0, 1] }, inputs: [f64([1, 3])] },
    { params: { shape: [2, 5, 3, 4], broadcastDimensions: [0, 2] }, inputs: [f64([2, 3])] },
  ],
  reshape: [
    { params: { newSizes: [3, 2] }, inputs: [f64([2, 3])] },
    { params: { newSizes: [1, 2, 3] }, inputs: [f64([6])] },
    { params: { newSizes: [1] }, inputs: [f64([])] },
    { params: { newSizes: [6, 4] }, inputs: [f64([2, 3, 4])] },
  ],
  transpose: [
    { params: { permutation: [2, 0, 1] }, inputs: [f64([2, 3, 4])] },
    { params: { permutation: [1, 0] }, inputs: [f64([2, 3])] },
  ],
  squeeze: [
    { params: { dimensions: [1, 3] }, inputs: [f64([2, 1, 3, 1])] },
    { params: { dimensions: [0] }, inputs: [f64([1])] },
    { params: { dimensions: [0] }, inputs: [f64([1, 2])] },
  ],
  expand_dims: [
    { params: { dimensions: [0, 2] }, inputs: [f64([2, 3])] },
    { params: { dimensions: [0] }, inputs: [f64([])] },
    { params: { dimensions: [1, 3] }, inputs: [f64([2, 3])] },
    { params: { dimensions: [2, 3] }, inputs: [f64([2, 3])] },
  ],
  slice: [
    { params: { startIndices: [1, 2], limitIndices: [4, 7], strides: null }, inputs: [f64([5, 7])] },
    { params: { startIndices: [1, 0], limitIndices: [5, 7], strides: [2, 3] }, inputs: [f64([5, 7])] },
    { params: { startIndices: [1], limitIndices: [8], strides: [2] }, inputs: [f64([8])] },
    { params: { startIndices: [0, 1, 1], limitIndices: [2, 3, 4], strides: [1, 1, 2] }, inputs: [f64([2, 3, 4])] },
  ],
  // Starts past either end are clamped; batched starts make JAX's gather and scatter.
  dynamic_slice: [
    { params: { sliceSizes: [2, 3] }, inputs: [f64([5, 4]), i32([], ints(-3, 7)), i32([], ints(-3, 7))] },
    { params: { sliceSizes: [3] }, inputs: [f64([6]), i32([], ints(-2, 8))] },
  ],
  dynamic_update_slice: [
    { params: {}, inputs: [f64([5, 4]), f64([2, 3]), i32([], ints(-3, 7)), i32([], ints(-3, 7))] },
    { params: {}, inputs: [f64([6]), f64([2]), i32([], ints(-2, 8))] },
  ],
  gather: [
    { params: { axis: 0 }, inputs: [f64([5, 3]), i32([4], indices(5))] },
    { params: { axis: 1 }, inputs: [f64([2, 4]), i32([2, 3], indices(4))] },
    { params: { axis: 0 }, inputs: [f64([4]), i32([], indices(4))] },
    { params: { axis: 1 }, inputs: [f64([2, 3, 4]), i32([5], indices(3))] },
    { params: { axis: 2 }, inputs: [f64([2, 3, 4]), i32([2, 2], indices(4))] },
  ],
  // Indices repeat, so scatter_add must accumulate within each example and never across them.
  scatter_add: [
    { params: { axis: 0, operandShape: [5, 3] }, inputs: [f64([4, 3]), i32([4], indices(5))] },
    { params: { axis: 1, operandShape: [2, 4] }, inputs: [f64([2, 2, 3]), i32([2, 3], indices(4))] },
    { params: { axis: 1, operandShape: [3, 4, 2] }, inputs: [f64([3, 6, 2]), i32([6], indices(4))] },
    { params: { axis: 0, operandShape: [3] }, inputs: [f64([]), i32([], indices(3))] },
  ],
  concatenate: [
    { params: { dimension: 1 }, inputs: [f64([2, 3]), f64([2, 1]), f64([2, 2])] },
    { params: { dimension: 0 }, inputs: [f64([1, 3]), f64([2, 3])] },
  ],
  pad: [
    { params: { lo: [1, 0], hi: [0, 2], value: 0.5 }, inputs: [f64([2, 3])] },
    { params: { lo: [2], hi: [1], value: 0 }, inputs: [f64([3])] },
  ],
  dot_general: [
    dot([3, 4], [4, 5], [1], [0]),
    dot([2, 3, 4], [2, 4, 5], [2], [1], [0], [0]),
    dot([4], [4], [0], [0]),
    dot([3], [2], [], []),
    dot([4, 3, 2], [2, 5, 4], [0, 2], [2, 0]),
    dot([3, 2, 4], [4, 2, 5], [2], [0], [1], [1]),
  ],
  iota: [
    { params: { dtype: 'float64', shape: [3], dimension: 0 }, inputs: [] },
    { params: { dtype: 'int32', shape: [2, 3], dimension: 1 }, inputs: [] },
  ],
  erf: unary(normal),
  is_finite: unary(normal),
  erfinv: unary(uniform(-0.9, 0.9)),
  cbrt: unary(normal),
  logit: [null, 0.3].flatMap((eps) => unary(uniform(0.05, 0.95)).map((c) => ({ ...c, params: { eps } }))),
  floor: unary(uniform(-5, 5)),
  ceil: unary(uniform(-5, 5)),
  round: [0, 1].flatMap((roundingMethod) => unary(uniform(-5, 5)).map((c) => ({ ...c, params: { roundingMethod: roundingMethod as 0 | 1 } }))),
  cumsum: cumulative(normal),
  cumprod: cumulative(awayFromZero(0.5)),
  cummax: cumulative(grid),
  cummin: cumulative(grid),
  cumlogsumexp: cumulative(normal),
  sort: [0, 1].map((dimension) => ({ params: { dimension, descending: dimension === 1 }, inputs: [f64([3, 4], grid)] })),
  argsort: [0, 1].map((dimension) => ({ params: { dimension, descending: dimension === 0, indexDtype: 'int32' as const }, inputs: [f64([3, 4], grid)] })),
  rev: [
    { params: { dimensions: [1] }, inputs: [f64([2, 3])] },
    { params: { dimensions: [0, 2] }, inputs: [f64([2, 3, 2])] },
  ],
  // Each case once with either operand shared: the lhs folds into the batch, the kernel into the output features.
  conv_general_dilated: [
    { params: convParams(2, { padding: [[1, 0], [0, 1]] }), inputs: [f64([2, 2, 4, 3]), f64([3, 2, 2, 2])] },
    { params: convParams(1, { featureGroupCount: 2, windowStrides: [2] }), inputs: [f64([2, 4, 5]), f64([4, 2, 3])] },
    { params: convParams(1, { batchGroupCount: 2 }), inputs: [f64([4, 2, 5]), f64([4, 2, 2])] },
    { params: convParams(2, { dimensionNumbers: NHWC, lhsDilation: [2, 1], rhsDilation: [1, 2] }), inputs: [f64([1, 3, 5, 2]), f64([2, 2, 2, 3])] },
  ],
  reduce_window_sum: [
    { params: win([2, 2], [1, 2], [[1, 0], [0, 1]]), inputs: [f64([3, 5])] },
    { params: win([3], [2], [[0, 0]], [2], [1]), inputs: [f64([5])] },
  ],
  reduce_window_max: [
    { params: win([2, 2], [2, 2]), inputs: [f64([4, 5], grid)] },
    { params: win([3], [1], [[1, 1]], [1], [2]), inputs: [f64([6], grid)] },
  ],
  select_and_gather_add: [
    { params: win([2, 2], [2, 1], [[0, 1], [1, 0]]), inputs: [f64([4, 3]), f64([4, 3], grid)] },
  ],
  select_and_scatter_add: [
    { params: win([2, 2], [2, 1], [[0, 1], [1, 0]]), inputs: [f64([2, 3]), f64([4, 3], grid)] },
    { params: win([3], [1], [[1, 1]]), inputs: [f64([6]), f64([6], grid)] },
  ],
  random_seed: [{ params: { impl: 'fry' }, inputs: [i32([3], ints(-1000, 1000))] }],
  random_bits: [
    { params: { bitWidth: 32, shape: [3], partitionable: true }, inputs: [keys([])] },
    { params: { bitWidth: 32, shape: [2, 3], partitionable: false }, inputs: [keys([2])] },
  ],
  random_split: [
    { params: { shape: [2], partitionable: true }, inputs: [keys([])] },
    { params: { shape: [3], partitionable: false }, inputs: [keys([2])] },
  ],
  random_fold_in: [
    { params: {}, inputs: [keys([]), u32([])] },
    { params: {}, inputs: [keys([3]), u32([3])] },
    { params: {}, inputs: [keys([2, 1]), u32([3])] },
  ],
  random_wrap: [{ params: { impl: 'fry' }, inputs: [u32([3, 2])] }],
  random_unwrap: [{ params: {}, inputs: [keys([3])] }],
  shift_right_logical: [{ params: {}, inputs: [u32([2, 3]), u32([3], ints(0, 40))] }, { params: {}, inputs: [u32([4]), u32([], ints(0, 32))] }],
  not: [{ params: {}, inputs: [{ shape: [2, 3], dtype: 'bool', draw: bools }] }, { params: {}, inputs: [i32([4], ints(-50, 50))] }],
  and: [{ params: {}, inputs: [{ shape: [2, 3], dtype: 'bool', draw: bools }, { shape: [3], dtype: 'bool', draw: bools }] }, { params: {}, inputs: [i32([4], ints(-50, 50)), i32([], ints(-50, 50))] }],
  or: [{ params: {}, inputs: [u32([2, 3]), u32([3])] }, { params: {}, inputs: [{ shape: [2, 3], dtype: 'bool', draw: bools }, { shape: [2, 3], dtype: 'bool', draw: bools }] }],
  xor: [{ params: {}, inputs: [{ shape: [3], dtype: 'bool', draw: bools }, { shape: [2, 3], dtype: 'bool', draw: bools }] }, { params: {}, inputs: [i32([2, 2], ints(-50, 50)), i32([2], ints(-50, 50))] }],
  rem: [
    { params: {}, inputs: [u32([2, 3]), u32([3], ints(1, 2 ** 32))] }, { params: {}, inputs: [i32([4], ints(-50, 50)), i32([], ints(1, 9))] },
    { params: {}, inputs: [f64([2, 3], uniform(-9, 9)), f64([3], uniform(0.5, 2))] },
  ],
  bitcast_convert_type: [{ params: { newDtype: 'float32' }, inputs: [u32([2, 3], ints(0x3f800000, 0x40000000))] }, { params: { newDtype: 'uint32' }, inputs: [{ shape: [4], dtype: 'float32', draw: normal }] }],
  complex: [{ params: {}, inputs: [f64([2, 3]), f64([3])] }, { params: {}, inputs: [f64([]), f64([4])] }],
  real: [{ params: {}, inputs: [c128([2, 3])] }],
  imag: [{ params: {}, inputs: [c128([3])] }],
  conj: [{ params: { inputDtype: 'complex128' }, inputs: [c128([2, 3])] }, { params: { inputDtype: 'float64' }, inputs: [f64([3])] }],
};
