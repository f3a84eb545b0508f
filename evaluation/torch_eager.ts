/**
 * The eager run of a torch-style function, as PyTorch runs it: each float (tensor) argument a
 * leaf requiring grad, the function called, `backward()` on its result. Backend calls are timed
 * by the source line whose op made them; the tape of the first call is kept for the viewer.
 */
import { captureInputs, getattr, PyList, PyTuple, scriptError, type Budgets, type CancelSignal, type ModuleRegistry, type PyValue, type ShownWarning } from '../lang/python';
import { jaxSession } from '../lang/python/jax';
import { nest, noFloatArgument, plainFloats } from '../lang/python/staging';
import { argumentLeaves, leafArguments, listenForCuts, PyTensor, torchMath, torchSession, torchWrt, type GradientCut } from '../lang/python/torch';
import type { Backend, DeviceArray } from '../runtime/backends';
import { isFloat } from '../runtime/core';
import { EagerEngine, exportTape, Tensor, type TapeGraph } from '../runtime/eager';
import type { TimingRequest } from '../protocol/evaluate';
import { JACOBIAN_SHOWN, type AssignedValue, type EagerRun, type Jacobian, type NonFinite, type Numbers } from '../protocol/results';
import { AssignmentRecorder } from './assignments';
import { EvaluationFailure, failureAt, rangeOfSource, rangeOfSpan, scriptFailure } from './failure';
import { firstNonFinite, lineTimings, roundMs, steadyMs, timeCalls } from './measure';
import type { OpTiming, Profiler } from './profiled_backend';
import { tapeUpTo } from './partial';
import { captureFailure, type Target } from './target';

export interface TorchEager {
  readonly inputs: Readonly<Record<string, Numbers>>;
  readonly run: EagerRun;
  /** The first call's tape, leaves named by parameter, and each op's time in the order it ran. */
  readonly tape: { readonly graph: TapeGraph; readonly leaves: ReadonlyMap<string, string>; readonly ops: readonly OpTiming[] } | null;
  /** The first op whose result was NaN or Inf, when the value or a gradient is. */
  readonly nonFinite: NonFinite | null;
  /** Where the call's values that required grad left the tape (`.item()`, `float(...)`), in the order met. */
  readonly cuts: readonly GradientCut[];
  /** Whether the function is plain Python called with floats: its tensors are those floats, `math` differentiated on them. */
  readonly liftedFloats: boolean;
  /** A non-scalar value's Jacobian, from the tape (see tapeJacobian); null for a scalar. */
  readonly jacobian: Jacobian | null;
  /** What the first call's assignments (and the script's top-level loops) left in their names. */
  readonly assignments: readonly AssignedValue[];
}

export interface RunLimits {
  readonly budgets: Partial<Budgets>;
  readonly signal?: CancelSignal;
  /** Hears each Python warning a run of the script shows. */
  readonly onWarning?: (w: ShownWarning) => void;
}

/** `timing`, when given, times the forward alone and with backward too (`gradlens bench`): the run's `times`. */
export async function torchEager(target: Target, profiler: Profiler, limits: RunLimits, withTape: boolean, timing?: TimingRequest): Promise<TorchEager> {
  const owned = ownedArrays(profiler.backend);
  const recorder = AssignmentRecorder.ofFunction(target.fn, target.analysis.parse.module);
  try {
    return await run(target, new EagerEngine(owned.backend), profiler, limits, withTape, recorder, timing);
  } finally {
    recorder.release();
    owned.freeAll();
  }
}

/**
 * A backend over `inner` that frees on `freeAll` what was made through it and is not freed yet:
 * the tensors the script made outside any scope (its inputs, its globals), which nothing else frees.
 */
