/**
 * The latest evaluation outcome of each function, per document. An outcome is kept only while the
 * function's text hashes the same as when it was evaluated; whichever side computed it (the
 * server's CPU host or the client's own) does not matter here.
 */
import type { EvaluationOutcome } from '../protocol';
import type { DocumentAnalysis } from './analysis';

export function outcomeKey(outcome: EvaluationOutcome): { uri: string; function: string; sourceHash: string } {
  return outcome.ok ? outcome.result : outcome.error;
}

export class ResultStore {
  /** Each outcome with the line its function started on (0-based) when it was stored or last moved. */
  private readonly byDocument = new Map<string, Map<string, { outcome: EvaluationOutcome; line: number }>>();

  get(uri: string, fn: string): EvaluationOutcome | undefined {
    return this.byDocument.get(uri)?.get(fn)?.outcome;
  }

  /** Stores the outcome unless it was computed from text the document no longer has; true when stored. */
  put(outcome: EvaluationOutcome, analysis: DocumentAnalysis | undefined): boolean {
    const { uri, function: fn, sourceHash } = outcomeKey(outcome);
    const current = analysis?.functions.find((f) => f.qualname === fn);
    if (!current || current.sourceHash !== sourceHash) return false;
    let results = this.byDocument.get(uri);
    if (!results) this.byDocument.set(uri, (results = new Map()));
    results.set(fn, { outcome, line: current.range.start.line });
    return true;
  }

  /**
   * Drops what the new analysis makes stale; true when anything was dropped. An outcome kept whose
   * function moved (lines added above it, an earlier notebook cell edited) moves its places with it.
   */
  prune(uri: string, analysis: DocumentAnalysis): boolean {
    const results = this.byDocument.get(uri);
    if (!results) return false;
    const functions = new Map(analysis.functions.map((f) => [f.qualname, f]));
    let dropped = false;
    for (const [fn, kept] of results) {
      const current = functions.get(fn);
      if (current?.sourceHash === outcomeKey(kept.outcome).sourceHash) {
        const by = current.range.start.line - kept.line;
        if (by !== 0) results.set(fn, { outcome: movedLines(kept.outcome, by), line: current.range.start.line });
        continue;
      }
      results.delete(fn);
      dropped = true;
    }
    return dropped;
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
  }
}

/** `value` with every source line in it (each `line` and `endLine` field of the protocol's results) moved by `by`. */
function movedLines<T>(value: T, by: number): T {
  if (Array.isArray(value)) return (typeof value[0] === 'number' ? value : value.map((v: unknown) => movedLines(v, by))) as T;
  if (value === null || typeof value !== 'object') return value;
  const moved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) moved[k] = (k === 'line' || k === 'endLine') && typeof v === 'number' ? v + by : movedLines(v, by);
  return moved as T;
}
