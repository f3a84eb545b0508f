// The jit engine on webgpu, in the page: fused kernels as WGSL against the float64 reference.
import * as tf from '@tensorflow/tfjs-core';
import {
  createReferenceBackend, createWebgpuBackend, openBackend, type Backend, type DeviceArray, type TfjsArray, type WebgpuBackend,
} from '../../runtime/backends';
import type { BackendInfo } from '../../protocol';
import { aval, formatAval, isFloat, Random, sizeOf } from '../../runtime/core';
import { compileFused, jit, kernelSources, makeJaxpr, simplify, simplifyAndFuseWith, valueAndGrad, valueAndGradJaxpr, type Compile, type TraceOps, type Tracer } from '../../runtime/jit';
import { abstractEval, PRIMITIVES, type ParamsOf, type Primitive } from '../../runtime/primitives';
import { closeness, eagerProgram, programLoss, type ProgramResult } from '../unit/jit/differential/support';
import { PROGRAM_INPUTS, randomProgram, type Program } from '../unit/jit/programs';
import { CASES, type Case, type CaseMaker } from '../unit/support/backend_cases';
import { refusedOnWebgpu } from './refusals';

const reference = createReferenceBackend();

/**
 * These checks test the WGSL kernels, at sizes SwiftShader runs quickly: small enough that the jit
 * would run them on the CPU (executable.ts, tinyOnHost), so they keep every program on the GPU.
 */
const GPU = { tinyOnHost: false } as const;
const onGpu: Compile = simplifyAndFuseWith(GPU);

/** |got - ref| / max(|ref|, 1) (or / |ref| for `relative` cases); Infinity for a NaN/Inf mismatch. */
function error(got: number, ref: number, relative: boolean): number {
  if (Number.isNaN(ref) || Number.isNaN(got)) return Number.isNaN(ref) && Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(ref)) return got === ref ? 0 : Infinity;
  const diff = Math.abs(got - ref);
  return diff === 0 ? 0 : diff / (relative ? Math.abs(ref) : Math.max(Math.abs(ref), 1));
}

export interface JitPrimitiveReport { cases: number; fused: number; failures: string[]; worst: number }

/**
 * Every case of `prim` as a one-equation jaxpr compiled for webgpu (a fused primitive becomes a
 * WGSL kernel), against the reference backend running the primitive in float64 where inputs allow.
 */
export async function jitPrimitive(gpu: WebgpuBackend, prim: Primitive, seed: number, rtol: number): Promise<JitPrimitiveReport> {
  const make = CASES[prim] as CaseMaker<ParamsOf<Primitive>>;
  const cases = make(new Random(seed + 7919 * PRIMITIVES.indexOf(prim)));
  const failures: string[] = [];
  let worst = 0;
  let fused = 0;
  for (const c of cases as Case<ParamsOf<Primitive>>[]) {
    const avals = c.inputs.map((h) => aval(h.shape, h.dtype));
    const out = abstractEval(prim, avals, c.params);
    const what = `jit ${prim}(${avals.map(formatAval).join(', ')}) ${JSON.stringify(c.params)}`;
    const jaxpr = makeJaxpr((o: TraceOps, ...xs: Tracer[]) => o.apply(prim, xs, c.params), avals);
    const refInputs = c.inputs.map((h) => reference.upload(h.values, aval(h.shape, h.dtype)));
    const [refOut] = compileFused(jaxpr, reference, { codegen: 'js' }).run(refInputs);
    const want = Array.from(reference.readSync(refOut));
    [...refInputs, refOut].forEach((a) => reference.dispose(a));
    const before = gpu.liveCount();
    let got: number[];
    try {
      const exe = compileFused(jaxpr, gpu, GPU);
      if (exe.gpuCodegen?.includes('wgsl')) fused++;
      const inputs = c.inputs.map((h) => gpu.upload(h.values, aval(h.shape, h.dtype)));
      const outs = exe.run(inputs);
      got = Array.from((await gpu.readMany(outs))[0]);
      [...inputs, ...outs].forEach((a) => gpu.dispose(a));
    } catch (e) {
      if (!refusedOnWebgpu(prim, c.inputs, e)) failures.push(`${what}: threw ${(e as Error).message}`);
      continue;
    }
    if (gpu.liveCount() !== before) failures.push(`${what}: the kernel leaked arrays`);
    for (let i = 0; i < want.length; i++) {
      const err = isFloat(out.dtype) ? error(got[i], want[i], c.relative === true) : got[i] === want[i] ? 0 : Infinity;
      worst = Math.max(worst, err);
      if (err > (isFloat(out.dtype) ? rtol : 0)) {
        failures.push(`${what}: element ${i} is ${got[i]}, the reference has ${want[i]}; inputs ${c.inputs.map((h) => `[${h.values.slice(0, 12).join(', ')}]`).join(' ')}`);
        break;
      }
    }
  }
  return { cases: cases.length, fused, failures, worst };
}

