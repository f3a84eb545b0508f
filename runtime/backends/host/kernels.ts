import { libm, sizeOf, stridesOf, type AbstractValue, type AnyTypedArray, type DType, type Shape } from '../../core';
import type { ParamsOf, Primitive } from '../../primitives';
import { WASM_LOOP_MIN_ELEMENTS, wasmBinary, wasmColumnSums, wasmProduct, wasmSimdSupported, wasmSum, wasmUnary, type WasmBinaryOp, type WasmMathPrimitive } from '../../wasm';
import { integerPowerInto, mapIndex } from '../reference';
import { BINARY_LOOPS, COMPARISON_LOOPS, doneWith, expand, output, UNARY_LOOPS, type BinaryLoop, type UnaryLoop } from './loops';

/** Values on the host: a ReferenceArray, or a small array a device backend keeps on the host. */
export interface HostValues {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: AnyTypedArray;
}

/** Computes one primitive's result values, or returns null where this table does not compute that case. */
export type HostKernel<P extends Primitive> = (inputs: readonly HostValues[], params: ParamsOf<P>, out: AbstractValue) => AnyTypedArray | null;
export type HostKernelTable = { readonly [P in Primitive]?: HostKernel<P> };

/**
 * Whose numbers the kernels give, bit for bit:
 * - `reference`: the reference backend's (runtime/backends/reference), every dtype: each result
 *   computed in doubles and stored in the output's typed array, sums accumulated in doubles;
 * - `wasm`: tfjs-backend-wasm's, float32 results only: one float32 rounding per arithmetic step,
 *   sums accumulated in float32 in the order tfjs reads them (the reduced axes last, as listed).
 *   NB: not in doubles, though that is 3× faster and more accurate: tried, three torch fixtures
 *   (nn_losses.py, autograd_function.py, an optimizer's) then printed a last digit other than
 *   PyTorch 1.13's, whose float32 sums round at each addition too.
 */
export type HostFlavour = 'reference' | 'wasm';

const binary = (loop: BinaryLoop): HostKernel<Primitive> => (inputs, _params, out) => {
  const n = sizeOf(out.shape);
  const o = output(out.dtype, n);
  const [x, y] = inputs;
  const a = expand(x.data, x.shape, out.shape, n);
  const b = expand(y.data, y.shape, out.shape, n);
  loop(a, b, o);
  doneWith(a, x.data);
  doneWith(b, y.data);
  return o;
};

/** The wasm flavour's arithmetic: runtime/wasm's SIMD loop on arrays long enough to repay its copies, the same bits as the JS loop. */
const binaryFloat32 = (op: WasmBinaryOp): HostKernel<Primitive> => {
  const js = binary(BINARY_LOOPS[op]);
  if (!wasmSimdSupported) return js;
  return (inputs, params, out) => {
    const n = sizeOf(out.shape);
    if (n < WASM_LOOP_MIN_ELEMENTS) return js(inputs, params, out);
    const o = output(out.dtype, n) as Float32Array;
    const [x, y] = inputs;
    const a = expand(x.data, x.shape, out.shape, n);
    const b = expand(y.data, y.shape, out.shape, n);
    wasmBinary(op, a, b, o);
    doneWith(a, x.data);
    doneWith(b, y.data);
    return o;
  };
};

const unary = (loop: UnaryLoop): HostKernel<Primitive> => (inputs, _params, out) => {
  const o = output(out.dtype, inputs[0].data.length);
  loop(inputs[0].data, o);
  return o;
};

function select(inputs: readonly HostValues[], _params: unknown, out: AbstractValue): AnyTypedArray {
  const n = sizeOf(out.shape);
  const [p, t, f] = inputs.map((x) => expand(x.data, x.shape, out.shape, n));
  const o = output(out.dtype, n);
  const sp = p.length === n ? 1 : 0;
  const st = t.length === n ? 1 : 0;
  const sf = f.length === n ? 1 : 0;
  for (let i = 0; i < n; i++) o[i] = p[i * sp] !== 0 ? t[i * st] : f[i * sf];
  return o;
}

/**
 * pow with a float64 result (the reference flavour): glibc's pow of each broadcast pair, as the
 * reference kernel computes it, without its index arrays and call through a closure an element;
 * a scalar integer exponent (NumPy's `x ** 3`) through libm's loop of certain products.
 */