function ownedArrays(inner: Backend): { readonly backend: Backend; freeAll(): void } {
  const made = new Set<DeviceArray>();
  const backend: Backend = Object.create(inner);
  const keep = (a: DeviceArray) => {
    made.add(a);
    return a;
  };
  backend.upload = (values, aval) => keep(inner.upload(values, aval));
  backend.run = (prim, inputs, params, out) => keep(inner.run(prim, inputs, params, out));
  backend.dispose = (x) => {
    made.delete(x);
    inner.dispose(x);
  };
  return {
    backend,
    freeAll() {
      for (const a of made) inner.dispose(a);
      made.clear();
    },
  };
}

async function run(target: Target, engine: EagerEngine, profiler: Profiler, limits: RunLimits, withTape: boolean, recorder: AssignmentRecorder, timing: TimingRequest | undefined): Promise<TorchEager> {
  // NB: the script imports whatever it imports (jax, numpy beside torch): each function runs with the file's modules.
  const jax = jaxSession(engine.backend, { source: target.analysis.parse.source });
  try {
    return await runWith(target, engine, profiler, limits, withTape, jax.modules, recorder, timing);
  } finally {
    jax.dispose();
  }
}

async function runWith(
  target: Target, engine: EagerEngine, profiler: Profiler, limits: RunLimits, withTape: boolean,
  others: ModuleRegistry, recorder: AssignmentRecorder, timing: TimingRequest | undefined,
): Promise<TorchEager> {
  const { fn, file } = target;
  const torch = torchSession(engine);
  // A plain-Python function's floats are tensors here: in its calls, its `math` applies torch's functions to them.
  let calling = false;
  const math: ModuleRegistry = target.plain ? { math: torchMath(torch, () => calling) } : {};
  const captured = captureInputs(target.analysis.parse, fn, target.inputs, { file, modules: { ...others, ...torch.modules, ...math }, ...limits, onAssign: recorder.listenScript });
  if (!captured.ok) throw captureFailure(target, captured.error);
  const interp = captured.inputs.interpreter;
  interp.onAssign = null;
  const script = <T>(body: () => T): T => {
    try {
      return body();
    } catch (e) {
      if (e instanceof EvaluationFailure) throw e;
      throw scriptFailure(scriptError(interp, e, file));
    }
  };
  // Backward's ops belong to no line of the source: they count in the run, not in `lines`.
  let forward = false;
  profiler.spanOf = () => (forward ? engine.span : null);
  // NB: made outside any tidy scope, the leaves and their grads live until torchEager frees what is left.
  const { args, leaves } = script(() => leafArguments(interp, captured.inputs.values, torchWrt(argumentLeaves(interp, captured.inputs.values).leaves, captured.inputs.values, target.wrt)));
  // NB: only where its arguments are Python floats: tensors passed in are torch code's, whose `math` reads them as floats.
  calling = plainFloats(captured.inputs.values);
  /**
   * One forward and backward (or the forward alone, its tape kept); the grads it leaves are zeroed
   * by the next. Its scope frees all but the result's tensor, which the caller frees once it is read.
   */
  const call = (backward = true, record = false): { readonly result: PyValue; readonly kept: Tensor | null } => engine.tidy(() => script(() => {
    for (const leaf of leaves.values()) leaf.t.setGrad(null);
    forward = true;
    if (record) interp.onAssign = recorder.listen;
    let result: PyValue;
    try {
      result = engine.withGradMode(true, () => interp.call(captured.inputs.fn, args));
    } finally {
      forward = false;
      interp.onAssign = null;
    }
    // An int argument (x=-3) gives an int result: nothing to differentiate, as PyTorch would have it.
    if (leaves.size === 0 && (typeof result === 'bigint' || typeof result === 'boolean')) throw noFloatArgument(fn, captured.inputs.values, 'torch');
    if (!(result instanceof PyTensor) && typeof result !== 'number') {
      throw failureAt('error', file, fn.nameSpan, `${fn.name}() returned ${interp.repr(result)}, not a number or a tensor; Gradlens differentiates functions that return one`);
    }
    if (backward && result instanceof PyTensor && result.t.requiresGrad) {
      // A vector's gradient is its sum's, as `y.backward(torch.ones_like(y))`; its Jacobian is tapeJacobian's.
      const loss = result.numel === 1 ? result : interp.call(getattr(result, 'sum', interp), []);
      interp.call(getattr(loss, 'backward', interp), []);
      if (record) recorder.holdGradients();
    }
    return { result, kept: result instanceof PyTensor ? result.t : null };
  }));
  const grads = () => [...leaves.values()].map((leaf) => leaf.t.grad ?? leaf.t);
  const gradOf = (leaf: PyTensor, read: Numbers): Numbers => (leaf.t.grad ? read : zerosLike(read));
  // NB: a first call warms the backend's kernels up (wasm's first pow takes ~15 ms), so that
  // the recorded call times each line as every later call runs it.
  const cuts = new Map<number, GradientCut>();
  listenForCuts(engine, (cut) => void (cuts.has(cut.span.from) || cuts.set(cut.span.from, cut)));
  try {
    call(true, true).kept?.dispose();
  } catch (e) {
    // What ran before the error is still shown: the names assigned, and the tape up to the op that raised it.
    if (e instanceof EvaluationFailure) {
      e.assignments = await recorder.read(engine.backend);
      if (withTape && e.failedOp && e.range) e.graphs = [tapeUpTo(e.failedOp, e.range, leafNames(leaves), target.analysis.parse.source)];
    }
    throw e;
  } finally {
    listenForCuts(engine, null);
  }
  const assignments = await recorder.read(engine.backend);
  profiler.startRecording();
  const { result, kept } = call();
  const { ops } = await profiler.stopRecording();
  const tape = withTape && kept?.requiresGrad ? { graph: exportTape([kept], engine.parameterScopes), leaves: leafNames(leaves), ops } : null;
  const [value, ...read] = await numbersOf(engine.backend, [result, ...grads()]);
  kept?.dispose();
  // NB: fromEntries, not assignment: a parameter named `__proto__` must be a key like any other.
  const grad: Record<string, Numbers> = Object.fromEntries([...leaves].map(([name, leaf], k) => [name, gradOf(leaf, read[k] as Numbers)]));
  const nonFinite = firstNonFinite(value as Numbers) || Object.values(grad).some((g) => firstNonFinite(g)) ? await locateNonFinite(() => call().kept?.dispose(), profiler, target) : null;
  // Timed as the jit run is: until the value (and the gradients) are read back.
  const timedCall = async (backward: boolean): Promise<number> => {
    const t0 = performance.now();
    const once = call(backward);
    try {
      await numbersOf(engine.backend, backward ? [once.result, ...grads()] : [once.result]);
    } finally {
      once.kept?.dispose();
    }
    return performance.now() - t0;
  };
  const ms = await steadyMs(() => timedCall(true));
  const times = timing && { forward: await timeCalls(() => timedCall(false), timing), valueAndGrad: await timeCalls(() => timedCall(true), timing) };
  const forwardOnly = result instanceof PyTensor && result.numel !== 1 && result.t.requiresGrad ? call(false).kept : null;
  let jacobian: Jacobian | null = null;
  try {
    jacobian = forwardOnly && await tapeJacobian(engine, forwardOnly, leaves, script);
  } finally {
    forwardOnly?.dispose();
  }
  const names = [...captured.inputs.values.keys()];
  // NB: an argument that is not numeric (a string, a module) is passed but not shown.
  const given = await numbersOf(engine.backend, [...captured.inputs.values.values()]);
  const inputs: Record<string, Numbers> = Object.fromEntries(names.flatMap((name, i) => (given[i] === null ? [] : [[name, given[i]]])));
  return {
    inputs, run: { value: value as Numbers, grad, runMs: roundMs(ms), ops: ops.length, lines: lineTimings(ops), ...(times ? { times } : {}) }, tape, nonFinite, cuts: [...cuts.values()],
    liftedFloats: target.plain && calling, jacobian, assignments,
  };
}

