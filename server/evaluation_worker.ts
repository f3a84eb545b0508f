/**
 * The language server's evaluations run here, on a worker thread with its own heap (dist/
 * evaluation_worker.js): the server's thread stays free to answer hovers and lenses, and the server
 * can stop a run that ignores its budgets, or hand back what a heavy one held, by terminating it.
 */
import { parentPort } from 'node:worker_threads';
import { openExecutionHost } from '../evaluation';
import type { FromWorker, ToWorker } from './worker_messages';

const port = parentPort;
if (!port) throw new Error('evaluation_worker.js runs as a worker thread of the language server (dist/server.js)');

const host = openExecutionHost('wasm');
host.then(
  () => port.postMessage({ kind: 'ready' } satisfies FromWorker),
  (e: unknown) => port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker),
);

port.on('message', async ({ id, request }: ToWorker) => {
  const outcome = await (await host).evaluate(request);
  const { heapTotal, external } = process.memoryUsage();
  port.postMessage({ kind: 'outcome', id, outcome, heldBytes: heapTotal + external } satisfies FromWorker);
});
