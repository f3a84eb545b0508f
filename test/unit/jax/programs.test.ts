import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * Each test/fixtures/jax/NAME.py prints exactly NAME.expected, written from what JAX 0.4.3x and
 * NumPy print for it (JAX is not installed here; only cases whose output is certain are kept).
 * NAME.error, where present, is the error line the run must end with. Programs run on wasm, or on
 * wasm, cpu and the reference backend alike when their first lines say `gradlens-test: every backend`.
 */
const DIR = 'test/fixtures/jax';

describe('jax shim: programs print what JAX prints', () => {
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
      const path = join(process.cwd(), DIR, name);
      const expected = readFileSync(path.replace(/\.py$/, '.expected'), 'utf8');
      const errorFile = path.replace(/\.py$/, '.error');
      const error = existsSync(errorFile) ? readFileSync(errorFile, 'utf8').trim() : null;
      const backend = backends.get(on)!;
      const live = backend.liveCount();
      const r = runPython(source, new EagerEngine(backend), { file: `${DIR}/${name}` });
      assert.equal(r.error ? formatError(r.error) : null, error);
      assert.equal(r.output, expected);
      assert.equal(backend.liveCount(), live, 'every array the script made is freed when it ends');
    });
  }
});
