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
import { getPriority, setPriority } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { DEFAULT_BUDGETS } from '../../lang/python';
import type { NodeBackend } from '../../protocol/backends';
import type { EvaluateRequest } from '../../protocol/evaluate';
import type { EvaluationError, EvaluationOutcome, SourceRange } from '../../protocol/results';
import { fileOfUri } from '../target';
import type { FromWorker, Job, ScriptEnd, ScriptOutput, ScriptRun, ToWorker } from './messages';
import { POSITION_FD, readPositions, type Position } from './position';
import { evaluationStackArgs } from './stack_size';

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
  /**
   * When the successor of a stopped worker (cancelled, overrun, grown heavy) is started: at once
   * unless given. Starting one forks, which holds the caller's thread 12-17 ms (load 14): the
   * language server waits for a pause in typing, as live mode cancels at a keystroke. An
   * evaluation asked for before then starts it itself.
   */
  readonly startSuccessor?: (start: () => void) => void;
  /**
   * Whether the worker runs below the caller's CPU priority: the language server answers the
   * editor's keystrokes first while an evaluation computes, where they share the cores. Live mode
   * evaluates as the user types; at load 17 on 2 cores a keystroke sent during an evaluation
   * waited a median 10.2 ms for its lenses, p90 22.6 ms.
   */
  readonly background?: boolean;
}

/** How long past its time budget an evaluation may run before the worker is stopped from outside. */
const HARD_STOP_GRACE_MS = 1000;
/** How often a running evaluation's cancellation is looked at (the signal is a flag, not an event). */
const CANCEL_POLL_MS = 5;
/**
 * The worker's JavaScript heap (Python values, lists, traces); past it the worker dies, not its
 * caller. GRADLENS_WORKER_HEAP_MIB sets another (the tests' memory stops, which reach 1 GiB slowly).
 */
const WORKER_HEAP_MIB = Number(process.env.GRADLENS_WORKER_HEAP_MIB) || 1024;
/**
 * The most V8's young generation may grow to, per semi-space. Left to itself it grows to 16 MiB a
 * semi-space over an evaluation's first eager ops' short-lived objects and keeps the pages
 * resident: after 40 evaluations of a 200-step training loop (soak_training.test.ts) the worker
 * held 131 -> 155-177 MiB, at 2 MiB 104 -> 120 MiB (issue 17's memory goal: within 1.2x of after
 * the first evaluation; 1,000 evaluations: 1.14x). bench:programs W4/W7, best of 4 interleaved
 * runs of each at load 9-18: 389/483 ms of CPU without it, 427/476 ms with it.
 */
const WORKER_SEMI_SPACE_MIB = 2;
/** A worker whose resident memory grew this much since it was ready is replaced by a fresh one, which returns the memory. */
const RECYCLE_RSS_GROWTH_BYTES = 96 * 2 ** 20;
/**
 * A worker is also replaced after this many evaluations: with both heaps flat and no tensor alive,
 * a process still grew ~4 MiB every 100 evaluations at new shapes (V8's code space for evicted
 * kernels, allocator arenas), which only a fresh one hands back.
 */
const RECYCLE_EVALUATIONS = 500;
/** How far below its caller's a background worker's priority is, in nice steps (Windows maps the nice value it makes to a priority class). */
const BACKGROUND_NICENESS = 10;
/** How long a worker asked to exit may take before it is killed. */
const CLOSE_GRACE_MS = 2000;
/** A worker that does not open its CPU backend within this long is taken as failed. */
const START_TIMEOUT_MS = 60_000;

/**
 * How one job in the worker ended; one stopped from outside or crashed with `at`, where it was
 * when it last checked its budgets (the line of the kernel it was stuck in).
 */
type Ended<Answer> =
  | { readonly kind: 'done'; readonly answer: Answer; readonly rssBytes: number }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'overran'; readonly ms: number; readonly at?: SourceRange }
  | { readonly kind: 'crashed'; readonly error: Error; readonly at?: SourceRange };

