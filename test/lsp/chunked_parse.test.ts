/**
 * The server parses a document in pieces cut at top-level definitions and reuses the pieces an edit
 * did not touch; what it reports must be what a parse of the whole file gives.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { analyze, type ModuleRegistry } from '../../lang/python';
import { jaxModules } from '../../lang/python/jax';
import { torchModules } from '../../lang/python/torch';
import { createReferenceBackend } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';
import { analyzeDocument, summarize } from '../../server/analysis';
import { ChunkedParser, definitionStarts } from '../../server/chunked_parse';
import { readText } from './client';

const backend = createReferenceBackend();
const modules: ModuleRegistry = { ...torchModules(new EagerEngine(backend)), ...jaxModules(backend) };
const FILES = [...readdirSync('examples').map((f) => `examples/${f}`), ...readdirSync('test/fixtures/lsp').map((f) => `test/fixtures/lsp/${f}`)].filter((f) => f.endsWith('.py'));

describe('chunked parsing in the server', () => {
  it('cuts at top-level definitions only, not inside strings or brackets', () => {
    const text = 'import jax\n\n@jax.jit\n# note\ndef f(x):\n    return x\ns = """\ndef not_here():\n"""\ny = (1,\ndef_ = 2)\nclass C:\n    pass\n';
    assert.deepEqual(definitionStarts(text).map((at) => text.slice(at, text.indexOf('\n', at))), ['@jax.jit', 'class C:']);
  });

  for (const file of FILES) {
    it(`${file}: the same functions and diagnostics as a parse of the whole file, also after edits`, () => {
      const text = readText(file);
      const parser = new ChunkedParser();
      assert.deepEqual(analyzeDocument(parser.parse(text), modules), summarize(text, analyze(text, { modules })));
      // Lines added at the top move every later piece; the moved pieces must report where they now are.
      const edited = `# header\n\n${text.replace('return', 'return 1.0 +')}`;
      assert.deepEqual(analyzeDocument(parser.parse(edited), modules), summarize(edited, analyze(edited, { modules })));
    });
  }
});
