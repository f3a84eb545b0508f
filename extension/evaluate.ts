/**
 * Runs one command on one function: in the panel's webview when it is up (then the result goes
 * to the server with `gradlens/result`, so lenses, hints and hovers update), else in the server;
 * with progress and cancellation, and asking for inputs when the file gives none. Live mode
 * (live.ts) computes the same way, silently.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  evaluateRequest,
  fromWire,
  isEvaluationOutcome,
  resultNotification,
  toWire,
  type EngineMode,
  type EvaluateRequest,
  type EvaluationError,
  type EvaluationOutcome,
  type FunctionCommandArgs,
  type PanelView,
} from '../protocol';
import { readConfig } from './config';
import type { RememberedInputs } from './inputs';
import { errorLogLine, errorNotification, GO_TO_SOURCE, OPEN_BUDGET_SETTINGS, progressTitle, serverFailure } from './notices';
import type { GradlensPanel } from './panel';
import { deadlineMs } from './pending';
import { toRange } from './reveal';
import { placeOf, sourceOf, where, type Source } from './sources';
import type { BackendStatus } from './status';

export class Evaluations {
  /** The functions computed in this session, by document URI: live mode recomputes them as they are edited. */
  readonly computed = new Map<string, Set<string>>();

  constructor(
    private readonly client: () => LanguageClient,
    private readonly panel: GradlensPanel,
    private readonly inputs: RememberedInputs,
    private readonly status: BackendStatus,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(args: FunctionCommandArgs, view: PanelView, engines?: EngineMode): Promise<void> {
    // The Output view says what each click asked for: a click that computes nothing is told from a lost one.
    this.log.info(`${view}: ${args.function}() in ${args.uri}`);
    const source = await sourceOf(args.uri);
    const remembered = this.inputs.get(args);
    let outcome = await this.withProgress(args, view, (token, progress) =>
      this.compute(this.request(args, source, remembered, engines), token, progress),
    );
    if (outcome && !outcome.ok && outcome.error.kind === 'inputs') {
      const typed = await this.inputs.ask(args, outcome.error.message);
      if (typed === undefined) return;
      outcome = await this.withProgress(args, view, (token, progress) =>
        this.compute(this.request(args, source, typed, engines), token, progress),
      );
    }
    if (!outcome || (!outcome.ok && outcome.error.kind === 'cancelled')) return;
    this.remember(args);
    this.panel.display(outcome, view, { ...where(source, args.function), at: Date.now() });
    if (!outcome.ok) await this.report(outcome.error);
  }

  /**
   * A live evaluation (an edit made the function's result stale): the same path as a click, with
   * no progress notification, no input box and no popup; an error reaches the server as the
   * result, so it shows as a diagnostic and in the panel. Cancelled when `cancelled` fires.
   */
  async live(args: FunctionCommandArgs, source: Source, cancelled: (cancel: () => void) => void): Promise<void> {
    const cancellation = new vscode.CancellationTokenSource();
    cancelled(() => cancellation.cancel());
    try {
      const outcome = await this.compute(this.request(args, source, this.inputs.get(args), undefined), cancellation.token, () => undefined, 'quietly');
      if (!outcome || cancellation.token.isCancellationRequested || (!outcome.ok && outcome.error.kind === 'cancelled')) return;
      this.remember(args);
      if (!outcome.ok) this.log.info(`live: ${errorLogLine(outcome.error)}`);
      // The panel follows the edit when it is open; a closed panel stays closed.
      this.panel.update(outcome, { ...where(source, args.function), at: Date.now() });
    } finally {
      cancellation.dispose();
    }
  }

  /**
   * The function computed as a click computes it (the panel shows it), for a command that goes on
   * from its result; undefined when cancelled.
   */
  async outcome(args: FunctionCommandArgs): Promise<EvaluationOutcome | undefined> {
    const source = await sourceOf(args.uri);
    const outcome = await this.withProgress(args, 'results', (token, progress) => this.compute(this.request(args, source, this.inputs.get(args), undefined), token, progress));
    if (!outcome || (!outcome.ok && outcome.error.kind === 'cancelled')) return undefined;
    this.remember(args);
    this.panel.display(outcome, 'results', { ...where(source, args.function), at: Date.now() });
    return outcome;
  }

  private remember(args: FunctionCommandArgs): void {
    let functions = this.computed.get(args.uri);
    if (!functions) this.computed.set(args.uri, (functions = new Set()));
    functions.add(args.function);
  }

  private request(args: FunctionCommandArgs, source: Source, inputs: string | undefined, engines: EngineMode | undefined): EvaluateRequest {
    const config = readConfig();
    return {
      uri: args.uri,
      text: source.text,
      ...(source.cells ? { cells: source.cells } : {}),
      function: args.function,
      engines: engines ?? config.engines,
      backend: config.backend,
      ...(inputs === undefined ? {} : { inputs }),
      graphs: true,
      budgets: config.budgets,
    };
  }

  private withProgress(
    args: FunctionCommandArgs,
    view: PanelView,
    task: (token: vscode.CancellationToken, progress: (message: string) => void) => Promise<EvaluationOutcome | undefined>,
  ): Thenable<EvaluationOutcome | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: progressTitle(view, args.function), cancellable: true },
      (progress, token) => task(token, (message) => progress.report({ message })),
    );
  }

  /** The outcome, or undefined when there is none to show (the panel closed, the request cancelled). */
  private async compute(request: EvaluateRequest, token: vscode.CancellationToken, progress: (message: string) => void, how: 'loudly' | 'quietly' = 'loudly'): Promise<EvaluationOutcome | undefined> {
    // A live evaluation runs in the panel only when it is open: it never opens the panel.
    const backend = how === 'quietly' ? await this.panel.openBackend() : await this.panel.backend();
    if (backend) {
      const outcome = await this.panel.evaluate(request, token, progress);
      if (outcome && !(outcome.ok === false && outcome.error.kind === 'cancelled')) {
        await this.client().sendNotification(resultNotification, toWire(outcome));
      }
      return outcome;
    }
    progress('on the CPU in the language server');
    // NB: the request is cancelled at the deadline too, so the progress notification always ends.
    const source = new vscode.CancellationTokenSource();
    const cancelled = token.onCancellationRequested(() => source.cancel());
    const deadline = setTimeout(() => source.cancel(), deadlineMs(request));
    try {
      const wire = await this.client().sendRequest(evaluateRequest, request, source.token);
      const outcome = fromWire(wire, isEvaluationOutcome);
      if (!outcome) throw new Error(`the language server's answer could not be read: ${JSON.stringify(wire)?.slice(0, 300)}`);
      if (outcome.ok) this.status.backend(outcome.result.backend, 'server');
      return outcome;
    } catch (error) {
      if (token.isCancellationRequested) return undefined;
      const why = source.token.isCancellationRequested ? `no answer within ${Math.round(deadlineMs(request) / 1000)} s` : String(error);
      this.log.error(serverFailure(`${request.function} in ${request.uri}`, why));
      if (how === 'loudly') void vscode.window.showErrorMessage(serverFailure(request.function, why));
      return undefined;
    } finally {
      clearTimeout(deadline);
      cancelled.dispose();
      source.dispose();
    }
  }

  private async report(error: EvaluationError): Promise<void> {
    const { text, actions } = errorNotification(error);
    this.log.warn(errorLogLine(error));
    const choice = await vscode.window.showErrorMessage(text, ...actions);
    if (choice === GO_TO_SOURCE && error.range) {
      const place = placeOf(error.uri, error.range);
      await vscode.window.showTextDocument(vscode.Uri.parse(place.uri), { selection: toRange(place.range), viewColumn: vscode.ViewColumn.One });
    } else if (choice === OPEN_BUDGET_SETTINGS) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'gradlens.budget');
    }
  }
}
