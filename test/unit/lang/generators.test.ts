import * as assert from 'node:assert/strict';
import { formatError, run, type RunOptions, type ScriptError } from '../../../lang/python';

// Generators' errors and budgets; what they print beside CPython is in the programs
// generators.py, contextlib_module.py and exception_edges.py (test/fixtures/python/programs).

function fails(source: string, options: RunOptions = {}): ScriptError {
  const r = run(source, { file: 'x.py', ...options });
  assert.ok(r.error, `expected an error, got output ${JSON.stringify(r.output)}`);
  return r.error;
}

const SMALL = { budgets: { maxSteps: 200_000 } };

describe('generators: budgets', () => {
  it('stops a generator that never ends at the step budget, at a line of its body', () => {
    const source = 'def naturals():\n    n = 0\n    while True:\n        yield n\n        n += 1\n\nprint(sum(naturals()))\n';
    const error = fails(source, SMALL);
    assert.equal(error.kind, 'budget');
    assert.match(formatError(error), /^x\.py:[3-5]:\d+: error: the script ran more than 200,000 steps; is there an infinite loop\?$/);
  });

  it('stops an endless generator expression drawn into a list at the step budget', () => {
    const error = fails('import itertools\nxs = list(x * 2 for x in itertools.count())\n', SMALL);
    assert.equal(error.kind, 'budget');
    assert.match(formatError(error), /^x\.py:2:\d+: error: the script ran more than 200,000 steps/);
  });

  it('stops a loop that raises and catches an exception 10**6 times at the step budget', () => {
    const source = 'count = 0\nfor i in range(10 ** 6):\n    try:\n        raise ValueError(i)\n    except ValueError:\n        count += 1\nprint(count)\n';
    const error = fails(source, SMALL);
    assert.equal(error.kind, 'budget');
    assert.match(formatError(error), /^x\.py:\d+:\d+: error: the script ran more than 200,000 steps/);
    // Under the budget the same loop finishes: 10**4 raises.
    assert.equal(run(source.replace('10 ** 6', '10 ** 4'), SMALL).output, '10000\n');
  });

  it('an except clause cannot swallow the budget stop inside a generator', () => {
    const source = 'def g():\n    while True:\n        try:\n            yield 1\n        except BaseException:\n            pass\n\nfor x in g():\n    pass\n';
    assert.equal(fails(source, SMALL).kind, 'budget');
  });

  it('raises RecursionError for generators delegating to themselves without end', () => {
    const source = 'def walk(n):\n    yield n\n    yield from walk(n + 1)\n\nfor v in walk(0):\n    pass\n';
    const error = fails(source);
    assert.equal(error.exceptionType, 'RecursionError');
    const caught = run(`${source.replace('for v in walk(0):\n    pass\n', '')}try:\n    print(len(list(walk(0))))\nexcept RecursionError as e:\n    print('caught:', e)\n`);
    assert.equal(caught.output, 'caught: maximum recursion depth exceeded\n');
  });
});

describe('generators: errors at the line', () => {
  it('reports an exception raised inside a generator at its line in the generator', () => {
    const source = 'def batches(xs):\n    for x in xs:\n        yield 10 / x\n\nprint(list(batches([1, 2, 0])))\n';
    assert.equal(formatError(fails(source)), 'x.py:3:15: error: ZeroDivisionError: division by zero');
  });

  it('refuses a yield that may not run, at the yield, saying what to write', () => {
    const error = fails('def g(c):\n    x = (yield 1) if c else 2\n    yield x\n\nprint(list(g(True)))\n');
    assert.equal(error.kind, 'unsupported');
    assert.equal(
      formatError(error),
      "x.py:2:10: error: Gradlens does not support a 'yield' that may not run (in 'a if c else b', after 'and'/'or', in a comparison chain, an except clause's type or an assert's message); yield in a statement of its own and use its value",
    );
  });

  it("raises SyntaxError for 'yield' outside a function", () => {
    assert.equal(formatError(fails('x = 1\nyield x\n')), "x.py:2:1: error: SyntaxError: 'yield' outside function");
  });

  it('names the generator object in errors about it as CPython does', () => {
    assert.equal(formatError(fails('def g():\n    yield 1\n\nlen(g())\n')), "x.py:4:1: error: TypeError: object of type 'generator' has no len()");
    assert.equal(formatError(fails('def g():\n    yield 1\n\ng()[0]\n')), "x.py:4:1: error: TypeError: 'generator' object is not subscriptable");
    assert.equal(
      formatError(fails('def g():\n    yield 1\n\ng().send(2)\n')),
      "x.py:4:1: error: TypeError: can't send non-None value to a just-started generator",
    );
  });
});

