import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MT19937, libm } from '../../../runtime/core';

/**
 * NumPy's float64 tanh (its SIMD polynomial, not glibc's tanh: they differ for a quarter of
 * arguments), bit for bit: 20,000 arguments a range recorded from NumPy 1.24
 * (test/fixtures/random/numpy_tanh.py), the arguments rebuilt from NumPy's legacy uniforms; then the
 * edges (signed zeros, subnormals, the subintervals' ends, saturation, the huge arguments NumPy
 * hands to libm, infinities, NaN).
 */
const RECORDED: {
  streams: { name: string; seed: number; count: number; head: number[]; sha256: string }[];
  edges: { args: string[]; want: string }[];
} = JSON.parse(readFileSync('test/fixtures/random/numpy_tanh.json', 'utf8'));

const fromRepr = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));

const ARGUMENTS: Record<string, (u: number) => number> = {
  'tanh(40 u - 20)': (u) => 40 * u - 20,
  'tanh(3 u - 1.5)': (u) => 3 * u - 1.5,
  'tanh(0.3 u - 0.15)': (u) => 0.3 * u - 0.15,
  'tanh(1e-6 u)': (u) => 1e-6 * u,
};

describe('NumPy\'s float64 tanh, bit for bit', () => {
  for (const r of RECORDED.streams) {
    it(`${r.name} at ${r.count} arguments`, () => {
      const engine = MT19937.fromSeed(r.seed);
      const values = Float64Array.from({ length: r.count }, () => libm.numpyTanh(ARGUMENTS[r.name]!(engine.nextDouble53())));
      assert.deepEqual(Array.from(values.slice(0, r.head.length)), r.head);
      assert.equal(createHash('sha256').update(Buffer.from(values.buffer)).digest('hex'), r.sha256);
    });
  }

  it(`the edges (${RECORDED.edges.length} arguments)`, () => {
    const wrong = RECORDED.edges.filter((e) => !Object.is(libm.numpyTanh(fromRepr(e.args[0]!)), fromRepr(e.want)))
      .map((e) => `tanh(${e.args[0]}) = ${libm.numpyTanh(fromRepr(e.args[0]!))}, NumPy ${e.want}`);
    assert.deepEqual(wrong, []);
  });
});