/**
 * A non-scalar value's Jacobian on the tape, as torch.autograd.functional.jacobian computes it:
 * one autograd.grad a row of the value (a one-hot cotangent, the graph kept for the next row),
 * so torch code the jit cannot trace (`.item()`, an `if` on a tensor) has one too. Past
 * JACOBIAN_SHOWN numbers, only its size: the result then shows the summed gradient alone.
 */
async function tapeJacobian(engine: EagerEngine, y: Tensor, leaves: ReadonlyMap<string, PyTensor>, script: <T>(body: () => T) => T): Promise<Jacobian | null> {
  if (!isFloat(y.dtype) || y.shape.length === 0 || leaves.size === 0) return null;
  const inputs = [...leaves.values()].map((leaf) => leaf.t);
  const rows = y.size;
  const size = rows * inputs.reduce((n, t) => n + t.size, 0);
  if (size > JACOBIAN_SHOWN) return { valueShape: y.shape, size };
  const grads = engine.tidy(() => script(() => Array.from({ length: rows }, (_, i) => {
    const ct = engine.fromValues(Array.from({ length: rows }, (_, j) => (i === j ? 1 : 0)), y.shape, y.dtype);
    return engine.grad([y], inputs, [ct], { retainGraph: i < rows - 1, allowUnused: true });
  })));
  const made = grads.flat().filter((g): g is Tensor => g !== null);
  try {
    const read = await engine.backend.readMany(made.map((g) => g.array));
    let k = 0;
    // A leaf the value does not depend on has no gradient (autograd.grad's None): its row is zeros, as PyTorch's jacobian gives.
    const rowsRead = grads.map((row) => row.map((g, n) => (g ? Array.from(read[k++]) : new Array<number>(inputs[n].size).fill(0))));
    // NB: fromEntries, not assignment: a parameter named `__proto__` must be a key like any other.
    const of: Record<string, Numbers> = Object.fromEntries([...leaves.keys()].map((name, n) => [name, nest(rowsRead.flatMap((row) => row[n]), [...y.shape, ...inputs[n].shape])]));
    return { valueShape: y.shape, size, of };
  } finally {
    for (const g of made) g.dispose();
  }
}

