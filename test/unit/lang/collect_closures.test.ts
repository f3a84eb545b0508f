import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: a lambda or nested def in a function kept all of that function's locals until the run
 * ended (`sorted(ys, key=lambda t: t.sum())` in a called function: 12 tensors a call). A closure now
 * keeps only the variables it may read; the function's others go as it returns. Probe counts are
 * live arrays on the reference backend; the values print as PyTorch 1.13 prints them.
 */
describe('lang: a closure keeps only the variables it reads (issue 12)', () => {
  it('sorted with a key lambda in a called function holds nothing after it returns; a nested def keeps what it reads (w) and not the rest (big, scratch)', () => {
    const src = [
      'import torch, probe',
      'def rank(xs):',
      '    ys = [x * 2 for x in xs]',
      '    total = sum(y.sum() for y in ys)',
      '    return [round(t.sum().item(), 4) for t in sorted(ys, key=lambda t: t.sum())], round(total.item(), 4)',
      'def make_scaler(factor):',
      '    big = torch.ones(1000)',
      '    w = torch.tensor([factor])',
      '    def scale(t):',
      '        return t * w',
      '    return scale',
      'def make_counter():',
      '    count = 0',
      '    scratch = torch.zeros(1000)',
      '    def bump():',
      '        nonlocal count',
      '        count += 1',
      '        return count',
      '    return bump',
      'torch.manual_seed(0)',
      'xs = [torch.randn(3) for _ in range(4)]',
      'rank(xs)',
      'first = probe.live()',
      'for i in range(10):',
      '    r = rank(xs)',
      'print(probe.live() - first, r)',
      's = make_scaler(2.0)',
      'before = probe.live()',
      's2 = make_scaler(3.0)',
      'print(probe.live() - before, s(torch.ones(2)), s2(torch.ones(2)))',
      'before = probe.live()',
      'c = make_counter()',
      'c()',
      'print(probe.live() - before, c(), c())',
      '',
    ].join('\n');
    assert.equal(run(src), '0 ([-3.8294, -1.8624, -1.6359, 1.0442], -6.2835)\n1 tensor([2., 2.]) tensor([3., 3.])\n0 2 3\n');
  });
});
