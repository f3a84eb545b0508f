import * as assert from 'node:assert/strict';
import { Interpreter, PyModule, analyze, parse } from '../../../lang/python';
import { torchModules } from '../../../lang/python/torch';
import { TENSOR_METHODS, TORCH_FUNCTION_NAMES } from '../../../lang/python/torch/methods';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';

/**
 * The names each torch module says it exports are what the analyzer checks a script against
 * before it runs (`torch.fft` is flagged as unsupported): a name a module has but does not export
 * is flagged though it works, and a name it exports but lacks passes the check and fails at run time.
 */
describe('torch shim: the exported names are the modules\' attributes', () => {
  const modules = torchModules(new EagerEngine(createReferenceBackend()));
  const interp = new Interpreter({ file: 'x.py', modules });

  for (const [name, shim] of Object.entries(modules)) {
    it(`${name}: every exported name resolves, and every attribute is exported`, () => {
      const module = interp.importModule(name);
      assert.ok(module instanceof PyModule);
      const exports = shim.exports ?? [];
      assert.ok(exports.length > 0, `${name} lists its exports`);
      assert.deepEqual([...new Set(exports)].sort(), [...exports].sort(), `${name} exports each name once`);
      assert.deepEqual(exports.filter((n) => !module.attrs.has(n)), [], `${name} exports names it does not have`);
      assert.deepEqual([...module.attrs.keys()].filter((n) => !exports.includes(n)), [], `${name} has attributes it does not export`);
    });
  }

  it('each torch.f(input, ...) that is the method is a tensor method', () => {
    assert.deepEqual(TORCH_FUNCTION_NAMES.filter((n) => !Object.hasOwn(TENSOR_METHODS, n)), []);
  });

  it('the analyzer accepts every exported name (torch.autograd.inference_mode too) and flags one the shim lacks', () => {
    const exports = modules.torch.exports ?? [];
    const source = `import torch, torch.autograd\n${exports.map((n) => `torch.${n}`).join('\n')}\ntorch.autograd.inference_mode\ntorch.fft\n`;
    const analysis = analyze(parse(source), { modules });
    const flagged = analysis.diagnostics.map((d) => source.slice(d.span.from, d.span.to));
    assert.deepEqual(flagged, ['fft']);
  });
});
