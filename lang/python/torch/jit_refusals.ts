/**
 * What a torch function cannot do while it is traced for jit (as under torch.func.grad and
 * torch.compile(fullgraph=True)): read a traced tensor's value, branch on it, or run autograd
 * inside. Each is refused at the user's line with what to write instead.
 */
import type { EagerEngine, Tensor, TensorEngine } from '../../../runtime/eager';
import { StagedArray } from '../../../runtime/jit';
import { pyError, type HostContext } from '../interpreter';
import type { Span } from '../syntax';
import { concretizationError, type TracingSite } from '../staging';

/**
 * A torch function being staged for the jit engine (the site of its StagingBackend): the script,
 * to quote in refusals, and where the function first stopped a gradient (no_grad, detach, .data):
 * the jit's gradient flows through every equation, so such a function differentiates differently.
 */
export class StagedFunction implements TracingSite {
  firstStop: Span | null = null;
  constructor(readonly source: string | null, readonly transforming: readonly string[]) {}

  noteStop(span: Span | null): void {
    this.firstStop ??= span;
  }
}

/** The staged function a tensor's storage is traced in; null for a concrete tensor. */
export function tracedSite(t: Tensor): StagedFunction | null {
  const a = t.array;
  return a instanceof StagedArray && a.owner.site instanceof StagedFunction ? a.owner.site : null;
}

/** Refuses reading a traced tensor's value: `what` is `bool` (if/while), `item`, `float`, `int` or `str` (print). */
export function refuseValue(t: Tensor, what: string, ctx: HostContext): void {
  const site = tracedSite(t);
  if (!site) return;
  throw concretizationError(site, what, ctx, what === 'bool'
    ? () => 'use torch.where(...) instead of Python control flow on a tensor'
    : (name) => `return '${name}' from the function instead of reading its value inside`);
}

/** Refuses `backward()`, `torch.autograd.grad` and `.grad` (`what`, when the source is not known) on a traced tensor. */
export function refuseAutograd(t: Tensor, what: string, ctx: HostContext): void {
  const site = tracedSite(t);
  if (!site) return;
  const code = site.source?.slice(ctx.span.from, ctx.span.to) || what;
  const err = pyError('RuntimeError',
    `${site.transforming[0] ?? 'jit'} cannot trace '${code}' inside the function it compiles: it differentiates what the function `
      + 'returns, as torch.func.grad does; return the loss instead of calling autograd on it');
  err.exc.bareMessage = true;
  throw err;
}

/** Notes a detach (`detach()`, `.data`) of a tensor that requires grad: see StagedFunction.firstStop, and noteCut. */
export function noteDetach(t: Tensor, ctx: HostContext): void {
  if (t.requiresGrad) tracedSite(t)?.noteStop(ctx.span);
  noteCut(t, 'detach', ctx);
}

/**
 * Where an eager run's value leaves the tape: a tensor that requires grad read as a Python number
 * (`item`, `float`, `int`, `tolist`) or detached (`detach`). PyTorch's gradient does not flow
 * through it, silently; the evaluation listens, to say at which line.
 */
export interface GradientCut {
  readonly what: 'item' | 'float' | 'int' | 'tolist' | 'detach';
  readonly span: Span;
}

const cutListeners = new WeakMap<TensorEngine, (cut: GradientCut) => void>();

/** Calls `listener` with each gradient cut of `engine`'s tensors until it is called with null. */
export function listenForCuts(engine: EagerEngine, listener: ((cut: GradientCut) => void) | null): void {
  if (listener) cutListeners.set(engine, listener);
  else cutListeners.delete(engine);
}

export function noteCut(t: Tensor, what: GradientCut['what'], ctx: HostContext): void {
  if (!t.requiresGrad || !t.engine.gradEnabled || tracedSite(t)) return;
  cutListeners.get(t.engine)?.({ what, span: ctx.span });
}
