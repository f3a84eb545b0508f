import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, type AbstractValue } from '../../core';
import type { CumulativeParams, CumulativePrimitive, ParamsOf, SortingPrimitive } from '../../primitives';
import { REFERENCE_KERNELS, ReferenceArray } from '../reference';
import { maxOrMin } from './elementwise';
import { padConstant } from './pad';

// The special functions, cumulative reductions and orderings on tf.Tensors, for callers inside
// tf.tidy. tfjs has cumsum and cumprod; the running max, min and logsumexp are Hillis-Steele
// scans of tfjs ops (log2(n) rounds), so they run on every tfjs backend.

const c = (v: number) => tf.scalar(v, 'float32');

/** Eigen's float erf (as XLA computes it on the CPU): a rational function on [-4, 4], +-1 outside. */
export function erf(x: tf.Tensor): tf.Tensor {
  const clamped = tf.maximum(tf.minimum(x, c(4)), c(-4));
  const x2 = tf.mul(clamped, clamped);
  const horner = (coefficients: readonly number[]) => coefficients.slice(1).reduce((acc, k) => tf.add(tf.mul(x2, acc), c(k)), c(coefficients[0]) as tf.Tensor);
  const p = tf.mul(clamped, horner([-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02]));
  const q = horner([-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03, -1.42647390514189e-02]);
  return tf.where(tf.isNaN(x), x, tf.div(p, q));
}

const ERFINV_SMALL = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV_LARGE = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

/** XLA's float erf_inv (Giles's approximation); +-inf at +-1, NaN outside [-1, 1]. */
export function erfinv(x: tf.Tensor): tf.Tensor {
  const w0 = tf.neg(tf.log1p(tf.neg(tf.mul(x, x))));
  const small = tf.less(w0, c(5));
  const w = tf.where(small, tf.sub(w0, c(2.5)), tf.sub(tf.sqrt(w0), c(3)));
  let p: tf.Tensor = tf.where(small, c(ERFINV_SMALL[0]), c(ERFINV_LARGE[0]));
  for (let i = 1; i < ERFINV_SMALL.length; i++) p = tf.add(tf.where(small, c(ERFINV_SMALL[i]), c(ERFINV_LARGE[i])), tf.mul(p, w));
  // NaN outside [-1, 1] is chosen here, not left to log1p: WGSL's log of a negative number is
  // undefined, and SwiftShader returns a finite value (erfinv(-1.5) came out -1.2526)
  const magnitude = tf.abs(x);
  return tf.where(tf.greater(magnitude, c(1)), c(NaN), tf.where(tf.equal(magnitude, c(1)), tf.mul(x, c(Infinity)), tf.mul(p, x)));
}

/** XLA's cbrt, copysign(pow(|x|, 1/3), x), in tfjs ops. */
export function cbrt(x: tf.Tensor): tf.Tensor {
  const magnitude = tf.pow(tf.abs(x), c(Math.fround(1 / 3)));
  const root = tf.where(tf.less(x, c(0)), tf.neg(magnitude), magnitude);
  // NB: WebGPU's pow is exp2(y * log2(x)), which SwiftShader leaves at 1.8e-13 for x = 0: cbrt(±0) is ±0.
  return tf.where(tf.equal(x, c(0)), x, root);
}

/**
 * C's fmod of float32 operands, broadcast to `out`: on the host, JavaScript's % (exact: the remainder of
 * two floats is representable); on WebGPU, x - y * trunc(x / y) (as WGSL's own % of floats), which
 * may be off where y * trunc(x / y) rounds (quotients past 2**24), with fmod's specials put back.
 */
export function fmod(x: tf.Tensor, y: tf.Tensor, out: AbstractValue, onDevice: boolean): tf.Tensor {
  if (onDevice) {
    const q = tf.div(x, y);
    const r = tf.sub(x, tf.mul(y, tf.mul(tf.sign(q), tf.floor(tf.abs(q)))));
    // fmod(x, +-inf) is x; a zero remainder keeps the dividend's sign (x * 0); NaN for x = +-inf or y = 0 comes from q.
    const signed = tf.where(tf.equal(r, c(0)), tf.mul(x, c(0)), r);
    return tf.where(tf.logicalAnd(tf.isInf(y), tf.isFinite(x)), tf.broadcastTo(x, [...out.shape]), signed);
  }
  const shape = [...out.shape];
  const p = tf.broadcastTo(x, shape).dataSync();
  const q = tf.broadcastTo(y, shape).dataSync();
  return tf.tensor(Float32Array.from(p, (v, i) => v % q[i]!), shape, 'float32');
}

