/**
 * `gradlens run --trace loss,acc`: each traced name's values, one a time it was assigned, as CSV
 * (a `step` column, then one column a name; a cell is empty where that name has no value at that
 * step) or JSON; and what the user should know of a trace (thinned, never assigned, not a scalar).
 */
import type { Trace } from '../evaluation/worker';
import { TRACE_POINTS } from '../evaluation/worker';
import { formatNumber } from '../protocol';

export const TRACE_FORMATS = ['csv', 'json'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export function traceText(traces: readonly Trace[], format: TraceFormat): string {
  return format === 'csv' ? traceCsv(traces) : `${JSON.stringify({ traces: traces.map(jsonTrace) }, null, 2)}\n`;
}

/** The steps each kept value was assigned at: every `stride`-th from 0. */
function steps(t: Trace): number[] {
  return t.values.map((_, k) => k * t.stride);
}

function traceCsv(traces: readonly Trace[]): string {
  const plotted = traces.filter((t) => t.notScalar === undefined);
  const columns = plotted.map((t) => new Map(steps(t).map((step, k) => [step, t.values[k]])));
  const all = [...new Set(plotted.flatMap(steps))].sort((a, b) => a - b);
  const rows = all.map((step) => [String(step), ...columns.map((c) => (c.has(step) ? formatNumber(c.get(step)!) : ''))].join(','));
  return `${['step', ...plotted.map((t) => t.name)].join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
}

/** NB: JSON has no NaN or Infinity: those values are written as the strings "nan", "inf", "-inf". */
function jsonTrace(t: Trace): object {
  const value = (v: number) => (Number.isFinite(v) ? v : formatNumber(v));
  return { name: t.name, count: t.count, stride: t.stride, steps: steps(t), values: t.values.map(value), ...(t.notScalar ? { notScalar: t.notScalar } : {}) };
}

/** What stderr says of the traces: a name never assigned, one that is not a scalar, one thinned. */
export function traceNotes(file: string, names: readonly string[], traces: readonly Trace[]): string[] {
  const byName = new Map(traces.map((t) => [t.name, t]));
  return names.flatMap((name) => {
    const t = byName.get(name);
    if (!t) return [`${file}: warning: --trace ${name}: the script never assigned '${name}'; nothing traced`];
    if (t.notScalar) return [`${file}: warning: --trace ${name}: '${name}' holds ${t.notScalar}, not a scalar; --trace records floats, ints and 0-d tensors (use loss.item() or a 0-d value)`];
    if (t.stride > 1) return [`${file}: note: --trace ${name}: ${t.count.toLocaleString('en-US')} values, every ${t.stride}th kept (a trace keeps at most ${TRACE_POINTS.toLocaleString('en-US')})`];
    return [];
  });
}
