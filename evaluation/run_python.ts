/** Running a script with torch, jax, numpy and matplotlib all available; every array it made is freed when it ends. */
import { jaxSession } from '../lang/python/jax';
import type { RunOptions, RunResult } from '../lang/python';
import { runTorch } from '../lang/python/torch';
import type { EagerEngine } from '../runtime/eager';
import type { FigureListener } from '../lang/python/matplotlib';

/**
 * `runTorch` with the jax, numpy and matplotlib shims registered over the same backend as the eager
 * engine; `shown` hears each figure the script shows (the ones still open when it ends last). A
 * registry the caller passes in `options.modules` overrides them.
 */
export function runPython(source: string, engine: EagerEngine, options: RunOptions = {}, shown?: FigureListener): RunResult {
  const jax = jaxSession(engine.backend, { source, ...(shown ? { onFigure: shown } : {}) });
  try {
    return runTorch(source, engine, { ...options, modules: { ...jax.modules, ...options.modules } });
  } finally {
    jax.dispose();
  }
}
