/**
 * Evaluations run here, on a worker thread with its own heap (dist/evaluation_worker.js): the
 * language server's thread stays free to answer hovers and lenses, and the server or the CLI can
 * stop a run that ignores its budgets (one long kernel), or hand back what a heavy one held, by
 * terminating it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openExecutionHost } from '../host';
import type { FromWorker, ToWorker, WorkerSetup } from './messages';

const port = parentPort;
if (!port) throw new Error('evaluation_worker.js runs as a worker thread of the language server (dist/server.js) or the CLI (dist/cli.js)');

const host = openExecutionHost((workerData as WorkerSetup).backend);
host.then(
  () => port.postMessage({ kind: 'ready' } satisfies FromWorker),
  (e: unknown) => port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker),
);

port.on('message', async ({ id, request }: ToWorker) => {
  const outcome = await (await host).evaluate(request);
  const { heapTotal, external } = process.memoryUsage();
  port.postMessage({ kind: 'outcome', id, outcome, heldBytes: heapTotal + external } satisfies FromWorker);
});
