/** Running a script with torch available: the tensors it makes are freed when it ends. */
import type { EagerEngine } from '../../../runtime/eager';
import { run, type RunOptions, type RunResult } from '../run';
import { torchModules } from './module';

/**
 * `run(source)` with `torch` backed by `engine`. The run is wrapped in `engine.tidy`, so every
 * tensor it made is freed at the end, and grad mode is restored whatever the script left it in.
 */
export function runTorch(source: string, engine: EagerEngine, options: RunOptions = {}): RunResult {
  const gradMode = engine.gradEnabled;
  try {
    return engine.tidy(() => run(source, { ...options, modules: { ...torchModules(engine, options.modules?.numpy), ...options.modules } }));
  } finally {
    engine.setGradEnabled(gradMode);
    engine.span = null;
  }
}
