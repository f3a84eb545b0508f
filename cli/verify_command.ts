import { resolve } from 'node:path';
import { WorkerExecution } from '../evaluation/worker';
import { compareWithLibrary, precisionOf, runInPython, verifyRequest } from '../verify';
import { parseArgs, positive, UsageError } from './args';
import { VERIFY_HELP } from './help';
import { atOption, loadTargets, requestFor, splitTarget } from './target';

/**
 * `gradlens verify FILE.py:FUNC`: the function's value and gradient as Gradlens computes them,
 * then as the real torch or jax computes them in a Python of the user's, at the same inputs.
 */
export async function verifyCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['at', 'python', 'timeout-seconds'], ['help']);
  if (args.options.has('help')) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError('verify takes one FILE.py[:FUNC] (see gradlens verify --help)');
  const { file, func } = splitTarget(args.positional[0]);
  const at = atOption(args.options);
  const python = args.options.get('python');
  const timeoutMs = (args.options.has('timeout-seconds') ? positive(args, 'timeout-seconds') : 120) * 1000;
  const targets = loadTargets(file, func, at);
  if (!targets) return 1;
  const { script, functions: candidates } = targets;
  const execution = new WorkerExecution({ backend: 'wasm', secondsSetting: '--budget-seconds' });
  let failed = false;
  try {
    for (const fn of candidates) {
      const { line, col, endLine, endCol } = fn.nameSpan;
      const outcome = await execution.evaluate(requestFor(script, fn, at, 'wasm', 'eager'), undefined, { sourceHash: '', range: { line, col, endLine, endCol } });
      if (!outcome.ok) {
        process.stderr.write(`${outcome.error.message}\n`);
        failed = true;
        continue;
      }
      const place = `${file}:${line}:${col}`;
      const request = verifyRequest(outcome.result, resolve(file));
      const answer = await runInPython(typeof python === 'string' ? python : 'python3', request, { timeoutMs });
      if (!answer.ok) {
        process.stderr.write(`${answer.line ? `${file}:${answer.line}:1` : place}: error: ${answer.message}\n`);
        failed = true;
        continue;
      }
      const verdict = compareWithLibrary(outcome.result, answer.run, precisionOf(request));
      if (verdict.matches) {
        process.stdout.write(`${place}: ${outcome.result.function}: ${verdict.text}\n`);
      } else {
        process.stderr.write(`${place}: error: ${outcome.result.function} ${verdict.text}; please report it with this file\n`);
        failed = true;
      }
    }
  } finally {
    await execution.dispose();
  }
  return failed ? 1 : 0;
}
