/**
 * A client that resolves CodeLenses (VS Code's declares `textDocument.codeLens.resolveSupport` for
 * `command`) gets them without their commands and resolves those it shows: each resolved lens must
 * be the lens a client that does not resolve gets, its title following the function's latest result.
 */
import { strict as assert } from 'node:assert';
import { ErrorCodes, ResponseError, type CodeLens } from 'vscode-languageserver-protocol';
import { COMMANDS, resultNotification, toWire, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, readText, RESOLVES_LENSES } from './client';

const FILE = 'examples/seed_jax.py';

describe('language server: CodeLenses resolved on request (codeLens/resolve)', function () {
  this.timeout(120_000);
  const uri = fileUri(FILE);
  const text = readText(FILE);
  let plain: LspClient;
  let resolving: LspClient;

  before(async () => {
    plain = await LspClient.start();
    // As VS Code starts it: an execution host over Node's IPC channel, resolving lenses.
    resolving = await LspClient.start({ executionHost: true }, 'ipc', RESOLVES_LENSES);
    await plain.open(uri, text);
    await resolving.open(uri, text);
    // Analyzed: an answer from a just-opened document's tokens comes whole (resolving its lenses would wait for the analysis).
    await resolving.diagnosticsOf(uri);
  });
  after(async () => {
    await plain.stop();
    await resolving.stop();
  });

  it('announces codeLens/resolve', () => {
    assert.deepEqual(resolving.capabilities.codeLensProvider, { resolveProvider: true });
  });

  it('once analyzed, sends the lenses without their commands, and resolves each to the lens a client that does not resolve gets', async () => {
    const full = await plain.codeLenses(uri);
    const bare = await resolving.codeLenses(uri);
    assert.ok(full.length >= 3 && full.every((l) => l.command !== undefined));
    assert.equal(bare.length, full.length);
    assert.ok(bare.every((l) => l.command === undefined && l.data !== undefined), JSON.stringify(bare[0]));
    // The document's URI is the client's to know: each lens carries a number for it instead.
    assert.ok(!JSON.stringify(bare).includes(uri), JSON.stringify(bare[0]));
    assert.deepEqual(await Promise.all(bare.map((l) => resolving.resolveLens(l))), full);
  });

  it("a resolved lens reads the function's latest result, marked stale once an edit makes it so (issue 18)", async () => {
    const outcome = await plain.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'f' }]);
    assert.ok(outcome.ok);
    await resolving.connection.sendNotification(resultNotification, toWire(outcome));
    const [first] = await resolving.codeLenses(uri);
    assert.match((await resolving.resolveLens(first!)).command!.title, /^∇x = 7\.0 · jit [\d.]+× (faster|slower)$/);
    const ret = text.split('\n').findIndex((l) => l.includes('return x ** 2'));
    await resolving.change(uri, [{ range: { start: { line: ret, character: 0 }, end: { line: ret, character: 0 } }, text: '    x = x + 0\n' }]);
    const [after] = await resolving.codeLenses(uri);
    const resolved = (await resolving.resolveLens(after!)).command!;
    assert.match(resolved.title, /^∇x = 7\.0 · jit [\d.]+× (faster|slower) \(stale: edited since\)$/);
    assert.deepEqual({ ...resolved, title: '' }, { title: '', command: COMMANDS.computeGradient, arguments: [{ uri, function: 'f' }] });
  });

  it('answers a malformed lens to resolve with InvalidParams, and a lens sent with its command as it is', async () => {
    const [lens] = await plain.codeLenses(uri);
    assert.deepEqual(await plain.resolveLens(lens!), lens);
    const malformed: unknown[] = [{}, { range: lens!.range, data: [0, 'f', 7] }, { range: lens!.range, data: [uri, 'f', 0] }, { range: lens!.range, data: [99, 'f', 0] }, { range: lens!.range, data: 'f' }, { data: [0, 'f', 0] }];
    for (const bad of malformed) {
      await assert.rejects(resolving.resolveLens(bad as CodeLens), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InvalidParams, JSON.stringify(bad));
    }
    assert.ok(resolving.alive);
  });
});
