import * as tf from '@tensorflow/tfjs-core';

/**
 * `x` with `pairs[i]` = (before, after) elements of `fill` along each axis, for callers inside
 * tf.tidy. Above rank 4 it is concats of `fill` blocks, not tf.pad: tfjs-backend-webgpu's pad
 * shader reads its operand with 4 coordinates at most, so a padded rank-5 operand read 0 there
 * (a padded 3-d convolution, pooling over a 5-d array).
 */
export function padConstant(x: tf.Tensor, pairs: readonly (readonly [number, number])[], fill: number): tf.Tensor {
  if (x.rank <= 4) return tf.pad(x, pairs.map(([lo, hi]): [number, number] => [lo, hi]), fill);
  let y = x;
  pairs.forEach(([lo, hi], axis) => {
    if (lo === 0 && hi === 0) return;
    const block = (n: number) => tf.fill(y.shape.map((d, i) => (i === axis ? n : d)), fill, y.dtype);
    y = tf.concat([...(lo > 0 ? [block(lo)] : []), y, ...(hi > 0 ? [block(hi)] : [])], axis);
  });
  return y === x ? tf.clone(x) : y;
}
