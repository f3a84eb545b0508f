import { formatError, type FunctionInfo, type InputSource } from '../lang/python';
import { jaxFunctionAt, jaxModules } from '../lang/python/jax';
import { torchModules } from '../lang/python/torch';
import { EagerEngine } from '../runtime/eager';
import { jaxprToJson } from '../runtime/ir';
import { planJaxpr, planToJson } from '../runtime/jit';
import { choice, parseArgs, UsageError } from './args';
import { CLI_BACKENDS, openBackend } from './backend';
import { GRAPH_FORMATS, jaxprDot, jaxprText, tapeDot, tapeText, type GraphFormat } from './graph_format';
import { GRAPH_HELP } from './help';
import { atOption, inputsFor, loadScript, namedFunction, splitTarget, styleOf, type LoadedScript } from './target';
import { tapeAt } from './torch_tape';

/** The traced jaxpr of a function written with jax (of its gradient with --grad), with its fusion plan. */
function jaxGraph(script: LoadedScript, fn: FunctionInfo, inputs: InputSource, engine: EagerEngine, grad: boolean, format: GraphFormat): number {
  const at = jaxFunctionAt(script.analysis.parse, fn, inputs, engine.backend, { file: script.file, modules: torchModules(engine) });
  if (!at.ok) {
    process.stderr.write(`${formatError(at.error)}\n`);
    return 1;
  }
  try {
    const traced = at.value.jaxpr(grad);
    if (!traced.ok) {
      process.stderr.write(`${formatError(traced.error)}\n`);
      return 1;
    }
    const jaxpr = traced.value;
    const plan = planJaxpr(jaxpr);
    const name = grad ? `grad(${fn.qualname})` : fn.qualname;
    if (format === 'text') process.stdout.write(jaxprText(jaxpr));
    else if (format === 'dot') process.stdout.write(jaxprDot(name, jaxpr, plan));
    else {
      process.stdout.write(`${JSON.stringify({
        function: fn.qualname, line: fn.nameSpan.line, style: 'jax', grad, inputs: at.value.inputs, wrt: grad ? at.value.wrt : [],
        jaxpr: jaxprToJson(jaxpr), plan: planToJson(jaxpr, plan),
      })}\n`);
    }
    return 0;
  } finally {
    at.value.dispose();
  }
}

/** The eager tape of a torch-style function: PyTorch's backward graph, so --grad changes nothing. */
function torchGraph(script: LoadedScript, fn: FunctionInfo, inputs: InputSource, engine: EagerEngine, format: GraphFormat): number {
  const out = tapeAt(script.analysis.parse, fn, inputs, engine, script.file);
  if (!out.ok) {
    process.stderr.write(`${out.message}\n`);
    return 1;
  }
  if (format === 'text') process.stdout.write(tapeText(out.tape, out.leaves));
  else if (format === 'dot') process.stdout.write(tapeDot(fn.qualname, out.tape, out.leaves));
  else {
    process.stdout.write(`${JSON.stringify({
      function: fn.qualname, line: fn.nameSpan.line, style: 'torch', grad: true, leaves: Object.fromEntries(out.leaves), tape: out.tape,
    })}\n`);
  }
  return 0;
}

/** `gradlens graph FILE.py:FUNC`: the traced jaxpr (jax) or the eager tape (torch) at the example inputs. */
export async function graphCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['at', 'format', 'backend'], ['grad', 'help']);
  if (args.options.has('help')) {
    process.stdout.write(GRAPH_HELP);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError('graph takes one FILE.py:FUNC (see gradlens graph --help)');
  const { file, func } = splitTarget(args.positional[0]);
  if (!func) throw new UsageError(`${args.positional[0]}: graph needs the function: FILE.py:FUNC`);
  const format = choice(args, 'format', GRAPH_FORMATS, 'text');
  const at = atOption(args.options);
  const engine = new EagerEngine(await openBackend(choice(args, 'backend', CLI_BACKENDS, 'wasm')));
  const script = loadScript(file, { ...torchModules(engine), ...jaxModules(engine.backend) });
  if (!script) return 1;
  const fn = namedFunction(script, func);
  const inputs = inputsFor(script, fn, at);
  if (!inputs) return 1;
  return styleOf(script, fn) === 'jax'
    ? jaxGraph(script, fn, inputs, engine, args.options.has('grad'), format)
    : torchGraph(script, fn, inputs, engine, format);
}
