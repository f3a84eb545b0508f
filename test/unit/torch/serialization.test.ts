import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * torch.save and torch.load within one run (lang/python/torch/serialization.ts): what was saved
 * loads back, with a warning at the save that no file was written; a path the run never saved,
 * or a file object, stops at its line and says what to do. The recipes themselves, with
 * PyTorch's output, are test/fixtures/torch/save_load_checkpoint.py.
 */
describe('torch.save and torch.load: kept in memory for the run, said so at the line', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });
  const run = (source: string) => runTorch(source, new EagerEngine(wasm), { file: 'save.py' });

  it('the Quickstart\'s save then load: the weights come back, and the save line warns that no file was written', () => {
    const r = run("import torch\nm = torch.nn.Linear(2, 1)\ntorch.save(m.state_dict(), 'model.pth')\nn = torch.nn.Linear(2, 1)\nprint(n.load_state_dict(torch.load('model.pth')))\nprint(torch.equal(n.weight, m.weight))\n");
    assert.equal(r.error ? formatError(r.error) : null, null);
    assert.match(r.stderr, /save\.py:3: UserWarning: Gradlens kept 'model\.pth' in memory for this run and wrote no file/);
    assert.match(r.output, /<All keys matched successfully>\nTrue\n$/);
  });

  it('a path this run did not save stops at its line, naming it', () => {
    const r = run("import torch\nx = 1\nsd = torch.load('pretrained.pth')\n");
    assert.ok(r.error);
    const text = formatError(r.error);
    assert.ok(text.startsWith('save.py:3:'), text);
    assert.match(text, /torch\.load\('pretrained\.pth'\): Gradlens reads no files, and this run did not torch\.save 'pretrained\.pth'/);
  });

  it('a file object is refused at its line with what to pass instead', () => {
    const r = run("import io\nimport torch\nbuffer = io.StringIO()\ntorch.save(torch.ones(2), buffer)\n");
    assert.ok(r.error);
    const text = formatError(r.error);
    assert.ok(text.startsWith('save.py:4:'), text);
    assert.match(text, /pass a path such as 'model\.pth'/);
  });

  it('a loaded tensor is a copy: changing the saved one later does not change it', () => {
    const r = run("import warnings\nimport torch\nwarnings.simplefilter('ignore')\nw = torch.ones(3)\ntorch.save({'w': w}, 'w.pt')\nw.add_(1)\nprint(torch.load('w.pt')['w'], w)\n");
    assert.equal(r.error ? formatError(r.error) : null, null);
    assert.equal(r.output, 'tensor([1., 1., 1.]) tensor([2., 2., 2.])\n');
  });
});
