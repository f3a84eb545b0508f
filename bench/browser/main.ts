// `npm run bench:browser`: W1-W3 in headless Chromium on WebGPU (Gradlens jit and eager, TF.js
// webgpu, jax-js webgpu) and Gradlens jit on wasm in the same page, one table, written to
// BENCHMARKS.md's browser section. Debian's chromium runs WebGPU on SwiftShader (on the CPU)
// unless a GPU is there; the section says which adapter ran it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from '../../test/webgpu/server';
import { machine } from '../machine';
import { writeBenchSection } from '../sections';
import { workloads, type Workload, type WorkloadId } from '../workloads';
import type { MatmulRow } from './matmul';
import type { BenchApi, PageReport, Protocol, WorkloadFiles } from './page';

const CHROMIUM = process.env.GRADLENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];
/** Fewer runs than the CPU table's: on SwiftShader one W3 call takes a good part of a second. */
const PROTOCOL: Record<WorkloadId, Protocol> = {
  W1: { warmup: 20, minRuns: 50, maxRuns: 500, budgetS: 0.5 },
  W2: { warmup: 2, minRuns: 5, maxRuns: 30, budgetS: 1 },
  W3: { warmup: 2, minRuns: 5, maxRuns: 30, budgetS: 1 },
};
/** Timed products of each matmul case, each way. */
const MATMUL_RUNS = 5;
const COLUMNS = ['gradlens-jit-webgpu', 'gradlens-jit-webgpu-gpu', 'gradlens-jit-wasm', 'gradlens-eager-webgpu', 'tfjs-webgpu', 'jaxjs-jit-webgpu', 'jaxjs-webgpu'] as const;

/** Writes each workload's inputs (f32) and reference gradients (f64) beside the page, for it to fetch. */
function writeData(dir: string, ws: readonly Workload[]): WorkloadFiles[] {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const write = (file: string, a: Float32Array | Float64Array) => {
    writeFileSync(join(dir, file), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return file;
  };
  return ws.map((w) => ({
    id: w.id,
    wrt: w.wrt,
    inputs: w.inputs.map((x) => ({ name: x.name, shape: x.shape, file: write(`data/${w.id}_${x.name}.f32`, x.values) })),
    grads: w.reference.grads.map((g, k) => write(`data/${w.id}_grad${k}.f64`, g)),
    value: w.reference.value,
  }));
}

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(2));
const fmtRatio = (r: number): string => (r >= 10 ? r.toFixed(0) : r.toFixed(2));

async function main(): Promise<void> {
  const m = machine();
  const loadBefore = loadavg()[0];
  console.error(`bench:browser: ${m.cpu}, ${m.cores} cores; computing inputs and float64 references...`);
  const ws = workloads();
  const files = writeData(__dirname, ws);
  const server = await serveStatic(__dirname);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  let report: PageReport;
  let matmul: MatmulRow[];
  let version: string;
  try {
    version = browser.version();
    const page = await browser.newPage();
    page.on('console', (msg) => console.error(msg.text()));
    await page.goto(server.url);
    await page.waitForFunction(() => 'gradlensBench' in globalThis);
    report = await page.evaluate(([f, p]) => (globalThis as unknown as { gradlensBench: BenchApi }).gradlensBench.run(f, p), [files, PROTOCOL] as const);
    matmul = await page.evaluate((runs) => (globalThis as unknown as { gradlensBench: BenchApi }).gradlensBench.matmul(runs), MATMUL_RUNS);
  } finally {
    await browser.close();
    await server.close();
  }
  if (report.failures.length > 0) {
    console.error('\nbench:browser: ENGINES DISAGREE with the float64 reference; no table written:\n' + report.failures.map((f) => `  - ${f}`).join('\n'));
    process.exit(1);
  }
  const load = `1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`;
  const markdown = render(ws, report, matmul, [`Machine: ${m.cpu}, ${m.cores} cores; Chromium ${version} (Debian, headless), WebGPU adapter: ${report.adapter}; ${m.date}`, load]);
  console.log(markdown);
  writeBenchSection('browser', markdown);
  console.error('bench:browser: wrote BENCHMARKS.md');
}

