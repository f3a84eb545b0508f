// dot_general on webgpu, tfjs-backend-webgpu's MatMul against the webgpu backend's own WGSL
// (runtime/backends/webgpu/matmul.ts), on the same device: the measurement behind which one runs.
import { aval } from '../../runtime/core';
import { createTfjsDevice, type Backend, type WebgpuArray, type WebgpuBackend } from '../../runtime/backends';
import { abstractEval, type DotDimensionNumbers } from '../../runtime/primitives';

export interface MatmulCase {
  readonly what: string;
  readonly lhs: readonly number[];
  readonly rhs: readonly number[];
  /** Contracted axis pairs (lhs, rhs); leading axes listed in `batch` are batch axes of both. */
  readonly contract: readonly (readonly [number, number])[];
  readonly batch?: number;
}

/** W3's products (X 256x512, W1 512x512, W2 512x16, H = tanh(X W1)) as its gradient runs them, a small one, and a batched one. */
export const MATMUL_CASES: readonly MatmulCase[] = [
  { what: 'W3 X·W1', lhs: [256, 512], rhs: [512, 512], contract: [[1, 0]] },
  { what: 'W3 H·W2', lhs: [256, 512], rhs: [512, 16], contract: [[1, 0]] },
  { what: 'W3 grad of H: G·W2ᵀ', lhs: [256, 16], rhs: [512, 16], contract: [[1, 1]] },
  { what: 'W3 grad of W2: Hᵀ·G', lhs: [256, 512], rhs: [256, 16], contract: [[0, 0]] },
  { what: 'W3 grad of W1: Gᵀ·X', lhs: [256, 512], rhs: [256, 512], contract: [[0, 0]] },
  { what: '8×8', lhs: [8, 8], rhs: [8, 8], contract: [[1, 0]] },
  { what: 'batched 16×(64×64·64×64)', lhs: [16, 64, 64], rhs: [16, 64, 64], contract: [[2, 1]], batch: 1 },
];

export interface MatmulRow {
  readonly what: string;
  readonly shapes: string;
  /** Median milliseconds per product, result read back. */
  readonly tfjsMs: number;
  readonly ownMs: number;
  /** Largest difference between the two results, relative to max|C| of tfjs's. */
  readonly maxError: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Each case `runs` times after one warm-up, through tfjs's dot_general and through the webgpu backend's. */
export async function compareMatmul(gpu: WebgpuBackend, runs: number): Promise<MatmulRow[]> {
  const tfjs = await createTfjsDevice('webgpu');
  const rows: MatmulRow[] = [];
  for (const c of MATMUL_CASES) {
    const values = (shape: readonly number[], seed: number) => Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(seed + i * 0.37));
    const a = gpu.upload(values(c.lhs, 1), aval(c.lhs, 'float32'));
    const b = gpu.upload(values(c.rhs, 2), aval(c.rhs, 'float32'));
    const nb = c.batch ?? 0;
    const batch = Array.from({ length: nb }, (_, i) => i);
    const dimensionNumbers: DotDimensionNumbers = {
      lhsContracting: c.contract.map(([l]) => l), rhsContracting: c.contract.map(([, r]) => r), lhsBatch: batch, rhsBatch: batch,
    };
    const out = abstractEval('dot_general', [a, b], { dimensionNumbers });
    const time = async (backend: Backend<WebgpuArray>) => {
      const once = async () => {
        const r = backend.run('dot_general', [a, b], { dimensionNumbers }, out);
        const [host] = await gpu.readMany([r]);
        gpu.dispose(r);
        return host as Float32Array;
      };
      const result = await once();
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
      return { result, ms: median(times) };
    };
    const theirs = await time(tfjs);
    const ours = await time(gpu);
    const scale = theirs.result.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    const maxError = ours.result.reduce((worst, v, i) => Math.max(worst, Math.abs(v - theirs.result[i]) / scale), 0);
    const shapes = `f32[${c.lhs}] · f32[${c.rhs}], contracting ${c.contract.map(([l, r]) => `${l}-${r}`).join(',')}${nb ? `, ${nb} batch axis` : ''}`;
    rows.push({ what: c.what, shapes, tfjsMs: theirs.ms, ownMs: ours.ms, maxError });
    [a, b].forEach((x) => gpu.dispose(x));
  }
  return rows;
}
