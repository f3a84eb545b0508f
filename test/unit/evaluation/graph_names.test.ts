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

describe('evaluation: control-flow primitives in the graph hold their bodies (issue 16)', () => {
  const TEXT = [
    'import jax.numpy as jnp',
    'from jax import lax',
    '',
    'def decay(x):',
    '    def step(c, e):',
    '        c = 0.9 * c + e',
    '        return c, lax.cond(c > 0, lambda u: u * u, lambda u: -u, c)',
    '    total, ys = lax.scan(step, 0.0, x)',
    '    return total + jnp.sum(ys)',
    '',
    'decay(jnp.array([1.0, -2.0, 0.5]))',
    '',
  ].join('\n');

  it("draws scan's body and the cond's branches nested in it as groups naming their equation's node, fed by what feeds it", async () => {
    const r = await evaluated(requestFor('file:///w/decay.py', TEXT, 'decay', { graphs: true, engines: 'jit' }));
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    const label = new Map(forward.nodes.map((n) => [n.id, n.label]));
    const scan = forward.nodes.find((n) => n.label.startsWith('scan'))!;
    const bodies = forward.groups.filter((g) => g.call !== undefined);
    assert.deepEqual(bodies.map((g) => [g.label, label.get(g.call!)!.split(' ')[0]]), [
      ['cond branch 0', 'cond'], ['cond branch 1', 'cond'], ['scan jaxpr', 'scan'],
    ], 'the nested bodies come before the body that holds them');
    const body = bodies.find((g) => g.label === 'scan jaxpr')!;
    assert.equal(body.call, scan.id);
    // 0.9 * c + e, the cond's predicate and index, the cond, and both branches' ops, nested.
    assert.deepEqual(body.nodes.map((id) => label.get(id)).sort(),
      ['add', 'cond', 'convert_element_type', 'gt 0.0', 'mul', 'mul 0.9', 'neg'].sort());
    const [branch0, branch1] = bodies;
    assert.deepEqual([branch0.nodes.map((id) => label.get(id)), branch1.nodes.map((id) => label.get(id))], [['neg'], ['mul']]);
    assert.ok(branch0.nodes.every((id) => body.nodes.includes(id)));
    // The input x feeds the body's add (scan's xs), and the body's outputs feed the scan node.
    const input = forward.nodes.find((n) => n.kind === 'input')!;
    const add = body.nodes.find((id) => label.get(id) === 'add')!;
    assert.ok(forward.edges.some((e) => e.from === input.id && e.to === add), 'x does not feed the body');
    assert.ok(forward.edges.some((e) => e.from === add && e.to === scan.id), 'the carry does not feed the scan node');
    const ids = forward.nodes.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'node ids are unique');
    assert.ok(forward.edges.every((e) => ids.includes(e.from) && ids.includes(e.to)));
  });
});
