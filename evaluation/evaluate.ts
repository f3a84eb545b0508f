/**
 * One evaluation: the document analyzed, the function and its inputs found, then each engine
 * asked for run with the request's budgets, checking for cancellation between stages.
 */
import type { Budgets, CancelSignal, FunctionInfo } from '../lang/python';
import { jaxFunctionAt, jaxModules } from '../lang/python/jax';
import type { FunctionAt } from '../lang/python/staging';
import { torchFunctionAt, torchModules } from '../lang/python/torch';
import type { SourceSpan } from '../runtime/core';
import { EagerEngine } from '../runtime/eager';
import type { EvaluateRequest, EvaluationBudgets } from '../protocol/evaluate';
import { placesInCells } from '../protocol/notebook';
import { simplifyAndFuse } from '../runtime/jit';
import type { Backend } from '../runtime/backends';
import type { AssignedValue, BackendInfo, EvaluationError, EvaluationOutcome, EvaluationResult, JitRun, Numbers } from '../protocol/results';
import { AssignmentRecorder } from './assignments';
import { tracedTimes } from './call_times';
import { EvaluationFailure, failureAt, rangeOfSource, rangeOfSpan } from './failure';
import { tapeGraph } from './graph_view';
import { shownOperands, traceUpTo } from './partial';
import { gradientCuts } from './gradient_cut';
import { jaxCotangents } from './jax_cotangents';
import { jaxEager, jaxGraphs, jaxJacobian, jaxJit, jaxNonFinite, jaxPlot, stageValueAndGrad, type Staged } from './jax_run';
import { firstNonFinite } from './measure';
import type { Profiler } from './profiled_backend';
import { ShownWarnings } from './python_warnings';
import { scriptLoopAssignments } from './script_loops';
import { functionSourceHash } from './source_hash';
import { analyzeDocument, captureFailure, fileOfUri, requestedFunction, resolveTarget, runOptions, type Target } from './target';
import { torchEager, type RunLimits, type TorchEager } from './torch_eager';

/** What the stages of one evaluation share. */
export interface Stages {
  readonly request: EvaluateRequest;
  readonly target: Target;
  readonly profiler: Profiler;
  readonly engine: EagerEngine;
  readonly limits: RunLimits;
  /** The Python warnings the runs showed. */
  readonly warnings: ShownWarnings;
  /** Throws when the request was cancelled or ran past its time budget; lets other tasks run first. */
  checkpoint(): Promise<void>;
}

/**
 * Runs `body` on the request's target with its budgets, as an outcome: what it throws as an
 * EvaluationFailure becomes the error, with the function's source hash once it is known.
 */
export async function withTarget<T>(
  request: EvaluateRequest, profiler: Profiler, signal: CancelSignal | undefined,
  body: (stages: Stages, sourceHash: string) => Promise<T>,
): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: EvaluationError }> {
  const file = fileOfUri(request.uri);
  let sourceHash = '';
  // Failures outside the script's own lines are placed at the function's name once it is found.
  let fn: FunctionInfo | null = null;
  const failure = (kind: EvaluationFailure['kind'], message: string) => (fn ? failureAt(kind, file, fn.nameSpan, message) : new EvaluationFailure(kind, `${file}: ${message}`));
  const started = performance.now();
  const checkpoint = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (signal?.aborted) throw failure('cancelled', `the evaluation of ${request.function}() was cancelled`);
    const ms = request.budgets?.ms;
    if (ms !== undefined && performance.now() - started > ms) {
      throw failure('budget', `evaluating ${request.function}() took longer than ${ms} ms (the time budget); raise the budget or evaluate fewer engines`);
    }
  };
  try {
    await checkpoint();
    const engine = new EagerEngine(profiler.backend);
    const analysis = analyzeDocument(request.text, file);
    fn = requestedFunction(request, analysis);
    sourceHash = functionSourceHash(request.text, analysis.parse, fn);
    const target = resolveTarget(request, analysis, fn);
    const warnings = new ShownWarnings(file);
    const stages: Stages = { request, target, profiler, engine, limits: { budgets: interpreterBudgets(request.budgets), signal, onWarning: warnings.listen }, warnings, checkpoint };
    return { ok: true, value: await body(stages, sourceHash) };
  } catch (e) {
    const failed = e instanceof EvaluationFailure ? e
      : failure('error', `internal error in Gradlens while evaluating ${request.function}(): ${e instanceof Error ? e.message : String(e)}; please report it`);
    const operands = shownOperands(failed.failedOp, request.text);
    const error: EvaluationError = {
      uri: request.uri, function: request.function, sourceHash, kind: failed.kind, message: placed(request, failed.message),
      ...(failed.range ? { range: failed.range } : {}),
      ...(operands ? { operands } : {}),
      ...(failed.assignments?.length ? { assignments: failed.assignments } : {}),
      ...(failed.graphs?.length ? { graphs: failed.graphs } : {}),
    };
    return { ok: false, error };
  }
}

