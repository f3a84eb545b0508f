/**
 * The host-object protocol: how values implemented in TypeScript (torch tensors,
 * jax tracers, numpy arrays, `torch.no_grad()` contexts) take part in Python.
 *
 * A host value extends `HostObject` and overrides the hooks it supports; each
 * hook is a Python special method. Defaults behave as Python's `object` does:
 * an operator hook returns `NOT_IMPLEMENTED` (so the interpreter tries the other
 * operand, then raises Python's TypeError), `len` raises "object of type 'X' has
 * no len()", `bool` is true, `repr` is `<X object>`, `str` is `repr`, `format`
 * with an empty spec is `str`.
 *
 *   Python                          hook
 *   x.name / x.name = v             getattr(name) / setattr(name, v)
 *   x(*args, **kwargs)              call(args, kwargs)
 *   x + y, y + x                    binary('+', y, false) / binary('+', y, true)   (also - * / // % ** @ & | ^ << >>)
 *   x += y                          inplace('+', y), falling back to binary
 *   -x, +x, ~x                      unary('-' | '+' | '~')
 *   x < y, x == y ...               compare('<', y)   (also the reflected call: y > x asks y)
 *   x[i] / x[i] = v                 getitem(index) / setitem(index, v)   index: int, slice, tuple, None, Ellipsis, host
 *   len(x), iter(x), v in x         len() / iter() / contains(v)
 *   bool(x), float(x), int(x)       bool() / float() / int()
 *   operator.index(x) (a[x])        index()
 *   with x as y:                    enter() -> y; exit(exc) -> true to swallow exc
 *   repr(x), str(x), f"{x:spec}"    repr() / str() / format(spec)
 *
 * Every hook receives the `HostContext` of the running script: the span of the
 * expression being evaluated (for IR equations and error positions), a way to
 * call Python callables (jax.grad calls the user's function), the tensor-bytes
 * budget, and per-run state.
 *
 * Builtins that Python routes through other special methods read them as
 * attributes: `abs(x)` calls `getattr('__abs__')`, `round(x, n)` `__round__`,
 * `reversed(x)` `__reversed__` (else it reverses `iter()`).
 *
 * Functions are plain values: `pyFunction(name, (args, kwargs, ctx) => ...)`,
 * with `bindArgs` (operators/convert.ts) to bind arguments as Python would. A host type
 * is a `PyType` (`hostType(name, module, construct?)`); its `attrs` map is its
 * class namespace, so a class the script defines can subclass it
 * (`class Net(nn.Module)`): instances are script objects whose methods the
 * type's attrs provide, bound to the instance.
 *
 * Python values reach hooks as `PyValue`s (objects.ts): None is null, bool a
 * boolean, int a bigint, float a number, str a string. `toJs`, `flattenNested`
 * and `nestedFromFlat` (operators/convert.ts) convert numbers and nested lists.
 *
 * Errors: throw `pyError('TypeError', 'message')` for a Python exception the
 * script can catch, and the interpreter places it at the current span. Any other
 * JS error thrown by a hook becomes a `RuntimeError` with its message.
 */
import { pyError, type ExceptionName } from './exceptions';
import {
  NOT_IMPLEMENTED,
  PyBuiltin,
  PyIterator,
  PyObject,
  PyType,
  objectId,
  type ExceptionObject,
  type HostContext,
  type Kwargs,
  type NativeFn,
  type PyValue,
} from './objects';

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '&' | '|' | '^' | '<<' | '>>';
export type UnaryOp = '-' | '+' | '~';
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

let hostObjectsMade = 0;

/** How many host objects were made so far: a host object is new to a statement if its `born` is past the count at its start. */
export function hostObjectCount(): number {
  return hostObjectsMade;
}

/** A place in the same order for a value the interpreter counts names of that is no host object (a generator). */
export function takeHostObjectSerial(): number {
  return hostObjectsMade++;
}

/** What arrayData gives: row-major values, the shape, and the dtype as the array's own library names it. */
export interface HostArrayData {
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8' | 'int8' | 'int16' | 'uint16' | 'uint32' | 'uint64';
}

/**
 * The other side of an array whose memory another library's array shares in the real libraries
 * (PyTorch's `t.numpy()` and `torch.from_numpy(a)`): Gradlens holds a copy on each side, kept
 * equal through this, as the array takes the other's values before it is read and hands its own
 * over when it is written.
 */
export interface SharedMemory {
  /** The other side's values when they were written since the array last took or gave them; undefined when not. */
  changed(): HostArrayData | undefined;
  /** The array's values (row-major) were written in place: the other side takes them. */
  written(values: ArrayLike<number>): void;
  /** The array is let go of: the other side may be too. */
  release(): void;
}

export abstract class HostObject extends PyObject {
  /** Its place in the order host objects were made (see hostObjectCount). */
  declare readonly born: number;

