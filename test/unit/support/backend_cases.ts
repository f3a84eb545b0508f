import type { Random } from '../../../runtime/core';
import { BITWISE_BINARY, familyRules, windowCount, type ParamsOf, type Primitive, type WindowParams } from '../../../runtime/primitives';
import * as draws from './inputs';
import { each, hostArray, type Draw, type HostArray } from './inputs';

/**
 * Inputs for every primitive, shared by the backend differential tests (tfjs cpu/wasm in Node,
 * webgpu in the browser page): broadcasting, NaN and infinities, ties, int32/bool, empty shapes.
 */

/** `relative`: no absolute floor, for inputs whose results are tiny and must keep their digits. */
export interface Case<Params> { inputs: HostArray[]; params: Params; relative?: boolean }
export type CaseMaker<Params> = (r: Random) => Case<Params>[];

const f32 = (r: Random, shape: number[], draw: Draw) => hostArray('float32', shape, draw, r);
const normal = (r: Random, shape: number[], scale = 1) => f32(r, shape, each((rr) => scale * rr.normal()));
const uniform = (r: Random, shape: number[], lo: number, hi: number) => f32(r, shape, draws.uniform(lo, hi));
/** Small whole numbers as floats, so that comparisons and argmax meet ties. */
const smallInts = (r: Random, shape: number[]) => f32(r, shape, draws.ints(-2, 3));
const ints = (r: Random, shape: number[], lo: number, hi: number) => hostArray('int32', shape, draws.ints(lo, hi), r);
const bools = (r: Random, shape: number[]) => hostArray('bool', shape, draws.bools, r);
/** Any 32-bit words, and key arrays of them (two words a key). */
const words = draws.ints(0, 2 ** 32);
const keyArray = (r: Random, shape: number[]): HostArray => ({ shape, dtype: 'key<fry>', values: words(r, 2 * shape.reduce((n, d) => n * d, 1)) });
/** Magnitudes in [min, min + width), either sign. */
const eitherSign = (min: number, width: number) => each((rr) => (rr.uniform() < 0.5 ? -1 : 1) * (min + width * rr.uniform()));
/** A float32 array with a zero-size dimension. */
const empty = (shape: number[]): HostArray => ({ values: [], shape, dtype: 'float32' });
/** Replaces about a fifth of the values with the given specials (NaN, zeros, infinities). */
function withSpecials(r: Random, x: HostArray, specials: number[]): HostArray {
  const values = x.values.map((v) => (r.uniform() < 0.2 ? specials[r.int(0, specials.length)] : v));
  return { ...x, values };
}
/** Magnitudes from 1e-12 to 1: where log1p and expm1 lose everything when computed naively. */
const tiny = (r: Random, shape: number[]) => f32(r, shape, each((rr) => (rr.uniform() - 0.5) * 10 ** -rr.int(0, 13)));

const BROADCAST_PAIRS: [number[], number[]][] = [[[3, 4], [3, 4]], [[2, 3, 4], [4]], [[3, 1], [1, 5]], [[], [2, 3]], [[4, 1, 2], [3, 1]]];
const UNARY_SHAPES: number[][] = [[], [7], [3, 4], [2, 3, 4]];

function binaryCases(draw: (r: Random, shape: number[], side: 0 | 1) => HostArray): CaseMaker<ParamsOf<'add'>> {
  return (r) => BROADCAST_PAIRS.map(([a, b]) => ({ inputs: [draw(r, a, 0), draw(r, b, 1)], params: {} }));
}
function unaryCases(draw: (r: Random, shape: number[]) => HostArray): CaseMaker<ParamsOf<'exp'>> {
  return (r) => UNARY_SHAPES.map((s) => ({ inputs: [draw(r, s)], params: {} }));
}
const arithmetic = binaryCases((r, s) => normal(r, s, 3));
const intArithmetic: CaseMaker<ParamsOf<'add'>> = (r) => [{ inputs: [ints(r, [3, 4], -20, 20), ints(r, [4], 1, 6)], params: {} }];
const comparison: CaseMaker<ParamsOf<'lt'>> = (r) => [
  ...binaryCases((rr, s) => smallInts(rr, s))(r),
  { inputs: [withSpecials(r, normal(r, [12]), [NaN]), withSpecials(r, normal(r, [12]), [NaN])], params: {} },
  { inputs: [ints(r, [3, 4], -2, 3), ints(r, [4], -2, 3)], params: {} },
];
const reduction = (draw: (r: Random, shape: number[]) => HostArray): CaseMaker<ParamsOf<'reduce_sum'>> => (r) =>
  [[0], [1, 2], [0, 1, 2], [2], []].map((axes) => ({ inputs: [draw(r, [3, 4, 5])], params: { axes } }));

