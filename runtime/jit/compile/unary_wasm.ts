import { aval } from '../../core';
import type { HostKernel } from './codegen_js';
import { compileWasm } from './codegen_wasm';

// One transcendental over a whole float32 array, as codegen_wasm.ts's SIMD polynomials: for
// backends whose own kernels are less accurate (runtime/backends/tfjs, eager on wasm).

/** Primitives with a polynomial in codegen_wasm.ts, within MATH_ULPS of Math.*. */
export type WasmMathPrimitive = 'exp' | 'log' | 'tanh' | 'logistic' | 'sin' | 'cos';

/**
 * A compiled kernel's length is fixed, so arrays run in chunks of at most CHUNK elements: at most
 * log2(CHUNK) - 1 kernels per primitive, and a small array does not pay for a large chunk.
 */
const CHUNK = 2 ** 14;
/** NB: bounded as it is: at most 6 primitives × 13 chunk lengths (4 to CHUNK), whatever shapes come. */
const kernels = new Map<string, HostKernel>();

function chunkKernel(prim: WasmMathPrimitive, n: number): HostKernel {
  const key = `${prim} ${n}`;
  let k = kernels.get(key);
  if (!k) {
    const a = aval([n], 'float32');
    k = compileWasm({ inputs: [a], members: [{ primitive: prim, params: {}, args: [{ input: 0 }], out: a }], outputs: [0], domain: [n], reduction: null });
    kernels.set(key, k);
  }
  return k;
}

/** `out[i] = prim(x[i])`; `out` may be any float32 view (another module's memory), but must not overlap `x`. Needs wasmSimdSupported. */
export function wasmUnary(prim: WasmMathPrimitive, x: Float32Array, out: Float32Array): void {
  const n = Math.min(CHUNK, 2 ** Math.ceil(Math.log2(Math.max(x.length, 4))));
  const k = chunkKernel(prim, n);
  // NB: a last, shorter chunk leaves the kernel's tail lanes holding earlier inputs; they are computed but never read.
  for (let at = 0; at < x.length; at += n) k([x.subarray(at, at + n)], [out.subarray(at, at + n)]);
}
