import * as assert from 'node:assert/strict';
import { foldInWords, randomBits, seedWords, splitWords, threefryHash } from '../../../lang/python/jax/random/threefry';
import { erfInvF32, normal, randint, uniform } from '../../../lang/python/jax/random/samplers';

const hex = (a: ArrayLike<number>) => Array.from(a, (x) => `0x${x.toString(16)}`);

/** JAX's own known answers (tests/random_test.py), with the key layout each was recorded in. */
describe('jax.random: threefry2x32 and its samplers give JAX known answers', () => {
  it('the hash on Random123 test vectors (testThreefry2x32)', () => {
    assert.deepEqual(hex(threefryHash([0, 0], Uint32Array.from([0, 0]))), ['0x6b200159', '0x99ba4efe']);
    const m = 0xffffffff;
    assert.deepEqual(hex(threefryHash([m, m], Uint32Array.from([m, m]))), ['0x1cb996fc', '0xbb002be7']);
    assert.deepEqual(hex(threefryHash([0x13198a2e, 0x03707344], Uint32Array.from([0x243f6a88, 0x85a308d3]))), ['0xc4923a9c', '0x483df7a0']);
  });

  it('random bits, split and fold_in in the layout before JAX 0.5 (testRngRandomBits, testPRNGValues)', () => {
    assert.deepEqual(Array.from(randomBits(seedWords(1701), 8, 3, false)), [216, 115, 43]);
    assert.deepEqual(Array.from(randomBits(seedWords(1701), 16, 3, false)), [41682, 1300, 55017]);
    assert.deepEqual(Array.from(randomBits(seedWords(1701), 32, 3, false)), [56197195, 4200222568, 961309823]);
    assert.deepEqual(Array.from(splitWords(seedWords(0), 4, false)), [2285895361, 1501764800, 1518642379, 4090693311, 433833334, 4221794875, 839183663, 3740430601]);
    assert.deepEqual(foldInWords(seedWords(0), 4), [2285895361, 433833334]);
    const r = randint(seedWords(0), [3, 3], new Float64Array(9).fill(0), new Float64Array(9).fill(8), false);
    assert.deepEqual(Array.from(r), [2, 1, 3, 6, 1, 5, 6, 3, 4]);
  });

  it('split is fold_in over the key index in the partitionable layout (test_threefry_split_fold_in_symmetry)', () => {
    const s = splitWords(seedWords(72), 3, true);
    for (let i = 0; i < 3; i++) assert.deepEqual([s[2 * i], s[2 * i + 1]], foldInWords(seedWords(72), i));
  });

  it("the documentation's draws: normal and uniform of PRNGKey(0) before JAX 0.5", () => {
    assert.equal(normal(seedWords(0), [], false)[0], Math.fround(-0.20584226));
    assert.equal(uniform(seedWords(0), [], 0, 1, false)[0], Math.fround(0.41845703));
    assert.deepEqual(Array.from(normal(seedWords(0), [3], false)), [1.8160863, -0.48262316, 0.33988908].map(Math.fround));
  });

  it("erf_inv in float32 (Giles' polynomial, as XLA) is erf's inverse within its 2e-6 relative error, infinite at ±1", () => {
    for (const x of [-0.999, -0.5, -1e-3, 0, 0.25, 0.9, 0.99999]) {
      const y = erfInvF32(Math.fround(x));
      assert.ok(Math.abs(y - inverseErf(x)) <= 2e-6 * Math.max(1, Math.abs(y)), `erf_inv(${x}) = ${y}`);
    }
    assert.equal(erfInvF32(1), Infinity);
    assert.equal(erfInvF32(-1), -Infinity);
  });
});

/** erf^-1 by bisection over Math's erf-free series: erf(t) = 2/sqrt(pi) * sum (-1)^n t^(2n+1) / (n! (2n+1)), for |t| < 4. */
function inverseErf(x: number): number {
  const erf = (t: number) => {
    let sum = 0, term = t;
    for (let n = 0; n < 200; n++) {
      sum += term / (2 * n + 1);
      term *= (-t * t) / (n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  };
  let lo = -4, hi = 4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (erf(mid) < Math.fround(x)) lo = mid;
    else hi = mid;
  }
  return lo;
}
