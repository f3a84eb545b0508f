import * as assert from 'node:assert/strict';
import { runWithLiveProbe } from '../lang/live_probe';

/**
 * Issue 12: a torch.optim training loop holds as many tensors after its last step as after its
 * first. Adam's, AdamW's and RMSprop's state is made once, charged to the budget as every tensor
 * is (and so was flat); what grew were the steps composite ops made and never handed to Python:
 * nn.Linear's w.t() and x @ w.t() before its bias, F.cross_entropy's log-softmax, F.dropout's
 * noise (4 tensors a step). The losses and weights are what PyTorch 1.13 prints for the same
 * program, dropout's draws included.
 */
describe('torch: a training loop with nn.Linear, dropout, cross_entropy and Adam/AdamW/RMSprop holds as many tensors as 1 step (issue 12)', () => {
  it('300 steps of each optimizer', () => {
    const src = [
      'import torch, probe',
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      't = torch.linspace(-1.0, 1.0, 16)',
      'X = torch.stack([t, t * t], dim=1)',
      'labels = (t > 0.2).long()',
      'def train(make, steps):',
      '    torch.manual_seed(0)',
      '    model = nn.Linear(2, 2)',
      '    opt = make(model.parameters())',
      '    for step in range(steps):',
      '        logits = F.dropout(model(X), p=0.1, training=True)',
      '        loss = F.cross_entropy(logits, labels)',
      '        opt.zero_grad()',
      '        loss.backward()',
      '        opt.step()',
      '        if step == 0:',
      '            first = probe.live()',
      '    return probe.live() - first, round(loss.item(), 4), [round(v, 3) for v in model.weight[0].tolist()]',
      'print(train(lambda ps: torch.optim.Adam(ps, lr=0.05), 300))',
      'print(train(lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1), 300))',
      'print(train(lambda ps: torch.optim.RMSprop(ps, lr=0.01), 300))',
      '',
    ].join('\n');
    assert.equal(runWithLiveProbe(src), '(0, 0.0864, [-4.54, -3.353])\n(0, 0.1406, [-2.838, -1.89])\n(0, 0.1592, [-2.675, -1.652])\n');
  });
});

describe('torch: copy.deepcopy of a model, a state_dict or a Parameter each epoch holds only the last copy (issue 12)', () => {
  it('50 deep copies of each hold as many tensors as the first, and the last model copy outlives the model', () => {
    const src = [
      'import copy, torch, probe',
      'from torch import nn',
      'torch.manual_seed(0)',
      'model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Sequential(nn.ReLU(), nn.Linear(8, 1)))',
      'for epoch in range(50):',
      '    best_wts = copy.deepcopy(model.state_dict())',
      '    weight = copy.deepcopy(model[0].weight)',
      '    ema = copy.deepcopy(model)',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, len(best_wts), type(weight).__name__)',
      'x = torch.ones(3, 4)',
      'expected = model(x).sum().item()',
      'del model',
      'loss = ema(x).sum()',
      'loss.backward()',
      'print(loss.item() == expected, ema[2][1].weight.grad.shape)',
      '',
    ].join('\n');
    assert.equal(runWithLiveProbe(src), '0 9 Parameter\nTrue torch.Size([1, 8])\n');
  });
});
