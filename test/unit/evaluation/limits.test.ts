import * as assert from 'node:assert/strict';
import { openExecutionHost } from '../../../evaluation';
import { failed, requestFor } from './support';

const LOOP = 'import torch\n\ndef f(x=1.0):\n    while True:\n        x = x + 1\n    return x\n';

describe('evaluation: budgets and cancellation', () => {
  it('stops an endless loop at the step budget, at the loop', async () => {
    const e = await failed(requestFor('loop.py', LOOP, 'f', { budgets: { steps: 10_000 } }));
    assert.equal(e.kind, 'budget');
    assert.match(e.message, /^loop\.py:[45]:\d+: error: .*10,000 steps/);
    assert.ok(e.range && e.range.line >= 4 && e.range.line <= 5);
  });

  it('stops an endless loop at the time budget', async () => {
    const e = await failed(requestFor('loop.py', LOOP, 'f', { budgets: { ms: 200 } }));
    assert.equal(e.kind, 'budget');
    assert.match(e.message, /^loop\.py:[45]:\d+: error: .*longer than 0\.2 s/);
  });

  it('is cancelled before it starts by a signal already raised', async () => {
    const e = await failed(requestFor('seed.py', 'def f(x=2.0):\n    return x * x\n', 'f'), { aborted: true });
    assert.equal(e.kind, 'cancelled');
  });

  it('is cancelled inside a running loop when the signal rises (as another thread raises it)', async () => {
    let polls = 0;
    // The interpreter polls the flag every thousand steps or so: it rises after twenty polls.
    const signal = { get aborted() { return ++polls > 20; } };
    const e = await failed(requestFor('loop.py', LOOP, 'f'), signal);
    assert.equal(e.kind, 'cancelled');
    assert.ok(e.range && e.range.line >= 4 && e.range.line <= 5, `at the loop, got ${JSON.stringify(e.range)}`);
  });
});

describe('evaluation: execution hosts', () => {
  it("'auto' in Node, where no GPU adapter exists, runs on wasm and says so", async () => {
    const host = await openExecutionHost('auto');
    assert.deepEqual(host.backend, { name: 'wasm' });
    const outcome = await host.evaluate(requestFor('seed.py', 'def f(x=2.0):\n    return x ** 2 + 3 * x + 5\n', 'f'));
    assert.ok(outcome.ok && outcome.result.value === 15 && outcome.result.backend.name === 'wasm');
    host.dispose();
  });

  it('on the float64 reference backend', async () => {
    const host = await openExecutionHost('reference');
    const outcome = await host.evaluate(requestFor('seed.py', 'import torch\n\ndef f(x=0.1):\n    return x * 3\n', 'f'));
    assert.ok(outcome.ok);
    assert.equal(outcome.result.backend.name, 'reference');
    assert.deepEqual(outcome.result.grad, { x: 3 });
    host.dispose();
  });
});
