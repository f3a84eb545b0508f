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
import { summarize, type FunctionSummary } from '../../server/analysis';
import { ChunkedParser, definitionStarts, definitionStartsAfterEdit } from '../../server/chunked_parse';
import { DocumentAnalyzer } from '../../server/piecewise';
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

  it('cuts an edited text where a fresh cut of it would, scanning again only around the edit', () => {
    const next = random(seed + 2);
    let text = FILES.slice(0, 4).map(readText).join('\n');
    let starts = definitionStarts(text);
    for (let i = 0; i < 1000; i++) {
      const edited = randomEdit(text, next).text;
      starts = definitionStartsAfterEdit(text, starts, edited).starts;
      text = edited;
      assert.deepEqual(starts, definitionStarts(text), `edit ${i} (seed ${seed})`);
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

  // What a CodeLens shows of a function: the first answer for a file just opened may hold only these, for the leading pieces.
  const lensFields = (fns: readonly FunctionSummary[]) => fns.map((f) => ({ qualname: f.qualname, nameRange: f.nameRange, evaluable: f.evaluable }));

  for (const [name, text] of [...FILES.map((f) => [f, readText(f)]), ['the bench file', generate().text]]) {
    it(`${name}: the lens fields of the leading pieces parsed, one more at a time, are those of a whole-file analysis`, () => {
      const analyzer = new DocumentAnalyzer(modules);
      const expected = lensFields(whole(text).functions);
      // A deadline already past parses one piece a call.
      for (let done = false; !done; ) {
        done = analyzer.prepare(text, 0);
        const leading = analyzer.leadingFunctions(text);
      if (leading) assert.deepEqual(lensFields(leading), expected.slice(0, leading.length));
        else assert.ok(text.includes('import'), 'only an import after the pieces ready withholds them');
      }
      assert.deepEqual(lensFields(analyzer.leadingFunctions(text) ?? []), expected);
    });
  }

  it('withholds the leading pieces\' lenses while an import follows them', () => {
    const text = `${generate().text}\nimport numpy as jnp\n`;
    const analyzer = new DocumentAnalyzer(modules);
    for (let i = 0; i < 40; i++) analyzer.prepare(text, 0);
    assert.equal(analyzer.leadingFunctions(text), null);
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
  it('gives after each of 300 random edits, broken syntax among them, what a fresh analyzer gives, and first the lenses of its leading pieces', () => {
    const next = random(seed + 1);
    // Imports first, as files mostly have them: then the leading pieces' lenses are given, until an edit types an import below.
    const lines = FILES.slice(0, 4).map(readText).join('\n').split('\n');
    const isImport = (line: string) => /^(import|from) /.test(line);
    let text = [...lines.filter(isImport), ...lines.filter((line) => !isImport(line))].join('\n');
    const analyzer = new DocumentAnalyzer(modules);
    for (let i = 0; i < 300; i++) {
      text = randomEdit(text, next).text;
      const fresh = new DocumentAnalyzer(modules);
      // As a file just opened: the lenses of its first pieces are those the complete analysis gives.
      for (let k = 0; k < 3; k++) fresh.prepare(text, 0);
      const leading = fresh.leadingFunctions(text);
      const analysis = analyzer.analyze(text);
      assert.deepEqual(analysis, fresh.analyze(text), `edit ${i} (seed ${seed})`);
      if (leading) assert.deepEqual(lensFields(leading), lensFields(analysis.functions).slice(0, leading.length), `edit ${i} (seed ${seed})`);
    }
  });
});
