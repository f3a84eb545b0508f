import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError, type RunResult } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * What forward AD, gradcheck and make_functional refuse or raise, at the line: PyTorch's own
 * errors where PyTorch raises one, Gradlens's where it cannot compute faithfully. (What they
 * compute is checked against PyTorch 1.13 by the forward_ad, gradcheck and make_functional fixtures.)
 */
describe('torch shim: forward AD, gradcheck and make_functional at the line', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  const run = (source: string): RunResult => {
    const live = wasm.liveCount();
    const r = runTorch(source, new EagerEngine(wasm), { file: 'script.py' });
    assert.equal(wasm.liveCount(), live, 'the script frees its tensors and their tangents');
    return r;
  };
  const errorOf = (source: string): string => {
    const r = run(source);
    assert.ok(r.error, 'the script should fail');
    return formatError(r.error);
  };
  const FW = 'import torch\nimport torch.autograd.forward_ad as fwAD\n';

  it('make_dual outside a dual level is PyTorch\'s RuntimeError at its line', () => {
    assert.equal(errorOf(`${FW}x = torch.ones(2)\nd = fwAD.make_dual(x, x)\n`),
      'script.py:4:5: error: RuntimeError: Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.');
  });

  it('make_dual of an integer tensor is PyTorch\'s ValueError', () => {
    assert.equal(errorOf(`${FW}with fwAD.dual_level():\n    d = fwAD.make_dual(torch.tensor([1, 2]), torch.ones(2))\n`),
      'script.py:4:9: error: ValueError: Expected primal to be floating point or complex, but got: torch.int64');
  });

  it('a tangent of another dtype than its primal is refused (PyTorch would carry a float64 tangent through float32 ops)', () => {
    assert.match(errorOf(`${FW}with fwAD.dual_level():\n    d = fwAD.make_dual(torch.ones(2), torch.ones(2, dtype=torch.float64))\n`),
      /^script\.py:4:9: error: RuntimeError: Gradlens keeps a tangent in its primal's dtype: make_dual got a float32 primal and a float64 tangent/);
  });

  it('a custom Function without jvp applied to a dual tensor names PyTorch\'s NotImplementedError at the apply', () => {
    const source = `${FW}class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


with fwAD.dual_level():
    y = Double.apply(fwAD.make_dual(torch.ones(2), torch.ones(2)))
`;
    assert.equal(errorOf(source), 'script.py:14:9: error: NotImplementedError: You must implement the jvp function for custom autograd.Function to use it with forward mode AD.');
  });

  it('the tangents made inside a dual level are freed with their tensors, also when the level is left by an exception', () => {
    const r = run(`${FW}x = torch.ones(3)
try:
    with fwAD.dual_level():
        for i in range(5):
            y = (fwAD.make_dual(x, x * i) * 2).exp()
        raise ValueError("stop")
except ValueError:
    pass
print(fwAD.unpack_dual(y).tangent)
with fwAD.dual_level():
    print(fwAD.unpack_dual(y).tangent)
`);
    assert.equal(r.error, null);
    assert.equal(r.output, 'None\nNone\n');
  });

  it('gradcheck on float32 inputs and a loss with a broadcasting target warn at the script\'s line, once per place, as PyTorch does', () => {
    const r = run(`import torch
import torch.nn.functional as F
x = torch.ones(2, requires_grad=True)
for eps in (1e-2, 1e-2):
    torch.autograd.gradcheck(torch.sin, (x,), eps=eps, atol=1e-2, rtol=1e-2)
print(F.mse_loss(torch.zeros(3, 1), torch.ones(3)))
`);
    assert.equal(r.error, null, r.error ? formatError(r.error) : '');
    assert.equal(r.output, 'tensor(1.)\n');
    assert.deepEqual(r.warnings.map((w) => [w.span?.line, w.category.name, w.what]), [
      [5, 'UserWarning', 'Input #0 requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. '],
      [6, 'UserWarning', 'Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.'],
    ]);
    assert.equal(r.warnings[1].text, 'script.py:6: UserWarning: Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])). '
      + 'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.\n  print(F.mse_loss(torch.zeros(3, 1), torch.ones(3)))\n');
  });

  it('an uncaught GradcheckError ends the script with its qualified name, as PyTorch\'s traceback does', () => {
    const source = `import torch
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g


torch.autograd.gradcheck(Bad.apply, (torch.tensor([1.0], dtype=torch.double, requires_grad=True),))
`;
    // PyTorch 1.13's last traceback line for this script.
    assert.equal(errorOf(source), 'script.py:12:1: error: torch.autograd.gradcheck.GradcheckError: Jacobian mismatch for output 0 with respect to input 0,\n'
      + 'numerical:tensor([[2.0000]], dtype=torch.float64)\nanalytical:tensor([[1.]], dtype=torch.float64)\n');
  });

  it('a functional module called with the wrong number of parameters says how many it takes', () => {
    assert.equal(errorOf('import torch\nfrom functorch import make_functional\nf, p = make_functional(torch.nn.Linear(2, 1))\nf(p[:1], torch.ones(2))\n'),
      'script.py:4:1: error: ValueError: FunctionalModule expects 2 parameters (as make_functional returned them), got 1');
  });
});
