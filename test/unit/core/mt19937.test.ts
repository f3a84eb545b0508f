import { strict as assert } from 'node:assert';
import { MT19937 } from '../../../runtime/core';
import { floatHash } from '../../../lang/python/modules/random_stream';

// Known answers printed by NumPy 1.24 and CPython 3.11 (/usr/bin/python3).
describe('MT19937, the engine under CPython random, NumPy RandomState and PyTorch', () => {
  it("draws NumPy's and PyTorch's words for a 32-bit seed (init_genrand)", () => {
    const engine = MT19937.fromSeed(0);
    assert.deepEqual([engine.next32(), engine.next32(), engine.next32()], [2357136044, 2546248239, 3071714933]);
  });

  it("draws NumPy's random_sample doubles (53 bits from two words)", () => {
    const engine = MT19937.fromSeed(5);
    assert.deepEqual([engine.nextDouble53(), engine.nextDouble53()], [0.22199317108973948, 0.8707323061773764]);
  });

  it('replays from a saved state, across the 624-word regeneration', () => {
    const engine = MT19937.fromKey([1, 2, 3]);
    for (let i = 0; i < 600; i++) engine.next32();
    const twin = engine.copy();
    const ahead = Array.from({ length: 100 }, () => engine.next32());
    assert.deepEqual(Array.from({ length: 100 }, () => twin.next32()), ahead);
    assert.throws(() => twin.restore({ words: [1, 2], position: 0 }), /624 words/);
  });
});

describe("CPython's hash of a float (what random.seed(0.5) seeds from)", () => {
  it('matches CPython for halves, irrationals, subnormals, huge values, negatives and infinity', () => {
    assert.equal(floatHash(0.5), 1152921504606846976n);
    assert.equal(floatHash(3.14159), 326484311674566659n);
    assert.equal(floatHash(-1e-310), -615709907932414099n);
    assert.equal(floatHash(1e300), 1224995262755759164n);
    assert.equal(floatHash(-2.5), -1152921504606846978n);
    assert.equal(floatHash(Infinity), 314159n);
    assert.equal(floatHash(Number.NaN), null);
  });
});
