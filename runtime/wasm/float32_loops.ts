import { instantiateKernel, kernelModule, memoryOf, S, sleb, uleb } from './module';

// Float32 loops over small host arrays (runtime/backends/host's wasm flavour) in WebAssembly, with
// the numbers of the JS loops they replace bit for bit: each lane is one IEEE float32 operation
// (what a double operation rounded to float32 gives for + - * /), and every sum adds its terms in
// the same order, one rounding per addition. V8 neither vectorizes a JS loop over a Float32Array
// nor keeps a Math.fround sum in float32 registers: measured on 2,000 values, a product 3.4 -> 1.5
// µs and a sum 10.6 -> 3 µs (load 15), the copies into and out of the kernels' memory included.

/** The elementwise operations whose f32x4 instruction rounds as the JS loop's store to a Float32Array does. */
export type WasmBinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** Below this many elements the copies and the call cost more than the JS loop saves. */
export const WASM_LOOP_MIN_ELEMENTS = 128;

const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_ADD = 0x6a;
const get = (l: number): number[] => [LOCAL_GET, ...uleb(l)];
const set = (l: number): number[] => [LOCAL_SET, ...uleb(l)];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];
const simd = (op: number, ...memarg: number[]): number[] => [0xfd, ...uleb(op), ...memarg];
const load = simd(S.load, 4, 0);
const store = simd(S.store, 4, 0);
const splat = simd(S.load32Splat, 2, 0);
const zero = [0xfd, ...uleb(S.const), ...new Array<number>(16).fill(0)];
/** The address `base + at` of two locals. */
const at = (base: number, offset: number): number[] => [...get(base), ...get(offset), I32_ADD];

/** `while (counter < limit) { body; counter += step }`, the three being locals (the counter set by the caller). */
const loop = (counter: number, limit: number, step: number | { readonly by: number }, body: readonly number[]): number[] => [
  0x02, 0x40, 0x03, 0x40,
  ...get(counter), ...get(limit), 0x4f, 0x0d, 0x01,
  ...body,
  ...get(counter), ...(typeof step === 'number' ? i32(step) : get(step.by)), I32_ADD, ...set(counter),
  0x0c, 0x00, 0x0b, 0x0b,
];
const start = (counter: number, from: readonly number[] = i32(0)): number[] => [...from, ...set(counter)];

const OPCODE: { readonly [O in WasmBinaryOp]: number } = { add: S.add, sub: S.sub, mul: S.mul, div: S.div };

/** Which operand is one value repeated ('s', a splat) and which a whole array ('v'). */
type Operands = 'vv' | 'sv' | 'vs';

/** `o[i] = a[i] op b[i]` over `bytes` (a multiple of 16) from byte offsets a, b, o: params 0-3, counter 4. */
function binaryModule(op: WasmBinaryOp, operands: Operands): Uint8Array<ArrayBuffer> {
  const operand = (p: number, kind: string) => (kind === 'v' ? [...at(p, 4), ...load] : [...get(p), ...splat]);
  const body = [...at(2, 4), ...operand(0, operands[0]), ...operand(1, operands[1]), ...simd(OPCODE[op]), ...store];
  return kernelModule(4, 0, [...loop(4, 3, 16, body), 0x0b]);
}

/** Lane 0 of `out` = the float32 sum of `bytes / 4` values at `src`, one after another from +0: params 0-2, counter 3, sum 4. */
function sumModule(): Uint8Array<ArrayBuffer> {
  const body = [...get(4), ...at(0, 3), ...splat, ...simd(S.add), ...set(4)];
  return kernelModule(3, 1, [...loop(3, 1, 4, body), ...get(2), ...get(4), ...store, 0x0b]);
}

/**
 * `out[j]` = the float32 sum of column j of rows `width` bytes apart, filling `total` bytes, each
 * column's rows added top to bottom from +0, four columns a step: params src 0, width 1, total 2,
 * out 3; column 4, row 5; sums 6.
 */
function columnSumsModule(): Uint8Array<ArrayBuffer> {
  const rows = loop(5, 2, { by: 1 }, [...get(6), ...at(0, 5), ...load, ...simd(S.add), ...set(6)]);
  const column = [...zero, ...set(6), ...start(5, get(4)), ...rows, ...at(3, 4), ...get(6), ...store];
  return kernelModule(4, 1, [...start(4), ...loop(4, 1, 16, column), 0x0b], 2);
}

/**
 * A product's rows: `o` row i (n floats, `rowBytes` apart; +0 on entry) += lhs[i, q] * rhs row q,
 * for q from 0 one after another, each product and sum rounded to float32, four columns a step.
 * lhs[i, q] is at lhs + i·rowStep + q·step (bytes). Params: lhs 0, rhs 1, o 2, lhsEnd 3 (m·rowStep),
 * rowStep 4, kEnd 5 (k·step), step 6, rowBytes 7; locals: lhs row 8, o row 9, q 10, rhs row 11, j 12; x 13.
 */
