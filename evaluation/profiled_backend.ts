/**
 * A backend that times each primitive it runs and charges it to the source span being evaluated,
 * so the eager run can say how long each line's ops took; asked to, it also finds the first op
 * whose result holds a NaN or an Inf. Everything else passes through.
 */
import { isFloat } from '../runtime/core';
import type { Backend, DeviceArray } from '../runtime/backends';
import type { SourceSpan } from '../runtime/core';
import type { Primitive } from '../runtime/primitives';
import { firstNonFinite } from './measure';

export interface OpTiming {
  readonly prim: Primitive;
  readonly ms: number;
  /** The source line the op ran for; null outside the user's code (backward, set-up). */
  readonly line: number | null;
}

export interface NonFiniteOp {
  readonly prim: Primitive;
  readonly span: SourceSpan | null;
  readonly value: 'nan' | 'inf' | '-inf';
}

export interface Profiler {
  /** The backend to compute on: `inner` with `run` timed while recording. */
  readonly backend: Backend;
  /** The span being evaluated, asked of whoever drives the backend (the eager engine). */
  spanOf: () => SourceSpan | null;
  /** Starts timing ops; with `checkFinite`, keeps each float result to be read back when recording stops. */
  startRecording(checkFinite?: boolean): void;
  /** The ops run since `startRecording`, in order, and the first with a non-finite result. */
  stopRecording(): Promise<{ readonly ops: OpTiming[]; readonly nonFinite: NonFiniteOp | null }>;
}

export function profile(inner: Backend): Profiler {
  let recorded: OpTiming[] | null = null;
  let check = false;
  // NB: the checked results are read back in one readMany when recording stops, never one by one
  // with readSync (on webgpu that copies through canvas textures, which loses SwiftShader's
  // device); whoever frees one meanwhile has it freed after that read.
  let checked: { readonly prim: Primitive; readonly span: SourceSpan | null; readonly array: DeviceArray }[] = [];
  const held = new Set<DeviceArray>();
  const freeLater = new Set<DeviceArray>();
  // NB: a prototype delegate rather than a copy of each method, so that whatever a backend adds
  // (readMany, shaders) passes through untouched.
  const backend: Backend = Object.create(inner);
  const profiler: Profiler = {
    backend,
    spanOf: () => null,
    startRecording: (checkFinite = false) => {
      recorded = [];
      check = checkFinite;
    },
    stopRecording: async () => {
      const ops = recorded ?? [];
      recorded = null;
      const pending = checked;
      checked = [];
      try {
        const values = pending.length > 0 ? await inner.readMany(pending.map((c) => c.array)) : [];
        for (const [k, v] of values.entries()) {
          const value = firstNonFinite(Array.from(v));
          if (value) return { ops, nonFinite: { prim: pending[k].prim, span: pending[k].span, value } };
        }
        return { ops, nonFinite: null };
      } finally {
        held.clear();
        for (const x of freeLater) inner.dispose(x);
        freeLater.clear();
      }
    },
  };
  backend.run = (prim, inputs, params, out) => {
    if (!recorded) return inner.run(prim, inputs, params, out);
    const t0 = performance.now();
    const result = inner.run(prim, inputs, params, out);
    const ms = performance.now() - t0;
    const span = profiler.spanOf();
    recorded.push({ prim, ms, line: span?.line ?? null });
    if (check && isFloat(out.dtype)) {
      checked.push({ prim, span, array: result });
      held.add(result);
    }
    return result;
  };
  backend.dispose = (x) => {
    if (held.has(x)) freeLater.add(x);
    else inner.dispose(x);
  };
  return profiler;
}
