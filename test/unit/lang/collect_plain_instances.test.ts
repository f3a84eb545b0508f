import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12 and 17: an instance of the script's own classes becomes a holder with the first counted
 * value stored in it (a micrograd Value, which holds floats, tuples and closures, never does), and
 * an attribute store moves one count as `d[k] = v` does. These are the ways a tensor gets into such
 * an instance after it was made: each function's tensors go with its instance (0 live after 5
 * calls). Numbers as PyTorch 1.13 prints them.
 */
describe('lang: an instance of a script class holds what is stored in it later only while it lives (issue 12)', () => {
  it('a tensor stored after construction, through a property, replaced in a loop, or in an attribute of an attribute goes with its instance', () => {
    const src = [
      'import torch, probe',
      'class Box:',
      '    pass',
      'class Guarded:',
      '    @property',
      '    def x(self):',
      '        return self._x',
      '    @x.setter',
      '    def x(self, v):',
      '        self._x = v',
      'def later():',
      '    b = Box()',
      '    b.t = torch.ones(3)',
      '    b.t = torch.ones(4)',
      '    return b.t.sum().item()',
      'def through_property():',
      '    g = Guarded()',
      '    g.x = torch.ones(3)',
      '    g.x = torch.ones(2)',
      '    return g.x.sum().item()',
      'def replaced():',
      '    b = Box()',
      '    for i in range(5):',
      '        b.t = torch.full((3,), float(i))',
      '    return b.t.sum().item()',
      'def inner_later():',
      '    b = Box()',
      '    b.inner = Box()',
      '    b.inner.t = torch.ones(2) * 3',
      '    return b',
      'def deleted():',
      '    b = Box()',
      '    b.t = torch.ones(3)',
      '    del b.t',
      '    return hasattr(b, "t")',
      'for f in [later, through_property, replaced, deleted]:',
      '    f()',
      '    first = probe.live()',
      '    for i in range(5):',
      '        r = f()',
      '    print(f.__name__, probe.live() - first, r)',
      'kept = inner_later()',
      'first = probe.live()',
      'for i in range(5):',
      '    kept = inner_later()',
      'print(probe.live() - first, kept.inner.t)',
      '',
    ].join('\n');
    assert.equal(run(src), 'later 0 4.0\nthrough_property 0 2.0\nreplaced 0 12.0\ndeleted 0 False\n0 tensor([3., 3.])\n');
  });

  it("a dataclass holds the tensors its generated __init__ and dataclasses.replace store, read after the call's temporaries went, and frees them with it", () => {
    const src = [
      'import dataclasses, torch, probe',
      '@dataclasses.dataclass',
      'class Batch:',
      '    x: torch.Tensor',
      '    y: torch.Tensor',
      '    name: str = "train"',
      'def make(n):',
      '    return Batch(torch.arange(float(n)) * 2, torch.ones(n) + 1)',
      'b = make(3)',
      'print(b.x, b.y.sum().item())',
      'first = probe.live()',
      'for i in range(5):',
      '    b = make(4)',
      'print(probe.live() - first, b.x.sum().item())',
      'c = dataclasses.replace(b, y=torch.zeros(4) - 1)',
      'b = None',
      'print(c.x, c.y, c.name)',
      '',
    ].join('\n');
    assert.equal(run(src), 'tensor([0., 2., 4.]) 6.0\n0 12.0\ntensor([0., 2., 4., 6.]) tensor([-1., -1., -1., -1.]) train\n');
  });
});
