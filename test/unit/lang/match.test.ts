/**
 * `match` statements (PEP 634, issue 14): the errors CPython 3.11 raises for a pattern, at the
 * pattern (checked against Debian's python3: line, column of its caret, message), and the ones its
 * compiler reports before anything runs. What matching computes is in the program fixture
 * test/fixtures/python/programs/match_statements.py.
 */
import { strict as assert } from 'node:assert';
import { formatError, run } from '../../../lang/python';

function outcome(source: string): string {
  const r = run(source, { file: 'x.py' });
  return r.error ? formatError(r.error) : r.output;
}

describe('match statements: errors at the pattern, in CPython\'s words', () => {
  const cases: [string, string][] = [
    ['class C: pass\nmatch C():\n    case C(1): pass\n', 'x.py:3:10: error: TypeError: C() accepts 0 positional sub-patterns (1 given)'],
    ['class C:\n    __match_args__ = ["a"]\nmatch C():\n    case C(1): pass\n', 'x.py:4:10: error: TypeError: C.__match_args__ must be a tuple (got list)'],
    ['class C:\n    __match_args__ = (1,)\nmatch C():\n    case C(1): pass\n', 'x.py:4:10: error: TypeError: __match_args__ elements must be strings (got int)'],
    ['x = 3\nmatch 3:\n    case x(): pass\n', 'x.py:3:10: error: TypeError: called match pattern must be a type'],
    ['class C:\n    __match_args__ = ("a",)\n    a = 1\nmatch C():\n    case C(1, a=2): pass\n', "x.py:5:10: error: TypeError: C() got multiple sub-patterns for attribute 'a'"],
    ['match 5:\n    case int(1, 2): pass\n', 'x.py:2:10: error: TypeError: int() accepts 1 positional sub-pattern (2 given)'],
  ];
  for (const [source, expected] of cases) {
    it(expected.replace(/^x\.py:\d+:\d+: error: /, ''), () => assert.equal(outcome(source), expected));
  }

  it('does not match a subject whose class lacks the attribute a keyword sub-pattern names', () => {
    assert.equal(outcome('class P:\n    x = 1\nmatch P():\n    case P(y=_):\n        print("y")\n    case P(x=1):\n        print("x")\n'), 'x\n');
  });

  it('runs a case body that returns, breaks or continues as the block it is in', () => {
    const source = 'def f(xs):\n    out = []\n    for x in xs:\n        match x:\n            case 0:\n                continue\n            case -1:\n                break\n            case 99:\n                return "found"\n        out.append(x)\n    return out\nprint(f([1, 0, 2, -1, 3]), f([99]))\n';
    assert.equal(outcome(source), '[1, 2] found\n');
  });
});

describe('match statements: what CPython\'s compiler refuses, before the file runs', () => {
  const cases: [string, string][] = [
    ['print("ran")\nmatch {"a": 1}:\n    case {"a": 1, "a": 2}: pass\n', "x.py:3:10: error: SyntaxError: mapping pattern checks duplicate key ('a')"],
    ['print("ran")\nmatch 1:\n    case x:\n        pass\n    case 2: pass\n', "x.py:3:10: error: SyntaxError: name capture 'x' makes remaining patterns unreachable"],
    ['match 1:\n    case _:\n        pass\n    case 2: pass\n', 'x.py:2:10: error: SyntaxError: wildcard makes remaining patterns unreachable'],
    ['match 1:\n    case [x] | [y]: pass\n', 'x.py:2:16: error: SyntaxError: alternative patterns bind different names'],
    ['match 1:\n    case [x, x]: pass\n', "x.py:2:14: error: SyntaxError: multiple assignments to name 'x' in pattern"],
    ['match 1:\n    case x | 1: pass\n', "x.py:2:10: error: SyntaxError: name capture 'x' makes remaining patterns unreachable"],
    ['match 5:\n    case [1, *a, *b]: pass\n', 'x.py:2:10: error: SyntaxError: multiple starred names in sequence pattern'],
  ];
  for (const [source, expected] of cases) {
    it(expected.replace(/^x\.py:\d+:\d+: error: /, ''), () => assert.equal(outcome(source), expected));
  }

  it('accepts the empty patterns lezer marks with error nodes: (), [], {}, C()', () => {
    const source = 'for v in [(), [], {}, 3]:\n    match v:\n        case ():\n            print("()")\n        case {}:\n            print("{}")\n        case int():\n            print("int()")\n';
    assert.equal(outcome(source), '()\n()\n{}\nint()\n');
  });

  it("refuses a yield in a match statement's subject inside a generator, at the yield", () => {
    assert.match(outcome('def g():\n    match (yield):\n        case 1: pass\nlist(g())\n'), /^x\.py:2:12: error: Gradlens does not support a 'yield' in a match statement's subject/);
  });
});
