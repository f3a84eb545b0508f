import * as assert from 'node:assert/strict';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine, exportTape, TorchOps } from '../../../runtime/eager';

const EVALUATIONS = 10_000;

function leakCheck(makeBackend: () => Promise<Backend> | Backend): void {
  it(`${EVALUATIONS} evaluations with backward leave the live tensor count unchanged`, async () => {
    const backend = await makeBackend();
    const engine = new EagerEngine(backend);
    const torch = new TorchOps(engine);
    const x = engine.fromValues([0.5, -1, 2], [3], 'float32').requiresGrad_();
    const evaluate = (): number => engine.tidy(() => {
      const y = torch.sum(torch.add(torch.add(torch.pow(x, 2), torch.mul(3, x)), 5));
      y.backward();
      return y.item();
    });
    evaluate();
    const before = backend.liveCount();
    for (let i = 0; i < EVALUATIONS; i++) evaluate();
    assert.equal(backend.liveCount(), before);
    assert.equal(x.grad?.dataSync()[0], (2 * 0.5 + 3) * (EVALUATIONS + 1));
  });

  it('a graph that is never walked is freed with its result', async () => {
    const backend = await makeBackend();
    const engine = new EagerEngine(backend);
    const torch = new TorchOps(engine);
    const x = engine.fromValues([1, 2], [2], 'float32').requiresGrad_();
    const before = backend.liveCount();
    for (let i = 0; i < 1000; i++) engine.tidy(() => torch.softmax(torch.mul(torch.unary('exp', x), x), 0).item !== undefined);
    assert.equal(backend.liveCount(), before);
  });
}

describe('eager engine memory', () => {
  describe('reference backend', () => leakCheck(createReferenceBackend));
  describe('wasm backend', () => leakCheck(() => createTfjsBackend('wasm')));
});

describe('eager engine: deep tapes', () => {
  it('backward, export and free a 50,000-op chain without overflowing the stack', () => {
    const backend = createReferenceBackend();
    const engine = new EagerEngine(backend);
    const torch = new TorchOps(engine);
    const x = engine.scalar(1, 'float64').requiresGrad_();
    const before = backend.liveCount();
    engine.tidy(() => {
      let y = x;
      for (let i = 0; i < 50_000; i++) y = torch.mul(y, 1.0000001);
      assert.equal(exportTape([y]).nodes.length, 50_001);
      y.backward();
    });
    assert.ok(Math.abs((x.grad?.item() ?? 0) - Math.pow(1.0000001, 50_000)) < 1e-9);
    x.grad?.dispose();
    x.setGrad(null);
    assert.equal(backend.liveCount(), before);
  });
});

describe('eager engine: failures', () => {
  it('a tidy whose function throws frees what it made', () => {
    const backend = createReferenceBackend();
    const engine = new EagerEngine(backend);
    const torch = new TorchOps(engine);
    const x = engine.fromValues([1, 2, 3], [3], 'float32').requiresGrad_();
    const before = backend.liveCount();
    assert.throws(() => engine.tidy(() => {
      const y = torch.sum(torch.mul(x, x));
      y.backward();
      y.backward();
    }), /backward through the graph a second time/);
    x.setGrad(null);
    assert.equal(backend.liveCount(), before);
  });
});
