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

/** A function's outcome as its lens and value hint show it: `stale` when an edit since made it a result of other text. */
export interface ShownOutcome {
  readonly outcome: EvaluationOutcome;
  readonly stale: boolean;
}

export class ResultStore {
  /**
   * Each outcome with the line its function started on (0-based) when it was stored or last moved,
   * and whether an edit has made it stale: a result is kept, stale, until its function is computed
   * again (or is gone), so that its lens and value hint show the last numbers while the user types.
   */
  private readonly byDocument = new Map<string, Map<string, { outcome: EvaluationOutcome; line: number; stale: boolean }>>();

  /** The function's outcome for the text as it is: none while it is stale. */
  get(uri: string, fn: string): EvaluationOutcome | undefined {
    const kept = this.byDocument.get(uri)?.get(fn);
    return kept && !kept.stale ? kept.outcome : undefined;
  }

  /** The function's outcome for the text as it is, else the last result an edit made stale. */
  shown(uri: string, fn: string): ShownOutcome | undefined {
    return this.byDocument.get(uri)?.get(fn);
  }

  /**
   * Stores the outcome unless it was computed from text the document no longer has, or it says
   * only that the evaluation was cancelled (the result before it stays, current or stale, and
   * live mode computes the function again); true when stored.
   */
  put(outcome: EvaluationOutcome, analysis: DocumentAnalysis | undefined): boolean {
    const { uri, function: fn, sourceHash } = outcomeKey(outcome);
    const current = analysis?.functions.find((f) => f.qualname === fn);
    if (!current || current.sourceHash !== sourceHash || (!outcome.ok && outcome.error.kind === 'cancelled')) return false;
    let results = this.byDocument.get(uri);
    if (!results) this.byDocument.set(uri, (results = new Map()));
    results.set(fn, { outcome, line: current.range.start.line, stale: false });
    return true;
  }

  /**
   * Marks stale what the new analysis makes stale (a failure is dropped: its diagnostic names a
   * line of the text it ran), drops what belonged to functions gone, and makes a stale result
   * current again when its function's text is back to what it computed (an undo); true when any
   * of that changed what is shown. An outcome kept whose function moved (lines added above it, an
   * earlier notebook cell edited) moves its places with it when current.
   */
  prune(uri: string, analysis: DocumentAnalysis): boolean {
    const results = this.byDocument.get(uri);
    if (!results) return false;
    const functions = new Map(analysis.functions.map((f) => [f.qualname, f]));
    let changed = false;
    for (const [fn, kept] of results) {
      const current = functions.get(fn);
      if (current?.sourceHash === outcomeKey(kept.outcome).sourceHash) {
        const by = current.range.start.line - kept.line;
        if (by !== 0 || kept.stale) results.set(fn, { outcome: by === 0 ? kept.outcome : movedLines(kept.outcome, by), line: current.range.start.line, stale: false });
        changed ||= kept.stale;
        continue;
      }
      if (kept.stale && current) continue;
      if (current && kept.outcome.ok) results.set(fn, { ...kept, stale: true });
      else results.delete(fn);
      changed = true;
    }
    return changed;
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