/** A window over every axis: `dims` and `strides`, padding pairs, base and window dilations (1 where left out). */
export function win(dims: number[], strides: number[], padding?: [number, number][], base?: number[], dilation?: number[]): WindowParams {
  return {
    windowDimensions: dims, windowStrides: strides, padding: padding ?? dims.map(() => [0, 0]),
    baseDilation: base ?? dims.map(() => 1), windowDilation: dilation ?? dims.map(() => 1),
  };
}
type ConvParams = ParamsOf<'conv_general_dilated'>;
/** conv_general_dilated's params for `spatial` spatial axes: the defaults of lax.conv (NCHW, OIHW, no groups) unless given. */
export function convParams(spatial: number, p: Partial<ConvParams> = {}): ConvParams {
  const ones = Array.from({ length: spatial }, () => 1);
  const iota = Array.from({ length: spatial + 2 }, (_, i) => i);
  return {
    windowStrides: ones, padding: ones.map(() => [0, 0]), lhsDilation: ones, rhsDilation: ones,
    dimensionNumbers: { lhsSpec: iota, rhsSpec: iota, outSpec: iota }, featureGroupCount: 1, batchGroupCount: 1, ...p,
  };
}
/** NHWC input, HWIO kernel, NHWC output (TensorFlow's layout, stax's default). */
export const NHWC = { lhsSpec: [0, 3, 1, 2], rhsSpec: [3, 2, 0, 1], outSpec: [0, 3, 1, 2] };

