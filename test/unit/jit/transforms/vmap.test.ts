import * as assert from 'node:assert/strict';
import type { DeviceArray } from '../../../../runtime/backends';
import { Random } from '../../../../runtime/core';
import { grad, jit, vmap, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { assertClose, engine, ENGINE_NAMES, take, upload, type Engine } from './helpers';

const MATVEC = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };
const VECDOT = { lhsContracting: [0], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };

/** Row-major host slice of `values` (shape `shape`) at index `i` of `axis`. */
function sliceAt(values: readonly number[], shape: readonly number[], axis: number, i: number): number[] {
  const out: number[] = [];
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) out.push(values[(o * shape[axis] + i) * inner + k]);
  return out;
}

/** Stacks per-example results (each of shape `shape`) along `axis`. */
function stackAt(parts: readonly number[][], shape: readonly number[], axis: number): number[] {
  const full = [...shape.slice(0, axis), parts.length, ...shape.slice(axis)];
  const out = new Array<number>(parts.length * parts[0].length);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis).reduce((a, b) => a * b, 1);
  parts.forEach((p, i) => {
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) out[(o * full[axis] + i) * inner + k] = p[o * inner + k];
  });
  return out;
}

const tol = (e: Engine) => (e.name === 'reference' ? 1e-12 : 1e-5);

// Per example: tanh(W x + b) and the sum of x, with W and b shared.
const layer = (o: TraceOps, x: Tracer, W: Tracer, b: Tracer) => {
  const h = o.tanh(o.add(o.dotGeneral(W, x, MATVEC), b));
  return [h, o.reduceSum(x, [0])];
};

// Logistic-regression loss of one example: log(1 + exp(-y' w.x)) written with logistic, y in {0,1}.
const logistic = (o: TraceOps, w: Tracer, x: Tracer, y: Tracer) => {
  const p = o.logistic(o.dotGeneral(w, x, VECDOT));
  const one = o.scalarLike(1, p);
  return o.neg(o.add(o.mul(y, o.log(p)), o.mul(o.sub(one, y), o.log(o.sub(one, p)))));
};

describe('jit transforms: vmap', () => {
  for (const name of ENGINE_NAMES) {
    for (const [xAxis, outAxis] of [[0, 0], [1, 0], [0, 1], [-1, -1]] as const) {
      it(`matches a per-example loop, inAxes [${xAxis}, null, null], outAxes [${outAxis}, 0] (${name})`, async () => {
        const e = await engine(name);
        const before = e.backend.liveCount();
        const rng = new Random(3);
        const B = 4, N = 3, M = 2;
        const xShape = xAxis === 0 ? [B, N] : [N, B];
        const xs = rng.normals(B * N), Ws = rng.normals(M * N), bs = rng.normals(M);
        const [X, W, b] = [upload(e, xs, xShape), upload(e, Ws, [M, N]), upload(e, bs, [M])];
        const f = vmap(layer, { inAxes: [xAxis, null, null], outAxes: [outAxis, 0] });
        const [h, s] = take(e, jit(f, e)(X, W, b));
        const perExample = Array.from({ length: B }, (_, i) => {
          const xi = upload(e, sliceAt(xs, xShape, xAxis < 0 ? 1 : xAxis, i), [N]);
          const r = take(e, jit(layer, e)(xi, W, b));
          e.backend.dispose(xi);
          return r;
        });
        assertClose(h, stackAt(perExample.map((r) => r[0]), [M], outAxis < 0 ? 1 : outAxis), tol(e), 'h');
        assertClose(s, perExample.map((r) => r[1][0]), tol(e), 'sum');
        [X, W, b].forEach((a) => e.backend.dispose(a));
        assert.equal(e.backend.liveCount(), before);
      });
    }

    it(`takes pytree arguments with a dict prefix of in_axes, and vmap of vmap (${name})`, async () => {
      const e = await engine(name);
      const f = (o: TraceOps, p: { a: Tracer; c: Tracer }) => ({ out: o.mul(p.a, p.c) });
      const a = upload(e, [1, 2, 3, 4, 5, 6], [2, 3]);
      const c = upload(e, [10, 20, 30], [3]);
      const [out] = take(e, jit(vmap(f, { inAxes: [{ a: 0, c: null }] }), e)({ a, c }));
      assert.deepEqual(out, [10, 40, 90, 40, 100, 180]);
      const outer = vmap(vmap((o: TraceOps, x: Tracer, y: Tracer) => o.mul(x, y), { inAxes: [0, null] }), { inAxes: [null, 0] });
      // outer[i][j] = c[j] * a'[i] with a' = [1,2]: the inner maps over c, the outer over a's rows.
      const r = upload(e, [1, 2], [2]);
      assert.deepEqual(take(e, jit(outer, e)(c, r))[0], [10, 20, 30, 20, 40, 60]);
      [a, c, r].forEach((x) => e.backend.dispose(x));
    });

    it(`vmap(grad(loss), inAxes [null, 0, 0]) gives per-example logistic-regression gradients (${name})`, async () => {
      const e = await engine(name);
      const rng = new Random(11);
      const B = 5, D = 3;
      const ws = rng.normals(D), xs = rng.normals(B * D), ys = [1, 0, 1, 1, 0];
      const [w, X, Y] = [upload(e, ws, [D]), upload(e, xs, [B, D]), upload(e, ys, [B])];
      const perExample = take(e, jit(vmap(grad(logistic), { inAxes: [null, 0, 0] }), e)(w, X, Y))[0];
      const sigma = (z: number) => 1 / (1 + Math.exp(-z));
      // d/dw of the loss is (sigma(w.x) - y) x.
      const expected = Array.from({ length: B }, (_, i) => {
        const x = xs.slice(i * D, i * D + D);
        const r = sigma(x.reduce((s, v, k) => s + v * ws[k], 0)) - ys[i];
        return x.map((v) => r * v);
      }).flat();
      assertClose(perExample, expected, e.name === 'reference' ? 1e-12 : 1e-5, 'per-example grads');
      // grad of the vmapped sum is the sum of the per-example gradients.
      const total = (o: TraceOps, w: Tracer, X: Tracer, Y: Tracer) =>
        o.reduceSum(vmap(logistic, { inAxes: [null, 0, 0] })(o, w, X, Y) as Tracer, [0]);
      const g = take(e, jit(grad(total), e)(w, X, Y))[0];
      assertClose(g, Array.from({ length: D }, (_, k) => expected.filter((_, j) => j % D === k).reduce((s, v) => s + v, 0)), tol(e) * 10, 'grad of sum');
      [w, X, Y].forEach((x: DeviceArray) => e.backend.dispose(x));
    });
  }
});
