/**
 * A torch-style function at its example inputs, traced as torch.func.grad + torch.compile would:
 * its tensor and float arguments become tracers, each torch op records an equation with its
 * source span (the runtime's StagingBackend), and the runtime's value_and_grad transforms the jaxpr.
 * The result is a FunctionAt, as a JAX-style function's, so callers treat the two styles alike: evaluation/
 * runs its jaxprs on the jit engine, and runs the function eagerly as PyTorch does (torch_eager.ts).
 */
import { sizeOf, type AbstractValue } from '../../../runtime/core';
import type { DeviceArray } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import type { Jaxpr } from '../../../runtime/ir';
import { dce, inline, makeJaxpr, StagedArray, StagingBackend, type Traceable } from '../../../runtime/jit';
import type { FunctionInfo, InputSource } from '../analysis';
import { captureInputs } from '../inputs';
import { type Budgets, type CancelSignal, type ModuleRegistry, PyInstance, type PyValue, pyError } from '../interpreter';
import type { ParseResult, Span } from '../syntax';
import { scriptError } from '../run';
import { namesOfConstants, noFloatArgument, plainFloats, valueAndSummedGradJaxpr, type FunctionAt, type Outcome } from '../staging';
import { STORAGE, type TorchDTypeName } from './dtype';
import { torchMath } from './lifted_math';
import { argumentLeaves, numbers, torchWrt } from './leaves';
import { torchSession } from './module';
import { moduleState, namedTensors } from './nn/module';
import { StagedFunction } from './jit_refusals';
import { PyTensor } from './tensor';

export interface TorchFunctionOptions {
  readonly file: string;
  /** Other module shims the script may import (jax, numpy), beside torch. */
  readonly modules?: ModuleRegistry;
  readonly budgets?: Partial<Budgets>;
  readonly signal?: CancelSignal;
  /** A plain-Python function: `math` applies torch's functions to its (traced) floats. */
  readonly plain?: boolean;
  /** The parameters a `# gradlens: wrt=` comment names, else torchWrt's default. */
  readonly wrt?: readonly string[] | null;
}

/** An argument the jit engine traces: a Python float (a float32 scalar) or a tensor. Anything else stays a Python constant. */
interface TracedArgument {
  readonly path: string;
  readonly aval: AbstractValue;
  readonly dtype: TorchDTypeName;
  readonly value: number | PyTensor;
}

/**
 * Runs the script up to `fn`'s example inputs with the torch shim over `engine`'s backend. The
 * script's tensors live in this session (not in `engine`'s scopes) until `dispose()`.
 */
