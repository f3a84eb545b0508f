import { functionGraph, type FunctionGraph } from '../evaluation';
import { jaxprGraph, tapeGraph } from '../evaluation/graph_view';
import { graphSvg, layoutGraph } from '../evaluation/graph_layout';
import { jaxprToJson } from '../runtime/ir';
import { planToJson } from '../runtime/jit';
import { choice, parseArgs, UsageError } from './args';
import { CLI_BACKENDS, openBackend } from './backend';
import { GRAPH_FORMATS, jaxprDot, jaxprText, tapeDot, tapeNodeJson, tapeText } from './graph_format';
import { GRAPH_HELP } from './help';
import { atOption, loadScript, namedFunction, requestFor, splitTarget } from './target';

/**
 * `gradlens graph FILE.py:FUNC`: the traced jaxpr (jax; of its gradient with --grad) with its
 * fusion plan, or the eager tape (torch: PyTorch's backward graph, so --grad changes nothing).
 */
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
  const backendName = choice(args, 'backend', CLI_BACKENDS, 'wasm');
  const script = loadScript(file);
  if (!script) return 1;
  const fn = namedFunction(script, func);
  const grad = args.options.has('grad');
  const outcome = await functionGraph(requestFor(script, fn, at, backendName, 'eager'), await openBackend(backendName), grad);
  if (!outcome.ok) {
    process.stderr.write(`${outcome.error.message}\n`);
    return 1;
  }
  const g = outcome.value;
  if (format === 'svg') {
    process.stdout.write(await svgOf(g, grad));
    return 0;
  }
  if (g.style === 'torch') {
    if (format === 'text') process.stdout.write(tapeText(g.tape, g.leaves));
    else if (format === 'dot') process.stdout.write(tapeDot(fn.qualname, g.tape, g.leaves));
    else {
      process.stdout.write(`${JSON.stringify({
        function: fn.qualname, line: fn.nameSpan.line, style: 'torch', grad: true, leaves: Object.fromEntries(g.leaves), tape: { ...g.tape, nodes: g.tape.nodes.map(tapeNodeJson) },
      })}\n`);
    }
    return 0;
  }
  const name = grad ? `grad(${fn.qualname})` : fn.qualname;
  if (format === 'text') process.stdout.write(jaxprText(g.jaxpr));
  else if (format === 'dot') process.stdout.write(jaxprDot(name, g.jaxpr, g.plan));
  else {
    process.stdout.write(`${JSON.stringify({
      function: fn.qualname, line: fn.nameSpan.line, style: g.style, grad, inputs: g.inputs, wrt: g.wrt,
      jaxpr: jaxprToJson(g.jaxpr), plan: planToJson(g.jaxpr, g.plan),
    })}\n`);
  }
  return 0;
}

/** The graph as the panel draws it with every scope open, laid out by ELK, as a standalone SVG. */
async function svgOf(g: FunctionGraph, grad: boolean): Promise<string> {
  const name = g.style !== 'torch' && grad ? `grad(${g.fn.qualname})` : g.fn.qualname;
  // NB: names the inputs only where one parameter is one invar (not a pytree of several).
  const inputNames = g.style === 'torch' ? [] : Object.keys(g.inputs);
  const view = g.style === 'torch'
    ? tapeGraph(g.tape, g.leaves, [])
    : jaxprGraph(g.jaxpr, g.plan, { kind: grad ? 'gradient' : 'forward', ...(inputNames.length === g.jaxpr.invars.length ? { inputNames } : {}) });
  return graphSvg(await layoutGraph(view), name);
}
