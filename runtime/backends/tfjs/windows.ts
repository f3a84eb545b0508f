import * as tf from '@tensorflow/tfjs-core';
import { sizeOf } from '../../core';
import {
  axisCount, dilateDim, windowAxes, type ParamsOf, type WindowAxis, type WindowParams,
} from '../../primitives';
import { padConstant } from './pad';

// conv_general_dilated and the windowed primitives as tfjs ops, for callers inside tf.tidy: every
// window position is one strided slice of the dilated, padded operand, stacked on a last axis
// ("patches"); a convolution is then one batched matMul over its groups. The same ops run on
// cpu, wasm and webgpu.

const iotaTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** `x` with `dilation - 1` elements of `fill` between neighbours along `axis`. */
function dilateAxis(x: tf.Tensor, axis: number, dilation: number, fill: number): tf.Tensor {
  const n = x.shape[axis];
  if (dilation === 1 || n <= 1) return x;
  // A concat with a block of `fill`, not tf.pad of this rank-5 operand: with tf.pad, an lhs-dilated
  // conv_general_dilated on tfjs-backend-webgpu read 0 where the reference has 2.94.
  const gapShape = x.shape.slice(0, axis + 1).concat(dilation - 1, x.shape.slice(axis + 1));
  const spread = tf.concat([tf.expandDims(x, axis + 1), tf.fill(gapShape, fill, x.dtype)], axis + 1);
  const merged = tf.reshape(spread, x.shape.map((d, i) => (i === axis ? d * dilation : d)));
  return tf.slice(merged, x.shape.map(() => 0), x.shape.map((d, i) => (i === axis ? dilateDim(n, dilation) : d)));
}

/** Pads with `fill` where a pair is positive and crops where it is negative. */
function padOrCrop(x: tf.Tensor, padding: readonly (readonly [number, number])[], fill: number): tf.Tensor {
  const cropped = padding.some(([lo, hi]) => lo < 0 || hi < 0)
    ? tf.slice(x, padding.map(([lo]) => Math.max(0, -lo)), x.shape.map((d, i) => d - Math.max(0, -padding[i][0]) - Math.max(0, -padding[i][1])))
    : x;
  if (padding.every(([lo, hi]) => lo <= 0 && hi <= 0)) return cropped;
  return padConstant(cropped, padding.map(([lo, hi]) => [Math.max(0, lo), Math.max(0, hi)] as const), fill);
}

/** Every position of a row-major grid of `sizes`. */
function gridPositions(sizes: readonly number[]): number[][] {
  let positions: number[][] = [[]];
  for (const size of sizes) positions = positions.flatMap((p) => iotaTo(size).map((k) => [...p, k]));
  return positions;
}

const untouched = (a: WindowAxis): boolean => a.window === 1 && a.stride === 1 && a.padding[0] === 0 && a.padding[1] === 0 && a.baseDilation === 1;

/**
 * Adjacent axes no window touches (batch, channels), merged into one: a 3-d convolution's or a
 * rank-5 pooling's operands become rank 4, where tfjs-backend-webgpu's pad reads right (it reads
 * 4 coordinates at most) and its where exists (none above rank 4).
 */
function foldUntouched(axes: readonly WindowAxis[]): WindowAxis[] {
  const folded: WindowAxis[] = [];
  for (const a of axes) {
    const last = folded[folded.length - 1];
    if (last !== undefined && untouched(last) && untouched(a)) folded[folded.length - 1] = { ...last, size: last.size * a.size };
    else folded.push(a);
  }
  return folded;
}

/** The operand dilated and padded with `fill`, then its windows: shape [...window counts, window positions]. */
function patches(x: tf.Tensor, axes: readonly WindowAxis[], fill: number): tf.Tensor {
  const folded = foldUntouched(axes);
  if (folded.length === axes.length) return foldedPatches(x, axes, fill);
  const cols = foldedPatches(tf.reshape(x, folded.map((a) => a.size)), folded, fill);
  return tf.reshape(cols, [...axes.map(axisCount), cols.shape[cols.rank - 1]]);
}

function foldedPatches(x: tf.Tensor, axes: readonly WindowAxis[], fill: number): tf.Tensor {
  let y = x;
  axes.forEach((a, i) => { y = dilateAxis(y, i, a.baseDilation, fill); });
  y = padOrCrop(y, axes.map((a) => a.padding), fill);
  const counts = axes.map(axisCount);
  const windowed = axes.map((_, i) => i).filter((i) => axes[i].window !== 1 || axes[i].stride !== 1 || counts[i] !== y.shape[i]);
  if (sizeOf(windowed.map((i) => counts[i])) < sizeOf(axes.map((a) => a.window))) return patchesByWindow(y, axes, counts, windowed);
  const strided = axes.some((a) => a.stride !== 1);
  const slices = gridPositions(axes.map((a) => a.window)).map((k) => {
    const begin = axes.map((a, i) => k[i] * a.windowDilation);
    if (!strided) return tf.slice(y, begin, counts);
    return tf.stridedSlice(y, begin, begin.map((b, i) => b + (counts[i] - 1) * axes[i].stride + 1), axes.map((a) => a.stride));
  });
  return tf.stack(slices, axes.length);
}

