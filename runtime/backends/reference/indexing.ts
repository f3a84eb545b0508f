import { stridesOf, type Shape } from '../../core';

/**
 * For each element of `outShape`, the flat index into an operand of `inShape` broadcast to it
 * (NumPy rules: trailing axes aligned, size-1 axes repeat).
 */
export function broadcastIndex(inShape: Shape, outShape: Shape): Int32Array | null {
  const n = outShape.reduce((a, b) => a * b, 1);
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) return null;
  const lead = outShape.length - inShape.length;
  const inStrides = stridesOf(inShape);
  const strides = outShape.map((_, i) => (i < lead || inShape[i - lead] === 1 ? 0 : inStrides[i - lead]));
  return mapIndex(outShape, strides, 0, n);
}

/** Flat offsets base + Σ coord_i * strides_i for every coordinate of `shape` in row-major order. */
export function mapIndex(shape: Shape, strides: readonly number[], base: number, n = shape.reduce((a, b) => a * b, 1)): Int32Array {
  const out = new Int32Array(n);
  const rank = shape.length;
  const coord = new Array<number>(rank).fill(0);
  let offset = base;
  for (let i = 0; i < n; i++) {
    out[i] = offset;
    for (let a = rank - 1; a >= 0; a--) {
      coord[a]++;
      offset += strides[a];
      if (coord[a] < shape[a]) break;
      offset -= strides[a] * shape[a];
      coord[a] = 0;
    }
  }
  return out;
}
