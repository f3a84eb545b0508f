// The browser side of the WebGPU tests: esbuild bundles it into dist-webgpu/page.js, and
// webgpu.test.ts (in Node) calls the functions it puts on `window.gradlens` through Playwright.
import { createReferenceBackend, type Backend } from '../../runtime/backends';
import { createWebgpuBackend, type WebgpuBackend } from '../../runtime/backends/webgpu';
import { formatAval, isFloat, Random } from '../../runtime/core';
import { EagerEngine, TorchOps } from '../../runtime/eager';
import { abstractEval, PRIMITIVES, type ParamsOf, type Primitive } from '../../runtime/primitives';
import { CASES, type Case, type CaseMaker } from '../unit/support/backend_cases';
import { refusedOnWebgpu } from './refusals';
import { indicesOnTheGpu, jitMemory, jitPrimitive, lostDevice, programs, shaderCache, syncRead, w2Check, wideKernel } from './jit_checks';
import { matmulChecks } from './matmul_checks';
import { tinyPrograms } from './host_checks';
import { runScript } from './sync_read_checks';

/** What one primitive's check returns: failures are messages; worst is the largest error seen, in units of the tolerance's scale. */
export interface PrimitiveReport { cases: number; failures: string[]; worst: number }

let webgpu: WebgpuBackend | undefined;
const reference: Backend = createReferenceBackend();

function gpu(): WebgpuBackend {
  if (!webgpu) throw new Error('call gradlens.setup() first');
  return webgpu;
}

/** |got - ref| / max(|ref|, 1) (or / |ref| for `relative` cases); 0 for an exact match, Infinity for a NaN/Inf mismatch. */
function error(got: number, ref: number, relative: boolean): number {
  if (Number.isNaN(ref) || Number.isNaN(got)) return Number.isNaN(ref) && Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(ref)) return got === ref ? 0 : Infinity;
  const diff = Math.abs(got - ref);
  return diff === 0 ? 0 : diff / (relative ? Math.abs(ref) : Math.max(Math.abs(ref), 1));
}

async function evaluate(backend: Backend, prim: Primitive, c: Case<ParamsOf<Primitive>>): Promise<number[]> {
  const inputs = c.inputs.map((h) => backend.upload(h.values, { shape: h.shape, dtype: h.dtype }));
  const out = backend.run(prim, inputs, c.params, abstractEval(prim, inputs, c.params));
  const values = Array.from(await backend.read(out));
  for (const x of [...inputs, out]) backend.dispose(x);
  return values;
}

