/** What the language server or the CLI and its evaluation process (child.ts) say to each other. */
import { NODE_BACKENDS, type NodeBackend } from '../../protocol/backends';
import type { EvaluateRequest } from '../../protocol/evaluate';
import type { EvaluationOutcome } from '../../protocol/results';

/** The process's argument: the backend it opens. */
export function isNodeBackend(x: unknown): x is NodeBackend {
  return (NODE_BACKENDS as readonly unknown[]).includes(x);
}

/** One evaluation at a time: the caller sends the next only once the last one's outcome came. */
export interface ToWorker {
  readonly id: number;
  readonly request: EvaluateRequest;
}

export type FromWorker =
  /** The worker's CPU host opened: evaluations start at once from now on. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  /** `rssBytes`: the process's resident memory after the run. */
  | { readonly kind: 'outcome'; readonly id: number; readonly outcome: EvaluationOutcome; readonly rssBytes: number };
