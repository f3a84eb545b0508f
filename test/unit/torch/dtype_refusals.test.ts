import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * Conversions to the dtypes Gradlens lacks (float16, bfloat16, complex64, ...) stop at the line
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
    ['half', 'Tensor.half() converts to float16, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use .float()'],
    ['bfloat16', 'Tensor.bfloat16() converts to bfloat16, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use .float()'],
    ['cdouble', 'Tensor.cdouble() converts to complex128, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use .double()'],
  ];
  for (const [method, message] of cases) {
    it(`x.${method}() names its dtype`, () => {
      assert.equal(errorOf(`import torch\nx = torch.ones(2)\nprint(x.float())\ny = x.${method}()\n`), `script.py:4:5: error: NotImplementedError: ${message}`);
    });
  }

  const refusal = (dtype: string, instead: string) => `NotImplementedError: ${dtype} tensors are not supported by Gradlens (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use torch.${instead}`;
  const lines: [string, string][] = [
    ['y = x.to(torch.float16)', refusal('float16', 'float32')],
    ['y = x.to(dtype=torch.half)', refusal('float16', 'float32')],
    ["y = x.to('cpu', torch.bfloat16)", refusal('bfloat16', 'float32')],
    ['y = torch.zeros(2, dtype=torch.complex64)', refusal('complex64', 'float32')],
    ['y = x.type(torch.bfloat16)', refusal('bfloat16', 'float32')],
    ['y = torch.nn.Linear(2, 2).to(torch.float16)', refusal('float16', 'float32')],
    ['y = x.cfloat()', 'NotImplementedError: Tensor.cfloat() converts to complex64, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use .float()'],
    ['y = torch.BFloat16Tensor([1, 2])', 'NotImplementedError: torch.BFloat16Tensor makes bfloat16 tensors, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use torch.FloatTensor'],
    ["y = x.type('torch.HalfTensor')", 'NotImplementedError: torch.HalfTensor makes float16 tensors, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use torch.FloatTensor'],
  ];
  for (const [line, message] of lines) {
    it(`${line}: refused at its line, naming the dtype to use`, () => {
      const error = errorOf(`import torch\nx = torch.ones(2)\nprint(torch.float16, x.dtype == torch.uint8)\n${line}\n`);
      assert.match(error, /^script\.py:4:\d+: error: /);
      assert.equal(error.replace(/^script\.py:4:\d+: error: /, ''), message);
    });
  }
});
