import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * What a script that asks for a GPU or writes a file sees at the line (the device plumbing that
 * runs is in test/fixtures/torch/quickstart_devices.py): PyTorch's CPU build's words, with what to
 * write instead as a note, which `str(e)` leaves out as Python's does.
 */
describe('torch: devices and files at the line', () => {
  const run = (source: string) => {
    const r = runTorch(source, new EagerEngine(createReferenceBackend()), { file: 'train.py' });
    return { output: r.output, error: r.error ? formatError(r.error) : null };
  };

  it("x.to('cuda') uncaught: the CPU build's AssertionError at the line, then what to write instead", () => {
    const r = run('import torch\nx = torch.ones(2)\nprint("ran")\ny = x.to("cuda")\n');
    assert.equal(r.output, 'ran\n');
    assert.equal(r.error, "train.py:4:5: error: AssertionError: Torch not compiled with CUDA enabled\nGradlens computes as PyTorch's CPU build does: use device='cpu', or torch.device('cuda' if torch.cuda.is_available() else 'cpu')");
  });

  it('torch.save keeps the file for the run (saying so), and torch.load of a file the run did not save stops at its line', () => {
    const saved = run('import torch\nmodel = torch.nn.Linear(2, 1)\nprint("trained")\ntorch.save(model.state_dict(), "model.pth")\nprint("after")\n');
    assert.equal(saved.output, 'trained\nafter\n');
    assert.equal(saved.error, null);
    assert.match(run('import torch\nstate = torch.load("model.pth")\n').error ?? '', /^train\.py:2:9: error: torch\.load\('model\.pth'\): Gradlens reads no files/);
  });
});
