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
