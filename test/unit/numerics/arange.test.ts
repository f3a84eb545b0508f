import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * Float aranges bit for bit as NumPy 1.24, JAX 0.4.35 and PyTorch 1.13 make them, for 200 random
 * (start, stop, step) (test/fixtures/random/aranges.py records them): `np.arange(-5, 5, 0.1)`
 * steps by 0.09999999999999964, the difference of its first two stored values, and PyTorch's
 * kernel adds vector lanes to a base with FMAs, so `start + i * step` misses the last bit of most.
 * NumPy and float64 run on the reference backend, float32 torch on wasm (as scripts do).
 */
type Recorded = { cases: (RecordedStream & { library: 'numpy' | 'jax' | 'torch' })[] };
const FIXTURE: Recorded = JSON.parse(readFileSync('test/fixtures/random/aranges.json', 'utf8'));
/**
 * torch.linspace for 600 random (start, end, steps), float32 and float64: PyTorch's kernel makes each
 * vector's base with an FMA, from the start in the first half and from the end in the second.
 */
const LINSPACES: Recorded = JSON.parse(readFileSync('test/fixtures/random/linspaces.json', 'utf8'));

const IMPORTS = { numpy: 'import numpy as np', jax: 'import jax.numpy as jnp', torch: 'import torch' } as const;

describe('arange and linspace: every value as NumPy, JAX and PyTorch make it', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });
  for (const c of [...FIXTURE.cases, ...LINSPACES.cases]) {
    it(c.name, () => {
      const backend = c.library === 'torch' && !c.code.includes('float64') ? wasm : createReferenceBackend();
      const r = runPython(`${IMPORTS[c.library]}\n${c.code}\nprint(out.tolist())\n`, new EagerEngine(backend), { file: 'arange.py' });
      assert.equal(r.error ? formatError(r.error) : null, null);
      assertSameStream(JSON.parse(r.output), c);
    });
  }
});
