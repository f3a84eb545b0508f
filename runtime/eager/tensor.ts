import { AutogradError, formatShape, isFloat, shapeEq, sizeOf, type AbstractValue, type AnyTypedArray, type DType, type Shape, type SourceSpan } from '../core';
import type { Backend, DeviceArray } from '../backends';
import type { Ops } from '../ops';
import type { ParamsOf, Primitive } from '../primitives';
import type { Storage } from './storage';
import { contiguousLayout, type Layout } from './views';

// The autograd tape's values: tensors and the nodes that made them (PyTorch's grad_fn), which
// refer to each other, so they share a file; the engine that records them is above (engine.ts).

/**
 * What a tensor and the backward pass ask of the engine that made them: EagerEngine implements
 * it, and tensors and backward.ts see it only through this, so that they import nothing above them.
 */
export interface TensorEngine {
  readonly backend: Backend;
  readonly ops: Ops<Tensor>;
  readonly gradEnabled: boolean;
  adopt(t: Tensor): Tensor;
  disown(t: Tensor): void;
  backward(roots: readonly Tensor[], gradients: readonly Tensor[] | undefined, options?: BackwardOptions): void;
  withGradMode<R>(enabled: boolean, fn: () => R): R;
  inPlace(target: Tensor, op: (snapshot: Tensor) => Tensor): Tensor;
  refreshView(view: Tensor, of: ViewOf): void;
}

export const SECOND_BACKWARD_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). '
  + 'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). '
  + 'Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** A dual tensor's tangent and the forward-AD level it belongs to (forward_ad.ts). */
export interface DualPart {
  readonly level: object;
  readonly tangent: Tensor;
}

/** A tensor with no tangent (most): one shared empty list. */
export const NO_DUALS: readonly DualPart[] = Object.freeze([]);

/** Shared by a tensor, its detached copies and its saved aliases, as PyTorch's version counter is. */
interface VersionCounter {
  value: number;
}

/**
 * How a view was made: under grad mode (its grad_fn follows its base's in-place changes), under
 * no_grad, or by `detach()`/`.data` of a view (it never requires grad).
 */
export type ViewCreation = 'grad' | 'no_grad' | 'detach';

/**
 * What makes a tensor a view in PyTorch's sense: its elements are some of its base's, so a write
 * to either shows in the other. Gradlens's view holds a copy of those elements, read again from
 * the base when the shared version counter moved past `synced`.
 */
export interface ViewOf {
  /** The tensor that owns the memory: never itself a view. */
  readonly base: Tensor;
  readonly layout: Layout;
  readonly creation: ViewCreation;
  /** The version of the base when the view was made: a no_grad view may not join a graph once it moved. */
  readonly madeAt: number;
  /** The version of the base the view's values were read at. */
  synced: number;
}

export const REBASED_NO_GRAD_VIEW_MESSAGE = 'A view was created in no_grad mode and its base or another view of its base has been modified inplace with grad mode enabled. '
  + 'Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block '
  + "(if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).";

/**
 * A tensor a node saved for backward, as PyTorch's SavedVariable checks it: its version counter
 * must still read the version it had when saved, or the backward raises.
 */
export interface SavedVersion {
  readonly counter: VersionCounter;
  readonly version: number;
  readonly aval: AbstractValue;
  /** The saved input as the script holds it, whose grad_fn at backward the error names; null for the node's own output. */
  readonly input: Tensor | null;
}

export interface BackwardOptions {
  readonly retainGraph?: boolean;
  readonly createGraph?: boolean;
}

type NestedList = number | boolean | NestedList[];

