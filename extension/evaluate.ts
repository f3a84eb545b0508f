/**
 * Runs one command on one function: in the panel's webview when it is up (then the result goes
 * to the server with `gradlens/result`, so lenses, hints and hovers update), else in the server;
 * with progress and cancellation, and asking for inputs when the file gives none.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  evaluateRequest,
  resultNotification,
  type EngineMode,
  type EvaluateRequest,
  type EvaluationError,
  type EvaluationOutcome,
  type FunctionCommandArgs,
  type PanelView,
} from '../protocol';
import { readConfig } from './config';
import type { RememberedInputs } from './inputs';
import type { GradlensPanel } from './panel';
import { toRange } from './reveal';
import type { BackendStatus } from './status';

const TITLES: Record<PanelView, string> = {
  results: 'computing the gradient of',
  graph: 'tracing the graph of',
  compare: 'comparing eager and jit on',
};

export class Evaluations {
  constructor(
    private readonly client: () => LanguageClient,
    private readonly panel: GradlensPanel,
    private readonly inputs: RememberedInputs,
    private readonly status: BackendStatus,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(args: FunctionCommandArgs, view: PanelView, engines?: EngineMode): Promise<void> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    const remembered = this.inputs.get(args);
    let outcome = await this.withProgress(args, view, (token, progress) =>
      this.compute(this.request(args, document, remembered, engines), token, progress),
    );
    if (outcome && !outcome.ok && outcome.error.kind === 'inputs') {
      const typed = await this.inputs.ask(args, outcome.error.message);
      if (typed === undefined) return;
      outcome = await this.withProgress(args, view, (token, progress) =>
        this.compute(this.request(args, document, typed, engines), token, progress),
      );
    }
    if (!outcome || (!outcome.ok && outcome.error.kind === 'cancelled')) return;
    this.panel.display(outcome, view);
    if (!outcome.ok) await this.report(outcome.error);
  }

  private request(args: FunctionCommandArgs, document: vscode.TextDocument, inputs: string | undefined, engines: EngineMode | undefined): EvaluateRequest {
    const config = readConfig();
    return {
      uri: args.uri,
      text: document.getText(),
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
      { location: vscode.ProgressLocation.Notification, title: `Gradlens: ${TITLES[view]} ${args.function}`, cancellable: true },
      (progress, token) => task(token, (message) => progress.report({ message })),
    );
  }

  /** The outcome, or undefined when there is none to show (the panel closed, the request cancelled). */
  private async compute(request: EvaluateRequest, token: vscode.CancellationToken, progress: (message: string) => void): Promise<EvaluationOutcome | undefined> {
    const backend = await this.panel.backend();
    if (backend) {
      const outcome = await this.panel.evaluate(request, token, progress);
      if (outcome && !(outcome.ok === false && outcome.error.kind === 'cancelled')) {
        await this.client().sendNotification(resultNotification, outcome);
      }
      return outcome;
    }
    progress('on the CPU in the language server');
    try {
      const outcome = await this.client().sendRequest(evaluateRequest, request, token);
      if (outcome.ok) this.status.backend(outcome.result.backend, 'server');
      return outcome;
    } catch (error) {
      if (token.isCancellationRequested) return undefined;
      this.log.error(`gradlens/evaluate failed for ${request.function} in ${request.uri}: ${String(error)}`);
      void vscode.window.showErrorMessage(`Gradlens could not evaluate ${request.function}: ${String(error)}. See the Gradlens output for details.`);
      return undefined;
    }
  }

  private async report(error: EvaluationError): Promise<void> {
    const uri = vscode.Uri.parse(error.uri);
    const file = uri.scheme === 'file' ? path.basename(uri.fsPath) : uri.toString();
    const where = error.range ? `${file}:${error.range.line}:${error.range.col}` : file;
    const actions = error.range ? ['Go to source'] : [];
    if (error.kind === 'budget') actions.push('Open budget settings');
    // Evaluation errors usually come worded as the CLI prints them, `FILE:LINE:COL: error: ...`.
    const text = /^\S+:\d+:\d+: /.test(error.message) ? error.message : `${where}: error: ${error.message}`;
    this.log.warn(`${error.kind}: ${text}`);
    const choice = await vscode.window.showErrorMessage(text, ...actions);
    if (choice === 'Go to source' && error.range) {
      await vscode.window.showTextDocument(uri, { selection: toRange(error.range), viewColumn: vscode.ViewColumn.One });
    } else if (choice === 'Open budget settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'gradlens.budget');
    }
  }
}
