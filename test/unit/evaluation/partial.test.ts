import * as assert from 'node:assert/strict';
import type { EvaluationError, GraphView } from '../../../protocol/results';
import { failed, requestFor } from './support';

const TORCH = `import torch

def f(x):
    h = x * 2.0
    w = torch.ones(4)
    y = h + w
    return y.sum()

f(torch.ones(2, 3))
`;

const JAX = `import jax.numpy as jnp

def f(x):
    h = jnp.sin(x) * 2.0
    w = jnp.ones((2, 4))
    y = h + w
    return y.sum()

f(jnp.ones((2, 3)))
`;

function failedNode(g: GraphView) {
  const node = g.nodes.find((n) => n.failed);
  assert.ok(node, `no failed node in ${JSON.stringify(g.nodes.map((n) => n.label))}`);
  return node;
}

/** The labels of the nodes with an edge into `id`, in edge order. */
function feeding(g: GraphView, id: string): string[] {
  return g.edges.filter((e) => e.to === id).map((e) => g.nodes.find((n) => n.id === e.from)!.label);
}

function assigned(error: EvaluationError, name: string) {
  return error.assignments?.find((a) => a.name === name);
}

describe('evaluation: what ran before a shape error is shown with it', () => {
  it('torch: PyTorch\'s words at the line, the operands\' types, the values assigned before it, the tape up to the failing op', async () => {
    const error = await failed(requestFor('shape.py', TORCH, 'f', { graphs: true }));
    assert.match(error.message, /shape\.py:6:9: error: RuntimeError: The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1$/);
    assert.deepEqual(error.operands, [{ text: 'h', type: 'f32[2,3]' }, { text: 'w', type: 'f32[4]' }]);
    assert.deepEqual(assigned(error, 'h')?.value, { type: 'f32[2,3]', values: [[2, 2, 2], [2, 2, 2]] });
    assert.deepEqual(assigned(error, 'w')?.value, { type: 'f32[4]', values: [1, 1, 1, 1] });
    assert.equal(assigned(error, 'y'), undefined);
    const [tape] = error.graphs ?? [];
    assert.equal(tape?.kind, 'tape');
    const node = failedNode(tape);
    assert.equal(node.label, '+');
    assert.deepEqual(node.range, { line: 6, col: 9, endLine: 6, endCol: 14 });
    // h's MulBackward0 (from the leaf x) and the constant w feed it.
    assert.deepEqual(feeding(tape, node.id), ['MulBackward0', 'w']);
    assert.deepEqual(feeding(tape, tape.nodes.find((n) => n.label === 'MulBackward0')!.id), ['x']);
  });

  it('torch: a matmul that does not fit names its operands as the line writes them', async () => {
    const text = 'import torch\n\ndef f(x, w):\n    h = torch.tanh(x)\n    return (h @ w.T).sum()\n\nf(torch.ones(2, 3), torch.ones(3, 5))\n';
    const error = await failed(requestFor('mm.py', text, 'f', { graphs: true }));
    assert.match(error.message, /mm\.py:5:13: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied \(2x3 and 5x3\)$/);
    assert.deepEqual(error.operands, [{ text: 'h', type: 'f32[2,3]' }, { text: 'w.T', type: 'f32[5,3]' }]);
    const [tape] = error.graphs ?? [];
    assert.deepEqual(feeding(tape, failedNode(tape).id), ['TanhBackward0', 'PermuteBackward0']);
  });

  it('jax: JAX\'s words, the operands, the concrete call\'s values before the line, the jaxpr traced up to the failing op', async () => {
    const error = await failed(requestFor('shape.py', JAX, 'f', { graphs: true }));
    assert.match(error.message, /shape\.py:6:9: error: TypeError: add got incompatible shapes for broadcasting: \(2, 3\), \(2, 4\)\.$/);
    assert.deepEqual(error.operands, [{ text: 'h', type: 'f32[2,3]' }, { text: 'w', type: 'f32[2,4]' }]);
    assert.equal(assigned(error, 'h')?.value.type, 'f32[2,3]');
    assert.ok(Math.abs((assigned(error, 'h')?.value.values as number[][])[0][0] - 2 * Math.sin(1)) < 1e-6);
    assert.equal(assigned(error, 'w')?.value.type, 'f32[2,4]');
    const [forward] = error.graphs ?? [];
    assert.equal(forward?.kind, 'forward');
    const node = failedNode(forward);
    assert.equal(node.label, '+');
    // NB: jnp.ones under a trace is an equation, as in JAX's jaxpr.
    assert.deepEqual(feeding(forward, node.id), ['mul 2.0', 'broadcast_in_dim 1.0']);
    assert.deepEqual(forward.nodes.filter((n) => n.kind === 'op' && !n.failed).map((n) => n.label), ['sin', 'mul 2.0', 'broadcast_in_dim 1.0']);
  });

  it('an op on plain Python values that raises names no operands (they are no shapes)', async () => {
    const text = 'import torch\n\ndef f(x):\n    n = int("three")\n    return x * n\n\nf(torch.tensor(2.0))\n';
    const error = await failed(requestFor('int.py', text, 'f', { graphs: true }));
    assert.match(error.message, /int\.py:4:9: error: ValueError: invalid literal for int\(\) with base 10: 'three'$/);
    assert.equal(error.operands, undefined);
  });

  it('without graphs asked for (the language server), the operands and values still come', async () => {
    const error = await failed(requestFor('shape.py', TORCH, 'f'));
    assert.equal(error.graphs, undefined);
    assert.equal(error.operands?.length, 2);
    assert.ok(assigned(error, 'h'));
  });
});
