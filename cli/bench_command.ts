import { WorkerExecution } from '../evaluation/worker';
import { ENGINE_MODES } from '../protocol/results';
import { MAX_TIMED_CALLS, type TimingRequest } from '../protocol/evaluate';
import { choice, count, parseArgs, positive, UsageError } from './args';
import { CLI_BACKENDS } from './backend';
import { benchJson, benchText } from './bench_format';
import { BENCH_HELP } from './help';
import { atOption, loadScript, namedFunction, requestFor, splitTarget } from './target';

/** Timing many calls takes longer than one evaluation: a minute unless the user says otherwise. */
const BENCH_BUDGET_SECONDS = 60;

/**
 * `gradlens bench FILE.py:FUNC`: the eager and jit engines' times of one function, its forward
 * and its value and gradient, best and median of repeated calls after warm-up ones, with each
 * line's eager time and jit kernels.
 */
export async function benchCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['at', 'engine', 'backend', 'calls', 'warmup', 'budget-seconds', 'budget-tensor-mib'], ['json', 'help']);
  if (args.options.has('help')) {
    process.stdout.write(BENCH_HELP);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError('bench takes one FILE.py:FUNC (see gradlens bench --help)');
  const { file, func } = splitTarget(args.positional[0]);
  if (!func) throw new UsageError(`${file}: bench times one function: name it, as ${file}:FUNC`);
  const mode = choice(args, 'engine', ENGINE_MODES, 'both');
  const at = atOption(args.options);
  const backend = choice(args, 'backend', CLI_BACKENDS, 'wasm');
  const timing: TimingRequest = { calls: count(args, 'calls', 10, 1, MAX_TIMED_CALLS), warmups: count(args, 'warmup', 3, 0, MAX_TIMED_CALLS) };
  const budgets = {
    ms: (args.options.has('budget-seconds') ? positive(args, 'budget-seconds') : BENCH_BUDGET_SECONDS) * 1000,
    ...(args.options.has('budget-tensor-mib') ? { tensorBytes: positive(args, 'budget-tensor-mib') * 2 ** 20 } : {}),
  };
  const script = loadScript(file);
  if (!script) return 1;
  const fn = namedFunction(script, func);
  const request = { ...requestFor(script, fn, at, backend, mode), budgets, timing };
  // NB: in a child process, as `grad` evaluates: the time budget holds inside one long kernel too.
  const execution = new WorkerExecution({ backend, secondsSetting: '--budget-seconds' });
  try {
    const { line, col, endLine, endCol } = fn.nameSpan;
    const outcome = await execution.evaluate(request, undefined, { sourceHash: '', range: { line, col, endLine, endCol } });
    if (!outcome.ok) {
      process.stderr.write(`${outcome.error.message}\n`);
      return 1;
    }
    const place = { file, line, col, sourceLines: script.text.split('\n') };
    const jitError = outcome.result.jitError ?? null;
    process.stdout.write(args.options.has('json') ? benchJson(outcome.result, place, timing, jitError) : benchText(outcome.result, place, timing));
    // Eager was timed; the jit engine, asked for too, could not trace the function.
    if (jitError) {
      process.stderr.write(`${jitError}\n${file}:${line}:${col}: note: only the eager engine was timed; 'gradlens bench ${file}:${func} --engine eager' times it alone\n`);
      return 1;
    }
    return 0;
  } finally {
    await execution.dispose();
  }
}
