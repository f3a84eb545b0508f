import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: what `list.append`, `list.insert`, `xs += [...]`, `d[k] = v`, `d.update(...)` and
 * `set.add` stored escaped, kept until the run ended, also after its list or dict went. A list,
 * dict or set Python made now holds what is stored in it while it lives, and lets go of what is
 * replaced or removed; so does an instance, heap or dict that setattr, heapq's functions or
 * operator.setitem changed. Probe counts are live arrays on the reference backend; the values print as
 * PyTorch 1.13 prints them.
 */
describe('lang: lists, dicts and sets hold what is stored in them only while they live (issue 12)', () => {
  it('10 calls that append, insert, store, update and add into local lists, dicts and sets hold as many tensors as 1; a global list frees what it held as it goes', () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'w = torch.randn(3)',
      'def epoch(n):',
      '    losses = []',
      '    history = {}',
      '    grads = {}',
      '    for i in range(n):',
      '        loss = (w * i).sum()',
      '        losses.append(loss)',
      '        history[i] = loss.detach()',
      '        grads.update({\'last\': w * 2})',
      '        seen = set()',
      '        seen.add(loss)',
      '    history[0] = w + 1',
      '    losses.insert(0, w * 0)',
      '    losses += [w * 3]',
      '    losses.pop()',
      '    total = sum(l.sum().item() for l in losses)',
      '    return round(total, 4), len(history), sorted(grads)',
      'epoch(3)',
      'first = probe.live()',
      'for i in range(10):',
      '    r = epoch(5)',
      'print(probe.live() - first, r)',
      'kept = []',
      'def keep(x):',
      '    kept.append(x * 2)',
      'for i in range(3):',
      '    keep(w)',
      'print(len(kept), kept[2])',
      'before = probe.live()',
      'kept = None',
      'print(before - probe.live())',
      '',
    ].join('\n');
    assert.equal(run(src), '0 (-9.3122, 5, [\'last\'])\n3 tensor([ 3.0820, -0.5869, -4.3576])\n3\n');
  });

  it('what setattr, heapq.heappush/heappop and operator.setitem store is held by the module, heap or dict it went into: a top-3 search over 8 freshly built models and a stats dict hold nothing after 5 calls (were 295 kept)', () => {
    const src = [
      'import torch, probe, heapq, operator',
      'from torch import nn',
      'torch.manual_seed(0)',
      'class Deep(nn.Module):',
      '    def __init__(self, sizes):',
      '        super().__init__()',
      '        self.depth = len(sizes) - 1',
      '        for i in range(self.depth):',
      '            setattr(self, f\'layer{i}\', nn.Linear(sizes[i], sizes[i + 1]))',
      '    def forward(self, x):',
      '        for name, layer in self.named_children():',
      '            x = torch.relu(layer(x))',
      '        return x',
      'def best_candidates(x, k):',
      '    heap = []',
      '    for trial in range(8):',
      '        net = Deep([4, 32, 32, 1])',
      '        score = net(x).mean().item()',
      '        heapq.heappush(heap, (score, trial, net(x).detach()))',
      '        if len(heap) > k:',
      '            heapq.heappop(heap)',
      '    return [round(s, 4) for s, _, _ in heap]',
      'def summaries(x):',
      '    stats = {}',
      '    for name, f in [(\'mean\', torch.mean), (\'std\', torch.std), (\'max\', torch.amax)]:',
      '        operator.setitem(stats, name, f(x * 2, 0))',
      '    return {k: round(v.sum().item(), 4) for k, v in stats.items()}',
      'x = torch.randn(16, 4)',
      'best_candidates(x, 3)',
      'summaries(x)',
      'first = probe.live()',
      'for i in range(5):',
      '    top = best_candidates(x, 3)',
      '    s = summaries(x)',
      'print(probe.live() - first, top, s)',
      '',
    ].join('\n');
    assert.equal(run(src), "0 [0.053, 0.0952, 0.0715] {'mean': 0.7415, 'std': 8.3789, 'max': 17.8436}\n");
  });
});