/**
 * The same patches, one slice per window instead of one per window position: fewer slices when
 * windows are large and few (a kernel's gradient is a convolution whose window is the image).
 */
function patchesByWindow(y: tf.Tensor, axes: readonly WindowAxis[], counts: readonly number[], windowed: readonly number[]): tf.Tensor {
  const slices = gridPositions(windowed.map((i) => counts[i])).map((o) => {
    const begin = axes.map((a, i) => (windowed.includes(i) ? o[windowed.indexOf(i)] * a.stride : 0));
    const end = axes.map((a, i) => (windowed.includes(i) ? begin[i] + (a.window - 1) * a.windowDilation + 1 : counts[i]));
    return tf.stridedSlice(y, begin, end, axes.map((a, i) => (windowed.includes(i) ? a.windowDilation : 1)));
  });
  // [window counts of the windowed axes..., each axis (its size, or its window)] to [each axis's count..., window positions].
  const stacked = tf.reshape(tf.stack(slices, 0), [...windowed.map((i) => counts[i]), ...axes.map((a, i) => (windowed.includes(i) ? a.window : counts[i]))]);
  const w = windowed.length;
  const perm = [...axes.map((_, i) => (windowed.includes(i) ? windowed.indexOf(i) : w + i)), ...windowed.map((i) => w + i)];
  return tf.reshape(tf.transpose(stacked, perm), [...counts, sizeOf(axes.map((a) => a.window))]);
}

export function reduceWindow(x: tf.Tensor, params: WindowParams, kind: 'sum' | 'max'): tf.Tensor {
  // NB: int32 goes through float32 (exact below 2^24): tfjs-backend-wasm's int32 strided windows read zeros.
  if (x.dtype === 'int32') return tf.cast(reduceWindow(tf.cast(x, 'float32'), params, kind), 'int32');
  const axes = windowAxes(x.shape, params);
  const last = axes.length;
  return kind === 'sum' ? tf.sum(patches(x, axes, 0), last) : tf.max(patches(x, axes, -Infinity), last);
}

/**
 * The window positions as K arrays of the windows' shape: slice k holds each window's k-th element
 * (`fill` in padding and holes).
 */
function windowSlices(x: tf.Tensor, axes: readonly WindowAxis[], fill: number): tf.Tensor[] {
  let y = x;
  axes.forEach((a, i) => { y = dilateAxis(y, i, a.baseDilation, fill); });
  y = padOrCrop(y, axes.map((a) => a.padding), fill);
  const counts = axes.map(axisCount);
  return gridPositions(axes.map((a) => a.window)).map((k) => {
    const begin = axes.map((a, i) => k[i] * a.windowDilation);
    return tf.stridedSlice(y, begin, begin.map((b, i) => b + (counts[i] - 1) * axes[i].stride + 1), axes.map((a) => a.stride));
  });
}

/**
 * Per window, the index of the position PyTorch's max-pool loop picks (`val > max || isnan(val)`
 * from the first position inside the operand: the first maximum, or the last NaN), -1 for a window
 * wholly in padding. Elementwise over same-shaped float32 slices: tfjs-backend-wasm broadcasts,
 * int32 and bool arithmetic are slow fallbacks.
 */
function selectedPosition(operand: tf.Tensor, axes: readonly WindowAxis[]): tf.Tensor {
  const values = windowSlices(tf.cast(operand, 'float32'), axes, -Infinity);
  const valid = windowSlices(tf.onesLike(tf.cast(operand, 'float32')), axes, 0);
  let best = tf.fill(values[0].shape, -Infinity);
  let index = tf.fill(values[0].shape, -1);
  values.forEach((v, k) => {
    const inside = tf.greater(valid[k], 0);
    const take = tf.logicalAnd(inside, tf.logicalOr(tf.greater(v, best), tf.isNaN(v)));
    const first = tf.logicalAnd(inside, tf.less(index, 0));
    index = tf.where(tf.logicalOr(take, first), tf.fill(v.shape, k), index);
    best = tf.where(take, v, best);
  });
  return index;
}

export function selectAndGatherAdd(tangent: tf.Tensor, operand: tf.Tensor, params: WindowParams): tf.Tensor {
  const axes = windowAxes(operand.shape, params);
  const folded = foldUntouched(axes);
  if (folded.length === axes.length) return gatherSelected(tangent, operand, axes);
  const sizes = folded.map((a) => a.size);
  return tf.reshape(gatherSelected(tf.reshape(tangent, sizes), tf.reshape(operand, sizes), folded), axes.map(axisCount));
}