export async function evaluate(request: EvaluateRequest, profiler: Profiler, info: BackendInfo, signal?: CancelSignal): Promise<EvaluationOutcome> {
  // Reads of the script's top level (before the example call) count too.
  const hostReads = () => profiler.backend.hostReads?.().reads ?? 0;
  const readsBefore = hostReads();
  // On a GPU, float64 is computed on the CPU (see runtime/backends/host_dtypes.ts): the result says so.
  const float64Ops = () => (profiler.backend.shaders ? profiler.backend.hostDtypes?.().ops ?? 0 : 0);
  const float64Before = float64Ops();
  const outcome = await withTarget(request, profiler, signal, async (stages, sourceHash) => {
    const { target } = stages;
    const runs = await runEngines(stages);
    const readsOnHost = hostReads() - readsBefore;
    const float64OnCpu = float64Ops() - float64Before;
    const loops = await scriptLoopAssignments(target, stages.engine, stages.limits);
    await stages.checkpoint();
    // The function's own lines as its call assigned them; the top-level loops as the whole script ran them.
    const assignments = loops ? [...(runs.assignments ?? []).filter((a) => inFunction(target.fn, a.range.line)), ...loops].sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col) : runs.assignments;
    // Ops made outside the function's own lines (a transformation's call site) have no line to show on.
    const inBody = ({ line }: { line: number }) => inFunction(target.fn, line);
    const eager = runs.eager && { ...runs.eager, lines: runs.eager.lines.filter(inBody) };
    const jit = runs.jit && { ...runs.jit, lineKernels: runs.jit.lineKernels.filter(inBody) };
    const shown = eager ?? jit!;
    const warned = stages.warnings.reports();
    const result: EvaluationResult = {
      uri: request.uri, function: target.fn.qualname, sourceHash, style: target.style,
      inputs: runs.inputs, ...(runs.inputDtypes && Object.keys(runs.inputDtypes).length ? { inputDtypes: runs.inputDtypes } : {}),
      inputOrigin: target.origin, backend: info,
      value: shown.value, grad: shown.grad,
      ...(eager ? { eager } : {}),
      ...(jit ? { jit } : {}),
      ...(runs.jitError ? { jitError: placed(request, runs.jitError) } : {}),
      ...(runs.nonFinite ? { nonFinite: runs.nonFinite } : {}),
      ...(readsOnHost > 0 ? { hostReads: readsOnHost } : {}),
      ...(float64OnCpu > 0 ? { float64OnCpu } : {}),
      ...(runs.graphs ? { graphs: runs.graphs } : {}),
      ...(runs.plot ? { plot: runs.plot } : {}),
      ...(runs.jacobian ? { jacobian: runs.jacobian } : {}),
      ...(runs.gradientCuts?.length ? { gradientCuts: runs.gradientCuts.map((c) => ({ ...c, message: placed(request, c.message) })) } : {}),
      ...(target.leftOut.length > 0 ? { leftOut: target.leftOut.map((l) => ({ ...l, message: placed(request, l.message) })) } : {}),
      ...(assignments?.length ? { assignments } : {}),
      ...(warned.length > 0 ? { warnings: warned.map((w) => ({ ...w, message: placed(request, w.message) })) } : {}),
    };
    return result;
  });
  return outcome.ok ? { ok: true, result: outcome.value } : outcome;
}

/** A message's places as the user finds them: in a notebook, by cell (see protocol/notebook.ts). */
function placed(request: EvaluateRequest, message: string): string {
  return request.cells ? placesInCells(message, fileOfUri(request.uri), request.cells) : message;
}

