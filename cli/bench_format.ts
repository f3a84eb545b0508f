/**
 * What `gradlens bench` prints: each engine's forward and value-and-gradient times (best and
 * median), then the per-line table the hover shows (each line's eager time and ops, the jit
 * kernels it went into); or, with --json, the same as one object.
 */
import { backendLabel, msText, summarize, type EngineTimes, type EvaluationResult } from '../protocol';
import type { TimingRequest } from '../protocol/evaluate';
import { toWire } from '../protocol/wire';

/** Where the function is and the source's lines, to show each timed line's text. */
export interface BenchPlace {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly sourceLines: readonly string[];
}

/** Rows of cells as aligned columns: `align` has an `l` (text) or `r` (numbers) a column. */
function columns(rows: readonly (readonly string[])[], align: string): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (align[c] === 'l' ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

function timesRow(engine: string, t: EngineTimes): string[] {
  return [engine, msText(t.forward.bestMs), msText(t.forward.medianMs), msText(t.valueAndGrad.bestMs), msText(t.valueAndGrad.medianMs)];
}

export function benchText(r: EvaluationResult, place: BenchPlace, timing: TimingRequest): string {
  const args = Object.entries(r.inputs).map(([k, v]) => `${k}=${summarize(v, '‖·‖')}`).join(', ');
  const out = [`${place.file}:${place.line}:${place.col}: ${r.function}(${args}) = ${summarize(r.value, '‖·‖')} · ${backendLabel(r.backend)} · best and median of ${timing.calls} calls after ${timing.warmups} warm-up call${timing.warmups === 1 ? '' : 's'}, each until its results are read back`, ''];
  const engines: string[][] = [['', 'forward best', 'forward median', 'value+grad best', 'value+grad median']];
  if (r.eager?.times) engines.push(timesRow('eager', r.eager.times));
  if (r.jit?.times) engines.push(timesRow('jit', r.jit.times));
  out.push(...columns(engines, 'lrrrr'));
  const notes = [
    ...(r.eager ? [`eager: ${r.eager.ops} op${r.eager.ops === 1 ? '' : 's'}`] : []),
    ...(r.jit ? [`jit: trace ${msText(r.jit.traceMs)}, compile ${msText(r.jit.compileMs)}, ${r.jit.kernels} kernel${r.jit.kernels === 1 ? '' : 's'}`] : []),
  ];
  out.push('', notes.join(' · '));
  const lines = lineRows(r, place);
  if (lines.length > 0) {
    out.push('', ...columns([['line', 'eager (one call)', 'ops', 'jit kernels', 'source'], ...lines.map((l) => [
      String(l.line), l.eagerMs === null ? '' : msText(l.eagerMs), l.ops === null ? '' : String(l.ops),
      l.kernels.map((k) => `#${k}`).join(', '), l.source,
    ])], 'rrrll'));
  }
  return `${out.join('\n')}\n`;
}

interface LineRow {
  readonly line: number;
  /** The line's ops in one eager call (null where the eager engine did not run it). */
  readonly eagerMs: number | null;
  readonly ops: number | null;
  /** The fused jit kernels its equations went into. */
  readonly kernels: readonly number[];
  readonly source: string;
}

/** Every line with an eager time or a jit kernel, in line order. */
function lineRows(r: EvaluationResult, place: BenchPlace): LineRow[] {
  const numbers = new Set([...(r.eager?.lines ?? []).map((l) => l.line), ...(r.jit?.lineKernels ?? []).map((l) => l.line)]);
  return [...numbers].sort((a, b) => a - b).map((line) => {
    const eager = r.eager?.lines.find((l) => l.line === line);
    return {
      line,
      eagerMs: eager ? eager.ms : null,
      ops: eager ? eager.ops : null,
      kernels: r.jit?.lineKernels.find((l) => l.line === line)?.kernels ?? [],
      source: (place.sourceLines[line - 1] ?? '').trim(),
    };
  });
}

function timesJson(t: EngineTimes) {
  const of = (c: EngineTimes['forward']) => ({ best_ms: c.bestMs, median_ms: c.medianMs, calls: c.calls });
  return { forward: of(t.forward), value_and_grad: of(t.valueAndGrad) };
}

export function benchJson(r: EvaluationResult, place: BenchPlace, timing: TimingRequest, jitError: string | null): string {
  const engines: Record<string, unknown> = {};
  if (r.eager?.times) engines.eager = { ...timesJson(r.eager.times), ops: r.eager.ops };
  if (r.jit?.times) engines.jit = { ...timesJson(r.jit.times), trace_ms: r.jit.traceMs, compile_ms: r.jit.compileMs, kernels: r.jit.kernels };
  const lines = lineRows(r, place).map((l) => ({ line: l.line, eager_ms: l.eagerMs, ops: l.ops, jit_kernels: l.kernels, source: l.source }));
  // NB: JSON has no NaN or infinities: the inputs go as the LSP's wire writes them.
  return `${JSON.stringify(toWire({
    file: place.file, function: r.function, line: place.line, backend: r.backend.name, inputs: r.inputs, value: r.value,
    calls: timing.calls, warmups: timing.warmups, engines, lines,
    ...(jitError ? { jit_error: jitError } : {}),
  }))}\n`;
}
