import * as assert from 'node:assert/strict';
import { floatRepr, formatFloat, formatInt, run } from '../../../lang/python';
import { fixture } from './fixtures';

interface Case {
  value: string;
  spec: string;
  expected: string;
  int?: boolean;
  str?: boolean;
}

// format_cases.json: repr() and format() of floats, ints and strings as CPython gives them
// (regenerate with test/fixtures/python/format_cases.py).
const cases: Case[] = JSON.parse(fixture('format_cases.json'));

describe('number printing and format specs', () => {
  it('float repr is the shortest round-trip string in Python layout', () => {
    const bad: string[] = [];
    for (const c of cases.filter((c) => c.spec === 'repr')) {
      const got = floatRepr(Number(c.value === 'inf' ? Infinity : c.value));
      if (got !== c.expected) bad.push(`${c.value}: ${got} != ${c.expected}`);
    }
    assert.deepEqual(bad, []);
  });

  it('format(float, spec) matches CPython, ties rounded on the exact binary value', () => {
    const bad: string[] = [];
    for (const c of cases.filter((c) => !c.int && !c.str && c.spec !== 'repr')) {
      const got = formatFloat(Number(c.value), c.spec);
      if (got !== c.expected) bad.push(`format(${c.value}, '${c.spec}'): ${got} != ${c.expected}`);
    }
    assert.deepEqual(bad, []);
  });

  it('format(int, spec) matches CPython, bases, grouping and zero padding included', () => {
    const bad: string[] = [];
    for (const c of cases.filter((c) => c.int)) {
      const got = formatInt(BigInt(c.value), c.spec);
      if (got !== c.expected) bad.push(`format(${c.value}, '${c.spec}'): ${got} != ${c.expected}`);
    }
    assert.deepEqual(bad, []);
  });

  it('format(str, spec) matches CPython', () => {
    for (const c of cases.filter((c) => c.str)) {
      const r = run(`print(format(${JSON.stringify(c.value)}, ${JSON.stringify(c.spec)}), end='')`);
      assert.equal(r.output, c.expected, `format(${c.value}, '${c.spec}')`);
    }
  });

  it('rejects bad specs with the messages Python gives', () => {
    const out = run(`
for v, s in [(1.5, 'd'), (1, '.2d'), ('x', '+'), ('x', '='), (None, '>3'), ([1], '5'), (1.0, 'q'), (1, ',x')]:
    try:
        format(v, s)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
`).output;
    assert.equal(
      out,
      [
        "ValueError Unknown format code 'd' for object of type 'float'",
        'ValueError Precision not allowed in integer format specifier',
        'ValueError Sign not allowed in string format specifier',
        "ValueError '=' alignment not allowed in string format specifier",
        'TypeError unsupported format string passed to NoneType.__format__',
        'TypeError unsupported format string passed to list.__format__',
        'ValueError Invalid format specifier',
        "ValueError Cannot specify ',' with 'x'.",
        '',
      ].join('\n'),
    );
  });
});
