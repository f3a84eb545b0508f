import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pooledArrays, releasePooledArrays } from '../../../runtime/backends';
import { output, recycle } from '../../../runtime/backends/host/loops';
import { evaluated, requestFor } from './support';

/**
 * Issue 12: what grew in the evaluation process over evaluations at ever new shapes (the LSP soak)
 * was the host kernels' pool of spare arrays: it kept up to 32 arrays of every length it saw, ~32
 * per evaluation there, and once full took no more, so the lengths a program did use went unpooled.
 */
describe('memory: the host kernels\' pool of spare arrays (issue 12)', () => {
  afterEach(releasePooledArrays);

  it('drops a length once its arrays are taken, and evicts its oldest lengths when full instead of refusing new ones', () => {
    releasePooledArrays();
    const given = new Float32Array(1000);
    recycle(given);
    assert.equal(output('float32', 1000), given);
    assert.deepEqual(pooledArrays(), { arrays: 0, bytes: 0, buckets: 0 });
    // 1,200 lengths of 32 KiB and more: 39 MiB, past the pool's 32 MiB.
    let last = new Float32Array(0);
    for (let i = 0; i < 1200; i++) recycle((last = new Float32Array(8192 + i)));
    const held = pooledArrays();
    assert.ok(held.bytes <= 32 * 2 ** 20, `${held.bytes} bytes pooled`);
    assert.equal(output('float32', last.length), last, 'the length given back last is kept');
    assert.equal(pooledArrays().buckets, held.buckets - 1);
  });

  it('holds no array after evaluations at ever new shapes (jax and torch), as it held ~32 more after each', async () => {
    const files = ['soak_jax.py', 'soak_torch.py'].map((f) => readFileSync(`test/fixtures/lsp/${f}`, 'utf8'));
    for (let n = 40; n < 60; n++) {
      const text = files[n % 2].replace(/, \d+\)\)\n*$/, `, ${n}))\n`);
      const result = await evaluated(requestFor(`soak${n % 2}.py`, text, 'loss'));
      assert.equal(typeof result.value, 'number');
      assert.deepEqual(pooledArrays(), { arrays: 0, bytes: 0, buckets: 0 }, `after the evaluation at n = ${n}`);
    }
  });
});
