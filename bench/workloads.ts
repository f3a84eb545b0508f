import { Random } from '../runtime/core';

/** The three workloads of issue 4, with their inputs and float64 reference gradients. */
export type WorkloadId = 'W1' | 'W2' | 'W3';

export interface Input {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface Workload {
  readonly id: WorkloadId;
  readonly title: string;
  /** Inputs in call order; `wrt` are the indices of those differentiated. */
  readonly inputs: readonly Input[];
  readonly wrt: readonly number[];
  /** The value (W1 only: it is read back per call) and the gradients, computed in float64. */
  readonly reference: { readonly value: number; readonly grads: readonly Float64Array[] };
}

export const W2_SIZE = 1 << 20;
export const MLP = { batch: 256, inDim: 512, hidden: 512, outDim: 16 } as const;

const f32 = (xs: readonly number[]): Float32Array => Float32Array.from(xs);

function w1(): Workload {
  const x = 2;
  return {
    id: 'W1',
    title: 'f(x) = x**2 + 3x + 5: value and gradient, scalar (latency per call)',
    inputs: [{ name: 'x', shape: [], values: f32([x]) }],
    wrt: [0],
    reference: { value: x * x + 3 * x + 5, grads: [Float64Array.of(2 * x + 3)] },
  };
}

function w2(rng: Random): Workload {
  const x = f32(rng.normals(W2_SIZE));
  const g = new Float64Array(W2_SIZE);
  let value = 0;
  for (let i = 0; i < W2_SIZE; i++) {
    const xi = x[i];
    const t = Math.tanh(1.5 * xi + 0.3);
    const e = Math.exp(-xi * xi);
    value += t * t + Math.sin(xi) * e;
    g[i] = 3 * t * (1 - t * t) + Math.cos(xi) * e - 2 * xi * Math.sin(xi) * e;
  }
  return {
    id: 'W2',
    title: 'grad of sum(tanh(1.5x + 0.3)**2 + sin(x) * exp(-x*x)), x: f32[2^20]',
    inputs: [{ name: 'x', shape: [W2_SIZE], values: x }],
    wrt: [0],
    reference: { value, grads: [g] },
  };
}

/** C[m,n] = sum_k A[m,k] B[k,n], with optional transposes, in float64. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, ta = false, tb = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = ta ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) c[row + j] += aip * (tb ? b[j * k + p] : b[p * n + j]);
    }
  }
  return c;
}

function w3(rng: Random): Workload {
  const { batch: B, inDim: D, hidden: H, outDim: O } = MLP;
  const X = f32(rng.normals(B * D));
  const W1 = f32(rng.normals(D * H).map((v) => v / Math.sqrt(D)));
  const W2 = f32(rng.normals(H * O).map((v) => v / Math.sqrt(H)));
  const Y = f32(rng.normals(B * O));
  // loss = mean((tanh(X W1) W2 - Y)^2); the backward pass by hand.
  const Hs = matmul(X, W1, B, D, H).map(Math.tanh);
  const P = matmul(Hs, W2, B, H, O);
  const dP = new Float64Array(B * O);
  let value = 0;
  for (let i = 0; i < B * O; i++) {
    const d = P[i] - Y[i];
    value += d * d;
    dP[i] = (2 * d) / (B * O);
  }
  value /= B * O;
  const dW2 = matmul(Hs, dP, H, B, O, true);
  const dZ = matmul(dP, W2, B, O, H, false, true).map((v, i) => v * (1 - Hs[i] * Hs[i]));
  const dW1 = matmul(X, dZ, D, B, H, true);
  return {
    id: 'W3',
    title: 'MLP loss mean((tanh(X @ W1) @ W2 - Y)**2): grads wrt W1, W2; X 256x512, W1 512x512, W2 512x16',
    inputs: [
      { name: 'X', shape: [B, D], values: X },
      { name: 'W1', shape: [D, H], values: W1 },
      { name: 'W2', shape: [H, O], values: W2 },
      { name: 'Y', shape: [B, O], values: Y },
    ],
    wrt: [1, 2],
    reference: { value, grads: [dW1, dW2] },
  };
}

export function workloads(seed = 20240601): Workload[] {
  const rng = new Random(seed);
  return [w1(), w2(rng), w3(rng)];
}

/**
 * Float32 agreement with the float64 reference: |a - r| <= rtol |r| + atol max|r|. The tolerance
 * covers float32 rounding of 2^20 transcendental terms and 512-long dot products, nothing looser.
 */
export function checkClose(what: string, actual: ArrayLike<number>, expected: Float64Array, rtol = 1e-3, atol = 1e-4): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const r = expected[i];
    if (!(Math.abs(a - r) <= rtol * Math.abs(r) + atol * scale)) {
      throw new Error(`${what}: element ${i} is ${a}, the float64 reference is ${r} (rtol ${rtol}, atol ${atol} x max|ref| ${scale.toExponential(3)})`);
    }
  }
}
