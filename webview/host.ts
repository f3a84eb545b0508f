import type { ExecutionHost } from '../evaluation';
import { backendLabel, clampBudgets, type BackendInfo, type BackendSetting, type EvaluateRequest, type EvaluationOutcome, type WebviewToExtension } from '../protocol';

export type OpenExecutionHost = (setting: BackendSetting) => Promise<ExecutionHost>;

/**
 * The webview's side of execution: opens the evaluation service on the backend a request asks
 * for (keeping it open for the next request), runs each `evaluate` with its own cancellation,
 * and reports `ready`, `progress` and `outcome` to the extension.
 */
export class HostSession {
  private opened: { readonly setting: BackendSetting; readonly host: Promise<ExecutionHost> } | undefined;
  private readonly running = new Map<number, AbortController>();
  /** The backend last reported with `ready`: a GPU lost mid-session changes it, and the status bar must hear. */
  private reported: BackendInfo | undefined;

  constructor(
    private readonly open: OpenExecutionHost,
    private readonly post: (message: WebviewToExtension) => void,
  ) {}

  /** Opens the `auto` backend at once, so the extension learns the backend before any request. */
  async start(): Promise<void> {
    await this.hostFor('auto').catch(() => undefined);
  }

  async evaluate(id: number, request: EvaluateRequest): Promise<EvaluationOutcome> {
    const controller = new AbortController();
    this.running.set(id, controller);
    let outcome: EvaluationOutcome;
    try {
      if (this.opened?.setting !== request.backend) this.post({ type: 'progress', id, message: `Opening the ${request.backend} backend…` });
      const host = await this.hostFor(request.backend);
      this.post({ type: 'progress', id, message: `Evaluating ${request.function}() on ${backendLabel(host.backend)}…` });
      const budgets = clampBudgets(request.budgets);
      outcome = await host.evaluate({ ...request, ...(budgets ? { budgets } : {}) }, controller.signal);
      this.report(host.backend);
    } catch (e) {
      outcome = failed(request, e);
    } finally {
      this.running.delete(id);
    }
    this.post({ type: 'outcome', id, outcome });
    return outcome;
  }

  /** Cancels a running evaluation; it still answers, with a `cancelled` outcome. */
  cancel(id: number): void {
    this.running.get(id)?.abort();
  }

  private hostFor(setting: BackendSetting): Promise<ExecutionHost> {
    if (this.opened?.setting === setting) return this.opened.host;
    void this.opened?.host.then((h) => h.dispose(), () => undefined);
    const host = this.open(setting);
    const opened = { setting, host };
    this.opened = opened;
    host.then(
      (h) => this.report(h.backend),
      (e: unknown) => {
        // Forget the failure, so that the next request tries again.
        if (this.opened === opened) this.opened = undefined;
        this.post({ type: 'log', level: 'error', message: `Gradlens could not open the ${setting} backend in the webview: ${messageOf(e)}` });
      },
    );
    return host;
  }

  private report(backend: BackendInfo): void {
    if (this.reported?.name === backend.name && this.reported.adapter === backend.adapter) return;
    this.reported = backend;
    this.post({ type: 'ready', backend });
  }
}

/** A host that could not start or threw: the outcome says so, at the function the user asked for. */
function failed(request: EvaluateRequest, e: unknown): EvaluationOutcome {
  return {
    ok: false,
    error: {
      uri: request.uri,
      function: request.function,
      sourceHash: '',
      kind: 'error',
      message: `${request.function}(): the webview's execution host failed: ${messageOf(e)}; set gradlens.backend to 'cpu' to compute in the language server instead`,
    },
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
