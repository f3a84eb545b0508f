import * as assert from 'node:assert/strict';
import type { GraphScope, GraphView } from '../../../protocol/results';
import { evaluated, requestFor } from './support';

/** Each node as `label@scope/path` (labels of its scopes from the outermost). */
function scoped(g: GraphView): string[] {
  const byId = new Map((g.scopes ?? []).map((s) => [s.id, s]));
  const path = (id: string | undefined): string => {
    const chain: GraphScope[] = [];
    for (let s = id === undefined ? undefined : byId.get(id); s; s = s.parent === undefined ? undefined : byId.get(s.parent)) chain.unshift(s);
    return chain.map((s) => s.label).join('/');
  };
  return g.nodes.map((n) => `${n.label}@${path(n.scope)}`);
}

describe('evaluation: graphs grouped by module, named scope and function', () => {
  const TEXT = [
    'import torch',
    'import torch.nn as nn',
    '',
    'class MLP(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc1 = nn.Linear(2, 3)',
    '        self.fc2 = nn.Linear(3, 1)',
    '',
    '    def forward(self, x):',
    '        return self.fc2(torch.relu(self.fc1(x)))',
    '',
    'torch.manual_seed(0)',
    'model = MLP()',
    '',
    'def loss(x):',
    '    return model(x).pow(2).mean()',
    '',
    'loss(torch.ones(4, 2))',
    '',
  ].join('\n');

  it('the tape, the traced forward and its gradient of a torch model each list the module scopes, and place every op and parameter in its module', async () => {
    const r = await evaluated(requestFor('file:///w/mlp.py', TEXT, 'loss', { graphs: true }));
    const tape = r.graphs!.find((g) => g.kind === 'tape')!;
    assert.deepEqual(tape.scopes, [
      { id: 's0', label: 'MLP', kind: 'module' },
      { id: 's1', label: 'fc1 (Linear)', kind: 'module', parent: 's0' },
      { id: 's2', label: 'fc2 (Linear)', kind: 'module', parent: 's0' },
    ]);
    const nodes = scoped(tape);
    for (const n of ['fc1.weight@MLP/fc1 (Linear)', 'fc1.bias@MLP/fc1 (Linear)', 'AddmmBackward0@MLP/fc1 (Linear)', 'ReluBackward0@MLP', 'fc2.weight@MLP/fc2 (Linear)', 'MeanBackward0@', 'x@']) {
      assert.ok(nodes.includes(n), `${n} not in ${nodes.join(', ')}`);
    }
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    const fwd = scoped(forward);
    for (const n of ['dot_general@MLP/fc1 (Linear)', 'add@MLP/fc2 (Linear)', 'select@MLP', 'integer_pow@', 'x@']) assert.ok(fwd.includes(n), `${n} not in ${fwd.join(', ')}`);
    // The captured weights and biases are drawn inside the layer that uses them.
    const consts = forward.nodes.filter((n) => n.kind === 'const').map((n) => scoped({ ...forward, nodes: [n] })[0]);
    // NB: Linear's weight enters as its transpose, computed before the trace (a constant of its own, unnamed).
    assert.deepEqual(consts, ['const 0@MLP/fc1 (Linear)', 'model.fc1.bias@MLP/fc1 (Linear)', 'const 2@MLP', 'const 3@MLP/fc2 (Linear)', 'model.fc2.bias@MLP/fc2 (Linear)']);
    const gradient = r.graphs!.find((g) => g.kind === 'gradient')!;
    assert.deepEqual(gradient.scopes?.map((s) => s.label).sort(), ['MLP', 'fc1 (Linear)', 'fc2 (Linear)']);
    assert.ok(scoped(gradient).some((n) => n.startsWith('dot_general@MLP/fc1 (Linear)')), scoped(gradient).join(', '));
  });

  it('a jax function\'s graph: boxes for the functions it calls; a control-flow body\'s ops in the scope of its equation (the box opens from that node)', async () => {
    const text = [
      'import jax.numpy as jnp',
      'from jax import lax',
      '',
      'def cell(c, e):',
      '    return jnp.tanh(c + e)',
      '',
      'def step(c, e):',
      '    c = cell(c, e)',
      '    return c, c',
      '',
      'def rnn(c0, xs):',
      '    total, _ = lax.scan(step, c0, xs)',
      '    return total',
      '',
      'def f(c0, xs):',
      '    return rnn(c0, xs) ** 2',
      '',
      'f(0.5, jnp.array([0.5, -1.0]))',
      '',
    ].join('\n');
    const r = await evaluated(requestFor('file:///w/rnn.py', text, 'f', { graphs: true, engines: 'jit' }));
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    assert.deepEqual(forward.scopes, [{ id: 's0', label: 'rnn', kind: 'function' }]);
    assert.deepEqual(scoped(forward).filter((n) => !/^(c0|xs|out)@/.test(n)), ['scan@rnn', 'add@rnn', 'tanh@rnn', 'integer_pow@']);
  });

  it('a graph of code with no modules or scopes has none', async () => {
    const r = await evaluated(requestFor('file:///w/f.py', 'import torch\n\ndef f(x):\n    return (x * x).sum()\n\nf(torch.ones(3))\n', 'f', { graphs: true }));
    for (const g of r.graphs!) {
      assert.equal(g.scopes, undefined, g.kind);
      assert.ok(g.nodes.every((n) => n.scope === undefined), g.kind);
    }
  });
});
