import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine, exportTape, type Tensor } from '../../../runtime/eager';
import { pyFunction } from '../../../lang/python/interpreter/values/host';
import { run } from '../../../lang/python/run';
import { createModule } from '../../../lang/python/interpreter/module_shims';
import { PyTensor, runTorch, torchModules } from '../../../lang/python/torch';
import { liveProbe } from '../lang/live_probe';

/** How the shim meets the engine: spans on tape nodes, tensor identity, grad mode, freeing. */
describe('torch shim: bridge to the eager engine', () => {
  /** Runs a script with a `probe.keep(t)` that hands a tensor back to the test. */
  const probe = (engine: EagerEngine, source: string) => {
    const kept: PyTensor[] = [];
    const modules = {
      ...torchModules(engine),
      probe: { create: () => createModule('probe', { keep: pyFunction('keep', (args) => (kept.push(args[0] as PyTensor), null)) }) },
    };
    const r = run(source, { file: 'f.py', modules });
    return { r, kept };
  };

  it('tape nodes carry the source line and column of the op that made them', () => {
    const engine = new EagerEngine(createReferenceBackend());
    engine.tidy(() => {
      const { r, kept } = probe(engine, 'import torch, probe\nx = torch.tensor(2.0, requires_grad=True)\ny = x * 3\nz = torch.sin(y) + 1\nprobe.keep(z)\n');
      assert.equal(r.error, null);
      const z = kept[0].t;
      assert.deepEqual({ ...z.gradFn?.span }, { file: 'f.py', line: 4, column: 5, endLine: 4, endColumn: 21 });
      const graph = exportTape([z]);
      const lines = graph.nodes.map((n) => `${n.name}@${n.span?.line ?? '-'}`).sort();
      assert.ok(lines.includes('MulBackward0@3') && lines.includes('SinBackward0@4'), lines.join(' '));
      return null;
    });
  });

  it('one Python object per tensor: x.grad is x.grad, and in-place ops keep identity', () => {
    const engine = new EagerEngine(createReferenceBackend());
    const r = runTorch('import torch\nx = torch.ones(2, requires_grad=True)\n(x * 2).sum().backward()\ng = x.grad\nprint(g is x.grad)\nh = x.detach()\nk = h\nh += 1\nprint(h is k, h is x.detach(), h)\n', engine);
    assert.equal(r.output, 'True\nTrue False tensor([2., 2.])\n');
  });

  it('grad mode is restored after a script that leaves it off or fails inside no_grad', () => {
    const engine = new EagerEngine(createReferenceBackend());
    runTorch('import torch\ntorch.set_grad_enabled(False)\n', engine);
    assert.equal(engine.gradEnabled, true);
    const r = runTorch('import torch\nwith torch.no_grad():\n    torch.ones(2) + torch.ones(3)\n', engine);
    assert.ok(r.error);
    assert.equal(engine.gradEnabled, true);
  });

  it('the tensors a script makes are freed when runTorch returns, its gradients and tapes too', () => {
    const backend = createReferenceBackend();
    const engine = new EagerEngine(backend);
    const before = backend.liveCount();
    const r = runTorch('import torch\nw = torch.randn(3, 3, requires_grad=True)\nfor i in range(5):\n    loss = (w @ w).sum()\n    loss.backward()\nprint(w.grad.shape)\n', engine);
    assert.equal(r.output, 'torch.Size([3, 3])\n');
    assert.equal(backend.liveCount(), before);
  });

  it('an op frees its intermediates at once: only the tensors Python holds stay alive', () => {
    const { engine, modules } = liveProbe();
    const src = 'import torch, probe\nx = torch.ones(100)\na = probe.live()\nfor i in range(50):\n    y = torch.softmax(x * 2 + 1, 0)\nprint(probe.live() - a)\n';
    // y's earlier values are freed as y is rebound, x * 2 once + 1 used it up, x * 2 + 1 once softmax,
    // an op, did: only the last softmax stays, as in PyTorch.
    assert.equal(runTorch(src, engine, { modules }).output, '1\n', 'the last softmax');
  });

  it('torch.manual_seed makes rand and randn repeatable within Gradlens', () => {
    const engine = new EagerEngine(createReferenceBackend());
    const src = 'import torch\ntorch.manual_seed(7)\na = torch.randn(4)\ntorch.manual_seed(7)\nprint(torch.equal(a, torch.randn(4)), a.shape, torch.rand(3).min() >= 0)\n';
    assert.equal(runTorch(src, engine).output, 'True torch.Size([4]) tensor(True)\n');
  });

  it('the same registry serves successive runs, each with its own state', () => {
    const engine = new EagerEngine(createReferenceBackend());
    const modules = torchModules(engine);
    const tensors: Tensor[] = [];
    for (let i = 0; i < 2; i++) {
      const r = engine.tidy(() => run('import torch\nprint(torch.arange(3) * 2)\n', { modules }));
      assert.equal(r.output, 'tensor([0, 2, 4])\n');
    }
    assert.equal(tensors.length, 0);
  });
});
