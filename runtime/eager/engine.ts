import { assertDType, AutogradError, isFloat, sizeOf, type AbstractValue, type AllocationGuard, type DType, type OpScope, type Shape, type SourceSpan } from '../core';
import type { Backend, DeviceArray } from '../backends';
import { abstractEval, type ParamsOf, type Primitive } from '../primitives';
import { Ops, type Emitter } from '../ops';
import { runBackward, type GradOptions } from './backward';
import { innermostLevel, propagateTangent, tangentFromResult, tangentToSnapshot, type ForwardEngine } from './forward_ad';
import { GRAD_FN_NAMES } from './grad_fn_names';
import { Storage } from './storage';
import { SAVED_BY } from './saved_tensors';
import { COMPACT_SCOPE_AT, edgesLeaving, gradEdge, nodesMadeFrom, OpNode, REBASED_NO_GRAD_VIEW_MESSAGE, Tensor, TidyScope, type BackwardOptions, type OpGroup, type SavedVersion, type TensorEngine, type ViewOf } from './tensor';
import { readView, refuseOverlappingWrite, writeView } from './view_ops';
import type { Layout } from './views';

let nextGroupId = 1;

/**
 * What PyTorch's one node for a torch-level function saves, where that differs from what its
 * steps' nodes would: `relu` saves its result, not its input (threshold_backward reads the result).
 */
export interface CompositeSaves {
  readonly inputs: readonly Tensor[];
  readonly output: boolean;
}

/** A parameter's module call and its name there (`weight`). */
export interface ParameterScope {
  readonly scope: OpScope;
  readonly name: string;
}

/**
 * Runs each op at once on one backend (PyTorch's define-by-run) and, while grad mode is on and
 * an input requires grad, records it on the tape with the rule table's VJP.
 */
export class EagerEngine implements Emitter<Tensor>, TensorEngine, ForwardEngine {
  readonly ops: Ops<Tensor> = new Ops(this);
  private gradMode = true;
  /** The open tidy scopes, innermost last; a tensor's `scope` names the one that holds it (see tidy). */
  private readonly scopes: TidyScope[] = [];
  private groupStack: OpGroup[] = [];
  /** How many open composites declare what they save: their steps check nothing of their own. */
  private declaringSaves = 0;
  /** The source span the interpreter is evaluating; recorded on each node. */
  span: SourceSpan | null = null;
  /** Asked before each array this engine makes (the caller's memory and time budgets). */
  guard: AllocationGuard | null = null;
  /**
   * The module each parameter belongs to, as its last call's scope (an nn.Module call notes its
   * parameters here), so that a graph draws a parameter inside its module's box.
   */
  readonly parameterScopes = new WeakMap<Tensor, ParameterScope>();
  /** The open forward-AD levels (forward_ad.ts), outermost first, whose tangents each op carries through. */
  forwardLevels: readonly object[] = [];

  constructor(readonly backend: Backend) {}

  /** The innermost open forward-AD level; null when none is. */
  get forwardLevel(): object | null {
    return innermostLevel(this);
  }

  get gradEnabled(): boolean {
    return this.gradMode;
  }

  /** Runs `fn` with grad mode set to `enabled`, restoring it afterwards: `torch.no_grad()` / `enable_grad()`. */
  withGradMode<R>(enabled: boolean, fn: () => R): R {
    const before = this.gradMode;
    this.gradMode = enabled;
    try {
      return fn();
    } finally {
      this.gradMode = before;
    }
  }

  setGradEnabled(enabled: boolean): void {
    this.gradMode = enabled;
  }

  // ---- Emitter<Tensor>

  bind<P extends Primitive>(prim: P, inputs: readonly Tensor[], params: ParamsOf<P>): Tensor {
    for (const t of inputs) {
      if (t.engine !== this) throw new Error(`${prim}: tensors from different backends (${t.engine.backend.name} and ${this.backend.name}) cannot be mixed`);
      if (this.gradMode && t.view !== null && t.isRebasedNoGradView) throw new AutogradError(REBASED_NO_GRAD_VIEW_MESSAGE);
    }
    const out = abstractEval(prim, inputs, params);
    this.guard?.(out, prim);
    const result = this.wrap(this.backend.run(prim, inputs.map((t) => t.array), params, out), out);
    const node = this.gradMode && isFloat(out.dtype) && anyRequiresGrad(inputs) ? this.record(prim, params, inputs, result) : null;
    if (this.forwardLevels.length > 0) {
      propagateTangent(this, prim, params, inputs, result);
      node?.keepTangents(inputs, result);
    }
    return result;
  }

