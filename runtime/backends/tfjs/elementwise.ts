import * as tf from '@tensorflow/tfjs-core';
import { LOGISTIC_ZERO_BELOW, type DType } from '../../core';
import { ROUNDING_METHODS, type RoundingMethod } from '../../primitives';

// Elementwise ops on tf.Tensors, for callers inside tf.tidy. Each corrects a tfjs result where it
// departs from the semantics in primitives/params.ts; the NB lines say which backend needs it.

const isFloat = (x: tf.Tensor): boolean => x.dtype === 'float32';

/** NB: tfjs-backend-wasm's Maximum/Minimum drop a NaN in the first operand; NumPy propagates either. */
export function maxOrMin(a: tf.Tensor, b: tf.Tensor, op: typeof tf.maximum): tf.Tensor {
  const r = op(a, b);
  if (!isFloat(a)) return r;
  return tf.where(tf.logicalOr(tf.isNaN(a), tf.isNaN(b)), tf.add(a, b), r);
}

/**
 * NB: tfjs divides int32 with floor; JAX's lax.div (and the reference) truncate toward zero, and
 * the reference gives 0 for a zero divisor, where tfjs gives garbage (wasm: INT_MIN).
 */
export function div(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (isFloat(a)) return tf.div(a, b);
  const zero = tf.scalar(0, 'int32');
  const floor = tf.floorDiv(a, b);
  const inexact = tf.notEqual(tf.sub(a, tf.mul(floor, b)), zero);
  const signsDiffer = tf.notEqual(tf.less(a, zero), tf.less(b, zero));
  const truncated = tf.add(floor, tf.cast(tf.logicalAnd(inexact, signsDiffer), 'int32'));
  return tf.where(tf.equal(b, zero), tf.zerosLike(truncated), truncated);
}

export function integerPow(x: tf.Tensor, y: number): tf.Tensor {
  if (y === 0) return tf.onesLike(x);
  if (y === 1) return tf.clone(x);
  if (y === 2) return tf.square(x);
  // NB: (x*x)*x as PyTorch's pow kernel and JAX's integer_pow compute it (powf rounds once, and differs in the last bit).
  if (y === 3 && isFloat(x)) return tf.mul(tf.square(x), x);
  if (!isFloat(x) && y > 0) return intPow(x, y);
  return tf.pow(x, tf.scalar(y, x.dtype));
}

/** NB: tfjs-backend-webgpu raises int32 to a power through f32 pow, which truncates 5**3 to 124; square and multiply is exact. */
function intPow(x: tf.Tensor, y: number): tf.Tensor {
  let result: tf.Tensor | null = null;
  let base = x;
  for (let e = y; e > 0; e >>= 1) {
    if (e & 1) result = result === null ? base : tf.mul(result, base);
    if (e > 1) base = tf.mul(base, base);
  }
  return result === null ? tf.onesLike(x) : result;
}

/**
 * NB: tfjs-backend-wasm computes log1p as log(1 + x), which returns 0 for |x| < 6e-8. With
 * u = 1 + x rounded, log(u) * x / (u - 1) cancels the rounding of u (Goldberg's identity),
 * accurate to a few ulps on both backends.
 */
export function log1p(x: tf.Tensor, log: (x: tf.Tensor) => tf.Tensor = tf.log): tf.Tensor {
  const u = tf.add(x, tf.scalar(1));
  const logU = log(u);
  const corrected = tf.mul(logU, tf.div(x, tf.sub(u, tf.scalar(1))));
  // NB: at u = ±Inf the quotient is NaN; log(u) is the answer there (+Inf, and NaN for -Inf).
  return tf.where(tf.equal(u, tf.scalar(1)), x, tf.where(tf.isInf(u), logU, corrected));
}

/**
 * NB: WGSL leaves log(0) to the implementation, and SwiftShader gives -88.03 (the log of the least
 * normal float32): an entropy's 0 * log 0 then came out 0 where IEEE and PyTorch give -inf and so NaN.
 */
export function logWithZeroAsInf(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.equal(x, tf.scalar(0)), tf.fill(x.shape, -Infinity), tf.log(x));
}

/** NB: tfjs's Sign maps NaN to 0; NumPy and JAX keep NaN. */
/**
 * NB: tfjs's Sign maps NaN to 0, and tfjs-backend-wasm's returns 0 for any |x| below 2^-23, so
 * floats are signed by comparisons: ±1 off zero, x itself for ±0 and NaN.
 */
export function sign(x: tf.Tensor): tf.Tensor {
  if (!isFloat(x)) return tf.sign(x);
  const one = tf.onesLike(x);
  return tf.where(tf.greater(x, 0), one, tf.where(tf.less(x, 0), tf.neg(one), x));
}

