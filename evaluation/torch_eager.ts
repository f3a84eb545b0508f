/**
 * The eager run of a torch-style function, as PyTorch runs it: each float (tensor) argument a
 * leaf requiring grad, the function called, `backward()` on its result. Backend calls are timed
 * by the source line whose op made them; the tape of the first call is kept for the viewer.
 */
import { captureInputs, getattr, PyList, PyTuple, scriptError, type Budgets, type CancelSignal, type Interpreter, type PyValue } from '../lang/python';
import { PyTensor, torchModules } from '../lang/python/torch';
import { exportTape, type EagerEngine, type TapeGraph } from '../runtime/eager';
import type { EagerRun, NonFinite, Numbers } from '../protocol/results';
import { EvaluationFailure, failureAt, rangeOfSource, rangeOfSpan, scriptFailure } from './failure';
import { firstNonFinite, lineTimings, roundMs, steadyMs } from './measure';
import type { NonFiniteOp, OpTiming, Profiler } from './profiled_backend';
import type { Target } from './target';

export interface TorchEager {
  readonly inputs: Readonly<Record<string, Numbers>>;
  readonly run: EagerRun;
  /** The first call's tape, leaves named by parameter, and each op's time in the order it ran. */
  readonly tape: { readonly graph: TapeGraph; readonly leaves: ReadonlyMap<string, string>; readonly ops: readonly OpTiming[] } | null;
  /** The first op whose result was NaN or Inf, when the value or a gradient is. */
  readonly nonFinite: NonFinite | null;
}

export interface RunLimits {
  readonly budgets: Partial<Budgets>;
  readonly signal?: CancelSignal;
}

export function torchEager(target: Target, engine: EagerEngine, profiler: Profiler, limits: RunLimits, withTape: boolean): TorchEager {
  const { fn, file } = target;
  const captured = captureInputs(target.analysis.parse, fn, target.inputs, { file, modules: torchModules(engine), ...limits });
  if (!captured.ok) throw scriptFailure(captured.error);
  const interp = captured.inputs.interpreter;
  // Backward's ops belong to no line of the source: they count in the run, not in `lines`.
  let forward = false;
  profiler.spanOf = () => (forward ? engine.span : null);
  return engine.tidy(() => {
    try {
      const torch = interp.importModule('torch');
      const leaves = new Map<string, PyTensor>();
      const args: PyValue[] = [];
      const inputs: Record<string, Numbers> = {};
      for (const [name, value] of captured.inputs.values) {
        const leaf = asLeaf(interp, torch, value);
        if (leaf) leaves.set(name, leaf);
        args.push(leaf ?? value);
        const n = numbers(value);
        // NB: an argument that is not numeric (a string, a module) is passed but not shown.
        if (n !== null) inputs[name] = n;
      }
      /** One forward and backward; the grads it leaves are zeroed by the next. */
      const call = () => {
        for (const leaf of leaves.values()) leaf.t.setGrad(null);
        forward = true;
        const result = engine.withGradMode(true, () => interp.call(captured.inputs.fn, args));
        forward = false;
        if (!(result instanceof PyTensor) && typeof result !== 'number') {
          throw failureAt('error', file, fn.nameSpan, `${fn.name}() returned ${interp.repr(result)}, not a number or a tensor; Gradlens differentiates functions that return one`);
        }
        if (result instanceof PyTensor && result.t.requiresGrad) interp.call(getattr(result, 'backward', interp), []);
        return result;
      };
      const gradOf = (leaf: PyTensor): Numbers => (leaf.t.grad ? (leaf.t.grad.tolist() as Numbers) : zerosLike(leaf.t.tolist() as Numbers));
      // NB: a first call warms the backend's kernels up (wasm's first pow takes ~15 ms), so that
      // the recorded call times each line as every later call runs it.
      engine.tidy(() => void call());
      profiler.startRecording();
      const result = call();
      const { ops } = profiler.stopRecording();
      const value = numbers(result) as Numbers;
      const grad: Record<string, Numbers> = {};
      for (const [name, leaf] of leaves) grad[name] = gradOf(leaf);
      const tape = withTape && result instanceof PyTensor && result.t.requiresGrad
        ? { graph: exportTape([result.t]), leaves: leafNames(leaves), ops } : null;
      const nonFinite = firstNonFinite(value) || Object.values(grad).some((g) => firstNonFinite(g)) ? locateNonFinite(() => engine.tidy(() => void call()), profiler, target) : null;
      // Timed as the jit run is: until the value and the gradients are read back.
      const ms = steadyMs(() => engine.tidy(() => {
        const t0 = performance.now();
        const y = call();
        if (y instanceof PyTensor) y.t.tolist();
        for (const leaf of leaves.values()) leaf.t.grad?.tolist();
        return performance.now() - t0;
      }));
      return { inputs, run: { value, grad, runMs: roundMs(ms), ops: ops.length, lines: lineTimings(ops) }, tape, nonFinite };
    } catch (e) {
      if (e instanceof EvaluationFailure) throw e;
      throw scriptFailure(scriptError(interp, e, file));
    }
  });
}

/** Runs `once` again reading every op's result back: the first NaN or Inf, in the value or in backward. */
function locateNonFinite(once: () => void, profiler: Profiler, target: Target): NonFinite | null {
  profiler.startRecording(true);
  let found: NonFiniteOp | null = null;
  try {
    once();
  } finally {
    found = profiler.stopRecording().nonFinite;
  }
  if (!found) return null;
  return {
    // Backward's ops carry no span: a gradient's NaN is shown at the function.
    range: found.span ? rangeOfSource(found.span) : rangeOfSpan(target.fn.nameSpan),
    in: found.span ? 'value' : 'gradient',
    op: found.prim,
    value: found.value,
  };
}

/** Tape node ids of the leaves, by the parameter each stands for. */
function leafNames(leaves: ReadonlyMap<string, PyTensor>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, leaf] of leaves) {
    const node = exportTape([leaf.t]).outputs[0];
    if (node) names.set(node, name);
  }
  return names;
}

// NB: as callWithLeaves (lang/python/torch) makes leaves, but under this evaluation's budgets and
// cancel signal, which its capture does not take.
function asLeaf(interp: Interpreter, torch: PyValue, value: PyValue): PyTensor | null {
  const kw = new Map<string, PyValue>([['requires_grad', true]]);
  if (typeof value === 'number') return interp.call(getattr(torch, 'tensor', interp), [value], kw) as PyTensor;
  if (value instanceof PyTensor && (value.t.dtype === 'float32' || value.t.dtype === 'float64')) {
    const copy = interp.call(getattr(value, 'detach', interp), []);
    return interp.call(getattr(copy, 'requires_grad_', interp), []) as PyTensor;
  }
  return null;
}

/** A Python value as numbers (tensors as nested lists); null for anything else. */
function numbers(v: PyValue): Numbers | null {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyTensor) return v.t.tolist() as Numbers;
  if (v instanceof PyList || v instanceof PyTuple) {
    const items = v.items.map(numbers);
    return items.every((x) => x !== null) ? (items as Numbers[]) : null;
  }
  return null;
}

function zerosLike(v: Numbers): Numbers {
  return Array.isArray(v) ? v.map(zerosLike) : 0;
}
