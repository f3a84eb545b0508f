import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError, type RunResult } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * torch.nn's lazy modules on bad input and in hook order: PyTorch 1.13's words (recorded from
 * /usr/bin/python3), at the script's line, every tensor freed. What they compute is checked by
 * test/fixtures/torch/lazy_*.py.
 */
describe('torch.nn lazy modules: errors at the line, and the order of the hooks', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  const run = (lines: string[]): RunResult => {
    const live = wasm.liveCount();
    const r = runTorch(['import torch', 'import torch.nn as nn', ...lines].join('\n') + '\n', new EagerEngine(wasm), { file: 'model.py' });
    assert.equal(wasm.liveCount(), live, 'every tensor is freed when the script ends');
    return r;
  };
  const errorOf = (r: RunResult): string => {
    assert.ok(r.error, 'the script should fail');
    return formatError(r.error);
  };

  it('the shape of a parameter read before the first forward is PyTorch\'s RuntimeError, at the read', () => {
    const r = run(['net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(2))', 'print(net[0].weight.shape)']);
    assert.equal(errorOf(r), "model.py:4:7: error: RuntimeError: Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` "
      + 'when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.');
  });

  it('counting parameters before the first forward is PyTorch\'s ValueError naming numel, at the line', () => {
    const r = run(['net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(2))', 'print(sum(p.numel() for p in net.parameters()))']);
    assert.equal(errorOf(r), "model.py:4:11: error: ValueError: Attempted to use an uninitialized parameter in <method 'numel' of 'torch._C._TensorBase' objects>. "
      + 'This error happens when you are using a `LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. '
      + 'When using LazyModules Call `forward` with a dummy batch to initialize the parameters before calling torch functions');
  });

  it('a lazy convolution given an input of the wrong rank says what it expected, at the call of the model', () => {
    const r = run(['net = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU())', 'x = torch.ones(2, 8, 8)', 'y = net(x.flatten())']);
    assert.equal(errorOf(r), 'model.py:5:5: error: RuntimeError: Expected 3D (unbatched) or 4D (batched) input to LazyConv2d, but got input of size: torch.Size([128])');
  });

  it('once materialized a lazy layer is a Linear: another width is the Linear\'s error at the second call', () => {
    const r = run(['layer = nn.LazyLinear(4)', 'y = layer(torch.ones(3, 5))', 'z = layer(torch.ones(3, 6))']);
    assert.equal(errorOf(r), 'model.py:5:5: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x6 and 5x4)');
  });

  it('an initialize_parameters that leaves a parameter uninitialized is PyTorch\'s RuntimeError at the call', () => {
    const r = run(['class Never(nn.LazyLinear):', '    def initialize_parameters(self, input):', '        pass', 'n = Never(2)', 'n(torch.ones(1, 4))']);
    assert.equal(errorOf(r), 'model.py:7:1: error: RuntimeError: module Never has not been fully initialized');
  });

  it('the hook that infers the sizes runs before the script\'s pre-hooks, and a subclass\'s initialize_parameters runs in its place', () => {
    const r = run([
      'log = []',
      'layer = nn.LazyLinear(4)',
      'layer.register_forward_pre_hook(lambda m, inp: log.append((type(m).__name__, tuple(m.weight.shape))))',
      "layer.register_forward_hook(lambda m, inp, out: log.append(('after', type(m).__name__)))",
      'layer(torch.ones(2, 3))',
      'layer(torch.ones(2, 3))',
      'print(log)',
      'class Half(nn.LazyLinear):',
      '    def initialize_parameters(self, input):',
      "        log.append('own')",
      '        super().initialize_parameters(input)',
      'h = Half(2)',
      'print(h(torch.ones(1, 4)).shape, type(h).__name__, log[-1])',
    ]);
    assert.equal(r.error, null);
    assert.equal(r.output, "[('Linear', (4, 3)), ('after', 'Linear'), ('Linear', (4, 3)), ('after', 'Linear')]\ntorch.Size([1, 2]) Linear own\n");
  });
});
