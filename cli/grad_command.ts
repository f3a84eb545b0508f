import { floatRepr, formatError, type FunctionInfo, type InputSource } from '../lang/python';
import { gradientAt, torchModules, type GradientReport, type JsonNumbers } from '../lang/python/torch';
import { jaxFunctionAt, jaxModules, type JitResult } from '../lang/python/jax';
import { EagerEngine } from '../runtime/eager';
import { choice, parseArgs, UsageError } from './args';
import { CLI_BACKENDS, openBackend } from './backend';
import { GRAD_HELP } from './help';
import { atOption, inputsFor, loadScript, splitTarget, styleOf, targetFunctions, type LoadedScript } from './target';

const ENGINES = ['eager', 'jit', 'both'] as const;
type Engine = (typeof ENGINES)[number];

function pyText(v: JsonNumbers | string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return floatRepr(v);
  return `[${v.map(pyText).join(', ')}]`;
}

/** What `grad` reports for one function: each engine that ran, the first one's numbers on top. */
interface Report {
  readonly function: string;
  readonly line: number;
  readonly source: InputSource['kind'];
  readonly inputs: GradientReport['inputs'];
  readonly eager: { readonly value: JsonNumbers | string; readonly grad: Readonly<Record<string, JsonNumbers>>; readonly ms: number } | null;
  readonly jit: JitResult | null;
}

function human(r: Report): string {
  const top = r.eager ?? r.jit!;
  const args = Object.entries(r.inputs).map(([k, v]) => `${k}=${pyText(v)}`).join(', ');
  const grads = Object.entries(top.grad).map(([k, v]) => `∂${r.function}/∂${k} = ${pyText(v)}`).join('   ');
  const jit = r.jit ? `   [jit: ${r.eager ? `value ${pyText(r.jit.value)}, ` : ''}trace ${r.jit.trace_ms} ms, compile ${r.jit.compile_ms} ms, run ${r.jit.run_ms} ms, ${r.jit.kernels} kernel${r.jit.kernels === 1 ? '' : 's'}]` : '';
  return `${r.function}(${args}) = ${pyText(top.value)}${grads ? `   ${grads}` : ''}${jit}`;
}

function json(r: Report, fromAt: boolean): string {
  const top = r.eager ?? r.jit!;
  const engines: Record<string, unknown> = {};
  if (r.eager) engines.eager = { value: r.eager.value, grad: r.eager.grad, ms: Number(r.eager.ms.toFixed(3)) };
  if (r.jit) engines.jit = r.jit;
  return JSON.stringify({
    function: r.function, line: r.line, source: fromAt ? 'at' : r.source, inputs: r.inputs,
    value: top.value, grad: top.grad, engines,
  });
}

/** The report for a torch-style function (eager only), or its error on stderr and null. */
function torchReport(script: LoadedScript, fn: FunctionInfo, inputs: InputSource, engine: EagerEngine, mode: Engine): Report | null {
  if (mode !== 'eager') {
    process.stderr.write(`${script.file}:${fn.nameSpan.line}:${fn.nameSpan.col}: error: the jit engine runs JAX-style code (jax, jax.numpy) and ${fn.name}() is written with torch; use --engine eager (running torch code on the jit engine is future work)\n`);
    return null;
  }
  const outcome = gradientAt(script.analysis.parse, fn, inputs, engine, script.file);
  if (!outcome.ok) {
    process.stderr.write(`${formatError(outcome.error)}\n`);
    return null;
  }
  const r = outcome.report;
  return { function: r.function, line: r.line, source: r.source, inputs: r.inputs, eager: { value: r.value, grad: r.grad, ms: r.ms }, jit: null };
}

/** The report for a function written with jax: op by op (eager), through jit, or both. */
function jaxReport(script: LoadedScript, fn: FunctionInfo, inputs: InputSource, engine: EagerEngine, mode: Engine): Report | null {
  const at = jaxFunctionAt(script.analysis.parse, fn, inputs, engine.backend, { file: script.file, modules: torchModules(engine) });
  if (!at.ok) {
    process.stderr.write(`${formatError(at.error)}\n`);
    return null;
  }
  try {
    const eager = mode === 'jit' ? null : at.value.eager();
    if (eager && !eager.ok) {
      process.stderr.write(`${formatError(eager.error)}\n`);
      return null;
    }
    const jit = mode === 'eager' ? null : at.value.jit();
    if (jit && !jit.ok) {
      process.stderr.write(`${formatError(jit.error)}\n`);
      return null;
    }
    return {
      function: fn.qualname, line: fn.nameSpan.line, source: inputs.kind, inputs: at.value.inputs,
      eager: eager ? eager.value : null, jit: jit ? jit.value : null,
    };
  } finally {
    at.value.dispose();
  }
}

/** `gradlens grad FILE.py[:FUNC]`: value and gradient of each function at its example inputs. */
export async function gradCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['at', 'engine', 'backend'], ['json', 'help']);
  if (args.options.has('help')) {
    process.stdout.write(GRAD_HELP);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError('grad takes one FILE.py[:FUNC] (see gradlens grad --help)');
  const { file, func } = splitTarget(args.positional[0]);
  const mode = choice(args, 'engine', ENGINES, 'eager');
  const at = atOption(args.options);
  const backendName = choice(args, 'backend', CLI_BACKENDS, 'wasm');
  const engine = new EagerEngine(await openBackend(backendName));
  const script = loadScript(file, { ...torchModules(engine), ...jaxModules(engine.backend) });
  if (!script) return 1;
  const candidates = targetFunctions(script, func, at);
  if (candidates.length === 0) {
    process.stderr.write(`${file}: no numeric function with example inputs; add a call of it, defaults, a '# gradlens: x=2.0' comment, or use --at\n`);
    return 1;
  }
  let failed = false;
  for (const fn of candidates) {
    const inputs = inputsFor(script, fn, at);
    const report = inputs && (styleOf(script, fn) === 'jax' ? jaxReport : torchReport)(script, fn, inputs, engine, mode);
    if (!report) {
      failed = true;
      continue;
    }
    process.stdout.write(`${args.options.has('json') ? json(report, at !== undefined) : human(report)}\n`);
  }
  return failed ? 1 : 0;
}
