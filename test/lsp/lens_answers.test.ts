/**
 * A client that resolves CodeLenses, typing in a large file over stdio: the lenses around the last
 * edit come with their commands (the screen the user types in shows them without resolving them),
 * the others without, and each is the lens a client that does not resolve gets; the server keeps
 * each function's lenses' JSON between answers, so a result that arrives, and an edit that drops
 * it, must change what the lenses read.
 */
import { strict as assert } from 'node:assert';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { COMMANDS, resultNotification, toWire, type EvaluationOutcome } from '../../protocol';
import { RESOLVED_AROUND_EDIT_LINES } from '../../server/handlers/lenses';
import { STALE_MARK } from '../../server/lenses';
import { generate } from '../../bench/lsp/generate';
import { fileUri, LspClient, RESOLVES_LENSES } from './client';

describe('language server over stdio: the lenses around the last edit come resolved', function () {
  this.timeout(120_000);
  const uri = fileUri('test/fixtures/lsp/generated_lens_answers.py');
  // A comment past ASCII: the document's strings are two-byte, the answers' JSON must not be.
  const text = `# Gradients ∇ of 300 functions, é\n${generate().text}`;
  const lines = text.split('\n');
  const defLine = lines.findIndex((l) => l.startsWith('def loss_150('));
  const bodyLine = defLine + 3;
  let plain: LspClient;
  let resolving: LspClient;

  before(async () => {
    plain = await LspClient.start();
    resolving = await LspClient.start({}, 'stdio', RESOLVES_LENSES);
    for (const client of [plain, resolving]) {
      await client.open(uri, text);
      await client.diagnosticsOf(uri);
    }
  });
  after(async () => {
    await plain.stop();
    await resolving.stop();
  });

  /** Types `typed` at the end of the body line of loss_150 (or backspaces as many characters), in both clients. */
  async function type(typed: string, backspaces = 0): Promise<void> {
    const end = lines[bodyLine]!.length;
    const change = backspaces > 0 ? { range: { start: { line: bodyLine, character: end }, end: { line: bodyLine, character: end + backspaces } }, text: '' } : { range: { start: { line: bodyLine, character: end }, end: { line: bodyLine, character: end } }, text: typed };
    for (const client of [plain, resolving]) await client.change(uri, [change]);
  }

  const near = (l: CodeLens) => Math.abs(l.range.start.line - bodyLine) <= RESOLVED_AROUND_EDIT_LINES;

  it('sends the lenses around the edit with their commands, as a client that does not resolve gets them, and the others without', async () => {
    await type(' * 2');
    const full = await plain.codeLenses(uri);
    const answer = await resolving.codeLenses(uri);
    assert.equal(answer.length, 900);
    assert.equal(answer.length, full.length);
    const around = answer.filter(near);
    assert.ok(around.length >= 9 && around.length < 60, `${around.length} lenses around line ${bodyLine}`);
    assert.deepEqual(around, full.filter(near));
    assert.ok(answer.filter((l) => !near(l)).every((l) => l.command === undefined && l.data !== undefined));
    assert.deepEqual(await Promise.all(answer.map((l) => (l.command ? l : resolving.resolveLens(l)))), full);
    await type('', 4);
  });

  it("titles the lenses around the edit by the function's latest result, and marks it stale once an edit makes it so", async () => {
    const outcome = await plain.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'loss_150' }]);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await resolving.connection.sendNotification(resultNotification, toWire(outcome));
    const title = () => resolving.codeLenses(uri).then((lenses) => lenses.find((l) => l.range.start.line === defLine)!.command!.title);
    const computed = await title();
    assert.match(computed, /^∇x/);
    await type(' ');
    assert.equal(await title(), `${computed}${STALE_MARK}`);
    await type('', 1);
    // The text as it was computed: the result is current again, and the lens reads it.
    assert.equal(await title(), computed);
    await type(' + 1');
    assert.equal(await title(), `${computed}${STALE_MARK}`);
  });
});