function powFloat64(inputs: readonly HostValues[], _params: unknown, out: AbstractValue): AnyTypedArray | null {
  if (out.dtype !== 'float64') return null;
  const n = sizeOf(out.shape);
  const [x, y] = inputs;
  const o = output(out.dtype, n);
  const a = expand(x.data, x.shape, out.shape, n);
  const e = y.data.length === 1 ? y.data[0] : NaN;
  if (a.length === n && Number.isInteger(e) && e >= 2 && e <= libm.POW_INTEGER_INTO_MAX) {
    libm.powIntegerInto(a, e, o);
  } else {
    const b = expand(y.data, y.shape, out.shape, n);
    const sa = a.length === n ? 1 : 0;
    const sb = b.length === n ? 1 : 0;
    for (let i = 0; i < n; i++) o[i] = libm.pow(a[i * sa], b[i * sb]);
    doneWith(b, y.data);
  }
  doneWith(a, x.data);
  return o;
}

/**
 * tfjs-backend-wasm's float32 powers that are products (runtime/backends/tfjs integerPow): 1, x,
 * x*x and (x*x)*x, rounded to float32 after each product as PyTorch and JAX compute them; other
 * powers go through powf there, which is not reproduced here.
 */
function integerPowFloat32(x: AnyTypedArray, y: number, o: AnyTypedArray): boolean {
  const n = o.length;
  if (y === 0) o.fill(1);
  else if (y === 1) o.set(x);
  else if ((y === 2 || y === 3) && wasmSimdSupported && n >= WASM_LOOP_MIN_ELEMENTS) {
    // NB: wasmBinary copies its operands in before writing o, so o may be one of them.
    wasmBinary('mul', x, x, o as Float32Array);
    if (y === 3) wasmBinary('mul', o, x, o as Float32Array);
  } else if (y === 2) for (let i = 0; i < n; i++) o[i] = x[i] * x[i];
  else if (y === 3) for (let i = 0; i < n; i++) { const v = x[i]; o[i] = Math.fround(v * v) * v; }
  else return false;
  return true;
}

/**
 * Sums over `axes`: each output element adds its reduced elements one after another, in row-major
 * order over the reduced axes taken in `order` (float32: rounded after each addition).
 */
function sum(x: HostValues, order: readonly number[], out: AbstractValue, inFloat32: boolean): AnyTypedArray {
  const src = x.data;
  const o = output(out.dtype, sizeOf(out.shape));
  const leading = order.every((a, i) => a === i);
  if (leading && order.length === x.shape.length || o.length === 1 && order.every((a, i) => a === order[0] + i)) {
    // One run over the values in memory order.
    let s = 0;
    if (inFloat32 && wasmSimdSupported && src.length >= WASM_LOOP_MIN_ELEMENTS) s = wasmSum(src as Float32Array);
    else if (inFloat32) for (let i = 0; i < src.length; i++) s = Math.fround(s + src[i]);
    else for (let i = 0; i < src.length; i++) s += src[i];
    if (o.length > 0) o[0] = s;
    return o;
  }
  if (leading) {
    // The leading axes (a bias's gradient over a batch): rows added into a row of sums (a Float32Array
    // rounds each addition as fround did), each sum in the same order, without index arrays.
    const width = o.length;
    if (inFloat32 && wasmSimdSupported && src.length >= WASM_LOOP_MIN_ELEMENTS) {
      wasmColumnSums(src as Float32Array, o as Float32Array);
      return o;
    }
    const acc = inFloat32 ? new Float32Array(width) : new Float64Array(width);
    for (let at = 0; at < src.length; at += width) for (let j = 0; j < width; j++) acc[j] += src[at + j];
    o.set(acc);
    return o;
  }
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, i) => i).filter((i) => !order.includes(i));
  const outer = mapIndex(kept.map((i) => x.shape[i]), kept.map((i) => strides[i]), 0);
  const inner = mapIndex(order.map((i) => x.shape[i]), order.map((i) => strides[i]), 0);
  for (let k = 0; k < outer.length; k++) {
    const base = outer[k];
    let s = 0;
    if (inFloat32) for (let j = 0; j < inner.length; j++) s = Math.fround(s + src[base + inner[j]]);
    else for (let j = 0; j < inner.length; j++) s += src[base + inner[j]];
    o[k] = s;
  }
  return o;
}

