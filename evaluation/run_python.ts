/** Running a script with torch, jax and numpy all available; every array it made is freed when it ends. */
import { jaxSession } from '../lang/python/jax';
import type { RunOptions, RunResult } from '../lang/python';
import { runTorch } from '../lang/python/torch';
import type { EagerEngine } from '../runtime/eager';

/**
 * `runTorch` with the jax and numpy shims registered over the same backend as the eager engine.
 * A registry the caller passes in `options.modules` overrides both.
 */
export function runPython(source: string, engine: EagerEngine, options: RunOptions = {}): RunResult {
  const jax = jaxSession(engine.backend, { source });
  try {
    return runTorch(source, engine, { ...options, modules: { ...jax.modules, ...options.modules } });
  } finally {
    jax.dispose();
  }
}
