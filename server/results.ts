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
  private readonly byDocument = new Map<string, Map<string, EvaluationOutcome>>();

  get(uri: string, fn: string): EvaluationOutcome | undefined {
    return this.byDocument.get(uri)?.get(fn);
  }

  /** Stores the outcome unless it was computed from text the document no longer has; true when stored. */
  put(outcome: EvaluationOutcome, analysis: DocumentAnalysis | undefined): boolean {
    const { uri, function: fn, sourceHash } = outcomeKey(outcome);
    const current = analysis?.functions.find((f) => f.qualname === fn);
    if (!current || current.sourceHash !== sourceHash) return false;
    let results = this.byDocument.get(uri);
    if (!results) this.byDocument.set(uri, (results = new Map()));
    results.set(fn, outcome);
    return true;
  }

  /** Drops what the new analysis makes stale; true when anything was dropped. */
  prune(uri: string, analysis: DocumentAnalysis): boolean {
    const results = this.byDocument.get(uri);
    if (!results) return false;
    const hashes = new Map(analysis.functions.map((f) => [f.qualname, f.sourceHash]));
    let dropped = false;
    for (const [fn, outcome] of results) {
      if (hashes.get(fn) === outcomeKey(outcome).sourceHash) continue;
      results.delete(fn);
      dropped = true;
    }
    return dropped;
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
  }
}
