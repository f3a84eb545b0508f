import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: a model and its optimizer made as locals of a function that returns kept their tensors
 * until the run ended (12 a call for a two-layer Sequential with SGD): a Module's attributes and an
 * optimizer's parameters escaped, and a leaf that requires grad was never freed. Now an instance
 * whose classes show all it holds (a Module, an optimizer, a class of the script) holds what is in
 * it while it lives, and a leaf goes with its last holder, its gradient with it. A method kept for
 * later (`step = opt.step`) holds its instance, as does an LR scheduler its optimizer. Each loop counts
 * the backend's live arrays after its first round and its last: 0 is flat. Numbers as PyTorch 1.13
 * prints them.
 */
describe('lang: models and optimizers made in a function hold their tensors only while they live (issue 12)', () => {
  it('20 calls of a training function that builds a Sequential or a Module subclass with SGD, momentum or Adam hold as many tensors as 1 (were 12 a call)', () => {
    const src = [
      'import torch, probe',
      'from torch import nn',
      'import torch.nn.functional as F',
      'torch.manual_seed(0)',
      'x = torch.randn(16, 4)',
      'y = torch.randn(16, 1)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.hidden = nn.Linear(4, 8)',
      '        self.scale = nn.Parameter(torch.ones(1))',
      '        nn.init.xavier_uniform_(self.hidden.weight)',
      '        self.out = nn.Linear(8, 1)',
      '    def forward(self, x):',
      '        return self.out(torch.relu(self.hidden(x))) * self.scale',
      'def sequential():',
      '    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))',
      'def train_once(make, optimizer):',
      '    model = make()',
      '    opt = optimizer(model.parameters())',
      '    for _ in range(3):',
      '        opt.zero_grad(); loss = F.mse_loss(model(x), y); loss.backward(); opt.step()',
      '    return loss.item()',
      'def sgd(params):',
      '    return torch.optim.SGD(params, lr=0.1)',
      'def momentum(params):',
      '    return torch.optim.SGD(params, lr=0.1, momentum=0.9)',
      'def adam(params):',
      '    return torch.optim.Adam(params, lr=0.01)',
      'for make, optimizer in [(sequential, sgd), (Net, momentum), (Net, adam)]:',
      '    train_once(make, optimizer)',
      '    first = probe.live()',
      '    for i in range(20):',
      '        l = train_once(make, optimizer)',
      '    print(probe.live() - first, round(l, 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 1.1173\n0 1.1316\n0 1.0962\n');
  });

  it('a leaf that requires grad goes with its function, and a graph that outlives it still runs backward', () => {
    const src = [
      'import torch, probe',
      'def loss_of(n):',
      '    w = torch.ones(n, requires_grad=True)',
      '    return (w * 2).sum()',
      'def grad_of(n):',
      '    w = torch.full((n,), 3.0, requires_grad=True)',
      '    (w * w).sum().backward()',
      '    return w.grad',
      'loss = loss_of(3)',
      'loss.backward()',
      'g = grad_of(2)',
      'first = probe.live()',
      'for i in range(10):',
      '    loss = loss_of(3)',
      '    loss.backward()',
      '    g = grad_of(2)',
      'print(probe.live() - first, loss, g)',
      '',
    ].join('\n');
    assert.equal(run(src), '0 tensor(6., grad_fn=<SumBackward0>) tensor([6., 6.])\n');
  });

  it('5-fold cross-validation that rebuilds the model per fold, calling it through kept methods (forward = model.forward, step = opt.step) with and without a StepLR scheduler, holds nothing after each fold (were 110 kept)', () => {
    const src = [
      'import torch, probe',
      'from torch import nn',
      'torch.manual_seed(0)',
      'X = torch.randn(40, 4)',
      'Y = X.sum(1, keepdim=True)',
      'def train_fold(k, scheduled):',
      '    val = slice(8 * k, 8 * k + 8)',
      '    mask = torch.ones(40, dtype=torch.bool)',
      '    mask[val] = False',
      '    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))',
      '    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)',
      '    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5) if scheduled else None',
      '    forward = model.forward',
      '    step = opt.step',
      '    for epoch in range(10):',
      '        opt.zero_grad()',
      '        loss = ((forward(X[mask]) - Y[mask]) ** 2).mean()',
      '        loss.backward()',
      '        step()',
      '        if sched is not None:',
      '            sched.step()',
      '    with torch.no_grad():',
      '        return ((model(X[val]) - Y[val]) ** 2).mean().item()',
      'for scheduled in [False, True]:',
      '    train_fold(0, scheduled)',
      '    first = probe.live()',
      '    scores = [round(train_fold(k, scheduled), 4) for k in range(5)]',
      '    print(probe.live() - first, scores)',
      '',
    ].join('\n');
    assert.equal(run(src), '0 [0.531, 0.371, 0.2512, 0.4725, 0.9509]\n0 [0.3016, 0.3117, 0.4892, 0.1367, 0.582]\n');
  });
});