  constructor() {
    super();
    // NB: assigned, not a field initializer: with many subclasses the initializer's define was
    // megamorphic and went to the runtime (~0.3 µs a tensor: 5% of W4, whose every op makes one).
    this.born = hostObjectsMade++;
  }

  /** The Python type: what `type(x)` returns, what `isinstance` checks, the name in error messages. */
  abstract get pyType(): PyType;

  /**
   * Whether the interpreter counts the names bound to this value and offers it to `collect` when
   * the last one goes (a tensor, whose memory PyTorch frees at once). False by default.
   */
  get collectable(): boolean {
    return false;
  }

  /**
   * The values Python can read back out of this object (a pytree node's children: an optimizer's
   * state holds its arrays), so an op returning it keeps them; undefined where it exposes none.
   */
  held(): readonly PyValue[] | undefined {
    return undefined;
  }

  /**
   * Whether, as a class attribute, this value binds to the instance it is read from, as a Python
   * function does (a jitted function: JAX's PjitFunction defines `__get__`). False by default.
   */
  get bindsAsMethod(): boolean {
    return false;
  }

  /**
   * Whether calling this value keeps none of its arguments (a transformed function: `jax.grad(f)`,
   * `jax.jit(f)`), as an op's: its temporary arguments go when the statement ends. False by default.
   */
  get keepsNoArguments(): boolean {
    return false;
  }

  /**
   * Whether, as a decorator (`@torch.no_grad()`), this value returns a wrapper that holds only the
   * function it was given: the wrapper then holds a count on it, and a closure goes with the
   * wrapper's last name. False by default: the host may keep the function where nothing counts it.
   */
  get wrapsItsArgument(): boolean {
    return false;
  }

  /**
   * Frees what this value holds: the interpreter has seen the last Python name bound to it go
   * and nothing in Python can reach it any more (it never went into a container, an attribute,
   * a default or a call's arguments). Return false to keep it, when something outside Python
   * (a tape, a leaf's `.grad`) may still hold it.
   */
  collect(_ctx: HostContext): boolean {
    return false;
  }

  /**
   * The dict key of a value hashed by what it holds rather than by identity (a complex, bytes): equal
   * values share one; null where the value is unhashable (a bytearray); undefined (the default) for
   * identity.
   */
  valueKey(): string | null | undefined {
    return undefined;
  }

  /** `hash(x)` for a value hashed by what it holds (see `valueKey`); undefined hashes by identity. */
  hashValue(_ctx: HostContext): bigint | undefined {
    return undefined;
  }

  /** `x.name`; `undefined` when there is no such attribute (the interpreter raises AttributeError). */
  getattr(_name: string, _ctx: HostContext): PyValue | undefined {
    return undefined;
  }

  setattr(name: string, _value: PyValue, _ctx: HostContext): void {
    throw pyError('AttributeError', `'${this.pyType.nativeName}' object has no attribute '${name}'`);
  }

  call(_args: PyValue[], _kwargs: Kwargs, _ctx: HostContext): PyValue {
    throw pyError('TypeError', `'${this.pyType.nativeName}' object is not callable`);
  }

  /** `this op other` (or `other op this` when `reflected`); NOT_IMPLEMENTED to let the other side try. */
  binary(_op: BinaryOp, _other: PyValue, _reflected: boolean, _ctx: HostContext): PyValue {
    return NOT_IMPLEMENTED;
  }

  /**
   * `this op= other` (`x += 1`): update in place and return this, as PyTorch's
   * in-place ops do; NOT_IMPLEMENTED (the default) falls back to `binary`.
   */
  inplace(_op: BinaryOp, _other: PyValue, _ctx: HostContext): PyValue {
    return NOT_IMPLEMENTED;
  }

  unary(op: UnaryOp, _ctx: HostContext): PyValue {
    throw pyError('TypeError', `bad operand type for unary ${op}: '${this.pyType.nativeName}'`);
  }

  /** `this op other`; NOT_IMPLEMENTED to let the other side try. `==` defaults to identity. */
  compare(op: CompareOp, other: PyValue, _ctx: HostContext): PyValue {
    if (op === '==') return other === this;
    if (op === '!=') return other !== this;
    return NOT_IMPLEMENTED;
  }

  getitem(_index: PyValue, _ctx: HostContext): PyValue {
    throw pyError('TypeError', `'${this.pyType.nativeName}' object is not subscriptable`);
  }

  /** Whether this array takes Python complex operands itself (jax's complex64 arrays); others are refused at the line. */
  get takesComplex(): boolean {
    return false;
  }

  /**
   * An array's values for another array library to copy (NumPy's `__array__`): `torch.tensor(a)`,
   * `np.asarray(t)`. Undefined for a value that is no array.
   */
  arrayData(_ctx: HostContext): HostArrayData | undefined {
    return undefined;
  }

