import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import type { Backend, HostReadStats, ShaderProgram } from '../backend';
import { createTfjsDevice, TfjsArray } from '../tfjs';
import { withHostDtypes, type HostDtypeStats } from '../host_dtypes';
import type { ReferenceArray } from '../reference';
import type { Gpu, GpuAdapterInfo, GpuDevice, TfjsWebgpuInternals } from './gpu_types';
import { sizeOf, typedArrayFrom, type AbstractValue, type AnyTypedArray } from '../../core';
import type { ParamsOf, Primitive } from '../../primitives';
import { matmulProgram } from './matmul';
import { readMany } from './readback';
import { HostValues } from './host_values';
import { createShaderRunner } from './shaders';
import { sortProgram } from './sort';
import { transposeProgram } from './transpose';
import { unaryProgram, WGSL_UNARY } from './unary';

/** The GPU backend, with the adapter it runs on described for the editor's status bar. */
/** An array of the webgpu backend: on the GPU, or on the host for float64. */
export type WebgpuArray = TfjsArray | ReferenceArray;

export interface WebgpuBackend extends Backend<WebgpuArray>, Omit<WebgpuDevice, keyof Backend<TfjsArray>> {
  /** float64 ops computed on the CPU (WGSL has no f64): the panel says so. */
  readonly hostDtypes: () => HostDtypeStats;
  readonly hostReads: () => HostReadStats;
}

/** The GPU alone: float32, int32 and bool arrays. */
interface WebgpuDevice extends Backend<TfjsArray> {
  /** What the adapter says it is, e.g. `Google SwiftShader (swiftshader)`; the editor shows it. */
  readonly adapter: string;
  /** The device tfjs-backend-webgpu and the fused kernels share (tests destroy it to lose it). */
  readonly device: GpuDevice;
  /** Settles when the device is lost (destroyed, driver reset, GPU removed), with WebGPU's message. */
  readonly lost: Promise<string>;
  /** Synchronous reads of arrays only the GPU held, answered by computing them on the CPU (see host_values.ts). */
  readonly hostReads: () => HostReadStats;
}

/**
 * Arrays of at most this many elements keep a copy of their values on the host when uploaded, so
 * that reading them, or running a jitted program of only such arrays on the CPU, needs no GPU round
 * trip (a submit and a mapAsync: about 0.3 ms on SwiftShader with idle cores, milliseconds loaded).
 */
export const HOST_COPY_MAX_ELEMENTS = 64;

/**
 * tfjs-backend-webgpu's kernels behind the Backend interface: the tfjs kernel table, with its
 * fixes for tfjs's departures from the primitives' semantics, on tfjs's `webgpu` backend, plus
 * our own compute shaders on the same device (`shaders`, for the jit's fused kernels) and
 * readback of many arrays in one map (`readMany`), and our own transpose and matmul (see
 * transpose.ts and matmul.ts) and trigonometric and tanh kernels (unary.ts).
 * float64 arrays live on the host and are computed on the CPU in JS doubles (WGSL has no f64; see
 * host_dtypes.ts), never rounded to float32. Fails with a clear message where the page has
 * no WebGPU or no adapter (Node, or a browser without a GPU): callers fall back to wasm.
 */
export async function createWebgpuBackend(): Promise<WebgpuBackend> {
  return withHostDtypes(await createWebgpuDevice());
}

