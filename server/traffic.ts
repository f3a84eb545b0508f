/**
 * The client's messages as the server handles them, for work the server does in the background
 * (the slices of an opened document's analysis): that work waits for a turn of the event loop in
 * which no message was handled and the answers are written. vscode-jsonrpc handles one message a
 * turn (setImmediate), as the slices were scheduled: left to alternate, a request queued behind a
 * didOpen waited a 5 ms slice per message ahead of it, its answer a slice to be encoded, and a
 * 220 KB answer a slice per 64 KB the pipe to the client takes.
 */
import type { MessageStrategy } from 'vscode-languageserver';

/** How often background work looks again at answers still being written (a timer, not a busy loop: the client needs the CPU to read them). */
const OUTPUT_POLL_MS = 1;

export class Traffic {
  private handled = 0;
  /** Passed to the connection: counts each message as it is handled. */
  readonly strategy: MessageStrategy = {
    handleMessage: (message, next) => {
      this.handled++;
      return next(message);
    },
  };

  /** @param outputPending whether answers are still waiting to be written (to the stream the connection writes to). */
  constructor(private readonly outputPending: () => boolean = () => false) {}

  /**
   * Runs `work` at the first turn after a turn in which no message was handled, once the answers
   * are written; the function returned cancels it. NB: a message that came during the last piece
   * of work is handled in the turn after it, behind this check: the check waits one turn to see it.
   */
  whenIdle(work: () => void): () => void {
    let seen = -1;
    let immediate: ReturnType<typeof setImmediate> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      if (this.handled !== seen) {
        seen = this.handled;
        immediate = setImmediate(check);
      } else if (this.outputPending()) {
        timer = setTimeout(check, OUTPUT_POLL_MS);
      } else {
        work();
      }
    };
    immediate = setImmediate(check);
    return () => {
      clearImmediate(immediate);
      clearTimeout(timer);
    };
  }
}
