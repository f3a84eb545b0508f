import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { libm } from '../../../runtime/core';

/**
 * pow(x, n) for small integers n answers without glibc's algorithm only where x^n lies far from a
 * point halfway between doubles (runtime/core/libm/pow_integer.ts). At arguments where glibc's pow
 * is not x^n correctly rounded (test/fixtures/random/numpy_power_integer.py, from NumPy 1.24 and
 * Python's Fraction), it must still return NumPy's digits.
 */
const RECORDED: { x: string; n: number; numpy: string; rounded: string }[] = JSON.parse(readFileSync('test/fixtures/random/numpy_power_integer.json', 'utf8'));

describe('pow(x, n) for small integers n prints NumPy\'s digits where they are not x^n correctly rounded', () => {
  it(`${RECORDED.length} arguments, exponents ${[...new Set(RECORDED.map((c) => c.n))].join(', ')}`, () => {
    const wrong = RECORDED.filter((c) => !Object.is(libm.pow(Number(c.x), c.n), Number(c.numpy)))
      .map((c) => `${c.x} ** ${c.n} = ${libm.pow(Number(c.x), c.n)}, NumPy ${c.numpy} (correctly rounded ${c.rounded})`);
    assert.deepEqual(wrong, []);
  });
});
