/**
 * Files that crashed the language server on open or paste (issue 12.1), and the syntax errors a
 * user makes while typing (issue 11.11): each becomes a syntax diagnostic at its place, in
 * CPython's words; the server stays up and keeps serving the other functions and documents; the
 * command line reports the same files as `FILE:LINE:COL: error: ...`.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, LspClient } from './client';

/** The bombs of issue 12.1, each with the error CPython (3.11/3.12) reports, and where (1-based line:col). */
/** `open`: the bomb leaves a bracket open to the end of the file, so what follows is inside it, for CPython too. */
export const HOSTILE: readonly { readonly name: string; readonly text: string; readonly error: RegExp; readonly at: string; readonly open?: true }[] = [
  { name: '2,000 unary minus', text: `x = ${'-'.repeat(2000)}1\n`, error: /too complex to parse/, at: '1:1004' },
  { name: '3,000 unary minus', text: `x = ${'-'.repeat(3000)}1\n`, error: /too complex to parse/, at: '' },
  { name: '1,000 nested f-strings', text: `y = ${'f"{'.repeat(1000)}x${'}"'.repeat(1000)}\n`, error: /^SyntaxError: too many nested f-strings$/, at: '1:455' },
  { name: '100k nested (', text: `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`, error: /^SyntaxError: too many nested parentheses$/, at: '1:205' },
  { name: '100k nested [', text: `x = ${'['.repeat(100_000)}1${']'.repeat(100_000)}\n`, error: /^SyntaxError: too many nested parentheses$/, at: '1:205' },
  { name: '10k balanced (', text: `x = ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n`, error: /^SyntaxError: too many nested parentheses$/, at: '1:205' },
  { name: '100k not', text: `x = ${'not '.repeat(100_000)}1\n`, error: /too complex to parse/, at: '1:12005' },
  { name: '1 MB of unclosed (', text: `x = ${'('.repeat(1_000_000)}\n`, error: /^SyntaxError: too many nested parentheses$/, at: '1:205', open: true },
  { name: '(1 -) * 2async', text: 'def f(x):\n    return (1 -) * 2async', error: /^SyntaxError: invalid decimal literal$/, at: '2:20' },
  { name: '100k terms of a sum', text: `x = 1${'+1'.repeat(100_000)}\n`, error: /too complex to parse/, at: '' },
  { name: '10k elif', text: `def f(x):\n    if x == 0:\n        return 0\n${'    elif x == 1:\n        return 1\n'.repeat(10_000)}`, error: /too complex to parse/, at: '' },
];

const NUMERIC_TAIL = '\n\nimport torch\n\ndef fine(x):\n    return (x ** 2).sum()\n\nfine(torch.ones(3))\n';

function where(d: Diagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

describe('language server: hostile files and syntax errors', function () {
  this.timeout(300_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  for (const bomb of HOSTILE) {
    it(`${bomb.name}: a syntax error at its place, the server up, and the function after it still has its lens`, async () => {
      const uri = fileUri(`test/fixtures/lsp/hostile_${bomb.name.replace(/\W+/g, '_')}.py`);
      const text = bomb.text + NUMERIC_TAIL;
      await client.open(uri, text);
      const lenses = await client.codeLenses(uri);
      const diagnostics = await client.diagnosticsOf(uri, () => true, 1, 60_000);
      const syntax = diagnostics.filter((d) => d.code === 'syntax');
      assert.equal(syntax.length, 1, JSON.stringify(diagnostics.map((d) => String(d.message).slice(0, 120))));
      assert.match(String(syntax[0].message), bomb.error);
      if (bomb.at) assert.equal(where(syntax[0]), bomb.at);
      assert.equal(syntax[0].severity, DiagnosticSeverity.Error);
      const line = text.split('\n').findIndex((l) => l.startsWith('def fine'));
      if (!bomb.open) assert.ok(lenses.some((l) => l.range.start.line === line), `the lens of fine() on line ${line + 1}`);
      await client.hoverText(uri, { line, character: 5 });
      await client.inlayHints(uri, line + 5);
      assert.ok(client.alive, 'the server is still running');
    });
  }

  it('CPython\'s words for the mistakes of typing: a lost indent, a signature without its colon, an unclosed call', async () => {
    const cases: [string, string, string][] = [
      ['def f(x):\n    y = x * 2\n  return y.sum()\n', '3:3', 'IndentationError: unindent does not match any outer indentation level'],
      ['def f(x)\n    return (x * 2).sum()\n', '1:9', "SyntaxError: expected ':'"],
      ['def f(x):\n    return torch.sum(x * 2\n\nprint(1)\n', '2:21', "SyntaxError: '(' was never closed"],
      // NB: the lines a message names are the file's, two below the case's own (CPython: 'on line 3')
      ['def f(x):\nreturn x\n', '2:1', 'IndentationError: expected an indented block after function definition on line 3'],
      ['def f(x):\n    y = x * 2\nreturn y\n', '3:1', "SyntaxError: 'return' outside function"],
    ];
    for (const [broken, at, message] of cases) {
      const uri = fileUri(`test/fixtures/lsp/typing_${at.replace(':', '_')}.py`);
      const text = `import torch\n\n${broken}\n\ndef g(x):\n    return (x ** 2).sum()\n\ng(torch.ones(3))\n`;
      await client.open(uri, text);
      const lenses = await client.codeLenses(uri);
      const syntax = (await client.diagnosticsOf(uri, () => true, 1)).filter((d) => d.code === 'syntax');
      const [line, col] = at.split(':').map(Number);
      assert.deepEqual(syntax.map((d) => [where(d), d.message]), [[`${line + 2}:${col}`, message]], broken);
      const g = text.split('\n').findIndex((l) => l.startsWith('def g'));
      assert.ok(lenses.some((l) => l.range.start.line === g), `g keeps its lens beside ${JSON.stringify(broken)}`);
    }
  });

  it('the command line reports each hostile file as FILE:LINE:COL: error: SyntaxError: ..., never an internal error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradlens-hostile-'));
    for (const bomb of HOSTILE) {
      const file = join(dir, 'bomb.py');
      writeFileSync(file, bomb.text);
      const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'run', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, `${bomb.name}: ${r.stderr.slice(0, 300)}`);
      const line = r.stderr.trim();
      assert.ok(line.startsWith(`${file}:${bomb.at || ''}`), `${bomb.name}: ${line.slice(0, 300)}`);
      assert.match(line, /^\S+:\d+:\d+: error: SyntaxError: /, bomb.name);
      assert.match(line.replace(/^\S+:\d+:\d+: error: /, ''), bomb.error, bomb.name);
      assert.doesNotMatch(r.stderr, /internal error/, bomb.name);
    }
  });
});