export const CASES: { readonly [P in Primitive]: CaseMaker<ParamsOf<P>> } = {
  add: (r) => [...arithmetic(r), ...intArithmetic(r)],
  sub: (r) => [...arithmetic(r), ...intArithmetic(r)],
  mul: (r) => [
    ...arithmetic(r), ...intArithmetic(r),
    // 0 * ±inf is NaN (an entropy's 0 * log 0): a GPU that takes 0 * x as 0 would hide it
    { inputs: [withSpecials(r, normal(r, [32]), [0, -0, Infinity, -Infinity, NaN]), withSpecials(r, normal(r, [32]), [0, Infinity, -Infinity, NaN])], params: {} },
  ],
  div: (r) => [
    ...binaryCases((rr, s, side) => (side === 0 ? normal(rr, s, 3) : f32(rr, s, eitherSign(0.3, 2))))(r),
    // int32 division truncates toward zero, whatever the signs, and gives 0 for a zero divisor
    { inputs: [ints(r, [3, 4], -20, 20), { values: [3, -3, 0, -2], shape: [4], dtype: 'int32' }], params: {} },
  ],
  pow: (r) => [
    ...binaryCases((rr, s, side) => (side === 0 ? uniform(rr, s, 0.1, 3) : uniform(rr, s, -2.5, 2.5)))(r),
    { inputs: [normal(r, [8], 2), f32(r, [8], draws.ints(-3, 4))], params: {} },
  ],
  max: (r) => [...arithmetic(r), { inputs: [withSpecials(r, normal(r, [16]), [NaN, Infinity]), withSpecials(r, normal(r, [16]), [NaN, -Infinity])], params: {} }, ...intArithmetic(r)],
  min: (r) => [...arithmetic(r), { inputs: [withSpecials(r, normal(r, [16]), [NaN, Infinity]), withSpecials(r, normal(r, [16]), [NaN, -Infinity])], params: {} }, ...intArithmetic(r)],
  lt: comparison,
  le: comparison,
  gt: comparison,
  ge: comparison,
  eq: comparison,
  ne: comparison,
  neg: (r) => [...unaryCases((rr, s) => normal(rr, s, 3))(r), { inputs: [ints(r, [5], -9, 9)], params: {} }],
  integer_pow: (r) => [
    ...[0, 1, 2, 3, 5].map((y) => ({ inputs: [normal(r, [3, 4], 1.5)], params: { y } })),
    ...[-1, -2, -3].map((y) => ({ inputs: [f32(r, [3, 4], eitherSign(0.4, 2))], params: { y } })),
    { inputs: [ints(r, [6], -5, 6)], params: { y: 3 } },
  ],
  exp: unaryCases((r, s) => normal(r, s, 4)),
  log: (r) => [
    ...unaryCases((rr, s) => uniform(rr, s, 1e-3, 50))(r),
    // log 0 is -inf, of a negative NaN, of inf inf: an entropy's 0 * log 0 must come out NaN as in PyTorch
    { inputs: [withSpecials(r, uniform(r, [32], 1e-3, 50), [0, -0, -1, Infinity, NaN])], params: {} },
  ],
  log1p: (r) => [...unaryCases((rr, s) => uniform(rr, s, -0.99, 50))(r), { inputs: [tiny(r, [64])], params: {}, relative: true }],
  expm1: (r) => [...unaryCases((rr, s) => normal(rr, s, 4))(r), { inputs: [tiny(r, [64])], params: {}, relative: true }],
  sin: unaryCases((r, s) => normal(r, s, 10)),
  cos: unaryCases((r, s) => normal(r, s, 10)),
  tan: unaryCases((r, s) => uniform(r, s, -1.4, 1.4)),
  tanh: unaryCases((r, s) => normal(r, s, 4)),
  logistic: unaryCases((r, s) => normal(r, s, 8)),
  sqrt: unaryCases((r, s) => uniform(r, s, 0, 50)),
  rsqrt: unaryCases((r, s) => uniform(r, s, 1e-3, 50)),
  stop_gradient: (r) => [...unaryCases((rr, s) => normal(rr, s, 3))(r), { inputs: [ints(r, [5], -9, 9)], params: {} }],
  abs: (r) => [...unaryCases((rr, s) => normal(rr, s, 3))(r), { inputs: [ints(r, [5], -9, 9)], params: {} }],
  sign: (r) => [
    ...unaryCases((rr, s) => withSpecials(rr, normal(rr, s), [0, NaN, Infinity, -Infinity]))(r),
    { inputs: [ints(r, [7], -3, 4)], params: {} },
    // Below float32's epsilon, where tfjs-backend-wasm's Sign gave 0.
    { inputs: [{ values: [7.4e-8, -1e-7, 1.1e-7, 1e-30, -1e-38, -0, 0].map(Math.fround), shape: [7], dtype: 'float32' }], params: {} },
  ],
  select: (r) => [
    { inputs: [bools(r, [3, 4]), normal(r, [3, 4]), normal(r, [3, 4])], params: {} },
    { inputs: [bools(r, [3, 1]), normal(r, [4]), normal(r, [])], params: {} },
    { inputs: [bools(r, []), normal(r, [2, 3]), normal(r, [2, 3])], params: {} },
    { inputs: [bools(r, [5]), ints(r, [5], -9, 9), ints(r, [1], -9, 9)], params: {} },
    { inputs: [bools(r, [7]), bools(r, [7]), bools(r, [1])], params: {} },
  ],
  clamp: (r) => [
    { inputs: [{ values: [-0.5], shape: [], dtype: 'float32' }, normal(r, [3, 4], 2), { values: [1.25], shape: [], dtype: 'float32' }], params: {} },
    { inputs: [normal(r, [3, 4]), withSpecials(r, normal(r, [3, 4], 2), [NaN, Infinity, -Infinity]), normal(r, [3, 4], 3)], params: {} },
    // bounds that cross (lo > hi) give hi, as XLA's min(max(x, lo), hi); the bounds broadcast
    { inputs: [{ values: [2], shape: [], dtype: 'float32' }, normal(r, [5]), { values: [-2], shape: [], dtype: 'float32' }], params: {} },
    { inputs: [normal(r, [4]), normal(r, [3, 4], 2), normal(r, [1], 3)], params: {} },
    // lax.switch's index: int32 clamped into [0, n - 1]
    { inputs: [{ values: [0], shape: [], dtype: 'int32' }, ints(r, [7], -5, 9), { values: [2], shape: [], dtype: 'int32' }], params: {} },
  ],
  convert_element_type: (r) => [
    { inputs: [normal(r, [3, 4], 10)], params: { newDtype: 'int32' } },
    { inputs: [withSpecials(r, uniform(r, [16], -2, 2), [0, -0, NaN, 0.5, -0.5])], params: { newDtype: 'bool' } },
    { inputs: [normal(r, [5])], params: { newDtype: 'float32' } },
    { inputs: [ints(r, [6], -100, 100)], params: { newDtype: 'float32' } },
    { inputs: [ints(r, [6], -2, 3)], params: { newDtype: 'bool' } },
    { inputs: [bools(r, [6])], params: { newDtype: 'float32' } },
    { inputs: [bools(r, [6])], params: { newDtype: 'int32' } },
  ],
  reduce_sum: (r) => [
    ...reduction((rr, s) => normal(rr, s))(r),
    { inputs: [ints(r, [3, 4], -9, 9)], params: { axes: [1] } },
    { inputs: [empty([0, 3])], params: { axes: [0] } },
    // a NaN or an infinity in a sum is the sum (an entropy's one 0 * log 0 makes it NaN)
    { inputs: [{ values: [-0.5 * Math.log(0.5), -0.25 * Math.log(0.25), -0.25 * Math.log(0.25), NaN], shape: [4], dtype: 'float32' }], params: { axes: [0] } },
    ...reduction((rr, s) => withSpecials(rr, normal(rr, s), [NaN, Infinity, -Infinity]))(r),
  ],
  reduce_max: (r) => [...reduction((rr, s) => withSpecials(rr, normal(rr, s), [NaN]))(r), ...reduction(smallInts)(r)],
  reduce_min: (r) => [...reduction((rr, s) => withSpecials(rr, normal(rr, s), [NaN]))(r), ...reduction(smallInts)(r)],
  reduce_prod: (r) => [...reduction((rr, s) => uniform(rr, s, 0.5, 1.5))(r), { inputs: [empty([2, 0])], params: { axes: [1] } }],
  argmax: (r) => [
    ...[0, 1, 2].map((axis) => ({ inputs: [smallInts(r, [3, 4, 5])], params: { axis, indexDtype: 'int32' as const } })),
    ...[0, 1].map((axis) => ({ inputs: [withSpecials(r, normal(r, [6, 5]), [NaN])], params: { axis, indexDtype: 'int32' as const } })),
    { inputs: [ints(r, [4, 6], -2, 3)], params: { axis: 1, indexDtype: 'int32' } },
  ],
  broadcast_in_dim: (r) => [
    { inputs: [normal(r, [3])], params: { shape: [2, 3], broadcastDimensions: [1] } },
    { inputs: [normal(r, [3, 1])], params: { shape: [3, 4], broadcastDimensions: [0, 1] } },
    { inputs: [normal(r, [])], params: { shape: [2, 2], broadcastDimensions: [] } },
    { inputs: [normal(r, [4])], params: { shape: [4, 2, 3], broadcastDimensions: [0] } },
    { inputs: [normal(r, [2, 3])], params: { shape: [2, 3], broadcastDimensions: [0, 1] } },
  ],
  reshape: (r) => [
    { inputs: [normal(r, [3, 4])], params: { newSizes: [2, 6] } },
    { inputs: [normal(r, [12])], params: { newSizes: [2, 2, 3] } },
    { inputs: [normal(r, [])], params: { newSizes: [1, 1] } },
  ],
  transpose: (r) => [
    { inputs: [normal(r, [2, 3, 4])], params: { permutation: [2, 0, 1] } },
    { inputs: [normal(r, [3, 4])], params: { permutation: [1, 0] } },
    { inputs: [normal(r, [3, 4])], params: { permutation: [0, 1] } },
    { inputs: [ints(r, [2, 3, 4], -9, 9)], params: { permutation: [1, 2, 0] } },
    { inputs: [bools(r, [2, 3, 4])], params: { permutation: [2, 0, 1] } },
  ],
  squeeze: (r) => [
    { inputs: [normal(r, [3, 1, 4])], params: { dimensions: [1] } },
    { inputs: [normal(r, [1, 1])], params: { dimensions: [0, 1] } },
  ],
  expand_dims: (r) => [
    { inputs: [normal(r, [3, 4])], params: { dimensions: [0] } },
    { inputs: [normal(r, [3, 4])], params: { dimensions: [1, 3] } },
    { inputs: [normal(r, [])], params: { dimensions: [0] } },
  ],
  slice: (r) => [
    { inputs: [normal(r, [5, 6])], params: { startIndices: [1, 2], limitIndices: [4, 6], strides: null } },
    { inputs: [normal(r, [5, 6])], params: { startIndices: [0, 1], limitIndices: [5, 6], strides: [2, 3] } },
    { inputs: [normal(r, [10])], params: { startIndices: [1], limitIndices: [10], strides: [3] } },
    { inputs: [normal(r, [])], params: { startIndices: [], limitIndices: [], strides: null } },
  ],
  // Starts past either end are clamped into [0, n - size], as XLA does.
  dynamic_slice: (r) => [
    { inputs: [normal(r, [5, 4]), ints(r, [], -3, 7), ints(r, [], -3, 7)], params: { sliceSizes: [2, 3] } },
    { inputs: [ints(r, [6], -9, 9), { values: [9], shape: [], dtype: 'int32' }], params: { sliceSizes: [4] } },
    { inputs: [bools(r, [3, 4]), { values: [-1], shape: [], dtype: 'int32' }, ints(r, [], 0, 4)], params: { sliceSizes: [3, 1] } },
  ],
  dynamic_update_slice: (r) => [
    { inputs: [normal(r, [5, 4]), normal(r, [2, 3]), ints(r, [], -3, 7), ints(r, [], -3, 7)], params: {} },
    { inputs: [ints(r, [6], -9, 9), ints(r, [4], -9, 9), { values: [5], shape: [], dtype: 'int32' }], params: {} },
    { inputs: [normal(r, [3]), normal(r, [0]), { values: [1], shape: [], dtype: 'int32' }], params: {} },
  ],
  gather: (r) => [
    { inputs: [normal(r, [5, 3]), ints(r, [4], -5, 5)], params: { axis: 0 } },
    { inputs: [normal(r, [2, 5, 3]), ints(r, [2, 2], -5, 5)], params: { axis: 1 } },
    { inputs: [normal(r, [2, 5, 3]), ints(r, [], -3, 3)], params: { axis: 2 } },
    { inputs: [ints(r, [6], -9, 9), ints(r, [8], -6, 6)], params: { axis: 0 } },
  ],
  scatter_add: (r) => [
    { inputs: [normal(r, [6, 3]), ints(r, [6], -4, 4)], params: { axis: 0, operandShape: [4, 3] } },
    { inputs: [normal(r, [2, 2, 3, 3]), ints(r, [2, 3], -5, 5)], params: { axis: 1, operandShape: [2, 5, 3] } },
    { inputs: [normal(r, [2, 5]), ints(r, [], -3, 3)], params: { axis: 2, operandShape: [2, 5, 3] } },
  ],
  concatenate: (r) => [
    { inputs: [normal(r, [2, 3]), normal(r, [4, 3])], params: { dimension: 0 } },
    { inputs: [normal(r, [2, 1]), normal(r, [2, 3]), normal(r, [2, 2])], params: { dimension: 1 } },
    { inputs: [normal(r, [3])], params: { dimension: 0 } },
    { inputs: [ints(r, [2], -9, 9), ints(r, [3], -9, 9)], params: { dimension: 0 } },
  ],
  pad: (r) => [
    { inputs: [normal(r, [3, 4])], params: { lo: [1, 0], hi: [2, 3], value: 0 } },
    { inputs: [normal(r, [5])], params: { lo: [0], hi: [0], value: 1.5 } },
    { inputs: [normal(r, [2, 1, 2])], params: { lo: [1, 2, 0], hi: [0, 1, 1], value: -2.25 } },
    // rank 5: tfjs-backend-webgpu's tf.pad reads 4 coordinates at most
    { inputs: [normal(r, [2, 1, 2, 3, 2])], params: { lo: [0, 1, 0, 2, 1], hi: [1, 0, 1, 0, 1], value: 0.5 } },
  ],
  dot_general: (r) => [
    { inputs: [normal(r, [3, 4]), normal(r, [4, 5])], params: { dimensionNumbers: { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } } },
    { inputs: [normal(r, [2, 3, 4]), normal(r, [2, 4, 5])], params: { dimensionNumbers: { lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0] } } },
    { inputs: [normal(r, [4, 2, 3]), normal(r, [3, 5, 2])], params: { dimensionNumbers: { lhsContracting: [2], rhsContracting: [0], lhsBatch: [1], rhsBatch: [2] } } },
    { inputs: [normal(r, [6]), normal(r, [6])], params: { dimensionNumbers: { lhsContracting: [0], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } } },
    { inputs: [normal(r, [3]), normal(r, [4])], params: { dimensionNumbers: { lhsContracting: [], rhsContracting: [], lhsBatch: [], rhsBatch: [] } } },
    { inputs: [normal(r, [2, 3, 4]), normal(r, [4, 3])], params: { dimensionNumbers: { lhsContracting: [1, 2], rhsContracting: [1, 0], lhsBatch: [], rhsBatch: [] } } },
    { inputs: [ints(r, [3, 4], -5, 5), ints(r, [4, 2], -5, 5)], params: { dimensionNumbers: { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } } },
    { inputs: [empty([3, 0]), empty([0, 2])], params: { dimensionNumbers: { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } } },
  ],
  iota: () => [
    { inputs: [], params: { dtype: 'float32', shape: [3, 4], dimension: 1 } },
    { inputs: [], params: { dtype: 'int32', shape: [2, 3, 4], dimension: 0 } },
    { inputs: [], params: { dtype: 'float32', shape: [5], dimension: 0 } },
  ],
  erf: (r) => [
    ...unaryCases((rr, s) => normal(rr, s, 2))(r),
    { inputs: [withSpecials(r, tiny(r, [24]), [NaN, Infinity, -Infinity, 0, 5, -7])], params: {}, relative: true },
  ],
  is_finite: (r) => [
    ...unaryCases((rr, s) => normal(rr, s, 2))(r),
    { inputs: [withSpecials(r, normal(r, [24], 1e30), [NaN, Infinity, -Infinity, 0, -0, 3.4e38])], params: {} },
  ],
  erfinv: (r) => [
    ...unaryCases((rr, s) => uniform(rr, s, -0.999, 0.999))(r),
    { inputs: [withSpecials(r, uniform(r, [24], -1, 1), [NaN, 1, -1, 0, 0.99999, -1.5])], params: {} },
  ],
  cbrt: (r) => [
    ...unaryCases((rr, s) => normal(rr, s, 10))(r),
    { inputs: [withSpecials(r, normal(r, [24], 100), [NaN, Infinity, -Infinity, 0, -0, 8, -27, 1e-30])], params: {}, relative: true },
  ],
  // Inside (0, 1), its ends, outside it and NaN; with eps, values beyond [eps, 1 - eps] clamped.
  logit: (r) => [null, 0.2].flatMap((eps) => [
    ...unaryCases((rr, s) => uniform(rr, s, 0.001, 0.999))(r),
    { inputs: [withSpecials(r, uniform(r, [24], -0.5, 1.5), [NaN, 0, 1, 0.5, 0.2, 0.8, 1e-30])], params: {} },
  ].map((c) => ({ ...c, params: { eps } }))),
  floor: (r) => [
    ...unaryCases((rr, s) => normal(rr, s, 5))(r),
    { inputs: [withSpecials(r, normal(r, [16], 3), [NaN, Infinity, -Infinity, -0, -0.5, 2, -2, 1e30])], params: {} },
  ],
  ceil: (r) => [
    ...unaryCases((rr, s) => normal(rr, s, 5))(r),
    { inputs: [withSpecials(r, normal(r, [16], 3), [NaN, Infinity, -Infinity, -0, -0.5, 0.5, 2, -2, 1e30])], params: {} },
  ],
  // Ties (x.5) of both signs, -0, a float32 just below 0.5, and values too large to have a fraction.
  round: (r) => [0, 1].flatMap((roundingMethod) => [
    ...unaryCases((rr, s) => normal(rr, s, 5))(r),
    { inputs: [withSpecials(r, normal(r, [24], 3), [NaN, Infinity, -Infinity, -0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 8388607.5, 1e30])], params: {} },
  ].map((c) => ({ ...c, params: { roundingMethod: roundingMethod as 0 | 1 } }))),
  cumsum: (r) => [...cumulativeCases(r), { inputs: [ints(r, [3, 5], -9, 9)], params: { axis: 1, reverse: true } }],
  cumprod: (r) => [
    ...cumulativeCases(r, (rr, s) => uniform(rr, s, 0.5, 1.5)),
    { inputs: [withSpecials(r, normal(r, [4, 6]), [0])], params: { axis: 1, reverse: false } },
    { inputs: [ints(r, [3, 5], -3, 4)], params: { axis: 1, reverse: false } },
  ],
  cummax: (r) => [...cumulativeCases(r, (rr, s) => withSpecials(rr, smallInts(rr, s), [NaN])), { inputs: [ints(r, [3, 5], -9, 9)], params: { axis: 1, reverse: true } }],
  cummin: (r) => [...cumulativeCases(r, (rr, s) => withSpecials(rr, smallInts(rr, s), [NaN])), { inputs: [ints(r, [3, 5], -9, 9)], params: { axis: 0, reverse: false } }],
  cumlogsumexp: (r) => [
    ...cumulativeCases(r, (rr, s) => normal(rr, s, 30)),
    { inputs: [withSpecials(r, normal(r, [4, 6]), [-Infinity, Infinity, NaN])], params: { axis: 1, reverse: false } },
  ],
  sort: (r) => sortCases(r, {}),
  argsort: (r) => sortCases(r, { indexDtype: 'int32' as const }),
  rev: (r) => [
    { inputs: [normal(r, [3, 4])], params: { dimensions: [0] } },
    { inputs: [normal(r, [2, 3, 4])], params: { dimensions: [0, 2] } },
    { inputs: [ints(r, [5], -9, 9)], params: { dimensions: [0] } },
  ],
  conv_general_dilated: (r) => [
    { inputs: [normal(r, [2, 3, 6, 5]), normal(r, [4, 3, 3, 2])], params: convParams(2) },
    { inputs: [normal(r, [2, 3, 7, 6]), normal(r, [2, 3, 3, 2])], params: convParams(2, { windowStrides: [2, 1], padding: [[1, 2], [0, 1]], rhsDilation: [1, 2] }) },
    { inputs: [normal(r, [2, 4, 5, 5]), normal(r, [6, 2, 3, 3])], params: convParams(2, { featureGroupCount: 2, padding: [[1, 1], [1, 1]] }) },
    { inputs: [normal(r, [1, 2, 4, 3]), normal(r, [2, 2, 2, 2])], params: convParams(2, { lhsDilation: [2, 1], padding: [[-1, 0], [1, 1]], windowStrides: [1, 2] }) },
    { inputs: [normal(r, [2, 5, 6, 3]), normal(r, [3, 2, 3, 4])], params: convParams(2, { dimensionNumbers: NHWC, padding: [[1, 1], [0, 1]] }) },
    { inputs: [normal(r, [2, 3, 9]), normal(r, [2, 3, 3])], params: convParams(1, { windowStrides: [2] }) },
    { inputs: [normal(r, [4, 2, 5]), normal(r, [6, 2, 2])], params: convParams(1, { batchGroupCount: 2 }) },
    { inputs: [ints(r, [1, 2, 4, 4], -3, 4), ints(r, [2, 2, 2, 2], -3, 4)], params: convParams(2) },
    // Rank-5 operands (a 3-d convolution, padded; a transposed one): tfjs-backend-webgpu's pad reads 4 coordinates at most.
    { inputs: [normal(r, [1, 2, 4, 3, 4]), normal(r, [3, 2, 2, 2, 3])], params: convParams(3, { padding: [[1, 1], [0, 1], [1, 0]], windowStrides: [1, 2, 1] }) },
    { inputs: [normal(r, [2, 2, 3, 2, 3]), normal(r, [2, 2, 2, 2, 2])], params: convParams(3, { lhsDilation: [2, 1, 2], padding: [[1, 1], [1, 1], [1, 1]] }) },
  ],
  reduce_window_sum: (r) => [
    { inputs: [normal(r, [2, 3, 6, 5])], params: win([1, 1, 2, 2], [1, 1, 2, 2]) },
    { inputs: [normal(r, [2, 7])], params: win([1, 3], [1, 2], [[0, 0], [1, 2]]) },
    { inputs: [normal(r, [4, 5])], params: win([2, 2], [1, 1], [[1, 0], [0, 1]], [2, 1], [1, 2]) },
    { inputs: [ints(r, [3, 4], -5, 5)], params: win([2, 2], [1, 2]) },
    { inputs: [normal(r, [1, 2, 4, 3, 5])], params: win([1, 1, 2, 2, 3], [1, 1, 2, 1, 2], [[0, 0], [0, 0], [1, 1], [0, 1], [1, 1]]) },
  ],
  reduce_window_max: (r) => [
    { inputs: [smallInts(r, [2, 3, 6, 5])], params: win([1, 1, 2, 2], [1, 1, 2, 2]) },
    { inputs: [withSpecials(r, normal(r, [2, 8]), [NaN, -Infinity])], params: win([1, 3], [1, 1], [[0, 0], [1, 1]]) },
    { inputs: [normal(r, [5, 4])], params: win([3, 2], [2, 1], [[1, 1], [0, 0]], [1, 2], [2, 1]) },
    { inputs: [ints(r, [3, 4], -5, 5)], params: win([2, 2], [1, 2]) },
    { inputs: [normal(r, [1, 2, 4, 3, 5])], params: win([1, 1, 2, 2, 3], [1, 1, 2, 1, 2], [[0, 0], [0, 0], [1, 1], [0, 1], [1, 1]]) },
  ],
  // Operands of small whole numbers tie often: both backends must pick the same position.
  select_and_gather_add: (r) => [
    { operand: smallInts(r, [2, 6, 5]), params: win([1, 2, 2], [1, 2, 2]) },
    { operand: withSpecials(r, smallInts(r, [7]), [NaN]), params: win([3], [1], [[1, 1]]) },
    { operand: smallInts(r, [4, 5]), params: win([2, 3], [2, 1], [[1, 0], [1, 1]], [1, 1], [1, 2]) },
    { operand: smallInts(r, [1, 2, 4, 3, 4]), params: win([1, 1, 2, 2, 2], [1, 1, 2, 1, 2], [[0, 0], [0, 0], [1, 1], [1, 0], [0, 1]]) },
    // 9 window positions (MaxPool2d(3)): more terms than tfjs-backend-webgpu's AddN can bind
    { operand: smallInts(r, [2, 7, 6]), params: win([1, 3, 3], [1, 2, 2], [[0, 0], [1, 1], [1, 0]]) },
  ].map(({ operand, params }) => ({ inputs: [normal(r, [...operand.shape]), operand], params })).concat([
    // NaN and infinite tangents where the window's maximum is not: they must not leak into its result.
    { inputs: [withSpecials(r, normal(r, [3, 6]), [NaN, Infinity]), smallInts(r, [3, 6])], params: win([1, 2], [1, 1], [[0, 0], [0, 1]]) },
  ]),
  select_and_scatter_add: (r) => [
    { operand: smallInts(r, [2, 6, 5]), params: win([1, 2, 2], [1, 2, 2]) },
    { operand: withSpecials(r, smallInts(r, [7]), [NaN]), params: win([3], [1], [[1, 1]]) },
    { operand: smallInts(r, [4, 5]), params: win([2, 3], [2, 1], [[1, 0], [1, 1]], [1, 1], [1, 2]) },
    { operand: smallInts(r, [5, 4]), params: win([2, 2], [1, 1], [[0, 0], [0, 0]], [2, 1]) },
    // A padded 3-d max pool's gradient: rank-5 operands through pad and scatter.
    { operand: smallInts(r, [1, 2, 4, 3, 4]), params: win([1, 1, 2, 2, 2], [1, 1, 2, 1, 2], [[0, 0], [0, 0], [1, 1], [1, 0], [0, 1]]) },
    { operand: smallInts(r, [2, 3, 5, 4]), params: win([1, 1, 3, 2], [1, 1, 2, 2], [[0, 0], [0, 0], [1, 1], [1, 1]]) },
    { operand: smallInts(r, [2, 7, 6]), params: win([1, 3, 3], [1, 2, 2], [[0, 0], [1, 1], [1, 0]]) },
  ].map(({ operand, params }) => ({ inputs: [normal(r, windowed(operand.shape, params)), operand], params })).concat([
    { inputs: [withSpecials(r, normal(r, [3, 6]), [NaN, -Infinity]), smallInts(r, [3, 6])], params: win([1, 2], [1, 1], [[0, 0], [0, 1]]) },
  ]),
  // jax.random's primitives: on every backend they run on the host (uint32 and keys live there),
  // so each backend's numbers are the reference's bit for bit.
  random_seed: (r) => [{ inputs: [ints(r, [4], -1000, 1000)], params: { impl: 'fry' } }],
  random_bits: (r) => [
    { inputs: [keyArray(r, [])], params: { bitWidth: 32, shape: [5], partitionable: true } },
    { inputs: [keyArray(r, [2])], params: { bitWidth: 32, shape: [2, 3], partitionable: false } },
  ],
  random_split: (r) => [
    { inputs: [keyArray(r, [])], params: { shape: [3], partitionable: true } },
    { inputs: [keyArray(r, [2])], params: { shape: [2], partitionable: false } },
  ],
  random_fold_in: (r) => [{ inputs: [keyArray(r, [3]), hostArray('uint32', [3], words, r)], params: {} }],
  random_wrap: (r) => [{ inputs: [hostArray('uint32', [3, 2], words, r)], params: { impl: 'fry' } }],
  random_unwrap: (r) => [{ inputs: [keyArray(r, [2, 2])], params: {} }],
  shift_right_logical: (r) => [{ inputs: [hostArray('uint32', [3, 4], words, r), hostArray('uint32', [4], draws.ints(0, 40), r)], params: {} }],
  // lax's bitwise ops: logical on bool, bitwise on int32 (tf.bitwiseAnd and wrapping sums on tfjs), uint32 and int64 (on the host).
  not: (r) => [{ inputs: [bools(r, [3, 4])], params: {} }, { inputs: [ints(r, [6], -(2 ** 31), 2 ** 31)], params: {} }, { inputs: [hostArray('uint32', [4], words, r)], params: {} }],
  ...familyRules(BITWISE_BINARY, () => (r: Random) => [
    { inputs: [bools(r, [3, 4]), bools(r, [4])], params: {} },
    { inputs: [ints(r, [3, 4], -(2 ** 31), 2 ** 31), ints(r, [1, 4], -(2 ** 31), 2 ** 31)], params: {} },
    { inputs: [hostArray('uint32', [3, 4], words, r), hostArray('uint32', [], words, r)], params: {} },
    { inputs: [hostArray('int64', [5], draws.ints(-(2 ** 40), 2 ** 40), r), hostArray('int64', [5], draws.ints(-(2 ** 40), 2 ** 40), r)], params: {} },
  ]),
  rem: (r) => [
    { inputs: [hostArray('uint32', [3, 4], words, r), hostArray('uint32', [4], draws.ints(1, 2 ** 32), r)], params: {} },
    { inputs: [ints(r, [3, 4], -20, 20), { values: [3, -3, 7, -2], shape: [4], dtype: 'int32' }], params: {} },
    // fmod on floats: the dividend's sign, exact, NaN for a zero divisor or an infinite dividend
    { inputs: [normal(r, [3, 4], 10), uniform(r, [4], 0.3, 3)], params: {} },
    { inputs: [withSpecials(r, normal(r, [12], 5), [Infinity, -Infinity, NaN, 0, -0, 100]), withSpecials(r, uniform(r, [12], -2, 2), [0, Infinity, -0.7])], params: {} },
  ],
  bitcast_convert_type: (r) => [
    { inputs: [hostArray('uint32', [6], draws.ints(0x3f800000, 0x40000000), r)], params: { newDtype: 'float32' } },
    { inputs: [normal(r, [2, 3])], params: { newDtype: 'uint32' } },
  ],
  // complex64 lives on the host on every backend (withHostDtypes): these check that it gets there and back whole.
  complex: (r) => [{ inputs: [normal(r, [2, 3]), normal(r, [3])], params: {} }],
  real: (r) => [{ inputs: [hostArray('complex64', [2, 3], draws.normal, r)], params: {} }],
  imag: (r) => [{ inputs: [hostArray('complex64', [4], draws.normal, r)], params: {} }],
  conj: (r) => [
    { inputs: [hostArray('complex64', [2, 2], draws.normal, r)], params: { inputDtype: 'complex64' } },
    { inputs: [normal(r, [3])], params: { inputDtype: 'float32' } },
  ],
};

