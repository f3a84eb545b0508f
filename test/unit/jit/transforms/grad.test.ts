import * as assert from 'node:assert/strict';
import type { DeviceArray } from '../../../../runtime/backends';
import { Random, sizeOf } from '../../../../runtime/core';
import { printJaxpr } from '../../../../runtime/ir';
import { makeJaxpr, simplify, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { grad, gradJaxpr, jit, valueAndGrad } from '../../../../runtime/jit/transforms';
import { PROGRAM_INPUTS, randomProgram } from '../programs';
import { assertClose, engine, ENGINE_NAMES, take, upload } from './helpers';

const RANDOM = 25;

describe('jit transforms: grad', () => {
  it('prints the gradient jaxpr of x**2 + 3x + 5', () => {
    const f = makeJaxpr((o, x) => o.add(o.add(o.integerPow(x, 2), o.mul(o.lit(3), x)), o.lit(5)), [{ shape: [], dtype: 'float32' }]);
    // NB: it fits JAX's 80 columns on one line now that literals print untyped, as JAX 0.4.35's.
    assert.equal(printJaxpr(simplify(gradJaxpr(f))), '{ lambda ; a:f32[]. let b:f32[] = mul 2.0 a; c:f32[] = add 3.0 b in (c,) }');
  });

  it("each gradient equation carries the span of the forward op it derives from, also when grad runs inside another trace", () => {
    const at = (line: number) => ({ line, column: 1, endLine: line, endColumn: 9 });
    // y = sin(x) on line 2, y * x on line 3.
    const f = (o: TraceOps, x: Tracer) => {
      const y = o.trace.withSpan(at(2), () => o.sin(x));
      return o.trace.withSpan(at(3), () => o.mul(y, x));
    };
    const fwd = makeJaxpr(f, [{ shape: [], dtype: 'float32' }]);
    const direct = gradJaxpr(fwd);
    const nested = makeJaxpr((o, x) => grad(f)(o, x) as Tracer, [{ shape: [], dtype: 'float32' }]);
    for (const g of [direct, nested]) {
      const lines = g.eqns.map((e) => `${e.primitive}@${e.span?.line}`);
      assert.ok(g.eqns.every((e) => e.span !== null), `equations without a line: ${lines.join(', ')}`);
      // d(y*x)/dx = y + x*cos(x): sin and cos come from line 2, the muls and the sum from line 3.
      assert.ok(lines.includes('cos@2') && lines.includes('sin@2') && lines.includes('mul@3'), lines.join(', '));
    }
  });

  for (const name of ENGINE_NAMES) {
    it(`grad of x**2 + 3x + 5 at 2.0 is 7.0, value 15.0 (${name})`, async () => {
      const e = await engine(name);
      const before = e.backend.liveCount();
      const x = upload(e, 2);
      const f = (o: TraceOps, x: Tracer) => o.add(o.add(o.integerPow(x, 2), o.mul(o.scalarLike(3, x), x)), o.scalarLike(5, x));
      assert.deepEqual(take(e, jit(grad(f), e)(x)), [[7]]);
      assert.deepEqual(take(e, jit(valueAndGrad(f), e)(x)), [[15], [7]]);
      e.backend.dispose(x);
      assert.equal(e.backend.liveCount(), before);
    });

    it(`grad(grad(sin)) = -sin and the third derivative is -cos (${name})`, async () => {
      const e = await engine(name);
      const sin = (o: TraceOps, x: Tracer) => o.sin(x);
      const xs = [0.3, -1.2, 2.5];
      for (const v of xs) {
        const x = upload(e, v);
        assertClose(take(e, jit(grad(grad(sin)), e)(x))[0], [-Math.sin(v)], e.tol, 'd2');
        assertClose(take(e, jit(grad(grad(grad(sin))), e)(x))[0], [-Math.cos(v)], e.tol, 'd3');
        e.backend.dispose(x);
      }
    });
  }
});

describe('jit transforms: grad options and pytrees', () => {
  for (const name of ENGINE_NAMES) {
    it(`value_and_grad with argnums as a list and hasAux; grad of a dict argument (${name})`, async () => {
      const e = await engine(name);
      const before = e.backend.liveCount();
      // f(x, y, z) = sum(x * y) + z**2, aux = {prod: x * y}
      const f = (o: TraceOps, x: Tracer, y: Tracer, z: Tracer) => {
        const p = o.mul(x, y);
        return [o.add(o.reduceSum(p, [0]), o.integerPow(z, 2)), { prod: p }];
      };
      const [x, y, z] = [upload(e, [1, 2], [2]), upload(e, [3, 4], [2]), upload(e, 5)];
      const out = jit(valueAndGrad(f, { argnums: [0, 2], hasAux: true }), e)(x, y, z) as [[DeviceArray, { prod: DeviceArray }], DeviceArray[]];
      assert.equal(out[1].length, 2);
      assert.deepEqual(take(e, out), [[36], [3, 8], [3, 4], [10]]);
      const [g, aux] = jit(grad(f, { argnums: 1, hasAux: true }), e)(x, y, z) as [DeviceArray, { prod: DeviceArray }];
      assert.deepEqual(take(e, [g, aux.prod]), [[1, 2], [3, 8]]);
      const h = (o: TraceOps, p: { w: Tracer; b: Tracer[] }) => o.reduceSum(o.mul(o.add(p.w, p.b[0]), p.b[1]), [0]);
      const gp = jit(grad(h), e)({ w: x, b: [y, z] }) as { w: DeviceArray; b: DeviceArray[] };
      assert.deepEqual(Object.keys(gp).sort(), ['b', 'w']);
      assert.deepEqual(take(e, [gp.w, gp.b[0], gp.b[1]]), [[5, 5], [5, 5], [10]]);
      [x, y, z].forEach((a) => e.backend.dispose(a));
      assert.equal(e.backend.liveCount(), before);
      const vec = upload(e, [1, 2], [2]);
      assert.throws(() => jit(grad((o: TraceOps, a: Tracer) => o.mul(a, a)), e)(vec), /scalar floating output/);
      e.backend.dispose(vec);
    });
  }

  it(`grad agrees with central differences on ${RANDOM} random programs (reference, float32 data)`, async () => {
    const e = await engine('reference');
    const f32 = { ...e, dtype: 'float32' as const };
    for (let p = 0; p < RANDOM; p++) {
      const program = randomProgram(2000 + p, 8);
      // A scalar of both outputs: sum(out0 + 0.5 out1) in float64, so the differences are exact enough.
      const loss = (o: TraceOps, ...xs: Tracer[]) => {
        const [a, b] = program(o, xs);
        return o.reduceSum(o.convert(o.add(a, o.mul(b, o.scalarLike(0.5, b))), 'float64'), [0, 1]);
      };
      const rng = new Random(4000 + p);
      const xs = PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)));
      const v = PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)));
      const value = (t: number) => {
        const args = xs.map((x, i) => upload(f32, x.map((xv, j) => xv + t * v[i][j]), PROGRAM_INPUTS[i]));
        const r = take(e, jit(loss, e)(...args))[0][0];
        args.forEach((a) => e.backend.dispose(a));
        return r;
      };
      const args = xs.map((x, i) => upload(f32, x, PROGRAM_INPUTS[i]));
      const gs = take(e, jit(grad(loss, { argnums: [0, 1, 2] }), e)(...args));
      args.forEach((a) => e.backend.dispose(a));
      const analytic = gs.reduce((s, g, i) => s + g.reduce((t, gv, j) => t + gv * v[i][j], 0), 0);
      const eps = 1e-2;
      const numeric = (value(eps) - value(-eps)) / (2 * eps);
      assert.ok(Math.abs(analytic - numeric) <= 2e-2 * Math.max(1, Math.abs(numeric)),
        `program ${2000 + p}: <grad, v> = ${analytic}, central differences ${numeric}`);
    }
  });
});
