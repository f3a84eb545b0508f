/**
 * Issue 18, live mode with shape hints: as VS Code runs it with its panel closed (the server over
 * --node-ipc as an execution-host client's, the extension's own LiveScheduler, and each run doing
 * what extension/live.ts does: ask gradlens/resultOf, and where the result went stale ask
 * gradlens/evaluate with the text as it now is), typing into a computed function changes each
 * assigned name's shape hint and the value hint without a click, after one evaluation.
 */
import { strict as assert } from 'node:assert';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { InlayHint } from 'vscode-languageserver-protocol';
import { LIVE_DEBOUNCE_MS, LiveScheduler, type LiveToken } from '../../extension/live_schedule';
import { evaluateRequest, fromWire, isEvaluationOutcome, resultRequest, type EvaluateRequest } from '../../protocol';
import { fileUri, LspClient, readText } from './client';

const FILE = 'test/fixtures/lsp/live_shapes.py';
/** Typed after `torch.tanh(x @ w)`, a keystroke at a time: h keeps two of its four columns. */
const TYPED = '[:, :2]';
/** The gap between keystrokes: a quick typist's, well inside the debounce. */
const KEYSTROKE_MS = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('language server: live mode updates the shape hints after an edit (issue 18)', function () {
  this.timeout(180_000);
  let client: LspClient;
  const uri = fileUri(FILE);
  let text = readText(FILE);
  const lineCount = text.split('\n').length;

  const request = (): EvaluateRequest => ({ uri, text, function: 'loss', engines: 'eager', backend: 'wasm', graphs: false });

  /** The hints as `name: type` (shape hints) and `→ …` (the value hint after the def line). */
  const hintTexts = async (): Promise<{ shapes: string[]; value: string | undefined }> => {
    const hints: InlayHint[] = await client.inlayHints(uri, lineCount);
    const lines = text.split('\n');
    const label = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
    return {
      shapes: hints.filter((h) => h.kind === 1).map((h) => `${lines[h.position.line].slice(0, h.position.character).trim()}${label(h)}`),
      value: hints.filter((h) => h.kind === 2).map(label)[0],
    };
  };

  before(async () => {
    client = await LspClient.start({ executionHost: true, inlayShapes: true }, 'ipc');
    await client.open(uri, text);
    // The click that computes it first (the panel closed: the extension asks the server).
    const outcome = fromWire(await client.connection.sendRequest(evaluateRequest, request()), isEvaluationOutcome);
    assert.ok(outcome?.ok, JSON.stringify(outcome));
  });
  after(async () => {
    await client.stop();
  });

  it('shows each assigned name\'s type and the value once computed', async () => {
    const hints = await hintTexts();
    assert.deepEqual(hints.shapes, ['h: f32[8,4]', 'y: f32[8]']);
    // PyTorch 1.13: loss(w, x) = 0.14748944342136383.
    assert.ok(Math.abs(Number(/^→ ([\d.e+-]+)/.exec(hints.value ?? '')?.[1]) - 0.14748944342136383) < 1e-5, hints.value);
  });

  it('typing into the function changes h\'s and the value\'s hints without a click, after one evaluation for all the keystrokes', async () => {
    let asked = 0;
    let evaluations = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    // extension/live.ts's run, for a client whose panel is closed.
    const run = async (documentUri: string, token: LiveToken): Promise<void> => {
      asked++;
      if ((await client.connection.sendRequest(resultRequest, { uri: documentUri, function: 'loss' })) !== null || token.cancelled) return;
      evaluations++;
      const cancellation = new CancellationTokenSource();
      token.onCancelled(() => cancellation.cancel());
      const outcome = fromWire(await client.connection.sendRequest(evaluateRequest, request(), cancellation.token), isEvaluationOutcome);
      assert.ok(outcome?.ok, JSON.stringify(outcome));
      finished();
    };
    const schedule = new LiveScheduler(run);
    try {
      const line = text.split('\n').findIndex((l) => l.includes('torch.tanh(x @ w)'));
      let column = text.split('\n')[line].indexOf('torch.tanh(x @ w)') + 'torch.tanh(x @ w)'.length;
      for (const key of TYPED) {
        await client.change(uri, [{ range: { start: { line, character: column }, end: { line, character: column } }, text: key }]);
        text = text.split('\n').map((l, i) => (i === line ? l.slice(0, column) + key + l.slice(column) : l)).join('\n');
        column++;
        schedule.edited(uri);
        await sleep(KEYSTROKE_MS);
      }
      // Stale at once: the old shapes are not shown for the new text, whether or not the run has started.
      const stale = await hintTexts();
      assert.ok(!stale.shapes.includes('h: f32[8,4]'), `the old shape is still shown after the edit: ${stale.shapes.join(', ')}`);
      await done;
      // Past the debounce: any run the keystrokes could have scheduled has started by now.
      await sleep(2 * LIVE_DEBOUNCE_MS);
      assert.equal(evaluations, 1, `${evaluations} evaluations for ${TYPED.length} keystrokes`);
      assert.equal(asked, 1, `${asked} runs for ${TYPED.length} keystrokes`);
      const hints = await hintTexts();
      assert.deepEqual(hints.shapes, ['h: f32[8,2]', 'y: f32[8]']);
      // PyTorch 1.13, with h = torch.tanh(x @ w)[:, :2]: 0.6605960130691528.
      assert.ok(Math.abs(Number(/^→ ([\d.e+-]+)/.exec(hints.value ?? '')?.[1]) - 0.6605960130691528) < 1e-5, hints.value);
    } finally {
      schedule.dispose();
    }
  });
});