/** An eager tensor: its value is computed when the op runs, and ops on it may be recorded on the tape. */
export class Tensor implements AbstractValue {
  private storage: Storage | null;
  private freedAsSaved = false;
  private leafRequiresGrad = false;
  private accumulatorNode: AccumulateGrad | null = null;
  private gradFnCounted = false;
  gradFn: GradNode | null = null;
  grad: Tensor | null = null;
  retainsGrad = false;
  /**
   * The object a language frontend made for this tensor (lang/python's PyTensor), so that finding
   * it again is a field read: a WeakMap lookup on every op cost more than a small op's kernel.
   */
  frontendObject: object | null = null;
  /** The engine's tidy scope that frees this tensor, if one does (engine.ts); null once an owner took it. */
  scope: TidyScope | null = null;
  /** Set by a tidy on the tensors reachable from its result (engine.ts). */
  keptMark = 0;
  /**
   * Forward-mode AD: the tangents this tensor carries, at most one per open dual level
   * (forward_ad.ts; nested levels are functorch's jvp of a jvp), each owned by it.
   */
  duals: readonly DualPart[] = NO_DUALS;
  /**
   * The tensors made from this one by `detach()` (and this one): the same memory in PyTorch, so an
   * in-place write to any of them (`p.data.add_(...)`, `w.detach().zero_()`) is seen by all.
   */
  private aliases: Set<Tensor> | null = null;
  /**
   * Set once `x.data = y` moved the script's tensor to new memory, leaving this one behind: a node
   * that saved this one for backward holds the old values, where PyTorch's would read the new.
   */
  dataMoved = false;
  /**
   * The strides PyTorch gives this tensor's own memory where they are not row-major (an
   * elementwise op on a transposed tensor keeps its order: memory_format.ts); null on a view, whose
   * layout says it. Its values are row-major all the same: views of it map their offsets.
   */
  memoryStrides: readonly number[] | null = null;
  /** Set when this tensor is a view of another's memory (`x[0]`, `x.t()`, `x.view(-1)`). */
  view: ViewOf | null = null;
  /**
   * Set on a tensor while views of it are alive: how many, and whether it was disposed meanwhile
   * (disposing waits for them: they read and write its memory). NB: one field, null on most
   * tensors, so a tensor that is no base costs no more to make.
   */
  private viewers: { count: number; disposed: boolean } | null = null;

  constructor(
    readonly engine: TensorEngine,
    storage: Storage | null,
    readonly shape: Shape,
    readonly dtype: DType,
    private versionCounter: VersionCounter = { value: 0 },
  ) {
    this.storage = storage;
  }

  get version(): number {
    return this.versionCounter.value;
  }

  /** This tensor's version as a node saving it records it: as an input of the node, or as its output. */
  savedVersion(as: 'input' | 'output'): SavedVersion {
    // NB: the tensor itself as the aval (shape and dtype never change): one object less per op recorded.
    return { counter: this.versionCounter, version: this.versionCounter.value, aval: this, input: as === 'input' ? this : null };
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * As PyTorch's: also true for a view made under no_grad of a tensor that requires grad (its
   * creation meta NO_GRAD_MODE), a leaf whose gradient goes nowhere (see accumulatesGrad).
   */
  get requiresGrad(): boolean {
    return this.gradFn !== null || this.leafRequiresGrad || (this.view !== null && this.view.creation === 'no_grad' && this.view.base.requiresGrad);
  }

  /** A leaf whose own flag asks for a gradient, which lands in its `.grad` (PyTorch's grad_accumulator). */
  get accumulatesGrad(): boolean {
    return this.gradFn === null && this.leafRequiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (!this.isLeaf) {
      if (value) return;
      throw new AutogradError(
        'you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph '
        + 'that doesn\'t require differentiation use var_no_grad = var.detach().');
    }
    if (value && !isFloat(this.dtype)) {
      throw new AutogradError(`only Tensors of floating point dtype can require gradients (this one is ${this.dtype})`);
    }
    this.leafRequiresGrad = value;
  }

  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  get disposed(): boolean {
    return this.storage === null;
  }

  /**
   * What identifies the memory this tensor reads, now: the same object for the views of one base
   * and the `detach()` aliases of one tensor (PyTorch's storage); null once disposed.
   */
  get memoryIdentity(): object | null {
    return (this.view?.base ?? this).storage;
  }

