import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12, generator pipelines: what a generator draws from another (`yield from`, a `for` loop
 * in its body over a generator or a list) escaped, so it stayed until the run ended; and a value a
 * built-in drew (`next(it) + next(it)`, `max(g)`) was freed while the statement still used it when
 * the generator let go of its own name for it ('this tensor was disposed'). A delegation and a
 * loop in a generator's body now hold what they draw as a `for` statement does, and a built-in
 * holds a count on what it drew until its statement ends. Each loop counts the backend's live
 * arrays after its first round and its last: 0 is flat. Numbers as PyTorch 1.13 prints them.
 */
describe('lang: generator pipelines free what they pass along (issue 12)', () => {
  it('5 epochs of SGD over shards read by nested yield from (a generator, then a list comprehension) hold as many tensors as 1 (were 9 an epoch)', () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'shards = [torch.randn(8, 4) for _ in range(3)]',
      'def read_shard(shard, bs):',
      '    for i in range(0, len(shard), bs):',
      '        yield shard[i:i + bs] * 1.0',
      'def read_all(bs):',
      '    for shard in shards:',
      '        yield from read_shard(shard, bs)',
      'def augmented(bs):',
      '    yield from read_all(bs)',
      '    yield from [s[:bs] * -1.0 + 0.5 for s in shards]',
      'w = torch.zeros(4, requires_grad=True)',
      'opt = torch.optim.SGD([w], lr=0.05)',
      'for epoch in range(5):',
      '    for xb in augmented(4):',
      '        loss = ((xb @ w - 1.0) ** 2).mean()',
      '        opt.zero_grad()',
      '        loss.backward()',
      '        opt.step()',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 4))',
      'print([round(v, 4) for v in w.tolist()])',
      '',
    ].join('\n');
    assert.equal(run(src), '0 1.1649\n[0.1592, 0.1689, 0.3294, 0.2545]\n');
  });

  it('5 epochs of a source -> normalize -> split pipeline of generators, each a for loop over the one before, hold as many tensors as 1 (were 16 an epoch)', () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'data = torch.randn(16, 4)',
      'def source(bs):',
      '    for i in range(0, len(data), bs):',
      '        yield data[i:i + bs] * 1.0',
      'def normalize(batches):',
      '    for b in batches:',
      '        yield (b - b.mean(0)) / (b.std(0) + 1e-5)',
      'def pairs(batches):',
      '    for b in batches:',
      '        for half in [b[:2] * 1.0, b[2:] * 1.0]:',
      '            yield half',
      'tot = 0.0',
      'for epoch in range(5):',
      '    for xb in pairs(normalize(source(4))):',
      '        tot += xb.abs().sum().item()',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(tot, 3))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 239.447\n');
  });

  it("next(it) * next(it) and max over a generator expression read values the generator already let go of, and hold as many tensors as 1 (raised 'this tensor was disposed')", () => {
    const src = [
      'import torch, probe',
      'torch.manual_seed(0)',
      'data = torch.randn(12, 2)',
      'def rows():',
      '    for i in range(len(data)):',
      '        row = data[i] * 1.0',
      '        yield row',
      'for epoch in range(5):',
      '    it = rows()',
      '    total = torch.zeros(2)',
      '    for k in range(6):',
      '        total = total + next(it) * next(it)',
      '    biggest = max(row.sum() for row in rows())',
      '    if epoch == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, total, biggest)',
      '',
    ].join('\n');
    assert.equal(run(src), '0 tensor([ 2.0143, -0.0796]) tensor(2.1908)\n');
  });
});
