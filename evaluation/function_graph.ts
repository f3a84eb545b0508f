/**
 * A function's graph in full, for `gradlens graph`: the traced jaxpr (of the function or of its
 * gradient) with its fusion plan, or the eager tape. The editor gets the same graphs drawn as
 * GraphViews in its EvaluationResult; this is their source, for printing as text, JSON or DOT.
 */
import type { CancelSignal, FunctionInfo } from '../lang/python';
import { jaxFunctionAt } from '../lang/python/jax';
import { torchModules } from '../lang/python/torch';
import type { Backend } from '../runtime/backends';
import type { TapeGraph } from '../runtime/eager';
import type { Jaxpr } from '../runtime/ir';
import { planJaxpr, type Plan } from '../runtime/jit';
import type { EvaluateRequest } from '../protocol/evaluate';
import type { EvaluationError, Numbers } from '../protocol/results';
import { withTarget } from './evaluate';
import { failureAt } from './failure';
import { unwrap } from './jax_run';
import { profile } from './profiled_backend';
import { captureFailure, runOptions } from './target';
import { torchEager } from './torch_eager';

export type FunctionGraph =
  | {
    readonly style: 'jax' | 'numpy';
    readonly fn: FunctionInfo;
    readonly inputs: Readonly<Record<string, Numbers | string>>;
    /** The arguments differentiated, when the jaxpr is the gradient's. */
    readonly wrt: readonly string[];
    readonly jaxpr: Jaxpr;
    readonly plan: Plan;
  }
  | { readonly style: 'torch'; readonly fn: FunctionInfo; readonly tape: TapeGraph; readonly leaves: ReadonlyMap<string, string> };

export async function functionGraph(
  request: EvaluateRequest, backend: Backend, grad: boolean, signal?: CancelSignal,
): Promise<{ readonly ok: true; readonly value: FunctionGraph } | { readonly ok: false; readonly error: EvaluationError }> {
  return withTarget(request, profile(backend), signal, async ({ target, engine, profiler, limits }): Promise<FunctionGraph> => {
    const { fn, file } = target;
    if (target.style === 'torch') {
      const { tape } = await torchEager(target, profiler, limits, true);
      if (!tape) throw failureAt('error', file, fn.nameSpan, `${fn.name}() returned a value with no autograd graph; return a tensor computed from float arguments`);
      return { style: 'torch', fn, tape: tape.graph, leaves: tape.leaves };
    }
    const at = jaxFunctionAt(target.analysis.parse, fn, target.inputs, profiler.backend, { file, modules: torchModules(engine), ...limits, ...runOptions(target) });
    if (!at.ok) throw captureFailure(target, at.error);
    try {
      const jaxpr = unwrap(at.value.jaxpr(grad));
      return { style: target.style, fn, inputs: at.value.inputs, wrt: grad ? at.value.wrt : [], jaxpr, plan: planJaxpr(jaxpr) };
    } finally {
      at.value.dispose();
    }
  });
}
