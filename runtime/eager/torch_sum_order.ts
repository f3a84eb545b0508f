/**
 * PyTorch 1.13's CPU float sums in PyTorch's order, so `x.sum().item()` prints PyTorch's last digit.
 * Ported from aten/src/ATen/native/cpu/SumKernel.cpp (`cascade_sum`) and the TensorIterator that
 * feeds it (TensorIterator.cpp: `reorder_dimensions`, `coalesce_dimensions`, `serial_for_each`),
 * as Debian's build runs them on an AVX2 CPU (8 float lanes, 4 double lanes) with one thread
 * (`torch.get_num_threads()` is 1 there, so `parallel_reduce` never splits a sum).
 * NB: the AVX2 kernels add lane by lane, each lane an IEEE addition, so a lane is a plain loop here.
 * Checked bit for bit against PyTorch 1.13 (test/fixtures/random/torch_sums.py).
 */

const fround = Math.fround;

/** Bytes in an AVX2 register: Vectorized<float> holds 8 floats, Vectorized<double> 4 doubles. */
const VECTOR_BYTES = 32;
/** multi_row_sum's `num_levels`. */
const LEVELS = 4;
/** row_sum's `ilp_factor`, and the rows vectorized_outer_sum and scalar_outer_sum take at once. */
const ILP = 4;

/** utils::CeilLog2 of aten/src/ATen/native/cpu/utils.h. */
function ceilLog2(x: number): number {
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

/**
 * multi_row_sum: `nrows` sums of `lanes` adjacent values each, over `size` rows, in chunks of
 * 2^level_power rows whose sums are added level by level. Element (row i, sum k, lane l) is
 * `mem[base + i * rowStride + k * colStride + l]`; returns the sums, k-major.
 */
function multiRowSum(mem: ArrayLike<number>, base: number, rowStride: number, colStride: number, size: number, nrows: number, lanes: number, float32: boolean): Float64Array {
  const width = nrows * lanes;
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / LEVELS));
  const levelStep = 2 ** levelPower;
  const levelMask = levelStep - 1;
  const acc = new Float64Array(LEVELS * width);
  let i = 0;
  while (i + levelStep <= size) {
    addRows(acc, mem, base, rowStride, colStride, i, i + levelStep, nrows, lanes, float32);
    i += levelStep;
    for (let j = 1; j < LEVELS; j++) {
      for (let s = 0; s < width; s++) {
        const to = j * width + s, from = (j - 1) * width + s;
        acc[to] = float32 ? fround(acc[to]! + acc[from]!) : acc[to]! + acc[from]!;
        acc[from] = 0;
      }
      // NB: JS shifts are 32-bit; the mask stays below 2^31 for any size an array can have.
      if ((i & (levelMask * 2 ** (j * levelPower))) !== 0) break;
    }
  }
  addRows(acc, mem, base, rowStride, colStride, i, size, nrows, lanes, float32);
  for (let j = 1; j < LEVELS; j++) {
    for (let s = 0; s < width; s++) acc[s] = float32 ? fround(acc[s]! + acc[j * width + s]!) : acc[s]! + acc[j * width + s]!;
  }
  return acc.subarray(0, width);
}

/** Adds rows `from` to `to` (exclusive) into multi_row_sum's first level, `acc[0, width)`. */
function addRows(acc: Float64Array, mem: ArrayLike<number>, base: number, rowStride: number, colStride: number, from: number, to: number, nrows: number, lanes: number, float32: boolean): void {
  for (let i = from; i < to; i++) {
    const row = base + i * rowStride;
    for (let k = 0, slot = 0; k < nrows; k++) {
      const at = row + k * colStride;
      for (let l = 0; l < lanes; l++, slot++) acc[slot] = float32 ? fround(acc[slot]! + mem[at + l]!) : acc[slot]! + mem[at + l]!;
    }
  }
}

/** row_sum: one sum of `lanes` adjacent values over `size` rows `stride` apart, as 4 interleaved partial sums. */
function rowSum(mem: ArrayLike<number>, base: number, stride: number, size: number, lanes: number, float32: boolean): Float64Array {
  const sizeIlp = Math.floor(size / ILP);
  const partial = multiRowSum(mem, base, stride * ILP, stride, sizeIlp, ILP, lanes, float32);
  for (let i = sizeIlp * ILP; i < size; i++) {
    for (let l = 0; l < lanes; l++) partial[l] = float32 ? fround(partial[l]! + mem[base + i * stride + l]!) : partial[l]! + mem[base + i * stride + l]!;
  }
  for (let k = 1; k < ILP; k++) {
    for (let l = 0; l < lanes; l++) partial[l] = float32 ? fround(partial[l]! + partial[k * lanes + l]!) : partial[l]! + partial[k * lanes + l]!;
  }
  return partial.subarray(0, lanes);
}

