import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MT19937, glibcCos, glibcLog, glibcSin, libm } from '../../../runtime/core';

/**
 * glibc's log, sin, cos, tan, exp, exp2, log2, pow, atan, atan2, asin, acos, expm1, log1p, erf, erfc and
 * the hyperbolic functions over them, as x86-64 glibc computes them with FMA (not correctly rounded),
 * which CPython's math module and PyTorch's and NumPy's samplers call: 20,000 arguments each per range,
 * recorded with CPython's math module (test/fixtures/random/glibc_libm.py), the arguments rebuilt from
 * NumPy's legacy uniforms; then each function's edges.
 */
const RECORDED: {
  streams: { name: string; seed: number; count: number; head: number[]; sha256: string }[];
  edges: { name: string; args: string[]; want: string }[];
} = JSON.parse(readFileSync('test/fixtures/random/glibc_libm.json', 'utf8'));

/** A Python float's repr as a number. */
const fromRepr = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));

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
  'erf(14 u - 7)': (u) => libm.erf(14 * u - 7),
  'erf(1.7 u - 0.85)': (u) => libm.erf(1.7 * u - 0.85),
  'erfc(35 u - 7)': (u) => libm.erfc(35 * u - 7),
  'erfc(1.7 u - 0.85)': (u) => libm.erfc(1.7 * u - 0.85),
  'erfc(0.82 u - 0.41)': (u) => libm.erfc(0.82 * u - 0.41),
  'erfc(1.7 u + 1.2)': (u) => libm.erfc(1.7 * u + 1.2),
  'erfc(7 u + 20.5)': (u) => libm.erfc(7 * u + 20.5),
  'tan(8 u - 4)': (u) => libm.tan(8 * u - 4),
  'tan(0.16 u - 0.08)': (u) => libm.tan(0.16 * u - 0.08),
  'tan(200 u - 100)': (u) => libm.tan(200 * u - 100),
  'tan(1e300 u)': (u) => libm.tan(1e300 * u),
  'sin(1e300 u)': (u) => libm.sin(1e300 * u),
  'cos(1e22 u)': (u) => libm.cos(1e22 * u),
  'asin(2 u - 1)': (u) => libm.asin(2 * u - 1),
  'asin(1 - u / 32)': (u) => libm.asin(1 - u / 32),
  'asin(0.25 u - 0.125)': (u) => libm.asin(0.25 * u - 0.125),
  'acos(2 u - 1)': (u) => libm.acos(2 * u - 1),
  'acos(u / 32 - 1)': (u) => libm.acos(u / 32 - 1),
  'acos(1 - u / 32)': (u) => libm.acos(1 - u / 32),
  'acos(0.25 u - 0.125)': (u) => libm.acos(0.25 * u - 0.125),
  'atan2(20 u - 10, 20 (4096 u % 1) - 10)': (u) => libm.atan2(20 * u - 10, 20 * ((4096 * u) % 1) - 10),
  'atan2(u - 0.5, 1e-3 (4096 u % 1))': (u) => libm.atan2(u - 0.5, 1e-3 * ((4096 * u) % 1)),
  'atan2(1e-300 u, 1e300 (4096 u % 1) - 5e299)': (u) => libm.atan2(1e-300 * u, 1e300 * ((4096 * u) % 1) - 5e299),
  'log2(1e6 u)': (u) => libm.log2(1e6 * u),
  'log2(1 + (u - 0.5) / 12)': (u) => libm.log2(1 + (u - 0.5) / 12),
  'log2(1e-310 u)': (u) => libm.log2(1e-310 * u),
  'exp2(2100 u - 1077)': (u) => libm.exp2(2100 * u - 1077),
  'exp2(4 u - 2)': (u) => libm.exp2(4 * u - 2),
  'remainder(2e6 u - 1e6, 20 (4096 u % 1) - 10)': (u) => libm.remainder(2e6 * u - 1e6, 20 * ((4096 * u) % 1) - 10),
  'ldexp(u - 0.5, floor(100 (4096 u % 1)) - 1100)': (u) => libm.ldexp(u - 0.5, Math.floor(100 * ((4096 * u) % 1)) - 1100),
  'log10(1e6 u)': (u) => libm.log10(1e6 * u),
  'log10(1 + (u - 0.5) / 12)': (u) => libm.log10(1 + (u - 0.5) / 12),
  'log10(1e-310 u)': (u) => libm.log10(1e-310 * u),
  'hypot(20 u - 10, 20 (4096 u % 1) - 10)': (u) => libm.hypot(20 * u - 10, 20 * ((4096 * u) % 1) - 10),
  'hypot(1e300 u, 1e300 (4096 u % 1))': (u) => libm.hypot(1e300 * u, 1e300 * ((4096 * u) % 1)),
  'hypot(1e-300 u, 1e-310 (4096 u % 1))': (u) => libm.hypot(1e-300 * u, 1e-310 * ((4096 * u) % 1)),
};

describe('glibc libm (math.exp, exp2, log, log2, log10, hypot, sin, cos, tan, pow, atan, atan2, asin, acos, expm1, log1p, erf, erfc, sinh, cosh, tanh, asinh, acosh, atanh) and CPython\'s remainder and ldexp, bit for bit', () => {
  for (const r of RECORDED.streams) {
    it(`${r.name} at ${r.count} arguments`, () => {
      const engine = MT19937.fromSeed(r.seed);
      const f = FUNCTIONS[r.name]!;
      const values = Float64Array.from({ length: r.count }, () => f(engine.nextDouble53()));
      assert.deepEqual(Array.from(values.slice(0, r.head.length)), r.head);
      assert.equal(createHash('sha256').update(Buffer.from(values.buffer)).digest('hex'), r.sha256);
    });
  }

  it(`the edges of erf, erfc, tan, sin, cos, asin, acos, atan2, log2 and exp2 (${RECORDED.edges.length} arguments: signed zeros, subnormals, infinities, NaN, the ends of each range)`, () => {
    const call = libm as unknown as Record<string, (...args: number[]) => number>;
    const wrong = RECORDED.edges.filter((e) => !Object.is(call[e.name]!(...e.args.map(fromRepr)), fromRepr(e.want)))
      .map((e) => `${e.name}(${e.args.join(', ')}) = ${call[e.name]!(...e.args.map(fromRepr))}, CPython ${e.want}`);
    assert.deepEqual(wrong, []);
  });

  it('the edges: 1, subnormals, infinities, and arguments past the table reduction', () => {
    assert.equal(glibcLog(1), 0);
    assert.equal(glibcLog(0), -Infinity);
    assert.ok(Number.isNaN(glibcLog(-1)));
    assert.equal(glibcLog(Infinity), Infinity);
    assert.equal(glibcLog(5e-324), -744.4400719213812);
    assert.equal(glibcSin(1e-30), 1e-30);
    assert.equal(glibcCos(1e-30), 1);
    assert.equal(glibcSin(1e9), 0.5458434494486996);
  });
});
