import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../webgpu/browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { flatten, mismatch, norm, shownNumbers, type FixtureNumbers } from './numbers';
import { openFile, panel, slug, SLOW } from './workbench';

/**
 * Issue 11's realistic files (test/e2e/realistic/: a training loop, a JAX MLP with tuple params,
 * twenty mixed torch/jax/numpy/math functions, a NaN, a vector-valued function, a syntax error,
 * plain `math`) in code-server, once with `gradlens.backend` = webgpu (SwiftShader here) and once
 * with wasm: every function's lens is clicked, and the lens, the inlay hint and the panel must
 * show the value and gradient PyTorch computes (test/e2e/realistic/expected.json, made by
 * expected.py), no notification may stay open, and the logs must hold no malformed message and
 * no internal error. It prints the time from each click to the lens's result.
 */
const ROOT = resolve(__dirname, '..');
const REALISTIC = join(ROOT, 'test', 'e2e', 'realistic');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const VSIX = join(ROOT, `gradlens-${VERSION}.vsix`);

interface Expected {
  readonly value: FixtureNumbers;
  /** null: the function has no gradient (its output is not differentiable). */
  readonly grad: Readonly<Record<string, FixtureNumbers>> | null;
  /** A vector-valued function's d value / d parameter; its lens may show this or the gradient of the sum. */
  readonly jacobian?: Readonly<Record<string, FixtureNumbers>>;
  /** The parameters (pytree leaves as `params[0]`) the lens must differentiate, and those it may. */
  readonly required: readonly string[];
  readonly optional: readonly string[];
}
const FIXTURE = JSON.parse(readFileSync(join(REALISTIC, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, Expected>> };

/** How long a lens may take to appear over a def once the file is open: a limit, not a measurement. */
const LENS_SHOWS = 60_000;
/** How long one evaluation may take from the click to the lens's result (the first one starts the panel): a limit. */
const EVALUATES = 120_000;
/** How long a taken lens click may take to open the panel or show a result. */
const CLICK_TAKEN = 6_000;
/** How many times a lens is clicked while no click is taken (clickAgainIfLost). */
const CLICKS = 4;

const BACKENDS = [
  { setting: 'webgpu', label: 'WebGPU · ' },
  { setting: 'wasm', label: 'CPU (wasm)' },
] as const;

/** The files in the order they are opened; the syntax error last, since it opens the Problems view. */
const FILES = ['softplus_math.py', 'logistic_regression.py', 'mlp_jax.py', 'mixed_numerics.py', 'nan_entropy.py', 'predict_vector.py', 'syntax_error.py'];

/**
 * Cases left out until their fix lands on main (`file:function` -> the failure seen, with the
 * defect of issue 11 that covers it).
 */
const NOT_YET: Readonly<Record<string, string>> = {};

/** GRADLENS_E2E_ALL=1 runs the cases of NOT_YET too, to see where their fixes stand. */
function notYet(backend: string, key: string): string | undefined {
  if (process.env.GRADLENS_E2E_ALL) return undefined;
  return NOT_YET[key] ?? NOT_YET[`${backend}/${key}`];
}

/** A function of the file whose parse error must be reported and must not take the other lenses with it. */
const SYNTAX_ERROR = { file: 'syntax_error.py', function: 'relu_sum', line: 14 };

/** 1-based line of each `def` in each file. */
function defLines(file: string): Map<string, number> {
  const lines = readFileSync(join(REALISTIC, file), 'utf8').split('\n');
  const defs = new Map<string, number>();
  lines.forEach((l, i) => {
    const m = /^def (\w+)\(/.exec(l);
    if (m) defs.set(m[1], i + 1);
  });
  return defs;
}

interface Timing {
  readonly backend: string;
  readonly file: string;
  readonly function: string;
  readonly ms: number;
}

for (const backend of BACKENDS) {
  describe(`Realistic files in VS Code, gradlens.backend = ${backend.setting}`, function () {
    this.timeout(SLOW * 2);
    const artifacts = join(ARTIFACTS, `realistic-${backend.setting}`);
    const timings: Timing[] = [];
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let openedFile = '';

    before(async () => {
      mkdirSync(artifacts, { recursive: true });
      server = await startCodeServer(ROOT, VSIX, artifacts, { 'gradlens.backend': backend.setting });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(`${server.url}/?folder=${encodeURIComponent(REALISTIC)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
    });

    afterEach(async function () {
      if (this.currentTest?.state !== 'failed' || !page) return;
      await page.screenshot({ path: join(artifacts, `failed-${slug(this.currentTest.title)}.png`) });
      // CI keeps no artifacts: what the extension last said is the only trace of a lost click there.
      const said = logText(server!.logs, 'Gradlens.log').split('\n').filter((l) => /\[(info|warning|error)\]|Sending notification 'gradlens\/result'/.test(l));
      console.log(`      the Gradlens log's last lines:\n${said.slice(-12).map((l) => `        ${l.slice(0, 240)}`).join('\n')}`);
      // A failure's notifications would otherwise fail the next case too.
      await runCommand(page, 'Notifications: Clear All Notifications');
    });

    after(async () => {
      printTimings(backend.setting, timings);
      writeFileSync(join(artifacts, 'click-to-lens.json'), JSON.stringify(timings, null, 1));
      await browser?.close();
      await server?.stop();
    });

    async function open(file: string): Promise<Map<string, number>> {
      const defs = defLines(file);
      if (openedFile !== file) {
        await openFile(page, file, `def ${[...defs.keys()][0]}(`);
        openedFile = file;
      }
      return defs;
    }

    for (const file of FILES) {
      for (const [fn, expected] of Object.entries(FIXTURE.files[file])) {
        const title = `${file}: ${fn}() shows PyTorch's value and gradient in the lens, the inlay hint and the panel`;
        const leftOut = notYet(backend.setting, `${file}:${fn}`);
        (leftOut ? it.skip : it)(leftOut ? `${title} [left out until fixed: ${leftOut}]` : title, async () => {
          const line = (await open(file)).get(fn);
          assert.ok(line, `no def ${fn} in ${file}`);
          await goToLine(page, line);
          const lens = await settledLens(page, fn);
          assert.equal(lens.title, '∇ Compute gradient', `before the click the lens of ${fn}() reads ${JSON.stringify(lens.title)}`);
          const clicked = Date.now();
          const ran = runsLogged(server!.logs, fn, file);
          await page.mouse.click(lens.x, lens.y);
          await clickAgainIfLost(page, fn, () => runsLogged(server!.logs, fn, file) > ran);
          const title = await lensResult(page, fn);
          timings.push({ backend: backend.setting, file, function: fn, ms: Date.now() - clicked });
          const shown = await panelResult(page, fn);
          assert.doesNotMatch(title, /failed|needs example inputs|stopped|cancelled|internal error/i, `the lens of ${fn}() reads ${JSON.stringify(title)}; the panel: ${shown.text}`);
          assert.equal(shown.error, null, `the panel shows an error for ${fn}(): ${shown.error}`);
          assert.doesNotMatch(shown.text, /internal error/i);
          assert.ok(shown.text.includes(backend.label), `the panel computed ${fn}() elsewhere than on ${backend.label}: ${shown.text}`);
          checkPanel(fn, shown, expected);
          checkLens(fn, title, expected);
          checkInlay(fn, await defLineText(page, fn), expected);
          if (flatten(expected.value).some((v) => !Number.isFinite(v))) assert.match(shown.text, /(nan|inf) first appeared/i, `the panel does not say where the non-finite value of ${fn}() first appeared`);
          await noNotificationStaysOpen(page);
          await page.screenshot({ path: join(artifacts, `${slug(file)}-${fn}.png`) });
        });
      }
      if (file === SYNTAX_ERROR.file) {
        (notYet(backend.setting, `${file}:problems`) ? it.skip : it)(`${file}: the lost indent in ${SYNTAX_ERROR.function}() is a problem at line ${SYNTAX_ERROR.line}, and the other functions keep their lenses`, async () => {
          await open(file);
          await page.keyboard.press('Control+Shift+M');
          const problem = page.locator('.markers-panel .monaco-list-row', { hasText: `Ln ${SYNTAX_ERROR.line},` }).first();
          await problem.waitFor({ timeout: SLOW });
          await page.screenshot({ path: join(artifacts, `${slug(file)}-problems.png`) });
        });
      }
    }

    it('live: typing a new value the computed function reads recomputes it without a click; the lens, the inlay hint and the panel follow (issue 18)', async () => {
      // NB: a folder of its own: the editor saves the edit, which must not change a file of the repository.
      const folder = mkdtempSync(join(tmpdir(), 'gradlens-live-'));
      writeFileSync(join(folder, 'live_eps.py'), 'import torch\n\neps = 0.25\n\n\ndef scaled(x):\n    return x * x * eps\n\n\nprint(scaled(torch.tensor(2.0)))\n');
      await page.goto(`${server!.url}/?folder=${encodeURIComponent(folder)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
      await openFile(page, 'live_eps.py', 'def scaled(x):');
      openedFile = 'live_eps.py';
      const lens = await settledLens(page, 'scaled');
      const ran = runsLogged(server!.logs, 'scaled', 'live_eps.py');
      await page.mouse.click(lens.x, lens.y);
      await clickAgainIfLost(page, 'scaled', () => runsLogged(server!.logs, 'scaled', 'live_eps.py') > ran);
      // PyTorch: x * x * eps at x = 2 is 1.0, its gradient 2 * x * eps = 1.0.
      assert.match(await lensResult(page, 'scaled'), /^∇x = 1\.0\b/);
      await until('the inlay hint reads ∇x = 1.0', async () => /→ 1\.0, ∇x = 1\.0\b/.test(await defLineText(page, 'scaled')));
      // eps = 0.25 -> eps = 0.5, typed as a user would, and no click after it.
      await page.locator('.monaco-editor .view-line', { hasText: 'eps = 0.25' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('5');
      await page.locator('.monaco-editor .view-line', { hasText: 'eps = 0.5' }).first().waitFor();
      await until('the lens reads ∇x = 2.0', async () => /^∇x = 2\.0\b/.test((await lensOver(page, 'scaled')).title));
      await until('the inlay hint reads → 2.0, ∇x = 2.0', async () => /→ 2\.0, ∇x = 2\.0\b/.test(await defLineText(page, 'scaled')));
      await until('the panel shows 2.0 and ∂/∂x 2.0', async () => {
        const shown = await panelResult(page, 'scaled');
        return shown.text.includes(backend.label) && shownNumbers(shown.value).map((n) => n.value).join() === '2' && shown.grads.length === 1 && shownNumbers(shown.grads[0].shown).map((n) => n.value).join() === '2';
      });
      await page.screenshot({ path: join(artifacts, 'live.png') });
    });

    it('the logs hold no malformed message and no internal error', async () => {
      const logs = logText(server!.logs);
      assert.doesNotMatch(logs, /Ignored a malformed message/);
      assert.doesNotMatch(logs, /internal error/i);
    });
  });
}

async function runCommand(page: Page, command: string): Promise<void> {
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor();
  await palette.fill(`>${command}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
  await page.keyboard.press('Enter');
  await palette.waitFor({ state: 'hidden' });
}

async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

interface LensOnScreen {
  readonly title: string;
  /** The middle of its first link, where a user clicks. */
  readonly x: number;
  readonly y: number;
  /** What is drawn over that point instead of the link (a hover left by the last click, say), or null. */
  readonly covered: string | null;
}

/** The lens in the view zone right above `def fn(`; it waits until both are drawn. */
async function lensOver(page: Page, fn: string): Promise<LensOnScreen> {
  const deadline = Date.now() + LENS_SHOWS;
  for (;;) {
    const found = await page.evaluate((def) => {
      const line = Array.from(document.querySelectorAll('.monaco-editor .view-line')).find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').startsWith(def));
      if (!line) return null;
      const top = line.getBoundingClientRect().top;
      let best: { title: string; x: number; y: number; bottom: number; covered: string | null } | null = null;
      for (const d of Array.from(document.querySelectorAll('.monaco-editor .codelens-decoration'))) {
        const r = d.getBoundingClientRect();
        const link = d.querySelector('a');
        if (!link || r.bottom > top + 1 || top - r.bottom > 4 * r.height) continue;
        if (best && best.bottom >= r.bottom) continue;
        const lr = link.getBoundingClientRect();
        const x = lr.left + lr.width / 2;
        const y = lr.top + lr.height / 2;
        const over = document.elementFromPoint(x, y);
        const covered = over && link.contains(over) ? null : over ? `<${over.tagName.toLowerCase()} class="${over.className}">${(over.textContent ?? '').trim().slice(0, 60)}` : 'nothing';
        best = { title: (link.textContent ?? '').trim(), x, y, bottom: r.bottom, covered };
      }
      return best;
    }, `def ${fn}(`);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no lens over def ${fn}(`);
    await sleep(100);
  }
}

/**
 * The lens over fn once the editor has stopped moving it and nothing covers it: three reads 150 ms
 * apart at the same place. A click at a place read while the lenses were still being laid out
 * lands on the line above (seen once in CI: the cursor at the blank line before the def, no
 * evaluation asked). A click on a lens under a hover (the mouse, left where the last lens was,
 * rests over a word of the file opened next) lands on the hover: the mouse is moved off the editor
 * and the hover closed first, and the test says what covered the lens.
 */
async function settledLens(page: Page, fn: string): Promise<LensOnScreen> {
  const deadline = Date.now() + LENS_SHOWS;
  let previous = await lensOver(page, fn);
  let steady = 0;
  let told = false;
  while (steady < 2) {
    await sleep(150);
    const current = await lensOver(page, fn);
    steady = current.x === previous.x && current.y === previous.y && current.title === previous.title && current.covered === null ? steady + 1 : 0;
    if (current.covered !== null) {
      if (Date.now() > deadline) throw new Error(`the lens of ${fn}() stays covered by ${current.covered}`);
      if (!told) console.log(`      the lens of ${fn}() is covered by ${current.covered}: moving the mouse off the editor`);
      told = true;
      await page.mouse.move(1, 1);
      await page.keyboard.press('Escape');
      await sleep(300);
    }
    previous = current;
  }
  return previous;
}

/**
 * A lens click VS Code loses: its lens widget still shows the commands of a CodeLens answer it has
 * already disposed, and the click ends in "Actual command not found, wanted to execute
 * gradlens.computeGradient /84" in the extension host's log and a notification. Seen in the logs:
 * the lenses of a file just opened are resolved (commands /84-/89), the editor, given focus back by
 * Go to Line, asks for them again, the first answer is disposed when its resolution completes, and
 * the second is resolved only when the editor next scrolls: until then each click on the lens is
 * lost (twice in 126 s in CI, the first function of a file); issue 11's first-click losses look
 * the same. So a click not taken at once (clickTaken) is followed by a scroll of the editor, which
 * has VS Code resolve the lenses in view again, then by another click, up to CLICKS clicks, each
 * said in the output with what was under the pointer. A click the extension logged as run (`ran`)
 * was taken, however slowly its panel opens: clicking again would only queue a second evaluation.
 */
async function clickAgainIfLost(page: Page, fn: string, ran: () => boolean): Promise<void> {
  for (let click = 1; click < CLICKS; click++) {
    const deadline = Date.now() + CLICK_TAKEN;
    while (Date.now() < deadline) {
      if (ran() || (await clickTaken(page, fn))) return;
      await sleep(100);
    }
    const at = await lensOver(page, fn);
    const missing = (await page.locator('.notifications-toasts .notification-toast', { hasText: 'Actual command not found' }).count()) > 0;
    console.log(`      click ${click} on the lens of ${fn}() opened no panel in ${CLICK_TAKEN} ms (under the pointer: ${at.covered ?? 'its link'}${missing ? "; VS Code: 'Actual command not found'" : ''}): scrolling the editor a little, clicking again`);
    if (missing) await runCommand(page, 'Notifications: Clear All Notifications');
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, 60);
    await sleep(300);
    await page.mouse.wheel(0, -60);
    const again = await settledLens(page, fn);
    await page.mouse.click(again.x, again.y);
  }
}

/**
 * Whether the click on fn's lens reached the extension: its lens changed, or the panel computes
 * fn or shows it computed. NB: the panel, once open, follows the cursor and names fn before any
 * click ('not computed yet'), so that it is open says nothing of the click.
 */
async function clickTaken(page: Page, fn: string): Promise<boolean> {
  if ((await lensOver(page, fn)).title !== '∇ Compute gradient') return true;
  if ((await page.locator('iframe.webview').count()) === 0) return false;
  const shown = await panel(page).locator('body').evaluate((body) => ({
    fn: (body.querySelector('.subject') as HTMLElement | null)?.dataset.function ?? '',
    state: (body.querySelector('.subject') as HTMLElement | null)?.dataset.state ?? '',
    computing: !(body.querySelector('.status') as HTMLElement | null)?.hidden,
  }), undefined, { timeout: 1_000 }).catch(() => null);
  return shown !== null && shown.fn === fn && (shown.state !== 'none' || shown.computing);
}

/** The lens's title once it shows a result for fn (anything but the title it has before one). */
async function lensResult(page: Page, fn: string): Promise<string> {
  const deadline = Date.now() + EVALUATES;
  for (;;) {
    const lens = await lensOver(page, fn);
    if (lens.title !== '∇ Compute gradient' && lens.title !== '') return lens.title;
    if (Date.now() > deadline) throw new Error(`the lens of ${fn}() still reads ${JSON.stringify(lens.title)} after ${EVALUATES} ms`);
    await sleep(50);
  }
}

async function defLineText(page: Page, fn: string): Promise<string> {
  return page.evaluate(
    (def) => (Array.from(document.querySelectorAll('.monaco-editor .view-line')).find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').startsWith(def))?.textContent ?? '').replace(/\u00a0/g, ' '),
    `def ${fn}(`,
  );
}

interface PanelResult {
  /** The heading, which names the function. */
  readonly heading: string;
  readonly text: string;
  readonly error: string | null;
  readonly value: string;
  /** Each gradient row: its label (`∂/∂w`) and the numbers shown. */
  readonly grads: readonly { readonly label: string; readonly shown: string }[];
}

/** What the panel shows for fn, once its heading names fn. */
async function panelResult(page: Page, fn: string): Promise<PanelResult> {
  const deadline = Date.now() + SLOW;
  const named = new RegExp(`(^|[^\\w.])${fn}\\b`);
  for (;;) {
    const shown = await panel(page)
      .locator('body')
      .evaluate((body) => {
        const section = body.querySelector('section.results, section.error');
        if (!section) return null;
        const text = (el: Element | null | undefined) => (el?.textContent ?? '').trim();
        return {
          heading: text(section.querySelector('h2')),
          text: text(section),
          error: section.matches('section.error') ? text(section) : null,
          value: text(section.querySelector('tr.value td.shown')),
          grads: Array.from(section.querySelectorAll('tr.grad')).map((r) => ({ label: text(r.querySelector('th')), shown: text(r.querySelector('td.shown')) })),
        };
      })
      .catch(() => null);
    if (shown && named.test(shown.heading)) return shown;
    if (Date.now() > deadline) throw new Error(`the panel never named ${fn}(); it shows ${JSON.stringify(shown?.heading)}`);
    await sleep(100);
  }
}

/** The parameter a gradient label names: `∂/∂w` -> `w`, `∂loss/∂params[0]` -> `params[0]`. */
function paramOf(label: string): string {
  const m = /∂\s*([\w.]+(?:\[\d+\])*)\s*(?::.*)?$/.exec(label);
  return m ? m[1] : label;
}

/** What the fixture expects for a shown parameter: itself, or the leaves `name[i]` of a pytree in order. */
function expectedLeaves(expected: Expected, name: string): { grad: number[]; jacobian: number[] | null; leaves: string[] } | null {
  const all = Object.keys(expected.grad ?? {});
  const leaves = all.includes(name) ? [name] : all.filter((k) => k.startsWith(`${name}[`));
  if (leaves.length === 0) return null;
  return {
    grad: leaves.flatMap((l) => flatten(expected.grad![l])),
    jacobian: expected.jacobian ? leaves.flatMap((l) => flatten(expected.jacobian![l])) : null,
    leaves,
  };
}

function checkPanel(fn: string, shown: PanelResult, expected: Expected): void {
  const wrongValue = mismatch(shownNumbers(shown.value), flatten(expected.value));
  assert.equal(wrongValue, null, `the panel's value of ${fn}() is ${shown.value}: ${wrongValue}`);
  if (expected.grad === null) {
    for (const g of shown.grads) assert.ok(shownNumbers(g.shown).every((n) => n.value === 0), `${fn}() has no gradient, yet the panel shows ${g.label} = ${g.shown}`);
    return;
  }
  const covered = new Set<string>();
  for (const g of shown.grads) {
    const param = paramOf(g.label);
    const want = expectedLeaves(expected, param);
    assert.ok(want, `the panel differentiates ${fn}() with respect to ${param}, which it should not (expected: ${expected.required.join(', ')})`);
    const numbers = shownNumbers(g.shown);
    const wrong = want.jacobian && numbers.length === want.jacobian.length && numbers.length !== want.grad.length ? mismatch(numbers, want.jacobian) : mismatch(numbers, want.grad);
    assert.equal(wrong, null, `the panel's ${g.label} of ${fn}() is ${g.shown}: ${wrong}`);
    for (const l of want.leaves) covered.add(l);
  }
  const missing = expected.required.filter((r) => !covered.has(r));
  assert.deepEqual(missing, [], `the panel shows no gradient of ${fn}() for ${missing.join(', ')} (it shows ${shown.grads.map((g) => g.label).join(', ') || 'none'})`);
}

/**
 * The lens: `∇w = [0.12, -0.53], ∇b = -0.0107 · jit 1.2× faster`, or a short form for a tensor
 * (`∇W1: f32[4,3] ‖∇‖=0.41`). Every number it prints must be right: a scalar, a whole small
 * array, or a norm. Arrays it cuts (`…`) are checked in the panel.
 */
function checkLens(fn: string, title: string, expected: Expected): void {
  const grads = title.split(' · ')[0].replace(/,?\s*\+\d+ more$/, '');
  if (expected.grad === null) {
    assert.ok(shownNumbers(grads).every((n) => n.value === 0), `${fn}() has no gradient, yet its lens reads ${title}`);
    return;
  }
  for (const part of grads.split(/,\s*(?=∇)/)) {
    const m = /^∇\s*([\w.]+(?:\[\d+\])*)\s*[=:]\s*(.*)$/.exec(part.trim());
    if (!m) continue;
    const want = expectedLeaves(expected, m[1]);
    assert.ok(want, `the lens of ${fn}() shows ∇${m[1]}, which it should not (${title})`);
    checkShortForm(`the lens of ${fn}() (${title}): ∇${m[1]}`, m[2], want.grad, want.jacobian);
  }
}

/** The inlay hint after the def: `→ 0.854355, ∇x = 0.574443`. */
function checkInlay(fn: string, line: string, expected: Expected): void {
  const at = line.indexOf('→');
  if (at < 0) return;
  const hint = line.slice(at + 1).replace(/,?\s*\+\d+ more\s*$/, '');
  const [value, ...grads] = hint.split(/,\s*(?=∇)/);
  checkShortForm(`the inlay hint of ${fn}() (${hint.trim()}): the value`, value, flatten(expected.value), null);
  if (expected.grad === null) return;
  for (const part of grads) {
    // NB: VS Code cuts a long hint (editor.inlayHints.maximumLength) with '…': its last part is not all there.
    if (part.trim().endsWith('…')) continue;
    const m = /^∇\s*([\w.]+(?:\[\d+\])*)\s*[=:]\s*(.*)$/.exec(part.trim());
    const want = m && expectedLeaves(expected, m[1]);
    assert.ok(m && want, `the inlay hint of ${fn}() shows ${part.trim()}, which it should not`);
    checkShortForm(`the inlay hint of ${fn}() (${hint.trim()}): ∇${m[1]}`, m[2], want.grad, want.jacobian);
  }
}

function checkShortForm(what: string, text: string, want: readonly number[], jacobian: readonly number[] | null): void {
  const normShown = /‖[^‖]*‖\s*=\s*(\S+)/.exec(text);
  if (normShown) {
    // A norm is a summary printed to two significant digits (`‖∇‖=2.3e+02` for 232.87).
    const [printed] = shownNumbers(normShown[1]);
    const shown = { value: printed.value, halfUnit: Math.max(printed.halfUnit, 0.05 * 10 ** Math.floor(Math.log10(Math.abs(printed.value) || 1))) };
    const wanted = norm(jacobian ?? want);
    const alt = norm(want);
    assert.ok(mismatch([shown], [wanted]) === null || mismatch([shown], [alt]) === null, `${what}: norm ${shown.value} where ${alt} is expected`);
    return;
  }
  if (text.includes('…')) return;
  const numbers = shownNumbers(text);
  if (jacobian && numbers.length === jacobian.length && numbers.length !== want.length) {
    assert.equal(mismatch(numbers, jacobian), null, `${what}: ${mismatch(numbers, jacobian)}`);
    return;
  }
  if (numbers.length !== want.length) return;
  assert.equal(mismatch(numbers, want), null, `${what}: ${mismatch(numbers, want)}`);
}

/** Every notification closes by itself once the result is there (a progress one ends with it). */
async function noNotificationStaysOpen(page: Page): Promise<void> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await toasts.allTextContents();
    if (open.length === 0) return;
    if (Date.now() > deadline) assert.fail(`notifications still open: ${open.join(' | ')}`);
    await sleep(200);
  }
}

/** How many times the extension logged that it computes fn() of `file` (Evaluations.run's line in the Gradlens output). */
function runsLogged(logs: string, fn: string, file: string): number {
  return logText(logs, 'Gradlens.log').split('\n').filter((l) => l.includes(`[info] results: ${fn}() in `) && l.endsWith(`/${file}`)).length;
}

/** The logs under `dir` whose file names end with `ending` (the Output view's Gradlens channel: 'Gradlens.log'). */
function logText(dir: string, ending = '.log'): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? logText(path, ending) : path.endsWith(ending) ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}

function printTimings(backend: string, timings: readonly Timing[]): void {
  const byFile = new Map<string, Timing[]>();
  for (const t of timings) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
  console.log(`\n      click to lens result, gradlens.backend = ${backend}:`);
  for (const [file, ts] of byFile) {
    const each = ts.map((t) => `${t.function} ${t.ms}`).join(', ');
    console.log(`        ${file}: total ${ts.reduce((s, t) => s + t.ms, 0)} ms (${each} ms)`);
  }
}

/** Waits until `holds` is true, at most EVALUATES ms; the failure names what never held. */
async function until(what: string, holds: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + EVALUATES;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`after ${EVALUATES} ms, still not so: ${what}`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
