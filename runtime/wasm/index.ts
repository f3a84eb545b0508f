// WebAssembly below the engines: the module writer and the shared memory (module.ts), the float32
// SIMD transcendentals (simd.ts), one of them over a whole array (unary.ts, for the tfjs wasm
// backend), float32 arithmetic, sums and products over small host arrays (float32_loops.ts) and the text form of a module (wat.ts, for the graph viewer). The jit's wasm renderer
// (jit/compile/codegen_wasm.ts) and runtime/backends/tfjs both build on it; it imports neither.
export { instantiateKernel, kernelModule, memoryOf, wasmMemoryBytes, wasmSimdSupported, S, sleb, uleb, v128Const } from './module';
export { d, Emitter, f, i, MATH_ULPS, type V } from './simd';
export { wasmUnary, type WasmMathPrimitive } from './unary';
export { watOf } from './wat';
export { wasmBinary, wasmColumnSums, wasmProduct, wasmSum, WASM_LOOP_MIN_ELEMENTS, type WasmBinaryOp } from './float32_loops';
