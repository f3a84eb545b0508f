/**
 * The Gradlens panel beside the editor. Its webview draws results and graphs and is also the
 * execution host: `evaluate` posts a request there and resolves with the outcome it sends back.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  decodeWire,
  fromWire,
  isWebviewToExtension,
  toWire,
  withoutLinks,
  type BackendInfo,
  type EvaluateRequest,
  type EvaluationOutcome,
  type ExtensionToWebview,
  type CellLines,
  type PanelView,
  type SourceRange,
  type WebviewToExtension,
} from '../protocol';
import { panelHtml } from '../webview';
import { PendingEvaluations } from './pending';

/** How long a new panel may take to load its runtime and report a backend before the server computes instead. */
const READY_TIMEOUT_MS = 30_000;

/** Where a shown outcome's function is: its `def` line, when it was computed, a notebook's cells. */
export interface Where {
  readonly line?: number;
  readonly at?: number;
  readonly cells?: readonly CellLines[];
}

export interface PanelEvents {
  readonly ready: (backend: BackendInfo) => void;
  readonly reveal: (uri: string, range: SourceRange) => void;
  /** The user clicked an Export button: save what the panel sent. */
  readonly export: (message: Extract<WebviewToExtension, { type: 'export' }>) => void;
}

export class GradlensPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Resolves with the webview's backend once it is up, or undefined if it never came up. */
  private ready: Promise<BackendInfo | undefined> = Promise.resolve(undefined);
  private readonly pending = new PendingEvaluations();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: PanelEvents,
  ) {}

  /** Creates the panel beside the active editor, or reveals it, leaving the focus in the editor. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(
      'gradlens.panel',
      'Gradlens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [dist, vscode.Uri.joinPath(this.extensionUri, 'media')],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    this.panel = panel;
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(`The Gradlens panel reported no backend within ${READY_TIMEOUT_MS / 1000} s; the language server computes instead.`);
        resolve(undefined);
      }, READY_TIMEOUT_MS);
      const settle = (backend: BackendInfo | undefined) => {
        clearTimeout(timer);
        resolve(backend);
      };
      panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data, settle));
      panel.onDidDispose(() => {
        settle(undefined);
        this.closed(panel);
      });
    });
    panel.webview.html = panelHtml({
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64url'),
      distUri: panel.webview.asWebviewUri(dist).toString(),
    });
  }

  /** The backend the panel runs on, once it is up; undefined if it cannot run. */
  async backend(): Promise<BackendInfo | undefined> {
    this.show();
    return this.ready;
  }

  /**
   * Evaluates in the webview; undefined when the user cancelled or the panel closed first. Always
   * settles (see PendingEvaluations), so the progress notification waiting on it always ends.
   */
  async evaluate(request: EvaluateRequest, token: vscode.CancellationToken, progress: (message: string) => void): Promise<EvaluationOutcome | undefined> {
    const { id, outcome } = this.pending.start(request, progress);
    const cancel = token.onCancellationRequested(() => {
      this.post({ type: 'cancel', id });
      this.pending.cancel(id);
    });
    this.post({ type: 'evaluate', id, request });
    try {
      return await outcome;
    } finally {
      cancel.dispose();
    }
  }

  /** Shows an outcome (on `view`'s tab, when given), computed at `at`, of the function defined on `line` (of a notebook with `cells`). */
  display(outcome: EvaluationOutcome, view: PanelView | undefined, where: Where): void {
    this.show();
    this.post({ type: 'show', outcome, ...(view ? { view } : {}), ...where });
  }

  /** Shows a live evaluation's outcome in the panel when it is open, without revealing it (the user is typing). */
  update(outcome: EvaluationOutcome, where: Where): void {
    this.post({ type: 'show', outcome, ...where });
  }

  /** The open panel's backend, without opening or revealing it: undefined when the panel is closed. */
  async openBackend(): Promise<BackendInfo | undefined> {
    return this.panel ? this.ready : undefined;
  }

  /** Tells an open panel that the active editor is on a function (or file) with no result. */
  idle(uri: string, fn: string | undefined, where: Where = {}): void {
    this.post({ type: 'idle', uri, ...(fn === undefined ? {} : { function: fn }), ...(where.line === undefined ? {} : { line: where.line }), ...(where.cells ? { cells: where.cells } : {}) });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private post(message: ExtensionToWebview): void {
    void this.panel?.webview.postMessage(toWire(message));
  }

  private receive(wire: unknown, settle: (backend: BackendInfo) => void): void {
    const data = fromWire(wire, isWebviewToExtension);
    if (!data) {
      const ended = this.pending.unreadable(wire) ? ' (its evaluation ends with an error)' : '';
      this.log.warn(withoutLinks(`Ignored a malformed message from the panel${ended}: ${JSON.stringify(decodeWire(wire))?.slice(0, 300)}`));
      return;
    }
    switch (data.type) {
      case 'ready':
        settle(data.backend);
        this.events.ready(data.backend);
        return;
      case 'progress':
        this.pending.progress(data.id, withoutLinks(data.message));
        return;
      case 'outcome':
        this.pending.settle(data.id, data.outcome);
        return;
      case 'reveal':
        this.events.reveal(data.uri, data.range);
        return;
      case 'log':
        this.log[data.level](withoutLinks(`panel: ${data.message}`));
        return;
      case 'export':
        this.events.export(data);
        return;
    }
  }

  private closed(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panel = undefined;
    this.ready = Promise.resolve(undefined);
    this.pending.closeAll();
  }
}