  /** The backend array; throws a clear error for a disposed tensor or a freed saved value. */
  get array(): DeviceArray {
    if (this.storage === null) {
      if (this.freedAsSaved) throw new AutogradError(SECOND_BACKWARD_MESSAGE);
      throw new Error(`this tensor (${this.dtype}${formatShape(this.shape)}) was disposed and cannot be used`);
    }
    if (this.view !== null) this.catchUpWithBase();
    return this.storage.array;
  }

  /** A view whose base changed since it last read it reads it again (its values and its grad_fn). */
  catchUpWithBase(): void {
    if (this.view !== null && this.view.synced !== this.versionCounter.value) this.engine.refreshView(this, this.view);
  }

  /** The leaf's gradient sink, made on first use. */
  accumulator(): AccumulateGrad {
    this.accumulatorNode ??= new AccumulateGrad(this);
    return this.accumulatorNode;
  }

  /** Makes this tensor the output of `node` (counted, so the graph lives while the tensor does). */
  attachGradFn(node: GradNode): void {
    node.retain();
    this.gradFn = node;
    this.gradFnCounted = true;
  }

  /** A new tensor sharing this one's memory, cut from the graph: `detach()`. */
  detach(): Tensor {
    if (this.view !== null) {
      const of = this.view;
      const detached = new Tensor(this.engine, this.liveStorage().retain(), this.shape, this.dtype);
      detached.becomeView(this, () => of.layout, 'detach');
      return this.engine.adopt(detached);
    }
    const view = new Tensor(this.engine, this.liveStorage().retain(), this.shape, this.dtype, this.versionCounter);
    view.memoryStrides = this.memoryStrides;
    this.aliases ??= new Set([this]);
    this.aliases.add(view);
    view.aliases = this.aliases;
    return this.engine.adopt(view);
  }

  /**
   * `x.data = y` for a `y` that is no view (PyTorch's set_data): a tensor over y's memory, so that a
   * write through either reaches the other, counting versions with `keeper`'s counter, as x keeps
   * its own (shared with its earlier `detach()`es, which keep x's old memory).
   */
  sharingMemoryCountedBy(keeper: Tensor): Tensor {
    const alias = new Tensor(this.engine, this.liveStorage().retain(), this.shape, this.dtype, keeper.versionCounter);
    alias.memoryStrides = this.memoryStrides;
    this.aliases ??= new Set([this]);
    this.aliases.add(alias);
    alias.aliases = this.aliases;
    return this.engine.adopt(alias);
  }

  /** Where this tensor's elements lie in its base's memory (its own, for a tensor that is no view). */
  get layout(): Layout {
    if (this.view !== null) return this.view.layout;
    return this.memoryStrides === null ? contiguousLayout(this.shape) : { offset: 0, strides: this.memoryStrides };
  }

  /**
   * Makes this tensor, just made from `input` by a view op, a view of input's base whose layout
   * `layout` computes from input's, sharing the base's version counter as PyTorch's views do.
   */
  becomeView(input: Tensor, layout: (from: Layout) => Layout, creation: ViewCreation): void {
    const base = input.view?.base ?? input;
    const version = base.versionCounter.value;
    this.view = { base, layout: layout(input.layout), creation: input.view?.creation === 'detach' ? 'detach' : creation, madeAt: version, synced: version };
    this.versionCounter = base.versionCounter;
    base.viewers ??= { count: 0, disposed: false };
    base.viewers.count++;
  }

  /**
   * A view made under no_grad, of a tensor that requires grad, whose base changed in place since:
   * PyTorch refuses it any use that reaches its grad_fn (an op under grad mode, `.grad_fn`,
   * printing it), as whether that change belongs to its graph is ambiguous.
   */
  get isRebasedNoGradView(): boolean {
    const of = this.view;
    return of !== null && of.creation === 'no_grad' && of.madeAt !== this.versionCounter.value && of.base.requiresGrad;
  }

  /** A view takes the values (and the grad_fn, where one was recorded) its base holds for it now, at the base's version. */
  takeViewValue(fresh: Tensor): void {
    const next = fresh.liveStorage().retain();
    this.storage?.release();
    this.storage = next;
    if (fresh.gradFn) this.replaceGradFn(fresh.gradFn);
  }

