import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: dict and set literals, dict/set comprehensions, dict(...), set(...), frozenset(...) and
 * the dict subclasses (OrderedDict, defaultdict, Counter) let what they held escape, so a batch of
 * tensors in a dict stayed until the run ended; and zip, enumerate and map over a generator kept
 * what it yielded uncounted, and kept the generator open until the script ended (its `finally`
 * ran there, where CPython runs it as the last reference goes). They now count what they hold as a
 * list does, an iterator holds the generator it draws from, and what it yields through them is
 * the consumer's. Each loop counts the backend's live arrays after its first round and its last:
 * 0 is flat. Output as PyTorch 1.13 and CPython 3.11 print it.
 */
describe('lang: dicts, sets and iterators over generators hold what they hold only while they live (issue 12)', () => {
  it('6 epochs of batches as dicts from a generator, through enumerate, a dict comprehension over items(), an OrderedDict, set and frozenset hold as many tensors as 1 (were 36 an epoch)', () => {
    const src = [
      'import collections',
      'import torch, probe',
      'from torch import nn',
      'torch.manual_seed(0)',
      'features = torch.randn(24, 3)',
      'targets = features @ torch.tensor([[0.5], [-1.0], [2.0]])',
      'def batches(bs):',
      '    for i in range(0, len(features), bs):',
      '        yield dict(x=features[i:i + bs], y=targets[i:i + bs])',
      'model = nn.Linear(3, 1)',
      'opt = torch.optim.SGD(model.parameters(), lr=0.1)',
      'for epoch in range(6):',
      '    history = collections.OrderedDict()',
      '    for step, batch in enumerate(batches(8)):',
      '        inputs = {k: v * 1.0 for k, v in batch.items()}',
      '        loss = nn.functional.mse_loss(model(inputs[\'x\']), inputs[\'y\'])',
      '        opt.zero_grad()',
      '        loss.backward()',
      '        opt.step()',
      '        stats = {\'loss\': loss.detach(), \'pred_mean\': model(inputs[\'x\']).mean().detach()}',
      '        seen = set([inputs[\'x\'], inputs[\'y\']])',
      '        frozen = frozenset(p * 1.0 for p in model.parameters())',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(stats[\'loss\'].item(), 4), round(stats[\'pred_mean\'].item(), 4), len(seen), len(frozen))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 0.123 0.4501 2 2\n');
  });

  it("closes a generator as its last reference goes: an argument of a function that returned, next(gen()), zip/map/enumerate over one when they go, list(zip(gen(), xs)) (their finally blocks ran at the script's end)", () => {
    const src = [
      'def gen(tag):',
      '    try:',
      '        yield 1',
      '        yield 2',
      '    finally:',
      '        print("closed", tag)',
      'def first(it):',
      '    for x in it:',
      '        return x',
      'print(first(gen(\'a\')))',
      'print("next line")',
      'print(next(gen(\'b\')))',
      'print("after next")',
      'z = zip(gen(\'c\'), [1, 2])',
      'print(next(z))',
      'z = None',
      'print("after zip")',
      'm = map(lambda v: v * 2, gen(\'d\'))',
      'print(next(m))',
      'del m',
      'print("after map")',
      'e = enumerate(gen(\'e\'))',
      'print(next(e))',
      'e = 0',
      'print("after enumerate")',
      'def take(it):',
      '    return next(it)',
      'print(take(gen(\'f\')))',
      'print("after take")',
      'print(list(zip(gen(\'g\'), [1])))',
      'print("after list zip")',
      'print("end")',
      '',
    ].join('\n');
    assert.equal(run(src), 'closed a\n1\nnext line\nclosed b\n1\nafter next\n(1, 1)\nclosed c\nafter zip\n2\nclosed d\nafter map\n(0, 1)\nclosed e\nafter enumerate\nclosed f\n1\nafter take\nclosed g\n[(1, 1)]\nafter list zip\nend\n');
  });
});
