/**
 * Malformed LSP messages (issue 12.12): each notification is logged and dropped, each request is
 * answered with InvalidParams; the server stays up, and a well-formed document open beside them
 * keeps its lenses, hover and inlay hints. A forged `gradlens/result` never reaches the features.
 */
import { strict as assert } from 'node:assert';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import { fileUri, LspClient, readText } from './client';

const uri = fileUri('test/fixtures/lsp/malformed_neighbour.py');
const TEXT = 'import torch\n\ndef f(x):\n    return (x ** 2).sum()\n\nf(torch.ones(3))\n';

const result = (overrides: Record<string, unknown>) => ({
  ok: true,
  result: { uri, function: 'f', sourceHash: '0', ...overrides },
});

/** Notifications: [method, params]. Every one must be dropped without effect. */
const NOTIFICATIONS: [string, unknown][] = [
  ['textDocument/didOpen', { textDocument: { uri: fileUri('x1.py'), languageId: 'python', version: 1, text: null } }],
  ['textDocument/didOpen', { textDocument: { uri: fileUri('x2.py'), languageId: 'python', version: 1, text: 42 } }],
  ['textDocument/didOpen', { textDocument: { uri: fileUri('x3.py'), languageId: 'python', version: 1, text: { a: 1 } } }],
  ['textDocument/didOpen', { textDocument: { uri: null, languageId: 'python', version: 1, text: 'x = 1\n' } }],
  ['textDocument/didOpen', { textDocument: { uri: fileUri('x4.py'), languageId: 'python', version: 'one', text: 'x = 1\n' } }],
  ['textDocument/didOpen', { textDocument: null }],
  ['textDocument/didOpen', null],
  ['textDocument/didOpen', []],
  ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: null }],
  ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: null }] }],
  ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'x', range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } } }] }],
  ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'x', range: { start: { line: 'a', character: 0 }, end: null } }] }],
  ['textDocument/didChange', { textDocument: { uri, version: null }, contentChanges: [{ text: 'x' }] }],
  ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'x', range: { start: { line: 1e300, character: 0 }, end: { line: 0, character: 0 } } }] }],
  ['textDocument/didChange', null],
  ['textDocument/didClose', { textDocument: null }],
  ['textDocument/didClose', { textDocument: { uri: 7 } }],
  ['gradlens/result', null],
  ['gradlens/result', { ok: true }],
  ['gradlens/result', { ok: true, result: null }],
  ['gradlens/result', result({ value: 'NaN' })],
  ['gradlens/result', result({ eager: { lines: 'all' } })],
  ['gradlens/result', { ok: false, error: { uri, function: 'f', sourceHash: '0', message: null } }],
  ['gradlens/result', { ok: 'yes', result: {} }],
];

/** Requests: [method, params]. Every one must be answered InvalidParams. */
const REQUESTS: [string, unknown][] = [
  ['textDocument/codeLens', { textDocument: null }],
  ['textDocument/codeLens', {}],
  ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }],
  ['textDocument/hover', { textDocument: { uri }, position: null }],
  ['textDocument/inlayHint', { textDocument: { uri } }],
  ['textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 'a' }, end: { line: 1, character: 0 } } }],
  ['workspace/executeCommand', { command: 'gradlens.computeGradient', arguments: [null] }],
  ['workspace/executeCommand', { command: 'gradlens.computeGradient', arguments: [{ uri: 1, function: [] }] }],
  ['workspace/executeCommand', { command: 42 }],
  ['gradlens/resultOf', { uri: null, function: 'f' }],
  ['gradlens/checkInputs', { uri, function: 'f', inputs: null }],
  ['gradlens/evaluate', { uri, function: 'f' }],
  ['gradlens/evaluate', { uri, text: null, function: 'f', engines: 'both', backend: 'wasm', graphs: false }],
];

describe('language server: malformed LSP messages', function () {
  this.timeout(120_000);

  it(`drops ${NOTIFICATIONS.length} malformed notifications and answers ${REQUESTS.length} malformed requests with InvalidParams, and stays up`, async () => {
    const client = await LspClient.start();
    await client.open(uri, TEXT);
    const before = await client.codeLenses(uri);
    assert.ok(before.length > 0);
    for (const [method, params] of NOTIFICATIONS) {
      await client.connection.sendNotification(method, params);
      // A request after each: the server has handled the notification when it answers.
      assert.deepEqual(await client.codeLenses(uri), before, `after ${method} ${JSON.stringify(params)}`);
      assert.ok(client.alive, `alive after ${method} ${JSON.stringify(params)}`);
    }
    for (const [method, params] of REQUESTS) {
      await assert.rejects(
        client.connection.sendRequest(method, params),
        (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InvalidParams,
        `${method} ${JSON.stringify(params)}`,
      );
      assert.ok(client.alive, `alive after ${method} ${JSON.stringify(params)}`);
    }
    assert.equal(client.logs.filter((l) => l.startsWith('Ignored a malformed')).length, NOTIFICATIONS.length);
    // The document and its features are as they were.
    assert.deepEqual(await client.codeLenses(uri), before);
    assert.equal(await client.hoverText(uri, { line: 2, character: 4 }), null);
    assert.deepEqual(await client.inlayHints(uri, 6), []);
    assert.doesNotMatch(client.stderr, /uncaught/);
    await client.stop();
  });

  it('a forged result of the right shape for a function whose text it does not match is not shown', async () => {
    const client = await LspClient.start();
    const text = readText('examples/seed_torch.py');
    const seed = fileUri('examples/seed_torch.py');
    await client.open(seed, text);
    const lenses = await client.codeLenses(seed);
    await client.connection.sendNotification('gradlens/result', {
      ok: false,
      error: { kind: 'error', uri: seed, function: 'f', sourceHash: 'forged', message: 'forged' },
    });
    assert.deepEqual(await client.codeLenses(seed), lenses);
    assert.ok(client.alive);
    await client.stop();
  });
});
