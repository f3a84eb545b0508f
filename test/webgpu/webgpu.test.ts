import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FUSIBLE, PRIMITIVES, type Primitive } from '../../runtime/primitives';
import { launchChromium } from './browser';
import type { PageApi } from './page';
import { serveStatic } from './server';

/**
 * The webgpu backend in headless Chromium, where WebGPU runs on SwiftShader (on the CPU). Every
 * primitive is checked against the reference backend in the same page. Floats agree when
 * |got - ref| <= RTOL * max(|ref|, 1), ints and bools exactly, as in test/unit/backends/tfjs.test.ts.
 */
const RTOL = 1e-5;
/**
 * Eager sin, cos, tan and tanh run the jit's WGSL (runtime/backends/webgpu/unary.ts), not tfjs's
 * builtins (2^-11 absolute on [-π, π]; SwiftShader measured 9e-5 for |x| <= 30, tanh 2.5e-4
 * relative), so no primitive needs a looser tolerance than RTOL.
 */
const TOLERANCE: { readonly [P in Primitive]?: number } = {};
/** Eager transcendentals against float64 (see eagerPrecision in page.ts): a few float32 ulps. */
const TRANSCENDENTAL_RTOL = 1e-6;
/** Primitives that fusion compiles to WGSL: the rest run as tfjs kernels under jit too. */
const FUSED: ReadonlySet<string> = new Set(FUSIBLE);
/**
 * The jit's WGSL kernels are held to RTOL for every primitive, trig included: they reduce sin,
 * cos and tan's arguments themselves (Cephes) rather than trust the builtins' 2^-11.
 */
const JIT_TOLERANCE: { readonly [P in Primitive]?: number } = {};
/** NB: fixed unless GRADLENS_SEED is set, so that every run sees the same primitive cases. */
const SEED = process.env.GRADLENS_SEED !== undefined ? Number(process.env.GRADLENS_SEED) : 20_240_917;
/** Fresh each run, so that CI explores new random programs; printed in the test's title to replay it. */
const PROGRAM_SEED = process.env.GRADLENS_PROGRAM_SEED !== undefined
  ? Number(process.env.GRADLENS_PROGRAM_SEED) : Math.floor(Math.random() * 1e9);
const EVALUATIONS = 1_000;
/** Random programs per length, as the Node differential test draws them (test/unit/jit/programs.ts). */
const PROGRAMS = 40;
const PROGRAM_LENGTHS = [4, 8, 12];
/** As the Node differential test's RTOL for the jit engines, at the WGSL builtins' few ulps. */
const PROGRAM_RTOL = 2e-5;
/** Printed numbers (5 decimals) of a script on webgpu against the reference backend: a last-digit difference at most. */
const SCRIPT_RTOL = 2e-5;

type Api = { [K in keyof PageApi]: (...args: Parameters<PageApi[K]>) => Promise<Awaited<ReturnType<PageApi[K]>>> };

/** Calls `window.gradlens[name](...args)` in the page. */
function call<K extends keyof PageApi>(page: Page, name: K, ...args: Parameters<PageApi[K]>): ReturnType<Api[K]> {
  return page.evaluate(
    ([n, a]) => (globalThis as unknown as { gradlens: Record<string, (...x: unknown[]) => unknown> }).gradlens[n](...a),
    [name, args] as const,
  ) as ReturnType<Api[K]>;
}

/** The test page in a fresh browser context (its own renderer and GPUDevice), loaded and isolated. */
async function openPage(browser: Browser, url: string, pageErrors: string[] = []): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => 'gradlens' in globalThis);
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'the page is not cross-origin isolated');
  return page;
}