/**
 * lax.round in float32 ops every tfjs backend has: tf.round breaks ties to even but gives +0 for
 * -0.5 on the CPU backend, and ties away from zero is not in tfjs. The fraction |x| - floor(|x|)
 * is exact in float32; the result takes x's sign (x * 0 is ±0 where it rounds to zero).
 */
export function roundTies(x: tf.Tensor, method: RoundingMethod): tf.Tensor {
  const whole = tf.floor(tf.abs(x));
  const fraction = tf.sub(tf.abs(x), whole);
  const tie = tf.equal(fraction, 0.5);
  const odd = tf.equal(tf.sub(whole, tf.mul(tf.floor(tf.mul(whole, 0.5)), 2)), 1);
  const breakUp = method === ROUNDING_METHODS.TO_NEAREST_EVEN ? tf.logicalAnd(tie, odd) : tie;
  const r = tf.where(tf.logicalOr(tf.greater(fraction, 0.5), breakUp), tf.add(whole, 1), whole);
  return tf.where(tf.equal(r, 0), tf.mul(x, 0), tf.where(tf.less(x, 0), tf.neg(r), r));
}

/**
 * float -> int32 truncates toward zero (tfjs does on both backends); anything -> bool is `!= 0`.
 * NB: tfjs-backend-wasm casts float -> bool through an integer, so 0.5 and NaN become false.
 */
export function convert(x: tf.Tensor, to: DType): tf.Tensor {
  if (to !== 'float32' && to !== 'int32' && to !== 'bool') throw new Error(`convert_element_type: tfjs backends have no ${to}; use the reference backend`);
  if (to === x.dtype) return tf.clone(x);
  if (to === 'bool') return tf.notEqual(x, tf.scalar(0, x.dtype));
  return tf.cast(x, to);
}

/** NB: tfjs-backend-wasm's Select reads bool branches with the wrong element size (wrong values, then out-of-bounds reads), so bools go through int32. */
export function select(pred: tf.Tensor, onTrue: tf.Tensor, onFalse: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const s = [...shape];
  if (onTrue.dtype === 'bool') {
    const picked = tf.where(tf.broadcastTo(pred, s), tf.broadcastTo(tf.cast(onTrue, 'int32'), s), tf.broadcastTo(tf.cast(onFalse, 'int32'), s));
    return tf.cast(picked, 'bool');
  }
  return tf.where(tf.broadcastTo(pred, s), tf.broadcastTo(onTrue, s), tf.broadcastTo(onFalse, s));
}

/**
 * PyTorch's sigmoid: 0 where its 1 / (1 + exp(-x)) overflows (see LOGISTIC_ZERO_BELOW).
 * NB: tfjs-backend-cpu computes in doubles and keeps the float32 subnormal there (3.8e-44 at -100).
 */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.less(x, tf.scalar(LOGISTIC_ZERO_BELOW.float32)), tf.zerosLike(x), tf.sigmoid(x));
}

/** Why and/or/xor of int32 arrays stop on WebGPU, at the user's line. */
export const NO_INT32_BITWISE_ON_WEBGPU = 'has no bitwise kernel for int32 on the WebGPU backend (tfjs-backend-webgpu registers no BitwiseAnd)';

/**
 * lax's not/and/or/xor: tfjs's logical ops on bool; on int32 from tf.bitwiseAnd (tfjs's cpu and wasm
 * backends have it, on operands of one shape; webgpu has none, and its int32 division goes through
 * float32, so no bit arithmetic is exact there) and int32 sums, which wrap modulo 2**32 as the bits do:
 * a | b = a + b - (a & b), a ^ b = a + b - 2(a & b), ~x = -1 - x (not -x - 1: tfjs-wasm negates int32
 * through float32).
 */
export function bitwise(op: 'not' | 'and' | 'or' | 'xor', xs: readonly tf.Tensor[], shape: readonly number[], webgpu: boolean): tf.Tensor {
  const [a, b] = xs.map((x) => tf.broadcastTo(x, [...shape]));
  if (a.dtype === 'bool') {
    return op === 'not' ? tf.logicalNot(a) : op === 'and' ? tf.logicalAnd(a, b) : op === 'or' ? tf.logicalOr(a, b) : tf.logicalXor(a, b);
  }
  if (op === 'not') return tf.sub(tf.scalar(-1, 'int32'), a);
  if (webgpu) throw new Error(`${op} ${NO_INT32_BITWISE_ON_WEBGPU}: use bool masks, or set gradlens.backend to wasm`);
  const both = tf.bitwiseAnd(a, b);
  if (op === 'and') return both;
  const sum = tf.add(a, b);
  return op === 'or' ? tf.sub(sum, both) : tf.sub(tf.sub(sum, both), both);
}