function gatherSelected(tangent: tf.Tensor, operand: tf.Tensor, axes: readonly WindowAxis[]): tf.Tensor {
  const index = selectedPosition(operand, axes);
  const tangents = windowSlices(tf.cast(tangent, 'float32'), axes, 0);
  // NB: a select, not a 0/1 product: a NaN or infinite tangent at a position not picked must not leak (0 * NaN).
  const zeros = tf.zerosLike(tangents[0]);
  const picked = addAll(tangents.map((t, k) => tf.where(tf.equal(index, k), t, zeros)));
  return asDtype(picked, tangent.dtype);
}

/**
 * tf.addN in groups of 4: tfjs-backend-webgpu's AddN binds every operand as a storage buffer, and
 * past WebGPU's 8 a shader it cannot create gave zeros (the gradient of a 3x3 or 2x2x2 max pool).
 */
function addAll(xs: readonly tf.Tensor[]): tf.Tensor {
  let terms = [...xs];
  while (terms.length > 4) {
    const sums: tf.Tensor[] = [];
    for (let i = 0; i < terms.length; i += 4) sums.push(terms.length - i === 1 ? terms[i] : tf.addN(terms.slice(i, i + 4)));
    terms = sums;
  }
  return terms.length === 1 ? terms[0] : tf.addN(terms);
}

const asDtype = (x: tf.Tensor, dtype: tf.DataType): tf.Tensor => (x.dtype === dtype ? x : tf.cast(x, dtype));

/** Each window's source at its selected position, laid back onto the operand (the transpose of windowSlices). */
export function selectAndScatterAdd(source: tf.Tensor, operand: tf.Tensor, params: WindowParams): tf.Tensor {
  const axes = windowAxes(operand.shape, params);
  const folded = foldUntouched(axes);
  if (folded.length === axes.length) return scatterSelected(source, operand, axes);
  return tf.reshape(scatterSelected(tf.reshape(source, folded.map(axisCount)), tf.reshape(operand, folded.map((a) => a.size)), folded), operand.shape);
}

function scatterSelected(source: tf.Tensor, operand: tf.Tensor, axes: readonly WindowAxis[]): tf.Tensor {
  if (axes.some((a) => axisCount(a) === 0)) return tf.zeros(operand.shape, source.dtype);
  const index = selectedPosition(operand, axes);
  const s = tf.cast(source, 'float32');
  const extents = axes.map((a) => dilateDim(a.size, a.baseDilation) + a.padding[0] + a.padding[1]);
  const offsets = gridPositions(axes.map((a) => a.window));
  const zeros = tf.zerosLike(s);
  const placed = offsets.map((offset, k) => {
    let part = tf.where(tf.equal(index, k), s, zeros);
    axes.forEach((a, i) => { part = dilateAxis(part, i, a.stride, 0); });
    return padConstant(part, axes.map((a, i) => {
      const lo = offset[i] * a.windowDilation;
      return [lo, extents[i] - lo - part.shape[i]] as const;
    }), 0);
  });
  const total = addAll(placed);
  // Undo the padding (a crop, or zeros where it cropped), then the base dilation.
  const unpadded = padOrCrop(total, axes.map((a) => [-a.padding[0], -a.padding[1]] as const), 0);
  if (axes.every((a) => a.baseDilation === 1)) return asDtype(unpadded, source.dtype);
  return asDtype(tf.stridedSlice(unpadded, axes.map(() => 0), unpadded.shape, axes.map((a) => a.baseDilation)), source.dtype);
}

export function rev(x: tf.Tensor, { dimensions }: ParamsOf<'rev'>): tf.Tensor {
  return dimensions.length === 0 ? tf.clone(x) : tf.reverse(x, [...dimensions]);
}

/**
 * Where tf.conv2d computes the same (1 or 2 spatial axes, no groups, no lhs dilation, padding
 * not negative, strides or dilations all 1, float32): its kernel, XNNPACK's on wasm, is many
 * times faster than patches.
 */
function tfjsConvApplies(lhs: tf.Tensor, p: ParamsOf<'conv_general_dilated'>): boolean {
  return lhs.dtype === 'float32' && (lhs.rank === 3 || lhs.rank === 4) && p.featureGroupCount === 1 && p.batchGroupCount === 1
    && p.lhsDilation.every((d) => d === 1) && p.padding.every(([lo, hi]) => lo >= 0 && hi >= 0)
    && (p.windowStrides.every((s) => s === 1) || p.rhsDilation.every((d) => d === 1));
}