  /** Makes this array share its memory with another library's (see SharedMemory); false where it cannot (no array, or a view of another). */
  shareMemory(_other: SharedMemory): boolean {
    return false;
  }

  /** What shares this array's memory so far (see shareMemory). */
  get sharers(): readonly SharedMemory[] {
    return [];
  }

  setitem(_index: PyValue, _value: PyValue, _ctx: HostContext): void {
    throw pyError('TypeError', `'${this.pyType.nativeName}' object does not support item assignment`);
  }

  len(_ctx: HostContext): number {
    throw pyError('TypeError', `object of type '${this.pyType.nativeName}' has no len()`);
  }

  /**
   * A `for` loop over this object ended early (`break`, `return`, an exception): CPython frees the
   * iterator `__iter__` made there, running its `finally` (a tqdm bar closes). Nothing by default.
   */
  loopLeft(_ctx: HostContext): void {}

  /**
   * Whether the type has `__iter__`: one without it (a NumPy scalar) gets CPython's messages for
   * non-iterables (`cannot unpack non-iterable numpy.float64 object`, `argument of type ... is not iterable`).
   */
  get iterable(): boolean {
    return true;
  }

  iter(_ctx: HostContext): Iterable<PyValue> {
    throw pyError('TypeError', `'${this.pyType.nativeName}' object is not iterable`);
  }

  /** `item in this`; NOT_IMPLEMENTED to fall back to iterating. */
  contains(_item: PyValue, _ctx: HostContext): PyValue {
    return NOT_IMPLEMENTED;
  }

  bool(_ctx: HostContext): boolean {
    return true;
  }

  float(_ctx: HostContext): number {
    throw pyError('TypeError', `float() argument must be a string or a real number, not '${this.pyType.nativeName}'`);
  }

  int(_ctx: HostContext): bigint {
    throw pyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${this.pyType.nativeName}'`);
  }

  /** Use as an index (`a[x]`, `range(x)`): integers only. */
  index(_ctx: HostContext): bigint {
    throw pyError('TypeError', `'${this.pyType.nativeName}' object cannot be interpreted as an integer`);
  }

  enter(_ctx: HostContext): PyValue {
    throw pyError('TypeError', `'${this.pyType.nativeName}' object does not support the context manager protocol`);
  }

  /** Leaves a `with` block; `exc` is the exception leaving it, if any. Return true to swallow it. */
  exit(_exc: ExceptionObject | null, _ctx: HostContext): boolean {
    return false;
  }

  repr(_ctx: HostContext): string {
    return `<${this.pyType.qualifiedName} object at 0x${(0x7f0000000000 + objectId(this) * 16).toString(16)}>`;
  }

  str(ctx: HostContext): string {
    return this.repr(ctx);
  }

  format(spec: string, ctx: HostContext): string {
    if (spec === '') return this.str(ctx);
    throw pyError('TypeError', `unsupported format string passed to ${this.pyType.nativeName}.__format__`);
  }
}

/**
 * A `for` loop is done with an iterator it made (it ran out, `break`, an exception): CPython frees
 * it, and with it the iterators it drew from, running their cleanup (a tqdm bar under enumerate or
 * zip closes, also where zip stopped at a shorter argument first).
 */
export function releaseDrawnFrom(it: PyIterator, ctx: HostContext): void {
  for (const source of it.drawsFrom) {
    if (source instanceof HostObject) source.loopLeft(ctx);
    else if (source instanceof PyIterator) releaseDrawnFrom(source, ctx);
  }
}

/** A Python-callable function implemented in TypeScript: `pyFunction('sin', (args, kwargs, ctx) => ...)`. */
export function pyFunction(name: string, fn: NativeFn): PyBuiltin {
  return new PyBuiltin(name, fn);
}

/** A host function that keeps none of its arguments (see `PyBuiltin.keepsNoArguments`): an op. */
export function opFunction(name: string, fn: NativeFn): PyBuiltin {
  return new PyBuiltin(name, fn, undefined, true);
}

/** A host function that changes what its first argument holds and keeps nothing else (see `PyBuiltin.changesFirst`). */
export function changingFunction(name: string, fn: NativeFn): PyBuiltin {
  const f = new PyBuiltin(name, fn);
  f.changesFirst = true;
  return f;
}

/** A host function that hands its arguments on and keeps none itself (see `PyBuiltin.lendsArguments`). */
export function lendingFunction(name: string, fn: NativeFn): PyBuiltin {
  return new PyBuiltin(name, fn, undefined, false, true);
}

/** A host type for `type(x)`, `isinstance(x, torch.Tensor)` and messages. `construct` makes it callable. */
export function hostType(name: string, module: string, construct?: NativeFn): PyType {
  return new PyType(name, { module, ...(construct ? { construct } : {}) });
}

export { NOT_IMPLEMENTED, pyError };
export type { ExceptionName };
