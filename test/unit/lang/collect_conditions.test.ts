import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: the value of a test (`if loss < best:`, `elif`, `assert torch.isfinite(loss)`, `a if
 * loss < 0.05 else b`, a comprehension's `if`, the left of an `and`/`or` that is not its result)
 * was kept until the run ended: a tensor a step in a training loop. It goes with its statement now.
 * Probe counts are live arrays on the reference backend; the numbers are PyTorch 1.13's.
 */
describe('lang: a test\'s value goes with its statement (issue 12)', () => {
  it('a 300-step training loop with early-stopping tests holds no tensor more than after its first step (2,343 more before), losses as PyTorch', () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'X = torch.randn(256, 8)',
      'Y = X @ torch.randn(8, 1) + 0.1 * torch.randn(256, 1)',
      'model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))',
      'opt = torch.optim.SGD(model.parameters(), lr=0.05)',
      'loss_fn = torch.nn.MSELoss()',
      'best = torch.tensor(float("inf"))',
      'best_step = -1',
      'for step in range(300):',
      '    i = (step * 32) % 256',
      '    xb, yb = X[i:i + 32], Y[i:i + 32]',
      '    loss = loss_fn(model(xb), yb)',
      '    if torch.isnan(loss) or torch.isinf(loss):',
      '        raise RuntimeError("the loss diverged")',
      '    assert torch.isfinite(loss), "the loss diverged"',
      '    opt.zero_grad()',
      '    loss.backward()',
      '    opt.step()',
      '    if loss < best:',
      '        best = loss.detach().clone()',
      '        best_step = step',
      '    elif loss > 10 * best and step % 50 == 0:',
      '        print("step", step, "above ten times the best")',
      '    tag = "below 0.05" if loss < 0.05 else "above 0.05"',
      '    kept = [r for r in (loss, best) if r < 0.05]',
      '    if step == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, best_step, round(best.item(), 4), round(loss.item(), 4), tag, len(kept))',
      '',
    ].join('\n');
    assert.equal(run(src, 1), '0 296 0.032 0.0448 below 0.05 2\n');
  });
});
