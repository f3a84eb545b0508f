/**
 * A backend that times each primitive it runs and charges it to the source line being evaluated,
 * so the eager run can say how long each line's ops took. Everything else passes through.
 */
import type { Backend } from '../runtime/backends';
import type { Primitive } from '../runtime/primitives';

export interface OpTiming {
  readonly prim: Primitive;
  readonly ms: number;
  /** The source line the op ran for; null outside the user's code (backward, set-up). */
  readonly line: number | null;
}

export interface Profiler {
  /** The backend to compute on: `inner` with `run` timed while recording. */
  readonly backend: Backend;
  /** The line being evaluated, asked of whoever drives the backend (the eager engine). */
  lineOf: () => number | null;
  startRecording(): void;
  /** The ops run since `startRecording`, in order. */
  stopRecording(): OpTiming[];
}

export function profile(inner: Backend): Profiler {
  let recorded: OpTiming[] | null = null;
  // NB: a prototype delegate rather than a copy of each method, so that whatever a backend adds
  // (readMany, shaders) passes through untouched.
  const backend: Backend = Object.create(inner);
  const profiler: Profiler = {
    backend,
    lineOf: () => null,
    startRecording: () => {
      recorded = [];
    },
    stopRecording: () => {
      const ops = recorded ?? [];
      recorded = null;
      return ops;
    },
  };
  backend.run = (prim, inputs, params, out) => {
    if (!recorded) return inner.run(prim, inputs, params, out);
    const t0 = performance.now();
    const result = inner.run(prim, inputs, params, out);
    recorded.push({ prim, ms: performance.now() - t0, line: profiler.lineOf() });
    return result;
  };
  return profiler;
}
