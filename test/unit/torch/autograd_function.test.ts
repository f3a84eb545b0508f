import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine, exportTape } from '../../../runtime/eager';
import { pyFunction } from '../../../lang/python/interpreter/values/host';
import { run } from '../../../lang/python/run';
import { formatError } from '../../../lang/python/run';
import { createModule } from '../../../lang/python/interpreter/module_shims';
import { type PyTensor, runTorch, torchModules } from '../../../lang/python/torch';

const SQUARE = `import torch
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return BODY
`;

/** A custom torch.autograd.Function on the tape: the viewer's graph, errors at the line, memory. */
describe('torch shim: custom autograd.Function', () => {
  it('the exported tape draws the Function as one node named as PyTorch names it, between the ops around it', () => {
    const engine = new EagerEngine(createReferenceBackend());
    engine.tidy(() => {
      const kept: PyTensor[] = [];
      const modules = { ...torchModules(engine), probe: { create: () => createModule('probe', { keep: pyFunction('keep', (args) => (kept.push(args[0] as PyTensor), null)) }) } };
      const source = `${SQUARE.replace('BODY', '2 * x * g')}import probe\nw = torch.tensor([1.0, 2.0], requires_grad=True)\ny = Square.apply(w * 3).sum()\nprobe.keep(y)\n`;
      const r = run(source, { file: 'f.py', modules });
      assert.equal(r.error, null);
      const graph = exportTape([kept[0].t]);
      const byId = new Map(graph.nodes.map((n) => [n.id, n]));
      const square = graph.nodes.find((n) => n.name === 'SquareBackward');
      assert.ok(square, graph.nodes.map((n) => n.name).join(' '));
      assert.equal(square.kind, 'op');
      assert.equal(square.primitive, null);
      assert.equal(square.span?.line, 13);
      const into = graph.edges.filter((e) => e.to === square.id).map((e) => byId.get(e.from)?.name);
      const outOf = graph.edges.filter((e) => e.from === square.id).map((e) => byId.get(e.to)?.name);
      assert.deepEqual(into, ['MulBackward0']);
      assert.deepEqual(outOf, ['SumBackward0']);
      return null;
    });
  });

  it('an error inside the script\'s backward is reported at its line there; a wrong count at the backward() call', () => {
    const engine = new EagerEngine(createReferenceBackend());
    const call = 'w = torch.tensor([1.0, 2.0], requires_grad=True)\nSquare.apply(w).sum().backward()\n';
    const inside = runTorch(SQUARE.replace('BODY', 'g @ torch.ones(3)') + call, engine, { file: 'f.py' });
    assert.match(inside.error ? formatError(inside.error) : '', /^f\.py:10:16: error: RuntimeError: /);
    const count = runTorch(SQUARE.replace('BODY', 'g, g') + call, engine, { file: 'f.py' });
    assert.equal(count.error ? formatError(count.error) : null,
      'f.py:12:1: error: RuntimeError: function SquareBackward returned an incorrect number of gradients (expected 1, got 2)');
  });

  it('frees what the Function saved and made once the run ends, after a backward or without one', () => {
    const backend = createReferenceBackend();
    const live = backend.liveCount();
    for (const tail of ['y = Square.apply(w)\n', 'y = Square.apply(w * 2)\ny.sum().backward(retain_graph=True)\n', 'Square.apply(w).sum().backward()\n']) {
      const r = runTorch(`${SQUARE.replace('BODY', '2 * x * g')}w = torch.ones(4, requires_grad=True)\n${tail}`, new EagerEngine(backend));
      assert.equal(r.error, null);
      assert.equal(backend.liveCount(), live, tail);
    }
  });
});