  aval(x: Tensor): AbstractValue {
    return x;
  }

  scalar(value: number, dtype: DType): Tensor {
    return this.fromValues([value], [], dtype);
  }

  // ---- creating tensors

  fromValues(values: ArrayLike<number>, shape: Shape, dtype: DType): Tensor {
    assertDType(dtype);
    if (values.length !== sizeOf(shape)) {
      throw new RangeError(`${values.length} values cannot fill a tensor of shape [${shape.join(', ')}]`);
    }
    const out = { shape: [...shape], dtype };
    this.guard?.(out, 'upload');
    return this.wrap(this.backend.upload(values, out), out);
  }

  /** A tensor over an array the backend already holds (a tracer standing for a jitted function's argument). */
  fromArray(array: DeviceArray): Tensor {
    return this.wrap(array, array);
  }

  // ---- autograd

  backward(roots: readonly Tensor[], gradients: readonly Tensor[] | undefined, options: BackwardOptions = {}): void {
    this.tidy(() => {
      runBackward(this, roots, gradients, { ...options, inputs: null, allowUnused: false });
    });
  }

  /** `torch.autograd.grad`: the gradients of `outputs` with respect to `inputs`, without touching `.grad`. */
  grad(outputs: readonly Tensor[], inputs: readonly Tensor[], gradOutputs: readonly Tensor[] | undefined, options: GradOptions = {}): (Tensor | null)[] {
    return this.tidy(() => runBackward(this, outputs, gradOutputs, { ...options, inputs, allowUnused: options.allowUnused ?? false }));
  }

  /**
   * Runs a torch-level function made of several primitives. Its nodes are grouped under `name`
   * for the viewer, and the result's grad_fn takes that name (`MeanBackward0`).
   */
  composite(name: string, fn: () => Tensor, saves?: CompositeSaves): Tensor {
    const group: OpGroup = { id: nextGroupId++, name };
    const first = nodesMadeFrom();
    this.groupStack.push(group);
    if (saves) this.declaringSaves++;
    try {
      const result = fn();
      if (result.gradFn && result.gradFn.group === group) {
        result.gradFn.name = name;
        result.gradFn.shownNext = edgesLeaving(result.gradFn, first);
        // NB: only the outermost declaration counts: a softmax made of a log_softmax saves what softmax saves.
        if (saves && this.declaringSaves === 1 && result.gradFn instanceof OpNode) {
          result.gradFn.checkSaved(savedBy(saves, result));
        }
      }
      return result;
    } finally {
      if (saves) this.declaringSaves--;
      this.groupStack.pop();
    }
  }

  /**
   * The node that made `result`, the last step of a torch-level function, checks what PyTorch's
   * one node for that function saves (`F.gelu` saves its input) rather than what the step saves.
   */
  declareSaved(result: Tensor, saves: CompositeSaves): Tensor {
    if (this.declaringSaves === 0 && result.gradFn instanceof OpNode) result.gradFn.checkSaved(savedBy(saves, result));
    return result;
  }

  /** Renames the grad_fn of a tensor just made by one primitive (`t()` is `TBackward0`, not `PermuteBackward0`). */
  named(name: string, result: Tensor): Tensor {
    if (result.gradFn && result.gradFn.group === null && this.groupStack.length === 0) result.gradFn.name = name;
    return result;
  }

  /**
   * Tensors whose memory the library shares with another object (PyTorch's `torch.from_numpy`
   * and `.numpy()` share it with a NumPy array) where Gradlens holds copies: an in-place change
   * of one is refused with the reason given here, since it would not reach the other.
   */
  readonly sharesMemory = new WeakMap<Tensor, string>();

  /** Applies an in-place op: `op` computes the new value from a snapshot of `target`, which then takes it over. */
  inPlace(target: Tensor, op: (snapshot: Tensor) => Tensor): Tensor {
    const shared = this.sharesMemory.get(target);
    if (shared) throw new Error(shared);
    if (target.view !== null) return this.inPlaceOnView(target, target.view, op);
    return this.tidy(() => {
      const snapshot = this.adopt(target.snapshot());
      if (this.forwardLevels.length === 0) return target.assignInPlace(op(snapshot));
      tangentToSnapshot(this, target, snapshot);
      const result = op(snapshot);
      target.assignInPlace(result);
      tangentFromResult(this, target, result);
      return target;
    });
  }

  // ---- views

