import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MT19937, glibcCos, glibcLog, glibcSin, libm } from '../../../runtime/core';

/**
 * glibc's log, sin, cos, exp, pow, atan, expm1, log1p and the hyperbolic functions over them, as x86-64
 * glibc computes them with FMA (not correctly rounded), which CPython's math module and PyTorch's
 * and NumPy's samplers call: 20,000 arguments each, recorded with CPython's math module
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
  'exp(60 u - 30)': (u) => libm.exp(60 * u - 30),
  'exp(1454 u - 745)': (u) => libm.exp(1454 * u - 745),
  'exp(40 u - 745)': (u) => libm.exp(40 * u - 745),
  'pow(10 u, 40 u - 20)': (u) => libm.pow(10 * u, 40 * u - 20),
  'pow(1 + u / 1000, 1e5 u)': (u) => libm.pow(1 + u / 1000, 1e5 * u),
  'pow(0.5 + u, 200 u - 100)': (u) => libm.pow(0.5 + u, 200 * u - 100),
  'expm1(10 u - 5)': (u) => libm.expm1(10 * u - 5),
  'expm1(80 u - 40)': (u) => libm.expm1(80 * u - 40),
  'log1p(6 u - 0.9)': (u) => libm.log1p(6 * u - 0.9),
  'log1p(1e6 u)': (u) => libm.log1p(1e6 * u),
  'sinh(60 u - 30)': (u) => libm.sinh(60 * u - 30),
  'cosh(60 u - 30)': (u) => libm.cosh(60 * u - 30),
  'tanh(10 u - 5)': (u) => libm.tanh(10 * u - 5),
  'asinh(60 u - 30)': (u) => libm.asinh(60 * u - 30),
  'acosh(1 + 30 u)': (u) => libm.acosh(1 + 30 * u),
  'atanh(2 u - 1)': (u) => libm.atanh(2 * u - 1),
  'atan(20 u - 10)': (u) => libm.atan(20 * u - 10),
  'atan(1 / (u - 0.5))': (u) => libm.atan(1 / (u - 0.5)),
};

describe('glibc libm (math.exp, log, sin, cos, pow, atan, expm1, log1p, sinh, cosh, tanh, asinh, acosh, atanh), bit for bit', () => {
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
