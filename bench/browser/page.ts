// The browser side of `npm run bench:browser`: esbuild bundles it into dist-bench-browser/page.js;
// bench/browser/main.ts (in Node) serves the workloads' inputs and float64 references beside it
// and calls `window.gradlensBench.run(...)` through Playwright.
import { createWebgpuBackend } from '../../runtime/backends';
import type { Outcome } from '../engine';
import { checkClose, type WorkloadId } from '../workloads';
import { compareMatmul } from './matmul';
import { gradlensEagerWebgpu, gradlensJit, jaxjsWebgpu, tfjsWebgpu, type BrowserEngine, type PageWorkload } from './engines';

/** A workload as main.ts describes it: files beside the page hold the inputs (f32) and reference gradients (f64). */
export interface WorkloadFiles {
  readonly id: WorkloadId;
  readonly wrt: readonly number[];
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[]; readonly file: string }[];
  readonly grads: readonly string[];
  readonly value: number;
}

export interface Protocol { readonly warmup: number; readonly minRuns: number; readonly maxRuns: number; readonly budgetS: number }

/** `ranOn`: where the engine's kernels ran, for the engines that choose (see BrowserRunner). */
export interface Cell { readonly medianMs: number; readonly runs: number; readonly ranOn?: readonly string[] }

export interface PageReport {
  readonly adapter: string;
  readonly cells: Record<string, Cell>;
  readonly labels: Record<string, string>;
  /** Engines that could not run a workload, and why. */
  readonly notes: string[];
  /** Results that disagree with the float64 reference: nothing is timed when there is one. */
  readonly failures: string[];
}

const ENGINES: readonly BrowserEngine[] = [
  gradlensJit('webgpu'), gradlensJit('webgpu', true), gradlensJit('wasm'), gradlensEagerWebgpu(), tfjsWebgpu(), jaxjsWebgpu(true), jaxjsWebgpu(false),
];

async function fetchArray<T extends Float32Array | Float64Array>(file: string, type: { new (b: ArrayBuffer): T }): Promise<T> {
  const r = await fetch(file);
  if (!r.ok) throw new Error(`bench page: ${file}: HTTP ${r.status}`);
  return new type(await r.arrayBuffer());
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function check(what: string, w: WorkloadFiles, out: Outcome, grads: readonly Float64Array[]): void {
  if (out.grads.length !== grads.length) throw new Error(`${what}: ${out.grads.length} gradients, expected ${grads.length}`);
  out.grads.forEach((g, k) => checkClose(`${what}, gradient of ${w.inputs[w.wrt[k]].name}`, g, grads[k]));
  checkClose(`${what}, value`, [out.value!], Float64Array.of(w.value));
}

async function run(files: readonly WorkloadFiles[], protocol: Record<WorkloadId, Protocol>): Promise<PageReport> {
  const report: PageReport = { adapter: (await createWebgpuBackend()).adapter, cells: {}, labels: {}, notes: [], failures: [] };
  for (const f of files) {
    const w: PageWorkload = {
      id: f.id, wrt: f.wrt, inputs: await Promise.all(f.inputs.map(async (x) => ({ ...x, values: await fetchArray(x.file, Float32Array) }))),
    };
    const grads = await Promise.all(f.grads.map((g) => fetchArray(g, Float64Array)));
    for (const e of ENGINES) {
      report.labels[e.id] = e.label;
      let runner;
      try {
        runner = await e.prepare(w);
      } catch (err) {
        report.notes.push(`${e.label} could not run ${w.id}: ${(err as Error).message}`);
        continue;
      }
      try {
        check(`${e.label} on ${w.id}`, f, await runner.call(), grads);
        const p = protocol[w.id];
        for (let i = 0; i < p.warmup; i++) await runner.call();
        const times: number[] = [];
        const start = performance.now();
        while (times.length < p.maxRuns && (times.length < p.minRuns || performance.now() - start < p.budgetS * 1e3)) {
          const t0 = performance.now();
          await runner.call();
          times.push(performance.now() - t0);
        }
        report.cells[`${e.id}|${w.id}`] = { medianMs: median(times), runs: times.length, ranOn: runner.ranOn?.() };
        console.log(`bench: ${w.id} ${e.label}: ${median(times).toFixed(2)} ms (median of ${times.length})`);
      } catch (err) {
        report.failures.push((err as Error).message);
      } finally {
        runner.dispose();
      }
    }
  }
  return report;
}

const api = {
  run,
  matmul: async (runs: number) => compareMatmul(await createWebgpuBackend(), runs),
};
export type BenchApi = typeof api;
(globalThis as unknown as { gradlensBench: BenchApi }).gradlensBench = api;
