/**
 * Messages between the extension and its webview panel (which is also the GPU execution host).
 * postMessage carries untyped data: each side validates what it receives with the guards here
 * before acting on it.
 */
import type { EvaluateRequest } from './evaluate';
import type { BackendInfo, EvaluationOutcome, SourceRange } from './results';

export type PanelView = 'results' | 'graph' | 'compare';

export type ExtensionToWebview =
  /** Evaluate on the webview's backend; answered by one `outcome` with the same id. */
  | { readonly type: 'evaluate'; readonly id: number; readonly request: EvaluateRequest }
  | { readonly type: 'cancel'; readonly id: number }
  /** Show a result (computed here or by the server) on a tab of the panel. */
  | { readonly type: 'show'; readonly outcome: EvaluationOutcome; readonly view: PanelView };

export type WebviewToExtension =
  /** The execution host is up, on this backend (for the status bar). */
  | { readonly type: 'ready'; readonly backend: BackendInfo }
  | { readonly type: 'progress'; readonly id: number; readonly message: string }
  | { readonly type: 'outcome'; readonly id: number; readonly outcome: EvaluationOutcome }
  /** The user clicked a graph node: reveal and highlight its source. */
  | { readonly type: 'reveal'; readonly uri: string; readonly range: SourceRange }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };
