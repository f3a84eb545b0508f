import * as assert from 'node:assert/strict';
import type { DeviceArray } from '../../../../runtime/backends';
import { printJaxpr } from '../../../../runtime/ir';
import { grad, jit, makeJaxpr, simplifyAndEvaluate, valueAndGrad, type Compile, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { assertClose, engine, ENGINE_NAMES, take, upload } from './helpers';

const RUNS = 1000;
const w2 = (o: TraceOps, x: Tracer) => o.reduceSum(o.add(
  o.integerPow(o.tanh(o.add(o.mul(x, o.scalarLike(1.5, x)), o.scalarLike(0.3, x))), 2),
  o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))))), [0]);

describe('jit transforms: jit', () => {
  for (const name of ENGINE_NAMES) {
    it(`traces and compiles once per signature, and a second call hits the cache (${name})`, async () => {
      const e = await engine(name);
      const compiles: string[] = [];
      const compile: Compile = (j, b) => {
        compiles.push(printJaxpr(j));
        return simplifyAndEvaluate(j, b);
      };
      const f = jit(valueAndGrad(w2), { backend: e.backend, compile });
      const x3 = upload(e, [0.1, 0.2, 0.3], [3]);
      const first = take(e, f(x3));
      assert.deepEqual([f.stats.traces, f.stats.compiles, f.stats.cacheHits], [1, 1, 0]);
      assert.deepEqual(take(e, f(x3)), first);
      assert.deepEqual([f.stats.traces, f.stats.compiles, f.stats.cacheHits, f.stats.calls], [1, 1, 1, 2]);
      assert.equal(f.stats.last.traceMs, 0);
      assert.equal(f.stats.last.compileMs, 0);
      assert.ok(f.stats.runMs > 0 && f.stats.traceMs > 0);
      const x4 = upload(e, [0.1, 0.2, 0.3, 0.4], [4]);
      take(e, f(x4));
      assert.deepEqual([f.stats.traces, f.stats.compiles, f.stats.cacheHits], [2, 2, 1]);
      assert.equal(compiles.length, 2);
      assert.equal(f.compiled.size, 2);
      // The structure of the arguments is part of the key too.
      const g = jit((o: TraceOps, p: { x: Tracer } | Tracer[]) => o.neg(Array.isArray(p) ? p[0] : p.x), e);
      take(e, g({ x: x3 }));
      take(e, g([x3]));
      assert.equal(g.stats.traces, 2);
      [x3, x4].forEach((a) => e.backend.dispose(a));
    });

    it(`memory stays flat over ${RUNS} jitted value-and-grad calls (${name})`, async () => {
      const e = await engine(name);
      const f = jit(valueAndGrad(w2), e);
      const x = upload(e, [0.5, -0.25, 1, 2], [4]);
      const before = e.backend.liveCount();
      for (let i = 0; i < RUNS; i++) {
        const [v, g] = f(x) as DeviceArray[];
        e.backend.dispose(v);
        e.backend.dispose(g);
        if (i % 100 === 0) assert.equal(e.backend.liveCount(), before, `after call ${i + 1}`);
      }
      assert.equal(e.backend.liveCount(), before);
      assert.equal(f.stats.traces, 1);
      assert.equal(f.stats.cacheHits, RUNS - 1);
      e.backend.dispose(x);
    });

    it(`composes: jit(grad(f)) = grad(jit(f)), jit inside a trace, grad through a closure over an outer tracer (${name})`, async () => {
      const e = await engine(name);
      const x = upload(e, [0.5, -1.5], [2]);
      const a = take(e, jit(grad(w2), e)(x));
      const b = take(e, jit(grad(jit(w2, e)), e)(x));
      assert.deepEqual(a, b);
      // d/dx [d/dy (x * y**2) at y = x] = d/dx 2x**2 = 4x
      const inner = (o: TraceOps, x: Tracer) => grad((o2: TraceOps, y: Tracer) => o2.mul(x, o2.integerPow(y, 2)))(o, x) as Tracer;
      const s = upload(e, 1.25);
      assert.deepEqual(take(e, jit(inner, e)(s)), [[2 * 1.25 * 1.25]]);
      assertClose(take(e, jit(grad(inner), e)(s))[0], [5], 1e-6, 'closure');
      // The closure may even use the outer trace's ops on the inner tracer.
      const mixed = (o: TraceOps, x: Tracer) => grad((_o2: TraceOps, y: Tracer) => o.mul(o.sin(x), o.mul(y, y)))(o, x) as Tracer;
      assertClose(take(e, jit(grad(mixed), e)(s))[0], [2 * Math.sin(1.25) + 2 * 1.25 * Math.cos(1.25)], 1e-6, 'mixed');
      [x, s].forEach((v) => e.backend.dispose(v));
    });
  }

  it('still refuses a tracer leaked from a finished trace', () => {
    let leaked: Tracer | null = null;
    makeJaxpr((o, x) => { leaked = x; return o.neg(x); }, [{ shape: [], dtype: 'float32' }]);
    assert.throws(() => makeJaxpr((o, x) => o.add(x, leaked!), [{ shape: [], dtype: 'float32' }]), /another trace/);
  });
});
