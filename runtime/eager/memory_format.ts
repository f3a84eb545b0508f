/**
 * The strides PyTorch gives the tensor an op makes, where they are not row-major: an elementwise
 * op's output follows its operands' memory order (TensorIterator), and clone/to keep a dense
 * tensor's (preserve_format). Gradlens keeps every tensor's values row-major; these strides are
 * what `stride()`, `is_contiguous()` and `view()` see, and where its views' elements lie.
 */
import { stridesOf, type Shape } from '../core';

/** An operand as TensorIterator sees it: a Python number is a 0-d tensor, whose strides say nothing. */
export interface StridedOperand {
  readonly shape: Shape;
  readonly strides: readonly number[];
}

/** PyTorch's is_contiguous: row-major strides, ignoring dims of size 1. */
export function isRowMajor(strides: readonly number[], shape: Shape): boolean {
  if (shape.some((d) => d === 0)) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** PyTorch's is_contiguous(memory_format=torch.channels_last), for a 4-d tensor: NHWC order, size-1 dims ignored. */
export function isChannelsLast(strides: readonly number[], shape: Shape): boolean {
  if (shape.length !== 4) return false;
  let expected = 1;
  for (const d of [1, 3, 2, 0]) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

function channelsLastStrides(shape: Shape): number[] {
  const strides = [0, 1, 0, 0];
  strides[3] = shape[1];
  strides[2] = strides[3] * shape[3];
  strides[0] = strides[2] * shape[2];
  return strides;
}

/** PyTorch's is_non_overlapping_and_dense: some order of the dims makes the strides row-major. */
export function isDense(strides: readonly number[], shape: Shape): boolean {
  if (shape.length === 1) return shape[0] < 2 || strides[0] === 1;
  const order = shape.map((_, i) => i).sort((a, b) => {
    if (shape[a] < 2 || shape[b] < 2) return (shape[a] < 2 ? 1 : 0) - (shape[b] < 2 ? 1 : 0);
    return strides[a] - strides[b];
  });
  let expected = 1;
  for (const d of order) {
    if (shape[d] < 2) return true;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/**
 * The strides of an elementwise op's output of shape `shape` from `operands` (TensorIterator's
 * fast setup, else its reorder_dimensions), or null where they are row-major.
 */
export function elementwiseStrides(shape: Shape, operands: readonly StridedOperand[]): number[] | null {
  const sameShape = operands.every((op) => op.shape.length === shape.length && op.shape.every((d, i) => d === shape[i]));
  if (sameShape && operands.length > 0) {
    if (operands.every((op) => isRowMajor(op.strides, op.shape))) return null;
    if (operands.every((op) => isChannelsLast(op.strides, op.shape))) return channelsLastStrides(shape);
    const first = operands[0].strides;
    if (operands.every((op) => isDense(op.strides, op.shape) && op.strides.every((s, i) => s === first[i]))) return [...first];
  }
  const rank = shape.length;
  // Each operand's strides over the output's dims: 0 where it is broadcast.
  const strides = operands.map((op) => shape.map((d, i) => {
    const k = i - (rank - op.shape.length);
    return k < 0 || (op.shape[k] === 1 && d !== 1) ? 0 : op.strides[k];
  }));
  // 1 if dim a should iterate outside dim b, -1 if inside, 0 if no operand tells.
  const shouldSwap = (a: number, b: number): number => {
    for (const s of strides) {
      if (s[a] === 0 || s[b] === 0) continue;
      if (s[a] !== s[b]) return s[a] < s[b] ? -1 : 1;
      if (shape[a] > shape[b]) return 1;
    }
    return 0;
  };
  // perm[0] is the innermost dim; an insertion sort that stops at the first dim an operand orders.
  const perm = shape.map((_, i) => rank - 1 - i);
  for (let i = 1; i < rank; i++) {
    let inner = i;
    for (let outer = i - 1; outer >= 0; outer--) {
      const c = shouldSwap(perm[outer], perm[inner]);
      if (c > 0) {
        [perm[outer], perm[inner]] = [perm[inner], perm[outer]];
        inner = outer;
      } else if (c < 0) break;
    }
  }
  if (perm.every((p, i) => p === rank - 1 - i)) return null;
  const out = new Array<number>(rank);
  let stride = 1;
  for (const d of perm) {
    out[d] = stride;
    stride *= shape[d];
  }
  return orNullIfRowMajor(out, shape);
}

/**
 * clone/to/`*_like` (preserve_format): a dense tensor's strides, else row-major (or channels-last
 * for a 4-d tensor in that order), as PyTorch's empty_like picks them.
 */
export function preservedStrides(strides: readonly number[], shape: Shape): number[] | null {
  return isDense(strides, shape) ? orNullIfRowMajor([...strides], shape) : null;
}

/** Null (a tensor's own row-major memory) for exactly the row-major strides. */
function orNullIfRowMajor(strides: number[], shape: Shape): number[] | null {
  const rowMajor = stridesOf(shape);
  return strides.every((s, i) => s === rowMajor[i]) ? null : strides;
}

/**
 * Where each memory offset of a tensor laid out by the dense strides `memory` lies in its
 * row-major values: the index along each dim, from the largest stride down, then row-major.
 */
export function memoryToRowMajor(memory: readonly number[], shape: Shape): (offset: number) => number {
  const rowMajor = stridesOf(shape);
  const dims = shape.map((_, i) => i).filter((i) => shape[i] > 1).sort((a, b) => memory[b] - memory[a]);
  return (offset) => {
    let rest = offset;
    let at = 0;
    for (const d of dims) {
      const i = Math.floor(rest / memory[d]);
      rest -= i * memory[d];
      at += i * rowMajor[d];
    }
    return at;
  };
}
