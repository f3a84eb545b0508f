/**
 * Issue 12: an evaluation the server stops from outside (one long kernel past its time budget, a
 * worker out of memory) said where its function starts, or nothing; the evaluation process tells
 * the server where it is, so the error is at the line that was running.
 */
import { strict as assert } from 'node:assert';
import { evaluateRequest, fromWire, isEvaluationOutcome, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, readText } from './client';

const FILE = 'test/fixtures/lsp/hard_stop.py';

describe('language server: an evaluation stopped from outside is reported at the line it was running', function () {
  this.timeout(120_000);
  const doc = { uri: fileUri(FILE), text: readText(FILE) };
  /** The 1-based line and column of `needle` in the fixture. */
  const at = (needle: string) => {
    const lines = doc.text.split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    return { line: line + 1, col: lines[line].indexOf(needle) + 1 };
  };

  async function evaluated(client: LspClient, fn: string, ms: number): Promise<EvaluationOutcome> {
    await client.open(doc.uri, doc.text);
    return fromWire(await client.connection.sendRequest(evaluateRequest, {
      uri: doc.uri, text: doc.text, function: fn, engines: 'both', backend: 'wasm', graphs: false, budgets: { ms },
    }), isEvaluationOutcome)!;
  }

  it('an 8000 x 8000 matmul past its time budget: the error and its range are the matmul\'s', async () => {
    const client = await LspClient.start();
    try {
      const outcome = await evaluated(client, 'big_matmul', 3000);
      assert.ok(!outcome.ok, JSON.stringify(outcome));
      const matmul = at('a @ a');
      assert.equal(outcome.error.kind, 'budget');
      // NB: on a quiet machine the kernel may end before the hard stop and the evaluation's own clock stops it at its next check: the same line either way.
      assert.match(outcome.error.message, new RegExp(`^\\S*hard_stop\\.py:${matmul.line}:${matmul.col}: error: (evaluation stopped after [\\d.]+ s \\(gradlens\\.budget\\.seconds\\): big_matmul\\(\\) ran past its time budget of 3 s .*; make it do less, or raise gradlens\\.budget\\.seconds|the script ran longer than 3 s \\(the time budget\\).*)$`));
      assert.deepEqual(outcome.error.range, { line: matmul.line, col: matmul.col, endLine: matmul.line, endCol: matmul.col + 'a @ a'.length });
    } finally {
      await client.stop();
    }
  });

  it('a function whose Python values outgrow the evaluation process\'s heap: the error is at the line that grew them', async () => {
    // NB: a small heap for the server's evaluation process, which inherits this environment: 1 GiB fills slowly.
    process.env.GRADLENS_WORKER_HEAP_MIB = '160';
    const client = await LspClient.start();
    delete process.env.GRADLENS_WORKER_HEAP_MIB;
    try {
      const outcome = await evaluated(client, 'grow', 100_000);
      assert.ok(!outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.error.kind, 'budget');
      const line = at('xs.append(t.tolist())').line;
      assert.match(outcome.error.message, new RegExp(`^\\S*hard_stop\\.py:${line}:\\d+: error: evaluation stopped: grow\\(\\) ran out of memory \\(its Python values may hold 160 MiB\\); make its lists, strings or tensors smaller$`));
      assert.equal(outcome.error.range?.line, line);
    } finally {
      await client.stop();
    }
  });
});
