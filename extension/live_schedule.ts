/**
 * When live evaluations run: per document, a quiet period after the last edit (a newer edit
 * restarts it and cancels the run going on), one run at a time, and of the runs asked for while
 * one finishes only the latest starts. No vscode import: unit-tested in Node with fake timers.
 */

/** Quiet time after the last keystroke before a document's stale functions are computed again. */
export const LIVE_DEBOUNCE_MS = 500;

/** What a run is told: whether a newer edit superseded it (then it stops at its next step and shows nothing). */
export interface LiveToken {
  readonly cancelled: boolean;
  onCancelled(listener: () => void): void;
}

class Token implements LiveToken {
  cancelled = false;
  private readonly listeners: (() => void)[] = [];

  onCancelled(listener: () => void): void {
    if (this.cancelled) listener();
    else this.listeners.push(listener);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const listener of this.listeners.splice(0)) listener();
  }
}

export interface Timers {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface DocumentState {
  timer?: unknown;
  running?: Token;
  /** A run asked for while the last one was still ending: it starts when that one has. */
  queued: boolean;
}

export class LiveScheduler {
  private readonly documents = new Map<string, DocumentState>();
  private disposed = false;

  /**
   * @param run computes the document's stale live functions; it checks the token between steps
   * and cancels what it started when the token is cancelled. Its failures are its own to report.
   */
  constructor(
    private readonly run: (uri: string, token: LiveToken) => Promise<void>,
    private readonly delayMs = LIVE_DEBOUNCE_MS,
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  /** The document changed: cancel its run, and run again once it has been quiet for the delay. */
  edited(uri: string): void {
    if (this.disposed) return;
    const state = this.state(uri);
    state.running?.cancel();
    state.queued = false;
    if (state.timer !== undefined) this.timers.clearTimeout(state.timer);
    state.timer = this.timers.setTimeout(() => {
      state.timer = undefined;
      this.start(uri, state);
    }, this.delayMs);
  }

  /** Run now, without the quiet period (a document opened with functions marked live). */
  now(uri: string): void {
    if (this.disposed) return;
    const state = this.state(uri);
    if (state.timer !== undefined || state.running) return;
    this.start(uri, state);
  }

  /** The document closed: nothing more runs for it. */
  forget(uri: string): void {
    const state = this.documents.get(uri);
    if (!state) return;
    if (state.timer !== undefined) this.timers.clearTimeout(state.timer);
    state.running?.cancel();
    this.documents.delete(uri);
  }

  dispose(): void {
    this.disposed = true;
    for (const uri of [...this.documents.keys()]) this.forget(uri);
  }

  private state(uri: string): DocumentState {
    let state = this.documents.get(uri);
    if (!state) this.documents.set(uri, (state = { queued: false }));
    return state;
  }

  private start(uri: string, state: DocumentState): void {
    if (this.disposed || this.documents.get(uri) !== state) return;
    // NB: the cancelled run may still be ending (a worker answering its cancellation): the next waits for it, never two at once.
    if (state.running) {
      state.queued = true;
      return;
    }
    const token = new Token();
    state.running = token;
    void this.run(uri, token).catch(() => undefined).then(() => {
      state.running = undefined;
      if (!state.queued) return;
      state.queued = false;
      this.start(uri, state);
    });
  }
}
