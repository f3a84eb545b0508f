/**
 * `npm run screenshots`: the README's screenshots, taken in a real VS Code (code-server) as the
 * e2e tests drive it, into media/:
 * - screenshot-live.png: live mode on examples/train_mlp.py, computed once, then an edit of its
 *   learning rate recomputed without a click; each assigned tensor's shape after it
 *   (gradlens.inlayShapes), the hover on `h`, the loss curve in the panel;
 * - screenshot-notebook.png: examples/fit_line.ipynb in the notebook editor, the lens over
 *   `def loss` computed with the cells above as its context, the hover on `err`.
 * Each step waits for what it shows, so a screenshot never shows a half-drawn state. The panel
 * computes on WebAssembly.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchChromium } from '../webgpu/browser';
import { startCodeServer } from './codeServer';
import { lensLink, openFile, panel, ROOT, SLOW, VSIX } from './workbench';

const MEDIA = join(ROOT, 'media');

/** Moves the mouse over `name` on `line`: Monaco merges same-coloured tokens into one span, so the name's box is a DOM range's. */
async function hoverName(page: Page, line: Locator, name: string): Promise<void> {
  const at = await line.evaluate((element, wanted) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const i = node.textContent?.search(new RegExp(`\\b${wanted}\\b`)) ?? -1;
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + wanted.length);
      const box = range.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    return null;
  }, name);
  if (!at) throw new Error(`no '${name}' on the line`);
  await page.mouse.move(at.x, at.y);
  const hover = page.locator('.monaco-hover-content', { hasText: name }).first();
  try {
    await hover.waitFor({ timeout: 15_000 });
  } catch {
    // NB: a notebook cell's editor may not open a hover on the mouse alone: the cursor on the name and Show Hover (Ctrl+K Ctrl+I) do.
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await hover.waitFor({ timeout: SLOW });
  }
}

async function live(page: Page, url: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'gradlens-screenshot-'));
  copyFileSync(join(ROOT, 'examples', 'train_mlp.py'), join(folder, 'train_mlp.py'));
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await openFile(page, 'train_mlp.py', 'def train(scale, lr=0.1):');
  await lensLink(page, '∇ Compute gradient').click();
  await panel(page).locator('.loop-curve[data-name="loss"]').waitFor({ timeout: SLOW });
  // Live: the learning rate edited as a user types it; the lens and the panel follow without a click.
  await page.locator('.monaco-editor .view-line', { hasText: 'def train(scale, lr=0.1):' }).first().click();
  await lensLink(page, '∇scale').waitFor({ timeout: SLOW });
  const before = await lensLink(page, '∇scale').textContent();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  // Back to the line's start, so the editor is not scrolled sideways in the picture.
  await page.keyboard.press('Home');
  await page.locator('.monaco-editor .view-line', { hasText: 'def train(scale, lr=0.2):' }).first().waitFor();
  await page.waitForFunction((old) => Array.from(document.querySelectorAll('.monaco-editor .codelens-decoration a')).some((a) => a.textContent?.includes('∇scale') && a.textContent !== old), before, { timeout: SLOW });
  await panel(page).locator('.loop-curve[data-name="loss"]').waitFor({ timeout: SLOW });
  // NB: the shape inlay stands between a name and its `=`.
  await hoverName(page, page.locator('.monaco-editor .view-line', { hasText: 'torch.tanh(xs @ w1)' }).first(), 'h');
  await page.screenshot({ path: join(MEDIA, 'screenshot-live.png') });
}

async function notebook(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(join(ROOT, 'examples'))}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('fit_line.ipynb');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'fit_line.ipynb' }).first().waitFor();
  await page.keyboard.press('Enter');
  await lensLink(page, '∇ Compute gradient').click();
  await panel(page).getByText(/^-1\.71428\d*$/).first().waitFor({ timeout: SLOW });
  // NB: with gradlens.inlayShapes the line reads `err: f32[8,1] = pred - y`.
  const errLine = page.locator('.notebook-editor .view-line', { hasText: '= pred - y' }).first();
  await errLine.click();
  await lensLink(page, '∇w = -1.714').waitFor({ timeout: SLOW });
  await hoverName(page, errLine, 'err');
  await page.screenshot({ path: join(MEDIA, 'screenshot-notebook.png') });
}

async function main(): Promise<void> {
  const artifacts = mkdtempSync(join(tmpdir(), 'gradlens-screenshots-'));
  // NB: WebAssembly: WebGPU here is SwiftShader, on the same CPU, and slower; a budget for a shared, loaded machine.
  // NB: hovers below their line, so that the lens above the function stays in the picture.
  const server = await startCodeServer(ROOT, VSIX, artifacts, { 'gradlens.inlayShapes': true, 'gradlens.backend': 'wasm', 'gradlens.budget.seconds': 60, 'editor.hover.above': false });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    try {
      await live(page, server.url);
      await notebook(page, server.url);
    } catch (e) {
      await page.screenshot({ path: join(artifacts, 'failed.png') });
      throw e;
    }
    process.stdout.write(`wrote ${join(MEDIA, 'screenshot-live.png')} and ${join(MEDIA, 'screenshot-notebook.png')} (logs in ${artifacts})\n`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshots: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