export class WorkerExecution {
  private worker: EvaluationWorker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: WorkerExecutionOptions) {}

  /** Evaluations run one at a time, in order; one cancelled while it waits never starts. */
  evaluate(request: EvaluateRequest, signal: Cancellable = { aborted: false }, fn?: EvaluatedFunction): Promise<EvaluationOutcome> {
    return this.enqueue(() => this.run(request, signal, fn));
  }

  /**
   * Runs a whole script (`gradlens run`), in turn with evaluations, passing what it prints to
   * `output` as the worker sends it (and the figures it shows); a run past its time budget (one long kernel) is stopped here.
   */
  runScript(script: ScriptRun, output: ScriptOutput): Promise<ScriptEnd> {
    return this.enqueue(() => this.runWhole(script, output));
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Ends the worker: one at rest is asked to exit and waited for (so it leaves no process behind
   * and its exit is its own: what it reports on exit reaches the caller's stderr), one still
   * running a job is killed.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = null;
    await worker?.close();
  }

  private async run(request: EvaluateRequest, signal: Cancellable, fn: EvaluatedFunction | undefined): Promise<EvaluationOutcome> {
    const stopped = (kind: EvaluationError['kind'], message: string) => failure(request, fn, kind, message);
    const cancelled = () => stopped('cancelled', `the evaluation of ${request.function}() was cancelled`);
    if (this.disposed) return stopped('error', 'evaluation is shutting down');
    if (signal.aborted) return cancelled();
    const budgetMs = request.budgets?.ms ?? DEFAULT_BUDGETS.maxWallMs;
    const ended = await this.perform<EvaluationOutcome>({ kind: 'evaluate', request }, signal, budgetMs);
    if (ended.kind === 'done') return ended.answer;
    if (ended.kind === 'cancelled') return cancelled();
    const why = stoppedFrom(ended, budgetMs, this.options.secondsSetting, `${request.function}()`);
    return failure(request, fn, why.kind, why.message, ended.at);
  }

  private async runWhole(script: ScriptRun, output: ScriptOutput): Promise<ScriptEnd> {
    const stopped = (message: string, at?: SourceRange): ScriptEnd => ({ error: `${script.file}${at ? `:${at.line}:${at.col}` : ''}: error: ${message}` });
    if (this.disposed) return stopped('evaluation is shutting down');
    const budgetMs = script.budgets.maxWallMs ?? DEFAULT_BUDGETS.maxWallMs;
    const ended = await this.perform<ScriptEnd>({ kind: 'run', script }, { aborted: false }, budgetMs, output);
    if (ended.kind === 'done') return ended.answer;
    if (ended.kind === 'cancelled') return stopped('the script was cancelled');
    return stopped(stoppedFrom(ended, budgetMs, this.options.secondsSetting, 'the script').message, ended.at);
  }

  /** Runs `job` in the worker (started on first use), replacing a worker that did not end it or grew heavy. */
  private async perform<Answer>(job: Job, signal: Cancellable, budgetMs: number, output?: ScriptOutput): Promise<Ended<Answer>> {
    const worker = (this.worker ??= this.start());
    const ended = await worker.run<Answer>(job, signal, budgetMs + HARD_STOP_GRACE_MS, output);
    if (ended.kind !== 'done' || worker.heavy(ended.rssBytes)) this.replace(worker);
    return ended;
  }

  private start(): EvaluationWorker {
    return EvaluationWorker.start(this.options.backend, this.options.background === true);
  }

  /** Terminates `worker` (if it is still the one) and starts a fresh one, so the next evaluation finds it ready. */
  private replace(worker: EvaluationWorker): void {
    void worker.terminate();
    if (this.worker !== worker) return;
    this.worker = null;
    const startSuccessor = this.options.startSuccessor ?? ((start) => start());
    startSuccessor(() => {
      if (!this.disposed && this.worker === null) this.worker = this.start();
    });
  }
}

/** One evaluation process and the evaluation it runs, if any. */
class EvaluationWorker {
  private readonly ready: Promise<Error | null>;
  private running: {
    readonly id: number;
    readonly finish: (ended: Ended<unknown>) => void;
    readonly output?: ScriptOutput;
  } | null = null;
  private lastId = 0;
  private exited: Error | null = null;
  /** The process's least resident memory after a run (its first, with the runtime loaded). */
  private startRss = Infinity;
  /** Where the running job last was, as the process's position pipe said. */
  private position: Position | null = null;

