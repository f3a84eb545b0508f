/**
 * What the e2e suites share: one code-server with the .vsix and a headless Chromium page on
 * examples/ a suite, and finding things in code-server's page as a user sees them: files, lenses,
 * the Gradlens panel.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../webgpu/browser';
import { startCodeServer, type CodeServer } from './codeServer';

/** The repository (the bundles run from dist-e2e/), where failed tests' screenshots and the logs go, and the package `npm run package` made. */
export const ROOT = resolve(__dirname, '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const VSIX = join(ROOT, `gradlens-${VERSION}.vsix`);

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

export interface Workbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
}

/**
 * A suite's workbench: code-server started with the .vsix in a fresh profile, a 1600x900 page on
 * examples/ (Restricted Mode), before the suite's tests, both stopped after them; a failed test
 * leaves a screenshot of the page in ARTIFACTS. Read its fields in the tests (they are set once
 * the suite's `before` ran).
 */
export function workbenchSuite(): Workbench {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startCodeServer(ROOT, VSIX, ARTIFACTS);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(join(ROOT, 'examples'))}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await page?.screenshot({ path: join(ARTIFACTS, `failed-${slug(this.currentTest.title)}.png`) });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() { return server!; },
    get browser() { return browser!; },
    get page() { return page!; },
  };
}