/** The scalar every engine differentiates, as the Node differential test does: sum(out0 + 0.5 out1). */
async function jitted(backend: Backend, program: Program, inputs: readonly number[][]): Promise<ProgramResult> {
  const f = jit(valueAndGrad((o: TraceOps, ...xs: Tracer[]) => programLoss(program, o, xs), { argnums: [0, 1, 2] }), { backend, compile: onGpu });
  const args = inputs.map((v, i) => backend.upload(v, { shape: PROGRAM_INPUTS[i], dtype: 'float32' }));
  const [value, grads] = f(...args) as [DeviceArray, DeviceArray[]];
  const [v, ...gs] = await backend.readMany([value, ...grads]);
  [...args, value, ...grads].forEach((a) => backend.dispose(a));
  return { value: v[0], grads: gs.map((g) => Array.from(g)) };
}

function disagreement(got: ProgramResult, want: ProgramResult, rtol: number): string | null {
  if (!closeness([got.value], [want.value], rtol, 1).ok) return `value ${got.value}, float64 ${want.value}`;
  for (const [i, g] of got.grads.entries()) {
    const c = closeness(g, want.grads[i], rtol, Math.max(1, ...want.grads[i].filter(Number.isFinite).map(Math.abs)));
    if (!c.ok) return `gradient of input ${i} at [${c.at}]: ${g[c.at]}, float64 ${want.grads[i][c.at]} (${c.worst.toFixed(1)} tolerances)`;
  }
  return null;
}

/**
 * The random programs of the Node differential test, jit(value_and_grad) on webgpu against the
 * float64 reference. A program on which float32 itself (op by op on the reference) departs from
 * float64 by more than the tolerance sits on a tie or a cancellation: it is counted, not judged.
 */
export async function programs(gpu: Backend, seed: number, count: number, lengths: readonly number[], rtol: number):
  Promise<{ run: number; illConditioned: number; failures: string[] }> {
  const failures: string[] = [];
  let run = 0;
  let illConditioned = 0;
  for (const length of lengths) {
    for (let p = 0; p < count; p++) {
      const s = seed + 1000 * length + p;
      const program = randomProgram(s, length);
      const rng = new Random(s ^ 0x2545f491);
      const inputs = PROGRAM_INPUTS.map((shape) => rng.normals(sizeOf(shape)).map(Math.fround));
      const want = eagerProgram(reference, 'float64', program, inputs);
      if (disagreement(eagerProgram(reference, 'float32', program, inputs), want, rtol) !== null) {
        illConditioned++;
        continue;
      }
      run++;
      let got: ProgramResult;
      try {
        got = await jitted(gpu, program, inputs);
      } catch (e) {
        failures.push(`program seed ${s}, length ${length}: threw ${(e as Error).message}`);
        return { run, illConditioned, failures };
      }
      const why = disagreement(got, want, rtol);
      if (why) failures.push(`program seed ${s}, length ${length}: ${why}`);
    }
  }
  return { run, illConditioned, failures };
}

/** W2: sum(tanh(1.5x + 0.3)**2 + sin(x) * exp(-x*x)). */
const w2 = (o: TraceOps, x: Tracer) => {
  const a = o.integerPow(o.tanh(o.add(o.mul(x, o.lit(1.5)), o.lit(0.3))), 2);
  const b = o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))));
  return o.reduceSum(o.add(a, b), [0]);
};

/** W2's value and gradient at `n` points on webgpu, its kernels, and the float64 answer. */
export async function w2Check(gpu: WebgpuBackend, n: number): Promise<{ codegen: (string | null)[]; maxValueError: number; maxGradError: number }> {
  const x = Array.from({ length: n }, (_, i) => Math.fround(4 * (i / n) - 2));
  const exe = compileFused(simplify(valueAndGradJaxpr(makeJaxpr(w2, [aval([n], 'float32')]))), gpu, GPU);
  const xa = gpu.upload(x, aval([n], 'float32'));
  const outs = exe.run([xa]);
  const [value, grad] = await gpu.readMany(outs);
  [xa, ...outs].forEach((a) => gpu.dispose(a));
  let v = 0;
  let maxGradError = 0;
  x.forEach((xi, i) => {
    const t = Math.tanh(1.5 * xi + 0.3);
    const e = Math.exp(-xi * xi);
    v += t * t + Math.sin(xi) * e;
    const g = 3 * t * (1 - t * t) + Math.cos(xi) * e - 2 * xi * Math.sin(xi) * e;
    maxGradError = Math.max(maxGradError, Math.abs(grad[i] - g) / Math.max(Math.abs(g), 1));
  });
  return { codegen: [...(exe.gpuCodegen ?? [])], maxValueError: Math.abs(value[0] - v) / Math.max(Math.abs(v), 1), maxGradError };
}

