import { allocate, sizeOf, stridesOf, typedArrayFrom, type AbstractValue, type Shape } from '../../core';
import type { ParamsOf } from '../../primitives';
import { fromDoubles, ReferenceArray } from './array';
import { mapIndex } from './indexing';

function gatherFrom(x: ReferenceArray, offsets: Int32Array, out: AbstractValue): ReferenceArray {
  const src = x.data;
  const data = allocate(out.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) data[i] = src[offsets[i]];
  return new ReferenceArray(out.shape, out.dtype, data);
}

export function reshape(x: ReferenceArray, out: AbstractValue): ReferenceArray {
  return new ReferenceArray(out.shape, out.dtype, x.data.slice());
}

export function transpose(x: ReferenceArray, { permutation }: ParamsOf<'transpose'>, out: AbstractValue): ReferenceArray {
  const strides = stridesOf(x.shape);
  return gatherFrom(x, mapIndex(out.shape, permutation.map((p) => strides[p]), 0), out);
}

export function broadcastInDim(x: ReferenceArray, { broadcastDimensions }: ParamsOf<'broadcast_in_dim'>, out: AbstractValue): ReferenceArray {
  const inStrides = stridesOf(x.shape);
  const strides = out.shape.map(() => 0);
  broadcastDimensions.forEach((d, i) => {
    if (x.shape[i] !== 1) strides[d] = inStrides[i];
  });
  return gatherFrom(x, mapIndex(out.shape, strides, 0), out);
}

export function slice(x: ReferenceArray, { startIndices, strides: steps }: ParamsOf<'slice'>, out: AbstractValue): ReferenceArray {
  const strides = stridesOf(x.shape);
  const base = startIndices.reduce((acc, s, i) => acc + s * strides[i], 0);
  return gatherFrom(x, mapIndex(out.shape, strides.map((s, i) => s * (steps?.[i] ?? 1)), base), out);
}

/** Normalizes an index along an axis of `size`, wrapping negatives once as Python does. */
function wrapIndex(i: number, size: number, op: string, axis: number): number {
  const j = i < 0 ? i + size : i;
  if (j < 0 || j >= size) throw new RangeError(`${op}: index ${i} is out of bounds for axis ${axis} with size ${size}`);
  return j;
}

/** Offsets into the operand, and into the output, for each (outer, index, inner) triple of gather/scatter. */
function takeOffsets(operandShape: Shape, indices: ReferenceArray, axis: number, op: string): { src: Int32Array } {
  const outer = sizeOf(operandShape.slice(0, axis));
  const inner = sizeOf(operandShape.slice(axis + 1));
  const size = operandShape[axis];
  const idx = indices.data;
  const src = new Int32Array(outer * idx.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const base = (o * size + wrapIndex(idx[j], size, op, axis)) * inner;
      for (let i = 0; i < inner; i++) src[k++] = base + i;
    }
  }
  return { src };
}

export function gather(x: ReferenceArray, indices: ReferenceArray, { axis }: ParamsOf<'gather'>, out: AbstractValue): ReferenceArray {
  return gatherFrom(x, takeOffsets(x.shape, indices, axis, 'gather').src, out);
}

export function scatterAdd(updates: ReferenceArray, indices: ReferenceArray, { axis, operandShape }: ParamsOf<'scatter_add'>, out: AbstractValue): ReferenceArray {
  const { src: dst } = takeOffsets(operandShape, indices, axis, 'scatter_add');
  const acc = new Float64Array(sizeOf(operandShape));
  const u = updates.data;
  for (let i = 0; i < dst.length; i++) acc[dst[i]] += u[i];
  return fromDoubles(out, acc);
}

export function concatenate(xs: readonly ReferenceArray[], { dimension }: ParamsOf<'concatenate'>, out: AbstractValue): ReferenceArray {
  const data = allocate(out.dtype, sizeOf(out.shape));
  const outer = sizeOf(out.shape.slice(0, dimension));
  const inner = sizeOf(out.shape.slice(dimension + 1));
  const rowOut = out.shape[dimension] * inner;
  let offset = 0;
  for (const x of xs) {
    const row = x.shape[dimension] * inner;
    const src = x.data;
    for (let o = 0; o < outer; o++) data.set(src.subarray(o * row, (o + 1) * row), o * rowOut + offset);
    offset += row;
  }
  return new ReferenceArray(out.shape, out.dtype, data);
}

export function pad(x: ReferenceArray, { lo, value }: ParamsOf<'pad'>, out: AbstractValue): ReferenceArray {
  const data = allocate(out.dtype, sizeOf(out.shape));
  // NB: cast as an upload would, so a bool pad of 2 stores 1 rather than Uint8Array's 2.
  data.fill(typedArrayFrom(out.dtype, [value])[0]);
  const outStrides = stridesOf(out.shape);
  const base = lo.reduce((acc, l, i) => acc + l * outStrides[i], 0);
  const dst = mapIndex(x.shape, outStrides, base);
  const src = x.data;
  for (let i = 0; i < dst.length; i++) data[dst[i]] = src[i];
  return new ReferenceArray(out.shape, out.dtype, data);
}

export function iota({ dimension }: ParamsOf<'iota'>, out: AbstractValue): ReferenceArray {
  const strides = out.shape.map((_, i) => (i === dimension ? 1 : 0));
  return fromDoubles(out, mapIndex(out.shape, strides, 0));
}

/** Each start (an int32 scalar operand) clamped into [0, n - size], as XLA's DynamicSlice does. */
function clampedStarts(shape: Shape, starts: readonly ReferenceArray[], sizes: readonly number[]): number[] {
  return starts.map((s, d) => Math.min(Math.max(s.data[0], 0), shape[d] - sizes[d]));
}

export function dynamicSlice(x: ReferenceArray, starts: readonly ReferenceArray[], { sliceSizes }: ParamsOf<'dynamic_slice'>, out: AbstractValue): ReferenceArray {
  const strides = stridesOf(x.shape);
  const base = clampedStarts(x.shape, starts, sliceSizes).reduce((acc, s, i) => acc + s * strides[i], 0);
  return gatherFrom(x, mapIndex(out.shape, strides, base), out);
}

export function dynamicUpdateSlice(x: ReferenceArray, update: ReferenceArray, starts: readonly ReferenceArray[], out: AbstractValue): ReferenceArray {
  const data = x.data.slice();
  const strides = stridesOf(x.shape);
  const base = clampedStarts(x.shape, starts, update.shape).reduce((acc, s, i) => acc + s * strides[i], 0);
  const dst = mapIndex(update.shape, strides, base);
  const src = update.data;
  for (let i = 0; i < dst.length; i++) data[dst[i]] = src[i];
  return new ReferenceArray(out.shape, out.dtype, data);
}
