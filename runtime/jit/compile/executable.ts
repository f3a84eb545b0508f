import { allocate, formatAval, LruCache, scalarWords, shapeEq, sizeOf, typedArrayFrom, type AbstractValue, type AnyTypedArray } from '../../core';
import { ReferenceArray, type Backend, type DeviceArray, type ShaderProgram, type ShaderRunner } from '../../backends';
import { isCall, isVar, outsOf, type CallParamsOf, type CallPrimitive, type Jaxpr, type Var } from '../../ir';
import { abstractEval } from '../../primitives';
import { wasmSimdSupported } from '../../wasm';
import { compileJs, jsKernelsAllowed, type HostKernel } from './codegen_js';
import { interpretKernel } from './interpret';
import { compileWasm, wasmIneligible } from './codegen_wasm';
import { generateWgsl, wgslIneligible } from './codegen_wgsl';
import { kernelSpec, specKey, type KernelSpec } from './kernel_spec';
import { planJaxpr, type Plan, type PlanKernel } from './plan';
import { splitKernel } from './split';
import { backendHost, runCall } from '../control/evaluate_call';
import { simplify } from '../simplify';

/**
 * What one compiled kernel holds, measured as RSS growth over 3,000 kernels of new shapes (V8's
 * code for a generated function; a wasm module's code and instance): about 30 KiB and 55 KiB.
 */
const KERNEL_BYTES = { js: 32 * 1024, wasm: 64 * 1024 } as const;
/** A few hundred kernels: every kernel of several programs, at most ~16 MiB (unbounded, 3,000 shapes held 415 MiB). */
const cache = new LruCache<string, HostKernel>(512, 16 * 2 ** 20, (_, key) => (key.startsWith('wasm:') ? KERNEL_BYTES.wasm : KERNEL_BYTES.js) + 2 * key.length);
const stats = { hits: 0, misses: 0 };

/** Compiled host kernels are shared by every executable: same structure and avals, same function. */
function hostKernel(key: string, make: () => HostKernel): HostKernel {
  let k = cache.get(key);
  if (k) {
    stats.hits++;
  } else {
    stats.misses++;
    k = make();
    cache.set(key, k);
  }
  return k;
}

export function kernelCacheStats(): { readonly hits: number; readonly misses: number; readonly size: number } {
  return { ...stats, size: cache.size };
}

/** What the compiled-code caches hold now, and their bounds (entries, estimated bytes). */
export function compiledCacheSizes(): Record<'hostKernels' | 'shaderPrograms', { readonly size: number; readonly bytes: number; readonly maxEntries: number; readonly maxBytes: number }> {
  const of = <V>(c: LruCache<string, V>) => ({ size: c.size, bytes: c.bytes, maxEntries: c.maxEntries, maxBytes: c.maxBytes });
  return { hostKernels: of(cache), shaderPrograms: of(shaderPrograms) };
}

export function clearKernelCache(): void {
  cache.clear();
  stats.hits = 0;
  stats.misses = 0;
}

export interface CompileOptions {
  /**
   * Code for fused kernels: 'js' is bit-identical to the reference; 'wasm' (and 'auto') run
   * eligible float32 kernels as wasm SIMD (codegen_wasm.ts: polynomial transcendentals within a
   * few ulps, reductions summed in 4 lanes) and the rest as JS in Node, interpreted in a browser
   * (interpret.ts, no eval: bit-identical to JS); 'interpret' interprets every kernel.
   */
  readonly codegen?: 'auto' | 'js' | 'wasm' | 'interpret';
  /**
   * On a GPU backend, run a tiny program (see TINY_PROGRAM_ELEMENTS) on the CPU when its arguments'
   * values are on the host (default true); false keeps every program on the GPU (tests of the WGSL).
   */
  readonly tinyOnHost?: boolean;
}

/** WGSL programs by spec key (and dispatch limit): the source is generated once, the pipeline cached by the backend. */
const shaderPrograms = new LruCache<string, ShaderProgram>(512, 16 * 2 ** 20, (program, key) => 2 * (program.source.length + key.length));

export interface Executable<A extends DeviceArray> {
  readonly plan: Plan;
  /** Per plan kernel, the code that runs it on a CPU backend: null for a backend primitive. */
  readonly codegen?: readonly HostCode[];
  /**
   * On a GPU backend, per plan kernel: `wgsl` for a fused kernel run as one shader, `ops` for one
   * without a WGSL form (its equations run one by one on the GPU), null for a backend primitive.
   * Undefined off the GPU. Read at run time: a backend that loses its GPU moves to the CPU.
   */
  readonly gpuCodegen?: readonly ('wgsl' | 'ops' | null)[];
  /**
   * On a GPU backend, where the last run's kernels ran: 'gpu' as shaders and backend ops, 'host'
   * as CPU kernels (a tiny program, see TINY_PROGRAM_ELEMENTS); null on a CPU backend and before
   * the first run. Report it beside the backend's name.
   */
  readonly ranOn: 'gpu' | 'host' | null;
  /** Runs the plan; the results are fresh arrays the caller owns, as evalJaxpr's. */
  run(args: readonly A[]): A[];
}

