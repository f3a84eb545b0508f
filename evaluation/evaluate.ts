/**
 * One evaluation: the document analyzed, the function and its inputs found, then each engine
 * asked for run with the request's budgets, checking for cancellation between stages.
 */
import type { Budgets, CancelSignal, FunctionInfo } from '../lang/python';
import { jaxFunctionAt, jaxModules, type JaxFunctionAt } from '../lang/python/jax';
import { torchModules } from '../lang/python/torch';
import { EagerEngine } from '../runtime/eager';
import type { EvaluateRequest, EvaluationBudgets } from '../protocol/evaluate';
import { simplifyAndFuse } from '../runtime/jit';
import type { BackendInfo, EagerRun, EvaluationOutcome, EvaluationResult, GraphView, JitRun, NonFinite, Numbers, PlotData } from '../protocol/results';
import { EvaluationFailure, failureAt, rangeOfSource, rangeOfSpan, scriptFailure } from './failure';
import { tapeGraph } from './graph_view';
import { jaxEager, jaxGraphs, jaxJit, jaxNonFinite, jaxPlot, stageValueAndGrad } from './jax_run';
import { firstNonFinite } from './measure';
import type { Profiler } from './profiled_backend';
import { functionText, sourceHashOf } from './source_hash';
import { analyzeDocument, fileOfUri, requestedFunction, resolveTarget, type Target } from './target';
import { torchEager, type RunLimits } from './torch_eager';

/** What the stages of one evaluation share. */
interface Stages {
  readonly request: EvaluateRequest;
  readonly target: Target;
  readonly profiler: Profiler;
  readonly engine: EagerEngine;
  readonly limits: RunLimits;
  /** Throws when the request was cancelled or ran past its time budget; lets other tasks run first. */
  checkpoint(): Promise<void>;
}

export async function evaluate(request: EvaluateRequest, profiler: Profiler, info: BackendInfo, signal?: CancelSignal): Promise<EvaluationOutcome> {
  const file = fileOfUri(request.uri);
  let sourceHash = '';
  const started = performance.now();
  const checkpoint = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (signal?.aborted) throw new EvaluationFailure('cancelled', `${file}: the evaluation of ${request.function}() was cancelled`);
    const ms = request.budgets?.ms;
    if (ms !== undefined && performance.now() - started > ms) {
      throw new EvaluationFailure('budget', `${file}: evaluating ${request.function}() took longer than ${ms} ms (the time budget); raise the budget or evaluate fewer engines`);
    }
  };
  try {
    await checkpoint();
    const engine = new EagerEngine(profiler.backend);
    const analysis = analyzeDocument(request.text, file, { ...torchModules(engine), ...jaxModules(profiler.backend) });
    const fn = requestedFunction(request, analysis);
    sourceHash = sourceHashOf(functionText(request.text, fn));
    const target = resolveTarget(request, analysis, fn);
    const stages: Stages = { request, target, profiler, engine, limits: { budgets: interpreterBudgets(request.budgets), signal }, checkpoint };
    const runs = target.style === 'torch' ? await torchRuns(stages) : await jaxRuns(stages);
    // Ops made outside the function's own lines (a transformation's call site) have no line to show on.
    const inBody = ({ line }: { line: number }) => inFunction(target.fn, line);
    const eager = runs.eager && { ...runs.eager, lines: runs.eager.lines.filter(inBody) };
    const jit = runs.jit && { ...runs.jit, lineKernels: runs.jit.lineKernels.filter(inBody) };
    const shown = eager ?? jit!;
    const result: EvaluationResult = {
      uri: request.uri, function: target.fn.qualname, sourceHash, style: target.style,
      inputs: runs.inputs, inputOrigin: target.origin, backend: info,
      value: shown.value, grad: shown.grad,
      ...(eager ? { eager } : {}),
      ...(jit ? { jit } : {}),
      ...(runs.nonFinite ? { nonFinite: runs.nonFinite } : {}),
      ...(runs.graphs ? { graphs: runs.graphs } : {}),
      ...(runs.plot ? { plot: runs.plot } : {}),
    };
    return { ok: true, result };
  } catch (e) {
    if (!(e instanceof EvaluationFailure)) throw e;
    return { ok: false, error: { uri: request.uri, function: request.function, sourceHash, kind: e.kind, message: e.message, ...(e.range ? { range: e.range } : {}) } };
  }
}