function tfjsConv(lhs: tf.Tensor, rhs: tf.Tensor, p: ParamsOf<'conv_general_dilated'>): tf.Tensor {
  const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
  const oneD = lhs.rank === 3;
  // NHWC input and HWIO filter; a 1-d convolution is a 2-d one of height 1.
  let x = tf.transpose(lhs, [lhsSpec[0], ...lhsSpec.slice(2), lhsSpec[1]]);
  let w = tf.transpose(rhs, [...rhsSpec.slice(2), rhsSpec[1], rhsSpec[0]]);
  if (oneD) {
    x = tf.expandDims(x, 1);
    w = tf.expandDims(w, 0);
  }
  const pair = (xs: readonly number[], one: number): [number, number] => (oneD ? [one, xs[0]] : [xs[0], xs[1]]);
  const pads = oneD ? [[0, 0], ...p.padding] : p.padding;
  let y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, pair(p.windowStrides, 1),
    [[0, 0], [pads[0][0], pads[0][1]], [pads[1][0], pads[1][1]], [0, 0]], 'NHWC', pair(p.rhsDilation, 1)) as tf.Tensor;
  if (oneD) y = tf.squeeze(y, [1]);
  // [batch, spatial..., feature] to the output's layout.
  const canonicalAxis = [0, ...outSpec.slice(2).map((_, i) => i + 1), outSpec.length - 1];
  const order = [outSpec[0], ...outSpec.slice(2), outSpec[1]];
  const perm = new Array<number>(outSpec.length);
  order.forEach((axis, j) => { perm[axis] = canonicalAxis[j]; });
  return tf.transpose(y, perm);
}

/**
 * conv_general_dilated: patches of the lhs in canonical layout [N, C, spatial...], then per group
 * (feature groups split C and the kernel's outputs; batch groups split N and the outputs) one
 * matMul of [positions, C·K] by the kernel's [outputs, C·K]ᵀ.
 */
export function convGeneralDilated(lhs: tf.Tensor, rhs: tf.Tensor, p: ParamsOf<'conv_general_dilated'>): tf.Tensor {
  const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
  if (tfjsConvApplies(lhs, p)) return tfjsConv(lhs, rhs, p);
  const integer = lhs.dtype === 'int32';
  // NB: tfjs's matMul is float32 only; int32 is exact through it below 2^24.
  const x = tf.transpose(integer ? tf.cast(lhs, 'float32') : lhs, [...lhsSpec]);
  const w = tf.transpose(integer ? tf.cast(rhs, 'float32') : rhs, [...rhsSpec]);
  const [n, c] = x.shape;
  const [outFeatures, inFeatures] = w.shape;
  const kernel = sizeOf(w.shape.slice(2));
  const identity = (size: number): WindowAxis => ({ size, window: 1, stride: 1, padding: [0, 0], baseDilation: 1, windowDilation: 1 });
  const spatial = x.shape.slice(2).map((size, d): WindowAxis => ({
    size, window: w.shape[2 + d], stride: p.windowStrides[d], padding: p.padding[d],
    baseDilation: p.lhsDilation[d], windowDilation: p.rhsDilation[d],
  }));
  const windows = spatial.map(axisCount);
  const positions = sizeOf(windows);
  const cols = patches(x, [identity(n), identity(c), ...spatial], 0);
  const groups = Math.max(p.featureGroupCount, p.batchGroupCount);
  let canonical: tf.Tensor;
  if (p.batchGroupCount === 1) {
    const rows = tf.reshape(tf.transpose(tf.reshape(cols, [n, groups, inFeatures, positions, kernel]), [1, 0, 3, 2, 4]), [groups, n * positions, inFeatures * kernel]);
    const product = tf.matMul(rows, tf.reshape(w, [groups, outFeatures / groups, inFeatures * kernel]), false, true);
    canonical = tf.reshape(tf.transpose(tf.reshape(product, [groups, n, positions, outFeatures / groups]), [1, 0, 3, 2]), [n, outFeatures, ...windows]);
  } else {
    const perGroup = n / groups;
    const rows = tf.reshape(tf.transpose(tf.reshape(cols, [groups, perGroup, c, positions, kernel]), [0, 1, 3, 2, 4]), [groups, perGroup * positions, c * kernel]);
    const product = tf.matMul(rows, tf.reshape(w, [groups, outFeatures / groups, c * kernel]), false, true);
    canonical = tf.reshape(tf.transpose(tf.reshape(product, [groups, perGroup, positions, outFeatures / groups]), [1, 0, 3, 2]), [perGroup, outFeatures, ...windows]);
  }
  const toOut = new Array<number>(outSpec.length);
  outSpec.forEach((axis, j) => { toOut[axis] = j; });
  const out = tf.transpose(canonical, toOut);
  return integer ? tf.cast(tf.round(out), 'int32') : out;
}
