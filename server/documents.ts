/**
 * Open documents and their analyses. An edit schedules a fresh analysis after a short quiet
 * period (a newer edit cancels the pending one); a request that needs the analysis of the text as
 * it is now analyzes at once instead of waiting. Each document keeps its analyzed pieces, so an
 * edit re-analyzes only the definition it is in. A document just opened is analyzed a slice at a
 * time, between the client's messages (traffic.ts); CodeLenses asked for meanwhile come from its
 * tokens (server/lens_scan.ts), and the
 * analysis that completes says whether they differ, for the server to send `workspace/codeLens/refresh`.
 */
import { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { ModuleRegistry } from '../lang/python';
import { jaxModules } from '../lang/python/jax';
import { torchModules } from '../lang/python/torch';
import { createReferenceBackend } from '../runtime/backends';
import { EagerEngine } from '../runtime/eager';
import { failedAnalysis, type DocumentAnalysis } from './analysis';
import type { Unchanged } from './chunked_parse';
import type { LensFunction } from './lenses';
import { DocumentAnalyzer } from './piecewise';
import type { ChunkedDocument } from './text_chunks';
import { Traffic } from './traffic';

/** What the edits since a document's last analysis (of version `analyzed`) left alone of its text, as of `version`. */
interface Edited extends Unchanged {
  readonly analyzed: number;
  readonly version: number;
}

/** What the CodeLenses of these functions show (their titles aside), as one string. */
function lensKey(functions: readonly LensFunction[]): string {
  return JSON.stringify(functions.filter((f) => f.evaluable).map((f) => [f.qualname, f.nameRange]));
}

/** Quiet time after the last keystroke before diagnostics are recomputed and published. */
export const ANALYSIS_DEBOUNCE_MS = 150;
/** How long a CodeLens request parses a document not yet analyzed before it answers with the pieces ready. */
export const LENS_BUDGET_MS = 10;
/** One slice of the analysis of an opened document; requests are served between slices. */
const SLICE_MS = 5;

/**
 * The module shims, for what they export: analysis never runs them, so they sit on the reference
 * backend, which allocates nothing until a script runs.
 */
function analysisModules(): ModuleRegistry {
  const backend = createReferenceBackend();
  return { ...torchModules(new EagerEngine(backend)), ...jaxModules(backend) };
}

export function isPython(document: { readonly languageId: string; readonly uri: string }): boolean {
  return document.languageId === 'python' || document.uri.endsWith('.py');
}

export class Analyses {
  private readonly modules = analysisModules();
  private readonly current = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  private readonly analyzers = new Map<string, DocumentAnalyzer>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Each document analyzed in slices, and how to cancel its next slice. */
  private readonly slicing = new Map<string, () => void>();
  /** The CodeLenses answered before a document's first analysis (lensKey): that analysis checks them. */
  private readonly answered = new Map<string, string>();
  private readonly edited = new Map<string, Edited>();

  /**
   * @param analyzed called with each fresh analysis (drop stale results), and whether the
   * CodeLenses answered before it differ from its own.
   * @param settled called with the analysis of a document once typing in it paused (publish
   * diagnostics): at once for an analysis made with no keystroke waiting for its quiet period.
   * @param documentOf the document as it is now.
   * @param traffic the client's messages: each slice waits until those that came are answered.
   */
  constructor(
    private readonly analyzed: (document: ChunkedDocument, analysis: DocumentAnalysis, lensesDiffer: boolean) => void,
    private readonly settled: (document: ChunkedDocument, analysis: DocumentAnalysis) => void,
    private readonly documentOf: (uri: string) => ChunkedDocument | undefined,
    private readonly traffic = new Traffic(),
  ) {}

  private analyzer(uri: string): DocumentAnalyzer {
    let analyzer = this.analyzers.get(uri);
    if (!analyzer) this.analyzers.set(uri, (analyzer = new DocumentAnalyzer(this.modules)));
    return analyzer;
  }

  /** The analysis of the document's current text, computed now if the latest edit has none yet. */
  of(document: ChunkedDocument): DocumentAnalysis {
    const known = this.current.get(document.uri);
    if (known && known.version === document.version) return known.analysis;
    const edited = this.edited.get(document.uri);
    const analysis = this.analyzeContained(document, edited?.version === document.version && edited.analyzed === known?.version ? edited : undefined);
    this.current.set(document.uri, { version: document.version, analysis });
    this.edited.set(document.uri, { analyzed: document.version, version: document.version, prefix: Infinity, suffix: Infinity });
    const answered = this.answered.get(document.uri);
    this.answered.delete(document.uri);
    this.analyzed(document, analysis, answered !== undefined && answered !== lensKey(analysis.functions));
    // NB: while the user types (an analysis is scheduled after the keystroke), a request's analysis
    // leaves the diagnostics to that one: they are not written between a keystroke and its answer.
    if (!this.pending.has(document.uri)) this.settled(document, analysis);
    return analysis;
  }

  /** Whether the document's current text is analyzed (a CodeLens answer before that comes from its tokens). */
  isCurrent(document: ChunkedDocument): boolean {
    return this.current.get(document.uri)?.version === document.version;
  }

  /**
   * The analysis, or, when it fails (a defect of Gradlens: parse errors are already diagnostics),
   * that failure as a diagnostic: one document never takes the server down.
   */
  private analyzeContained(document: ChunkedDocument, edited: Unchanged | undefined): DocumentAnalysis {
    try {
      return this.analyzer(document.uri).analyze(document.text, edited);
    } catch (e) {
      // Whatever the analyzer kept may be half-updated: the next analysis starts afresh.
      this.analyzers.delete(document.uri);
      return failedAnalysis(e);
    }
  }

  /**
   * Notes what a change leaves alone of `document`, before it is applied (to make `version`): the
   * analysis then cuts the text where it was edited, without reading all of it to compare it with
   * the text analyzed last. A change of the whole text, or several in one message (each placed in
   * the text the one before made), leave that to the comparison.
   */
  edit(document: ChunkedDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const known = this.edited.get(document.uri);
    const change = changes.length === 1 ? changes[0] : undefined;
    if (!known || known.version !== document.version || !change || !TextDocumentContentChangeEvent.isIncremental(change)) {
      this.edited.delete(document.uri);
      return;
    }
    const [a, b] = [document.offsetAt(change.range.start), document.offsetAt(change.range.end)];
    const suffix = document.text.length - Math.max(a, b);
    this.edited.set(document.uri, { analyzed: known.analyzed, version, prefix: Math.min(known.prefix, a, b), suffix: Math.min(known.suffix, suffix) });
  }

  /** Analyzes a document just opened a slice at a time, publishing when done. */
  open(document: ChunkedDocument): void {
    this.inSlices(document.uri);
  }

  /**
   * The functions CodeLenses are shown for: all of them, or, for a document not analyzed yet,
   * those its tokens show (server/lens_scan.ts), its pieces parsed where the tokens do not settle
   * them, within LENS_BUDGET_MS (a file whose pieces all parse in time is analyzed at once; past
   * it, the lenses of the leading pieces). The analysis completes in slices after the answer, and
   * the client is told to ask again (`workspace/codeLens/refresh`) when its lenses differ.
   */
  lensFunctions(document: ChunkedDocument): readonly LensFunction[] {
    const known = this.current.get(document.uri);
    if (known?.version === document.version) return known.analysis.functions;
    const analyzer = this.analyzer(document.uri);
    const text = document.text;
    let opening: ReturnType<DocumentAnalyzer['openingLenses']> = null;
    try {
      const deadline = performance.now() + LENS_BUDGET_MS;
      // NB: only before the first analysis: later, results not yet checked against the new text could title a lens.
      opening = known ? null : analyzer.openingLenses(text, deadline);
      if (opening && !opening.complete) opening = analyzer.prepare(text, deadline) ? null : analyzer.openingLenses(text, 0);
    } catch {
      opening = null;
    }
    if (!opening) return this.of(document).functions;
    this.answered.set(document.uri, lensKey(opening.functions));
    this.inSlices(document.uri);
    return opening.functions;
  }

  private inSlices(uri: string): void {
    if (this.slicing.has(uri)) return;
    const slice = () => {
      this.slicing.delete(uri);
      const document = this.documentOf(uri);
      if (!document || this.current.get(uri)?.version === document.version) return;
      let prepared: boolean;
      try {
        prepared = this.analyzer(uri).prepare(document.text, performance.now() + SLICE_MS);
      } catch {
        // The whole analysis says what failed, as a diagnostic.
        prepared = true;
      }
      if (prepared) this.of(document);
      else this.slicing.set(uri, this.traffic.whenIdle(slice));
    };
    this.slicing.set(uri, this.traffic.whenIdle(slice));
  }

  schedule(document: ChunkedDocument): void {
    // A document being analyzed in slices is analyzed as it is when the last slice runs.
    if (this.slicing.has(document.uri)) return;
    this.cancel(document.uri);
    this.pending.set(
      document.uri,
      setTimeout(() => {
        this.pending.delete(document.uri);
        const now = this.documentOf(document.uri);
        if (!now) return;
        // A request since the keystroke analyzed it already, and left the diagnostics to this.
        if (this.isCurrent(now)) this.settled(now, this.of(now));
        else this.of(now);
      }, ANALYSIS_DEBOUNCE_MS),
    );
  }

  close(uri: string): void {
    this.cancel(uri);
    this.slicing.get(uri)?.();
    this.slicing.delete(uri);
    this.answered.delete(uri);
    this.edited.delete(uri);
    this.current.delete(uri);
    this.analyzers.delete(uri);
  }

  private cancel(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(uri);
  }
}
