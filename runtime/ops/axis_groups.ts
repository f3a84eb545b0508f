import type { Ops } from './ops';

// Moving a group of examples or features between axes with one transpose and one reshape: how
// the derivative and batching rules of conv_general_dilated fold a group count into an axis
// (JAX's _reshape_axis_into and _reshape_axis_out_of).

/**
 * Merges axis `src` of `x` into axis `dst` (numbered after `src` is removed), `src` the major
 * part of the merged axis.
 */
export function reshapeAxisInto<T>(o: Ops<T>, src: number, dst: number, x: T): T {
  const shape = o.shape(x);
  const perm = shape.map((_, i) => i).filter((i) => i !== src);
  perm.splice(dst, 0, src);
  const newShape = shape.filter((_, i) => i !== src);
  newShape[dst] *= shape[src];
  return o.reshape(o.transpose(x, perm), newShape);
}

/** Splits axis `src` of `x` into (`size1`, the rest), in place. */
export function reshapeAxisOutOf<T>(o: Ops<T>, src: number, size1: number, x: T): T {
  const shape = [...o.shape(x)];
  shape.splice(src, 1, size1, shape[src] / size1);
  return o.reshape(x, shape);
}
