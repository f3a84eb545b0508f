import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatError, run } from '../../../lang/python';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * CPython's random module, bit for bit: each case of test/fixtures/random/python_streams.json is a
 * snippet and the 1,000 or more values CPython 3.11 drew for it (python_streams.py records them):
 * the uniform draws, the Gaussian and the other distributions through glibc's log, exp, sin, cos
 * and pow, the integer draws, shuffles and samples, and seeds of every kind (str, bytes, bytearray,
 * negative and huge ints, floats, bools).
 */
const FIXTURE: { cases: RecordedStream[] } = JSON.parse(readFileSync('test/fixtures/random/python_streams.json', 'utf8'));

describe('random streams: bit for bit as CPython 3.11 draws them', () => {
  it('has 25,000 draws or more', () => {
    assert.ok(FIXTURE.cases.reduce((n, c) => n + c.count, 0) >= 25_000);
  });
  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const r = run(`${c.code}\nprint([float(v) for v in out])\n`, { file: 'streams.py' });
      assert.equal(r.error ? formatError(r.error) : null, null);
      assertSameStream(JSON.parse(r.output), c);
    });
  }
});
