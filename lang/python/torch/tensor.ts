/**
 * The Python `torch.Tensor`, a host object over one eager tensor, and the per-run state its
 * tensors share (TorchRuntime): the eager engine it drives, the Python wrapper of each eager
 * tensor (one per tensor, so `x.grad is x.grad`), the random generator, and the bridge that every
 * op crosses: the source span for the tape, the byte budget, and runtime errors turned into the
 * Python exceptions PyTorch raises. What a tensor does as a Python object (operators, named
 * methods, indexing) is its runtime's TensorBehaviour, so this file imports none of them.
 */
import { TorchGenerator, bytesOf, sizeOf, withInterrupt, type AbstractValue, type Shape, type OpScope, type SourceSpan } from '../../../runtime/core';
import { elementwiseStrides, permuteLayout, REBASED_NO_GRAD_VIEW_MESSAGE, tangentAt, TorchOps, type EagerEngine, type GradNode, type Tensor } from '../../../runtime/eager';
import { bindArgs, pyError, HostObject, hostType, opFunction, PyBuiltin, PyTuple, PyType, type BinaryOp, type CompareOp, type HostArrayData, type HostContext, type UnaryOp, type Kwargs, type PyValue, formatValue, truthy, typeName } from '../interpreter';
import { CPU } from './device';
import { DTYPES, ITEM_SIZE, STORAGE, TorchDType, isFloating, type TorchDTypeName } from './dtype';
import { checkIntegers, describe, translate } from './errors';
import { DEFAULT_PRINT_OPTIONS, itemStr, tensorRepr, type PrintOptions } from './print';
import { noteCut, noteDetach, refuseAutograd, refuseValue } from './jit_refusals';
import { TorchSize } from './size';
import { ALLOWED_ON_UNINITIALIZED, binaryMethodName, compareMethodName, inplaceMethodName, tensorMethodName, uninitializedShape, uninitializedUse } from './uninitialized';
import { StagedArray } from '../../../runtime/jit';

/** The seed a run starts from when the script never calls `torch.manual_seed`. */
const DEFAULT_SEED = 0x5eedn;

