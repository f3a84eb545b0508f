import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { createModule, pyFunction } from '../../../lang/python';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/** An engine on a fresh reference backend, and a module `probe` whose `live()` counts the arrays alive on it now. */
export function liveProbe() {
  const backend = createReferenceBackend();
  const live = pyFunction('live', () => BigInt(backend.liveCount()));
  return { backend, engine: new EagerEngine(backend), modules: { probe: { create: () => createModule('probe', { live }) } } };
}

/**
 * Runs `source` with the live probe under a tensor budget of `tensorMiB`; what it printed, or its
 * error. The time budget is wide: these tests are about memory, and a loaded machine is slow.
 */
export function runWithLiveProbe(source: string, tensorMiB = 64): string {
  const { engine, modules } = liveProbe();
  const r = runPython(source, engine, { file: 'x.py', modules, budgets: { maxTensorBytes: tensorMiB << 20, maxWallMs: 300_000 } });
  return r.error ? formatError(r.error) : r.output;
}
