/**
 * Python values as the interpreter holds them.
 *
 *   None -> null        bool -> boolean      int -> bigint (arbitrary precision)
 *   float -> number     str -> string        everything else -> a PyObject subclass
 *
 * Ints and floats are distinct JS types so that `15` and `15.0` print as Python
 * prints them and `7 / 2`, `7 // 2` follow Python's rules.
 */
import type * as A from '../../syntax/ast';
import type { Span } from '../../syntax';
import type { OpScope } from '../../../../runtime/core';

export type PyValue = null | boolean | bigint | number | string | PyObject;

/** Keyword arguments of a call, in the order written. */
export type Kwargs = Map<string, PyValue>;

/** The signature of every function implemented in TypeScript (builtins, module functions, host methods). */
export type NativeFn = (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/** What the interpreter offers host code while it runs. */
export interface HostContext {
  /** The expression being evaluated: the call, operator or attribute that reached the host. */
  readonly span: Span;
  /** The script's file name, for messages. */
  readonly file: string;
  /** Calls a Python callable (a `def`, a lambda, a builtin, a host callable) and returns its result. */
  call(fn: PyValue, args: readonly PyValue[], kwargs?: Kwargs): PyValue;
  /**
   * `call`, with each argument counted as a name of its value while the call runs, as CPython's
   * frame holds a call's arguments: a temporary the host made and passes on (nn.Sequential's output
   * of one layer, the next one's input) goes with the running statement once nothing else holds it.
   */
  callLending(fn: PyValue, args: readonly PyValue[], kwargs?: Kwargs): PyValue;
  /**
   * `call` of `fn` bound to `self`, `fn(self, *args)`: a method found on an instance's class (a
   * dunder, `__init__`), without the bound method `call` would take.
   */
  callMethod(fn: PyValue, self: PyValue, args: readonly PyValue[], kwargs?: Kwargs): PyValue;
  /**
   * The scope the ops now run in (an nn.Module call, a `jax.named_scope`, a function called
   * while tracing), innermost; the shims set it around what they run and record it with each op.
   */
  opScope: OpScope | null;
  /**
   * `call`, with each Python function that `fn` calls (at any depth, not `fn` itself) opening a
   * function scope around its ops: how a traced function's helpers become boxes in its graph.
   */
  callScopingCalls(fn: PyValue, args: readonly PyValue[], kwargs?: Kwargs): PyValue;
  repr(v: PyValue): string;
  str(v: PyValue): string;
  /** `v.name`, as the script would write it. */
  getattr(v: PyValue, name: string): PyValue;
  /** `v[key]`, as the script would write it. */
  getitem(v: PyValue, key: PyValue): PyValue;
  /**
   * Charges tensor memory against the run's byte budget; throws the budget error when it would go
   * over. `what` names the array for the message (`f32[100000,100000], the result of add`); a
   * function is called only for the message, so that an op that fits formats nothing.
   */
  allocate(bytes: number, what?: string | (() => string)): void;
  /** Returns memory charged with `allocate` (a tensor was freed). */
  release(bytes: number): void;
  /** Counts `steps` against the step budget and checks the clock and cancellation; for long host loops. */
  tick(steps?: number): void;
  /** Checks the clock and cancellation now: for one long host operation (a big kernel, a long trace). */
  checkClock(): void;
  /** Storage that lives for one run, per key: RNG state, grad mode, caches. */
  state<T>(key: object, init: () => T): T;
  /** Python frames deep before RecursionError (`sys.getrecursionlimit()`); `sys.setrecursionlimit` may lower it. */
  recursionLimit: number;
  /** The run's recursion budget (Budgets.maxRecursionDepth): the most `recursionLimit` may be. */
  readonly maxRecursionLimit: number;
  /** The modules the script has imported so far, by dotted name (what `sys.modules` shows). */
  readonly importedModules: ReadonlyMap<string, PyModule>;
  /** The exception the innermost running `except` handles (`sys.exc_info()[1]`); null outside one. */
  readonly handledException: ExceptionObject | null;
  /** The running function's name (`<module>` at the top level), as a traceback and logging's `funcName` give it. */
  readonly functionName: string;
  /** `traceback.format_exception(exc)`: what CPython prints for it uncaught, its cause or context first. */
  formatException(exc: ExceptionObject): string;
  /**
   * `inst` was just made, before its `__init__` runs: the interpreter counts the names of one whose
   * classes show all it holds (PyType.instanceContents), and frees what it alone holds once none is left.
   */
  madeInstance(inst: PyInstance): void;
  /**
   * `inst` was made by host code with what it holds already in it (copy.deepcopy's copy of a
   * model): counted as madeInstance's are, it holds what it shows, so it goes with its last name.
   */
  madeFilledInstance(inst: PyInstance): void;
  /**
   * Host code is done with `v`, which a Python function it called returned (a sort key): it goes as
   * the running statement ends unless something else holds it, as CPython frees it.
   */
  doneWith(v: PyValue): void;
}

export abstract class PyObject {
  /**
   * Its `id()`, given on first use (see objectId). NB: declared, not initialised: an initialiser
   * would run for every object made, hashed or not.
   */
  declare identity?: number;
  /** Its hashKey when hashed by identity, kept: a set of objects (a graph walk's `visited`) hashes each again and again. */
  declare identityKey?: string;
}

/**
 * A table looked up by names that come from Python (`x.name`, `getattr(x, name)`): an object with
 * no prototype, so that `constructor`, `__proto__`, `valueOf` or `toString` find nothing instead
 * of JavaScript's own `Object` internals.
 */
export function nameTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

let nextObjectId = 1;
const objectIds = new WeakMap<object, number>();
/** A stable identity number, for `id()`, hashing by identity and `<... at 0x...>` reprs. */
export function objectId(o: object): number {
  // NB: a field, not the WeakMap: hashing objects by identity (a set of them) is hot, and a large
  // WeakMap makes every garbage collection slower.
  if (o instanceof PyObject) return (o.identity ??= nextObjectId++);
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

/** A class object's container behaviour (see PyType.classProtocol). */
export interface ClassProtocol {
  items(): PyValue[];
  getitem(key: PyValue, ctx: HostContext): PyValue;
  contains(item: PyValue, ctx: HostContext): boolean;
}

export interface TypeOptions {
  module?: string;
  bases?: readonly PyType[];
  /** Constructs an instance: `int('3')`, `ValueError('x')`, `torch.Tensor(...)`. */
  construct?: NativeFn;
  attrs?: Map<string, PyValue>;
  /** True for the builtin exception hierarchy and classes deriving from it. */
  isException?: boolean;
  /** See PyType.nativeName. */
  nativeName?: string;
}

/** A Python class: a builtin type, an exception class, a host type or a class the script defines. */
export class PyType extends PyObject {
  readonly module: string;
  readonly bases: readonly PyType[];
  /**
   * What C code's messages call an instance's type (CPython's tp_name): the name, but for an
   * extension module's type, whose tp_name carries its module (`'numpy.float64' object is not iterable`).
   */
  readonly nativeName: string;
  /** Set once by builtins.ts for the builtin types. */
  construct: NativeFn | null;
  /** The class namespace: methods and class attributes (for classes the script defines). */
  readonly attrs: Map<string, PyValue>;
  readonly isException: boolean;
  /** Method resolution order, this class first. */
  readonly mro: readonly PyType[];
  /** Set on classes defined by a `class` statement. */
  userDefined = false;
  /**
   * What an instance of this native class holds beyond its `__dict__`, all of it (an nn.Module's
   * parameters, buffers and submodules; nothing for an optimizer, whose state is in its dict).
   * Set where nothing outside Python keeps what the instance holds: then the interpreter counts
   * the names of an instance whose classes are all user-defined or have it (see madeInstance).
   */
  instanceContents: ((inst: PyInstance) => Iterable<PyValue>) | null = null;
  /**
   * `copy.deepcopy` of an instance: puts into `twin` (a new instance of the same class, its
   * `__dict__` already copied) what this native class keeps outside the `__dict__`, each value
   * through `copy` (the same deepcopy call, so shared values stay shared). A class with
   * instanceContents and none of this cannot be deep-copied.
   */
  deepCopyContents: ((source: PyInstance, twin: PyInstance, copy: (v: PyValue) => PyValue) => void) | null = null;
  /** Whether calling the class keeps none of its arguments, as an op's (`nn.Parameter(t)` shares t's memory, not t). */
  keepsNoArguments = false;
  /**
   * Makes the class of a `class` statement that names this one as a base, in place of `type`
   * (what a metaclass does): `class Params(typing.NamedTuple)` becomes a named tuple.
   */
  classFactory: ((name: string, namespace: Map<string, PyValue>, ctx: HostContext, bases: readonly PyType[]) => PyType) | null = null;
  /** What its metaclass's repr calls it in place of `class`: EnumType's `<enum 'Color'>`, `<flag 'Perm'>` (by `__name__`). */
  metaclassRepr: string | null = null;
  /** What the class object itself does as a container, as EnumType does: `for m in Color`, `len(Color)`, `Color['RED']`, `m in Color`. */
  classProtocol: ClassProtocol | null = null;
  /** A metaclass's `__instancecheck__`: `isinstance(t, torch.autograd.Variable)` is true of every tensor. */
  instanceCheck: ((v: PyValue) => boolean) | null = null;
  /**
   * The classes an abstract base class counts as its subclasses beyond those deriving from it, as
   * `ABC.register` makes them (`numbers.Real` takes `float`): `issubclass` and `isinstance` ask it.
   */
  registeredSubclass: ((t: PyType) => boolean) | null = null;
  /** What `type(cls)` gives where it is not `type` (torch.FloatTensor's is `torch.tensortype`). */
  metaclass: PyType | null = null;

  constructor(
    readonly name: string,
    options: TypeOptions = {},
  ) {
    super();
    this.module = options.module ?? 'builtins';
    this.nativeName = options.nativeName ?? name;
    this.bases = options.bases ?? [];
    this.construct = options.construct ?? null;
    this.attrs = options.attrs ?? new Map();
    this.isException = options.isException ?? this.bases.some((b) => b.isException);
    this.mro = linearize(this);
  }

  /** The name a traceback's last line gives an exception class: without `__main__.`, as CPython's traceback module. */
  get tracebackName(): string {
    return this.module === '__main__' ? this.qualname : this.qualifiedName;
  }

  get qualifiedName(): string {
    return this.module === 'builtins' ? this.name : `${this.module}.${this.qualname}`;
  }

  /** `__qualname__`: where a `class` statement defined it (`Outer.Error`, `f.<locals>.Local`), else its name. */
  get qualname(): string {
    const q = this.attrs.get('__qualname__');
    return typeof q === 'string' ? q : this.name;
  }

  isSubtypeOf(other: PyType): boolean {
    return this.mro.includes(other);
  }

  /** A class attribute through the MRO. */
  lookup(name: string): PyValue | undefined {
    for (const t of this.mro) {
      const v = t.attrs.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

function linearize(t: PyType): PyType[] {
  const order = c3Merge(t.bases);
  // NB: a class statement checks its bases with c3Merge first (TypeError); builtin types never fail it.
  if (order === null) throw new Error(`inconsistent method resolution order for ${t.name}`);
  return [t, ...order];
}

/**
 * Python's C3 linearization of a class's bases (the MRO after the class itself): each base's MRO
 * merged with the bases in order, a class taken only when no list has it past its head.
 * Null when no consistent order exists (`class C(A, B)` with B deriving from A).
 */
export function c3Merge(bases: readonly PyType[]): PyType[] | null {
  const lists = [...bases.map((b) => [...b.mro]), [...bases]].filter((l) => l.length);
  const out: PyType[] = [];
  while (lists.length) {
    const head = lists.map((l) => l[0]).find((h) => !lists.some((l) => l.indexOf(h) > 0));
    if (head === undefined) return null;
    out.push(head);
    for (const l of lists) if (l[0] === head) l.shift();
    for (let i = lists.length - 1; i >= 0; i--) if (!lists[i].length) lists.splice(i, 1);
  }
  return out;
}

/** A value an op was applied to, and the span of the expression that gave it (null where none gave it alone: a `*args` item). */
export interface Operand {
  readonly value: PyValue;
  readonly span: Span | null;
}

/**
 * An op that raised: `+`, `@=`, or the name called (`where`, `matmul`), and its operands (a binary
 * operator's sides, a call's receiver and arguments).
 */
export interface FailedOp {
  readonly op: string;
  readonly operands: readonly Operand[];
}

/** A raised or raisable exception: `ValueError('x')`. */
export class ExceptionObject extends PyObject {
  /** Where it was raised (the innermost expression or statement), set as it propagates. */
  span: Span | null = null;
  /** Frames it passed through, innermost first. */
  readonly traceback: { name: string; span: Span }[] = [];
  /** The frame whose `except` caught it last, and where: the outermost line of its traceback while handled there. */
  caughtAt: { readonly name: string; readonly span: Span } | null = null;
  /** Attributes set on instances of exception classes the script defines. */
  readonly dict = new Map<string, PyValue>();
  /** For sandbox refusals raised as exceptions (unsupported modules): print the message alone. */
  bareMessage = false;
  /** The op that raised it itself (a shape error) and what it was applied to: the editor shows their shapes at the line. */
  failedOp: FailedOp | null = null;
  cause: ExceptionObject | null = null;
  context: ExceptionObject | null = null;
  /** Set by `raise ... from`: the traceback leaves the context out (`__suppress_context__`). */
  suppressContext = false;

  constructor(
    readonly type: PyType,
    /** Reassigned by `BaseException.__init__` (`super().__init__(msg)`). */
    public args: PyValue[],
  ) {
    super();
  }
}

/**
 * An instance of a class the script derived from a builtin container (`class Stack(list)`, a
 * namedtuple, `defaultdict`): the class, and its instance attributes (null where the class has
 * no `__dict__`, as a namedtuple).
 */
export interface Subclassed {
  subclass: PyType | null;
  dict: Map<string, PyValue> | null;
}

export class PyTuple extends PyObject implements Subclassed {
  subclass: PyType | null = null;
  dict: Map<string, PyValue> | null = null;

  constructor(readonly items: readonly PyValue[]) {
    super();
  }
}

export class PyList extends PyObject implements Subclassed {
  subclass: PyType | null = null;
  dict: Map<string, PyValue> | null = null;

  constructor(public items: PyValue[]) {
    super();
  }
}

/**
 * Hash key of a hashable value: equal Python values (1, 1.0, True) share a key.
 * `null` for unhashable values (lists, dicts, sets).
 */
export function hashKey(v: PyValue): string | null {
  switch (typeof v) {
    case 'bigint':
      return `i${v}`;
    case 'number':
      return Number.isInteger(v) ? `i${BigInt(v)}` : `f${v}`;
    case 'boolean':
      return v ? 'i1' : 'i0';
    case 'string':
      return `s${v}`;
    case 'object':
      if (v === null) return 'N';
      if (v instanceof PyTuple) {
        const parts: string[] = [];
        for (const item of v.items) {
          const k = hashKey(item);
          if (k === null) return null;
          parts.push(k);
        }
        return `t(${parts.map((p) => `${p.length}:${p}`).join('')})`;
      }
      if (v instanceof PySet && v.frozen) {
        return `z{${[...v.map.keys()].sort().join('|')}}`;
      }
      if (v instanceof PyList || v instanceof PyDict || v instanceof PySet) return null;
      if (v instanceof PyInstance && v.standsFor !== undefined) return hashKey(v.standsFor);
      // A host value hashed by what it holds (values/host.ts's valueKey): a complex, bytes.
      const own = (v as { valueKey?(): string | null | undefined }).valueKey?.();
      if (own !== undefined) return own;
      return (v.identityKey ??= `o${objectId(v)}`);
  }
  return null;
}

/** A dict: insertion-ordered, keyed by hashKey. */
export class PyDict extends PyObject implements Subclassed {
  readonly map = new Map<string, [PyValue, PyValue]>();
  subclass: PyType | null = null;
  dict: Map<string, PyValue> | null = null;

  get size(): number {
    return this.map.size;
  }

  /** `undefined` when absent. Throws nothing: the caller checks hashability with hashKey first. */
  getByKey(k: string): PyValue | undefined {
    return this.map.get(k)?.[1];
  }

  setByKey(k: string, key: PyValue, value: PyValue): void {
    const old = this.map.get(k);
    // Python keeps the first key object (d[1] = 'a'; d[1.0] = 'b' leaves key 1).
    if (old) old[1] = value;
    else this.map.set(k, [key, value]);
  }

  *keys(): IterableIterator<PyValue> {
    for (const [k] of this.map.values()) yield k;
  }

  *values(): IterableIterator<PyValue> {
    for (const [, v] of this.map.values()) yield v;
  }

  entries(): IterableIterator<[PyValue, PyValue]> {
    return this.map.values();
  }
}

export class PySet extends PyObject {
  readonly map = new Map<string, PyValue>();
  /** How many of the first items came from a display of constants, which setorder.ts lays out as CPython's compiler builds it. */
  fromConstants = 0;

  constructor(readonly frozen = false) {
    super();
  }

  get size(): number {
    return this.map.size;
  }

  /** Adds `value` under its hash key `k`, keeping the element already there: `{1, 1.0}` is `{1}`, as in CPython. */
  add(k: string, value: PyValue): void {
    if (!this.map.has(k)) this.map.set(k, value);
  }
}

export class PySlice extends PyObject {
  constructor(
    readonly start: PyValue,
    readonly stop: PyValue,
    readonly step: PyValue,
  ) {
    super();
  }
}

export class PyRange extends PyObject {
  constructor(
    readonly start: bigint,
    readonly stop: bigint,
    readonly step: bigint,
  ) {
    super();
  }

  get length(): bigint {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? (stop - start + step - 1n) / step : 0n;
    return start > stop ? (start - stop - step - 1n) / -step : 0n;
  }

  at(i: bigint): bigint {
    return this.start + i * this.step;
  }
}

/** A one-shot iterator: what zip, map, enumerate, iter() ... return. */
export class PyIterator extends PyObject {
  constructor(
    readonly typeName: string,
    private readonly it: Iterator<PyValue>,
    /** The iterables it draws from (enumerate's, zip's): freeing it frees the iterators it made of them. */
    readonly drawsFrom: readonly PyValue[] = [],
  ) {
    super();
  }

  /** The next value, or `undefined` when exhausted. */
  next(): PyValue | undefined {
    const r = this.it.next();
    return r.done ? undefined : r.value;
  }

  /** An attribute besides `__next__` (a generator's `send`); `undefined` when it has none. */
  attribute(_name: string): PyValue | undefined {
    return undefined;
  }

  /** What its repr says it is: `zip object`, `generator object f`. */
  describe(): string {
    return `${this.typeName} object`;
  }

  [Symbol.iterator](): Iterator<PyValue> {
    return this.it;
  }
}

/** `d.keys()`, `d.values()`, `d.items()`: live views of a dict. */
export class PyDictView extends PyObject {
  constructor(
    readonly dict: PyDict,
    readonly view: 'keys' | 'values' | 'items',
  ) {
    super();
  }
}

/** A function implemented in TypeScript. `self` is set for a builtin method bound to a value (`[].append`). */
export class PyBuiltin extends PyObject {
  constructor(
    readonly name: string,
    readonly fn: NativeFn,
    readonly self?: PyValue,
    /**
     * An op (`torch.softmax`, `F.mse_loss`, a tensor's method): it keeps none of its arguments where
     * Python could reach them again (what it returns is new, or is an argument), so a temporary
     * passed to it (`x * 2 + 1` in `torch.softmax(x * 2 + 1, 0)`) can go when the statement ends.
     */
    readonly keepsNoArguments = false,
    /**
     * It keeps none of its arguments itself, only hands them to code that counts its own names of
     * them (nn.Module's `__call__` to a `forward`): they count as names while it runs, as CPython's
     * frame holds a call's arguments, so a temporary it was given goes when nothing else holds it.
     */
    readonly lendsArguments = false,
  ) {
    super();
  }

  /**
   * It changes what its first argument holds (`setattr(obj, name, v)`, `heapq.heappush(heap, v)`,
   * `heapq.heappop(heap)`, `operator.setitem(d, k, v)`) and keeps nothing else: a first argument whose
   * names the interpreter counts (a list, an instance) holds what it holds then, as after `obj.name = v`
   * or `heap.append(v)`.
   */
  changesFirst = false;
}

/** A function the script defines with `def` or `lambda`. */
export class PyFunction extends PyObject {
  /** NB: made on first use: a closure made at every call (an autograd op's `_backward`) mostly has none. */
  private ownDict: Map<string, PyValue> | undefined;

  /** Attributes assigned to the function object (`f.calls = 0`). */
  get dict(): Map<string, PyValue> {
    return (this.ownDict ??= new Map());
  }

  constructor(
    readonly name: string,
    readonly qualname: string,
    readonly node: A.FunctionDef | A.Lambda,
    /** Default values, one per parameter (undefined where none), evaluated at definition. */
    readonly defaults: readonly (PyValue | undefined)[],
    /** The scope the function was defined in: its closure. Typed by the interpreter. */
    readonly closure: unknown,
  ) {
    super();
  }

  /** The class whose body defined this function, for zero-argument `super()`. */
  ownerClass: PyType | null = null;

  /** hostObjectCount() when it was made, for a closure the interpreter counts (ReferenceCounts.capture); -1 for any other function. */
  born = -1;
}

export class PyBoundMethod extends PyObject {
  constructor(
    readonly fn: PyValue,
    readonly self: PyValue,
  ) {
    super();
  }
}

/** An instance of a class the script defines. */
export class PyInstance extends PyObject {
  readonly dict = new Map<string, PyValue>();
  /** The builtin value it stands for in dicts, sets and `hash()` (an IntEnum member's int); undefined for most instances. */
  standsFor: PyValue | undefined = undefined;
  /**
   * An instance of a class derived from int, float or str: the builtin value's own special method
   * (`__add__`, `__len__`) where the class defines none, undefined where the value has none.
   */
  baseMethod: ((name: string) => PyValue | undefined) | null = null;
  /**
   * hostObjectCount() when it was made, for an instance whose names the interpreter counts
   * (HostContext.madeInstance); -1 for one it does not count, or no longer counts: it went where
   * nothing counts it before it held anything counted. NB: a field, not a WeakMap entry: a
   * micrograd engine makes instances by the hundred thousand.
   */
  born = -1;

  /** NB: not readonly: a lazy nn module becomes its `cls_to_become` on its first forward (`module.__class__ = ...`). */
  constructor(public cls: PyType) {
    super();
  }
}

/** A module: `math`, `torch`, `torch.nn.functional`. */
export class PyModule extends PyObject {
  constructor(
    readonly name: string,
    readonly attrs: Map<string, PyValue>,
    /** A Gradlens shim of a library (torch, jax): a missing attribute is one Gradlens lacks, and says so. */
    readonly isShim = false,
  ) {
    super();
  }
}

class Singleton extends PyObject {
  constructor(readonly name: string) {
    super();
  }
}

export type { Singleton };
/** `...` */
export const ELLIPSIS: PyObject = new Singleton('Ellipsis');
/** Returned by operator hooks that do not handle an operand, as Python's NotImplemented. */
export const NOT_IMPLEMENTED: PyObject = new Singleton('NotImplemented');

export function singletonName(v: PyObject): string | null {
  return v instanceof Singleton ? v.name : null;
}
