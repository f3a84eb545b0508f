import { analyze, floatRepr, formatError, LineMap, parseArguments, type FunctionInfo, type InputSource } from '../lang/python';
import { gradientAt, torchModules, type GradientReport, type JsonNumbers } from '../lang/python/torch';
import { jaxModules } from '../lang/python/jax';
import { EagerEngine } from '../runtime/eager';
import { choice, parseArgs, UsageError } from './args';
import { CLI_BACKENDS, openBackend } from './backend';
import { GRAD_HELP } from './help';
import { readScript } from './script_file';

const ENGINES = ['eager'] as const;

/** `FILE.py` or `FILE.py:FUNC`. */
function splitTarget(target: string): { file: string; func: string | null } {
  const m = /^(.*\.py)(?::([A-Za-z_][\w.]*))?$/.exec(target);
  if (!m) throw new UsageError(`${target}: expected FILE.py or FILE.py:FUNC`);
  return { file: m[1], func: m[2] ?? null };
}

/** `--at x=2.0,w=[1,2]` as the inputs of `fn`, evaluated like a `# gradlens:` comment. */
function atSource(text: string, fn: FunctionInfo): InputSource {
  const { args, errors } = parseArguments(text, 0, new LineMap(text));
  if (errors.length > 0) throw new UsageError(`--at ${text}: ${errors[0].message} at column ${errors[0].span.col}; write it as x=2.0,w=[1,2]`);
  let i = 0;
  const bindings = args.map((a) => {
    if (a.kind === 'star' || a.kind === 'doubleStar') throw new UsageError('--at takes name=value pairs, not * or ** arguments');
    const param = a.kind === 'keyword' ? a.name : fn.params[i++]?.name ?? null;
    if (param === null || !fn.params.some((p) => p.name === param)) {
      throw new UsageError(`--at: ${fn.name}() has no parameter ${param === null ? 'for the extra value' : `'${param}'`} (its parameters: ${fn.params.map((p) => p.name).join(', ') || 'none'})`);
    }
    return { param, text: text.slice(a.span.from, a.span.to), expr: a.value, span: a.span };
  });
  return { kind: 'comment', span: args[0]?.span ?? new LineMap(text).span(0, 0), bindings };
}

function pyText(v: JsonNumbers | string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return floatRepr(v);
  return `[${v.map(pyText).join(', ')}]`;
}

function human(r: GradientReport): string {
  const args = Object.entries(r.inputs).map(([k, v]) => `${k}=${pyText(v)}`).join(', ');
  const grads = Object.entries(r.grad).map(([k, v]) => `∂${r.function}/∂${k} = ${pyText(v)}`).join('   ');
  return `${r.function}(${args}) = ${pyText(r.value)}${grads ? `   ${grads}` : ''}`;
}

function json(r: GradientReport, fromAt: boolean): string {
  const eager = { value: r.value, grad: r.grad, ms: Number(r.ms.toFixed(3)) };
  return JSON.stringify({
    function: r.function, line: r.line, source: fromAt ? 'at' : r.source, inputs: r.inputs,
    value: r.value, grad: r.grad, engines: { eager },
  });
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
  choice(args, 'engine', ENGINES, 'eager');
  const at = args.options.get('at');
  if (at === true) throw new UsageError('--at needs a value');
  const source = readScript(file);
  const engine = new EagerEngine(await openBackend(choice(args, 'backend', CLI_BACKENDS, 'wasm')));
  const analysis = analyze(source, { modules: { ...torchModules(engine), ...jaxModules(engine.backend) } });
  const syntax = analysis.diagnostics.find((d) => d.code === 'syntax');
  if (syntax) {
    process.stderr.write(`${file}:${syntax.span.line}:${syntax.span.col}: error: ${syntax.message}\n`);
    return 1;
  }
  const candidates = func
    ? analysis.functions.filter((f) => f.qualname === func || f.name === func)
    : analysis.functions.filter((f) => f.isNumeric && f.parent === null && (f.inputSources.length > 0 || at !== undefined));
  if (func && candidates.length === 0) {
    throw new UsageError(`${file}: no function '${func}' (functions: ${analysis.functions.map((f) => f.qualname).join(', ') || 'none'})`);
  }
  if (candidates.length === 0) {
    process.stderr.write(`${file}: no numeric function with example inputs; add a call of it, defaults, a '# gradlens: x=2.0' comment, or use --at\n`);
    return 1;
  }
  let failed = false;
  for (const fn of candidates) {
    const inputs = at !== undefined ? atSource(at, fn) : fn.inputSources[0];
    if (!inputs) {
      process.stderr.write(`${file}:${fn.nameSpan.line}:${fn.nameSpan.col}: error: no example inputs for ${fn.name}(); add a call of it, defaults, a '# gradlens: x=2.0' comment above the def, or pass --at\n`);
      failed = true;
      continue;
    }
    const outcome = gradientAt(analysis.parse, fn, inputs, engine, file);
    if (!outcome.ok) {
      process.stderr.write(`${formatError(outcome.error)}\n`);
      failed = true;
      continue;
    }
    process.stdout.write(`${args.options.has('json') ? json(outcome.report, at !== undefined) : human(outcome.report)}\n`);
  }
  return failed ? 1 : 0;
}
