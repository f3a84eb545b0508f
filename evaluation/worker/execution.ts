/**
 * Evaluation off the caller's thread, on the CPU: a child process (child.ts) with its own heap
 * runs one evaluation at a time, so the language server answers hovers, lenses and inlay hints
 * while it computes, and the CLI's time budget holds inside a kernel too. The budgets (steps,
 * seconds, tensor memory) hold inside the worker; killing it is the backstop for what ignores
 * them (a loop inside a built-in, one long kernel), for cancellation, which is immediate, and for
 * returning what a heavy evaluation held (a process's exit returns all of it). The worker starts on
 * first use: a caller that never asks pays nothing.
 */
import { join } from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { DEFAULT_BUDGETS } from '../../lang/python';
import type { NodeBackend } from '../../protocol/backends';
import type { EvaluateRequest } from '../../protocol/evaluate';
import type { EvaluationError, EvaluationOutcome, SourceRange } from '../../protocol/results';
import { fileOfUri } from '../target';
import type { FromWorker, ToWorker } from './messages';

export interface Cancellable {
  readonly aborted: boolean;
}

/** What the caller knows of the function it asks for: where its error goes, and the hash its outcome is kept under. */
export interface EvaluatedFunction {
  readonly range?: SourceRange;
  readonly sourceHash: string;
}

export interface WorkerExecutionOptions {
  /** The backend the worker computes on. */
  readonly backend: NodeBackend;
  /** How the user raises the time budget, named when a run overruns it (`gradlens.budget.seconds`, `--budget-seconds`). */
  readonly secondsSetting: string;
}

/** How long past its time budget an evaluation may run before the worker is stopped from outside. */
const HARD_STOP_GRACE_MS = 1000;
/** How often a running evaluation's cancellation is looked at (the signal is a flag, not an event). */
const CANCEL_POLL_MS = 5;
/** The worker's JavaScript heap (Python values, lists, traces); past it the worker dies, not its caller. */
const WORKER_HEAP_MIB = 1024;
/** A worker whose resident memory grew this much since it was ready is replaced by a fresh one, which returns the memory. */
const RECYCLE_RSS_GROWTH_BYTES = 96 * 2 ** 20;
/**
 * A worker is also replaced after this many evaluations: with both heaps flat and no tensor alive,
 * a process still grew ~4 MiB every 100 evaluations at new shapes (V8's code space for evicted
 * kernels, allocator arenas), which only a fresh one hands back.
 */
const RECYCLE_EVALUATIONS = 500;
/** A worker that does not open its CPU backend within this long is taken as failed. */
const START_TIMEOUT_MS = 60_000;

/** How one evaluation in the worker ended. */
type Ended =
  | { readonly kind: 'done'; readonly outcome: EvaluationOutcome; readonly rssBytes: number }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'overran'; readonly ms: number }
  | { readonly kind: 'crashed'; readonly error: Error };