function productModule(): Uint8Array<ArrayBuffer> {
  const columns = loop(12, 7, 16, [...at(9, 12), ...at(9, 12), ...load, ...get(13), ...at(11, 12), ...load, ...simd(S.mul), ...simd(S.add), ...store]);
  const terms = loop(10, 5, { by: 6 }, [
    ...get(0), ...get(8), I32_ADD, ...get(10), I32_ADD, ...splat, ...set(13),
    ...start(12), ...columns,
    ...get(11), ...get(7), I32_ADD, ...set(11),
  ]);
  const rows = loop(8, 3, { by: 4 }, [...start(11, get(1)), ...start(10), ...terms, ...get(9), ...get(7), I32_ADD, ...set(9)]);
  return kernelModule(8, 1, [...start(8), ...start(9, get(2)), ...rows, 0x0b], 5);
}

type Kernel = (...offsets: number[]) => void;
const kernels = new Map<string, Kernel>();
/** NB: bounded: the kernels other than binary ones, whatever lengths come (lengths are parameters). */
function kernel(key: string, make: () => Uint8Array<ArrayBuffer>): Kernel {
  let k = kernels.get(key);
  if (k === undefined) kernels.set(key, (k = instantiateKernel(make(), 16)));
  return k;
}

let view = new Float32Array(0);
/** The kernels' memory (runtime/wasm's, shared with the jit's kernels: each call copies in and out) as float32s, at least `elements` long. */
function scratch(elements: number): Float32Array {
  // NB: a view of memory that grew since is detached and reads as empty: only then is the memory
  // asked again (reading its buffer costs more than a small op's copies).
  if (view.length < elements) view = new Float32Array(memoryOf(elements * 4).buffer);
  return view;
}

let window: Float32Array = new Float32Array(0);
let windowAt = -1;
/**
 * The scratch's elements [at, at + n), for a kernel's result to be copied out of: the view is made
 * again only when the place, the length or the memory changed, as an eager loop's ops read theirs
 * at one place (a subarray per op was a small op's largest allocation after its result).
 */
function region(f32: Float32Array, at: number, n: number): Float32Array {
  if (window.buffer !== f32.buffer || windowAt !== at || window.length !== n) {
    window = f32.subarray(at, at + n);
    windowAt = at;
  }
  return window;
}

/** `n` rounded up to whole v128 lanes. */
const lanes = (n: number): number => (n + 3) & ~3;

/**
 * `o[i] = a[i] op b[i]`, an operand of one element repeated, as the float32 loops compute it.
 * `a` and `b` hold float32 values (a Float64Array of them is read exactly). Needs wasmSimdSupported.
 */
export function wasmBinary(op: WasmBinaryOp, a: ArrayLike<number>, b: ArrayLike<number>, o: Float32Array): void {
  const n = o.length;
  const padded = lanes(n);
  const operands: Operands = a.length === n ? (b.length === n ? 'vv' : 'vs') : 'sv';
  const f32 = scratch(3 * padded + 8);
  const bx = padded;
  const ox = 2 * padded;
  if (a.length === n) f32.set(a, 0); else f32[0] = a[0];
  if (b.length === n) f32.set(b, bx); else f32[bx] = b[0];
  binaryKernel(op, operands)(0, bx * 4, ox * 4, padded * 4);
  o.set(region(f32, ox, n));
}

/** NB: a table, not `kernel`'s Map: a key string made per call cost as much as a 2,000-element kernel's copies. */
const BINARY_KERNELS: { readonly [O in WasmBinaryOp]: { [K in Operands]?: Kernel } } = { add: {}, sub: {}, mul: {}, div: {} };
function binaryKernel(op: WasmBinaryOp, operands: Operands): Kernel {
  return (BINARY_KERNELS[op][operands] ??= instantiateKernel(binaryModule(op, operands), 16));
}

/** The float32 sum of `x`'s values in order from +0, each addition rounded (`s = fround(s + x[i])`). */
export function wasmSum(x: Float32Array): number {
  const padded = lanes(x.length);
  const f32 = scratch(padded + 4);
  f32.set(x, 0);
  kernel('sum', sumModule)(0, x.length * 4, padded * 4);
  return f32[padded];
}

/** `o[j]` = the float32 sum of column j of `x` read as rows of `o.length`, each column top to bottom from +0. */
export function wasmColumnSums(x: Float32Array, o: Float32Array): void {
  const width = o.length;
  const out = lanes(x.length) + 4;
  const f32 = scratch(out + lanes(width));
  f32.set(x, 0);
  kernel('column sums', columnSumsModule)(0, width * 4, x.length * 4, out * 4);
  o.set(region(f32, out, width));
}

/**
 * `o` ([m, n], n a multiple of 4) = lhs · rhs: o[i, j] adds lhs[i·rowStep + q·step] · rhs[q·n + j]
 * for q = 0 .. k-1 one after another from +0, each product and sum rounded to float32.
 */
export function wasmProduct(lhs: ArrayLike<number>, rhs: ArrayLike<number>, o: Float32Array, m: number, k: number, rowStep: number, step: number): void {
  const n = o.length / m;
  const [lx, rx] = [0, lanes(lhs.length)];
  const ox = rx + lanes(rhs.length);
  const f32 = scratch(ox + o.length);
  f32.set(lhs, lx);
  f32.set(rhs, rx);
  f32.fill(0, ox, ox + o.length);
  kernel('product', productModule)(lx * 4, rx * 4, ox * 4, m * rowStep * 4, rowStep * 4, k * step * 4, step * 4, n * 4);
  o.set(region(f32, ox, o.length));
}
