import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';
import { runWithLiveProbe as run } from '../lang/live_probe';

/**
 * Issue 12: an nn.Module call (`loss_fn(model(X), y)`, `self.linear_relu_stack(x)` in a forward)
 * let its arguments escape, so a temporary passed to one was kept until the run ended, and
 * nn.Sequential kept each layer's output. A Module call now lends its arguments to its forward
 * (they count as names while it runs, as CPython's frame holds them) and Sequential lends each
 * layer's output to the next, so they go with their last reference. Each loop counts the backend's
 * live arrays after its first step and its last: 0 is flat. Losses and weights are what PyTorch
 * 1.13 prints for the same program; test/fixtures/torch/modules_reachable.py checks that what a
 * forward keeps (an attribute, a list, a global, a closure) keeps its values.
 */
describe('torch: nn.Module calls and nn.Sequential hold their temporaries only while they live (issue 12)', () => {
  it("100 steps of PyTorch's polynomial fit with nn.Sequential(Linear, Flatten), MSELoss and RMSprop hold as many tensors as 1 (were 2 a step)", () => {
    const src = [
      'import math',
      'import torch, probe',
      'import torch.nn as nn',
      'torch.manual_seed(0)',
      'x = torch.linspace(-math.pi, math.pi, 200)',
      'y = torch.sin(x)',
      'p = torch.tensor([1, 2, 3])',
      'xx = x.unsqueeze(-1).pow(p)',
      'model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))',
      "loss_fn = nn.MSELoss(reduction='sum')",
      'optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)',
      'for t in range(100):',
      '    y_pred = model(xx)',
      '    loss = loss_fn(y_pred, y)',
      '    optimizer.zero_grad()',
      '    loss.backward()',
      '    optimizer.step()',
      '    if t == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 2))',
      'linear_layer = model[0]',
      "print(f'y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + {linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3')",
      '',
    ].join('\n');
    assert.equal(run(src), '0 2535.92\ny = -0.5354 + 0.1804 x + 0.1515 x^2 + -0.2909 x^3\n');
  });

  it("10 epochs of PyTorch's quickstart network (Flatten, then a Sequential of Linear and ReLU in a forward) with train and test loops hold as many tensors as 1 (were 38 an epoch)", () => {
    const src = [
      'import torch, probe',
      'from torch import nn',
      'torch.manual_seed(0)',
      'X = torch.randn(64, 2, 4)',
      'y = (X.sum(dim=(1, 2)) > 0).long()',
      'class NeuralNetwork(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.flatten = nn.Flatten()',
      '        self.linear_relu_stack = nn.Sequential(',
      '            nn.Linear(8, 16),',
      '            nn.ReLU(),',
      '            nn.Linear(16, 16),',
      '            nn.ReLU(),',
      '            nn.Linear(16, 2),',
      '        )',
      '    def forward(self, x):',
      '        x = self.flatten(x)',
      '        logits = self.linear_relu_stack(x)',
      '        return logits',
      'model = NeuralNetwork()',
      'loss_fn = nn.CrossEntropyLoss()',
      'optimizer = torch.optim.SGD(model.parameters(), lr=0.1)',
      'def train():',
      '    model.train()',
      '    for batch in range(4):',
      '        xb, yb = X[batch * 16:(batch + 1) * 16], y[batch * 16:(batch + 1) * 16]',
      '        pred = model(xb)',
      '        loss = loss_fn(pred, yb)',
      '        loss.backward()',
      '        optimizer.step()',
      '        optimizer.zero_grad()',
      '    return loss.item()',
      'def test():',
      '    model.eval()',
      '    with torch.no_grad():',
      '        pred = model(X)',
      '        return loss_fn(pred, y).item(), (pred.argmax(1) == y).type(torch.float).sum().item()',
      'for epoch in range(10):',
      '    last = train()',
      '    test_loss, correct = test()',
      '    if epoch == 0:',
      '        first = probe.live()',
      '    if epoch % 5 == 4:',
      '        print(epoch, round(last, 4), round(test_loss, 4), correct)',
      'print(probe.live() - first)',
      '',
    ].join('\n');
    assert.equal(run(src), '4 0.551 0.5698 53.0\n9 0.3634 0.4116 55.0\n0\n');
  });

  it('50 steps of a Sequential over a batch of sequences (3-D input) and one 1-D sample under no_grad, loss_fn(model(X), Y) with Adam, hold as many tensors as 1 (were 6 a step)', () => {
    const src = [
      'import torch, probe',
      'from torch import nn',
      'torch.manual_seed(0)',
      'X = torch.randn(8, 5, 4)',
      'Y = X.sum(-1, keepdim=True).tanh()',
      'model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))',
      'opt = torch.optim.Adam(model.parameters(), lr=0.01)',
      'loss_fn = nn.MSELoss()',
      'for step in range(50):',
      '    loss = loss_fn(model(X), Y)',
      '    opt.zero_grad()',
      '    loss.backward()',
      '    opt.step()',
      '    with torch.no_grad():',
      '        one = model(X[0, 0])',
      '    if step == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 4), one)',
      '',
    ].join('\n');
    assert.equal(run(src), '0 0.0484 tensor([-1.2865])\n');
  });

  it('12 steps of criterion(model(X), Y) with a 512-wide hidden layer fit a 3 MiB budget (the budget stopped the 6th)', () => {
    const src = [
      'import torch',
      'from torch import nn',
      'torch.manual_seed(0)',
      'X = torch.randn(128, 16)',
      'Y = X[:, :1] * 0.5 - X[:, 1:2]',
      'model = nn.Sequential(nn.Linear(16, 512), nn.ReLU(), nn.Linear(512, 1))',
      'criterion = nn.MSELoss()',
      'optimizer = torch.optim.SGD(model.parameters(), lr=0.01)',
      'for step in range(12):',
      '    loss = criterion(model(X), Y)',
      '    optimizer.zero_grad()',
      '    loss.backward()',
      '    optimizer.step()',
      '    if step % 4 == 3:',
      '        print(step, round(loss.item(), 4))',
      '',
    ].join('\n');
    const r = runTorch(src, new EagerEngine(createReferenceBackend()), { file: 'x.py', budgets: { maxTensorBytes: 3 << 20, maxWallMs: 100_000 } });
    assert.equal(r.error === null ? r.output : r.output + formatError(r.error), '3 0.7177\n7 0.4416\n11 0.2831\n');
  });
});
