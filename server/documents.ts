/**
 * Open documents and their analyses. An edit schedules a fresh analysis after a short quiet
 * period (a newer edit cancels the pending one); a request that needs the analysis of the text as
 * it is now analyzes at once instead of waiting. Each document keeps its analyzed pieces, so an
 * edit re-analyzes only the definition it is in.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ModuleRegistry } from '../lang/python';
import { jaxModules } from '../lang/python/jax';
import { torchModules } from '../lang/python/torch';
import { createReferenceBackend } from '../runtime/backends';
import { EagerEngine } from '../runtime/eager';
import type { DocumentAnalysis } from './analysis';
import { DocumentAnalyzer } from './piecewise';

/** Quiet time after the last keystroke before diagnostics are recomputed and published. */
export const ANALYSIS_DEBOUNCE_MS = 150;

/**
 * The module shims, for what they export: analysis never runs them, so they sit on the reference
 * backend, which allocates nothing until a script runs.
 */
function analysisModules(): ModuleRegistry {
  const backend = createReferenceBackend();
  return { ...torchModules(new EagerEngine(backend)), ...jaxModules(backend) };
}

export function isPython(document: TextDocument): boolean {
  return document.languageId === 'python' || document.uri.endsWith('.py');
}

export class Analyses {
  private readonly modules = analysisModules();
  private readonly current = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  private readonly analyzers = new Map<string, DocumentAnalyzer>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  /** @param analyzed called with each fresh analysis (publish diagnostics, drop stale results). */
  constructor(private readonly analyzed: (document: TextDocument, analysis: DocumentAnalysis) => void) {}

  /** The analysis of the document's current text, computed now if the latest edit has none yet. */
  of(document: TextDocument): DocumentAnalysis {
    const known = this.current.get(document.uri);
    if (known && known.version === document.version) return known.analysis;
    this.cancel(document.uri);
    let analyzer = this.analyzers.get(document.uri);
    if (!analyzer) this.analyzers.set(document.uri, (analyzer = new DocumentAnalyzer(this.modules)));
    const analysis = analyzer.analyze(document.getText());
    this.current.set(document.uri, { version: document.version, analysis });
    this.analyzed(document, analysis);
    return analysis;
  }

  /** The last analysis made, even of an older version (for checking results that arrive mid-edit). */
  latest(uri: string): DocumentAnalysis | undefined {
    return this.current.get(uri)?.analysis;
  }

  schedule(document: TextDocument, getCurrent: () => TextDocument | undefined): void {
    this.cancel(document.uri);
    this.pending.set(
      document.uri,
      setTimeout(() => {
        this.pending.delete(document.uri);
        const now = getCurrent();
        if (now) this.of(now);
      }, ANALYSIS_DEBOUNCE_MS),
    );
  }

  close(uri: string): void {
    this.cancel(uri);
    this.current.delete(uri);
    this.analyzers.delete(uri);
  }

  private cancel(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(uri);
  }
}
