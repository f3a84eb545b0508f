/**
 * The Gradlens panel beside the editor. Its webview draws results and graphs and is also the
 * execution host: `evaluate` posts a request there and resolves with the outcome it sends back.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  isWebviewToExtension,
  type BackendInfo,
  type EvaluateRequest,
  type EvaluationOutcome,
  type ExtensionToWebview,
  type PanelView,
  type SourceRange,
} from '../protocol';
import { panelHtml } from '../webview';

/** How long a new panel may take to load its runtime and report a backend before the server computes instead. */
const READY_TIMEOUT_MS = 30_000;

export interface PanelEvents {
  readonly ready: (backend: BackendInfo) => void;
  readonly reveal: (uri: string, range: SourceRange) => void;
}

interface Pending {
  readonly resolve: (outcome: EvaluationOutcome | undefined) => void;
  readonly progress: (message: string) => void;
}

export class GradlensPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Resolves with the webview's backend once it is up, or undefined if it never came up. */
  private ready: Promise<BackendInfo | undefined> = Promise.resolve(undefined);
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

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

  /** Evaluates in the webview; undefined when the panel was closed first. */
  evaluate(request: EvaluateRequest, token: vscode.CancellationToken, progress: (message: string) => void): Promise<EvaluationOutcome | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const cancel = token.onCancellationRequested(() => this.post({ type: 'cancel', id }));
      this.pending.set(id, {
        resolve: (outcome) => {
          cancel.dispose();
          resolve(outcome);
        },
        progress,
      });
      this.post({ type: 'evaluate', id, request });
    });
  }

  display(outcome: EvaluationOutcome, view: PanelView): void {
    this.show();
    this.post({ type: 'show', outcome, view });
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private post(message: ExtensionToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  private receive(data: unknown, settle: (backend: BackendInfo) => void): void {
    if (!isWebviewToExtension(data)) {
      this.log.warn(`Ignored a malformed message from the panel: ${JSON.stringify(data)?.slice(0, 200)}`);
      return;
    }
    switch (data.type) {
      case 'ready':
        settle(data.backend);
        this.events.ready(data.backend);
        return;
      case 'progress':
        this.pending.get(data.id)?.progress(data.message);
        return;
      case 'outcome':
        this.pending.get(data.id)?.resolve(data.outcome);
        this.pending.delete(data.id);
        return;
      case 'reveal':
        this.events.reveal(data.uri, data.range);
        return;
      case 'log':
        this.log[data.level](`panel: ${data.message}`);
        return;
    }
  }

  private closed(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panel = undefined;
    this.ready = Promise.resolve(undefined);
    for (const waiting of this.pending.values()) waiting.resolve(undefined);
    this.pending.clear();
  }
}
