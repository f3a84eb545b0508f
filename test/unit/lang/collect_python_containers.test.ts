import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: a list or tuple Python makes (a literal, a comprehension, `list(...)`, `sorted(...)`,
 * a slice), the iterators of zip, map and enumerate, and what a `for` loop iterates held their
 * tensors until the run ended; `sum` of tensors kept its partial sums. Each now holds them as a
 * name does, so they go with its last reference, as CPython's reference counts free them. Each
 * loop counts the backend's live arrays (`probe.live()`) after its first round and its last: 0
 * is flat. The trained values are what PyTorch 1.13 prints for the same program (JAX's: the
 * least-squares solution, w = [2, -1], b = 0.5). test/fixtures/torch/containers_reachable.py
 * checks that what a container still reaches keeps its values.
 */
describe('lang: lists, tuples, zip/map/enumerate and for loops hold their tensors only while they live (issue 12)', () => {
  const DATA = [
    't = torch.linspace(-1.0, 1.0, 16)',
    'X = torch.stack([t, t * t], dim=1)',
    'Y = 2.0 * t - t * t + 0.5',
    'w = torch.zeros(2, requires_grad=True)',
    'b = torch.zeros((), requires_grad=True)',
    'opt = torch.optim.SGD([w, b], lr=0.1)',
  ];

  it('100 epochs of minibatches made each epoch with list(zip(xs, ys)) and sorted(...) hold as many tensors as 1 (were 8 an epoch)', () => {
    const src = [
      'import torch, probe',
      ...DATA,
      'for epoch in range(100):',
      '    xs = [X[i:i + 4] * 1.0 for i in range(0, 16, 4)]',
      '    ys = [Y[i:i + 4] * 1.0 for i in range(0, 16, 4)]',
      '    batches = list(zip(xs, ys))',
      '    if epoch % 2:',
      '        batches = sorted(batches, key=lambda batch: batch[1].sum().item())',
      '    for x, y in batches:',
      '        loss = ((x @ w + b - y) ** 2).mean()',
      '        opt.zero_grad()',
      '        loss.backward()',
      '        opt.step()',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first)',
      'print([round(v, 4) for v in w.tolist()], round(b.item(), 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0\n[2.0, -0.9999] 0.4999\n');
  });

  it('200 steps of for i, (x, y) in enumerate(zip(...)) with losses = [a, b], sum(losses) and map over them hold as many tensors as 1 (were 14 a step)', () => {
    const src = [
      'import torch, probe',
      ...DATA,
      'history = []',
      'for step in range(200):',
      '    for i, (x, y) in enumerate(zip(X.reshape(4, 4, 2) * 1.0, Y.reshape(4, 4) * 1.0)):',
      '        pred = x @ w + b',
      '        losses = [((pred - y) ** 2).mean(), 0.001 * (w ** 2).sum()]',
      '        total = sum(losses)',
      '        opt.zero_grad()',
      '        total.backward()',
      '        opt.step()',
      '    history.append(list(map(lambda l: round(l.item(), 5), losses)))',
      '    if step == 0:',
      '        first = probe.live()',
      'print(probe.live() - first)',
      'print([round(v, 4) for v in w.tolist()], round(b.item(), 4), history[0], history[-1])',
      '',
    ].join('\n');
    assert.equal(run(src), '0\n[1.9948, -0.9926] 0.498 [1.84668, 0.00018] [0.0, 0.00497]\n');
  });

  it("500 steps of JAX's MLP update, params a list of (w, b) tuples rebuilt by a comprehension over zip(params, grads), hold as many arrays as 1 (were 4 a step)", () => {
    const src = [
      'import jax, probe',
      'import jax.numpy as jnp',
      't = jnp.linspace(-1.0, 1.0, 16)',
      'x = jnp.stack([t, t * t], axis=1)',
      'y = 2.0 * t - t * t + 0.5',
      'def init(sizes):',
      '    return [(jnp.zeros((m, n)) + 0.1, jnp.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]',
      'def predict(params, x):',
      '    for w, b in params[:-1]:',
      '        x = jnp.tanh(x @ w + b)',
      '    w, b = params[-1]',
      '    return (x @ w + b)[:, 0]',
      'def loss(params, x, y):',
      '    return jnp.mean((predict(params, x) - y) ** 2)',
      'params = init([2, 1])',
      'for i in range(500):',
      '    grads = jax.grad(loss)(params, x, y)',
      '    params = [(w - 0.1 * dw, b - 0.1 * db) for (w, b), (dw, db) in zip(params, grads)]',
      '    if i == 0:',
      '        first = probe.live()',
      'print(probe.live() - first)',
      'w, b = params[0]',
      'print([round(float(v), 3) for v in w[:, 0]], round(float(b[0]), 3))',
      '',
    ].join('\n');
    assert.equal(run(src), '0\n[2.0, -1.0] 0.5\n');
  });

  it('20 steps each holding 2 MiB in a list, a zip and a slice fit a 6 MiB budget (the budget stopped the 4th)', () => {
    const src = [
      'import torch',
      'for step in range(20):',
      '    pair = [torch.zeros(500, 1000), torch.ones(500)]',
      '    batch = list(zip(pair[:1], pair[1:]))',
      '    for x, y in batch:',
      '        pass',
      'print(x.shape, y.shape)',
      '',
    ].join('\n');
    const r = runTorch(src, new EagerEngine(createReferenceBackend()), { file: 'x.py', budgets: { maxTensorBytes: 6 << 20, maxWallMs: 50_000 } });
    assert.equal(r.error === null ? r.output : formatError(r.error), 'torch.Size([500, 1000]) torch.Size([500])\n');
  });
});
