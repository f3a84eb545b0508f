import { WorkerExecution } from '../evaluation/worker';
import { floatRepr } from '../lang/python';
import { ENGINE_MODES, JACOBIAN_SHOWN, type EvaluationResult, type Jacobian, type Numbers } from '../protocol/results';
import { toWire } from '../protocol/wire';
import { choice, parseArgs, positive, UsageError } from './args';
import { CLI_BACKENDS } from './backend';
import { GRAD_HELP } from './help';
import { atOption, loadTargets, requestFor, splitTarget } from './target';

function pyText(v: Numbers): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return floatRepr(v);
  return `[${v.map(pyText).join(', ')}]`;
}

function human(r: EvaluationResult): string {
  const args = Object.entries(r.inputs).map(([k, v]) => `${k}=${pyText(v)}`).join(', ');
  // A vector's gradient is its sum's; its Jacobian follows, or its size when it is too large to read.
  const of = r.jacobian ? `sum(${r.function})` : r.function;
  const grads = [
    ...Object.entries(r.grad).map(([k, v]) => `∂${of}/∂${k} = ${pyText(v)}`),
    ...(r.jacobian ? [jacobianText(r.function, r.jacobian)] : []),
  ].join('   ');
  const jit = r.jit ? `   [jit: ${r.eager ? `value ${pyText(r.jit.value)}, ` : ''}trace ${r.jit.traceMs} ms, compile ${r.jit.compileMs} ms, run ${r.jit.runMs} ms, ${r.jit.kernels} kernel${r.jit.kernels === 1 ? '' : 's'}]` : '';
  return `${r.function}(${args}) = ${pyText(r.value)}${grads ? `   ${grads}` : ''}${jit}`;
}

function jacobianText(fn: string, j: Jacobian): string {
  if (!j.of) return `jacobian of ${fn}: ${j.size} numbers, more than ${JACOBIAN_SHOWN} (the gradient shown is of the sum)`;
  return Object.entries(j.of).map(([k, v]) => `J[${fn}, ${k}] = ${pyText(v)}`).join('   ');
}

function json(r: EvaluationResult, line: number, fromAt: boolean): string {
  const engines: Record<string, unknown> = {};
  if (r.eager) engines.eager = { value: r.eager.value, grad: r.eager.grad, ms: r.eager.runMs, ops: r.eager.ops, lines: r.eager.lines };
  if (r.jit) {
    engines.jit = {
      value: r.jit.value, grad: r.jit.grad, trace_ms: r.jit.traceMs, compile_ms: r.jit.compileMs, run_ms: r.jit.runMs,
      kernels: r.jit.kernels, line_kernels: r.jit.lineKernels,
    };
  }
  // NB: JSON has no NaN or infinities (JSON.stringify writes null): they go as the LSP's wire writes them.
  return JSON.stringify(toWire({
    function: r.function, line, source: fromAt ? 'at' : r.inputOrigin, inputs: r.inputs,
    value: r.value, grad: r.grad, engines,
    ...(r.jitError ? { jit_error: r.jitError } : {}),
    ...(r.nonFinite ? { non_finite: r.nonFinite } : {}),
    ...(r.jacobian ? { jacobian: r.jacobian } : {}),
    ...(r.gradientCuts ? { gradient_cuts: r.gradientCuts } : {}),
    ...(r.leftOut ? { left_out: r.leftOut } : {}),
  }));
}

/** `gradlens grad FILE.py[:FUNC]`: value and gradient of each function at its example inputs. */
export async function gradCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['at', 'engine', 'backend', 'budget-seconds', 'budget-tensor-mib'], ['json', 'help']);
  if (args.options.has('help')) {
    process.stdout.write(GRAD_HELP);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError('grad takes one FILE.py[:FUNC] (see gradlens grad --help)');
  const { file, func } = splitTarget(args.positional[0]);
  const mode = choice(args, 'engine', ENGINE_MODES, 'eager');
  const at = atOption(args.options);
  const backend = choice(args, 'backend', CLI_BACKENDS, 'wasm');
  const targets = loadTargets(file, func, at);
  if (!targets) return 1;
  const { script, functions: candidates } = targets;
  const budgets = {
    ...(args.options.has('budget-seconds') ? { ms: positive(args, 'budget-seconds') * 1000 } : {}),
    ...(args.options.has('budget-tensor-mib') ? { tensorBytes: positive(args, 'budget-tensor-mib') * 2 ** 20 } : {}),
  };
  const requests = candidates.map((fn) => ({ fn, request: { ...requestFor(script, fn, at, backend, mode), budgets } }));
  // NB: in a child process, so that the time budget holds inside one long kernel too: the process is stopped from here.
  const execution = new WorkerExecution({ backend, secondsSetting: '--budget-seconds' });
  let failed = false;
  try {
    for (const { fn, request } of requests) {
      const { line, col, endLine, endCol } = fn.nameSpan;
      const outcome = await execution.evaluate(request, undefined, { sourceHash: '', range: { line, col, endLine, endCol } });
      if (!outcome.ok) {
        process.stderr.write(`${outcome.error.message}\n`);
        failed = true;
        continue;
      }
      process.stdout.write(`${args.options.has('json') ? json(outcome.result, fn.nameSpan.line, at !== undefined) : human(outcome.result)}\n`);
      // Where the gradient stopped flowing: the gradient printed is PyTorch's, but the line must be known.
      for (const cut of outcome.result.gradientCuts ?? []) process.stderr.write(`${cut.message}\n`);
      // Computed without a definition that does not parse: CPython would run none of the file.
      for (const l of outcome.result.leftOut ?? []) process.stderr.write(`${l.message}\n`);
      for (const w of outcome.result.warnings ?? []) process.stderr.write(`${w.message}\n`);
      // Eager ran; the jit engine, asked for too, could not trace the function.
      if (outcome.result.jitError) {
        process.stderr.write(`${outcome.result.jitError}\n`);
        failed = true;
      }
    }
  } finally {
    await execution.dispose();
  }
  return failed ? 1 : 0;
}
