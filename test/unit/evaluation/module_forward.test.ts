import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normOf, type Numbers } from '../../../protocol';
import { evaluated, fileRequest, requestFor } from './support';

const FILE = 'test/fixtures/torch/module_forward.py';

/** `name [shape] norm` lines after the first (the output's sum), as PyTorch printed them. */
function pytorchGradients(): Map<string, { shape: number[]; norm: number }> {
  const lines = readFileSync(FILE.replace(/\.py$/, '.expected'), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((line) => {
    const m = /^(\S+) (\[[^\]]*\]) (\S+)$/.exec(line)!;
    return [m[1], { shape: JSON.parse(m[2]) as number[], norm: Number(m[3]) }];
  }));
}

const shapeOf = (v: Numbers): number[] => (Array.isArray(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]) : [])] : []);

/**
 * The lens over a Module's `forward` (issue 15): its inputs are the model and the input of the
 * file's `model(x)` call (or a training loop's first batch), and it is differentiated with respect
 * to the module's parameters, by their names, as PyTorch's backward of the output's sum gives them,
 * on both engines (the jit traces the parameters in the module's place).
 */
describe('evaluation: a Module\'s forward', () => {
  it('takes self and x from the file\'s model(x) call and gives each parameter\'s gradient by name, as PyTorch', async () => {
    const r = await evaluated(fileRequest(FILE, 'Net.forward'));
    assert.equal(r.inputOrigin, 'call');
    assert.deepEqual(Object.keys(r.inputs), ['x'], 'the model is passed, not shown as numbers');
    const expected = pytorchGradients();
    assert.deepEqual(Object.keys(r.grad), [...expected.keys()]);
    // The jit engine traces the parameters inside the module: the same gradients.
    for (const [engine, grad] of [['eager', r.grad], ['jit', r.jit?.grad ?? {}]] as const) {
      for (const [name, { shape, norm }] of expected) {
        assert.deepEqual(shapeOf(grad[name]), shape, `${engine} ${name}`);
        assert.ok(Math.abs(normOf(grad[name]) - norm) <= 1e-4 * Math.max(1, norm), `${engine} ${name}: ‖∇‖ ${normOf(grad[name])}, PyTorch ${norm}`);
      }
    }
    const sum = Number(readFileSync(FILE.replace(/\.py$/, '.expected'), 'utf8').split('\n')[0]);
    const value = (r.value as number[][]).flat().reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(value - sum) <= 1e-4, `the output sums to ${value}, PyTorch ${sum}`);
  });

  it('in a training loop, the first batch the loop gives the model', async () => {
    const text = [
      'import torch', 'import torch.nn as nn', '',
      'class Affine(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.w = nn.Parameter(torch.tensor([2.0, -1.0]))',
      '    def forward(self, x):',
      '        return (x * self.w).sum()',
      '',
      'model = Affine()',
      'opt = torch.optim.SGD(model.parameters(), lr=0.1)',
      'for batch in [torch.tensor([1.0, 3.0]), torch.tensor([5.0, 7.0])]:',
      '    opt.zero_grad()',
      '    loss = model(batch) ** 2',
      '    loss.backward()',
      '    opt.step()',
      '',
    ].join('\n');
    const r = await evaluated(requestFor('loop.py', text, 'Affine.forward', { engines: 'eager' }));
    assert.equal(r.inputOrigin, 'call');
    assert.deepEqual(r.inputs, { x: [1, 3] });
    // forward(x) = x·w at the first batch, before any step: -1, its gradient x.
    assert.equal(r.value, -1);
    assert.deepEqual(r.grad, { w: [1, 3] });
  });
});
