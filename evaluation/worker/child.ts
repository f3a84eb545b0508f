/**
 * Evaluations run here, in a child process with its own heap (dist/evaluation_worker.js, forked
 * with an IPC channel): the language server's thread stays free to answer hovers and lenses, and
 * the server or the CLI can stop a run that ignores its budgets (one long kernel), or hand back
 * everything a heavy one held, by killing it: a process's exit returns all of its memory, which a
 * terminated worker thread does not (its native allocations stay with the process).
 */
import { formatError } from '../../lang/python';
import { AssignmentRecorder } from '../assignments';
import { openExecutionHost, type ExecutionHost } from '../host';
import { isNodeBackend, TRACE_POINTS, type FromWorker, type ScriptEnd, type ScriptRun, type ToWorker } from './messages';
import { POSITION_FD, PositionNotes } from './position';

const backend = process.argv[2];
if (!process.send || !isNodeBackend(backend)) {
  throw new Error('evaluation_worker.js runs as a child process of the language server (dist/server.js) or the CLI (dist/cli.js), with a backend argument');
}
const send = (m: FromWorker) => process.send!(m);
// The caller's exit closes the channel: nothing is left to evaluate for.
process.on('disconnect', () => process.exit(0));

const positions = new PositionNotes(POSITION_FD);
const host = openExecutionHost(backend);
host.then(
  () => send({ kind: 'ready' }),
  (e: unknown) => send({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }),
);

process.on('message', async (job: ToWorker) => {
  const opened = await host;
  positions.begin(job.id);
  const answer = job.kind === 'evaluate' ? await opened.evaluate(job.request, positions.signal()) : runScript(opened, job.id, job.script);
  send({ kind: 'answer', id: job.id, answer, rssBytes: process.memoryUsage.rss() });
});

/** Printed text is sent at most this often, or when this much is waiting: a message per `print` costs more than the print. */
const RELAY_MS = 16;
const RELAY_CHARS = 1 << 16;

/** Runs the script, sending what it prints as it prints it: the caller shows a long run's output live. */
function runScript(opened: ExecutionHost, id: number, script: ScriptRun): ScriptEnd {
  let pending = '';
  let sentAt = 0;
  const flush = () => {
    if (pending) send({ kind: 'printed', id, text: pending });
    pending = '';
    sentAt = performance.now();
  };
  const flushIfDue = () => {
    if (pending && (pending.length >= RELAY_CHARS || performance.now() - sentAt >= RELAY_MS)) flush();
  };
  // NB: on the CPU a traced 0-d tensor is read as it is assigned: nothing is held while the script runs.
  const recorder = script.trace?.length ? AssignmentRecorder.ofNames(script.trace, { points: TRACE_POINTS, readScalarsNow: true }) : null;
  const result = opened.runScript(script.source, {
    file: script.file,
    ...(recorder ? { onAssign: recorder.listen } : {}),
    budgets: script.budgets,
    stdout: (text) => {
      pending += text;
      flushIfDue();
    },
    // NB: what it printed before the warning goes first, as a terminal shows an unbuffered stderr.
    stderr: (text) => {
      flush();
      send({ kind: 'printed', id, text, stream: 'stderr' });
    },
    // NB: the run polls its cancel signal every 256 steps and between kernels, the only moments a
    // synchronous run gives: what it printed last is sent then, not held back through a long silence.
    signal: {
      get aborted() {
        flushIfDue();
        return false;
      },
      at: positions.note,
    },
  }, (figure) => {
    // NB: after what it printed before showing it, as Jupyter shows a figure below the cell's earlier output.
    flush();
    send({ kind: 'figure', id, figure });
  });
  flush();
  const traces = recorder?.traces();
  recorder?.release();
  return { error: result.error ? formatError(result.error) : null, ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }), ...(traces ? { traces } : {}) };
}
