import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * torch.from_numpy(a) and t.numpy() share memory in PyTorch, so an in-place change of one shows in
 * the other; Gradlens keeps the two copies equal (test/fixtures/torch/numpy_bridge.py). Where it
 * cannot (a view of an array given to torch.from_numpy), it refuses the tensor's in-place change at
 * its line instead of leaving the array unchanged.
 */
describe('torch and numpy: conversions that share memory in PyTorch', () => {
  let wasm: Backend;
  before(async () => { wasm = await createTfjsBackend('wasm'); });
  const run = (source: string) => runPython(source, new EagerEngine(wasm), { file: 'x.py' });

  it('an in-place change of torch.from_numpy of a view is refused at its line, naming the copy to change instead', () => {
    const r = run('import numpy as np\nimport torch\na = np.array([1.0, 2.0, 3.0])\nt = torch.from_numpy(a[1:])\nprint(t + 1)\nt.add_(1)\n');
    assert.equal(r.output, 'tensor([3., 4.], dtype=torch.float64)\n');
    assert.ok(r.error);
    assert.match(formatError(r.error), /^x\.py:6:1: error: RuntimeError: this tensor shares its memory with a NumPy array in PyTorch \(torch\.from_numpy\).*change a \.clone\(\) of the tensor instead$/);
  });

  it('torch.as_tensor of an array shares its memory as torch.from_numpy does; of another dtype it copies', () => {
    const r = run('import numpy as np\nimport torch\na = np.array([1.0, 2.0, 3.0])\nt = torch.as_tensor(a)\nc = torch.as_tensor(a, dtype=torch.float32)\na[0] = 10.0\nt[1] = 20.0\nprint(t, c, a)\n');
    assert.equal(r.error, null);
    assert.equal(r.output, 'tensor([10., 20.,  3.], dtype=torch.float64) tensor([1., 2., 3.]) [10. 20.  3.]\n');
  });

  it('a clone of it, and tensors made from it, change in place as in PyTorch', () => {
    const r = run('import numpy as np\nimport torch\nt = torch.from_numpy(np.array([1.0, 2.0])).clone()\nt.add_(1)\nu = torch.tensor(np.array([1.0]))\nu += 1\nprint(t, u)\n');
    assert.equal(r.error, null);
    assert.equal(r.output, 'tensor([2., 3.], dtype=torch.float64) tensor([2.], dtype=torch.float64)\n');
  });
});
