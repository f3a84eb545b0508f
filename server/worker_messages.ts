/** What the language server and its evaluation worker (evaluation_worker.ts) say to each other. */
import type { EvaluateRequest, EvaluationOutcome } from '../protocol';

/** One evaluation at a time: the server sends the next only once the last one's outcome came. */
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