  /**
   * Takes `fresh`'s value, keeping this tensor's grad_fn: a reduction just made, whose value the
   * torch ops computed again in the order PyTorch's CPU kernel adds (torch_sum_order.ts).
   */
  takeValue(fresh: Tensor): void {
    const next = fresh.liveStorage().retain();
    this.storage?.release();
    this.storage = next;
  }

  /**
   * Puts `values` in place of this tensor's, just made, for its saved aliases too (a tape node that
   * saved the result reads them): the torch ops computed the value again as PyTorch's CPU kernel
   * does (torch_cpu_unary.ts, torch_softmax_order.ts).
   */
  replaceValues(values: ArrayLike<number>): void {
    this.liveStorage().replace(this.engine.backend.upload(values, this));
  }

  /** The alias a tape node keeps: same memory and version counter, same grad_fn, tracked by no scope. */
  aliasForSave(withGradFn: boolean): Tensor {
    const alias = new Tensor(this.engine, this.liveStorage().retain(), this.shape, this.dtype, this.versionCounter);
    if (withGradFn && this.gradFn) alias.attachGradFn(this.gradFn);
    alias.leafRequiresGrad = this.leafRequiresGrad;
    alias.accumulatorNode = this.isLeaf && this.leafRequiresGrad ? this.accumulator() : null;
    return alias;
  }

  /**
   * The value as it is now, as a tensor of its own that in-place ops will not touch: an in-place
   * op computes from this, so the node it records does not see its own write as a stale input.
   */
  snapshot(): Tensor {
    const copy = this.aliasForSave(true);
    return new Tensor(this.engine, copy.liveStorage().retain(), this.shape, this.dtype, { value: 0 }).adoptGraphOf(copy);
  }

  private adoptGraphOf(source: Tensor): Tensor {
    if (source.gradFn) this.attachGradFn(source.gradFn);
    this.leafRequiresGrad = source.leafRequiresGrad;
    this.accumulatorNode = source.accumulatorNode;
    source.releaseAll();
    return this;
  }

  /** The saved output viewed as the node's output again, for a create_graph backward; not counted, to avoid a cycle. */
  withGradFnUncounted(node: OpNode): Tensor {
    // NB: a freed output still serves rules that only read its shape; reading its data raises PyTorch's error.
    const storage = this.storage === null && this.freedAsSaved ? null : this.liveStorage().retain();
    const view = new Tensor(this.engine, storage, this.shape, this.dtype, this.versionCounter);
    view.freedAsSaved = storage === null;
    view.gradFn = node;
    view.shareTangentOf(this);
    return this.engine.adopt(view);
  }

  /**
   * Takes an alias of `source`'s tangent (a tape node's saved copy keeps its original's, as
   * PyTorch's SavedVariable keeps the forward grad). `uncounted`: the alias does not hold the
   * tangent's grad_fn, for a node's saved output, whose tangent's graph holds the node (a cycle).
   */
  shareTangentOf(source: Tensor, uncounted = false): void {
    if (source.duals.length === 0 || this.duals.length > 0) return;
    this.duals = source.duals.map(({ level, tangent: original }) => {
      const tangent = original.aliasForSave(!uncounted);
      if (uncounted) tangent.gradFn = original.gradFn;
      // A tangent at an inner level carries its own tangents at the outer ones.
      tangent.shareTangentOf(original, uncounted);
      return { level, tangent };
    });
  }

  private disposeTangents(): void {
    for (const d of this.duals) d.tangent.dispose();
    this.duals = NO_DUALS;
  }

  freeAsSaved(): void {
    if (this.storage === null) return;
    this.freedAsSaved = true;
    this.releaseAll();
    this.disposeTangents();
  }

  /** Frees this tensor's hold on its memory and on the graph behind it. */
  dispose(): void {
    if (this.storage === null) return;
    if (this.viewers !== null) {
      this.viewers.disposed = true;
      return;
    }
    this.releaseAll();
    if (this.grad && !this.grad.disposed) this.grad.dispose();
    this.disposeTangents();
  }

