// The bytes of the WebAssembly modules the kernels run as, written here (no assembler), and the
// one memory they all import.


export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};

export const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
export const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** SIMD opcodes (after the 0xfd prefix) used here. */
export const S = {
  load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, i32Splat: 0x11, f32Splat: 0x13, f32Extract: 0x1f, f32Replace: 0x20,
  i32Eq: 0x37, i32LtU: 0x3a, f32Eq: 0x41, f32Ne: 0x42, f32Lt: 0x43, f32Gt: 0x44, f32Le: 0x45, f32Ge: 0x46,
  not: 0x4d, and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52, anyTrue: 0x53,
  floor: 0x68, nearest: 0x6a, i32Shl: 0xab, i32ShrS: 0xac, i32ShrU: 0xad, i32Add: 0xae, i32Sub: 0xb1,
  abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9,
  truncSat: 0xf8, convert: 0xfa, shuffle: 0x0d, demote: 0x5e, promote: 0x5f, f64Add: 0xf0, f64Sub: 0xf1, f64Mul: 0xf2,
} as const;

export function v128Const(lanes: (view: DataView, k: number) => void): number[] {
  const view = new DataView(new ArrayBuffer(16));
  for (let k = 0; k < 4; k++) lanes(view, k * 4);
  return [0xfd, ...uleb(S.const), ...new Uint8Array(view.buffer)];
}

/**
 * A module of one exported function `k` taking `nParams` i32 byte offsets, with the body `code`
 * over `v128Locals` v128 locals after `i32Locals` i32 locals (one in the jit's kernels, which wat.ts prints); it imports Math.sin and Math.cos as `m.sin`
 * and `m.cos` (functions 0 and 1, which the sin and cos polynomials call beyond their range) and
 * the shared memory as `m.mem`. wat.ts prints exactly this form.
 */
export function kernelModule(nParams: number, v128Locals: number, code: readonly number[], i32Locals = 1): Uint8Array<ArrayBuffer> {
  const locals = [[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]];
  const body = [...vec(locals), ...code];
  const kernelType = [0x60, ...uleb(nParams), ...Array(nParams).fill(I32), 0x00];
  const mathType = [0x60, 0x01, F64, 0x01, F64];
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([kernelType, mathType])),
    ...section(2, vec([[...str('m'), ...str('sin'), 0x00, 0x01], [...str('m'), ...str('cos'), 0x00, 0x01],
      [...str('m'), ...str('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...str('k'), 0x00, 0x02]])),
    ...section(10, vec([[...uleb(body.length), ...body]]))];
  return new Uint8Array(bytes);
}

/** The exported function `k` of a kernelModule, instantiated over the shared memory. */
export function instantiateKernel(bytes: Uint8Array<ArrayBuffer>, memoryBytes: number): (...offsets: number[]) => void {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: memoryOf(memoryBytes), sin: Math.sin, cos: Math.cos } });
  return instance.exports.k as (...offsets: number[]) => void;
}

/** True when the engine validates a module using v128 (checked once). */
export const wasmSimdSupported: boolean = (() => {
  try {
    const body = [0x00, 0x41, 0x00, 0xfd, ...uleb(S.i32Splat), 0x1a, 0x0b];
    const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vec([[0x60, 0x00, 0x00]])), ...section(3, vec([[0x00]])), ...section(10, vec([[...uleb(body.length), ...body]]))];
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
})();

const PAGE = 65536;
let memory: WebAssembly.Memory | null = null;

/** The one memory every wasm kernel imports, at least `bytes` long. */
export function memoryOf(bytes: number): WebAssembly.Memory {
  if (memory === null) memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE));
  return memory;
}

export function wasmMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