/** `x` moved `by` places along `axis` in scan order, `fill` coming in. */
function shift(x: tf.Tensor, axis: number, by: number, reverse: boolean, fill: number): tf.Tensor {
  const n = x.shape[axis];
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  size[axis] = n - by;
  if (reverse) begin[axis] = by;
  const padding = x.shape.map((): [number, number] => [0, 0]);
  padding[axis] = reverse ? [0, by] : [by, 0];
  return padConstant(tf.slice(x, begin, size), padding, fill);
}

/**
 * Inclusive scan with an associative `combine(earlier, later)`: where a shifted copy has no
 * element yet, the running value stays (no identity element is needed, as int32 has none that
 * survives tfjs's float padding value).
 */
function scan(x: tf.Tensor, axis: number, reverse: boolean, combine: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): tf.Tensor {
  const n = x.shape[axis];
  const along = tf.reshape(tf.range(0, n, 1, 'int32'), x.shape.map((_, i) => (i === axis ? n : 1)));
  const rank = reverse ? tf.sub(tf.scalar(n - 1, 'int32'), along) : along;
  let acc = x;
  for (let s = 1; s < n; s *= 2) {
    const has = tf.broadcastTo(tf.greaterEqual(rank, tf.scalar(s, 'int32')), x.shape);
    acc = tf.where(has, combine(shift(acc, axis, s, reverse, 0), acc), acc);
  }
  return acc;
}

/** PyTorch's _log_add_exp_helper: log(e^a + e^b), exact where both are the same infinity. */
function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const hi = tf.maximum(a, b);
  const lo = tf.minimum(a, b);
  const formula = tf.add(tf.log1p(tf.exp(tf.sub(lo, hi))), hi);
  const nan = tf.logicalOr(tf.isNaN(a), tf.isNaN(b));
  return tf.where(nan, tf.add(a, b), tf.where(tf.logicalOr(tf.notEqual(lo, hi), tf.isFinite(lo)), formula, a));
}

/**
 * NB: tfjs-backend-webgpu's Cumsum and Cumprod with `reverse` give wrong values (cumsum of
 * f32[3,4,5] along axis 1 reversed: 2.45 where the sum is -1.75); there the axis is reversed
 * around a forward scan.
 */
function tfScan(x: tf.Tensor, axis: number, reverse: boolean, op: typeof tf.cumsum): tf.Tensor {
  if (!reverse || tf.getBackend() !== 'webgpu') return op(x, axis, false, reverse);
  return tf.reverse(op(tf.reverse(x, axis), axis), axis);
}

export function cumulative(prim: CumulativePrimitive, x: tf.Tensor, params: CumulativeParams): tf.Tensor {
  // Scanned as [before, axis, after]: tfjs-backend-webgpu has no rank-5 where, and its rank-5 cumsum throws.
  if (x.rank <= 3) return scanAlong(prim, x, params);
  const folded = tf.reshape(x, [sizeOf(x.shape.slice(0, params.axis)), x.shape[params.axis], sizeOf(x.shape.slice(params.axis + 1))]);
  return tf.reshape(scanAlong(prim, folded, { ...params, axis: 1 }), x.shape);
}

function scanAlong(prim: CumulativePrimitive, x: tf.Tensor, { axis, reverse }: CumulativeParams): tf.Tensor {
  switch (prim) {
    case 'cumsum': return tfScan(x, axis, reverse, tf.cumsum);
    case 'cumprod': return tfScan(x, axis, reverse, tf.cumprod);
    case 'cummax': return scan(x, axis, reverse, (a, b) => maxOrMin(a, b, tf.maximum));
    case 'cummin': return scan(x, axis, reverse, (a, b) => maxOrMin(a, b, tf.minimum));
    case 'cumlogsumexp': return scan(x, axis, reverse, logAddExp);
  }
}

/**
 * The reference's loop over a copy of the values, where they are on the host (cpu, wasm): sorting,
 * and the running reductions in PyTorch's order (float32 accumulated in double, as PyTorch's CPU
 * kernels do, where tfjs's Cumsum adds in float32: logcumsumexp's last digits differ otherwise).
 * NB: the webgpu backend sorts on the GPU (webgpu/sort.ts) and scans with tfjs ops (cumulative).
 */
export function onHost<P extends SortingPrimitive | CumulativePrimitive>(prim: P, x: tf.Tensor, params: ParamsOf<P>, out: AbstractValue): tf.Tensor {
  const host = new ReferenceArray(x.shape, x.dtype === 'bool' ? 'bool' : x.dtype as 'float32' | 'int32', x.dataSync() as Float32Array);
  const kernel = REFERENCE_KERNELS[prim] as (inputs: readonly ReferenceArray[], params: ParamsOf<P>, out: AbstractValue) => ReferenceArray;
  const result = kernel([host], params, out);
  return tf.tensor(result.data as Float32Array | Int32Array | Uint8Array, [...out.shape], out.dtype as 'float32' | 'int32' | 'bool');
}
