/**
 * Keystroke latency with live evaluation on (issue 18), as VS Code's live mode drives the server
 * when the panel is closed: typing into a computed function (the PyTorch tutorial's training loop)
 * in bursts; after each burst, once typing has paused for live mode's quiet period, the client asks
 * the server to evaluate the function again (`gradlens/evaluate`, in the server's worker), and the
 * next burst's first keystroke cancels that evaluation as live mode does. Each keystroke is timed
 * from its `didChange` to the next CodeLens response; those sent while an evaluation ran are
 * counted apart.
 */
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { evaluateRequest } from '../../protocol';
import { fileUri, readText, type LspClient } from '../../test/lsp/client';

const FILE = 'test/fixtures/lsp/poly_nn_train.py';
/** Each burst's first keystroke is sent while an evaluation runs: enough of them for a 90th percentile. */
const BURSTS = 80;
const KEYS_PER_BURST = 4;
/** A typist's pace: 10 keys a second. */
const KEY_INTERVAL_MS = 100;
/** extension/live_schedule.ts's LIVE_DEBOUNCE_MS: the pause after which live mode computes again. */
const LIVE_DEBOUNCE_MS = 500;
/** How long the evaluation runs before the next burst starts. */
const EVALUATING_MS = 300;

export interface LiveKeystrokes {
  /** Every keystroke's didChange -> codeLens, in ms. */
  readonly all: number[];
  /** Those sent while an evaluation was running in the server. */
  readonly duringEvaluation: number[];
  readonly evaluations: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function liveKeystrokes(client: LspClient): Promise<LiveKeystrokes> {
  const uri = fileUri(FILE);
  let text = readText(FILE);
  await client.open(uri, text);
  // Trailing spaces on the loss line: valid Python, and each one makes train's result stale.
  const line = text.split('\n').findIndex((l) => l.includes('loss = loss_fn('));
  const end = text.split('\n')[line]!.length;
  const all: number[] = [];
  const duringEvaluation: number[] = [];
  let running: { readonly cancel: CancellationTokenSource; done: boolean } | null = null;
  let evaluations = 0;
  let spaces = 0;
  for (let burst = 0; burst < BURSTS; burst++) {
    for (let k = 0; k < KEYS_PER_BURST; k++) {
      const evaluating = running !== null && !running.done;
      const typeSpace = burst % 2 === 0;
      const at = { line, character: end + spaces };
      const change = typeSpace ? { range: { start: at, end: at }, text: ' ' } : { range: { start: { line, character: end + spaces - 1 }, end: at }, text: '' };
      spaces += typeSpace ? 1 : -1;
      const lines = text.split('\n');
      lines[line] = lines[line]!.slice(0, end) + ' '.repeat(spaces);
      text = lines.join('\n');
      const t0 = performance.now();
      await client.change(uri, [change]);
      // Live mode cancels the evaluation the edit made stale.
      if (k === 0) running?.cancel.cancel();
      await client.lensesOnScreen(uri, line - 25);
      const ms = performance.now() - t0;
      all.push(ms);
      if (evaluating) duringEvaluation.push(ms);
      await sleep(KEY_INTERVAL_MS);
    }
    await sleep(LIVE_DEBOUNCE_MS);
    const cancel = new CancellationTokenSource();
    const started: { readonly cancel: CancellationTokenSource; done: boolean } = { cancel, done: false };
    running = started;
    evaluations++;
    void client.connection
      .sendRequest(evaluateRequest, { uri, text, function: 'train', engines: 'both', backend: 'wasm', graphs: true }, cancel.token)
      .catch(() => undefined)
      .then(() => void (started.done = true));
    await sleep(EVALUATING_MS);
  }
  running?.cancel.cancel();
  return { all, duringEvaluation, evaluations };
}