/** Where a value lives between kernels: on the backend, on the host, or both. */
interface Held<A> {
  readonly aval: AbstractValue;
  device: A | null;
  host: AnyTypedArray | null;
  /** The device array was made by this run and is disposed with the value. */
  owned: boolean;
}

/** On a GPU: a shader over some of a kernel's values, or one of its equations run by the backend. */
type GpuPart = { readonly program: ShaderProgram; readonly inputs: readonly Var[]; readonly outputs: readonly Var[] } | { readonly eqn: number };

/**
 * A shader runner whose backend keeps host copies of small arrays (the webgpu backend's, see
 * HOST_COPY_MAX_ELEMENTS there): null for an array that lives only on the device.
 */
type HostCopies<A> = { readonly hostCopy?: (x: A) => AnyTypedArray | null };

/**
 * A program whose every value has at most this many elements runs on the CPU even on a GPU
 * backend, when its arguments' values are on the host: W1 on SwiftShader took 0.45 ms a call as a
 * shader (0.3 ms of it the submit and mapAsync round trip), and about 0.05 ms as a host kernel.
 */
const TINY_PROGRAM_ELEMENTS = 64;

/** How a fused kernel runs on the host: generated JS, wasm, or interpreted; null for a backend primitive. */
export type HostCode = 'js' | 'wasm' | 'interpreted' | null;

type Step = { readonly kernel: PlanKernel; readonly fn: HostKernel | null; readonly code: HostCode };

/** The host kernel of a fused kernel: wasm where eligible, else JS in Node, else interpreted (see CompileOptions.codegen). */
function hostCodeFor(spec: KernelSpec, codegen: NonNullable<CompileOptions['codegen']>): { readonly fn: HostKernel; readonly code: HostCode } {
  if ((codegen === 'auto' || codegen === 'wasm') && wasmSimdSupported && wasmIneligible(spec) === null) {
    return { fn: hostKernel(`wasm:${specKey(spec)}`, () => compileWasm(spec)), code: 'wasm' };
  }
  if (codegen === 'js' || (codegen !== 'interpret' && jsKernelsAllowed)) {
    return { fn: hostKernel(specKey(spec), () => compileJs(spec)), code: 'js' };
  }
  return { fn: hostKernel(`interpreted:${specKey(spec)}`, () => interpretKernel(spec)), code: 'interpreted' };
}

/**
 * Compiles `jaxpr` for `backend`: fused kernels run as host kernels (wasm, generated JS, or
 * interpreted: see hostCodeFor) over host typed arrays, every other equation through
 * `backend.run`; on a GPU, as WGSL shaders. On the reference backend host and device are the
 * same memory, so nothing is copied; on tfjs backends a fused kernel reads its inputs once
 * (readSync) and its outputs are uploaded only when a backend op or the caller needs them.
 */
