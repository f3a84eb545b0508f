import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { EvaluateRequest, EvaluationOutcome, Numbers } from '../../protocol';
import { graphSvg, layoutGraph } from '../../evaluation/graph_layout';
import { launchChromium } from '../webgpu/browser';
import { jaxprGraph, outcomeOf, plotOf, tapeGraph } from './fixtures';
import { contrastRatio, paintedGraphTexts } from './contrast';
import { THEMES, WebviewPage } from './page';
import { MALFORMED_TO_WEBVIEW } from '../unit/protocol/malformed_messages';

/**
 * The webview outside VS Code: dist/webview.js in headless Chromium under panelHtml's CSP, with a
 * fake acquireVsCodeApi. Evaluations run for real on the page's WebGPU (SwiftShader); the small
 * graph and plot cases are shown from the CLI's real output (test/fixtures/webview).
 */
const ROOT = join(__dirname, '..');
/** Screenshots of the panel as the tests leave it, for people to look at. */
const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');
mkdirSync(ARTIFACTS, { recursive: true });
const SEED_TORCH = 'file:///work/examples/seed_torch.py';
const SEED_JAX = 'file:///work/examples/seed_jax.py';
const NEWTON = 'file:///work/test/fixtures/webview/newton_jax.py';
const SQRT_NAN = 'file:///work/test/fixtures/webview/sqrt_nan_jax.py';

function request(file: string, uri: string, engines: EvaluateRequest['engines'], fn = 'f'): EvaluateRequest {
  return { uri, text: readFileSync(join(ROOT, file), 'utf8'), function: fn, engines, backend: 'auto', graphs: true };
}

interface Box { id: string; x: number; y: number; width: number; height: number }

function inside(b: Box, outer: Box): boolean {
  return b.x >= outer.x && b.y >= outer.y && b.x + b.width <= outer.x + outer.width && b.y + b.height <= outer.y + outer.height;
}

function overlapping(boxes: readonly Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) found.push(`${a.id} and ${b.id}`);
    }
  }
  return found;
}

