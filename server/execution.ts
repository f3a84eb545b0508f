/**
 * Evaluation in the server's own process, on the CPU (wasm), for clients that have no execution
 * host of their own. The host opens on first use: a client that never asks pays nothing.
 */
import { openExecutionHost, type ExecutionHost } from '../evaluation';
import type { EvaluateRequest, EvaluationOutcome } from '../protocol';

export interface Cancellable {
  readonly aborted: boolean;
}

export class ServerExecution {
  private host: Promise<ExecutionHost> | null = null;

  async evaluate(request: EvaluateRequest, signal: Cancellable): Promise<EvaluationOutcome> {
    this.host ??= openExecutionHost('wasm');
    return (await this.host).evaluate(request, signal);
  }

  dispose(): void {
    void this.host?.then((h) => h.dispose());
  }
}
