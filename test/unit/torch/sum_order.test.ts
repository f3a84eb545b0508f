import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * Float sums and means add in PyTorch 1.13's CPU order, so they print PyTorch's last digit: each
 * case of test/fixtures/random/torch_sums.json (torch_sums.py records it) is a sum or mean of
 * seeded randn values over a random shape, dims and keepdim, of a permuted or strided view or
 * not, and what PyTorch gave, bit for bit. float32 cases run on wasm, as users' scripts do;
 * float64 ones on the reference backend.
 */
const FIXTURE: { cases: (RecordedStream & { float64: boolean })[] } =
  JSON.parse(readFileSync('test/fixtures/random/torch_sums.json', 'utf8'));

describe('torch sums and means: bit for bit as PyTorch 1.13 adds them on the CPU', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const backend = c.float64 ? createReferenceBackend() : wasm;
      const r = runTorch(`import torch\n${c.code}\nprint(out.flatten().tolist())\n`, new EagerEngine(backend), { file: 'sums.py' });
      assert.equal(r.error ? formatError(r.error) : null, null);
      assertSameStream(JSON.parse(r.output), c);
    });
  }
});
