/** Finding things in code-server's page as a user sees them: files, lenses, the Gradlens panel. */
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Upper bounds for things that take long on 2 shared cores (the first server start, the first evaluation): limits, not measurements. */
export const SLOW = 180_000;

export async function openFile(page: Page, name: string, line: string): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
  await page.keyboard.press('Control+P');
  const quickOpen = page.locator('.quick-input-widget input');
  await quickOpen.waitFor();
  await quickOpen.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-line', { hasText: line }).first().waitFor({ timeout: SLOW });
}

export function lensLink(page: Page, text: string): Locator {
  return page.locator('.monaco-editor .codelens-decoration a', { hasText: text }).first();
}

/** The panel's page: VS Code nests each webview's content in an inner frame (a notebook's outputs are another webview, not the extension's). */
export function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready[src*="extensionId=gradlens.gradlens"]').frameLocator('iframe#active-frame');
}

export function slug(title: string): string {
  return title.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}
