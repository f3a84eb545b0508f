/**
 * evaluation/worker: evaluations in a child process, for Node callers (the language server, the
 * CLI); not in evaluation/index.ts, which the webview's browser bundle imports too.
 */
export { WorkerExecution, type Cancellable, type EvaluatedFunction, type WorkerExecutionOptions } from './execution';
export { TRACE_POINTS } from './messages';
export { type Trace } from '../assignments';
