import * as assert from 'node:assert/strict';
import { Random, sizeOf } from '../../../../runtime/core';
import { grad, jit, jvp, vjp, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { PROGRAM_INPUTS, randomProgram } from '../programs';
import { assertClose, engine, ENGINE_NAMES, take, upload } from './helpers';

const PROGRAMS = 25;
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

// sum(tanh(1.5x + 0.3)**2 + sin(x) * exp(-x*x)), the W2 workload.
const w2 = (o: TraceOps, x: Tracer) => o.reduceSum(o.add(
  o.integerPow(o.tanh(o.add(o.mul(x, o.scalarLike(1.5, x)), o.scalarLike(0.3, x))), 2),
  o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))))), [0]);

describe('jit transforms: jvp', () => {
  for (const name of ENGINE_NAMES) {
    it(`jvp agrees with central differences in a random direction (${name})`, async () => {
      const e = await engine(name);
      const rng = new Random(7);
      const xs = rng.normals(6);
      const v = rng.normals(6);
      const ref = await engine('reference');
      const at = (t: number) => take(ref, jit(w2, ref)(upload(ref, xs.map((x, i) => x + t * v[i]), [6])))[0][0];
      const eps = 1e-5;
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const x = upload(e, xs, [6]);
      const t = upload(e, v, [6]);
      const [[y], [dy]] = take(e, jit(jvp(w2), e)([x], [t]));
      assertClose([y, dy], [at(0), numeric], name === 'reference' ? 1e-8 : 1e-4, 'jvp');
      [x, t].forEach((a) => e.backend.dispose(a));
    });

    // NB: the random programs hold a float64 step, which wasm cannot store.
    if (name === 'reference') it(`<jvp(v), w> = <v, vjp(w)> on ${PROGRAMS} random programs (${name})`, async () => {
      const e = await engine(name);
      const before = e.backend.liveCount();
      const f32 = { ...e, dtype: 'float32' as const };
      for (let p = 0; p < PROGRAMS; p++) {
        const program = randomProgram(500 + p, 8);
        const fn = (o: TraceOps, xs: Tracer[]) => program(o, xs);
        const rng = new Random(900 + p);
        const data = () => PROGRAM_INPUTS.map((s) => upload(f32, rng.normals(sizeOf(s)), s));
        const [xs, vs] = [data(), data()];
        const ws = [upload(f32, rng.normals(6), [2, 3]), upload(f32, rng.normals(6), [2, 3])];
        const [outs, tangents] = jit(jvp(fn), e)([xs], [vs]) as [unknown, unknown];
        const [outs2, cts] = jit(vjp(fn), e)([xs], ws) as [unknown, unknown];
        const jv = take(e, tangents);
        const vw = take(e, cts);
        assert.deepEqual(take(e, outs), take(e, outs2));
        const wv = take(e, [xs, vs, ws]);
        const lhs = jv.reduce((s, t, i) => s + dot(t, wv[6 + i]), 0);
        const rhs = vw.reduce((s, c, i) => s + dot(c, wv[3 + i]), 0);
        assert.ok(Number.isFinite(lhs) && Math.abs(lhs - rhs) <= 1e-3 * Math.max(1, Math.abs(lhs)),
          `program ${500 + p}: <jvp v, w> = ${lhs}, <v, vjp w> = ${rhs}`);
      }
      assert.equal(e.backend.liveCount(), before);
    });

    it(`jvp of grad is a Hessian-vector product (${name})`, async () => {
      const e = await engine(name);
      // f = sum(x**2 sin x): the Hessian is diagonal, 2 sin x + 4x cos x - x**2 sin x.
      const f = (o: TraceOps, x: Tracer) => o.reduceSum(o.mul(o.integerPow(x, 2), o.sin(x)), [0]);
      const xs = [0.5, -1, 2];
      const vs = [1, 2, -0.5];
      const x = upload(e, xs, [3]);
      const v = upload(e, vs, [3]);
      const [g, hv] = take(e, jit(jvp(grad(f)), e)([x], [v]));
      assertClose(g, xs.map((a) => 2 * a * Math.sin(a) + a * a * Math.cos(a)), e.name === 'reference' ? 1e-12 : 1e-5, 'grad');
      assertClose(hv, xs.map((a, i) => (2 * Math.sin(a) + 4 * a * Math.cos(a) - a * a * Math.sin(a)) * vs[i]), e.name === 'reference' ? 1e-12 : 1e-5, 'hvp');
      [x, v].forEach((a) => e.backend.dispose(a));
    });
  }
});