  /**
   * Makes `result`, just made from `input` by an op PyTorch answers with a view (`x[0]`, `x.t()`,
   * `x.view(-1)`), a view of input's base: `layout` says where its elements lie, from input's layout.
   */
  viewOf(result: Tensor, input: Tensor, layout: (from: Layout) => Layout): Tensor {
    if (result !== input) result.becomeView(input, layout, this.gradMode ? 'grad' : 'no_grad');
    return result;
  }

  /**
   * Reads a view's values again from its base, which changed since the view last read them. As
   * PyTorch regenerates the grad_fn of such a view, the read is recorded (AsStridedBackward0) when
   * the view follows its base's graph, whatever the grad mode.
   */
  refreshView(view: Tensor, of: ViewOf): void {
    of.synced = of.base.version;
    this.withGradMode(of.creation === 'grad' && of.base.requiresGrad, () => this.tidy(() => {
      const fresh = readView(this, of.base, of.layout, view.shape);
      if (fresh.gradFn) {
        fresh.gradFn.name = 'AsStridedBackward0';
        fresh.gradFn.shownNext = [gradEdge(of.base)];
      }
      view.takeViewValue(fresh);
      if (this.forwardLevels.length > 0) tangentFromResult(this, view, fresh);
    }));
  }

  /**
   * An in-place op on a view writes its result into the base's memory (the base's grad_fn becomes
   * CopySlices), where every view of the base reads it; the view then reads itself back.
   */
  private inPlaceOnView(target: Tensor, of: ViewOf, op: (snapshot: Tensor) => Tensor): Tensor {
    refuseOverlappingWrite(of.layout, target.shape);
    return this.tidy(() => {
      const snapshot = this.adopt(target.snapshot());
      if (this.forwardLevels.length > 0) tangentToSnapshot(this, target, snapshot);
      const value = op(snapshot);
      if (value.dtype !== target.dtype || value.shape.join() !== target.shape.join()) {
        throw new RangeError(`in-place result ${value.dtype}[${value.shape.join(',')}] does not fit a tensor of ${target.dtype}[${target.shape.join(',')}]`);
      }
      if (of.creation === 'detach' && value.requiresGrad && this.gradMode) {
        throw new Error('an in-place op that needs a gradient on a detached view (.detach() or .data of a view) is not supported by Gradlens: use the out-of-place op');
      }
      this.withGradMode(this.gradMode && of.creation !== 'detach', () => this.inPlace(of.base, (old) => {
        const written = writeView(this, old, of.base.memoryStrides, of.layout, target.shape, value);
        if (written.gradFn && written !== value) {
          // PyTorch's CopySlices wraps the op's own node: its edges are the base's, then the op's other inputs'.
          written.gradFn.name = 'CopySlices';
          const op = value.gradFn;
          written.gradFn.shownNext = [gradEdge(old), ...(op ? op.shownNext ?? op.next : []).slice(1)];
        }
        return written;
      }));
      this.refreshView(target, of);
      return target;
    });
  }

  // ---- memory

  /**
   * Runs `fn` and frees every tensor it made that is not reachable from its result (tensors,
   * arrays or objects of them), like tfjs's `tidy`. Memory held by the tape of a kept result
   * stays until that result is disposed or backward frees it.
   */
  tidy<R>(fn: () => R): R {
    const scope = this.openTidy();
    let result: R;
    try {
      result = fn();
    } catch (e) {
      // A failed evaluation (a shape error, a second backward) must not leak what it made so far.
      this.abandonTidy(scope);
      throw e;
    }
    this.closeTidy(scope, result);
    return result;
  }

  /**
   * tidy's halves, for a caller that runs once per torch op (lang/python's TorchRuntime.run),
   * where tidy's closure and a result object around what it keeps cost more than a small op:
   * `openTidy`, then `closeTidy` with what the op returns, or `abandonTidy` where it threw.
   */
  openTidy(): TidyScope {
    const scope = new TidyScope();
    this.scopes.push(scope);
    return scope;
  }

