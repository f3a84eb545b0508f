import * as assert from 'node:assert/strict';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { aval, type DType } from '../../../runtime/core';
import { makeJaxpr, type TraceOps, type Tracer } from '../../../runtime/jit';
import { compile } from '../../../runtime/jit/compile';

/**
 * torch.sigmoid as PyTorch 1.13 computes it, 1 / (1 + exp(-x)) in the tensor's dtype, is exactly
 * 0 where exp(-x) overflows; every kernel (eager on each backend, the jit's JS, wasm and
 * interpreted kernels) gives PyTorch's values. Recorded with
 * `torch.sigmoid(torch.tensor(X, dtype=D)).tolist()`.
 */
const X32 = [-88.72283935546875, -88.72283172607422, -88.0, -87.5, -100.0, -103.0, 100.0, 0.0];
const TORCH32 = [0.0, 2.938758297831148e-39, 6.054601485195952e-39, 9.982351397596697e-39, 0.0, 0.0, 1.0, 0.5];
const X64 = [...X32, -709.782712893384, -709.7827128933841, -745.0];
const TORCH64 = [
  2.938735160604488e-39, 2.93875758145998e-39, 6.054601895401186e-39, 9.982350930569248e-39, 3.7200759760208356e-44,
  1.8521167695179754e-45, 1.0, 0.5, 5.562684646268137e-309, 0.0, 0.0,
];

/** Within `ulps` float32 ulps (PyTorch's Sleef exp is not correctly rounded), and 0 exactly where PyTorch's is 0. */
function assertTorch(got: readonly number[], want: readonly number[], dtype: DType, what: string): void {
  want.forEach((w, i) => {
    const tol = dtype === 'float32' ? 3 * Math.max(2 ** -149, Math.abs(w) * 2 ** -23) : Math.abs(w) * 1e-15;
    assert.ok(w === 0 ? Object.is(got[i], 0) : Math.abs(got[i] - w) <= tol, `${what}: sigmoid(${(dtype === 'float32' ? X32 : X64)[i]}) is ${got[i]}, PyTorch ${w}`);
  });
}

describe('numerics: sigmoid is 0 where PyTorch\'s 1 / (1 + exp(-x)) overflows, on every kernel', () => {
  const backends: [string, () => Promise<Backend>][] = [
    ['reference', async () => createReferenceBackend()],
    ['wasm', () => createTfjsBackend('wasm')],
    ['cpu', () => createTfjsBackend('cpu')],
  ];
  for (const [name, open] of backends) {
    for (const [dtype, xs, want] of [['float32', X32, TORCH32], ['float64', X64, TORCH64]] as const) {
      it(`${name}: eager and every jit codegen, ${dtype}`, async () => {
        const backend = await open();
        const av = aval([xs.length], dtype);
        const x = backend.upload(xs, av);
        const eager = backend.run('logistic', [x], {}, av);
        assertTorch(Array.from(backend.readSync(eager)), want, dtype, `${name} eager`);
        const jaxpr = makeJaxpr((o: TraceOps, a: Tracer) => o.logistic(o.mul(a, o.lit(1, dtype))), [av]);
        for (const codegen of ['js', 'wasm', 'interpret'] as const) {
          const [out] = compile(jaxpr, backend, { codegen }).run([x]);
          assertTorch(Array.from(backend.readSync(out)), want, dtype, `${name} jit ${codegen}`);
          backend.dispose(out);
        }
        backend.dispose(eager);
        backend.dispose(x);
      });
    }
  }
});
