import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

// fractions.Fraction and enum's IntEnum/Flag/IntFlag: errors as CPython 3.11.2 words them (checked
// with /usr/bin/python3); what they print is in the programs fractions_schedule.py and
// enum_labels_flags.py (test/fixtures/python/programs).

function uncaught(source: string): string {
  const r = run(source, { file: 'x.py' });
  assert.ok(r.error, `expected an error, got output ${JSON.stringify(r.output)}`);
  return formatError(r.error);
}

describe('fractions: errors at the line, as CPython words them', () => {
  const cases: [string, string][] = [
    ['Fraction(3, 0)', 'ZeroDivisionError: Fraction(3, 0)'],
    ['Fraction(2, 3) / 0', 'ZeroDivisionError: Fraction(1, 0)'],
    ['Fraction(0) / Fraction(0)', 'ZeroDivisionError: Fraction(0, 0)'],
    ['Fraction(0) ** -2', 'ZeroDivisionError: Fraction(1, 0)'],
    ['Fraction(1, 2) // 0', 'ZeroDivisionError: integer division or modulo by zero'],
    ['Fraction(1, 2) % 0', 'ZeroDivisionError: integer modulo by zero'],
    ["Fraction('1/2/3')", "ValueError: Invalid literal for Fraction: '1/2/3'"],
    ['Fraction(1.5, 2)', 'TypeError: both arguments should be Rational instances'],
    ['Fraction([1])', 'TypeError: argument should be a string or a Rational instance'],
    ["Fraction(float('nan'))", 'ValueError: cannot convert NaN to integer ratio'],
    ["Fraction(float('-inf'))", 'OverflowError: cannot convert Infinity to integer ratio'],
    ['Fraction(1, 3).limit_denominator(0)', 'ValueError: max_denominator should be at least 1'],
    ["Fraction.from_float('0.5')", "TypeError: Fraction.from_float() only takes floats, not '0.5' (str)"],
    ["format(Fraction(1, 3), '.2f')", 'TypeError: unsupported format string passed to Fraction.__format__'],
    ["Fraction(1, 3) + '1'", "TypeError: unsupported operand type(s) for +: 'Fraction' and 'str'"],
  ];
  for (const [expr, message] of cases) {
    it(`${expr} raises ${message}`, () => {
      assert.equal(uncaught(`from fractions import Fraction\ny = 1\nx = ${expr}\n`), `x.py:3:5: error: ${message}`);
    });
  }

  it('keeps huge values exact where a float would round: floor, ceil, round, hash', () => {
    const r = run('from fractions import Fraction\nimport math\nf = Fraction(10**30 + 1, 3)\nprint(math.floor(f), math.ceil(-f), round(f), hash(Fraction(10**30, 7)), hash(Fraction(-1, 3)))\n');
    assert.equal(r.output, '333333333333333333333333333333 -333333333333333333333333333333 333333333333333333333333333334 395871670681776951 -1537228672809129301\n');
  });
});

describe('enum: IntEnum, Flag and IntFlag errors as CPython words them', () => {
  const header = 'from enum import Flag, IntEnum, IntFlag, auto\nclass L(IntEnum):\n    A = 0\n    B = 1\nclass F(Flag):\n    X = auto()\n    Y = auto()\n';
  const cases: [string, string][] = [
    ['L(7)', 'ValueError: 7 is not a valid L'],
    ["L['C']", "KeyError: 'C'"],
    ['F.X | 1', "TypeError: unsupported operand type(s) for |: 'F' and 'int'"],
    ['1 in F.X', "TypeError: unsupported operand type(s) for 'in': 'int' and 'F'"],
    ["F('x')", "ValueError: 'x' is not a valid F"],
    ["L.A + 'x'", "TypeError: unsupported operand type(s) for +: 'L' and 'str'"],
  ];
  for (const [expr, message] of cases) {
    it(`${expr} raises ${message}`, () => {
      assert.equal(uncaught(`${header}x = ${expr}\n`), `x.py:8:5: error: ${message}`);
    });
  }

  it('refuses an IntEnum member that is not an int, as CPython', () => {
    assert.match(uncaught('from enum import IntEnum\nclass L(IntEnum):\n    A = "a"\n'), /^x\.py:2:\d+: error: ValueError: invalid literal for int\(\) with base 10: 'a'$/);
  });
});
