/**
 * 1,000 rapid random edits, broken syntax among them, sent without waiting: the server stays up,
 * and what it shows for the final text equals what a fresh server shows for that text.
 */
import { strict as assert } from 'node:assert';
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { fileUri, LspClient, readText } from './client';
import { random, randomEdit } from './random_edits';

const EDITS = 1000;

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('language server under rapid random edits', function () {
  this.timeout(300_000);
  const seed = Number(process.env.GRADLENS_SEED ?? Date.now() % 2 ** 31);
  console.log(`    robustness seed: ${seed} (GRADLENS_SEED=${seed} replays it)`);

  it(`survives ${EDITS} edits and ends where a fresh analysis of the final text does`, async () => {
    const next = random(seed);
    let text = readText('examples/seed_jax.py') + '\n' + readText('test/fixtures/lsp/jit_branch.py');
    const uri = fileUri('test/fixtures/lsp/edited.py');
    const edited = await LspClient.start();
    await edited.open(uri, text);
    let version = 1;
    for (let i = 0; i < EDITS; i++) {
      const edit = randomEdit(text, next);
      const change: TextDocumentContentChangeEvent = { range: { start: positionAt(text, edit.from), end: positionAt(text, edit.to) }, text: edit.insert };
      text = edit.text;
      version = await edited.change(uri, [change]);
      // Now and then a request in the middle of the burst, as an editor asks for lenses while typing.
      if (i % 97 === 0) void edited.codeLenses(uri);
    }
    const lenses = await edited.codeLenses(uri);
    const diagnostics = await edited.diagnosticsOf(uri, () => true, version);
    assert.ok(edited.alive, 'the server is still running');

    const fresh = await LspClient.start();
    await fresh.open(uri, text);
    assert.deepEqual(lenses, await fresh.codeLenses(uri), `lenses differ (seed ${seed})`);
    assert.deepEqual(diagnostics, await fresh.diagnosticsOf(uri, () => true, 1), `diagnostics differ (seed ${seed})`);
    await edited.stop();
    await fresh.stop();
  });
});
