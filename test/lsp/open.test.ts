/**
 * A large file just opened: the server answers CodeLenses from the file's tokens, and from the
 * pieces it has parsed where the tokens do not settle a function's, then asks the client to
 * refresh when its analysis shows more; what it shows first is part of what a whole-file analysis
 * gives, in order, and what it shows after the refresh is all of it.
 */
import { strict as assert } from 'node:assert';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { analyze, type ModuleRegistry } from '../../lang/python';
import { jaxModules } from '../../lang/python/jax';
import { torchModules } from '../../lang/python/torch';
import { createReferenceBackend } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';
import { summarize } from '../../server/analysis';
import { LensAnswers } from '../../server/lenses';
import { generate } from '../../bench/lsp/generate';
import { fileUri, LspClient } from './client';

const backend = createReferenceBackend();
const modules: ModuleRegistry = { ...torchModules(new EagerEngine(backend)), ...jaxModules(backend) };

describe('language server over stdio: a large file just opened', function () {
  this.timeout(120_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  /** The first answer and the one after the refresh it owes, if it owes one. */
  async function open(name: string, text: string): Promise<{ first: CodeLens[]; all: CodeLens[]; expected: CodeLens[] }> {
    const uri = fileUri(`test/fixtures/lsp/${name}`);
    // With their commands, as this client gets them: the document's number goes only in a lens sent without.
    const expected = new LensAnswers().answer(uri, 0, summarize(text, analyze(text, { modules })).functions, () => undefined);
    const refreshed = client.nextCodeLensRefresh();
    await client.open(uri, text);
    const first = await client.codeLenses(uri);
    if (first.length < expected.length) await refreshed;
    return { first, all: await client.codeLenses(uri), expected };
  }

  it('shows all the lenses of the bench file at its first answer, and asks for no refresh once the analysis agrees', async () => {
    const refreshes = client.codeLensRefreshes.length;
    const uri = fileUri('test/fixtures/lsp/generated_open.py');
    const { first, expected } = await open('generated_open.py', generate().text);
    assert.equal(first.length, 900);
    assert.deepEqual(first, expected);
    await client.diagnosticsOf(uri);
    assert.deepEqual(await client.codeLenses(uri), expected);
    assert.equal(client.codeLensRefreshes.length, refreshes);
  });

  it('shows first part of the lenses, in order, then all of them after workspace/codeLens/refresh, where the tokens leave functions to the parse', async () => {
    // Arithmetic alone makes these functions numeric: `-` may be text's (`'-' * 20`), so the tokens do not settle it.
    const text = generate().text.replaceAll('jnp.tanh', 'tanh').replaceAll('jnp.exp', 'exp');
    const { first, all, expected } = await open('generated_arithmetic.py', text);
    assert.equal(expected.length, 900);
    assert.ok(first.length < expected.length, `${first.length} lenses at first`);
    assert.deepEqual(first, expected.slice(0, first.length));
    assert.deepEqual(all, expected);
  });

  it('shows all lenses at once when an import past the pieces ready could make their functions numeric', async () => {
    const { first, expected } = await open('generated_late_import.py', `${generate().text}\nimport numpy as jnp\n`);
    assert.deepEqual(first, expected);
  });
});