const api = {
  async setup(): Promise<{ adapter: string }> {
    webgpu ??= await createWebgpuBackend();
    return { adapter: webgpu.adapter };
  },

  /** Every case of `prim` on webgpu against the reference; floats within rtol (see webgpu.test.ts), ints and bools exact. */
  async primitive(prim: Primitive, seed: number, rtol: number): Promise<PrimitiveReport> {
    const backend = gpu();
    const make = CASES[prim] as CaseMaker<ParamsOf<Primitive>> | undefined;
    if (!make) return { cases: 0, failures: [`${prim} has no test case: add one to test/webgpu/cases.ts`], worst: 0 };
    const cases = make(new Random(seed + 7919 * PRIMITIVES.indexOf(prim)));
    const failures: string[] = [];
    let worst = 0;
    for (const c of cases) {
      const out = abstractEval(prim, c.inputs, c.params);
      const what = `${prim}(${c.inputs.map(formatAval).join(', ')}) ${JSON.stringify(c.params)}`;
      const ref = await evaluate(reference, prim, c);
      const before = backend.liveCount();
      let got: number[];
      try {
        got = await evaluate(backend, prim, c);
      } catch (e) {
        if (!refusedOnWebgpu(prim, c.inputs, e)) failures.push(`${what}: threw ${(e as Error).message}`);
        continue;
      }
      if (backend.liveCount() !== before) failures.push(`${what}: the kernel leaked tensors`);
      if (got.length !== ref.length) {
        failures.push(`${what}: ${got.length} values, the reference has ${ref.length}`);
        continue;
      }
      for (let i = 0; i < ref.length; i++) {
        const err = isFloat(out.dtype) ? error(got[i], ref[i], c.relative === true) : got[i] === ref[i] ? 0 : Infinity;
        worst = Math.max(worst, err);
        if (err > (isFloat(out.dtype) ? rtol : 0)) {
          const inputs = c.inputs.map((h) => `[${h.values.slice(0, 12).join(', ')}]`).join(' ');
          failures.push(`${what}: element ${i} is ${got[i]}, the reference has ${ref[i]}; inputs ${inputs}`);
          break;
        }
      }
    }
    return { cases: cases.length, failures, worst };
  },

  /** The seed snippet through the eager engine: f(x) = x**2 + 3x + 5 at 2, backward. */
  async seedGradient(): Promise<{ value: number; grad: number; gradFn: string | undefined; live: number }> {
    const engine = new EagerEngine(gpu());
    const torch = new TorchOps(engine);
    const before = gpu().liveCount();
    const x = engine.scalar(2, 'float32').requiresGrad_();
    const [value, gradFn] = await engine.tidy(() => {
      const y = torch.add(torch.add(torch.pow(x, 2), torch.mul(3, x)), 5);
      y.backward();
      return [y.data(), y.gradFn?.name] as const;
    });
    const grad = (await x.grad!.data())[0];
    x.grad?.dispose();
    x.setGrad(null);
    x.dispose();
    return { value: (await value)[0], grad, gradFn, live: gpu().liveCount() - before };
  },

  /** `n` evaluations of sum(x**2 + 3x + 5) with backward, each read back; live arrays before and after. */
  async memory(n: number): Promise<{ before: number; after: number; grad: number }> {
    const backend = gpu();
    const engine = new EagerEngine(backend);
    const torch = new TorchOps(engine);
    const x = engine.fromValues([0.5, -1, 2], [3], 'float32').requiresGrad_();
    const step = (): Promise<unknown> => {
      // NB: the read is started inside the tidy, before its result is freed.
      const read = engine.tidy(() => {
        const y = torch.sum(torch.add(torch.add(torch.pow(x, 2), torch.mul(3, x)), 5));
        y.backward();
        return y.data();
      });
      return read;
    };
    await step();
    const before = backend.liveCount();
    for (let i = 0; i < n; i++) await step();
    const after = backend.liveCount();
    const grad = (await x.grad!.data())[0];
    return { before, after, grad };
  },

  /**
   * Eager `prim` on `n` float32 points evenly over [-span, span], a shape of [2, n / 2] too (one
   * pipeline serves both), against Math's float64 value at each point: the worst
   * |got - want| / max(|want|, 1) (|got - want| / |want| for tanh, which is as small as x near 0) and where.
   */
  async eagerPrecision(prim: 'sin' | 'cos' | 'tan' | 'tanh', n: number, span: number): Promise<{ worst: number; at: number; pipelines: number }> {
    const backend = gpu();
    const xs = Array.from({ length: n }, (_, i) => Math.fround(-span + (2 * span * i) / (n - 1)));
    const f64 = { sin: Math.sin, cos: Math.cos, tan: Math.tan, tanh: Math.tanh }[prim];
    let worst = 0;
    let at = NaN;
    const compiled = backend.shaders!.cacheStats().compiled;
    for (const shape of [[n], [2, n / 2]]) {
      const x = backend.upload(xs, { shape, dtype: 'float32' });
      const y = backend.run(prim, [x], {}, { shape, dtype: 'float32' });
      const got = await backend.read(y);
      backend.dispose(x);
      backend.dispose(y);
      xs.forEach((v, i) => {
        const e = error(got[i], f64(v), prim === 'tanh');
        if (e > worst) [worst, at] = [e, v];
      });
    }
    return { worst, at, pipelines: backend.shaders!.cacheStats().compiled - compiled };
  },
};

const jitApi = {
  jitPrimitive: (prim: Primitive, seed: number, rtol: number) => jitPrimitive(gpu(), prim, seed, rtol),
  programs: (seed: number, count: number, lengths: number[], rtol: number) => programs(gpu(), seed, count, lengths, rtol),
  w2: (n: number) => w2Check(gpu(), n),
  jitMemory: (n: number, size: number) => jitMemory(gpu(), n, size),
  shaderCache: () => shaderCache(gpu()),
  lostDevice,
  indicesOnTheGpu: () => indicesOnTheGpu(gpu()),
  wideKernel: () => wideKernel(gpu()),
  syncRead: () => syncRead(gpu()),
  tinyPrograms: () => tinyPrograms(gpu()),
  runScript: (source: string, on: 'webgpu' | 'reference') => runScript(gpu(), source, on),
  matmul: (seed: number) => matmulChecks(gpu(), seed),
};
const pageApi = { ...api, ...jitApi };

export type PageApi = typeof pageApi;
(globalThis as unknown as { gradlens: PageApi }).gradlens = pageApi;
