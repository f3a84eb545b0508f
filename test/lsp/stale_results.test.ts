/**
 * Issue 18, live mode while the user types: an edit of a computed function leaves its last result
 * in the lens and the value hint, marked stale, instead of `∇ Compute gradient` and no hint; an
 * evaluation cancelled as the user types on (live mode cancels the one it started) leaves it so,
 * and is not taken for a result (live mode asks gradlens/resultOf and computes again when there is
 * none); the next evaluation that ends replaces it, and the client is asked to refresh.
 */
import { strict as assert } from 'node:assert';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { InlayHintKind, type CancellationToken } from 'vscode-languageserver-protocol';
import { evaluateRequest, fromWire, isEvaluationOutcome, resultRequest, type EvaluationOutcome } from '../../protocol';
import { STALE_MARK } from '../../server/lenses';
import { fileUri, LspClient } from './client';

/** The live-shapes function with a slow first step, so that an evaluation is still running when it is cancelled. */
const TEXT = `import time

import torch


def loss(w, x):
    time.sleep(1.0)  # a slow loader's wait
    h = torch.tanh(x @ w)
    y = h.sum(dim=1)
    return (y ** 2).mean()


w = torch.linspace(-1.0, 1.0, 12).reshape(3, 4)
x = torch.linspace(0.0, 2.0, 24).reshape(8, 3)
print(loss(w, x))
`;
/** PyTorch 1.13: loss(w, x), and with h = torch.tanh(x @ w) * 2. */
const LOSS = 0.14748942852020264;
const LOSS_TIMES_2 = 0.5899577140808105;

describe('language server: a result an edit made stale stays shown, marked, until the function is computed again (issue 18)', function () {
  this.timeout(180_000);
  let client: LspClient;
  const uri = fileUri('test/fixtures/lsp/stale_results.py');
  let text = TEXT;
  const line = TEXT.split('\n').findIndex((l) => l.includes('torch.tanh(x @ w)'));
  let computed = '';

  const title = async () => (await client.codeLenses(uri))[0].command!.title;
  const valueHint = async () => {
    const hint = (await client.inlayHints(uri, TEXT.split('\n').length)).find((h) => h.kind === InlayHintKind.Parameter);
    return typeof hint?.label === 'string' ? hint.label : undefined;
  };
  const valueOf = (label: string | undefined) => Number(/^→ ([\d.e+-]+)/.exec(label ?? '')?.[1]);
  const evaluate = async (token?: CancellationToken): Promise<EvaluationOutcome | undefined> =>
    fromWire(await client.connection.sendRequest(evaluateRequest, { uri, text, function: 'loss', engines: 'eager', backend: 'wasm', graphs: false }, token), isEvaluationOutcome);
  const hasResult = async () => (await client.connection.sendRequest(resultRequest, { uri, function: 'loss' })) !== null;
  /** Types `typed` at the end of h's line, or backspaces `typed.length` characters there when `back`. */
  const type = async (typed: string, back = false) => {
    const lines = text.split('\n');
    const end = lines[line].length;
    const range = back ? { start: { line, character: end - typed.length }, end: { line, character: end } } : { start: { line, character: end }, end: { line, character: end } };
    await client.change(uri, [{ range, text: back ? '' : typed }]);
    lines[line] = back ? lines[line].slice(0, end - typed.length) : lines[line] + typed;
    text = lines.join('\n');
  };

  before(async () => {
    client = await LspClient.start();
    await client.open(uri, text);
    const outcome = await evaluate();
    assert.ok(outcome?.ok, JSON.stringify(outcome));
    computed = await title();
    assert.match(computed, /^∇/);
    assert.ok(Math.abs(valueOf(await valueHint()) - LOSS) < 1e-5, await valueHint());
  });
  after(async () => {
    await client.stop();
  });

  it('shows the last result, marked stale, after an edit of the function', async () => {
    await type(' * 2');
    assert.equal(await title(), `${computed}${STALE_MARK}`);
    const hint = await valueHint();
    assert.ok(hint?.endsWith(STALE_MARK), hint);
    assert.ok(Math.abs(valueOf(hint) - LOSS) < 1e-5, hint);
    assert.equal(await hasResult(), false);
  });

  it('leaves it so when the evaluation started for the new text is cancelled, and has no result for live mode to skip', async () => {
    const cancellation = new CancellationTokenSource();
    const running = evaluate(cancellation.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    cancellation.cancel();
    const outcome = await running;
    assert.equal(outcome?.ok === false && outcome.error.kind, 'cancelled', JSON.stringify(outcome));
    assert.equal(await title(), `${computed}${STALE_MARK}`);
    assert.equal(await hasResult(), false);
  });

  it('shows the next result, unmarked, once an evaluation ends, and asks the client to show it', async () => {
    const refreshes = client.codeLensRefreshes.length;
    const outcome = await evaluate();
    assert.ok(outcome?.ok, JSON.stringify(outcome));
    assert.ok(client.codeLensRefreshes.length > refreshes);
    const now = await title();
    assert.ok(!now.endsWith(STALE_MARK) && now !== computed, now);
    const hint = await valueHint();
    assert.ok(Math.abs(valueOf(hint) - LOSS_TIMES_2) < 1e-5 && !hint?.endsWith(STALE_MARK), hint);
  });

  it('shows a stale result as current again when an undo brings back the text it was computed from', async () => {
    const now = await title();
    await type(' * 2', true);
    assert.equal(await title(), `${now}${STALE_MARK}`);
    await type(' * 2');
    assert.equal(await title(), now);
    assert.equal(await hasResult(), true);
  });
});
