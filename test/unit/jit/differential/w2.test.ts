import * as assert from 'node:assert/strict';
import { createTfjsBackend, type TfjsArray } from '../../../../runtime/backends';
import { aval } from '../../../../runtime/core';
import { jit, makeJaxpr, simplify, valueAndGrad, valueAndGradJaxpr, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { planJaxpr } from '../../../../runtime/jit/compile';

/** W2: sum(tanh(1.5x + 0.3)**2 + sin(x) * exp(-x*x)). */
const w2 = (o: TraceOps, x: Tracer) => {
  const a = o.integerPow(o.tanh(o.add(o.mul(x, o.lit(1.5)), o.lit(0.3))), 2);
  const b = o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))));
  return o.reduceSum(o.add(a, b), [0]);
};

describe('differential: W2 under jit', () => {
  it('its forward and backward (value_and_grad, simplified) compile to at most 3 kernels', () => {
    const jaxpr = simplify(valueAndGradJaxpr(makeJaxpr(w2, [aval([1024], 'float32')])));
    const plan = planJaxpr(jaxpr);
    assert.ok(plan.kernels.length <= 3, `${plan.kernels.length} kernels: ${plan.kernels.map((k) => k.kind).join(', ')}`);
  });

  it('a second call with the same shapes and dtypes neither traces nor compiles; a new shape does', async () => {
    const backend = await createTfjsBackend('wasm');
    const f = jit(valueAndGrad(w2), { backend });
    const run = (n: number) => {
      const x = backend.upload(Array.from({ length: n }, (_, i) => i / n - 0.5), { shape: [n], dtype: 'float32' });
      const [v, g] = f(x) as [TfjsArray, TfjsArray];
      [x, v, g].forEach((a) => backend.dispose(a));
    };
    const live = backend.liveCount();
    run(1024);
    assert.deepEqual([f.stats.calls, f.stats.traces, f.stats.compiles, f.stats.cacheHits], [1, 1, 1, 0]);
    run(1024);
    assert.equal(f.stats.traces, 1);
    assert.equal(f.stats.compiles, 1);
    assert.equal(f.stats.cacheHits, 1);
    assert.equal(f.stats.last.traceMs, 0);
    assert.equal(f.stats.last.compileMs, 0);
    run(512);
    assert.equal(f.stats.traces, 2);
    assert.equal(f.stats.compiles, 2);
    assert.equal(f.stats.cacheHits, 1);
    assert.equal(f.compiled.size, 2);
    assert.equal(backend.liveCount(), live);
  });
});
