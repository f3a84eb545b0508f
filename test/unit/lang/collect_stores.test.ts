import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: what `list.append`, `list.insert`, `xs += [...]`, `d[k] = v`, `d.update(...)` and
 * `set.add` stored escaped, kept until the run ended, also after its list or dict went. A list,
 * dict or set Python made now holds what is stored in it while it lives, and lets go of what is
 * replaced or removed. Probe counts are live arrays on the reference backend; the values print as
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
});