describe(`webgpu backend in headless Chromium, seed ${SEED} (replay with GRADLENS_SEED=${SEED})`, function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let adapter = '';
  const pageErrors: string[] = [];

  before(async () => {
    server = await serveStatic(__dirname);
    browser = await launchChromium();
    page = await openPage(browser, server.url, pageErrors);
    ({ adapter } = await call(page, 'setup'));
    console.log(`      webgpu adapter: ${adapter}`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });

  for (const prim of PRIMITIVES) {
    it(`${prim} matches the reference${TOLERANCE[prim] ? ` within ${TOLERANCE[prim]}` : ''}`, async () => {
      const report = await call(page, 'primitive', prim, SEED, TOLERANCE[prim] ?? RTOL);
      assert.ok(report.cases > 0, `${prim} has no cases`);
      assert.deepEqual(report.failures, [], `${prim}: worst error ${report.worst}`);
    });
  }

  for (const prim of PRIMITIVES) {
    const tol = JIT_TOLERANCE[prim] ?? RTOL;
    it(`jit: ${prim} compiled for webgpu${FUSED.has(prim) ? ' (a WGSL kernel)' : ''} matches the reference within ${tol}`, async () => {
      const report = await call(page, 'jitPrimitive', prim, SEED, tol);
      assert.ok(report.cases > 0, `${prim} has no cases`);
      if (FUSED.has(prim)) assert.ok(report.fused > 0, `${prim}: no case ran as a WGSL kernel`);
      assert.deepEqual(report.failures, [], `${prim}: worst error ${report.worst}`);
    });
  }

  for (const [prim, span] of [['sin', 30], ['cos', 30], ['tan', 1.5], ['tanh', 10]] as const) {
    it(`eager ${prim} on [-${span}, ${span}] is within ${TRANSCENDENTAL_RTOL} of float64, as the jit's WGSL computes it (tfjs's builtins: 1e-4)`, async () => {
      const r = await call(page, 'eagerPrecision', prim, 4096, span);
      assert.ok(r.worst <= TRANSCENDENTAL_RTOL, `${prim}: error ${r.worst} at x = ${r.at}`);
      assert.ok(r.pipelines <= 1, `${prim}: ${r.pipelines} shaders compiled for two shapes`);
    });
  }

  it('dot_general runs as the WGSL matmul for odd, 1-sized, transposed and batched operands, eager and jit, within 1e-5 of float64', async () => {
    const report = await call(page, 'matmul', SEED);
    assert.deepEqual(report.failures, [], `worst error ${report.worst}`);
  });

  it('the seed snippet through the eager engine: f(2) = 15, df/dx = 7, nothing left behind', async () => {
    assert.deepEqual(await call(page, 'seedGradient'), { value: 15, grad: 7, gradFn: 'AddBackward0', live: 0 });
  });

  it(`${EVALUATIONS} eager evaluations with backward leave the live tensor count unchanged`, async () => {
    const { before, after, grad } = await call(page, 'memory', EVALUATIONS);
    assert.equal(after, before);
    assert.equal(grad, (2 * 0.5 + 3) * (EVALUATIONS + 1));
  });

  it('W2 (value_and_grad of a fused elementwise chain and its sum) runs as WGSL kernels only, within 1e-4 of float64', async () => {
    const r = await call(page, 'w2', 4096);
    assert.ok(r.codegen.length > 0 && r.codegen.every((c) => c === 'wgsl'), `kernels: ${r.codegen.join(', ')}`);
    assert.ok(r.maxValueError < 1e-4, `value error ${r.maxValueError}`);
    assert.ok(r.maxGradError < 1e-4, `gradient error ${r.maxGradError}`);
  });

  it('a second evaluation of the same jitted function compiles no shader: the pipeline cache answers', async () => {
    const r = await call(page, 'shaderCache');
    assert.ok(r.first > 0, 'the first evaluation compiled nothing');
    assert.equal(r.second, 0);
    assert.ok(r.hits >= r.first);
  });

  it(`${EVALUATIONS} jit evaluations on webgpu leave live arrays and GPU bytes unchanged and compile nothing new`, async () => {
    const r = await call(page, 'jitMemory', EVALUATIONS, 256);
    assert.equal(r.live[1], r.live[0]);
    assert.ok(r.gpuBytes[0] >= 0, 'tfjs reports no GPU bytes');
    assert.equal(r.gpuBytes[1], r.gpuBytes[0]);
    assert.equal(r.compiled[1], r.compiled[0]);
    assert.ok(r.hits >= EVALUATIONS);
  });

  it('indices that only the GPU holds are never read back synchronously: the program that lost the device (seed 20248921) runs', async () => {
    const r = await call(page, 'indicesOnTheGpu');
    assert.deepEqual(r.program, [11, 22, 33, 44, 55, 66]);
    // Indices [-1, 3, 0] along axis 1 of [[10, 20, 30], [40, 50, 60]]: -1 wraps to 2, 3 is out of range.
    assert.deepEqual(r.gathered, [30, 0, 10, 60, 0, 40]);
    assert.deepEqual(r.scattered, [3, 0, 1, 6, 0, 4]);
  });

  it('a synchronous read of an array only a WGSL kernel made gives its values, and the device lives on', async () => {
    const r = await call(page, 'syncRead');
    assert.deepEqual(r.read, [2, 4, 6, 8]);
    assert.deepEqual(r.after, [4, 8, 12, 16]);
  });

  describe('Python that reads tensors synchronously: a training loop with .item(), print, float(t), if t > 0, before and inside a function', () => {
    const script = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'webview', 'train_torch.py'), 'utf8');
    const reference = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'webview', 'train_torch.reference.json'), 'utf8')) as { losses: number[] };
    /** The numbers a script printed, in order. */
    const numbers = (output: string) => (output.match(/-?\d+\.\d+(e-?\d+)?/g) ?? []).map(Number);

    it(`prints on webgpu what it prints on the reference backend, within ${SCRIPT_RTOL}, and the losses of float64 NumPy`, async () => {
      const gpu = await call(page, 'runScript', script, 'webgpu');
      const ref = await call(page, 'runScript', script, 'reference');
      assert.equal(gpu.error, null, gpu.output);
      assert.equal(ref.error, null, ref.output);
      assert.equal(gpu.output.replace(/-?\d+\.\d+(e-?\d+)?/g, '#'), ref.output.replace(/-?\d+\.\d+(e-?\d+)?/g, '#'));
      const [got, want] = [numbers(gpu.output), numbers(ref.output)];
      assert.equal(got.length, want.length);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= SCRIPT_RTOL * Math.max(1, Math.abs(want[i])), `number ${i}: webgpu ${g}, reference ${want[i]}`));
      const losses = [...gpu.output.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
      assert.equal(losses.length, reference.losses.length);
      losses.forEach((l, i) => assert.ok(Math.abs(l - reference.losses[i]) <= 1e-5, `step ${i}: loss ${l}, NumPy ${reference.losses[i]}`));
      assert.match(gpu.output, /trained: True/);
      assert.match(gpu.output, /loss_fn: 0\.0303\d/);
      assert.ok(gpu.hostReads.reads > 0, 'no read was answered on the CPU: the script never read the GPU');
      assert.equal(gpu.live, 0, 'the script left arrays behind');
      console.log(`      10 steps: webgpu ${gpu.ms.toFixed(0)} ms (${gpu.hostReads.reads} synchronous reads, ${gpu.hostReads.ops} ops recomputed on the CPU), reference ${ref.ms.toFixed(0)} ms`);
    });

    it(`a jitted JAX training loop, its kernels on the GPU, reading the loss with float() and .item() and if l > 0.3, prints what the reference backend prints within ${SCRIPT_RTOL}`, async () => {
      const jax = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'webgpu', 'train_jax.py'), 'utf8');
      const gpu = await call(page, 'runScript', jax, 'webgpu');
      const ref = await call(page, 'runScript', jax, 'reference');
      assert.equal(gpu.error, null, gpu.output);
      assert.equal(ref.error, null, ref.output);
      assert.equal(gpu.output.replace(/-?\d+\.\d+(e-?\d+)?/g, '#'), ref.output.replace(/-?\d+\.\d+(e-?\d+)?/g, '#'));
      const [got, want] = [numbers(gpu.output), numbers(ref.output)];
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= SCRIPT_RTOL * Math.max(1, Math.abs(want[i])), `number ${i}: webgpu ${g}, reference ${want[i]}`));
      assert.match(gpu.output, /step 19: loss 0\.111\d\d \(below 0\.3\)/);
      assert.ok(gpu.hostReads.ops > 0, 'no value was computed on the CPU: the script never read the GPU');
      assert.equal(gpu.live, 0, 'the script left arrays behind');
    });

    it(`lax.while_loop, cond, scan and fori_loop under jit (grad through scan and fori_loop, vmap of cond) print on webgpu what the reference backend prints within ${SCRIPT_RTOL} (issue 16)`, async () => {
      const source = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'webgpu', 'control_flow_jax.py'), 'utf8');
      const gpu = await call(page, 'runScript', source, 'webgpu');
      const ref = await call(page, 'runScript', source, 'reference');
      assert.equal(gpu.error, null, gpu.output);
      assert.equal(ref.error, null, ref.output);
      assert.equal(gpu.output.replace(/-?\d+\.\d+/g, '#'), ref.output.replace(/-?\d+\.\d+/g, '#'));
      const [got, want] = [numbers(gpu.output), numbers(ref.output)];
      assert.equal(got.length, want.length);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= SCRIPT_RTOL * Math.max(1, Math.abs(want[i])), `number ${i}: webgpu ${g}, reference ${want[i]}\n${gpu.output}`));
      // A float32 NumPy twin of the loop takes 3 Newton steps; its first roots and the scan's sum as NumPy prints them.
      assert.match(gpu.output, /^newton steps 3$/m);
      assert.match(ref.output, /^sqrt 1\.00000 1\.04275 1\.14840 1\.27028 1\.36700 1\.41245$/m);
      assert.match(ref.output, /^scan sum 16\.48652$/m);
      // The while loop's predicate and the printed values live on the GPU: each synchronous read is answered on the CPU.
      assert.ok(gpu.hostReads.ops > 0, 'no value was computed on the CPU: the script never read the GPU');
      assert.equal(gpu.live, 0, 'the script left arrays behind');
      console.log(`      webgpu ${gpu.ms.toFixed(0)} ms (${gpu.hostReads.reads} synchronous reads, ${gpu.hostReads.ops} ops recomputed on the CPU), reference ${ref.ms.toFixed(0)} ms`);
    });

    it('runs 100 steps of the loop with .item() each step on webgpu, the last loss as on the reference backend', async () => {
      const long = script.replace('steps = 10', 'steps = 100');
      const gpu = await call(page, 'runScript', long, 'webgpu');
      const ref = await call(page, 'runScript', long, 'reference');
      assert.equal(gpu.error, null, gpu.output);
      const last = (o: string) => Number([...o.matchAll(/step 99: loss (\d+\.\d+)/g)][0]?.[1]);
      assert.ok(Math.abs(last(gpu.output) - last(ref.output)) <= 1.5e-5, `webgpu ${last(gpu.output)}, reference ${last(ref.output)}`);
      console.log(`      100 steps: webgpu ${gpu.ms.toFixed(0)} ms (${gpu.hostReads.reads} synchronous reads, ${gpu.hostReads.ops} ops recomputed), reference ${ref.ms.toFixed(0)} ms`);
    });
  });

  for (const fixture of ['torch/float64.py', 'jax/x64.py', 'jax/numpy_consts.py']) {
    it(`float64 (${fixture}) is computed on the CPU beside the GPU, printing exactly what PyTorch/NumPy print`, async () => {
      const source = readFileSync(join(__dirname, '..', 'test', 'fixtures', fixture), 'utf8');
      const expected = readFileSync(join(__dirname, '..', 'test', 'fixtures', fixture.replace(/\.py$/, '.expected')), 'utf8');
      const gpu = await call(page, 'runScript', source, 'webgpu');
      assert.equal(gpu.error, null, gpu.output);
      assert.equal(gpu.output, expected);
      assert.ok(gpu.float64Ops > 0, 'no float64 op ran on the CPU');
      assert.equal(gpu.live, 0, 'the script left arrays behind');
    });
  }

  it('a tiny jitted program runs on the CPU when its argument was uploaded from the host, on the GPU when only the GPU holds it or it has a backend primitive, with the same values', async () => {
    const r = await call(page, 'tinyPrograms');
    // W1 at 1.5: 1.5**2 + 4.5 + 5 = 11.75, gradient 2 * 1.5 + 3 = 6.
    for (const p of [r.uploaded, r.gpuOnly]) {
      assert.deepEqual(p.outputs, [[11.75], [6]]);
      assert.equal(p.leaked, 0);
    }
    assert.equal(r.uploaded.ranOn, 'host');
    assert.equal(r.uploaded.shaders, 0, 'a program run on the host ran a shader');
    assert.equal(r.gpuOnly.ranOn, 'gpu');
    assert.ok(r.gpuOnly.shaders > 0);
    assert.equal(r.matmul.ranOn, 'gpu');
    assert.deepEqual(r.matmul.outputs, [[7, 10, 15, 22]]);
  });

  it(`a fused kernel binding more buffers than a shader may runs as WGSL parts, its tan within ${RTOL}`, async () => {
    const r = await call(page, 'wideKernel');
    assert.ok(r.bindings > r.maxBindings, `the kernel binds ${r.bindings} buffers, the device allows ${r.maxBindings}: make it wider`);
    assert.deepEqual(r.codegen, ['wgsl']);
    assert.ok(r.worst <= RTOL, `worst error ${r.worst}`);
    assert.equal(r.leaked, 0, 'values passed between the parts were not freed');
    assert.ok(r.sourceParts >= 2, 'the viewer\'s WGSL does not show the parts that run');
  });

  it(`differential: ${PROGRAMS * PROGRAM_LENGTHS.length} random programs from seed ${PROGRAM_SEED} (replay with GRADLENS_PROGRAM_SEED=${PROGRAM_SEED}), jit(value_and_grad) on webgpu against float64 within ${PROGRAM_RTOL}`, async () => {
    const r = await call(page, 'programs', PROGRAM_SEED, PROGRAMS, PROGRAM_LENGTHS, PROGRAM_RTOL);
    console.log(`      ${r.run} programs judged, ${r.illConditioned} where float32 itself departs from float64 set aside`);
    assert.deepEqual(r.failures, []);
    assert.ok(r.illConditioned <= r.run / 5, `${r.illConditioned} programs set aside`);
  });
});