export function compile<A extends DeviceArray>(jaxpr: Jaxpr, backend: Backend<A>, options: CompileOptions = {}): Executable<A> {
  // NB: the plan of a GPU backend is also what its host fallback runs.
  const plan = planJaxpr(jaxpr, { besideFullReductions: !backend.shaders });
  const codegen = options.codegen ?? 'auto';
  const gpuPrograms = new Map<ShaderRunner<A>, readonly (GpuPart[] | null)[]>();
  /** Per plan kernel, the shaders (and leftover backend ops) that run it on this runner; null for a primitive. */
  const programsFor = (runner: ShaderRunner<A>) => {
    let programs = gpuPrograms.get(runner);
    if (!programs) {
      programs = plan.kernels.map((kernel) => {
        if (kernel.kind === 'primitive') return null;
        const parts = kernel.inputs.length + kernel.outputs.length > runner.maxBindings
          ? splitKernel(jaxpr, kernel, runner.maxBindings) : [kernel];
        return parts.flatMap((part): GpuPart[] => {
          if (part.kind === 'primitive') return [{ eqn: part.eqn }];
          const spec = kernelSpec(jaxpr, part);
          if (wgslIneligible(spec) !== null) return part.eqns.map((eqn) => ({ eqn }));
          const key = `${runner.maxWorkgroupsPerDimension}:${specKey(spec)}`;
          let program = shaderPrograms.get(key);
          if (!program) {
            const k = generateWgsl(spec, runner.maxWorkgroupsPerDimension);
            // NB: the host form is compiled only when a synchronous read needs it (see ShaderProgram.onHost).
            let onHost: HostKernel | null = null;
            program = {
              key, source: k.source, workgroups: k.workgroups, outputs: part.outputs.map((v) => v.aval),
              onHost: (ins, outs) => (onHost ??= hostCodeFor(spec, codegen).fn)(ins, outs),
            };
            shaderPrograms.set(key, program);
          }
          return [{ program, inputs: part.inputs, outputs: part.outputs }];
        });
      });
      gpuPrograms.set(runner, programs);
    }
    return programs;
  };
  // NB: on a GPU backend host kernels are compiled only if it loses its GPU; elsewhere at once.
  let hostSteps: Step[] | null = null;
  const stepsOnHost = (): Step[] => (hostSteps ??= plan.kernels.map((kernel): Step => {
    if (kernel.kind === 'primitive') return { kernel, fn: null, code: null };
    return { kernel, ...hostCodeFor(kernelSpec(jaxpr, kernel), codegen) };
  }));
  if (!backend.shaders) stepsOnHost();
  const last = new Map<Var, number>();
  plan.kernels.forEach((kernel, k) => kernel.inputs.forEach((v) => last.set(v, k)));
  for (const a of jaxpr.outvars) if (isVar(a)) last.set(a, Infinity);
  const hostConsts = jaxpr.consts.map((c) => (c.kind === 'host' ? typedArrayFrom(c.aval.dtype, c.values) : null));
  const isReference = backend.name === 'reference';
  const tiny = options.tinyOnHost !== false && plan.kernels.every((k) => k.kind === 'fused')
    && [...jaxpr.invars, ...jaxpr.constvars, ...jaxpr.eqns.flatMap(outsOf)].every((v) => sizeOf(v.aval.shape) <= TINY_PROGRAM_ELEMENTS);
  let ranOn: 'gpu' | 'host' | null = null;

  const run = (args: readonly A[]): A[] => {
    if (args.length !== jaxpr.invars.length) throw new TypeError(`jaxpr takes ${jaxpr.invars.length} argument(s), got ${args.length}`);
    const env = new Map<Var, Held<A>>();
    const release = (v: Var) => {
      const h = env.get(v);
      if (h?.owned) backend.dispose(h.device!);
      env.delete(v);
    };
    const hostOf = (v: Var): AnyTypedArray => {
      const h = env.get(v)!;
      if (h.host === null) h.host = h.device instanceof ReferenceArray ? h.device.data : backend.readSync(h.device!);
      return h.host;
    };
    const deviceOf = (v: Var): A => {
      const h = env.get(v)!;
      if (h.device === null) {
        // NB: an untracked view of host memory: the reference backend reads it without a copy, and nobody disposes it.
        h.device = isReference ? new ReferenceArray(h.aval.shape, h.aval.dtype, h.host!) as unknown as A : backend.upload(h.host!, h.aval);
        h.owned = !isReference;
      }
      return h.device;
    };
    try {
      jaxpr.invars.forEach((v, i) => {
        const a = args[i];
        if (a.dtype !== v.aval.dtype || !shapeEq(a.shape, v.aval.shape)) {
          throw new TypeError(`jaxpr argument ${i} must be ${formatAval(v.aval)}, got ${formatAval(a)}`);
        }
        env.set(v, { aval: v.aval, device: a, host: null, owned: false });
      });
      jaxpr.constvars.forEach((v, i) => {
        const c = jaxpr.consts[i];
        env.set(v, c.kind === 'host'
          ? { aval: v.aval, device: null, host: hostConsts[i], owned: false }
          : { aval: v.aval, device: c.array as A, host: null, owned: false });
      });
      const runner = backend.shaders as (ShaderRunner<A> & HostCopies<A>) | undefined;
      const owned = (v: Var, a: A) => env.set(v, { aval: v.aval, device: a, host: null, owned: true });
      const onHost = !runner || (tiny && runner.hostCopy !== undefined
        && [...env.values()].every((h) => h.host !== null || runner.hostCopy!(h.device!) !== null));
      ranOn = !runner ? null : onHost ? 'host' : 'gpu';
      if (!onHost) {
        const programs = programsFor(runner);
        plan.kernels.forEach((kernel, k) => {
          const parts = programs[k] ?? [{ eqn: kernel.eqns[0] }];
          const made: Var[] = [];
          for (const p of parts) {
            if ('eqn' in p) {
              runPrimitive(jaxpr, backend, p.eqn, deviceOf, owned);
              made.push(...outsOf(jaxpr.eqns[p.eqn]));
            } else {
              const outs = runner.run(p.program, p.inputs.map(deviceOf));
              p.outputs.forEach((v, j) => owned(v, outs[j]));
              made.push(...p.outputs);
            }
          }
          // Values passed between the parts of a split kernel are its own: freed once it has run.
          for (const v of made) if (!kernel.outputs.includes(v)) release(v);
          for (const v of kernel.inputs) if (last.get(v) === k) release(v);
        });
      } else stepsOnHost().forEach(({ kernel, fn }, k) => {
        if (fn) {
          const ins = kernel.inputs.map(hostOf);
          const outs = kernel.outputs.map((v) => allocate(v.aval.dtype, sizeOf(v.aval.shape)));
          fn(ins, outs);
          kernel.outputs.forEach((v, j) => env.set(v, { aval: v.aval, device: null, host: outs[j], owned: false }));
        } else {
          runPrimitive(jaxpr, backend, kernel.eqns[0], deviceOf, owned);
        }
        for (const v of kernel.inputs) if (last.get(v) === k) release(v);
      });
      const given = new Set<A>();
      return jaxpr.outvars.map((x) => {
        if (!isVar(x)) return backend.upload(scalarWords(x.value, x.dtype), x.aval);
        const h = env.get(x)!;
        if (h.owned && !given.has(h.device!)) {
          given.add(h.device!);
          return h.device!;
        }
        if (h.host !== null) return backend.upload(h.host, h.aval);
        return backend.run('reshape', [h.device!], { newSizes: h.aval.shape }, h.aval);
      });
    } catch (e) {
      for (const v of [...env.keys()]) release(v);
      throw e;
    } finally {
      // Owned arrays not handed to the caller: outputs listed twice keep one owner.
      for (const [v, h] of env) if (h.owned && !jaxpr.outvars.includes(v)) release(v);
    }
  };
  return {
    plan,
    get codegen() {
      return stepsOnHost().map((s) => s.code);
    },
    get gpuCodegen() {
      const runner = backend.shaders;
      return runner && programsFor(runner).map((parts) => (parts === null ? null : parts.every((p) => 'program' in p) ? 'wgsl' : 'ops'));
    },
    get ranOn() {
      return ranOn;
    },
    run,
  };
}

