import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

const run = (source: string) => {
  const r = runTorch(source, new EagerEngine(createReferenceBackend()), { file: 'f.py' });
  return r.error ? formatError(r.error) : r.output;
};

/** torch.func, PyTorch 2.x's name for the functorch transforms that PyTorch 1.13 ships (checked in programs.test). */
describe('torch shim: torch.func', () => {
  it('prints what functorch prints for the functorch program, imported from torch.func', () => {
    const dir = 'test/fixtures/torch';
    const source = readFileSync(`${dir}/functorch_transforms.py`, 'utf8');
    const asFunc = source.replace('from functorch import', 'from torch.func import');
    assert.notEqual(asFunc, source);
    assert.equal(run(asFunc), readFileSync(`${dir}/functorch_transforms.expected`, 'utf8'));
  });

  it('functional_call runs a module with the given parameters and buffers, and leaves its own in place', () => {
    const out = run([
      'import torch',
      'from torch.func import functional_call, grad',
      'torch.manual_seed(0)',
      'model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))',
      'x = torch.randn(4, 3)',
      'params = {k: v.detach() * 2 for k, v in model.named_parameters()}',
      'y = functional_call(model, params, (x,))',
      'with torch.no_grad():',
      '    for p in model.parameters():',
      '        p.mul_(2)',
      'print(torch.equal(y, model(x)), y.requires_grad)',
      'with torch.no_grad():',
      '    for p in model.parameters():',
      '        p.div_(2)',
      'print(torch.equal(functional_call(model, {}, x), model(x)))',
      'g = grad(lambda p: functional_call(model, p, (x,)).sum())(params)',
      'print(sorted(g), g["0.weight"].shape, g["2.bias"])',
      'try:',
      '    functional_call(model, {"fc.weight": x}, (x,))',
      'except AttributeError as e:',
      '    print("AttributeError:", e)',
    ].join('\n'));
    assert.equal(out, "True False\nTrue\n['0.bias', '0.weight', '2.bias', '2.weight'] torch.Size([2, 3]) tensor([4.])\nAttributeError: 'Sequential' object has no attribute 'fc.weight'\n");
  });
});
