import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: what a generator yielded escaped, so it stayed until the run ended (sum of a generator
 * expression, a d2l data iterator's batches, next(it), list(g)), and a generator function's locals
 * stayed after it finished. A generator now hands what it yields to what draws from it: a `for`
 * loop's or a comprehension's target, and sum, list, next, min, max count it or use it up
 * (collect_dicts_iterators.test.ts: dict, set and iterators such as zip); its locals go when it
 * finishes. Each loop counts the backend's live arrays after its first round and its last: 0 is
 * flat. The numbers are what PyTorch 1.13 prints for the same program;
 * test/fixtures/torch/generators_reachable.py checks that what still reaches a yielded value keeps it.
 */
describe('lang: what generators yield goes with its last reference (issue 12)', () => {
  it('30 steps of a loss with an L2 penalty sum((p ** 2).sum() for p in model.parameters()) hold as many tensors as 1 (were 4 a step)', () => {
    const src = [
      'import torch, probe',
      'from torch import nn',
      'torch.manual_seed(0)',
      'X = torch.randn(32, 4)',
      'Y = X @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]])',
      'model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))',
      'opt = torch.optim.SGD(model.parameters(), lr=0.05)',
      'for step in range(30):',
      '    l2 = sum((p ** 2).sum() for p in model.parameters())',
      '    loss = nn.functional.mse_loss(model(X), Y) + 1e-3 * l2',
      '    opt.zero_grad()',
      '    loss.backward()',
      '    opt.step()',
      '    if step == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 0.5336\n');
  });

  it("6 epochs of d2l's linear regression from scratch, batches from its data_iter generator, hold as many tensors as 1 (were 21 an epoch)", () => {
    const src = [
      'import random',
      'import torch, probe',
      'def synthetic_data(w, b, num_examples):',
      '    X = torch.normal(0, 1, (num_examples, len(w)))',
      '    y = torch.matmul(X, w) + b',
      '    y += torch.normal(0, 0.01, y.shape)',
      '    return X, y.reshape((-1, 1))',
      'def data_iter(batch_size, features, labels):',
      '    num_examples = len(features)',
      '    indices = list(range(num_examples))',
      '    random.shuffle(indices)',
      '    for i in range(0, num_examples, batch_size):',
      '        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])',
      '        yield features[batch_indices], labels[batch_indices]',
      'def linreg(X, w, b):',
      '    return torch.matmul(X, w) + b',
      'def squared_loss(y_hat, y):',
      '    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2',
      'def sgd(params, lr, batch_size):',
      '    with torch.no_grad():',
      '        for param in params:',
      '            param -= lr * param.grad / batch_size',
      '            param.grad.zero_()',
      'torch.manual_seed(0)',
      'random.seed(0)',
      'true_w = torch.tensor([2, -3.4])',
      'true_b = 4.2',
      'features, labels = synthetic_data(true_w, true_b, 100)',
      'w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)',
      'b = torch.zeros(1, requires_grad=True)',
      'lr = 0.03',
      'for epoch in range(6):',
      '    for X, y in data_iter(10, features, labels):',
      '        l = squared_loss(linreg(X, w, b), y)',
      '        l.sum().backward()',
      '        sgd([w, b], lr, 10)',
      '    with torch.no_grad():',
      '        train_l = squared_loss(linreg(features, w, b), labels)',
      "        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):.5f}')",
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first)',
      '',
    ].join('\n');
    assert.equal(run(src), 'epoch 1, loss 8.62843\nepoch 2, loss 4.83101\nepoch 3, loss 2.73700\nepoch 4, loss 1.57376\nepoch 5, loss 0.91489\nepoch 6, loss 0.53922\n0\n');
  });

  it('20 rounds of next(it), a list comprehension and list(...) of a generator expression over a generator, and sum over a list literal hold as many tensors as 1 (were 19 a round)', () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'data = torch.randn(40, 3)',
      'def batches(x, size):',
      '    for i in range(0, len(x), size):',
      '        yield x[i:i + size] * 2',
      'for epoch in range(20):',
      '    it = batches(data, 8)',
      '    head = next(it)',
      '    means = list(x.mean(0) for x in it)',
      '    scales = [x.abs().max() for x in batches(data, 10)]',
      '    total = sum(m.sum() for m in [*means, head.mean(0)]) + sum(scales)',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(total.item(), 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 22.3064\n');
  });

  it('10 epochs over 1 MiB of features in 256 KiB batches from a generator fit a 4 MiB budget (the budget stopped the 2nd)', () => {
    const src = [
      'import torch',
      'def batches(features, size):',
      '    for i in range(0, len(features), size):',
      '        yield features[i:i + size] * 1.0',
      'features = torch.ones(4096, 64)',
      'w = torch.zeros(64, 1)',
      'for epoch in range(10):',
      '    for X in batches(features, 1024):',
      '        w = w + X.mean(0).reshape(64, 1) * 0.01',
      'print(epoch, round(w.sum().item(), 4))',
      '',
    ].join('\n');
    const r = runTorch(src, new EagerEngine(createReferenceBackend()), { file: 'x.py', budgets: { maxTensorBytes: 4 << 20, maxWallMs: 100_000 } });
    assert.equal(r.error === null ? r.output : r.output + formatError(r.error), '9 25.6\n');
  });
  it("a generator expression a function returns reads the function's locals after it returned, and they go as it finishes or is dropped (it raised 'this tensor was disposed')", () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'def batches(X, y, bs):',
      '    Xn = (X - X.mean(0)) / X.std(0)',
      '    n = Xn.shape[0]',
      '    return ((Xn[i:i + bs], y[i:i + bs]) for i in range(0, n, bs))',
      'X = torch.randn(12, 3)',
      'y = X.sum(1, keepdim=True)',
      'w = torch.zeros(3, 1, requires_grad=True)',
      'for epoch in range(6):',
      '    for xb, yb in batches(X, y, 4):',
      '        loss = ((xb @ w - yb) ** 2).mean()',
      '        loss.backward()',
      '        with torch.no_grad():',
      '            w -= 0.1 * w.grad',
      '            w.grad.zero_()',
      '    it = batches(X, y, 6)',
      '    head = next(it)',
      '    del it',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 4))',
      'print([round(v, 4) for v in w.flatten().tolist()])',
      '',
    ].join('\n');
    assert.equal(run(src), '0 0.0406\n[0.6483, 1.1449, 0.9303]\n');
  });
});
