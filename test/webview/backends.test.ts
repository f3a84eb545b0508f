import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { EvaluateRequest, EvaluationResult, Numbers } from '../../protocol';
import { launchChromium } from '../webgpu/browser';
import { WebviewPage } from './page';

/**
 * The panel evaluating realistic files on each `gradlens.backend` setting, under its real CSP
 * (no 'unsafe-eval'): a JAX MLP (the jit's fused kernels run on the host on wasm and cpu) and a
 * PyTorch training loop that reads tensors synchronously before and inside the function.
 * Values and gradients agree with float64 NumPy (test/fixtures/webview/*_reference.py) when
 * |got - want| <= RTOL * |want| + ATOL: float32 through a few dozen ops, and the GPU's own
 * transcendentals.
 */
const ROOT = join(__dirname, '..');
const RTOL = 1e-4;
const ATOL = 1e-6;
const MLP = 'file:///work/test/fixtures/webview/mlp_jax.py';
const TRAIN = 'file:///work/test/fixtures/webview/train_torch.py';

interface Reference { value: number; grad: Record<string, Numbers> }

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'webview', name), 'utf8');

function request(text: string, uri: string, fn: string, backend: EvaluateRequest['backend']): EvaluateRequest {
  return { uri, text, function: fn, engines: 'both', backend, graphs: true };
}

function assertClose(got: Numbers | undefined, want: Numbers, what: string): void {
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${what}: ${JSON.stringify(got)} against ${JSON.stringify(want)}`);
    want.forEach((w, i) => assertClose((got as readonly Numbers[])[i], w, `${what}[${i}]`));
    return;
  }
  assert.equal(typeof got, 'number', `${what}: ${JSON.stringify(got)}`);
  const [g, w] = [got as number, want as number];
  assert.ok(Math.abs(g - w) <= RTOL * Math.abs(w) + ATOL, `${what}: ${g}, float64 reference ${w}`);
}

/** Value and every gradient the reference has, from each engine that ran. */
function assertMatches(result: EvaluationResult, ref: Reference, engines: readonly ('eager' | 'jit')[]): void {
  for (const e of engines) {
    const run = result[e];
    assert.ok(run, `the ${e} engine did not run${result.jitError ? `: ${result.jitError}` : ''}`);
    assertClose(run.value, ref.value, `${e} value`);
    for (const [name, g] of Object.entries(ref.grad)) assertClose(run.grad[name], g, `${e} ∇${name}`);
  }
}

describe('the panel on each backend setting, under its CSP', function () {
  this.timeout(300_000);
  let browser: Browser;
  let panel: WebviewPage;
  let id = 0;
  const timings: string[] = [];

  before(async () => {
    browser = await launchChromium();
    panel = await WebviewPage.open(browser);
    await panel.waitForPosted('ready');
  });

  after(async () => {
    const violations = await panel?.violations();
    await panel?.close();
    await browser?.close();
    if (timings.length > 0) console.log(`      ${timings.join('; ')}`);
    assert.deepEqual(violations, [], 'the page broke its Content-Security-Policy');
    assert.deepEqual(panel?.errors ?? [], [], 'errors in the page');
  });

  async function evaluate(text: string, uri: string, fn: string, backend: EvaluateRequest['backend']): Promise<EvaluationResult> {
    const n = ++id;
    const started = Date.now();
    await panel.send({ type: 'evaluate', id: n, request: request(text, uri, fn, backend) });
    const { outcome } = await panel.waitForPosted('outcome', { id: n });
    timings.push(`${fn} on ${backend}: ${Date.now() - started} ms`);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.backend.name, backend);
    return outcome.result;
  }

  for (const backend of ['webgpu', 'wasm', 'cpu'] as const) {
    it(`${backend}: a JAX MLP's loss and gradient, eager and jit, as float64 NumPy computes them`, async () => {
      const result = await evaluate(fixture('mlp_jax.py'), MLP, 'mlp_loss', backend);
      assertMatches(result, JSON.parse(fixture('mlp_jax.reference.json')) as Reference, ['eager', 'jit']);
    });
  }

  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`${backend}: a PyTorch training loop with .item(), print, float(t) and if t > 0 before the example call and inside the function`, async () => {
      const result = await evaluate(fixture('train_torch.py'), TRAIN, 'loss_fn', backend);
      assertMatches(result, JSON.parse(fixture('train_torch.reference.json')) as Reference, ['eager']);
      // Where the values read at once came from: SwiftShader's GPU cannot be read synchronously.
      if (backend === 'webgpu') {
        assert.ok((result.hostReads ?? 0) >= 10, `hostReads ${result.hostReads}: the loop reads the loss each step`);
        await panel.page.waitForSelector('.results .host-reads');
        assert.match(await panel.page.textContent('.results .host-reads') ?? '', /^\d+ values read at once .* computed on the CPU/);
      } else {
        assert.equal(result.hostReads, undefined);
      }
    });
  }

  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`${backend}: a float64 function's value and gradient are PyTorch's float64 digits; on webgpu the panel says they were computed on the CPU`, async () => {
      const text = ['import torch', 'x0 = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)', 'def f(x):', '    return (x.exp() * x).sum()', 'f(x0)', ''].join('\n');
      const result = await evaluate(text, 'file:///work/f64.py', 'f', backend);
      // PyTorch 1.13: y.item(), x.grad.tolist()
      assert.equal(result.eager!.value, 0.7597552857123997);
      assert.deepEqual(result.eager!.grad, { x: [1.2156880098832126, 1.4656833097922037, 1.7548164498488041] });
      if (backend === 'webgpu') {
        assert.ok((result.float64OnCpu ?? 0) > 0, `float64OnCpu ${result.float64OnCpu}`);
        await panel.page.waitForSelector('.results .float64-on-cpu');
        assert.match(await panel.page.textContent('.results .float64-on-cpu') ?? '', /^float64: \d+ ops? computed on the CPU in float64 \(WebGPU has no f64/);
      } else {
        assert.equal(result.float64OnCpu, undefined);
      }
    });
  }

  for (const backend of ['webgpu', 'wasm', 'cpu'] as const) {
    it(`${backend}: an entropy with an empty bin, -(p * log p).sum(), is nan as in PyTorch (0 * log 0), on both engines`, async () => {
      const text = ['import torch', 'probs = torch.tensor([0.5, 0.25, 0.25, 0.0])', 'def entropy(p):', '    return -(p * torch.log(p)).sum()', 'entropy(probs)', ''].join('\n');
      const result = await evaluate(text, 'file:///work/entropy.py', 'entropy', backend);
      assert.ok(Number.isNaN(result.eager!.value as number), `eager: ${result.eager!.value}`);
      assert.ok(Number.isNaN(result.jit!.value as number), `jit: ${result.jit!.value}`);
    });
  }
});
