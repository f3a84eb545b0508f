/**
 * PyTorch 1.13's CPU float32 sin and cos as its kernels run them on an AVX2 CPU, bit for bit
 * (test/unit/numerics/torch_float32_trig.test.ts); exp, log, tanh and sigmoid are torch_cpu_unary.ts's.
 * TensorIterator orders and coalesces the dims (reorder_dimensions by the input's strides, the fresh
 * output contiguous in that order) and calls a 1-d loop once a row (UnaryOpsKernel.cpp's
 * IMPLEMENT_FLOAT_KERNEL): the loop hands the row (copied 2048 at a time where strided) to vml's
 * `vec::map`, which takes it 8 floats an AVX2 vector from the row's start, the last vector padded
 * with zeros: every element goes through Sleef (libm/sleef_float32.ts), which chooses its argument
 * reduction per vector, so an element's value depends on which 7 others share its vector.
 * NB: the one-thread loops (Debian's build runs one thread here); with more threads PyTorch splits
 * tensors of 32,768 elements or more among them, and each chunk's vectors start at its own first index.
 */
import { libm } from '../core';

/** Floats in an AVX2 vector. */
const LANES = 8;

/** The ops whose Sleef values depend on the vector an element shares. */
export type SleefTrig = 'sin' | 'cos';
export const isSleefTrig = (op: string): op is SleefTrig => op === 'sin' || op === 'cos';

const PER_VECTOR: { readonly [P in SleefTrig]: (x: number, wide: boolean) => number } = { sin: libm.sleefSinf, cos: libm.sleefCosf };

/**
 * TensorIterator's iteration of a unary op's input of `shape` and element `strides`: the logical
 * (row-major) index of each element in the order the kernel visits them (null: in order), and the
 * length of the rows it hands its 1-d loop.
 */
function iterationOrder(shape: readonly number[], strides: readonly number[]): { order: Int32Array | null; row: number } {
  const size = shape.reduce((p, n) => p * n, 1);
  let rowMajor = true;
  for (let d = shape.length - 1, step = 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== step) rowMajor = false;
    step *= shape[d]!;
  }
  if (rowMajor) return { order: null, row: size };
  // reorder_dimensions' insertion sort, fastest dim first: 1 puts dim0 after dim1, -1 keeps it before, 0 looks further
  // back (a broadcast, stride-0, dim; equal strides put the smaller dim first).
  const perm = [...shape.keys()].reverse();
  const compare = (dim0: number, dim1: number): number => {
    const s0 = strides[dim0]!, s1 = strides[dim1]!;
    if (s0 === 0 || s1 === 0) return 0;
    if (s0 !== s1) return s0 < s1 ? -1 : 1;
    return shape[dim0]! > shape[dim1]! ? 1 : 0;
  };
  for (let i = 1; i < perm.length; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = compare(perm[dim0]!, perm[dim1]!);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1]!, perm[dim0]!];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  // coalesce_dimensions: the leading dims that step through the input (and the contiguous output) as one make a row.
  let row = shape[perm[0]!]!;
  let inStride = strides[perm[0]!]!;
  for (let k = 1; k < perm.length; k++) {
    const n = shape[perm[k]!]!;
    if (row !== 1 && n !== 1 && row * inStride !== strides[perm[k]!]!) break;
    if (row === 1) inStride = strides[perm[k]!]!;
    row *= n;
  }
  const logical = new Array<number>(shape.length);
  for (let d = shape.length - 1, step = 1; d >= 0; d--) {
    logical[d] = step;
    step *= shape[d]!;
  }
  const order = new Int32Array(size);
  const index = new Array<number>(perm.length).fill(0);
  for (let i = 0, at = 0; i < size; i++) {
    order[i] = at;
    for (let k = 0; k < perm.length; k++) {
      const d = perm[k]!;
      index[k]!++;
      at += logical[d]!;
      if (index[k]! < shape[d]!) break;
      at -= index[k]! * logical[d]!;
      index[k] = 0;
    }
  }
  return { order, row };
}

/** op of each value of a float32 tensor of `shape` (values row-major, PyTorch's element `strides`) as PyTorch's CPU kernel computes it: the result row-major. */
export function torchSleefTrig(values: ArrayLike<number>, shape: readonly number[], strides: readonly number[], op: SleefTrig): Float32Array {
  const size = values.length;
  const out = new Float32Array(size);
  if (size === 0) return out;
  const { order, row } = iterationOrder(shape, strides);
  const at = order === null ? (i: number) => i : (i: number) => order[i]!;
  const lane = PER_VECTOR[op];
  for (let start = 0; start < size; start += row) {
    const end = start + row;
    for (let v = start; v < end; v += LANES) {
      const last = Math.min(v + LANES, end);
      let wide = false;
      for (let i = v; i < last; i++) if (!(Math.abs(values[at(i)]!) < libm.SLEEF_TRIG_RANGE_F)) wide = true;
      for (let i = v; i < last; i++) out[at(i)] = lane(values[at(i)]!, wide);
    }
  }
  return out;
}
