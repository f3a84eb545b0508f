/**
 * Evaluations run here, in a child process with its own heap (dist/evaluation_worker.js, forked
 * with an IPC channel): the language server's thread stays free to answer hovers and lenses, and
 * the server or the CLI can stop a run that ignores its budgets (one long kernel), or hand back
 * everything a heavy one held, by killing it: a process's exit returns all of its memory, which a
 * terminated worker thread does not (its native allocations stay with the process).
 */
import { openExecutionHost } from '../host';
import { isNodeBackend, type FromWorker, type ToWorker } from './messages';

const backend = process.argv[2];
if (!process.send || !isNodeBackend(backend)) {
  throw new Error('evaluation_worker.js runs as a child process of the language server (dist/server.js) or the CLI (dist/cli.js), with a backend argument');
}
const send = (m: FromWorker) => process.send!(m);
// The caller's exit closes the channel: nothing is left to evaluate for.
process.on('disconnect', () => process.exit(0));

const host = openExecutionHost(backend);
host.then(
  () => send({ kind: 'ready' }),
  (e: unknown) => send({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }),
);

process.on('message', async ({ id, request }: ToWorker) => {
  const outcome = await (await host).evaluate(request);
  send({ kind: 'outcome', id, outcome, rssBytes: process.memoryUsage.rss() });
});