  item(): number {
    if (this.size !== 1) {
      throw new RangeError(`a Tensor with ${this.size} elements cannot be converted to Scalar`);
    }
    return this.engine.backend.readSync(this.array)[0];
  }

  /** The values, row-major, in a fresh typed array of this dtype. */
  dataSync(): AnyTypedArray {
    return this.engine.backend.readSync(this.array);
  }

  async data(): Promise<AnyTypedArray> {
    return this.engine.backend.read(this.array);
  }

  /** Nested lists as `.tolist()` gives them (a number for a 0-d tensor; booleans for bool). */
  tolist(): NestedList {
    const data = Array.from(this.dataSync(), (v) => (this.dtype === 'bool' ? v !== 0 : v));
    const build = (axis: number, offset: number): NestedList => {
      if (axis === this.shape.length) return data[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    this.engine.backward([this], gradient ? [gradient] : undefined, options);
  }

  retainGrad(): void {
    if (!this.requiresGrad) throw new AutogradError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn) {
      this.retainsGrad = true;
      this.gradFn.retainedBy = this;
    }
  }

  /**
   * `x.data = y` on a computed tensor: this tensor (y's value) takes x's place in the graph, its
   * grad_fn and its retain_grad; the backward fits what reaches that grad_fn to the output it recorded.
   */
  takeGraphPlaceOf(old: Tensor): void {
    if (!old.gradFn) return;
    this.attachGradFn(old.gradFn);
    if (old.retainsGrad && old.gradFn.retainedBy === old) {
      old.retainsGrad = false;
      this.retainsGrad = true;
      old.gradFn.retainedBy = this;
    }
  }

  /** Undoes `retainGrad` (the editor keeps only a loop's last tensor's gradient); the gradient held is dropped. */
  releaseRetainedGrad(): void {
    if (!this.retainsGrad) return;
    this.retainsGrad = false;
    if (this.gradFn?.retainedBy === this) this.gradFn.retainedBy = null;
    this.setGrad(null);
  }

  /**
   * Replaces this tensor's value by `result`'s (an in-place op computed out of place), taking its
   * grad_fn too, and bumps the version so saved copies of the old value are detected as stale.
   */
  assignInPlace(result: Tensor): this {
    if (this.isLeaf && this.leafRequiresGrad && this.engine.gradEnabled) {
      throw new AutogradError('a leaf Variable that requires grad is being used in an in-place operation.');
    }
    if (result.dtype !== this.dtype || !shapeEq(result.shape, this.shape)) {
      throw new RangeError(`in-place result ${result.dtype}${formatShape(result.shape)} does not fit a tensor of ${this.dtype}${formatShape(this.shape)}`);
    }
    const old = this.storage;
    const next = result.liveStorage();
    this.storage = next.retain();
    old?.release();
    // Its detached views held the old memory: they see the new value too.
    for (const view of this.aliases ?? []) {
      if (view === this || old === null || view.storage !== old) continue;
      view.storage = next.retain();
      old.release();
    }
    if (result.gradFn) {
      this.replaceGradFn(result.gradFn);
    }
    this.versionCounter.value++;
    // The node that made the value saved it as its output: what it checks is now this tensor, at this version.
    if (result.gradFn instanceof OpNode) result.gradFn.outputBecame(result.versionCounter, this.savedVersion('output'));
    return this;
  }

  /** The gradient a leaf receives: owned by the leaf from now on, freed with it. */
  setGrad(grad: Tensor | null): void {
    if (this.grad && this.grad !== grad) this.grad.dispose();
    if (grad) this.engine.disown(grad);
    this.grad = grad;
  }

  /** Makes `node` this tensor's grad_fn in place of the one it had (a custom Function's `mark_dirty`). */
  replaceGradFn(node: GradNode): void {
    const previous = this.gradFnCounted ? this.gradFn : null;
    this.attachGradFn(node);
    previous?.release();
  }

  /**
   * The value as it is now, kept alive until `release` (also past this tensor's disposal or a later
   * in-place op, which computes into new memory): how the editor reads what a line assigned once the run ends.
   */
  holdValue(): { readonly array: DeviceArray; release(): void } {
    const storage = this.liveStorage().retain();
    let held = true;
    return {
      array: storage.array,
      release() {
        if (held) storage.release();
        held = false;
      },
    };
  }

  private liveStorage(): Storage {
    void this.array;
    return this.storage as Storage;
  }

  private releaseAll(): void {
    if (this.view !== null) {
      const base = this.view.base;
      this.view = null;
      const viewers = base.viewers as { count: number; disposed: boolean };
      if (--viewers.count === 0) {
        base.viewers = null;
        if (viewers.disposed) base.dispose();
      }
    }
    this.aliases?.delete(this);
    this.aliases = null;
    this.storage?.release();
    this.storage = null;
    if (this.gradFnCounted) {
      this.gradFnCounted = false;
      this.gradFn?.release();
    }
  }
}

const avalOf = (t: Tensor): AbstractValue => ({ shape: t.shape, dtype: t.dtype });

/** A scope's list is compacted from this length on (engine.ts). */
export const COMPACT_SCOPE_AT = 1024;

/**
 * The tensors an engine's tidy scope frees when it ends, unless they are kept (engine.ts). NB: a
 * plain list, each tensor naming its scope: one runs around every torch op, where Sets (made,
 * filled, looked up) cost more than a small op's kernel.
 */
export class TidyScope {
  readonly tensors: Tensor[] = [];
  /** The length at which the list is next compacted. */
  compactAt = COMPACT_SCOPE_AT;
}

/** A torch-level function built from several primitives, shown as one box in the viewer. */
export interface OpGroup {
  readonly id: number;
  readonly name: string;
}

let nextNodeId = 1;

/** The id the next node made will have: the nodes made after this moment have ids from it on. */
export function nodesMadeFrom(): number {
  return nextNodeId;
}

/**
 * Where `t`'s gradient flows: its grad_fn, its AccumulateGrad when it is a leaf that requires grad,
 * else nowhere (also from a no_grad view of a tensor that requires grad, as in PyTorch).
 */
export function gradEdge(t: Tensor): GradNode | null {
  return t.gradFn ?? (t.accumulatesGrad ? t.accumulator() : null);
}

/**
 * The edges leaving the steps recorded since node id `first` that `node` reaches, first reached
 * first and each once: the inputs of the one op those steps make up. An AccumulateGrad (a leaf's)
 * is outside whenever it was made.
 */
export function edgesLeaving(node: GradNode, first: number): GradNode[] {
  const found: GradNode[] = [];
  const seen = new Set<GradNode>();
  const walk = (n: GradNode): void => {
    for (const e of n.next) {
      if (e === null || seen.has(e)) continue;
      seen.add(e);
      if (e.id >= first && !(e instanceof AccumulateGrad)) walk(e);
      else found.push(e);
    }
  };
  walk(node);
  return found;
}

/** Nodes whose last reference went away, freed one after another by `OpNode.release`. */
const dying: OpNode[] = [];
let draining = false;

/** A node of the autograd tape: PyTorch's `grad_fn`. */
export abstract class GradNode {
  readonly id = nextNodeId++;
  /** PyTorch's node name (`MulBackward0`); a torch-level function renames the node of its last step. */
  abstract name: string;
  /** The torch-level function whose steps recorded this node, for the viewer. */
  group: OpGroup | null = null;
  /** Set when a non-leaf tensor asked for `.retain_grad()`. */
  retainedBy: Tensor | null = null;
  /**
   * The hooks of the tensor this node makes (`register_hook`; a leaf's are on its AccumulateGrad),
   * by handle id, in registration order: each gets the gradient the last returned.
   */
  readonly hooks = new Map<number, (g: Tensor) => Tensor>();
  /** The source span of the call that recorded it. */
  abstract readonly span: SourceSpan | null;
  /** The node each input's gradient flows to; null where that input needs none. */
  abstract readonly next: readonly (GradNode | null)[];
  /**
   * Where the node stands for a function PyTorch runs as one op but Gradlens records in several
   * steps (a loss, softmax, relu): the edges of that op's inputs, which `grad_fn.next_functions`
   * shows instead of the last step's own. Null where `next` is what PyTorch has.
   */
  shownNext: readonly (GradNode | null)[] | null = null;
  abstract retain(): void;
  abstract release(): void;
}

/** Where a leaf tensor's gradient lands: PyTorch's `AccumulateGrad`. */
export class AccumulateGrad extends GradNode {
  name = 'AccumulateGrad';
  readonly next = [];
  readonly span = null;
  constructor(readonly leaf: Tensor) {
    super();
  }
  // It holds no memory of its own, so it needs no count.
  retain(): void {}
  release(): void {}
}

/**
 * One recorded primitive. It keeps aliases of its inputs and output for its VJP; after a
 * backward without `retain_graph` those are freed, and a rule that then needs their data raises
 * PyTorch's "backward through the graph a second time" error.
 */
export class OpNode<P extends Primitive = Primitive> extends GradNode {
  private refs = 0;
  private savedFreed = false;

