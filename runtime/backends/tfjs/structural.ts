import * as tf from '@tensorflow/tfjs-core';
import { checkInterrupt, sizeOf, type AbstractValue } from '../../core';
import type { DotDimensionNumbers, ParamsOf } from '../../primitives';
import { padConstant } from './pad';

// Reductions, shape and indexing ops on tf.Tensors, for callers inside tf.tidy.

type Reducer = 'sum' | 'max' | 'min' | 'prod';
const TF_REDUCERS = { sum: tf.sum, max: tf.max, min: tf.min, prod: tf.prod } as const;
/** On bool, sum and max are "any", prod and min are "all": reduce as int32, then test non-zero. */
const BOOL_AS = { sum: 'max', max: 'max', min: 'min', prod: 'min' } as const;

export function reduce(x: tf.Tensor, axes: readonly number[], kind: Reducer, out: AbstractValue): tf.Tensor {
  if (axes.length === 0) return tf.clone(x);
  // NB: tfjs-backend-wasm's Sum and Prod read garbage when a reduced axis is empty.
  if (x.size === 0) return tf.fill([...out.shape], kind === 'prod' ? 1 : 0, x.dtype);
  if (x.dtype === 'bool') {
    const r = TF_REDUCERS[BOOL_AS[kind]](tf.cast(x, 'int32'), [...axes]);
    return tf.notEqual(r, tf.scalar(0, 'int32'));
  }
  // tfjs's Max and Min propagate NaN on both backends, as NumPy does.
  return TF_REDUCERS[kind](x, [...axes]);
}

/** NB: tfjs's ArgMax skips NaN; NumPy and JAX return the first NaN as the maximum. */
/**
 * NB: tfjs-backend-webgpu's argMax over an axis other than the last gives wrong indices (and
 * garbage for int32 input, whose internal Transpose shader fails to compile), so the axis is
 * moved last first, and argMax and the NaN test see float32 only: the NaN mask as 0/1, int32
 * values cast (exact below 2^24).
 */
export function argmax(x: tf.Tensor, axis: number): tf.Tensor {
  const perm = [...x.shape.keys()].filter((d) => d !== axis).concat(axis);
  const last = tf.transpose(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), perm);
  if (x.dtype !== 'float32') return tf.argMax(last, -1);
  const mask = tf.cast(tf.isNaN(last), 'float32');
  return tf.where(tf.greater(tf.max(mask, -1), tf.scalar(0)), tf.argMax(mask, -1), tf.argMax(last, -1));
}

export function broadcastInDim(x: tf.Tensor, { shape, broadcastDimensions }: ParamsOf<'broadcast_in_dim'>): tf.Tensor {
  const aligned = shape.map(() => 1);
  broadcastDimensions.forEach((d, i) => { aligned[d] = x.shape[i]; });
  const input = tf.reshape(x, aligned);
  if (tf.getBackend() !== 'wasm') return tf.broadcastTo(input, [...shape]);
  // NB: tfjs-backend-wasm has no BroadcastTo kernel: its fallback takes 16 s for 64M elements, and
  // so do its int32 and bool binary kernels. A scalar is a Fill; float32 broadcasts in Add (20
  // times faster); the rest goes in blocks of rows with the caller's clock checked between them.
  if (x.size === 1) return tf.fill([...shape], x.dataSync()[0], x.dtype as 'float32' | 'int32' | 'bool');
  if (x.dtype === 'float32') return tf.add(tf.zeros([...shape], 'float32'), input);
  const rowSize = sizeOf(shape.slice(1));
  const step = Math.max(1, Math.floor(BROADCAST_CHUNK / Math.max(1, rowSize)));
  if (shape.length === 0 || step >= shape[0]) return tf.broadcastTo(input, [...shape]);
  const blocks: tf.Tensor[] = [];
  for (let from = 0; from < shape[0]; from += step) {
    checkInterrupt();
    const rows = Math.min(step, shape[0] - from);
    const part = aligned[0] === 1 ? input : tf.slice(input, [from, ...aligned.slice(1).map(() => 0)], [rows, ...aligned.slice(1)]);
    blocks.push(tf.broadcastTo(part, [rows, ...shape.slice(1)]));
  }
  return tf.concat(blocks, 0);
}

/** Elements of a slow broadcast made between checks of the clock. */
const BROADCAST_CHUNK = 2 ** 20;

export function slice(x: tf.Tensor, { startIndices, limitIndices, strides }: ParamsOf<'slice'>): tf.Tensor {
  if (x.rank === 0) return tf.clone(x);
  if (strides === null || strides.every((s) => s === 1)) {
    return tf.slice(x, [...startIndices], limitIndices.map((l, i) => l - startIndices[i]));
  }
  return tf.stridedSlice(x, [...startIndices], [...limitIndices], [...strides]);
}

