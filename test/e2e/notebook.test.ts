import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, lensLink, panel, SLOW, workbenchSuite } from './workbench';

/**
 * A notebook in VS Code's notebook editor (issue 18): examples/fit_line.ipynb, its data in one code
 * cell, `def loss` in the next, its example call in the third. The lens over `def loss` computes it
 * with the cells above as its context; the panel, the lens and the hover follow, in the cell.
 * `npm run test:e2e -- --grep notebook` runs this alone.
 */
describe('Gradlens in a notebook (code-server)', function () {
  this.timeout(SLOW * 2);
  const workbench = workbenchSuite();
  let page: Page;
  before(() => {
    page = workbench.page;
  });

  it('opens examples/fit_line.ipynb in the notebook editor, the lens over def loss in its cell', async () => {
    await openNotebook(page, 'fit_line.ipynb');
    await lensLink(page, '∇ Compute gradient').waitFor({ timeout: SLOW });
    const lensCell = page.locator('.notebook-editor .cell-editor-container', { has: page.locator('.codelens-decoration') });
    assert.equal(await lensCell.count(), 1);
    assert.match((await lensCell.first().textContent()) ?? '', /def\s+loss\(w,\s*b\):/);
  });

  it('clicking it computes loss with the cells above as its context: the value and gradients PyTorch gives', async () => {
    await lensLink(page, '∇ Compute gradient').click();
    // PyTorch 1.13: loss 1.9642856121063232, w.grad -1.7142856121063232, b.grad -1.0.
    await panel(page).getByText(/^1\.96428\d*$/).first().waitFor({ timeout: SLOW });
    await panel(page).getByText(/^-1\.71428\d*$/).first().waitFor({ timeout: SLOW });
    // The panel names the function's place as the user finds it: by cell.
    await panel(page).locator('.subject .place', { hasText: 'fit_line.ipynb cell 3, line 1' }).waitFor({ timeout: SLOW });
  });

  it('the lens then reads the gradients, and hovering err in the cell reads f32[8,1]', async () => {
    const errLine = page.locator('.notebook-editor .view-line', { hasText: 'err = pred - y' }).first();
    await errLine.click();
    await lensLink(page, '∇w = -1.714').waitFor({ timeout: SLOW });
    // NB: Monaco merges tokens of one colour into one span: the name's own box is a DOM range's.
    const at = await errLine.evaluate((line) => {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const i = node.textContent?.indexOf('err') ?? -1;
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 3);
        const box = range.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
      return null;
    });
    assert.ok(at, 'no err on the line');
    await page.mouse.move(at.x, at.y);
    const hover = page.locator('.monaco-hover-content', { hasText: 'err' }).first();
    await hover.waitFor({ timeout: SLOW });
    assert.match((await hover.textContent()) ?? '', /f32\[8,1\]/);
    await page.screenshot({ path: join(ARTIFACTS, 'notebook.png') });
  });
});

async function openNotebook(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const quickOpen = page.locator('.quick-input-widget input');
  await quickOpen.waitFor();
  await quickOpen.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.notebook-editor .view-line', { hasText: 'def loss(w, b):' }).first().waitFor({ timeout: SLOW });
}