interface Runs {
  readonly inputs: Readonly<Record<string, Numbers>>;
  readonly eager?: EagerRun;
  readonly jit?: JitRun;
  readonly nonFinite?: NonFinite;
  readonly graphs?: readonly GraphView[];
  readonly plot?: PlotData;
}

async function torchRuns(s: Stages): Promise<Runs> {
  const { fn, file } = s.target;
  if (s.request.engines === 'jit') {
    throw failureAt('error', file, fn.nameSpan, `the jit engine runs JAX-style code (jax, jax.numpy) and ${fn.name}() is written with torch; use --engine eager (running torch code on the jit engine is future work)`);
  }
  const eager = torchEager(s.target, s.engine, s.profiler, s.limits, s.request.graphs);
  await s.checkpoint();
  return {
    inputs: eager.inputs, eager: eager.run,
    ...(eager.nonFinite ? { nonFinite: eager.nonFinite } : {}),
    ...(eager.tape ? { graphs: [tapeGraph(eager.tape.graph, eager.tape.leaves, eager.tape.ops)] } : {}),
    ...(eager.plot ? { plot: eager.plot } : {}),
  };
}

async function jaxRuns(s: Stages): Promise<Runs> {
  const { target } = s;
  const at = jaxFunctionAt(target.analysis.parse, target.fn, target.inputs, s.profiler.backend, {
    file: target.file, modules: torchModules(s.engine), ...s.limits,
  });
  if (!at.ok) throw scriptFailure(at.error);
  try {
    return await jaxEngines(s, at.value);
  } finally {
    at.value.dispose();
  }
}

async function jaxEngines(s: Stages, at: JaxFunctionAt): Promise<Runs> {
  // NB: an argument that is not numeric (a string, a module) is passed but not shown.
  const inputs: Record<string, Numbers> = {};
  for (const [name, v] of Object.entries(at.inputs)) if (typeof v !== 'string') inputs[name] = v;
  const backend = s.profiler.backend;
  const staged = stageValueAndGrad(at);
  try {
    await s.checkpoint();
    const eager = s.request.engines === 'jit' ? undefined : jaxEager(staged, at.wrt, backend);
    await s.checkpoint();
    const jit = s.request.engines === 'eager' ? undefined : jaxJit(staged, at.wrt, backend);
    await s.checkpoint();
    const shown = eager ?? jit!;
    const fn = s.target.fn;
    const nonFinite = hasNonFinite(shown) ? jaxNonFinite(at, backend, (span) => (span && inFunction(fn, span.line) ? rangeOfSource(span) : rangeOfSpan(fn.nameSpan))) : null;
    const graphs = s.request.graphs ? jaxGraphs(at, backend) : null;
    await s.checkpoint();
    const plot = jaxPlot(at, staged, backend, jit?.executable ?? simplifyAndFuse(staged.jaxpr, backend));
    return {
      inputs,
      ...(eager ? { eager: { value: eager.value, grad: eager.grad, runMs: eager.runMs, ops: eager.ops, lines: eager.lines } } : {}),
      ...(jit ? { jit: { value: jit.value, grad: jit.grad, traceMs: jit.traceMs, compileMs: jit.compileMs, runMs: jit.runMs, kernels: jit.kernels, lineKernels: jit.lineKernels } } : {}),
      ...(nonFinite ? { nonFinite } : {}),
      ...(graphs ? { graphs } : {}),
      ...(plot ? { plot } : {}),
    };
  } finally {
    staged.release();
  }
}

function inFunction(fn: FunctionInfo, line: number): boolean {
  return line >= fn.span.line && line <= fn.span.endLine;
}

function hasNonFinite(run: { readonly value: Numbers; readonly grad: Readonly<Record<string, Numbers>> }): boolean {
  return firstNonFinite(run.value) !== null || Object.values(run.grad).some((g) => firstNonFinite(g) !== null);
}

function interpreterBudgets(b: EvaluationBudgets | undefined): Partial<Budgets> {
  return {
    ...(b?.steps !== undefined ? { maxSteps: b.steps } : {}),
    ...(b?.ms !== undefined ? { maxWallMs: b.ms } : {}),
    ...(b?.tensorBytes !== undefined ? { maxTensorBytes: b.tensorBytes } : {}),
  };
}