  static start(backend: NodeBackend, background: boolean): EvaluationWorker {
    // NB: dist/evaluation_worker.js lies beside dist/server.js and dist/cli.js, whichever bundle this is.
    const child = fork(join(__dirname, 'evaluation_worker.js'), [backend], {
      execArgv: [`--max-old-space-size=${WORKER_HEAP_MIB}`, `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`, ...evaluationStackArgs()],
      // NB: structured clone, not JSON: NaN and the infinities of a result cross as they are.
      serialization: 'advanced',
      // NB: over --stdio the server's stdout is the LSP stream: what the worker prints goes to stderr.
      // The pipe after the IPC channel carries where the running job is (position.ts).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
    });
    if (background && child.pid !== undefined) lowerPriority(child.pid);
    return new EvaluationWorker(child);
  }

  private constructor(private readonly worker: ChildProcess) {
    worker.stdout?.pipe(process.stderr);
    let stderrTail = '';
    // NB: V8 says it ran out of memory before a native stack trace longer than any tail kept here.
    let outOfMemory = false;
    worker.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      const text = stderrTail + chunk.toString();
      outOfMemory ||= /heap out of memory/i.test(text);
      stderrTail = text.slice(-400);
    });
    let positionText = '';
    worker.stdio[POSITION_FD]?.on('data', (chunk: Buffer) => {
      const lines = (positionText + chunk.toString()).split('\n');
      positionText = lines.pop()!;
      this.position = readPositions(lines.join('\n')).at(-1) ?? this.position;
    });
    let error: Error | null = null;
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => resolve(new Error(`it did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready' || m.kind === 'failed') {
          clearTimeout(timer);
          resolve(m.kind === 'ready' ? null : new Error(m.message));
        } else if (m.id !== this.running?.id) {
          // A stopped job's last words: its caller has had its answer.
        } else if (m.kind === 'printed') {
          this.running.output?.printed(m.text, m.stream ?? 'stdout');
        } else if (m.kind === 'figure') {
          this.running.output?.shown(m.figure);
        } else {
          this.startRss = Math.min(this.startRss, m.rssBytes);
          this.running.finish({ kind: 'done', answer: m.answer, rssBytes: m.rssBytes });
        }
      });
      worker.on('error', (e) => (error = e));
      worker.on('exit', async (code, signal) => {
        clearTimeout(timer);
        // NB: its last words (V8's out-of-memory report, where it was) may still be in its pipes as it exits.
        await Promise.all([worker.stderr, worker.stdio[POSITION_FD]].map(drained));
        this.exited = error ?? exitError(code, signal, outOfMemory);
        resolve(this.exited);
        this.running?.finish({ kind: 'crashed', error: this.exited, ...this.positionOf(this.running.id) });
      });
    });
  }

  /**
   * Runs `job`, stopping the worker when `signal` is raised (also while it still starts) or when
   * the run takes longer than `limitMs` once begun; the caller replaces a worker whose run did not end 'done'.
   */
  run<Answer>(job: Job, signal: Cancellable, limitMs: number, output?: ScriptOutput): Promise<Ended<Answer>> {
    return new Promise<Ended<Answer>>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const poll = setInterval(() => {
        if (signal.aborted) finish({ kind: 'cancelled' });
      }, CANCEL_POLL_MS);
      const finish = (ended: Ended<unknown>) => {
        clearInterval(poll);
        clearTimeout(timer);
        this.running = null;
        // NB: a 'done' answer is the one this job's kind sends (messages.ts pairs them).
        resolve(ended as Ended<Answer>);
      };
      void this.ready.then((failed) => {
        if (failed) return finish({ kind: 'crashed', error: failed });
        if (signal.aborted) return finish({ kind: 'cancelled' });
        const id = ++this.lastId;
        this.running = { id, finish, output };
        const started = performance.now();
        timer = setTimeout(() => finish({ kind: 'overran', ms: performance.now() - started, ...this.positionOf(id) }), limitMs);
        this.worker.send({ ...job, id } satisfies ToWorker);
      });
    });
  }

  /** Where job `id` last was, if the position pipe has said so. */
  private positionOf(id: number): { at?: SourceRange } {
    return this.position?.id === id ? { at: this.position.range } : {};
  }

  /** Whether the process grew so much since its first run, or has run so many, that a fresh one should take over. */
  heavy(rssBytes: number): boolean {
    return rssBytes - this.startRss > RECYCLE_RSS_GROWTH_BYTES || this.lastId >= RECYCLE_EVALUATIONS;
  }

  /** Kills the process at once; a run still going ends 'crashed' (the caller that stopped it has answered already). */
  async terminate(): Promise<void> {
    this.worker.kill('SIGKILL');
  }

  /** Lets an idle process exit by itself (it exits when its channel closes) and waits for it; kills a busy or stuck one. */
  async close(): Promise<void> {
    if (this.exited) return;
    // NB: its exit and the end of its stderr, whose last lines are relayed by then (the process's own
    // 'close' never comes once its IPC channel was disconnected).
    const stderr = this.worker.stderr;
    const exited = Promise.all([
      new Promise<void>((resolve) => this.worker.once('exit', () => resolve())),
      stderr && !stderr.closed ? new Promise<void>((resolve) => stderr.once('close', () => resolve())) : undefined,
    ]);
    if (this.running || !this.worker.connected) this.worker.kill('SIGKILL');
    else this.worker.disconnect();
    const stuck = setTimeout(() => this.worker.kill('SIGKILL'), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(stuck);
  }
}

/**
 * What to tell the user about a job (`subject`: `f()`, `the script`) that the worker did not end:
 * one stopped from outside past its time budget, or a worker that ran out of memory or died.
 */
function stoppedFrom(
  ended: Extract<Ended<unknown>, { kind: 'overran' | 'crashed' }>,
  budgetMs: number,
  setting: string,
  subject: string,
): { readonly kind: 'budget' | 'error'; readonly message: string } {
  if (ended.kind === 'overran') {
    return { kind: 'budget', message: `evaluation stopped after ${seconds(ended.ms)} (${setting}): ${subject} ran past its time budget of ${seconds(budgetMs)} in work that cannot stop to check it (a loop inside a built-in, one long kernel); make it do less, or raise ${setting}` };
  }
  if (isOutOfMemory(ended.error)) {
    return { kind: 'budget', message: `evaluation stopped: ${subject} ran out of memory (its Python values may hold ${WORKER_HEAP_MIB} MiB); make its lists, strings or tensors smaller` };
  }
  return { kind: 'error', message: `internal error in Gradlens while running ${subject}: the evaluation worker stopped (${ended.error.message}); please report it` };
}

/** How long an exited process's pipes may take to hand over what it wrote last. */
const DRAIN_MS = 500;

/** Resolves once `stream` has ended (an exited process's pipe gives what it holds, then ends), or after DRAIN_MS. */
function drained(stream: Readable | Writable | null | undefined): Promise<void> {
  if (!stream || stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, DRAIN_MS);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Why the process ended: V8 aborts on a full heap, after saying so on stderr. */
function exitError(code: number | null, signal: NodeJS.Signals | null, outOfMemory: boolean): Error {
  if (outOfMemory) return new OutOfMemory('it ran out of memory');
  return new Error(signal ? `it was killed by ${signal}` : `it exited with code ${code}`);
}

/** Lowers a process's CPU priority below this one's (raising a nice value needs no privilege). */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, Math.min(19, getPriority() + BACKGROUND_NICENESS));
  } catch {
    // NB: a system that refuses leaves the worker at the caller's priority: its results are the same.
  }
}

function failure(request: EvaluateRequest, fn: EvaluatedFunction | undefined, kind: EvaluationError['kind'], message: string, where?: SourceRange): EvaluationOutcome {
  const file = fileOfUri(request.uri);
  const at = where ?? fn?.range;
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