function gather(x: HostValues, offsets: Int32Array, out: AbstractValue): AnyTypedArray {
  const src = x.data;
  const o = output(out.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) o[i] = src[offsets[i]];
  return o;
}

function broadcastInDim(x: HostValues, { broadcastDimensions }: ParamsOf<'broadcast_in_dim'>, out: AbstractValue): AnyTypedArray {
  const n = sizeOf(out.shape);
  if (x.data.length === 1) return output(out.dtype, n).fill(x.data[0]);
  if (x.data.length === n) return copy(x.data, out.dtype);
  const inStrides = stridesOf(x.shape);
  const strides = out.shape.map(() => 0);
  broadcastDimensions.forEach((d, i) => {
    if (x.shape[i] !== 1) strides[d] = inStrides[i];
  });
  return tiled(x.data, out.shape, strides, out.dtype) ?? gather(x, mapIndex(out.shape, strides, 0, n), out);
}

/**
 * A broadcast whose operand's values sit, in their order, on consecutive axes of the result (a
 * bias row added to each row, a column to each column): the operand copied as a block, each value
 * repeated along the trailing axes, the block repeated along the leading ones, without an index
 * of every element. Null for other broadcasts.
 */
function tiled(data: AnyTypedArray, shape: Shape, strides: readonly number[], dtype: DType): AnyTypedArray | null {
  const spanned = shape.map((_, d) => d).filter((d) => shape[d] !== 1 && strides[d] !== 0);
  const first = spanned[0];
  const last = spanned[spanned.length - 1];
  let step = 1;
  for (let d = last; d >= first; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== step) return null;
    step *= shape[d];
  }
  const repeat = shape.slice(last + 1).reduce((p, e) => p * e, 1);
  const tiles = shape.slice(0, first).reduce((p, e) => p * e, 1);
  const block = data.length;
  const o = output(dtype, tiles * block * repeat);
  for (let t = 0; t < tiles; t++) {
    if (repeat === 1) o.set(data, t * block);
    else for (let i = 0, at = t * block * repeat; i < block; i++, at += repeat) o.fill(data[i], at, at + repeat);
  }
  return o;
}

function copy(data: AnyTypedArray, dtype: DType): AnyTypedArray {
  const o = output(dtype, data.length);
  o.set(data);
  return o;
}

function transpose(x: HostValues, { permutation }: ParamsOf<'transpose'>, out: AbstractValue): AnyTypedArray {
  const strides = stridesOf(x.shape);
  // NB: moving size-1 axes keeps the memory order: a copy.
  const moved = permutation.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || p > moved[i - 1])) return copy(x.data, out.dtype);
  return gather(x, mapIndex(out.shape, permutation.map((p) => strides[p]), 0), out);
}

/**
 * Multiply-adds a float32 product may take on the host: past this, tfjs-backend-wasm's SIMD
 * product is faster than a JS loop even on small operands.
 */
const HOST_PRODUCT_MULTIPLY_ADDS = 1 << 18;

/** The operand's values in the order of `axes`: its own array where that is their order (read, never written), else a copy. */
function permuted(x: HostValues, axes: readonly number[]): AnyTypedArray {
  const moved = axes.filter((a) => x.shape[a] !== 1);
  if (moved.every((a, i) => i === 0 || a > moved[i - 1])) return x.data;
  const strides = stridesOf(x.shape);
  return gather(x, mapIndex(axes.map((a) => x.shape[a]), axes.map((a) => strides[a]), 0), { shape: [], dtype: x.dtype });
}

/**
 * tfjs-backend-wasm's float32 dot_general (runtime/backends/tfjs dotGeneral: both operands
 * transposed to [batch, m, k] and [batch, k, n], then XNNPACK's product): each output element
 * adds its k products one after another from 0, every product and sum rounded to float32.
 */
