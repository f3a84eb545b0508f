import { instantiateKernel, kernelModule, memoryOf, sleb, uleb, S } from './module';
import { Emitter } from './simd';

// One transcendental over a whole float32 array, as the jit's wasm kernels compute it: for
// backends whose own kernels are less accurate (runtime/backends/tfjs, eager on wasm).

/** The transcendentals with a polynomial in simd.ts, within MATH_ULPS of Math.*. */
export type WasmMathPrimitive = 'exp' | 'log' | 'tanh' | 'logistic' | 'sin' | 'cos';

const POLYNOMIAL: { readonly [P in WasmMathPrimitive]: (em: Emitter, x: number) => number } = {
  exp: (em, x) => em.exp(x),
  log: (em, x) => em.log(x),
  tanh: (em, x) => em.tanh(x),
  logistic: (em, x) => em.logistic(x),
  sin: (em, x) => em.sincos(x, false),
  cos: (em, x) => em.sincos(x, true),
};

/**
 * A compiled kernel's length is fixed, so arrays run in chunks of at most CHUNK elements: at most
 * log2(CHUNK) - 1 kernels per primitive, and a small array does not pay for a large chunk.
 */
const CHUNK = 2 ** 14;
type Chunk = (x: Float32Array, out: Float32Array) => void;
/** NB: bounded as it is: at most 6 primitives × 13 chunk lengths (4 to CHUNK), whatever shapes come. */
const kernels = new Map<string, Chunk>();

/** `k(in, out)`: a loop over n (a multiple of 4) float32s, 4 lanes a step, as the jit's kernel of one member. */
function chunkKernel(prim: WasmMathPrimitive, n: number): Chunk {
  const key = `${prim} ${n}`;
  const known = kernels.get(key);
  if (known) return known;
  const bytes = n * 4;
  const o = 2;
  const em = new Emitter(3, 0, 1);
  const c = em.code;
  c.push(0x02, 0x40, 0x03, 0x40);
  c.push(0x20, ...uleb(o), 0x41, ...sleb(bytes), 0x4f, 0x0d, 0x01);
  c.push(0x20, 0x00, 0x20, ...uleb(o), 0x6a);
  em.simd(S.load, 4, 0);
  const y = POLYNOMIAL[prim](em, em.set());
  c.push(0x20, 0x01, 0x20, ...uleb(o), 0x6a);
  em.get(y);
  em.simd(S.store, 4, 0);
  c.push(0x20, ...uleb(o), 0x41, 16, 0x6a, 0x21, ...uleb(o), 0x0c, 0x00, 0x0b, 0x0b, 0x0b);
  const run = instantiateKernel(kernelModule(2, em.v128Locals, c), 2 * bytes);
  const k: Chunk = (x, out) => {
    const f32 = new Float32Array(memoryOf(2 * bytes).buffer);
    f32.set(x, 0);
    run(0, bytes);
    out.set(f32.subarray(n, n + out.length));
  };
  kernels.set(key, k);
  return k;
}

/** `out[i] = prim(x[i])`; `out` may be any float32 view (another module's memory), but must not overlap `x`. Needs wasmSimdSupported. */
export function wasmUnary(prim: WasmMathPrimitive, x: Float32Array, out: Float32Array): void {
  const n = Math.min(CHUNK, 2 ** Math.ceil(Math.log2(Math.max(x.length, 4))));
  const k = chunkKernel(prim, n);
  // NB: a last, shorter chunk leaves the kernel's tail lanes holding earlier inputs; they are computed but never read.
  for (let at = 0; at < x.length; at += n) k(x.subarray(at, at + n), out.subarray(at, at + n));
}
