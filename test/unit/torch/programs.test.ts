import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * Each test/fixtures/torch/NAME.py prints exactly NAME.expected, which is what PyTorch 1.13 printed
 * for it (regenerate.sh). Programs run on the wasm backend, as users' do; a program whose first
 * lines say `gradlens-test: every backend` (float64) runs on wasm, cpu and reference alike; one whose
 * first lines say `gradlens-test: wall=50s` (a long training loop) may run that long.
 */
const DIR = 'test/fixtures/torch';

describe('torch shim: programs print what PyTorch 1.13 prints', () => {
  const backends = new Map<string, Backend>();
  before(async () => {
    backends.set('wasm', await createTfjsBackend('wasm'));
    backends.set('cpu', await createTfjsBackend('cpu'));
    backends.set('reference', createReferenceBackend());
  });

  const programs = readdirSync(join(process.cwd(), DIR)).filter((f) => f.endsWith('.py')).sort();
  for (const name of programs) {
    const source = readFileSync(join(process.cwd(), DIR, name), 'utf8');
    const where = /gradlens-test: every backend/.test(source.split('\n').slice(0, 3).join('\n')) ? ['wasm', 'cpu', 'reference'] : ['wasm'];
    for (const on of where) it(where.length > 1 ? `${name} on ${on}` : name, () => {
      const expected = readFileSync(join(process.cwd(), DIR, name.replace(/\.py$/, '.expected')), 'utf8');
      const backend = backends.get(on)!;
      const live = backend.liveCount();
      // A training loop may say how long it may run (`gradlens-test: wall=50s`): the time budget is not what it tests.
      const wall = /gradlens-test: wall=(\d+)s/.exec(source.split('\n').slice(0, 3).join('\n'));
      const budgets = wall ? { maxWallMs: Number(wall[1]) * 1000 } : undefined;
      const r = runTorch(source, new EagerEngine(backend), { file: `${DIR}/${name}`, ...(budgets ? { budgets } : {}) });
      assert.equal(r.error ? formatError(r.error) : null, null);
      assert.equal(r.output, expected);
      assert.equal(backend.liveCount(), live, 'every tensor the script made is freed when it ends');
    });
  }
});
