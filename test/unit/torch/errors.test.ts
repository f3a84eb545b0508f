import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError, type RunResult } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/** Scripts that fail: a clear `file:line:col: error: ...` at the line that failed, and no crash. */
describe('torch shim: errors', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  const runOn = (backend: Backend, source: string, maxTensorBytes?: number): RunResult => {
    const live = backend.liveCount();
    const r = runTorch(source, new EagerEngine(backend), { file: 'script.py', ...(maxTensorBytes ? { budgets: { maxTensorBytes } } : {}) });
    assert.equal(backend.liveCount(), live, 'a failed script frees its tensors too');
    return r;
  };
  const errorOf = (r: RunResult): string => {
    assert.ok(r.error, 'the script should fail');
    return formatError(r.error);
  };

  it('an unknown attribute of torch is an AttributeError saying Gradlens does not support it', () => {
    const r = runOn(wasm, 'import torch\nx = torch.ones(2)\ny = torch.fft.fft(x)\n');
    assert.equal(errorOf(r), "script.py:3:5: error: AttributeError: module 'torch' has no attribute 'fft' (torch.fft is not supported by Gradlens)");
  });

  it('hasattr on torch answers False for what Gradlens lacks, as Python does for a missing attribute', () => {
    const r = runOn(wasm, "import torch\nprint(hasattr(torch, 'fft'), hasattr(torch, 'sin'))\n");
    assert.equal(r.error, null);
    assert.equal(r.output, 'False True\n');
  });

  it('masked_fill with a float mask is refused at the line, where PyTorch 1.13 silently fills nothing', () => {
    const r = runOn(wasm, 'import torch\nx = torch.ones(2, 3)\nm = torch.tensor([[1.0, 0, 1], [0, 1, 0]])\ny = x.masked_fill(m, 5.0)\n');
    assert.equal(errorOf(r), 'script.py:4:5: error: RuntimeError: masked_fill only supports boolean masks, but got mask with dtype float (PyTorch 1.13 leaves the tensor unfilled for it, without an error); pass mask.bool() or mask > 0');
  });

  it('an unknown function of torch.nn.functional says so too', () => {
    const r = runOn(wasm, 'import torch.nn.functional as F\nF.grid_sample(1, 2)\n');
    assert.match(errorOf(r), /^script\.py:2:1: error: AttributeError: module 'torch\.nn\.functional' has no attribute 'grid_sample'/);
  });

  it('a shape error inside a function is reported at the line of the op, with PyTorch\'s message', () => {
    const source = [
      'import torch',
      '',
      'def layer(x, w):',
      '    h = x @ w',
      '    return h.sum()',
      '',
      'x = torch.ones(2, 3)',
      'print("before")',
      'layer(x, torch.ones(4, 5))',
      'print("after")',
    ].join('\n');
    const r = runOn(wasm, source);
    assert.equal(errorOf(r), 'script.py:4:9: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
    assert.equal(r.output, 'before\n', 'what printed before the error, and nothing after');
    assert.deepEqual(r.error?.traceback.map((f) => [f.name, f.span.line]), [['layer', 4], ['<module>', 9]]);
  });

  it('a broadcasting error names the mismatched dimension as PyTorch does', () => {
    const r = runOn(wasm, 'import torch\na = torch.ones(2, 3)\nb = a + torch.ones(4)\n');
    assert.equal(errorOf(r), 'script.py:3:5: error: RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1');
  });

  it('a saved output changed in place stops the backward at its line with PyTorch\'s message, naming the node that saved it', () => {
    // What PyTorch 1.13 raises for it; Gradlens printed tensor([0.4700, 0.3932, 0.2100]) before.
    const r = runOn(wasm, 'import torch\nh = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)\ns = torch.sigmoid(h)\ns.mul_(2)\ns.sum().backward()\nprint(h.grad)\n');
    assert.equal(errorOf(r), 'script.py:5:1: error: RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: '
      + '[torch.FloatTensor [3]], which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead. '
      + 'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).');
    assert.equal(r.output, '');
  });

  it('a second backward through freed saved tensors is PyTorch\'s RuntimeError at the second call', () => {
    // NB: the engine's tidy keeps what the failed backward made (see programs.test.ts).
    const r = runOn(wasm, 'import torch\nx = torch.tensor(3.0, requires_grad=True)\ny = x * x\ny.backward()\ny.backward()\n');
    assert.match(errorOf(r), /^script\.py:5:1: error: RuntimeError: Trying to backward through the graph a second time/);
  });

  it('a huge allocation hits the byte budget before anything is allocated', () => {
    const r = runOn(wasm, 'import torch\nprint("start")\nbig = torch.zeros(100000, 100000)\nprint("never")\n');
    assert.equal(r.error?.kind, 'budget');
    assert.match(errorOf(r), /^script\.py:3:7: error: the script's tensors would take more than the tensor budget of 1 GiB \(gradlens\.budget\.tensorMiB\): this allocation needs 37\.3 GiB \(a float32 tensor of size \[100000, 100000\]\)/);
    assert.equal(r.output, 'start\n');
  });

  it('tensors made in a loop count against the byte budget', () => {
    const r = runOn(wasm, 'import torch\nxs = []\nfor i in range(100):\n    xs.append(torch.ones(1000))\n', 100_000);
    assert.equal(r.error?.kind, 'budget');
    assert.match(errorOf(r), /^script\.py:4:15: error: the script's tensors would take more than/);
  });

  it('float64 on wasm (tfjs stores at most float32) is computed in float64 on the CPU, not refused or rounded', () => {
    const r = runOn(wasm, 'import torch\nx = torch.ones(2, dtype=torch.float64) / 3\nprint(x[0].item(), x.dtype)\n');
    assert.equal(r.error, null);
    assert.equal(r.output, '0.3333333333333333 torch.float64\n');
  });

  it('a leaf that requires grad cannot be updated in place outside no_grad', () => {
    const r = runOn(wasm, 'import torch\nw = torch.ones(2, requires_grad=True)\nw -= 0.1 * w\n');
    assert.equal(errorOf(r), 'script.py:3:1: error: RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.');
  });

  it('Python can catch torch errors as the exception class PyTorch raises', () => {
    const source = 'import torch\ntry:\n    torch.ones(3)[5]\nexcept IndexError as e:\n    print("caught", e)\n';
    assert.equal(runOn(wasm, source).output, 'caught index 5 is out of bounds for dimension 0 with size 3\n');
  });

  it('an int64 value past 2**53, where Gradlens stops storing int64 exactly, is an error at its line, never a rounded number', () => {
    const message = (v: string) => `RuntimeError: an int64 value (${v}) is past 2**53: Gradlens stores int64 exactly only within ±2**53 (PyTorch and NumPy would wrap at 2**63); use smaller values or a float64 array`;
    const cases: [string, string][] = [
      ['y = torch.tensor([2**53 + 1])', message('about 9.007e15')],
      ['y = torch.tensor([2**52]) * 2', message('about 9.007e15')],
      ['y = torch.tensor([-(2**52) - 1]) * 3', message('about -1.351e16')],
      // A partial sum past 2**53 is refused even where the total would come back under it.
      ['y = torch.tensor([2**52, 2**52, -5]).sum()', message('about 9.007e15')],
      ['y = torch.tensor([2**27, 2**27]).prod()', message('about 1.801e16')],
      ['y = torch.tensor([[2**30, 2**30]]) @ torch.tensor([[2**30], [-(2**30)]])', message('about 1.153e18')],
      ['y = torch.tensor([3]) ** 40', message('about 1.216e19')],
      ['y = torch.tensor([1e300], dtype=torch.float64).long()', message('about 1.000e300')],
      ['y = torch.tensor([float("inf")]).long()', message('inf')],
    ];
    for (const [line, error] of cases) {
      assert.equal(errorOf(runOn(wasm, `import torch\nx = 1\n${line}\n`)), `script.py:3:5: error: ${error}`, line);
    }
  });

  it('a norm layer given a batch of another dtype stops at the model line inside forward, in PyTorch 1.13\'s words', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.norm = nn.BatchNorm1d(4)',
      '',
      '    def forward(self, x):',
      '        return self.norm(x).relu()',
      '',
      'net = Net().double()',
      'net(torch.ones(3, 4))',
    ].join('\n');
    const r = runOn(wasm, source);
    assert.equal(errorOf(r), 'script.py:10:16: error: RuntimeError: mixed dtype (CPU): expect parameter to have scalar type of Float');
    assert.deepEqual(r.error?.traceback.map((f) => [f.name, f.span.line]), [['Net.forward', 10], ['<module>', 13]]);
  });

  it('mse_loss of a float32 output and float64 targets computes, and its backward stops at the backward line, as PyTorch 1.13\'s', () => {
    const source = [
      'import torch',
      'import torch.nn.functional as F',
      'w = torch.ones(3, requires_grad=True)',
      'y = torch.zeros(3, dtype=torch.float64)',
      'loss = F.mse_loss(w * 2, y)',
      'print(loss)',
      'loss.backward()',
    ].join('\n');
    const r = runOn(wasm, source);
    assert.equal(r.output, 'tensor(4., dtype=torch.float64, grad_fn=<MseLossBackward0>)\n');
    assert.equal(errorOf(r), 'script.py:7:1: error: RuntimeError: Found dtype Double but expected Float');
  });

  it('a legacy tensor type of a dtype Gradlens lacks is refused at the line that constructs one, naming the dtype and what to use', () => {
    const r = runOn(wasm, 'import torch\nok = isinstance(torch.ones(2), torch.HalfTensor)\nmask = torch.HalfTensor([1, 0])\n');
    assert.equal(errorOf(r), 'script.py:3:8: error: NotImplementedError: torch.HalfTensor makes float16 tensors, which Gradlens does not support (its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool); use torch.FloatTensor');
  });
  it('a backward through a node that saved a tensor whose .data was set since is refused, where PyTorch would read the new values', () => {
    const source = [
      'import torch',
      'w = torch.ones(3, requires_grad=True)',
      'loss = (w * w).sum()',
      'w.data = torch.full((3,), 5.0)',
      'loss.backward()',
    ].join('\n');
    assert.equal(errorOf(runOn(wasm, source)), 'script.py:5:1: error: RuntimeError: a float32[3] tensor that MulBackward0 saved for backward was given new memory by `.data = ...` since: '
      + "PyTorch's backward reads the new values, Gradlens keeps the saved ones. Set .data after backward(), or run the forward again after setting it");
  });

  it('pack_padded_sequence of lengths not longest first fails at the call with PyTorch\'s message; lengths past the padded steps are refused', () => {
    const source = [
      'import torch',
      'from torch.nn.utils.rnn import pack_padded_sequence',
      'x = torch.zeros(4, 3, 2)',
      'packed = pack_padded_sequence(x, [4, 2, 1])',
      'packed = pack_padded_sequence(x, [3, 4, 2])',
    ].join('\n');
    assert.equal(errorOf(runOn(wasm, source)), 'script.py:5:10: error: RuntimeError: `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. '
      + 'You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.');
    // NB: PyTorch 1.13 packs fewer rows than its batch_sizes count here, without a word.
    assert.match(errorOf(runOn(wasm, source.replace('[3, 4, 2]', '[5, 2, 1]'))), /^script\.py:5:10: error: ValueError: pack_padded_sequence: a length of 5 is longer than the padded input's 4 steps/);
  });
});
