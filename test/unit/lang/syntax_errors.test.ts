/**
 * Syntax errors as CPython reports them (issues 11.11, 12.1, 12.11): the message and the place
 * CPython 3.11 gives for each mistake (checked with `compile()`), and deep nesting refused at its
 * place with CPython's words instead of overflowing the stack.
 */
import { strict as assert } from 'node:assert';
import { analyze, formatError, run } from '../../../lang/python';

/** [source, 'line:col', message]: CPython 3.11's SyntaxError for the source (its lineno:offset, its class: its msg). */
const CPYTHON: [string, string, string][] = [
  ['def f(x):\n    return (1 -) * 2async', '2:20', 'SyntaxError: invalid decimal literal'],
  ['x = 2async\n', '1:5', 'SyntaxError: invalid decimal literal'],
  ['x = (1, [2,\n', '1:9', "SyntaxError: '[' was never closed"],
  ['x = [1, 2\ny = 3\n', '1:5', "SyntaxError: '[' was never closed"],
  ['x = (1 +\n', '1:5', "SyntaxError: '(' was never closed"],
  ['def f(x, y=:\n    return x\n', '1:12', 'SyntaxError: invalid syntax'],
  ['def f(x)\n    return x\n', '1:9', "SyntaxError: expected ':'"],
  ['if x > 0\n    y = 1\n', '1:9', "SyntaxError: expected ':'"],
  ['for i in range(3)\n    pass\n', '1:18', "SyntaxError: expected ':'"],
  ['class A\n    pass\n', '1:8', "SyntaxError: expected ':'"],
  ['if True:\n    pass\nelse\n    pass\n', '3:5', "SyntaxError: expected ':'"],
  ['def f(x):\nreturn x\n', '2:1', 'IndentationError: expected an indented block after function definition on line 1'],
  ['def f(x):\n    return x\n\nwhile True:\n', '4:12', "IndentationError: expected an indented block after 'while' statement on line 4"],
  ["x = 'abc\n", '1:5', 'SyntaxError: unterminated string literal (detected at line 1)'],
  ["x = '''abc\n\n", '1:5', 'SyntaxError: unterminated triple-quoted string literal (detected at line 2)'],
  ['x = )\n', '1:5', "SyntaxError: unmatched ')'"],
  ['x = (1]\n', '1:7', "SyntaxError: closing parenthesis ']' does not match opening parenthesis '('"],
  ['x = (1,\n2]\n', '2:2', "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' on line 1"],
  ['x = 1 € 2\n', '1:7', "SyntaxError: invalid character '€' (U+20AC)"],
  ['x = 1 \u00a0 2\n', '1:7', 'SyntaxError: invalid non-printable character U+00A0'],
  ['x = 1 \\ 2\n', '1:8', 'SyntaxError: unexpected character after line continuation character'],
  ['def f(x):\n    y = x * 2\nreturn y\n', '3:1', "SyntaxError: 'return' outside function"],
  ['x = 1 +\n', '1:8', 'SyntaxError: invalid syntax'],
  ['def f(:\n    pass\ndef g(x):\n    return x\n', '1:7', 'SyntaxError: invalid syntax'],
  ['if x:\n\tpass\n        pass\n', '3:1', 'TabError: inconsistent use of tabs and spaces in indentation'],
  [`x = ${'('.repeat(201)}1${')'.repeat(201)}\n`, '1:205', 'SyntaxError: too many nested parentheses'],
  // lines named in a message are the file's, also past the first definition (the parse reads a file by pieces)
  ['import math\n\ndef g(x):\n    return x\n\ndef f(x):\n    if x > 0:\n    return x\n    return -x\n', '8:5', "IndentationError: expected an indented block after 'if' statement on line 7"],
  ['def g(x):\n    return x\n\nx = (1,\n2]\n', '5:2', "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' on line 4"],
  ["def g(x):\n    return x\n\nx = '''abc\n\n", '4:5', 'SyntaxError: unterminated triple-quoted string literal (detected at line 5)'],
  [`x = ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n`, '1:205', 'SyntaxError: too many nested parentheses'],
];

function firstSyntaxError(source: string): string {
  const d = analyze(source).diagnostics.find((x) => x.code === 'syntax');
  return d ? `${d.span.line}:${d.span.col} ${d.message}` : 'none';
}

describe('syntax errors in CPython\'s words', () => {
  for (const [source, at, message] of CPYTHON) {
    it(`${JSON.stringify(source.slice(0, 36))}: ${message}`, () => {
      assert.equal(firstSyntaxError(source), `${at} ${message}`);
    });
  }

  it('reports the unindent where the line starts (CPython points past its end)', () => {
    assert.equal(firstSyntaxError('def f(x):\n    y = 1\n  return y\n'), '3:3 IndentationError: unindent does not match any outer indentation level');
  });

  it('accepts what CPython accepts: 200 nested brackets, a number followed by a keyword, nested f-strings with the same quotes', () => {
    for (const source of [`x = ${'('.repeat(200)}1${')'.repeat(200)}\n`, 'x = 1if 1 else 2\n', 'y = f"{f"{1}"}"\n', 'x = [-1, -2, -3] * 1000\n']) {
      assert.equal(firstSyntaxError(source), 'none', source.slice(0, 40));
    }
  });

  it('runs 200 nested brackets and a 900-deep unary chain as Python does', () => {
    assert.equal(run(`print(${'('.repeat(199)}1${')'.repeat(199)})\n`).output, '1\n');
    assert.equal(run(`print(${'-'.repeat(900)}1)\n`).output, '1\n');
  });

  it('refuses nesting past the limit at its place, as a syntax error, and keeps the rest of the file', () => {
    const deep = ['-'.repeat(5000) + '1', 'not '.repeat(100_000) + 'x', '1' + '+1'.repeat(100_000), 'f"{'.repeat(1000) + 'x' + '}"'.repeat(1000)];
    for (const expr of deep) {
      const a = analyze(`import math\n\ndef f(x):\n    return ${expr}\n\ndef g(x):\n    return math.sin(x)\n\ng(0.5)\n`);
      const errors = a.diagnostics.filter((d) => d.code === 'syntax');
      assert.equal(errors.length, 1, expr.slice(0, 20));
      assert.equal(errors[0].span.line, 4);
      assert.match(errors[0].message, /too complex to parse|too many nested/);
      assert.deepEqual(a.functions.map((f) => f.name), ['f', 'g']);
    }
  });

  it('a run of the file stops at the refused statement with FILE:LINE:COL: error: SyntaxError', () => {
    const { error } = run(`x = ${'-'.repeat(3000)}1\n`, { file: 'deep.py' });
    assert.ok(error);
    assert.match(formatError(error), /^deep\.py:1:\d+: error: SyntaxError: Python source too complex to parse/);
  });
});