async function createWebgpuDevice(): Promise<WebgpuDevice> {
  const gpu = (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
  if (!gpu) throw new Error('webgpu backend: this runtime has no WebGPU (navigator.gpu is missing)');
  // NB: tfjs keeps only the vendor and architecture of the adapter it takes; ask for the same
  // adapter (high-performance, as tfjs does) to read its full description.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('webgpu backend: navigator.gpu found no adapter');
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const backend = await createTfjsDevice('webgpu');
  const internals = tf.engine().findBackend('webgpu') as unknown as TfjsWebgpuInternals;
  const unwrap = (x: TfjsArray): tf.Tensor => {
    if (!(x instanceof TfjsArray) || x.backend !== 'webgpu') {
      throw new Error(`webgpu backend: got an array from the ${(x as { backend?: string }).backend ?? 'unknown'} backend; read it back and upload it here first`);
    }
    if (x.tensor.isDisposed) throw new Error('webgpu backend: an operand was already disposed');
    return x.tensor;
  };
  const device = internals.device;
  const software = /swiftshader/i.test(describeAdapter(info));
  // NB: values tfjs holds on the CPU (not yet uploaded) count as on the host.
  const cpuValues = (x: TfjsArray): AnyTypedArray | null =>
    (x.tensor.isDisposed ? null : internals.tensorMap.get(x.tensor.dataId)?.values as AnyTypedArray | null | undefined) ?? null;
  // NB: only where the GPU cannot be read synchronously do arrays remember how they were made.
  const hostValues = software ? new HostValues(cpuValues) : null;
  // NB: arrays are immutable, so a copy taken at upload stays their value; the maps hold them weakly.
  const smallCopies = new WeakMap<TfjsArray, AnyTypedArray>();
  const hostCopy = (x: TfjsArray): AnyTypedArray | null => smallCopies.get(x) ?? hostValues?.held(x) ?? null;
  const runner = createShaderRunner(internals, unwrap);
  // NB: `hostCopy` rides on the shader runner because wrappers of a backend (open.ts's fallback)
  // forward `shaders` whole; the jit reads it to run tiny programs on the CPU.
  const shaders = {
    ...runner,
    hostCopy,
    run(program: ShaderProgram, inputs: readonly TfjsArray[]): TfjsArray[] {
      const outs = runner.run(program, inputs);
      hostValues?.madeByProgram(program, inputs, outs);
      return outs;
    },
  };
  return {
    ...backend,
    upload(values, aval) {
      const a = backend.upload(values, aval);
      if (hostValues) hostValues.remember(a, typedArrayFrom(aval.dtype, values));
      else if (sizeOf(aval.shape) <= HOST_COPY_MAX_ELEMENTS) smallCopies.set(a, typedArrayFrom(aval.dtype, values));
      return a;
    },
    run(prim, inputs, params, out) {
      const result = runOnGpu(prim, inputs, params, out);
      hostValues?.madeBy(result, prim, params, inputs);
      return result;
    },
    ...deferDisposalWhileRead(backend),
    readSync(x) {
      const copy = hostCopy(x);
      if (copy) return copy.slice();
      // NB: WebGPU has no synchronous read; tfjs's readSync copies through WebGPU canvas textures,
      // which on SwiftShader returns zeros and destroys the device (measured: [2,4,6,8] read as
      // [0,0,0,0], then "A valid external Instance reference no longer exists"). There the
      // values are computed on the CPU from how the array was made.
      if (hostValues) return hostValues.read(x).slice();
      return backend.readSync(x);
    },
    async readMany(xs) {
      const values = await readMany(internals, xs, unwrap, hostCopy);
      // Values read back end the chains behind them.
      if (hostValues) xs.forEach((x, k) => hostValues.remember(x, values[k].slice()));
      return values;
    },
    hostReads: () => hostValues?.hostReadStats() ?? { reads: 0, ops: 0 },
    shaders,
    adapter: describeAdapter(info),
    device,
    lost: device.lost.then((l) => l.message || l.reason || 'device lost'),
  };

  function runOnGpu<P extends Primitive>(prim: P, inputs: readonly TfjsArray[], params: ParamsOf<P>, out: AbstractValue): TfjsArray {
    if (prim === 'transpose') {
      const program = transposeProgram(inputs[0].shape, (params as ParamsOf<'transpose'>).permutation, out.dtype, shaders.maxWorkgroupsPerDimension);
      if (program) return shaders.run(program, inputs)[0];
    }
    // NB: our matmul wherever it applies, by measurement (bench/browser/matmul.ts, SwiftShader, 2
    // loaded cores, ms tfjs MatMul / ours): W3's X·W1 455/158, H·W2 42/5.7, G·W2ᵀ 89/8.2, Hᵀ·G
    // 29/6.2, Gᵀ·X 403/84, 8×8 28/2.9, 16×(64×64·64×64) 36/6.9. tfjs's tiles through workgroup
    // memory, which SwiftShader runs in software. No real GPU has been measured yet.
    if (prim === 'dot_general') {
      const { dimensionNumbers } = params as ParamsOf<'dot_general'>;
      const program = matmulProgram(inputs[0].shape, inputs[1].shape, dimensionNumbers, out, shaders.maxWorkgroupsPerDimension);
      if (program) return shaders.run(program, inputs)[0];
    }
    // NB: the runner's output, not `shaders.run`'s: `run` records the array as made by `prim`, which the host recomputes in float64.
    if (prim === 'sort' || prim === 'argsort') {
      const x = inputs[0];
      const program = sortProgram(x.shape, x.dtype === 'float32', params as ParamsOf<'sort'>, prim === 'argsort', out, shaders.maxWorkgroupsPerDimension);
      if (program) return runner.run(program, inputs)[0];
    }
    if (WGSL_UNARY.has(prim)) {
      const program = unaryProgram(prim, out, shaders.maxWorkgroupsPerDimension);
      if (program) return runner.run(program, inputs)[0];
    }
    return backend.run(prim, inputs, params, out);
  }
}

/**
 * NB: tfjs-backend-webgpu crashes when a tensor is disposed while its asynchronous read is in
 * flight (a `tidy` that returns `t.data()` does that), so a disposal waits for the reads of its array.
 */
function deferDisposalWhileRead(backend: Backend<TfjsArray>): Pick<Backend<TfjsArray>, 'read' | 'dispose'> {
  const reading = new Map<TfjsArray, number>();
  const disposeLater = new Set<TfjsArray>();
  return {
    async read(x) {
      const pending = backend.read(x);
      reading.set(x, (reading.get(x) ?? 0) + 1);
      try {
        return await pending;
      } finally {
        const left = reading.get(x)! - 1;
        if (left > 0) reading.set(x, left);
        else {
          reading.delete(x);
          if (disposeLater.delete(x)) backend.dispose(x);
        }
      }
    },
    dispose(x) {
      if (reading.has(x)) {
        if (disposeLater.has(x)) throw new Error('dispose: an array on the webgpu backend was already disposed');
        disposeLater.add(x);
      } else backend.dispose(x);
    },
  };
}

function describeAdapter(info: GpuAdapterInfo): string {
  const name = info.description || [info.vendor, info.device].filter(Boolean).join(' ') || 'unknown adapter';
  return info.architecture && !name.includes(info.architecture) ? `${name} (${info.architecture})` : name;
}