function dotFloat32(a: HostValues, b: HostValues, { dimensionNumbers: dn }: ParamsOf<'dot_general'>, out: AbstractValue): AnyTypedArray | null {
  const free = (rank: number, used: readonly number[]) => [...Array(rank).keys()].filter((i) => !used.includes(i));
  const aFree = free(a.shape.length, [...dn.lhsBatch, ...dn.lhsContracting]);
  const bFree = free(b.shape.length, [...dn.rhsBatch, ...dn.rhsContracting]);
  const size = (x: HostValues, axes: readonly number[]) => axes.reduce((p, i) => p * x.shape[i], 1);
  const [batch, m, k, n] = [size(a, dn.lhsBatch), size(a, aFree), size(a, dn.lhsContracting), size(b, bFree)];
  if (batch * m * k * n > HOST_PRODUCT_MULTIPLY_ADDS) return null;
  // NB: [k, m] (the operand of a weight's gradient) is read in place, a row of the product's lhs a column of it.
  const inPlace = batch === 1 && a.shape.length === 2 && dn.lhsContracting[0] === 0;
  const lhs = inPlace ? a.data : permuted(a, [...dn.lhsBatch, ...aFree, ...dn.lhsContracting]);
  const [rowStep, step] = inPlace ? [1, m] : [k, 1];
  const rhs = permuted(b, [...dn.rhsBatch, ...dn.rhsContracting, ...bFree]);
  if (wasmSimdSupported && batch === 1 && n % 4 === 0 && m * k * n >= WASM_LOOP_MIN_ELEMENTS) {
    const o = output(out.dtype, m * n) as Float32Array;
    wasmProduct(lhs, rhs, o, m, k, rowStep, step);
    return o;
  }
  // NB: a recycled array holds old values: every sum starts from +0, as `let s = 0` did.
  const o = output(out.dtype, batch * m * n).fill(0);
  for (let p = 0; p < batch; p++) {
    if (n < 4) {
      few(lhs, rhs, o, p, m, k, n, rowStep, step);
      continue;
    }
    for (let i = 0; i < m; i++) {
      const row = (p * m + i) * rowStep;
      const at = (p * m + i) * n;
      // The n sums of a row side by side, each over q = 0, 1, ... in turn: the inner loop reads a row of rhs, not a column.
      for (let q = 0; q < k; q++) {
        const x = lhs[row + q * step];
        const col = (p * k + q) * n;
        for (let j = 0; j < n; j++) o[at + j] = Math.fround(o[at + j] + Math.fround(x * rhs[col + j]));
      }
    }
  }
  return o;
}

/**
 * A product with few sums a row (n < 4: a layer's output of one unit, a weight's gradient against a
 * column): each sum in a register over q, four rows at once, as one sum waits on its last addition
 * (four float32 roundings in flight instead of one; each sum's order is still q = 0, 1, ...).
 */
function few(lhs: AnyTypedArray, rhs: AnyTypedArray, o: AnyTypedArray, p: number, m: number, k: number, n: number, rowStep: number, step: number): void {
  for (let j = 0; j < n; j++) {
    const col0 = p * k * n + j;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const r0 = (p * m + i) * rowStep;
      const r1 = r0 + rowStep;
      const r2 = r1 + rowStep;
      const r3 = r2 + rowStep;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let q = 0, col = col0, at = 0; q < k; q++, col += n, at += step) {
        const y = rhs[col];
        s0 = Math.fround(s0 + Math.fround(lhs[r0 + at] * y));
        s1 = Math.fround(s1 + Math.fround(lhs[r1 + at] * y));
        s2 = Math.fround(s2 + Math.fround(lhs[r2 + at] * y));
        s3 = Math.fround(s3 + Math.fround(lhs[r3 + at] * y));
      }
      const at = (p * m + i) * n + j;
      o[at] = s0;
      o[at + n] = s1;
      o[at + 2 * n] = s2;
      o[at + 3 * n] = s3;
    }
    for (; i < m; i++) {
      const row = (p * m + i) * rowStep;
      let s = 0;
      for (let q = 0, col = col0, at = 0; q < k; q++, col += n, at += step) s = Math.fround(s + Math.fround(lhs[row + at] * rhs[col]));
      o[(p * m + i) * n + j] = s;
    }
  }
}

/**
 * The transcendentals that tfjs-backend-wasm computes with runtime/wasm's SIMD polynomials
 * (runtime/backends/tfjs/wasm_math.ts): the same function over the host's values, so the same bits.
 */
