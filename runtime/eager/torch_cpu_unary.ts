/**
 * PyTorch 1.13's CPU float32 exp, log, tanh and sigmoid, as Debian's AVX2 build computes them, so
 * a printed value shows PyTorch's last digit. exp, log and tanh are UnaryOpsKernel.cpp's
 * IMPLEMENT_FLOAT_KERNEL ops: vml.h maps every element, a partial vector at the end too, through
 * `Vectorized<float>::exp()` and its siblings, which are SLEEF's u10 functions. sigmoid is
 * `cpu_kernel_vec`: Loops.h's vectorized_loop computes 16 elements at a time with the vector
 * formula 1 / (1 + exp(0 - x)) (SLEEF's exp) and the rest of its inner loop with the scalar one,
 * 1 / (1 + std::exp(-x)) (glibc's expf). Which element takes which was probed against PyTorch
 * (lengths 1 to 40, 1000, 40000, slices, transposes); the values are checked bit for bit in
 * test/unit/numerics/torch_unary.test.ts.
 */
import { libm } from '../core';
import type { FloatUnaryPrimitive } from '../primitives';

const f = Math.fround;

/** The primitives computed here for float32 tensors: torch.exp, torch.log, torch.tanh, torch.sigmoid. */
export type TorchCpuUnary = Extract<FloatUnaryPrimitive, 'exp' | 'log' | 'tanh' | 'logistic'>;

function isTorchCpuUnary(op: FloatUnaryPrimitive): op is TorchCpuUnary {
  return op === 'exp' || op === 'log' || op === 'tanh' || op === 'logistic';
}

/**
 * The most elements of a tanh or sigmoid (the activations a training loop applies every step)
 * computed here. The JS ports cost 60-145 ns an element against the wasm polynomials' 3-5 (W7's
 * nn.Tanh over 256 x 64, 500 steps, went from 264 to 1,537 ms of CPU), so past this the backends'
 * kernels run (within 1.5 ulps of PyTorch's), until the SLEEF ports have SIMD WebAssembly kernels.
 */
export const TORCH_ACTIVATION_MAX = 4096;

/** Whether PyTorch's own float32 values of op over `size` elements are computed here. */
export function computesTorchCpuUnary(op: FloatUnaryPrimitive, size: number): op is TorchCpuUnary {
  return isTorchCpuUnary(op) && ((op !== 'tanh' && op !== 'logistic') || size <= TORCH_ACTIVATION_MAX);
}

/** vectorized_loop's step: two AVX2 vectors of 8 floats. */
const VECTOR_STEP = 16;

const sigmoidVector = (x: number): number => f(1 / f(1 + libm.sleefExpf(f(0 - x))));
const sigmoidScalar = (x: number): number => f(1 / f(1 + libm.glibcExpf(-x)));

/**
 * `op` of float32 values (row-major, of a tensor with PyTorch's element `strides`), as PyTorch's CPU
 * kernel computes each element.
 */
export function torchCpuUnary(op: TorchCpuUnary, values: ArrayLike<number>, shape: readonly number[], strides: readonly number[]): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  if (op !== 'logistic') {
    const fn = op === 'exp' ? libm.sleefExpf : op === 'log' ? libm.sleefLogf : libm.sleefTanhf;
    for (let i = 0; i < n; i++) out[i] = fn(values[i]!);
    return out;
  }
  const inner = innerLoop(shape, strides);
  if (inner === null) {
    for (let i = 0; i < n; i++) out[i] = sigmoidScalar(values[i]!);
    return out;
  }
  const vectorEnd = inner.length - (inner.length % VECTOR_STEP);
  // Each element's place in its inner loop, walked row-major.
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = 0;
  for (let i = 0; i < n; i++) {
    out[i] = at < vectorEnd ? sigmoidVector(values[i]!) : sigmoidScalar(values[i]!);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      at += inner.steps[d]!;
      if (index[d]! < shape[d]!) break;
      at -= index[d]! * inner.steps[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * The 1-d loop TensorIterator hands the kernel: the dims sorted by stride, fastest first, merged
 * while each continues the one before in memory (an elementwise op's output takes its input's
 * order). `length` is that loop's size and `steps[d]` how far a step along dim d moves within it
 * (0 for the dims it does not cover); null where the fastest dim does not step by one element,
 * where the kernel calls the scalar formula for every element.
 */
function innerLoop(shape: readonly number[], strides: readonly number[]): { length: number; steps: number[] } | null {
  const dims = shape.map((_, d) => d).filter((d) => shape[d]! > 1).sort((a, b) => strides[a]! - strides[b]!);
  const steps = shape.map(() => 0);
  let length = 1;
  for (const d of dims) {
    if (strides[d] !== length) break;
    steps[d] = length;
    length *= shape[d]!;
  }
  if (dims.length > 0 && strides[dims[0]!] !== 1) return null;
  return { length, steps };
}
