import * as assert from 'node:assert/strict';
import type { NotificationMessage } from 'vscode-languageserver';
import { Traffic } from '../../../server/traffic';

/**
 * The slices of an opened document's analysis wait for the client's messages: vscode-jsonrpc
 * handles one a turn of the event loop, and a codeLens request queued behind others must not wait
 * a slice for each of them.
 */
const MESSAGE: NotificationMessage = { jsonrpc: '2.0', method: 'textDocument/didChange' };

/** Handles `count` messages through `traffic`'s strategy, one a turn, as vscode-jsonrpc does; records each. */
function handleInTurns(traffic: Traffic, count: number, order: string[]): void {
  let left = count;
  const handleOne = () => {
    if (left-- <= 0) return;
    traffic.strategy.handleMessage(MESSAGE, () => void order.push('message'));
    setImmediate(handleOne);
  };
  setImmediate(handleOne);
}

const idle = (traffic: Traffic, order: string[]) => new Promise<void>((resolve) => traffic.whenIdle(() => {
  order.push('work');
  resolve();
}));

describe('server traffic: background work between the client\'s messages', () => {
  it('runs after every message queued before it is handled', async () => {
    const traffic = new Traffic();
    const order: string[] = [];
    handleInTurns(traffic, 5, order);
    await idle(traffic, order);
    assert.deepEqual(order, ['message', 'message', 'message', 'message', 'message', 'work']);
  });

  it('waits for the answers to be written, then runs', async () => {
    let written = false;
    const traffic = new Traffic(() => !written);
    const order: string[] = [];
    setTimeout(() => {
      written = true;
      order.push('written');
    }, 20);
    await idle(traffic, order);
    assert.deepEqual(order, ['written', 'work']);
  });

  it('never runs once cancelled', async () => {
    const traffic = new Traffic();
    let ran = false;
    traffic.whenIdle(() => (ran = true))();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(ran, false);
  });
});
