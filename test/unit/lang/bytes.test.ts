/**
 * bytes and bytearray (issue 14): CPython 3.11's syntax errors for bytes literals, the codecs'
 * error texts, and big bytes charged as strs are (values/limits.ts): they stop with the budget's
 * error or MemoryError, at the line, before the memory is taken. What bytes compute is in the
 * program fixture test/fixtures/python/programs/bytes_tokenizer.py, recorded with CPython 3.11.
 */
import { strict as assert } from 'node:assert';
import { analyze, formatError, run } from '../../../lang/python';

function outcome(source: string): string {
  const r = run(source, { file: 'x.py' });
  return r.error ? formatError(r.error) : r.output;
}

describe('bytes: literals and codecs in CPython\'s words', () => {
  it('refuses a non-ASCII character in a bytes literal, and bytes beside str, before the file runs', () => {
    assert.equal(outcome("print('ran')\nx = b'é'\n"), 'x.py:2:5: error: SyntaxError: bytes can only contain ASCII literal characters');
    assert.equal(outcome("x = b'a' 'b'\n"), 'x.py:1:5: error: SyntaxError: cannot mix bytes and nonbytes literals');
  });

  it('reads \\x escapes in bytes literals and leaves \\u as written, as CPython', () => {
    assert.equal(outcome("print(b'\\x00\\xff\\u00e9', len(b'\\u00e9'), b'a' b'b')\n"), "b'\\x00\\xff\\\\u00e9' 6 b'ab'\n");
  });

  const errors: [string, string][] = [
    ["'héllo'.encode('ascii')\n", "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)"],
    ["'€'.encode('latin-1')\n", "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u20ac' in position 0: ordinal not in range(256)"],
    ["b'ab\\xff'.decode()\n", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"],
    ["b'\\xe2\\x82'.decode()\n", "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"],
    ["b'\\xf0\\x9f\\x98\\x28'.decode()\n", "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: invalid continuation byte"],
    ["b'\\xed\\xa0\\x80'.decode()\n", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"],
    ["b'\\xe9'.decode('ascii')\n", "UnicodeDecodeError: 'ascii' codec can't decode byte 0xe9 in position 0: ordinal not in range(128)"],
    ["'x'.encode('no-such-codec')\n", 'LookupError: unknown encoding: no-such-codec'],
    ["'x'.encode('utf-8', 'bogus')\n", "LookupError: unknown error handler name 'bogus'"],
    ["b'a'.startswith('a')\n", 'TypeError: startswith first arg must be bytes or a tuple of bytes, not str'],
    ["b'abc'.index(b'z')\n", 'ValueError: subsection not found'],
    ['bytes([1, 256])\n', 'ValueError: bytes must be in range(0, 256)'],
    ["bytes('abc')\n", 'TypeError: string argument without an encoding'],
    ['(256).to_bytes(1, "big")\n', 'OverflowError: int too big to convert'],
    ["float.fromhex('0x1p1024')\n", 'OverflowError: hexadecimal value too large to represent as a float'],
  ];
  for (const [source, message] of errors) {
    it(message, () => assert.equal(outcome(source), `x.py:1:1: error: ${message}`));
  }

  it("names the codecs CPython has and Gradlens does not, instead of calling them unknown", () => {
    assert.equal(outcome("'x'.encode('utf-16')\n"), "x.py:1:1: error: NotImplementedError: the 'utf-16' codec is not supported by Gradlens; use 'utf-8', 'ascii' or 'latin-1'");
  });
});

describe('bytes: the analyzer', () => {
  it('reports no bytes literal, match statement or complex literal as unsupported syntax (it said "Gradlens does not support bytes literals")', () => {
    const source = "data = b'\\x00ab'\nz = 1 + 2j\nmatch data:\n    case b'ab':\n        pass\n    case _:\n        pass\n";
    assert.deepEqual(analyze(source).diagnostics.map((d) => `${d.code}: ${d.message}`), []);
  });
});

describe('bytes: budgets', () => {
  it('refuses a bytes value past the longest str before allocating it', () => {
    assert.equal(outcome('x = bytes(10 ** 9)\n'), 'x.py:1:5: error: MemoryError: a str of 1,000,000,000 characters is longer than Gradlens allows (268,435,456)');
    assert.equal(outcome("x = b'ab' * 10 ** 9\n"), 'x.py:1:5: error: MemoryError: a str of 2,000,000,000 characters is longer than Gradlens allows (268,435,456)');
  });

  it('charges a big bytes value against the step budget, as a str of its length', () => {
    assert.match(outcome('x = bytes(2 * 10 ** 8)\n'), /^x\.py:1:5: error: this line would take the script past 10,000,000 steps/);
  });

  it('grows a bytearray by appends in time proportional to what is added (a 900 KB buffer fits the budget)', () => {
    assert.equal(outcome("x = bytearray()\nfor i in range(100000):\n    x += b'abcdefgh'\n    x.append(1)\nprint(len(x), x[-9:])\n"), "900000 bytearray(b'abcdefgh\\x01')\n");
  });
});
