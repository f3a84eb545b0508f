import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../../runtime/backends';
import { aval, LruCache } from '../../../../runtime/core';
import { makeJaxpr, type TracedFunction } from '../../../../runtime/jit';
import { compile, compiledCacheSizes, kernelCacheStats } from '../../../../runtime/jit/compile';

const ref = createReferenceBackend();

describe('jit compile: the compiled-kernel cache is bounded', () => {
  it('keeps at most its bound of kernels and bytes however many shapes come, the recently used still hits', () => {
    const fn: TracedFunction = (o, x) => o.reduceSum(o.tanh(o.mul(o.exp(x), x)), [0]);
    const { maxEntries, maxBytes } = compiledCacheSizes().hostKernels;
    // NB: each length is a new shape, so a new kernel, as a language server sees while the user edits.
    const shapes = maxEntries + 200;
    for (let n = 1; n <= shapes; n++) {
      for (const codegen of ['js', 'wasm'] as const) compile(makeJaxpr(fn, [aval([n], 'float32')]), ref, { codegen });
      const held = compiledCacheSizes().hostKernels;
      assert.ok(held.size <= maxEntries && held.bytes <= maxBytes, `after ${n} shapes the cache holds ${held.size} kernels, ~${held.bytes} bytes (bounds ${maxEntries}, ${maxBytes})`);
    }
    const before = kernelCacheStats();
    compile(makeJaxpr(fn, [aval([shapes], 'float32')]), ref, { codegen: 'js' });
    assert.equal(kernelCacheStats().hits, before.hits + 1, 'the latest shape is still compiled');
    compile(makeJaxpr(fn, [aval([1], 'float32')]), ref, { codegen: 'js' });
    assert.equal(kernelCacheStats().misses, before.misses + 1, 'the oldest shape was dropped and compiles again');
  });
});

describe('LruCache', () => {
  it('drops the least recently used entry past its count', () => {
    const c = new LruCache<string, number>(2, Infinity, () => 1);
    c.set('a', 1);
    c.set('b', 2);
    assert.equal(c.get('a'), 1);
    c.set('c', 3);
    assert.deepEqual([c.get('a'), c.get('b'), c.get('c'), c.size], [1, undefined, 3, 2]);
  });

  it('drops the oldest entries past its bytes, and never keeps one heavier than the bound', () => {
    const c = new LruCache<string, string>(100, 10, (v) => v.length);
    c.set('a', 'xxxx');
    c.set('b', 'yyyy');
    c.set('c', 'zzzz');
    assert.deepEqual([c.get('a'), c.get('b'), c.get('c'), c.bytes], [undefined, 'yyyy', 'zzzz', 8]);
    c.set('big', 'x'.repeat(11));
    assert.deepEqual([c.get('big'), c.size, c.bytes], [undefined, 2, 8]);
    c.set('b', 'y');
    assert.equal(c.bytes, 5, 'a replaced entry counts its new weight only');
  });
});