  constructor(
    public name: string,
    readonly prim: P,
    readonly params: ParamsOf<P>,
    readonly next: readonly (GradNode | null)[],
    readonly savedInputs: readonly Tensor[],
    /** The output without its grad_fn (that would be a cycle); `outputFor` restores it. */
    private readonly savedOutput: Tensor,
    readonly span: SourceSpan | null,
    /** What PyTorch's node for this op saves (saved_tensors.ts), as it was then: backward raises if one changed in place. */
    private saved: readonly SavedVersion[],
  ) {
    super();
    for (const n of next) n?.retain();
  }

  /**
   * The shape and dtype of each input and of the output when recorded (the saved aliases keep
   * them, whatever an `x.data = y` did to the tensors since), as plain values for the viewer.
   */
  get inputAvals(): readonly AbstractValue[] {
    return this.savedInputs.map(avalOf);
  }

  get outputAval(): AbstractValue {
    return avalOf(this.savedOutput);
  }

  /** The output's shape and dtype when recorded, what the gradient it receives must have (no copy: read once per edge in a backward). */
  get recordedOutput(): AbstractValue {
    return this.savedOutput;
  }

  get savedVersions(): readonly SavedVersion[] {
    return this.saved;
  }

  /** A torch-level function's last node checks what PyTorch's one node for the whole function saves (engine.composite). */
  checkSaved(saved: readonly SavedVersion[]): void {
    this.saved = saved;
  }

