import * as assert from 'node:assert/strict';
import { evaluated, requestFor } from './support';

/**
 * Issue 11.10: the graph named constants by the jaxpr's letters (`a`, `b`, `c`, one of them
 * reading as the parameter `b`) and the gradient's outputs `out 0`, `out 1`.
 */
describe('evaluation: graph nodes named for what they are', () => {
  const TEXT = [
    'import jax.numpy as jnp',
    '',
    'features = jnp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])',
    'targets = jnp.array([1.0, 0.0, 1.0])',
    '',
    'def loss(w, b):',
    '    return jnp.mean((features @ w + b - targets) ** 2)',
    '',
    'loss(jnp.array([0.1, -0.2]), 0.5)',
    '',
  ].join('\n');

  it("labels constants by the global names they were read from, and the gradient's output ∂loss/∂w (jax.grad's first argument)", async () => {
    const r = await evaluated(requestFor('file:///w/fit.py', TEXT, 'loss', { graphs: true, engines: 'jit' }));
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    assert.deepEqual(forward.nodes.filter((n) => n.kind === 'const').map((n) => n.label).sort(), ['features', 'targets']);
    assert.deepEqual(forward.nodes.filter((n) => n.kind === 'input').map((n) => n.label), ['w', 'b']);
    const gradient = r.graphs!.find((g) => g.kind === 'gradient')!;
    assert.deepEqual(gradient.nodes.filter((n) => n.kind === 'output').map((n) => n.label), ['∂loss/∂w']);
    assert.ok(gradient.nodes.filter((n) => n.kind === 'const').every((n) => ['features', 'targets'].includes(n.label)));
    for (const g of [forward, gradient]) assert.ok(!g.nodes.some((n) => n.kind !== 'input' && ['w', 'b'].includes(n.label)), 'a node other than an input reads as a parameter');
  });

  it('names a torch function\'s captured tensors the same way (the jit engine traces torch code too)', async () => {
    const text = [
      'import torch',
      'features = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])',
      'targets = torch.tensor([1.0, 0.0, 1.0])',
      '',
      'def loss(w, b):',
      '    p = torch.sigmoid(features @ w + b)',
      '    return ((p - targets) ** 2).mean()',
      '',
      'loss(torch.tensor([0.1, -0.2], requires_grad=True), torch.tensor(0.3, requires_grad=True))',
      '',
    ].join('\n');
    const r = await evaluated(requestFor('file:///w/fit_torch.py', text, 'loss', { graphs: true }));
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    assert.deepEqual(forward.nodes.filter((n) => n.kind === 'const').map((n) => n.label).sort(), ['features', 'targets']);
    const gradient = r.graphs!.find((g) => g.kind === 'gradient')!;
    assert.deepEqual(gradient.nodes.filter((n) => n.kind === 'output').map((n) => n.label), ['∂loss/∂w', '∂loss/∂b']);
  });
});
