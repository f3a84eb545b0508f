/**
 * What the language server's handlers share: the open documents and their analyses, the results
 * kept for them, the evaluations running here, and what the client said at initialize. One object,
 * made at start; each handler (handlers/) reads and updates it.
 */
import {
  CodeLensRefreshRequest,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
} from 'vscode-languageserver';
import { WorkerExecution } from '../evaluation/worker';
import type { AssignedValue, EvaluationOutcome, EvaluationResult, FunctionCommandArgs, GradlensInitializationOptions } from '../protocol';
import type { DocumentAnalysis, FunctionSummary } from './analysis';
import { documentDiagnostics } from './diagnostics';
import { Analyses, isPython } from './documents';
import { LensAnswers, LensDocuments } from './lenses';
import { Notebooks } from './notebooks';
import { Traffic } from './traffic';
import { outcomeKey, ResultStore, type ShownOutcome } from './results';
import { TypingPause } from './typing_pause';
import { chunkedDocuments } from './text_chunks';
import { excerpt } from './validate';

/** An evaluation running in the server, cancelled once its function's text changes. */
export interface InFlight {
  readonly uri: string;
  readonly function: string;
  readonly sourceHash: string;
  aborted: boolean;
}

export class ServerState {
  readonly documents = new TextDocuments(chunkedDocuments);
  readonly results = new ResultStore();
  readonly typing = new TypingPause();
  /** Evaluations for clients that have no execution host of their own, on the CPU (wasm), off the server's thread. */
  readonly execution = new WorkerExecution({ backend: 'wasm', secondsSetting: 'gradlens.budget.seconds', startSuccessor: (start) => this.typing.afterPause(start), background: true });
  readonly inFlight = new Set<InFlight>();
  readonly lensDocuments = new LensDocuments();
  readonly lensAnswers = new LensAnswers();
  /** The line of each document's last edit (0-based), where the user is looking: lenses around it come resolved. */
  readonly editedLines = new Map<string, number>();
  readonly analyses: Analyses;
  options: GradlensInitializationOptions = {};
  client: ClientCapabilities = {};

  /**
   * @param notebooks the open notebooks, each one of `documents` (notebooks.ts).
   * @param traffic the client's messages as handled on `connection`, which background work waits for.
   */
  constructor(readonly connection: Connection, readonly notebooks = new Notebooks(), traffic = new Traffic()) {
    this.analyses = new Analyses(
      (document, analysis, lensesDiffer) => {
        for (const run of this.inFlight) if (run.uri === document.uri && analysis.functions.find((f) => f.qualname === run.function)?.sourceHash !== run.sourceHash) run.aborted = true;
        if (this.results.prune(document.uri, analysis) || lensesDiffer) this.refresh();
      },
      (document, analysis) => this.publish(document.uri, analysis),
      (uri) => this.documents.get(uri),
      traffic,
    );
  }

  /** Logs a message that failed its guard (it is dropped). */
  rejected(method: string, params: unknown): void {
    this.connection.console.error(`Ignored a malformed ${method} message: ${excerpt(params)}`);
  }

  publish(uri: string, analysis: DocumentAnalysis): void {
    const outcomes = analysis.functions.map((f) => this.results.get(uri, f.qualname)).filter((o): o is EvaluationOutcome => o !== undefined);
    const version = this.documents.get(uri)?.version;
    void this.connection.sendDiagnostics({ uri, ...(version === undefined ? {} : { version }), diagnostics: documentDiagnostics(analysis, outcomes) });
  }

  /** Asks the client to ask again for what results change: CodeLenses and inlay hints. */
  refresh(): void {
    if (this.client.workspace?.codeLens?.refreshSupport) void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (this.client.workspace?.inlayHint?.refreshSupport && (this.options.inlayHints !== false || this.options.inlayShapes === true)) void this.connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  analysisOf(uri: string): DocumentAnalysis | undefined {
    const document = this.documents.get(uri);
    return document && isPython(document) ? this.analyses.of(document) : undefined;
  }

  functionOf(args: FunctionCommandArgs): FunctionSummary {
    const fn = this.analysisOf(args.uri)?.functions.find((f) => f.qualname === args.function);
    if (!fn) throw new ResponseError(ErrorCodes.InvalidParams, `${args.uri}: no function '${args.function}' in the open document (renamed or removed?); run the command from the CodeLens over the function`);
    return fn;
  }

  /** Stores an outcome that is still current and shows it; one computed from older text is dropped. */
  accept(outcome: EvaluationOutcome): void {
    const { uri } = outcomeKey(outcome);
    const analysis = this.analysisOf(uri);
    if (!analysis || !this.results.put(outcome, analysis)) return;
    this.publish(uri, analysis);
    this.refresh();
  }

  /** What each function's lens shows: its outcome, or the last result an edit made stale. */
  shownOf(uri: string): (fn: string) => ShownOutcome | undefined {
    return (fn) => this.results.shown(uri, fn);
  }

  /** What each function's latest evaluation recorded of its assignments: a result's, or what ran before an error. */
  assignmentsOf(uri: string): (fn: string) => readonly AssignedValue[] | undefined {
    return (fn) => {
      const outcome = this.results.get(uri, fn);
      return outcome?.ok ? outcome.result.assignments : outcome?.error.assignments;
    };
  }

  successOf(uri: string): (fn: string) => EvaluationResult | undefined {
    return (fn) => {
      const outcome = this.results.get(uri, fn);
      return outcome?.ok ? outcome.result : undefined;
    };
  }

  /** The last result of each function that an edit has made stale (none while it has a current outcome). */
  staleOf(uri: string): (fn: string) => EvaluationResult | undefined {
    return (fn) => {
      const shown = this.results.shown(uri, fn);
      return shown?.stale && shown.outcome.ok ? shown.outcome.result : undefined;
    };
  }
}
