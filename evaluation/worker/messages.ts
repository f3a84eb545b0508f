/** What an evaluating thread (the language server's, the CLI's) and its evaluation worker (thread.ts) say to each other. */
import type { NodeBackend } from '../../protocol/backends';
import type { EvaluateRequest } from '../../protocol/evaluate';
import type { EvaluationOutcome } from '../../protocol/results';

/** The worker's workerData. */
export interface WorkerSetup {
  readonly backend: NodeBackend;
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
  /** `heldBytes`: the worker's heap and external memory (tensors, wasm) after the run. */
  | { readonly kind: 'outcome'; readonly id: number; readonly outcome: EvaluationOutcome; readonly heldBytes: number };
