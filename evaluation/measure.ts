/** Steady-state timing and per-line sums, shared by both engines' runs. */
import type { TimingRequest } from '../protocol/evaluate';
import type { CallTimes, LineTiming, Numbers } from '../protocol/results';

/** Calls after the first that a steady-state time may take, and the time they may spend in all. */
export const STEADY_CALLS = 7;
export const STEADY_BUDGET_MS = 250;

/** The median of a few more calls of `once` (each resolving to its own milliseconds), within the budget. */
export async function steadyMs(once: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < STEADY_CALLS && (times.length === 0 || performance.now() - started < STEADY_BUDGET_MS)) times.push(await once());
  return median(times);
}

/** `gradlens bench`'s times of `once` (each resolving to its own milliseconds): its best and median after the warm-up calls. */
export async function timeCalls(once: () => Promise<number>, timing: TimingRequest): Promise<CallTimes> {
  for (let i = 0; i < timing.warmups; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < timing.calls; i++) times.push(await once());
  return { bestMs: roundMs(Math.min(...times)), medianMs: roundMs(median(times)), calls: times.length };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds rounded to the microsecond, as results carry them. */
export const roundMs = (ms: number): number => Number(ms.toFixed(3));

/** Sums of op times by line, in line order. */
export function lineTimings(ops: readonly { readonly ms: number; readonly line: number | null }[]): LineTiming[] {
  const byLine = new Map<number, { ms: number; ops: number }>();
  for (const op of ops) {
    if (op.line === null) continue;
    const t = byLine.get(op.line) ?? { ms: 0, ops: 0 };
    t.ms += op.ms;
    t.ops++;
    byLine.set(op.line, t);
  }
  return [...byLine].sort(([a], [b]) => a - b).map(([line, t]) => ({ line, ms: roundMs(t.ms), ops: t.ops }));
}

/** The first NaN or Inf in the numbers, as NonFinite names it. */
export function firstNonFinite(v: Numbers | string): 'nan' | 'inf' | '-inf' | null {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = firstNonFinite(x);
      if (f) return f;
    }
  }
  return null;
}