function runPrimitive<A extends DeviceArray>(
  jaxpr: Jaxpr, backend: Backend<A>, i: number, deviceOf: (v: Var) => A, done: (v: Var, a: A) => void,
): void {
  const e = jaxpr.eqns[i];
  const literals: A[] = [];
  try {
    const inputs = e.inputs.map((x) => {
      if (isVar(x)) return deviceOf(x);
      const a = backend.upload(scalarWords(x.value, x.dtype), x.aval);
      literals.push(a);
      return a;
    });
    if (isCall(e)) {
      const outs = runCallCompiled(backend, e.primitive, inputs, e.params);
      e.outs.forEach((v, k) => done(v, outs[k]));
    } else {
      done(e.out, backend.run(e.primitive, inputs, e.params, abstractEval(e.primitive, inputs, e.params)));
    }
  } finally {
    for (const a of literals) backend.dispose(a);
  }
}

/** A call primitive run on concrete arrays, its sub-jaxprs compiled (JAX runs a loop op by op the same way: compiled); the results are the caller's. */
export function runCallCompiled<C extends CallPrimitive, A extends DeviceArray>(backend: Backend<A>, prim: C, inputs: readonly A[], params: CallParamsOf<C>): A[] {
  return runCall(backendHost(backend, (j, xs) => compiledSub(j, backend).run(xs)), prim, inputs, params);
}

/** Each sub-jaxpr of a call primitive compiled once per backend: the loop body's kernels fuse as any program's. */
const compiledSubs = new WeakMap<Jaxpr, Map<string, { run(args: readonly DeviceArray[]): DeviceArray[] }>>();

function compiledSub<A extends DeviceArray>(jaxpr: Jaxpr, backend: Backend<A>): { run(args: readonly A[]): A[] } {
  let byBackend = compiledSubs.get(jaxpr);
  if (!byBackend) compiledSubs.set(jaxpr, (byBackend = new Map()));
  let exe = byBackend.get(backend.name);
  if (!exe) {
    exe = compile(simplify(jaxpr, { backend }), backend) as unknown as { run(args: readonly DeviceArray[]): DeviceArray[] };
    byBackend.set(backend.name, exe);
  }
  return exe as unknown as { run(args: readonly A[]): A[] };
}
