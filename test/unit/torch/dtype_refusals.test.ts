import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * Conversions to the dtypes Gradlens lacks (float16, uint8, int8, int16, ...) stop at the line
 * that asks for them, naming the dtype and what to use instead: never a tensor of another dtype.
 */
describe('torch shim: conversions to dtypes Gradlens lacks are refused at the line', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  const errorOf = (source: string): string => {
    const r = runTorch(source, new EagerEngine(wasm), { file: 'script.py' });
    assert.ok(r.error, 'the script should fail');
    return formatError(r.error);
  };

  const cases: [string, string][] = [
    ['half', 'Tensor.half() converts to float16, which Gradlens does not support (its tensors are float32, float64, int64, int32 or bool); use .float()'],
    ['byte', 'Tensor.byte() converts to uint8, which Gradlens does not support (its tensors are float32, float64, int64, int32 or bool); use .long()'],
    ['char', 'Tensor.char() converts to int8, which Gradlens does not support (its tensors are float32, float64, int64, int32 or bool); use .long()'],
    ['short', 'Tensor.short() converts to int16, which Gradlens does not support (its tensors are float32, float64, int64, int32 or bool); use .long()'],
  ];
  for (const [method, message] of cases) {
    it(`x.${method}() names its dtype`, () => {
      assert.equal(errorOf(`import torch\nx = torch.ones(2)\nprint(x.float())\ny = x.${method}()\n`), `script.py:4:5: error: NotImplementedError: ${message}`);
    });
  }

  it('torch.float16 and torch.uint8 are refused where the script names them', () => {
    assert.equal(errorOf('import torch\nx = torch.ones(2)\ny = x.to(torch.float16)\n'),
      "script.py:3:10: error: AttributeError: module 'torch' has no attribute 'float16' (torch.float16 is not supported by Gradlens)");
    assert.equal(errorOf('import torch\nmask = torch.zeros(2, dtype=torch.uint8)\n'),
      "script.py:2:29: error: AttributeError: module 'torch' has no attribute 'uint8' (torch.uint8 is not supported by Gradlens)");
  });
});
