import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, lensLink, openFile, panel, ROOT, SLOW, workbenchSuite } from './workbench';

/**
 * Gradlens in a real VS Code (code-server), driven through the browser as a user would: the
 * seed snippet's lens, the panel computing on the page's WebGPU (SwiftShader here), the lens and
 * hover updated from the result. The folder opens in Restricted Mode (workspace trust on, never
 * granted), so this also shows that the extension runs in untrusted workspaces as it declares.
 * Screenshots and logs go to test-artifacts/e2e/.
 */
describe('Gradlens in VS Code (code-server)', function () {
  this.timeout(SLOW * 2);
  const workbench = workbenchSuite();
  let page: Page;
  before(() => {
    page = workbench.page;
  });

  it('opens examples/seed_torch.py in Restricted Mode', async () => {
    await openFile(page, 'seed_torch.py', 'def f(x):');
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
  });

  it('shows the ∇ Compute gradient lens over def f(x):', async () => {
    const lens = lensLink(page, '∇ Compute gradient');
    await lens.waitFor({ timeout: SLOW });
    const [lensBox, lineBox] = await boxes(lens, defLine(page));
    // A lens sits in the view zone right above its line.
    assert.ok(lensBox.y + lensBox.height <= lineBox.y + 1 && lineBox.y - lensBox.y < 2 * lineBox.height, `lens at y=${lensBox.y}, def f(x): at y=${lineBox.y}`);
  });

  it('clicking it shows value 15.0 and gradient 7.0 in the panel', async () => {
    await lensLink(page, '∇ Compute gradient').click();
    await panel(page).getByText('15.0', { exact: true }).first().waitFor({ timeout: SLOW });
    await panel(page).getByText('7.0', { exact: true }).first().waitFor({ timeout: SLOW });
  });

  it('the graph viewer drew the nodes of x**2 + 3*x + 5', async () => {
    await panel(page).locator('vscode-tab-header[data-view="graph"]').click();
    const labels = panel(page).locator('svg .node .node-label');
    await labels.first().waitFor({ timeout: SLOW });
    const drawn = await labels.allTextContents();
    for (const op of [/pow/i, /mul/i, /add/i]) assert.ok(drawn.some((l) => op.test(l)), `no ${op} node among ${drawn.join(', ')}`);
    await page.locator('iframe.webview.ready').first().screenshot({ path: join(ARTIFACTS, 'panel.png') });
  });

  it('the lens then reads 7.0', async () => {
    // NB: VS Code cancels a CodeLens update when its editor loses focus (the Graph tab was just
    // clicked) and runs it when the editor has focus again, as when a user comes back to it.
    await defLine(page).click();
    await lensLink(page, '7.0').waitFor({ timeout: SLOW });
  });

  it('the status bar names the backend', async () => {
    await page.locator('.statusbar-item', { hasText: /WebGPU · |CPU \(wasm\)/ }).first().waitFor({ timeout: SLOW });
  });

  it('hovering f shows eager and jit timings', async () => {
    const name = defLine(page).locator('span > span', { hasText: /^f$/ }).first();
    await name.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: /eager/i }).filter({ hasText: /jit/i }).filter({ hasText: /ms/ });
    await hover.first().waitFor({ timeout: SLOW });
    await page.screenshot({ path: join(ARTIFACTS, 'editor.png') });
  });

  it('asks for the inputs of a function the file gives none, validated by the server', async () => {
    await page.goto(`${workbench.server.url}/?folder=${encodeURIComponent(join(__dirname, '..', 'test', 'e2e', 'fixtures'))}`);
    await openFile(page, 'needs_inputs.py', 'def cube(x):');
    await lensLink(page, '∇ Compute gradient').waitFor({ timeout: SLOW });
    await lensLink(page, '∇ Compute gradient').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: SLOW });
    await input.fill('y=2.0');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: "no parameter 'y'" }).waitFor({ timeout: SLOW });
    await input.fill('x=2.0');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: "no parameter 'y'" }).waitFor({ state: 'hidden' });
    await page.keyboard.press('Enter');
    await panel(page).getByText('9.0', { exact: true }).first().waitFor({ timeout: SLOW });
    await panel(page).getByText('12.0', { exact: true }).first().waitFor({ timeout: SLOW });
    await lensLink(page, '12.0').waitFor({ timeout: SLOW });
  });

  it('from the palette, Show Graph takes the function under the cursor and its remembered inputs', async () => {
    await page.locator('.monaco-editor .view-line', { hasText: 'return x * x * x + 1' }).first().click();
    await page.keyboard.press('F1');
    const palette = page.locator('.quick-input-widget input');
    await palette.waitFor();
    await palette.fill('>Gradlens: Show Graph');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Gradlens: Show Graph' }).first().waitFor();
    await page.keyboard.press('Enter');
    // The command switches the panel to its Graph tab only once it has a result: an input box
    // asking again would have stopped it before that.
    const labels = panel(page).locator('svg .node .node-label');
    await labels.first().waitFor({ timeout: SLOW });
    const drawn = await labels.allTextContents();
    assert.ok(drawn.some((l) => /mul/i.test(l)), `no mul node among ${drawn.join(', ')}`);
    assert.equal(await page.locator('.quick-input-widget input').isVisible(), false, 'an input box is open');
  });

  it('when the panel cannot run, the language server computes and the lens still reads 7.0', async () => {
    // VS Code's webviews load their content through a service worker: in a browser that blocks
    // service workers the panel never reports a backend, and after its wait the extension asks
    // the server (gradlens/evaluate), which computes on the CPU (where the panel would say WebGPU).
    const context = await workbench.browser.newContext({ serviceWorkers: 'block', viewport: { width: 1600, height: 900 } });
    const blocked = await context.newPage();
    try {
      await blocked.goto(`${workbench.server.url}/?folder=${encodeURIComponent(join(ROOT, 'examples'))}`);
      await openFile(blocked, 'seed_torch.py', 'def f(x):');
      await lensLink(blocked, '∇ Compute gradient').waitFor({ timeout: SLOW });
      await lensLink(blocked, '∇ Compute gradient').click();
      await lensLink(blocked, '7.0').waitFor({ timeout: SLOW });
      await blocked.locator('.statusbar-item', { hasText: 'CPU (wasm)' }).first().waitFor({ timeout: SLOW });
    } finally {
      await blocked.screenshot({ path: join(ARTIFACTS, 'server-fallback.png') });
      await context.close();
    }
  });

  it('live: editing a module-level value the computed function reads changes its lens without a click (issue 18)', async () => {
    // NB: a folder of its own: the editor saves the edit, which must not change a file of the repository.
    const folder = mkdtempSync(join(tmpdir(), 'gradlens-live-'));
    writeFileSync(join(folder, 'live_eps.py'), 'import torch\n\neps = 0.25\n\n\ndef scaled(x):\n    return x * x * eps\n\n\nprint(scaled(torch.tensor(2.0)))\n');
    await page.goto(`${workbench.server.url}/?folder=${encodeURIComponent(folder)}`);
    await openFile(page, 'live_eps.py', 'def scaled(x):');
    await lensLink(page, '∇ Compute gradient').waitFor({ timeout: SLOW });
    await lensLink(page, '∇ Compute gradient').click();
    await panel(page).getByText('1.0', { exact: true }).first().waitFor({ timeout: SLOW });
    await page.locator('.monaco-editor .view-line', { hasText: 'def scaled(x):' }).first().click();
    await lensLink(page, '∇x = 1.0').waitFor({ timeout: SLOW });
    // eps = 0.25 -> eps = 0.5, typed as a user would: the gradient 2 * x * eps at x = 2 becomes 2.0.
    await page.locator('.monaco-editor .view-line', { hasText: 'eps = 0.25' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('5');
    await page.locator('.monaco-editor .view-line', { hasText: 'eps = 0.5' }).first().waitFor();
    await lensLink(page, '∇x = 2.0').waitFor({ timeout: SLOW });
    await panel(page).getByText('2.0', { exact: true }).first().waitFor({ timeout: SLOW });
    await page.screenshot({ path: join(ARTIFACTS, 'live.png') });
  });
});

/** The boxes of elements on screen; VS Code may re-render a lens between finding it and measuring it, so measure until both are there. */
async function boxes(...locators: Locator[]): Promise<{ x: number; y: number; width: number; height: number }[]> {
  for (;;) {
    const measured = await Promise.all(locators.map((l) => l.boundingBox()));
    if (measured.every((b) => b !== null)) return measured as { x: number; y: number; width: number; height: number }[];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function defLine(page: Page): Locator {
  return page.locator('.monaco-editor .view-line', { hasText: 'def f(x):' }).first();
}
