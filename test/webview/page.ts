import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { decodeWire, toWire, type ExtensionToWebview, type WebviewToExtension } from '../../protocol';
import { panelHtml } from '../../webview';
import { serveStatic } from '../webgpu/server';

/** Where the built extension keeps the page's bundle and the runtime's .wasm binaries. */
const DIST = join(__dirname, '..', 'dist');

const FONTS: Record<string, string> = {
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-editor-font-size': '14px',
};

/**
 * Themes' variables, as VS Code sets them on the webview's <html>: the panel takes every colour
 * from these. The values are VS Code's own for its default themes (Dark Modern, Light Modern,
 * and High Contrast, whose descriptionForeground is the foreground at 70% opacity).
 * NB: set through the CSSOM, as VS Code does, which the page's CSP allows.
 */
export const THEMES = {
  dark: {
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-editorWidget-border': '#454545',
    '--vscode-editorLineNumber-foreground': '#6e7681',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-yellow': '#cca700',
    ...FONTS,
  },
  light: {
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-editorLineNumber-foreground': '#6e7681',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-yellow': '#bf8803',
    ...FONTS,
  },
  highContrast: {
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffffb3',
    '--vscode-editor-background': '#000000',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-editorWidget-background': '#0c141f',
    '--vscode-editorWidget-border': '#6fc3df',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-editorLineNumber-foreground': '#ffffff',
    '--vscode-focusBorder': '#f38518',
    '--vscode-charts-red': '#f48771',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-yellow': '#ffd370',
    ...FONTS,
  },
} satisfies Record<string, Record<string, string>>;

/** The panel as VS Code would show it: panelHtml's page, its strict CSP, a fake acquireVsCodeApi that records what is posted. */
export class WebviewPage {
  private constructor(
    readonly page: Page,
    private readonly folder: string,
    private readonly server: Awaited<ReturnType<typeof serveStatic>>,
    readonly errors: string[],
  ) {}

  static async open(browser: Browser, theme: Record<string, string> = THEMES.dark): Promise<WebviewPage> {
    // NB: a fresh folder a run: the page, dist/webview.js and the .wasm files it may fetch, nothing else served.
    const folder = mkdtempSync(join(tmpdir(), 'gradlens-webview-'));
    for (const f of readdirSync(DIST).filter((f) => f.startsWith('webview.js') || f.endsWith('.wasm'))) cpSync(join(DIST, f), join(folder, f));
    const server = await serveStatic(folder);
    const origin = server.url.replace(/\/$/, '');
    const nonce = Math.random().toString(36).slice(2);
    writeFileSync(join(folder, 'index.html'), panelHtml({ scriptUri: `${origin}/webview.js`, cspSource: origin, nonce, distUri: origin }));
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    // NB: Chromium asks every top-level page for /favicon.ico (a webview page is never asked); other failed loads count.
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} for ${r.url()}`));
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(`console error: ${m.text()}`));
    await page.addInitScript((theme: Record<string, string>) => {
      const w = window as unknown as { posted: unknown[]; violations: string[]; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.violations = [];
      // NB: VS Code carries webview messages as JSON text (NaN and Infinity become null there): so does the fake.
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(JSON.parse(JSON.stringify(m))), getState: () => undefined, setState: () => undefined });
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} refused ${e.blockedURI}`));
      document.addEventListener('DOMContentLoaded', () => {
        for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
      });
    }, theme);
    await page.goto(server.url);
    return new WebviewPage(page, folder, server, errors);
  }

  /** Sends a message as the extension would (its wire form, arriving as a window message event). */
  async send(message: ExtensionToWebview): Promise<void> {
    await this.sendRaw(toWire(message));
  }

  /** Sends data as it is, as a buggy or hostile sender might. */
  async sendRaw(data: unknown): Promise<void> {
    // NB: sent as JSON text: Playwright's argument types recurse without end over the protocol's nested types.
    await this.page.evaluate((json: string) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(data));
  }

  /** What the page posted, decoded from the wire as the extension decodes it (unvalidated). */
  async posted(): Promise<WebviewToExtension[]> {
    const json = await this.page.evaluate(() => JSON.stringify((window as unknown as { posted: unknown[] }).posted));
    return decodeWire(JSON.parse(json)) as WebviewToExtension[];
  }

  /** What the page posted, exactly as it crossed (JSON). */
  async postedRaw(): Promise<unknown[]> {
    return JSON.parse(await this.page.evaluate(() => JSON.stringify((window as unknown as { posted: unknown[] }).posted))) as unknown[];
  }

  /** Waits for the first message posted to the extension of `type` whose `fields` equal those given. */
  async waitForPosted<T extends WebviewToExtension['type']>(type: T, fields: Record<string, unknown> = {}): Promise<Extract<WebviewToExtension, { type: T }>> {
    const wanted: { type: string; fields: string } = { type, fields: JSON.stringify(fields) };
    const found = await this.page.waitForFunction(
      (w: { type: string; fields: string }) => {
        const f = JSON.parse(w.fields) as Record<string, unknown>;
        const posted = (window as unknown as { posted: Record<string, unknown>[] }).posted;
        const m = posted.find((m) => m.type === w.type && Object.entries(f).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v)));
        return m ? JSON.stringify(m) : undefined;
      },
      wanted,
      { timeout: 60_000 },
    );
    return decodeWire(JSON.parse((await found.jsonValue()) as string)) as Extract<WebviewToExtension, { type: T }>;
  }

  async violations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  }

  async close(): Promise<void> {
    await this.page.close();
    await this.server.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}
