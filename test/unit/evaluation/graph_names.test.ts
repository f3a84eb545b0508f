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

  it("labels constants 'const', never a letter that reads as a parameter, and the gradient's output ∂out/∂w (jax.grad's first argument)", async () => {
    const r = await evaluated(requestFor('file:///w/fit.py', TEXT, 'loss', { graphs: true, engines: 'jit' }));
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    const consts = forward.nodes.filter((n) => n.kind === 'const');
    assert.ok(consts.length >= 2, `${consts.length} constants`);
    assert.deepEqual(consts.map((n) => n.label), consts.map((_, i) => `const ${i}`));
    assert.deepEqual(forward.nodes.filter((n) => n.kind === 'input').map((n) => n.label), ['w', 'b']);
    const gradient = r.graphs!.find((g) => g.kind === 'gradient')!;
    assert.deepEqual(gradient.nodes.filter((n) => n.kind === 'output').map((n) => n.label), ['∂out/∂w']);
    for (const g of [forward, gradient]) assert.ok(!g.nodes.some((n) => n.kind !== 'input' && ['w', 'b'].includes(n.label)), 'a node other than an input reads as a parameter');
  });
});
