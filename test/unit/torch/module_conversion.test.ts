import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError, type RunResult } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * Module.double()/float()/to()/type() convert a model in place, as PyTorch's Module._apply does:
 * an optimizer built before the conversion holds the same Parameter objects and keeps training
 * them (before, it stepped float32 copies the model no longer used, and the loss never moved).
 * What they compute is checked against PyTorch 1.13 by module_double_training.py and
 * module_dtype_identity.py in test/fixtures/torch.
 */
describe('torch.nn: converting a Module\'s dtype keeps its Parameters', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  const run = (lines: string[]): RunResult => {
    const live = wasm.liveCount();
    const r = runTorch(['import torch', 'import torch.nn as nn', 'torch.manual_seed(0)', 'model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))', ...lines].join('\n') + '\n', new EagerEngine(wasm), { file: 'train.py' });
    assert.equal(wasm.liveCount(), live, 'every tensor is freed when the script ends');
    return r;
  };
  const outputOf = (r: RunResult): string[] => {
    assert.equal(r.error ? formatError(r.error) : null, null);
    return r.output.trimEnd().split('\n');
  };

  for (const convert of ['model.double()', 'model.to(torch.float64)', 'model.to(torch.zeros(1, dtype=torch.float64))', 'model.type(torch.DoubleTensor)', 'model.double().float()']) {
    it(`${convert}: the parameters are the same objects, and an optimizer built before it trains the model`, () => {
      const lines = outputOf(run([
        'before = list(model.parameters())',
        'ids = [id(p) for p in before]',
        'opt = torch.optim.SGD(model.parameters(), lr=0.5)',
        convert,
        'print(all(p is q for p, q in zip(before, model.parameters())), [id(p) for p in model.parameters()] == ids)',
        'print(sorted({str(p.dtype) for p in model.parameters()}), sorted({str(p.dtype) for p in opt.param_groups[0]["params"]}))',
        'x = torch.linspace(-1, 1, 16, dtype=model[0].weight.dtype).reshape(8, 2)',
        'losses = []',
        'for _ in range(20):',
        '    opt.zero_grad()',
        '    loss = (model(x) - x.sum(1, keepdim=True)).pow(2).mean()',
        '    loss.backward()',
        '    opt.step()',
        '    losses.append(loss.item())',
        'print(losses[-1] < losses[0] / 2)',
      ]));
      const dtype = convert === 'model.double().float()' ? 'torch.float32' : 'torch.float64';
      assert.deepEqual(lines, ['True True', `['${dtype}'] ['${dtype}']`, 'True']);
    });
  }

  it('a gradient a name holds is converted with its parameter, the same object', () => {
    const lines = outputOf(run(['model(torch.ones(3, 2)).sum().backward()', 'g = model[0].weight.grad', 'model.double()', 'print(g is model[0].weight.grad, g.dtype, model[0].weight.grad.dtype)']));
    assert.deepEqual(lines, ['True torch.float64 torch.float64']);
  });

  it('Adam stepped before model.double() refuses the next step at its line, saying how to go on', () => {
    const r = run([
      'opt = torch.optim.Adam(model.parameters())',
      'model(torch.ones(3, 2)).sum().backward()',
      'opt.step()',
      'model.double()',
      'opt.zero_grad()',
      'model(torch.ones(3, 2, dtype=torch.float64)).sum().backward()',
      'opt.step()',
    ]);
    assert.ok(r.error);
    assert.match(formatError(r.error), /^train\.py:11:1: error: RuntimeError: Adam\.step\(\): the state 'exp_avg' of a parameter is float32 but the parameter is now float64 .*load_state_dict\(optimizer\.state_dict\(\)\)/);
  });

  it('Adam refused at a parameter made float64 after the first step updated none before it (PyTorch 1.13 updates them, then asserts)', () => {
    const lines = outputOf(run([
      'opt = torch.optim.Adam(model.parameters(), lr=0.1)',
      'model(torch.ones(3, 2)).sum().backward()',
      'opt.step()',
      'model[2].double()',
      'for p in model.parameters():',
      '    p.grad = torch.ones_like(p)',
      'w = model[0].weight.clone()',
      'avg = opt.state[model[0].weight]["exp_avg"].clone()',
      'try:',
      '    opt.step()',
      'except RuntimeError as e:',
      '    print(str(e)[:60])',
      'print(opt.state[model[0].weight]["step"], torch.equal(w, model[0].weight), torch.equal(avg, opt.state[model[0].weight]["exp_avg"]))',
    ]));
    assert.deepEqual(lines, ["Adam.step(): the state 'exp_avg' of a parameter is float32 b", 'tensor(1.) True True']);
  });

  it('half() and bfloat16() refuse at the line (Gradlens has no 16-bit floats); to(\'cpu\') is the model itself', () => {
    for (const call of ['half', 'bfloat16']) {
      const r = run([`model.${call}()`]);
      assert.ok(r.error);
      assert.match(formatError(r.error), new RegExp(`^train\\.py:5:1: error: NotImplementedError: Module\\.${call}\\(\\) is not supported by Gradlens`));
    }
    assert.deepEqual(outputOf(run(['print(model.to("cpu") is model, model.to(torch.device("cpu"), torch.float64) is model, model[0].bias.dtype)'])), ['True True torch.float64']);
  });
});
