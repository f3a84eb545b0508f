import * as assert from 'node:assert/strict';
import { deadlineMs, PendingEvaluations, STARTUP_GRACE_MS } from '../../../extension/pending';
import type { EvaluateRequest, EvaluationOutcome } from '../../../protocol';

/**
 * Issue 11.3: a progress notification stayed forever when the panel's answer was refused (three
 * stacked up after three clicks). The extension waits on PendingEvaluations: every evaluation it
 * starts must end, by success, failure, an unreadable answer, cancellation, the panel closing or
 * the deadline.
 */
const REQUEST: EvaluateRequest = { uri: 'file:///w/nan.py', function: 'f', text: '', engines: 'both', backend: 'auto', graphs: true, budgets: { ms: 50 } };
const OK: EvaluationOutcome = { ok: true, result: { uri: REQUEST.uri, function: 'f', sourceHash: 'h', style: 'torch', inputs: {}, inputOrigin: 'call', backend: { name: 'wasm' }, value: NaN, grad: {} } };

/** Whether `p` has settled after the pending timers and microtasks ran. */
async function settled<T>(p: Promise<T>): Promise<{ done: boolean; value?: T }> {
  const marker = Symbol('pending');
  const value = await Promise.race([p, new Promise<typeof marker>((r) => setImmediate(() => r(marker)))]);
  return value === marker ? { done: false } : { done: true, value: value as T };
}

describe('extension: every evaluation waited on in the panel ends', () => {
  it('ends with its outcome, once: a second answer for the same id is ignored', async () => {
    const pending = new PendingEvaluations();
    const { id, outcome } = pending.start(REQUEST, () => undefined);
    assert.equal((await settled(outcome)).done, false);
    pending.settle(id, OK);
    pending.settle(id, undefined);
    assert.deepEqual(await outcome, OK);
    assert.equal(pending.size, 0);
  });

  it('ends with an error when the answer for it could not be read (the NaN result that was refused)', async () => {
    const pending = new PendingEvaluations();
    const { id, outcome } = pending.start(REQUEST, () => undefined);
    const refused = { type: 'outcome', id, outcome: { ok: true, result: { value: null } } };
    assert.equal(pending.unreadable(refused), true);
    const got = await outcome;
    assert.ok(got && !got.ok);
    assert.equal(got.error.kind, 'error');
    assert.match(got.error.message, /^the panel's answer for f\(\) could not be read/);
  });

  it('leaves evaluations alone for a malformed message that names none of them', async () => {
    const pending = new PendingEvaluations();
    const { outcome } = pending.start(REQUEST, () => undefined);
    for (const data of [null, 'x', { type: 'outcome' }, { id: 'one' }, { id: 999 }]) assert.equal(pending.unreadable(data), false);
    assert.equal((await settled(outcome)).done, false);
    pending.closeAll();
  });

  it('ends at once, with nothing to show, when the user cancels', async () => {
    const pending = new PendingEvaluations();
    const { id, outcome } = pending.start(REQUEST, () => undefined);
    pending.cancel(id);
    assert.deepEqual(await settled(outcome), { done: true, value: undefined });
  });

  it('ends every evaluation when the panel closes', async () => {
    const pending = new PendingEvaluations();
    const runs = [pending.start(REQUEST, () => undefined), pending.start(REQUEST, () => undefined)];
    pending.closeAll();
    for (const r of runs) assert.deepEqual(await settled(r.outcome), { done: true, value: undefined });
  });

  it('ends with a budget error at the deadline when no answer comes (the time budget plus the start-up grace)', async function () {
    this.timeout(5_000);
    assert.equal(deadlineMs(REQUEST), 50 + STARTUP_GRACE_MS);
    const pending = new PendingEvaluations();
    // NB: a fake clock: the deadline is 30 s, which no unit test waits for.
    const realSetTimeout = globalThis.setTimeout;
    let fire: (() => void) | undefined;
    let delay = 0;
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      fire = fn;
      delay = ms;
      return realSetTimeout(() => undefined, 0);
    }) as typeof setTimeout;
    let outcome: Promise<EvaluationOutcome | undefined>;
    try {
      outcome = pending.start(REQUEST, () => undefined).outcome;
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    assert.equal(delay, 50 + STARTUP_GRACE_MS);
    assert.equal((await settled(outcome)).done, false);
    fire!();
    const got = await outcome;
    assert.ok(got && !got.ok);
    assert.equal(got.error.kind, 'budget');
    assert.match(got.error.message, /^f\(\) gave no result within 30 s \(the time budget, gradlens\.budget\.seconds, plus 30 s to start the panel\)/);
  });

  it('passes progress on to the one evaluation it names', () => {
    const pending = new PendingEvaluations();
    const heard: string[] = [];
    const { id } = pending.start(REQUEST, (m) => heard.push(m));
    pending.progress(id, 'Evaluating f()…');
    pending.progress(id + 1, 'not mine');
    assert.deepEqual(heard, ['Evaluating f()…']);
    pending.closeAll();
  });
});
