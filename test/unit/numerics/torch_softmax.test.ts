import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * float32 softmax, log_softmax, cross_entropy and nll_loss print PyTorch's last digit: each case of
 * test/fixtures/random/torch_softmax.json (torch_softmax.py records it) is seeded randn logits of a
 * random (rows, classes) shape (classes 1 to 20, 100, 1000), over the last dim and others, 3-d and
 * 4-d, a transposed input, losses with weights, ignore_index, sum and mean over up to 5,000 rows,
 * and what PyTorch 1.13 gave, bit for bit. Before, 160 of 243 such lines printed another last digit.
 */
const FIXTURE: { cases: RecordedStream[] } = JSON.parse(readFileSync('test/fixtures/random/torch_softmax.json', 'utf8'));

describe('numerics: torch softmax, log_softmax and their losses bit for bit as PyTorch 1.13 on the CPU', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const r = runTorch(`import torch\nimport torch.nn.functional as F\n${c.code}\nprint(out.flatten().tolist())\n`, new EagerEngine(wasm), { file: 'softmax.py' });
      assert.equal(r.error ? formatError(r.error) : null, null);
      assertSameStream(JSON.parse(r.output), c);
    });
  }
});
