/**
 * The server analyzes a document in pieces cut at top-level definitions and re-analyzes only the
 * piece an edit touched; what it reports must be what an analysis of the whole file gives.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { analyze, type ModuleRegistry } from '../../lang/python';
import { jaxModules } from '../../lang/python/jax';
import { torchModules } from '../../lang/python/torch';
import { createReferenceBackend } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';
import { summarize } from '../../server/analysis';
import { ChunkedParser, definitionStarts, definitionStartsAfterEdit } from '../../server/chunked_parse';
import { scanPieceLenses } from '../../server/lens_scan';
import type { LensFunction } from '../../server/lenses';
import { DocumentAnalyzer } from '../../server/piecewise';
import { TextChunks } from '../../server/text_chunks';
import { readText } from './client';
import { generate } from '../../bench/lsp/generate';
import { random, randomEdit, validEdit } from './random_edits';

const backend = createReferenceBackend();
const modules: ModuleRegistry = { ...torchModules(new EagerEngine(backend)), ...jaxModules(backend) };
const FILES = [...readdirSync('examples').map((f) => `examples/${f}`), ...readdirSync('test/fixtures/lsp').map((f) => `test/fixtures/lsp/${f}`)].filter((f) => f.endsWith('.py'));
const whole = (text: string) => summarize(text, analyze(text, { modules }));

describe('piecewise analysis in the server', () => {
  const seed = Number(process.env.GRADLENS_SEED ?? Date.now() % 2 ** 31);

  it('cuts at top-level definitions only, not inside strings or brackets', () => {
    const text = 'import jax\n\n@jax.jit\n# note\ndef f(x):\n    return x\ns = """\ndef not_here():\n"""\ny = (1,\ndef_ = 2)\nclass C:\n    pass\n';
    assert.deepEqual(definitionStarts(text).map((at) => text.slice(at, text.indexOf('\n', at))), ['@jax.jit', 'class C:']);
  });

  it('cuts an edited text where a fresh cut of it would, scanning again only around the edit, also told where the edit was and reading the text in chunks', () => {
    const next = random(seed + 2);
    // Long enough that the scan after an edit reads a part of it, and grows that part when a string or a comment runs past it.
    let text = Array.from({ length: 6 }, () => FILES.slice(0, 4).map(readText).join('\n')).join('\n');
    let chunks = TextChunks.of(text);
    let starts = definitionStarts(text);
    let told = starts;
    for (let i = 0; i < 1000; i++) {
      const edit = randomEdit(text, next);
      starts = definitionStartsAfterEdit(text, starts, edit.text).starts;
      // As the server cuts it: the document's chunks, and what the edit left alone from the change's range.
      const edited = chunks.replaced(edit.from, edit.to, edit.insert);
      told = definitionStartsAfterEdit(chunks, told, edited, { prefix: edit.from, suffix: text.length - edit.to }).starts;
      [text, chunks] = [edit.text, edited];
      assert.deepEqual(starts, definitionStarts(text), `edit ${i} (seed ${seed})`);
      assert.deepEqual(told, starts, `edit ${i}, told where (seed ${seed})`);
    }
  });

  for (const file of FILES) {
    it(`${file}: what a whole-file analysis gives, also after edits`, () => {
      const text = readText(file);
      const analyzer = new DocumentAnalyzer(modules);
      const chunked = new ChunkedParser();
      // Lines added at the top move every later piece; the moved pieces must report where they now are.
      for (const version of [text, `# header\n\n${text.replace('return', 'return 1.0 +')}`, text]) {
        assert.deepEqual(analyzer.analyze(version), whole(version));
        assert.deepEqual(summarize(version, analyze(chunked.parse(version), { modules })), whole(version));
      }
    });
  }

  it('names the file\'s lines in a broken piece\'s message, also once lines added above have moved it', () => {
    const chunked = new ChunkedParser();
    const text = readText('test/fixtures/evaluation/syntax_error.py');
    for (const [version, line] of [[text, 13], [`# header\n\n${text}`, 15], [text, 13]] as const) {
      const { errors } = chunked.parse(version);
      assert.deepEqual(errors.map((e) => [e.span.line, e.message]), [[line + 1, `expected an indented block after 'if' statement on line ${line}`]]);
    }
  });

  it('names the file\'s lines in a syntax error\'s diagnostic where each piece is analyzed alone, also once the piece moved', () => {
    const analyzer = new DocumentAnalyzer(modules);
    const text = readText('test/e2e/realistic/syntax_error.py');
    for (const [version, line] of [[text, 13], [`# header\n\n${text}`, 15], [text, 13]] as const) {
      const syntax = analyzer.analyze(version).diagnostics.filter((d) => d.code === 'syntax');
      assert.deepEqual(syntax.map((d) => [d.range.start.line, d.message]), [[line, `IndentationError: expected an indented block after 'if' statement on line ${line}`]]);
    }
  });

  // What a CodeLens shows of a function: the first answer for a file just opened holds these.
  const lensFields = (fns: readonly LensFunction[]) => fns.filter((f) => f.evaluable).map((f) => ({ qualname: f.qualname, nameRange: f.nameRange, evaluable: f.evaluable }));

  for (const [name, text] of [...FILES.map((f) => [f, readText(f)]), ['the bench file', generate().text]]) {
    it(`${name}: the lenses before the analysis are those of a whole-file analysis, or those of its leading pieces when time runs out`, () => {
      const expected = lensFields(whole(text).functions);
      const opening = new DocumentAnalyzer(modules).openingLenses(text, Infinity);
      assert.deepEqual(opening && lensFields(opening.functions), expected);
      assert.equal(opening?.complete, true);
      // A deadline already past parses no piece the tokens leave open.
      const hurried = new DocumentAnalyzer(modules).openingLenses(text, 0)!;
      assert.deepEqual(lensFields(hurried.functions), expected.slice(0, hurried.functions.length));
    });
  }

  it('settles every piece of the bench file from its tokens, none parsed but the imports', () => {
    const opening = new DocumentAnalyzer(modules).openingLenses(generate().text, 0);
    assert.equal(opening?.complete, true);
    assert.equal(opening.functions.length, 300);
  });

  it('gives no lenses before the analysis when two imports bind one name differently', () => {
    const text = `${generate().text}\nimport numpy as jnp\n`;
    assert.equal(new DocumentAnalyzer(modules).openingLenses(text, Infinity), null);
  });

  it('scans a definition\'s tokens to the lenses its analysis gives, or leaves it to the parse', () => {
    const header = 'import jax.numpy as jnp\nimport math\nfrom torch import nn\n\n';
    const settled = (piece: string) => scanPieceLenses(piece, ['jnp', 'nn']);
    const cases: [string, 'numeric' | 'not numeric' | 'parse'][] = [
      ['def f(x):\n    return jnp.sin(x)\n', 'numeric'],
      ['@jax.jit\n# a comment\ndef f(x):\n    """Uses jnp."""\n    y = (x,\n         jnp.cos(x))\n    return y\n\nf(jnp.ones(3))\n', 'numeric'],
      ['def f(x): return jnp.sin(x)\n', 'numeric'],
      ['def f(x):\n    x += 1\n    return x\n', 'numeric'],
      ['def f(x):\n    return g(x, \\\n      nn.Linear)\n', 'numeric'],
      ['def f(x):\n    return x\n', 'not numeric'],
      ['def f(x):\n    # jnp.sin(x) - 1\n    return "jnp.sin(x) - 1"\n', 'not numeric'],
      ["def f(x):\n    return r'\\' + x\n", 'parse'],
      ['def f(x):\n    return x.jnp\n', 'parse'],
      ['def f(x, jnp=None):\n    return x\n', 'parse'],
      ['def f(x) -> jnp.ndarray:\n    return x\n', 'parse'],
      ['def f(x, w=jnp.ones(3)):\n    return x\n', 'parse'],
      ["def f(x):\n    return '-' * 20\n", 'parse'],
      ['def f(x):\n    return -x\n', 'parse'],
      ['def f(x):\n    return f"{jnp.pi}"\n', 'parse'],
      ['def f(x):\n    def g(y):\n        return jnp.sin(y)\n    return g(x)\n', 'parse'],
      ['class C:\n    def f(self, x):\n        return jnp.sin(x)\n', 'parse'],
      ['async def f(x):\n    return jnp.sin(x)\n', 'parse'],
      ['def f(x):\n    return jnp.sin(x\n', 'parse'],
      ['def f(x):\n    return "jnp.sin(x)\n', 'parse'],
      ['def f(x):\nreturn jnp.sin(x)\n', 'parse'],
      ['def f(x):\n    return jnp.sin(x)\nif True:\n    def g(y):\n        return y\n', 'parse'],
      ['def f(x):\r    return jnp.sin(x)\r', 'parse'],
      ['x = 1\ndef f(x):\n    return jnp.sin(x)\n', 'parse'],
    ];
    for (const [piece, expected] of cases) {
      const lenses = settled(piece);
      const text = header + piece;
      const analysis = lensFields(whole(text).functions).map((f) => ({ ...f, nameRange: { start: { ...f.nameRange.start, line: f.nameRange.start.line - 4 }, end: { ...f.nameRange.end, line: f.nameRange.end.line - 4 } } }));
      assert.equal(lenses === null ? 'parse' : lenses.some((f) => f.evaluable) ? 'numeric' : 'not numeric', expected, piece);
      if (lenses) assert.deepEqual(lensFields(lenses), analysis, piece);
    }
  });

  it('numbers a name defined in several pieces, twice in one of them, and without a lens in another, as a whole-file analysis does', () => {
    const text = 'import jax.numpy as jnp\n\ndef h(x):\n    return x\n\n\nif True:\n    def h(x):\n        return jnp.cos(x)\n    def h(x):\n        return jnp.tan(x)\n\n\ndef h(x):\n    return jnp.sin(x)\n';
    const expected = whole(text).functions;
    assert.deepEqual(expected.map((f) => [f.qualname, f.evaluable]), [['h#1', false], ['h#2', true], ['h#3', true], ['h', true]]);
    assert.deepEqual(new DocumentAnalyzer(modules).analyze(text), whole(text));
    assert.deepEqual(lensFields(new DocumentAnalyzer(modules).openingLenses(text, Infinity)!.functions), lensFields(expected));
  });

  it('reports a `# gradlens:` comment above a piece, with its mistakes, where it stands', () => {
    const text = 'import jax.numpy as jnp\n\n# gradlens: z=2.0, q=1\ndef g(z):\n    return jnp.sin(z)\n\n\ndef h(x=1.0):\n    return x * x\n';
    const analysis = new DocumentAnalyzer(modules).analyze(text);
    assert.deepEqual(analysis, whole(text));
    assert.deepEqual(analysis.functions.map((f) => [f.name, f.inputs?.origin, f.inputs?.line]), [['g', 'comment', 2], ['h', 'defaults', 7]]);
    assert.deepEqual(analysis.diagnostics.map((d) => [d.code, d.range.start.line]), [['bad-inputs-comment', 2]]);
  });

  it('matches a whole-file analysis after each of 200 edits that keep the file valid', () => {
    console.log(`      piecewise seed: ${seed} (GRADLENS_SEED=${seed} replays it)`);
    const next = random(seed);
    let text = FILES.slice(0, 4).map(readText).join('\n');
    const analyzer = new DocumentAnalyzer(modules);
    for (let i = 0; i < 200; i++) {
      text = validEdit(text, next, definitionStarts(text));
      assert.deepEqual(analyzer.analyze(text), whole(text), `edit ${i} (seed ${seed})`);
    }
  });

  // NB: in broken code the pieces are cut where the text looks like a top-level definition, which
  // confines a mistake to its definition, where lezer's recovery may swallow what follows it: the
  // server agrees with itself, not always with a whole-file parse.
  it('gives after each of 300 random edits, broken syntax among them, what a fresh analyzer gives, also told where the edits were, and, before it, the lenses it opens with', () => {
    const next = random(seed + 1);
    // Imports first, as files mostly have them: then the leading pieces' lenses are given, until an edit types an import below.
    const lines = FILES.slice(0, 4).map(readText).join('\n').split('\n');
    const isImport = (line: string) => /^(import|from) /.test(line);
    let text = [...lines.filter(isImport), ...lines.filter((line) => !isImport(line))].join('\n');
    const analyzer = new DocumentAnalyzer(modules);
    // As the server: told what the edits since its last analysis left alone (it analyzes after one edit or several), the text in chunks.
    const told = new DocumentAnalyzer(modules);
    let chunks = TextChunks.of(text);
    let edited = { prefix: Infinity, suffix: Infinity };
    for (let i = 0; i < 300; i++) {
      const edit = randomEdit(text, next);
      edited = { prefix: Math.min(edited.prefix, edit.from), suffix: Math.min(edited.suffix, text.length - edit.to) };
      chunks = chunks.replaced(edit.from, edit.to, edit.insert);
      text = edit.text;
      const fresh = new DocumentAnalyzer(modules);
      // As a file just opened: its lenses from its tokens, and its pieces parsed where they do not settle them.
      const opening = fresh.openingLenses(text, Infinity);
      const analysis = analyzer.analyze(text);
      assert.deepEqual(analysis, fresh.analyze(text), `edit ${i} (seed ${seed})`);
      if (next() < 0.6) {
        assert.deepEqual(told.analyze(chunks, edited), analysis, `edit ${i}, told where (seed ${seed})`);
        edited = { prefix: Infinity, suffix: Infinity };
      }
      if (opening) assert.deepEqual(lensFields(opening.functions), lensFields(analysis.functions), `edit ${i} (seed ${seed})`);
    }
  });
});
