/**
 * When the user has paused typing. Work that holds the server's thread for a moment (starting a
 * fresh evaluation process after live mode cancelled one) waits for a pause, so the keystrokes
 * that follow are answered at once.
 */

/**
 * A pause: longer than the gap between a typist's keys (10-12 a second), shorter than live mode's
 * 500 ms wait before it computes again, so what waits is done before that.
 */
export const TYPING_PAUSE_MS = 150;

export class TypingPause {
  private lastKeystroke = -Infinity;
  private waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly pauseMs = TYPING_PAUSE_MS) {}

  keystroke(): void {
    this.lastKeystroke = performance.now();
  }

  /** Runs `work` once no keystroke has come for the pause's length. */
  afterPause(work: () => void): void {
    this.waiting.push(work);
    this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    const left = this.lastKeystroke + this.pauseMs - performance.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (performance.now() - this.lastKeystroke < this.pauseMs) return this.arm();
      const waiting = this.waiting;
      this.waiting = [];
      for (const work of waiting) work();
    }, Math.max(0, left));
  }
}
