import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MT19937, glibcCos, glibcLog, glibcSin, libm } from '../../../runtime/core';

/**
 * glibc's log, sin and cos as x86-64 glibc computes them with FMA (not correctly rounded), which
 * PyTorch's and NumPy's samplers call: 20,000 arguments each, recorded with CPython's math module
 * (test/fixtures/random/glibc_libm.py), the arguments rebuilt from NumPy's legacy uniforms.
 */
const RECORDED: { name: string; seed: number; count: number; head: number[]; sha256: string }[] =
  JSON.parse(readFileSync('test/fixtures/random/glibc_libm.json', 'utf8'));

const FUNCTIONS: Record<string, (u: number) => number> = {
  'log(1 - u)': (u) => glibcLog(1 - u),
  'log(u * u)': (u) => glibcLog(u * u),
  'log(1 - u / 16)': (u) => glibcLog(1 - u / 16),
  'log(1 + u / 15)': (u) => glibcLog(1 + u / 15),
  'sin(2 pi u)': (u) => glibcSin(2 * Math.PI * u),
  'cos(2 pi u)': (u) => glibcCos(2 * Math.PI * u),
  'sin(-3 pi u)': (u) => glibcSin(-3 * Math.PI * u),
  'cos(-3 pi u)': (u) => glibcCos(-3 * Math.PI * u),
};

describe('glibc log, sin and cos, bit for bit', () => {
  for (const r of RECORDED) {
    it(`${r.name} at ${r.count} arguments`, () => {
      const engine = MT19937.fromSeed(r.seed);
      const f = FUNCTIONS[r.name]!;
      const values = Float64Array.from({ length: r.count }, () => f(engine.nextDouble53()));
      assert.deepEqual(Array.from(values.slice(0, r.head.length)), r.head);
      assert.equal(createHash('sha256').update(Buffer.from(values.buffer)).digest('hex'), r.sha256);
    });
  }

  it('the edges: 1, subnormals, infinities, and arguments past the table reduction', () => {
    assert.equal(glibcLog(1), 0);
    assert.equal(glibcLog(0), -Infinity);
    assert.ok(Number.isNaN(glibcLog(-1)));
    assert.equal(glibcLog(Infinity), Infinity);
    assert.equal(glibcLog(5e-324), -744.4400719213812);
    assert.equal(glibcSin(1e-30), 1e-30);
    assert.equal(glibcCos(1e-30), 1);
    assert.equal(glibcSin(1e9), libm.sin(1e9));
  });
});
