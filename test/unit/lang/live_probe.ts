import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { createModule, pyFunction } from '../../../lang/python';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * Runs `source` on a fresh reference backend with a `probe` module whose `live()` counts the
 * arrays alive now; what it printed, or its error. The time budget is wide: these tests are about
 * memory, and a loaded machine is slow.
 */
export function runWithLiveProbe(source: string): string {
  const backend = createReferenceBackend();
  const live = pyFunction('live', () => BigInt(backend.liveCount()));
  const modules = { probe: { create: () => createModule('probe', { live }) } };
  const r = runPython(source, new EagerEngine(backend), { file: 'x.py', modules, budgets: { maxTensorBytes: 64 << 20, maxWallMs: 300_000 } });
  return r.error ? formatError(r.error) : r.output;
}