  /** An in-place op moved this node's output (counted by `was`) into another tensor: the output checked is that one, as `now`. */
  outputBecame(was: VersionCounter, now: SavedVersion): void {
    const at = this.saved.findIndex((s) => s.input === null && s.counter === was);
    if (at >= 0) this.saved = this.saved.map((s, i) => (i === at ? now : s));
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs > 0) return;
    dying.push(this);
    if (draining) return;
    // NB: a worklist, not recursion: freeing the tape of a long Python loop would overflow the JS stack.
    draining = true;
    try {
      for (let node = dying.pop(); node; node = dying.pop()) node.die();
    } finally {
      draining = false;
    }
  }

  private die(): void {
    this.freeSaved();
    for (const n of this.next) n?.release();
  }

  get hasFreedSaved(): boolean {
    return this.savedFreed;
  }

  /** The saved output, linked back to this node so a create_graph backward can differentiate through it. */
  outputFor(): Tensor {
    return this.savedOutput.withGradFnUncounted(this);
  }

  /**
   * Forward over reverse: the saved tensors carry the tangents of the tensors they stand for, so a
   * backward run inside the dual level computes the tangents of the gradients (a Hessian-vector product).
   */
  keepTangents(inputs: readonly Tensor[], output: Tensor): void {
    inputs.forEach((t, i) => this.savedInputs[i].shareTangentOf(t));
    this.savedOutput.shareTangentOf(output, true);
  }

  freeSaved(): void {
    if (this.savedFreed) return;
    this.savedFreed = true;
    for (const t of this.savedInputs) t.freeAsSaved();
    this.savedOutput.freeAsSaved();
    this.saved = [];
  }
}