describe('webgpu backend in headless Chromium: a lost device', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  before(async () => {
    server = await serveStatic(__dirname);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // NB: a page of its own, so that the destroyed device cannot take the other tests with it.
  it('destroyed mid-session, it moves openBackend to wasm, says so through info and onFallback, and the next evaluation is right', async () => {
    const pageErrors: string[] = [];
    const page = await openPage(browser, server.url, pageErrors);
    const r = await call(page, 'lostDevice');
    assert.equal(r.before.name, 'webgpu');
    assert.ok(r.before.adapter, 'no adapter description before the loss');
    assert.deepEqual(r.after, { name: 'wasm' });
    assert.equal(r.fallbacks.length, 1);
    assert.deepEqual(r.fallbacks[0].info, { name: 'wasm' });
    assert.ok(r.fallbacks[0].reason.length > 0, 'onFallback gave no reason');
    const [gpu, wasm, want] = r.values;
    want.forEach((w, i) => {
      const tol = 1e-5 * Math.max(1, Math.abs(w));
      assert.ok(Math.abs(gpu[i] - w) <= tol, `value ${i} on webgpu: ${gpu[i]}, reference ${w}`);
      assert.ok(Math.abs(wasm[i] - w) <= tol, `value ${i} on wasm after the loss: ${wasm[i]}, reference ${w}`);
    });
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });
});