export class WorkerExecution {
  private worker: EvaluationWorker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: WorkerExecutionOptions) {}

  /** Evaluations run one at a time, in order; one cancelled while it waits never starts. */
  evaluate(request: EvaluateRequest, signal: Cancellable = { aborted: false }, fn?: EvaluatedFunction): Promise<EvaluationOutcome> {
    const next = this.queue.then(() => this.run(request, signal, fn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.disposed = true;
    void this.worker?.terminate();
    this.worker = null;
  }

  private async run(request: EvaluateRequest, signal: Cancellable, fn: EvaluatedFunction | undefined): Promise<EvaluationOutcome> {
    const stopped = (kind: EvaluationError['kind'], message: string) => failure(request, fn, kind, message);
    const cancelled = () => stopped('cancelled', `the evaluation of ${request.function}() was cancelled`);
    if (this.disposed) return stopped('error', 'evaluation is shutting down');
    if (signal.aborted) return cancelled();
    const worker = (this.worker ??= this.start());
    const budgetMs = request.budgets?.ms ?? DEFAULT_BUDGETS.maxWallMs;
    const ended = await worker.evaluate(request, signal, budgetMs + HARD_STOP_GRACE_MS);
    if (ended.kind === 'done') {
      if (worker.heavy(ended.rssBytes)) this.replace(worker);
      return ended.outcome;
    }
    this.replace(worker);
    if (ended.kind === 'cancelled') return cancelled();
    const setting = this.options.secondsSetting;
    if (ended.kind === 'overran') {
      return stopped('budget', `evaluation stopped after ${seconds(ended.ms)} (${setting}): ${request.function}() ran past its time budget of ${seconds(budgetMs)} in work that cannot stop to check it (a loop inside a built-in, one long kernel); make it do less, or raise ${setting}`);
    }
    if (isOutOfMemory(ended.error)) {
      return stopped('budget', `evaluation stopped: ${request.function}() ran out of memory (an evaluation's Python values may hold ${WORKER_HEAP_MIB} MiB); make its lists, strings or tensors smaller`);
    }
    return stopped('error', `internal error in Gradlens while evaluating ${request.function}(): the evaluation worker stopped (${ended.error.message}); please report it`);
  }

  private start(): EvaluationWorker {
    return EvaluationWorker.start(this.options.backend);
  }

  /** Terminates `worker` (if it is still the one) and starts a fresh one, so the next evaluation finds it ready. */
  private replace(worker: EvaluationWorker): void {
    void worker.terminate();
    if (this.worker !== worker) return;
    this.worker = this.disposed ? null : this.start();
  }
}

/** One evaluation process and the evaluation it runs, if any. */
class EvaluationWorker {
  private readonly ready: Promise<Error | null>;
  private running: { readonly id: number; readonly finish: (ended: Ended) => void } | null = null;
  private lastId = 0;
  private exited: Error | null = null;
  /** The process's least resident memory after a run (its first, with the runtime loaded). */
  private startRss = Infinity;

  static start(backend: NodeBackend): EvaluationWorker {
    // NB: dist/evaluation_worker.js lies beside dist/server.js and dist/cli.js, whichever bundle this is.
    return new EvaluationWorker(fork(join(__dirname, 'evaluation_worker.js'), [backend], {
      execArgv: [`--max-old-space-size=${WORKER_HEAP_MIB}`],
      // NB: structured clone, not JSON: NaN and the infinities of a result cross as they are.
      serialization: 'advanced',
      // NB: over --stdio the server's stdout is the LSP stream: what the worker prints goes to stderr.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }));
  }

  private constructor(private readonly worker: ChildProcess) {
    worker.stdout?.pipe(process.stderr);
    let stderrTail = '';
    worker.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-400);
    });
    let error: Error | null = null;
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => resolve(new Error(`it did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready' || m.kind === 'failed') {
          clearTimeout(timer);
          resolve(m.kind === 'ready' ? null : new Error(m.message));
        } else if (m.id === this.running?.id) {
          this.startRss = Math.min(this.startRss, m.rssBytes);
          this.running.finish({ kind: 'done', outcome: m.outcome, rssBytes: m.rssBytes });
        }
      });
      worker.on('error', (e) => (error = e));
      worker.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = error ?? exitError(code, signal, stderrTail);
        resolve(this.exited);
        this.running?.finish({ kind: 'crashed', error: this.exited });
      });
    });
  }

  /**
   * Runs `request`, stopping the worker when `signal` is raised (also while it still starts) or when
   * the run takes longer than `limitMs` once begun; the caller replaces a worker whose run did not end 'done'.
   */
  evaluate(request: EvaluateRequest, signal: Cancellable, limitMs: number): Promise<Ended> {
    return new Promise<Ended>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const poll = setInterval(() => {
        if (signal.aborted) finish({ kind: 'cancelled' });
      }, CANCEL_POLL_MS);
      const finish = (ended: Ended) => {
        clearInterval(poll);
        clearTimeout(timer);
        this.running = null;
        resolve(ended);
      };
      void this.ready.then((failed) => {
        if (failed) return finish({ kind: 'crashed', error: failed });
        if (signal.aborted) return finish({ kind: 'cancelled' });
        const id = ++this.lastId;
        this.running = { id, finish };
        const started = performance.now();
        timer = setTimeout(() => finish({ kind: 'overran', ms: performance.now() - started }), limitMs);
        this.worker.send({ id, request } satisfies ToWorker);
      });
    });
  }

  /** Whether the process grew so much since its first run, or has run so many, that a fresh one should take over. */
  heavy(rssBytes: number): boolean {
    return rssBytes - this.startRss > RECYCLE_RSS_GROWTH_BYTES || this.lastId >= RECYCLE_EVALUATIONS;
  }

  /** Kills the process at once; a run still going ends 'crashed' (the caller that stopped it has answered already). */
  async terminate(): Promise<void> {
    this.worker.kill('SIGKILL');
  }
}

/** Why the process ended: V8 aborts on a full heap, after saying so on stderr. */
function exitError(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): Error {
  if (/heap out of memory/i.test(stderrTail)) return new OutOfMemory('it ran out of memory');
  return new Error(signal ? `it was killed by ${signal}` : `it exited with code ${code}`);
}

function failure(request: EvaluateRequest, fn: EvaluatedFunction | undefined, kind: EvaluationError['kind'], message: string): EvaluationOutcome {
  const file = fileOfUri(request.uri);
  const at = fn?.range;
  const error: EvaluationError = {
    uri: request.uri,
    function: request.function,
    sourceHash: fn?.sourceHash ?? '',
    kind,
    message: at ? `${file}:${at.line}:${at.col}: error: ${message}` : `${file}: error: ${message}`,
    ...(at ? { range: at } : {}),
  };
  return { ok: false, error };
}

class OutOfMemory extends Error {}

function isOutOfMemory(error: Error): boolean {
  return error instanceof OutOfMemory;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}
