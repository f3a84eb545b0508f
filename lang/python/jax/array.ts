/**
 * The Python `jax.Array` (and `numpy.ndarray`): a host object over a concrete backend array or a
 * tracer, and the per-run state of the jax and numpy shims its arrays share (JaxRuntime): the
 * backend that concrete arrays live on, and the one place every op goes through. An op on
 * concrete arrays runs at once on the backend (JAX's op-by-op mode); an op touching a tracer
 * records into that tracer's trace, with the Python span. What an array does as a Python object
 * (operators, methods, indexing: lax.ts) is its runtime's ArrayBehaviour, so this file imports
 * none of it; printing follows NumPy (print.ts).
 */
import { bytesOf, formatAval, isComplex, ITEM_BYTES, scalarWords, isFloat, isInteger, KEY_DTYPE, sizeOf, withInterrupt, type AbstractValue, type DType, type SourceSpan } from '../../../runtime/core';
import type { Backend, DeviceArray } from '../../../runtime/backends';
import { callWithoutEffects, isVar, type CallParamsOf, type CallPrimitive } from '../../../runtime/ir';
import { runCallCompiled, type JaxprTrace, type Tracer } from '../../../runtime/jit';
import { Ops, type Emitter } from '../../../runtime/ops';
import { abstractEval, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { HaltError, pyError, PyComplex, formatFloat, formatInt, HostObject, NOT_IMPLEMENTED, hostType, opFunction, pyFunction, type BinaryOp, type CompareOp, type HostArrayData, type HostContext, type Kwargs, type SharedMemory, type UnaryOp, hostValues, getattrOrUndefined, hashKey, pyHash, PyDict, PyList, PyRange, PySlice, PyTuple, PyType, nameTable, type NativeFn, type PyValue, warn } from '../interpreter';
import { concretizationError } from '../staging';
import { arrayStr, jaxRepr, keyRepr, numpyRepr, scalarStr } from './print';
import { originMessage, tracerConversionError, type StagingOrigin } from './tracer_errors';
import { MAX_TRACED_EQUATIONS, Scalar, isTracer, translate, type Val } from './values';
import { ScalarTypes } from './numpy_scalar_types';

export const ARRAY_TYPE = hostType('ArrayImpl', 'jaxlib.xla_extension');
export const NDARRAY_TYPE = new PyType('ndarray', { module: 'numpy', nativeName: 'numpy.ndarray' });
/** A key<fry> array's type (JAX 0.4.35's PRNGKeyArray: no arithmetic, so Python's operators refuse it). */
export const KEY_ARRAY_TYPE = hostType('PRNGKeyArray', 'jax._src.prng');

const isKeys = (x: PyValue): boolean => x instanceof PyArray && x.dtype === KEY_DTYPE;

/** An array method: the array and the Python call's arguments. */
export type ArrayMethod = (self: PyArray, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue;

/** What an array does as a Python object, gathered in array_behaviour.ts over lax.ts. */
export interface ArrayBehaviour {
  /** Named methods (`x.sum()`), by name. */
  readonly methods: Readonly<Record<string, ArrayMethod>>;
  binary(op: BinaryOp, x: PyArray, other: PyValue, reflected: boolean, ctx: HostContext): PyValue;
  unary(op: UnaryOp, x: PyArray, ctx: HostContext): PyValue;
  compare(op: CompareOp, x: PyArray, other: PyValue, ctx: HostContext): PyValue;
  getIndex(x: PyArray, index: PyValue, ctx: HostContext): PyValue;
  /** `x[index] = value` on a NumPy array (numpy_views.ts). */
  setIndex(x: PyArray, index: PyValue, value: PyValue, ctx: HostContext): void;
  /** `x op= other` on a NumPy array, in place; NOT_IMPLEMENTED for a jax array (it rebinds, as JAX's are immutable). */
  inplace(op: BinaryOp, x: PyArray, other: PyValue, ctx: HostContext): PyValue;
  /** `x.T`. */
  /** `x.T` (every axis reversed), or the axes in the order `perm` gives. */
  transpose(x: PyArray, perm?: readonly number[]): PyValue;
  /** `x.at`: JAX's functional index updates. */
  at(x: PyArray): PyValue;
  /** `x.devices()` and `x.sharding`: where a jax array lives. */
  placement(x: PyArray, what: 'devices' | 'sharding', ctx: HostContext): PyValue;
  /** `abs(x)`. */
  abs(x: PyArray, ctx: HostContext): PyValue;
  /** `x.real`, `x.imag`, `x.conj()`: the parts of a complex array; a real array's own value, zeros, itself. */
  complexPart(which: 'real' | 'imag' | 'conj', x: PyArray, ctx: HostContext): PyValue;
}

/** What a traced value is asked for that JAX answers with its own conversion errors (tracer_errors.ts). */
const JAX_CONVERSIONS = new Set(['bool', 'int', 'float', 'index', 'item']);

/**
 * What makes a NumPy array a view of another (`x[0]`, `x.T`, `x.reshape(...)`): its values are
 * `derive(parent)`, computed again whenever its root's values were written; writing into it
 * writes `write(parent, values)` into its parent, and so up to the root.
 */
export interface ArrayView {
  readonly parent: PyArray;
  readonly root: PyArray;
  readonly derive: (parent: PyArray) => PyArray;
  readonly write: (parent: PyArray, values: PyArray) => PyArray;
  /** Whether its elements lie in its root's row-major order, one after another (NumPy's C-contiguous): a reshape of it is a view, else a copy. */
  readonly contiguous: boolean;
  /** The root's `writes` when the values were last derived. */
  seen: number;
}

/**
 * NumPy reads a `range` in an index as the integer array of its values (nnfs's spiral data:
 * `X[range(100 * k, 100 * (k + 1))] = ...`); made as an array, so its size is charged first.
 */
function rangesAsArrays(rt: JaxRuntime, index: PyValue): PyValue {
  if (index instanceof PyRange) {
    const { start, step } = index;
    return new PyArray(rt, rt.generate([Number(index.length)], 'int64', (i) => Number(start + BigInt(i) * step)), false, true);
  }
  if (index instanceof PyTuple && index.items.some((i) => i instanceof PyRange)) return new PyTuple(index.items.map((i) => rangesAsArrays(rt, i)));
  return index;
}

export class PyArray extends HostObject {
  private value: Tracer | DeviceArray;
  private view: ArrayView | null = null;
  /** On an array that is no view: how many times its values were written (views compare it to re-derive theirs). */
  private writes = 0;
  /** Views of this array not yet let go (`discard`): while one is, the values they derive from stay. */
  private viewers = 0;
  /** Python let go of it (see `collect`). */
  private discarded = false;
  /** Whether it holds `value` (see `JaxRuntime.hold`): not a tracer, nor values a discarded view shed. */
  private holding: boolean;
  /** On a NumPy array that is no view: the tensors sharing its memory (`torch.from_numpy`, `t.numpy()`). */
  private shares: SharedMemory[] | null = null;
  /**
   * A NumPy 0-d array that is an array (`np.array(2.0)`, `np.zeros(())`): NB: NumPy's ops give a
   * scalar (`np.float64`) where their result has no axes, so a 0-d NumPy array is one unless made so.
   */
  private zeroDimArray = false;

  constructor(
    readonly rt: JaxRuntime,
    v: Tracer | DeviceArray,
    /** Weakly typed: made from Python scalars only, so it takes the dtype of arrays it meets. */
    readonly weak: boolean,
    /** A NumPy array: printed as `array(...)`, float64 by default where the backend has it. */
    readonly numpy: boolean,
  ) {
    super();
    this.value = v;
    this.holding = !isTracer(v);
    if (this.holding) rt.hold(v as DeviceArray);
    rt.made?.push(this);
  }

  /** The values: NB: a NumPy array's change when it, or an array it is a view of, is written to. */
  get v(): Tracer | DeviceArray {
    const view = this.view;
    (view ? view.root : this).takeShared();
    if (view && view.seen !== view.root.writes) {
      const derived = view.derive(view.parent);
      this.replace(derived.v);
      derived.discard();
      view.seen = view.root.writes;
      view.parent.shed();
    }
    return this.value;
  }

  /**
   * Takes `next` as the values, letting go of the old ones (freed once no array holds them). NB:
   * values derived or written while an op runs would go with that op's intermediates: they stay
   * until no array holds them.
   */
  private replace(next: Tracer | DeviceArray): void {
    const old = this.value;
    const held = this.holding;
    // NB: held before the old values are let go: they may be the same array.
    this.holding = !isTracer(next);
    if (this.holding) this.rt.hold(next as DeviceArray, true);
    this.value = next;
    if (held) this.rt.unhold(old as DeviceArray);
  }

  override shareMemory(other: SharedMemory): boolean {
    if (!this.numpy || this.view || isTracer(this.value)) return false;
    (this.shares ??= []).push(other);
    return true;
  }

  override get sharers(): readonly SharedMemory[] {
    return this.shares ?? [];
  }

  /** Takes the values a sharing tensor was written with since this array last saw it, and hands them to the other sharers. */
  private takeShared(): void {
    if (this.shares === null) return;
    for (const from of this.shares) {
      const data = from.changed();
      if (!data) continue;
      this.writes++;
      this.replace(this.rt.upload(data.values, data.shape, (this.value as DeviceArray).dtype));
      for (const to of this.shares) if (to !== from) to.written(data.values);
    }
  }

  /** NumPy's read-only arrays (np.broadcast_to's view) and the views of one: `x.flags.writeable` is False. */
  private readOnly = false;

  /** Marks a NumPy array (just made) read-only: writing to it, or to a view of it, raises. */
  markReadOnly(): this {
    this.readOnly = true;
    return this;
  }

  get writeable(): boolean {
    return !this.readOnly && (this.view ? this.view.parent.writeable : true);
  }

  /** Marks a NumPy 0-d array (just made) as an ndarray rather than a scalar: see `zeroDimArray`. */
  keptAsArray(): this {
    this.zeroDimArray = this.numpy && this.shape.length === 0;
    return this;
  }

  /** A NumPy scalar (`np.float64(1.0)`, `a.mean()`, `a[0]`): immutable, hashable, its dtype's type. */
  get isScalar(): boolean {
    return this.numpy && !this.zeroDimArray && this.shape.length === 0;
  }

  /** Makes this array (just made from `parent`) a view of it; see ArrayView. */
  viewOf(parent: PyArray, derive: ArrayView['derive'], write: ArrayView['write'], contiguous: boolean): this {
    const root = parent.view ? parent.view.root : parent;
    this.view = { parent, root, derive, write, contiguous: contiguous && parent.contiguous, seen: root.writes };
    parent.viewers++;
    return this;
  }

  /** Whether this array's elements lie in row-major order in its root (an array that is no view's do). */
  get contiguous(): boolean {
    return this.view === null || this.view.contiguous;
  }

  /**
   * Replaces the values (of this array's shape and dtype), through every array this one is a view
   * of. `values` is the caller's temporary: this array takes its values and it is discarded.
   */
  assign(values: PyArray): void {
    const view = this.view;
    if (view) {
      const parent = view.parent;
      const written = view.write(parent, values);
      parent.assign(written);
      view.seen = view.root.writes;
      parent.shed();
    } else {
      this.writes++;
    }
    this.replace(values.v);
    values.discard();
    if (this.shares) {
      const written = this.rt.read(this.value as DeviceArray);
      for (const to of this.shares) to.written(written);
    }
  }

  // An array's memory goes as NumPy's and JAX's does: when nothing reaches its buffer. Each array
  // holds its values (JaxRuntime.hold counts the arrays holding each backend array); a view holds
  // the array it is a view of, whose values it derives from, so an array Python let go of keeps
  // its values while a view of it lives, and goes with the last one. `x.at` keeps x as a view does.

  override get collectable(): boolean {
    return !isTracer(this.value);
  }

  /** Something that is no view keeps this array usable (`x.at`, `x.at[i]`) until it lets go (`letGo`). */
  keep(): void {
    this.viewers++;
  }

  letGo(): void {
    if (--this.viewers === 0 && this.discarded) this.release();
  }

  /** The last Python name bound to it went: its values go, now or with the last view of it. */
  override collect(): boolean {
    if (isTracer(this.value)) return false;
    this.discard();
    return true;
  }

  /** Lets go of this array (Python's or an op's temporary): as `collect`. */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    if (this.viewers === 0) this.release();
    else this.shed();
  }

  private release(): void {
    if (this.holding) this.rt.unhold(this.value as DeviceArray);
    this.holding = false;
    for (const other of this.shares ?? []) other.release();
    this.shares = null;
    const view = this.view;
    if (!view) return;
    const parent = view.parent;
    if (--parent.viewers === 0 && parent.discarded) parent.release();
    else parent.shed();
  }

  /**
   * A view Python let go of whose views live keeps no values of its own: they are derived again
   * (from the array it is a view of) when a view of it needs them, so `x = x[1:]` in a loop
   * holds the base's values and the last view's, not one copy per step.
   */
  private shed(): void {
    const view = this.view;
    if (!view || !this.discarded || this.viewers === 0 || !this.holding) return;
    this.rt.unhold(this.value as DeviceArray);
    this.holding = false;
    // NB: never read again before it is derived anew: `v` derives when `seen` is not the root's count.
    view.seen = -1;
  }

  get pyType(): PyType {
    // NB: asked while the object is constructed too, before its value is set.
    const v = this.value as Tracer | DeviceArray | undefined;
    if (this.numpy) return v !== undefined && this.isScalar ? this.rt.scalarTypes.of(v.dtype) ?? NDARRAY_TYPE : NDARRAY_TYPE;
    return v?.dtype === KEY_DTYPE ? KEY_ARRAY_TYPE : ARRAY_TYPE;
  }
  override get takesComplex(): boolean { return !this.numpy; }
  get shape(): readonly number[] { return this.v.shape; }
  get dtype(): DType { return this.v.dtype; }
  get traced(): boolean { return isTracer(this.v); }

  /**
   * The values, row-major; a traced value answers with its concrete value where its trace runs over
   * concrete primals (grad, jvp, vjp outside jit, as JAX's JVP tracers do), else raises the
   * concretization error.
   */
  values(ctx: HostContext, what = 'bool'): ArrayLike<number> {
    if (isTracer(this.v)) {
      const known = this.rt.knownValue(this.v);
      if (!known) {
        throw JAX_CONVERSIONS.has(what) && !this.rt.tracedByGradlens ? this.rt.conversionError(this.v, what) : concretizationError(this.rt, what, ctx);
      }
      return this.rt.read(known);
    }
    return this.rt.read(this.v);
  }

  private scalarValue(ctx: HostContext, what: string): number {
    if (isComplex(this.dtype) && what !== 'bool') {
      // NB: NumPy would warn and drop the imaginary part; Gradlens never drops it silently.
      throw pyError('TypeError', `can't convert a complex array to ${what === 'int' ? 'int' : 'float'}; take jnp.real(x) or jnp.abs(x) first`);
    }
    const vals = this.values(ctx, what);
    if (isComplex(this.dtype) && vals.length === 2) return vals[0] !== 0 || vals[1] !== 0 ? 1 : 0;
    if (vals.length !== 1) {
      throw pyError('TypeError', what === 'bool'
        ? 'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()'
        : 'only length-1 arrays can be converted to Python scalars');
    }
    return vals[0];
  }

  override binary(opName: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    if (isKeys(this) || isKeys(other)) return NOT_IMPLEMENTED;
    return this.onHostUnlessTraced([other], () => this.rt.behaviour.binary(opName, this, other, reflected, ctx));
  }

  override unary(opName: UnaryOp, ctx: HostContext): PyValue {
    if (isKeys(this)) return NOT_IMPLEMENTED;
    return this.onHostUnlessTraced([], () => this.rt.behaviour.unary(opName, this, ctx));
  }

  override compare(opName: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (isKeys(this) || isKeys(other)) return NOT_IMPLEMENTED;
    return this.onHostUnlessTraced([other], () => this.rt.behaviour.compare(opName, this, other, ctx));
  }

  /** A NumPy array's op runs on the host (JaxRuntime.onHost) unless a jax array takes part: `np_x * jnp_y` is jax's. */
  private onHostUnlessTraced<R>(others: readonly PyValue[], fn: () => R): R {
    const jaxOperand = others.some((o) => o instanceof PyArray && !o.numpy);
    return this.numpy && !jaxOperand ? this.rt.onHost(fn) : fn();
  }

  override inplace(opName: BinaryOp, other: PyValue, ctx: HostContext): PyValue {
    // NB: a NumPy scalar is immutable: `s += 1` rebinds s to a new scalar.
    return this.numpy && !this.isScalar ? this.rt.behaviour.inplace(opName, this, other, ctx) : NOT_IMPLEMENTED;
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    if (this.isScalar && (typeof index === 'bigint' || index instanceof PySlice)) throw pyError('IndexError', 'invalid index to scalar variable.');
    const read = this.numpy ? rangesAsArrays(this.rt, index) : index;
    return this.onHostUnlessTraced([read], () => this.rt.behaviour.getIndex(this, read, ctx));
  }

  override setitem(index: PyValue, value: PyValue, ctx: HostContext): void {
    if (this.isScalar) throw pyError('TypeError', `'${this.pyType.nativeName}' object does not support item assignment`);
    if (this.numpy) return this.rt.behaviour.setIndex(this, rangesAsArrays(this.rt, index), value, ctx);
    throw pyError('TypeError', 'JAX arrays are immutable and do not support in-place item assignment. Instead of x[idx] = y, use x = x.at[idx].set(y) or another .at[] method: https://jax.readthedocs.io/en/latest/_autosummary/jax.numpy.ndarray.at.html');
  }

  override len(): number {
    if (this.isScalar) throw pyError('TypeError', `object of type '${this.pyType.nativeName}' has no len()`);
    if (this.shape.length === 0) throw pyError('TypeError', 'len() of unsized object');
    return this.shape[0];
  }

  override get iterable(): boolean {
    return !this.isScalar;
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    if (this.shape.length === 0) throw pyError('TypeError', 'iteration over a 0-d array');
    return Array.from({ length: this.shape[0] }, (_, i) => this.rt.behaviour.getIndex(this, BigInt(i), ctx));
  }

  /**
   * A NumPy scalar keys a dict as the Python number it holds (`{np.int64(1): 'a'}[1]`); a NumPy
   * array, 0-d included, is unhashable; a jax array keys by identity.
   */
  override valueKey(): string | null | undefined {
    if (this.numpy && !this.isScalar) return null;
    if (!this.isScalar || isTracer(this.v)) return undefined;
    return hashKey(this.scalarItem(this.rt.read(this.v)[0]));
  }

  override hashValue(ctx: HostContext): bigint | undefined {
    if (!this.isScalar || isTracer(this.v)) return undefined;
    return pyHash(this.scalarItem(this.rt.read(this.v)[0]), ctx);
  }

  private scalarItem(x: number): PyValue {
    return this.dtype === 'bool' ? x !== 0 : isInteger(this.dtype) ? BigInt(x) : x;
  }

  override bool(ctx: HostContext): boolean { return this.scalarValue(ctx, 'bool') !== 0; }
  override arrayData(ctx: HostContext): HostArrayData {
    if (this.dtype === KEY_DTYPE) throw pyError('TypeError', 'JAX array with PRNGKey dtype cannot be converted to a NumPy array. Use jax.random.key_data(arr) if you wish to extract the underlying integer array.');
    // NB: the same words as lax.ts's complexLeaves (array.ts imports none of lax.ts).
    if (isComplex(this.dtype)) throw pyError('NotImplementedError', `a ${this.dtype} array cannot leave jax in Gradlens (NumPy's and PyTorch's shims hold real dtypes only); pass jnp.real(x) and jnp.imag(x)`);
    return { values: this.values(ctx, 'numpy'), shape: this.shape, dtype: this.dtype };
  }
  override float(ctx: HostContext): number { return this.scalarValue(ctx, 'float'); }
  override int(ctx: HostContext): bigint { return BigInt(Math.trunc(this.scalarValue(ctx, 'int'))); }
  override index(ctx: HostContext): bigint {
    if (isFloat(this.dtype) || this.shape.length !== 0) throw pyError('TypeError', 'only integer scalar arrays can be converted to a scalar index');
    return BigInt(this.scalarValue(ctx, 'index'));
  }

  /** `x.item()`: a Python scalar of the array's kind. */
  item(ctx: HostContext): PyValue {
    if (isComplex(this.dtype)) {
      const z = this.values(ctx, 'item');
      if (z.length !== 2) throw pyError('TypeError', 'only length-1 arrays can be converted to Python scalars');
      return new PyComplex(z[0], z[1]);
    }
    return this.scalarItem(this.scalarValue(ctx, 'item'));
  }

  private printable(ctx: HostContext) {
    return { values: this.values(ctx, 'str'), shape: this.shape, dtype: this.dtype };
  }

  override repr(ctx: HostContext): string {
    if (this.dtype === KEY_DTYPE && !isTracer(this.v)) return keyRepr(this.rt.read(this.v), this.shape);
    if (isTracer(this.v)) return `Traced<ShapedArray(${this.dtype}[${this.shape.join(',')}]${this.weak ? ', weak_type=True' : ''})>with<${this.rt.traceRepr(this.v)}>`;
    if (this.isScalar && !isComplex(this.dtype)) return scalarStr(this.rt.read(this.v)[0], this.dtype);
    return this.numpy ? numpyRepr(this.printable(ctx)) : jaxRepr(this.printable(ctx), this.weak);
  }

  override str(ctx: HostContext): string {
    if (isTracer(this.v) || this.dtype === KEY_DTYPE) return this.repr(ctx);
    return arrayStr(this.printable(ctx));
  }

  override format(spec: string, ctx: HostContext): string {
    if (spec === '' || isTracer(this.v)) return this.str(ctx);
    if (this.shape.length !== 0) throw pyError('TypeError', `unsupported format string passed to ${this.pyType.nativeName}.__format__`);
    if (isComplex(this.dtype)) return (this.item(ctx) as PyComplex).format(spec);
    const x = this.rt.read(this.v)[0];
    if (isInteger(this.dtype)) return formatInt(BigInt(x), spec);
    if (this.dtype === 'bool') return formatInt(x ? 1n : 0n, spec);
    return formatFloat(x, spec);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const rt = this.rt;
    switch (name) {
      case 'shape': return new PyTuple(this.shape.map((d) => BigInt(d)));
      case 'ndim': return BigInt(this.shape.length);
      case 'size': return BigInt(sizeOf(this.shape));
      case 'dtype': return dtypeObject(this.dtype);
      case 'T': return rt.behaviour.transpose(this);
      case 'mT': {
        // NB: NumPy 1.24's ndarray has no mT; jax's is jnp.matrix_transpose.
        if (this.numpy) return undefined;
        const n = this.shape.length;
        if (n < 2) throw pyError('ValueError', `x must be at least two-dimensional for matrix_transpose; got ndim=${n}`);
        return rt.behaviour.transpose(this, [...Array(n - 2).keys(), n - 1, n - 2]);
      }
      case 'itemsize': return dtypeObject(this.dtype).getattr('itemsize');
      case 'nbytes': return BigInt(sizeOf(this.shape)) * (dtypeObject(this.dtype).getattr('itemsize') as bigint);
      // NB: a real array's x.real is x, x.imag zeros of its dtype and x.conj() x itself, as JAX's.
      case 'real': case 'imag': return rt.behaviour.complexPart(name, this, ctx);
      case 'conj': case 'conjugate': return pyFunction(name, (_a, _k, c) => rt.behaviour.complexPart('conj', this, c ?? ctx));
      case 'at': return this.numpy ? undefined : rt.behaviour.at(this);
      case 'devices': case 'sharding': return this.numpy ? undefined : rt.behaviour.placement(this, name, ctx);
      case '__abs__': return pyFunction('__abs__', (_a, _k, c) => rt.behaviour.abs(this, c));
      case '__round__': if (!this.numpy) return undefined; break;
    }
    const method = rt.behaviour.methods[name];
    // np.float64 is a float: float's own methods (`is_integer`, `as_integer_ratio`, `hex`) are its.
    if (!method) return this.isScalar && this.dtype === 'float64' && !name.startsWith('__') && !isTracer(this.v) ? getattrOrUndefined(this.item(ctx), name, ctx) : undefined;
    // NB: a method keeps none of its arguments: an op (see numpyAttrs).
    if (this.numpy) return opFunction(name, (args, kwargs, c) => rt.withTemporaries(() => this.onHostUnlessTraced([...args, ...kwargs.values()], () => method(this, args, kwargs, c ?? ctx))));
    return opFunction(name, (args, kwargs, c) => method(this, args, kwargs, c ?? ctx));
  }
}

/** A dtype as `x.dtype` gives it: prints `float32`, compares equal to `jnp.float32`. */
export class DTypeObject extends HostObject {
  /** `np.dtype(x)` (and `jnp.dtype`, the same class): what `x` names, as NumPy reads it (`float` is float64). */
  static readonly type = hostType('dtype', 'numpy', (args) => {
    const [v] = args;
    if (args.length !== 1) throw pyError('TypeError', `dtype() takes one argument (${args.length} given)`);
    if (v instanceof DTypeObject) return v;
    if (v instanceof ScalarType) return dtypeObject(v.dtype);
    const name = typeof v === 'string' ? v : v instanceof PyType ? v.name : null;
    const d = name === null ? undefined : NUMPY_DTYPE_NAMES[name];
    if (d === undefined) throw pyError('TypeError', `data type ${typeof v === 'string' ? `'${v}'` : 'of this value'} not understood (${ARRAY_DTYPES})`);
    return dtypeObject(d);
  });
  constructor(readonly name: DType, private readonly construct: NativeFn | null = null) {
    super();
  }
  get pyType() { return DTypeObject.type; }
  override str(): string { return this.name; }
  override repr(): string { return `dtype('${this.name}')`; }
  override compare(opName: CompareOp, other: PyValue): PyValue {
    // NB: `x.dtype == np.float64` compares with the scalar type (np.bool_'s name is the dtype's bool_), as `x.dtype == jnp.float32` does.
    const scalarType = (other instanceof PyType && other.module === 'numpy' && DTYPE_NAMES[other.name] === this.name) || (other instanceof ScalarType && other.dtype === this.name);
    const same = (other instanceof DTypeObject && other.name === this.name) || other === this.name || scalarType;
    if (opName === '==') return same;
    if (opName === '!=') return !same;
    return NOT_IMPLEMENTED;
  }
  override getattr(name: string): PyValue | undefined {
    if (name === 'name') return this.name;
    if (name === 'itemsize') return BigInt(this.name === KEY_DTYPE ? 4 : ITEM_BYTES[this.name]);
    return undefined;
  }
  override call(args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
    if (!this.construct) return super.call(args, kwargs, ctx);
    return this.construct(args, kwargs, ctx);
  }
}

/**
 * `jnp.float32`: a class, as JAX's scalar_types.py makes it (`_ScalarMeta`), so `jnp.float32(3.0)`
 * makes an array of its dtype, `isinstance(x, jnp.float32)` asks NumPy's scalar type (true of
 * `np.float32(1.0)`, not of a jax array), `jnp.float32.dtype` is its dtype and
 * `x.dtype == jnp.float32` holds.
 */
export class ScalarType extends PyType {
  constructor(readonly dtype: DType, construct: NativeFn) {
    super(dtype === 'bool' ? 'bool_' : dtype, { module: 'jax.numpy', construct, attrs: new Map([['dtype', dtypeObject(dtype)]]) });
    this.instanceCheck = (v) => v instanceof PyArray && v.numpy && v.isScalar && v.dtype === dtype;
  }
}

const ARRAY_DTYPES = "Gradlens's arrays are float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool and complex";

const DTYPE_OBJECTS = new Map<DType, DTypeObject>();
export function dtypeObject(d: DType): DTypeObject {
  let o = DTYPE_OBJECTS.get(d);
  if (!o) DTYPE_OBJECTS.set(d, (o = new DTypeObject(d)));
  return o;
}

const DTYPE_NAMES = nameTable<DType>({
  float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool', bool_: 'bool', float: 'float32', int: 'int64', uint32: 'uint32',
  uint8: 'uint8', int8: 'int8', int16: 'int16', uint16: 'uint16', ubyte: 'uint8', byte: 'int8', short: 'int16', ushort: 'uint16', u1: 'uint8', i1: 'int8', i2: 'int16', u2: 'uint16',
  uint64: 'uint64', uint: 'uint64',
  complex64: 'complex64', complex128: 'complex128', complex: 'complex64',
});

/** What `np.dtype(name)` gives: Python's `float`, `int` and `complex` are the 64-bit types. */
const NUMPY_DTYPE_NAMES = nameTable<DType>({ ...DTYPE_NAMES, float: 'float64', int: 'int64', complex: 'complex128' });

/** The dtype JAX gives an explicitly requested 64-bit one while jax_enable_x64 is off. */
const TRUNCATED: Partial<Record<DType, DType>> = { float64: 'float32', int64: 'int32', complex128: 'complex64' };

/**
 * `dtype=` as a dtype object, a Python type (`float`, `int`, `bool`) or a string. For jax.numpy
 * (`numpy` false) without jax_enable_x64, an explicit 64-bit dtype is truncated to 32 bits with
 * JAX's UserWarning at the script's line (dtypes.check_user_dtype_supported); `fname` is the
 * function JAX names in it. A Python type (`dtype=float`) is canonicalized without one, as there.
 */
export function toDtype(v: PyValue, rt: JaxRuntime, numpy: boolean, fname?: string): DType {
  const d = requestedDtype(v, numpy);
  const truncated = TRUNCATED[d];
  if (numpy || rt.x64 || truncated === undefined) {
    if (d !== 'int64' && !isComplex(d)) rt.checkDtype(d);
    return d;
  }
  if (!(v instanceof PyType && (v.name === 'float' || v.name === 'int' || v.name === 'complex'))) {
    warn(rt.ctx, `Explicitly requested dtype ${d}${fname ? ` requested in ${fname}` : ''} is not available, and will be truncated to dtype ${truncated}. `
      + 'To enable more dtypes, set the jax_enable_x64 configuration option or the JAX_ENABLE_X64 shell environment variable. '
      + 'See https://github.com/jax-ml/jax#current-gotchas for more.');
  }
  if (truncated !== 'int32' && truncated !== 'complex64') rt.checkDtype(truncated);
  return truncated;
}

/** The dtype `v` names, as NumPy reads it: Python's `float`, `int` and `complex` are the 64-bit ones. */
function requestedDtype(v: PyValue, numpy: boolean): DType {
  let name: string | null = null;
  if (v instanceof DTypeObject) name = v.name;
  else if (v instanceof ScalarType) name = v.dtype;
  else if (typeof v === 'string') name = v;
  else if (v instanceof PyType) name = v.name;
  const d = name === null ? undefined : DTYPE_NAMES[name];
  if (name !== null && /^(complex|complex64|complex128|complex_|cfloat|cdouble|csingle)$/.test(name) && (numpy || !d)) {
    throw pyError('NotImplementedError', `dtype ${name} is not supported by Gradlens's NumPy arrays (jax.numpy's complex64 and complex128 are); carry real and imaginary parts as two real arrays`);
  }
  // NB: Gradlens's arrays have no 16-bit floats; a wider dtype would silently change the numbers.
  if (!d && name !== null && /^(float16|bfloat16)$/.test(name)) {
    throw pyError('NotImplementedError', `dtype ${name} is not supported by Gradlens (${ARRAY_DTYPES}); use float32`);
  }
  if (!d) throw pyError('TypeError', `unsupported dtype: ${name ?? String(v)}`);
  if (name === 'float') return 'float64';
  if (name === 'complex') return 'complex128';
  return d;
}

/**
 * A function of this run that keeps none of its arguments where Python could reach them again and
 * frees what it made and does not return (jnp's, lax's, jax.nn's, an optimizer's update): an op.
 * NB: not one that keeps an argument for later (a schedule or initializer factory closing over one).
 */
export function arrayOp(rt: JaxRuntime, name: string, fn: NativeFn): PyValue {
  return opFunction(name, (args, kwargs, ctx) => rt.withTemporaries(() => fn(args, kwargs, ctx)));
}

/** The arrays in a value (in its lists, tuples and dicts, and what its host objects hold), or null when something else could hold one. */
function arraysIn(v: PyValue, into: Set<PyArray>): Set<PyArray> | null {
  if (v instanceof PyArray) return into.add(v);
  // NB: what a host object holds is what Python can read back out of it (an optimizer's state).
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : v instanceof PyDict ? [...v.map.values()].map(([, x]) => x) : v instanceof HostObject ? v.held() : undefined;
  if (items !== undefined) {
    for (const item of items) if (!arraysIn(item, into)) return null;
    return into;
  }
  return v === null || typeof v !== 'object' ? into : null;
}

/** What an op keeps: its results, and the concrete value of each kept tracer (Python may still branch on it). */
function keptWith(results: readonly Val[], known: WeakMap<Tracer, DeviceArray | Scalar>): readonly Val[] {
  let kept = results;
  for (const v of results) {
    const k = isTracer(v) ? known.get(v) : undefined;
    if (k && !(k instanceof Scalar)) kept = [...kept, k];
  }
  return kept;
}

export class JaxRuntime implements Emitter<Val> {
  readonly o: Ops<Val>;
  /** NumPy's scalar types in this run (`np.float64`): `type()` of a NumPy scalar; numpyAttrs gives them their constructors. */
  readonly scalarTypes = new ScalarTypes();
  /** Concrete arrays alive in this run: freed when the run ends (see `dispose`). */
  private readonly live = new Set<DeviceArray>();
  /** Arrays made since the outermost `run` began, in order. */
  private readonly log: DeviceArray[] = [];
  private depth = 0;
  private readonly pinned = new Set<DeviceArray>();
  /** How many arrays (PyArray) hold each concrete array as their values (see `unhold`). */
  private readonly holders = new Map<DeviceArray, number>();
  /** Values an array took while an op ran (a view's values derived again, an assignment's): not that op's intermediates. */
  private readonly taken = new Set<DeviceArray>();
  /**
   * The concrete value of each tracer whose trace runs over concrete primals (grad, jvp, vjp and
   * vmap's unbatched arguments, outside jit): each traced op is also computed, so Python control
   * flow on those values runs as under JAX's JVP tracers. jit and make_jaxpr trace without them.
   */
  private readonly known = new WeakMap<Tracer, DeviceArray | Scalar>();
  /** The traces of the Python functions being staged, innermost last; `abstract` under jit and make_jaxpr. */
  private readonly staging: { readonly trace: JaxprTrace; readonly abstract: boolean; readonly origin: StagingOrigin | null }[] = [];
  private onHostDepth = 0;
  /** Names of the transformations whose Python function is running, outermost first (for messages). */
  readonly transforming: string[] = [];
  /** The script's source, when the runner gave it: messages quote the code they point at. */
  source: string | null = null;
  /**
   * Whether the editor traces NumPy code here (a NumPy function evaluated with its gradient): its
   * NumPy arrays enter the trace as float64 and NumPy's functions take the traced values. A user's
   * jax transformation does neither (JAX canonicalizes NumPy inputs and its tracers refuse __array__).
   */
  tracesNumpyCode = false;
  /** The jax.numpy function reading its arguments, outermost, for check_arraylike's message (a list passed where an array goes). */
  jnpCall: { readonly name: string; readonly args: readonly PyValue[]; readonly kwargs: Kwargs } | null = null;
  /**
   * What jit traced and compiled, per Python function and per jit options: a second `jax.jit(f)`
   * of the same `f` finds the first one's traces, as JAX's cache on the function does (a global `f`
   * reads is then the value it had at the first trace).
   */
  readonly jitCaches = new WeakMap<object, Map<string, Map<string, unknown>>>();
  /** Gradlens traces a function itself (a lens, `gradlens graph`): a traced value's errors say what to change, where the user's own transformation gets JAX's words. */
  tracedByGradlens = false;
  /** `jax.disable_jit()` or `jax.config.update('jax_disable_jit', True)`: jit calls its function as it is. */
  jitDisabled = false;

  constructor(
    readonly backend: Backend,
    readonly ctx: HostContext,
    /** What its arrays do as Python objects (array_behaviour.ts). */
    readonly behaviour: ArrayBehaviour,
  ) {
    this.o = new Ops<Val>(this);
  }

  /** `jax.config.update("jax_enable_x64", True)`: jax's floats are float64 (NumPy's always are). */
  x64 = false;
  get floatDtype(): DType { return this.x64 ? 'float64' : 'float32'; }
  /** NumPy's integers are int64; jax's int32, int64 with x64 (exact within ±2**53: runtime/core/dtype.ts). */
  intDtype(numpy: boolean): DType { return numpy || this.x64 ? 'int64' : 'int32'; }

  /** Where the script is, for the equation being recorded: its line and the scope it runs in (jax.named_scope, a function). */
  sourceSpan(): SourceSpan {
    const span = this.ctx.span;
    const scope = this.ctx.opScope;
    return scope === null
      ? { file: this.ctx.file, line: span.line, column: span.col, endLine: span.endLine, endColumn: span.endCol }
      : { file: this.ctx.file, line: span.line, column: span.col, endLine: span.endLine, endColumn: span.endCol, scope };
  }

  bind<P extends Primitive>(prim: P, inputs: readonly Val[], params: ParamsOf<P>): Val {
    const tracer = inputs.find(isTracer);
    const trace = tracer?.trace ?? this.stagingTrace();
    if (trace) {
      const src = this.sourceSpan();
      trace.span = src;
      for (const x of inputs) {
        if (isTracer(x)) x.trace.span = src;
        else if (!(x instanceof Scalar)) this.pin(x);
      }
      const out = trace.bind(prim, inputs.map((x) => (x instanceof Scalar ? trace.scalar(x.value, x.dtype) : x)), params);
      this.checkTraced(out);
      // NB: an op on constants staged by jit has no value, as in JAX (Python cannot branch on it).
      if (tracer) this.computeKnown(out, prim, inputs, params);
      return out;
    }
    return this.evaluate(prim, inputs as readonly (DeviceArray | Scalar)[], params);
  }

  /**
   * A call primitive (cond, while, scan, custom derivatives): recorded where a tracer or a staging
   * trace is, with its concrete results where every operand has one; else run at once, its
   * sub-jaxprs compiled.
   */
  bindCall<C extends CallPrimitive>(prim: C, inputs: readonly Val[], params: CallParamsOf<C>): Val[] {
    const tracer = inputs.find(isTracer);
    const trace = tracer?.trace ?? this.stagingTrace();
    if (!trace) return this.evaluateCall(prim, inputs as readonly (DeviceArray | Scalar)[], params);
    trace.span = this.sourceSpan();
    for (const x of inputs) if (!isTracer(x) && !(x instanceof Scalar)) this.pin(x);
    return this.recordCall(trace, prim, inputs, params, tracer !== undefined);
  }

  /**
   * Records a call into `trace`; with `computeKnown`, first runs it on the operands' values when
   * all have one (grad's concrete primals), so its outputs have values too. Its debug callbacks
   * ran then, as JAX runs them in the forward pass over concrete primals: the equation recorded
   * runs them no more (a debug_callback that ran is not recorded).
   */
  recordCall<C extends CallPrimitive>(trace: JaxprTrace, prim: C, inputs: readonly Val[], params: CallParamsOf<C>, computeKnown: boolean): Tracer[] {
    const values = computeKnown ? this.knownValues(inputs) : null;
    const results = values && this.evaluateCall(prim, values, params);
    const recorded = results ? callWithoutEffects(prim, params) : params;
    if (recorded === null) return [];
    const outs = trace.bindCall(prim, inputs.map((x) => (x instanceof Scalar ? trace.scalar(x.value, x.dtype) : x)), recorded);
    outs.forEach((t) => this.checkTraced(t));
    results?.forEach((v, i) => this.known.set(outs[i], v));
    return outs;
  }

  /** Every operand's value, or null when one has none. */
  private knownValues(inputs: readonly Val[]): (DeviceArray | Scalar)[] | null {
    const values: (DeviceArray | Scalar)[] = [];
    for (const x of inputs) {
      const k = isTracer(x) ? this.knownValue(x) : x;
      if (!k) return null;
      values.push(k);
    }
    return values;
  }

  private evaluateCall<C extends CallPrimitive>(prim: C, inputs: readonly (DeviceArray | Scalar)[], params: CallParamsOf<C>): DeviceArray[] {
    const arrays = inputs.map((x) => (x instanceof Scalar ? this.upload(scalarWords(x.value, x.dtype), [], x.dtype) : x));
    this.ctx.checkClock();
    return runCallCompiled(this.backend, prim, arrays, params).map((a) => this.track(a));
  }

  /**
   * Where an op on concrete values goes: while jit or make_jaxpr stages a Python function, into the
   * innermost trace (JAX stages every op there, on literals too, and folds them only when it
   * compiles); else nowhere: it runs (grad, jvp and vmap evaluate such ops, as JAX's do).
   */
  stagingTrace(): JaxprTrace | null {
    if (this.onHostDepth > 0) return null;
    return this.staging.some((s) => s.abstract) ? this.staging[this.staging.length - 1].trace : null;
  }

  /**
   * Runs a NumPy op on concrete values at once, also while jit stages: NumPy runs on the host in
   * JAX, so `np.prod(x.shape)` under jit is a number a shape can take, never a traced value. Ops
   * on tracers still go to their trace. Gradlens's own tracing of NumPy code (tracesNumpyCode)
   * keeps staging them.
   */
  onHost<R>(fn: () => R): R {
    if (this.tracesNumpyCode) return fn();
    this.onHostDepth++;
    try {
      return fn();
    } finally {
      this.onHostDepth--;
    }
  }

  /** Runs `fn` while the Python function traced into `trace` runs; `origin` is what JAX's errors say of that function, where they say it. */
  withStaging<R>(trace: JaxprTrace, abstract: boolean, fn: () => R, origin: StagingOrigin | null = null): R {
    this.staging.push({ trace, abstract, origin });
    try {
      return fn();
    } finally {
      this.staging.pop();
    }
  }

  /** JAX's error for traced `t` asked for `what` (bool, int, float, index, item), saying where the function holding it was staged. */
  conversionError(t: Tracer, what: string): Error {
    return tracerConversionError(what, `${t.dtype}[${t.shape.join(',')}]`, this.originOf(t));
  }

  /**
   * How JAX 0.4.35 prints the trace holding `t` (core.Trace.__repr__): `DynamicJaxprTrace(level=2/0)`
   * inside a jit within a jit, its level one more than the traces around it (the eval trace is
   * level 0). Only where jit and make_jaxpr alone staged it: grad and vmap hold JVPTracers and
   * BatchTracers in JAX, which print their primal or batched value (not known here).
   */
  traceRepr(t: Tracer): string {
    const level = this.staging.findIndex((s) => s.trace === t.trace);
    const byJit = level >= 0 && this.staging.slice(0, level + 1).every((s) => s.origin !== null);
    return byJit ? `DynamicJaxprTrace(level=${level + 1}/0)` : 'DynamicJaxprTrace';
  }

  /** What JAX's errors say of where traced `t` comes from (its _origin_msg): '' where no jit or make_jaxpr staged it. */
  originOf(t: Tracer): string {
    const origin = [...this.staging].reverse().find((s) => s.trace === t.trace)?.origin;
    return origin ? originMessage(origin, t.trace.argumentsOf(t)) : '';
  }

  /** A tracer's concrete value, where its trace runs over concrete primals (a literal always has one). */
  knownValue(t: Tracer): DeviceArray | Scalar | undefined {
    if (!isVar(t.atom)) return new Scalar(t.atom.value, t.atom.dtype);
    return this.known.get(t);
  }

  /** Gives `t` the concrete value `v` (an argument of a trace over concrete primals). */
  setKnown(t: Tracer, v: DeviceArray | Scalar): void {
    this.known.set(t, v);
  }

  /** The concrete value of a traced op's result, when every input has one. */
  computeKnown<P extends Primitive>(out: Tracer, prim: P, inputs: readonly Val[], params: ParamsOf<P>): void {
    const values: (DeviceArray | Scalar)[] = [];
    for (const x of inputs) {
      const k = isTracer(x) ? this.knownValue(x) : x;
      if (!k) return;
      values.push(k);
    }
    this.known.set(out, this.evaluate(prim, values, params));
  }

  private evaluate<P extends Primitive>(prim: P, inputs: readonly (DeviceArray | Scalar)[], params: ParamsOf<P>): DeviceArray {
    // NB: loops, not a map and a closure an op: every NumPy op comes here.
    let temps: DeviceArray[] | null = null;
    const arrays: DeviceArray[] = [];
    for (const x of inputs) {
      if (!(x instanceof Scalar)) {
        arrays.push(x);
        continue;
      }
      const a = this.backend.upload(scalarWords(x.value, x.dtype), { shape: [], dtype: x.dtype });
      (temps ??= []).push(a);
      arrays.push(a);
    }
    try {
      const out = abstractEval(prim, arrays, params);
      const bytes = this.charge(out, prim);
      let a: DeviceArray;
      try {
        a = this.backend.run(prim, arrays, params, out);
      } catch (e) {
        this.ctx.release(bytes);
        throw e;
      }
      return this.keep(a);
    } finally {
      if (temps !== null) for (const a of temps) this.backend.dispose(a);
    }
  }

  aval(x: Val): AbstractValue { return { shape: x.shape, dtype: x.dtype }; }
  scalar(value: number, dtype: DType): Val { return new Scalar(value, dtype); }

  /** An array of `shape` whose values `at(i)` makes on the host, after the tensor budget allowed it. */
  generate(shape: readonly number[], dtype: DType, at: (i: number) => number): DeviceArray {
    this.checkDtype(dtype);
    const aval = { shape, dtype };
    return this.charged(aval, 'upload', () => this.backend.upload(hostValues(sizeOf(shape), at, this.ctx), aval));
  }

  upload(values: ArrayLike<number>, shape: readonly number[], dtype: DType): DeviceArray {
    this.checkDtype(dtype);
    return this.charged({ shape, dtype }, 'upload', () => this.backend.upload(values, { shape, dtype }));
  }

  /**
   * Charges an array before it is made, so one that does not fit the tensor budget is never
   * allocated; the array keeps the charge until it is freed. Each op also checks the clock.
   */
  private charged(aval: AbstractValue, what: string, make: () => DeviceArray): DeviceArray {
    const bytes = this.charge(aval, what);
    let a: DeviceArray;
    try {
      a = make();
    } catch (e) {
      this.ctx.release(bytes);
      throw e;
    }
    this.keep(a);
    return a;
  }

  /** charged's first half: the clock checked, `aval`'s bytes charged (returned, for a failed make to give back). */
  private charge(aval: AbstractValue, what: string): number {
    this.ctx.checkClock();
    const bytes = bytesOf(aval);
    this.ctx.allocate(bytes, () => (what === 'upload' ? formatAval(aval) : `${formatAval(aval)}, the result of ${what}`));
    return bytes;
  }

  /**
   * A traced equation's result must fit the tensor budget beside the arrays held (the compiled
   * kernel will allocate it), and the jaxpr must stay small enough to compile.
   */
  private checkTraced(out: Tracer): void {
    this.ctx.checkClock();
    const bytes = bytesOf(out);
    this.ctx.allocate(bytes, () => `${formatAval(out)}, an intermediate of the traced function`);
    this.ctx.release(bytes);
    if (out.trace.equationCount > MAX_TRACED_EQUATIONS) {
      throw new HaltError('budget', `the traced function has more than ${MAX_TRACED_EQUATIONS.toLocaleString('en-US')} operations (a Python loop unrolled under a transformation?); `
        + 'trace fewer iterations, or call the transformed function inside the loop instead of looping inside it', this.ctx.span);
    }
  }

  /**
   * Keeps `a` until the run ends: a trace captured it as a constant, and the jaxpr may run after
   * the op that made it returns.
   */
  pin(a: DeviceArray): void {
    this.pinned.add(a);
  }

  /** The arrays made since the outermost `withTemporaries` began; null outside one. */
  made: PyArray[] | null = null;

  /**
   * Runs a NumPy function or method: the arrays it made on its way and does not return (a Python
   * scalar or list made an array, a reshape to read) are let go of, as NumPy's temporaries are;
   * NB: all are kept when it returns something other than arrays, numbers and lists or tuples of them.
   */
  withTemporaries<R>(fn: () => R): R {
    if (this.made !== null) return fn();
    const made: PyArray[] = [];
    this.made = made;
    let out: R;
    try {
      out = fn();
    } finally {
      this.made = null;
    }
    const returned = arraysIn(out as PyValue, new Set<PyArray>());
    if (returned) for (const a of made) if (!returned.has(a)) a.discard();
    return out;
  }

  /** One more array holds `a` as its values; `taken`: it took them while an op may be running (see `taken`). */
  hold(a: DeviceArray, taken = false): void {
    this.holders.set(a, (this.holders.get(a) ?? 0) + 1);
    if (taken) this.taken.add(a);
  }

  /**
   * An array let go of `a` (Python let go of it, or it took other values): `a` is freed once no
   * array holds it, unless a trace captured it (pinned) or it is no longer the run's.
   */
  unhold(a: DeviceArray): void {
    const n = this.holders.get(a);
    if (n === undefined) return;
    if (n > 1) {
      this.holders.set(a, n - 1);
      return;
    }
    this.holders.delete(a);
    if (this.pinned.has(a) || !this.live.delete(a)) return;
    this.free(a);
  }

  /** Takes ownership of an array someone else made (a jitted call's result). */
  adopt(a: DeviceArray): DeviceArray {
    return this.track(a);
  }

  /** A value placed on the backend (a Scalar is uploaded); tracers pass through. */
  place(v: Val): Tracer | DeviceArray {
    return v instanceof Scalar ? this.upload(scalarWords(v.value, v.dtype), [], v.dtype) : v;
  }

  read(v: Val): ArrayLike<number> {
    if (v instanceof Scalar) return scalarWords(v.value, v.dtype);
    if (isTracer(v)) throw new Error('read: a tracer has no value');
    return this.backend.readSync(v);
  }

  /** `v`'s values to read at once, never to write or keep: the backend's own where it has them on the host (Backend.peek), else a copy. */
  peek(v: Val): ArrayLike<number> {
    if (v instanceof Scalar || isTracer(v)) return this.read(v);
    return this.backend.peek?.(v) ?? this.backend.readSync(v);
  }

  checkDtype(dtype: DType): void {
    if (!this.backend.dtypes.includes(dtype)) {
      throw pyError('TypeError', `dtype ${dtype} is not supported on the ${this.backend.name} backend; use float32, or run Gradlens with the reference backend`);
    }
  }

  /**
   * Runs one Python-level op: intermediates it made are freed at once, only `keep(result)` lives
   * on; runtime errors become Python exceptions.
   */
  run<R>(fn: () => R, keep: (r: R) => readonly Val[]): R {
    if (this.depth === 0) this.log.length = 0;
    const mark = this.log.length;
    let result: R;
    this.depth++;
    try {
      // A long kernel checks the script's clock between its chunks.
      result = this.depth === 1 ? withInterrupt(() => this.ctx.checkClock(), fn) : fn();
    } catch (e) {
      throw translate(e);
    } finally {
      this.depth--;
    }
    const kept = keptWith(keep(result), this.known);
    // NB: what the op made stays in the log in place, in order, with no Set of what it keeps (one
    // result, as a rule) nor a spliced copy of what it made: bookkeeping paid by every NumPy op.
    const keptSet = kept.length > 8 ? new Set(kept) : null;
    const log = this.log;
    const made = log.length;
    let w = mark;
    for (let i = mark; i < made; i++) {
      const a = log[i];
      if ((keptSet ? keptSet.has(a) : kept.includes(a)) || this.pinned.has(a) || this.taken.has(a)) log[w++] = a;
      else if (this.live.delete(a)) this.free(a);
    }
    log.copyWithin(w, made);
    log.length -= made - w;
    return result;
  }

  /** Frees every concrete array of the run. */
  dispose(): void {
    for (const a of this.live) this.free(a);
    this.live.clear();
    this.pinned.clear();
    this.holders.clear();
    this.taken.clear();
  }

  private free(a: DeviceArray): void {
    this.holders.delete(a);
    this.taken.delete(a);
    this.backend.dispose(a);
    this.ctx.release(bytesOf(a));
  }

  /** Takes an array made elsewhere (a jitted call's result) into the run, charging it. */
  private track(a: DeviceArray): DeviceArray {
    this.ctx.allocate(bytesOf(a), formatAval(a));
    return this.keep(a);
  }

  private keep(a: DeviceArray): DeviceArray {
    this.live.add(a);
    this.log.push(a);
    return a;
  }
}

