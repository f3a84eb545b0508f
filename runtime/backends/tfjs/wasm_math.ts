import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmSimdSupported, wasmUnary, type WasmMathPrimitive } from '../../wasm';

/**
 * NB: tfjs-backend-wasm's Sin and Cos carry ~2.4e-7 absolute error (sin(1e-15) is 1.7e-7; near
 * the zeros of cos, 1e8 ulps), and its Sigmoid is 3.3 ulps off and flushes subnormal results
 * (x < -87.3) to zero; its Tanh, Exp and Log call the C library once per element (in BENCHMARKS.md's W7, a
 * training loop through nn.Tanh, a fifth of the time). The jit's polynomials run instead (1.5 ulps for sin and cos, 2.3 for
 * logistic, subnormals kept down to where PyTorch's sigmoid is 0: test/unit/backends/wasm_math.test.ts), reading the operand where
 * tfjs's heap holds it and writing into a fresh tfjs output, so the only copies are the kernel's
 * own into and out of its memory. On 2^20 elements (measured) sin and cos take 3.3 ms against
 * tfjs's 20 ms; logistic 3.8 ms against XNNPACK's 1.1 ms, the price of its accuracy. Small
 * arrays held on the host run the same function (runtime/backends/host/kernels.ts), so the same bits.
 * Without wasm SIMD, tfjs's kernel runs.
 */
export function onWasmPolynomial(prim: WasmMathPrimitive, fallback: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return (x) => {
    if (!wasmSimdSupported || x.dtype !== 'float32') return fallback(x);
    const backend = tf.backend() as BackendWasm;
    // Allocate first: the allocation may grow tfjs's heap, which replaces the buffer under any earlier view.
    const result = backend.makeOutput([...x.shape], 'float32');
    // NB: tfjs's typings omit the Emscripten module's heap, which its own backend reads as HEAPU8.
    const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
    const view = (dataId: tf.DataId) => new Float32Array(heap, backend.dataIdMap.get(dataId)!.memoryOffset, x.size);
    wasmUnary(prim, view(x.dataId), view(result.dataId));
    return tf.engine().makeTensorFromTensorInfo(result);
  };
}