  /** Ends the innermost scope: what `result` reaches and `alsoKeep[from..]` move to the scope around it, the rest is freed. */
  closeTidy(scope: TidyScope, result: unknown, alsoKeep: readonly Tensor[] = [], from = 0): void {
    this.popTidy(scope);
    const mark = ++keepMark;
    markTensors(result, mark);
    for (let i = from; i < alsoKeep.length; i++) alsoKeep[i].keptMark = mark;
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope.tensors) {
      if (t.scope !== scope) continue;
      if (t.keptMark === mark) {
        // NB: through enter, as adopt: each torch op's result reaches a script's outer scope this way.
        if (parent) enter(parent, t);
        else t.scope = null;
      } else {
        t.dispose();
      }
    }
  }

  /** Ends the innermost scope freeing all it holds: what failed must not leak what it made so far. */
  abandonTidy(scope: TidyScope): void {
    this.popTidy(scope);
    for (const t of scope.tensors) if (t.scope === scope) t.dispose();
  }

  private popTidy(scope: TidyScope): void {
    if (this.scopes.pop() !== scope) throw new Error('internal: tidy scopes closed out of order');
  }

  /** Registers a tensor with the innermost scope so tidy frees it. */
  adopt(t: Tensor): Tensor {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope && t.scope !== scope) enter(scope, t);
    return t;
  }

  /** The innermost open scope, where `adopt` puts a tensor now; null outside every tidy. */
  innermostScope(): TidyScope | null {
    return this.scopes[this.scopes.length - 1] ?? null;
  }

  /**
   * Moves `t` into `scope`, one open around the innermost: a tensor that code run inside a tidy
   * hands out to live longer (what a tensor hook keeps during backward) is freed with `scope`, not
   * with the tidy it was made in. A tensor an owner took (a leaf's `.grad`) stays with its owner.
   */
  adoptInto(scope: TidyScope | null, t: Tensor): Tensor {
    if (t.scope === null || t.scope === scope || t.disposed) return t;
    if (scope) enter(scope, t);
    else t.scope = null;
    return t;
  }

  /** Whether a tidy scope holds the tensor (it was made by an op and no owner, a leaf's `.grad`, took it). */
  owns(t: Tensor): boolean {
    return t.scope !== null;
  }

  /** Takes a tensor out of every scope: its owner (a leaf's `.grad`) frees it. */
  disown(t: Tensor): void {
    t.scope = null;
  }

  private wrap(array: DeviceArray, out: AbstractValue): Tensor {
    return this.adopt(new Tensor(this, new Storage(array, this.backend), out.shape, out.dtype));
  }

  private record<P extends Primitive>(prim: P, params: ParamsOf<P>, inputs: readonly Tensor[], result: Tensor): OpNode<P> {
    const node = new OpNode(
      GRAD_FN_NAMES[prim],
      prim,
      params,
      inputs.map(gradEdge),
      inputs.map((t) => t.aliasForSave(true)),
      result.aliasForSave(false),
      this.span,
      this.declaringSaves > 0 ? [] : savedVersions(prim, inputs, result),
    );
    node.group = this.groupStack[this.groupStack.length - 1] ?? null;
    result.attachGradFn(node);
    return node;
  }
}

function savedBy(saves: CompositeSaves, result: Tensor): SavedVersion[] {
  return [...saves.inputs.map((t) => t.savedVersion('input')), ...(saves.output ? [result.savedVersion('output')] : [])];
}

/** The versions of what PyTorch's node for `prim` saves, given which inputs need a gradient. */
function savedVersions(prim: Primitive, inputs: readonly Tensor[], result: Tensor): SavedVersion[] {
  const saved = SAVED_BY[prim](inputs.map((t) => t.requiresGrad));
  const out = saved.inputs.map((i) => inputs[i].savedVersion('input'));
  if (saved.output) out.push(result.savedVersion('output'));
  return out;
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/** Puts a tensor in a scope's list, first dropping what that list no longer frees when it reached its compaction length. */
function enter(scope: TidyScope, t: Tensor): void {
  if (scope.tensors.length >= scope.compactAt) compact(scope);
  scope.tensors.push(t);
  t.scope = scope;
}

/**
 * Drops the tensors an owner took or that were freed (a script's loop frees its temporaries as
 * their names go), so a long run's outer scope holds only what it may still free. NB: the next
 * compaction waits until the list doubles what stays: a scope where many tensors stay (gradients
 * a script set to None stay until the run ends) was scanned whole every few ops at a fixed length.
 */
function compact(scope: TidyScope): void {
  const tensors = scope.tensors;
  let k = 0;
  for (const t of tensors) if (t.scope === scope && !t.disposed) tensors[k++] = t;
  tensors.length = k;
  scope.compactAt = Math.max(COMPACT_SCOPE_AT, 2 * k);
}

/** Tells the tensors a tidy keeps from the rest: each reachable from its result gets the tidy's mark. */
let keepMark = 0;

function markTensors(value: unknown, mark: number): void {
  if (value instanceof Tensor) value.keptMark = mark;
  else if (Array.isArray(value)) for (const v of value) markTensors(v, mark);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key in value) markTensors((value as Record<string, unknown>)[key], mark);
  }
}