/**
 * The index values, where reading them costs only a copy: always on cpu and wasm (host memory);
 * on webgpu only while tfjs still holds the uploaded values on the host, else null.
 * NB: a synchronous read of a GPU buffer goes through tfjs's readSync, which copies via WebGPU
 * canvas textures: on SwiftShader that loses the device ("A valid external Instance reference no
 * longer exists"; a constant index array that scatter_add has moved to the GPU, then read again by
 * gather, did it), and on a real GPU it stalls the queue. Indices on the GPU are wrapped there.
 */
function hostIndices(idx: tf.Tensor): Int32Array | null {
  if (tf.getBackend() === 'webgpu') {
    const held = (tf.engine().backend as unknown as { tensorMap: { get(id: object): { values?: unknown } } }).tensorMap.get(idx.dataId);
    if (held.values == null) return null;
  }
  return idx.dataSync() as Int32Array;
}

/**
 * Wraps negative indices once, as Python does, and refuses the rest out of range as the reference
 * does. NB: tfjs's GatherV2 throws on any negative index and its ScatterNd drops out-of-range ones.
 * Indices that live only on the GPU cannot be refused without a synchronous readback (see
 * hostIndices): they wrap on the device, and `inRange` (a bool tensor) marks the ones still out of
 * range, which the caller makes read 0 (gather) or drop (scatter_add), as JAX does on accelerators.
 */