export function torchFunctionAt(parsed: ParseResult, fn: FunctionInfo, source: InputSource, engine: EagerEngine, options: TorchFunctionOptions): Outcome<FunctionAt> {
  const backend = engine.backend;
  const site = new StagedFunction(parsed.source, ['jit']);
  const staging = new StagingBackend(backend, site);
  const session = new EagerEngine(staging);
  staging.span = () => session.span;
  const torch = torchSession(session);
  // A plain-Python function's `math` applies torch's functions to its traced floats, not to tensors passed in.
  let calling = false;
  const math: ModuleRegistry = options.plain ? { math: torchMath(torch, () => calling) } : {};
  const captured = captureInputs(parsed, fn, source, {
    file: options.file, modules: { ...options.modules, ...torch.modules, ...math }, budgets: options.budgets, signal: options.signal,
  });
  if (!captured.ok) {
    staging.disposeAll();
    return { ok: false, error: captured.error };
  }
  const interp = captured.inputs.interpreter;
  const values = captured.inputs.values;
  calling = plainFloats(values);
  const fun = captured.inputs.fn;
  const names = [...values.keys()];
  const args = [...values.values()];
  // NB: floats and tensors inside list, tuple and dict arguments (`params = [W, b]`) are traced too, by their paths.
  const argLeaves = argumentLeaves(interp, values);
  const traced = argLeaves.leaves.map(({ path, value }): TracedArgument => (typeof value === 'number'
    ? { path, aval: { shape: [], dtype: 'float32' }, dtype: 'float32', value }
    : { path, aval: { shape: value.shape, dtype: value.t.dtype }, dtype: value.dtype, value }));
  // NB: as the eager run's leaves: torchWrt's leaves are differentiated; the other tensors and floats are traced but not.
  const guardWrt = (() => {
    try {
      return { ok: true as const, paths: torchWrt(argLeaves.leaves, values, options.wrt ?? null) };
    } catch (e) {
      return { ok: false as const, error: scriptError(interp, e, options.file) };
    }
  })();
  if (!guardWrt.ok) {
    staging.disposeAll();
    return { ok: false, error: guardWrt.error };
  }
  const wrtInvars = traced.flatMap((a, k) => (guardWrt.paths.includes(a.path) ? [k] : []));
  const wrt = wrtInvars.map((k) => traced[k].path);
  const guard = <T>(body: () => T): Outcome<T> => {
    try {
      return { ok: true, value: body() };
    } catch (e) {
      return { ok: false, error: scriptError(interp, e, options.file) };
    }
  };

  /**
   * The function traced on tracers of its traced arguments, the differentiated ones requiring
   * grad so that the eager engine tracks, as PyTorch would, whether the result depends on them.
   * With `loss`, a one-element result is reshaped to a scalar, as backward() takes one element.
   */
  const forward = (loss: boolean): { jaxpr: Jaxpr; carriesGrad: boolean } => {
    let carriesGrad = false;
    site.firstStop = null;
    const jaxpr = makeJaxpr((o, ...tracers) => {
      const rt = torch.runtime(interp);
      // NB: the script's grad mode, not a torch op's own internal no_grad.
      staging.onStagedOp = () => {
        if (!rt.gradModeAtOp) site.noteStop(interp.span);
      };
      const callArgs = argLeaves.rebuild((k) => {
        const t = session.fromArray(staging.stage(tracers[k]));
        if (wrtInvars.includes(k)) t.requiresGrad = true;
        return rt.wrap(t, traced[k].dtype);
      });
      let result: PyValue;
      try {
        result = session.withGradMode(true, () => interp.call(fun, callArgs));
      } finally {
        argLeaves.restore();
      }
      const out = traceableOf(result, fn.name, (v) => interp.repr(v));
      const outShape = typeof out === 'number' ? [] : out.shape;
      carriesGrad = result instanceof PyTensor && result.t.requiresGrad;
      // NB: a vector's gradient is its sum's (see valueAndSummedGradJaxpr); one element is the scalar backward() takes.
      if (!loss || !carriesGrad || outShape.length === 0 || sizeOf(outShape) !== 1) return out;
      return o.apply('reshape', [out], { newSizes: [] });
    }, traced.map((a) => a.aval));
    if (loss && carriesGrad && site.firstStop) throw stopRefusal(site.firstStop, parsed.source);
    return { jaxpr, carriesGrad };
  };
  /** `value_and_grad` of the function; where its result does not depend on the differentiated arguments (as eager sees it), zero gradients. */
  const valueAndGrad = (): Jaxpr => {
    if (wrtInvars.length === 0) throw noFloatArgument(fn, values, 'torch');
    const { jaxpr, carriesGrad } = forward(true);
    if (carriesGrad) return valueAndSummedGradJaxpr(jaxpr, wrtInvars);
    return makeJaxpr((o, ...xs) => [inline(o, jaxpr, xs)[0], ...wrtInvars.map((k) => o.zerosLike(xs[k]))], traced.map((a) => a.aval));
  };
  const gradOnly = (vg: Jaxpr): Jaxpr => ({ ...vg, outvars: vg.outvars.slice(1) });
  const argumentArrays = (invars: Jaxpr['invars']) => {
    const made: DeviceArray[] = [];
    const release = () => {
      for (const a of made.splice(0)) backend.dispose(a);
    };
    if (invars.length !== traced.length) throw new TypeError(`${fn.name}(): the jaxpr takes ${invars.length} arguments, the function ${traced.length} tensors and floats`);
    const arrays = traced.map((a) => {
      if (a.value instanceof PyTensor) return a.value.t.array;
      const x = backend.upload([a.value], { shape: [], dtype: STORAGE[a.dtype] });
      made.push(x);
      return x;
    });
    return { arrays, release };
  };

  const at: FunctionAt = {
    inputs: Object.fromEntries(names.map((n, i) => [n, numbers(interp, args[i])])),
    inputDtypes: Object.fromEntries(names.flatMap((n, i) => { const a = args[i]; return a instanceof PyTensor ? [[n, a.dtype]] : []; })),
    wrt,
    wrtInvars,
    invarNames: traced.map((a) => a.path),
    jaxpr: (grad) => guard(() => (grad ? dce(gradOnly(valueAndGrad())) : forward(false).jaxpr)),
    valueAndGradJaxpr: () => guard(valueAndGrad),
    argumentArrays: (invars) => guard(() => argumentArrays(invars)),
    constantNames: (jaxpr) => namesOfConstants(jaxpr, withModuleTensors(interp.globals), (v) => (v instanceof PyTensor && !(v.t.array instanceof StagedArray) ? v.t.array : null)),
    dispose: () => staging.disposeAll(),
  };
  return { ok: true, value: at };
}

/**
 * The globals, then each parameter and buffer of a global nn.Module by the name the script would
 * read it as (`model.fc1.weight`): the weights a traced forward captures are named so.
 */
function withModuleTensors(globals: ReadonlyMap<string, PyValue>): Map<string, PyValue> {
  const named = new Map(globals);
  for (const [name, v] of globals) {
    if (name.startsWith('_') || !(v instanceof PyInstance) || !moduleState(v)) continue;
    for (const which of ['params', 'buffers'] as const) for (const [path, t] of namedTensors(v, which, name)) if (!named.has(path)) named.set(path, t);
  }
  return named;
}

/** What the traced function returned, as the jaxpr's output: a tracer, a concrete array (a constant) or a number. */
function traceableOf(result: PyValue, name: string, repr: (v: PyValue) => string): Traceable {
  if (typeof result === 'number') return result;
  if (result instanceof PyTensor) {
    const a = result.t.array;
    return a instanceof StagedArray ? a.tracer : a;
  }
  throw new TypeError(`${name}() returned ${repr(result)}, not a number or a tensor; Gradlens differentiates functions that return one`);
}

/** The refusal of a function that stops a gradient where jit, lacking stop_gradient, would differentiate through. */
function stopRefusal(span: Span, source: string): Error {
  const err = pyError('RuntimeError',
    `jit cannot trace '${source.slice(span.from, span.to)}' in a function it differentiates: it stops the gradient there `
      + '(no_grad, detach, .data), which the jit engine does not do yet; compute that value outside the function and pass it in, or use the eager engine');
  err.exc.span = span;
  err.exc.bareMessage = true;
  return err;
}