/** The TensorIterator of a reduction after reordering and coalescing: its shape and element strides, output's and input's. */
interface ReductionLoop {
  readonly shape: number[];
  readonly outStrides: number[];
  readonly inStrides: number[];
}

/**
 * TensorIterator's dims for a reduction, fastest first: reduced dims (output stride 0) before kept
 * ones, kept dims by the contiguous output's strides, reduced dims by the input's (the smaller
 * size first at equal strides); then adjacent dims that step through memory as one are merged.
 */
function reductionLoop(shape: readonly number[], strides: readonly number[], reduced: readonly boolean[]): ReductionLoop {
  const rank = shape.length;
  const outStrides = new Array<number>(rank).fill(0);
  let step = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (reduced[d]) continue;
    outStrides[d] = step;
    step *= shape[d]!;
  }
  const operands = [outStrides, strides];
  // 1 when dim0 should come after dim1, -1 when before, 0 when undecided (reorder_dimensions' should_swap).
  const order = (dim0: number, dim1: number): number => {
    for (let arg = 0; arg < 2; arg++) {
      const s0 = operands[arg]![dim0]!, s1 = operands[arg]![dim1]!;
      if (arg === 0 && (s0 === 0) !== (s1 === 0)) return s1 === 0 ? 1 : -1;
      if (s0 === 0 || s1 === 0) continue;
      if (s0 !== s1) return s0 < s1 ? -1 : 1;
      if (shape[dim0]! > shape[dim1]!) return 1;
    }
    return 0;
  };
  const perm = [...shape.keys()].reverse();
  for (let i = 1; i < rank; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = order(perm[dim0]!, perm[dim1]!);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1]!, perm[dim0]!];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  const loop: ReductionLoop = {
    shape: perm.map((p) => shape[p]!),
    outStrides: perm.map((p) => outStrides[p]!),
    inStrides: perm.map((p) => strides[p]!),
  };
  const both = [loop.outStrides, loop.inStrides];
  let prev = 0;
  for (let d = 1; d < rank; d++) {
    const n0 = loop.shape[prev]!, n1 = loop.shape[d]!;
    if (n0 === 1 || n1 === 1 || both.every((s) => n0 * s[prev]! === s[d]!)) {
      if (n0 === 1) for (const s of both) s[prev] = s[d]!;
      loop.shape[prev] = n0 * n1;
    } else {
      prev++;
      if (prev !== d) {
        for (const s of both) s[prev] = s[d]!;
        loop.shape[prev] = n1;
      }
    }
  }
  const kept = Math.max(prev + 1, 2);
  for (const a of [loop.shape, loop.outStrides, loop.inStrides]) a.length = Math.min(a.length, prev + 1);
  while (loop.shape.length < kept) {
    loop.shape.push(1);
    loop.outStrides.push(0);
    loop.inStrides.push(0);
  }
  return loop;
}

/**
 * The row-major values of a tensor placed where its strides put them in memory, the first
 * element at 0 (PyTorch's strides are never negative): the sum kernel reads memory in order.
 */
function inMemory(values: ArrayLike<number>, shape: readonly number[], strides: readonly number[]): ArrayLike<number> {
  let contiguous = true;
  for (let d = shape.length - 1, step = 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== step) contiguous = false;
    step *= shape[d]!;
  }
  if (contiguous) return values;
  const span = shape.reduce((end, n, d) => end + (n - 1) * strides[d]!, 1);
  const mem = new Float64Array(span);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0, offset = 0; i < values.length; i++) {
    mem[offset] = values[i]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]!++;
      offset += strides[d]!;
      if (index[d]! < shape[d]!) break;
      offset -= index[d]! * strides[d]!;
      index[d] = 0;
    }
  }
  return mem;
}

/**
 * The sum of a float tensor of `shape` (values row-major, PyTorch's element `strides`) over `axes`,
 * in the order PyTorch 1.13's CPU kernel adds, the kept dims' sums row-major; every addition
 * rounded to float32 where `float32`.
 */
