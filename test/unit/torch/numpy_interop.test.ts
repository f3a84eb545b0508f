import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * torch.from_numpy(a) and t.numpy() share memory in PyTorch, so an in-place change of the tensor
 * shows in the array; Gradlens copies, so it refuses the in-place change at its line instead of
 * leaving the array unchanged. (Their values: test/fixtures/jax/numpy_torch_interop.py.)
 */
describe('torch and numpy: conversions that share memory in PyTorch', () => {
  let wasm: Backend;
  before(async () => { wasm = await createTfjsBackend('wasm'); });
  const run = (source: string) => runPython(source, new EagerEngine(wasm), { file: 'x.py' });

  for (const [what, make, printed] of [
    ['torch.from_numpy(a)', 't = torch.from_numpy(a)', 'tensor([2., 3.], dtype=torch.float64)\n'],
    ['t.numpy()', 't = torch.tensor([1.0, 2.0])\nb = t.numpy()', 'tensor([2., 3.])\n'],
  ] as const) {
    it(`an in-place change of ${what} is refused at its line, naming the copy to change instead`, () => {
      const r = run(`import numpy as np\nimport torch\na = np.array([1.0, 2.0])\n${make}\nprint(t + 1)\nt.add_(1)\n`);
      assert.equal(r.output, printed);
      assert.ok(r.error);
      assert.match(formatError(r.error), /^x\.py:\d+:1: error: RuntimeError: this tensor shares its memory with a NumPy array in PyTorch .*change a \.clone\(\) of the tensor instead$/);
    });
  }

  it('a clone of it, and tensors made from it, change in place as in PyTorch', () => {
    const r = run('import numpy as np\nimport torch\nt = torch.from_numpy(np.array([1.0, 2.0])).clone()\nt.add_(1)\nu = torch.tensor(np.array([1.0]))\nu += 1\nprint(t, u)\n');
    assert.equal(r.error, null);
    assert.equal(r.output, 'tensor([2., 3.], dtype=torch.float64) tensor([2.], dtype=torch.float64)\n');
  });
});
