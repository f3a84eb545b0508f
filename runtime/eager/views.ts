/**
 * Where a view's elements lie in its base's memory, as PyTorch's strided tensors say it: an offset
 * and a stride per dim, over the base's row-major elements. Gradlens keeps every tensor's values
 * in an array of its own; these layouts tell which of the base's elements a view reads and
 * writes, so that a write through a view reaches its base and every other view of it.
 */
import { sizeOf, stridesOf, type Shape } from '../core';
import { isRowMajor } from './memory_format';

export interface Layout {
  readonly offset: number;
  readonly strides: readonly number[];
}

/** A tensor that is its own base: row-major, from its first element. */
export function contiguousLayout(shape: Shape): Layout {
  return { offset: 0, strides: stridesOf(shape) };
}

/** `x[start:limit:step]` along each dim (an int index keeps its dim here; `selectDims` drops it). */
export function sliceLayout(l: Layout, starts: readonly number[], steps: readonly number[]): Layout {
  let offset = l.offset;
  starts.forEach((s, i) => {
    offset += s * l.strides[i];
  });
  return { offset, strides: l.strides.map((s, i) => s * steps[i]) };
}

/** The layout without the dims `dims` (an int index, a squeeze of size-1 dims): their offset is already counted. */
export function dropDims(l: Layout, dims: readonly number[]): Layout {
  return { offset: l.offset, strides: l.strides.filter((_, i) => !dims.includes(i)) };
}

export function permuteLayout(l: Layout, perm: readonly number[]): Layout {
  return { offset: l.offset, strides: perm.map((p) => l.strides[p]) };
}

/** A new size-1 dim at `dim`, with the stride PyTorch gives it (unsqueeze, `x[None]`). */
export function unsqueezeLayout(l: Layout, shape: Shape, dim: number): Layout {
  const stride = dim >= shape.length ? 1 : shape[dim] * l.strides[dim];
  return { offset: l.offset, strides: [...l.strides.slice(0, dim), stride, ...l.strides.slice(dim)] };
}

/** `expand`: new leading dims and grown size-1 dims read one element over and over (stride 0). */
export function expandLayout(l: Layout, from: Shape, to: Shape): Layout {
  const lead = to.length - from.length;
  return { offset: l.offset, strides: to.map((d, i) => (i < lead || (from[i - lead] === 1 && d !== 1) ? 0 : l.strides[i - lead])) };
}

/**
 * The layout of `view(to)` of a tensor of shape `from`, or null where no strides give it (a
 * transposed matrix flattened): PyTorch's computeStride, so `view` fails and `reshape` copies
 * exactly where PyTorch's do.
 */
export function reshapeLayout(l: Layout, from: Shape, to: Shape): Layout | null {
  if (from.length === 0) return { offset: l.offset, strides: to.map(() => 1) };
  const numel = sizeOf(from);
  const strides = new Array<number>(to.length);
  if (numel === 0) {
    if (from.join() === to.join()) return l;
    for (let d = to.length - 1; d >= 0; d--) strides[d] = d === to.length - 1 ? 1 : Math.max(to[d + 1], 1) * strides[d + 1];
    return { offset: l.offset, strides };
  }
  let viewDim = to.length - 1;
  let chunkBase = l.strides[from.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = from.length - 1; d >= 0; d--) {
    tensorNumel *= from[d];
    if (d === 0 || (from[d - 1] !== 1 && l.strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewDim >= 0 && (viewNumel < tensorNumel || to[viewDim] === 1)) {
        strides[viewDim] = viewNumel * chunkBase;
        viewNumel *= to[viewDim];
        viewDim--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = l.strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewDim === -1 ? { offset: l.offset, strides } : null;
}

/** Whether the view is all of its base's elements in their order: reading it is a reshape of the base. */
export function coversBase(l: Layout, shape: Shape, base: Shape): boolean {
  return l.offset === 0 && sizeOf(shape) === sizeOf(base) && isRowMajor(l.strides, shape);
}

/** Whether two of the view's elements are one element of its base (an `expand`ed dim): PyTorch refuses to write such a view. */
export function overlaps(l: Layout, shape: Shape): boolean {
  return shape.some((d, i) => d > 1 && l.strides[i] === 0);
}

/** The base position of each of the view's elements, in the view's row-major order. */
export function positions(l: Layout, shape: Shape): number[] {
  const out = new Array<number>(sizeOf(shape));
  const index = shape.map(() => 0);
  let at = l.offset;
  for (let n = 0; n < out.length; n++) {
    out[n] = at;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) {
        at += l.strides[d];
        break;
      }
      at -= (shape[d] - 1) * l.strides[d];
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Whether two of the view's elements are one element of its base with no zero stride saying so
 * (as_strided windows that overlap): PyTorch's overlap check answers "too hard" there and writes
 * element by element, each step reading the ones before it.
 */
export function sharesMemoryWithin(l: Layout, shape: Shape): boolean {
  // Sufficient for no overlap: each dim, by increasing stride, steps past all the smaller ones span.
  const dims = shape.map((_, i) => i).filter((i) => shape[i] > 1).sort((a, b) => l.strides[a] - l.strides[b]);
  let span = 0;
  const clear = dims.every((i) => {
    const past = l.strides[i] > span;
    span += (shape[i] - 1) * l.strides[i];
    return past;
  });
  return !clear && new Set(positions(l, shape)).size < sizeOf(shape);
}