describe('webview panel and execution host in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let panel: WebviewPage;

  before(async () => {
    browser = await launchChromium();
    panel = await WebviewPage.open(browser);
  });

  after(async () => {
    const violations = await panel?.violations();
    await panel?.close();
    await browser?.close();
    assert.deepEqual(violations, [], 'the page broke its Content-Security-Policy');
    assert.deepEqual(panel?.errors ?? [], [], 'errors in the page');
  });

  /** The graph viewer's node boxes as laid out (the graph's own coordinates). */
  async function nodeBoxes(): Promise<(Box & { label: string })[]> {
    return panel.page.$$eval('.graph-view .node', (nodes) =>
      nodes.map((n) => ({
        id: n.getAttribute('data-node') ?? '',
        label: n.querySelector('.node-label')?.textContent ?? '',
        x: Number(n.getAttribute('data-x')),
        y: Number(n.getAttribute('data-y')),
        width: Number(n.getAttribute('data-width')),
        height: Number(n.getAttribute('data-height')),
      })),
    );
  }

  /** A PNG (base64) decoded by the browser: its size, and the share of its pixels unlike its top-left one. */
  async function decodePng(base64: string): Promise<{ width: number; height: number; inked: number }> {
    return panel.page.evaluate(async (b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) inked++;
      return { width: bitmap.width, height: bitmap.height, inked: inked / (data.length / 4) };
    }, base64);
  }

  /** The fused kernels' group boxes as laid out. */
  async function groupBoxes(): Promise<Box[]> {
    return panel.page.$$eval('.graph-view .group', (gs) =>
      gs.map((g) => ({ id: g.getAttribute('data-group') ?? '', x: Number(g.getAttribute('data-x')), y: Number(g.getAttribute('data-y')), width: Number(g.getAttribute('data-width')), height: Number(g.getAttribute('data-height')) })),
    );
  }

  async function showAndLayOut(outcome: EvaluationOutcome, kind: string): Promise<void> {
    await panel.send({ type: 'show', outcome, view: 'graph' });
    await panel.page.waitForSelector(`.graph-viewer[data-state="laid-out"][data-kind="${kind}"]`, { timeout: 60_000 });
  }

  it("reports 'ready' on WebGPU with the adapter's description", async () => {
    const ready = await panel.waitForPosted('ready');
    assert.equal(ready.backend.name, 'webgpu');
    assert.match(ready.backend.adapter ?? '', /swiftshader/i);
  });

  it('evaluates the seed torch snippet: value 15.0, gradient 7.0, shown in the panel', async () => {
    await panel.send({ type: 'evaluate', id: 1, request: request('examples/seed_torch.py', SEED_TORCH, 'eager') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 1 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.value, 15);
    assert.deepEqual(outcome.result.grad, { x: 7 });
    assert.equal(outcome.result.backend.name, 'webgpu');
    const posted = await panel.posted();
    assert.ok(posted.some((m) => m.type === 'progress' && m.id === 1), 'no progress was reported');
    await panel.page.waitForSelector('.results table.values');
    assert.equal(await panel.page.textContent('.results tr.value td.shown'), '15.0');
    assert.equal(await panel.page.textContent('.results tr.grad td.shown'), '7.0');
  });

  it("shows a vector-valued function's Jacobian and the line where .item() cut its gradient (issue 11.7, 11.4)", async () => {
    await panel.send({ type: 'evaluate', id: 41, request: request('test/fixtures/webview/predict_torch.py', 'file:///work/test/fixtures/webview/predict_torch.py', 'eager', 'predict') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 41 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    // torch.autograd.functional.jacobian(predict, (w, b)) in PyTorch 1.13.
    const want = { w: [[0.2494, 0.4988], [0.3519, -0.1173]], b: [0.2494, 0.1173] };
    const jac = outcome.result.jacobian!;
    assert.deepEqual(jac.valueShape, [2]);
    for (const [k, v] of Object.entries(want)) {
      const got = (jac.of![k] as Numbers[]).flat(2) as number[];
      v.flat().forEach((x, i) => assert.ok(Math.abs(got[i] - x) < 1e-3, `J[predict, ${k}] ${got} vs PyTorch ${v}`));
    }
    await panel.page.waitForSelector('.results table.jacobian');
    const rows = await panel.page.$$eval('.results table.jacobian th[scope="row"]', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(rows, ['J[predict, w]', 'J[predict, b]']);
    assert.equal(await panel.page.textContent('.results tr.grad th'), '∂sum(predict)/∂w');
    await panel.send({ type: 'evaluate', id: 42, request: request('test/fixtures/webview/predict_torch.py', 'file:///work/test/fixtures/webview/predict_torch.py', 'eager', 'scaled_loss') });
    const cut = await panel.waitForPosted('outcome', { id: 42 });
    assert.ok(cut.outcome.ok, JSON.stringify(cut.outcome));
    await panel.page.waitForSelector('.results .gradient-cut');
    assert.match(await panel.page.textContent('.results .gradient-cut') ?? '', /^predict_torch\.py:8:13: warning: 'w\.sum\(\)\.item\(\)' reads a tensor/);
  });

  it('evaluates the seed JAX snippet with both engines: 15.0 and 7.0 from each, timings as bars, where jit ran', async () => {
    await panel.send({ type: 'evaluate', id: 2, request: request('examples/seed_jax.py', SEED_JAX, 'both') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 2 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.value, 15);
    assert.deepEqual(outcome.result.grad, { x: 7 });
    assert.deepEqual(outcome.result.jit?.grad, { x: 7 });
    // A scalar program runs its kernels on the CPU even on WebGPU, and the panel says so.
    assert.equal(outcome.result.jit?.ranOn, 'host');
    assert.match(await panel.page.textContent('.compare-pane .speedup') ?? '', /on the CPU: every value is tiny/);
    const bars = await panel.page.$$eval('.compare-pane .bar', (bs) => bs.map((b) => b.getAttribute('data-label')));
    assert.deepEqual(bars, ['eager · run', 'jit · trace', 'jit · compile', 'jit · run']);
  });

  it("shows the WGSL the live evaluation's fused kernel runs as on WebGPU, on a click on the kernel", async () => {
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="forward"] .graph-view .group');
    await panel.page.click('.graph-view .group .group-label');
    await panel.page.waitForSelector('.graph-details:not([hidden]) pre');
    assert.match(await panel.page.textContent('.graph-details h3') ?? '', /^kernel \d+: 4 fused: generated wgsl source$/);
    const wgsl = await panel.page.textContent('.graph-details pre') ?? '';
    assert.match(wgsl, /@compute @workgroup_size\(/);
    assert.match(wgsl, /fn main\(/);
  });

  it('draws the nodes of x**2 + 3*x + 5 laid out without overlap, the fused kernel as a group box around them', async () => {
    await showAndLayOut(outcomeOf('seed_jax.grad.json', SEED_JAX, 'jax', [jaxprGraph('seed_jax.graph.json', 'forward')]), 'forward');
    const boxes = await nodeBoxes();
    assert.deepEqual(boxes.map((b) => b.label).sort(), ['a', 'add', 'add', 'integer_pow', 'mul', 'out 0']);
    assert.deepEqual(overlapping(boxes), []);
    const groups = await groupBoxes();
    assert.equal(groups.length, 1);
    const [k] = groups;
    for (const b of boxes.filter((b) => !['a', 'out0'].includes(b.id))) assert.ok(inside(b, k), `${b.id} lies outside the kernel's box`);
    const edgeLabels = await panel.page.$$eval('.graph-view .edge-label', (ls) => ls.map((l) => l.textContent));
    assert.ok(edgeLabels.length > 0 && edgeLabels.every((l) => l === 'f32[]'), `edge types: ${edgeLabels.join(', ')}`);
  });

  // Issue 18: the graph exported from the panel is the command line's SVG (graph_layout's graphSvg) of the layout drawn.
  it('Export SVG posts the graph as drawn, the SVG graphSvg writes of the same layout, which parses as SVG', async () => {
    await panel.page.click('.graph-viewer .toolbar vscode-button.export[data-format="svg"]');
    const exported = await panel.waitForPosted('export', { format: 'svg' });
    assert.equal(exported.uri, SEED_JAX);
    assert.equal(exported.fileName, 'f-forward.svg');
    const { width, height } = (await panel.page.locator('.graph-view').boundingBox())!;
    const graph = jaxprGraph('seed_jax.graph.json', 'forward');
    assert.equal(exported.content, graphSvg(await layoutGraph(graph, width / height), 'f'));
    // NB: parsed in a blank page of its own: a document parsed in the panel's page falls under its CSP (its <style> would count as a violation there).
    const blank = await browser.newPage();
    const parsed = await blank.evaluate((text: string) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName, labels: Array.from(doc.querySelectorAll('.node-label')).map((l) => l.textContent ?? '') };
    }, exported.content);
    await blank.close();
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'svg');
    assert.deepEqual(parsed.labels.sort(), (await nodeBoxes()).map((b) => b.label).sort());
  });

  it('Export PNG posts that SVG drawn as a PNG at twice its size', async () => {
    await panel.page.click('.graph-viewer .toolbar vscode-button.export[data-format="png"]');
    const exported = await panel.waitForPosted('export', { format: 'png' });
    assert.equal(exported.fileName, 'f-forward.png');
    const svgText = (await panel.waitForPosted('export', { format: 'svg' })).content;
    const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svgText)!;
    const decoded = await decodePng(exported.content);
    assert.deepEqual([decoded.width, decoded.height], [2 * Number(w), 2 * Number(h)]);
    assert.ok(decoded.inked > 0.01, `only ${decoded.inked} of the PNG's pixels differ from its background: the graph was not drawn`);
  });

  it('clicking a node posts reveal with its source line', async () => {
    await panel.page.click('.graph-view .node[data-node="c"]');
    const reveal = await panel.waitForPosted('reveal');
    assert.equal(reveal.uri, SEED_JAX);
    assert.deepEqual(reveal.range, { line: 5, col: 21, endLine: 5, endCol: 26 });
  });

  it('shows the jaxpr on demand', async () => {
    await panel.page.click('.graph-viewer .toolbar vscode-button:has-text("Jaxpr")');
    const text = await panel.page.textContent('.graph-details pre');
    assert.match(text ?? '', /b:f32\[\] = integer_pow\[y=2\] a/);
  });

  it('draws the eager tape of the torch snippet', async () => {
    await showAndLayOut(outcomeOf('seed_torch.grad.json', SEED_TORCH, 'torch', [tapeGraph('seed_torch.graph.json')]), 'tape');
    const labels = (await nodeBoxes()).map((b) => b.label).sort();
    assert.deepEqual(labels, ['AccumulateGrad', 'AddBackward0', 'AddBackward0', 'MulBackward0', 'PowBackward0']);
    assert.deepEqual(overlapping(await nodeBoxes()), []);
  });

  it('plots f, f′ and the tangent at the input for a function of one variable', async () => {
    const outcome = outcomeOf('seed_jax.grad.json', SEED_JAX, 'jax', [], plotOf('seed_jax.plot.jsonl', 'x', 2));
    await panel.send({ type: 'show', outcome, view: 'results' });
    await panel.page.waitForSelector('.plot-view');
    const points = await panel.page.$$eval('.plot-view polyline', (ps) => ps.map((p) => (p.getAttribute('points') ?? '').split(' ').length));
    assert.deepEqual(points, [21, 21]);
    const legend = await panel.page.textContent('.plot .legend .tangent');
    assert.equal(legend, 'tangent at x = 2.0: slope 7.0');
  });

  // Issue 18: the plot exported as the curve is: its samples as CSV, the drawing as SVG and PNG.
  it('exports the plot of f and f′ as CSV (each sample: x, f, f′), as an SVG that parses with its curves, tangent and legend, and as a PNG (issue 18)', async () => {
    await panel.page.click('.plot .plot-head vscode-button.export[data-format="csv"]');
    const csv = await panel.waitForPosted('export', { format: 'csv', fileName: 'f-plot.csv' });
    assert.equal(csv.uri, SEED_JAX);
    const [head, ...rows] = csv.content.trimEnd().split('\n');
    assert.equal(head, 'x,f,df/dx');
    assert.equal(rows.length, 21);
    // f(x) = x**2 + 3*x + 5 and f′(x) = 2*x + 3, exact in float32 at these halves.
    for (const row of rows) {
      const [x, f, df] = row.split(',').map(Number);
      assert.deepEqual([f, df], [x ** 2 + 3 * x + 5, 2 * x + 3], row);
    }
    assert.ok(rows.includes('2.0,15.0,7.0'), rows.join(' | '));

    await panel.page.click('.plot .plot-head vscode-button.export[data-format="svg"]');
    const svgExport = await panel.waitForPosted('export', { format: 'svg', fileName: 'f-plot.svg' });
    const onPage = await panel.page.$$eval('.plot-view polyline', (ps) => ps.map((p) => p.getAttribute('points')));
    // NB: parsed in a blank page of its own, as the graph's SVG is.
    const blank = await browser.newPage();
    const parsed = await blank.evaluate((text: string) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const attributes = (e: Element | null) => (e ? { stroke: e.getAttribute('stroke'), fill: e.getAttribute('fill'), dash: e.getAttribute('stroke-dasharray') } : null);
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        size: [doc.documentElement.getAttribute('width'), doc.documentElement.getAttribute('height')],
        curves: Array.from(doc.querySelectorAll('polyline.curve')).map((p) => ({ cls: p.getAttribute('class'), points: p.getAttribute('points'), ...attributes(p) })),
        tangent: attributes(doc.querySelector('line.tangent')),
        texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? ''),
        keys: Array.from(doc.querySelectorAll('line.legend-key')).map((l) => l.getAttribute('stroke')),
        styled: doc.querySelectorAll('style, [style]').length,
      };
    }, svgExport.content);
    await blank.close();
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'svg');
    assert.deepEqual(parsed.size, ['420', String(240 + 26 + 22)]);
    assert.deepEqual(parsed.curves.map((c) => c.cls), ['curve f', 'curve df']);
    assert.deepEqual(parsed.curves.map((c) => c.points), onPage, 'the exported curves are not the ones drawn');
    assert.ok(parsed.curves.every((c) => c.fill === 'none' && /^rgb/.test(c.stroke ?? '')), JSON.stringify(parsed.curves));
    assert.notEqual(parsed.curves[0].stroke, parsed.curves[1].stroke, 'f and f′ are drawn in one colour');
    assert.match(parsed.curves[1].dash ?? '', /^6(px)?,? 3/);
    assert.match(parsed.tangent?.stroke ?? '', /^rgb/);
    assert.equal(parsed.texts[0], 'f: f and f′ around x = 2.0');
    assert.deepEqual(parsed.texts.slice(-3), ['f', 'f′', 'tangent at x = 2.0: slope 7.0']);
    assert.deepEqual(parsed.keys, [parsed.curves[0].stroke, parsed.curves[1].stroke, parsed.tangent?.stroke]);
    assert.equal(parsed.styled, 0, 'the document depends on a style sheet');

    await panel.page.click('.plot .plot-head vscode-button.export[data-format="png"]');
    const png = await panel.waitForPosted('export', { format: 'png', fileName: 'f-plot.png' });
    writeFileSync(join(ARTIFACTS, 'plot-export.png'), Buffer.from(png.content, 'base64'));
    const decoded = await decodePng(png.content);
    assert.deepEqual([decoded.width, decoded.height], [2 * 420, 2 * (240 + 26 + 22)]);
    assert.ok(decoded.inked > 0.01, `only ${decoded.inked} of the PNG's pixels differ from its background: the plot was not drawn`);
  });

  it('draws no tangent point where f is NaN at the input, and says why', async () => {
    await panel.send({ type: 'evaluate', id: 3, request: request('test/fixtures/webview/sqrt_nan_jax.py', SQRT_NAN, 'eager') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 3 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(outcome.result.plot, 'no plot: f is finite right of 0');
    await panel.page.waitForSelector('.plot .legend .non-finite');
    assert.equal(await panel.page.textContent('.plot .legend .non-finite'), 'no tangent at x = -0.5: f is nan');
    assert.equal(await panel.page.$$eval('.plot-view .at, .plot-view .tangent', (es) => es.length), 0);
    const attributes = await panel.page.$$eval('.plot-view *', (es) => es.flatMap((e) => Array.from(e.attributes, (a) => a.value)));
    assert.deepEqual(attributes.filter((a) => /NaN|Infinity/.test(a)), []);
    const points = await panel.page.$$eval('.plot-view polyline', (ps) => ps.map((p) => (p.getAttribute('points') ?? '').split(' ').length));
    assert.deepEqual(points, [outcome.result.plot.xs.length, outcome.result.plot.xs.length]);
  });

  it('collapses the 66 Newton iterations of a real 202-node evaluation into one node, laid out without overlap, and expands it on click', async () => {
    await panel.send({ type: 'evaluate', id: 4, request: request('test/fixtures/webview/newton_jax.py', NEWTON, 'eager', 'newton_sqrt') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 4 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const forward = outcome.result.graphs?.find((g) => g.kind === 'forward');
    assert.ok(forward && forward.nodes.length >= 200, `${forward?.nodes.length} nodes`);
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="forward"] .graph-view .node.collapsed');
    const collapsed = await nodeBoxes();
    assert.ok(collapsed.length < 60, `${collapsed.length} nodes drawn`);
    assert.deepEqual(collapsed.map((b) => b.label).sort(), ['a', 'div 2.0', 'out', 'sin', '×66 iterations']);
    assert.deepEqual(overlapping(collapsed), []);
    assert.match(await panel.page.textContent('.graph-status') ?? '', new RegExp(`^${forward.nodes.length} nodes, 5 drawn`));
    // The fused kernel is still drawn around what it fused, the collapsed iterations included.
    const [kernel] = await groupBoxes();
    const repeat = collapsed.find((b) => b.label === '×66 iterations')!;
    assert.ok(inside(repeat, kernel), 'the collapsed iterations lie outside their kernel');

    await panel.page.click(`.graph-view .node[data-node="${repeat.id}"]`);
    const reveal = await panel.waitForPosted('reveal', { uri: NEWTON });
    assert.deepEqual(reveal.range, { line: 8, col: 13, endLine: 8, endCol: 30 });
    await panel.page.waitForFunction((n) => document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .node').length === n, forward.nodes.length);
    assert.deepEqual(overlapping(await nodeBoxes()), []);

    await panel.page.click('.graph-viewer .toolbar vscode-button:has-text("Collapse all")');
    await panel.page.waitForFunction(() => document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .node').length === 5);
  });

  it('collapses the gradient of the same evaluation (667 nodes: two loops and chains) below 60 drawn nodes, without overlap', async () => {
    await panel.page.click('.graph-viewer .graph-kinds vscode-button[data-kind="gradient"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="gradient"]', { timeout: 60_000 });
    const boxes = await nodeBoxes();
    assert.ok(boxes.length < 60, `${boxes.length} nodes drawn`);
    assert.ok(boxes.filter((b) => /^×\d+ iterations$/.test(b.label)).length >= 2, boxes.map((b) => b.label).join(', '));
    assert.deepEqual(overlapping(boxes), []);
  });

  it('draws lax.scan as one node holding its body, and on a click its body\'s ops (the cond nested in it collapsed) in a box labelled as JAX names it (issue 16)', async () => {
    const text = [
      'import jax.numpy as jnp',
      'from jax import lax',
      '',
      'def decay(x):',
      '    def step(c, e):',
      '        c = 0.9 * c + e',
      '        return c, lax.cond(c > 0, lambda u: u * u, lambda u: -u, c)',
      '    total, ys = lax.scan(step, 0.0, x)',
      '    return total + jnp.sum(ys)',
      '',
      'decay(jnp.array([1.0, -2.0, 0.5]))',
      '',
    ].join('\n');
    await panel.send({ type: 'evaluate', id: 40, request: { uri: 'file:///work/decay.py', text, function: 'decay', engines: 'eager', backend: 'auto', graphs: true } });
    const { outcome } = await panel.waitForPosted('outcome', { id: 40 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="forward"] .graph-view .node.collapsed');
    const collapsed = await nodeBoxes();
    // The carry's initial 0.0 is a literal operand: part of the node's label.
    assert.ok(collapsed.some((b) => b.label === 'scan 0.0'), collapsed.map((b) => b.label).join(', '));
    assert.ok(!collapsed.some((b) => b.label === 'mul 0.9' || b.label === 'cond'), 'the body is drawn before the click');
    assert.deepEqual(await panel.page.$$eval('.graph-view .group .group-label', (ls) => ls.map((l) => l.textContent)).then((ls) => ls.filter((l) => /jaxpr|branch/.test(l ?? ''))), []);

    const scan = collapsed.find((b) => b.label === 'scan 0.0')!;
    await panel.page.click(`.graph-view .node[data-node="${scan.id}"]`);
    await panel.page.waitForFunction((n) => document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .node').length > n, collapsed.length);
    const open = await nodeBoxes();
    const labels = open.map((b) => b.label);
    for (const l of ['scan 0.0', 'mul 0.9', 'add', 'gt 0.0', 'cond']) assert.ok(labels.includes(l), `${l} is not drawn: ${labels.join(', ')}`);
    assert.ok(!labels.includes('neg'), 'the cond\'s branches opened with the scan');
    assert.deepEqual(overlapping(open), []);
    const boxLabels = await panel.page.$$eval('.graph-view .group .group-label', (ls) => ls.map((l) => l.textContent ?? ''));
    assert.ok(boxLabels.some((l) => l.startsWith('scan jaxpr')), boxLabels.join(', '));
    const box = (await groupBoxes()).find((g) => g.id === `body:${scan.id.replace(/^body:/, '')}.0`)!;
    assert.ok(box, 'no box around the scan body');
    for (const b of open.filter((n) => ['mul 0.9', 'gt 0.0', 'cond'].includes(n.label))) assert.ok(inside(b, box), `${b.label} lies outside the scan body's box`);
    await panel.page.screenshot({ path: join(ARTIFACTS, 'graph-scan-body.png') });

    await panel.page.click('.graph-viewer .toolbar vscode-button:has-text("Collapse all")');
    await panel.page.waitForFunction((n) => document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .node').length === n, collapsed.length);
  });

  it('draws a real nn.Module model grouped by module: boxes labelled as named_modules() names them, inner modules collapsed to one node with their shapes, opened and closed by click and keyboard (issue 15)', async () => {
    const text = [
      'import torch',
      'import torch.nn as nn',
      '',
      'class Block(nn.Module):',
      '    def __init__(self, d):',
      '        super().__init__()',
      '        self.fc = nn.Linear(d, d)',
      '        self.act = nn.Tanh()',
      '',
      '    def forward(self, x):',
      '        return x + self.act(self.fc(x))',
      '',
      'class Net(nn.Module):',
      '    def __init__(self, depth):',
      '        super().__init__()',
      '        self.embed = nn.Linear(3, 4)',
      '        self.layers = nn.ModuleList([Block(4) for _ in range(depth)])',
      '        self.head = nn.Linear(4, 1)',
      '',
      '    def forward(self, x):',
      '        h = self.embed(x)',
      '        for layer in self.layers:',
      '            h = layer(h)',
      '        return self.head(h)',
      '',
      'torch.manual_seed(0)',
      'model = Net(8)',
      '',
      'def loss(x):',
      '    return model(x).pow(2).mean()',
      '',
      'loss(torch.randn(2, 3))',
      '',
    ].join('\n');
    await panel.send({ type: 'evaluate', id: 45, request: { uri: 'file:///work/blocks.py', text, function: 'loss', engines: 'both', backend: 'auto', graphs: true } });
    const { outcome } = await panel.waitForPosted('outcome', { id: 45 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const tape = outcome.result.graphs?.find((g) => g.kind === 'tape');
    assert.ok(tape && tape.nodes.length > 60, `${tape?.nodes.length} tape nodes`);
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    await panel.page.click('.graph-viewer .graph-kinds vscode-button[data-kind="tape"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="tape"] .graph-view .node.collapsed-scope');
    const scopeBoxes = async (): Promise<(Box & { label: string })[]> => panel.page.$$eval('.graph-view .scope', (gs) => gs.map((g) => ({
      id: g.getAttribute('data-scope') ?? '', label: (g.querySelector('.scope-label')?.textContent ?? '').replace(/^▾ /, ''),
      x: Number(g.getAttribute('data-x')), y: Number(g.getAttribute('data-y')), width: Number(g.getAttribute('data-width')), height: Number(g.getAttribute('data-height')),
    })));
    const drawn = await nodeBoxes();
    assert.ok(drawn.length <= 60, `${drawn.length} nodes drawn`);
    assert.deepEqual(overlapping(drawn), []);
    const boxes = await scopeBoxes();
    const labels = boxes.map((b) => b.label);
    for (const l of ['Net', 'embed (Linear)', 'layers.0 (Block)', 'layers.7 (Block)', 'head (Linear)']) assert.ok(labels.includes(l), `no box ${l}: ${labels.join(', ')}`);
    assert.ok(!labels.includes('layers.3.fc (Linear)'), 'the blocks\' inner modules start open');
    // Each block's inner modules are one node each, typed by what flows in and out, inside the block's box.
    const fc = drawn.find((b) => b.label === 'layers.3.fc (Linear)');
    assert.ok(fc, drawn.map((b) => b.label).join(', '));
    assert.equal(await panel.page.textContent(`.graph-view .node[data-node="${fc.id}"] .node-type`), 'f32[2,4] → f32[2,4]');
    assert.ok(inside(fc, boxes.find((b) => b.label === 'layers.3 (Block)')!), 'layers.3.fc lies outside its block');
    assert.ok(inside(boxes.find((b) => b.label === 'layers.3 (Block)')!, boxes.find((b) => b.label === 'Net')!), 'the block lies outside the model');
    // The embedding's weight is drawn inside the embedding's box, with its shape.
    const weight = drawn.find((b) => b.label === 'embed.weight');
    assert.ok(weight && inside(weight, boxes.find((b) => b.label === 'embed (Linear)')!), 'embed.weight is not inside embed (Linear)');

    // A click opens the module: its box, its parameters inside it.
    await panel.page.click('.graph-viewer .toolbar vscode-button:has-text("Fit")');
    await panel.page.click(`.graph-view .node[data-node="${fc.id}"]`);
    await panel.page.waitForFunction(() => Array.from(document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .scope-label')).some((l) => l.textContent === '▾ layers.3.fc (Linear)'));
    const opened = await nodeBoxes();
    const fcBox = (await scopeBoxes()).find((b) => b.label === 'layers.3.fc (Linear)')!;
    const fcWeight = opened.find((b) => b.label === 'layers.3.fc.weight')!;
    assert.ok(fcWeight && inside(fcWeight, fcBox), 'layers.3.fc.weight is not inside its module');
    assert.equal(await panel.page.textContent(`.graph-view .node[data-node="${fcWeight.id}"] .node-type`), 'f32[4,4]');
    assert.deepEqual(overlapping(opened), []);
    await panel.page.screenshot({ path: join(ARTIFACTS, 'graph-modules.png') });

    // Its header closes it again.
    await panel.page.click('.graph-viewer .toolbar vscode-button:has-text("Fit")');
    await panel.page.click(`.graph-view .scope[data-scope="${fcBox.id}"] .scope-header`);
    await panel.page.waitForFunction((n) => document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .node').length === n, drawn.length);

    // The keyboard opens one too: Enter on a collapsed module.
    const act = (await nodeBoxes()).find((b) => b.label === 'layers.5.act (Tanh)')!;
    await panel.page.focus(`.graph-view .node[data-node="${act.id}"]`);
    await panel.page.keyboard.press('Enter');
    await panel.page.waitForFunction(() => Array.from(document.querySelectorAll('.graph-viewer[data-state="laid-out"] .graph-view .scope-label')).some((l) => l.textContent === '▾ layers.5.act (Tanh)'));

    // The traced gradient groups the same way: its equations sit under the module of the forward op they derive from.
    await panel.page.click('.graph-viewer .graph-kinds vscode-button[data-kind="gradient"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="gradient"]', { timeout: 60_000 });
    const gradientLabels = (await scopeBoxes()).map((b) => b.label);
    for (const l of ['Net', 'layers.0 (Block)', 'head (Linear)']) assert.ok(gradientLabels.includes(l), `no box ${l} in the gradient: ${gradientLabels.join(', ')}`);
    assert.deepEqual(overlapping(await nodeBoxes()), []);
  });

  it("opens a 20-odd-node tape and its gradient with labels at the editor's font size, scrolled by the wheel rather than shrunk (issue 11.10)", async () => {
    const text = [
      'import torch',
      '',
      'features = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [0.5, -1.0]])',
      'targets = torch.tensor([1.0, 0.0, 1.0, 0.0])',
      '',
      'def loss(w, b):',
      '    z = features @ w + b',
      '    p = torch.sigmoid(z)',
      '    nll = -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p))',
      '    return nll.mean() + 0.01 * (w ** 2).sum()',
      '',
      'loss(torch.tensor([0.1, -0.2], requires_grad=True), torch.tensor(0.0, requires_grad=True))',
      '',
    ].join('\n');
    await panel.send({ type: 'evaluate', id: 30, request: { uri: 'file:///work/logistic.py', text, function: 'loss', engines: 'both', backend: 'auto', graphs: true } });
    const { outcome } = await panel.waitForPosted('outcome', { id: 30 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    const scaleOf = async (): Promise<number> => Number(/scale\(([\d.e-]+)\)/.exec(await panel.page.getAttribute('.graph-view .viewport', 'transform') ?? '')?.[1]);
    const editorFontPx = await panel.page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-font-size')));
    for (const kind of ['tape', 'gradient']) {
      if (kind !== 'tape') await panel.page.click(`.graph-viewer .graph-kinds vscode-button[data-kind="${kind}"]`);
      await panel.page.waitForSelector(`.graph-viewer[data-state="laid-out"][data-kind="${kind}"]`);
      await panel.page.waitForTimeout(100);
      const nodes = (await nodeBoxes()).length;
      const label = await panel.page.$eval('.graph-view .node .node-label', (t) => t.getBoundingClientRect().height);
      assert.ok(nodes >= 15, `${kind}: ${nodes} nodes`);
      assert.ok(label >= editorFontPx * 0.9, `${kind}: labels drawn ${label.toFixed(1)} px high, the editor's font is ${editorFontPx} px`);
      await panel.page.screenshot({ path: join(ARTIFACTS, `graph-${kind}-first-sight.png`) });
    }
    // The wheel scrolls the graph; Ctrl with the wheel zooms.
    const before = await panel.page.getAttribute('.graph-view .viewport', 'transform');
    const scale = await scaleOf();
    await panel.page.hover('.graph-view');
    await panel.page.mouse.wheel(0, 200);
    await panel.page.waitForFunction((b) => document.querySelector('.graph-view .viewport')?.getAttribute('transform') !== b, before);
    assert.equal(await scaleOf(), scale, 'the wheel zoomed instead of scrolling');
  });

  it('after a failure of another function, no tab keeps the previous result: the graph and timings are cleared and every tab names the failed function, file, line and time (issue 11.8)', async () => {
    await panel.send({ type: 'evaluate', id: 20, request: request('examples/seed_jax.py', SEED_JAX, 'both') });
    await panel.waitForPosted('outcome', { id: 20 });
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"]');
    assert.match(await panel.page.textContent('.subject') ?? '', /^f\(\) in seed_jax\.py:\d+ · computed at /);
    await panel.page.click('vscode-tab-header[data-view="results"]');
    await panel.page.screenshot({ path: join(ARTIFACTS, 'results-tab.png') });
    const broken = 'import jax.numpy as jnp\n\ndef g(x):\n    return jnp.undefined_thing(x)\n\ng(2.0)\n';
    await panel.send({ type: 'evaluate', id: 21, request: { uri: 'file:///work/broken.py', text: broken, function: 'g', engines: 'both', backend: 'auto', graphs: true } });
    const { outcome } = await panel.waitForPosted('outcome', { id: 21 });
    assert.equal(outcome.ok, false);
    await panel.page.waitForSelector('.subject[data-state="failed"][data-function="g"]');
    assert.match(await panel.page.textContent('.subject') ?? '', /^g\(\) in broken\.py:3 · failed at /);
    await panel.page.click('vscode-tab-header[data-view="graph"]');
    assert.equal(await panel.page.getAttribute('.graph-viewer', 'data-state'), 'empty');
    assert.equal(await panel.page.$$eval('.graph-view .node', (n) => n.length), 0);
    assert.equal(await panel.page.textContent('.graph-status'), 'g() failed: no graph; the error is under Results.');
    await panel.page.screenshot({ path: join(ARTIFACTS, 'failed-graph-tab.png') });
    await panel.page.click('vscode-tab-header[data-view="compare"]');
    assert.equal(await panel.page.$$eval('.compare-pane .bar', (b) => b.length), 0);
    assert.equal(await panel.page.textContent('.compare-pane .empty'), 'g() failed: no timings; the error is under Results.');
    await panel.page.click('vscode-tab-header[data-view="results"]');
    assert.match(await panel.page.textContent('.results-pane .error .message') ?? '', /^broken\.py:4:\d+: error: /);
  });

  it('after a shape error, draws the graph recorded up to the failing op, that op marked, and names its operands (issue 18)', async () => {
    const cases = [
      { id: 22, file: 'shape_torch.py', text: 'import torch\n\ndef f(x):\n    h = torch.tanh(x)\n    w = torch.ones(4)\n    y = h * w\n    return y.sum()\n\nf(torch.ones(2, 3))\n', kind: 'tape', op: '*', feeding: ['TanhBackward0', 'w'] },
      { id: 23, file: 'shape_jax.py', text: 'import jax.numpy as jnp\n\ndef f(x, w):\n    h = jnp.tanh(x)\n    y = h * w\n    return y.sum()\n\nf(jnp.ones((2, 3)), jnp.ones(4))\n', kind: 'forward', op: '*', feeding: ['tanh', 'w'] },
    ];
    for (const c of cases) {
      await panel.send({ type: 'evaluate', id: c.id, request: { uri: `file:///work/${c.file}`, text: c.text, function: 'f', engines: 'both', backend: 'auto', graphs: true } });
      const { outcome } = await panel.waitForPosted('outcome', { id: c.id });
      assert.equal(outcome.ok, false);
      await panel.page.waitForSelector(`.subject[data-state="failed"][data-uri="file:///work/${c.file}"]`);
      assert.match(await panel.page.textContent('.results-pane .error .operands') ?? '', /^h is f32\[2,3\], w is f32\[4\]$/);
      await panel.page.click('vscode-tab-header[data-view="graph"]');
      await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"]');
      const failed = await panel.page.$$eval('.graph-view .node.failed', (ns) => ns.map((n) => ({ id: n.getAttribute('data-node'), line: n.getAttribute('data-line'), label: n.querySelector('.node-label')?.textContent })));
      assert.equal(failed.length, 1, c.file);
      assert.equal(failed[0].label, c.op);
      assert.equal(failed[0].line, c.file === 'shape_torch.py' ? '6' : '5');
      const feeding = await panel.page.$$eval(`.graph-view .edge[data-to="${failed[0].id}"]`, (es) => es.map((e) => e.getAttribute('data-from')));
      const labels = await Promise.all(feeding.map((from) => panel.page.textContent(`.graph-view .node[data-node="${from}"] .node-label`)));
      assert.deepEqual(labels, c.feeding);
      await panel.page.screenshot({ path: join(ARTIFACTS, `failed-op-${c.kind}.png`) });
      await panel.page.click('vscode-tab-header[data-view="results"]');
    }
  });

  /** The shown tensor table's cells, row by row, and each cell's class. */
  // w.grad.tolist() after loss(w).backward() in PyTorch 1.13 (tensor3d_torch.py).
  const TENSOR3D_GRAD = [
    [[Infinity, 1.5416697263717651, 1.0069001913070679, 0.7102358341217041], [0.4818728566169739, 0.28153955936431885, 0.09538164734840393, -0.08191052079200745], [-0.25215187668800354, -0.41551199555397034, -0.5713198184967041, -0.7184627056121826]],
    [[-0.8556047677993774, -0.9813194274902344, -1.0941756963729858, -1.1927986145019531], [-1.2759137153625488, -1.3423823118209839, -1.3912267684936523, -1.4216539859771729], [-1.4330707788467407, -1.4250977039337158, -1.3975776433944702, -1.3505827188491821]],
  ];
  const near = (text: string, want: number, where: string): void =>
    assert.ok(want === Infinity ? text === 'inf' : Math.abs(Number(text) - want) < 1e-5, `${where}: ${text} vs PyTorch ${want}`);

  async function tensorCells(): Promise<{ text: string; cls: string }[][]> {
    return panel.page.$$eval('.tensor-view table.tensor-table tbody tr', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => ({ text: td.textContent ?? '', cls: td.className }))));
  }

  it('opens a 2x3x4 gradient as a table by click and keyboard: the cells as PyTorch computes them, inf marked, heat diverging around 0, axes and indices switched (issue 18)', async () => {
    const uri = 'file:///work/test/fixtures/webview/tensor3d_torch.py';
    await panel.send({ type: 'evaluate', id: 91, request: request('test/fixtures/webview/tensor3d_torch.py', uri, 'eager', 'loss') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 91 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await panel.page.waitForSelector('.results tr.grad td.shown button.tensor-open');
    // A scalar value is text, not a button.
    assert.equal(await panel.page.$('.results tr.value td.shown button'), null);
    await panel.page.click('.results tr.grad td.shown button.tensor-open');
    await panel.page.waitForSelector('.tensor-view table.tensor-table');
    assert.match(await panel.page.textContent('.tensor-view h3') ?? '', /∂\/∂w +\[2, 3, 4\]/);
    // Rows axis 1, columns axis 2, at axis 0 = 0.
    let cells = await tensorCells();
    assert.deepEqual([cells.length, cells[0].length], [3, 4]);
    cells.forEach((row, r) => row.forEach((c, k) => near(c.text, TENSOR3D_GRAD[0][r][k], `[0][${r}][${k}]`)));
    assert.equal(cells[0][0].cls, 'non-finite');
    assert.match(cells[0][1].cls, /^heat-p\d$/);
    assert.match(cells[2][3].cls, /^heat-n\d$/);
    // The largest |x| is darkest; its colour is the theme's, not the background.
    const colours = await panel.page.$$eval('.tensor-view tbody td', (tds) => tds.map((td) => getComputedStyle(td).backgroundColor));
    assert.notEqual(colours[1], colours[6], 'the heat does not vary with the value');
    assert.match(await panel.page.textContent('.tensor-note') ?? '', /axis 0 = 0.*blue above 0, red below, darker the larger \|x\|.*nan and inf outlined/);
    // The other axis's index, by keyboard.
    await panel.page.focus('.tensor-view input.tensor-index.axis-0');
    await panel.page.keyboard.press('ArrowUp');
    await panel.page.waitForFunction(() => document.querySelector('.tensor-note')?.textContent?.includes('axis 0 = 1'));
    cells = await tensorCells();
    cells.forEach((row, r) => row.forEach((c, k) => near(c.text, TENSOR3D_GRAD[1][r][k], `[1][${r}][${k}]`)));
    assert.ok(cells.flat().every((c) => /^heat-n\d$/.test(c.cls)), 'an all-negative slice is red throughout');
    // Rows on axis 0: the slice w.grad[:, j, :] at j = 0.
    await panel.page.selectOption('.tensor-view select.tensor-rows', '0');
    await panel.page.waitForFunction(() => document.querySelector('.tensor-note')?.textContent?.includes('Rows: axis 0, columns: axis 2 at axis 1 = 0'));
    cells = await tensorCells();
    assert.deepEqual([cells.length, cells[0].length], [2, 4]);
    cells.forEach((row, r) => row.forEach((c, k) => near(c.text, TENSOR3D_GRAD[r][0][k], `[${r}][0][${k}]`)));
    // Columns on axis 0 swaps the two: w.grad[:, 0, :].T.
    await panel.page.selectOption('.tensor-view select.tensor-columns', '0');
    await panel.page.waitForFunction(() => document.querySelector('.tensor-note')?.textContent?.includes('Rows: axis 2, columns: axis 0'));
    cells = await tensorCells();
    assert.deepEqual([cells.length, cells[0].length], [4, 2]);
    cells.forEach((row, r) => row.forEach((c, k) => near(c.text, TENSOR3D_GRAD[k][0][r], `[${k}][0][${r}]`)));
    // Closed, and opened again from the keyboard alone: Tab reaches the value, Enter and Space open it.
    await panel.page.click('.tensor-view .tensor-close');
    assert.equal(await panel.page.$('.tensor-view'), null);
    await panel.page.focus('.results tr.grad td.shown button.tensor-open');
    await panel.page.keyboard.press('Enter');
    await panel.page.waitForSelector('.tensor-view table.tensor-table');
    await panel.page.click('.tensor-view .tensor-close');
    await panel.page.focus('.results tr.grad td.shown button.tensor-open');
    await panel.page.keyboard.press('Space');
    await panel.page.waitForSelector('.tensor-view table.tensor-table');
    near((await tensorCells())[1][2].text, TENSOR3D_GRAD[0][1][2], '[0][1][2] after Space');
    await panel.page.screenshot({ path: join(ARTIFACTS, 'tensor-table.png') });
  });

  it('pages a 100x40 gradient 64 rows by 32 columns at a time and says so, the cells as PyTorch computes them (issue 18)', async () => {
    const uri = 'file:///work/test/fixtures/webview/tensor3d_torch.py';
    await panel.send({ type: 'evaluate', id: 92, request: request('test/fixtures/webview/tensor3d_torch.py', uri, 'eager', 'energy') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 92 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await panel.page.click('.results tr.grad td.shown button.tensor-open');
    await panel.page.waitForSelector('.tensor-view table.tensor-table');
    let cells = await tensorCells();
    assert.deepEqual([cells.length, cells[0].length], [64, 32]);
    assert.match(await panel.page.textContent('.tensor-note') ?? '', /64 rows × 32 columns a page/);
    assert.match(await panel.page.textContent('.tensor-view .tensor-pager') ?? '', /rows 0–63 of 100/);
    await panel.page.click('.tensor-view .tensor-page-rows.next');
    await panel.page.click('.tensor-view .tensor-page-columns.next');
    await panel.page.waitForFunction(() => document.querySelectorAll('.tensor-view tbody tr').length === 36);
    cells = await tensorCells();
    assert.equal(cells[0].length, 8);
    // v.grad[64][32] and v.grad[99][39] in PyTorch 1.13.
    assert.ok(Math.abs(Number(cells[0][0].text) - 0.2963240444660187) < 1e-6, cells[0][0].text);
    assert.equal(cells[35][7].text, '1.0');
    const heads = await panel.page.$$eval('.tensor-view thead th[scope="col"]', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual([heads[0], heads[heads.length - 1]], ['32', '39']);
  });

  it("opens every tensor the panel prints as a table: the input in the call's heading and each engine's gradient, the cells as PyTorch computes them (issue 18)", async () => {
    const uri = 'file:///work/test/fixtures/webview/tensor3d_torch.py';
    await panel.send({ type: 'evaluate', id: 94, request: request('test/fixtures/webview/tensor3d_torch.py', uri, 'both', 'loss') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 94 });
    assert.ok(outcome.ok && outcome.result.eager && outcome.result.jit, JSON.stringify(outcome));
    // torch.linspace(0.0, 2.3, 24).reshape(2, 3, 4).tolist() in PyTorch 1.13.
    const torchW = [
      [[0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896], [0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071], [0.800000011920929, 0.9000000357627869, 1.0, 1.100000023841858]],
      [[1.2000000476837158, 1.2999999523162842, 1.4000000953674316, 1.5], [1.5999999046325684, 1.6999999284744263, 1.7999999523162842, 1.899999976158142], [2.0, 2.0999999046325684, 2.200000047683716, 2.299999952316284]],
    ];
    await panel.page.waitForSelector('.results h2.call button.tensor-open');
    assert.match(await panel.page.textContent('.results h2.call') ?? '', /^loss\(w=\[\[\[0\.0, 0\.1, /);
    await panel.page.click('.results h2.call button.tensor-open');
    await panel.page.waitForSelector('.tensor-view table.tensor-table');
    assert.match(await panel.page.textContent('.tensor-view h3') ?? '', /^w +\[2, 3, 4\]$/);
    await panel.page.fill('.tensor-view input.tensor-index.axis-0', '1');
    await panel.page.press('.tensor-view input.tensor-index.axis-0', 'Enter');
    await panel.page.waitForFunction(() => document.querySelector('.tensor-note')?.textContent?.includes('axis 0 = 1'));
    (await tensorCells()).forEach((row, r) => row.forEach((c, k) => near(c.text, torchW[1][r][k], `w[1][${r}][${k}]`)));
    // Each engine's gradient, the jit's from its traced gradient: one table at a time, under the results.
    for (const engine of ['eager', 'jit']) {
      await panel.page.click(`.results tr.grad td.engine.${engine} button.tensor-open`);
      await panel.page.waitForFunction((e) => document.querySelector('.tensor-view h3')?.textContent?.includes(`(${e})`), engine);
      assert.equal(await panel.page.$$eval('.tensor-view', (vs) => vs.length), 1);
      assert.match(await panel.page.textContent('.tensor-view h3') ?? '', new RegExp(`^∂/∂w \\(${engine}\\) +\\[2, 3, 4\\]$`));
      (await tensorCells()).forEach((row, r) => row.forEach((c, k) => near(c.text, TENSOR3D_GRAD[0][r][k], `${engine} [0][${r}][${k}]`)));
    }
    // A scalar engine value stays text.
    assert.equal(await panel.page.$('.results tr.value td.engine button'), null);
  });

  it('follows the active editor: a function with no result clears the panel and says so (issue 11.8)', async () => {
    await panel.send({ type: 'idle', uri: 'file:///work/other%20dir/mlp.py', function: 'loss', line: 12 });
    await panel.page.waitForSelector('.subject[data-state="none"][data-function="loss"]');
    assert.equal(await panel.page.textContent('.subject'), 'loss() in mlp.py:12 · not computed yet');
    assert.equal(await panel.page.textContent('.results-pane .empty'), 'Nothing computed for loss() yet: click ∇ Compute gradient above it.');
    assert.equal(await panel.page.getAttribute('.graph-viewer', 'data-state'), 'empty');
    await panel.page.screenshot({ path: join(ARTIFACTS, 'idle-after-following.png') });
  });

  // Issue 18: a loop's scalar recorded on WebGPU (held, read back once), drawn with uPlot under the panel's CSP.
  it("draws a training loop's loss over its 40 steps, with a log-scale toggle and the value under the cursor", async () => {
    const uri = 'file:///work/test/fixtures/webview/sgd_loop_torch.py';
    await panel.send({ type: 'evaluate', id: 71, request: request('test/fixtures/webview/sgd_loop_torch.py', uri, 'eager', 'fit') });
    const { outcome } = await panel.waitForPosted('outcome', { id: 71 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const loss = outcome.result.assignments?.find((a) => a.name === 'loss');
    assert.equal(loss?.count, 40);
    // PyTorch 1.13's losses at steps 0, 1 and 39.
    const values = loss!.series!.values;
    for (const [step, expected] of [[0, 1.375], [1, 1.0253344774246216], [39, 0.34852826595306396]]) {
      assert.ok(Math.abs(values[step] - expected) < 1e-5, `step ${step}: ${values[step]} vs ${expected}`);
    }
    await panel.send({ type: 'show', outcome, view: 'results' });
    const curve = await panel.page.waitForSelector('.loop-curve[data-name="loss"] .u-over');
    assert.equal(await panel.page.getAttribute('.loop-curve[data-name="loss"]', 'data-points'), '40');
    assert.deepEqual(await panel.page.$$eval('.loop-curve', (cs) => cs.map((c) => c.getAttribute('data-name'))), ['loss'], 'the loop counter is no curve');
    assert.match(await panel.page.textContent('.loop-curve[data-name="loss"] .meta') ?? '', /^40 iterations: first 1\.375  last 0\.3485/);
    // The legend reads the value at the cursor: the middle of the plot is step 19 or 20.
    const box = (await curve.boundingBox())!;
    await panel.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const readout = Number(await panel.page.textContent('.loop-curve[data-name="loss"] .u-legend .u-series:nth-child(2) .u-value'));
    assert.ok([values[19], values[20]].some((v) => Math.abs(v - readout) < 1e-3 * v), `readout ${readout}`);
    await panel.page.click('.loop-curve[data-name="loss"] .log-scale');
    await panel.page.waitForSelector('.loop-curve[data-name="loss"][data-scale="log"] canvas');
    await panel.page.screenshot({ path: join(ARTIFACTS, 'training-curve.png') });
  });

  it("exports the loss curve as CSV (gradlens run --trace's columns, each recorded value) and as a PNG of its chart", async () => {
    await panel.page.click('.loop-curve[data-name="loss"] vscode-button.export[data-format="csv"]');
    const csv = await panel.waitForPosted('export', { format: 'csv', fileName: 'fit-loss.csv' });
    assert.equal(csv.fileName, 'fit-loss.csv');
    const rows = csv.content.trimEnd().split('\n');
    assert.equal(rows[0], 'step,loss');
    assert.equal(rows.length, 41);
    // PyTorch 1.13's losses at steps 0, 1 and 39, as float32 prints them.
    assert.equal(rows[1], '0,1.375');
    assert.equal(rows[2].split(',')[0], '1');
    assert.ok(Math.abs(Number(rows[2].split(',')[1]) - 1.0253344774246216) < 1e-6, rows[2]);
    assert.ok(Math.abs(Number(rows[40].split(',')[1]) - 0.34852826595306396) < 1e-6, rows[40]);
    await panel.page.click('.loop-curve[data-name="loss"] vscode-button.export[data-format="png"]');
    const png = await panel.waitForPosted('export', { format: 'png', fileName: 'fit-loss.png' });
    const canvas = await panel.page.$eval('.loop-curve[data-name="loss"] canvas', (c) => ({ width: (c as HTMLCanvasElement).width, height: (c as HTMLCanvasElement).height }));
    const decoded = await decodePng(png.content);
    assert.equal(decoded.width, canvas.width);
    assert.ok(decoded.height > canvas.height, 'no title band above the chart');
    assert.ok(decoded.inked > 0.005, `only ${decoded.inked} of the PNG's pixels differ from its background`);
  });

  it('exports the loss curve as an SVG chart: it parses, one point a recorded value, the first loss at the top, the line broken nowhere (issue 18)', async () => {
    await panel.page.click('.loop-curve[data-name="loss"] vscode-button.export[data-format="svg"]');
    const svgExport = await panel.waitForPosted('export', { format: 'svg', fileName: 'fit-loss.svg' });
    // NB: parsed in a blank page of its own, as the graph's SVG is.
    const blank = await browser.newPage();
    const parsed = await blank.evaluate((text: string) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const lines = Array.from(doc.querySelectorAll('polyline.series')).map((p) => (p.getAttribute('points') ?? '').trim().split(/\s+/).map((xy) => xy.split(',').map(Number)));
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName, lines, texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? '') };
    }, svgExport.content);
    await blank.close();
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.lines.length, 1);
    const [line] = parsed.lines;
    assert.equal(line.length, 40);
    // PyTorch 1.13's first loss, 1.375, is the largest: the top of the chart and its top label.
    assert.ok(line.every(([, y]) => y >= line[0][1]), 'the first loss is not the highest point');
    assert.ok(line.every(([x], k) => k === 0 || x > line[k - 1][0]), 'the steps do not run left to right');
    assert.ok(parsed.texts.includes('1.375'), parsed.texts.join(' | '));
    assert.match(parsed.texts[0], /^fit: loss · /);
  });

  it('shows user-derived text as text: an error carrying HTML and a command link makes no element or link (issue 12.6)', async () => {
    const message = '/w/evil.py:3:5: error: ValueError: <img src=x onerror="document.title=1"><a href="command:workbench.action.reloadWindow">go</a> [Go to source](command:x)';
    await panel.send({ type: 'show', view: 'results', outcome: { ok: false, error: { uri: 'file:///w/evil.py', function: '<b>f</b>', sourceHash: 'h', kind: 'error', message, range: { line: 3, col: 5, endLine: 3, endCol: 9 } } } });
    await panel.page.waitForSelector('.subject[data-state="failed"]');
    assert.equal(await panel.page.$$eval('#gradlens-panel img, #gradlens-panel a, #gradlens-panel b', (e) => e.length), 0);
    assert.match(await panel.page.textContent('.results-pane .error .message') ?? '', /^evil\.py:3:5: error: ValueError: <img src=x/);
    assert.notEqual(await panel.page.title(), '1');
    await panel.page.screenshot({ path: join(ARTIFACTS, 'error-with-html-and-link.png') });
  });

  it('ignores a malformed message and logs it', async () => {
    await panel.sendRaw({ type: 'evaluate', id: 'three', request: {} });
    const log = await panel.waitForPosted('log');
    assert.equal(log.level, 'warn');
    assert.match(log.message, /malformed/);
  });

  it(`refuses each of the ${MALFORMED_TO_WEBVIEW.length} malformed messages of the table, logging each, with no error in the page (issue 12)`, async () => {
    const before = (await panel.posted()).filter((m) => m.type === 'log' && /malformed/.test(m.message)).length;
    for (const [, data] of MALFORMED_TO_WEBVIEW) await panel.sendRaw(data);
    await panel.page.waitForFunction((n) => (window as unknown as { posted: { type: string; message?: string }[] }).posted.filter((m) => m.type === 'log' && /malformed/.test(m.message ?? '')).length >= n, before + MALFORMED_TO_WEBVIEW.length);
    assert.deepEqual(panel.errors, []);
    // Still answering: a well-formed show after the table draws.
    await panel.send({ type: 'idle', uri: 'file:///w/after.py' });
    await panel.page.waitForSelector('.subject[data-uri="file:///w/after.py"]');
  });
});

/** WCAG 2's AA minimum for normal text: node, edge and kernel labels are 10 to 12 px. */
const MIN_CONTRAST = 4.5;

describe("the graph under VS Code's dark, light and high-contrast themes", function () {
  this.timeout(120_000);
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  for (const [name, theme] of Object.entries(THEMES)) {
    it(`${name}: every node, edge and kernel label of a live evaluation (heat and kernel box included) reads at a contrast of ${MIN_CONTRAST} or more`, async () => {
      const panel = await WebviewPage.open(browser, theme);
      try {
        await panel.send({ type: 'evaluate', id: 1, request: request('examples/seed_jax.py', SEED_JAX, 'eager') });
        await panel.waitForPosted('outcome', { id: 1 });
        await panel.page.click('vscode-tab-header[data-view="graph"]');
        await panel.page.waitForSelector('.graph-viewer[data-state="laid-out"][data-kind="forward"] .graph-view .node.timed');
        const texts = await paintedGraphTexts(panel.page);
        assert.ok(['node-label', 'node-type', 'edge-label', 'group-label'].every((k) => texts.some((t) => t.kind === k)), 'a kind of label is missing');
        const faint = texts
          .map((t) => ({ ...t, ratio: contrastRatio(t.colour, t.background) }))
          .filter((t) => t.ratio < MIN_CONTRAST)
          .map((t) => `${t.kind} '${t.text}': ${t.ratio.toFixed(2)} (rgb ${t.colour.join(',')} on ${t.background.join(',')})`);
        assert.deepEqual(faint, []);
        assert.deepEqual(panel.errors, [], 'errors in the page');
      } finally {
        await panel.close();
      }
    });
  }
});
