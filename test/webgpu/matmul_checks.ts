// dot_general on webgpu, in the page: the backend's own WGSL matmul (runtime/backends/webgpu/matmul.ts)
// eager and under jit, against the reference backend in float64.
import { createReferenceBackend, type WebgpuArray, type WebgpuBackend } from '../../runtime/backends';
import { matmulProgram } from '../../runtime/backends/webgpu/matmul';
import { aval, formatAval, Random, sizeOf } from '../../runtime/core';
import { compileFused, makeJaxpr, type TraceOps, type Tracer } from '../../runtime/jit';
import { abstractEval, type DotDimensionNumbers } from '../../runtime/primitives';

interface MatmulCase {
  readonly lhs: number[];
  readonly rhs: number[];
  readonly contract: [number, number][];
  readonly batch?: number;
  /** Operands whose axes need a transpose first: tfjs's MatMul runs these, not ours. */
  readonly tfjs?: true;
}

/** Odd sizes, 1-sized and >32 (past one workgroup's block) dims, every storage order of A and B, batches, and ranks 1 and 3. */
const CASES: readonly MatmulCase[] = [
  { lhs: [1, 7], rhs: [7, 1], contract: [[1, 0]] },
  { lhs: [5, 13], rhs: [13, 3], contract: [[1, 0]] },
  { lhs: [5, 13], rhs: [3, 13], contract: [[1, 1]] },
  { lhs: [13, 5], rhs: [13, 3], contract: [[0, 0]] },
  { lhs: [13, 5], rhs: [3, 13], contract: [[0, 1]] },
  { lhs: [8, 8], rhs: [8, 8], contract: [[0, 0]] },
  { lhs: [12, 8], rhs: [8, 16], contract: [[1, 0]] },
  { lhs: [33, 1], rhs: [1, 35], contract: [[1, 0]] },
  { lhs: [2, 3, 5], rhs: [2, 5, 4], contract: [[2, 1]], batch: 1 },
  { lhs: [2, 5, 3], rhs: [2, 4, 5], contract: [[1, 2]], batch: 1 },
  { lhs: [7], rhs: [7], contract: [[0, 0]] },
  { lhs: [3], rhs: [5], contract: [] },
  { lhs: [2, 3, 4], rhs: [3, 4, 5], contract: [[1, 0], [2, 1]] },
  { lhs: [3, 4, 5], rhs: [5, 3], contract: [[0, 1], [2, 0]], tfjs: true },
];

const RTOL = 1e-5;

export interface MatmulReport { cases: number; failures: string[]; worst: number }

/** Every case through the webgpu backend (eager) and a jitted dot_general, within RTOL · max(|ref|, 1). */
export async function matmulChecks(gpu: WebgpuBackend, seed: number): Promise<MatmulReport> {
  const reference = createReferenceBackend();
  const random = new Random(seed);
  const failures: string[] = [];
  let worst = 0;
  for (const c of CASES) {
    const batch = Array.from({ length: c.batch ?? 0 }, (_, i) => i);
    const dimensionNumbers: DotDimensionNumbers = {
      lhsContracting: c.contract.map(([l]) => l), rhsContracting: c.contract.map(([, r]) => r), lhsBatch: batch, rhsBatch: batch,
    };
    const avals = [aval(c.lhs, 'float32'), aval(c.rhs, 'float32')];
    const out = abstractEval('dot_general', avals, { dimensionNumbers });
    const what = `dot_general(${avals.map(formatAval).join(', ')}) ${JSON.stringify(dimensionNumbers)}`;
    const ours = matmulProgram(c.lhs, c.rhs, dimensionNumbers, out, gpu.shaders!.maxWorkgroupsPerDimension) !== null;
    if (ours === (c.tfjs === true)) failures.push(`${what}: expected ${c.tfjs ? 'tfjs\'s MatMul' : 'the WGSL matmul'} to run it`);
    // float32 values, so that the float64 reference multiplies exactly what the GPU does.
    const values = [c.lhs, c.rhs].map((s) => Float32Array.from({ length: sizeOf(s) }, () => 4 * random.uniform() - 2));
    const refIn = values.map((v, i) => reference.upload(v, aval(avals[i].shape, 'float64')));
    const refOut = reference.run('dot_general', refIn, { dimensionNumbers }, { ...out, dtype: 'float64' });
    const want = Array.from(reference.readSync(refOut));
    [...refIn, refOut].forEach((x) => reference.dispose(x));
    const jaxpr = makeJaxpr((o: TraceOps, x: Tracer, y: Tracer) => o.apply('dot_general', [x, y], { dimensionNumbers }), avals);
    const exe = compileFused(jaxpr, gpu);
    const ways: [string, (xs: WebgpuArray[]) => WebgpuArray][] = [
      ['eager', (xs) => gpu.run('dot_general', xs, { dimensionNumbers }, out)],
      ['jit', (xs) => exe.run(xs)[0]],
    ];
    for (const [way, run] of ways) {
      const before = gpu.liveCount();
      const xs = values.map((v, i) => gpu.upload(v, avals[i]));
      const r = run(xs);
      const got = Array.from((await gpu.readMany([r]))[0]);
      [...xs, r].forEach((x) => gpu.dispose(x));
      if (gpu.liveCount() !== before) failures.push(`${way} ${what}: leaked arrays`);
      for (let i = 0; i < want.length; i++) {
        const err = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1);
        worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
        if (!(err <= RTOL)) {
          failures.push(`${way} ${what}: element ${i} is ${got[i]}, the reference has ${want[i]}`);
          break;
        }
      }
    }
  }
  return { cases: CASES.length, failures, worst };
}
