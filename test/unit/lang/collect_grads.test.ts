import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: `p.grad = None` and `zero_grad(set_to_none=True)` kept the gradient they replaced until
 * the run ended (two tensors a step for nn.Linear), as W4 found. The gradient goes as it is
 * replaced, unless a name still holds it (`kept = model.weight.grad`), which then keeps it. Each
 * loop counts the backend's live arrays after its first step and its last: 0 is flat. Losses as
 * PyTorch 1.13 prints them.
 */
describe('lang: a gradient replaced by None is freed at once (issue 12)', () => {
  it('10 steps of a manual update that sets p.grad = None, and of SGD with zero_grad(set_to_none=True), hold as many tensors as 1 (were 2 a step); a gradient a name holds stays', () => {
    const src = [
      'import torch, probe',
      'from torch import nn',
      'import torch.nn.functional as F',
      'torch.manual_seed(0)',
      'x = torch.randn(32, 4)',
      'y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1',
      'model = nn.Linear(4, 1)',
      'def manual_step(lr):',
      '    loss = F.mse_loss(model(x), y)',
      '    loss.backward()',
      '    with torch.no_grad():',
      '        for p in model.parameters():',
      '            p -= lr * p.grad',
      '            p.grad = None',
      '    return loss.item()',
      'opt = torch.optim.SGD(model.parameters(), lr=0.05)',
      'def optimizer_step():',
      '    opt.zero_grad(set_to_none=True)',
      '    loss = F.mse_loss(model(x), y)',
      '    loss.backward()',
      '    opt.step()',
      '    return loss.item()',
      'for step in [lambda: manual_step(0.05), optimizer_step]:',
      '    step()',
      '    first = probe.live()',
      '    for i in range(10):',
      '        loss = step()',
      '    print(probe.live() - first, round(loss, 5))',
      'kept = model.weight.grad',
      'model.zero_grad(set_to_none=True)',
      'print(model.weight.grad, kept.shape, round(kept.sum().item(), 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 1.38127\n0 0.22735\nNone torch.Size([1, 4]) -0.8977\n');
  });
});