describe('generators: laziness and clean-up', () => {
  it('runs a generator function no further than what was drawn from it', () => {
    const source = 'def g():\n    print("start")\n    yield 1\n    print("after 1")\n    yield 2\n    print("end")\n\nit = g()\nprint("made")\nprint(next(it))\nprint("drew one")\n';
    assert.equal(run(source).output, 'made\nstart\n1\ndrew one\n');
  });

  it('closes a generator that a for loop made and left with break or return, running its finally', () => {
    const source = [
      'def g():',
      '    try:',
      '        yield 1',
      '        yield 2',
      '    finally:',
      '        print("closed")',
      'for x in g():',
      '    break',
      'print("after break")',
      'def first():',
      '    for x in g():',
      '        return x',
      'print(first())',
      'kept = g()',
      'for x in kept:',
      '    break',
      'print("kept open:", next(kept))',
      'kept.close()',
      '',
    ].join('\n');
    assert.equal(run(source).output, 'closed\nafter break\nclosed\n1\nkept open: 2\nclosed\n');
  });
});

// What CPython 3.11.2 wrote to stderr for these (checked with /usr/bin/python3, addresses cut).
describe('generators: exceptions ignored while a dropped generator closes', () => {
  const stderr = (source: string): string => {
    const r = run(source, { file: 'x.py' });
    assert.equal(r.error, null, r.error ? formatError(r.error) : '');
    return r.warnings.map((w) => w.text).join('').replace(/ at 0x[0-9a-f]+>/g, ' at 0x...>');
  };
  const closing = (finallyBody: string, before = '') =>
    `${before}def g():\n    try:\n        yield 1\n    finally:\n${finallyBody}\nit = g()\nnext(it)\nit = None\nprint("goes on")\n`;

  it('marks a binary operation with ~ under its operands and ^ under the operator', () => {
    assert.equal(stderr(closing('        x = 1/0')), [
      'Exception ignored in: <generator object g at 0x...>',
      'Traceback (most recent call last):',
      '  File "x.py", line 5, in g',
      '    x = 1/0',
      '        ~^~',
      'ZeroDivisionError: division by zero',
      '',
    ].join('\n'));
  });

  it('marks a subscript with ^ under the index, through the frames it called', () => {
    const helper = 'def helper(d):\n    return d["missing"]\n\n';
    assert.equal(stderr(closing('        helper({})', helper)), [
      'Exception ignored in: <generator object g at 0x...>',
      'Traceback (most recent call last):',
      '  File "x.py", line 8, in g',
      '    helper({})',
      '  File "x.py", line 2, in helper',
      '    return d["missing"]',
      '           ~^^^^^^^^^^^',
      "KeyError: 'missing'",
      '',
    ].join('\n'));
  });

  it('marks an expression running past its line to the end of the line, and a subscript inside a sum', () => {
    assert.equal(stderr(closing('        z = (1 +\n             None)')).split('\n').slice(3, 5).join('\n'), '    z = (1 +\n         ^^^');
    assert.equal(stderr(closing('        y = [1,2][5] + 1')).split('\n').slice(3, 6).join('\n'), '    y = [1,2][5] + 1\n        ~~~~~^^^\nIndexError: list index out of range');
  });

  it('cuts a recursion after three repeats of a frame, as CPython does', () => {
    const rec = 'def rec(n):\n    if n == 0:\n        raise IndexError("deep")\n    rec(n - 1)\n\n';
    assert.equal(stderr(closing('        rec(5)', rec)).split('\n').slice(3, 13).join('\n'), [
      '    rec(5)',
      '  File "x.py", line 4, in rec',
      '    rec(n - 1)',
      '  File "x.py", line 4, in rec',
      '    rec(n - 1)',
      '  File "x.py", line 4, in rec',
      '    rec(n - 1)',
      '  [Previous line repeated 2 more times]',
      '  File "x.py", line 3, in rec',
      '    raise IndexError("deep")',
    ].join('\n'));
  });

  it('writes an empty message after the colon, and a user exception without __main__', () => {
    assert.match(stderr(closing('        raise ValueError()')), /\nValueError: \n$/);
    assert.match(stderr(closing('        raise Err("mine")', 'class Err(Exception):\n    pass\n\n')), /\nErr: mine\n$/);
  });

  it('drops a generator that yields after GeneratorExit once, with the line where its last name went', () => {
    const source = 'def stubborn():\n    while True:\n        try:\n            yield 1\n        except GeneratorExit:\n            print("ignoring")\n\ndef poll():\n    t = stubborn()\n    next(t)\n    return 3\n\nprint(poll() + 1)\nc = stubborn()\nnext(c)\nc = 5\nprint("end")\n';
    const r = run(source, { file: 'x.py' });
    assert.equal(r.output, 'ignoring\n4\nignoring\nend\n');
    assert.equal(r.warnings.map((w) => w.text).join('').replace(/ at 0x[0-9a-f]+>/g, ' at 0x...>'), [
      'Exception ignored in: <generator object stubborn at 0x...>',
      'Traceback (most recent call last):',
      '  File "x.py", line 13, in <module>',
      '    print(poll() + 1)',
      '          ^^^^^^',
      'RuntimeError: generator ignored GeneratorExit',
      'Exception ignored in: <generator object stubborn at 0x...>',
      'Traceback (most recent call last):',
      '  File "x.py", line 16, in <module>',
      '    c = 5',
      '    ^',
      'RuntimeError: generator ignored GeneratorExit',
      '',
    ].join('\n'));
  });

  it('raises the RuntimeError from an explicit close(), and leaves the generator suspended', () => {
    const source = 'def stubborn():\n    while True:\n        try:\n            yield 1\n        except GeneratorExit:\n            pass\n\ns = stubborn()\nnext(s)\ntry:\n    s.close()\nexcept RuntimeError as e:\n    print(e)\nprint(next(s))\n';
    const r = run(source, { file: 'x.py' });
    assert.equal(r.output, 'generator ignored GeneratorExit\n1\n');
  });

  it('writes the frames without source lines once the script ended, as CPython at shutdown', () => {
    const source = 'def g():\n    try:\n        yield 1\n    finally:\n        x = 1/0\n\ndef s():\n    while True:\n        try:\n            yield 1\n        except GeneratorExit:\n            pass\n\na = g()\nnext(a)\nb = s()\nnext(b)\n';
    assert.equal(stderr(source), [
      'Exception ignored in: <generator object g at 0x...>',
      'Traceback (most recent call last):',
      '  File "x.py", line 5, in g',
      'ZeroDivisionError: division by zero',
      'Exception ignored in: <generator object s at 0x...>',
      'RuntimeError: generator ignored GeneratorExit',
      '',
    ].join('\n'));
  });

  it('tells the editor where the ignored exception was raised', () => {
    const r = run(closing('        x = 1/0'), { file: 'x.py' });
    const [w] = r.warnings;
    assert.equal(w?.span?.line, 5);
    assert.equal(w?.category.name, 'ZeroDivisionError');
    assert.equal(w?.what, 'division by zero (ignored in the generator object g while it was closed, as CPython ignores it)');
  });
});