export function torchCpuSum(values: ArrayLike<number>, shape: readonly number[], strides: readonly number[], axes: readonly number[], float32: boolean): Float64Array {
  const reduced = shape.map((_, d) => axes.includes(d));
  const out = new Float64Array(shape.reduce((p, n, d) => (reduced[d] ? p : p * n), 1));
  if (values.length === 0) return out;
  if (shape.length === 0) {
    out[0] = values[0]!;
    return out;
  }
  const mem = inMemory(values, shape, strides);
  const lanes = VECTOR_BYTES / (float32 ? 4 : 8);
  const store = (o: number, v: number) => { out[o] = float32 ? fround(out[o]! + v) : out[o]! + v; };
  const loop = reductionLoop(shape, strides, reduced);

  // The 2-d loop cascade_sum hands each (size0, size1) plane (SumKernel.cpp's lambda).
  const plane = (outBase: number, inBase: number) => {
    let [size0, size1] = [loop.shape[0]!, loop.shape[1]!];
    let [in0, in1] = [loop.inStrides[0]!, loop.inStrides[1]!];
    let [out0, out1] = [loop.outStrides[0]!, loop.outStrides[1]!];
    if (out0 !== 0 && out1 === 0) {
      [in0, in1, out0, out1, size0, size1] = [in1, in0, out1, out0, size1, size0];
    }
    if (out0 !== 0 && out1 !== 0) {
      for (let j = 0; j < size1; j++) for (let i = 0; i < size0; i++) store(outBase + j * out1 + i * out0, mem[inBase + j * in1 + i * in0]!);
      return;
    }
    if (in0 === 1 && size0 >= lanes) {
      // vectorized_inner_sum: each row as vectors, its scalar tail, then the lanes in order.
      const vectors = Math.floor(size0 / lanes);
      for (let j = 0; j < size1; j++) {
        const row = inBase + j * in1;
        const lanesSum = rowSum(mem, row, lanes, vectors, lanes, float32);
        let total = 0;
        for (let k = vectors * lanes; k < size0; k++) total = float32 ? fround(total + mem[row + k]!) : total + mem[row + k]!;
        for (let l = 0; l < lanes; l++) total = float32 ? fround(total + lanesSum[l]!) : total + lanesSum[l]!;
        store(outBase + j * out1, total);
      }
    } else if (in1 === 1 && size1 >= lanes) {
      // vectorized_outer_sum: 4 vectors of columns at once, then single vectors, then single columns.
      let j = 0;
      for (; j + ILP * lanes <= size1; j += ILP * lanes) {
        const sums = multiRowSum(mem, inBase + j, in0, lanes, size0, ILP, lanes, float32);
        for (let c = 0; c < ILP * lanes; c++) store(outBase + (j + c) * out1, sums[c]!);
      }
      for (; j + lanes <= size1; j += lanes) {
        const sums = rowSum(mem, inBase + j, in0, size0, lanes, float32);
        for (let c = 0; c < lanes; c++) store(outBase + (j + c) * out1, sums[c]!);
      }
      for (; j < size1; j++) store(outBase + j * out1, rowSum(mem, inBase + j, in0, size0, 1, float32)[0]!);
    } else if (in0 < in1) {
      for (let j = 0; j < size1; j++) store(outBase + j * out1, rowSum(mem, inBase + j * in1, in0, size0, 1, float32)[0]!);
    } else {
      let j = 0;
      for (; j + ILP - 1 < size1; j += ILP) {
        const sums = multiRowSum(mem, inBase + j * in1, in0, in1, size0, ILP, 1, float32);
        for (let k = 0; k < ILP; k++) store(outBase + (j + k) * out1, sums[k]!);
      }
      for (; j < size1; j++) store(outBase + j * out1, rowSum(mem, inBase + j * in1, in0, size0, 1, float32)[0]!);
    }
  };

  // serial_for_each: the dims past the first two, dim 2 fastest.
  const outer = loop.shape.slice(2);
  const index = new Array<number>(outer.length).fill(0);
  for (;;) {
    let outBase = 0, inBase = 0;
    for (let d = 0; d < outer.length; d++) {
      outBase += index[d]! * loop.outStrides[d + 2]!;
      inBase += index[d]! * loop.inStrides[d + 2]!;
    }
    plane(outBase, inBase);
    let d = 0;
    for (; d < outer.length; d++) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
    if (d === outer.length) return out;
  }
}