/** Runs `once` again reading every op's result back: the first NaN or Inf, in the value or in backward. */
async function locateNonFinite(once: () => void, profiler: Profiler, target: Target): Promise<NonFinite | null> {
  profiler.startRecording(true);
  try {
    once();
  } catch (e) {
    // Stopped all the same, so that the results it held are freed.
    await profiler.stopRecording();
    throw e;
  }
  const found = (await profiler.stopRecording()).nonFinite;
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

/**
 * Python values as numbers (tensors as nested lists), null for anything else; the tensors among
 * them read back in one asynchronous readMany. NB: never readSync, which on webgpu copies through
 * canvas textures and loses SwiftShader's device.
 */
async function numbersOf(backend: Backend, values: readonly (PyValue | Tensor)[]): Promise<(Numbers | null)[]> {
  const tensors: Tensor[] = [];
  const collect = (v: PyValue | Tensor): void => {
    if (v instanceof Tensor) tensors.push(v);
    else if (v instanceof PyTensor) tensors.push(v.t);
    else if (v instanceof PyList || v instanceof PyTuple) v.items.forEach(collect);
  };
  values.forEach(collect);
  const read = await backend.readMany(tensors.map((t) => t.array));
  let k = 0;
  const build = (v: PyValue | Tensor): Numbers | null => {
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof Tensor || v instanceof PyTensor) {
      const t = v instanceof Tensor ? v : v.t;
      return nest(read[k++], t.shape, t.dtype === 'bool');
    }
    if (v instanceof PyList || v instanceof PyTuple) {
      // NB: every item is built, so that the tensors are taken in the order they were collected.
      const items = v.items.map(build);
      return items.every((x) => x !== null) ? (items as Numbers[]) : null;
    }
    return null;
  };
  return values.map(build);
}

function zerosLike(v: Numbers): Numbers {
  return Array.isArray(v) ? v.map(zerosLike) : 0;
}