/** A tensor method: the tensor and the Python call's arguments. */
export type Method = (self: PyTensor, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/** What a tensor does as a Python object, gathered in tensor_behaviour.ts over the files that implement it. */
export interface TensorBehaviour {
  /** Named methods (`x.sum()`), by name. */
  readonly methods: Readonly<Record<string, Method>>;
  /** `torch.Tensor(...)`. */
  construct(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue;
  binary(op: BinaryOp, x: PyTensor, other: PyValue, reflected: boolean): PyValue;
  inplace(op: BinaryOp, x: PyTensor, other: PyValue): PyValue;
  compare(op: CompareOp, x: PyTensor, other: PyValue): PyValue;
  contains(x: PyTensor, item: PyValue): PyValue;
  /** `~x`. */
  invert(x: PyTensor): PyValue;
  getIndex(x: PyTensor, index: PyValue, ctx: HostContext, name?: string): PyTensor;
  setIndex(x: PyTensor, index: PyValue, value: PyValue, ctx: HostContext): void;
  /** `x.grad_fn`: the Python object for a tape node. */
  gradFn(node: GradNode | null): PyValue;
}

/** How often the engine's guard reads the clock: a small op takes about a microsecond, a large one about a nanosecond a byte. */
const CLOCK_EVERY_OPS = 32;
const CLOCK_EVERY_BYTES = 1 << 20;

export class TorchRuntime {
  readonly torch: TorchOps;
  /** The default generator (`torch.default_generator`). */
  readonly rng = new TorchGenerator(DEFAULT_SEED);
  /** Tensors wrapped during the current op, which its tidy scope must keep. */
  private readonly created: Tensor[] = [];
  private depth = 0;
  /** Where the script's statements keep their tensors: the scope open when the outermost op began. */
  private scriptScope: ReturnType<EagerEngine['innermostScope']> = null;
  /** Python tensors wrapped while a composite op runs (`composite`), innermost; null outside one. */
  private madeInComposite: PyTensor[] | null = null;
  private readonly checkClock = (): void => this.ctx.checkClock();
  /** The ops and bytes guarded since the guard last read the clock. */
  private opsSinceClock = 0;
  private bytesSinceClock = 0;
  private lastSpan: HostContext['span'] | null = null;
  private lastSourceSpan: SourceSpan | null = null;
  private lastScope: OpScope | null = null;
  /** The script's grad mode when the current torch op began (its own steps may turn grad off inside). */
  gradModeAtOp = true;

  /**
   * `torch.from_numpy(a)` and `t.numpy()` share memory in PyTorch; where Gradlens cannot keep the
   * two copies equal (numpy_bridge.ts), the tensor refuses in-place changes, which PyTorch would
   * show in the array too.
   */
  sharesWithNumpy(t: PyTensor, how: string): void {
    this.engine.sharesMemory.set(t.t, `this tensor shares its memory with a NumPy array in PyTorch (${how}); Gradlens keeps the two as copies, `
      + 'so an in-place change would not reach the array: change a .clone() of the tensor instead');
  }

  /** The run's `numpy` module, where the run has one: `Tensor.numpy()` makes its arrays there. */
  numpyModule: (() => PyValue) | null = null;

  /** What torch.set_printoptions set for this run. */
  printOptions: PrintOptions = { ...DEFAULT_PRINT_OPTIONS };

  /** `torch.Tensor`, one per run: `torch.Tensor([1, 2])` makes float32 tensors with this run's engine. */
  readonly tensorType: PyType;
  /** `torch.nn.Parameter`, a Tensor subclass; torch.nn gives it its constructor. */
  readonly parameterType: PyType;

  constructor(
    readonly engine: EagerEngine,
    readonly ctx: HostContext,
    /** What its tensors do as Python objects (tensor_behaviour.ts). */
    readonly behaviour: TensorBehaviour,
  ) {
    this.torch = new TorchOps(engine, (x) => engine.backend.name !== 'webgpu' && !(x.array instanceof StagedArray));
    this.tensorType = hostType('Tensor', 'torch', (args, kwargs, c) => behaviour.construct(this, args, kwargs, c));
    this.parameterType = new PyType('Parameter', { module: 'torch.nn.parameter', bases: [this.tensorType] });
  }

  get ops() {
    return this.engine.ops;
  }

  /**
   * Runs one torch-level operation for the script: its tape nodes carry the source line being
   * evaluated, and what the runtime throws becomes the exception PyTorch would raise.
   */
  run<R>(fn: () => R): R {
    const span = this.ctx.span;
    const scope = this.ctx.opScope;
    // NB: one SourceSpan per source span and scope, not per op: a loop's ops share their line's.
    if (span !== this.lastSpan || scope !== this.lastScope) {
      this.lastSpan = span;
      this.lastScope = scope;
      this.lastSourceSpan = scope === null
        ? { file: this.ctx.file, line: span.line, column: span.col, endLine: span.endLine, endColumn: span.endCol }
        : { file: this.ctx.file, line: span.line, column: span.col, endLine: span.endLine, endColumn: span.endCol, scope };
    }
    this.engine.span = this.lastSourceSpan;
    const mark = this.created.length;
    const guard = this.engine.guard;
    if (this.depth === 0) {
      this.scriptScope = this.engine.innermostScope();
      this.gradModeAtOp = this.engine.gradEnabled;
      this.engine.guard = this.guard;
    }
    this.depth++;
    // The op's intermediates (coerced scalars, the steps of a composite) are freed at once; only
    // tensors handed to Python live on, until the run ends; an op that fails frees all it made.
    // A long kernel checks the script's clock between its chunks.
    const outermost = this.depth === 1;
    const tidy = this.engine.openTidy();
    let result: R;
    try {
      result = outermost ? withInterrupt(this.checkClock, fn) : fn();
    } catch (error) {
      this.engine.abandonTidy(tidy);
      this.leave(guard);
      throw translate(error);
    }
    this.engine.closeTidy(tidy, result, this.created, mark);
    this.leave(guard);
    return result;
  }

  /**
   * Runs Python code that backward calls (a tensor hook, a custom Function's backward, a module's
   * backward hook): every tensor it hands to Python lives on in the script's scope, as the script's
   * own tensors do, so one a hook keeps (`stash.append(g.clone())`) reads as PyTorch's after backward.
   */
  scriptCallback<R>(fn: () => R): R {
    const mark = this.created.length;
    const result = fn();
    for (let i = mark; i < this.created.length; i++) this.engine.adoptInto(this.scriptScope, this.created[i]);
    return result;
  }

  private leave(guard: EagerEngine['guard']): void {
    if (--this.depth === 0) {
      this.created.length = 0;
      this.engine.guard = guard;
    }
  }

  /**
   * Asked by the engine before each array an op makes (a broadcast result, an expand, a matmul
   * output, a gradient): one that would not fit beside the tensors the script holds is refused
   * before it exists, and a long run of ops checks the clock between them.
   */
  private readonly guard = (aval: AbstractValue, what: string): void => {
    const bytes = bytesOf(aval);
    // NB: not before every op: reading the clock cost 0.5 µs on this benchmark machine's virtual
    // clock, a third of a small op; every CLOCK_EVERY_OPS ops or CLOCK_EVERY_BYTES made, whichever first.
    this.bytesSinceClock += bytes;
    if (++this.opsSinceClock >= CLOCK_EVERY_OPS || this.bytesSinceClock >= CLOCK_EVERY_BYTES) {
      this.opsSinceClock = 0;
      this.bytesSinceClock = 0;
      this.ctx.checkClock();
    }
    // Checked, not kept: `wrap` charges the tensors that Python gets; an op's intermediates are freed with it.
    this.ctx.allocate(bytes, () => describe(aval, what));
    this.ctx.release(bytes);
  };

  /** Tensors the script made some tensor's `.grad` (`b.grad = a.grad`): another owner may hold them. */
  readonly gradsSetByScript = new WeakSet<Tensor>();

  /**
   * `x.grad = None` (or another tensor) let go of `grad`: freed now where nothing else reaches it
   * (Python let go of its tensor object or never had one, and the script never made it a `.grad`
   * itself), as PyTorch frees it; otherwise the run's tidy scope frees it when the run ends (a name
   * may hold it: `g = x.grad`). NB: a training loop that sets its gradients to None kept every
   * step's until the run ended, which made each garbage collection copy them again (W4 about 30% slower).
   */
  letGoOfGrad(grad: Tensor): void {
    const w = grad.frontendObject;
    if ((w instanceof PyTensor && !w.unreferenced) || this.gradsSetByScript.has(grad)) {
      this.engine.adopt(grad);
      return;
    }
    // NB: charged when its tensor object was made (wrap), released here as collect would.
    if (w instanceof PyTensor) this.ctx.release(w.numel * ITEM_SIZE[w.dtype]);
    grad.dispose();
  }

  /**
   * The Python tensor for an eager tensor; new tensors are charged to the run's byte budget. An
   * integer result the runtime made as int32 (argmax, an index) becomes the int64 PyTorch gives.
   */
  wrap(t: Tensor, dtype?: TorchDTypeName): PyTensor {
    // NB: torch's tensors are never uint32 or keys (only jax.random makes those).
    const logical = dtype ?? (t.dtype as TorchDTypeName);
    if (t.dtype !== STORAGE[logical]) t = this.ops.convert(t, STORAGE[logical]);
    const known = t.frontendObject;
    if (known instanceof PyTensor && known.rt === this) {
      known.unreferenced = false;
      return known;
    }
    this.ctx.allocate(sizeOf(t.shape) * ITEM_SIZE[logical]);
    const w = new PyTensor(this, t, logical);
    t.frontendObject = w;
    if (this.depth > 0) this.created.push(t);
    this.madeInComposite?.push(w);
    return w;
  }

  /**
   * Runs an op made of other ops that each hand back a Python tensor (`linear`'s `w.t()` and
   * `x @ w.t()` before the bias): those it made and does not return are freed as it returns, as
   * PyTorch frees them, where Python never sees them and nothing would. NB: only for ops that
   * store none of them (not an optimizer's step, which keeps its state). A tuple result keeps its
   * tensors (attention's output and weights).
   */
  composite<R extends PyValue>(fn: () => R): R {
    const outer = this.madeInComposite;
    const made: PyTensor[] = [];
    this.madeInComposite = made;
    let out: R;
    try {
      out = fn();
    } finally {
      this.madeInComposite = outer;
    }
    const kept: readonly PyValue[] = out instanceof PyTuple ? out.items : [out];
    for (const t of made) if (!kept.includes(t)) t.collect();
    // NB: an op inside another's: its result is one of the outer op's steps.
    if (outer !== null) for (const t of kept) if (t instanceof PyTensor && made.includes(t)) outer.push(t);
    return out;
  }

  /** Wraps an op's result: an int32 one is int64 unless its inputs were int32 (a bool's arithmetic gives int64). */
  result(t: Tensor, inputs: readonly PyTensor[]): PyTensor {
    if (t.dtype !== 'int32') return this.wrap(t);
    return this.wrap(t, inputs.some((x) => x.dtype === 'int32') && !inputs.some((x) => x.dtype === 'int64') ? 'int32' : 'int64');
  }

  /** Checks the byte budget before a tensor of this shape is made, so a huge one fails first. */
  charge(shape: Shape, dtype: TorchDTypeName): void {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw pyError('RuntimeError', `Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
    }
    const bytes = sizeOf(shape) * ITEM_SIZE[dtype];
    // Charged and returned at once: `wrap` charges the tensor for good once it exists.
    this.ctx.allocate(bytes, `a ${dtype} tensor of size [${shape.join(', ')}]`);
    this.ctx.release(bytes);
  }

  fromValues(values: ArrayLike<number>, shape: Shape, dtype: TorchDTypeName): PyTensor {
    this.charge(shape, dtype);
    checkIntegers(values, dtype);
    return this.wrap(this.engine.fromValues(values, shape, STORAGE[dtype]), dtype);
  }

  scalar(value: number, dtype: TorchDTypeName): Tensor {
    return this.engine.scalar(value, STORAGE[dtype]);
  }

  /** A tensor stored as `dtype`'s storage, converted when needed. */
  convert(t: Tensor, dtype: TorchDTypeName): Tensor {
    return this.ops.convert(t, STORAGE[dtype]);
  }
}

export class PyTensor extends HostObject {
  private tensor: Tensor;
  private logicalDType: TorchDTypeName;

  constructor(
    readonly rt: TorchRuntime,
    t: Tensor,
    dtype: TorchDTypeName,
  ) {
    super();
    this.tensor = t;
    this.logicalDType = dtype;
  }

  /** The eager tensor: the same for the tensor's life, unless its data is set (`setData`). */
  get t(): Tensor {
    return this.tensor;
  }

  /** The dtype PyTorch reports, which t stores (STORAGE). */
  get dtype(): TorchDTypeName {
    return this.logicalDType;
  }

  /**
   * PyTorch's set_data (`x.data = y`, and how Module.double()/to() convert a parameter): x stays
   * the same Python object, with its requires_grad and .grad, over `value`'s memory, shape and
   * dtype, so an optimizer or a name that holds x sees the change. `value` is a detached tensor of the run.
   */
  setData(value: Tensor, dtype: TorchDTypeName): void {
    const old = this.tensor;
    if (old.requiresGrad && !isFloating(dtype)) throw pyError('RuntimeError', 'data set to a tensor that requires gradients must be floating point or complex dtype');
    if (old.duals.length > 0) throw pyError('NotImplementedError', 'setting .data of a dual tensor (forward-mode AD) to another dtype or shape is not supported by Gradlens');
    old.dataMoved = true;
    if (old.isLeaf) value.requiresGrad = old.requiresGrad;
    else value.takeGraphPlaceOf(old);
    value.grad = old.grad;
    old.grad = null;
    old.frontendObject = null;
    value.frontendObject = this;
    this.rt.ctx.allocate(sizeOf(value.shape) * ITEM_SIZE[dtype]);
    this.rt.ctx.release(this.numel * ITEM_SIZE[this.dtype]);
    this.tensor = value;
    this.logicalDType = dtype;
  }

  /**
   * PyTorch's in-place view ops (`h.t_()`, `h.unsqueeze_(0)`, `h.detach_()`, `h.resize_(n)`): h stays
   * the same Python object over `value`, which the op made from h's tensor (so a non-leaf's grad_fn
   * is the op's node, whose input is h as it was).
   */
  becomeView(value: Tensor): void {
    const old = this.tensor;
    old.frontendObject = null;
    value.frontendObject = this;
    this.rt.ctx.allocate(sizeOf(value.shape) * ITEM_SIZE[this.dtype]);
    this.rt.ctx.release(this.numel * ITEM_SIZE[this.dtype]);
    this.tensor = value;
  }

  /** Set on the tensors `nn.Parameter` makes: their type is Parameter, and they print as one. */
  isParameter = false;

  /**
   * Set while the tensor is an nn.UninitializedParameter or UninitializedBuffer (a lazy module's,
   * before its first forward): that type, which refuses what PyTorch's refuses, until `materialize`.
   */
  uninitialized: PyType | null = null;

  /**
   * Set when Python let go of this object while its tensor's owner (a leaf's `.grad`) kept the
   * tensor; cleared when Python gets it again (`wrap`). See TorchRuntime.letGoOfGrad.
   */
  unreferenced = false;

  get pyType() {
    return this.uninitialized ?? (this.isParameter ? this.rt.parameterType : this.rt.tensorType);
  }

  /** UninitializedTensorMixin.materialize: empty memory of `shape` (the values reset_parameters draws), and the type it becomes. */
  materialize(shape: readonly number[], dtype: TorchDTypeName = this.dtype): void {
    const rt = this.rt;
    this.setData(rt.run(() => rt.engine.withGradMode(false, () => rt.ops.full(shape, 0, STORAGE[dtype]))), dtype);
    this.uninitialized = null;
  }

  /** PyTorch's refusal where this tensor or `other` is uninitialized; `what` names the function the operation runs. */
  private refuseUninitialized(other: PyValue, what: () => string): void {
    const lazy = this.uninitialized ?? (other instanceof PyTensor ? other.uninitialized : null);
    if (lazy !== null) throw uninitializedUse(lazy.name, what());
  }

  override get collectable(): boolean {
    return true;
  }

  /**
   * Frees the tensor as PyTorch does when its last name goes (`x = torch.zeros(n)` in a loop, a
   * model's weight as the model goes), unless it retains its grad or a tidy scope of the run does
   * not hold it (an owner outside Python does). The tape keeps what it saved on its own, and a
   * backward through a graph that outlives a leaf skips the leaf (nothing can read its `.grad`).
   */
  override collect(): boolean {
    const t = this.t;
    if (t.disposed || t.retainsGrad || !this.rt.engine.owns(t)) {
      this.unreferenced = true;
      return false;
    }
    // A leaf's gradient goes with it, unless Python may still hold it (`g = w.grad`).
    const grad = t.grad;
    if (grad !== null) {
      t.grad = null;
      this.rt.letGoOfGrad(grad);
    }
    this.rt.engine.disown(t);
    t.dispose();
    this.rt.ctx.release(this.numel * ITEM_SIZE[this.dtype]);
    return true;
  }

  get shape(): readonly number[] {
    return this.t.shape;
  }

  get numel(): number {
    return sizeOf(this.t.shape);
  }

  /** The values as doubles, row-major; reading a traced tensor's (`what`: bool, item, float, int, str) is refused. */
  values(what = 'str'): number[] {
    refuseValue(this.t, what, this.rt.ctx);
    return this.rt.run(() => Array.from(this.t.dataSync()));
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const rt = this.rt;
    // A view's grad_fn follows in-place changes of its base, as PyTorch regenerates it on access.
    if (this.t.view !== null && (name === 'grad_fn' || name === 'requires_grad' || name === 'is_leaf')) rt.run(() => this.t.catchUpWithBase());
    if (this.uninitialized !== null) {
      const lazy = this.uninitializedAttr(name);
      if (lazy !== undefined) return lazy;
    }
    switch (name) {
      case 'grad':
        refuseAutograd(this.t, '.grad', ctx);
        // NB: the gradient's own dtype: it stays as it was when `x.data = y` changed x's.
        return this.t.grad ? rt.wrap(this.t.grad, this.t.grad.dtype === 'float64' ? 'float64' : this.t.grad.dtype === 'float32' ? 'float32' : this.dtype) : null;
      case 'grad_fn':
        refuseRebasedNoGradView(this);
        return rt.behaviour.gradFn(this.t.gradFn);
      case 'requires_grad':
        return this.t.requiresGrad;
      case 'is_leaf':
        return this.t.isLeaf;
      case 'shape':
        return new TorchSize(this.shape);
      case 'ndim':
        return BigInt(this.shape.length);
      case 'dtype':
        return DTYPES[this.dtype];
      case 'data':
        noteDetach(this.t, ctx);
        return rt.run(() => rt.wrap(this.t.detach(), this.dtype));
      case 'T':
      case 'mT':
        return rt.run(() => {
          const r = this.shape.length;
          const perm = name === 'T' ? this.shape.map((_, i) => r - 1 - i) : this.shape.map((_, i) => (i < r - 2 ? i : i === r - 2 ? r - 1 : r - 2));
          return rt.result(rt.engine.viewOf(rt.torch.permute(this.t, perm), this.t, (l) => permuteLayout(l, perm)), [this]);
        });
      case 'device':
        return CPU;
      case 'is_cuda':
        return false;
      case '_version':
        return BigInt(this.t.version);
      case '__abs__':
        return this.method('abs');
    }
    if (Object.prototype.hasOwnProperty.call(rt.behaviour.methods, name)) return this.method(name);
    return undefined;
  }

  private method(name: string): PyValue {
    const m = this.rt.behaviour.methods[name];
    // NB: a tensor's methods are ops, keeping none of their arguments.
    return opFunction(name, (args, kwargs, ctx) => {
      // NB: __deepcopy__ decides itself (deep_copy.ts): Parameter.__deepcopy__ copies an UninitializedParameter.
      if (!ALLOWED_ON_UNINITIALIZED.has(name) && name !== '__deepcopy__') this.refuseUninitialized(null, () => tensorMethodName(name));
      return m(this, args, kwargs, ctx);
    });
  }

  /** What an uninitialized tensor has of its own: its `shape` refused, `materialize` and `cls_to_become`. */
  private uninitializedAttr(name: string): PyValue | undefined {
    const rt = this.rt;
    switch (name) {
      case 'shape':
        throw uninitializedShape();
      case 'cls_to_become':
        return this.isParameter ? rt.parameterType : rt.tensorType;
      case 'materialize':
        return new PyBuiltin('materialize', (args, kwargs, ctx) => {
          const a = bindArgs('materialize', ['shape', 'device?', 'dtype?'], args, kwargs, ctx);
          const dtype = a.opt('dtype') ?? null;
          if (dtype !== null && !(dtype instanceof TorchDType)) throw pyError('TypeError', `materialize(): argument 'dtype' must be torch.dtype, not ${typeName(dtype)}`);
          this.materialize(a.ints('shape') ?? [], dtype?.name);
          return null;
        });
    }
    return undefined;
  }

  override setattr(name: string, value: PyValue, ctx: HostContext): void {
    const rt = this.rt;
    switch (name) {
      case 'grad':
        if (value !== null && !(value instanceof PyTensor)) throw pyError('TypeError', `assigned grad expected to be a Tensor or None but got grad of type ${typeName(value)}`);
        if (value !== null && value.shape.join() !== this.shape.join()) throw pyError('RuntimeError', 'assigned grad has data of a different size');
        if (this.t.grad && this.t.grad !== (value as PyTensor | null)?.t) rt.letGoOfGrad(this.t.grad);
        if (value !== null) rt.gradsSetByScript.add(value.t);
        this.t.grad = value === null ? null : value.t;
        return;
      case 'requires_grad':
        checkRequiresGrad(this, truthy(value, ctx));
        rt.run(() => {
          this.t.requiresGrad = truthy(value, ctx);
        });
        return;
      case 'data':
        if (!(value instanceof PyTensor)) throw pyError('TypeError', `data must be a Tensor, not ${typeName(value)}`);
        // PyTorch's set_data: x takes y's memory (a write through either reaches the other) and keeps
        // its version counter; its earlier detach()es keep its old memory. A view no longer writes its base.
        {
          const data = rt.run(() => (value.t.view === null ? value.t.sharingMemoryCountedBy(this.t) : value.t.detach()));
          const shared = rt.engine.sharesMemory.get(value.t);
          if (shared) rt.engine.sharesMemory.set(data, shared);
          this.setData(data, value.dtype);
        }
        return;
    }
    super.setattr(name, value, ctx);
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean): PyValue {
    this.refuseUninitialized(other, () => binaryMethodName(op, reflected));
    return this.rt.behaviour.binary(op, this, other, reflected);
  }

  /** `x += y`: PyTorch updates x in place (add_), so other references see the change. */
  override inplace(op: BinaryOp, other: PyValue): PyValue {
    this.refuseUninitialized(other, () => inplaceMethodName(op));
    return this.rt.behaviour.inplace(op, this, other);
  }

  override unary(op: UnaryOp): PyValue {
    const rt = this.rt;
    this.refuseUninitialized(null, () => tensorMethodName({ '+': 'positive', '-': 'neg', '~': '__invert__' }[op]));
    if (op === '+') return this;
    if (op === '-') {
      if (this.dtype === 'bool') throw pyError('RuntimeError', 'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
      return followOperands(rt.run(() => rt.result(rt.torch.neg(this.t), [this])), [this]);
    }
    return rt.behaviour.invert(this);
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    this.refuseUninitialized(other, () => compareMethodName(op));
    return this.rt.behaviour.compare(op, this, other);
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    this.refuseUninitialized(null, () => tensorMethodName('__getitem__'));
    return this.rt.behaviour.getIndex(this, index, ctx);
  }

  override setitem(index: PyValue, value: PyValue, ctx: HostContext): void {
    this.refuseUninitialized(value, () => tensorMethodName('__setitem__'));
    this.rt.behaviour.setIndex(this, index, value, ctx);
  }

  override len(): number {
    this.refuseUninitialized(null, () => tensorMethodName('__len__'));
    if (this.shape.length === 0) throw pyError('TypeError', 'len() of a 0-d tensor');
    return this.shape[0];
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    this.refuseUninitialized(null, () => tensorMethodName('dim'));
    if (this.shape.length === 0) throw pyError('TypeError', 'iteration over a 0-d tensor');
    const n = this.shape[0];
    const self = this;
    const getIndex = this.rt.behaviour.getIndex;
    return (function* () {
      for (let i = 0; i < n; i++) yield getIndex(self, BigInt(i), ctx, "UnbindBackward0");
    })();
  }

  override contains(item: PyValue): PyValue {
    this.refuseUninitialized(item, () => tensorMethodName('__contains__'));
    return this.rt.behaviour.contains(this, item);
  }

  /** The single value, as `item()` reads it; PyTorch's error for more than one. */
  scalarValue(what: string): number {
    this.refuseUninitialized(null, () => tensorMethodName(what === 'item' ? 'item' : `__${what}__`));
    if (this.numel !== 1) {
      if (what === 'bool') throw pyError('RuntimeError', `Boolean value of Tensor with more than one value is ambiguous`);
      throw pyError(what === 'index' ? 'TypeError' : 'ValueError', what === 'index' ? 'only integer tensors of a single element can be converted to an index' : `only one element tensors can be converted to Python scalars`);
    }
    return this.values(what)[0];
  }

  item(): PyValue {
    const v = this.scalarValue('item');
    return this.dtype === 'bool' ? v !== 0 : isFloating(this.dtype) ? v : BigInt(v);
  }

  override bool(): boolean {
    return this.scalarValue('bool') !== 0;
  }

  /** What `np.asarray(t)` and `jnp.asarray(t)` copy: as PyTorch's `t.numpy()`, refused while it requires grad. */
  override arrayData(): HostArrayData {
    this.refuseUninitialized(null, () => tensorMethodName('__array__'));
    if (this.t.requiresGrad) throw pyError('RuntimeError', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    return { values: this.values('numpy'), shape: this.shape, dtype: this.dtype };
  }

  override float(ctx: HostContext): number {
    const v = this.scalarValue('float');
    noteCut(this.t, 'float', ctx);
    return v;
  }

  override int(ctx: HostContext): bigint {
    const v = this.scalarValue('int');
    noteCut(this.t, 'int', ctx);
    if (!Number.isFinite(v)) throw pyError(Number.isNaN(v) ? 'ValueError' : 'OverflowError', `cannot convert float ${Number.isNaN(v) ? 'NaN' : 'infinity'} to integer`);
    return BigInt(Math.trunc(v));
  }

  override index(): bigint {
    if (isFloating(this.dtype)) throw pyError('TypeError', 'only integer tensors of a single element can be converted to an index');
    return BigInt(this.scalarValue('index'));
  }

  override repr(): string {
    if (this.uninitialized !== null) return `<${this.uninitialized.name}>`;
    refuseRebasedNoGradView(this);
    return (this.isParameter ? 'Parameter containing:\n' : '') + tensorRepr({
      values: this.values(),
      shape: this.shape,
      dtype: this.dtype,
      gradFn: this.t.gradFn?.name ?? null,
      requiresGrad: this.t.requiresGrad,
      tangent: this.tangentText(),
    }, this.rt.printOptions);
  }

  /** A dual tensor's tangent as its repr shows it: `'tangent={}'.format(tangent)`, where a 0-d tangent formats as its item. */
  private tangentText(): string | null {
    const tangent = tangentAt(this.t, this.rt.engine.forwardLevel);
    if (tangent === null) return null;
    const values = this.rt.run(() => Array.from(tangent.dataSync()));
    if (tangent.shape.length === 0) return itemStr(values[0], this.dtype);
    return tensorRepr({ values, shape: tangent.shape, dtype: this.dtype, gradFn: tangent.gradFn?.name ?? null, requiresGrad: tangent.requiresGrad }, this.rt.printOptions);
  }

  /** A 0-d tensor formats as its item (`f"{loss:.4f}"`); anything else only with an empty spec. */
  override format(spec: string, ctx: HostContext): string {
    this.refuseUninitialized(null, () => tensorMethodName('__format__'));
    if (this.shape.length === 0) return formatValue(this.item(), spec, ctx);
    if (spec === '') return this.repr();
    throw pyError('TypeError', 'unsupported format string passed to Tensor.__format__');
  }

  /** `str(x.item())`, for messages. */
  itemText(): string {
    return itemStr(this.values()[0], this.dtype);
  }
}

/**
 * Checks an in-place update before the engine starts it, with PyTorch's message.
 * NB: an error thrown inside engine.inPlace would leave the tensors of its tidy scope alive.
 */
/** The outputs of a custom node that are its inputs passed through (BackwardHookFunction's): which output of which node each is. */
const CUSTOM_FUNCTION_VIEWS = new WeakMap<Tensor, { readonly index: number; readonly node: GradNode }>();

/** `t` is output `index` of custom node `node`, its input returned as-is: PyTorch refuses to change it in place. */
export function markCustomFunctionView(t: Tensor, index: number, node: GradNode): void {
  CUSTOM_FUNCTION_VIEWS.set(t, { index, node });
}

export function checkInPlace(x: PyTensor): void {
  if (!x.rt.engine.gradEnabled) return;
  const custom = CUSTOM_FUNCTION_VIEWS.get(x.t);
  if (custom !== undefined && x.t.gradFn === custom.node) {
    throw pyError('RuntimeError', `Output ${custom.index} of ${custom.node.name} is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.`);
  }
  if (x.t.accumulatesGrad) throw pyError('RuntimeError', 'a leaf Variable that requires grad is being used in an in-place operation.');
  // NB: a no_grad view of a tensor that requires grad is a leaf that requires grad too: check_inplace's view checks come first.
  const view = x.t.view;
  if (view !== null && view.base.requiresGrad) {
    if (view.creation === 'grad' && view.base.isLeaf) throw pyError('RuntimeError', 'a view of a leaf Variable that requires grad is being used in an in-place operation.');
    if (view.creation === 'no_grad') {
      throw pyError('RuntimeError', 'A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. '
        + 'You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don\'t want the inplace to be tracked) or both outside (if you want the inplace to be tracked).');
    }
  }
}

/** PyTorch reads a tensor's grad_fn to print it: a no_grad view whose base changed in place has none to give. */
function refuseRebasedNoGradView(x: PyTensor): void {
  if (x.t.isRebasedNoGradView) throw pyError('RuntimeError', REBASED_NO_GRAD_VIEW_MESSAGE);
}

/** PyTorch's message, before the runtime's (which names the storage dtype). */
export function checkRequiresGrad(x: PyTensor, value: boolean): void {
  if (value && !isFloating(x.dtype)) throw pyError('RuntimeError', 'only Tensors of floating point dtype can require gradients');
}

/**
 * Gives `r`, the fresh result of an elementwise op on `operands` (null for a Python number), the
 * strides PyTorch's TensorIterator gives it: its operands' memory order (`x.t() * 2` is transposed
 * in memory too, not row-major).
 */
export function followOperands(r: PyTensor, operands: readonly (PyTensor | null)[]): PyTensor {
  const strided = (x: PyTensor | null): boolean => x !== null && (x.t.view !== null || x.t.memoryStrides !== null);
  if (r.t.view !== null || r.t.memoryStrides !== null || operands.some((x) => x?.t === r.t) || !operands.some(strided)) return r;
  r.t.memoryStrides = elementwiseStrides(r.shape, operands.map((x) => (x === null ? { shape: [], strides: [] } : { shape: x.shape, strides: x.t.layout.strides })));
  return r;
}