const polynomial = (prim: WasmMathPrimitive): HostKernel<Primitive> => (inputs, _params, out) => {
  const x = inputs[0].data;
  if (!wasmSimdSupported || !(x instanceof Float32Array)) return null;
  const o = output(out.dtype, x.length) as Float32Array;
  wasmUnary(prim, x, o);
  return o;
};

const reshape = (inputs: readonly HostValues[], _params: unknown, out: AbstractValue): AnyTypedArray => copy(inputs[0].data, out.dtype);

/** The kernels of `flavour` (see HostFlavour); a primitive missing from the table is computed elsewhere. */
export function hostKernels(flavour: HostFlavour): HostKernelTable {
  const wasm = flavour === 'wasm';
  /** The wasm flavour computes float32 results only, from operands of float32 (or bool predicates). */
  const float32Only = <P extends Primitive>(k: HostKernel<P>): HostKernel<P> =>
    wasm ? (inputs, params, out) => (out.dtype === 'float32' ? k(inputs, params, out) : null) : k;
  const comparisons = wasm ? {} : {
    lt: binary(COMPARISON_LOOPS.lt), le: binary(COMPARISON_LOOPS.le), gt: binary(COMPARISON_LOOPS.gt),
    ge: binary(COMPARISON_LOOPS.ge), eq: binary(COMPARISON_LOOPS.eq), ne: binary(COMPARISON_LOOPS.ne),
  };
  return {
    add: float32Only(wasm ? binaryFloat32('add') : binary(BINARY_LOOPS.add)),
    sub: float32Only(wasm ? binaryFloat32('sub') : binary(BINARY_LOOPS.sub)),
    mul: float32Only(wasm ? binaryFloat32('mul') : binary(BINARY_LOOPS.mul)),
    div: float32Only(wasm ? binaryFloat32('div') : binary(BINARY_LOOPS.div)),
    ...(wasm ? {} : { pow: powFloat64 }),
    max: float32Only(binary(BINARY_LOOPS.max)),
    min: float32Only(binary(BINARY_LOOPS.min)),
    ...comparisons,
    neg: float32Only(unary(UNARY_LOOPS.neg)),
    abs: float32Only(unary(UNARY_LOOPS.abs)),
    sqrt: float32Only(unary(UNARY_LOOPS.sqrt)),
    sign: float32Only(unary(UNARY_LOOPS.sign)),
    stop_gradient: float32Only(unary(UNARY_LOOPS.stop_gradient)),
    select: float32Only(select),
    integer_pow: float32Only((inputs, { y }, out) => {
      const o = output(out.dtype, inputs[0].data.length);
      if (!wasm) integerPowerInto(inputs[0].data, y, o);
      else if (!integerPowFloat32(inputs[0].data, y, o)) return null;
      return o;
    }),
    convert_element_type: float32Only((inputs, _params, out) => {
      // NB: the reference casts through typedArrayFrom (ints truncate, bools test non-zero); floats store as they are.
      if (out.dtype !== 'float32' && out.dtype !== 'float64') return null;
      return copy(inputs[0].data, out.dtype);
    }),
    reduce_sum: float32Only((inputs, { axes }, out) => {
      const x = inputs[0];
      if (axes.length === 0) return copy(x.data, out.dtype);
      // NB: the reference stores a bool or int sum through typedArrayFrom; those stay with it.
      if (out.dtype !== 'float32' && out.dtype !== 'float64') return null;
      const order = wasm ? axes : [...axes].sort((a, b) => a - b);
      return sum(x, order, out, wasm);
    }),
    broadcast_in_dim: float32Only((inputs, params, out) => broadcastInDim(inputs[0], params, out)),
    reshape: float32Only(reshape),
    squeeze: float32Only(reshape),
    expand_dims: float32Only(reshape),
    transpose: float32Only((inputs, params, out) => transpose(inputs[0], params, out)),
    // NB: the reference's own order of a float64 product is its dot.ts's; only the wasm flavour has one here.
    ...(wasm ? {
      dot_general: float32Only((inputs, params, out) => dotFloat32(inputs[0], inputs[1], params, out)),
      exp: float32Only(polynomial('exp')), log: float32Only(polynomial('log')), tanh: float32Only(polynomial('tanh')),
      logistic: float32Only(polynomial('logistic')), sin: float32Only(polynomial('sin')), cos: float32Only(polynomial('cos')),
    } : {}),
  };
}