function wrapIndices(idx: tf.Tensor, size: number, op: string, axis: number): { idx: tf.Tensor; inRange: tf.Tensor | null } {
  const values = hostIndices(idx);
  if (values === null) {
    const wrapped = tf.where(tf.less(idx, tf.scalar(0, 'int32')), tf.add(idx, tf.scalar(size, 'int32')), idx);
    const inRange = tf.logicalAnd(tf.greaterEqual(wrapped, tf.scalar(0, 'int32')), tf.less(wrapped, tf.scalar(size, 'int32')));
    return { idx: tf.where(inRange, wrapped, tf.zerosLike(wrapped)), inRange };
  }
  let wrapped: Int32Array | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= 0 && v < size) continue;
    const j = v + size;
    if (j < 0 || j >= size) throw new RangeError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${size}`);
    wrapped ??= values.slice();
    wrapped[i] = j;
  }
  return { idx: wrapped ? tf.tensor(wrapped, idx.shape, 'int32') : idx, inRange: null };
}

export function gather(x: tf.Tensor, idx: tf.Tensor, axis: number): tf.Tensor {
  const w = wrapIndices(idx, x.shape[axis], 'gather', axis);
  const got = tf.gather(x, w.idx, axis);
  if (w.inRange === null) return got;
  // The mask's axes land where gather puts the index axes: [...x before axis, ...idx, ...x after axis].
  const shape = [...x.shape.slice(0, axis).map(() => 1), ...idx.shape, ...x.shape.slice(axis + 1).map(() => 1)];
  return tf.where(tf.broadcastTo(tf.reshape(w.inRange, shape), got.shape), got, tf.zerosLike(got));
}

/**
 * tfjs has no scatter-add along an axis, and wasm lacks UnsortedSegmentSum, so the indexed axis
 * is moved to the front and ScatterNd, which sums duplicate indices on both backends, does the rest.
 */
export function scatterAdd(updates: tf.Tensor, idx: tf.Tensor, { axis, operandShape }: ParamsOf<'scatter_add'>): tf.Tensor {
  const size = operandShape[axis];
  const pre = sizeOf(operandShape.slice(0, axis));
  const post = sizeOf(operandShape.slice(axis + 1));
  const n = idx.size;
  if (n === 0) return tf.zeros([...operandShape], updates.dtype);
  const w = wrapIndices(idx, size, 'scatter_add', axis);
  let rows = tf.reshape(tf.transpose(tf.reshape(updates, [pre, n, post]), [1, 0, 2]), [n, pre * post]);
  if (w.inRange !== null) rows = tf.where(tf.broadcastTo(tf.reshape(w.inRange, [n, 1]), rows.shape), rows, tf.zerosLike(rows));
  const summed = tf.scatterND(tf.reshape(w.idx, [n, 1]), rows, [size, pre * post]);
  return tf.reshape(tf.transpose(tf.reshape(summed, [size, pre, post]), [1, 0, 2]), [...operandShape]);
}

export function concatenate(xs: readonly tf.Tensor[], dimension: number): tf.Tensor {
  const nonEmpty = xs.filter((x) => x.size > 0);
  return tf.concat(nonEmpty.length > 0 ? nonEmpty : [xs[0]], dimension);
}

export function pad(x: tf.Tensor, { lo, hi, value }: ParamsOf<'pad'>): tf.Tensor {
  if (x.rank === 0) return tf.clone(x);
  return padConstant(x, lo.map((l, i) => [l, hi[i]] as const), value);
}

/**
 * Moves each operand to [batch, free, contracting] (rhs: [batch, contracting, free]), flattens the
 * groups, and runs one batched matmul. NB: tfjs-backend-wasm's BatchMatMul is float32 only, so
 * int32 contracts by multiply and sum, which is exact.
 */
export function dotGeneral(a: tf.Tensor, b: tf.Tensor, dn: DotDimensionNumbers, out: AbstractValue): tf.Tensor {
  const free = (rank: number, used: readonly number[]) => [...Array(rank).keys()].filter((i) => !used.includes(i));
  const aFree = free(a.rank, [...dn.lhsBatch, ...dn.lhsContracting]);
  const bFree = free(b.rank, [...dn.rhsBatch, ...dn.rhsContracting]);
  const size = (t: tf.Tensor, axes: readonly number[]) => sizeOf(axes.map((i) => t.shape[i]));
  const [batch, m, k, n] = [size(a, dn.lhsBatch), size(a, aFree), size(a, dn.lhsContracting), size(b, bFree)];
  if (k === 0) return tf.zeros([...out.shape], a.dtype);
  // NB: on webgpu an operand stored contracting-axes-first (as the gradient of a product reads
  // them) goes in with matMul's transpose flag: tfjs-backend-webgpu's Transpose costs more than the
  // product there. tfjs-backend-wasm runs the flags far slower than a plain product, so not there.
  const flags = a.dtype === 'float32' && tf.getBackend() === 'webgpu';
  const inOrder = (axes: readonly number[]) => axes.every((ax, i) => ax === i);
  const transposeA = flags && !inOrder([...dn.lhsBatch, ...aFree, ...dn.lhsContracting]) && inOrder([...dn.lhsBatch, ...dn.lhsContracting, ...aFree]);
  const transposeB = flags && !inOrder([...dn.rhsBatch, ...dn.rhsContracting, ...bFree]) && inOrder([...dn.rhsBatch, ...bFree, ...dn.rhsContracting]);
  const lhs = transposeA ? tf.reshape(a, [batch, k, m]) : tf.reshape(tf.transpose(a, [...dn.lhsBatch, ...aFree, ...dn.lhsContracting]), [batch, m, k]);
  const rhs = transposeB ? tf.reshape(b, [batch, n, k]) : tf.reshape(tf.transpose(b, [...dn.rhsBatch, ...dn.rhsContracting, ...bFree]), [batch, k, n]);
  const dims = { batch, m, k, n };
  let product = a.dtype === 'float32' ? floatProduct(lhs, rhs, transposeA, transposeB, dims) : intProduct(lhs, rhs, dims);
  if (a.dtype === 'bool') product = tf.notEqual(product, tf.scalar(0, 'int32'));
  return tf.reshape(product, [...out.shape]);
}

interface ProductDims { readonly batch: number; readonly m: number; readonly k: number; readonly n: number }

/**
 * A float32 product [batch, m, k] @ [batch, k, n]; past MATMUL_CHUNK multiply-adds it runs in
 * blocks of rows with the caller's clock checked between them. NB: not on webgpu, whose dispatches
 * run later on the GPU, beyond a clock check's reach.
 */
function floatProduct(lhs: tf.Tensor, rhs: tf.Tensor, transposeA: boolean, transposeB: boolean, { batch, m, k, n }: ProductDims): tf.Tensor {
  const step = tf.getBackend() === 'webgpu' ? m : Math.max(1, Math.floor(MATMUL_CHUNK / Math.max(1, batch * k * n)));
  const rows = (from: number, count: number) =>
    (count === m ? lhs : transposeA ? tf.slice(lhs, [0, 0, from], [batch, k, count]) : tf.slice(lhs, [0, from, 0], [batch, count, k]));
  if (step >= m) return tf.matMul(lhs as tf.Tensor3D, rhs as tf.Tensor3D, transposeA, transposeB);
  const blocks: tf.Tensor[] = [];
  for (let from = 0; from < m; from += step) {
    checkInterrupt();
    blocks.push(tf.tidy(() => tf.matMul(rows(from, Math.min(step, m - from)) as tf.Tensor3D, rhs as tf.Tensor3D, transposeA, transposeB)));
  }
  return tf.concat(blocks, 1);
}

/**
 * An int32 (or bool) product [batch, m, k] @ [batch, k, n]. tfjs has no integer matMul: where
 * every partial sum stays under 2**24 in magnitude (one-hot and count matrices), float32's product
 * is exact and fast; otherwise a broadcast product summed over k, in pieces of INT_MATMUL_CHUNK
 * elements with the caller's clock checked between them (wasm's int32 kernels are slow).
 */
function intProduct(lhs: tf.Tensor, rhs: tf.Tensor, { batch, m, k, n }: ProductDims): tf.Tensor {
  const l = lhs.dtype === 'bool' ? tf.cast(lhs, 'int32') : lhs;
  const r = rhs.dtype === 'bool' ? tf.cast(rhs, 'int32') : rhs;
  if (tf.getBackend() !== 'webgpu') {
    const bound = tf.tidy(() => tf.mul(tf.max(tf.abs(l)), tf.max(tf.abs(r))).dataSync()[0]) * k;
    if (bound < 2 ** 24) return tf.cast(tf.matMul(tf.cast(l, 'float32') as tf.Tensor3D, tf.cast(r, 'float32') as tf.Tensor3D), 'int32');
  }
  const kStep = Math.max(1, Math.min(k, Math.floor(INT_MATMUL_CHUNK / Math.max(1, batch * n))));
  const rowStep = Math.max(1, Math.floor(INT_MATMUL_CHUNK / Math.max(1, batch * kStep * n)));
  const blocks: tf.Tensor[] = [];
  for (let i = 0; i < m; i += rowStep) {
    const rows = Math.min(rowStep, m - i);
    let acc: tf.Tensor | null = null;
    for (let j = 0; j < k; j += kStep) {
      checkInterrupt();
      const ks = Math.min(kStep, k - j);
      const part = tf.tidy(() => tf.sum(tf.mul(tf.expandDims(tf.slice(l, [0, i, j], [batch, rows, ks]), 3), tf.expandDims(tf.slice(r, [0, j, 0], [batch, ks, n]), 1)), 2));
      const next: tf.Tensor = acc === null ? part : tf.add(acc, part);
      if (acc !== null) {
        acc.dispose();
        part.dispose();
      }
      acc = next;
    }
    blocks.push(acc!);
  }
  return blocks.length === 1 ? blocks[0] : tf.concat(blocks, 1);
}

/** Multiply-adds of a float32 product between checks of the clock (~30 ms on wasm). */
const MATMUL_CHUNK = 2 ** 26;
/** Elements of an integer product's broadcast intermediate at once. */
const INT_MATMUL_CHUNK = 2 ** 16;

export function iota({ dtype, shape, dimension }: ParamsOf<'iota'>): tf.Tensor {
  const n = shape[dimension];
  const line = dtype === 'bool'
    ? tf.notEqual(tf.range(0, n, 1, 'int32'), tf.scalar(0, 'int32'))
    : tf.range(0, n, 1, dtype === 'int32' ? 'int32' : 'float32');
  const aligned = shape.map((d, i) => (i === dimension ? d : 1));
  return tf.broadcastTo(tf.reshape(line, aligned), [...shape]);
}

/** A start (an int32 scalar tensor) clamped into [0, n - size], as XLA's DynamicSlice does, on the device. */
function clampStart(start: tf.Tensor, n: number, size: number): tf.Tensor {
  return tf.maximum(tf.minimum(start, tf.scalar(n - size, 'int32')), tf.scalar(0, 'int32'));
}

/** lax.dynamic_slice as a gather of the clamped positions along each axis it narrows (the starts stay on the device). */
export function dynamicSlice(x: tf.Tensor, starts: readonly tf.Tensor[], { sliceSizes }: ParamsOf<'dynamic_slice'>): tf.Tensor {
  let v = x;
  sliceSizes.forEach((size, d) => {
    if (size === x.shape[d]) return;
    v = tf.gather(v, tf.add(tf.range(0, size, 1, 'int32'), clampStart(starts[d], x.shape[d], size)), d);
  });
  return v;
}

/**
 * lax.dynamic_update_slice: each operand position p reads update[p - start] where start <= p <
 * start + size on every axis, and keeps its own value elsewhere (a gather and a select on the device).
 */
export function dynamicUpdateSlice(x: tf.Tensor, update: tf.Tensor, starts: readonly tf.Tensor[]): tf.Tensor {
  if (update.size === 0) return x;
  let spread = update;
  let inside: tf.Tensor | null = null;
  x.shape.forEach((n, d) => {
    const u = update.shape[d];
    const offset = tf.sub(tf.range(0, n, 1, 'int32'), clampStart(starts[d], n, u));
    const within = tf.logicalAnd(tf.greaterEqual(offset, tf.scalar(0, 'int32')), tf.less(offset, tf.scalar(u, 'int32')));
    spread = tf.gather(spread, tf.maximum(tf.minimum(offset, tf.scalar(u - 1, 'int32')), tf.scalar(0, 'int32')), d);
    const axisMask = tf.reshape(within, x.shape.map((m, k) => (k === d ? m : 1)));
    inside = inside === null ? axisMask : tf.logicalAnd(inside, axisMask);
  });
  return inside === null ? update : tf.where(tf.broadcastTo(inside, x.shape), spread, x);
}