/** What running the engines adds to a result. */
type Runs = Pick<EvaluationResult, 'inputs' | 'inputDtypes' | 'eager' | 'jit' | 'jitError' | 'nonFinite' | 'graphs' | 'plot' | 'jacobian' | 'gradientCuts' | 'assignments'>;

/**
 * Both engines on the function. Torch code runs eagerly as PyTorch does (its tape, its lines),
 * and on the jit engine through torchFunctionAt; jax and numpy code through jaxFunctionAt, whose
 * eager is its jaxpr run op by op. Both traced forms share the jit run, the graphs and the plot.
 */
async function runEngines(s: Stages): Promise<Runs> {
  const { target, engine } = s;
  const backend = s.profiler.backend;
  const eager = target.style === 'torch' && s.request.engines !== 'jit' ? await torchEager(target, s.profiler, s.limits, s.request.graphs, s.request.timing) : null;
  if (eager) await s.checkpoint();
  const options = { file: target.file, ...s.limits, ...runOptions(target) };
  // Torch code's assignments are recorded by its eager run; the others' by one concrete call here.
  const recorder = target.style === 'torch' ? null : AssignmentRecorder.ofFunction(target.fn, target.analysis.parse.module);
  const opened = target.style === 'torch'
    ? torchFunctionAt(target.analysis.parse, target.fn, target.inputs, engine, { ...options, modules: jaxModules(backend) })
    : jaxFunctionAt(target.analysis.parse, target.fn, target.inputs, backend, { ...options, modules: torchModules(engine), ...(recorder ? { onAssign: recorder.listenScript } : {}) });
  if (!opened.ok) {
    recorder?.release();
    throw captureFailure(target, opened.error);
  }
  try {
    const assignments = recorder ? await recorded(opened.value, recorder, backend) : eager?.assignments;
    await s.checkpoint();
    try {
      const runs = await tracedEngines(s, opened.value, eager);
      // Jax code's intermediates get their gradient as torch code's do: their cotangents in the traced gradient.
      const cotangents = recorder && assignments?.length ? await jaxCotangents(opened.value, backend) : null;
      const withGrads = cotangents?.size ? assignments!.map((a) => {
        const got = cotangents.get(`${a.range.line}:${a.range.col}`);
        return !got ? a : 'grad' in got ? { ...a, grad: got.grad } : { ...a, gradNote: got.note };
      }) : assignments;
      return { ...runs, ...(withGrads ? { assignments: withGrads } : {}) };
    } catch (e) {
      // What ran before the error is still shown: the names the concrete call assigned, and the jaxpr traced up to the op that raised it.
      if (e instanceof EvaluationFailure && !eager) {
        if (assignments) e.assignments = assignments;
        const graph = s.request.graphs && e.failedOp && e.range ? traceUpTo(e.failedOp, e.range, opened.value.invarNames, target.analysis.parse.source) : null;
        if (graph) e.graphs = [graph];
      }
      throw e;
    }
  } finally {
    recorder?.release();
    opened.value.dispose();
  }
}

/**
 * A concrete call's assignments. NB: one that raises still tells what the lines before it
 * assigned; the error itself is the traced run's to report.
 */
async function recorded(at: FunctionAt, recorder: AssignmentRecorder, backend: Backend): Promise<AssignedValue[]> {
  at.record?.(recorder.listen);
  return recorder.read(backend);
}

