import * as assert from 'node:assert/strict';
import { LIVE_DEBOUNCE_MS, LiveScheduler, type LiveToken, type Timers } from '../../../extension/live_schedule';

/**
 * Issue 18 (live mode): after an edit the function is computed again once typing pauses, a run
 * going on is cancelled by a newer edit, and of the runs asked for meanwhile only the latest starts.
 */
class FakeClock implements Timers {
  now = 0;
  private readonly timers = new Map<number, { at: number; f: () => void }>();
  private next = 1;

  setTimeout(f: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, f });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves the clock on, firing the timers due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].f();
      await flush();
    }
    this.now = end;
    await flush();
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A run that ends when the test says, recording when it started and whether it was cancelled. */
interface Run { readonly uri: string; readonly startedAt: number; readonly token: LiveToken; finish(): void }

function scheduler(clock: FakeClock) {
  const runs: Run[] = [];
  const live = new LiveScheduler((uri, token) => new Promise<void>((resolve) => runs.push({ uri, startedAt: clock.now, token, finish: resolve })), LIVE_DEBOUNCE_MS, clock);
  return { live, runs };
}

describe('extension: live evaluations wait for typing to pause, and the newest edit wins', () => {
  it('runs once, the debounce after the last of a burst of keystrokes', async () => {
    const clock = new FakeClock();
    const { live, runs } = scheduler(clock);
    for (let i = 0; i < 5; i++) {
      live.edited('file:///a.py');
      await clock.advance(100);
    }
    assert.equal(runs.length, 0, 'no run while keystrokes come 100 ms apart');
    await clock.advance(LIVE_DEBOUNCE_MS);
    assert.deepEqual(runs.map((r) => [r.uri, r.startedAt]), [['file:///a.py', 400 + LIVE_DEBOUNCE_MS]]);
  });

  it('cancels the running evaluation when a newer edit comes, and starts the next only once it has ended', async () => {
    const clock = new FakeClock();
    const { live, runs } = scheduler(clock);
    live.edited('file:///a.py');
    await clock.advance(LIVE_DEBOUNCE_MS);
    const first = runs[0];
    let cancelledAt = -1;
    first.token.onCancelled(() => (cancelledAt = clock.now));
    await clock.advance(50);
    live.edited('file:///a.py');
    assert.equal(first.token.cancelled, true);
    assert.equal(cancelledAt, LIVE_DEBOUNCE_MS + 50, 'cancelled at the keystroke, not after the pause');
    await clock.advance(LIVE_DEBOUNCE_MS);
    assert.equal(runs.length, 1, 'the cancelled run is still ending: no second run beside it');
    first.finish();
    await flush();
    assert.equal(runs.length, 2);
    assert.equal(runs[1].token.cancelled, false);
  });

  it('drops the runs superseded while one ends: only the latest starts', async () => {
    const clock = new FakeClock();
    const { live, runs } = scheduler(clock);
    live.edited('file:///a.py');
    await clock.advance(LIVE_DEBOUNCE_MS);
    for (let i = 0; i < 3; i++) {
      live.edited('file:///a.py');
      await clock.advance(LIVE_DEBOUNCE_MS);
    }
    assert.equal(runs.length, 1);
    runs[0].finish();
    await flush();
    assert.equal(runs.length, 2, 'three edits while the first run ended give one run, not three');
    runs[1].finish();
    await clock.advance(10 * LIVE_DEBOUNCE_MS);
    assert.equal(runs.length, 2);
  });

  it('keeps documents apart: an edit of one cancels nothing of another', async () => {
    const clock = new FakeClock();
    const { live, runs } = scheduler(clock);
    live.edited('file:///a.py');
    await clock.advance(LIVE_DEBOUNCE_MS);
    live.edited('file:///b.py');
    assert.equal(runs[0].token.cancelled, false);
    await clock.advance(LIVE_DEBOUNCE_MS);
    assert.deepEqual(runs.map((r) => r.uri), ['file:///a.py', 'file:///b.py']);
  });

  it('runs a document at once when asked (functions marked live), and nothing after it is forgotten', async () => {
    const clock = new FakeClock();
    const { live, runs } = scheduler(clock);
    live.now('file:///a.py');
    assert.equal(runs.length, 1);
    live.edited('file:///a.py');
    live.forget('file:///a.py');
    assert.equal(runs[0].token.cancelled, true);
    runs[0].finish();
    await clock.advance(10 * LIVE_DEBOUNCE_MS);
    assert.equal(runs.length, 1);
  });
});