function render(ws: readonly Workload[], r: PageReport, matmul: readonly MatmulRow[], about: readonly string[]): string {
  const cell = (c: string, w: WorkloadId) => r.cells[`${c}|${w}`];
  const swiftshader = /swiftshader/i.test(r.adapter);
  const lines = ['## Browser: headless Chromium, WebGPU (`npm run bench:browser`)', '', 'Written by bench/browser/main.ts.', ''];
  if (swiftshader) {
    lines.push('**SwiftShader: these are CPU numbers.** WebGPU here is Chromium\'s SwiftShader, a software implementation on the CPU; no real GPU was available (the device tool reported no machine lent to this task). They compare the engines\' GPU code paths on equal terms, not GPU speed.', '');
  }
  lines.push(...about.map((a) => `- ${a}`), '');
  lines.push('Median milliseconds per call, and in parentheses the time as a multiple of Gradlens jit on webgpu (lower is faster; < 1 means faster than Gradlens jit).', '');
  lines.push(`| Workload | ${COLUMNS.map((c) => r.labels[c] ?? c).join(' | ')} |`);
  lines.push(`|---|${COLUMNS.map(() => '---:').join('|')}|`);
  for (const w of ws) {
    const base = cell('gradlens-jit-webgpu', w.id);
    const row = COLUMNS.map((c) => {
      const x = cell(c, w.id);
      return x ? `${fmtMs(x.medianMs)} (${base ? `${fmtRatio(x.medianMs / base.medianMs)}×` : '?'})` : 'n/a';
    });
    lines.push(`| ${w.id} | ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push('Runs per cell (timed calls after warm-up): ' + ws.map((w) => `${w.id} ` + COLUMNS.map((c) => cell(c, w.id)?.runs ?? '-').join('/')).join('; ') + ' (columns in table order).', '');
  lines.push('### Workloads', '');
  for (const w of ws) lines.push(`- **${w.id}**: ${w.title}`);
  lines.push('', '### Matmul: dot_general on webgpu, tfjs\'s MatMul against Gradlens\'s WGSL', '');
  lines.push(`Median milliseconds per product of ${MATMUL_RUNS} (result read back), on the same device (bench/browser/matmul.ts); error is the largest difference of the two results relative to max|C|. The webgpu backend runs Gradlens's kernel (runtime/backends/webgpu/matmul.ts).`, '');
  lines.push('| Product | Operands | tfjs MatMul | Gradlens WGSL (4×4 register-blocked) | tfjs / Gradlens | max difference |', '|---|---|---:|---:|---:|---:|');
  for (const row of matmul) lines.push(`| ${row.what} | ${row.shapes} | ${fmtMs(row.tfjsMs)} | ${fmtMs(row.ownMs)} | ${fmtRatio(row.tfjsMs / row.ownMs)}× | ${row.maxError.toExponential(1)} |`);
  lines.push('', '### Notes', '');
  lines.push('- The workloads, their sizes and their float64 references are the CPU table\'s (bench/workloads.ts): W2 at 2^20 elements, W3 at the sizes in its title. Every engine\'s value and gradients are checked against the reference (|a - r| <= 1e-3 |r| + 1e-4 max|r|) before it is timed; the bench writes nothing if one disagrees.');
  lines.push(`- A call ends when its value and gradients have been read back to the page (Gradlens: one readMany; TF.js and jax-js: data() of each result): on WebGPU a call only queues work. So W2 and W3 include a readback the CPU table does not. Timing: ${Object.entries(PROTOCOL).map(([k, p]) => `${k}: ${p.warmup} warm-up, >= ${p.minRuns} runs, ${p.budgetS} s`).join('; ')}; the median is reported.`);
  lines.push('- Gradlens jit is `jit(valueAndGrad(f, {argnums}), {backend})` with the default compile (simplify, then fusion: WGSL kernels on webgpu, wasm SIMD or JS loops on wasm). On webgpu a program whose every value has at most 64 elements, all in fused kernels, and whose arguments were uploaded from the host runs its kernels on the CPU (runtime/jit/compile/executable.ts, `tinyOnHost`), as the GPU round trip (submit, mapAsync) costs far more than the work; the column "tinyOnHost off" keeps every program on the GPU. Where the webgpu columns ran: ' + ws.map((w) => `${w.id} ${['gradlens-jit-webgpu', 'gradlens-jit-webgpu-gpu'].map((c) => cell(c, w.id)?.ranOn?.join('+') ?? '?').join('/')}`).join('; ') + ' (host = CPU kernels in the page, gpu = WGSL on the adapter). Its wasm column runs tfjs-backend-wasm in the page (cross-origin isolated, so tfjs may take its threaded SIMD binary), for reference. Gradlens eager is TorchOps over EagerEngine on the webgpu backend, backward() per call.');
  lines.push('- TF.js webgpu is tfjs-backend-webgpu 4.22 in the same page (tf.valueAndGrads in tf.tidy, the code of the CPU table). jax-js is @jax-js/jax on its webgpu device (`init("webgpu")`), with and without `jit`.');
  lines.push('- jax-js\'s webgpu device initialised on SwiftShader; each of its results was checked to be on that device (`Array.device`).');
  lines.push('- The whole run takes about a minute on this 2-core machine at these sizes, so the CPU table\'s sizes were kept rather than shrunk.');
  lines.push('- Matmul: Gradlens runs float32 dot_general on webgpu as its own WGSL (runtime/backends/webgpu/matmul.ts: a 4×4 block of C an invocation, in registers; either storage order of each operand, so a product\'s gradient needs no transpose) wherever the operands\' axes allow, else tfjs\'s MatMul; chosen by the matmul table above. That table was measured on SwiftShader only, which runs tfjs\'s workgroup-memory tiles and barriers in software; no real GPU has measured the choice. Transposes on webgpu are Gradlens\'s own shader (runtime/backends/webgpu/transpose.ts): tfjs\'s Transpose took about 350 ms for f32[256,512] on SwiftShader.');
  for (const n of r.notes) lines.push(`- ${n}`);
  lines.push('');
  return lines.join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
