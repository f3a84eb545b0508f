/**
 * The evaluations the panel's webview is running, each waited on by a progress notification.
 * Every one ends: with its outcome, with an error when the webview's answer cannot be read, at a
 * deadline (the time budget plus the time to start the panel's runtime) when no answer comes, at
 * once when the user cancels, or when the panel closes. No vscode import: unit-tested in Node.
 */
import type { EvaluateRequest, EvaluationError, EvaluationOutcome } from '../protocol';

/** Added to the time budget: the webview may first have to load its runtime and open a backend. */
export const STARTUP_GRACE_MS = 30_000;
/** The time budget when a request names none (gradlens.budget.seconds' default). */
const DEFAULT_BUDGET_MS = 10_000;

interface Waiting {
  readonly request: EvaluateRequest;
  readonly resolve: (outcome: EvaluationOutcome | undefined) => void;
  readonly progress: (message: string) => void;
}

export class PendingEvaluations {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  /** Registers an evaluation; its promise settles exactly once, by one of the ways above. */
  start(request: EvaluateRequest, progress: (message: string) => void): { readonly id: number; readonly outcome: Promise<EvaluationOutcome | undefined> } {
    const id = this.nextId++;
    const outcome = new Promise<EvaluationOutcome | undefined>((resolve) => {
      const deadline = deadlineMs(request);
      const timer = setTimeout(() => this.settle(id, timedOut(request, deadline)), deadline);
      this.waiting.set(id, {
        request,
        progress,
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      });
    });
    return { id, outcome };
  }

  progress(id: number, message: string): void {
    this.waiting.get(id)?.progress(message);
  }

  /** Ends evaluation `id` with `outcome` (undefined: nothing to show); a second answer is ignored. */
  settle(id: number, outcome: EvaluationOutcome | undefined): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    waiting.resolve(outcome);
  }

  /**
   * A message the webview sent that failed validation: when it names a waiting evaluation, that
   * evaluation ends with an error saying so (rather than waiting for an answer that came).
   */
  unreadable(data: unknown): boolean {
    const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
    const waiting = typeof id === 'number' ? this.waiting.get(id) : undefined;
    if (typeof id !== 'number' || !waiting) return false;
    this.settle(id, failed(waiting.request, 'error', `the panel's answer for ${waiting.request.function}() could not be read (a malformed message; the Gradlens output has it); this is a bug in Gradlens, please report it`));
    return true;
  }

  /** The user cancelled: the notification ends now; the webview's late answer is ignored. */
  cancel(id: number): void {
    this.settle(id, undefined);
  }

  /** The panel closed: nothing will answer. */
  closeAll(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, undefined);
  }

  get size(): number {
    return this.waiting.size;
  }
}

export function deadlineMs(request: EvaluateRequest): number {
  return (request.budgets?.ms ?? DEFAULT_BUDGET_MS) + STARTUP_GRACE_MS;
}

function timedOut(request: EvaluateRequest, ms: number): EvaluationOutcome {
  return failed(
    request,
    'budget',
    `${request.function}() gave no result within ${Math.round(ms / 1000)} s (the time budget, gradlens.budget.seconds, plus ${STARTUP_GRACE_MS / 1000} s to start the panel); Gradlens stopped waiting. Raise the budget, or close and reopen the Gradlens panel if it stopped answering`,
  );
}

function failed(request: EvaluateRequest, kind: EvaluationError['kind'], message: string): EvaluationOutcome {
  return { ok: false, error: { uri: request.uri, function: request.function, sourceHash: '', kind, message } };
}
