import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { libm } from '../../../runtime/core';

/**
 * NumPy's float32 ufuncs as NumPy 1.24 computes them with AVX2 and FMA3, bit for bit: its own SIMD
 * exp, log, sin, cos and tanh (AVX-512F gives the same bits) and glibc's expm1f, log1pf, atanf,
 * asinf, acosf and cbrtf, at every 65,537th float32 bit pattern (65,536 arguments: NaNs, infinities, subnormals, sin
 * and cos past Cody-Waite's range, which NumPy hands to glibc's sinf and cosf) and 100,000 evenly
 * spaced arguments of each function's working range, recorded from NumPy 1.24
 * (test/fixtures/random/numpy_float32.py). Computing in float64 and rounding, as Gradlens did,
 * differed for 38% of exp's arguments, 25% of tanh's, 10% of sin's and cos's, 3% of log's. The other
 * float32 functions that call glibc: numpy_float32_glibc.test.ts.
 */
const RECORDED: {
  step: number;
  ranges: Record<string, [number, number]>;
  streams: { function: string; arguments: 'bits' | 'range'; count: number; third: string[]; sha256: string }[];
} = JSON.parse(readFileSync('test/fixtures/random/numpy_float32.json', 'utf8'));

const KERNELS: Record<string, (x: number) => number> = {
  exp: libm.numpyExpf, log: libm.numpyLogf, sin: libm.numpySinf, cos: libm.numpyCosf, tanh: libm.numpyTanhf,
  expm1: libm.glibcExpm1f, log1p: libm.glibcLog1pf, arctan: libm.glibcAtanf, cbrt: libm.glibcCbrtf, arcsin: libm.glibcAsinf, arccos: libm.glibcAcosf,
};

const fromRepr = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));

function argumentsOf(name: string, kind: 'bits' | 'range', count: number): Float32Array {
  if (kind === 'bits') return new Float32Array(Uint32Array.from({ length: count }, (_, i) => i * RECORDED.step).buffer);
  const [lo, hi] = RECORDED.ranges[name]!;
  return Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / count);
}

describe('NumPy\'s float32 ufuncs with AVX2 and FMA3, bit for bit', () => {
  for (const r of RECORDED.streams) {
    it(`${r.function} at ${r.count} arguments (${r.arguments === 'bits' ? 'float32 bit patterns' : 'its range'})`, () => {
      const x = argumentsOf(r.function, r.arguments, r.count);
      const kernel = KERNELS[r.function]!;
      // NB: hashed as the recorder hashes: every NaN the quiet NaN (a NaN argument's payload, which x + x keeps, never prints).
      const values = x.map((v) => (Number.isNaN(kernel(v)) ? NaN : kernel(v)));
      const third = Math.floor(r.count / 3);
      assert.deepEqual(Array.from(values.slice(third, third + 4)), r.third.map(fromRepr));
      assert.equal(createHash('sha256').update(Buffer.from(values.buffer)).digest('hex'), r.sha256);
    });
  }
});