async function tracedEngines(s: Stages, at: FunctionAt, torch: TorchEager | null): Promise<Runs> {
  const backend = s.profiler.backend;
  const fn = s.target.fn;
  let staged: Staged;
  try {
    staged = stageValueAndGrad(at);
  } catch (e) {
    // Torch code the jit engine cannot trace (a stopped gradient) still has its eager result.
    if (!(torch && e instanceof EvaluationFailure && e.kind === 'error')) throw e;
    return { ...torchOnly(torch, s.request.graphs), inputDtypes: at.inputDtypes, ...cutsOf(s, torch), ...(s.request.engines !== 'eager' ? { jitError: e.message } : {}) };
  }
  try {
    await s.checkpoint();
    const lineOf = (span: SourceSpan | null) => (span && ownsLine(fn, span) ? span.line : null);
    const eager = torch ? torch.run : s.request.engines === 'jit' ? undefined : await jaxEager(staged, at.wrt, backend, lineOf);
    await s.checkpoint();
    const jit = s.request.engines === 'eager' ? undefined : await jaxJit(staged, at.wrt, backend, lineOf);
    await s.checkpoint();
    // Torch code's eager run timed its own calls (torchEager).
    const times = s.request.timing ? await tracedTimes(at, staged, backend, s.request.timing, { eager: !torch && eager !== undefined, jit: jit?.executable ?? null }) : {};
    await s.checkpoint();
    const shown = eager ?? jit!;
    const locate = () => jaxNonFinite(at, backend, (span) => (span && ownsLine(fn, span) ? rangeOfSource(span) : rangeOfSpan(fn.nameSpan)));
    // NB: torch's backward runs on the tape, whose ops have no line; the traced gradient's
    // equations carry the line of the forward op they derive from, so they place a NaN there.
    const nonFinite = torch ? (torch.nonFinite?.in === 'gradient' ? (await locate()) ?? torch.nonFinite : torch.nonFinite)
      : hasNonFinite(shown) ? await locate() : null;
    const graphs = s.request.graphs ? [...torchOnly(torch, true).graphs ?? [], ...await jaxGraphs(at, backend, fn.name)] : null;
    await s.checkpoint();
    const plot = await jaxPlot(at, staged, backend, jit?.executable ?? simplifyAndFuse(staged.jaxpr, backend));
    await s.checkpoint();
    // Torch code's is PyTorch's, from the tape; the others' jax.jacrev's on the traced function.
    const jacobian = torch ? torch.jacobian : await jaxJacobian(at, backend);
    return {
      ...cutsOf(s, torch),
      ...(jacobian ? { jacobian } : {}),
      inputs: torch ? torch.inputs : shownInputs(at),
      inputDtypes: at.inputDtypes,
      ...(eager ? { eager: times.eager ? { ...eager, times: times.eager } : eager } : {}),
      ...(jit ? { jit: reported(times.jit ? { ...jit, times: times.jit } : jit) } : {}),
      ...(nonFinite ? { nonFinite } : {}),
      ...(graphs ? { graphs } : {}),
      ...(plot ? { plot } : {}),
    };
  } finally {
    staged.release();
  }
}

/** A jit run as the result reports it: its numbers, not the executable kept for the plot. */
function reported({ executable, ...run }: JitRun & { readonly executable: unknown }): JitRun {
  return run;
}

/** Where the eager torch run's gradient stopped flowing. */
function cutsOf(s: Stages, torch: TorchEager | null): Pick<Runs, 'gradientCuts'> {
  if (!torch || torch.cuts.length === 0) return {};
  return { gradientCuts: gradientCuts(torch.cuts, s.request.text, s.target.file, s.target.fn.name, torch.run.grad, torch.liftedFloats) };
}

/** What the eager torch run alone reports. */
function torchOnly(torch: TorchEager | null, graphs: boolean): Partial<Runs> & Pick<Runs, 'inputs'> {
  if (!torch) return { inputs: {} };
  return {
    inputs: torch.inputs, eager: torch.run,
    ...(torch.jacobian ? { jacobian: torch.jacobian } : {}),
    ...(torch.nonFinite ? { nonFinite: torch.nonFinite } : {}),
    ...(graphs && torch.tape ? { graphs: [tapeGraph(torch.tape.graph, torch.tape.leaves, torch.tape.ops)] } : {}),
  };
}

/** The arguments as numbers; NB: one that is not numeric (a string, a module) is passed but not shown. */
function shownInputs(at: FunctionAt): Record<string, Numbers> {
  return Object.fromEntries(Object.entries(at.inputs).flatMap(([name, v]) => (typeof v === 'string' ? [] : [[name, v]])));
}

function inFunction(fn: FunctionInfo, line: number): boolean {
  return line >= fn.span.line && line <= fn.span.endLine;
}

/**
 * Whether an equation's span is a line of the function's own. NB: a gradient's equations carry
 * their forward op's span, but what a transformation adds of its own (a zero gradient) carries the
 * span of where it was applied: the call site, or for inputs from defaults or a comment the whole
 * definition, which is no one line's.
 */
function ownsLine(fn: FunctionInfo, span: SourceSpan): boolean {
  const wholeDefinition = span.line <= fn.span.line && span.endLine >= fn.span.endLine && fn.span.endLine > fn.span.line;
  return inFunction(fn, span.line) && !wholeDefinition;
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