/** Every axis both ways, a rank-1 row of 33 (past a power of 2), and a 0-length axis. */
function cumulativeCases(r: Random, draw: (r: Random, shape: number[]) => HostArray = (rr, s) => normal(rr, s, 3)): Case<ParamsOf<'cumsum'>>[] {
  return [
    ...[0, 1, 2].flatMap((axis) => [false, true].map((reverse) => ({ inputs: [draw(r, [3, 4, 5])], params: { axis, reverse } }))),
    { inputs: [draw(r, [33])], params: { axis: 0, reverse: false } },
    { inputs: [empty([2, 0])], params: { axis: 1, reverse: false } },
    // rank 5: the scan's shifts pad a rank-5 operand
    { inputs: [draw(r, [2, 1, 3, 2, 5])], params: { axis: 4, reverse: true } },
  ];
}

/** Ties (small whole numbers), NaN and infinities, int32 and bool keys, both directions. */
function sortCases<Extra extends object>(r: Random, extra: Extra): Case<ParamsOf<'sort'> & Extra>[] {
  const params = (dimension: number, descending: boolean) => ({ dimension, descending, ...extra });
  return [
    ...[0, 1].flatMap((dimension) => [false, true].map((descending) => ({ inputs: [smallInts(r, [5, 6])], params: params(dimension, descending) }))),
    { inputs: [withSpecials(r, normal(r, [40]), [NaN, Infinity, -Infinity, 0, -0])], params: params(0, false) },
    { inputs: [withSpecials(r, normal(r, [3, 9]), [NaN, Infinity])], params: params(1, true) },
    { inputs: [ints(r, [4, 7], -3, 3)], params: params(1, false) },
    { inputs: [bools(r, [10])], params: params(0, true) },
    { inputs: [empty([3, 0])], params: params(1, false) },
  ];
}

/** The window counts of an operand of `shape`. */
function windowed(shape: readonly number[], p: WindowParams): number[] {
  return shape.map((n, i) => windowCount(n, p.windowDimensions[i], p.windowStrides[i], p.padding[i], p.baseDilation[i], p.windowDilation[i]));
}
