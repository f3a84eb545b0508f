/**
 * The eager run of a torch-style function, as PyTorch runs it: each float (tensor) argument a
 * leaf requiring grad, the function called, `backward()` on its result. Backend calls are timed
 * by the source line whose op made them; the tape of the first call is kept for the viewer.
 */
import { captureInputs, getattr, scriptError, type Budgets, type CancelSignal, type Interpreter, type PyValue } from '../lang/python';
import { PyTensor, torchModules } from '../lang/python/torch';
import { exportTape, type EagerEngine, type TapeGraph } from '../runtime/eager';
import type { EagerRun, Numbers } from '../protocol/results';
import { EvaluationFailure, failureAt, scriptFailure } from './failure';
import { lineTimings, roundMs, steadyMs } from './measure';
import type { OpTiming, Profiler } from './profiled_backend';
import type { Target } from './target';

export interface TorchEager {
  readonly inputs: Readonly<Record<string, Numbers>>;
  readonly run: EagerRun;
  /** The first call's tape, leaves named by parameter, and each op's time in the order it ran. */
  readonly tape: { readonly graph: TapeGraph; readonly leaves: ReadonlyMap<string, string>; readonly ops: readonly OpTiming[] } | null;
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
  profiler.lineOf = () => (forward ? engine.span?.line ?? null : null);
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
      profiler.startRecording();
      let t0 = performance.now();
      const result = call();
      let ms = performance.now() - t0;
      const ops = profiler.stopRecording();
      const value = numbers(result) as Numbers;
      const grad: Record<string, Numbers> = {};
      for (const [name, leaf] of leaves) grad[name] = leaf.t.grad ? (leaf.t.grad.tolist() as Numbers) : zerosLike(leaf.t.tolist() as Numbers);
      const tape = withTape && result instanceof PyTensor && result.t.requiresGrad
        ? { graph: exportTape([result.t]), leaves: leafNames(leaves), ops } : null;
      ms = steadyMs(() => engine.tidy(() => {
        t0 = performance.now();
        call();
        return performance.now() - t0;
      }));
      return { inputs, run: { value, grad, runMs: roundMs(ms), ops: ops.length, lines: lineTimings(ops) }, tape };
    } catch (e) {
      if (e instanceof EvaluationFailure) throw e;
      throw scriptFailure(scriptError(interp, e, file));
    }
  });
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
  return null;
}

function zerosLike(v: Numbers): Numbers {
  return Array.isArray(v) ? v.map(zerosLike) : 0;
}
