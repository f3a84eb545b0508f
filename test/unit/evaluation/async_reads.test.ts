import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluate } from '../../../evaluation/evaluate';
import { profile } from '../../../evaluation/profiled_backend';
import { createReferenceBackend, type Backend } from '../../../runtime/backends';
import { requestFor } from './support';

/**
 * On webgpu a synchronous read of a computed array (tfjs-webgpu's readSync) goes through canvas
 * textures and loses SwiftShader's device: the first evaluation in the panel then read 0 for the
 * torch seed's value and gradient, and every later one ran on wasm. An evaluation reads its
 * results asynchronously; here a backend whose readSync refuses what its kernels computed proves it.
 */
function asyncOnly(asWebgpu = false): Backend {
  const inner: Backend = createReferenceBackend();
  const computed = new WeakSet<object>();
  const backend: Backend = Object.create(inner);
  // NB: the torch shim reads values on the host (PyTorch's sum order, its exp and log) unless the backend is webgpu.
  if (asWebgpu) Object.defineProperty(backend, 'name', { value: 'webgpu' });
  backend.run = (prim, inputs, params, out) => {
    const a = inner.run(prim, inputs, params, out);
    computed.add(a);
    return a;
  };
  backend.readSync = (x) => {
    if (computed.has(x)) throw new Error('a computed array was read synchronously');
    return inner.readSync(x);
  };
  return backend;
}

describe('evaluation: results are read back asynchronously, as webgpu needs', () => {
  const info = { name: 'reference' } as const;
  const SOURCES = {
    torch: readFileSync('examples/seed_torch.py', 'utf8'),
    jax: readFileSync('examples/seed_jax.py', 'utf8'),
  };
  for (const [style, text] of Object.entries(SOURCES)) {
    it(`${style} seed on both engines with graphs and plot: 15.0 and 7.0`, async () => {
      const outcome = await evaluate(requestFor(`seed_${style}.py`, text, 'f', { graphs: true }), profile(asyncOnly()), info);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.result.eager?.value, 15);
      assert.deepEqual(outcome.result.eager?.grad, { x: 7 });
      assert.equal(outcome.result.jit?.value, 15);
      assert.deepEqual(outcome.result.jit?.grad, { x: 7 });
      assert.equal(outcome.result.plot?.xs.length, 101);
    });
  }

  it('torch: each evaluation frees what it made, the script\'s own tensors (its inputs) included', async () => {
    const backend = createReferenceBackend();
    const profiler = profile(backend);
    const request = requestFor('seed_torch.py', SOURCES.torch, 'f', { graphs: true });
    for (let i = 0; i < 3; i++) assert.ok((await evaluate(request, profiler, info)).ok);
    assert.equal(backend.liveCount(), 0);
  });

  it('torch: the NaN is located without a synchronous read', async () => {
    const text = 'import torch\n\ndef f(x):\n    y = x * 2\n    return torch.log(y - 10)\n\nf(torch.tensor(2.0))\n';
    const outcome = await evaluate(requestFor('nan.py', text, 'f'), profile(asyncOnly(true)), info);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.nonFinite?.op, 'log');
    assert.equal(outcome.result.nonFinite?.range.line, 5);
  });
});
