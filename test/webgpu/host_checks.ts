// Tiny jitted programs on webgpu: where their kernels run (executable.ts, tinyOnHost) and what
// they return either way.
import type { WebgpuArray, WebgpuBackend } from '../../runtime/backends';
import { aval } from '../../runtime/core';
import { compileFused, makeJaxpr, simplify, valueAndGradJaxpr, type TraceOps, type Tracer } from '../../runtime/jit';

/** One run of a program: where it ran, its outputs, the shaders it compiled or reused, and the arrays it leaked. */
export interface Placement { ranOn: string | null; outputs: number[][]; shaders: number; leaked: number }

/** W1, x**2 + 3x + 5, value and gradient at x = 1.5, from an argument uploaded from the host and from one only the GPU holds. */
export async function tinyPrograms(gpu: WebgpuBackend): Promise<{ uploaded: Placement; gpuOnly: Placement; matmul: Placement }> {
  const w1 = (o: TraceOps, x: Tracer) => o.add(o.add(o.integerPow(x, 2), o.mul(o.lit(3), x)), o.lit(5));
  const exe = compileFused(simplify(valueAndGradJaxpr(makeJaxpr(w1, [aval([], 'float32')]))), gpu);
  const place = async (args: WebgpuArray[], run: (args: WebgpuArray[]) => WebgpuArray[], ranOn: () => string | null): Promise<Placement> => {
    const live = gpu.liveCount();
    const before = gpu.shaders!.cacheStats();
    const outs = run(args);
    const after = gpu.shaders!.cacheStats();
    const outputs = (await gpu.readMany(outs)).map((o) => Array.from(o));
    outs.forEach((a) => gpu.dispose(a));
    return { ranOn: ranOn(), outputs, shaders: after.compiled + after.hits - before.compiled - before.hits, leaked: gpu.liveCount() - live };
  };
  const x = gpu.upload([1.5], aval([], 'float32'));
  const uploaded = await place([x], (a) => exe.run(a), () => exe.ranOn);
  // 1.5 made by a WGSL kernel: only the GPU holds it.
  const half = compileFused(makeJaxpr((o: TraceOps, a: Tracer) => o.mul(a, o.lit(0.5)), [aval([], 'float32')]), gpu, { tinyOnHost: false });
  const three = gpu.upload([3], aval([], 'float32'));
  const [onGpu] = half.run([three]);
  const gpuOnly = await place([onGpu], (a) => exe.run(a), () => exe.ranOn);
  // A backend primitive (dot_general) is no host kernel: the program stays on the GPU.
  const mm = compileFused(makeJaxpr((o: TraceOps, a: Tracer) => o.dotGeneral(a, a, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] }), [aval([2, 2], 'float32')]), gpu);
  const m = gpu.upload([1, 2, 3, 4], aval([2, 2], 'float32'));
  const matmul = await place([m], (a) => mm.run(a), () => mm.ranOn);
  [x, three, onGpu, m].forEach((a) => gpu.dispose(a));
  return { uploaded, gpuOnly, matmul };
}
