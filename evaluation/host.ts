/**
 * An execution host: one backend, opened once, that evaluates requests one after another. The
 * server and the CLI open one on the CPU; the webview opens one on its GPU.
 */
import { openBackend, releasePooledArrays } from '../runtime/backends';
import type { CancelSignal, RunOptions, RunResult } from '../lang/python';
import { EagerEngine } from '../runtime/eager';
import type { EvaluateRequest } from '../protocol/evaluate';
import type { BackendSetting } from '../protocol/backends';
import type { BackendInfo, EvaluationOutcome } from '../protocol/results';
import { evaluate } from './evaluate';
import { profile } from './profiled_backend';
import { runPython } from './run_python';
import type { FigureListener } from '../lang/python/matplotlib';

export interface ExecutionHost {
  readonly backend: BackendInfo;
  evaluate(request: EvaluateRequest, signal?: CancelSignal): Promise<EvaluationOutcome>;
  /**
   * Runs a whole script (`gradlens run`) with torch, jax, numpy and matplotlib; `options.stdout` gets
   * what it prints as it prints it, `shown` each figure it shows.
   */
  runScript(source: string, options: RunOptions, shown?: FigureListener): RunResult;
  dispose(): void;
}

export async function openExecutionHost(setting: BackendSetting): Promise<ExecutionHost> {
  const opened = await openBackend(setting);
  const profiler = profile(opened.backend);
  // Evaluations share one backend and its timings: they run one at a time, in order.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    // After a lost GPU device the backend runs on wasm, and says so.
    get backend() {
      return opened.info;
    },
    // NB: what an evaluation or a script ends with, its arrays freed, is the kernels' pool of spare
    // arrays: handed to the garbage collector, as the next one's shapes may all differ.
    evaluate(request, signal) {
      const next = queue.then(() => evaluate(request, profiler, opened.info, signal)).finally(releasePooledArrays);
      queue = next.catch(() => undefined);
      return next;
    },
    runScript(source, options, shown) {
      try {
        return runPython(source, new EagerEngine(opened.backend), options, shown);
      } finally {
        releasePooledArrays();
      }
    },
    dispose() {
      // The backends hold no resources beyond their arrays, which each evaluation frees.
    },
  };
}