/**
 * `n` jit evaluations of value_and_grad(W2) on webgpu, results read back each time: arrays and
 * GPU bytes in use before and after, and the pipeline cache's counts.
 */
export async function jitMemory(gpu: WebgpuBackend, n: number, size: number):
  Promise<{ live: [number, number]; gpuBytes: [number, number]; compiled: [number, number]; hits: number }> {
  const f = jit(valueAndGrad(w2), { backend: gpu, compile: onGpu });
  const x = gpu.upload(Array.from({ length: size }, (_, i) => i / size - 0.5), aval([size], 'float32'));
  const step = async () => {
    const [v, g] = f(x) as [TfjsArray, TfjsArray];
    await gpu.readMany([v, g]);
    gpu.dispose(v);
    gpu.dispose(g);
  };
  await step();
  const bytes = () => (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? -1;
  const live0 = gpu.liveCount();
  const bytes0 = bytes();
  const stats0 = gpu.shaders!.cacheStats();
  for (let i = 0; i < n; i++) await step();
  const stats1 = gpu.shaders!.cacheStats();
  const result = { live: [live0, gpu.liveCount()] as [number, number], gpuBytes: [bytes0, bytes()] as [number, number], compiled: [stats0.compiled, stats1.compiled] as [number, number], hits: stats1.hits - stats0.hits };
  gpu.dispose(x);
  return result;
}

/** A fresh jit of the same function, evaluated twice: the second compiles no shader. */
export async function shaderCache(gpu: WebgpuBackend): Promise<{ first: number; second: number; hits: number }> {
  const run = async () => {
    const f = jit((o: TraceOps, a: Tracer, b: Tracer) => o.reduceMax(o.mul(o.exp(a), o.logistic(b)), [1]), { backend: gpu, compile: onGpu });
    const a = gpu.upload([1, 2, 3, 4, 5, 6], aval([2, 3], 'float32'));
    const out = f(a, a) as TfjsArray;
    await gpu.readMany([out]);
    [a, out].forEach((x) => gpu.dispose(x));
  };
  const s0 = gpu.shaders!.cacheStats();
  await run();
  const s1 = gpu.shaders!.cacheStats();
  await run();
  const s2 = gpu.shaders!.cacheStats();
  return { first: s1.compiled - s0.compiled, second: s2.compiled - s1.compiled, hits: s2.hits - s1.hits };
}

export interface LostDeviceReport {
  before: BackendInfo;
  after: BackendInfo;
  /** What onFallback was called with, once per call. */
  fallbacks: { info: BackendInfo; reason: string }[];
  /** value and gradient of W2 at 4 points: on webgpu before the loss, on wasm after, on the reference. */
  values: [number[], number[], number[]];
}

/**
 * openBackend('webgpu') on a healthy device, an evaluation, the device destroyed, then the next
 * evaluation: it must run on wasm and give the right answer. NB: this ends WebGPU for the page:
 * the test gives it a page of its own.
 */
export async function lostDevice(): Promise<LostDeviceReport> {
  const opened = await openBackend('webgpu');
  const fallbacks: LostDeviceReport['fallbacks'] = [];
  const fellBack = new Promise<void>((resolve) => opened.onFallback((info, reason) => { fallbacks.push({ info, reason }); resolve(); }));
  const evaluate = async (backend: Backend) => {
    const f = jit(valueAndGrad(w2), { backend });
    const x = backend.upload([0.5, -1, 2, 0.25], aval([4], 'float32'));
    const [v, g] = f(x) as [DeviceArray, DeviceArray];
    const [vh, gh] = await backend.readMany([v, g]);
    [x, v, g].forEach((a) => backend.dispose(a));
    return [vh[0], ...gh];
  };
  const before = opened.info;
  const first = await evaluate(opened.backend);
  // The same device as the opened backend's: tfjs keeps one webgpu backend a page.
  (await createWebgpuBackend()).device.destroy();
  await fellBack;
  const second = await evaluate(opened.backend);
  return { before, after: opened.info, fallbacks, values: [first, second, await evaluate(reference)] };
}

/**
 * The program that lost SwiftShader's device (random program seed 20248921, length 8), cut to its
 * cause: a constant index array read by scatter_add, which moves it to the GPU, then by gather,
 * whose index check read it back synchronously. Also indices computed on the GPU, negative and out
 * of range: they wrap there, and the ones still out of range read 0 (gather) or drop (scatter_add).
 */
export async function indicesOnTheGpu(gpu: WebgpuBackend): Promise<{ program: number[]; gathered: number[]; scattered: number[] }> {
  const f = (o: TraceOps, u: Tracer, x: Tracer) => {
    const idx = o.iota('int32', [3], 0);
    return o.gather(o.add(x, o.scatterAdd(u, idx, 1, [2, 3])), idx, 1);
  };
  const exe = compileFused(simplify(makeJaxpr(f, [aval([2, 3], 'float32'), aval([2, 3], 'float32')])), gpu);
  const u = gpu.upload([1, 2, 3, 4, 5, 6], aval([2, 3], 'float32'));
  const x = gpu.upload([10, 20, 30, 40, 50, 60], aval([2, 3], 'float32'));
  const [out] = exe.run([u, x]);
  // Indices [-1, 3, 0] that only the GPU holds: the output of a WGSL kernel (tfjs would run a
  // small subtraction of host values on the CPU).
  const minusOne = compileFused(makeJaxpr((o: TraceOps, a: Tracer) => o.sub(a, o.scalarLike(1, a)), [aval([3], 'int32')]), gpu, GPU);
  const three = gpu.upload([0, 4, 1], aval([3], 'int32'));
  const [idx] = minusOne.run([three]);
  const g = gpu.run('gather', [x, idx], { axis: 1 }, aval([2, 3], 'float32'));
  const s = gpu.run('scatter_add', [u, idx], { axis: 1, operandShape: [2, 3] }, aval([2, 3], 'float32'));
  const [program, gathered, scattered] = await gpu.readMany([out, g, s]);
  [u, x, out, three, idx, g, s].forEach((a) => gpu.dispose(a));
  return { program: Array.from(program), gathered: Array.from(gathered), scattered: Array.from(scattered) };
}

/**
 * A fused kernel wider than a shader may bind (9 inputs, 1 output; WebGPU's default limit is 8
 * storage buffers): tan(1.2 tanh(x_k)) summed over k, where tan is steep. It must run as WGSL parts,
 * not as tfjs ops, whose tan is the builtin (2^-11): the random program seed 108338642 departed
 * from float64 by 4e-5 that way.
 */
export async function wideKernel(gpu: WebgpuBackend): Promise<{ maxBindings: number; bindings: number; codegen: (string | null)[]; worst: number; leaked: number; sourceParts: number }> {
  const n = 9;
  const f = (o: TraceOps, ...xs: Tracer[]) => xs.map((x) => o.tan(o.mul(o.tanh(x), o.lit(1.2)))).reduce((a, b) => o.add(a, b));
  const jaxpr = makeJaxpr(f, Array.from({ length: n }, () => aval([6], 'float32')));
  const exe = compileFused(jaxpr, gpu, GPU);
  const values = Array.from({ length: n }, (_, k) => Array.from({ length: 6 }, (_, i) => Math.fround(0.9 + 0.3 * ((k * 6 + i) % 7))));
  const live = gpu.liveCount();
  const args = values.map((v) => gpu.upload(v, aval([6], 'float32')));
  const outs = exe.run(args);
  const [got] = await gpu.readMany(outs);
  [...args, ...outs].forEach((a) => gpu.dispose(a));
  const leaked = gpu.liveCount() - live;
  let worst = 0;
  for (let i = 0; i < 6; i++) {
    const want = values.reduce((s, v) => s + Math.tan(1.2 * Math.tanh(v[i])), 0);
    worst = Math.max(worst, Math.abs(got[i] - want) / Math.max(1, Math.abs(want)));
  }
  const fused = exe.plan.kernels.find((k) => k.kind === 'fused');
  const [source] = kernelSources(jaxpr, exe.plan, 'wgsl', gpu.shaders!.maxBindings);
  return {
    maxBindings: gpu.shaders!.maxBindings, bindings: fused ? fused.inputs.length + fused.outputs.length : 0, codegen: [...(exe.gpuCodegen ?? [])], worst,
    leaked,
    sourceParts: (source?.match(/^\/\/ part \d+ of/gm) ?? []).length,
  };
}

/**
 * readSync of an array only the GPU holds, made by a WGSL kernel: on SwiftShader tfjs's synchronous
 * path returned zeros and destroyed the device, so the backend computes the value on the CPU from
 * how the array was made; the device must live on.
 */
export async function syncRead(gpu: WebgpuBackend): Promise<{ read: number[]; after: number[] }> {
  const double = compileFused(makeJaxpr((o: TraceOps, a: Tracer) => o.mul(a, o.lit(2)), [aval([4], 'float32')]), gpu, GPU);
  const x = gpu.upload([1, 2, 3, 4], aval([4], 'float32'));
  const [y] = double.run([x]);
  const read = Array.from(gpu.readSync(y));
  const [z] = double.run([y]);
  const [after] = await gpu.readMany([z]);
  [x, y, z].forEach((a) => gpu.dispose(a));
  return { read, after: Array.from(after) };
}
