import * as assert from 'node:assert/strict';
import { createReferenceBackend, createTfjsBackend, type Backend, type DeviceArray } from '../../../runtime/backends';
import { aval, Random } from '../../../runtime/core';
import { evalJaxpr, foldConstants, makeJaxpr } from '../../../runtime/jit';
import { PROGRAM_INPUTS, randomProgram } from './programs';

const f32 = (...shape: number[]) => aval(shape, 'float32');
const RUNS = 1000;

/** A jaxpr with every kind of operand: literals, a device constant, a host constant, dead code, and outputs that alias. */
function mixedJaxpr(backend: Backend) {
  const w = backend.upload([0.5, -1, 2], f32(3));
  const j = foldConstants(makeJaxpr((o, x, y) => {
    const k = o.add(o.iota('float32', [3], 0), o.lit(1));
    o.exp(x);
    const z = o.add(o.mul(x, o.const(w)), o.mul(k, o.lit(2)));
    const s = o.reduceSum(o.tanh(o.mul(z, y)), [0]);
    return [s, z, z, x, o.lit(7)];
  }, [f32(3), f32(3)]));
  return { w, j };
}

describe('jit: evaluation frees every intermediate', () => {
  for (const name of ['reference', 'wasm'] as const) {
    it(`leaves liveCount unchanged over ${RUNS} evaluations (${name} backend)`, async () => {
      const backend: Backend<DeviceArray> = name === 'reference' ? createReferenceBackend() : await createTfjsBackend(name);
      const { w, j } = mixedJaxpr(backend);
      assert.equal(j.consts.filter((c) => c.kind === 'host').length, 1, 'folding made a host constant');
      const x = backend.upload([1, 2, 3], f32(3));
      const y = backend.upload([0.1, 0.2, 0.3], f32(3));
      const before = backend.liveCount();
      let first: number[][] | null = null;
      for (let i = 0; i < RUNS; i++) {
        const outs = evalJaxpr(j, backend, [x, y]);
        assert.equal(new Set(outs).size, outs.length, 'each output is its own array');
        assert.ok(!outs.includes(x), 'an output never aliases an argument');
        const values = outs.map((a) => Array.from(backend.readSync(a)));
        first ??= values;
        assert.deepEqual(values, first);
        outs.forEach((a) => backend.dispose(a));
        assert.equal(backend.liveCount(), before, `after evaluation ${i + 1}`);
      }
      assert.deepEqual(first![1], [2.5, 2, 12]);
      assert.deepEqual(first![4], [7]);
      [w, x, y].forEach((a) => backend.dispose(a));
      assert.equal(backend.liveCount(), before - 3);
    });
  }

  it('holds at most the live values of the program at once, not every intermediate', () => {
    const backend = createReferenceBackend();
    const j = makeJaxpr((o, x) => {
      let y = x;
      for (let i = 0; i < 200; i++) y = o.sin(o.add(y, o.lit(0.01)));
      return y;
    }, [f32(4)]);
    let peak = 0;
    const counting: Backend = {
      ...backend,
      run: (prim, inputs, params, out) => {
        const r = backend.run(prim, inputs as never, params, out);
        peak = Math.max(peak, backend.liveCount());
        return r;
      },
    };
    const x = backend.upload([0, 1, 2, 3], f32(4));
    const [out] = evalJaxpr(j, counting, [x]);
    // The argument, the literal being applied, one intermediate and the new result.
    assert.ok(peak <= 4, `peak live arrays ${peak}`);
    counting.dispose(out);
    backend.dispose(x);
    assert.equal(backend.liveCount(), 0);
  });

  it('random programs leave nothing behind', () => {
    const backend = createReferenceBackend();
    const rng = new Random(7);
    for (let p = 0; p < 50; p++) {
      const j = makeJaxpr((o, ...xs) => randomProgram(1000 + p, 10)(o, xs), PROGRAM_INPUTS.map((s) => f32(...s)));
      const xs = PROGRAM_INPUTS.map((s) => backend.upload(rng.normals(s.reduce((a, b) => a * b, 1)), f32(...s)));
      evalJaxpr(j, backend, xs).forEach((a) => backend.dispose(a));
      xs.forEach((a) => backend.dispose(a));
    }
    assert.equal(backend.liveCount(), 0);
  });
});
